/* mail_scan.c — the walk over the Maildir roots and the batches: a few
 * hundred files per loop turn, one transaction each, so the loop never
 * waits long and a kill -9 loses at most one uncommitted batch (read again
 * after the restart: nothing of it was remembered). */
#include "mail/mail_internal.h"
#include "mail/mail_headers.h"
#include "mail/mail_message.h"
#include "store/store.h"
#include "store/store_mail.h"
#include "mentors/mentor_cache.h"
#include "base/clock.h"
#include "base/log.h"

#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define RETRY_SECONDS 60

void mail_set_error(struct mail *m, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(m->last_error, sizeof m->last_error, fmt, ap);
	va_end(ap);
}

static int grow(void **v, size_t *cap, size_t need, size_t size)
{
	void *grown;
	size_t n;
	if (need <= *cap)
		return 0;
	n = *cap ? *cap * 2 : 16;
	if (!(grown = realloc(*v, n * size)))
		return -ENOMEM;
	*v = grown;
	*cap = n;
	return 0;
}

int mail_scan_push_dir(struct mail *m, const char *path, int depth)
{
	char *p;
	if (depth > MAIL_MAX_DEPTH)
		return 0;
	if (grow((void **)&m->dirs, &m->cap_dirs, m->n_dirs + 1, sizeof *m->dirs) < 0 || !(p = strdup(path)))
		return -ENOMEM;
	m->dirs[m->n_dirs++] = (struct mail_dir_job){ .path = p, .depth = depth };
	mail_scan_kick(m);
	return 0;
}

static int push_list(struct mail *m, const char *folder, enum mail_sub sub)
{
	char *f;
	if (m->head_lists == m->n_lists)
		m->head_lists = m->n_lists = 0;
	if (grow((void **)&m->lists, &m->cap_lists, m->n_lists + 1, sizeof *m->lists) < 0 || !(f = strdup(folder)))
		return -ENOMEM;
	m->lists[m->n_lists++] = (struct mail_list_job){ .folder = f, .sub = sub };
	return 0;
}

int mail_scan_push_file(struct mail *m, const char *folder, enum mail_sub sub, const char *name)
{
	char *f, *n;
	if (m->head_files == m->n_files)
		m->head_files = m->n_files = 0;
	if (grow((void **)&m->files, &m->cap_files, m->n_files + 1, sizeof *m->files) < 0)
		return -ENOMEM;
	f = strdup(folder);
	n = strdup(name);
	if (!f || !n) {
		free(f);
		free(n);
		return -ENOMEM;
	}
	m->files[m->n_files++] = (struct mail_file_job){ .folder = f, .sub = sub, .name = n };
	mail_scan_kick(m);
	return 0;
}

void mail_scan_clear(struct mail *m)
{
	for (size_t i = 0; i < m->n_dirs; i++)
		free(m->dirs[i].path);
	for (size_t i = m->head_lists; i < m->n_lists; i++)
		free(m->lists[i].folder);
	for (size_t i = m->head_files; i < m->n_files; i++) {
		free(m->files[i].folder);
		free(m->files[i].name);
	}
	m->n_dirs = m->n_lists = m->head_lists = m->n_files = m->head_files = 0;
	if (m->listing)
		closedir(m->listing);
	m->listing = NULL;
	free(m->listing_job.folder);
	m->listing_job.folder = NULL;
	for (size_t i = 0; i < m->n_folders; i++)
		free(m->folders[i]);
	m->n_folders = 0;
}

void mail_scan_kick(struct mail *m)
{
	if (m->run && !event_pending(m->run, EV_TIMEOUT, NULL))
		event_active(m->run, EV_TIMEOUT, 0);
}

int mail_scan_start(struct mail *m)
{
	int r = 0;
	m->scanning = m->n_roots > 0;
	m->scan_new = 0;
	m->last_error[0] = '\0';
	if (mail_watch_polling(m))   /* stays said: it is why new mail comes late */
		mail_set_error(m, "inotify unavailable: new mail is found by a walk every %d s", MAIL_RESCAN_SECONDS);
	for (size_t i = 0; i < m->n_roots && r >= 0; i++)
		r = mail_scan_push_dir(m, m->roots[i], 0);
	return r;
}

static bool is_dir_at(int dfd, const char *name)
{
	struct stat st;
	return fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
}

static int add_folder(struct mail *m, const char *path)
{
	char **grown;
	for (size_t i = 0; i < m->n_folders; i++)
		if (strcmp(m->folders[i], path) == 0)
			return 0;
	if (!(grown = realloc(m->folders, (m->n_folders + 1) * sizeof *grown)))
		return -ENOMEM;
	m->folders = grown;
	if (!(grown[m->n_folders] = strdup(path)))
		return -ENOMEM;
	m->n_folders++;
	return 1;
}

