/* Unit tests for conffile: keys replaced in place with every other line and
 * comment kept, keys and sections added, files created 0600 in 0700
 * directories, and the old file whole after a failure. */
#include "common/conffile.h"
#include "tap.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[] = "/tmp/mentord-test-conffile-XXXXXX";

static char *path_of(const char *name)
{
	char *p;
	if (asprintf(&p, "%s/%s", dir, name) < 0)
		abort();
	return p;
}

static void put(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");
	if (!f || fputs(s, f) < 0 || fclose(f) != 0)
		abort();
}

static char *get(const char *path)
{
	static char buf[8192];
	FILE *f = fopen(path, "r");
	size_t n;
	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

static unsigned mode_of(const char *path)
{
	struct stat st;
	return stat(path, &st) < 0 ? 0 : (unsigned)(st.st_mode & 07777);
}

/* Makes dir unwritable even for root (immutable flag), or undoes it. */
static bool lock_dir(const char *d, bool on)
{
	if (geteuid() != 0)
		return chmod(d, on ? 0500 : 0700) == 0;
	int fd = open(d, O_RDONLY | O_DIRECTORY), flags = 0;
	bool done = fd >= 0 && ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0;
	if (done) {
		flags = on ? flags | FS_IMMUTABLE_FL : flags & ~FS_IMMUTABLE_FL;
		done = ioctl(fd, FS_IOC_SETFLAGS, &flags) == 0;
	}
	if (fd >= 0)
		close(fd);
	return done;
}

static const char conf[] =
	"# mentord.conf\n"
	"[mentord]\n"
	"interests = cardiology, meded   # what I read\n"
	"\n"
	"[mastodon]\n"
	"; the instance\n"
	"api_base = https://old.example  # my first server\n"
	"me = old@old.example\n"
	"\n"
	"[bluesky]\n"
	"identifier = me.bsky.social\n";

int main(void)
{
	char *p, *q, *sub, *got;

	if (!mkdtemp(dir))
		abort();
	p = path_of("mentord.conf");
	put(p, conf);
	chmod(p, 0640);

	is_int(conffile_set(p, "mastodon", "api_base", "https://new.example"), 0, "replace a key");
	is_str(get(p),
	       "# mentord.conf\n[mentord]\ninterests = cardiology, meded   # what I read\n\n"
	       "[mastodon]\n; the instance\napi_base = https://new.example # my first server\n"
	       "me = old@old.example\n\n[bluesky]\nidentifier = me.bsky.social\n",
	       "the value changed, its comment and every other line stayed");
	is_int(mode_of(p), 0640, "an existing file keeps its mode");

	is_int(conffile_set(p, "mastodon", "token_file", "/home/u/.config/mentord/mastodon-token"), 0,
	       "add a key");
	got = get(p);
	ok(strstr(got, "me = old@old.example\ntoken_file = /home/u/.config/mentord/mastodon-token\n\n[bluesky]"),
	   "added after the section's last line, before the blank line");

	is_int(conffile_set(p, "x", "enabled", "yes"), 0, "add a section");
	got = get(p);
	ok(strstr(got, "identifier = me.bsky.social\n\n[x]\nenabled = yes\n") != NULL, "the section comes at the end");
	ok(strncmp(got, "# mentord.conf\n", 15) == 0, "the first comment is still there");

	const char *keys[] = { "identifier", "app_password_file", "pds_base" };
	const char *vals[] = { "dr.b.bsky.social", "/p/bsky-app-password", "https://bsky.social" };
	is_int(conffile_set_keys(p, "bluesky", keys, vals, 3), 0, "several keys in one write");
	ok(strstr(get(p), "[bluesky]\nidentifier = dr.b.bsky.social\napp_password_file = /p/bsky-app-password\n"
	                  "pds_base = https://bsky.social\n\n[x]") != NULL, "one replaced, two added");

	/* refused values leave the file as it was */
	q = strdup(get(p));
	is_int(conffile_set(p, "x", "me", "a\nb"), -EINVAL, "a new line in a value is refused");
	is_int(conffile_set(p, "x", "me", "a # b"), -EINVAL, "a value the parser would cut is refused");
	is_int(conffile_set(p, "x", "a=b", "c"), -EINVAL, "'=' in a key is refused");
	is_int(conffile_set(p, "x]", "me", "c"), -EINVAL, "']' in a section is refused");
	is_str(get(p), q, "the file is unchanged");

	/* failure on the way: the directory cannot take the temporary file */
	if (lock_dir(dir, true)) {
		int r = conffile_set(p, "x", "me", "someone");
		lock_dir(dir, false);
		ok(r < 0, "an unwritable directory fails (%d)", r);
		is_str(get(p), q, "and the old file is whole");
	} else {
		ok(1, "# SKIP cannot make the directory unwritable");
		ok(1, "# SKIP");
	}
	free(q);
	char listing[64];
	snprintf(listing, sizeof listing, "ls -A %s | grep -c '^\\.' || true", dir);
	FILE *ls = popen(listing, "r");
	ok(ls && fgets(listing, sizeof listing, ls) && atoi(listing) == 0, "no temporary file is left behind");
	if (ls)
		pclose(ls);

	/* new files and directories */
	sub = path_of("new/deeper/mentord.conf");
	is_int(conffile_set(sub, "mastodon", "me", "me@example.social"), 0, "a missing file is created");
	is_str(get(sub), "[mastodon]\nme = me@example.social\n", "with its section");
	is_int(mode_of(sub), 0600, "file 0600");
	free(sub);
	sub = path_of("new/deeper");
	is_int(mode_of(sub), 0700, "directory 0700");
	free(sub);

	/* a symlinked config stays a link */
	sub = path_of("link.conf");
	ok(symlink(p, sub) == 0, "symlink made");
	is_int(conffile_set(sub, "x", "me", "drx"), 0, "set through a symlink");
	struct stat st;
	ok(lstat(sub, &st) == 0 && S_ISLNK(st.st_mode) && strstr(get(p), "[x]\nenabled = yes\nme = drx\n"),
	   "the link stays, its target changed");
	unlink(sub);
	free(sub);

	/* secrets */
	sub = path_of("secret/dir/token");
	umask(022);
	is_int(conffile_write_secret(sub, "s3cr3t", 6), 0, "write a secret");
	is_str(get(sub), "s3cr3t", "content");
	is_int(mode_of(sub), 0600, "secret 0600 under umask 022");
	is_int(conffile_write_secret(sub, "other", 5), 0, "replace it");
	is_str(get(sub), "other", "replaced whole");
	free(sub);
	sub = path_of("secret/dir");
	is_int(mode_of(sub), 0700, "its directory 0700");
	free(sub);

	free(p);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		tap_diag("could not remove %s", dir);
	return tap_done();
}
