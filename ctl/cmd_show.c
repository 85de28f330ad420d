/* cmd_show.c — `mentorctl show MENTOR [--events N]`: one mentor's summary,
 * stage milestones and ledger timeline (ShowMentor). */
#include "ctl.h"
#include "mentor.h"
#include "output.h"
#include "text.h"
#include "common/channel.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DEFAULT_EVENTS 50
#define MAX_EVENTS 500         /* the daemon's own cap */
#define MAX_MILESTONES 8       /* one per stage; the daemon sends five */
#define MIN_TEXT_COLS 20

struct milestone {
	const char *stage;
	int64_t at;     /* 0: not reached */
};

struct show {
	struct mentor_summary s;
	const char *computed;
	int pinned;
	struct milestone milestones[MAX_MILESTONES];
	size_t n_milestones;
};

struct event {
	const char *kind, *platform, *url, *text;
	int64_t at;
};

/* Everything before the event array. */
static int read_head(sd_bus_message *reply, struct show *sh)
{
	const char *stage;
	int64_t at;
	int r;

	if ((r = mentor_summary_read(reply, &sh->s)) < 0 ||
	    (r = sd_bus_message_read(reply, "sb", &sh->computed, &sh->pinned)) < 0 ||
	    (r = sd_bus_message_enter_container(reply, 'a', "(sx)")) < 0)
		return r;
	while ((r = sd_bus_message_read(reply, "(sx)", &stage, &at)) > 0)
		if (sh->n_milestones < MAX_MILESTONES)
			sh->milestones[sh->n_milestones++] = (struct milestone){ stage, at };
	return r < 0 ? r : sd_bus_message_exit_container(reply);
}

static int read_event(sd_bus_message *reply, struct event *e)
{
	return sd_bus_message_read(reply, "(sxsss)", &e->kind, &e->at, &e->platform, &e->url, &e->text);
}

static cJSON *string_or_null(const char *s)
{
	return s && *s ? cJSON_CreateString(s) : cJSON_CreateNull();
}

/* The `mentors` object, its event count renamed, plus the stage details. */
static cJSON *head_json(const struct show *sh)
{
	const struct mentor_summary *s = &sh->s;
	cJSON *o = mentor_summary_json(s, "event_count"), *milestones;

	if (!o)
		return NULL;
	cJSON_AddStringToObject(o, "computed_stage", sh->computed);
	cJSON_AddBoolToObject(o, "pinned", sh->pinned);
	milestones = cJSON_AddObjectToObject(o, "milestones");
	for (size_t i = 0; i < sh->n_milestones; i++)
		cJSON_AddItemToObject(milestones, sh->milestones[i].stage, json_time(sh->milestones[i].at));
	return o;
}

static int events_json(sd_bus_message *reply, cJSON *arr)
{
	struct event e;
	int r;
	while ((r = read_event(reply, &e)) > 0) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "kind", e.kind);
		cJSON_AddItemToObject(o, "at", json_time(e.at));
		cJSON_AddStringToObject(o, "platform", channel_event_platform(e.platform));
		cJSON_AddItemToObject(o, "url", string_or_null(e.url));
		cJSON_AddItemToObject(o, "text", string_or_null(e.text));
		cJSON_AddItemToArray(arr, o);
	}
	return r;
}

static void date_of(int64_t t, char *buf, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (t <= 0 || !localtime_r(&tt, &tm) || !strftime(buf, size, "%Y-%m-%d", &tm))
		snprintf(buf, size, "-");
}

/* "follow 2026-09-01, participate -, …"; dormant only once it happened. */
static void milestones_text(const struct show *sh, char *buf, size_t size)
{
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < sh->n_milestones && used < size; i++) {
		char date[32];
		if (strcmp(sh->milestones[i].stage, "dormant") == 0 && sh->milestones[i].at <= 0)
			continue;
		date_of(sh->milestones[i].at, date, sizeof date);
		used += (size_t)snprintf(buf + used, size - used, "%s%s %s", used ? ", " : "",
		                         sh->milestones[i].stage, date);
	}
}

static void head_text(const struct show *sh, int64_t now)
{
	const struct mentor_summary *s = &sh->s;
	struct table *t = table_new(2);
	char *name = text_line(s->name, 0), active[32], contact[32], miles[256];
	bool color = use_color();

	printf("%s%s%s  (mentor %llu)\n", color ? "\033[1m" : "", name ? name : "", color ? "\033[0m" : "",
	       (unsigned long long)s->id);
	free(name);
	if (!t)
		return;
	table_add(t, "Stage");
	if (sh->pinned && strcmp(sh->computed, s->stage) != 0)
		table_addf(t, "%s (pinned; the ledger says %s)", s->stage, sh->computed);
	else
		table_addf(t, "%s%s", s->stage, sh->pinned ? " (pinned)" : "");
	table_add(t, "Strength");
	table_addf(t, "%.1f/100", s->score);
	table_add(t, "Fit");
	table_addf(t, "%.1f/100", s->fit);
	for (size_t i = 0; i < s->n_accounts; i++) {
		table_add(t, i == 0 ? "Accounts" : "");
		table_addf(t, "%s %s", s->accounts[i].platform, s->accounts[i].handle);
	}
	format_relative(s->last_activity, now, active, sizeof active);
	format_relative(s->last_contact, now, contact, sizeof contact);
	table_add(t, "Activity");
	table_addf(t, "%llu events, %llu posts; last activity %s, last contact %s",
	           (unsigned long long)s->events, (unsigned long long)s->posts, active, contact);
	milestones_text(sh, miles, sizeof miles);
	table_add(t, "Milestones");
	table_add(t, miles);
	table_print(t, false);
	table_free(t);
}

