/* cmd_suggest.c — what mentord proposes: `suggest` (people to follow, with
 * reasons) and `nudges` (what to do next, per mentor). */
#include "ctl.h"
#include "output.h"
#include "text.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_LIMIT 100          /* the daemon's cap */
#define NAME_COLS 32

static cJSON *string_or_null(const char *s)
{
	return s && *s ? cJSON_CreateString(s) : cJSON_CreateNull();
}

/* ---- suggest ---- */

struct suggestion {
	const char *platform, *handle, *name;
	double fit;
};

/* The reasons follow the row: the first in the WHY column, the others on
 * rows of their own below it. */
static int suggestion_text(sd_bus_message *reply, struct table *t, const struct suggestion *s)
{
	char *name = text_line(s->name, NAME_COLS), *handle = text_line(s->handle, 0), *reason;
	const char *raw;
	int r, n = 0;

	if (name && handle) {
		table_addf(t, "%.1f", s->fit);
		table_add(t, s->platform);
		table_add(t, handle);
		table_add(t, *name ? name : "-");
	}
	free(name);
	free(handle);
	if (!name || !handle)
		return -ENOMEM;
	while ((r = sd_bus_message_read(reply, "s", &raw)) > 0) {
		if (!(reason = text_line(raw, 0)))
			return -ENOMEM;
		if (n++ > 0)
			for (int i = 0; i < 4; i++)
				table_add(t, "");
		table_add(t, reason);
		free(reason);
	}
	if (r == 0 && n == 0)
		table_add(t, "-");   /* a cell, so the row is complete */
	return r;
}

static int suggestion_json(sd_bus_message *reply, cJSON *arr, const struct suggestion *s)
{
	cJSON *o = cJSON_CreateObject(), *reasons;
	const char *raw;
	int r;

	cJSON_AddItemToArray(arr, o);
	cJSON_AddStringToObject(o, "platform", s->platform);
	cJSON_AddStringToObject(o, "handle", s->handle);
	cJSON_AddItemToObject(o, "name", string_or_null(s->name));
	cJSON_AddNumberToObject(o, "fit", s->fit);
	reasons = cJSON_AddArrayToObject(o, "reasons");
	while ((r = sd_bus_message_read(reply, "s", &raw)) > 0)
		cJSON_AddItemToArray(reasons, cJSON_CreateString(raw));
	return r;
}

/* Reads the a(sssdas) into arr (JSON) or t (text); *n counts the rows. */
static int read_suggestions(sd_bus_message *reply, cJSON *arr, struct table *t, size_t *n)
{
	struct suggestion s;
	int r;

	if ((r = sd_bus_message_enter_container(reply, 'a', "(sssdas)")) < 0)
		return r;
	while ((r = sd_bus_message_enter_container(reply, 'r', "sssdas")) > 0) {
		if ((r = sd_bus_message_read(reply, "sssd", &s.platform, &s.handle, &s.name, &s.fit)) < 0 ||
		    (r = sd_bus_message_enter_container(reply, 'a', "s")) < 0 ||
		    (r = arr ? suggestion_json(reply, arr, &s) : suggestion_text(reply, t, &s)) < 0 ||
		    (r = sd_bus_message_exit_container(reply)) < 0 || (r = sd_bus_message_exit_container(reply)) < 0)
			return r;
		(*n)++;
	}
	return r < 0 ? r : sd_bus_message_exit_container(reply);
}

static int parse_limit(const char *s, uint32_t *out)
{
	char *end;
	unsigned long v;
	if (!s || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < 1 || v > MAX_LIMIT)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

static struct table *suggest_table(void)
{
	static const char *const head[] = { "FIT", "PLATFORM", "HANDLE", "NAME", "WHY" };
	struct table *t = table_new(5);
	for (size_t i = 0; t && i < 5; i++)
		table_add(t, head[i]);
	return t;
}

int ctl_suggest(struct ctl *ctl, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "limit", required_argument, NULL, 'l' }, { "links", no_argument, NULL, 'k' }, { 0 } };
	sd_bus_message *reply = NULL;
	bool links = false;
	struct table *t = NULL;
	cJSON *arr = NULL;
	uint32_t limit = 0;   /* the daemon's default, 20 */
	size_t n = 0;
	int c, r;

	optind = 0;
	while ((c = getopt_long(argc, argv, "l:", opts, NULL)) != -1) {
		if (c == 'k') {
			links = true;
			continue;
		}
		if (c != 'l')
			return CTL_EXIT_USAGE;
		if (parse_limit(optarg, &limit) < 0)
			return ctl_usage_error("suggest", "--limit needs a number from 1 to %d, got '%s'", MAX_LIMIT, optarg);
	}
	if (optind != argc)
		return ctl_usage_error("suggest", "usage: suggest [--limit N] | suggest --links");
	if (links)
		return ctl_suggest_links(ctl);
	if ((r = ctl_call(ctl, "Suggest", &reply, "u", limit)) != 0)
		return r;
	if (ctl->json ? !(arr = cJSON_CreateArray()) : !(t = suggest_table()))
		r = -ENOMEM;
	else
		r = read_suggestions(reply, arr, t, &n);
	if (r >= 0 && arr) {
		r = json_print(arr);
		arr = NULL;
	} else if (r >= 0 && n == 0) {
		printf("No suggestions yet: track a hashtag (mentorctl track MedEd) and let mentord poll it.\n");
	} else if (r >= 0) {
		table_print(t, true);
	}
	cJSON_Delete(arr);
	table_free(t);
	sd_bus_message_unref(reply);
	return r < 0 ? ctl_bad_reply("Suggest", r) : CTL_EXIT_OK;
}

