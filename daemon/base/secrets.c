#include "base/secrets.h"
#include "common/macros.h"

#include <stdbool.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SECRET_MAX 8192

void secrets_free(char *secret)
{
	if (!secret)
		return;
	explicit_bzero(secret, strlen(secret));
	free(secret);
}

static int fail(char **err, const char *path, const char *why, int r)
{
	if (asprintf(err, "%s: %s", path, why) < 0)
		*err = NULL;
	return r;
}

static int read_file(const char *path, bool check_mode, char **out, char **err)
{
	char buf[SECRET_MAX + 2], why[128];
	struct stat st;
	ssize_t n;
	int fd, r = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
	if (fd < 0)
		return fail(err, path, errno == ELOOP ? "is a symbolic link; refusing it" : strerror(errno), -errno);
	if (fstat(fd, &st) < 0) {
		r = fail(err, path, strerror(errno), -errno);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		r = fail(err, path, "not a regular file", -EINVAL);
		goto out;
	}
	if (check_mode && (st.st_mode & 077)) {
		snprintf(why, sizeof why, "mode %04o lets others read or write it; refusing it "
		         "(run: chmod 600 %s)", (unsigned)(st.st_mode & 07777), path);
		r = fail(err, path, why, -EPERM);
		goto out;
	}
	if (check_mode && st.st_uid != geteuid()) {
		r = fail(err, path, "owned by another user; refusing it", -EPERM);
		goto out;
	}
	n = read(fd, buf, sizeof buf - 1);
	if (n < 0) {
		r = fail(err, path, strerror(errno), -errno);
		goto out;
	}
	if (n > SECRET_MAX) {
		r = fail(err, path, "larger than 8 KiB; not a token", -EFBIG);
		goto out;
	}
	buf[n] = '\0';
	if (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	if (n > 0 && buf[n - 1] == '\r')
		buf[--n] = '\0';
	if (n == 0 || strlen(buf) != (size_t)n || strpbrk(buf, "\n\r")) {
		r = fail(err, path, n == 0 ? "is empty" : "holds more than one line", -EINVAL);
		goto out;
	}
	if (!(*out = strdup(buf)))
		r = -ENOMEM;
out:
	explicit_bzero(buf, sizeof buf);
	close(fd);
	return r;
}

int secrets_read(const char *path, const char *cred_name, char **out, char **err)
{
	const char *dir = getenv("CREDENTIALS_DIRECTORY");
	*out = NULL;
	*err = NULL;
	if (dir && *dir && cred_name) {
		_cleanup_free_ char *p = NULL;
		if (asprintf(&p, "%s/%s", dir, cred_name) < 0)
			return -ENOMEM;
		/* systemd owns and protects its credentials directory; the file may
		 * be root-owned 0400 there, so no ownership check. */
		if (access(p, F_OK) == 0)
			return read_file(p, false, out, err);
	}
	if (!path || !*path)
		return -ENOENT;
	return read_file(path, true, out, err);
}
