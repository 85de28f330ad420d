/* textvec_df.c — document frequencies across authors for IDF: an open
 * addressing hash table from term to the number of authors whose kept terms
 * include it. A term whose count drops to 0 stays as a tombstone (probes walk
 * past it) until the next growth rehashes the live entries. */
#include "ledger/textvec.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct textvec_df_slot {
	char term[TEXTVEC_TERM_MAX];   /* "" = never used */
	uint32_t df;                   /* 0 with a term = tombstone */
};

#define DF_INITIAL_CAP 1024

static uint64_t hash_term(const char *s)
{
	uint64_t h = 1469598103934665603ULL;   /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* The slot holding term, or the empty slot where it would go. */
static struct textvec_df_slot *probe(struct textvec_df_slot *slots, size_t cap, const char *term)
{
	size_t i = (size_t)hash_term(term) & (cap - 1);
	while (slots[i].term[0] && strcmp(slots[i].term, term) != 0)
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

int textvec_df_init(struct textvec_df *df)
{
	memset(df, 0, sizeof *df);
	if (!(df->slots = calloc(DF_INITIAL_CAP, sizeof *df->slots)))
		return -ENOMEM;
	df->cap = DF_INITIAL_CAP;
	return 0;
}

void textvec_df_finish(struct textvec_df *df)
{
	free(df->slots);
	memset(df, 0, sizeof *df);
}

/* Rehashes the live entries into a table sized for them (tombstones go). */
static int rehash(struct textvec_df *df)
{
	size_t live = 0, cap = DF_INITIAL_CAP;
	struct textvec_df_slot *slots;

	for (size_t i = 0; i < df->cap; i++)
		live += df->slots[i].df > 0;
	while (cap < 4 * (live + 1))
		cap *= 2;
	if (!(slots = calloc(cap, sizeof *slots)))
		return -ENOMEM;
	for (size_t i = 0; i < df->cap; i++)
		if (df->slots[i].df > 0)
			*probe(slots, cap, df->slots[i].term) = df->slots[i];
	free(df->slots);
	df->slots = slots;
	df->cap = cap;
	df->used = live;
	return 0;
}

static int bump(struct textvec_df *df, const char *term)
{
	struct textvec_df_slot *s;
	int r;

	if (2 * (df->used + 1) > df->cap && (r = rehash(df)) < 0)
		return r;
	s = probe(df->slots, df->cap, term);
	if (!s->term[0]) {
		memcpy(s->term, term, TEXTVEC_TERM_MAX);
		df->used++;
	}
	s->df++;
	return 0;
}

int textvec_df_add(struct textvec_df *df, const struct textvec *v)
{
	if (!df->slots)
		return -EINVAL;
	for (uint32_t i = 0; i < v->n; i++) {
		int r = bump(df, v->t[i].term);
		if (r < 0)
			return r;
	}
	df->n_docs++;
	return 0;
}

void textvec_df_remove(struct textvec_df *df, const struct textvec *v)
{
	if (!df->slots)
		return;
	for (uint32_t i = 0; i < v->n; i++) {
		struct textvec_df_slot *s = probe(df->slots, df->cap, v->t[i].term);
		if (s->term[0] && s->df > 0)
			s->df--;
	}
	if (df->n_docs > 0)
		df->n_docs--;
}

uint32_t textvec_df_get(const struct textvec_df *df, const char *term)
{
	if (!df || !df->slots)
		return 0;
	return probe(df->slots, df->cap, term)->df;
}

double textvec_idf(const struct textvec_df *df, const char *term)
{
	if (!df || df->n_docs == 0)
		return 1.0;
	return log((1.0 + df->n_docs) / (1.0 + textvec_df_get(df, term))) + 1.0;
}
