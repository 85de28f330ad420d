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
#include "common/utf8.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PEOPLE   30000    /* LinkedIn's own limit on connections */
#define MAX_MESSAGES 200000
#define MAX_KEY      256
#define URL_PREFIX   "https://www.linkedin.com/in/"

static bool canonical_url(const char *u)
{
	size_t n = strlen(URL_PREFIX), len = strlen(u);
	if (len <= n || len > n + 200 || strncmp(u, URL_PREFIX, n) != 0)
		return false;
	for (const char *p = u + n; *p; p++)
		if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) && *p != '-' && *p != '_' && *p != '%')
			return false;
	return true;
}

/* "" or a lower-case local@domain.tld without blanks. */
static bool email_ok(const char *e)
{
	const char *at = strchr(e, '@');
	size_t len = strlen(e);
	if (!*e)
		return true;
	if (len > 254 || !at || at == e || strchr(at + 1, '@') || !strchr(at + 1, '.') || at[1] == '.' ||
	    e[len - 1] == '.')
		return false;
	for (const char *p = e; *p; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f || isupper((unsigned char)*p))
			return false;
	return true;
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
		if (!canonical_url(p.url))
			return bad(error, "connections", *n, "not a canonical profile URL https://www.linkedin.com/in/slug");
		if (!text_ok(p.first, false) || !text_ok(p.last, false) || !text_ok(p.company, false) ||
		    !text_ok(p.position, false))
			return bad(error, "connections", *n, "names, company and position must be UTF-8 text of at most 200 bytes");
		if (!email_ok(p.email))
			return bad(error, "connections", *n, "not a lower-case e-mail address");
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
		if (!canonical_url(m.counterpart))
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
                          void *userdata)
{
	uint64_t *counts = userdata;
	counts[strcmp(platform, "email") == 0]++;
	return 0;
}

/* Rows, events and aggregates; the caller commits or rolls back. */
static int import_tx(struct bus *b, const struct store_linkedin_person *p, size_t np,
                     const struct store_linkedin_message *m, size_t nm, struct touched *t,
                     uint64_t *people_new, uint64_t *msgs_new, int64_t *events)
{
	int r;
	if ((r = store_linkedin_put(b->store, p, np, m, nm, people_new, msgs_new)) < 0)
		return r;
	if ((*events = store_linkedin_events(b->store, on_mentor, t)) < 0)
		return (int)*events;
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
	uint64_t people_new = 0, msgs_new = 0, proposals[2] = { 0, 0 };
	int64_t now = clock_now(b->clock), events = 0;
	int r;

	if ((r = bus_args_caller(msg, error)) < 0 ||
	    (r = read_people(msg, 631152000, now + 86400, &people, &np, error)) < 0 ||
	    (r = read_messages(msg, 631152000, now + 86400, &msgs, &nm, error)) < 0)
		goto out;
	if ((r = store_begin(b->store)) < 0) {
		r = bus_args_internal_error(error, r);
		goto out;
	}
	r = import_tx(b, people, np, msgs, nm, &t, &people_new, &msgs_new, &events);
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
	log_info("LinkedIn import: %llu new connections, %llu new messages, %lld events for %zu mentors",
	         (unsigned long long)people_new, (unsigned long long)msgs_new, (long long)events, t.n);
	r = sd_bus_reply_method_return(msg, "tttttt", people_new, msgs_new, (uint64_t)events, (uint64_t)t.n,
	                               proposals[0], proposals[1]);
out:
	free(people);
	free(msgs);
	free(t.ids);
	return r;
}
