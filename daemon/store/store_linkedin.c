/* store_linkedin.c — LinkedIn's export rows and the events they give
 * (store_linkedin.h). An import is rare and large: its statements are
 * prepared for the call, not kept in the store's cache. */
#include "store/store_linkedin.h"
#include "store/store_internal.h"
#include "base/log.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

static const char people_insert_sql[] =
	"INSERT INTO linkedin_people (url, first_name, last_name, email, company, position, connected_on, imported_at) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (url) DO NOTHING";
/* A newer export knows the person's current e-mail, company and position. */
static const char people_update_sql[] =
	"UPDATE linkedin_people SET first_name = ?2, last_name = ?3, email = coalesce(?4, email), "
	"company = ?5, position = ?6 WHERE url = ?1";
static const char msg_insert_sql[] =
	"INSERT INTO linkedin_messages (key, counterpart, mine, at, imported_at) VALUES (?1, ?2, ?3, ?4, ?5) "
	"ON CONFLICT (key) DO NOTHING";
static const char linked_sql[] =
	"SELECT id, mentor_id FROM accounts WHERE platform = 'linkedin' AND mentor_id IS NOT NULL ORDER BY id";
static const char connection_event_sql[] =
	"INSERT INTO events (mentor_id, account_id, kind, at, platform, url, dedupe) "
	"SELECT ?2, a.id, 'connection', p.connected_on, 'linkedin', p.url, 'linkedin:connection:' || a.id "
	"FROM accounts a JOIN linkedin_people p ON p.url = a.handle WHERE a.id = ?1 "
	"ON CONFLICT (dedupe) DO NOTHING";
static const char dm_event_sql[] =
	"INSERT INTO events (mentor_id, account_id, kind, at, platform, url, dedupe) "
	"SELECT ?2, a.id, CASE m.mine WHEN 1 THEN 'my_dm' ELSE 'dm_to_me' END, m.at, 'linkedin', m.counterpart, "
	"'linkedin:' || m.key || ':' || a.id "
	"FROM accounts a JOIN linkedin_messages m ON m.counterpart = a.handle WHERE a.id = ?1 "
	"ON CONFLICT (dedupe) DO NOTHING";
static const char name_match_sql[] =
	"SELECT m.id, m.name, p.url, 0 FROM linkedin_people p "
	"JOIN mentors m ON m.kind = 'mentor' AND m.name = p.first_name || ' ' || p.last_name COLLATE NOCASE "
	"WHERE NOT EXISTS (SELECT 1 FROM accounts a WHERE a.platform = 'linkedin' AND a.handle = p.url "
	"AND a.mentor_id IS NOT NULL) ORDER BY m.id, p.url LIMIT 200";
static const char email_match_sql[] =
	"SELECT m.id, m.name, p.email, (SELECT coalesce(max(e.mentor_id), 0) FROM accounts e "
	"WHERE e.platform = 'email' AND e.handle = p.email) FROM accounts a JOIN linkedin_people p ON p.url = a.handle "
	"JOIN mentors m ON m.id = a.mentor_id AND m.kind = 'mentor' "
	"WHERE a.platform = 'linkedin' AND p.email IS NOT NULL "
	"AND NOT EXISTS (SELECT 1 FROM accounts e WHERE e.platform = 'email' AND e.handle = p.email "
	"AND e.mentor_id = a.mentor_id) ORDER BY m.id, p.email LIMIT 200";
static const char email_link_sql[] =
	"SELECT DISTINCT a.mentor_id, p.email FROM accounts a JOIN linkedin_people p ON p.url = a.handle "
	"WHERE a.platform = 'linkedin' AND a.mentor_id IS NOT NULL AND p.email IS NOT NULL "
	"AND NOT EXISTS (SELECT 1 FROM accounts e WHERE e.platform = 'email' AND e.handle = p.email) "
	"GROUP BY p.email ORDER BY a.mentor_id, p.email";

static int prepare(struct store *s, const char *sql, sqlite3_stmt **st)
{
	int rc = sqlite3_prepare_v2(s->db, sql, -1, st, NULL);
	return rc == SQLITE_OK ? 0 : store_error(s, rc, "prepare a LinkedIn statement");
}

