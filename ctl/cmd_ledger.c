/* cmd_ledger.c — the commands that change a mentor's ledger: log, link,
 * unlink, stage, and dismiss (a suggestion). Each first resolves MENTOR
 * with ShowMentor, then passes the numeric id on, so the confirmation names
 * the mentor that was changed even when the user typed a name prefix. */
#include "ctl.h"
#include "mentor.h"
#include "output.h"
#include "text.h"
#include "when.h"
#include "common/channel.h"

#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static bool one_of(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(s, *list) == 0)
			return true;
	return false;
}

/* The mentor's name fit for a terminal line. */
static void print_name(const struct mentor_ref *m)
{
	char *name = text_line(m->name, 0);
	fputs(name ? name : "?", stdout);
	free(name);
}

static cJSON *ref_json(const struct mentor_ref *m)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "mentor_id", (double)m->id);
	cJSON_AddStringToObject(o, "mentor", m->name);
	return o;
}

static int parse_log_args(int argc, char **argv, const char **note, int64_t *when)
{
	static const struct option opts[] = {
		{ "note", required_argument, NULL, 'n' },
		{ "when", required_argument, NULL, 'w' },
		{ 0 }
	};
	static const char *const kinds[] = { "met", "email", "call", "meeting", "dm", "note", NULL };
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, "n:w:", opts, NULL)) != -1) {
		if (c == 'n')
			*note = optarg;
		else if (c == 'w') {
			if (when_parse(optarg, (int64_t)time(NULL), when) < 0)
				return ctl_usage_error("log", "--when: cannot read '%s' (try 2026-11-20, "
				                       "2026-11-20T14:00, yesterday or 3d)", optarg);
		} else
			return CTL_EXIT_USAGE;
	}
	if (argc - optind != 2)
		return ctl_usage_error("log", "usage: log MENTOR KIND [--note TEXT] [--when TIME]");
	if (!one_of(argv[optind + 1], kinds))
		return ctl_usage_error("log", "KIND must be met, email, call, meeting, dm or note, got '%s'",
		                       argv[optind + 1]);
	return 0;
}

int ctl_log(struct ctl *ctl, int argc, char **argv)
{
	const char *note = "", *kind;
	int64_t when = 0;
	uint64_t event = 0;
	sd_bus_message *reply = NULL;
	struct mentor_ref m;
	int r;

	if ((r = parse_log_args(argc, argv, &note, &when)) != 0)
		return r;
	kind = argv[optind + 1];
	if ((r = mentor_resolve(ctl, argv[optind], &m)) != 0)
		return r;
	if ((r = ctl_call(ctl, "LogEvent", &reply, "sssx", m.key, kind, note, when)) != 0)
		goto out;
	if ((r = sd_bus_message_read(reply, "t", &event)) < 0) {
		r = ctl_bad_reply("LogEvent", r);
		goto out;
	}
	if (ctl->json) {
		cJSON *o = ref_json(&m);
		cJSON_AddNumberToObject(o, "event_id", (double)event);
		cJSON_AddStringToObject(o, "kind", kind);
		json_print(o);
	} else {
		printf("Logged %s with ", kind);
		print_name(&m);
		printf(" (event %llu)\n", (unsigned long long)event);
	}
	r = CTL_EXIT_OK;
out:
	sd_bus_message_unref(reply);
	mentor_ref_clear(&m);
	return r;
}

