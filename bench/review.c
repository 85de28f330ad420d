/* review.c — the notifier's full nudge review at scale (issue 17 item 5):
 * `review DB NOW [N [BUDGET]]` opens a database as mentord would (store,
 * mentor cache), runs nudges_collect over every mentor active within a year
 * N times (default 5, after one unmeasured warm-up), then the same review in
 * the notifier's steps of BUDGET mentors (default 50, the notifier's REVIEW_STEP),
 * and prints "mentors p50_ms max_ms nudges steps max_step_ms". One
 * nudges_collect is how long the loop was held before the review was
 * sliced; a step is how long it is held now. The announced-key writes that
 * follow (at most NUDGES_MAX) are left out. */
#include "store/store.h"
#include "mentors/mentor_cache.h"
#include "mentors/nudges.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "timing.h"

int main(int argc, char **argv)
{
	struct store *s = NULL;
	struct mentor_cache *c = NULL;
	double t[64];
	size_t found = 0;
	int n = argc > 3 ? atoi(argv[3]) : 5;

	if (argc < 3 || n < 1 || n > 64) {
		fprintf(stderr, "usage: review DB NOW [N<=64]\n");
		return 2;
	}
	if (store_open(&s, argv[1]) < 0 || mentor_cache_new(&c, s, NULL, 0) < 0) {
		fprintf(stderr, "review: cannot open %s\n", argv[1]);
		return 1;
	}
	for (int i = -1; i < n; i++) {
		struct nudge_list *l = calloc(1, sizeof *l);
		double t0 = now_ms();
		if (!l || nudges_collect(s, c, atoll(argv[2]), NULL, 0, l) < 0) {
			fprintf(stderr, "review: nudges_collect failed\n");
			return 1;
		}
		if (i >= 0)
			t[i] = now_ms() - t0;
		found = l->n;
		nudges_free(l);
	}
	bench_sort_ms(t, (size_t)n);
	printf("%zu %.1f %.1f %zu", mentor_cache_count(c), t[n / 2], t[n - 1], found);
	{
		struct nudge_list *l = calloc(1, sizeof *l);
		size_t budget = argc > 4 ? (size_t)atol(argv[4]) : 50, steps = 0;
		int64_t from = 0;
		double worst = 0;
		int r = 1;
		while (l && r > 0) {
			double t0 = now_ms(), took;
			r = nudges_collect_step(s, c, atoll(argv[2]), &from, budget, l);
			took = now_ms() - t0;
			if (took > worst)
				worst = took;
			steps++;
		}
		printf(" %zu %.1f\n", steps, worst);
		if (l && l->n != found)
			fprintf(stderr, "review: the steps found %zu nudges, the whole review %zu\n", l->n, found);
		nudges_free(l);
	}
	mentor_cache_free(c);
	store_close(s);
	return 0;
}
