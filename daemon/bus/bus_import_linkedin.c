/* bus_import_linkedin.c — ImportLinkedIn: the rows mentorctl read from
 * LinkedIn's data export (never a path: the daemon opens no file the
 * caller names), checked one by one, then stored with the ledger events of
 * linked profiles and the mentors' aggregates in one transaction.
 *
 * Nothing is announced: the rows are the user's own history, often years
 * of it, and a MentorActivity or a notification per old message would be
 * noise; the counts properties change as after any write. */
#include "bus/bus_internal.h"
#include "base/clock.h"
#include "base/log.h"
#include "mentors/mentor_cache.h"
#include "mentord-bus.h"
#include "store/store_linkedin.h"
#include "common/channel.h"
#include "common/utf8.h"
#include "store/store_channels.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PEOPLE   30000    /* LinkedIn's own limit on connections */
#define MAX_MESSAGES 200000
#define MAX_KEY      256

/* The bus carries canonical forms only (mentorctl normalises): the same
 * text back from common/channel. */
static bool canonical(const char *platform, const char *in)
{
	char out[CHANNEL_HANDLE_MAX + 1];
	const char *why;
	return channel_norm(platform, in, out, sizeof out, &why) == 0 && strcmp(out, in) == 0;
}

static bool text_ok(const char *s, bool required)
{
	size_t len = strlen(s);
	return (!required || len > 0) && len <= MENTORD_MAX_NAME && utf8_text_valid(s, len) && !strchr(s, '\n');
}

static bool key_ok(const char *k)
{
	size_t len = strlen(k);
	if (len == 0 || len > MAX_KEY)
		return false;
	for (; *k; k++)
		if ((unsigned char)*k <= 0x20 || (unsigned char)*k >= 0x7f)
			return false;
	return true;
}

static int bad(sd_bus_error *error, const char *what, size_t i, const char *why)
{
	return sd_bus_error_setf(error, MENTORD_ERROR_INVALID_ARGUMENT, "%s[%zu]: %s", what, i, why);
}

static int read_people(sd_bus_message *msg, int64_t lo, int64_t hi, struct store_linkedin_person **out, size_t *n,
                       sd_bus_error *error)
{
	struct store_linkedin_person p;
	size_t cap = 0;
	int r;

	if ((r = sd_bus_message_enter_container(msg, 'a', "(ssssssx)")) < 0)
		return r;
	while ((r = sd_bus_message_read(msg, "(ssssssx)", &p.url, &p.first, &p.last, &p.email, &p.company,
	                                &p.position, &p.connected_on)) > 0) {
		if (*n >= MAX_PEOPLE)
			return sd_bus_error_setf(error, MENTORD_ERROR_INVALID_ARGUMENT,
			                         "More than %d connections", MAX_PEOPLE);
		if (!canonical(CHANNEL_LINKEDIN, p.url))
			return bad(error, "connections", *n, "not a canonical profile URL https://www.linkedin.com/in/slug");
		if (!text_ok(p.first, false) || !text_ok(p.last, false) || !text_ok(p.company, false) ||
		    !text_ok(p.position, false))
			return bad(error, "connections", *n, "names, company and position must be UTF-8 text of at most 200 bytes");
		if (*p.email && !canonical(CHANNEL_EMAIL, p.email))
			return bad(error, "connections", *n, "not an e-mail address in canonical form (lower-case local@domain)");
		if (p.connected_on < lo || p.connected_on > hi)
			return bad(error, "connections", *n, "the connection date must be between 1990 and tomorrow");
		if (*n == cap) {
			struct store_linkedin_person *w = realloc(*out, (cap = cap ? cap * 2 : 64) * sizeof *w);
			if (!w)
				return -ENOMEM;
			*out = w;
		}
		(*out)[(*n)++] = p;
	}
	return r < 0 ? r : sd_bus_message_exit_container(msg);
}

static int read_messages(sd_bus_message *msg, int64_t lo, int64_t hi, struct store_linkedin_message **out,
                         size_t *n, sd_bus_error *error)
{
	struct store_linkedin_message m;
	size_t cap = 0;
	int mine, r;

	if ((r = sd_bus_message_enter_container(msg, 'a', "(ssbx)")) < 0)
		return r;
	while ((r = sd_bus_message_read(msg, "(ssbx)", &m.key, &m.counterpart, &mine, &m.at)) > 0) {
		if (*n >= MAX_MESSAGES)
			return sd_bus_error_setf(error, MENTORD_ERROR_INVALID_ARGUMENT,
			                         "More than %d messages", MAX_MESSAGES);
		if (!key_ok(m.key))
			return bad(error, "messages", *n, "the key must be 1 to 256 printable ASCII characters");
		if (!canonical(CHANNEL_LINKEDIN, m.counterpart))
			return bad(error, "messages", *n, "not a canonical profile URL https://www.linkedin.com/in/slug");
		if (m.at < lo || m.at > hi)
			return bad(error, "messages", *n, "the time must be between 1990 and tomorrow");
		m.mine = mine;
		if (*n == cap) {
			struct store_linkedin_message *w = realloc(*out, (cap = cap ? cap * 2 : 256) * sizeof *w);
			if (!w)
				return -ENOMEM;
			*out = w;
		}
		(*out)[(*n)++] = m;
	}
	return r < 0 ? r : sd_bus_message_exit_container(msg);
}

