/* store_xusage.c — X's billed posts per UTC day (schema 017). The insert
 * of every X page is the store's cached ST_XREADS_ADD (preparing it per
 * page was 1 % of ingest); the rest run rarely, so they are prepared per
 * call. */
#include "store/store_xusage.h"
#include "store/store_internal.h"

#include <errno.h>
#include <string.h>

static int prepare(struct store *s, const char *sql, sqlite3_stmt **st)
{
	int rc = sqlite3_prepare_v2(s->db, sql, -1, st, NULL);

	return rc == SQLITE_OK ? 0 : store_error(s, rc, "prepare X usage statement");
}

int store_xusage_add(struct store *s, int64_t day, char *const *ids, size_t n, int64_t *added)
{
	int r = 0;

	*added = 0;
	for (size_t i = 0; i < n && r >= 0; i++) {
		sqlite3_stmt *st = store_stmt(s, ST_XREADS_ADD);
		sqlite3_bind_int64(st, 1, day);
		sqlite3_bind_text(st, 2, ids[i], -1, SQLITE_STATIC);
		if ((r = store_exec_stmt(s, st, "count X posts read")) > 0)
			*added += r;
	}
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

int store_xusage_month(struct store *s, int64_t start, struct store_xmonth *out)
{
	sqlite3_stmt *st = NULL;
	int r, rc;

	memset(out, 0, sizeof *out);
	if ((r = prepare(s, "SELECT reported, reported_at, warned, waited, own FROM x_months WHERE start = ?1", &st)) < 0)
		return r;
	sqlite3_bind_int64(st, 1, start);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->reported = sqlite3_column_int64(st, 0);
		out->reported_at = sqlite3_column_int64(st, 1);
		out->warned = sqlite3_column_int(st, 2) != 0;
		out->waited = sqlite3_column_int64(st, 3);
		out->own = sqlite3_column_int64(st, 4);
	} else if (rc != SQLITE_DONE) {
		r = store_error(s, rc, "read X's billing month");
	}
	sqlite3_finalize(st);
	return r;
}

/* One upsert of the month's row: ?1 the month's start, ?2 to ?4 the
 * values (those past the statement's own parameters are ignored). */
static int upsert_month(struct store *s, const char *sql, int64_t start, int64_t a, int64_t b, int64_t c,
                        const char *what)
{
	sqlite3_stmt *st = NULL;
	int r;

	if ((r = prepare(s, sql, &st)) < 0)
		return r;
	sqlite3_bind_int64(st, 1, start);
	sqlite3_bind_int64(st, 2, a);
	sqlite3_bind_int64(st, 3, b);
	sqlite3_bind_int64(st, 4, c);
	r = store_exec_stmt(s, st, what);
	sqlite3_finalize(st);
	return r < 0 ? r : 0;
}

int store_xusage_set_reported(struct store *s, int64_t start, int64_t reported, int64_t own, int64_t at)
{
	return upsert_month(s, "INSERT INTO x_months (start, reported, own, reported_at) VALUES (?1, ?2, ?3, ?4) "
	                       "ON CONFLICT (start) DO UPDATE SET reported = ?2, own = ?3, reported_at = ?4",
	                    start, reported, own, at, "store X's own count");
}

int store_xusage_set_warned(struct store *s, int64_t start)
{
	return upsert_month(s, "INSERT INTO x_months (start, warned) VALUES (?1, 1) "
	                       "ON CONFLICT (start) DO UPDATE SET warned = 1",
	                    start, 0, 0, 0, "note X's 80% notification");
}

int store_xusage_set_waited(struct store *s, int64_t start, int64_t day)
{
	return upsert_month(s, "INSERT INTO x_months (start, waited) VALUES (?1, ?2) "
	                       "ON CONFLICT (start) DO UPDATE SET waited = ?2",
	                    start, day, 0, 0, "note X's wait");
}
