/* cmd_status_imports.c — the import jobs in `mentorctl status`. Apart from
 * cmd_import.c, which runs in mentorctl-full (handoff.c), because status runs
 * in mentorctl. */
#include "ctl.h"
#include "text.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* status: the import jobs the daemon keeps (all in JSON; in text the
 * latest of each network). Quiet when the daemon has none or cannot say. */
void ctl_import_status(struct ctl *ctl, struct cJSON *doc)
{
	sd_bus_error error = SD_BUS_ERROR_NULL;
	sd_bus_message *msg = NULL, *reply = NULL;
	const char *pl, *st, *message;
	uint64_t id;
	uint32_t fetched, total;
	int list, r;
	struct { char platform[16], line[300]; } last[8];
	size_t n = 0;
	cJSON *arr = doc ? cJSON_AddArrayToObject(doc, "imports") : NULL;

	if (ctl_new_call(ctl, "GetImports", &msg) != 0)
		return;
	r = sd_bus_call(ctl->bus, msg, 0, &error, &reply);
	sd_bus_message_unref(msg);
	sd_bus_error_free(&error);
	if (r < 0 || sd_bus_message_enter_container(reply, 'a', "(tsssuub)") < 0) {
		sd_bus_message_unref(reply);
		return;
	}
	while (sd_bus_message_read(reply, "(tsssuub)", &id, &pl, &st, &message, &fetched, &total, &list) > 0) {
		if (arr) {
			cJSON *o = cJSON_CreateObject();
			cJSON_AddNumberToObject(o, "job", (double)id);
			cJSON_AddStringToObject(o, "platform", pl);
			cJSON_AddStringToObject(o, "state", st);
			cJSON_AddNumberToObject(o, "fetched", fetched);
			if (total)
				cJSON_AddNumberToObject(o, "total", total);
			else
				cJSON_AddNullToObject(o, "total");
			cJSON_AddStringToObject(o, "message", message);
			cJSON_AddItemToArray(arr, o);
			continue;
		}
		size_t k = 0;
		while (k < n && strcmp(last[k].platform, pl) != 0)
			k++;
		if (k == n && n < 8)
			n++;
		if (k == n)
			continue;
		char *m = text_line(message, 120), count[40];
		/* A following list's length is not known until its end. */
		if (total)
			snprintf(count, sizeof count, "%u of %u", fetched, total);
		else
			snprintf(count, sizeof count, "%u", fetched);
		snprintf(last[k].platform, sizeof last[k].platform, "%s", pl);
		snprintf(last[k].line, sizeof last[k].line, "import %llu of %s: %s, %s accounts%s%s",
		         (unsigned long long)id, pl, st, count, m && *m ? " — " : "", m ? m : "");
		free(m);
	}
	sd_bus_message_unref(reply);
	for (size_t k = 0; k < n; k++)
		printf("%s\n", last[k].line);
}
