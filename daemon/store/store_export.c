/* store_export.c — the ledger as `mentorctl export` reads it: one short
 * page of events at a time, by id, so that a large ledger never holds the
 * daemon's loop (or a read snapshot) for long. */
#include "store/store_internal.h"

static const char *col(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

int store_export_events(struct store *s, int64_t after, uint32_t limit,
                        store_export_fn fn, void *userdata)
{
	sqlite3_stmt *st = store_stmt(s, ST_EXPORT_EVENTS);
	int rc, r = 0;

	sqlite3_bind_int64(st, 1, after);
	sqlite3_bind_int64(st, 2, limit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_export_row e = {
			.id = sqlite3_column_int64(st, 0), .mentor_id = sqlite3_column_int64(st, 1),
			.mentor = col(st, 2), .kind = col(st, 3), .at = sqlite3_column_int64(st, 4),
			.platform = col(st, 5), .handle = col(st, 6), .url = col(st, 7),
			.text = col(st, 8), .note = col(st, 9),
		};
		if ((r = fn(&e, userdata)) != 0)
			break;
	}
	/* Reset at once, early stop or not: the statement must not keep its
	 * read transaction open between pages. */
	sqlite3_reset(st);
	if (r != 0)
		return r < 0 ? r : 0;
	return rc == SQLITE_DONE ? 0 : store_error(s, rc, "export events");
}
