/* store_notify.c — mutes and the record of what was announced. */
#include "store/store_internal.h"
#include "store/store.h"

#include <errno.h>
#include <sqlite3.h>

int store_set_mute(struct store *s, int64_t mentor_id, int64_t until)
{
	sqlite3_stmt *st = store_stmt(s, ST_MUTE_SET);
	int r;
	sqlite3_bind_int64(st, 1, mentor_id);
	sqlite3_bind_int64(st, 2, until > 0 ? until : 0);
	r = store_exec_stmt(s, st, "set mute");
	return r < 0 ? r : r == 0 ? -ENOENT : 0;
}

int store_announce(struct store *s, const char *key, int64_t at)
{
	sqlite3_stmt *st = store_stmt(s, ST_ANNOUNCED_PUT);
	int r;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, at);
	r = store_exec_stmt(s, st, "record announcement");
	return r < 0 ? r : r > 0;
}

int store_prune_announced(struct store *s, int64_t before)
{
	sqlite3_stmt *st = store_stmt(s, ST_ANNOUNCED_PRUNE);
	int r;
	sqlite3_bind_int64(st, 1, before);
	r = store_exec_stmt(s, st, "prune announcements");
	return r < 0 ? r : 0;
}

int store_recent_tagged(struct store *s, int64_t since, uint32_t limit, store_tagged_fn fn, void *userdata)
{
	sqlite3_stmt *st = store_stmt(s, ST_TAGGED_RECENT);
	int rc, r = 0;

	sqlite3_bind_int64(st, 1, since);
	sqlite3_bind_int64(st, 2, limit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_tagged t = {
			.post_id = sqlite3_column_int64(st, 0), .at = sqlite3_column_int64(st, 1),
			.platform = (const char *)sqlite3_column_text(st, 2),
			.url = (const char *)sqlite3_column_text(st, 3),
			.author = (const char *)sqlite3_column_text(st, 4),
		};
		if ((r = fn(&t, userdata)) < 0)
			break;
	}
	sqlite3_reset(st);
	if (r < 0)
		return r;
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : store_error(s, rc, "tagged posts");
}
