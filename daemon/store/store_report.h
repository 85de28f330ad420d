/* store_report.h — what `mentorctl report` reads beyond the mentor cache and
 * GetEngagement: each mentor's conversation, in time order. One range of
 * events_mentor_at per mentor, read from the index alone (schema 018), the
 * statements prepared once per page of mentors: a report over 10,000
 * mentors is one pass over their conversations, never over their posts. */
#ifndef MENTORD_STORE_REPORT_H
#define MENTORD_STORE_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;

/* One event of the conversation; strings are borrowed for the call. */
struct store_report_event {
	int64_t mentor_id;
	const char *kind;       /* a ledger kind name */
	int64_t at;
	const char *platform;   /* NULL: logged by hand */
	const char *text;       /* the user's post text (my_reply, my_mention,
	                           my_quote); with notes, the note of a
	                           hand-logged event or the subject of an
	                           e-mail; else NULL */
};

typedef int (*store_report_fn)(const struct store_report_event *e, void *userdata);

/* For each of the n mentors in ids, in that order, its events at or after
 * since that are
 * turns of the conversation or the user's own acts (every kind but the
 * mentor's posts, likes, reposts and follows of the user's, the user's
 * likes, connections and tagged_risk), oldest first. fn returning non-zero
 * stops the walk (a negative value is returned). */
int store_report_events(struct store *s, const int64_t *ids, size_t n, int64_t since, bool notes,
                        store_report_fn fn, void *userdata);

#endif
