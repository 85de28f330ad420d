/* report.h — the data of `mentorctl report` (report.c) as cmd_report.c gathers it
 * from the daemon (GetReportFunnel, ListMentors, GetReportMentors,
 * GetEngagement), and what report_html.c and report_svg.c draw from it.
 * Every string is owned by the report, valid UTF-8 as the bus carried it,
 * and still the network's raw text: escaping is the writers' job. */
#ifndef MENTORCTL_REPORT_H
#define MENTORCTL_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define REPORT_STAGES    5      /* follow, participate, establish, connected, dormant */
#define REPORT_CHANNELS  6      /* x, mastodon, bluesky, email, linkedin, offline */
#define REPORT_MAX_MONTHS 60    /* GetEngagement's limit */

/* The stage and channel names in the order the report shows them. */
extern const char *const report_stage_names[REPORT_STAGES];
extern const char *const report_channel_names[REPORT_CHANNELS];
/* Index of a name in those lists, or -1. */
int report_stage_index(const char *name);
int report_channel_index(const char *name);

struct report_item {
	int64_t at;
	char *kind;          /* a ledger kind ("met", "my_email"); NULL for questions */
	char *platform;
	char *text;          /* "" when left out (private) */
};

struct report_mentor {
	uint64_t id;
	char *name, *stage;
	int64_t reached[REPORT_STAGES];      /* 0: not reached */
	int64_t median_in, median_out;       /* seconds, -1: none */
	char *nudge_kind, *nudge_message;    /* "" none */
	uint32_t posts, replies, questions;
	struct report_item *questions_v, *logged;
	size_t n_questions, n_logged;
	/* Events per direction (0 mentor → user, 1 user → mentor), channel and
	 * month: report_count(); NULL when there were none. */
	uint32_t *counts;
};

struct report {
	int64_t now;                          /* the daemon's clock */
	int64_t since;                        /* --since, 0 none */
	int64_t start;                        /* the oldest month's start (GetEngagement) */
	int64_t counts_from;                  /* since, else start: what the counts cover */
	unsigned months;                      /* 1..REPORT_MAX_MONTHS */
	bool private_texts;
	bool filtered;                        /* --mentor given */
	char month_labels[REPORT_MAX_MONTHS][16];  /* "2026-03" */
	uint32_t stage_now[REPORT_STAGES], stage_moved[REPORT_STAGES];
	struct report_mentor *m;
	size_t n, cap;
};

void report_mentor_free(struct report_mentor *m);
void report_free(struct report *r);

/* The UTC month index (0 = the oldest shown) of time t, or -1 outside. */
int report_month_of(const struct report *r, int64_t t);
/* Fills month_labels from start and months. */
void report_month_labels(struct report *r);
static inline uint32_t report_count(const struct report *r, const struct report_mentor *m, int dir,
                                    int channel, unsigned month)
{
	return m->counts ? m->counts[((size_t)dir * REPORT_CHANNELS + (size_t)channel) * r->months + month] : 0;
}

#endif
