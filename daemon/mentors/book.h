/* book.h — the mentor book: every mentor's ledger aggregate kept in memory
 * (a few hundred bytes each), so lists, scores and nudges over 10,000
 * mentors never rescan a million events. The store holds the same
 * aggregate as text; the book writes it back in the caller's transaction
 * each time an event is added, so the two cannot drift.
 *
 * Also owns what the scores compare against: the user's interests as a
 * query and the document frequencies of terms across mentors. */
#ifndef MENTORD_BOOK_H
#define MENTORD_BOOK_H

#include "ledger/ledger.h"
#include "store/store.h"

#include <stdbool.h>
#include <stdint.h>

struct config;
struct post;

struct book_entry {
	int64_t id;
	char *name;
	int pin;                     /* enum ledger_stage, or LEDGER_STAGE_NONE */
	int64_t muted_until;
	bool stale;                  /* aggregate never written: rebuild from events */
	struct ledger_agg agg;
};

struct book;

/* Loads every mentor (rebuilding aggregates that predate the ledger). */
int book_new(struct book **out, struct store *s, const struct config *c);
void book_free(struct book *b);

/* After a configuration change: the interests query. */
void book_set_interests(struct book *b, const struct config *c);

/* NULL when there is no such mentor. */
struct book_entry *book_get(struct book *b, int64_t id);
size_t book_count(const struct book *b);
struct book_entry *book_at(struct book *b, size_t i);

/* Re-reads a mentor's row (after follow, link, stage pin...); drops it from
 * the book when the row is gone. */
int book_refresh(struct book *b, int64_t id);
/* Recomputes a mentor's aggregate from its events and saves it (after
 * accounts moved between mentors). Caller holds a transaction. */
int book_rebuild(struct book *b, int64_t id);

/* Folds a new ledger event into the mentor's aggregate and saves it; in the
 * caller's transaction. post may be NULL (offline events, likes). */
int book_add_event(struct book *b, int64_t mentor_id, const char *kind, int64_t at,
                   const char *platform, const struct post *post);

/* Scores at `now`. why may be NULL. */
double book_strength(struct book *b, const struct book_entry *e, int64_t now, struct ledger_score *why);
double book_fit(struct book *b, const struct book_entry *e, int64_t now, struct ledger_score *why);

/* Every mentor scored at `now` and sorted by sort (ties by id). The array
 * is owned by the book and stays valid until the next change to the book;
 * it is reused for a minute, so paging through a long list costs one
 * ranking, not one per page. */
struct book_row {
	struct book_entry *e;
	double score, fit;
	enum ledger_stage stage;
};
int book_ranked(struct book *b, enum store_sort sort, int64_t now,
                const struct book_row **rows, size_t *n);

/* For suggestions and nudges. */
const struct textvec_query *book_interests(struct book *b);
const struct textvec_df *book_df(struct book *b);

/* The flags a post gives its `post` event (LEDGER_F_*). */
unsigned book_post_flags(const struct post *p);

#endif
