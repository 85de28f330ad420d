/* check_match.c — a backtracking matcher of pattern trees against tokens.
 *
 * Continuation-passing: each node, once matched, calls the rest of the
 * pattern (a chain of frames on the C stack); backtracking is returning
 * false. Greedy choices come first (longest list entry, most repetitions),
 * gaps are lazy (the nearest anchor wins). A step budget bounds the work
 * per attempt, so no pattern can go exponential on hostile input.
 *
 * "loose" is whether whitespace may precede the next token consumed: it is
 * reset once a token is consumed and set again by a spaced join in the
 * pattern, so an optional item that matches nothing keeps the looser join. */
#include "check/check_internal.h"

#include <string.h>

enum check_frame_kind { CHECK_F_SEQ, CHECK_F_REP, CHECK_F_ACCEPT };

struct check_frame {
	uint8_t kind;
	const struct check_node *node;
	uint32_t idx;                  /* SEQ: next kid; REP: iterations done */
	const struct check_frame *next;
};

struct check_matcher {
	const struct check_toks *t;
	size_t start, end;
	unsigned budget;
};

static bool check_m_node(struct check_matcher *m, const struct check_node *n, size_t pos,
			 bool loose, const struct check_frame *k);

static bool check_m_cont(struct check_matcher *m, size_t pos, bool loose, const struct check_frame *k)
{
	const struct check_node *n;
	struct check_frame f;

	if (!k) {
		m->end = pos;
		return true;
	}
	n = k->node;
	switch (k->kind) {
	case CHECK_F_ACCEPT:
		return true;
	case CHECK_F_SEQ:
		if (k->idx == n->n_kids)
			return check_m_cont(m, pos, loose, k->next);
		f = (struct check_frame){ CHECK_F_SEQ, n, k->idx + 1, k->next };
		return check_m_node(m, n->kids[k->idx], pos, loose || !n->glued[k->idx], &f);
	default:   /* CHECK_F_REP */
		if (k->idx < n->hi) {
			f = (struct check_frame){ CHECK_F_REP, n, k->idx + 1, k->next };
			if (check_m_node(m, n->kids[0], pos, k->idx == 0 ? loose : loose || !n->iter_glued, &f))
				return true;
		}
		return k->idx >= n->lo && check_m_cont(m, pos, loose, k->next);
	}
}

/* May the token at pos be consumed next? Matches never cross a sentence. */
static bool check_m_tok(const struct check_matcher *m, size_t pos, bool loose)
{
	const struct check_token *tk;

	if (pos >= m->t->n)
		return false;
	tk = &m->t->v[pos];
	if (pos != m->start && (tk->flags & CHECK_TF_SENT))
		return false;
	return loose || !(tk->flags & CHECK_TF_SPACE);
}

static bool check_m_alnum(const struct check_token *tk)
{
	return tk->kind == CHECK_TOK_NUM || (tk->kind == CHECK_TOK_WORD && (tk->flags & CHECK_TF_ASCII));
}

/* <id> and <alnum>: a glued run of ASCII letters and digits, hyphens inside. */
static size_t check_m_idrun(const struct check_matcher *m, const struct check_node *n, size_t pos)
{
	const struct check_toks *t = m->t;
	size_t i = pos, total = 0;
	bool digit = false;

	while (i < t->n) {
		const struct check_token *tk = &t->v[i];
		if (i > pos && (tk->flags & CHECK_TF_SPACE))
			break;
		if (check_m_alnum(tk)) {
			total += tk->nlen;
			digit |= tk->kind == CHECK_TOK_NUM;
			i++;
		} else if (i > pos && tk->kind == CHECK_TOK_PUNCT && tk->cp == '-' && i + 1 < t->n &&
			   check_m_alnum(&t->v[i + 1]) && !(t->v[i + 1].flags & CHECK_TF_SPACE)) {
			i++;
		} else {
			break;
		}
	}
	if (i == pos || total < n->lo || total > n->hi || (n->cls == CHECK_C_ID && !digit))
		return 0;
	return i;
}

