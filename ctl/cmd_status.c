/* cmd_status.c — `mentorctl status`. */
#include "ctl.h"
#include "output.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

struct status_reply {
	const char *version;
	uint64_t uptime, mentors, accounts, hashtags, posts, events;
};

struct platform_row {
	const char *platform, *state, *last_error, *fallback;
	int enabled;
	int64_t last_poll, next_poll, rate_remaining;
	uint32_t backfilling;
};

/* "a.example, b.example" → ["a.example", "b.example"] */
static cJSON *fallback_json(const char *list)
{
	cJSON *a = cJSON_CreateArray();
	const char *s = list;

	while (a && s && *s) {
		size_t n = strcspn(s, ",");
		char name[300];
		snprintf(name, sizeof name, "%.*s", (int)n, s);
		cJSON_AddItemToArray(a, cJSON_CreateString(name));
		s += n;
		s += strspn(s, ", ");
	}
	return a;
}

static cJSON *platform_json(const struct platform_row *p)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "platform", p->platform);
	cJSON_AddBoolToObject(o, "enabled", p->enabled);
	cJSON_AddStringToObject(o, "state", p->state);
	cJSON_AddItemToObject(o, "last_poll", json_time(p->last_poll));
	cJSON_AddItemToObject(o, "next_poll", json_time(p->next_poll));
	if (p->rate_remaining >= 0)
		cJSON_AddNumberToObject(o, "rate_remaining", (double)p->rate_remaining);
	else
		cJSON_AddNullToObject(o, "rate_remaining");
	if (*p->last_error)
		cJSON_AddStringToObject(o, "last_error", p->last_error);
	else
		cJSON_AddNullToObject(o, "last_error");
	cJSON_AddNumberToObject(o, "backfilling", (double)p->backfilling);
	cJSON_AddItemToObject(o, "fallback", fallback_json(p->fallback));
	return o;
}

static void platform_text(struct table *t, const struct platform_row *p, int64_t now)
{
	char last[32], next[32];
	format_relative(p->last_poll, now, last, sizeof last);
	format_relative(p->next_poll, now, next, sizeof next);
	table_add(t, p->platform);
	table_add(t, p->state);
	table_add(t, last);
	table_add(t, p->enabled ? next : "-");
	if (p->rate_remaining >= 0)
		table_addf(t, "%lld", (long long)p->rate_remaining);
	else
		table_add(t, "-");
	if (p->backfilling)
		table_addf(t, "%u", p->backfilling);
	else
		table_add(t, "-");
	table_add(t, *p->last_error ? p->last_error : "-");
}

/* The e-mail source (GetEmailStatus) as one more row of platforms, with
 * its own keys; nothing when the daemon predates it. */
static int email_status(struct ctl *ctl, cJSON *arr, struct table *t, char *note, size_t size)
{
	sd_bus_message *reply = NULL;
	struct platform_row p = { .platform = "email", .fallback = "", .rate_remaining = -1 };
	uint32_t folders;
	uint64_t files, messages;
	int r;

	*note = '\0';
	if (ctl_call_quiet(ctl, "GetEmailStatus", &reply) < 0)
		return 0;
	r = sd_bus_message_read(reply, "bsuttxs", &p.enabled, &p.state, &folders, &files, &messages,
	                        &p.last_poll, &p.last_error);
	if (r >= 0 && arr) {
		cJSON *o = platform_json(&p);
		cJSON_AddItemToArray(arr, o);
		cJSON_AddNumberToObject(o, "folders", folders);
		cJSON_AddNumberToObject(o, "files", (double)files);
		cJSON_AddNumberToObject(o, "messages", (double)messages);
	} else if (r >= 0) {
		platform_text(t, &p, (int64_t)time(NULL));
		if (p.enabled)
			snprintf(note, size, "email: %u Maildir folders watched, %llu message files read, "
			         "%llu messages with you", folders, (unsigned long long)files,
			         (unsigned long long)messages);
	}
	sd_bus_message_unref(reply);
	return r < 0 ? r : 0;
}

