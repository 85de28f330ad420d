/* store_engagement.h — events counted per mentor, platform, kind and UTC
 * day over a time range: what GetEngagement folds into month or week
 * buckets. One indexed query (events_mentor_at) per call. */
#ifndef MENTORD_STORE_ENGAGEMENT_H
#define MENTORD_STORE_ENGAGEMENT_H

#include <stddef.h>
#include <stdint.h>

struct store;

/* One group: platform NULL for contact logged by hand; day is the unix
 * second of its UTC midnight. A negative return stops the walk and is
 * returned. */
typedef int (*store_engagement_fn)(void *ud, int64_t mentor_id, const char *platform,
                                   const char *kind, int64_t day, int64_t n);

/* Events of the mentors ids[n] whose kind is one of kinds[n_kinds], at in
 * [from, to), grouped by mentor, platform, kind and day, in mentor order.
 * The caller chooses the kinds (the ledger classifies them; the store does
 * not), and days rather than buckets keep the calendar in one place. */
int store_engagement(struct store *s, const int64_t *ids, size_t n, const char *const *kinds,
                     size_t n_kinds, int64_t from, int64_t to, store_engagement_fn fn, void *ud);

#endif
