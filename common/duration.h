/* duration.h — the one reading of a length of time that mentord.conf,
 * `mentorctl mute --for` and `mentorctl log --when` (its "3d ago") share:
 * a whole number with an optional unit, s (the default), m, h, d or w. */
#ifndef MENTORD_COMMON_DURATION_H
#define MENTORD_COMMON_DURATION_H

#include <stdint.h>

#define DURATION_DAY  86400
#define DURATION_YEAR (365 * DURATION_DAY)

/* "90s", "15m", "2h", "3d", "1w" or "30" (seconds) → seconds. No sign, no
 * space, no fraction, one unit letter at most. -EINVAL when malformed or
 * outside [min_sec, max_sec]. */
int duration_parse(const char *s, int64_t min_sec, int64_t max_sec, int64_t *out_sec);

/* True when s ends with a unit letter (callers that refuse a bare number). */
int duration_has_unit(const char *s);

#endif
