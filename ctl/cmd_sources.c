/* cmd_sources.c — sources: accounts followed as journals, societies and
 * institutions rather than as mentors (`follow --source` is in
 * cmd_follow.c, `unfollow` works for both). */
#include "ctl.h"
#include "output.h"
#include "text.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct source_row {
	uint64_t id, account;
	const char *platform, *handle, *name;
	int64_t added, last;
};

static void add_json(cJSON *arr, const struct source_row *s)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)s->id);
	cJSON_AddNumberToObject(o, "account_id", (double)s->account);
	cJSON_AddStringToObject(o, "platform", s->platform);
	cJSON_AddStringToObject(o, "handle", s->handle);
	cJSON_AddStringToObject(o, "name", s->name);
	cJSON_AddItemToObject(o, "followed_at", json_time(s->added));
	cJSON_AddItemToObject(o, "last_activity", json_time(s->last));
	cJSON_AddItemToArray(arr, o);
}

static void add_row(struct table *t, const struct source_row *s, int64_t now)
{
	char last[40];
	char *name = text_line(s->name, 40), *handle = text_line(s->handle, 60);
	format_relative(s->last, now, last, sizeof last);
	table_addf(t, "%llu", (unsigned long long)s->id);
	table_add(t, name ? name : "");
	table_add(t, s->platform);
	table_add(t, handle ? handle : "");
	table_add(t, last);
	free(name);
	free(handle);
}

int ctl_sources(struct ctl *ctl, int argc, char **argv)
{
	sd_bus_message *reply = NULL;
	cJSON *arr = NULL;
	struct table *t = NULL;
	struct source_row s;
	size_t n = 0;
	int r;

	if (argc == 2 && strcmp(argv[1], "--json") == 0)
		ctl->json = true;
	else if (argc != 1)
		return ctl_usage_error("sources", "usage: sources [--json]");
	if ((r = ctl_call(ctl, "ListSources", &reply, "")) != 0)
		return r;
	if ((r = sd_bus_message_enter_container(reply, 'a', "(ttsssxx)")) < 0)
		goto bad;
	arr = ctl->json ? cJSON_CreateArray() : NULL;
	if (!ctl->json && (t = table_new(5))) {
		const char *head[] = { "ID", "NAME", "PLATFORM", "HANDLE", "LAST POST" };
		for (size_t i = 0; i < 5; i++)
			table_add(t, head[i]);
	}
	while ((r = sd_bus_message_read(reply, "(ttsssxx)", &s.id, &s.account, &s.platform, &s.handle,
	                                &s.name, &s.added, &s.last)) > 0) {
		n++;
		if (arr)
			add_json(arr, &s);
		else if (t)
			add_row(t, &s, (int64_t)time(NULL));
	}
	if (r < 0)
		goto bad;
	if (arr) {
		json_print(arr);
		arr = NULL;
	} else if (n == 0) {
		printf("No sources. Follow a journal or society with: mentorctl follow PLATFORM HANDLE --source\n");
	} else {
		table_print(t, true);
	}
	r = CTL_EXIT_OK;
	goto out;
bad:
	r = ctl_bad_reply("ListSources", r);
out:
	cJSON_Delete(arr);
	table_free(t);
	sd_bus_message_unref(reply);
	return r;
}