/* ---- nudges ---- */

struct nudge {
	uint64_t mentor_id;
	const char *mentor, *kind, *url, *message, *action;
	int64_t at;
};

struct nudge_list {
	struct nudge *v;
	size_t n, cap;
};

static int read_nudges(sd_bus_message *reply, struct nudge_list *l)
{
	struct nudge x;
	int r;

	if ((r = sd_bus_message_enter_container(reply, 'a', "(tssxsss)")) < 0)
		return r;
	while ((r = sd_bus_message_read(reply, "(tssxsss)", &x.mentor_id, &x.mentor, &x.kind, &x.at, &x.url,
	                                &x.message, &x.action)) > 0) {
		if (l->n == l->cap) {
			size_t cap = l->cap ? 2 * l->cap : 16;
			struct nudge *v = reallocarray(l->v, cap, sizeof *v);
			if (!v)
				return -ENOMEM;
			l->v = v;
			l->cap = cap;
		}
		l->v[l->n++] = x;
	}
	return r < 0 ? r : sd_bus_message_exit_container(reply);
}

static int nudges_json(const struct nudge_list *l)
{
	cJSON *arr = cJSON_CreateArray();
	for (size_t i = 0; i < l->n; i++) {
		const struct nudge *x = &l->v[i];
		cJSON *o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "mentor_id", (double)x->mentor_id);
		cJSON_AddStringToObject(o, "mentor", x->mentor);
		cJSON_AddStringToObject(o, "kind", x->kind);
		cJSON_AddItemToObject(o, "at", json_time(x->at));
		cJSON_AddItemToObject(o, "url", string_or_null(x->url));
		cJSON_AddStringToObject(o, "message", x->message);
		cJSON_AddStringToObject(o, "action", x->action);
		cJSON_AddItemToArray(arr, o);
	}
	return json_print(arr);
}

static void nudge_text(const struct nudge *x, int64_t now, size_t cols)
{
	char when[32];
	format_relative(x->at, now, when, sizeof when);
	printf("  %s, %s\n", x->kind, when);
	text_wrap(stdout, "    ", 4, x->message, cols);
	text_wrap(stdout, "    \xe2\x86\x92 ", 6, x->action, cols);   /* → */
	/* The daemon usually names the URL in the action already. */
	if (*x->url && !strstr(x->action, x->url) && !strstr(x->message, x->url))
		text_wrap(stdout, "    ", 4, x->url, cols);
}

/* Grouped per mentor, mentors in the order of their most pressing nudge
 * (the daemon sends the most pressing first). */
static void nudges_text(const struct nudge_list *l)
{
	int64_t now = (int64_t)time(NULL);
	size_t cols = text_columns();
	bool color = use_color();

	if (l->n == 0) {
		printf("Nothing to do right now.\n");
		return;
	}
	for (size_t i = 0; i < l->n; i++) {
		bool seen = false;
		for (size_t j = 0; j < i && !seen; j++)
			seen = l->v[j].mentor_id == l->v[i].mentor_id;
		if (seen)
			continue;
		char *name = text_line(l->v[i].mentor, 0);
		if (l->v[i].mentor_id == 0)   /* strangers who tagged you */
			printf("%s%sNot your mentors%s\n", i ? "\n" : "", color ? "\033[1m" : "", color ? "\033[0m" : "");
		else
			printf("%s%s%s%s (mentor %llu)\n", i ? "\n" : "", color ? "\033[1m" : "", name ? name : "?",
			       color ? "\033[0m" : "", (unsigned long long)l->v[i].mentor_id);
		free(name);
		for (size_t j = i; j < l->n; j++)
			if (l->v[j].mentor_id == l->v[i].mentor_id)
				nudge_text(&l->v[j], now, cols);
	}
}

int ctl_nudges(struct ctl *ctl, int argc, char **argv)
{
	sd_bus_message *reply = NULL;
	struct nudge_list l = { 0 };
	int r;

	if (argc != 1)
		return ctl_usage_error("nudges", "takes no arguments");
	if ((r = ctl_call(ctl, "Nudges", &reply, "")) != 0)
		return r;
	if ((r = read_nudges(reply, &l)) >= 0) {
		if (ctl->json)
			r = nudges_json(&l);
		else
			nudges_text(&l);
	}
	free(l.v);
	sd_bus_message_unref(reply);
	return r < 0 ? ctl_bad_reply("Nudges", r) : CTL_EXIT_OK;
}
