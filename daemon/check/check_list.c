/* check_list.c — word lists: one entry (a word or a phrase) per line, read
 * with the same tokenizer as drafts so "x-ray", "y/o" or "😂" mean the same
 * thing in a list as in a post. The file format is in docs/CHECK.md. */
#include "check/check_internal.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define CHECK_LIST_ENDS_MAX 16

static int check_item_from_token(struct check_item *it, struct check_arena *a,
				 const struct check_toks *t, size_t i, bool exact)
{
	const struct check_token *tk = &t->v[i];
	const char *src;
	size_t n;

	it->kind = tk->kind == CHECK_TOK_NUM ? CHECK_TOK_WORD : tk->kind;
	it->cp = tk->cp;
	it->exact = exact && it->kind == CHECK_TOK_WORD;
	src = it->exact ? t->text + tk->b0 : t->norm + tk->norm;
	n = it->exact ? tk->b1 - tk->b0 : tk->nlen;
	it->glued = !(tk->flags & CHECK_TF_SPACE);
	it->text = check_arena_strndup(a, src, n);
	it->len = (uint32_t)n;
	return it->text ? 0 : -ENOMEM;
}

/* Turns an entry's tokens into items; a '*' glued after a word makes it a
 * prefix, one glued before the first word a suffix (compound street names). */
static int check_list_items(struct check_entry *e, struct check_arena *a,
			    const struct check_toks *t, bool exact)
{
	size_t i;
	int r;

	e->items = check_arena_alloc(a, (t->n + 1) * sizeof *e->items);
	if (!e->items)
		return -ENOMEM;
	for (i = 0; i < t->n; i++) {
		const struct check_token *tk = &t->v[i];
		if (tk->kind == CHECK_TOK_PUNCT && tk->cp == '*' && e->n_items > 0 &&
		    !(tk->flags & CHECK_TF_SPACE) && e->items[e->n_items - 1].kind == CHECK_TOK_WORD) {
			e->items[e->n_items - 1].prefix = 1;
			continue;
		}
		if (tk->kind == CHECK_TOK_PUNCT && tk->cp == '*' && i == 0 && t->n > 1 &&
		    t->v[1].kind == CHECK_TOK_WORD && !(t->v[1].flags & CHECK_TF_SPACE)) {
			e->items[0].suffix = 1;
			continue;
		}
		if ((r = check_item_from_token(&e->items[e->n_items], a, t, i, exact)) < 0)
			return r;
		e->n_items++;
	}
	return 0;
}

static int check_list_index(struct check_list *l, uint32_t idx, struct check_arena *a)
{
	struct check_entry *e = &l->entries[idx];
	const struct check_item *first = &e->items[0];
	uint32_t *head;
	char *key;
	size_t i;

	if (first->prefix || first->suffix) {
		if (check_vec_reserve(&l->prefixed, &l->cap_prefixed, l->n_prefixed + 1,
				      sizeof *l->prefixed) < 0)
			return -ENOMEM;
		l->prefixed[l->n_prefixed++] = idx;
		return 0;
	}
	/* Exact-case entries are found by their lower-case key, then compared. */
	key = check_arena_strndup(a, first->text, first->len);
	if (!key)
		return -ENOMEM;
	for (i = 0; i < first->len; i++)
		if (key[i] >= 'A' && key[i] <= 'Z')
			key[i] = (char)(key[i] + 32);
	if (check_dict_upsert(&l->first, key, first->len, &head) < 0)
		return -ENOMEM;
	e->next = *head;
	*head = idx;
	return 0;
}

static int check_list_entry(struct check_list *l, struct check_arena *a, const char *file,
			    unsigned line, const char *s, size_t n, char **err)
{
	struct check_toks t;
	struct check_entry *e;
	bool exact = n >= 2 && s[0] == '"' && s[n - 1] == '"';
	size_t i;
	int r;

	if (exact) {
		s++;
		n -= 2;
	}
	if (n && s[0] == '\\') {   /* "\#tag": an entry that would read as a comment */
		s++;
		n--;
	}
	if ((r = check_tokenize(s, n, NULL, &t)) < 0)
		return r;
	if (check_vec_reserve(&l->entries, &l->cap, l->n + 1, sizeof *l->entries) < 0) {
		r = -ENOMEM;
		goto out;
	}
	e = &l->entries[l->n];
	memset(e, 0, sizeof *e);
	e->next = CHECK_NONE;
	if ((r = check_list_items(e, a, &t, exact)) < 0)
		goto out;
	if (e->n_items == 0) {
		r = check_errf(err, file, line, "empty list entry");
		goto out;
	}
	if (!(e->raw = check_arena_strndup(a, s, n))) {
		r = -ENOMEM;
		goto out;
	}
	e->raw_len = (uint32_t)n;
	for (i = 0; i < n; i++)
		if (e->raw[i] >= 'A' && e->raw[i] <= 'Z')
			((char *)e->raw)[i] = (char)(e->raw[i] + 32);
	r = check_list_index(l, (uint32_t)l->n++, a);
out:
	check_toks_free(&t);
	return r;
}

static int check_list_directive(struct check_list *l, const char *file, unsigned line,
				const char *s, size_t n, char **err)
{
	if (n == 10 && memcmp(s, "%obfuscate", 10) == 0) {
		l->obfuscate = true;
		return 0;
	}
	if (n > 10 && memcmp(s, "%wildcard ", 10) == 0) {
		char buf[16] = "";
		memcpy(buf, s + 10, n - 10 < 15 ? n - 10 : 15);
		l->wildcard = true;
		l->wildcard_margin = atoi(buf);
		return 0;
	}
	return check_errf(err, file, line, "unknown directive \"%.*s\"", (int)n, s);
}

