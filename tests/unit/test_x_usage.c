/* Unit tests for daemon/net/x_usage.c: X's billing month, the day's
 * allowance and the pace (issue 18). */
#include "net/x_usage.h"
#include "tap.h"

#include <string.h>

/* The UTC day number of y-m-d (via unix time of noon). */
static int64_t day_of(int y, int m, int d)
{
	/* 2026-01-01 is day 20454. */
	static const int cum[] = { 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334 };
	int64_t days = 20454 + (int64_t)(y - 2026) * 365 + cum[m - 1] + d - 1;
	if (y == 2028 && m > 2)
		days++;
	return days;
}

int main(void)
{
	is_int(x_usage_day(0), 0, "the epoch is day 0");
	is_int(x_usage_day(86399), 0, "its last second too");
	is_int(x_usage_day(86400), 1, "midnight UTC begins the next");
	is_int(x_usage_day(1767225600), day_of(2026, 1, 1), "2026-01-01");

	int64_t d = day_of(2026, 12, 7);
	is_int(x_usage_month_start(d, 0), day_of(2026, 12, 1), "no reset day: the 1st");
	is_int(x_usage_month_end(d, 0), day_of(2027, 1, 1), "  ends on the next 1st");
	is_int(x_usage_month_start(d, 10), day_of(2026, 11, 10), "reset on the 10th, before it: last month's 10th");
	is_int(x_usage_month_end(d, 10), day_of(2026, 12, 10), "  ends on this month's 10th");
	is_int(x_usage_month_start(day_of(2026, 12, 10), 10), day_of(2026, 12, 10), "the reset day itself starts a month");
	is_int(x_usage_month_start(day_of(2026, 1, 5), 10), day_of(2025, 12, 10) , "January reaches into December");
	is_int(x_usage_month_end(day_of(2027, 1, 31), 31), day_of(2027, 2, 28), "31 in February: its last day");
	is_int(x_usage_month_start(day_of(2027, 3, 1), 31), day_of(2027, 2, 28), "  and March 1st is still in it");
	is_int(x_usage_month_start(day_of(2026, 3, 30), 30), day_of(2026, 3, 30), "30 in March: the 30th");

	/* 2,000 a month of 31 days starting today: 65 a day (rounded up). */
	int64_t first = day_of(2026, 12, 1);
	is_int(x_usage_allowance(2000, 0, first, 1), 65, "2000 over 31 days: 65 a day");
	is_int(x_usage_allowance(2000, 1990, day_of(2026, 12, 31), 1), 10, "the last day gets what is left");
	is_int(x_usage_allowance(2000, 2000, d, 1), 0, "a spent month: nothing");
	is_int(x_usage_allowance(2000, 2500, d, 1), 0, "over (another app): nothing, never negative");
	is_int(x_usage_allowance(10, 0, first, 1), 1, "a tiny cap: at least one a day while any is left");
	ok(x_usage_allowance(0, 123, d, 1) == INT64_MAX, "no cap: no limit");
	/* The day boundary moves the allowance: an unspent day is spread again. */
	int64_t a1 = x_usage_allowance(3100, 0, first, 1);
	int64_t a2 = x_usage_allowance(3100, 0, first + 1, 1);
	ok(a1 == 100 && a2 == 104, "yesterday's unspent share is spread over the rest (100 → 104)");

	ok(!strcmp(x_usage_pace(2000, 0, d, 1), "on pace"), "nothing read: on pace");
	ok(!strcmp(x_usage_pace(2000, 450, d, 1), "on pace"), "450 by the 7th of 31: on pace");
	ok(!strcmp(x_usage_pace(2000, 500, d, 1), "ahead"), "500 by the 7th: ahead");
	ok(!strcmp(x_usage_pace(2000, 2000, d, 1), "over"), "the cap reached: over");
	ok(!strcmp(x_usage_pace(0, 99999, d, 1), "on pace"), "no cap: on pace");
	return tap_done();
}
