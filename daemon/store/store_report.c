/* store_report.c — the conversations of a page of mentors for the report
 * (store_report.h). Prepared per call: a report makes a few dozen calls. */
#include "store/store_report.h"
#include "store/store_internal.h"

static const char report_events_sql[] =
	"SELECT e.kind, e.at, e.platform,"
	" CASE WHEN e.kind IN ('my_reply', 'my_mention', 'my_quote') THEN p.text ELSE e.note END"
	" FROM events e LEFT JOIN posts p ON p.id = e.post_id"
	" WHERE e.mentor_id = ?1 AND e.kind NOT IN ('post', 'like_of_mine', 'repost_of_mine',"
	" 'follow_of_me', 'my_like', 'connection', 'tagged_risk')"
	" ORDER BY e.at, e.id";

int store_report_events(struct store *s, const int64_t *ids, size_t n, store_report_fn fn,
                        void *userdata)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(s->db, report_events_sql, -1, &st, NULL), r = 0;

	if (rc != SQLITE_OK)
		return store_error(s, rc, "prepare report events");
	for (size_t i = 0; i < n && r == 0; i++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, ids[i]);
		while (r == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
			struct store_report_event e = {
				.mentor_id = ids[i],
				.kind = (const char *)sqlite3_column_text(st, 0),
				.at = sqlite3_column_int64(st, 1),
				.platform = (const char *)sqlite3_column_text(st, 2),
				.text = (const char *)sqlite3_column_text(st, 3),
			};
			r = fn(&e, userdata);
		}
		if (r == 0 && rc != SQLITE_DONE)
			r = store_error(s, rc, "report events");
	}
	/* Finalised at once: no read transaction outlives the call. */
	sqlite3_finalize(st);
	return r < 0 ? r : 0;
}
