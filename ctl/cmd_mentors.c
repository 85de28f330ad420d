/* cmd_mentors.c — `mentorctl mentors`: the ranked list, fetched page by
 * page so no reply grows past the bus's comfortable size. */
#include "ctl.h"
#include "mentor.h"
#include "output.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define PAGE 200

static void mentor_text(struct table *t, const struct mentor_summary *m, int64_t now)
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
	table_add(t, accounts);
}

/* Reads one (tssdda(ss)ttxx) entry; returns >0 on a row, 0 at the end. */
static int read_row(sd_bus_message *reply, struct table *t, cJSON *arr, int64_t now)
{
	struct mentor_summary m;
	cJSON *o;
	int r = sd_bus_message_peek_type(reply, NULL, NULL);

	if (r <= 0)
		return r;
	if ((r = mentor_summary_read(reply, &m)) >= 0) {
		r = 1;
		if (!arr)
			mentor_text(t, &m, now);
		else if ((o = mentor_summary_json(&m, "events")))
			cJSON_AddItemToArray(arr, o);
		else
			r = -ENOMEM;
	}
	mentor_summary_clear(&m);
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
		while (r >= 0 && (r = read_row(reply, t, arr, now)) > 0)
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
