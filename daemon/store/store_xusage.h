/* store_xusage.h — the posts X billed (schema 017): one row per post id per
 * UTC day, so reading a post twice in a day counts once, as X counts. */
#ifndef MENTORD_STORE_XUSAGE_H
#define MENTORD_STORE_XUSAGE_H

#include <stdbool.h>
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

/* X's billing month starting on day `start` (schema 019): what X's own
 * count last said (reported: project_usage, 0 when never asked) and
 * mentord's own count when it said so (own), whether
 * the 80% notification went out, and the last day a wait was announced.
 * A month never written reads as zeros. */
struct store_xmonth {
	int64_t reported, own, reported_at, waited;
	bool warned;
};
int store_xusage_month(struct store *s, int64_t start, struct store_xmonth *out);
/* Each a short write of its own (never inside another transaction). */
int store_xusage_set_reported(struct store *s, int64_t start, int64_t reported, int64_t own, int64_t at);
int store_xusage_set_warned(struct store *s, int64_t start);
int store_xusage_set_waited(struct store *s, int64_t start, int64_t day);

#endif
