/* cmd_report.c — `mentorctl report [--out FILE] [--since DATE]
 * [--mentor MENTOR]... [--private]`: gathers the report (report.h) from the
 * daemon in pages — GetReportFunnel once, ListMentors by 500 (or ShowMentor
 * per --mentor), GetReportMentors by 250 ids, GetEngagement by 500 — and
 * writes it with report_html_write to a temporary file renamed into place
 * (0644, or 0600 with --private: it then holds the user's notes). */
#include "ctl.h"
#include "engagement.h"
#include "mentor.h"
#include "output.h"
#include "report.h"
#include "report_html.h"
#include "when.h"
#include "common/calendar.h"
#include "common/macros.h"
#include "common/str.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define LIST_PAGE     500
#define DETAIL_PAGE   250      /* GetReportMentors: its replies carry texts */
#define ENGAGE_PAGE   500
#define DEFAULT_MONTHS 12
#define FUNNEL_WINDOW (90 * 86400)

#define msg_unref __attribute__((cleanup(sd_bus_message_unrefp)))

/* Appends a mentor; 1 when check finds it there already (--mentor may
 * name one twice), -ENOMEM. */
static int add_mentor(struct report *r, uint64_t id, bool check)
{
	for (size_t i = 0; check && i < r->n; i++)
		if (r->m[i].id == id)
			return 1;
	if (r->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 64;
		struct report_mentor *v = realloc(r->m, cap * sizeof *v);
		if (!v)
			return -ENOMEM;
		r->m = v;
		r->cap = cap;
	}
	r->m[r->n++] = (struct report_mentor){ .id = id, .median_in = -1, .median_out = -1 };
	return 0;
}

struct id_pos {
	uint64_t id;
	size_t pos;
};

static int by_id_pos(const void *a, const void *b)
{
	const struct id_pos *x = a, *y = b;
	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return (x->pos > y->pos) - (x->pos < y->pos);
}

/* mentor_list_all may give a mentor twice: the later copies go, the
 * order stays. */
static int drop_repeats(struct report *r)
{
	struct id_pos *v = malloc((r->n ? r->n : 1) * sizeof *v);
	size_t keep = 0;

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < r->n; i++)
		v[i] = (struct id_pos){ r->m[i].id, i };
	qsort(v, r->n, sizeof *v, by_id_pos);
	for (size_t i = 1; i < r->n; i++)
		if (v[i].id == v[i - 1].id)
			r->m[v[i].pos].id = 0;     /* no mentor has id 0 */
	for (size_t i = 0; i < r->n; i++)
		if (r->m[i].id)
			r->m[keep++] = r->m[i];
	r->n = keep;
	free(v);
	return 0;
}

static int read_funnel(struct ctl *ctl, struct report *r)
{
	msg_unref sd_bus_message *reply = NULL;
	const char *stage;
	uint32_t now_n, moved;
	int rc, k;

	if ((rc = ctl_call(ctl, "GetReportFunnel", &reply, "x", (int64_t)FUNNEL_WINDOW)) != 0)
		return rc;
	if ((k = sd_bus_message_read(reply, "x", &r->now)) < 0 ||
	    (k = sd_bus_message_enter_container(reply, 'a', "(suu)")) < 0)
		return ctl_bad_reply("GetReportFunnel", k);
	while ((k = sd_bus_message_read(reply, "(suu)", &stage, &now_n, &moved)) > 0) {
		int s = report_stage_index(stage);
		if (s >= 0) {
			r->stage_now[s] = now_n;
			r->stage_moved[s] = moved;
		}
	}
	return k < 0 ? ctl_bad_reply("GetReportFunnel", k) : 0;
}

static int take_mentor(const struct mentor_summary *s, void *userdata)
{
	return add_mentor(userdata, s->id, false);
}

/* Every mentor, in ListMentors' order (by score). */
static int list_all(struct ctl *ctl, struct report *r)
{
	int rc = mentor_list_all(ctl, LIST_PAGE, take_mentor, r);
	if (rc != 0)
		return rc;
	return drop_repeats(r) < 0 ? ctl_bad_reply("report", -ENOMEM) : 0;
}