static void bind_opt(sqlite3_stmt *st, int i, const char *v)
{
	if (v && *v)
		sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

/* Steps st once (no rows wanted); the rows it changed, or a negative errno. */
static int step(struct store *s, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_error(s, rc, what);
	return sqlite3_changes(s->db);
}

static int put_person(struct store *s, sqlite3_stmt *ins, sqlite3_stmt *upd, const struct store_linkedin_person *p)
{
	sqlite3_stmt *st[2] = { ins, upd };
	int r = 0;
	for (int i = 0; i < 2; i++) {
		sqlite3_clear_bindings(st[i]);
		sqlite3_bind_text(st[i], 1, p->url, -1, SQLITE_STATIC);
		sqlite3_bind_text(st[i], 2, p->first, -1, SQLITE_STATIC);
		sqlite3_bind_text(st[i], 3, p->last, -1, SQLITE_STATIC);
		bind_opt(st[i], 4, p->email);
		bind_opt(st[i], 5, p->company);
		bind_opt(st[i], 6, p->position);
	}
	sqlite3_bind_int64(ins, 7, p->connected_on);
	sqlite3_bind_int64(ins, 8, store_now(s));
	if ((r = step(s, ins, "insert a LinkedIn connection")) != 0)
		return r;   /* new (1) or an error */
	return (r = step(s, upd, "update a LinkedIn connection")) < 0 ? r : 0;
}

int store_linkedin_put(struct store *s, const struct store_linkedin_person *p, size_t n_people,
                       const struct store_linkedin_message *m, size_t n_msgs,
                       uint64_t *people_new, uint64_t *msgs_new)
{
	sqlite3_stmt *ins = NULL, *upd = NULL, *msg = NULL;
	int r;

	*people_new = *msgs_new = 0;
	if ((r = prepare(s, people_insert_sql, &ins)) < 0 || (r = prepare(s, people_update_sql, &upd)) < 0 ||
	    (r = prepare(s, msg_insert_sql, &msg)) < 0)
		goto out;
	for (size_t i = 0; i < n_people; i++) {
		if ((r = put_person(s, ins, upd, &p[i])) < 0)
			goto out;
		*people_new += (uint64_t)r;
	}
	for (size_t i = 0; i < n_msgs; i++) {
		sqlite3_bind_text(msg, 1, m[i].key, -1, SQLITE_STATIC);
		sqlite3_bind_text(msg, 2, m[i].counterpart, -1, SQLITE_STATIC);
		sqlite3_bind_int(msg, 3, m[i].mine);
		sqlite3_bind_int64(msg, 4, m[i].at);
		sqlite3_bind_int64(msg, 5, store_now(s));
		if ((r = step(s, msg, "insert a LinkedIn message")) < 0)
			goto out;
		*msgs_new += (uint64_t)r;
	}
	r = 0;
out:
	sqlite3_finalize(ins);
	sqlite3_finalize(upd);
	sqlite3_finalize(msg);
	return r;
}

int64_t store_linkedin_backfill(struct store *s, int64_t account_id, int64_t mentor_id)
{
	const char *sql[2] = { connection_event_sql, dm_event_sql };
	int64_t added = 0;
	int r = 0;

	for (int i = 0; i < 2 && r >= 0; i++) {
		sqlite3_stmt *st = NULL;
		if ((r = prepare(s, sql[i], &st)) < 0)
			break;
		sqlite3_bind_int64(st, 1, account_id);
		sqlite3_bind_int64(st, 2, mentor_id);
		if ((r = step(s, st, "derive LinkedIn events")) >= 0)
			added += r;
		sqlite3_finalize(st);
	}
	return r < 0 ? r : added;
}

struct linked {
	int64_t account, mentor;
	bool hit;   /* got new events */
};

int64_t store_linkedin_events(struct store *s, int (*fn)(int64_t mentor_id, void *userdata), void *userdata)
{
	sqlite3_stmt *st = NULL;
	struct linked *v = NULL;
	size_t n = 0, cap = 0;
	int64_t added = 0;
	int rc, r;

	/* The accounts first: the inserts below must not run under this read. */
	if ((r = prepare(s, linked_sql, &st)) < 0)
		return r;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			struct linked *w = realloc(v, (cap = cap ? cap * 2 : 16) * sizeof *w);
			if (!w) {
				rc = SQLITE_NOMEM;
				break;
			}
			v = w;
		}
		v[n++] = (struct linked){ sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1), false };
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(v);
		return rc == SQLITE_NOMEM ? -ENOMEM : store_error(s, rc, "list linked LinkedIn profiles");
	}
	for (size_t i = 0; i < n; i++) {
		int64_t k = store_linkedin_backfill(s, v[i].account, v[i].mentor);
		if (k < 0) {
			free(v);
			return k;
		}
		added += k;
		v[i].hit = k > 0;
	}
	/* Each mentor told once, after every insert. */
	for (size_t i = 0; fn && i < n; i++) {
		bool told = false;
		for (size_t j = 0; j < i; j++)
			told |= v[j].hit && v[j].mentor == v[i].mentor;
		if (v[i].hit && !told && (r = fn(v[i].mentor, userdata)) < 0) {
			free(v);
			return r;
		}
	}
	free(v);
	return added;
}

static int64_t each_match(struct store *s, const char *sql, const char *platform, store_linkedin_link_fn fn,
                          void *userdata)
{
	sqlite3_stmt *st = NULL;
	int64_t n = 0;
	int rc, r;

	if ((r = prepare(s, sql, &st)) < 0)
		return r;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((r = fn(sqlite3_column_int64(st, 0), (const char *)sqlite3_column_text(st, 1), platform,
		            (const char *)sqlite3_column_text(st, 2), sqlite3_column_int64(st, 3), userdata)) < 0) {
			sqlite3_finalize(st);
			return r;
		}
		n++;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? n : store_error(s, rc, "LinkedIn link proposals");
}

int64_t store_linkedin_proposals(struct store *s, store_linkedin_link_fn fn, void *userdata)
{
	int64_t a = each_match(s, name_match_sql, "linkedin", fn, userdata), b;
	if (a < 0)
		return a;
	b = each_match(s, email_match_sql, "email", fn, userdata);
	return b < 0 ? b : a + b;
}

int64_t store_linkedin_emails(struct store *s, int (*fn)(int64_t mentor_id, const char *email, void *userdata),
                              void *userdata)
{
	sqlite3_stmt *st = NULL;
	int64_t n = 0;
	int rc, r;

	if ((r = prepare(s, email_link_sql, &st)) < 0)
		return r;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((r = fn(sqlite3_column_int64(st, 0), (const char *)sqlite3_column_text(st, 1), userdata)) < 0) {
			sqlite3_finalize(st);
			return r;
		}
		n++;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? n : store_error(s, rc, "LinkedIn e-mail addresses to link");
}
