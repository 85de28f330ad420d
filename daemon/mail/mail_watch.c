/* mail_watch.c — inotify, its descriptor in the libevent loop: files
 * arriving in new/ and cur/ are queued for the scanner, files leaving are
 * forgotten (their messages stay), new directories are walked. A rename
 * within a folder (new/x to cur/x:2,S) is the same file: nothing to do. */
#include "mail/mail_internal.h"
#include "store/store.h"
#include "store/store_mail.h"
#include "base/clock.h"
#include "base/log.h"

#include <errno.h>
#include <event2/event.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#define DIR_MASK   (IN_CREATE | IN_MOVED_TO | IN_ONLYDIR | IN_DONT_FOLLOW)
#define FILES_MASK (IN_MOVED_TO | IN_CLOSE_WRITE | IN_DELETE | IN_MOVED_FROM | IN_ONLYDIR | IN_DONT_FOLLOW)

const char *mail_sub_name(enum mail_sub sub)
{
	return sub == MAIL_NEW ? "new" : "cur";
}

static struct mail_watch *find(struct mail *m, int wd)
{
	for (size_t i = 0; i < m->n_watches; i++)
		if (m->watches[i].wd == wd)
			return &m->watches[i];
	return NULL;
}

static void drop_entry(struct mail *m, size_t i)
{
	free(m->watches[i].path);
	free(m->watches[i].folder);
	m->watches[i] = m->watches[--m->n_watches];
}

static int add(struct mail *m, const char *path, uint32_t mask, const char *folder, enum mail_sub sub, int depth)
{
	struct mail_watch *w;
	int wd;

	if (m->ifd < 0)
		return 0;
	if ((wd = inotify_add_watch(m->ifd, path, mask)) < 0) {
		if (errno == ENOSPC)
			snprintf(m->last_error, sizeof m->last_error,
			         "inotify: too many watches (fs.inotify.max_user_watches)");
		log_warn("email: cannot watch a folder: %s", strerror(errno));
		return 0;
	}
	if (find(m, wd))
		return 0;
	if (m->n_watches == m->cap_watches) {
		size_t cap = m->cap_watches ? m->cap_watches * 2 : 32;
		struct mail_watch *grown = realloc(m->watches, cap * sizeof *grown);
		if (!grown)
			return -ENOMEM;
		m->watches = grown;
		m->cap_watches = cap;
	}
	w = &m->watches[m->n_watches];
	*w = (struct mail_watch){ .wd = wd, .path = strdup(path), .folder = folder ? strdup(folder) : NULL,
	                          .sub = sub, .depth = depth };
	if (!w->path || (folder && !w->folder)) {
		free(w->path);
		free(w->folder);
		return -ENOMEM;
	}
	m->n_watches++;
	return 0;
}

int mail_watch_dir(struct mail *m, const char *path, int depth)
{
	/* A root may be a symlink (~/Mail -> /data/mail); below it, links are
	 * not followed (the walk skips them too). */
	return add(m, path, depth == 0 ? DIR_MASK & ~(uint32_t)IN_DONT_FOLLOW : DIR_MASK, NULL, MAIL_NEW, depth);
}

int mail_watch_files(struct mail *m, const char *folder, enum mail_sub sub)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", folder, mail_sub_name(sub));
	return add(m, path, FILES_MASK, folder, sub, 0);
}

void mail_watch_drop_all(struct mail *m)
{
	while (m->n_watches > 0) {
		if (m->ifd >= 0)
			inotify_rm_watch(m->ifd, m->watches[m->n_watches - 1].wd);
		drop_entry(m, m->n_watches - 1);
	}
}

static void forget(struct mail *m, const struct mail_watch *w, const char *name)
{
	char uniq[256];
	size_t n = strcspn(name, ":");
	int r;

	if (n == 0 || n >= sizeof uniq || name[0] == '.')
		return;
	memcpy(uniq, name, n);
	uniq[n] = '\0';
	if ((r = store_mail_file_forget(m->deps.store, w->folder, uniq)) > 0) {
		m->known_files = m->known_files > 0 ? m->known_files - 1 : 0;
		log_debug("email: a message file left %s", w->folder);
	}
}

/* Whether the buffer holds the IN_MOVED_TO of this move, with the same
 * unique name in the same folder: a flag change, not a departure. */
