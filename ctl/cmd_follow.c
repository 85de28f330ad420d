/* cmd_follow.c — follow, unfollow, track, untrack, reload: the commands that
 * change what mentord watches. */
#include "ctl.h"
#include "output.h"
#include "common/duration.h"
#include "mentord-bus.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int parse_id(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	if (!s || *s < '1' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end)
		return -EINVAL;
	*out = v;
	return 0;
}

#define ALREADY (-1)   /* call_follow: the account is followed already (reported) */

/* Follow, or FollowSource when source (mentor is then unused). */
static int call_follow(struct ctl *ctl, const char *platform, const char *handle, const char *name,
                       uint64_t mentor, bool source, bool quiet_if_already, sd_bus_message **reply)
{
	sd_bus_message *msg = NULL;
	sd_bus_error error = SD_BUS_ERROR_NULL;
	const char *method = source ? "FollowSource" : "Follow";
	int r = ctl_new_call(ctl, method, &msg);

	if (r != 0)
		return r;
	r = source ? sd_bus_message_append(msg, "sss", platform, handle, name)
	           : sd_bus_message_append(msg, "ssst", platform, handle, name, mentor);
	if (r < 0) {
		sd_bus_message_unref(msg);
		return ctl_bad_reply(method, r);
	}
	r = sd_bus_call(ctl->bus, msg, 0, &error, reply);
	sd_bus_message_unref(msg);
	if (r >= 0)
		r = 0;
	else
		r = sd_bus_error_has_name(&error, MENTORD_ERROR_ALREADY_FOLLOWED) ? ALREADY
		                                                                 : ctl_report_error(&error, r);
	if (r == ALREADY && !quiet_if_already)
		ctl_report_error(&error, -EEXIST);
	sd_bus_error_free(&error);
	return r;
}

int ctl_follow(struct ctl *ctl, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "mentor", required_argument, NULL, 'm' },
		{ "history", required_argument, NULL, 'H' },
		{ "source", no_argument, NULL, 'S' },
		{ 0 }
	};
	const char *name = "", *handle;
	bool source = false;
	uint64_t mentor = 0, mid, aid;
	int64_t history = -1;
	sd_bus_message *reply = NULL;
	int c, r;

	optind = 0;
	while ((c = getopt_long(argc, argv, "n:m:", opts, NULL)) != -1) {
		if (c == 'n')
			name = optarg;
		else if (c == 'm') {
			if (parse_id(optarg, &mentor) < 0)
				return ctl_usage_error("follow", "--mentor needs a numeric mentor id, got '%s'", optarg);
		} else if (c == 'S') {
			source = true;
		} else if (c == 'H') {
			if (duration_parse(optarg, 0, 3650LL * DURATION_DAY, &history) < 0)
				return ctl_usage_error("follow", "--history is a duration from 0 to 3650d like 30d or 1w, "
				                       "got '%s'", optarg);
		} else
			return CTL_EXIT_USAGE;
	}
	if (argc - optind != 2)
		return ctl_usage_error("follow", "usage: follow PLATFORM HANDLE [--name NAME] [--mentor ID | --source] "
		                       "[--history DURATION]");
	if (source && mentor)
		return ctl_usage_error("follow", "--source and --mentor exclude each other: a source is not a mentor");
	r = call_follow(ctl, argv[optind], argv[optind + 1], name, mentor, source, history >= 0, &reply);
	if (r == ALREADY && history >= 0) {
		/* Followed already: --history is all there is to change. */
		if ((r = ctl_call(ctl, "SetHistory", NULL, "ssx", argv[optind], argv[optind + 1], history)) != 0)
			return r;
		if (!ctl->json)
			printf("Already following %s on %s; its history window is now %llds\n", argv[optind + 1],
			       argv[optind], (long long)history);
		return CTL_EXIT_OK;
	}
	if (r != 0)
		return r == ALREADY ? CTL_EXIT_DAEMON : r;
	if ((r = sd_bus_message_read(reply, "tts", &mid, &aid, &handle)) < 0) {
		sd_bus_message_unref(reply);
		return ctl_bad_reply(source ? "FollowSource" : "Follow", r);
	}
	/* Right behind Follow: the first sync then starts with this window, or
	 * the back-fill follows it as when a window grows. */
	if (history >= 0 && (r = ctl_call(ctl, "SetHistory", NULL, "ssx", argv[optind], handle, history)) != 0) {
		sd_bus_message_unref(reply);
		return r;
	}
	if (ctl->json) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, source ? "source" : "mentor", (double)mid);
		cJSON_AddNumberToObject(o, "account", (double)aid);
		cJSON_AddStringToObject(o, "platform", argv[optind]);
		cJSON_AddStringToObject(o, "handle", handle);
		json_print(o);
	} else {
		printf("Following %s on %s (%s %llu)\n", handle, argv[optind], source ? "source" : "mentor",
		       (unsigned long long)mid);
	}
	sd_bus_message_unref(reply);
	return CTL_EXIT_OK;
}

