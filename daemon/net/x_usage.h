/* x_usage.h — X's billing arithmetic, pure (no clock, no store): X bills
 * every post it returns (in data and includes.tweets) once per post id per
 * UTC day, within a monthly cap whose month starts on cap_reset_day.
 *
 * Days are UTC day numbers (unix seconds / 86400). A reset day past the end
 * of a short month falls on that month's last day. */
#ifndef MENTORD_NET_X_USAGE_H
#define MENTORD_NET_X_USAGE_H

#include <stdint.h>

/* Worst case of posts one X request bills per max_results when referenced
 * posts are expanded (without a cap): each post plus the two it may
 * reference (replied_to, quoted) through includes.tweets. With a cap x.c
 * expands none, and a result bills itself only. */
#define X_USAGE_BILL_PER_POST 3

/* The UTC day of unix time t. */
int64_t x_usage_day(int64_t t);

/* The first day of the billing month holding day, and the first day of the
 * next one. reset_day 0 means the 1st. */
int64_t x_usage_month_start(int64_t day, int reset_day);
int64_t x_usage_month_end(int64_t day, int reset_day);

/* Today's allowance: what the month has left before today, spread evenly
 * over the days left including today (rounded up, never above what is
 * left). 0 when cap is reached; cap 0 (no cap) gives INT64_MAX. */
int64_t x_usage_allowance(int64_t cap, int64_t read_before_today, int64_t day, int reset_day);

/* "on pace", "ahead" (more than an even share of the month by the end of
 * today) or "over" (the cap is reached). */
const char *x_usage_pace(int64_t cap, int64_t read_month, int64_t day, int reset_day);

#endif
