/* check_pattern.c — parses the pattern language of *.rules files into syntax
 * trees (the language itself is described in docs/CHECK.md). Patterns talk
 * about tokens, not characters: "mrn :? <id:4+>" is three token matchers.
 * Whitespace between two items means the text may or may not have whitespace
 * there; no whitespace means the tokens must touch ("<num:3>-<num:4>"). */
#include "check/check_internal.h"
#include "common/utf8.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define CHECK_PAT_KIDS_MAX 32
#define CHECK_PAT_REP_MAX 16
#define CHECK_PAT_DEPTH_MAX 24

struct check_pparse {
	const struct check_pat_names *names;
	struct check_arena *a;
	const char *s;
	size_t n, i;
	unsigned depth;
	const char *why;
	bool oom;
};

static struct check_node *check_pat_alt(struct check_pparse *p);

static struct check_node *check_pat_fail(struct check_pparse *p, const char *why)
{
	if (!p->why)
		p->why = why;
	return NULL;
}

static struct check_node *check_pat_new(struct check_pparse *p, uint8_t kind)
{
	struct check_node *n = check_arena_alloc(p->a, sizeof *n);

	if (!n) {
		p->oom = true;
		return check_pat_fail(p, "out of memory");
	}
	n->kind = kind;
	return n;
}

static uint32_t check_pat_cp(const struct check_pparse *p, size_t at, size_t *len)
{
	bool bad;

	if (at >= p->n) {
		*len = 0;
		return 0;
	}
	return utf8_decode(p->s + at, p->n - at, len, &bad);
}

static bool check_pat_space(const struct check_pparse *p)
{
	return p->i < p->n && (p->s[p->i] == ' ' || p->s[p->i] == '\t');
}

static bool check_pat_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

static size_t check_pat_name(struct check_pparse *p, const char **name)
{
	size_t start = p->i;

	while (p->i < p->n && check_pat_name_char(p->s[p->i]))
		p->i++;
	*name = p->s + start;
	return p->i - start;
}

/* Reads an unsigned number; returns false if there is none. */
static bool check_pat_uint(struct check_pparse *p, uint32_t *v)
{
	size_t start = p->i;

	*v = 0;
	while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9' && *v < 100000000)
		*v = *v * 10 + (uint32_t)(p->s[p->i++] - '0');
	return p->i > start;
}

/* A literal word (letters, inner apostrophes) or number, normalized like text. */
static struct check_node *check_pat_word(struct check_pparse *p)
{
	struct check_node *n = check_pat_new(p, CHECK_N_LIT);
	char buf[256];
	size_t len = 0, cl;
	bool digits = p->s[p->i] >= '0' && p->s[p->i] <= '9';

	if (!n)
		return NULL;
	while (p->i < p->n && len + UTF8_FOLD_MAX < sizeof buf) {
		uint32_t cp = check_pat_cp(p, p->i, &cl);
		enum utf8_class c = utf8_classify(cp);
		size_t nl;
		bool inner_quote = cp == '\'' &&
			utf8_classify(check_pat_cp(p, p->i + 1, &nl)) == UTF8_LETTER;
		if (digits ? c != UTF8_DIGIT : !(c == UTF8_LETTER || c == UTF8_MARK || inner_quote))
			break;
		len += utf8_fold(check_punct_norm(cp), buf + len, sizeof buf - len);
		p->i += cl;
	}
	n->lit.kind = CHECK_TOK_WORD;
	n->lit.text = check_arena_strndup(p->a, buf, len);
	n->lit.len = (uint32_t)len;
	if (p->i < p->n && p->s[p->i] == '*' && !digits) {
		n->lit.prefix = 1;
		p->i++;
	}
	return n->lit.text ? n : check_pat_fail(p, "out of memory");
}

/* "Word": a literal whose case must match. */
static struct check_node *check_pat_exact(struct check_pparse *p)
{
	size_t start = ++p->i;
	struct check_node *n;

