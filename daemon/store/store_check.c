/* store_check.c — the findings of the draft check that the user accepted. */
#include "store/store_internal.h"

int store_check_accept(struct store *s, const char *fingerprint, const char *rule, int64_t at)
{
	sqlite3_stmt *st = store_stmt(s, ST_CHECK_ACCEPT);
	int r;
	sqlite3_bind_text(st, 1, fingerprint, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, rule, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, at);
	r = store_exec_stmt(s, st, "record accepted finding");
	return r < 0 ? r : 0;
}

int store_for_each_check_accept(struct store *s, int (*fn)(const char *fingerprint, void *userdata),
                                void *userdata)
{
	sqlite3_stmt *st = store_stmt(s, ST_CHECK_ACCEPTED);
	int rc, r = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if ((r = fn((const char *)sqlite3_column_text(st, 0), userdata)) < 0)
			break;
	sqlite3_reset(st);
	if (r < 0)
		return r;
	return rc == SQLITE_DONE ? 0 : store_error(s, rc, "read accepted findings");
}
