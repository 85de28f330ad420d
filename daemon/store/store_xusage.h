/* store_xusage.h — the posts X billed (schema 017): one row per post id per
 * UTC day, so reading a post twice in a day counts once, as X counts. */
#ifndef MENTORD_STORE_XUSAGE_H
#define MENTORD_STORE_XUSAGE_H

#include <stddef.h>
#include <stdint.h>

struct store;

/* Records ids as read on day (inside the caller's transaction, with the
 * page they came with); *added: how many were not yet counted that day. */
int store_xusage_add(struct store *s, int64_t day, char *const *ids, size_t n, int64_t *added);

/* Posts counted on the days from `from` up to, not including, `to`. */
int store_xusage_count(struct store *s, int64_t from, int64_t to, int64_t *out);

/* Forgets the days before `before` (they no longer matter to any month). */
int store_xusage_prune(struct store *s, int64_t before);

#endif
