/* cmd_mentors.c — `mentorctl mentors`: the ranked list, fetched page by
 * page so no reply grows past the bus's comfortable size. */
#include "ctl.h"
#include "mentor.h"
#include "output.h"
#include "engagement.h"
#include "spark.h"
#include "text.h"
#include "mentord-bus.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define PAGE 200            /* rows per ListMentors call */
#define DEFAULT_SHOWN 50    /* rows without --all or --limit */
#define WEEKS 12            /* the sparkline column: both directions summed, ISO weeks */
#define SPARK_COL 7         /* its place, before ACCOUNTS */
#define COLUMNS 9

/* The 12-week sparkline of m: every channel, both directions, on the row's
 * own scale ("" when the daemon could not say). */
static char *spark_cell(const struct engagement *e, uint64_t id, bool utf8)
{
	const uint32_t *in = NULL, *out = NULL;
	uint32_t sum[WEEKS] = { 0 };

	if (!e || e->count != WEEKS)
		return strdup("");
	engagement_rows(e, id, &in, &out);
	for (size_t i = 0; i < WEEKS; i++)
		sum[i] = (in ? in[i] : 0) + (out ? out[i] : 0);
	return spark_draw(sum, WEEKS, 0, 1, utf8);
}

static void mentor_text(struct table *t, const struct mentor_summary *m, int64_t now, const char *spark)
{
	char last[32], accounts[512] = "";
	format_relative(m->last_activity, now, last, sizeof last);
	for (size_t i = 0; i < m->n_accounts; i++) {
		size_t used = strlen(accounts);
		snprintf(accounts + used, sizeof accounts - used, "%s%s:%s", used ? " " : "",
		         m->accounts[i].platform, m->accounts[i].handle);
	}
	table_addf(t, "%llu", (unsigned long long)m->id);
	table_add(t, m->name);
	table_add(t, m->stage);
	table_addf(t, "%.2f", m->score);
	table_addf(t, "%.2f", m->fit);
	table_addf(t, "%llu", (unsigned long long)m->posts);
	table_add(t, last);
	table_add(t, spark);
	table_add(t, accounts);
}

/* What a page's rows are drawn with: the time, and in text the sparklines. */
struct page_ctx {
	int64_t now;
	bool utf8;
	const struct engagement *eng;   /* NULL: none (JSON, or the call failed) */
};

/* Reads one (tssdda(ss)ttxx) entry; returns >0 on a row, 0 at the end. */
static int read_row(sd_bus_message *reply, struct table *t, cJSON *arr, const struct page_ctx *pc)
{
	struct mentor_summary m;
	cJSON *o;
	char *spark = NULL;
	int r = sd_bus_message_peek_type(reply, NULL, NULL);

	if (r <= 0)
		return r;
	if ((r = mentor_summary_read(reply, &m)) >= 0) {
		r = 1;
		if (!arr) {
			if ((spark = spark_cell(pc->eng, m.id, pc->utf8)))
				mentor_text(t, &m, pc->now, spark);
			else
				r = -ENOMEM;
		} else if ((o = mentor_summary_json(&m, "events")))
			cJSON_AddItemToArray(arr, o);
		else
			r = -ENOMEM;
	}
	free(spark);
	mentor_summary_clear(&m);
	return r;
}

/* The page's ids (a first pass over its rows), then one GetEngagement for
 * them all; the array is rewound for the real pass. */
static void page_engagement(struct ctl *ctl, sd_bus_message *reply, struct engagement *e)
{
	uint64_t ids[MENTORD_MAX_ENGAGEMENT_MENTORS];
	struct mentor_summary m;
	size_t n = 0;
	int r;

	memset(e, 0, sizeof *e);
	while (n < MENTORD_MAX_ENGAGEMENT_MENTORS && (r = sd_bus_message_peek_type(reply, NULL, NULL)) > 0) {
		r = mentor_summary_read(reply, &m);
		if (r >= 0)
			ids[n++] = m.id;
		mentor_summary_clear(&m);
		if (r < 0)
			break;
	}
	if (sd_bus_message_rewind(reply, 0) >= 0 && n > 0)
		engagement_fetch(ctl, ids, n, "week", WEEKS, e);
}

/* A count with thousands separators, "9,950", whatever the locale. */
static void format_count(uint32_t n, char *buf, size_t size)
{
	char digits[16];
	size_t len = (size_t)snprintf(digits, sizeof digits, "%u", n), o = 0;

	for (size_t i = 0; i < len && o + 2 < size; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = digits[i];
	}
	buf[o] = '\0';
}

/* The rows past the ones shown, named so a person knows the list goes on.
 * With --json it goes to stderr, keeping stdout one JSON array. */
static void print_more(FILE *f, uint32_t shown_to, uint32_t total)
{
	char n[24];
	if (shown_to >= total)
		return;
	format_count(total - shown_to, n, sizeof n);
	fprintf(f, "\u2026 %s more: --all, --limit N, --offset N\n", n);
}