struct touched {
	struct bus *bus;
	int64_t *ids;
	size_t n, cap;
};

static int on_mentor(int64_t mentor_id, void *userdata)
{
	struct touched *t = userdata;
	if (t->n == t->cap) {
		int64_t *w = realloc(t->ids, (t->cap = t->cap ? t->cap * 2 : 16) * sizeof *w);
		if (!w)
			return -ENOMEM;
		t->ids = w;
	}
	t->ids[t->n++] = mentor_id;
	return 0;
}

static int count_proposal(int64_t mentor_id, const char *mentor, const char *platform, const char *handle,
                          int64_t other, void *userdata)
{
	uint64_t *counts = userdata;
	counts[strcmp(platform, "email") == 0]++;
	return 0;
}

struct email_links {
	struct { int64_t mentor; char *email; } *v;
	size_t n, cap;
};

static int on_email(int64_t mentor_id, const char *email, void *userdata)
{
	struct email_links *l = userdata;
	if (l->n == l->cap) {
		void *w = realloc(l->v, (l->cap = l->cap ? l->cap * 2 : 8) * sizeof *l->v);
		if (!w)
			return -ENOMEM;
		l->v = w;
	}
	if (!(l->v[l->n].email = strdup(email)))
		return -ENOMEM;
	l->v[l->n++].mentor = mentor_id;
	return 0;
}

/* The e-mail addresses the export gives for linked profiles, linked to the
 * same mentor as Link would (the export ties the address to that very
 * profile, unlike a name match), with their own back-fill. An address that
 * is another's account is left to suggest --links. */
static int link_emails(struct bus *b, struct touched *t, uint64_t *linked)
{
	struct email_links l = { 0 };
	int64_t r = store_linkedin_emails(b->store, on_email, &l);

	for (size_t i = 0; r >= 0 && i < l.n; i++) {
		int64_t acc = store_channel_add(b->store, CHANNEL_EMAIL, l.v[i].email, l.v[i].mentor);
		r = acc < 0 ? acc : store_channel_backfill(b->store, CHANNEL_EMAIL, acc, l.v[i].mentor);
		if (r >= 0)
			r = on_mentor(l.v[i].mentor, t);
		if (r >= 0)
			(*linked)++;
	}
	for (size_t i = 0; i < l.n; i++)
		free(l.v[i].email);
	free(l.v);
	return r < 0 ? (int)r : 0;
}

/* Rows, events, e-mail links and aggregates; the caller commits or rolls back. */
static int import_tx(struct bus *b, const struct store_linkedin_person *p, size_t np,
                     const struct store_linkedin_message *m, size_t nm, struct touched *t,
                     uint64_t *people_new, uint64_t *msgs_new, int64_t *events, uint64_t *emails)
{
	int r;
	if ((r = store_linkedin_put(b->store, p, np, m, nm, people_new, msgs_new)) < 0)
		return r;
	if ((*events = store_linkedin_events(b->store, on_mentor, t)) < 0)
		return (int)*events;
	if ((r = link_emails(b, t, emails)) < 0)
		return r;
	/* A mentor told twice is rebuilt once. */
	for (size_t i = 0; i < t->n; i++)
		for (size_t j = i + 1; j < t->n;)
			if (t->ids[j] == t->ids[i])
				t->ids[j] = t->ids[--t->n];
			else
				j++;
	for (size_t i = 0; i < t->n; i++)
		if ((r = mentor_cache_rebuild(b->mentors, t->ids[i])) < 0)
			return r;
	return 0;
}

int bus_import_linkedin(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	struct bus *b = userdata;
	struct store_linkedin_person *people = NULL;
	struct store_linkedin_message *msgs = NULL;
	struct touched t = { .bus = b };
	size_t np = 0, nm = 0;
	uint64_t people_new = 0, msgs_new = 0, emails = 0, proposals[2] = { 0, 0 };
	int64_t now = clock_now(b->clock), events = 0;
	int r;

	if ((r = read_people(msg, 631152000, now + 86400, &people, &np, error)) < 0 ||
	    (r = read_messages(msg, 631152000, now + 86400, &msgs, &nm, error)) < 0)
		goto out;
	if ((r = store_begin(b->store)) < 0) {
		r = bus_args_internal_error(error, r);
		goto out;
	}
	r = import_tx(b, people, np, msgs, nm, &t, &people_new, &msgs_new, &events, &emails);
	if (r >= 0)
		r = store_commit(b->store);
	else
		store_rollback(b->store);
	/* Memory follows the database whatever happened. */
	for (size_t i = 0; i < t.n; i++)
		mentor_cache_refresh(b->mentors, t.ids[i]);
	if (r < 0) {
		r = bus_args_internal_error(error, r);
		goto out;
	}
	if ((r = (int)store_linkedin_proposals(b->store, count_proposal, proposals)) < 0) {
		r = bus_args_internal_error(error, r);
		goto out;
	}
	log_info("LinkedIn import: %llu new connections, %llu new messages, %lld events for %zu mentors, "
	         "%llu e-mail addresses linked", (unsigned long long)people_new, (unsigned long long)msgs_new,
	         (long long)events, t.n, (unsigned long long)emails);
	r = sd_bus_reply_method_return(msg, "ttttttt", people_new, msgs_new, (uint64_t)events, (uint64_t)t.n,
	                               emails, proposals[0], proposals[1]);
out:
	free(people);
	free(msgs);
	free(t.ids);
	return r;
}
