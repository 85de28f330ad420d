/* when.c — parsing the TIME of `mentorctl log --when`, by hand: strptime
 * accepts too much (and too little) to report a typo as a usage error. */
#include "when.h"
#include "common/duration.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define NOON 12

/* Reads exactly n digits. */
static bool digits(const char **p, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return false;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return true;
}

static int days_in_month(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : days[m - 1];
}

/* "3d": that long before now. A bare number is not a time ago. */
static int parse_ago(const char *s, int64_t now, int64_t *out)
{
	int64_t ago;
	if (!duration_has_unit(s) || duration_parse(s, 0, 100LL * 366 * DURATION_DAY, &ago) < 0)
		return -EINVAL;
	*out = now - ago;
	return *out > 0 ? 0 : -EINVAL;
}

/* Noon local time, days_back days before now's date. */
static int local_noon(int64_t now, int days_back, int64_t *out)
{
	time_t t = (time_t)now, r;
	struct tm tm;
	if (!localtime_r(&t, &tm))
		return -EINVAL;
	tm.tm_mday -= days_back;
	tm.tm_hour = NOON;
	tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	if ((r = mktime(&tm)) == (time_t)-1)
		return -EINVAL;
	*out = (int64_t)r;
	return 0;
}

/* After the time of day: nothing (local time), Z, or an offset. Sets
 * *utc and *offset (seconds east of UTC). */
static int parse_zone(const char *p, bool *utc, int *offset)
{
	int h, m, sign;
	*utc = false;
	*offset = 0;
	if (!*p)
		return 0;
	*utc = true;
	if ((*p == 'Z' || *p == 'z') && !p[1])
		return 0;
	if (*p != '+' && *p != '-')
		return -EINVAL;
	sign = *p++ == '-' ? -1 : 1;
	if (!digits(&p, 2, &h))
		return -EINVAL;
	if (*p == ':')
		p++;
	if (!digits(&p, 2, &m) || *p || h > 23 || m > 59)
		return -EINVAL;
	*offset = sign * (h * 3600 + m * 60);
	return 0;
}

/* "HH:MM[:SS[.frac]]" then the zone, into tm. */
static int parse_clock(const char *p, struct tm *tm, bool *utc, int *offset)
{
	int h, m, sec = 0;
	if (!digits(&p, 2, &h) || *p++ != ':' || !digits(&p, 2, &m) || h > 23 || m > 59)
		return -EINVAL;
	if (*p == ':') {
		p++;
		if (!digits(&p, 2, &sec) || sec > 60)
			return -EINVAL;
		if (*p == '.' || *p == ',') {
			if (!isdigit((unsigned char)*++p))
				return -EINVAL;
			while (isdigit((unsigned char)*p))
				p++;   /* the ledger keeps whole seconds */
		}
	}
	tm->tm_hour = h;
	tm->tm_min = m;
	tm->tm_sec = sec > 59 ? 59 : sec;
	return parse_zone(p, utc, offset);
}

static int parse_iso(const char *p, int64_t *out)
{
	struct tm tm = { .tm_hour = NOON, .tm_isdst = -1 };
	int y, mo, d, offset = 0;
	bool utc = false;
	time_t t;

	if (!digits(&p, 4, &y) || *p++ != '-' || !digits(&p, 2, &mo) || *p++ != '-' ||
	    !digits(&p, 2, &d) || y < 1970 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
		return -EINVAL;
	if (*p) {
		if (*p != 'T' && *p != 't' && *p != ' ')
			return -EINVAL;
		if (parse_clock(p + 1, &tm, &utc, &offset) < 0)
			return -EINVAL;
	}
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	t = utc ? timegm(&tm) : mktime(&tm);
	if (t == (time_t)-1)
		return -EINVAL;
	*out = (int64_t)t - offset;
	return *out > 0 ? 0 : -EINVAL;
}

int when_parse(const char *s, int64_t now, int64_t *out)
{
	int r;
	if (!s || !*s)
		return -EINVAL;
	if (strcasecmp(s, "now") == 0) {
		*out = 0;
		return 0;
	}
	if (strcasecmp(s, "today") == 0) {
		if ((r = local_noon(now, 0, out)) == 0 && *out > now)
			*out = now;
		return r;
	}
	if (strcasecmp(s, "yesterday") == 0)
		return local_noon(now, 1, out);
	if (strlen(s) >= 10 && s[4] == '-')
		return parse_iso(s, out);
	return parse_ago(s, now, out);
}