static size_t max_size(size_t a, size_t b)
{
	return a > b ? a : b;
}

/* First pass over the events: how wide the columns before TEXT are, so the
 * text can take what is left of the terminal line. */
static int text_budget(sd_bus_message *reply, int64_t now, size_t *budget)
{
	size_t w_when = 4, w_kind = 4, w_platform = 8;   /* the headers */
	struct event e;
	char when[32];
	int r;

	while ((r = read_event(reply, &e)) > 0) {
		format_relative(e.at, now, when, sizeof when);
		w_when = max_size(w_when, text_cols(when));
		w_kind = max_size(w_kind, text_cols(e.kind));
		w_platform = max_size(w_platform, text_cols(channel_event_platform(e.platform)));
	}
	if (r < 0)
		return r;
	size_t used = w_when + w_kind + w_platform + 3 * 2, cols = text_columns();
	*budget = cols > used + MIN_TEXT_COLS ? cols - used : MIN_TEXT_COLS;
	return sd_bus_message_rewind(reply, 0);
}

/* One row per event; a URL goes on a row of its own under the text, so no
 * line runs past the terminal because of it. */
static int add_event_row(struct table *t, const struct event *e, int64_t now, size_t budget)
{
	char when[32], *text = text_line(*e->text ? e->text : e->url, budget);
	if (!text)
		return -ENOMEM;
	format_relative(e->at, now, when, sizeof when);
	table_add(t, when);
	table_add(t, e->kind);
	table_add(t, channel_event_platform(e->platform));
	table_add(t, *text ? text : "-");
	if (*e->text && *e->url) {
		table_add(t, ""); table_add(t, ""); table_add(t, "");
		table_add(t, e->url);
	}
	free(text);
	return 0;
}

static int events_text(sd_bus_message *reply, const struct show *sh, int64_t now)
{
	struct table *t = NULL;
	struct event e;
	size_t budget, n = 0;
	int r;

	if ((r = text_budget(reply, now, &budget)) <= 0) {
		if (r == 0)
			printf("\nNo ledger events yet.\n");
		return r;
	}
	if (!(t = table_new(4)))
		return -ENOMEM;
	table_add(t, "WHEN"); table_add(t, "KIND"); table_add(t, "PLATFORM"); table_add(t, "TEXT");
	while ((r = read_event(reply, &e)) > 0 && (r = add_event_row(t, &e, now, budget)) >= 0)
		n++;
	if (r >= 0) {
		printf("\nTimeline, newest first (%zu of %llu events):\n", n, (unsigned long long)sh->s.events);
		table_print(t, true);
	}
	table_free(t);
	return r;
}

static int parse_events(const char *s, uint32_t *out)
{
	char *end;
	unsigned long v;
	if (!s || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < 1 || v > MAX_EVENTS)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

static int print_show(struct ctl *ctl, sd_bus_message *reply)
{
	struct show sh = { 0 };
	cJSON *doc = NULL;
	int64_t now = (int64_t)time(NULL);
	int r;

	if ((r = read_head(reply, &sh)) < 0 || (r = sd_bus_message_enter_container(reply, 'a', "(sxsss)")) < 0)
		goto out;
	if (ctl->json) {
		doc = head_json(&sh);
		r = events_json(reply, cJSON_AddArrayToObject(doc, "events"));
	} else {
		head_text(&sh, now);
		ctl_show_spark(ctl, sh.s.id);
		r = events_text(reply, &sh, now);
	}
	if (r >= 0 && (r = sd_bus_message_exit_container(reply)) >= 0 && doc) {
		r = json_print(doc);
		doc = NULL;
	}
out:
	cJSON_Delete(doc);
	mentor_summary_clear(&sh.s);
	return r;
}

int ctl_show(struct ctl *ctl, int argc, char **argv)
{
	static const struct option opts[] = { { "events", required_argument, NULL, 'e' }, { 0 } };
	sd_bus_message *reply = NULL;
	uint32_t max = DEFAULT_EVENTS;
	int c, r;

	optind = 0;
	while ((c = getopt_long(argc, argv, "e:", opts, NULL)) != -1) {
		if (c != 'e')
			return CTL_EXIT_USAGE;
		if (parse_events(optarg, &max) < 0)
			return ctl_usage_error("show", "--events needs a number from 1 to %d, got '%s'", MAX_EVENTS, optarg);
	}
	if (argc - optind != 1)
		return ctl_usage_error("show", "usage: show MENTOR [--events N]");
	if ((r = ctl_call(ctl, "ShowMentor", &reply, "su", argv[optind], max)) != 0)
		return r;
	r = print_show(ctl, reply);
	sd_bus_message_unref(reply);
	return r < 0 ? ctl_bad_reply("ShowMentor", r) : CTL_EXIT_OK;
}