static cJSON *status_json(const struct status_reply *s)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "version", s->version);
	cJSON_AddNumberToObject(o, "uptime_s", (double)s->uptime);
	cJSON_AddNumberToObject(o, "mentors", (double)s->mentors);
	cJSON_AddNumberToObject(o, "accounts", (double)s->accounts);
	cJSON_AddNumberToObject(o, "hashtags", (double)s->hashtags);
	cJSON_AddNumberToObject(o, "posts", (double)s->posts);
	cJSON_AddNumberToObject(o, "events", (double)s->events);
	return o;
}

static void status_text(const struct status_reply *s)
{
	printf("mentord %s, up %llus\n", s->version, (unsigned long long)s->uptime);
	printf("%llu mentors, %llu accounts, %llu hashtags, %llu posts, %llu ledger events\n\n",
	       (unsigned long long)s->mentors, (unsigned long long)s->accounts,
	       (unsigned long long)s->hashtags, (unsigned long long)s->posts,
	       (unsigned long long)s->events);
}

int ctl_status(struct ctl *ctl, int argc, char **argv)
{
	sd_bus_message *reply = NULL;
	struct status_reply s;
	struct platform_row p;
	struct table *t = NULL;
	cJSON *doc = NULL, *arr = NULL;
	char notes[8][400], email_note[300], x_note[300];
	const char *x_state = NULL;
	size_t n_notes = 0;
	int r, rc;

	if (argc > 1)
		return ctl_usage_error("status", "takes no arguments");
	if ((rc = ctl_call(ctl, "GetStatus", &reply, "")) != 0)
		return rc;
	rc = CTL_EXIT_DAEMON;
	r = sd_bus_message_read(reply, "stttttt", &s.version, &s.uptime, &s.mentors, &s.accounts,
	                        &s.hashtags, &s.posts, &s.events);
	if (r < 0 || (r = sd_bus_message_enter_container(reply, 'a', "(sbsxxxsus)")) < 0)
		goto fail;
	if (ctl->json) {
		doc = status_json(&s);
		arr = cJSON_AddArrayToObject(doc, "platforms");
	} else {
		status_text(&s);
		t = table_new(7);
		table_add(t, "PLATFORM"); table_add(t, "STATE"); table_add(t, "LAST POLL");
		table_add(t, "NEXT POLL"); table_add(t, "RATE LEFT"); table_add(t, "BACKFILL");
		table_add(t, "LAST ERROR");
	}
	while ((r = sd_bus_message_read(reply, "(sbsxxxsus)", &p.platform, &p.enabled, &p.state, &p.last_poll,
	                                &p.next_poll, &p.rate_remaining, &p.last_error, &p.backfilling,
	                                &p.fallback)) > 0) {
		if (ctl->json)
			cJSON_AddItemToArray(arr, platform_json(&p));
		else
			platform_text(t, &p, (int64_t)time(NULL));
		if (strcmp(p.platform, "x") == 0)
			x_state = p.state;
		if (*p.fallback && n_notes < 8)
			snprintf(notes[n_notes++], sizeof notes[0], "%s: %s read through the configured instance "
			         "(fallback)", p.platform, p.fallback);
	}
	if (r < 0 || (r = sd_bus_message_exit_container(reply)) < 0 ||
	    (r = email_status(ctl, arr, t, email_note, sizeof email_note)) < 0 ||
	    (r = ctl_status_x(ctl, arr, x_state, x_note, sizeof x_note)) < 0)
		goto fail;
	if (ctl->json) {
		ctl_import_status(ctl, doc);
		json_print(doc);
		doc = NULL;
	} else {
		table_print(t, true);
		if (*x_note)
			printf("%s\n", x_note);
		if (*email_note)
			printf("%s\n", email_note);
		for (size_t i = 0; i < n_notes; i++)
			printf("%s\n", notes[i]);
		ctl_import_status(ctl, NULL);
	}
	rc = CTL_EXIT_OK;
fail:
	if (rc != CTL_EXIT_OK)
		ctl_bad_reply("GetStatus", r);
	cJSON_Delete(doc);
	table_free(t);
	sd_bus_message_unref(reply);
	return rc;
}
