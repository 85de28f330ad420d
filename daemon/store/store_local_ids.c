/* store_local_ids.c — what each server calls an account: a Mastodon
 * account's stable id is its acct, the same from every instance, while each
 * instance's URLs want its own number for it. Learnt by lookups, kept so
 * that a restart does not ask again. */
#include "store/store_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void bind_key(sqlite3_stmt *st, const char *platform, const char *instance, const char *stable_id)
{
	sqlite3_bind_text(st, 1, platform, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, instance, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, stable_id, -1, SQLITE_STATIC);
}

int store_local_id_get(struct store *s, const char *platform, const char *instance, const char *stable_id,
                       char **local_id)
{
	sqlite3_stmt *st;
	int rc, r = 0;

	*local_id = NULL;
	if (!platform || !instance || !stable_id)
		return -EINVAL;
	st = store_stmt(s, ST_LOCAL_ID_GET);
	bind_key(st, platform, instance, stable_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*local_id = strdup((const char *)sqlite3_column_text(st, 0));
		r = *local_id ? 1 : -ENOMEM;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_error(s, rc, "read a local id");
	return r;
}

int store_local_id_set(struct store *s, const char *platform, const char *instance, const char *stable_id,
                       const char *local_id)
{
	sqlite3_stmt *st;
	int r;

	if (!platform || !instance || !stable_id || (local_id && !*local_id))
		return -EINVAL;
	st = store_stmt(s, local_id ? ST_LOCAL_ID_SET : ST_LOCAL_ID_DELETE);
	bind_key(st, platform, instance, stable_id);
	if (local_id) {
		sqlite3_bind_text(st, 4, local_id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 5, store_now(s));
	}
	r = store_exec_stmt(s, st, local_id ? "write a local id" : "forget a local id");
	return r < 0 ? r : 0;
}
