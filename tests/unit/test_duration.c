/* Unit tests for common/duration.c: the one parser of "15m", "3d", "1w"
 * behind mentord.conf, `mute --for` and `log --when 3d`. */
#include "common/duration.h"
#include "tap.h"

#include <errno.h>
#include <string.h>

static int64_t parsed(const char *s, int64_t min, int64_t max)
{
	int64_t v = -1;
	return duration_parse(s, min, max, &v) < 0 ? -1 : v;
}

int main(void)
{
	const int64_t Y = DURATION_YEAR;
	is_int(parsed("30", 1, Y), 30, "a bare number is seconds");
	is_int(parsed("90s", 1, Y), 90, "s");
	is_int(parsed("15m", 1, Y), 900, "m");
	is_int(parsed("2h", 1, Y), 7200, "h");
	is_int(parsed("3d", 1, Y), 3 * 86400, "d");
	is_int(parsed("1w", 1, Y), 7 * 86400, "w");
	is_int(parsed("365d", 1, Y), Y, "the maximum itself");
	is_int(parsed("366d", 1, Y), -1, "one day over the maximum");
	is_int(parsed("3650d", 1, 3650LL * DURATION_DAY), 3650LL * 86400, "ten years where allowed");
	is_int(parsed("0", 1, Y), -1, "zero under a minimum of 1");
	is_int(parsed("0d", 0, Y), 0, "zero where allowed");
	is_int(parsed("59", 60, Y), -1, "under the minimum");
	const char *bad[] = { "", "d", "-5m", "+5m", " 5m", "5 m", "5mm", "5x", "1.5h", "5M",
	                      "99999999999999999999", "9223372036854775807w" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		is_int(parsed(bad[i], 0, Y), -1, bad[i][0] ? bad[i] : "empty string");
	int64_t v = 42;
	is_int(duration_parse(NULL, 0, Y, &v), -EINVAL, "NULL");
	is_int(v, 42, "a refused value leaves the output alone");
	ok(duration_has_unit("3d") && duration_has_unit("1w") && duration_has_unit("9s"), "units seen");
	ok(!duration_has_unit("30") && !duration_has_unit("") && !duration_has_unit(NULL), "no unit");
	return tap_done();
}
