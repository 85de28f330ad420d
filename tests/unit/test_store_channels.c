/* Unit tests for store_channels: e-mail and LinkedIn accounts are rows of
 * accounts that list with the mentor's, move with Link/Unlink like a
 * network's, stay out of the networks' counts, and find their mentor by the
 * full address only; the back-fill hook runs (stubs until the sources land). */
#include "store/store.h"
#include "store/store_channels.h"
#include "tap.h"

#include <errno.h>
#include <string.h>

static int count_channel(const char *platform, const char *handle, void *userdata)
{
	int *n = userdata;
	if (strcmp(platform, "email") == 0 || strcmp(platform, "linkedin") == 0)
		(*n)++;
	return 0;
}

int main(void)
{
	struct store *s = NULL;
	struct store_counts c;
	int64_t m1, a1, m2, a2, mail, li, owner = 0;
	int n = 0;

	ok(store_open(&s, ":memory:") == 0, "in-memory store");
	ok(store_follow(s, "mastodon", "alice@med.social", "Dr Alice", 0, &m1, &a1) == 0 &&
	   store_follow(s, "x", "bob", "Dr Bob", 0, &m2, &a2) == 0, "two mentors");
	ok(store_begin(s) == 0, "begin");
	mail = store_channel_add(s, "email", "a.smith@uni.edu", m1);
	li = store_channel_add(s, "linkedin", "https://www.linkedin.com/in/alice", m1);
	ok(mail > 0 && li > 0, "an address and a profile added to mentor %lld", (long long)m1);
	is_int(store_channel_add(s, "mastodon", "carol", m1), -EINVAL, "a network's account is not added this way");
	is_int(store_channel_add(s, "email", "x@y.org", 0), -EINVAL, "nor one without a mentor");
	is_int(store_channel_backfill(s, "email", mail, m1), 0, "e-mail back-fill runs (nothing stored yet)");
	is_int(store_channel_backfill(s, "linkedin", li, m1), 0, "LinkedIn back-fill runs");
	is_int(store_channel_backfill(s, "x", a2, m2), 0, "a network's back-fill is nothing");
	ok(store_commit(s) == 0, "commit");

	ok(store_for_each_account_of(s, m1, count_channel, &n) == 0 && n == 2, "they list with the mentor's accounts");
	memset(&c, 0, sizeof c);
	is_int(store_counts(s, &c), 0, "counts");
	is_int((long long)c.accounts, 2, "the networks' count leaves them out");
	ok(store_account_id(s, "email", "A.Smith@uni.edu", &owner) == mail && owner == m1, "found by address");
	is_int(store_find_mentor(s, "a.smith@uni.edu"), m1, "the full address finds the mentor");
	is_int(store_find_mentor(s, "a.smith"), -ENOENT, "its local part does not");

	ok(store_log_event(s, m1, "note", 1790000000, "x") > 0, "an offline event of mentor 1");
	ok(store_begin(s) == 0 && store_move_account(s, mail, m2) == m1 && store_commit(s) == 0,
	   "the address moves to mentor %lld", (long long)m2);
	ok(store_account_id(s, "email", "a.smith@uni.edu", &owner) == mail && owner == m2, "and belongs to it");
	store_close(s);
	return tap_done();
}
