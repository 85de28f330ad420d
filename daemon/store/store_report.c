/* store_report.c — the conversations of a page of mentors for the report
 * (store_report.h). The walk reads events_mentor_at alone (schema 018: it
 * holds kind, platform and post); a text costs a lookup only where one is
 * needed. Prepared per call: a report makes a few dozen calls. */
#include "store/store_report.h"
#include "store/store_internal.h"

#include <string.h>

enum { Q_EVENTS, Q_POST_TEXT, Q_NOTE, Q__COUNT };

static const char *const report_sql[Q__COUNT] = {
	[Q_EVENTS] =
		"SELECT e.id, e.kind, e.at, e.platform, e.post_id FROM events e"
		" WHERE e.mentor_id = ?1 AND e.at >= ?2 AND e.kind NOT IN ('post', 'like_of_mine',"
		" 'repost_of_mine', 'follow_of_me', 'my_like', 'connection', 'tagged_risk')"
		" ORDER BY e.at",
	[Q_POST_TEXT] = "SELECT text FROM posts WHERE id = ?1",
	[Q_NOTE] = "SELECT note FROM events WHERE id = ?1",
};

/* The one text column of statement st for id, or NULL. Valid until st's
 * next reset. */
static const char *text_of(sqlite3_stmt *st, int64_t id)
{
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, id);
	return sqlite3_step(st) == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
}

static bool users_post(const char *kind)
{
	return !strcmp(kind, "my_reply") || !strcmp(kind, "my_mention") || !strcmp(kind, "my_quote");
}

static int walk(struct store *s, sqlite3_stmt *const *q, int64_t mentor_id, int64_t since, bool notes,
                store_report_fn fn, void *userdata)
{
	sqlite3_stmt *st = q[Q_EVENTS];
	int rc, r = 0;

	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, mentor_id);
	sqlite3_bind_int64(st, 2, since);
	while (r == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_report_event e = {
			.mentor_id = mentor_id,
			.kind = (const char *)sqlite3_column_text(st, 1),
			.at = sqlite3_column_int64(st, 2),
			.platform = (const char *)sqlite3_column_text(st, 3),
		};
		if (!e.kind)
			continue;
		if (users_post(e.kind) && sqlite3_column_type(st, 4) != SQLITE_NULL)
			e.text = text_of(q[Q_POST_TEXT], sqlite3_column_int64(st, 4));
		else if (notes && (!e.platform || !strcmp(e.platform, "email")))
			e.text = text_of(q[Q_NOTE], sqlite3_column_int64(st, 0));
		r = fn(&e, userdata);
	}
	if (r == 0 && rc != SQLITE_DONE)
		r = store_error(s, rc, "report events");
	return r;
}

int store_report_events(struct store *s, const int64_t *ids, size_t n, int64_t since, bool notes,
                        store_report_fn fn, void *userdata)
{
	sqlite3_stmt *q[Q__COUNT] = { NULL };
	int r = 0;

	for (int i = 0; i < Q__COUNT && r == 0; i++) {
		int rc = sqlite3_prepare_v2(s->db, report_sql[i], -1, &q[i], NULL);
		if (rc != SQLITE_OK)
			r = store_error(s, rc, "prepare report events");
	}
	for (size_t i = 0; i < n && r == 0; i++)
		r = walk(s, q, ids[i], since, notes, fn, userdata);
	/* Finalised at once: no read transaction outlives the call. */
	for (int i = 0; i < Q__COUNT; i++)
		sqlite3_finalize(q[i]);
	return r < 0 ? r : 0;
}
