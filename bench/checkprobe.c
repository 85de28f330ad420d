/* checkprobe.c — how the draft check does on a labelled probe set (the
 * tests/corpus TSV format: verdict, labelled rules, text): the three
 * targets and precision/recall per family, counted per draft as
 * tests/unit/test_check_corpus.c counts them.
 *
 *   checkprobe [-v] CORPUS.tsv...
 * Prints one line per file:
 *   FILE drafts N ids_blocked A/B risky_warned C/D clean_blocked E/F
 *        identifier P/R quasi P/R tone P/R
 * -v also lists each draft whose verdict differs from its label. */
#include "check/check.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FAMILIES 3
static const char *const fam_name[FAMILIES] = { "identifier", "quasi", "tone" };
static const char *const fam_prefix[FAMILIES] = { "phi.", "quasi.", "tone." };

struct tally {
	unsigned drafts, ids, ids_blocked, risky, risky_warned, clean, clean_blocked;
	unsigned tp[FAMILIES], fp[FAMILIES], fn[FAMILIES];
};

static bool labelled(const char *rules, int f)
{
	const char *p;

	for (p = rules; (p = strstr(p, fam_prefix[f])) != NULL; p++)
		if (p == rules || p[-1] == ',')
			return true;
	return false;
}

static bool found(const struct check_result *res, int f)
{
	for (size_t i = 0; i < res->n_findings; i++)
		if (strcmp(res->findings[i].family, fam_name[f]) == 0)
			return true;
	return false;
}

static void count(struct tally *t, const char *verdict, const char *rules,
		  const struct check_result *res)
{
	t->drafts++;
	if (strcmp(verdict, "ok") == 0) {
		t->clean++;
		t->clean_blocked += res->verdict == CHECK_BLOCK;
	} else {
		t->risky++;
		t->risky_warned += res->verdict != CHECK_OK;
	}
	if (strcmp(verdict, "block") == 0 && labelled(rules, 0)) {
		t->ids++;
		t->ids_blocked += res->verdict == CHECK_BLOCK;
	}
	for (int f = 0; f < FAMILIES; f++) {
		bool want = labelled(rules, f), got = found(res, f);
		t->tp[f] += want && got;
		t->fp[f] += !want && got;
		t->fn[f] += want && !got;
	}
}

static void print(const char *file, const struct tally *t)
{
	const char *base = strrchr(file, '/');

	printf("%s drafts %u ids_blocked %u/%u risky_warned %u/%u clean_blocked %u/%u",
	       base ? base + 1 : file, t->drafts, t->ids_blocked, t->ids, t->risky_warned,
	       t->risky, t->clean_blocked, t->clean);
	for (int f = 0; f < FAMILIES; f++) {
		unsigned got = t->tp[f] + t->fp[f], want = t->tp[f] + t->fn[f];
		printf(" %s %.2f/%.2f", fam_name[f], got ? (double)t->tp[f] / got : 1.0,
		       want ? (double)t->tp[f] / want : 1.0);
	}
	putchar('\n');
}

static int run(const struct check_engine *eng, const char *file, bool verbose)
{
	char line[8192];
	struct tally t = { 0 };
	FILE *f = fopen(file, "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof line, f)) {
		char *rules, *text;
		struct check_result res;
		if (line[0] == '#' || !(rules = strchr(line, '\t')) || !(text = strchr(rules + 1, '\t')))
			continue;
		*rules++ = '\0';
		*text++ = '\0';
		text[strcspn(text, "\n")] = '\0';
		if (check_text(eng, text, strlen(text), &res) < 0)
			continue;
		count(&t, line, rules, &res);
		if (verbose && strcmp(check_verdict_name(res.verdict), line) != 0) {
			printf("  %s->%s %s:", line, check_verdict_name(res.verdict), text);
			for (size_t i = 0; i < res.n_findings; i++)
				printf(" %s", res.findings[i].rule);
			putchar('\n');
		}
		check_result_clear(&res);
	}
	fclose(f);
	print(file, &t);
	return 0;
}

int main(int argc, char **argv)
{
	struct check_engine *eng = NULL;
	char *err = NULL;
	bool verbose = argc > 1 && strcmp(argv[1], "-v") == 0;
	int rc = 0;

	if (check_engine_new(&eng, &err) < 0) {
		fprintf(stderr, "checkprobe: %s\n", err ? err : "rules do not load");
		free(err);
		return 1;
	}
	for (int i = 1 + verbose; i < argc; i++)
		if (run(eng, argv[i], verbose) < 0) {
			fprintf(stderr, "checkprobe: cannot read %s\n", argv[i]);
			rc = 1;
		}
	check_engine_free(eng);
	return rc;
}
