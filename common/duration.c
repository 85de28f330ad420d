/* duration.c — numbers with a unit of time. strtoll alone would accept
 * leading space, signs and overflow; a typo must be a usage error. */
#include "common/duration.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int64_t unit_seconds(char u)
{
	switch (u) {
	case '\0': case 's': return 1;
	case 'm': return 60;
	case 'h': return 3600;
	case 'd': return DURATION_DAY;
	case 'w': return 7 * DURATION_DAY;
	}
	return 0;
}

int duration_parse(const char *s, int64_t min_sec, int64_t max_sec, int64_t *out_sec)
{
	char *end;
	long long v;
	int64_t mul;

	if (!s || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || (*end && end[1]) || !(mul = unit_seconds(*end)))
		return -EINVAL;
	/* Compared before multiplying, so that no product overflows. */
	if (v > max_sec / mul || v * mul < min_sec)
		return -EINVAL;
	*out_sec = v * mul;
	return 0;
}

int duration_has_unit(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	return n > 0 && strchr("smhdw", s[n - 1]) != NULL;
}