static int simple_call(struct ctl *ctl, const char *method, const char *done,
                       const char *types, const char *a, const char *b)
{
	size_t n = strlen(types);
	int r = n == 2 ? ctl_call(ctl, method, NULL, types, a, b) :
	        n == 1 ? ctl_call(ctl, method, NULL, types, a) : ctl_call(ctl, method, NULL, "");
	if (r != 0)
		return r;
	if (ctl->json) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddBoolToObject(o, "ok", 1);
		json_print(o);
	} else if (done) {
		printf("%s\n", done);
	}
	return CTL_EXIT_OK;
}

int ctl_unfollow(struct ctl *ctl, int argc, char **argv)
{
	char done[600];
	if (argc != 3)
		return ctl_usage_error("unfollow", "usage: unfollow PLATFORM HANDLE");
	snprintf(done, sizeof done, "Unfollowed %s on %s (the ledger is kept)", argv[2], argv[1]);
	return simple_call(ctl, "Unfollow", done, "ss", argv[1], argv[2]);
}

int ctl_track(struct ctl *ctl, int argc, char **argv)
{
	static const struct option opts[] = { { "platform", required_argument, NULL, 'p' }, { 0 } };
	const char *platform = "", *tag;
	sd_bus_message *reply = NULL;
	int c, r;

	optind = 0;
	while ((c = getopt_long(argc, argv, "p:", opts, NULL)) != -1) {
		if (c != 'p')
			return CTL_EXIT_USAGE;
		platform = optarg;
	}
	if (argc - optind != 1)
		return ctl_usage_error("track", "usage: track TAG [--platform P]");
	if ((r = ctl_call(ctl, "Track", &reply, "ss", argv[optind], platform)) != 0)
		return r;
	if ((r = sd_bus_message_read(reply, "s", &tag)) < 0) {
		sd_bus_message_unref(reply);
		return ctl_bad_reply("Track", r);
	}
	if (ctl->json) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "tag", tag);
		if (*platform)
			cJSON_AddStringToObject(o, "platform", platform);
		else
			cJSON_AddNullToObject(o, "platform");
		json_print(o);
	} else {
		printf("Tracking #%s on %s\n", tag, *platform ? platform : "all enabled platforms");
	}
	sd_bus_message_unref(reply);
	return CTL_EXIT_OK;
}

int ctl_untrack(struct ctl *ctl, int argc, char **argv)
{
	char done[300];
	if (argc != 2)
		return ctl_usage_error("untrack", "usage: untrack TAG");
	snprintf(done, sizeof done, "Stopped tracking #%s", argv[1][0] == '#' ? argv[1] + 1 : argv[1]);
	return simple_call(ctl, "Untrack", done, "s", argv[1], NULL);
}

int ctl_reload(struct ctl *ctl, int argc, char **argv)
{
	if (argc != 1)
		return ctl_usage_error("reload", "takes no arguments");
	return simple_call(ctl, "Reload", "Configuration reloaded", "", NULL, NULL);
}