static int parse_count(const char *s, uint32_t min, uint32_t *out)
{
	char *end;
	unsigned long v;
	if (!s || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < min || v > UINT32_MAX)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

struct mentors_args {
	const char *sort;
	uint32_t offset, limit;   /* limit UINT32_MAX: --all */
};

static int parse_args(int argc, char **argv, struct mentors_args *a)
{
	static const struct option opts[] = {
		{ "sort", required_argument, NULL, 's' }, { "limit", required_argument, NULL, 'l' },
		{ "offset", required_argument, NULL, 'o' }, { "all", no_argument, NULL, 'a' }, { 0 } };
	bool all = false, limited = false;
	int c;

	*a = (struct mentors_args){ "score", 0, DEFAULT_SHOWN };
	optind = 0;
	while ((c = getopt_long(argc, argv, "s:l:o:a", opts, NULL)) != -1) {
		switch (c) {
		case 's': a->sort = optarg; break;
		case 'a': all = true; break;
		case 'l':
			if (parse_count(optarg, 1, &a->limit) < 0)
				return ctl_usage_error("mentors", "--limit needs a number of at least 1, got '%s'", optarg);
			limited = true;
			break;
		case 'o':
			if (parse_count(optarg, 0, &a->offset) < 0)
				return ctl_usage_error("mentors", "--offset needs a number, got '%s'", optarg);
			break;
		default: return CTL_EXIT_USAGE;
		}
	}
	if (optind != argc || (all && limited))
		return ctl_usage_error("mentors", "usage: mentors [--sort score|fit|recent|stage] [--limit N] [--offset N] [--all]");
	if (all)
		a->limit = UINT32_MAX;
	return 0;
}

/* Fetches the rows [offset, offset + limit) page by page (each reply stays
 * under the bus's comfortable size); *total is the daemon's count. */
static int fetch(struct ctl *ctl, const struct mentors_args *a, struct table *t, cJSON *arr, uint32_t *total)
{
	uint32_t offset = a->offset, left = a->limit, got;
	struct page_ctx pc = { .now = (int64_t)time(NULL), .utf8 = !arr && spark_utf8() };
	int r, rc;

	do {
		sd_bus_message *reply = NULL;
		struct engagement e = { 0 };
		uint32_t want = left < PAGE ? left : PAGE;
		if ((rc = ctl_call(ctl, "ListMentors", &reply, "suu", a->sort, offset, want)) != 0)
			return rc;
		got = 0;
		r = sd_bus_message_enter_container(reply, 'a', "(tssdda(ss)ttxx)");
		if (r >= 0 && !arr) {
			page_engagement(ctl, reply, &e);
			pc.eng = e.count ? &e : NULL;
		}
		while (r >= 0 && (r = read_row(reply, t, arr, &pc)) > 0)
			got++;
		engagement_clear(&e);
		pc.eng = NULL;
		if (r >= 0 && (r = sd_bus_message_exit_container(reply)) >= 0)
			r = sd_bus_message_read(reply, "u", total);
		sd_bus_message_unref(reply);
		if (r < 0)
			return ctl_bad_reply("ListMentors", r);
		offset += got;
		left -= got;
	} while (got > 0 && left > 0 && offset < *total);
	return 0;
}

/* The sparkline column stays when the columns up to it fit the terminal
 * (ACCOUNTS, the last, runs on as it always did); otherwise it is dropped,
 * never wrapped. */
static void fit_spark_column(struct table *t)
{
	if (table_width(t, SPARK_COL + 1) > text_columns())
		table_hide(t, SPARK_COL);
}

int ctl_mentors(struct ctl *ctl, int argc, char **argv)
{
	struct mentors_args a;
	struct table *t = NULL;
	cJSON *arr = NULL;
	uint32_t total = 0;
	int rc;

	if ((rc = parse_args(argc, argv, &a)) != 0)
		return rc;
	if (ctl->json)
		arr = cJSON_CreateArray();
	else {
		t = table_new(COLUMNS);
		const char *head[COLUMNS] = { "ID", "NAME", "STAGE", "SCORE", "FIT", "POSTS", "ACTIVE",
		                              "12 WEEKS", "ACCOUNTS" };
		for (size_t i = 0; i < COLUMNS; i++)
			table_add(t, head[i]);
	}
	if ((rc = fetch(ctl, &a, t, arr, &total)) != 0)
		goto out;
	uint32_t start = a.offset < total ? a.offset : total;
	uint32_t shown_to = start + (a.limit < total - start ? a.limit : total - start);
	if (arr) {
		rc = json_print(arr) < 0 ? CTL_EXIT_DAEMON : CTL_EXIT_OK;
		arr = NULL;
		print_more(stderr, shown_to, total);
	} else if (total == 0) {
		printf("No mentors yet. Follow someone: mentorctl follow mastodon name@instance\n");
	} else if (a.offset >= total) {
		printf("No mentors at offset %u: there are %u.\n", a.offset, total);
	} else {
		fit_spark_column(t);
		table_print(t, true);
		print_more(stdout, shown_to, total);
	}
out:
	cJSON_Delete(arr);
	table_free(t);
	return rc;
}
