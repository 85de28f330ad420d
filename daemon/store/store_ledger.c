/* store_ledger.c — what the ledger reads and writes: mentors and their
 * aggregates, event timelines, offline events, links between accounts and
 * persons, suggestion candidates. */
#include "store/store_internal.h"

#include <stdlib.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

static const char *col(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

static int each_mentor(struct store *s, sqlite3_stmt *st, store_mentor_rec_fn fn, void *userdata, int *found)
{
	int rc, r = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_mentor_rec m = {
			.id = sqlite3_column_int64(st, 0), .name = col(st, 1), .stage_override = col(st, 2),
			.muted_until = sqlite3_column_int64(st, 3), .ledger = col(st, 4),
			.created_at = sqlite3_column_int64(st, 5), .source = sqlite3_column_int(st, 6) != 0,
		};
		(*found)++;
		if (fn && (r = fn(&m, userdata)) < 0)
			break;
	}
	sqlite3_reset(st);
	if (r < 0)
		return r;
	return rc == SQLITE_DONE ? 0 : store_error(s, rc, "read mentors");
}

int store_for_each_mentor(struct store *s, store_mentor_rec_fn fn, void *userdata)
{
	int found = 0;
	return each_mentor(s, store_stmt(s, ST_MENTOR_ROWS), fn, userdata, &found);
}

int store_get_mentor(struct store *s, int64_t id, store_mentor_rec_fn fn, void *userdata)
{
	sqlite3_stmt *st = store_stmt(s, ST_MENTOR_ROW);
	int found = 0, r;
	sqlite3_bind_int64(st, 1, id);
	r = each_mentor(s, st, fn, userdata, &found);
	return r < 0 ? r : found > 0;
}

int store_save_aggregate(struct store *s, int64_t mentor_id, const char *ledger,
                         int64_t last_activity, int64_t last_contact)
{
	sqlite3_stmt *st = store_stmt(s, ST_MENTOR_SAVE_AGG);
	int r;
	sqlite3_bind_int64(st, 1, mentor_id);
	sqlite3_bind_text(st, 2, ledger, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, last_activity);
	sqlite3_bind_int64(st, 4, last_contact);
	r = store_exec_stmt(s, st, "save aggregate");
	return r < 0 ? r : 0;
}

static int each_event(struct store *s, sqlite3_stmt *st, store_event_fn fn, void *userdata)
{
	int rc, r = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_event_row e = {
			.id = sqlite3_column_int64(st, 0), .kind = col(st, 1), .at = sqlite3_column_int64(st, 2),
			.platform = col(st, 3), .url = col(st, 4), .text = col(st, 5), .tags = col(st, 6),
			.post_kind = sqlite3_column_type(st, 7) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 7),
			.reply_to_author = col(st, 8), .author_id = col(st, 9),
			.post_id = sqlite3_column_int64(st, 10), .note = col(st, 11),
		};
		if ((r = fn(&e, userdata)) < 0)
			break;
	}
	sqlite3_reset(st);
	if (r < 0)
		return r;
	return rc == SQLITE_DONE ? 0 : store_error(s, rc, "read events");
}

int store_mentor_events(struct store *s, int64_t mentor_id, uint32_t limit,
                        store_event_fn fn, void *userdata)
{
	sqlite3_stmt *st = store_stmt(s, limit ? ST_MENTOR_EVENTS_DESC : ST_MENTOR_EVENTS_ASC);
	sqlite3_bind_int64(st, 1, mentor_id);
	if (limit)
		sqlite3_bind_int64(st, 2, limit);
	return each_event(s, st, fn, userdata);
}

int store_recent_events(struct store *s, int64_t mentor_id, int64_t since,
                        store_event_fn fn, void *userdata)
{
	sqlite3_stmt *st = store_stmt(s, ST_MENTOR_RECENT_EVENTS);
	sqlite3_bind_int64(st, 1, mentor_id);
	sqlite3_bind_int64(st, 2, since);
	return each_event(s, st, fn, userdata);
}

int store_for_each_account_of(struct store *s, int64_t mentor_id,
                              int (*fn)(const char *platform, const char *handle, void *userdata),
                              void *userdata)
{
	sqlite3_stmt *st = store_stmt(s, ST_MENTOR_ACCOUNTS);
	int rc, r = 0;
	sqlite3_bind_int64(st, 1, mentor_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if ((r = fn(col(st, 0), col(st, 1), userdata)) < 0)
			break;
	sqlite3_reset(st);
	if (r < 0)
		return r;
	return rc == SQLITE_DONE ? 0 : store_error(s, rc, "mentor accounts");
}

int64_t store_log_event(struct store *s, int64_t mentor_id, const char *kind, int64_t at, const char *note)
{
	sqlite3_stmt *st = store_stmt(s, ST_EVENT_LOG);
	int r;
	sqlite3_bind_int64(st, 1, mentor_id);
	sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, at);
	if (note && *note)
		sqlite3_bind_text(st, 4, note, -1, SQLITE_STATIC);
	if ((r = store_exec_stmt(s, st, "log event")) < 0)
		return r;
	return sqlite3_last_insert_rowid(s->db);
}

