/* spark.h — sparklines: a row of counts as one character per bucket, for
 * `mentorctl show` (12 months each way) and `mentors` (12 weeks).
 *
 * Levels: a zero count is the baseline (U+2581 "▁", or "_" in ASCII) so an
 * empty stretch still reads as a line and a column never starts blank; a
 * non-zero count is one of 7 levels above it ("▂▃▄▅▆▇█", ASCII ".:-=+*#"),
 * ceil(7 × count / max), so one event never looks like none and the row's
 * max is always the full block. ASCII when the locale's codeset is not
 * UTF-8 (LANG=C, a serial console). Pure except spark_utf8(). */
#ifndef MENTORCTL_SPARK_H
#define MENTORCTL_SPARK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SPARK_LEVELS 7   /* non-zero levels */

/* Whether the user's locale (LC_ALL, LC_CTYPE, LANG) has a UTF-8 codeset.
 * Leaves the program's own LC_CTYPE as it was. */
bool spark_utf8(void);

/* The level of count on a scale whose top is max: 0 for zero, else
 * 1..SPARK_LEVELS (max 0 is taken as count's own). */
int spark_level(uint32_t count, uint32_t max);

/* The largest of counts[n] (0 for none). */
uint32_t spark_max(const uint32_t *counts, size_t n);

/* counts[n] drawn with each bucket `cell` columns wide: cell 1 is one
 * character, wider cells repeat it cell - 1 times and end with a space (so
 * month labels of `cell` columns sit under them). Scaled to max (0: the
 * row's own). A new string, NULL when out of memory. */
char *spark_draw(const uint32_t *counts, size_t n, uint32_t max, size_t cell, bool utf8);

#endif
