/* store_mail.c — the e-mail source's files, messages and events (schema 014).
 * Its statements are prepared on first use and kept beside the store's own. */
#include "store/store_mail.h"
#include "store/store_internal.h"
#include "base/log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum mail_stmt {
	MS_FILE_KNOWN, MS_FILE_ADD, MS_FILE_FORGET, MS_MSG_GET, MS_MSG_INSERT, MS_ADDR_INSERT,
	MS_ACCOUNT, MS_BACKFILL, MS_COUNT_FILES, MS_COUNT_MSGS, MS_SENDERS, MS_DROP_SUBJECTS,
	MS_DROP_NOTES, MS_MENTORS,
	MS__COUNT
};

static const char *const mail_sql[MS__COUNT] = {
	[MS_FILE_KNOWN] = "SELECT 1 FROM mail_files WHERE folder = ?1 AND uniq = ?2",
	[MS_FILE_ADD] =
		"INSERT INTO mail_files(folder, uniq, message, seen_at) VALUES (?1, ?2, ?3, ?4)"
		" ON CONFLICT(folder, uniq) DO NOTHING",
	[MS_FILE_FORGET] = "DELETE FROM mail_files WHERE folder = ?1 AND uniq = ?2",
	[MS_MSG_GET] = "SELECT id FROM mail_messages WHERE msgid = ?1",
	[MS_MSG_INSERT] =
		"INSERT INTO mail_messages(msgid, at, outgoing, subject, in_reply_to, refs)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[MS_ADDR_INSERT] =
		"INSERT INTO mail_addrs(message, addr, name) VALUES (?1, ?2, ?3)"
		" ON CONFLICT(message, addr) DO NOTHING",
	[MS_ACCOUNT] =
		"SELECT id, mentor_id FROM accounts WHERE platform = 'email' AND handle = ?1"
		" AND followed = 1 AND mentor_id IS NOT NULL",
	[MS_BACKFILL] =
		"SELECT m.msgid, m.at, m.outgoing, m.subject FROM accounts a"
		" JOIN mail_addrs d ON d.addr = lower(a.handle) JOIN mail_messages m ON m.id = d.message"
		" WHERE a.id = ?1 ORDER BY m.at, m.id",
	[MS_COUNT_FILES] = "SELECT count(*) FROM mail_files",
	[MS_COUNT_MSGS] = "SELECT count(*) FROM mail_messages",
	/* The newest name each address gave while writing to the user. */
	[MS_SENDERS] =
		"SELECT d.addr, d.name, max(m.at) FROM mail_addrs d JOIN mail_messages m ON m.id = d.message"
		" WHERE m.outgoing = 0 AND d.name IS NOT NULL AND d.name <> ''"
		" AND NOT EXISTS (SELECT 1 FROM accounts a WHERE a.platform = 'email' AND a.handle = d.addr"
		"  AND a.mentor_id IS NOT NULL)"
		" GROUP BY d.addr ORDER BY d.addr LIMIT 5000",
	[MS_DROP_SUBJECTS] = "UPDATE mail_messages SET subject = NULL WHERE subject IS NOT NULL",
	[MS_MENTORS] =
		"SELECT DISTINCT mentor_id FROM accounts WHERE platform = 'email' AND followed = 1"
		" AND mentor_id IS NOT NULL ORDER BY mentor_id",
	[MS_DROP_NOTES] = "UPDATE events SET note = NULL WHERE platform = 'email' AND note IS NOT NULL",
};

struct store_mail_stmts {
	sqlite3_stmt *st[MS__COUNT];
};

static void mail_free_stmts(struct store *s)
{
	if (!s->mail)
		return;
	for (int i = 0; i < MS__COUNT; i++)
		sqlite3_finalize(s->mail->st[i]);
	free(s->mail);
	s->mail = NULL;
}

