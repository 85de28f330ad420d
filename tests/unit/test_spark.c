/* Unit tests for ctl/spark.c: levels, scaling, cells, the ASCII set and
 * the locale's codeset. */
#include "ctl/spark.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>

static void drawn(const uint32_t *c, size_t n, uint32_t max, size_t cell, bool utf8, const char *want,
                  const char *name)
{
	char *s = spark_draw(c, n, max, cell, utf8);
	is_str(s, want, name);
	free(s);
}

int main(void)
{
	is_int(spark_level(0, 10), 0, "zero is the baseline");
	is_int(spark_level(1, 100), 1, "one in a hundred is the first level, not the baseline");
	is_int(spark_level(10, 10), SPARK_LEVELS, "the max is the full block");
	is_int(spark_level(5, 10), 4, "half is level ceil(3.5) = 4");
	is_int(spark_level(7, 0), SPARK_LEVELS, "max 0 takes the count's own");
	is_int(spark_level(UINT32_MAX, UINT32_MAX), SPARK_LEVELS, "no overflow at the top");
	is_int(spark_level(1, UINT32_MAX), 1, "tiny against huge is still visible");

	const uint32_t c[] = { 0, 1, 2, 3, 4, 5, 6, 7 };
	is_int(spark_max(c, 8), 7, "max");
	is_int(spark_max(c, 0), 0, "max of none");
	drawn(c, 8, 0, 1, true, "▁▂▃▄▅▆▇█", "every level in UTF-8");
	drawn(c, 8, 0, 1, false, "_.:-=+*#", "every level in ASCII");
	drawn(c, 8, 14, 1, false, "_..::--=", "scaled to a larger shared max");
	const uint32_t z[] = { 0, 0, 0 };
	drawn(z, 3, 0, 1, true, "▁▁▁", "all zero is a flat baseline");
	drawn(z, 3, 0, 1, false, "___", "... in ASCII too");
	const uint32_t two[] = { 3, 0 };
	drawn(two, 2, 0, 4, true, "███ ▁▁▁ ", "cells of 4: three blocks and a space");
	drawn(two, 2, 0, 2, false, "# _ ", "cells of 2 in ASCII");
	drawn(two, 0, 0, 1, true, "", "no buckets: an empty string");

	setenv("LC_ALL", "C", 1);
	ok(!spark_utf8(), "LC_ALL=C is not UTF-8");
	setenv("LC_ALL", "C.UTF-8", 1);
	ok(spark_utf8(), "LC_ALL=C.UTF-8 is");
	return tap_done();
}
