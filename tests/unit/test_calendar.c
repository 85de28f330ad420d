/* Unit tests for common/calendar.c: UTC months and ISO weeks across year
 * ends, leap days and the epoch. Expected instants were computed with
 * `date -u -d ... +%s`. */
#include "common/calendar.h"
#include "tap.h"

#include <errno.h>
#include <string.h>

int main(void)
{
	const enum calendar_unit M = CALENDAR_MONTH, W = CALENDAR_WEEK;

	is_int(calendar_unit_from_name("month"), M, "month");
	is_int(calendar_unit_from_name("week"), W, "week");
	is_int(calendar_unit_from_name("day"), -EINVAL, "day is refused");
	is_int(calendar_unit_from_name(NULL), -EINVAL, "NULL is refused");

	/* months */
	is_int(calendar_floor(M, 0), 0, "the epoch starts a month");
	is_int(calendar_floor(M, 1709210096), 1706745600, "2024-02-29 12:34 → 2024-02-01");
	is_int(calendar_add(M, 1706745600, 1), 1709251200, "leap February has 29 days → 2024-03-01");
	is_int(calendar_add(M, 1675209600, 1), 1677628800, "2023-02-01 + 1 → 2023-03-01 (28 days)");
	is_int(calendar_add(M, 1735689599, 0), 1733011200, "2024-12-31 23:59:59 → 2024-12-01");
	is_int(calendar_add(M, 1733011200, 1), 1735689600, "December + 1 → next January");
	is_int(calendar_add(M, 1735689600, -1), 1733011200, "January - 1 → last December");
	is_int(calendar_add(M, 1735689600, -11), 1706745600, "2025-01 - 11 → 2024-02-01");
	is_int(calendar_floor(M, 951782400), 949363200, "2000-02-29 (a leap century) → 2000-02-01");
	is_int(calendar_add(M, 949363200, 1), 951868800, "2000-02-01 + 1 → 2000-03-01");
	is_int(calendar_add(M, 4105123200LL, 1), 4107542400LL, "2100-02-01 + 1 → 2100-03-01 (no leap day)");
	is_int(calendar_add(M, 0, -1), -2678400, "before the epoch: 1969-12-01");
	is_int(calendar_index(M, 1733011200, 1735689600), 1, "Dec 2024 → Jan 2025 is one month");
	is_int(calendar_index(M, 1706745600, 1735689599), 10, "Feb → Dec 2024 is ten");
	is_int(calendar_index(M, 1706745600, 1706745599), -1, "a second earlier is the month before");
	int y, m, d;
	calendar_date(1709210096, &y, &m, &d);
	ok(y == 2024 && m == 2 && d == 29, "2024-02-29 read back");
	calendar_date(-1, &y, &m, &d);
	ok(y == 1969 && m == 12 && d == 31, "1969-12-31 read back");

	/* ISO weeks: Monday 00:00 UTC */
	is_int(calendar_floor(W, 0), -259200, "1970-01-01 (Thu) → Mon 1969-12-29");
	is_int(calendar_floor(W, 1735603200), 1735516800, "Tue 2024-12-31 → Mon 2024-12-30");
	is_int(calendar_floor(W, 1735862399), 1735516800, "Thu 2025-01-02 23:59:59 → Mon 2024-12-30 (week 1 of 2025)");
	is_int(calendar_floor(W, 1736121600), 1736121600, "Mon 2025-01-06 starts its week");
	is_int(calendar_floor(W, 1736121599), 1735516800, "Sun 2025-01-05 23:59:59 is the week before");
	is_int(calendar_add(W, 1735516800, 1), 1736121600, "+1 week across the new year");
	is_int(calendar_add(W, 1736121600, -11), 1729468800, "-11 weeks → Mon 2024-10-21");
	is_int(calendar_floor(W, 1709210096), 1708905600, "Thu 2024-02-29 → Mon 2024-02-26");
	is_int(calendar_index(W, 1735516800, 1736121600), 1, "one week");
	is_int(calendar_index(W, 1736121600, 1735516800 + 3600), -1, "the week before");
	return tap_done();
}