/* Collects up to two distinct ids from a statement: 0, 1 or "several". */
static int64_t unique_id(struct store *s, sqlite3_stmt *st, const char *what)
{
	int64_t first = 0;
	int rc, n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		if (n == 0)
			first = id;
		if (id != first)
			n++;
		else if (n == 0)
			n = 1;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_error(s, rc, what);
	return n == 0 ? 0 : n > 1 ? -ENOTUNIQ : first;
}

int64_t store_find_mentor(struct store *s, const char *query)
{
	sqlite3_stmt *st;
	int64_t r;
	char *end;

	if (!query || !*query)
		return -ENOENT;
	if (isdigit((unsigned char)query[0])) {
		long long id = strtoll(query, &end, 10);
		if (!*end && id > 0) {
			int found = store_get_mentor(s, id, NULL, NULL);
			return found > 0 ? id : found < 0 ? found : -ENOENT;
		}
	}
	st = store_stmt(s, ST_MENTOR_BY_HANDLE);
	sqlite3_bind_text(st, 1, query[0] == '@' ? query + 1 : query, -1, SQLITE_STATIC);
	if ((r = unique_id(s, st, "find mentor by handle")) != 0)
		return r;
	/* Exact names sort first; one exact name wins over longer ones. */
	st = store_stmt(s, ST_MENTOR_BY_NAME);
	sqlite3_bind_text(st, 1, query, -1, SQLITE_STATIC);
	int64_t first = 0;
	int n = 0, exact[3] = { 0 }, rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < 3) {
		if (n == 0)
			first = sqlite3_column_int64(st, 0);
		exact[n++] = sqlite3_column_int(st, 1);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return store_error(s, rc, "find mentor by name");
	if (n == 0)
		return -ENOENT;
	if (n == 1 || (exact[0] && !exact[1]))
		return first;
	return -ENOTUNIQ;
}

int store_set_stage(struct store *s, int64_t mentor_id, const char *stage)
{
	sqlite3_stmt *st = store_stmt(s, ST_MENTOR_SET_STAGE);
	int r;
	sqlite3_bind_int64(st, 1, mentor_id);
	if (stage)
		sqlite3_bind_text(st, 2, stage, -1, SQLITE_STATIC);
	r = store_exec_stmt(s, st, "set stage");
	return r < 0 ? r : r == 0 ? -ENOENT : 0;
}

int64_t store_account_id(struct store *s, const char *platform, const char *handle, int64_t *mentor_id)
{
	struct store_account_key k;
	int r = store_find_account(s, platform, NULL, handle, &k);
	if (r <= 0)
		return r;
	if (mentor_id)
		*mentor_id = k.mentor_id;
	return k.account_id;
}

