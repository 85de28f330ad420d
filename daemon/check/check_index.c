/* check_index.c — decides which patterns are worth trying at a token.
 *
 * Trying every pattern at every token would be most of the cost of a check.
 * Instead each pattern's possible first tokens are computed once: literal
 * words and list entries go into a map from word to patterns, prefixes into a
 * short list, and classes ("<num>", "<cap>") into a bucket per token kind. */
#include "check/check_internal.h"
#include "common/utf8.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct check_first_ctx {
	struct check_engine *e;
	uint32_t pat;
	int rc;
};

static void check_ix_push(struct check_first_ctx *c, uint32_t *head)
{
	struct check_index *ix = &c->e->index;

	if (*head != CHECK_NONE && ix->posts[*head].pat == c->pat)
		return;   /* already there for this pattern */
	if (check_vec_reserve(&ix->posts, &ix->cap_posts, ix->n_posts + 1, sizeof *ix->posts) < 0) {
		c->rc = -ENOMEM;
		return;
	}
	ix->posts[ix->n_posts] = (struct check_posting){ c->pat, *head };
	*head = (uint32_t)ix->n_posts++;
}

static void check_ix_word(struct check_first_ctx *c, const char *text, size_t len)
{
	char *key = check_arena_strndup(&c->e->arena, text, len);
	uint32_t *head;
	size_t i;

	if (!key) {
		c->rc = -ENOMEM;
		return;
	}
	for (i = 0; i < len; i++)   /* exact-case literals are found by their lower case */
		if (key[i] >= 'A' && key[i] <= 'Z')
			key[i] = (char)(key[i] + 32);
	if (check_dict_upsert(&c->e->index.words, key, len, &head) < 0) {
		c->rc = -ENOMEM;
		return;
	}
	check_ix_push(c, head);
}

static void check_ix_prefix(struct check_first_ctx *c, const char *text, size_t len)
{
	struct check_index *ix = &c->e->index;

	if (check_vec_reserve(&ix->prefixes, &ix->cap_prefixes, ix->n_prefixes + 1,
			      sizeof *ix->prefixes) < 0) {
		c->rc = -ENOMEM;
		return;
	}
	ix->prefixes[ix->n_prefixes++] = (struct check_prefix){ text, (uint32_t)len, c->pat };
}

static void check_ix_item(struct check_first_ctx *c, const struct check_item *it)
{
	if (it->suffix)   /* any word may end with it */
		check_ix_push(c, &c->e->index.bucket[CHECK_B_WORD]);
	else if (it->prefix)
		check_ix_prefix(c, it->text, it->len);
	else if (it->kind == CHECK_TOK_PUNCT || it->kind == CHECK_TOK_SYM) {
		char buf[4];
		check_ix_word(c, buf, utf8_encode(it->cp, buf));
	} else
		check_ix_word(c, it->text, it->len);
}

static void check_ix_class(struct check_first_ctx *c, uint8_t cls)
{
	static const uint8_t bucket[] = {
		[CHECK_C_NUM] = CHECK_B_NUM, [CHECK_C_VAL] = CHECK_B_NUM, [CHECK_C_ID] = CHECK_B_ANY,
		[CHECK_C_ALNUM] = CHECK_B_ANY, [CHECK_C_CAP] = CHECK_B_CAP,
		[CHECK_C_UPPER] = CHECK_B_WORD, [CHECK_C_WORD] = CHECK_B_WORD,
		[CHECK_C_ANY] = CHECK_B_ANY, [CHECK_C_URL] = CHECK_B_URL,
		[CHECK_C_EMAIL] = CHECK_B_EMAIL, [CHECK_C_MENTION] = CHECK_B_MENTION,
		[CHECK_C_SYM] = CHECK_B_SYM,
	};
	check_ix_push(c, &c->e->index.bucket[bucket[cls]]);
}

/* Registers the first tokens n can start with; returns whether n may match
 * nothing (then what follows it can start the pattern too). */
