/* store_channels.c — the e-mail and LinkedIn accounts' rows, and the
 * back-fill dispatch on link. */
#include "store/store_channels.h"
#include "store/store_internal.h"
#include "store/store_linkedin.h"
#include "store/store_mail.h"
#include "common/channel.h"

#include <errno.h>
#include <string.h>

int64_t store_channel_add(struct store *s, const char *platform, const char *handle, int64_t mentor_id)
{
	sqlite3_stmt *st = store_stmt(s, ST_ACCOUNT_INSERT);
	int r;

	if (!channel_is(platform) || mentor_id <= 0)
		return -EINVAL;
	sqlite3_bind_text(st, 1, platform, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, handle, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, mentor_id);
	sqlite3_bind_int64(st, 4, store_now(s));
	if ((r = store_exec_stmt(s, st, "insert channel account")) < 0)
		return r;
	return sqlite3_last_insert_rowid(s->db);
}

int store_channel_backfill(struct store *s, const char *platform, int64_t account_id, int64_t mentor_id)
{
	if (platform && strcmp(platform, CHANNEL_EMAIL) == 0)
		return store_mail_backfill(s, account_id, mentor_id);
	if (platform && strcmp(platform, CHANNEL_LINKEDIN) == 0)
		return (int)store_linkedin_backfill(s, account_id, mentor_id);
	return 0;
}
