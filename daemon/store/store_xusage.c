/* store_xusage.c — X's billed posts per UTC day (schema 017). Few
 * statements a page, so they are prepared per call. */
#include "store/store_xusage.h"
#include "store/store_internal.h"

#include <errno.h>

static int prepare(struct store *s, const char *sql, sqlite3_stmt **st)
{
	int rc = sqlite3_prepare_v2(s->db, sql, -1, st, NULL);

	return rc == SQLITE_OK ? 0 : store_error(s, rc, "prepare X usage statement");
}

int store_xusage_add(struct store *s, int64_t day, char *const *ids, size_t n, int64_t *added)
{
	sqlite3_stmt *st = NULL;
	int r;

	*added = 0;
	if (n == 0)
		return 0;
	if ((r = prepare(s, "INSERT OR IGNORE INTO x_reads (day, post_id) VALUES (?1, ?2)", &st)) < 0)
		return r;
	for (size_t i = 0; i < n && r >= 0; i++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, day);
		sqlite3_bind_text(st, 2, ids[i], -1, SQLITE_STATIC);
		int rc = sqlite3_step(st);
		if (rc != SQLITE_DONE)
			r = store_error(s, rc, "count X posts read");
		else
			*added += sqlite3_changes(s->db);
	}
	sqlite3_finalize(st);
	return r < 0 ? r : 0;
}

int store_xusage_count(struct store *s, int64_t from, int64_t to, int64_t *out)
{
	sqlite3_stmt *st = NULL;
	int r, rc;

	*out = 0;
	if ((r = prepare(s, "SELECT count(*) FROM x_reads WHERE day >= ?1 AND day < ?2", &st)) < 0)
		return r;
	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, to);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	else
		r = store_error(s, rc, "read X posts read");
	sqlite3_finalize(st);
	return r;
}

int store_xusage_prune(struct store *s, int64_t before)
{
	sqlite3_stmt *st = NULL;
	int r;

	if ((r = prepare(s, "DELETE FROM x_reads WHERE day < ?1", &st)) < 0)
		return r;
	sqlite3_bind_int64(st, 1, before);
	r = store_exec_stmt(s, st, "forget old X usage");
	sqlite3_finalize(st);
	return r < 0 ? r : 0;
}
