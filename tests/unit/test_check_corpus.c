/* test_check_corpus.c — runs the draft check over the labelled corpus in
 * tests/corpus/ and reports precision and recall per rule family.
 *
 * drafts.tsv is held to its labels line by line: the verdict must match and
 * every labelled rule must fire. holdout.tsv (drafts written after the rules
 * were frozen, see docs/CHECK.md) is only held to the two promises of the
 * issue: no clean post is blocked and no post labelled block gets through;
 * its other disagreements are reported, not failed. probe.tsv holds hard
 * cases labelled with what should happen, known misses included: it is
 * only measured and reported, as are probe2-tune.tsv and probe2-holdout.tsv
 * (issue 16; `make bench` prints their targets). */
#include "check/check.h"
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FAMILIES 3
static const char *const family_names[FAMILIES] = { "identifier", "quasi", "tone" };
static const char *const family_prefix[FAMILIES] = { "phi.", "quasi.", "tone." };

struct tally {
	unsigned tp[FAMILIES], fp[FAMILIES], fn[FAMILIES];
	unsigned lines, verdict_ok, clean, clean_flagged;
};

struct draft {
	char verdict[8];
	char rules[512];
	char text[2048];
	unsigned line;
};

static void unescape(char *s)
{
	char *o = s;

	for (; *s; s++) {
		if (s[0] == '\\' && (s[1] == 'n' || s[1] == 't')) {
			*o++ = s[1] == 'n' ? '\n' : '\t';
			s++;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

/* Reads the next draft; returns 0 at the end of the file. */
static int read_draft(FILE *fp, struct draft *d, unsigned *line)
{
	char buf[4096], *t1, *t2;

	while (fgets(buf, sizeof buf, fp)) {
		(*line)++;
		buf[strcspn(buf, "\n")] = '\0';
		if (buf[0] == '#' || buf[0] == '\0')
			continue;
		if (!(t1 = strchr(buf, '\t')) || !(t2 = strchr(t1 + 1, '\t')))
			return -1;
		*t1 = *t2 = '\0';
		snprintf(d->verdict, sizeof d->verdict, "%.7s", buf);
		snprintf(d->rules, sizeof d->rules, "%.511s", t1 + 1);
		snprintf(d->text, sizeof d->text, "%.2047s", t2 + 1);
		unescape(d->text);
		d->line = *line;
		return 1;
	}
	return 0;
}

static bool fired(const struct check_result *res, const char *rule, size_t len)
{
	size_t i;

	for (i = 0; i < res->n_findings; i++)
		if (strlen(res->findings[i].rule) == len && memcmp(res->findings[i].rule, rule, len) == 0)
			return true;
	return false;
}

/* Is a rule of family f labelled, and did one fire? */
static bool labelled_family(const struct draft *d, int f)
{
	const char *p = d->rules;

	for (; (p = strstr(p, family_prefix[f])) != NULL; p++)
		if (p == d->rules || p[-1] == ',')
			return true;
	return false;
}

static bool found_family(const struct check_result *res, int f)
{
	size_t i;

	for (i = 0; i < res->n_findings; i++)
		if (strcmp(res->findings[i].family, family_names[f]) == 0)
			return true;
	return false;
}

static void count(struct tally *t, const struct draft *d, const struct check_result *res)
{
	int f;

	t->lines++;
	t->verdict_ok += strcmp(check_verdict_name(res->verdict), d->verdict) == 0;
	if (strcmp(d->verdict, "ok") == 0) {
		t->clean++;
		t->clean_flagged += res->verdict != CHECK_OK;
	}
	for (f = 0; f < FAMILIES; f++) {
		bool want = labelled_family(d, f), got = found_family(res, f);
		t->tp[f] += want && got;
		t->fp[f] += !want && got;
		t->fn[f] += want && !got;
	}
}

/* Names labelled rules that did not fire; returns how many. */
static int missing_rules(const struct draft *d, const struct check_result *res, bool report)
{
	const char *p = d->rules;
	int missing = 0;

	while (strcmp(d->rules, "-") != 0 && *p) {
		size_t len = strcspn(p, ",");
		if (!fired(res, p, len)) {
			missing++;
			if (report)
				tap_diag("  expected %.*s to fire", (int)len, p);
		}
		p += len + (p[len] == ',');
	}
	return missing;
}

static void show_findings(const struct check_result *res, const char *text)
{
	size_t i;

	for (i = 0; i < res->n_findings; i++) {
		const struct check_finding *f = &res->findings[i];
		tap_diag("  found %s (%s) on \"%.*s\"", f->rule, check_verdict_name(f->severity),
			 (int)(f->byte_end - f->byte_start), text + f->byte_start);
	}
}

/* Is rule (len bytes) one of the draft's comma-separated labels? */
static bool labelled(const struct draft *d, const char *rule, size_t len)
{
	const char *p = d->rules;

	while (*p) {
		size_t n = strcspn(p, ",");
		if (n == len && memcmp(p, rule, len) == 0)
			return true;
		p += n + (p[n] == ',');
	}
	return false;
}

/* With CHECK_CORPUS_VERBOSE set, names findings the label did not list. */
static void show_extra(const struct draft *d, const struct check_result *res, const char *file)
{
	size_t i, n;

	if (!getenv("CHECK_CORPUS_VERBOSE"))
		return;
	for (i = 0; i < res->n_findings; i++) {
		const char *rule = res->findings[i].rule;
		n = strlen(rule);
		if (!labelled(d, rule, n))
			tap_diag("%s:%u extra %s: %s", file, d->line, rule, d->text);
	}
}

static void check_strict(const struct draft *d, const struct check_result *res, const char *file)
{
	bool verdict = strcmp(check_verdict_name(res->verdict), d->verdict) == 0;
	int missing = missing_rules(d, res, false);

	show_extra(d, res, file);

	if (!ok(verdict && missing == 0, "%s:%u %s: %.60s", file, d->line, d->verdict, d->text)) {
		tap_diag("  verdict %s, labelled %s", check_verdict_name(res->verdict), d->verdict);
		missing_rules(d, res, true);
		show_findings(res, d->text);
	}
}

/* The two promises every corpus keeps: clean posts are never blocked, and
 * clear identifiers (labelled block) are never let through. */
static void check_promises(const struct draft *d, const struct check_result *res, const char *file)
{
	show_extra(d, res, file);
	if (strcmp(d->verdict, "ok") == 0 && !ok(res->verdict != CHECK_BLOCK,
						   "%s:%u clean post not blocked", file, d->line))
		show_findings(res, d->text);
	if (strcmp(d->verdict, "block") == 0 && !ok(res->verdict == CHECK_BLOCK,
						      "%s:%u identifier blocked", file, d->line))
		tap_diag("  missed: %s", d->text);
	if (strcmp(check_verdict_name(res->verdict), d->verdict) != 0) {
		tap_diag("%s:%u labelled %s, got %s: %s", file, d->line, d->verdict,
			 check_verdict_name(res->verdict), d->text);
		show_findings(res, d->text);
	}
}

static void report(const struct tally *t, const char *name)
{
	int f;

	tap_diag("%s: %u drafts, verdict agreement %u/%u, clean posts flagged %u/%u", name, t->lines,
		 t->verdict_ok, t->lines, t->clean_flagged, t->clean);
	for (f = 0; f < FAMILIES; f++) {
		unsigned fnd = t->tp[f] + t->fp[f], want = t->tp[f] + t->fn[f];
		tap_diag("%s %-10s precision %.2f recall %.2f (tp %u, fp %u, fn %u)", name,
			 family_names[f], fnd ? (double)t->tp[f] / fnd : 1.0,
			 want ? (double)t->tp[f] / want : 1.0, t->tp[f], t->fp[f], t->fn[f]);
	}
}

enum mode { STRICT, PROMISES, REPORT };

/* Known hard cases: disagreements are shown, never failed. */
static void check_report(const struct draft *d, const struct check_result *res, const char *file)
{
	if (strcmp(check_verdict_name(res->verdict), d->verdict) != 0 || missing_rules(d, res, false)) {
		tap_diag("%s:%u labelled %s (%s), got %s: %s", file, d->line, d->verdict, d->rules,
			 check_verdict_name(res->verdict), d->text);
		show_findings(res, d->text);
	}
}

static void run_corpus(const struct check_engine *e, const char *file, enum mode mode)
{
	char path[4096];
	const char *src = getenv("MENTORD_SRC");
	struct tally t = { .lines = 0 };
	struct draft d;
	unsigned line = 0;
	FILE *fp;
	int r;

	snprintf(path, sizeof path, "%.3000s/tests/corpus/%.900s", src ? src : ".", file);
	if (!(fp = fopen(path, "r"))) {
		ok(mode != STRICT, "open %s", path);
		return;
	}
	while ((r = read_draft(fp, &d, &line)) > 0) {
		struct check_result res;
		if (!ok(check_text(e, d.text, strlen(d.text), &res) == 0, "%s:%u checks", file, d.line))
			continue;
		if (mode == STRICT)
			check_strict(&d, &res, file);
		else if (mode == PROMISES)
			check_promises(&d, &res, file);
		else
			check_report(&d, &res, file);
		count(&t, &d, &res);
		check_result_clear(&res);
	}
	ok(r == 0, "%s parsed to the end (line %u)", file, line);
	fclose(fp);
	report(&t, file);
	if (mode == STRICT)
		ok(t.lines >= 150, "%s has at least 150 drafts (%u)", file, t.lines);
}

int main(void)
{
	struct check_engine *e;
	char *err = NULL;

	if (!ok(check_engine_new(&e, &err) == 0, "rules load")) {
		tap_diag("%s", err ? err : "?");
		free(err);
		return tap_done();
	}
	run_corpus(e, "drafts.tsv", STRICT);
	run_corpus(e, "holdout.tsv", PROMISES);
	run_corpus(e, "probe.tsv", REPORT);
	/* Issue 16's probe set: reported, never failed (its targets are bench figures). */
	run_corpus(e, "probe2-tune.tsv", REPORT);
	run_corpus(e, "probe2-holdout.tsv", REPORT);
	check_engine_free(e);
	return tap_done();
}
