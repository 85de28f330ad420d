/* cmd_watch.c — `mentorctl watch`: streams mentord's signals (mentor
 * activity, new nudges, finished poll rounds, reloads) until interrupted. One line per
 * signal; with --json one JSON object per line. */
#include "ctl.h"
#include "output.h"
#include "mentord-bus.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

struct watch {
	struct ctl *ctl;
	int failed;
};

static void clean_line(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20)
			*s = ' ';
}

/* A JSON line per signal: {"signal": NAME, "mentor_id", "mentor", ...}. */
static cJSON *signal_json(const char *signal, uint64_t id, const char *name)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "signal", signal);
	cJSON_AddNumberToObject(o, "mentor_id", (double)id);
	cJSON_AddStringToObject(o, "mentor", name);
	return o;
}

static void print_line(cJSON *o)
{
	char *s = cJSON_PrintUnformatted(o);
	if (s)
		printf("%s\n", s);
	cJSON_free(s);
	cJSON_Delete(o);
}

static int on_activity(struct watch *w, sd_bus_message *m)
{
	uint64_t id;
	int64_t at;
	const char *name, *kind, *platform, *url, *text;
	char when[32], line[200];
	int r = sd_bus_message_read(m, "tsssssx", &id, &name, &kind, &platform, &url, &text, &at);

	if (r < 0)
		return r;
	if (w->ctl->json) {
		cJSON *o = signal_json("MentorActivity", id, name);
		cJSON_AddStringToObject(o, "kind", kind);
		cJSON_AddStringToObject(o, "platform", platform);
		cJSON_AddStringToObject(o, "url", url);
		cJSON_AddStringToObject(o, "text", text);
		cJSON_AddItemToObject(o, "at", json_time(at));
		print_line(o);
		return 0;
	}
	format_relative(at, (int64_t)time(NULL), when, sizeof when);
	snprintf(line, sizeof line, "%s", text);
	clean_line(line);
	printf("%-8s %s (%llu)  %s on %s: %s%s%s\n", when, name, (unsigned long long)id, kind, platform,
	       line, *url ? "  " : "", url);
	return 0;
}

static int on_nudge(struct watch *w, sd_bus_message *m)
{
	uint64_t id;
	int64_t at;
	const char *name, *kind, *url, *message, *action;
	char line[400];
	int r = sd_bus_message_read(m, "tssxsss", &id, &name, &kind, &at, &url, &message, &action);

	if (r < 0)
		return r;
	if (w->ctl->json) {
		cJSON *o = signal_json("NudgeAdded", id, name);
		cJSON_AddStringToObject(o, "kind", kind);
		cJSON_AddItemToObject(o, "at", json_time(at));
		cJSON_AddStringToObject(o, "url", url);
		cJSON_AddStringToObject(o, "message", message);
		cJSON_AddStringToObject(o, "action", action);
		print_line(o);
		return 0;
	}
	snprintf(line, sizeof line, "%s %s", message, action);
	clean_line(line);
	printf("nudge    %s (%llu)  %s: %s%s%s\n", name, (unsigned long long)id, kind, line, *url ? "  " : "", url);
	return 0;
}

static int on_signal(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	struct watch *w = userdata;
	const char *member = sd_bus_message_get_member(m);
	uint32_t polled, failed;

	if (strcmp(member, "MentorActivity") == 0)
		return on_activity(w, m) < 0 ? (w->failed++, 0) : 0;
	if (strcmp(member, "NudgeAdded") == 0)
		return on_nudge(w, m) < 0 ? (w->failed++, 0) : 0;
	if (strcmp(member, "PollFinished") == 0 && sd_bus_message_read(m, "uu", &polled, &failed) >= 0) {
		if (w->ctl->json)
			printf("{\"signal\":\"PollFinished\",\"polled\":%u,\"failed\":%u}\n", polled, failed);
		else
			printf("poll round finished: %u polled, %u failed\n", polled, failed);
	} else if (strcmp(member, "Reloaded") == 0) {
		printf(w->ctl->json ? "{\"signal\":\"Reloaded\"}\n" : "configuration reloaded\n");
	}
	return 0;
}

static volatile sig_atomic_t stop;

static void on_interrupt(int sig)
{
	stop = 1;
}

int ctl_watch(struct ctl *ctl, int argc, char **argv)
{
	struct watch w = { .ctl = ctl };
	struct sigaction sa = { .sa_handler = on_interrupt };   /* no SA_RESTART: wake sd_bus_wait */
	int r;

	if (argc != 1)
		return ctl_usage_error("watch", "takes no arguments");
	/* Fails with exit 3 and a hint when mentord is not running. */
	if ((r = ctl_call(ctl, "GetStatus", NULL, "")) != 0)
		return r;
	setvbuf(stdout, NULL, _IOLBF, 0);
	r = sd_bus_match_signal(ctl->bus, NULL, MENTORD_BUS_NAME, MENTORD_BUS_PATH, MENTORD_BUS_IFACE,
	                        NULL, on_signal, &w);
	if (r < 0) {
		fprintf(stderr, "mentorctl watch: cannot subscribe: %s\n", strerror(-r));
		return CTL_EXIT_DAEMON;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (!ctl->json)
		fprintf(stderr, "Watching mentord; Ctrl-C stops.\n");
	while (!stop) {
		r = sd_bus_process(ctl->bus, NULL);
		if (r < 0) {
			fprintf(stderr, "mentorctl watch: connection lost: %s\n", strerror(-r));
			return CTL_EXIT_UNREACHABLE;
		}
		if (r > 0)
			continue;
		r = sd_bus_wait(ctl->bus, UINT64_MAX);
		if (r < 0 && r != -EINTR) {
			fprintf(stderr, "mentorctl watch: %s\n", strerror(-r));
			return CTL_EXIT_UNREACHABLE;
		}
	}
	return CTL_EXIT_OK;
}
