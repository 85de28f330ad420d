/* clock.c — real time, the ISO 8601 forms the networks write and accept, and
 * the fake clock: frozen, shifted, scaled or read from a file. Everything the
 * fake decides (visibility, rate windows, token expiry) asks clock_now(). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "fakeapi.h"

int64_t clock_real_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t clock_real_ms(void)
{
	return clock_real_us() / 1000;
}

static void copy_trunc(char *out, size_t size, const char *s)
{
	size_t n = strlen(s);
	if (n >= size)
		n = size - 1;
	memcpy(out, s, n);
	out[n] = '\0';
}

static void tm_of(int64_t ms, struct tm *tm)
{
	time_t s = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
	gmtime_r(&s, tm);
}

/* "2026-11-01T12:34:56.789Z" */
void clock_iso_ms(int64_t ms, char out[32])
{
	struct tm tm;
	char tmp[96];
	tm_of(ms, &tm);
	snprintf(tmp, sizeof tmp, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(((ms % 1000) + 1000) % 1000));
	copy_trunc(out, 32, tmp);
}

/* Mastodon's X-RateLimit-Reset: microseconds, "2026-11-01T12:35:00.000000Z" */
void clock_iso_us(int64_t ms, char out[40])
{
	struct tm tm;
	tm_of(ms, &tm);
	char tmp[96];
	snprintf(tmp, sizeof tmp, "%04d-%02d-%02dT%02d:%02d:%02d.%03d000Z", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(((ms % 1000) + 1000) % 1000));
	copy_trunc(out, 40, tmp);
}

void clock_iso_date(int64_t ms, char out[16])
{
	struct tm tm;
	tm_of(ms, &tm);
	char tmp[64];
	snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	copy_trunc(out, 16, tmp);
}

/* Lenient RFC 3339 parser ("2026-11-01", "...T12:00:00Z", fractions, offsets).
 * Returns false if s is not a date. */
bool clock_parse_iso(const char *s, int64_t *ms)
{
	struct tm tm = { 0 };
	int y, mo, d, h = 0, mi = 0, sec = 0, n = 0, frac_ms = 0;
	const char *p;

	if (!s || sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3)
		return false;
	p = s + n;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		if (sscanf(p + 1, "%2d:%2d:%2d%n", &h, &mi, &sec, &n) != 3)
			return false;
		p += 1 + n;
		if (*p == '.') {
			int digits = 0;
			for (p++; isdigit((unsigned char)*p); p++, digits++)
				if (digits < 3)
					frac_ms = frac_ms * 10 + (*p - '0');
			for (; digits < 3; digits++)
				frac_ms *= 10;
		}
	}
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	*ms = (int64_t)timegm(&tm) * 1000 + frac_ms;
	if (*p == '+' || *p == '-') {
		int oh = 0, om = 0;
		if (sscanf(p + 1, "%2d:%2d", &oh, &om) >= 1)
			*ms -= (*p == '+' ? 1 : -1) * ((int64_t)oh * 3600 + om * 60) * 1000;
	}
	return true;
}

/* A time given as an option: epoch seconds (fractions allowed) or ISO 8601. */
bool clock_parse_arg(const char *s, int64_t *ms)
{
	char *end;
	double v = strtod(s, &end);

	if (end != s && *end == '\0') {
		*ms = (int64_t)(v * 1000);
		return true;
	}
	return clock_parse_iso(s, ms);
}

/* --- the fake clock --- */

static void clock_reload(struct fake *f)
{
	struct stat sb;
	FILE *fp;
	char line[64];
	int64_t ms;

	if (!f->clock_file || stat(f->clock_file, &sb) < 0)
		return;
	if (sb.st_mtim.tv_sec == f->clock_mtime.tv_sec && sb.st_mtim.tv_nsec == f->clock_mtime.tv_nsec)
		return;
	f->clock_mtime = sb.st_mtim;
	if (!(fp = fopen(f->clock_file, "r")))
		return;
	if (fgets(line, sizeof line, fp)) {
		char *end;
		double secs = strtod(line, &end);
		if (end != line && (*end == '\n' || *end == '\0')) {
			f->frozen = true;
			f->frozen_ms = (int64_t)(secs * 1000);
		} else if (clock_parse_iso(line, &ms)) {
			f->frozen = true;
			f->frozen_ms = ms;
		}
	}
	fclose(fp);
}

/* "Now" for everything the fake decides: visibility, rate windows, token expiry. */
int64_t clock_now(struct fake *f)
{
	clock_reload(f);
	if (f->frozen)
		return f->frozen_ms;
	if (f->scale > 1)
		/* from microseconds: whole real milliseconds times the scale
		 * would lag mentord's clock by up to `scale` ms (1.8 s at
		 * x1800), and a rate window would close after mentord saw it
		 * reopen */
		return f->scale_base_ms + (clock_real_us() - f->anchor_real_us) * f->scale / 1000;
	return clock_real_ms() + f->offset_ms;
}