/* The mentors named by --mentor, as the daemon resolves them. */
static int list_named(struct ctl *ctl, struct report *r, char **names, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct mentor_ref ref = { 0 };
		int rc = mentor_resolve(ctl, names[i], &ref);
		if (rc == 0 && add_mentor(r, ref.id, true) < 0)
			rc = ctl_bad_reply("report", -ENOMEM);
		mentor_ref_clear(&ref);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static struct report_mentor *find(struct report *r, uint64_t id, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++)
		if (r->m[i].id == id)
			return &r->m[i];
	return NULL;
}

static int read_items(sd_bus_message *reply, bool with_kind, struct report_item **v, size_t *n)
{
	const char *kind = NULL, *platform, *text;
	int64_t at;
	size_t cap = 0;
	int k;

	if ((k = sd_bus_message_enter_container(reply, 'a', with_kind ? "(sxss)" : "(xss)")) < 0)
		return k;
	while ((k = with_kind ? sd_bus_message_read(reply, "(sxss)", &kind, &at, &platform, &text)
	                      : sd_bus_message_read(reply, "(xss)", &at, &platform, &text)) > 0) {
		if (*n == cap) {
			struct report_item *nv = realloc(*v, (cap = cap ? 2 * cap : 8) * sizeof *nv);
			if (!nv)
				return -ENOMEM;
			*v = nv;
		}
		struct report_item *it = &(*v)[(*n)++];
		*it = (struct report_item){ .at = at, .kind = kind ? str_dup(kind) : NULL,
		                            .platform = str_dup(platform), .text = str_dup(text) };
		if ((kind && !it->kind) || !it->platform || !it->text)
			return -ENOMEM;
	}
	return k < 0 ? k : sd_bus_message_exit_container(reply);
}

/* One row of GetReportMentors, inside its struct, into the mentor of
 * m[from..to) it names. */
static int read_detail(sd_bus_message *reply, struct report *r, size_t from, size_t to)
{
	const char *name, *stage, *nk, *nm, *ms;
	struct report_mentor *m;
	uint64_t id;
	int64_t at;
	int k;

	if ((k = sd_bus_message_read(reply, "tss", &id, &name, &stage)) < 0)
		return k;
	if (!(m = find(r, id, from, to)) || m->name)
		return -EBADMSG;
	if ((k = sd_bus_message_enter_container(reply, 'a', "(sx)")) < 0)
		return k;
	while ((k = sd_bus_message_read(reply, "(sx)", &ms, &at)) > 0) {
		int s = report_stage_index(ms);
		if (s >= 0)
			m->reached[s] = at;
	}
	if (k < 0 || (k = sd_bus_message_exit_container(reply)) < 0 ||
	    (k = sd_bus_message_read(reply, "xxssuuu", &m->median_in, &m->median_out, &nk, &nm, &m->posts,
	                             &m->replies, &m->questions)) < 0)
		return k;
	if (!(m->name = str_dup(name)) || !(m->stage = str_dup(stage)) || !(m->nudge_kind = str_dup(nk)) ||
	    !(m->nudge_message = str_dup(nm)))
		return -ENOMEM;
	if ((k = read_items(reply, false, &m->questions_v, &m->n_questions)) < 0 ||
	    (k = read_items(reply, true, &m->logged, &m->n_logged)) < 0)
		return k;
	return 0;
}

/* GetReportMentors for m[from..to). A mentor unfollowed meanwhile has no
 * row and keeps no name: report_drop_unnamed removes it. */
static int details_page(struct ctl *ctl, struct report *r, size_t from, size_t to)
{
	msg_unref sd_bus_message *msg = NULL, *reply = NULL;
	sd_bus_error error = SD_BUS_ERROR_NULL;
	uint64_t ids[DETAIL_PAGE];
	int rc, k;

	for (size_t i = from; i < to; i++)
		ids[i - from] = r->m[i].id;
	if ((rc = ctl_new_call(ctl, "GetReportMentors", &msg)) != 0)
		return rc;
	if ((k = sd_bus_message_append_array(msg, 't', ids, (to - from) * sizeof *ids)) < 0 ||
	    (k = sd_bus_message_append(msg, "xb", r->counts_from, (int)r->private_texts)) < 0)
		return ctl_bad_reply("GetReportMentors", k);
	rc = ctl_send(ctl, msg, &reply, &error);
	sd_bus_error_free(&error);
	if (rc != 0)
		return rc;
	if ((k = sd_bus_message_enter_container(reply, 'a', "(tssa(sx)xxssuuua(xss)a(sxss))")) < 0)
		return ctl_bad_reply("GetReportMentors", k);
	while ((k = sd_bus_message_enter_container(reply, 'r', "tssa(sx)xxssuuua(xss)a(sxss)")) > 0)
		if ((k = read_detail(reply, r, from, to)) < 0 || (k = sd_bus_message_exit_container(reply)) < 0)
			break;
	return k < 0 ? ctl_bad_reply("GetReportMentors", k) : 0;
}

