/* cmd_mentors.c — `mentorctl mentors`: the ranked list, fetched page by
 * page so no reply grows past the bus's comfortable size. */
#include "ctl.h"
#include "output.h"

#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define PAGE 200

struct mentor_row {
	uint64_t id, posts, events;
	const char *name, *stage;
	double score, fit;
	int64_t last_activity, last_contact;
};

static cJSON *mentor_json(const struct mentor_row *m, cJSON *accounts)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)m->id);
	cJSON_AddStringToObject(o, "name", m->name);
	cJSON_AddStringToObject(o, "stage", m->stage);
	cJSON_AddNumberToObject(o, "score", m->score);
	cJSON_AddNumberToObject(o, "fit", m->fit);
	cJSON_AddItemToObject(o, "accounts", accounts);
	cJSON_AddNumberToObject(o, "posts", (double)m->posts);
	cJSON_AddNumberToObject(o, "events", (double)m->events);
	cJSON_AddItemToObject(o, "last_activity", json_time(m->last_activity));
	cJSON_AddItemToObject(o, "last_contact", json_time(m->last_contact));
	return o;
}

static void mentor_text(struct table *t, const struct mentor_row *m, const char *accounts, int64_t now)
{
	char last[32];
	format_relative(m->last_activity, now, last, sizeof last);
	table_addf(t, "%llu", (unsigned long long)m->id);
	table_add(t, m->name);
	table_add(t, m->stage);
	table_addf(t, "%.2f", m->score);
	table_addf(t, "%.2f", m->fit);
	table_addf(t, "%llu", (unsigned long long)m->posts);
	table_add(t, last);
	table_add(t, accounts);
}

/* Reads one (tssdda(ss)ttxx) entry; returns >0 on a row, 0 at the end. */
static int read_row(sd_bus_message *reply, struct ctl *ctl, struct table *t, cJSON *arr, int64_t now)
{
	struct mentor_row m;
	cJSON *accounts = ctl->json ? cJSON_CreateArray() : NULL;
	char text[512] = "";
	const char *platform, *handle;
	int r;

	if ((r = sd_bus_message_enter_container(reply, 'r', "tssdda(ss)ttxx")) <= 0 ||
	    (r = sd_bus_message_read(reply, "tssdd", &m.id, &m.name, &m.stage, &m.score, &m.fit)) < 0 ||
	    (r = sd_bus_message_enter_container(reply, 'a', "(ss)")) < 0)
		goto out;
	while ((r = sd_bus_message_read(reply, "(ss)", &platform, &handle)) > 0) {
		if (accounts) {
			cJSON *a = cJSON_CreateObject();
			cJSON_AddStringToObject(a, "platform", platform);
			cJSON_AddStringToObject(a, "handle", handle);
			cJSON_AddItemToArray(accounts, a);
		} else {
			size_t used = strlen(text);
			snprintf(text + used, sizeof text - used, "%s%s:%s", used ? " " : "", platform, handle);
		}
	}
	if (r < 0 || (r = sd_bus_message_exit_container(reply)) < 0 ||
	    (r = sd_bus_message_read(reply, "ttxx", &m.posts, &m.events, &m.last_activity, &m.last_contact)) < 0 ||
	    (r = sd_bus_message_exit_container(reply)) < 0)
		goto out;
	if (arr) {
		cJSON_AddItemToArray(arr, mentor_json(&m, accounts));
		accounts = NULL;
	} else {
		mentor_text(t, &m, text, now);
	}
	r = 1;
out:
	cJSON_Delete(accounts);
	return r;
}

int ctl_mentors(struct ctl *ctl, int argc, char **argv)
{
	static const struct option opts[] = { { "sort", required_argument, NULL, 's' }, { 0 } };
	const char *sort = "score";
	struct table *t = NULL;
	cJSON *arr = NULL;
	uint32_t offset = 0, total = 0, got;
	int c, r, rc = CTL_EXIT_OK;
	int64_t now = (int64_t)time(NULL);

	optind = 0;
	while ((c = getopt_long(argc, argv, "s:", opts, NULL)) != -1) {
		if (c != 's')
			return CTL_EXIT_USAGE;
		sort = optarg;
	}
	if (optind != argc)
		return ctl_usage_error("mentors", "usage: mentors [--sort score|fit|recent|stage]");
	if (ctl->json)
		arr = cJSON_CreateArray();
	else {
		t = table_new(8);
		const char *head[] = { "ID", "NAME", "STAGE", "SCORE", "FIT", "POSTS", "ACTIVE", "ACCOUNTS" };
		for (size_t i = 0; i < 8; i++)
			table_add(t, head[i]);
	}
	do {
		sd_bus_message *reply = NULL;
		if ((rc = ctl_call(ctl, "ListMentors", &reply, "suu", sort, offset, (uint32_t)PAGE)) != 0)
			goto out;
		got = 0;
		r = sd_bus_message_enter_container(reply, 'a', "(tssdda(ss)ttxx)");
		while (r >= 0 && (r = read_row(reply, ctl, t, arr, now)) > 0)
			got++;
		if (r >= 0 && (r = sd_bus_message_exit_container(reply)) >= 0)
			r = sd_bus_message_read(reply, "u", &total);
		sd_bus_message_unref(reply);
		if (r < 0) {
			rc = ctl_bad_reply("ListMentors", r);
			goto out;
		}
		offset += got;
	} while (got > 0 && offset < total);
	if (arr) {
		json_print(arr);
		arr = NULL;
	} else if (total == 0) {
		printf("No mentors yet. Follow someone: mentorctl follow mastodon name@instance\n");
	} else {
		table_print(t, true);
	}
out:
	cJSON_Delete(arr);
	table_free(t);
	return rc;
}
