/* store_engagement.c — the counts behind GetEngagement (its statement,
 * ST_ENGAGEMENT, is in store.c with the others). */
#include "store/store_engagement.h"
#include "store/store_internal.h"
#include "common/strbuf.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>

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
	st = store_stmt(s, ST_ENGAGEMENT);
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
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	free(ids_json);
	free(kinds_json);
	return r;
}
