/* mentor.c — reading ShowMentor's summary row, and resolving MENTOR. */
#include "mentor.h"
#include "output.h"

#include <cjson/cJSON.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int add_account(struct mentor_summary *s, size_t *cap, const char *platform, const char *handle)
{
	if (s->n_accounts == *cap) {
		size_t n = *cap ? 2 * *cap : 4;
		struct mentor_account *a = reallocarray(s->accounts, n, sizeof *a);
		if (!a)
			return -ENOMEM;
		s->accounts = a;
		*cap = n;
	}
	s->accounts[s->n_accounts++] = (struct mentor_account){ platform, handle };
	return 0;
}

int mentor_summary_read(sd_bus_message *reply, struct mentor_summary *s)
{
	const char *platform, *handle;
	size_t cap = 0;
	int r;

	memset(s, 0, sizeof *s);
	if ((r = sd_bus_message_enter_container(reply, 'r', "tssdda(ss)ttxx")) <= 0 ||
	    (r = sd_bus_message_read(reply, "tssdd", &s->id, &s->name, &s->stage, &s->score, &s->fit)) < 0 ||
	    (r = sd_bus_message_enter_container(reply, 'a', "(ss)")) < 0)
		return r < 0 ? r : -EBADMSG;
	while ((r = sd_bus_message_read(reply, "(ss)", &platform, &handle)) > 0)
		if ((r = add_account(s, &cap, platform, handle)) < 0)
			return r;
	if (r < 0 || (r = sd_bus_message_exit_container(reply)) < 0 ||
	    (r = sd_bus_message_read(reply, "ttxx", &s->posts, &s->events, &s->last_activity,
	                             &s->last_contact)) < 0)
		return r;
	r = sd_bus_message_exit_container(reply);
	return r < 0 ? r : 0;
}

cJSON *mentor_summary_json(const struct mentor_summary *s, const char *events_key)
{
	cJSON *o = cJSON_CreateObject(), *accounts;
	if (!o)
		return NULL;
	cJSON_AddNumberToObject(o, "id", (double)s->id);
	cJSON_AddStringToObject(o, "name", s->name);
	cJSON_AddStringToObject(o, "stage", s->stage);
	cJSON_AddNumberToObject(o, "score", s->score);
	cJSON_AddNumberToObject(o, "fit", s->fit);
	accounts = cJSON_AddArrayToObject(o, "accounts");
	for (size_t i = 0; accounts && i < s->n_accounts; i++) {
		cJSON *a = cJSON_CreateObject();
		cJSON_AddStringToObject(a, "platform", s->accounts[i].platform);
		cJSON_AddStringToObject(a, "handle", s->accounts[i].handle);
		cJSON_AddItemToArray(accounts, a);
	}
	cJSON_AddNumberToObject(o, "posts", (double)s->posts);
	cJSON_AddNumberToObject(o, events_key, (double)s->events);
	cJSON_AddItemToObject(o, "last_activity", json_time(s->last_activity));
	cJSON_AddItemToObject(o, "last_contact", json_time(s->last_contact));
	return o;
}

void mentor_summary_clear(struct mentor_summary *s)
{
	free(s->accounts);
	s->accounts = NULL;
	s->n_accounts = 0;
}

int mentor_resolve(struct ctl *ctl, const char *ref, struct mentor_ref *out)
{
	sd_bus_message *reply = NULL;
	struct mentor_summary s;
	const char *computed;
	int pinned = 0, r, rc;

	memset(out, 0, sizeof *out);
	/* One event is the least ShowMentor sends (0 would mean 500). */
	if ((rc = ctl_call(ctl, "ShowMentor", &reply, "su", ref, (uint32_t)1)) != 0)
		return rc;
	r = mentor_summary_read(reply, &s);
	if (r >= 0)
		r = sd_bus_message_read(reply, "sb", &computed, &pinned);
	if (r >= 0) {
		out->id = s.id;
		out->pinned = pinned;
		out->name = strdup(s.name);
		out->stage = strdup(s.stage);
		out->computed = strdup(computed);
		snprintf(out->key, sizeof out->key, "%llu", (unsigned long long)s.id);
		if (!out->name || !out->stage || !out->computed)
			r = -ENOMEM;
	}
	mentor_summary_clear(&s);
	sd_bus_message_unref(reply);
	if (r < 0) {
		mentor_ref_clear(out);
		return ctl_bad_reply("ShowMentor", r);
	}
	return 0;
}

void mentor_ref_clear(struct mentor_ref *r)
{
	free(r->name);
	free(r->stage);
	free(r->computed);
	r->name = r->stage = r->computed = NULL;
}

int mentor_list_all(struct ctl *ctl, uint32_t page,
                    int (*fn)(const struct mentor_summary *s, void *userdata), void *userdata)
{
	uint32_t offset = 0, total = 0, got;
	int r, rc;

	do {
		sd_bus_message *reply = NULL;
		struct mentor_summary s;
		if ((rc = ctl_call(ctl, "ListMentors", &reply, "suu", "score", offset, page)) != 0)
			return rc;
		got = 0;
		r = sd_bus_message_enter_container(reply, 'a', "(tssdda(ss)ttxx)");
		while (r >= 0 && !sd_bus_message_at_end(reply, false)) {
			if ((r = mentor_summary_read(reply, &s)) >= 0 && (r = fn(&s, userdata)) >= 0)
				got++;
			mentor_summary_clear(&s);
		}
		if (r >= 0 && (r = sd_bus_message_exit_container(reply)) >= 0)
			r = sd_bus_message_read(reply, "u", &total);
		sd_bus_message_unref(reply);
		if (r < 0)
			return ctl_bad_reply("ListMentors", r);
		offset += got;
	} while (got > 0 && offset < total);
	return 0;
}