/* link and unlink: (MENTOR, PLATFORM, HANDLE) in, one id out. */
static int account_move(struct ctl *ctl, int argc, char **argv, bool link)
{
	const char *cmd = link ? "link" : "unlink", *method = link ? "Link" : "Unlink";
	const char *handle = argc == 4 ? argv[3] : "", *why;
	char norm[CHANNEL_HANDLE_MAX + 1];
	sd_bus_message *reply = NULL;
	struct mentor_ref m;
	uint64_t id = 0;
	int r;

	if (argc != 4)
		return ctl_usage_error(cmd, "usage: %s MENTOR PLATFORM HANDLE", cmd);
	/* An address or a profile is said back as the daemon keeps it; a bad
	 * one goes as typed, for the daemon's error. */
	if (channel_is(argv[2]) && channel_norm(argv[2], argv[3], norm, sizeof norm, &why) == 0)
		handle = norm;
	if ((r = mentor_resolve(ctl, argv[1], &m)) != 0)
		return r;
	if ((r = ctl_call(ctl, method, &reply, "sss", m.key, argv[2], handle)) != 0)
		goto out;
	if ((r = sd_bus_message_read(reply, "t", &id)) < 0) {
		r = ctl_bad_reply(method, r);
		goto out;
	}
	if (ctl->json) {
		cJSON *o = ref_json(&m);
		cJSON_AddStringToObject(o, "platform", argv[2]);
		cJSON_AddStringToObject(o, "handle", handle);
		cJSON_AddNumberToObject(o, link ? "account_id" : "new_mentor_id", (double)id);
		json_print(o);
	} else if (link) {
		printf("Linked %s %s to ", argv[2], handle);
		print_name(&m);
		printf(" (mentor %llu); its ledger moved along\n", (unsigned long long)m.id);
	} else {
		printf("Unlinked %s %s from ", argv[2], handle);
		print_name(&m);
		printf("; it is now mentor %llu, with its own ledger\n", (unsigned long long)id);
	}
	r = CTL_EXIT_OK;
out:
	sd_bus_message_unref(reply);
	mentor_ref_clear(&m);
	return r;
}

int ctl_link(struct ctl *ctl, int argc, char **argv)
{
	return account_move(ctl, argc, argv, true);
}

int ctl_unlink(struct ctl *ctl, int argc, char **argv)
{
	return account_move(ctl, argc, argv, false);
}

static void stage_text(const struct mentor_ref *m)
{
	print_name(m);
	if (!m->pinned)
		printf(": stage %s, derived from the ledger again\n", m->stage);
	else if (strcmp(m->stage, m->computed) != 0)
		printf(": stage pinned to %s (the ledger says %s)\n", m->stage, m->computed);
	else
		printf(": stage pinned to %s\n", m->stage);
}

int ctl_stage(struct ctl *ctl, int argc, char **argv)
{
	static const char *const stages[] = { "follow", "participate", "establish", "connected", "dormant",
	                                      "auto", NULL };
	struct mentor_ref m, after = { 0 };
	int r;

	if (argc != 3)
		return ctl_usage_error("stage", "usage: stage MENTOR STAGE|auto");
	if (!one_of(argv[2], stages))
		return ctl_usage_error("stage", "STAGE must be follow, participate, establish, connected, "
		                       "dormant or auto, got '%s'", argv[2]);
	if ((r = mentor_resolve(ctl, argv[1], &m)) != 0)
		return r;
	/* Read back, so the output shows what the daemon now derives. */
	if ((r = ctl_call(ctl, "SetStage", NULL, "ss", m.key, argv[2])) != 0 ||
	    (r = mentor_resolve(ctl, m.key, &after)) != 0)
		goto out;
	if (ctl->json) {
		cJSON *o = ref_json(&after);
		cJSON_AddStringToObject(o, "stage", after.stage);
		cJSON_AddStringToObject(o, "computed_stage", after.computed);
		cJSON_AddBoolToObject(o, "pinned", after.pinned);
		json_print(o);
	} else {
		stage_text(&after);
	}
out:
	mentor_ref_clear(&m);
	mentor_ref_clear(&after);
	return r;
}

int ctl_dismiss(struct ctl *ctl, int argc, char **argv)
{
	int r;

	if (argc != 3)
		return ctl_usage_error("dismiss", "usage: dismiss PLATFORM HANDLE");
	if ((r = ctl_call(ctl, "Dismiss", NULL, "ss", argv[1], argv[2])) != 0)
		return r;
	if (ctl->json) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "platform", argv[1]);
		cJSON_AddStringToObject(o, "handle", argv[2]);
		cJSON_AddBoolToObject(o, "dismissed", 1);
		json_print(o);
	} else {
		printf("Dismissed %s %s: it will not be suggested again\n", argv[1], argv[2]);
	}
	return CTL_EXIT_OK;
}
