/* clock.h — the daemon's notion of "now".
 *
 * Every time mentord stores or compares (due times, rate windows, quiet
 * hours, the ledger's ages) is read from one struct clock, so that tests can
 * move it: an offset (quiet hours at 14:13 UTC), a scale (24 simulated
 * hours in a minute of soak, the fake API server given the same anchor and
 * scale), or a fixed instant (unit tests that step time by hand). Timers
 * still run on real time: clock_real_usec() converts. */
#ifndef MENTORD_BASE_CLOCK_H
#define MENTORD_BASE_CLOCK_H

#include <stdint.h>
#include <sys/time.h>

struct clock {
	int64_t offset;        /* seconds added to the wall clock */
	int64_t scale;         /* > 1: simulated seconds per real one; 0 or 1: real time */
	int64_t anchor_usec;   /* with scale: the real instant (epoch µs) where both clocks meet */
	int64_t fixed;         /* non-zero: the time it always is (unit tests), offset ignored */
};

/* The real clock moved by offset, scaled from anchor_usec (0: from now). */
void clock_init(struct clock *c, int64_t offset, int64_t scale, int64_t anchor_usec);

/* Unix seconds on the daemon's clock. */
int64_t clock_now(const struct clock *c);

/* Real µs that secs of the daemon's clock take: what a timer waits. */
int64_t clock_real_usec(const struct clock *c, int64_t secs);

/* us (negative: 0) as the timeval libevent's timers take. */
struct timeval clock_timeval(int64_t us);

/* The system's clocks, unmoved. */
uint64_t clock_monotonic_usec(void);
int64_t clock_realtime_sec(void);
int64_t clock_realtime_usec(void);

/* t (unix seconds, UTC) as RFC 3339: "2026-11-25T22:07:04Z". */
void clock_format_rfc3339(int64_t t, char buf[static 32]);

#endif
