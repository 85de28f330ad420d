/* cmd_links.c — `mentorctl suggest --links`: accounts that look like the
 * same person, from the profile texts mentord has seen. */
#include "ctl.h"
#include "output.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>

struct link_row {
	uint64_t mentor, other;
	const char *name, *platform, *handle, *link_platform, *link_handle;
};

static cJSON *link_json(const struct link_row *l)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "mentor_id", (double)l->mentor);
	cJSON_AddStringToObject(o, "mentor", l->name);
	cJSON_AddStringToObject(o, "platform", l->platform);
	cJSON_AddStringToObject(o, "handle", l->handle);
	cJSON_AddStringToObject(o, "link_platform", l->link_platform);
	cJSON_AddStringToObject(o, "link_handle", l->link_handle);
	if (l->other)
		cJSON_AddNumberToObject(o, "followed_as_mentor", (double)l->other);
	else
		cJSON_AddNullToObject(o, "followed_as_mentor");
	return o;
}

int ctl_suggest_links(struct ctl *ctl)
{
	sd_bus_message *reply = NULL;
	struct link_row l;
	struct table *t = NULL;
	cJSON *arr = NULL;
	int r, n = 0;

	if ((r = ctl_call(ctl, "LinkSuggestions", &reply, "")) != 0)
		return r;
	if (ctl->json)
		arr = cJSON_CreateArray();
	else if ((t = table_new(4))) {
		table_add(t, "MENTOR"); table_add(t, "PROFILE"); table_add(t, "NAMES");
		table_add(t, "TO LINK");
	}
	if ((!arr && !t) || (r = sd_bus_message_enter_container(reply, 'a', "(tssstss)")) < 0) {
		r = r < 0 ? r : -ENOMEM;
		goto out;
	}
	while ((r = sd_bus_message_read(reply, "(tssstss)", &l.mentor, &l.name, &l.platform, &l.handle,
	                                &l.other, &l.link_platform, &l.link_handle)) > 0) {
		n++;
		if (arr) {
			cJSON_AddItemToArray(arr, link_json(&l));
			continue;
		}
		table_addf(t, "%llu %s", (unsigned long long)l.mentor, l.name);
		table_addf(t, "%s:%s", l.platform, l.handle);
		table_addf(t, "%s:%s%s", l.link_platform, l.link_handle, l.other ? " (followed)" : "");
		table_addf(t, "mentorctl link %llu %s %s", (unsigned long long)l.mentor, l.link_platform,
		           l.link_handle);
	}
	if (r < 0)
		goto out;
	if (arr) {
		json_print(arr);
		arr = NULL;
	} else if (n == 0) {
		printf("No same-person links found in the profiles seen so far.\n");
	} else {
		table_print(t, true);
	}
	r = 0;
out:
	cJSON_Delete(arr);
	table_free(t);
	sd_bus_message_unref(reply);
	return r < 0 ? ctl_bad_reply("LinkSuggestions", r) : CTL_EXIT_OK;
}
