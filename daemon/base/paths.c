/* paths.c — see paths.h. */
#include "base/paths.h"

#include <stdlib.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int paths_mkdir(const char *path, unsigned mode)
{
	char buf[PATH_MAX];
	size_t len = strlen(path);

	if (len == 0 || len >= sizeof buf)
		return -ENAMETOOLONG;
	memcpy(buf, path, len + 1);
	for (char *p = buf + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char saved = *p;
		*p = '\0';
		if (mkdir(buf, saved ? 0700 : mode) < 0 && errno != EEXIST)
			return -errno;
		*p = saved;
		if (!saved)
			break;
	}
	struct stat st;
	if (stat(path, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	if (st.st_uid == geteuid() && (st.st_mode & 07777) != mode && chmod(path, mode) < 0)
		return -errno;
	return 0;
}

char *paths_expand_home(const char *path)
{
	const char *home = getenv("HOME");
	char *out;

	if (!path)
		return NULL;
	if (path[0] != '~' || (path[1] != '/' && path[1] != '\0') || !home || !*home)
		return strdup(path);
	if (asprintf(&out, "%s%s", home, path + 1) < 0)
		return NULL;
	return out;
}

char *paths_xdg(const char *kind, const char *file)
{
	char var[32], *out = NULL;
	const char *base, *home = getenv("HOME");
	int r;

	snprintf(var, sizeof var, "XDG_%s_HOME", kind);
	base = getenv(var);
	if (base && base[0] == '/')
		r = asprintf(&out, "%s/mentord/%s", base, file);
	else if (strcmp(kind, "STATE") == 0)
		r = asprintf(&out, "%s/.local/state/mentord/%s", home ? home : "", file);
	else
		r = asprintf(&out, "%s/.config/mentord/%s", home ? home : "", file);
	return r < 0 ? NULL : out;
}
