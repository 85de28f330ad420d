/* textvec.h — small, bounded term vectors for topic matching (mentor fit,
 * suggestions, "is this post in the user's area").
 *
 * - A tokenizer for post text and interest phrases: lower-cased ASCII,
 *   UTF-8 kept as is, URLs and @mentions skipped, stop words dropped, a light
 *   plural stemmer for words. Hashtags become terms of their own, spelt with
 *   the '#' ("#meded"), so a reason can say "posts #meded".
 * - struct textvec: the top-K terms of one author, counted with the
 *   Space-Saving algorithm, so it has a fixed size and lives inside a
 *   mentor's aggregate. Any term with more than total/K occurrences is
 *   guaranteed to be kept; count - err is a lower bound of its true count.
 * - struct textvec_df: document frequencies across authors (one document =
 *   one author's kept terms), for IDF. Owned by the caller, in memory, built
 *   from the stored vectors at start and kept current by removing an
 *   author's old terms and adding the new ones on each update (or rebuilt
 *   now and then: a slightly stale IDF is harmless).
 * - struct textvec_query: the user's interests as weighted term vectors, and
 *   TF-IDF cosine of each against an author's vector (textvec_align).
 *
 * Pure libc + libm; no globals. */
#ifndef MENTORD_TEXTVEC_H
#define MENTORD_TEXTVEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TEXTVEC_K          32    /* terms kept per author */
#define TEXTVEC_TERM_MAX   24    /* bytes per term, NUL included; longer terms are cut */
#define TEXTVEC_QUERY_MAX  256   /* terms in one interest query */
#define TEXTVEC_TAG_WEIGHT 2     /* a hashtag is a deliberate topic label: counts twice */

struct textvec_term {
	char term[TEXTVEC_TERM_MAX];
	uint32_t count;   /* Space-Saving count: an upper bound of the true count */
	uint32_t err;     /* overestimate inherited on entry; count - err is a lower bound */
};

struct textvec {
	uint32_t n;       /* entries used in t[] */
	uint32_t total;   /* weighted tokens ever added */
	struct textvec_term t[TEXTVEC_K];
};

/* Called once per term found; weight is 1 for a word, TEXTVEC_TAG_WEIGHT for
 * a hashtag. term is NUL-terminated and valid only during the call. */
typedef void (*textvec_term_fn)(const char *term, unsigned weight, void *userdata);

/* Splits text into terms. tags (lower case, without '#') are the post's
 * hashtags as the network reported them; when n_tags > 0 the '#' tokens of
 * the text are skipped so a tag is not counted twice. text may be NULL. */
void textvec_terms(const char *text, const char *const *tags, size_t n_tags,
                   textvec_term_fn fn, void *userdata);

/* Words a human wrote: white-space separated chunks holding a letter or
 * digit, not counting @mentions and URLs. NULL counts 0. */
unsigned textvec_word_count(const char *text);

void textvec_init(struct textvec *v);
/* Adds weight occurrences of term (Space-Saving: when full, the least counted
 * entry gives its place to term). Empty terms are ignored. */
void textvec_add(struct textvec *v, const char *term, unsigned weight);
/* Adds the terms of one post (see textvec_terms). */
void textvec_add_post(struct textvec *v, const char *text, const char *const *tags, size_t n_tags);
/* The entry for term, or NULL. */
const struct textvec_term *textvec_find(const struct textvec *v, const char *term);
/* count - err: how many times the author certainly used the term. */
static inline uint32_t textvec_sure(const struct textvec_term *t) { return t->count - t->err; }

/* Document frequencies. The slots live on the heap; init/finish pair. */
struct textvec_df_slot;
struct textvec_df {
	struct textvec_df_slot *slots;
	size_t cap, used;        /* cap is a power of two; used counts tombstones */
	uint32_t n_docs;
};
int textvec_df_init(struct textvec_df *df);
void textvec_df_finish(struct textvec_df *df);
/* Counts v as one more document. -ENOMEM leaves df unchanged in n_docs but
 * possibly with some of v's terms counted; rebuild on that error. */
int textvec_df_add(struct textvec_df *df, const struct textvec *v);
/* Uncounts a document previously added (its terms as they were then). */
void textvec_df_remove(struct textvec_df *df, const struct textvec *v);
uint32_t textvec_df_get(const struct textvec_df *df, const char *term);
/* Smoothed inverse document frequency, ln((1 + N) / (1 + df)) + 1; 1.0 for
 * every term when df is NULL or empty (plain TF cosine). */
double textvec_idf(const struct textvec_df *df, const char *term);

/* The user's interests as a query: for each phrase, its words (stemmed),
 * the joined hashtag ("medical education" -> "#medicaleducation") and, for
 * a one-word phrase, the bare word too ("meded" -> "meded", "#meded"). Each
 * term weighs its IDF and remembers which interests it came from, so each
 * interest is matched on its own (a user with many interests is not
 * penalised for the breadth). Terms are sorted for lookup. */
#define TEXTVEC_INTERESTS_MAX 64
#define TEXTVEC_NAME_MAX      65
struct textvec_qterm {
	char term[TEXTVEC_TERM_MAX];
	double w;
	uint64_t interests;   /* bit i: from interest i */
};
struct textvec_query {
	size_t n, n_interests;
	double norm[TEXTVEC_INTERESTS_MAX];                  /* per interest */
	char name[TEXTVEC_INTERESTS_MAX][TEXTVEC_NAME_MAX];  /* the phrase, for messages */
	struct textvec_qterm t[TEXTVEC_QUERY_MAX];
};
/* Builds q from n phrases (NULL or empty ones skipped). Returns the number of
 * terms, or -E2BIG when terms or interests did not all fit (q then holds
 * those that did). */
int textvec_query_build(struct textvec_query *q, const char *const *phrases, size_t n,
                        const struct textvec_df *df);
/* Index of term in q, or -1. */
int textvec_query_find(const struct textvec_query *q, const char *term);
/* True when text/tags share at least one term with q (an empty q matches all). */
bool textvec_text_matches(const struct textvec_query *q, const char *text,
                          const char *const *tags, size_t n_tags);

/* One shared term, for explanations. */
struct textvec_match {
	const char *term;     /* points into the author's vector */
	uint32_t count;       /* how often the author used it (lower bound; for a
	                         hashtag, TEXTVEC_TAG_WEIGHT divided out) */
	double share;         /* its part of all shared weight, 0..1 */
};

#define TEXTVEC_MATCH_MAX 8
struct textvec_align {
	double score;               /* best + 0.5 x second best cosine, at most 1 */
	int best, second;           /* interest indexes, -1 when none */
	double best_cos, second_cos;
	size_t n_matches;           /* shared terms, largest contribution first */
	struct textvec_match m[TEXTVEC_MATCH_MAX];
};
/* Topic alignment of author v with the interests: the TF-IDF cosine of v
 * with each interest's terms (author weights (1 + ln sure_count) * idf,
 * interest weights idf), combined as best + half the second best, so an
 * author strong in one of the user's areas scores high and one spanning two
 * a little higher. out may be NULL. Returns out->score, in [0, 1]. */
double textvec_align(const struct textvec_query *q, const struct textvec *v,
                     const struct textvec_df *df, struct textvec_align *out);

#endif
