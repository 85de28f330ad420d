/* timing.h — the monotonic clock in milliseconds and the sort behind the
 * percentiles, shared by the bench tools that time something themselves. */
#ifndef MENTORD_BENCH_TIMING_H
#define MENTORD_BENCH_TIMING_H

#include <stdlib.h>
#include <time.h>

static inline double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Sorts n timings in place, for t[n / 2] (p50), t[n * 9 / 10], t[n - 1]. */
static inline int bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static inline void bench_sort_ms(double *t, size_t n)
{
	qsort(t, n, sizeof *t, bench_cmp_double);
}

#endif
