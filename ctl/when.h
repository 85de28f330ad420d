/* when.h — the TIME argument of `mentorctl log --when`. */
#ifndef MENTORCTL_WHEN_H
#define MENTORCTL_WHEN_H

#include <stdint.h>

/* Parses TIME into unix seconds, given now. Accepted:
 *   now                    0: the daemon's clock decides
 *   today, yesterday       12:00 local time that day (today: never after now)
 *   N followed by s, m, h, d or w   that long ago ("3d", "2h")
 *   YYYY-MM-DD             12:00 local time that day
 *   YYYY-MM-DD[T| ]HH:MM[:SS[.fraction]][Z|+HH:MM|-HH:MM|+HHMM|-HHMM]
 *                          local time when no zone is given
 * A date alone means noon so that it stays the same calendar day in UTC
 * (how the JSON shows it) for any zone within 11 hours of UTC.
 * Returns 0, or -EINVAL for anything else (including impossible dates). */
int when_parse(const char *s, int64_t now, int64_t *out);

#endif
