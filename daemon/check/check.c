/* check.c — check_text(): runs the rules over a tokenized draft and turns
 * matches into findings and a verdict.
 *
 * For each token, the index proposes the patterns that could start there;
 * a rule's longest match wins, then its conditions decide whether it fires
 * (require/unless) and how hard (escalate). A rule never reports two
 * overlapping findings. Finally "combine" rules look at how many distinct
 * rules of a family fired: several quasi-identifiers together identify. */
#include "check/check_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK_SENT_REACH 40   /* tokens a "sentence" condition looks either side */

struct check_run {
	const struct check_engine *e;
	struct check_toks t;
	struct check_result *res;
	uint32_t *stamp;       /* per pattern: token index + 1 it was last proposed at */
	uint32_t *cands;       /* patterns proposed at the current token */
	size_t n_cands, cap_cands;
	uint32_t *next_free;   /* per rule: where its next finding may start */
	int8_t *memo;          /* per post-wide condition: -1 unknown, else 0/1 */
	uint32_t cur;
	int rc;
	size_t cap_findings;
};

const char *check_verdict_name(enum check_verdict v)
{
	return v == CHECK_BLOCK ? "block" : v == CHECK_WARN ? "warn" : "ok";
}

int check_verdict_exit_code(enum check_verdict v)
{
	return v == CHECK_BLOCK ? 5 : v == CHECK_WARN ? 4 : 0;
}

static void check_run_add(void *ctx, uint32_t pat)
{
	struct check_run *run = ctx;

	if (run->stamp[pat] == run->cur + 1)
		return;
	run->stamp[pat] = run->cur + 1;
	if (check_vec_reserve(&run->cands, &run->cap_cands, run->n_cands + 1, sizeof *run->cands) < 0) {
		run->rc = -ENOMEM;
		return;
	}
	run->cands[run->n_cands++] = pat;
}

static bool check_scan(const struct check_node *pat, const struct check_toks *t, size_t lo, size_t hi)
{
	size_t p, end;

	for (p = lo; p < hi; p++)
		if (check_match_at(pat, t, p, &end))
			return true;
	return false;
}

/* Does the condition's pattern occur in its scope around tokens [s, e)? */
static bool check_cond_holds(struct check_run *run, const struct check_cond *c, size_t s, size_t e)
{
	const struct check_toks *t = &run->t;
	size_t lo = s, hi = e;

	switch (c->scope) {
	case CHECK_SCOPE_POST:
		if (run->memo[c->memo] < 0)
			run->memo[c->memo] = check_scan(c->pat, t, 0, t->n);
		return run->memo[c->memo];
	case CHECK_SCOPE_NEAR:
		lo = s > c->near ? s - c->near : 0;
		hi = e + c->near < t->n ? e + c->near : t->n;
		return check_scan(c->pat, t, lo, hi);
	default:
		while (lo > 0 && t->v[lo - 1].sent == t->v[s].sent && s - lo < CHECK_SENT_REACH)
			lo--;
		while (hi < t->n && t->v[hi].sent == t->v[e - 1].sent && hi - e < CHECK_SENT_REACH)
			hi++;
		return check_scan(c->pat, t, lo, hi);
	}
}

/* The severity the rule fires with over [s, e), or -1 if it does not. */
static int check_rule_severity(struct check_run *run, const struct check_rule *r, size_t s, size_t e)
{
	int sev = (int)r->severity;
	size_t i;

	for (i = 0; i < r->n_conds; i++) {
		const struct check_cond *c = &r->conds[i];
		if (c->kind == CHECK_REQUIRE && !check_cond_holds(run, c, s, e))
			return -1;
		if (c->kind == CHECK_UNLESS && check_cond_holds(run, c, s, e))
			return -1;
	}
	for (i = 0; i < r->n_conds && sev != CHECK_BLOCK; i++)
		if (r->conds[i].kind == CHECK_ESCALATE && check_cond_holds(run, &r->conds[i], s, e))
			sev = CHECK_BLOCK;
	return sev;
}

