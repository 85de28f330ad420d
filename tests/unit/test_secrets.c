/* Unit tests for secret files: 0600 or stricter, regular, ours, one line;
 * systemd credentials take precedence. */
#include "base/secrets.h"
#include "tap.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[] = "/tmp/mentord-test-secrets-XXXXXX";

static char *write_file(const char *name, const char *content, mode_t mode)
{
	char *path;
	if (asprintf(&path, "%s/%s", dir, name) < 0)
		abort();
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, content, strlen(content)) != (ssize_t)strlen(content))
		abort();
	close(fd);
	chmod(path, mode);
	return path;
}

static void expect_refused(const char *path, const char *why, const char *name)
{
	char *out = NULL, *err = NULL;
	int r = secrets_read(path, NULL, &out, &err);
	ok(r < 0 && !out && err && strstr(err, path) && strstr(err, why), "%s", name);
	if (err && !strstr(err, why))
		tap_diag("  error was: %s", err);
	free(err);
	secrets_free(out);
}

int main(void)
{
	char *out = NULL, *err = NULL, *p;

	if (!mkdtemp(dir))
		return 1;
	unsetenv("CREDENTIALS_DIRECTORY");
	p = write_file("good", "s3cr3t-token\n", 0600);
	ok(secrets_read(p, NULL, &out, &err) == 0 && out && strcmp(out, "s3cr3t-token") == 0,
	   "0600 file read, trailing newline dropped");
	secrets_free(out);
	free(p);
	p = write_file("ro", "tok", 0400);
	ok(secrets_read(p, NULL, &out, &err) == 0 && strcmp(out, "tok") == 0, "0400 file read");
	secrets_free(out);
	free(p);

	p = write_file("world", "tok\n", 0644);
	expect_refused(p, "mode 0644", "a world-readable file is refused and its mode named");
	free(p);
	p = write_file("group", "tok\n", 0640);
	expect_refused(p, "chmod 600", "a group-readable file is refused with the fix");
	free(p);
	p = write_file("empty", "", 0600);
	expect_refused(p, "is empty", "an empty file is refused");
	free(p);
	p = write_file("two", "a\nb\n", 0600);
	expect_refused(p, "more than one line", "a two-line file is refused");
	free(p);
	char big[9000];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	p = write_file("big", big, 0600);
	expect_refused(p, "larger than 8 KiB", "an oversized file is refused");
	free(p);
	if (asprintf(&p, "%s/missing", dir) < 0)
		return 1;
	expect_refused(p, "No such file", "a missing file is named");
	free(p);
	if (asprintf(&p, "%s", dir) < 0)
		return 1;
	expect_refused(p, "not a regular file", "a directory is refused");
	free(p);
	char *target = write_file("target", "tok", 0600), *link;
	if (asprintf(&link, "%s/link", dir) < 0 || symlink(target, link) < 0)
		return 1;
	expect_refused(link, "symbolic link", "a symbolic link is refused");
	free(link);
	free(target);

	is_int(secrets_read(NULL, NULL, &out, &err), -ENOENT, "nothing configured is -ENOENT");
	ok(err == NULL, "with no error message");

	/* systemd credentials win over the file. */
	char *cdir;
	if (asprintf(&cdir, "%s/creds", dir) < 0 || mkdir(cdir, 0700) < 0)
		return 1;
	setenv("CREDENTIALS_DIRECTORY", cdir, 1);
	char *cred = write_file("creds/x-token", "from-credential\n", 0400);
	p = write_file("file", "from-file\n", 0600);
	ok(secrets_read(p, "x-token", &out, &err) == 0 && strcmp(out, "from-credential") == 0,
	   "$CREDENTIALS_DIRECTORY/NAME takes precedence");
	secrets_free(out);
	ok(secrets_read(p, "other-name", &out, &err) == 0 && strcmp(out, "from-file") == 0,
	   "falls back to the file when the credential is absent");
	secrets_free(out);
	free(p);
	free(cred);
	free(cdir);

	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		tap_diag("cleanup failed");
	return tap_done();
}
