/* mentor_cache.h — the mentor cache: every mentor's ledger aggregate kept in memory
 * (a few hundred bytes each), so lists, scores and nudges over 10,000
 * mentors never rescan a million events. The store holds the same
 * aggregate as text; the cache writes it back in the caller's transaction,
 * once per mentor just before COMMIT (a store transaction hook), and
 * re-reads what a ROLLBACK undid, so the two cannot drift. One cache per
 * store: it owns the store's transaction hook until freed.
 *
 * Also owns what the scores compare against: the user's interests as a
 * query and the document frequencies of terms across mentors. */
#ifndef MENTORD_MENTORS_MENTOR_CACHE_H
#define MENTORD_MENTORS_MENTOR_CACHE_H

#include "ledger/ledger.h"
#include "store/store.h"

#include <stdbool.h>
#include <stdint.h>

struct post;

struct mentor_entry {
	int64_t id;
	char *name;
	int pin;                     /* enum ledger_stage, or LEDGER_STAGE_NONE */
	int64_t muted_until;
	bool stale;                  /* aggregate never written: rebuild from events */
	bool source;                 /* a source (journal, society): its posts feed
	                                the document frequencies and suggestions, but
	                                it has no stage, score or nudges and is in no
	                                mentor list */
	bool touched;                /* changed in the open transaction */
	bool dirty;                  /* ... and not written yet */
	struct ledger_agg agg;
};

struct mentor_cache;

/* Loads every mentor (rebuilding aggregates that predate the ledger). */
int mentor_cache_new(struct mentor_cache **out, struct store *s, const char *const *interests,
                     size_t n_interests);
void mentor_cache_free(struct mentor_cache *b);

/* After a configuration change: the interests query. */
void mentor_cache_set_interests(struct mentor_cache *b, const char *const *interests, size_t n);

/* NULL when there is no such mentor (or source). */
struct mentor_entry *mentor_cache_get(struct mentor_cache *b, int64_t id);
/* True when id is a source, not a mentor. */
bool mentor_cache_is_source(struct mentor_cache *b, int64_t id);
size_t mentor_cache_count(const struct mentor_cache *b);
struct mentor_entry *mentor_cache_at(struct mentor_cache *b, size_t i);

/* Re-reads a mentor's row (after follow, link, stage pin...); drops it from
 * the cache when the row is gone. */
int mentor_cache_refresh(struct mentor_cache *b, int64_t id);
/* Recomputes a mentor's aggregate from its events and saves it (after
 * accounts moved between mentors). Caller holds a transaction. */
int mentor_cache_rebuild(struct mentor_cache *b, int64_t id);

/* Folds a new ledger event into the mentor's aggregate and saves it; in the
 * caller's transaction. post may be NULL (offline events, likes). */
int mentor_cache_add_event(struct mentor_cache *b, int64_t mentor_id, const char *kind, int64_t at,
                   const char *platform, const struct post *post);

/* Scores at `now`. why may be NULL. */
double mentor_cache_strength(struct mentor_cache *b, const struct mentor_entry *e, int64_t now, struct ledger_score *why);
double mentor_cache_fit(struct mentor_cache *b, const struct mentor_entry *e, int64_t now, struct ledger_score *why);

/* Every mentor (sources left out) scored at `now` and sorted by sort (ties by id). The array
 * is owned by the cache and stays valid until the next change to the cache;
 * it is reused for a minute, so paging through a long list costs one
 * ranking, not one per page. */
struct mentor_row {
	struct mentor_entry *e;
	double score, fit;
	enum ledger_stage stage;
};
int mentor_cache_ranked(struct mentor_cache *b, enum store_sort sort, int64_t now,
                const struct mentor_row **rows, size_t *n);

/* For suggestions and nudges. */
const struct textvec_query *mentor_cache_interests(struct mentor_cache *b);
const struct textvec_df *mentor_cache_df(struct mentor_cache *b);
/* A number that moves with every change to the cache (an aggregate, a
 * name, a pin, the interests): what was computed from it is still right
 * while it stays. */
uint64_t mentor_cache_generation(const struct mentor_cache *b);

/* The flags a post gives its `post` event (LEDGER_F_*). */
unsigned mentor_cache_post_flags(const struct post *p);

#endif
