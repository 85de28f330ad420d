/* report.c — the report's model (report.h): the stage and channel names
 * in the report's order, its months, and freeing what cmd_report.c
 * gathered. */
#include "report.h"
#include "common/calendar.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const report_stage_names[REPORT_STAGES] = {
	"follow", "participate", "establish", "connected", "dormant",
};
const char *const report_channel_names[REPORT_CHANNELS] = {
	"x", "mastodon", "bluesky", "email", "linkedin", "offline",
};

static int index_of(const char *const *names, int n, const char *s)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(names[i], s))
			return i;
	return -1;
}

int report_stage_index(const char *name) { return index_of(report_stage_names, REPORT_STAGES, name); }
int report_channel_index(const char *name) { return index_of(report_channel_names, REPORT_CHANNELS, name); }

static void items_free(struct report_item *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].kind);
		free(v[i].platform);
		free(v[i].text);
	}
	free(v);
}

void report_mentor_free(struct report_mentor *m)
{
	free(m->name);
	free(m->stage);
	free(m->nudge_kind);
	free(m->nudge_message);
	items_free(m->questions_v, m->n_questions);
	items_free(m->logged, m->n_logged);
	free(m->counts);
	memset(m, 0, sizeof *m);
}

void report_free(struct report *r)
{
	for (size_t i = 0; i < r->n; i++)
		report_mentor_free(&r->m[i]);
	free(r->m);
	memset(r, 0, sizeof *r);
}

int report_month_of(const struct report *r, int64_t t)
{
	int64_t i = calendar_index(CALENDAR_MONTH, r->start, t);

	return i < 0 || i >= (int64_t)r->months ? -1 : (int)i;
}

void report_month_labels(struct report *r)
{
	for (unsigned i = 0; i < r->months; i++) {
		int y, m, d;
		calendar_date(calendar_add(CALENDAR_MONTH, r->start, i), &y, &m, &d);
		snprintf(r->month_labels[i], sizeof r->month_labels[i], "%04d-%02d", y, m);
	}
}

