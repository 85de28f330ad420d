/* engagement.h — GetEngagement from mentorctl's side: per mentor, the
 * events of every channel summed into one row each way, for the sparklines
 * of `show` and `mentors`. */
#ifndef MENTORCTL_ENGAGEMENT_H
#define MENTORCTL_ENGAGEMENT_H

#include "ctl.h"

#include <stddef.h>
#include <stdint.h>

struct engagement {
	int64_t start;          /* the oldest bucket's start (unix seconds, UTC) */
	uint32_t count;         /* buckets per row */
	size_t n;               /* mentors, in the order asked */
	uint64_t *ids;
	uint32_t *in, *out;     /* n × count: the mentor's engagement with the user,
	                           and the user's with the mentor */
};

/* One GetEngagement call for ids[n] (at most MENTORD_MAX_ENGAGEMENT_MENTORS).
 * Returns 0, or a negative errno printing nothing: a chart is an extra, and
 * the command shows the rest without it. */
int engagement_fetch(struct ctl *ctl, const uint64_t *ids, size_t n, const char *unit, uint32_t count,
                     struct engagement *e);

/* GetEngagement's reply, read: *start, then fn(id, channel, dir, counts,
 * n, userdata) for each (mentor, channel, direction) row; a negative errno
 * from fn stops the reading. Returns 0 or a negative errno. The report
 * keeps the channels apart; engagement_fetch sums them. */
typedef int (*engagement_row_fn)(uint64_t id, const char *channel, const char *dir, const uint32_t *counts,
                                 size_t n, void *userdata);
int engagement_read(sd_bus_message *reply, int64_t *start, engagement_row_fn fn, void *userdata);

/* The rows of mentor id (NULL both when it has none). */
void engagement_rows(const struct engagement *e, uint64_t id, const uint32_t **in, const uint32_t **out);

void engagement_clear(struct engagement *e);

#endif
