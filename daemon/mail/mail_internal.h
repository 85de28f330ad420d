/* mail_internal.h — the e-mail source's state, shared by mail*.c only. */
#ifndef MENTORD_MAIL_INTERNAL_H
#define MENTORD_MAIL_INTERNAL_H

#include "mail/mail.h"

#include <dirent.h>

#define MAIL_BATCH_FILES 400       /* message files per loop turn (and transaction) */
#define MAIL_BATCH_USEC  40000     /* ... or this long, whichever comes first */
#define MAIL_MAX_DEPTH   16

enum mail_sub { MAIL_NEW, MAIL_CUR };

struct mail_dir_job { char *path; int depth; };
struct mail_list_job { char *folder; enum mail_sub sub; };
struct mail_file_job { char *folder; enum mail_sub sub; char *name; };

struct mail_watch {
	int wd;
	char *path;
	char *folder;              /* a new/ or cur/ watch: its Maildir; NULL: a directory walked */
	enum mail_sub sub;
	int depth;
};

struct mail;

/* Where the watcher's finds go: the scanner's functions, set by mail.c, so
 * that the watcher (below the scanner) never calls up into it. */
struct mail_watch_sink {
	int (*dir)(struct mail *m, const char *path, int depth);
	int (*file)(struct mail *m, const char *folder, enum mail_sub sub, const char *name);
	void (*overflow)(struct mail *m);       /* events were lost: walk again */
};

struct mail {
	struct mail_deps deps;
	struct mail_watch_sink sink;
	struct mail_events ev;
	/* settings (owned copies) */
	char **roots, **me;
	size_t n_roots, n_me;
	bool subjects;
	/* the walk: directories to visit, folders' new/ and cur/ to list, files
	 * named by inotify; the listing in progress */
	struct mail_dir_job *dirs;
	size_t n_dirs, cap_dirs;
	struct mail_list_job *lists;
	size_t n_lists, cap_lists, head_lists;
	struct mail_file_job *files;
	size_t n_files, cap_files, head_files;
	DIR *listing;
	struct mail_list_job listing_job;
	struct event *run;         /* one batch per loop turn while work is queued */
	struct event *retry;       /* after a database error: walk again later */
	char *buf;                 /* MAIL_HEADERS_MAX scratch */
	struct mail_activity *pending;   /* announced after COMMIT */
	size_t n_pending, cap_pending;
	/* inotify */
	int ifd;
	struct event *iev;
	struct mail_watch *watches;
	size_t n_watches, cap_watches;
	/* Maildir folders found */
	char **folders;
	size_t n_folders;
	/* status */
	bool scanning;
	unsigned scan_new;         /* files read since the walk began */
	uint64_t known_files, known_messages;
	int64_t last_scan;
	char last_error[256];
};

/* mail_scan.c */
int mail_scan_init(struct mail *m);
void mail_scan_free(struct mail *m);
int mail_scan_start(struct mail *m);              /* (re)walk every root */
void mail_scan_clear(struct mail *m);             /* drop the queued work */
int mail_scan_push_dir(struct mail *m, const char *path, int depth);
int mail_scan_push_file(struct mail *m, const char *folder, enum mail_sub sub, const char *name);
void mail_scan_kick(struct mail *m);              /* run a batch at the next loop turn */
void mail_scan_restart(struct mail *m);           /* drop everything, walk every root again */
void mail_set_error(struct mail *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* mail_watch.c */
int mail_watch_open(struct mail *m);
void mail_watch_close(struct mail *m);
int mail_watch_dir(struct mail *m, const char *path, int depth);
int mail_watch_files(struct mail *m, const char *folder, enum mail_sub sub);
void mail_watch_drop_all(struct mail *m);
/* Whether new mail is found by timed walks (no inotify to be had), and how
 * often: seconds of the daemon's clock. */
#define MAIL_RESCAN_SECONDS 120
bool mail_watch_polling(const struct mail *m);
const char *mail_sub_name(enum mail_sub sub);

#endif
