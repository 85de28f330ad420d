/* checkrate.c — draft checks per second on one core: every draft of the
 * labelled corpora (the tests/corpus TSV files, third column) checked in a loop for
 * at least SECONDS with the rules compiled into mentord.
 *
 *   checkrate SECONDS CORPUS.tsv...
 * Prints "drafts checks seconds checks_per_s mean_bytes". */
#include "check/check.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);   /* one core's time, not the wall's */
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int load(const char *path, char ***v, size_t *n, size_t *bytes)
{
	FILE *f = fopen(path, "re");
	char line[16384];
	if (!f)
		return -errno;
	while (fgets(line, sizeof line, f)) {
		char *t1, *t2, **nv;
		if (line[0] == '#' || !(t1 = strchr(line, '\t')) || !(t2 = strchr(t1 + 1, '\t')))
			continue;
		t2[strcspn(t2, "\n")] = '\0';
		if (!(nv = realloc(*v, (*n + 1) * sizeof **v)) || !(nv[*n] = strdup(t2 + 1))) {
			if (nv)
				*v = nv;
			fclose(f);
			return -ENOMEM;
		}
		*v = nv;
		*bytes += strlen(nv[*n]);
		(*n)++;
	}
	fclose(f);
	return 0;
}

int main(int argc, char **argv)
{
	struct check_engine *eng = NULL;
	char **drafts = NULL, *err = NULL;
	size_t n = 0, bytes = 0;
	unsigned long checks = 0;
	double secs = argc > 1 ? atof(argv[1]) : 0, t0, dt;
	int rc = 1;

	if (argc < 3 || secs <= 0) {
		fprintf(stderr, "usage: checkrate SECONDS CORPUS.tsv...\n");
		return 2;
	}
	for (int i = 2; i < argc; i++)
		if (load(argv[i], &drafts, &n, &bytes) < 0) {
			fprintf(stderr, "checkrate: cannot read %s\n", argv[i]);
			goto fail;
		}
	if (n == 0 || check_engine_new(&eng, &err) < 0) {
		fprintf(stderr, "checkrate: %s\n", err ? err : "no drafts");
		goto fail;
	}
	t0 = now_s();
	do {
		for (size_t i = 0; i < n; i++) {
			struct check_result res;
			if (check_text(eng, drafts[i], strlen(drafts[i]), &res) < 0)
				goto fail;
			check_result_clear(&res);
			checks++;
		}
	} while ((dt = now_s() - t0) < secs);
	printf("%zu %lu %.2f %.0f %.0f\n", n, checks, dt, (double)checks / dt, (double)bytes / (double)n);
	rc = 0;
fail:
	check_engine_free(eng);
	for (size_t i = 0; i < n; i++)
		free(drafts[i]);
	free(drafts);
	free(err);
	return rc;
}
