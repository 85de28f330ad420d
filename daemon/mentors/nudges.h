/* nudges.h — what to do next, across the mentors of the cache: each mentor's
 * recent posts and events (from the store) through ledger_nudges(), most
 * pressing first. Shared by the Nudges method and the notifier's review. */
#ifndef MENTORD_NUDGES_H
#define MENTORD_NUDGES_H

#include "ledger/ledger.h"

#include <stddef.h>
#include <stdint.h>

struct store;
struct mentor_cache;

#define NUDGES_MAX 100

struct nudge_list {
	struct ledger_nudge v[NUDGES_MAX];   /* v[i].url points into url[i] */
	char *url[NUDGES_MAX];
	size_t n;
};

/* Fills *out (zeroed by the caller) with the nudges at `now`, sorted by
 * priority then recency: of the n_only mentors in only, or (only NULL) of
 * every mentor active within a year plus the week's tagged_risk nudges of
 * strangers (mentor_id 0). */
int nudges_collect(struct store *st, struct mentor_cache *mc, int64_t now, const int64_t *only, size_t n_only, struct nudge_list *out);
/* nudges_collect over every mentor, a step at a time, so a review at
 * 10,000 mentors yields to the loop: looks at up to budget mentors from
 * the id *from_id on (0 at first), adding to *out. Returns 1 when there is
 * more (*from_id moved on), 0 when *out is complete and sorted. */
int nudges_collect_step(struct store *st, struct mentor_cache *mc, int64_t now, int64_t *from_id,
                        size_t budget, struct nudge_list *out);
/* Frees the URLs and the list itself (NULL is fine). */
void nudges_free(struct nudge_list *l);

#endif
