/* store_feed.c — the home feed's rows (schema 012): who the user follows on
 * each network among the followed accounts, and who is read through it. */
#include "store/store_internal.h"

#include <errno.h>

int store_feed_each(struct store *s, const char *platform, store_feed_fn fn, void *userdata)
{
	sqlite3_stmt *st = store_stmt(s, ST_FEED_LIST);
	int rc, r = 0;

	sqlite3_bind_text(st, 1, platform, -1, SQLITE_STATIC);
	while (r >= 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_feed_row row = {
			.stable_id = (const char *)sqlite3_column_text(st, 0),
			.following = sqlite3_column_int(st, 1) != 0,
			.checked_at = sqlite3_column_int64(st, 2),
			.joined = sqlite3_column_int(st, 3) != 0,
		};
		if (row.stable_id)
			r = fn(&row, userdata);
	}
	if (r >= 0 && rc != SQLITE_DONE)
		r = store_error(s, rc, "read the home feed's accounts");
	sqlite3_reset(st);
	return r;
}

int store_feed_checked(struct store *s, const char *platform, const char *stable_id, bool following)
{
	sqlite3_stmt *st;
	int r;

	if (!platform || !stable_id)
		return -EINVAL;
	st = store_stmt(s, ST_FEED_CHECKED);
	sqlite3_bind_text(st, 1, platform, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, stable_id, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, following ? 1 : 0);
	sqlite3_bind_int64(st, 4, store_now(s));
	r = store_exec_stmt(s, st, "write a follow relation");
	return r < 0 ? r : 0;
}

int store_feed_join(struct store *s, const char *platform, const char *stable_id)
{
	sqlite3_stmt *st;
	int r;

	if (!platform || !stable_id)
		return -EINVAL;
	st = store_stmt(s, ST_FEED_JOIN);
	sqlite3_bind_text(st, 1, platform, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, stable_id, -1, SQLITE_STATIC);
	r = store_exec_stmt(s, st, "join the home feed");
	return r < 0 ? r : 0;
}

int store_feed_leave_all(struct store *s, const char *platform)
{
	sqlite3_stmt *st = store_stmt(s, ST_FEED_LEAVE_ALL);
	int r;

	sqlite3_bind_text(st, 1, platform, -1, SQLITE_STATIC);
	r = store_exec_stmt(s, st, "leave the home feed");
	return r < 0 ? r : 0;
}