static sqlite3_stmt *mstmt(struct store *s, enum mail_stmt id)
{
	sqlite3_stmt *st;
	if (!s->mail) {
		if (!(s->mail = calloc(1, sizeof *s->mail)))
			return NULL;
		s->mail_stmts_free = mail_free_stmts;
	}
	st = s->mail->st[id];
	if (!st) {
		int rc = sqlite3_prepare_v3(s->db, mail_sql[id], -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
		if (rc != SQLITE_OK) {
			store_error(s, rc, "prepare e-mail statement");
			return NULL;
		}
		s->mail->st[id] = st;
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return st;
}

static void bind_opt(sqlite3_stmt *st, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
}

/* Steps a one-row query: 1 with the row left for reading, 0 when none. */
static int step_row(struct store *s, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		return 1;
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : store_error(s, rc, what);
}

int store_mail_file_known(struct store *s, const char *folder, const char *uniq)
{
	sqlite3_stmt *st = mstmt(s, MS_FILE_KNOWN);
	int r;
	if (!st)
		return -EIO;
	sqlite3_bind_text(st, 1, folder, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, uniq, -1, SQLITE_STATIC);
	r = step_row(s, st, "look up a mail file");
	sqlite3_reset(st);
	return r;
}

int store_mail_file_add(struct store *s, const char *folder, const char *uniq, int64_t message)
{
	sqlite3_stmt *st = mstmt(s, MS_FILE_ADD);
	if (!st)
		return -EIO;
	sqlite3_bind_text(st, 1, folder, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, uniq, -1, SQLITE_STATIC);
	if (message > 0)
		sqlite3_bind_int64(st, 3, message);
	sqlite3_bind_int64(st, 4, store_now(s));
	return store_exec_stmt(s, st, "remember a mail file");
}

int store_mail_file_forget(struct store *s, const char *folder, const char *uniq)
{
	sqlite3_stmt *st = mstmt(s, MS_FILE_FORGET);
	if (!st)
		return -EIO;
	sqlite3_bind_text(st, 1, folder, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, uniq, -1, SQLITE_STATIC);
	return store_exec_stmt(s, st, "forget a mail file");
}

static int add_addrs(struct store *s, int64_t row, const struct store_mail_msg *m)
{
	for (size_t i = 0; i < m->n_addrs; i++) {
		sqlite3_stmt *st = mstmt(s, MS_ADDR_INSERT);
		int r;
		if (!st)
			return -EIO;
		sqlite3_bind_int64(st, 1, row);
		sqlite3_bind_text(st, 2, m->addrs[i].addr, -1, SQLITE_STATIC);
		bind_opt(st, 3, m->addrs[i].name);
		if ((r = store_exec_stmt(s, st, "insert a mail address")) < 0)
			return r;
	}
	return 0;
}

int store_mail_message_add(struct store *s, const struct store_mail_msg *m, int64_t *row)
{
	sqlite3_stmt *st = mstmt(s, MS_MSG_GET);
	int r;

	if (!st)
		return -EIO;
	sqlite3_bind_text(st, 1, m->msgid, -1, SQLITE_STATIC);
	if ((r = step_row(s, st, "look up a message")) != 0) {
		if (r > 0) {
			*row = sqlite3_column_int64(st, 0);
			sqlite3_reset(st);
		}
		return r < 0 ? r : 0;
	}
	if (!(st = mstmt(s, MS_MSG_INSERT)))
		return -EIO;
	sqlite3_bind_text(st, 1, m->msgid, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, m->at);
	sqlite3_bind_int(st, 3, m->outgoing);
	bind_opt(st, 4, m->subject);
	bind_opt(st, 5, m->in_reply_to);
	bind_opt(st, 6, m->refs);
	if ((r = store_exec_stmt(s, st, "insert a message")) < 0)
		return r;
	*row = sqlite3_last_insert_rowid(s->db);
	return (r = add_addrs(s, *row, m)) < 0 ? r : 1;
}

int store_mail_account(struct store *s, const char *addr, int64_t *account_id, int64_t *mentor_id)
{
	sqlite3_stmt *st = mstmt(s, MS_ACCOUNT);
	int r;
	if (!st)
		return -EIO;
	sqlite3_bind_text(st, 1, addr, -1, SQLITE_STATIC);
	if ((r = step_row(s, st, "look up an address")) > 0) {
		*account_id = sqlite3_column_int64(st, 0);
		*mentor_id = sqlite3_column_int64(st, 1);
		sqlite3_reset(st);
	}
	return r;
}

void store_mail_event(struct store_event *e, char *dedupe, size_t size, const char *msgid,
                      int64_t at, bool outgoing, const char *subject, int64_t account_id, int64_t mentor_id)
{
	snprintf(dedupe, size, "email:%s:%lld", msgid, (long long)account_id);
	*e = (struct store_event){
		.mentor_id = mentor_id, .account_id = account_id,
		.kind = outgoing ? "my_email" : "email_to_me", .at = at, .platform = "email",
		.note = subject, .dedupe = dedupe,
	};
}

int store_mail_backfill(struct store *s, int64_t account_id, int64_t mentor_id)
{
	sqlite3_stmt *st = mstmt(s, MS_BACKFILL);
	struct store_event e;
	char dedupe[1100];
	int rc, r = 0, added = 0;

	if (!st)
		return -EIO;
	/* The rows are copied one at a time: inserting events while the
	 * SELECT is open is fine in SQLite (different tables). */
	sqlite3_bind_int64(st, 1, account_id);
	while (r >= 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		store_mail_event(&e, dedupe, sizeof dedupe, (const char *)sqlite3_column_text(st, 0),
		                 sqlite3_column_int64(st, 1), sqlite3_column_int(st, 2) != 0,
		                 (const char *)sqlite3_column_text(st, 3), account_id, mentor_id);
		if ((r = store_insert_event(s, &e)) > 0)
			added++;
	}
	if (r >= 0 && rc != SQLITE_DONE)
		r = store_error(s, rc, "back-fill e-mail events");
	sqlite3_reset(st);
	if (r >= 0)
		log_debug("email: back-filled %d events for account %lld", added, (long long)account_id);
	return r < 0 ? r : added;
}

static int count(struct store *s, enum mail_stmt id, uint64_t *out)
{
	sqlite3_stmt *st = mstmt(s, id);
	int r;
	if (!st)
		return -EIO;
	if ((r = step_row(s, st, "count mail")) > 0)
		*out = (uint64_t)sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return r < 0 ? r : 0;
}

int store_mail_counts(struct store *s, uint64_t *files, uint64_t *messages)
{
	int r = count(s, MS_COUNT_FILES, files);
	return r < 0 ? r : count(s, MS_COUNT_MSGS, messages);
}

int store_mail_for_each_sender(struct store *s, store_mail_sender_fn fn, void *userdata)
{
	sqlite3_stmt *st = mstmt(s, MS_SENDERS);
	int rc, r = 0;
	if (!st)
		return -EIO;
	while (r >= 0 && (rc = sqlite3_step(st)) == SQLITE_ROW)
		r = fn((const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1), userdata);
	if (r >= 0 && rc != SQLITE_DONE)
		r = store_error(s, rc, "list e-mail senders");
	sqlite3_reset(st);
	return r;
}

int store_mail_drop_subjects(struct store *s)
{
	sqlite3_stmt *st = mstmt(s, MS_DROP_SUBJECTS);
	int r, n;
	if (!st)
		return -EIO;
	if ((r = store_exec_stmt(s, st, "drop e-mail subjects")) < 0)
		return r;
	n = r;
	if (!(st = mstmt(s, MS_DROP_NOTES)))
		return -EIO;
	if ((r = store_exec_stmt(s, st, "drop e-mail event notes")) < 0)
		return r;
	return n;
}

int store_mail_mentors(struct store *s, int64_t **ids, size_t *n)
{
	sqlite3_stmt *st = mstmt(s, MS_MENTORS);
	int64_t *v = NULL;
	size_t cap = 0;
	int rc, r = 0;

	*ids = NULL;
	*n = 0;
	if (!st)
		return -EIO;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			int64_t *grown = realloc(v, (cap = cap ? cap * 2 : 16) * sizeof *v);
			if (!grown) {
				r = -ENOMEM;
				break;
			}
			v = grown;
		}
		v[(*n)++] = sqlite3_column_int64(st, 0);
	}
	if (r >= 0 && rc != SQLITE_DONE)
		r = store_error(s, rc, "list e-mail mentors");
	sqlite3_reset(st);
	if (r < 0) {
		free(v);
		*n = 0;
		return r;
	}
	*ids = v;
	return 0;
}