/* One directory: watched for new sub-folders; a Maildir when it has cur/
 * and new/ (both then watched and listed); its other directories walked. */
static int walk_dir(struct mail *m, const struct mail_dir_job *job)
{
	DIR *d = opendir(job->path);
	struct dirent *de;
	bool maildir;
	int r = 0;

	if (!d) {
		if (job->depth == 0) {
			mail_set_error(m, "maildir %s: %s", job->path, strerror(errno));
			log_warn("email: maildir %s: %s; skipped", job->path, strerror(errno));
		}
		return 0;
	}
	maildir = is_dir_at(dirfd(d), "cur") && is_dir_at(dirfd(d), "new");
	if ((r = mail_watch_dir(m, job->path, job->depth)) < 0)
		goto out;
	if (maildir && (r = add_folder(m, job->path)) > 0) {
		/* Watched before listed: a file arriving between is seen twice
		 * at worst, and the second time skipped. */
		if ((r = mail_watch_files(m, job->path, MAIL_NEW)) < 0 ||
		    (r = mail_watch_files(m, job->path, MAIL_CUR)) < 0 ||
		    (r = push_list(m, job->path, MAIL_NEW)) < 0 || (r = push_list(m, job->path, MAIL_CUR)) < 0)
			goto out;
		log_debug("email: Maildir folder %s", job->path);
	}
	while (r >= 0 && (de = readdir(d))) {
		char *sub;
		if (de->d_name[0] == '.' && (!de->d_name[1] || (de->d_name[1] == '.' && !de->d_name[2])))
			continue;
		if (strcmp(de->d_name, "cur") == 0 || strcmp(de->d_name, "new") == 0 || strcmp(de->d_name, "tmp") == 0)
			continue;
		if (de->d_type != DT_DIR && (de->d_type != DT_UNKNOWN || !is_dir_at(dirfd(d), de->d_name)))
			continue;
		if (asprintf(&sub, "%s/%s", job->path, de->d_name) < 0) {
			r = -ENOMEM;
			break;
		}
		r = mail_scan_push_dir(m, sub, job->depth + 1);
		free(sub);
	}
out:
	closedir(d);
	return r < 0 ? r : 0;
}

/* One message file: skipped when already read. */
static int take_file(struct mail *m, const char *folder, enum mail_sub sub, int dfd, const char *name,
                     struct mail_message_stats *st)
{
	char uniq[256], path[4096];
	struct mail_headers h;
	int64_t mtime = 0;
	size_t n = strcspn(name, ":");
	int r;

	if (name[0] == '.' || n == 0 || n >= sizeof uniq)
		return 0;
	memcpy(uniq, name, n);
	uniq[n] = '\0';
	if ((r = store_mail_file_known(m->deps.store, folder, uniq)) != 0)
		return r < 0 ? r : 0;
	if (dfd < 0) {
		snprintf(path, sizeof path, "%s/%s/%s", folder, mail_sub_name(sub), name);
		r = mail_headers_read(AT_FDCWD, path, m->buf, &h, &mtime);
	} else {
		r = mail_headers_read(dfd, name, m->buf, &h, &mtime);
	}
	if (r == -ENOENT || r == -EISDIR || r == -ELOOP || r == -EINVAL)
		return 0;    /* moved on (its new name is queued) or not a message */
	if (r < 0) {
		mail_set_error(m, "cannot read a message in %s: %s", folder, strerror(-r));
		log_warn("email: cannot read a message file in %s: %s", folder, strerror(-r));
		return r == -ENOMEM ? r : 0;
	}
	r = mail_message_take(m, folder, uniq, &h, mtime, st);
	mail_headers_clear(&h);
	return r;
}

/* The next piece of work; 1 when there was one, 0 when all is done. */
static int step(struct mail *m, struct mail_message_stats *st)
{
	struct dirent *de;
	int r;

	if (m->head_files < m->n_files) {
		struct mail_file_job j = m->files[m->head_files++];
		r = take_file(m, j.folder, j.sub, -1, j.name, st);
		free(j.folder);
		free(j.name);
		return r < 0 ? r : 1;
	}
	if (m->listing) {
		errno = 0;
		while ((de = readdir(m->listing)) && de->d_name[0] == '.')
			;
		if (de)
			return (r = take_file(m, m->listing_job.folder, m->listing_job.sub, dirfd(m->listing),
			                      de->d_name, st)) < 0 ? r : 1;
		closedir(m->listing);
		m->listing = NULL;
		free(m->listing_job.folder);
		m->listing_job.folder = NULL;
		return 1;
	}
	if (m->head_lists < m->n_lists) {
		char path[4096];
		m->listing_job = m->lists[m->head_lists++];
		snprintf(path, sizeof path, "%s/%s", m->listing_job.folder, mail_sub_name(m->listing_job.sub));
		if (!(m->listing = opendir(path))) {
			log_warn("email: cannot list a Maildir folder: %s", strerror(errno));
			free(m->listing_job.folder);
			m->listing_job.folder = NULL;
		}
		return 1;
	}
	if (m->n_dirs > 0) {
		struct mail_dir_job j = m->dirs[--m->n_dirs];
		r = walk_dir(m, &j);
		free(j.path);
		return r < 0 ? r : 1;
	}
	return 0;
}

