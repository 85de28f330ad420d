/* sched_import.h — imports: whom the user already follows on a network,
 * read as a job in the daemon within that network's budgets, then ranked
 * by fit with the interests for the user to pick mentors and sources from.
 *
 * A job either walks the network's following list (NET_OP_FOLLOWING:
 * Mastodon accounts/:id/following, Bluesky getFollows, X users/:id/following)
 * or looks up a list of handles the caller read from an export (Mastodon's
 * following_accounts.csv), one lookup request after another. Requests draw
 * on the scheduler's rate windows like its own (the same keys, counts and
 * holds), leave the last tenth of a window to polling, and wait for a
 * window's reset rather than draw a 429; a 429 holds the window and the job
 * resumes after it. A failed or malformed page advances nothing and is
 * asked again with backoff (five times, then the job fails, saying why); a
 * handle whose lookup fails stays in the list with fit 0.
 *
 * Jobs live in memory only: nothing is written until the user follows
 * someone (through Follow/FollowSource), so a crash loses no data, only the
 * job. The last few jobs are kept for their candidates. */
#ifndef MENTORD_POLL_SCHED_IMPORT_H
#define MENTORD_POLL_SCHED_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sched;
struct sched_import;

#define SCHED_IMPORT_JOBS      8        /* jobs kept */
#define SCHED_IMPORT_MAX_ROWS  20000    /* accounts per job */

struct sched_import_events {
	/* A job moved: state "running", "waiting" (a rate window), "done" or
	 * "failed"; total 0 when unknown (a following list). */
	void (*progress)(void *data, uint64_t job, unsigned fetched, unsigned total, const char *state);
	void *data;
};

/* s must outlive the imports (free the imports first). */
int sched_import_new(struct sched_import **out, struct sched *s, const struct sched_import_events *ev);
void sched_import_free(struct sched_import *im);

/* Starts a job on platform: its following list (n == 0) or the accounts
 * named by handles. match (words, may be NULL) and limit (0: all) shape
 * what sched_import_rows gives. Returns 0 and *job, or -errno with a
 * sentence for the user in why: -EINVAL (unknown platform, too many
 * handles), -ENOTSUP (the network cannot list follows with this
 * configuration), -EAGAIN (the user's own id is not known yet), -EBUSY (an
 * import of that platform is running, or too many jobs). */
int sched_import_start(struct sched_import *im, const char *platform, const char *const *handles, size_t n,
                       const char *match, uint32_t limit, uint64_t *job, char *why, size_t why_size);

struct sched_import_info {
	uint64_t id;
	const char *platform, *state, *message;   /* message: "" or why it failed / waits */
	unsigned fetched, total;
	bool from_list;                           /* handles given, not the following list */
};
typedef int (*sched_import_info_fn)(const struct sched_import_info *info, void *userdata);
/* Every kept job, oldest first. */
int sched_import_for_each(struct sched_import *im, sched_import_info_fn fn, void *userdata);

/* One ranked candidate of a finished job. Strings valid during the call. */
struct sched_import_row {
	unsigned rank;                 /* 1.. in the filtered list */
	const char *handle, *name;
	const char *source_why;        /* why it looks like an organisation, NULL: a person */
	double fit;                    /* 0–100, as suggestions; 0 when not found */
	bool found;                    /* its profile was read */
	bool followed;                 /* followed in mentord already */
	bool followed_source;          /* ... as a source */
};
typedef int (*sched_import_row_fn)(const struct sched_import_row *row, void *userdata);
/* The job's candidates, best fit first, filtered by its match and cut at its
 * limit; followed flags as of now. -ENOENT: no such job; -EBUSY: not done. */
int sched_import_rows(struct sched_import *im, uint64_t job, sched_import_row_fn fn, void *userdata);

#endif