int check_list_parse(struct check_list *l, struct check_arena *a, const char *file,
		     const char *data, size_t len, char **err)
{
	const char *p = data, *end = data + len;
	unsigned line = 0;
	int r;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *s = p, *e;
		e = nl ? nl : end;
		p = nl ? nl + 1 : end;
		line++;
		while (s < e && (*s == ' ' || *s == '\t'))
			s++;
		while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
			e--;
		if (s == e || *s == '#')
			continue;
		r = *s == '%' ? check_list_directive(l, file, line, s, (size_t)(e - s), err)
			      : check_list_entry(l, a, file, line, s, (size_t)(e - s), err);
		if (r < 0)
			return r;
	}
	return 0;
}

void check_list_free(struct check_list *l)
{
	free(l->entries);
	free(l->prefixed);
	check_dict_free(&l->first);
}

bool check_item_matches(const struct check_item *it, const struct check_toks *t, size_t i)
{
	const struct check_token *tk = &t->v[i];
	const char *norm = t->norm + tk->norm;

	switch (it->kind) {
	case CHECK_TOK_WORD:
		if (tk->kind != CHECK_TOK_WORD && tk->kind != CHECK_TOK_NUM)
			return false;
		if (it->exact)
			return tk->b1 - tk->b0 == it->len && memcmp(t->text + tk->b0, it->text, it->len) == 0;
		if (it->prefix)
			return tk->nlen >= it->len && memcmp(norm, it->text, it->len) == 0;
		if (it->suffix)
			return tk->nlen > it->len && memcmp(norm + tk->nlen - it->len, it->text, it->len) == 0;
		return (tk->nlen == it->len || tk->stem == it->len) && memcmp(norm, it->text, it->len) == 0;
	case CHECK_TOK_PUNCT:
	case CHECK_TOK_SYM:
		return (tk->kind == CHECK_TOK_PUNCT || tk->kind == CHECK_TOK_SYM) && tk->cp == it->cp;
	default:
		return tk->kind == it->kind && tk->nlen == it->len && memcmp(norm, it->text, it->len) == 0;
	}
}

/* Does entry e match at pos? Returns the end or 0. */
static size_t check_entry_match(const struct check_entry *e, const struct check_toks *t, size_t pos)
{
	size_t k;

	if (pos + e->n_items > t->n)
		return 0;
	for (k = 0; k < e->n_items; k++) {
		const struct check_token *tk = &t->v[pos + k];
		if (k > 0 && ((tk->flags & CHECK_TF_SENT) ||
			      (e->items[k].glued && (tk->flags & CHECK_TF_SPACE))))
			return 0;
		if (!check_item_matches(&e->items[k], t, pos + k))
			return 0;
	}
	return pos + e->n_items;
}

static size_t check_ends_add(uint32_t *ends, size_t n, size_t max, size_t end)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (ends[i] == end)
			return n;
	if (n < max)
		ends[n++] = (uint32_t)end;
	return n;
}

static size_t check_list_chain(const struct check_list *l, uint32_t idx, const struct check_toks *t,
			       size_t pos, uint32_t *ends, size_t n, size_t max)
{
	size_t end;

	for (; idx != CHECK_NONE; idx = l->entries[idx].next)
		if ((end = check_entry_match(&l->entries[idx], t, pos)) != 0)
			n = check_ends_add(ends, n, max, end);
	return n;
}

/* Disguised words ("f*ck") are compared by their skeleton with single-word entries. */
static size_t check_list_obf(const struct check_list *l, const struct check_toks *t, size_t pos,
			     uint32_t *ends, size_t n, size_t max)
{
	const struct check_token *tk = &t->v[pos];
	int margin = l->wildcard ? l->wildcard_margin : INT_MAX / 2;
	size_t i;

	for (i = 0; i < l->n; i++) {
		const struct check_entry *e = &l->entries[i];
		if (e->n_items == 1 && e->items[0].kind == CHECK_TOK_WORD && !e->items[0].suffix &&
		    check_obf_spells(t->norm + tk->skel, tk->slen, e->items[0].text,
				     e->items[0].len, e->items[0].prefix, margin))
			return check_ends_add(ends, n, max, tk->send);
	}
	return n;
}

size_t check_list_match(const struct check_list *l, const struct check_toks *t, size_t pos,
			bool loose, uint32_t *ends, size_t max)
{
	const struct check_token *tk;
	size_t n = 0, i, j;

	if (pos >= t->n)
		return 0;
	tk = &t->v[pos];
	if (!loose && (tk->flags & CHECK_TF_SPACE))
		return 0;
	n = check_list_chain(l, check_dict_get(&l->first, t->norm + tk->norm, tk->nlen), t, pos,
			     ends, n, max);
	if (tk->stem != tk->nlen)
		n = check_list_chain(l, check_dict_get(&l->first, t->norm + tk->norm, tk->stem), t,
				     pos, ends, n, max);
	for (i = 0; i < l->n_prefixed; i++) {
		const struct check_entry *e = &l->entries[l->prefixed[i]];
		size_t end;
		if (tk->nlen == 0 || (!e->items[0].suffix && t->norm[tk->norm] != e->items[0].text[0]))
			continue;   /* cheap first-letter test before the full comparison */
		if ((end = check_entry_match(e, t, pos)) != 0)
			n = check_ends_add(ends, n, max, end);
	}
	if (l->obfuscate && (tk->flags & CHECK_TF_OBF))
		n = check_list_obf(l, t, pos, ends, n, max);
	for (i = 1; i < n; i++)   /* longest first: insertion sort of a handful */
		for (j = i; j > 0 && ends[j] > ends[j - 1]; j--) {
			uint32_t x = ends[j];
			ends[j] = ends[j - 1];
			ends[j - 1] = x;
		}
	return n;
}