static void check_fingerprint(char *out, const char *rule, uint64_t h)
{
	snprintf(out, CHECK_FINGERPRINT_SIZE, "%s:%016llx", rule, (unsigned long long)h);
}

static struct check_finding *check_new_finding(struct check_run *run, const struct check_rule *r,
					       int sev)
{
	struct check_result *res = run->res;
	struct check_finding *f;

	if (res->n_findings >= CHECK_MAX_FINDINGS) {
		res->truncated = true;
		return NULL;
	}
	if (check_vec_reserve(&res->findings, &run->cap_findings, res->n_findings + 1,
			      sizeof *res->findings) < 0) {
		run->rc = -ENOMEM;
		return NULL;
	}
	f = &res->findings[res->n_findings++];
	memset(f, 0, sizeof *f);
	f->rule = r->id;
	f->family = r->family;
	f->severity = (enum check_verdict)sev;
	f->message = r->message;
	f->fix = r->fix;
	return f;
}

static void check_add_match(struct check_run *run, const struct check_rule *r, int sev, size_t s, size_t e)
{
	const struct check_toks *t = &run->t;
	struct check_finding *f = check_new_finding(run, r, sev);
	uint64_t h = CHECK_HASH_SEED;
	size_t i;

	if (!f)
		return;
	f->byte_start = t->v[s].b0;
	f->byte_end = t->v[e - 1].b1;
	f->char_start = t->v[s].c0;
	f->char_end = t->v[e - 1].c1;
	for (i = s; i < e; i++)   /* the words, not their spacing or case */
		h = check_hash(" ", 1, check_hash(t->norm + t->v[i].norm, t->v[i].nlen, h));
	check_fingerprint(f->fingerprint, r->id, h);
}

