/* cmd_status_x.c — `mentorctl status`: X's billing month (GetXUsage), as
 * keys of the x row in JSON and as a line under the table:
 *   x  idle  1,204 of 2,000 posts this month (≈ $6.02), on pace; resets on the 10th
 * Nothing when the daemon predates GetXUsage or X is off. */
#include "ctl.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

/* 1204 → "1,204" */
static void thousands(int64_t n, char *out, size_t size)
{
	char digits[32];
	size_t len, o = 0;

	snprintf(digits, sizeof digits, "%lld", (long long)(n < 0 ? 0 : n));
	len = strlen(digits);
	for (size_t i = 0; i < len && o + 2 < size; i++) {
		if (i && (len - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = digits[i];
	}
	out[o] = '\0';
}

static const char *ordinal(int d)
{
	if (d % 100 >= 11 && d % 100 <= 13)
		return "th";
	return d % 10 == 1 ? "st" : d % 10 == 2 ? "nd" : d % 10 == 3 ? "rd" : "th";
}

static cJSON *x_row(cJSON *arr)
{
	cJSON *o;

	cJSON_ArrayForEach(o, arr) {
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(o, "platform");
		if (cJSON_IsString(name) && strcmp(name->valuestring, "x") == 0)
			return o;
	}
	return NULL;
}

int ctl_status_x(struct ctl *ctl, cJSON *arr, const char *state, char *note, size_t size)
{
	sd_bus_message *reply = NULL;
	int enabled, reset_day;
	int64_t read, cap, today, allowance;
	double cost;
	const char *pace;
	char a[32], b[32];
	int r;

	*note = '\0';
	if (ctl_call_quiet(ctl, "GetXUsage", &reply) < 0)
		return 0;
	r = sd_bus_message_read(reply, "bxxdxxis", &enabled, &read, &cap, &cost, &today, &allowance,
	                        &reset_day, &pace);
	if (r >= 0 && arr) {
		cJSON *o = x_row(arr);
		if (o) {
			cJSON_AddNumberToObject(o, "posts_read_month", (double)read);
			cJSON_AddNumberToObject(o, "monthly_posts", (double)cap);
			cJSON_AddNumberToObject(o, "cost_month", cost);
			cJSON_AddStringToObject(o, "pace", pace);
			cJSON_AddNumberToObject(o, "posts_read_today", (double)today);
			if (allowance >= 0)
				cJSON_AddNumberToObject(o, "allowance_today", (double)allowance);
			else
				cJSON_AddNullToObject(o, "allowance_today");
			cJSON_AddNumberToObject(o, "cap_reset_day", reset_day);
		}
	} else if (r >= 0 && enabled) {
		thousands(read, a, sizeof a);
		if (cap > 0) {
			thousands(cap, b, sizeof b);
			snprintf(note, size, "x  %s  %s of %s posts this month (\u2248 $%.2f), %s; resets on the %d%s",
			         state ? state : "-", a, b, cost, pace, reset_day, ordinal(reset_day));
		} else
			snprintf(note, size, "x  %s  %s posts this month (\u2248 $%.2f), no cap; resets on the %d%s",
			         state ? state : "-", a, cost, reset_day, ordinal(reset_day));
	}
	sd_bus_message_unref(reply);
	return r < 0 ? r : 0;
}