	while (p->i < p->n && p->s[p->i] != '"')
		p->i++;
	if (p->i >= p->n || p->i == start)
		return check_pat_fail(p, "unterminated or empty \"...\" literal");
	if (!(n = check_pat_new(p, CHECK_N_LIT)))
		return NULL;
	n->lit.kind = CHECK_TOK_WORD;
	n->lit.exact = 1;
	n->lit.text = check_arena_strndup(p->a, p->s + start, p->i - start);
	n->lit.len = (uint32_t)(p->i - start);
	p->i++;
	return n;
}

/* One punctuation character, or a class of them: [-–/]. */
static struct check_node *check_pat_punct(struct check_pparse *p, bool klass)
{
	struct check_node *n = check_pat_new(p, CHECK_N_PUNCT);
	uint32_t cps[32], *copy;
	size_t k = 0, cl;

	if (!n)
		return NULL;
	if (klass)
		p->i++;
	do {
		if (p->i < p->n && p->s[p->i] == '\\')
			p->i++;
		if (p->i >= p->n || k == 32)
			return check_pat_fail(p, "bad punctuation class");
		cps[k++] = check_punct_norm(check_pat_cp(p, p->i, &cl));
		p->i += cl;
	} while (klass && p->i < p->n && p->s[p->i] != ']');
	if (klass) {
		if (p->i >= p->n)
			return check_pat_fail(p, "unterminated [...]");
		p->i++;
	}
	copy = check_arena_alloc(p->a, k * sizeof *copy);
	if (!copy)
		return check_pat_fail(p, "out of memory");
	memcpy(copy, cps, k * sizeof *copy);
	n->cps = copy;
	n->n_cps = (uint32_t)k;
	return n;
}

static struct check_node *check_pat_ref(struct check_pparse *p)
{
	char sigil = p->s[p->i++];
	const char *name;
	size_t len = check_pat_name(p, &name);
	struct check_node *n;
	const struct check_list *l;
	const struct check_node *m;

	if (!len)
		return check_pat_fail(p, "missing name after @ or $");
	if (sigil == '$') {
		m = p->names->macro(p->names->ctx, name, len);
		return m ? (struct check_node *)m : check_pat_fail(p, "unknown $macro (define it first)");
	}
	if (!(l = p->names->list(p->names->ctx, name, len)))
		return check_pat_fail(p, "unknown @list (no such .words file)");
	if ((n = check_pat_new(p, CHECK_N_LIST)))
		n->list = l;
	return n;
}

static const struct { const char *name; uint8_t cls; } check_pat_classes[] = {
	{ "num", CHECK_C_NUM }, { "val", CHECK_C_VAL }, { "id", CHECK_C_ID },
	{ "alnum", CHECK_C_ALNUM }, { "cap", CHECK_C_CAP }, { "upper", CHECK_C_UPPER },
	{ "word", CHECK_C_WORD }, { "any", CHECK_C_ANY }, { "url", CHECK_C_URL },
	{ "email", CHECK_C_EMAIL }, { "mention", CHECK_C_MENTION }, { "sym", CHECK_C_SYM },
	{ "gap", 255 },
};

/* The argument of <num:3>, <num:2-4>, <id:6+>, <val:90-130>, <gap:5>. */
static bool check_pat_bounds(struct check_pparse *p, struct check_node *n)
{
	if (!check_pat_uint(p, &n->lo))
		return false;
	if (n->kind == CHECK_N_GAP) {
		n->hi = n->lo;
		n->lo = 0;
		return n->hi <= 32;
	}
	n->hi = n->lo;
	if (p->i < p->n && p->s[p->i] == '+') {
		p->i++;
		n->hi = UINT32_MAX;
	} else if (p->i < p->n && p->s[p->i] == '-') {
		p->i++;
		if (!check_pat_uint(p, &n->hi) || n->hi < n->lo)
			return false;
	}
	return true;
}

/* <url:@list> or <url:!@list>: links whose host is (not) in the list. */
static bool check_pat_host_list(struct check_pparse *p, struct check_node *n)
{
	const char *name;
	size_t len;

	if (p->i < p->n && p->s[p->i] == '!') {
		n->negate = 1;
		p->i++;
	}
	if (p->i >= p->n || p->s[p->i++] != '@' || !(len = check_pat_name(p, &name)))
		return false;
	n->list = p->names->list(p->names->ctx, name, len);
	return n->list != NULL;
}

