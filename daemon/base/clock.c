/* clock.c — see clock.h. */
#include "base/clock.h"

#include <stdio.h>
#include <time.h>

uint64_t clock_monotonic_usec(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

int64_t clock_realtime_sec(void)
{
	return (int64_t)time(NULL);
}

int64_t clock_realtime_usec(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void clock_init(struct clock *c, int64_t offset, int64_t scale, int64_t anchor_usec)
{
	*c = (struct clock){ .offset = offset, .scale = scale,
	                     .anchor_usec = anchor_usec ? anchor_usec : clock_realtime_usec() };
}

int64_t clock_now(const struct clock *c)
{
	if (c->fixed)
		return c->fixed;
	if (c->scale <= 1)
		return clock_realtime_sec() + c->offset;
	/* A pure function of the wall clock, so the fake server (given the
	 * same anchor and scale) and a restarted daemon agree on "now". */
	int64_t elapsed = clock_realtime_usec() - c->anchor_usec;
	return (c->anchor_usec + elapsed * c->scale) / 1000000 + c->offset;
}

int64_t clock_real_usec(const struct clock *c, int64_t secs)
{
	return c->scale > 1 ? secs * 1000000 / c->scale : secs * 1000000;
}

void clock_format_rfc3339(int64_t t, char buf[static 32])
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!gmtime_r(&tt, &tm) || !strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, 32, "1970-01-01T00:00:00Z");
}

struct timeval clock_timeval(int64_t us)
{
	if (us < 0)
		us = 0;
	return (struct timeval){ .tv_sec = (time_t)(us / 1000000), .tv_usec = (suseconds_t)(us % 1000000) };
}
