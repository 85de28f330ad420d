/* Unit tests for a rate window fed by answers that describe different
 * throttles (sched_rate_note): Mastodon's headers name whichever of its
 * limits is closest to running out for that request, so a paging answer
 * (300 in 15 min) and a plain one (300 in 5 min) disagree. While the window
 * runs, an answer may lower what is left, never raise it. */
#include "poll/sched_internal.h"
#include "tap.h"

#include <string.h>

#define NOW 1790000000LL

static struct net_rate answer(int64_t limit, int64_t remaining, int64_t reset)
{
	return (struct net_rate){ .limit = limit, .remaining = remaining, .reset = reset };
}

int main(void)
{
	struct sched_platform p;
	struct sched_rate r = { .limit = -1, .remaining = -1, .reset = 0 };
	struct net_rate a;
	int64_t until = 0;

	memset(&p, 0, sizeof p);
	a = answer(300, 0, NOW + 600);              /* paging spent until +10 min */
	sched_rate_note(&p, &r, 0, &a, NOW);
	ok(r.remaining == 0 && r.reset == NOW + 600, "a spent paging window is taken");
	ok(!sched_rate_open(&r, NOW, &until) && until == NOW + 600, "and closes the window");

	a = answer(300, 280, NOW + 120);            /* a plain request's view */
	sched_rate_note(&p, &r, 0, &a, NOW + 10);
	ok(r.remaining == 0 && r.reset == NOW + 600, "another throttle's fuller view does not reopen it");

	a = answer(300, 250, NOW + 900);            /* a later reset, still more left */
	sched_rate_note(&p, &r, 0, &a, NOW + 20);
	ok(r.remaining == 0 && r.reset == NOW + 600, "nor does one with a later reset: ours holds until it ends");

	a = answer(300, 299, NOW + 1200);           /* after our reset: a new window */
	sched_rate_note(&p, &r, 0, &a, NOW + 601);
	ok(r.remaining == 299 && r.reset == NOW + 1200, "once the window ended, the next answer opens the next");

	a = answer(300, 40, NOW + 1000);            /* a tighter throttle */
	sched_rate_note(&p, &r, 0, &a, NOW + 610);
	ok(r.remaining == 40 && r.reset == NOW + 1000, "a tighter view is taken, with its reset");

	a = answer(300, 39, NOW + 1000);            /* the same window counts down */
	sched_rate_note(&p, &r, 0, &a, NOW + 611);
	ok(r.remaining == 39, "the same window counts down as before");
	a = answer(300, 60, NOW + 1000);
	sched_rate_note(&p, &r, 0, &a, NOW + 612);
	ok(r.remaining == 39, "and an older, higher count in it is ignored");
	return tap_done();
}
