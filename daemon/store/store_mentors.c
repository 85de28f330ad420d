/* store_mentors.c — mentors, their accounts and tracked hashtags. */
#include "store/store_internal.h"

#include <errno.h>
#include <string.h>

/* 1 a mentor, 2 a source, 0 no such person. */
static int mentor_exists(struct store *s, int64_t id)
{
	sqlite3_stmt *st = store_stmt(s, ST_MENTOR_EXISTS);
	int rc, kind = 0;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		kind = sqlite3_column_int(st, 0) ? 2 : 1;
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return kind;
	return rc == SQLITE_DONE ? 0 : store_error(s, rc, "look up mentor");
}

/* A new person of the kind asked for (store_new_mentor + schema 010). */
static int64_t new_person(struct store *s, const char *name, bool source)
{
	sqlite3_stmt *st;
	int64_t id = store_new_mentor(s, name);
	int rc;

	if (id < 0 || !source)
		return id;
	if ((rc = sqlite3_prepare_v2(s->db, "UPDATE mentors SET kind = 'source' WHERE id = ?1", -1, &st, NULL)) != SQLITE_OK)
		return store_error(s, rc, "prepare source");
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? id : store_error(s, rc, "mark source");
}

int64_t store_new_mentor(struct store *s, const char *name)
{
	sqlite3_stmt *st = store_stmt(s, ST_MENTOR_INSERT);
	int64_t id;
	int r;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, store_now(s));
	if ((r = store_exec_stmt(s, st, "insert mentor")) < 0)
		return r;
	id = sqlite3_last_insert_rowid(s->db);
	st = store_stmt(s, ST_MENTOR_SEQ);
	sqlite3_bind_int64(st, 1, id);
	if ((r = store_exec_stmt(s, st, "record mentor id")) < 0)
		return r;
	return id;
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

static int follow_tx(struct store *s, const char *platform, const char *handle, const char *name,
                     int64_t mentor_id, bool source, int64_t *out_mentor, int64_t *out_account)
{
	int64_t acc = 0, old_mentor = 0;
	bool followed = false;
	int r;

	/* An account joins a mentor only (a source is not a mentor). */
	if (mentor_id > 0) {
		if ((r = mentor_exists(s, mentor_id)) != 1)
			return r < 0 ? r : -ENOENT;
	}
	if ((r = account_get(s, platform, handle, &acc, &followed, &old_mentor)) < 0)
		return r;
	if (r == 1 && followed)
		return -EEXIST;
	if (mentor_id <= 0) {
		/* Re-following keeps the person the account belonged to, when
		 * that person is of the kind asked for. */
		int kind = r == 1 && old_mentor > 0 ? mentor_exists(s, old_mentor) : 0;
		if (kind < 0)
			return kind;
		if (kind == (source ? 2 : 1))
			mentor_id = old_mentor;
		else if ((mentor_id = new_person(s, name && *name ? name : handle, source)) < 0)
			return (int)mentor_id;
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
		sqlite3_bind_int64(st, 4, store_now(s));
		if ((r = store_exec_stmt(s, st, "insert account")) < 0)
			return r;
		acc = sqlite3_last_insert_rowid(s->db);
	}
	*out_mentor = mentor_id;
	*out_account = acc;
	return 0;
}

static int follow(struct store *s, const char *platform, const char *handle, const char *name,
                  int64_t mentor_id, bool source, int64_t *out_mentor, int64_t *out_account)
{
	int r;
	if ((r = store_begin(s)) < 0)
		return r;
	r = follow_tx(s, platform, handle, name, mentor_id, source, out_mentor, out_account);
	if (r < 0) {
		store_rollback(s);
		return r;
	}
	return store_commit(s);
}

int store_follow(struct store *s, const char *platform, const char *handle,
                 const char *name, int64_t mentor_id, int64_t *out_mentor, int64_t *out_account)
{
	return follow(s, platform, handle, name, mentor_id, false, out_mentor, out_account);
}

int store_follow_source(struct store *s, const char *platform, const char *handle,
                        const char *name, int64_t *out_source, int64_t *out_account)
{
	return follow(s, platform, handle, name, 0, true, out_source, out_account);
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
	sqlite3_bind_int64(st, 3, store_now(s));
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
