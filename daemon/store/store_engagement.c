/* store_engagement.c — the counts behind GetEngagement. The mentor ids and
 * kinds travel as JSON arrays read by json_each, so a page of 500 mentors is
 * one statement and one walk down events_mentor_at, not 500. */
#include "store/store_engagement.h"
#include "store/store_internal.h"
#include "common/strbuf.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>

static const char sql_engagement[] =
	"SELECT mentor_id, platform, kind, at FROM events"
	" WHERE mentor_id IN (SELECT value FROM json_each(?1)) AND at >= ?3 AND at < ?4"
	"   AND kind IN (SELECT value FROM json_each(?2))"
	" ORDER BY mentor_id";

/* Kind names are the ledger's words (letters and '_'): no escaping needed,
 * and anything else is refused rather than quoted. */
static int json_arrays(const int64_t *ids, size_t n, const char *const *kinds, size_t n_kinds,
                       char **ids_json, char **kinds_json)
{
	struct strbuf a = STRBUF_INIT, k = STRBUF_INIT;

	strbuf_putc(&a, '[');
	for (size_t i = 0; i < n; i++)
		strbuf_printf(&a, "%s%" PRId64, i ? "," : "", ids[i]);
	strbuf_putc(&a, ']');
	strbuf_putc(&k, '[');
	for (size_t i = 0; i < n_kinds; i++) {
		for (const char *c = kinds[i]; *c; c++)
			if (!((*c >= 'a' && *c <= 'z') || *c == '_')) {
				strbuf_free(&a);
				strbuf_free(&k);
				return -EINVAL;
			}
		strbuf_printf(&k, "%s\"%s\"", i ? "," : "", kinds[i]);
	}
	strbuf_putc(&k, ']');
	*ids_json = strbuf_steal(&a);
	*kinds_json = strbuf_steal(&k);
	if (!*ids_json || !*kinds_json) {
		free(*ids_json);
		free(*kinds_json);
		return -ENOMEM;
	}
	return 0;
}

int store_engagement(struct store *s, const int64_t *ids, size_t n, const char *const *kinds,
                     size_t n_kinds, int64_t from, int64_t to, store_engagement_fn fn, void *ud)
{
	char *ids_json = NULL, *kinds_json = NULL;
	sqlite3_stmt *st = NULL;
	int r, rc;

	if (n == 0 || n_kinds == 0 || from >= to)
		return 0;
	if ((r = json_arrays(ids, n, kinds, n_kinds, &ids_json, &kinds_json)) < 0)
		return r;
	rc = sqlite3_prepare_v2(s->db, sql_engagement, -1, &st, NULL);
	if (rc != SQLITE_OK) {
		r = store_error(s, rc, "prepare engagement query");
		goto out;
	}
	sqlite3_bind_text(st, 1, ids_json, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, kinds_json, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, from);
	sqlite3_bind_int64(st, 4, to);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		r = fn(ud, sqlite3_column_int64(st, 0), (const char *)sqlite3_column_text(st, 1),
		       (const char *)sqlite3_column_text(st, 2), sqlite3_column_int64(st, 3));
		if (r < 0)
			goto out;
	}
	r = rc == SQLITE_DONE ? 0 : store_error(s, rc, "read engagement");
out:
	sqlite3_finalize(st);
	free(ids_json);
	free(kinds_json);
	return r;
}
