/* cmd_import_linkedin.c — import linkedin FILE.zip [--me URL] [--dry-run]:
 * LinkedIn's data export read here (import_linkedin.h), its rows given to
 * the daemon in one ImportLinkedIn call, which stores them in one
 * transaction and turns the rows of linked profiles into ledger events.
 * A file that cannot be read sends nothing. */
#include "ctl.h"
#include "import_linkedin.h"
#include "output.h"
#include "mentord-bus.h"

#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

struct li_result {
	uint64_t people_new, msgs_new, events, mentors, emails, proposals, email_proposals;
};

static int append_rows(sd_bus_message *msg, const struct import_linkedin *li)
{
	int r;
	if ((r = sd_bus_message_open_container(msg, 'a', "(ssssssx)")) < 0)
		return r;
	for (size_t i = 0; i < li->n_people; i++) {
		const struct linkedin_person *p = &li->people[i];
		if ((r = sd_bus_message_append(msg, "(ssssssx)", p->url, p->first, p->last, p->email, p->company,
		                               p->position, p->connected_on)) < 0)
			return r;
	}
	if ((r = sd_bus_message_close_container(msg)) < 0 ||
	    (r = sd_bus_message_open_container(msg, 'a', "(ssbx)")) < 0)
		return r;
	for (size_t i = 0; i < li->n_msgs; i++) {
		const struct linkedin_message *m = &li->msgs[i];
		if ((r = sd_bus_message_append(msg, "(ssbx)", m->key, m->counterpart, (int)m->mine, m->at)) < 0)
			return r;
	}
	return sd_bus_message_close_container(msg);
}

static int send_rows(struct ctl *ctl, const struct import_linkedin *li, struct li_result *res)
{
	sd_bus_message *msg = NULL, *reply = NULL;
	sd_bus_error error = SD_BUS_ERROR_NULL;
	int r = ctl_new_call(ctl, "ImportLinkedIn", &msg);

	if (r != 0)
		return r;
	if ((r = append_rows(msg, li)) < 0) {
		sd_bus_message_unref(msg);
		return ctl_bad_reply("ImportLinkedIn", r);
	}
	r = ctl_send(ctl, msg, &reply, &error);   /* an exit code, the error printed */
	if (r == 0) {
		int k = sd_bus_message_read(reply, "ttttttt", &res->people_new, &res->msgs_new, &res->events,
		                            &res->mentors, &res->emails, &res->proposals, &res->email_proposals);
		r = k < 0 ? ctl_bad_reply("ImportLinkedIn", k) : 0;
	}
	sd_bus_error_free(&error);
	sd_bus_message_unref(msg);
	sd_bus_message_unref(reply);
	return r;
}

static void json_out(const char *path, const struct import_linkedin *li, const struct li_result *res, bool dry)
{
	cJSON *o = cJSON_CreateObject(), *c, *m;

	cJSON_AddStringToObject(o, "file", path);
	if (li->me)
		cJSON_AddStringToObject(o, "me", li->me);
	else
		cJSON_AddNullToObject(o, "me");
	cJSON_AddBoolToObject(o, "dry_run", dry);
	c = cJSON_AddObjectToObject(o, "connections");
	cJSON_AddNumberToObject(c, "read", (double)li->n_people);
	cJSON_AddNumberToObject(c, "skipped", (double)li->skipped_people);
	if (dry)
		cJSON_AddNullToObject(c, "new");
	else
		cJSON_AddNumberToObject(c, "new", (double)res->people_new);
	m = cJSON_AddObjectToObject(o, "messages");
	cJSON_AddNumberToObject(m, "read", (double)li->n_msgs);
	cJSON_AddNumberToObject(m, "skipped", (double)li->skipped_msgs);
	if (dry)
		cJSON_AddNullToObject(m, "new");
	else
		cJSON_AddNumberToObject(m, "new", (double)res->msgs_new);
	cJSON_AddNumberToObject(o, "events", (double)res->events);
	cJSON_AddNumberToObject(o, "mentors", (double)res->mentors);
	cJSON_AddNumberToObject(o, "emails_linked", (double)res->emails);
	cJSON_AddNumberToObject(o, "name_proposals", (double)res->proposals);
	cJSON_AddNumberToObject(o, "email_proposals", (double)res->email_proposals);
	json_print(o);
}

static void text_out(const char *path, const struct import_linkedin *li, const struct li_result *res, bool dry)
{
	printf("%s: %zu connections, %zu one-to-one messages", path, li->n_people, li->n_msgs);
	if (li->skipped_msgs)
		printf(" (%zu other messages skipped: drafts, group threads, deleted members)", li->skipped_msgs);
	printf(".\n");
	if (dry) {
		printf("Dry run: nothing was sent to mentord.\n");
		return;
	}
	printf("New: %llu connections, %llu messages; %llu ledger events for %llu mentors",
	       (unsigned long long)res->people_new, (unsigned long long)res->msgs_new,
	       (unsigned long long)res->events, (unsigned long long)res->mentors);
	if (res->emails)
		printf("; %llu e-mail addresses of linked profiles linked", (unsigned long long)res->emails);
	printf(".\n");
	if (res->proposals || res->email_proposals)
		printf("To link: %llu connections named like a mentor, %llu e-mail addresses of another mentor: "
		       "see 'mentorctl suggest --links'.\n", (unsigned long long)res->proposals,
		       (unsigned long long)res->email_proposals);
}

int ctl_import_linkedin(struct ctl *ctl, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "me", required_argument, NULL, 'm' }, { "dry-run", no_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' }, { 0 }
	};
	struct import_linkedin li;
	struct li_result res = { 0 };
	const char *me = NULL;
	bool dry = false;
	char err[600];
	int c, r;

	optind = 0;
	while ((c = getopt_long(argc, argv, "m:nj", opts, NULL)) != -1) {
		switch (c) {
		case 'm': me = optarg; break;
		case 'n': dry = true; break;
		case 'j': ctl->json = true; break;
		default: return CTL_EXIT_USAGE;
		}
	}
	if (argc - optind != 2 || strcmp(argv[optind], "linkedin") != 0)
		return ctl_usage_error("import", "usage: import linkedin FILE.zip [--me URL] [--dry-run]");
	const char *path = argv[optind + 1];
	if (import_linkedin_read(path, me, &li, err, sizeof err) < 0) {
		fprintf(stderr, "mentorctl import: %s\n", err);
		import_linkedin_free(&li);
		return CTL_EXIT_USAGE;
	}
	r = dry ? 0 : send_rows(ctl, &li, &res);
	if (r == 0) {
		if (ctl->json)
			json_out(path, &li, &res, dry);
		else
			text_out(path, &li, &res, dry);
	}
	import_linkedin_free(&li);
	return r;
}
