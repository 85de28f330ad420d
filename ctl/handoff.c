/* handoff.c — the commands that need the networks' libraries (login and
 * logout: libcurl, libcrypto; import: libcsv, libarchive, libcurl) run in
 * mentorctl-full, which this mentorctl executes with the same command line.
 * Loading those libraries costs more than a whole bus round trip (their
 * constructors and relocations, ~3x the bare sd-bus client), so the binary
 * every other command starts must not link them (docs/PERFORMANCE.md, row 3).
 * mentorctl-full is looked up beside this executable (the build tree, or a
 * package that installs both in one folder), then in ../libexec/mentord/
 * (make install). */
#include "ctl.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *const places[] = { "mentorctl-full", "../libexec/mentord/mentorctl-full" };

static int handoff(struct ctl *ctl, const char *cmd)
{
	char self[PATH_MAX], path[PATH_MAX + 64];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	char *slash;

	if (n > 0)
		self[n] = '\0';
	if (n <= 0 || !(slash = strrchr(self, '/'))) {
		fprintf(stderr, "mentorctl: cannot find its own executable: %s\n", strerror(n < 0 ? errno : ENOENT));
		return CTL_EXIT_DAEMON;
	}
	*slash = '\0';
	ctl_disconnect(ctl);
	for (size_t i = 0; i < sizeof places / sizeof places[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", self, places[i]);
		execv(path, ctl->argv);   /* returns only on failure */
	}
	fprintf(stderr, "mentorctl: %s needs mentorctl-full, which is not installed beside %s: %s\n",
	        cmd, self, strerror(errno));
	return CTL_EXIT_DAEMON;
}

int ctl_login(struct ctl *ctl, int argc, char **argv)
{
	(void)argc;
	return handoff(ctl, argv[0]);
}

int ctl_logout(struct ctl *ctl, int argc, char **argv)
{
	(void)argc;
	return handoff(ctl, argv[0]);
}

int ctl_import(struct ctl *ctl, int argc, char **argv)
{
	(void)argc;
	return handoff(ctl, argv[0]);
}
