/* store_sources.c — the followed accounts of sources (schema 010). Read
 * when the user lists them, so the statement is prepared per call rather
 * than kept in the shared cache. */
#include "store/store_internal.h"

int store_for_each_source(struct store *s, store_source_fn fn, void *userdata)
{
	static const char sql[] =
		"SELECT m.id, a.id, a.platform, a.handle, m.name, a.added_at, m.last_activity"
		" FROM accounts a JOIN mentors m ON m.id = a.mentor_id"
		" WHERE m.kind = 'source' AND a.followed = 1 ORDER BY m.id, a.id";
	sqlite3_stmt *st;
	int rc, r = 0;

	if ((rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL)) != SQLITE_OK)
		return store_error(s, rc, "prepare sources");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_source src = {
			.id = sqlite3_column_int64(st, 0), .account_id = sqlite3_column_int64(st, 1),
			.platform = (const char *)sqlite3_column_text(st, 2),
			.handle = (const char *)sqlite3_column_text(st, 3),
			.name = (const char *)sqlite3_column_text(st, 4),
			.added_at = sqlite3_column_int64(st, 5), .last_activity = sqlite3_column_int64(st, 6),
		};
		if ((r = fn(&src, userdata)) < 0)
			break;
	}
	if (r >= 0 && rc != SQLITE_DONE)
		r = store_error(s, rc, "read sources");
	sqlite3_finalize(st);
	return r < 0 ? r : 0;
}
