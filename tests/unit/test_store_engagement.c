/* Unit tests for store/store_engagement.c: which events the walk returns
 * (mentors, kinds, the time range, platform NULL offline) and in what
 * order, and a stop asked for by the callback. */
#include "store/store.h"
#include "store/store_engagement.h"
#include "tap.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct seen {
	char lines[16][64];
	size_t n;
	int stop_after;     /* > 0: return -ECANCELED at that row */
};

static int collect(void *ud, int64_t mentor, const char *platform, const char *kind, int64_t at)
{
	struct seen *s = ud;
	if (s->n < 16)
		snprintf(s->lines[s->n], sizeof s->lines[0], "%lld %s %s %lld", (long long)mentor,
		         platform ? platform : "(null)", kind, (long long)at);
	s->n++;
	return s->stop_after && (int)s->n == s->stop_after ? -ECANCELED : 0;
}

int main(void)
{
	char dir[] = "/tmp/mentord-test-eng-XXXXXX", path[64];
	struct store *s = NULL;
	int64_t m1, m2, m3, a;

	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof path, "%s/m.db", dir);
	if (!ok(store_open(&s, path) == 0, "opens a fresh database"))
		return tap_done();
	ok(store_follow(s, "x", "one", "One", 0, &m1, &a) == 0 && store_follow(s, "x", "two", "Two", 0, &m2, &a) == 0 &&
	   store_follow(s, "x", "three", "Three", 0, &m3, &a) == 0, "three mentors");
	ok(store_log_event(s, m2, "met", 2000, "") > 0 && store_log_event(s, m1, "call", 1500, "") > 0 &&
	   store_log_event(s, m1, "note", 1600, "not counted") > 0 && store_log_event(s, m1, "met", 999, "") > 0 &&
	   store_log_event(s, m1, "email", 3000, "") > 0 && store_log_event(s, m3, "met", 2000, "") > 0,
	   "events logged by hand");

	const int64_t ids[] = { m2, m1 };
	const char *const kinds[] = { "met", "call", "email" };
	struct seen got = { 0 };
	is_int(store_engagement(s, ids, 2, kinds, 3, 1000, 3000, collect, &got), 0, "walk");
	is_int(got.n, 2, "two events: the note's kind, the mentor not asked, 999 and 3000 are out");
	char want[64];
	snprintf(want, sizeof want, "%lld (null) call 1500", (long long)m1);
	is_str(got.lines[0], want, "mentor order, platform NULL offline");
	snprintf(want, sizeof want, "%lld (null) met 2000", (long long)m2);
	is_str(got.lines[1], want, "then the next mentor");

	struct seen stop = { .stop_after = 1 };
	is_int(store_engagement(s, ids, 2, kinds, 3, 0, 5000, collect, &stop), -ECANCELED, "the callback's error stops the walk");
	is_int(stop.n, 1, "after one row");
	struct seen none = { 0 };
	is_int(store_engagement(s, ids, 0, kinds, 3, 0, 5000, collect, &none), 0, "no ids: nothing");
	is_int(store_engagement(s, ids, 2, kinds, 3, 5000, 5000, collect, &none), 0, "an empty range: nothing");
	is_int(none.n, 0, "no rows");
	const char *const bad[] = { "met\",\"post" };
	is_int(store_engagement(s, ids, 2, bad, 1, 0, 5000, collect, &none), -EINVAL, "a kind that is not a word is refused");
	store_close(s);
	unlink(path);
	char side[80];
	snprintf(side, sizeof side, "%s-wal", path); unlink(side);
	snprintf(side, sizeof side, "%s-shm", path); unlink(side);
	rmdir(dir);
	return tap_done();
}