static struct check_node *check_pat_class(struct check_pparse *p)
{
	const char *name;
	size_t len, k;
	struct check_node *n;

	p->i++;
	len = check_pat_name(p, &name);
	for (k = 0; k < sizeof check_pat_classes / sizeof check_pat_classes[0]; k++)
		if (strlen(check_pat_classes[k].name) == len &&
		    memcmp(check_pat_classes[k].name, name, len) == 0)
			break;
	if (k == sizeof check_pat_classes / sizeof check_pat_classes[0])
		return check_pat_fail(p, "unknown <class>");
	if (!(n = check_pat_new(p, check_pat_classes[k].cls == 255 ? CHECK_N_GAP : CHECK_N_CLASS)))
		return NULL;
	n->cls = check_pat_classes[k].cls;
	n->lo = n->cls == CHECK_C_UPPER ? 2 : 1;
	n->hi = UINT32_MAX;
	if (p->i < p->n && p->s[p->i] == ':') {
		p->i++;
		if (n->kind == CHECK_N_CLASS && n->cls == CHECK_C_URL ? !check_pat_host_list(p, n)
								    : !check_pat_bounds(p, n))
			return check_pat_fail(p, "bad <class:argument> or unknown @list");
	} else if (n->kind == CHECK_N_GAP || n->cls == CHECK_C_VAL) {
		return check_pat_fail(p, "<gap:N> and <val:A-B> need an argument");
	}
	if (p->i >= p->n || p->s[p->i++] != '>')
		return check_pat_fail(p, "missing >");
	return n;
}

static struct check_node *check_pat_group(struct check_pparse *p)
{
	struct check_node *n;

	if (++p->depth > CHECK_PAT_DEPTH_MAX)
		return check_pat_fail(p, "pattern nested too deeply");
	p->i++;
	n = check_pat_alt(p);
	if (n && (p->i >= p->n || p->s[p->i] != ')'))
		return check_pat_fail(p, "missing )");
	p->i++;
	p->depth--;
	return n;
}

static struct check_node *check_pat_prim(struct check_pparse *p)
{
	struct check_node *n;
	size_t cl;
	uint32_t cp = check_pat_cp(p, p->i, &cl);
	enum utf8_class c = utf8_classify(cp);

	switch (cp) {
	case '(': return check_pat_group(p);
	case '@': case '$': return check_pat_ref(p);
	case '<': return check_pat_class(p);
	case '[': return check_pat_punct(p, true);
	case '"': return check_pat_exact(p);
	case '\\': return check_pat_punct(p, false);
	case '!':
		p->i++;
		if (!(n = check_pat_new(p, CHECK_N_NOT)) || !(n->kids = check_arena_alloc(p->a, sizeof *n->kids)))
			return check_pat_fail(p, "out of memory");
		if (!(n->kids[0] = check_pat_prim(p)))
			return NULL;
		n->n_kids = 1;
		return n;
	case ')': case '|': case '?': case '{': case '}': case '>': case ']': case '*':
		return check_pat_fail(p, "unexpected special character (escape it with \\)");
	default:
		if (c == UTF8_LETTER || c == UTF8_MARK || c == UTF8_DIGIT)
			return check_pat_word(p);
		return check_pat_punct(p, false);
	}
}

/* prim, prim?, prim{m}, prim{m,n} */
static struct check_node *check_pat_item(struct check_pparse *p, bool glued)
{
	struct check_node *kid = check_pat_prim(p), *n;
	uint32_t lo, hi;

