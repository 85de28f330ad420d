/* mentor.h — one mentor as ShowMentor returns it: the summary row shared
 * by `show`, and resolving a MENTOR argument to an id and a name for the
 * commands that change the ledger. */
#ifndef MENTORCTL_MENTOR_H
#define MENTORCTL_MENTOR_H

#include "ctl.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mentor_account {
	const char *platform, *handle;
};

/* The (tssdda(ss)ttxx) row; strings point into the reply it was read from. */
struct mentor_summary {
	uint64_t id, posts, events;
	const char *name, *stage;
	double score, fit;
	int64_t last_activity, last_contact;
	struct mentor_account *accounts;   /* malloc'd */
	size_t n_accounts;
};

/* Reads the row at the reply's current position. Returns 0 or a negative
 * errno; clear *s in either case. */
int mentor_summary_read(sd_bus_message *reply, struct mentor_summary *s);
void mentor_summary_clear(struct mentor_summary *s);

/* The spec's `mentors` object (id, name, stage, score, fit, accounts, posts,
 * events, last_activity, last_contact); events_key names the count (`show`
 * calls it event_count, its events being the timeline). NULL on ENOMEM. */
struct cJSON *mentor_summary_json(const struct mentor_summary *s, const char *events_key);

/* Every mentor, ListMentors page by page (by score, `page` rows a call):
 * fn(summary, userdata) for each row, a negative errno from it stopping the
 * walk. A poll may reorder the ranking between two pages, so a mentor can
 * come twice (or be missed by one page): the caller drops repeats. Returns
 * 0, or the exit code to use (the error already printed). */
int mentor_list_all(struct ctl *ctl, uint32_t page,
                    int (*fn)(const struct mentor_summary *s, void *userdata), void *userdata);

/* A MENTOR argument as the daemon understood it; owns its strings. */
struct mentor_ref {
	uint64_t id;
	char *name, *stage, *computed;
	bool pinned;
	char key[24];   /* the id as text: pass it on so that every later call
	                 * names the same mentor whatever the user typed */
};

/* Asks ShowMentor about ref. Returns 0, or the exit code to use (the
 * error already printed). */
int mentor_resolve(struct ctl *ctl, const char *ref, struct mentor_ref *out);
void mentor_ref_clear(struct mentor_ref *r);

#endif