static bool moved_within(struct mail *m, const char *buf, size_t len, const struct inotify_event *from,
                         const struct mail_watch *w)
{
	size_t n = strcspn(from->name, ":");
	for (size_t off = 0; off < len; ) {
		const struct inotify_event *e = (const void *)(buf + off);
		const struct mail_watch *to;
		off += sizeof *e + e->len;
		if (!(e->mask & IN_MOVED_TO) || e->cookie != from->cookie || !e->len)
			continue;
		to = find(m, e->wd);
		return to && to->folder && strcmp(to->folder, w->folder) == 0 &&
		       strcspn(e->name, ":") == n && strncmp(e->name, from->name, n) == 0;
	}
	return false;
}

static void handle(struct mail *m, const char *buf, size_t len, const struct inotify_event *e)
{
	struct mail_watch *w = find(m, e->wd);
	char *path;

	if (!w)
		return;
	if (e->mask & IN_IGNORED) {
		drop_entry(m, (size_t)(w - m->watches));
		return;
	}
	if (!e->len)
		return;
	if (!w->folder) {
		/* A directory appeared: a new folder, or cur/ or new/ making
		 * this one a Maildir; walked (again) either way. */
		if (!(e->mask & IN_ISDIR))
			return;
		if (strcmp(e->name, "cur") == 0 || strcmp(e->name, "new") == 0)
			path = strdup(w->path);
		else if (strcmp(e->name, "tmp") == 0 || asprintf(&path, "%s/%s", w->path, e->name) < 0)
			return;
		if (path && m->sink.dir(m, path, strcmp(path, w->path) ? w->depth + 1 : w->depth) < 0)
			log_err("email: out of memory queueing a folder");
		free(path);
		return;
	}
	if (e->mask & IN_ISDIR)
		return;
	if (e->mask & (IN_MOVED_TO | IN_CLOSE_WRITE)) {
		if (m->sink.file(m, w->folder, w->sub, e->name) < 0)
			log_err("email: out of memory queueing a message file");
	} else if (e->mask & IN_DELETE || ((e->mask & IN_MOVED_FROM) && !moved_within(m, buf, len, e, w))) {
		forget(m, w, e->name);
	}
}

static void on_inotify(evutil_socket_t fd, short what, void *data)
{
	struct mail *m = data;
	char buf[64 * 1024] __attribute__((aligned(__alignof__(struct inotify_event))));

	for (;;) {
		ssize_t n = read(fd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		for (size_t off = 0; off < (size_t)n; ) {
			const struct inotify_event *e = (const void *)(buf + off);
			off += sizeof *e + e->len;
			if (e->mask & IN_Q_OVERFLOW) {
				/* Events were lost: walk everything again (files
				 * already read cost one lookup each). */
				log_warn("email: inotify queue overflowed; scanning the folders again");
				m->sink.overflow(m);
				return;
			}
			handle(m, buf, (size_t)n, e);
		}
	}
}

/* Without inotify (the user's fs.inotify.max_user_instances spent by other
 * programs, or a file system without it) new mail would wait for a restart:
 * walk the folders again now and then instead. A walk already under way is
 * left to finish; files already known cost one lookup each. */
static void on_rescan_tick(evutil_socket_t fd, short what, void *data)
{
	struct mail *m = data;

	if (!m->scanning)
		m->sink.overflow(m);
}

static int rescan_every(struct mail *m, int seconds)
{
	/* On the daemon's clock, as tests scale it. */
	struct timeval tv = clock_timeval(clock_real_usec(m->deps.clock, seconds));

	if (!(m->iev = event_new(m->deps.base, -1, EV_PERSIST, on_rescan_tick, m)) || event_add(m->iev, &tv) < 0)
		return -ENOMEM;
	return 0;
}

int mail_watch_open(struct mail *m)
{
	if (m->iev) {   /* the walks' timer, from a start without inotify: try again */
		event_free(m->iev);
		m->iev = NULL;
	}
	m->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (m->ifd < 0) {
		snprintf(m->last_error, sizeof m->last_error, "inotify: %s", strerror(errno));
		log_warn("email: inotify unavailable (%s): the folders are walked again every %d s instead",
		         strerror(errno), MAIL_RESCAN_SECONDS);
		return rescan_every(m, MAIL_RESCAN_SECONDS);
	}
	if (!(m->iev = event_new(m->deps.base, m->ifd, EV_READ | EV_PERSIST, on_inotify, m)) ||
	    event_add(m->iev, NULL) < 0)
		return -ENOMEM;
	return 0;
}

bool mail_watch_polling(const struct mail *m)
{
	return m->ifd < 0 && m->iev;
}

void mail_watch_close(struct mail *m)
{
	mail_watch_drop_all(m);
	free(m->watches);
	m->watches = NULL;
	m->cap_watches = 0;
	if (m->iev)
		event_free(m->iev);
	m->iev = NULL;
	if (m->ifd >= 0)
		close(m->ifd);
	m->ifd = -1;
}
