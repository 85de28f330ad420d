/* cmd_mute.c — mute, unmute and mutes: desktop notifications per mentor. */
#include "ctl.h"
#include "mentor.h"
#include "output.h"
#include "text.h"
#include "common/duration.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void print_until(const char *name, int64_t until)
{
	char *line = text_line(name, 0);
	char when[40] = "until you unmute";
	if (until) {
		struct tm tm;
		time_t t = (time_t)until;
		if (localtime_r(&t, &tm))
			strftime(when, sizeof when, "until %Y-%m-%d %H:%M", &tm);
	}
	printf("%s: muted %s\n", line ? line : "?", when);
	free(line);
}

int ctl_mute(struct ctl *ctl, int argc, char **argv)
{
	static const struct option opts[] = { { "for", required_argument, NULL, 'f' }, { 0 } };
	sd_bus_message *reply = NULL;
	struct mentor_ref m = { 0 };
	uint64_t id;
	int64_t seconds = 0;
	int64_t until;
	int c, r;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'f')
			return ctl_usage_error("mute", "usage: mute MENTOR [--for DURATION]");
		if (duration_parse(optarg, 1, 3650LL * DURATION_DAY, &seconds) < 0)
			return ctl_usage_error("mute", "DURATION is a number with s, m, h, d or w (at most 10 years), "
			                       "got '%s'", optarg);
	}
	if (argc - optind != 1)
		return ctl_usage_error("mute", "usage: mute MENTOR [--for DURATION]");
	if ((r = mentor_resolve(ctl, argv[optind], &m)) != 0)
		return r;
	if ((r = ctl_call(ctl, "Mute", &reply, "st", m.key, (uint64_t)seconds)) != 0)
		goto out;
	if ((r = sd_bus_message_read(reply, "tx", &id, &until)) < 0) {
		r = ctl_bad_reply("Mute", r);
		goto out;
	}
	r = 0;
	if (ctl->json) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "mentor_id", (double)id);
		cJSON_AddStringToObject(o, "mentor", m.name);
		cJSON_AddItemToObject(o, "until", until ? json_time(until) : cJSON_CreateNull());
		json_print(o);
	} else {
		print_until(m.name, until);
	}
out:
	sd_bus_message_unref(reply);
	mentor_ref_clear(&m);
	return r;
}

int ctl_unmute(struct ctl *ctl, int argc, char **argv)
{
	struct mentor_ref m = { 0 };
	int r;

	if (argc != 2)
		return ctl_usage_error("unmute", "usage: unmute MENTOR");
	if ((r = mentor_resolve(ctl, argv[1], &m)) != 0)
		return r;
	if ((r = ctl_call(ctl, "Unmute", NULL, "s", m.key)) == 0) {
		if (ctl->json) {
			cJSON *o = cJSON_CreateObject();
			cJSON_AddNumberToObject(o, "mentor_id", (double)m.id);
			cJSON_AddStringToObject(o, "mentor", m.name);
			cJSON_AddBoolToObject(o, "muted", false);
			json_print(o);
		} else {
			char *line = text_line(m.name, 0);
			printf("%s: notifications on again\n", line ? line : "?");
			free(line);
		}
	}
	mentor_ref_clear(&m);
	return r;
}

int ctl_mutes(struct ctl *ctl, int argc, char **argv)
{
	sd_bus_message *reply = NULL;
	cJSON *arr = NULL;
	struct table *t = NULL;
	const char *name;
	uint64_t id;
	int64_t until;
	int r;

	if (argc != 1)
		return ctl_usage_error("mutes", "usage: mutes");
	if ((r = ctl_call(ctl, "ListMutes", &reply, "")) != 0)
		return r;
	if ((r = sd_bus_message_enter_container(reply, 'a', "(tsx)")) < 0)
		goto bad;
	arr = ctl->json ? cJSON_CreateArray() : NULL;
	t = ctl->json ? NULL : table_new(3);
	if (t) {
		table_add(t, "ID");
		table_add(t, "MENTOR");
		table_add(t, "MUTED UNTIL");
	}
	while ((r = sd_bus_message_read(reply, "(tsx)", &id, &name, &until)) > 0) {
		if (arr) {
			cJSON *o = cJSON_CreateObject();
			cJSON_AddNumberToObject(o, "mentor_id", (double)id);
			cJSON_AddStringToObject(o, "mentor", name);
			cJSON_AddItemToObject(o, "until", until ? json_time(until) : cJSON_CreateNull());
			cJSON_AddItemToArray(arr, o);
		} else {
			char when[32] = "until unmuted";
			struct tm tm;
			time_t tt = (time_t)until;
			if (until && localtime_r(&tt, &tm))
				strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
			table_addf(t, "%llu", (unsigned long long)id);
			table_add(t, name);
			table_add(t, when);
		}
	}
	if (r < 0)
		goto bad;
	if (arr) {
		json_print(arr);
		arr = NULL;
	} else {
		table_print(t, true);
	}
	r = 0;
	goto out;
bad:
	r = ctl_bad_reply("ListMutes", r);
out:
	cJSON_Delete(arr);
	table_free(t);
	sd_bus_message_unref(reply);
	return r;
}
