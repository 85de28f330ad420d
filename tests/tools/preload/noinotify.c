/* noinotify.c — LD_PRELOAD shim for tests: inotify_init and inotify_init1
 * fail with EMFILE, as they do when other programs hold every instance of
 * fs.inotify.max_user_instances. Only the test that asks for it loads it;
 * the limit itself is per user, so spending it for real would break the
 * tests running beside. */
#include <errno.h>
#include <sys/inotify.h>

int inotify_init(void)
{
	errno = EMFILE;
	return -1;
}

int inotify_init1(int flags)
{
	(void)flags;
	errno = EMFILE;
	return -1;
}