	if (!kid || p->i >= p->n || (p->s[p->i] != '?' && p->s[p->i] != '{'))
		return kid;
	if (p->s[p->i++] == '?') {
		lo = 0;
		hi = 1;
	} else {
		if (!check_pat_uint(p, &lo))
			return check_pat_fail(p, "bad {m,n}");
		hi = lo;
		if (p->i < p->n && p->s[p->i] == ',' && (p->i++, !check_pat_uint(p, &hi)))
			return check_pat_fail(p, "bad {m,n}");
		if (p->i >= p->n || p->s[p->i++] != '}' || hi < lo || hi == 0 || hi > CHECK_PAT_REP_MAX)
			return check_pat_fail(p, "bad {m,n} (at most 16)");
	}
	if (check_node_nullable(kid))
		return check_pat_fail(p, "repeated part can match nothing");
	if (!(n = check_pat_new(p, CHECK_N_REP)) || !(n->kids = check_arena_alloc(p->a, sizeof *n->kids)))
		return check_pat_fail(p, "out of memory");
	n->kids[0] = kid;
	n->n_kids = 1;
	n->lo = lo;
	n->hi = hi;
	n->iter_glued = glued;
	return n;
}

static struct check_node *check_pat_finish(struct check_pparse *p, uint8_t kind,
					   struct check_node **kids, const uint8_t *glued, size_t k)
{
	struct check_node *n;

	if (k == 1)
		return kids[0];
	if (!(n = check_pat_new(p, kind)))
		return NULL;
	n->kids = check_arena_alloc(p->a, k * sizeof *kids);
	n->glued = check_arena_alloc(p->a, k);
	if (!n->kids || !n->glued)
		return check_pat_fail(p, "out of memory");
	memcpy(n->kids, kids, k * sizeof *kids);
	if (glued)
		memcpy(n->glued, glued, k);
	n->n_kids = (uint32_t)k;
	return n;
}

static struct check_node *check_pat_seq(struct check_pparse *p)
{
	struct check_node *kids[CHECK_PAT_KIDS_MAX];
	uint8_t glued[CHECK_PAT_KIDS_MAX];
	size_t k = 0;

	for (;;) {
		bool space = false;
		while (check_pat_space(p)) {
			p->i++;
			space = true;
		}
		if (p->i >= p->n || p->s[p->i] == ')' || p->s[p->i] == '|')
			break;
		if (k == CHECK_PAT_KIDS_MAX)
			return check_pat_fail(p, "too many items in a sequence");
		glued[k] = k > 0 && !space;
		if (!(kids[k] = check_pat_item(p, glued[k])))
			return NULL;
		k++;
	}
	if (k == 0)
		return check_pat_fail(p, "empty pattern or alternative");
	return check_pat_finish(p, CHECK_N_SEQ, kids, glued, k);
}

static struct check_node *check_pat_alt(struct check_pparse *p)
{
	struct check_node *kids[CHECK_PAT_KIDS_MAX];
	size_t k = 0;

	for (;;) {
		if (k == CHECK_PAT_KIDS_MAX)
			return check_pat_fail(p, "too many alternatives");
		if (!(kids[k++] = check_pat_seq(p)))
			return NULL;
		if (p->i >= p->n || p->s[p->i] != '|')
			break;
		p->i++;
	}
	return check_pat_finish(p, CHECK_N_ALT, kids, NULL, k);
}

int check_pattern_parse(const struct check_pat_names *names, struct check_arena *a,
			const char *src, size_t len, struct check_node **out, const char **why)
{
	struct check_pparse p = { .names = names, .a = a, .s = src, .n = len };
	struct check_node *n = check_pat_alt(&p);

	if (n && p.i < p.n)
		n = check_pat_fail(&p, "unbalanced )");
	if (!n) {
		*why = p.why ? p.why : "bad pattern";
		return p.oom ? -ENOMEM : -EINVAL;
	}
	*out = n;
	return 0;
}

bool check_node_nullable(const struct check_node *n)
{
	uint32_t i;

	switch (n->kind) {
	case CHECK_N_GAP:
	case CHECK_N_NOT:
		return true;
	case CHECK_N_REP:
		return n->lo == 0 || check_node_nullable(n->kids[0]);
	case CHECK_N_SEQ:
		for (i = 0; i < n->n_kids; i++)
			if (!check_node_nullable(n->kids[i]))
				return false;
		return true;
	case CHECK_N_ALT:
		for (i = 0; i < n->n_kids; i++)
			if (check_node_nullable(n->kids[i]))
				return true;
		return false;
	default:
		return false;
	}
}
