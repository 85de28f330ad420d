/* store_internal.h — shared by the store_*.c files only. */
#ifndef MENTORD_STORE_INTERNAL_H
#define MENTORD_STORE_INTERNAL_H

#include "store/store.h"

#include <sqlite3.h>

/* Every statement the daemon runs, prepared once at open. */
enum stmt_id {
	ST_COUNT_MENTORS, ST_COUNT_ACCOUNTS, ST_COUNT_HASHTAGS, ST_COUNT_POSTS, ST_COUNT_EVENTS,
	ST_MENTOR_EXISTS, ST_MENTOR_INSERT, ST_MENTOR_SEQ,
	ST_ACCOUNT_GET, ST_ACCOUNT_INSERT, ST_ACCOUNT_REFOLLOW, ST_ACCOUNT_UNFOLLOW,
	ST_TAG_INSERT, ST_TAG_DELETE,
	ST_MENTOR_ACCOUNTS,
	ST_ACCOUNT_BY_STABLE, ST_ACCOUNT_BY_HANDLE, ST_POST_INSERT, ST_EVENT_INSERT,
	ST_CURSOR_GET, ST_CURSOR_SET, ST_META_GET, ST_META_SET,
	ST_FOLLOWED_LIST, ST_TAG_LIST, ST_ACCOUNT_RESOLVED, ST_POST_EXISTS, ST_CURSOR_AGE,
	ST_POSTS_RELATED, ST_POSTS_CLAIM, ST_NOTIF_INSERT, ST_NOTIFS_BY,
	ST_MENTOR_ROWS, ST_MENTOR_ROW, ST_MENTOR_SAVE_AGG, ST_MENTOR_EVENTS_DESC, ST_MENTOR_EVENTS_ASC,
	ST_EVENT_LOG, ST_MENTOR_BY_HANDLE, ST_MENTOR_BY_NAME, ST_MENTOR_SET_STAGE,
	ST_ACCOUNT_SET_MENTOR, ST_EVENTS_MOVE, ST_MENTOR_ACCOUNT_COUNT, ST_MENTOR_DELETE_EMPTY,
	ST_CANDIDATE_GET, ST_CANDIDATE_PUT, ST_CANDIDATES_TOP, ST_DISMISS,
	ST_MENTOR_RECENT_POSTS, ST_MENTOR_RECENT_EVENTS, ST_ACCOUNT_MENTOR,
	ST_CHECK_ACCEPT, ST_CHECK_ACCEPTED, ST_ACCOUNT_BIO, ST_BIOS,
	ST_MUTE_SET, ST_ANNOUNCED_PUT, ST_ANNOUNCED_PRUNE, ST_TAGGED_RECENT,
	ST_EXPORT_EVENTS,
	ST_BACKFILL_GET, ST_BACKFILL_SET, ST_HISTORY_SET, ST_OLDEST_POST,
	ST_LOCAL_ID_GET, ST_LOCAL_ID_SET, ST_LOCAL_ID_DELETE,
	ST_LEGACY_ANY, ST_LEGACY_BY_ID, ST_LEGACY_BY_AUTHOR, ST_LEGACY_REKEY,
	ST_LEGACY_EVENTS, ST_LEGACY_MENTIONS, ST_LEGACY_TARGETS, ST_LEGACY_NOTIFS,
	ST_FEED_LIST, ST_FEED_CHECKED, ST_FEED_JOIN, ST_FEED_LEAVE_ALL,
	ST_XREADS_ADD, ST_ENGAGEMENT,
	ST__COUNT
};

struct store {
	sqlite3 *db;
	sqlite3_stmt *st[ST__COUNT];
	bool in_tx;
	bool in_read;             /* store_read_begin's snapshot is open */
	const struct clock *clock;   /* store_set_clock; NULL: the system clock */
	/* store_counts() as of counts_changes (sqlite3_total_changes64): a
	 * count(*) over a million posts and events costs tens of ms, and it
	 * only changes when this connection writes. */
	struct store_counts counts;
	int64_t counts_changes;
	bool counts_valid;
	/* Mastodon posts still keyed by an instance's status id (schema 009
	 * left them): only while there are any does an insert look for one to
	 * re-key (store_posts.c). */
	bool legacy_keys;
	/* The e-mail source's statements (store_mail.c), prepared on first use;
	 * mail_stmts_free finalises them at close (a hook, so store.c does not call
	 * up into the files that use it). */
	struct store_mail_stmts *mail;
	void (*mail_stmts_free)(struct store *s);
	store_tx_fn tx_hook;         /* store_set_tx_hook */
	void *tx_hook_data;
	/* store_fault_set: the how-many-th COMMIT from now fails (0: none). */
	unsigned fault_commit;
	unsigned fault_savepoint;    /* the same for store_savepoint */
	bool in_savepoint;
};

/* Tests only (this header is the store's and its tests'): the n-th
 * store_commit from now fails as a failed COMMIT would, after the
 * PRECOMMIT hook has written, and rolls back. n = 0 clears. A full disk
 * needs no hook: PRAGMA max_page_count gives SQLite's own SQLITE_FULL. */
void store_fault_commit(struct store *s, unsigned n);
void store_fault_savepoint(struct store *s, unsigned n);

/* Sets s->legacy_keys from the database (at open, and after a re-key). */
int store_legacy_check(struct store *s);

/* The daemon's clock (store_set_clock), for stored times. */
int64_t store_now(const struct store *s);

/* Returns the prepared statement, reset and with bindings cleared. */
sqlite3_stmt *store_stmt(struct store *s, enum stmt_id id);
/* Logs the connection's last error with context; returns a negative errno. */
int store_error(struct store *s, int rc, const char *what);
/* Steps a statement that returns no rows (or ignores them). */
int store_exec_stmt(struct store *s, sqlite3_stmt *st, const char *what);

#endif