/* The end of a <class> match at pos, or 0. */
static size_t check_m_class(const struct check_matcher *m, const struct check_node *n, size_t pos)
{
	const struct check_toks *t = m->t;
	const struct check_token *tk = &t->v[pos];
	bool ok;

	switch (n->cls) {
	case CHECK_C_NUM:
		ok = tk->kind == CHECK_TOK_NUM && tk->nlen >= n->lo && tk->nlen <= n->hi;
		break;
	case CHECK_C_VAL:
		ok = tk->kind == CHECK_TOK_NUM && tk->nlen <= 9 && tk->value >= n->lo && tk->value <= n->hi;
		break;
	case CHECK_C_ID:
	case CHECK_C_ALNUM:
		return check_m_idrun(m, n, pos);
	case CHECK_C_CAP:
		ok = tk->kind == CHECK_TOK_WORD && (tk->flags & CHECK_TF_CAP);
		break;
	case CHECK_C_UPPER:
		ok = tk->kind == CHECK_TOK_WORD && (tk->flags & CHECK_TF_UPPER) &&
		     tk->nlen >= n->lo && tk->nlen <= n->hi;
		break;
	case CHECK_C_WORD:
		ok = tk->kind == CHECK_TOK_WORD;
		break;
	case CHECK_C_URL:
		ok = tk->kind == CHECK_TOK_URL &&
		     (!n->list || check_list_has_host(n->list, t->norm + tk->norm, tk->nlen) != n->negate);
		break;
	case CHECK_C_EMAIL:
		ok = tk->kind == CHECK_TOK_EMAIL;
		break;
	case CHECK_C_MENTION:
		ok = tk->kind == CHECK_TOK_MENTION;
		break;
	case CHECK_C_SYM:
		ok = tk->kind == CHECK_TOK_SYM;
		break;
	default:   /* CHECK_C_ANY */
		ok = true;
		break;
	}
	return ok ? pos + 1 : 0;
}

static bool check_m_punct(const struct check_node *n, const struct check_token *tk)
{
	uint32_t i;

	if (tk->kind != CHECK_TOK_PUNCT && tk->kind != CHECK_TOK_SYM)
		return false;
	for (i = 0; i < n->n_cps; i++)
		if (n->cps[i] == tk->cp)
			return true;
	return false;
}

/* <gap:N>: skip up to N tokens of the same sentence, nearest first. */
static bool check_m_gap(struct check_matcher *m, const struct check_node *n, size_t pos,
			bool loose, const struct check_frame *k)
{
	uint32_t g;

	for (g = 0; g <= n->hi; g++) {
		if (g > 0 && !check_m_tok(m, pos + g - 1, true))
			return false;
		if (check_m_cont(m, pos + g, g ? true : loose, k))
			return true;
	}
	return false;
}

static bool check_m_list(struct check_matcher *m, const struct check_node *n, size_t pos,
			 bool loose, const struct check_frame *k)
{
	uint32_t ends[16];
	size_t i, cnt;

	if (!check_m_tok(m, pos, loose))
		return false;
	cnt = check_list_match(n->list, m->t, pos, loose, ends, 16);
	for (i = 0; i < cnt; i++)
		if (check_m_cont(m, ends[i], false, k))
			return true;
	return false;
}

static bool check_m_node(struct check_matcher *m, const struct check_node *n, size_t pos,
			 bool loose, const struct check_frame *k)
{
	struct check_frame f;
	size_t end;
	uint32_t i;

	if (m->budget == 0)
		return false;
	m->budget--;
	switch (n->kind) {
	case CHECK_N_LIT:
		return check_m_tok(m, pos, loose) && check_item_matches(&n->lit, m->t, pos) &&
		       check_m_cont(m, pos + 1, false, k);
	case CHECK_N_PUNCT:
		return check_m_tok(m, pos, loose) && check_m_punct(n, &m->t->v[pos]) &&
		       check_m_cont(m, pos + 1, false, k);
	case CHECK_N_CLASS:
		return check_m_tok(m, pos, loose) && (end = check_m_class(m, n, pos)) != 0 &&
		       check_m_cont(m, end, false, k);
	case CHECK_N_LIST:
		return check_m_list(m, n, pos, loose, k);
	case CHECK_N_GAP:
		return check_m_gap(m, n, pos, loose, k);
	case CHECK_N_SEQ:
		f = (struct check_frame){ CHECK_F_SEQ, n, 1, k };
		return check_m_node(m, n->kids[0], pos, loose, &f);
	case CHECK_N_ALT:
		for (i = 0; i < n->n_kids; i++)
			if (check_m_node(m, n->kids[i], pos, loose, k))
				return true;
		return false;
	case CHECK_N_REP:
		f = (struct check_frame){ CHECK_F_REP, n, 0, k };
		return check_m_cont(m, pos, loose, &f);
	default:   /* CHECK_N_NOT: zero width */
		f = (struct check_frame){ CHECK_F_ACCEPT, NULL, 0, NULL };
		if (check_m_node(m, n->kids[0], pos, loose, &f))
			return false;
		return check_m_cont(m, pos, loose, k);
	}
}

bool check_match_at(const struct check_node *pat, const struct check_toks *t, size_t pos,
		    size_t *end)
{
	struct check_matcher m = { .t = t, .start = pos, .budget = CHECK_MATCH_BUDGET };

	if (!check_m_node(&m, pat, pos, true, NULL) || m.end <= pos)
		return false;
	*end = m.end;
	return true;
}
