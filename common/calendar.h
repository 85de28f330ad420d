/* calendar.h — the buckets of engagement charts (GetEngagement, the
 * sparklines of `mentorctl show` and `mentors`, the report): UTC calendar
 * months and ISO weeks (Monday 00:00 UTC). Shared by mentord, which counts
 * events into them, and mentorctl, which labels them, so both cut time the
 * same way. Pure arithmetic on unix seconds, no I/O, no time zones. */
#ifndef MENTORD_COMMON_CALENDAR_H
#define MENTORD_COMMON_CALENDAR_H

#include <stdint.h>

enum calendar_unit {
	CALENDAR_MONTH = 0,
	CALENDAR_WEEK,
};

/* "month" / "week" → the unit, or -EINVAL (NULL too). */
int calendar_unit_from_name(const char *name);

/* Start of the bucket that holds t. */
int64_t calendar_floor(enum calendar_unit u, int64_t t);

/* The bucket start n buckets after the one holding t (n < 0: before). */
int64_t calendar_add(enum calendar_unit u, int64_t t, int64_t n);

/* Which bucket t falls in, counted from the one holding start: 0 for the
 * same, negative before it. */
int64_t calendar_index(enum calendar_unit u, int64_t start, int64_t t);

/* The UTC date of t: year, month 1-12, day 1-31. */
void calendar_date(int64_t t, int *year, int *month, int *day);

#endif