int64_t store_move_account(struct store *s, int64_t account_id, int64_t mentor_id)
{
	sqlite3_stmt *st = store_stmt(s, ST_ACCOUNT_MENTOR);
	int64_t old = 0;
	int r, rc;

	sqlite3_bind_int64(st, 1, account_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		old = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? -ENOENT : store_error(s, rc, "read account");
	st = store_stmt(s, ST_ACCOUNT_SET_MENTOR);
	sqlite3_bind_int64(st, 1, account_id);
	sqlite3_bind_int64(st, 2, mentor_id);
	if ((r = store_exec_stmt(s, st, "move account")) < 0)
		return r;
	st = store_stmt(s, ST_EVENTS_MOVE);
	sqlite3_bind_int64(st, 1, account_id);
	sqlite3_bind_int64(st, 2, mentor_id);
	if ((r = store_exec_stmt(s, st, "move events")) < 0)
		return r;
	return old;
}

int store_mentor_size(struct store *s, int64_t mentor_id, int64_t *accounts, int64_t *offline)
{
	sqlite3_stmt *st = store_stmt(s, ST_MENTOR_ACCOUNT_COUNT);
	int rc;
	sqlite3_bind_int64(st, 1, mentor_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*accounts = sqlite3_column_int64(st, 0);
		*offline = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : store_error(s, rc, "mentor size");
}

int store_drop_empty_mentor(struct store *s, int64_t mentor_id)
{
	sqlite3_stmt *st = store_stmt(s, ST_MENTOR_DELETE_EMPTY);
	sqlite3_bind_int64(st, 1, mentor_id);
	return store_exec_stmt(s, st, "drop mentor");
}


int store_candidate_get(struct store *s, const char *platform, const char *author_id,
                        char **ledger, char **mentors)
{
	sqlite3_stmt *st = store_stmt(s, ST_CANDIDATE_GET);
	int rc;
	*ledger = *mentors = NULL;
	sqlite3_bind_text(st, 1, platform, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, author_id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*ledger = strdup(col(st, 0));
		*mentors = strdup(col(st, 1));
	}
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return *ledger && *mentors ? 1 : -ENOMEM;
	return rc == SQLITE_DONE ? 0 : store_error(s, rc, "read candidate");
}

int store_candidate_put(struct store *s, const char *platform, const char *author_id,
                        const char *handle, const char *name, const char *ledger,
                        int seen_in_tags, int seen_in_threads, const char *mentors, int64_t seen)
{
	sqlite3_stmt *st = store_stmt(s, ST_CANDIDATE_PUT);
	int r;
	sqlite3_bind_text(st, 1, platform, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, author_id, -1, SQLITE_STATIC);
	if (handle)
		sqlite3_bind_text(st, 3, handle, -1, SQLITE_STATIC);
	if (name)
		sqlite3_bind_text(st, 4, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, ledger, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 6, seen_in_tags);
	sqlite3_bind_int(st, 7, seen_in_threads);
	sqlite3_bind_text(st, 8, mentors ? mentors : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 9, seen);
	r = store_exec_stmt(s, st, "write candidate");
	return r < 0 ? r : 0;
}

int store_for_each_candidate(struct store *s, uint32_t limit, store_candidate_fn fn, void *userdata)
{
	sqlite3_stmt *st = store_stmt(s, ST_CANDIDATES_TOP);
	int rc, r = 0;
	sqlite3_bind_int64(st, 1, limit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_candidate c = {
			.platform = col(st, 0), .author_id = col(st, 1), .handle = col(st, 2), .name = col(st, 3),
			.ledger = col(st, 4), .seen_in_tags = (uint32_t)sqlite3_column_int(st, 5),
			.seen_in_threads = (uint32_t)sqlite3_column_int(st, 6), .mentors = col(st, 7),
		};
		if ((r = fn(&c, userdata)) < 0)
			break;
	}
	sqlite3_reset(st);
	if (r < 0)
		return r;
	return rc == SQLITE_DONE ? 0 : store_error(s, rc, "read candidates");
}

int store_dismiss(struct store *s, const char *platform, const char *handle)
{
	sqlite3_stmt *st = store_stmt(s, ST_DISMISS);
	int r;
	sqlite3_bind_text(st, 1, platform, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, handle, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, store_now(s));
	r = store_exec_stmt(s, st, "dismiss");
	return r < 0 ? r : 0;
}

int store_recent_posts(struct store *s, int64_t mentor_id, int64_t since,
                       store_recent_post_fn fn, void *userdata)
{
	sqlite3_stmt *st = store_stmt(s, ST_MENTOR_RECENT_POSTS);
	int rc, r = 0;
	sqlite3_bind_int64(st, 1, mentor_id);
	sqlite3_bind_int64(st, 2, since);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_recent_post p = {
			.id = sqlite3_column_int64(st, 0), .url = col(st, 1), .text = col(st, 2),
			.tags = col(st, 3), .at = sqlite3_column_int64(st, 4), .kind = sqlite3_column_int(st, 5),
			.reply_to_author = col(st, 6), .user_replied = sqlite3_column_int(st, 7) != 0,
		};
		if ((r = fn(&p, userdata)) < 0)
			break;
	}
	sqlite3_reset(st);
	if (r < 0)
		return r;
	return rc == SQLITE_DONE ? 0 : store_error(s, rc, "recent posts");
}

int store_account_bio(struct store *s, int64_t account_id, const char *bio)
{
	sqlite3_stmt *st = store_stmt(s, ST_ACCOUNT_BIO);
	int r;
	sqlite3_bind_int64(st, 1, account_id);
	if (bio)
		sqlite3_bind_text(st, 2, bio, -1, SQLITE_STATIC);
	r = store_exec_stmt(s, st, "save profile text");
	return r < 0 ? r : 0;
}

int store_for_each_bio(struct store *s, int (*fn)(const struct store_bio *b, void *userdata), void *userdata)
{
	sqlite3_stmt *st = store_stmt(s, ST_BIOS);
	int rc, r = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_bio b = {
			.account_id = sqlite3_column_int64(st, 0), .mentor_id = sqlite3_column_int64(st, 1),
			.platform = col(st, 2), .handle = col(st, 3), .bio = col(st, 4),
		};
		if ((r = fn(&b, userdata)) < 0)
			break;
	}
	sqlite3_reset(st);
	if (r < 0)
		return r;
	return rc == SQLITE_DONE ? 0 : store_error(s, rc, "read profile texts");
}
