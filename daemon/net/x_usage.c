#include "net/x_usage.h"

#include <stdbool.h>

/* Howard Hinnant's civil-date conversions, for UTC days without time.h's
 * locale-dependent state. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static int month_days(int64_t y, int m)
{
	static const int n[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : n[m - 1];
}

/* The reset day of month m of year y, as a day number. */
static int64_t reset_in(int64_t y, int m, int reset_day)
{
	int last = month_days(y, m);
	return days_from_civil(y, m, reset_day > last ? last : reset_day);
}

int64_t x_usage_day(int64_t t)
{
	return t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
}

int64_t x_usage_month_start(int64_t day, int reset_day)
{
	int64_t y;
	int m, d;

	if (reset_day < 1 || reset_day > 31)
		reset_day = 1;
	civil_from_days(day, &y, &m, &d);
	int64_t start = reset_in(y, m, reset_day);
	if (start <= day)
		return start;
	return m == 1 ? reset_in(y - 1, 12, reset_day) : reset_in(y, m - 1, reset_day);
}

int64_t x_usage_month_end(int64_t day, int reset_day)
{
	int64_t y;
	int m, d;

	if (reset_day < 1 || reset_day > 31)
		reset_day = 1;
	civil_from_days(x_usage_month_start(day, reset_day), &y, &m, &d);
	return m == 12 ? reset_in(y + 1, 1, reset_day) : reset_in(y, m + 1, reset_day);
}

int64_t x_usage_allowance(int64_t cap, int64_t read_before_today, int64_t day, int reset_day)
{
	if (cap <= 0)
		return INT64_MAX;
	int64_t left = cap - read_before_today;
	int64_t days = x_usage_month_end(day, reset_day) - day;
	if (left <= 0)
		return 0;
	if (days < 1)
		days = 1;
	return (left + days - 1) / days;
}

const char *x_usage_pace(int64_t cap, int64_t read_month, int64_t day, int reset_day)
{
	if (cap <= 0)
		return "on pace";
	if (read_month >= cap)
		return "over";
	int64_t start = x_usage_month_start(day, reset_day);
	int64_t len = x_usage_month_end(day, reset_day) - start;
	/* An even share of the month through the end of today. */
	if (read_month * len > cap * (day - start + 1))
		return "ahead";
	return "on pace";
}