/* A handful of ids per token: insertion sort beats qsort's overhead. */
static void check_sort_ids(uint32_t *v, size_t n)
{
	size_t i, j;

	for (i = 1; i < n; i++) {
		uint32_t x = v[i];
		for (j = i; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

/* Tries the proposed patterns at token i, one rule at a time (ids are in
 * rule order, so sorting groups them). */
static void check_at_token(struct check_run *run, size_t i)
{
	const struct check_index *ix = &run->e->index;
	size_t k = 0, j, end;

	check_sort_ids(run->cands, run->n_cands);
	while (k < run->n_cands) {
		uint32_t rule = ix->pats[run->cands[k]].rule;
		const struct check_rule *r = &run->e->rules[rule];
		size_t best = 0;
		int sev;

		for (j = k; j < run->n_cands && ix->pats[run->cands[j]].rule == rule; j++)
			if (i >= run->next_free[rule] &&
			    check_match_at(ix->pats[run->cands[j]].node, &run->t, i, &end) && end > best)
				best = end;
		k = j;
		if (!best || (sev = check_rule_severity(run, r, i, best)) < 0)
			continue;
		check_add_match(run, r, sev, i, best);
		run->next_free[rule] = (uint32_t)best;
	}
}

static int check_cmp_findings(const void *a, const void *b)
{
	const struct check_finding *x = a, *y = b;

	if (x->byte_start != y->byte_start)
		return x->byte_start < y->byte_start ? -1 : 1;
	return strcmp(x->rule, y->rule);
}

static void check_sort_findings(struct check_result *res)
{
	if (res->n_findings > 1)
		qsort(res->findings, res->n_findings, sizeof *res->findings, check_cmp_findings);
}

/* A combine rule fires when enough distinct rules of its family did; its
 * span runs from the first of their findings to the end of the last. */
static void check_combine(struct check_run *run, const struct check_rule *r)
{
	const struct check_result *res = run->res;
	size_t n = res->n_findings, i, j, distinct = 0;
	size_t b0 = 0, b1 = 0, c0 = 0, c1 = 0;
	uint64_t h = CHECK_HASH_SEED;
	struct check_finding *f;

	for (i = 0; i < n; i++) {
		const struct check_finding *x = &res->findings[i];
		if (strcmp(x->family, r->family) != 0 || x->rule == r->id)
			continue;
		for (j = 0; j < i; j++)
			if (res->findings[j].rule == x->rule)
				break;
		if (j == i && distinct++ == 0) {
			b0 = x->byte_start;
			c0 = x->char_start;
		}
		if (x->byte_end > b1) {
			b1 = x->byte_end;
			c1 = x->char_end;
		}
		h = check_hash(x->fingerprint, strlen(x->fingerprint), h);
	}
	if (distinct < r->combine || !(f = check_new_finding(run, r, (int)r->severity)))
		return;
	f->byte_start = b0;
	f->byte_end = b1;
	f->char_start = c0;
	f->char_end = c1;
	check_fingerprint(f->fingerprint, r->id, h);
}

static void check_verdict(struct check_result *res)
{
	size_t i;

	res->verdict = CHECK_OK;
	for (i = 0; i < res->n_findings; i++)
		if (!res->findings[i].accepted && res->findings[i].severity > res->verdict)
			res->verdict = res->findings[i].severity;
}

static int check_run_alloc(struct check_run *run)
{
	const struct check_engine *e = run->e;

	run->stamp = calloc(e->index.n_pats + 1, sizeof *run->stamp);
	run->next_free = calloc(e->n_rules + 1, sizeof *run->next_free);
	run->memo = malloc(e->n_memos + 1);
	if (!run->stamp || !run->next_free || !run->memo)
		return -ENOMEM;
	memset(run->memo, -1, e->n_memos + 1);
	return 0;
}

static void check_run_free(struct check_run *run)
{
	check_toks_free(&run->t);
	free(run->stamp);
	free(run->cands);
	free(run->next_free);
	free(run->memo);
}

int check_text(const struct check_engine *e, const char *utf8, size_t len, struct check_result *out)
{
	struct check_run run = { .e = e, .res = out };
	size_t i;
	int r;

	memset(out, 0, sizeof *out);
	if (len > CHECK_MAX_INPUT)
		return -E2BIG;
	if (!(e = check_engine_resolve(e, &r)))
		return r;
	run.e = e;
	if (!utf8 && len)
		return -EINVAL;
	if ((r = check_tokenize(utf8 ? utf8 : "", len, e->abbrev, &run.t)) < 0)
		return r;
	if ((r = check_run_alloc(&run)) < 0)
		goto fail;
	for (i = 0; i < run.t.n && run.rc == 0 && !out->truncated; i++) {
		run.cur = (uint32_t)i;
		run.n_cands = 0;
		check_index_candidates(&e->index, &run.t, i, check_run_add, &run);
		check_at_token(&run, i);
	}
	check_sort_findings(out);
	for (i = 0; i < e->n_rules && run.rc == 0; i++)
		if (e->rules[i].combine)
			check_combine(&run, &e->rules[i]);
	if ((r = run.rc) < 0)
		goto fail;
	check_sort_findings(out);
	out->invalid_bytes = run.t.invalid;
	check_verdict(out);
	check_run_free(&run);
	return 0;
fail:
	check_run_free(&run);
	check_result_clear(out);
	return r;
}

int check_result_accept(struct check_result *res, const char *fingerprint)
{
	size_t i;
	int r = -ENOENT;

	for (i = 0; i < res->n_findings; i++)
		if (strcmp(res->findings[i].fingerprint, fingerprint) == 0) {
			res->findings[i].accepted = true;
			r = 0;
		}
	check_verdict(res);
	return r;
}

void check_result_clear(struct check_result *res)
{
	free(res->findings);
	memset(res, 0, sizeof *res);
}
