/* cmd_poll.c — `mentorctl poll [--wait]`. */
#include "ctl.h"
#include "output.h"

#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdio.h>

int ctl_poll(struct ctl *ctl, int argc, char **argv)
{
	static const struct option opts[] = { { "wait", no_argument, NULL, 'w' }, { 0 } };
	sd_bus_message *reply = NULL;
	uint32_t n;
	int c, r, wait = 0;

	optind = 0;
	while ((c = getopt_long(argc, argv, "w", opts, NULL)) != -1) {
		if (c != 'w')
			return CTL_EXIT_USAGE;
		wait = 1;
	}
	if (optind != argc)
		return ctl_usage_error("poll", "usage: poll [--wait]");
	/* A round can take minutes on a slow network; the default 25 s
	 * timeout would give up on a healthy daemon. */
	if (wait && !ctl->timeout_set)
		ctl->timeout_usec = 15 * 60 * 1000000ULL;
	if ((r = ctl_call(ctl, "Poll", &reply, "b", wait)) != 0)
		return r;
	if ((r = sd_bus_message_read(reply, "u", &n)) < 0) {
		sd_bus_message_unref(reply);
		return ctl_bad_reply("Poll", r);
	}
	if (ctl->json) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, wait ? "polled" : "targets", n);
		json_print(o);
	} else if (wait) {
		printf("Poll round finished: %u targets polled\n", n);
	} else {
		printf("Polling %u targets\n", n);
	}
	sd_bus_message_unref(reply);
	return CTL_EXIT_OK;
}
