/* time.h — timestamps as the three networks send them, to unix time.
 *
 * All parsing is into UTC without touching the process time zone (no mktime,
 * no TZ), and accepts what the recorded responses show: "…Z" with 0–9
 * fractional digits (X: .000Z, Mastodon headers: .377431Z, Bluesky: .89Z),
 * numeric offsets (+00:00, -03:00, +0530), a bare date ("2024-11-02", Mastodon
 * last_status_at), and HTTP dates with "GMT" or "UTC". */
#ifndef MENTORD_NET_TIME_H
#define MENTORD_NET_TIME_H

#include <stdint.h>

/* RFC 3339 / ISO 8601 → unix milliseconds (fraction truncated to ms).
 * Returns 0, or -EINVAL for anything that is not a valid date-time. */
int net_time_parse_ms(const char *s, int64_t *ms);
/* The same, in whole seconds (rounded down). */
int net_time_parse(const char *s, int64_t *sec);
/* IMF-fixdate "Sun, 06 Nov 1994 08:49:37 GMT" (also "UTC") → unix seconds. */
int net_time_parse_http(const char *s, int64_t *sec);
/* Retry-After: delta-seconds or an HTTP date → absolute unix seconds. */
int net_time_parse_retry_after(const char *s, int64_t now, int64_t *at);

/* Days since 1970-01-01 of a proleptic Gregorian date (month 1..12). */
int64_t net_days_from_civil(int64_t y, int m, int d);
/* Unix seconds of 00:00 UTC on the first day of the month after t's month. */
int64_t net_time_next_month(int64_t t);
/* Unix seconds of the next 00:00 UTC after t. */
int64_t net_time_next_day(int64_t t);

/* "YYYY-MM-DDTHH:MM:SSZ" (out holds 21 bytes) and "YYYY-MM-DDTHH:MM:SS.mmmZ"
 * (25 bytes). */
void net_time_format(int64_t sec, char out[21]);
void net_time_format_ms(int64_t ms, char out[25]);

#endif
