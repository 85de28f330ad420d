/* test_store_linkedin.c — LinkedIn's export rows and the events they give
 * linked profiles (daemon/store/store_linkedin.c), in a memory database. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "store/store_channels.h"
#include "store/store_linkedin.h"
#include "tap.h"

#define ADA "https://www.linkedin.com/in/ada"
#define BOB "https://www.linkedin.com/in/bob"

static const struct store_linkedin_person people[] = {
	{ ADA, "Ada", "Lovelace", "ada@example.org", "Engines", "Founder", 1682985600 },
	{ BOB, "Bob", "Stone", "", NULL, NULL, 1609804800 },
};
static const struct store_linkedin_message msgs[] = {
	{ "c1/1704103200/me", ADA, true, 1704103200 },
	{ "c1/1704189600/them", ADA, false, 1704189600 },
	{ "c2/1704200000/me", BOB, true, 1704200000 },
};

static int count_mentor(int64_t id, void *userdata)
{
	(*(int *)userdata)++;
	return 0;
}

static int count_email(int64_t mentor_id, const char *email, void *userdata)
{
	(*(int *)userdata) += strcmp(email, "ada@example.org") == 0;
	return 0;
}

struct seen {
	int names, emails;
	char handle[300];
};

static int on_link(int64_t mentor_id, const char *mentor, const char *platform, const char *handle, int64_t other,
                   void *userdata)
{
	struct seen *s = userdata;
	if (strcmp(platform, "linkedin") == 0) {
		s->names++;
		snprintf(s->handle, sizeof s->handle, "%s", handle);
	} else {
		s->emails++;
	}
	return 0;
}

static int64_t count(struct store *s)
{
	struct store_counts c;
	return store_counts(s, &c) == 0 ? (int64_t)c.events : -1;
}

int main(void)
{
	struct store *s;
	uint64_t pn, mn;
	int64_t ada, bob, acc = 0;
	int told = 0;
	struct seen seen = { 0 };

	if (store_open(&s, ":memory:") != 0)
		return 1;
	ada = store_new_mentor(s, "Ada Lovelace");
	bob = store_new_mentor(s, "Bob Stone");
	ok(ada > 0 && bob > 0, "two mentors");
	ok(store_begin(s) == 0 && (acc = store_channel_add(s, "linkedin", ADA, ada)) > 0 && store_commit(s) == 0,
	   "Ada's profile linked");

	ok(store_begin(s) == 0, "begin");
	ok(store_linkedin_put(s, people, 2, msgs, 3, &pn, &mn) == 0 && pn == 2 && mn == 3, "2 people, 3 messages new");
	ok(store_linkedin_events(s, count_mentor, &told) == 3 && told == 1, "3 events (connection, 2 DMs) for 1 mentor");
	ok(store_commit(s) == 0, "commit");
	ok(count(s) == 3, "3 events stored");

	ok(store_begin(s) == 0 && store_linkedin_put(s, people, 2, msgs, 3, &pn, &mn) == 0 && pn == 0 && mn == 0,
	   "the same rows again: nothing new");
	told = 0;
	ok(store_linkedin_events(s, count_mentor, &told) == 0 && told == 0 && store_commit(s) == 0,
	   "and no event twice");

	ok(store_linkedin_proposals(s, on_link, &seen) == 2 && seen.names == 1 && seen.emails == 1 && strcmp(seen.handle, BOB) == 0,
	   "Bob is proposed by name, Ada's address too");
	seen = (struct seen){ 0 };
	ok(store_begin(s) == 0 && (acc = store_channel_add(s, "linkedin", BOB, bob)) > 0, "Bob's profile linked");
	ok(store_linkedin_backfill(s, acc, bob) == 2 && store_linkedin_backfill(s, acc, bob) == 0,
	   "back-fill: Bob's connection and DM, once");
	ok(store_commit(s) == 0 && count(s) == 5, "5 events");
	ok(store_linkedin_proposals(s, on_link, &seen) == 1 && seen.names == 0 && seen.emails == 1,
	   "no name proposal left; Ada's address is proposed until it is an account");

	int n = 0;
	ok(store_linkedin_emails(s, count_email, &n) == 1 && n == 1,
	   "one address to link (Bob has none)");
	store_close(s);
	return tap_done();
}