struct engage_page {
	struct report *r;
	size_t from, to;
};

/* One GetEngagement row into its mentor's counts, by direction and channel. */
static int take_counts(uint64_t id, const char *channel, const char *dir, const uint32_t *counts, size_t n,
                       void *userdata)
{
	const struct engage_page *pg = userdata;
	struct report *r = pg->r;
	struct report_mentor *m = find(r, id, pg->from, pg->to);
	int c = report_channel_index(channel), d = !strcmp(dir, "in") ? 0 : !strcmp(dir, "out") ? 1 : -1;

	/* A channel this mentorctl does not know yet is left out. */
	if (!m || c < 0 || d < 0)
		return 0;
	if (!m->counts && !(m->counts = calloc(2 * REPORT_CHANNELS * r->months, sizeof *m->counts)))
		return -ENOMEM;
	for (size_t i = 0; i < n && i < r->months; i++)
		m->counts[((size_t)d * REPORT_CHANNELS + (size_t)c) * r->months + i] = counts[i];
	return 0;
}

/* GetEngagement (by month) for m[from..to): the timelines' counts. */
static int engagement_page(struct ctl *ctl, struct report *r, size_t from, size_t to)
{
	msg_unref sd_bus_message *msg = NULL, *reply = NULL;
	sd_bus_error error = SD_BUS_ERROR_NULL;
	uint64_t ids[ENGAGE_PAGE];
	struct engage_page pg = { r, from, to };
	int rc, k;

	for (size_t i = from; i < to; i++)
		ids[i - from] = r->m[i].id;
	if ((rc = ctl_new_call(ctl, "GetEngagement", &msg)) != 0)
		return rc;
	if ((k = sd_bus_message_append_array(msg, 't', ids, (to - from) * sizeof *ids)) < 0 ||
	    (k = sd_bus_message_append(msg, "su", "month", (uint32_t)r->months)) < 0)
		return ctl_bad_reply("GetEngagement", k);
	rc = ctl_send(ctl, msg, &reply, &error);
	sd_bus_error_free(&error);
	if (rc != 0)
		return rc;
	if ((k = engagement_read(reply, &r->start, take_counts, &pg)) < 0)
		return k == -ENOMEM ? ctl_bad_reply("report", k) : ctl_bad_reply("GetEngagement", k);
	return 0;
}

/* Mentors that got no GetReportMentors row (unfollowed meanwhile). */
static void drop_unnamed(struct report *r)
{
	size_t keep = 0;

	for (size_t i = 0; i < r->n; i++) {
		if (r->m[i].name) {
			r->m[keep++] = r->m[i];
			continue;
		}
		report_mentor_free(&r->m[i]);
	}
	r->n = keep;
}

static int gather(struct ctl *ctl, struct report *r, char **names, size_t n_names)
{
	int rc;

	if ((rc = read_funnel(ctl, r)) != 0 ||
	    (rc = n_names ? list_named(ctl, r, names, n_names) : list_all(ctl, r)) != 0)
		return rc;
	/* Timelines: the months from --since (its own month first), else a year. */
	r->months = DEFAULT_MONTHS;
	if (r->since) {
		int64_t span = calendar_index(CALENDAR_MONTH, r->since, r->now) + 1;
		r->months = span < 1 ? 1 : span > REPORT_MAX_MONTHS ? REPORT_MAX_MONTHS : (unsigned)span;
	}
	/* GetEngagement names the same start; the counts cover these months
	 * unless --since says otherwise, so the figures match the charts. */
	r->start = calendar_add(CALENDAR_MONTH, r->now, -(int64_t)(r->months - 1));
	r->counts_from = r->since ? r->since : r->start;
	for (size_t i = 0; i < r->n; i += DETAIL_PAGE)
		if ((rc = details_page(ctl, r, i, i + DETAIL_PAGE < r->n ? i + DETAIL_PAGE : r->n)) != 0)
			return rc;
	drop_unnamed(r);
	for (size_t i = 0; i < r->n; i += ENGAGE_PAGE)
		if ((rc = engagement_page(ctl, r, i, i + ENGAGE_PAGE < r->n ? i + ENGAGE_PAGE : r->n)) != 0)
			return rc;
	report_month_labels(r);
	return 0;
}