static bool check_ix_first(struct check_first_ctx *c, const struct check_node *n)
{
	bool nullable;
	uint32_t i;
	size_t k;

	switch (n->kind) {
	case CHECK_N_LIT:
		check_ix_item(c, &n->lit);
		return false;
	case CHECK_N_PUNCT:
		for (i = 0; i < n->n_cps; i++) {
			char buf[4];
			check_ix_word(c, buf, utf8_encode(n->cps[i], buf));
		}
		return false;
	case CHECK_N_LIST:
		for (k = 0; k < n->list->n; k++)
			check_ix_item(c, &n->list->entries[k].items[0]);
		if (n->list->obfuscate)
			check_ix_push(c, &c->e->index.bucket[CHECK_B_OBF]);
		return false;
	case CHECK_N_CLASS:
		check_ix_class(c, n->cls);
		return false;
	case CHECK_N_GAP:
		check_ix_push(c, &c->e->index.bucket[CHECK_B_ANY]);
		return true;
	case CHECK_N_SEQ:
		for (i = 0; i < n->n_kids; i++)
			if (!check_ix_first(c, n->kids[i]))
				return false;
		return true;
	case CHECK_N_ALT:
		nullable = false;
		for (i = 0; i < n->n_kids; i++)
			nullable |= check_ix_first(c, n->kids[i]);
		return nullable;
	case CHECK_N_REP:
		return check_ix_first(c, n->kids[0]) || n->lo == 0;
	default:   /* NOT consumes nothing */
		return true;
	}
}

int check_index_build(struct check_engine *e, char **err)
{
	struct check_index *ix = &e->index;
	struct check_first_ctx c = { .e = e };
	size_t r, m;

	for (r = 0; r < CHECK_B_COUNT; r++)
		ix->bucket[r] = CHECK_NONE;
	for (r = 0; r < e->n_rules; r++)
		for (m = 0; m < e->rules[r].n_match; m++) {
			if (check_vec_reserve(&ix->pats, &ix->cap_pats, ix->n_pats + 1, sizeof *ix->pats) < 0)
				return -ENOMEM;
			ix->pats[ix->n_pats] = (struct check_pat){ (uint32_t)r, e->rules[r].match[m] };
			c.pat = (uint32_t)ix->n_pats++;
			check_ix_first(&c, e->rules[r].match[m]);
			if (c.rc < 0)
				return c.rc;
		}
	(void)err;
	return 0;
}

void check_index_free(struct check_index *ix)
{
	free(ix->pats);
	free(ix->posts);
	free(ix->prefixes);
	check_dict_free(&ix->words);
}

static void check_ix_chain(const struct check_index *ix, uint32_t p,
			   void (*add)(void *ctx, uint32_t pat), void *ctx)
{
	for (; p != CHECK_NONE; p = ix->posts[p].next)
		add(ctx, ix->posts[p].pat);
}

void check_index_candidates(const struct check_index *ix, const struct check_toks *t, size_t i,
			    void (*add)(void *ctx, uint32_t pat), void *ctx)
{
	static const uint8_t kind_bucket[] = {
		[CHECK_TOK_WORD] = CHECK_B_WORD, [CHECK_TOK_NUM] = CHECK_B_NUM,
		[CHECK_TOK_PUNCT] = CHECK_B_PUNCT, [CHECK_TOK_SYM] = CHECK_B_SYM,
		[CHECK_TOK_URL] = CHECK_B_URL, [CHECK_TOK_EMAIL] = CHECK_B_EMAIL,
		[CHECK_TOK_MENTION] = CHECK_B_MENTION,
	};
	const struct check_token *tk = &t->v[i];
	const char *norm = t->norm + tk->norm;
	size_t k;

	check_ix_chain(ix, check_dict_get(&ix->words, norm, tk->nlen), add, ctx);
	if (tk->stem != tk->nlen)
		check_ix_chain(ix, check_dict_get(&ix->words, norm, tk->stem), add, ctx);
	if (tk->kind == CHECK_TOK_WORD || tk->kind == CHECK_TOK_NUM)
		for (k = 0; k < ix->n_prefixes; k++)
			if (tk->nlen >= ix->prefixes[k].len &&
			    memcmp(norm, ix->prefixes[k].text, ix->prefixes[k].len) == 0)
				add(ctx, ix->prefixes[k].pat);
	check_ix_chain(ix, ix->bucket[CHECK_B_ANY], add, ctx);
	check_ix_chain(ix, ix->bucket[kind_bucket[tk->kind]], add, ctx);
	if (tk->flags & CHECK_TF_CAP)   /* most words are not capitalised: keep <cap> apart */
		check_ix_chain(ix, ix->bucket[CHECK_B_CAP], add, ctx);
	if (tk->flags & CHECK_TF_OBF)
		check_ix_chain(ix, ix->bucket[CHECK_B_OBF], add, ctx);
}
