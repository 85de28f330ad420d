/* store_history.c — back-fill state: how far down an account's past has
 * been read, and each account's own history window. */
#include "store/store_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int store_backfill_get(struct store *s, const char *platform, const char *target, struct store_backfill *out)
{
	sqlite3_stmt *st = store_stmt(s, ST_BACKFILL_GET);
	int rc;

	*out = (struct store_backfill){ 0 };
	sqlite3_bind_text(st, 1, platform, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, target, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->since = sqlite3_column_int64(st, 0);
		out->loaded = sqlite3_column_int64(st, 1);
		if (sqlite3_column_type(st, 2) != SQLITE_NULL &&
		    !(out->token = strdup((const char *)sqlite3_column_text(st, 2)))) {
			sqlite3_reset(st);
			return -ENOMEM;
		}
	}
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : store_error(s, rc, "read back-fill state");
}

int store_backfill_set(struct store *s, const char *platform, const char *target, int64_t since,
                       int64_t loaded, const char *token)
{
	sqlite3_stmt *st = store_stmt(s, ST_BACKFILL_SET);
	int r;
	sqlite3_bind_text(st, 1, platform, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, target, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, since);
	sqlite3_bind_int64(st, 4, loaded);
	if (token)
		sqlite3_bind_text(st, 5, token, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 5);
	sqlite3_bind_int64(st, 6, store_now(s));
	r = store_exec_stmt(s, st, "write back-fill state");
	return r < 0 ? r : 0;
}

int store_set_history(struct store *s, const char *platform, const char *handle, int64_t seconds)
{
	sqlite3_stmt *st = store_stmt(s, ST_HISTORY_SET);
	int r;
	sqlite3_bind_text(st, 1, platform, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, handle, -1, SQLITE_STATIC);
	if (seconds >= 0)
		sqlite3_bind_int64(st, 3, seconds);
	else
		sqlite3_bind_null(st, 3);
	r = store_exec_stmt(s, st, "set history");
	return r < 0 ? r : r == 0 ? -ENOENT : 0;
}

int store_oldest_post(struct store *s, int64_t account_id, char **net_id, int64_t *created_at)
{
	sqlite3_stmt *st = store_stmt(s, ST_OLDEST_POST);
	int rc;

	*net_id = NULL;
	sqlite3_bind_int64(st, 1, account_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*created_at = sqlite3_column_int64(st, 1);
		if (!(*net_id = strdup((const char *)sqlite3_column_text(st, 0)))) {
			sqlite3_reset(st);
			return -ENOMEM;
		}
	}
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : store_error(s, rc, "find the oldest post");
}