/* Writes the document next to path and renames it into place, so a reader
 * never sees half a report and a failure leaves any older one intact. */
static int write_file(const char *path, const struct report *r)
{
	_cleanup_free_ char *tmp = NULL;
	FILE *f = NULL;
	int fd = -1, rc = 0;

	if (asprintf(&tmp, "%s.XXXXXX", path) < 0) {
		tmp = NULL;
		return -ENOMEM;
	}
	if ((fd = mkstemp(tmp)) < 0)
		return -errno;
	if (fchmod(fd, r->private_texts ? 0600 : 0644) < 0 || !(f = fdopen(fd, "w"))) {
		rc = -errno;
		close(fd);
		goto fail;
	}
	if ((rc = report_html_write(f, r)) < 0 || fflush(f) != 0 || fsync(fileno(f)) < 0)
		rc = rc < 0 ? rc : -errno;
	if (fclose(f) != 0 && rc == 0)
		rc = -errno;
	if (rc == 0 && rename(tmp, path) < 0)
		rc = -errno;
	if (rc == 0)
		return 0;
fail:
	unlink(tmp);
	return rc;
}

static void default_name(char *buf, size_t size)
{
	time_t t = time(NULL);
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(buf, size, "mentord-report-%Y-%m-%d.html", &tm);
}

int ctl_report(struct ctl *ctl, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "since", required_argument, NULL, 's' },
		{ "mentor", required_argument, NULL, 'm' },
		{ "private", no_argument, NULL, 'p' },
		{ 0 }
	};
	struct report r = { 0 };
	_cleanup_free_ char **names = calloc((size_t)argc + 1, sizeof *names);
	const char *out = NULL;
	char def[64];
	size_t n_names = 0;
	int c, rc;

	if (!names)
		return ctl_bad_reply("report", -ENOMEM);
	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			if (!*optarg)
				return ctl_usage_error("report", "--out needs a file name");
			out = optarg;
			break;
		case 's':
			if (when_parse(optarg, (int64_t)time(NULL), &r.since) < 0 || r.since <= 0 ||
			    r.since > (int64_t)time(NULL))
				return ctl_usage_error("report", "--since: not a past date: '%s' (YYYY-MM-DD, or 30d, 12w)",
				                       optarg);
			break;
		case 'm':
			names[n_names++] = optarg;
			break;
		case 'p':
			r.private_texts = true;
			break;
		default:
			return CTL_EXIT_USAGE;
		}
	}
	if (optind < argc)
		return ctl_usage_error("report", "unexpected argument '%s'", argv[optind]);
	if (!out) {
		default_name(def, sizeof def);
		out = def;
	}
	r.filtered = n_names > 0;
	if ((rc = gather(ctl, &r, names, n_names)) == 0) {
		int w = write_file(out, &r);
		if (w < 0) {
			fprintf(stderr, "mentorctl report: cannot write %s: %s\n", out, strerror(-w));
			rc = CTL_EXIT_DAEMON;
		} else if (ctl->json) {
			cJSON *doc = cJSON_CreateObject();
			cJSON_AddStringToObject(doc, "file", out);
			cJSON_AddNumberToObject(doc, "mentors", (double)r.n);
			cJSON_AddBoolToObject(doc, "private", r.private_texts);
			json_print(doc);
		} else {
			printf("Wrote %s (%zu mentor%s%s).\n", out, r.n, r.n == 1 ? "" : "s",
			       r.private_texts ? ", private notes and e-mail subjects included" : "");
		}
	}
	report_free(&r);
	return rc;
}