void mail_scan_restart(struct mail *m)
{
	mail_scan_clear(m);
	mail_watch_drop_all(m);
	if (mail_scan_start(m) < 0)
		log_err("email: cannot start the scan again");
}

static void on_retry(evutil_socket_t fd, short what, void *data)
{
	mail_scan_restart(data);
}

static void fail_batch(struct mail *m, int r)
{
	struct timeval tv = { .tv_sec = RETRY_SECONDS };
	m->n_pending = 0;
	mail_set_error(m, "database: %s", strerror(-r));
	log_err("email: a batch failed (%s); scanning again in %d s", strerror(-r), RETRY_SECONDS);
	mail_scan_clear(m);
	if (m->retry)
		event_add(m->retry, &tv);
}

/* A scan meets a mentor's mail in directory order, not in time order, and
 * the aggregate reads turns in time order: once the walk is over, every
 * mentor with an address is rebuilt from the events (which also covers
 * batches committed before a crash). */
static void rebuild_mentors(struct mail *m)
{
	int64_t *ids = NULL;
	size_t n = 0;
	int r = store_begin(m->deps.store);

	if (r >= 0 && (r = store_mail_mentors(m->deps.store, &ids, &n)) >= 0)
		for (size_t i = 0; i < n && r >= 0; i++)
			r = mentor_cache_rebuild(m->deps.mentors, ids[i]);
	free(ids);
	if (r >= 0)
		r = store_commit(m->deps.store);
	else
		store_rollback(m->deps.store);
	if (r < 0)
		log_err("email: cannot rebuild the mentors' ledgers after the scan: %s", strerror(-r));
	else if (n)
		log_debug("email: %zu mentors' ledgers rebuilt in time order", n);
}

static void scan_done(struct mail *m)
{
	if (!m->scanning)
		return;
	rebuild_mentors(m);
	m->scanning = false;
	m->last_scan = clock_now(m->deps.clock);
	log_info("email: scan done: %zu Maildir folders, %u new message files", m->n_folders, m->scan_new);
	for (size_t i = 0; i < m->n_roots; i++) {
		bool any = false;
		size_t n = strlen(m->roots[i]);
		for (size_t j = 0; j < m->n_folders && !any; j++)
			any = strncmp(m->folders[j], m->roots[i], n) == 0 &&
			      (m->folders[j][n] == '/' || !m->folders[j][n]);
		if (!any && (!m->last_error[0] || mail_watch_polling(m))) {
			mail_set_error(m, "no Maildir folder (cur/ and new/) under %s", m->roots[i]);
			log_warn("email: no Maildir folder (cur/ and new/) under %s", m->roots[i]);
		}
	}
}

static void on_run(evutil_socket_t fd, short what, void *data)
{
	struct mail *m = data;
	struct mail_message_stats st = { 0 };
	uint64_t start = clock_monotonic_usec();
	unsigned steps = 0;
	int r, more = 1;

	if ((r = store_begin(m->deps.store)) < 0) {
		fail_batch(m, r);
		return;
	}
	while (steps < MAIL_BATCH_FILES && (more = step(m, &st)) > 0) {
		if (++steps % 32 == 0 && clock_monotonic_usec() - start > MAIL_BATCH_USEC)
			break;
	}
	if (more < 0) {
		store_rollback(m->deps.store);
		fail_batch(m, more);
		return;
	}
	if ((r = store_commit(m->deps.store)) < 0) {
		fail_batch(m, r);
		return;
	}
	m->known_files += st.files;
	m->known_messages += st.messages;
	m->scan_new += st.files;
	mail_message_flush(m);
	if (st.files)
		log_debug("email: batch of %u files, %u messages, %u events", st.files, st.messages, st.events);
	if (more)
		mail_scan_kick(m);
	else
		scan_done(m);
}

int mail_scan_init(struct mail *m)
{
	if (!(m->run = event_new(m->deps.base, -1, 0, on_run, m)) ||
	    !(m->retry = event_new(m->deps.base, -1, 0, on_retry, m)) ||
	    !(m->buf = malloc(MAIL_HEADERS_MAX)))
		return -ENOMEM;
	return 0;
}

void mail_scan_free(struct mail *m)
{
	mail_scan_clear(m);
	if (m->run)
		event_free(m->run);
	if (m->retry)
		event_free(m->retry);
	free(m->dirs);
	free(m->lists);
	free(m->files);
	free(m->folders);
	free(m->buf);
	free(m->pending);
}
