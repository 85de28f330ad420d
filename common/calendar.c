/* calendar.c — UTC months and ISO weeks over unix seconds, through the
 * proleptic Gregorian day count (era of 400 years = 146097 days), so no
 * libc time zone or gmtime_r state is involved. */
#include "common/calendar.h"

#include <errno.h>
#include <string.h>

#define DAY  86400
#define WEEK (7 * DAY)

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Days since 1970-01-01 of y-m-d (m 1-12). */
static int64_t days_from_date(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = floor_div(y, 400);
	int64_t yoe = y - era * 400;                                 /* 0..399 */
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;  /* from March 1 */
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void date_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	z += 719468;
	int64_t era = floor_div(z, 146097);
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

int calendar_unit_from_name(const char *name)
{
	if (name && strcmp(name, "month") == 0)
		return CALENDAR_MONTH;
	if (name && strcmp(name, "week") == 0)
		return CALENDAR_WEEK;
	return -EINVAL;
}

void calendar_date(int64_t t, int *year, int *month, int *day)
{
	int64_t y;

	date_from_days(floor_div(t, DAY), &y, month, day);
	*year = (int)y;
}

/* Months since January of year 0 (a linear month number). */
static int64_t month_number(int64_t t)
{
	int64_t y;
	int m, d;

	date_from_days(floor_div(t, DAY), &y, &m, &d);
	return y * 12 + (m - 1);
}

static int64_t month_start(int64_t n)
{
	int64_t y = floor_div(n, 12);
	return days_from_date(y, (int)(n - y * 12) + 1, 1) * DAY;
}

/* 1970-01-01 was a Thursday: Mondays are 4 days after a multiple of 7. */
static int64_t week_number(int64_t t)
{
	return floor_div(floor_div(t, DAY) - 4, 7);
}

int64_t calendar_floor(enum calendar_unit u, int64_t t)
{
	if (u == CALENDAR_WEEK)
		return (week_number(t) * 7 + 4) * DAY;
	return month_start(month_number(t));
}

int64_t calendar_add(enum calendar_unit u, int64_t t, int64_t n)
{
	if (u == CALENDAR_WEEK)
		return ((week_number(t) + n) * 7 + 4) * DAY;
	return month_start(month_number(t) + n);
}

int64_t calendar_index(enum calendar_unit u, int64_t start, int64_t t)
{
	if (u == CALENDAR_WEEK)
		return week_number(t) - week_number(start);
	return month_number(t) - month_number(start);
}
