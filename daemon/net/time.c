#include "net/time.h"

#include <ctype.h>
#include <stdbool.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Reads exactly n decimal digits. */
static int digits(const char **p, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return -EINVAL;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return 0;
}

static bool leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int64_t y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return m == 2 && leap(y) ? 29 : d[m - 1];
}

/* Howard Hinnant's civil-date arithmetic, shifted so years start in March
 * and the leap day is the last day of the year. */
int64_t net_days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* Zone suffix: Z, ±HH:MM, ±HHMM, ±HH, or nothing (taken as UTC). */
static int parse_zone(const char **p, int *offset_min)
{
	int sign, hh, mm = 0;

	*offset_min = 0;
	if (**p == 'Z' || **p == 'z') {
		(*p)++;
		return 0;
	}
	if (**p != '+' && **p != '-')
		return 0;
	sign = **p == '-' ? -1 : 1;
	(*p)++;
	if (digits(p, 2, &hh) < 0 || hh > 23)
		return -EINVAL;
	if (**p == ':')
		(*p)++;
	if (isdigit((unsigned char)**p) && (digits(p, 2, &mm) < 0 || mm > 59))
		return -EINVAL;
	*offset_min = sign * (hh * 60 + mm);
	return 0;
}

int net_time_parse_ms(const char *s, int64_t *ms)
{
	const char *p = s;
	int y, mo, d, h = 0, mi = 0, sec = 0, frac = 0, off;

	if (!s)
		return -EINVAL;
	while (*p == ' ')
		p++;
	if (digits(&p, 4, &y) < 0 || *p++ != '-' || digits(&p, 2, &mo) < 0 ||
	    *p++ != '-' || digits(&p, 2, &d) < 0)
		return -EINVAL;
	if (mo < 1 || mo > 12 || d < 1 || d > month_days(y, mo))
		return -EINVAL;
	if (*p == 'T' || *p == 't' || (*p == ' ' && isdigit((unsigned char)p[1]))) {
		p++;
		if (digits(&p, 2, &h) < 0 || *p++ != ':' || digits(&p, 2, &mi) < 0)
			return -EINVAL;
		if (*p == ':') {
			p++;
			if (digits(&p, 2, &sec) < 0)
				return -EINVAL;
		}
		if (*p == '.' || *p == ',') {
			int n = 0;

			p++;
			if (!isdigit((unsigned char)*p))
				return -EINVAL;
			for (; isdigit((unsigned char)*p); p++, n++)
				if (n < 3)
					frac = frac * 10 + (*p - '0');
			for (; n < 3; n++)
				frac *= 10;
		}
		if (h > 23 || mi > 59 || sec > 60)
			return -EINVAL;
		if (sec == 60)   /* a leap second: count it as the last second */
			sec = 59;
		if (parse_zone(&p, &off) < 0)
			return -EINVAL;
	} else {
		off = 0;
	}
	while (*p == ' ')
		p++;
	if (*p)
		return -EINVAL;
	*ms = ((net_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec) -
	       (int64_t)off * 60) * 1000 + frac;
	return 0;
}

int net_time_parse(const char *s, int64_t *sec)
{
	int64_t ms;
	int r = net_time_parse_ms(s, &ms);

	if (r == 0)
		*sec = floor_div(ms, 1000);
	return r;
}

int net_time_parse_http(const char *s, int64_t *sec)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	const char *p = s, *m;
	int d, y, h, mi, se, mo;

	if (!s)
		return -EINVAL;
	/* Skip "Sun, " — the weekday carries no information. */
	p = strchr(s, ',');
	p = p ? p + 1 : s;
	while (*p == ' ')
		p++;
	if (digits(&p, 2, &d) < 0 || *p++ != ' ')
		return -EINVAL;
	if (strlen(p) < 4 || p[3] != ' ')
		return -EINVAL;
	m = strstr(months, (char[4]){ p[0], p[1], p[2], 0 });
	if (!m || (m - months) % 3)
		return -EINVAL;
	mo = (int)(m - months) / 3 + 1;
	p += 4;
	if (digits(&p, 4, &y) < 0 || *p++ != ' ' || digits(&p, 2, &h) < 0 ||
	    *p++ != ':' || digits(&p, 2, &mi) < 0 || *p++ != ':' || digits(&p, 2, &se) < 0)
		return -EINVAL;
	while (*p == ' ')
		p++;
	if (strcasecmp(p, "GMT") != 0 && strcasecmp(p, "UTC") != 0 && *p)
		return -EINVAL;
	if (d < 1 || d > month_days(y, mo) || h > 23 || mi > 59 || se > 60)
		return -EINVAL;
	*sec = net_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + (se > 59 ? 59 : se);
	return 0;
}

int net_time_parse_retry_after(const char *s, int64_t now, int64_t *at)
{
	char *end;
	long long v;

	if (!s)
		return -EINVAL;
	while (*s == ' ')
		s++;
	if (isdigit((unsigned char)*s)) {
		errno = 0;
		v = strtoll(s, &end, 10);
		while (*end == ' ')
			end++;
		if (errno || *end || v < 0 || v > 366LL * 86400)
			return -EINVAL;
		*at = now + v;
		return 0;
	}
	return net_time_parse_http(s, at);
}

int64_t net_time_next_month(int64_t t)
{
	int64_t y;
	int m, d;

	civil_from_days(floor_div(t, 86400), &y, &m, &d);
	if (++m > 12) {
		m = 1;
		y++;
	}
	return net_days_from_civil(y, m, 1) * 86400;
}

int64_t net_time_next_day(int64_t t)
{
	return (floor_div(t, 86400) + 1) * 86400;
}

/* Writes v as exactly n decimal digits (v is already in range). */
static void put_digits(char *out, int64_t v, int n)
{
	for (int i = n - 1; i >= 0; i--) {
		out[i] = (char)('0' + v % 10);
		v /= 10;
	}
}

void net_time_format(int64_t sec, char out[21])
{
	int64_t y, days = floor_div(sec, 86400), rem = sec - days * 86400;
	int m, d;

	civil_from_days(days, &y, &m, &d);
	if (y < 0 || y > 9999)   /* outside RFC 3339: clamp rather than overflow */
		y = y < 0 ? 0 : 9999;
	memcpy(out, "0000-00-00T00:00:00Z", 21);
	put_digits(out, y, 4);
	put_digits(out + 5, m, 2);
	put_digits(out + 8, d, 2);
	put_digits(out + 11, rem / 3600, 2);
	put_digits(out + 14, rem / 60 % 60, 2);
	put_digits(out + 17, rem % 60, 2);
}

void net_time_format_ms(int64_t ms, char out[25])
{
	int64_t sec = floor_div(ms, 1000);

	net_time_format(sec, out);
	memcpy(out + 19, ".000Z", 6);
	put_digits(out + 20, ms - sec * 1000, 3);
}
