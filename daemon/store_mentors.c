/* store_mentors.c — mentors, their accounts and tracked hashtags. */
#include "store_internal.h"
#include "util.h"

#include <errno.h>
#include <string.h>

static int mentor_exists(struct store *s, int64_t id)
{
	sqlite3_stmt *st = store_stmt(s, ST_MENTOR_EXISTS);
	int rc;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : store_error(s, rc, "look up mentor");
}

int64_t store_insert_mentor(struct store *s, const char *name)
{
	sqlite3_stmt *st = store_stmt(s, ST_MENTOR_INSERT);
	int64_t id;
	int r;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now_realtime_sec());
	if ((r = store_exec_stmt(s, st, "insert mentor")) < 0)
		return r;
	id = sqlite3_last_insert_rowid(s->db);
	st = store_stmt(s, ST_MENTOR_SEQ);
	sqlite3_bind_int64(st, 1, id);
	if ((r = store_exec_stmt(s, st, "record mentor id")) < 0)
		return r;
	return id;
}

static int mentor_insert(struct store *s, const char *name, int64_t *out)
{
	int64_t id = store_insert_mentor(s, name);
	if (id < 0)
		return (int)id;
	*out = id;
	return 0;
}

/* Looks up an account: 1 found (fills id/followed/mentor), 0 absent. */
static int account_get(struct store *s, const char *platform, const char *handle,
                       int64_t *id, bool *followed, int64_t *mentor)
{
	sqlite3_stmt *st = store_stmt(s, ST_ACCOUNT_GET);
	int rc;
	sqlite3_bind_text(st, 1, platform, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, handle, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		*followed = sqlite3_column_int(st, 1) != 0;
		*mentor = sqlite3_column_int64(st, 2);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : store_error(s, rc, "look up account");
}

static int follow_tx(struct store *s, const char *platform, const char *handle,
                     const char *name, int64_t mentor_id, int64_t *out_mentor, int64_t *out_account)
{
	int64_t acc = 0, old_mentor = 0;
	bool followed = false;
	int r;

	if (mentor_id > 0) {
		if ((r = mentor_exists(s, mentor_id)) <= 0)
			return r < 0 ? r : -ENOENT;
	}
	if ((r = account_get(s, platform, handle, &acc, &followed, &old_mentor)) < 0)
		return r;
	if (r == 1 && followed)
		return -EEXIST;
	if (mentor_id <= 0) {
		/* Re-following keeps the person the account belonged to. */
		if (r == 1 && old_mentor > 0)
			mentor_id = old_mentor;
		else if ((r = mentor_insert(s, name && *name ? name : handle, &mentor_id)) < 0)
			return r;
	}
	if (acc) {
		sqlite3_stmt *st = store_stmt(s, ST_ACCOUNT_REFOLLOW);
		sqlite3_bind_int64(st, 1, acc);
		sqlite3_bind_int64(st, 2, mentor_id);
		if ((r = store_exec_stmt(s, st, "re-follow account")) < 0)
			return r;
	} else {
		sqlite3_stmt *st = store_stmt(s, ST_ACCOUNT_INSERT);
		sqlite3_bind_text(st, 1, platform, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, handle, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, mentor_id);
		sqlite3_bind_int64(st, 4, now_realtime_sec());
		if ((r = store_exec_stmt(s, st, "insert account")) < 0)
			return r;
		acc = sqlite3_last_insert_rowid(s->db);
	}
	*out_mentor = mentor_id;
	*out_account = acc;
	return 0;
}

int store_follow(struct store *s, const char *platform, const char *handle,
                 const char *name, int64_t mentor_id, int64_t *out_mentor, int64_t *out_account)
{
	int r;
	if ((r = store_begin(s)) < 0)
		return r;
	r = follow_tx(s, platform, handle, name, mentor_id, out_mentor, out_account);
	if (r < 0) {
		store_rollback(s);
		return r;
	}
	return store_commit(s);
}

int store_unfollow(struct store *s, const char *platform, const char *handle)
{
	sqlite3_stmt *st = store_stmt(s, ST_ACCOUNT_UNFOLLOW);
	int r;
	sqlite3_bind_text(st, 1, platform, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, handle, -1, SQLITE_STATIC);
	r = store_exec_stmt(s, st, "unfollow");
	return r < 0 ? r : r == 0 ? -ENOENT : 0;
}

int store_track(struct store *s, const char *tag, const char *platform)
{
	sqlite3_stmt *st = store_stmt(s, ST_TAG_INSERT);
	int r;
	sqlite3_bind_text(st, 1, tag, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, platform ? platform : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now_realtime_sec());
	/* A duplicate is the user's mistake, not a database fault: check first
	 * rather than letting the UNIQUE constraint log an error. */
	r = sqlite3_step(st);
	sqlite3_reset(st);
	if (r == SQLITE_DONE)
		return 0;
	if ((r & 0xff) == SQLITE_CONSTRAINT)
		return -EEXIST;
	return store_error(s, r, "track");
}

int store_untrack(struct store *s, const char *tag)
{
	sqlite3_stmt *st = store_stmt(s, ST_TAG_DELETE);
	int r;
	sqlite3_bind_text(st, 1, tag, -1, SQLITE_STATIC);
	r = store_exec_stmt(s, st, "untrack");
	return r < 0 ? r : r == 0 ? -ENOENT : 0;
}

#define MAX_ACCOUNTS_PER_MENTOR 32

static int mentor_accounts(struct store *s, int64_t id, char **buf,
                           struct store_account_ref *refs, size_t *n)
{
	sqlite3_stmt *st = store_stmt(s, ST_MENTOR_ACCOUNTS);
	int rc;
	*n = 0;
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < MAX_ACCOUNTS_PER_MENTOR) {
		char *p = strdup((const char *)sqlite3_column_text(st, 0));
		char *h = strdup((const char *)sqlite3_column_text(st, 1));
		buf[2 * *n] = p;
		buf[2 * *n + 1] = h;
		if (!p || !h) {
			(*n)++;
			sqlite3_reset(st);
			return -ENOMEM;
		}
		refs[*n].platform = p;
		refs[*n].handle = h;
		(*n)++;
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : store_error(s, rc, "mentor accounts");
}

static int emit_row(struct store *s, sqlite3_stmt *st, store_mentor_fn fn, void *userdata)
{
	struct store_account_ref refs[MAX_ACCOUNTS_PER_MENTOR];
	char *bufs[2 * MAX_ACCOUNTS_PER_MENTOR] = { 0 };
	_cleanup_free_ char *name = strdup((const char *)sqlite3_column_text(st, 1));
	_cleanup_free_ char *stage = strdup((const char *)sqlite3_column_text(st, 2));
	struct store_mentor_row row = {
		.id = sqlite3_column_int64(st, 0),
		.score = sqlite3_column_double(st, 3),
		.fit = sqlite3_column_double(st, 4),
		.posts = (uint64_t)sqlite3_column_int64(st, 5),
		.events = (uint64_t)sqlite3_column_int64(st, 6),
		.last_activity = sqlite3_column_int64(st, 7),
		.last_contact = sqlite3_column_int64(st, 8),
	};
	size_t n = 0;
	int r;

	if (!name || !stage)
		return -ENOMEM;
	row.name = name;
	row.stage = stage;
	r = mentor_accounts(s, row.id, bufs, refs, &n);
	if (r >= 0) {
		row.accounts = refs;
		row.n_accounts = n;
		r = fn(&row, userdata);
	}
	for (size_t i = 0; i < 2 * n; i++)
		free(bufs[i]);
	return r;
}

int64_t store_list_mentors(struct store *s, enum store_sort sort, uint64_t offset,
                           uint64_t limit, store_mentor_fn fn, void *userdata)
{
	enum stmt_id id = sort == STORE_SORT_RECENT ? ST_MENTORS_LIST_RECENT :
	                  sort == STORE_SORT_STAGE ? ST_MENTORS_LIST_STAGE : ST_MENTORS_LIST_SCORE;
	struct store_counts c;
	sqlite3_stmt *st;
	int rc, r;

	if ((r = store_counts(s, &c)) < 0)
		return r;
	/* The account lookup per row uses its own statement, so the list
	 * statement stays open while rows are emitted. */
	st = store_stmt(s, id);
	sqlite3_bind_int64(st, 1, (sqlite3_int64)(offset > INT64_MAX ? INT64_MAX : offset));
	sqlite3_bind_int64(st, 2, limit == 0 || limit > INT64_MAX ? -1 : (sqlite3_int64)limit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((r = emit_row(s, st, fn, userdata)) < 0) {
			sqlite3_reset(st);
			return r;
		}
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_error(s, rc, "list mentors");
	return (int64_t)c.mentors;
}
