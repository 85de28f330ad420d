/* sched.h — the polling engine: decides what to ask which network when,
 * within its rate budget, and hands every answer to ingest.
 *
 * Each followed account (X: batches of accounts in one search), tracked tag,
 * the user's own posts and the user's interactions is a target with its own
 * due time (poll_interval / tag_interval with jitter). One libevent timer is
 * armed for the earliest due target. A target's poll is an incremental walk
 * (net.h): its pages are ingested as they arrive, and the watermark that
 * ends the walk commits in the same transaction as the walk's last page.
 *
 * Budgets: each network's rate headers are kept per endpoint; a target whose
 * endpoint has no requests left waits for the window's reset instead of
 * drawing a 429. A 429 holds the endpoint until its reset; 5xx, timeouts and
 * malformed pages back the target off exponentially (with jitter, capped);
 * 401/403 stop the network until the configuration is reloaded, with the
 * reason in `mentorctl status`; X's usage cap pauses X until its period ends.
 *
 * The scheduler knows nothing above it: what it finds goes up through the
 * callbacks of struct sched_events, which the daemon object registers. */
#ifndef MENTORD_POLL_SCHED_H
#define MENTORD_POLL_SCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sched;
struct event_base;
struct clock;
struct config;
struct store;
struct http;
struct mentor_cache;
struct check_engine;

/* What the scheduler works with; owned by the caller, outliving it. */
struct sched_deps {
	struct event_base *base;
	const struct clock *clock;
	const struct config *config;   /* read again at each sched_reload() */
	struct store *store;
	struct http *http;
	struct mentor_cache *mentors;  /* aggregates that ingest updates */
	const struct check_engine *check;   /* posts that tag the user (NULL: unchecked) */
	const char *state_dir;         /* Bluesky session files live here (0600) */
};

/* A new ledger event, committed. Strings live until the callback returns. */
struct sched_activity {
	int64_t mentor_id;
	const char *kind;              /* ledger vocabulary: post, reply_to_me... */
	const char *platform, *url, *text;
	int64_t at;
	/* kind tagged_risk (mentor_id 0: a stranger's post): who posted it,
	 * the post's key and what the draft check found */
	const char *who, *post_key, *findings;
};

/* X's monthly budget: 80% of monthly_posts read (once a billing month), or
 * X waits for the next UTC day or the next billing month (once a wait). */
enum sched_x_news_kind { SCHED_X_WARN = 0, SCHED_X_WAIT_DAY, SCHED_X_WAIT_MONTH };
struct sched_x_news {
	enum sched_x_news_kind kind;
	int64_t read_month, monthly_posts;
	int64_t until;                 /* WAIT_*: unix s when X reads again */
};

/* News for the layers above. Every member may be NULL. */
struct sched_events {
	/* A committed event that is news (a first sync's events are history). */
	void (*activity)(void *data, const struct sched_activity *a);
	/* A first sync is complete: one summary. tag NULL: an account of mentor_id. */
	void (*history)(void *data, int64_t mentor_id, const char *tag, const char *platform,
	                unsigned posts);
	/* A manual round (sched_poll_now) started; it is done. */
	void (*round_begun)(void *data);
	void (*round_done)(void *data, unsigned polled, unsigned failed);
	/* What `status` shows moved without a store write (a poll that found
	 * nothing still moves LastPoll). */
	void (*counts_changed)(void *data);
	void (*x_budget)(void *data, const struct sched_x_news *n);
	void *data;
};

/* What `mentorctl status` shows per network. */
struct sched_status {
	char state[24];          /* "disabled", "idle", "polling", "paused", "auth-failed",
	                            "error" (the last request failed), "offline" (its host
	                            did not resolve) */
	int64_t last_poll;       /* unix seconds, 0 = never */
	int64_t next_poll;
	int64_t rate_remaining;  /* -1 = unknown */
	unsigned backfilling;    /* accounts whose past is still being read */
	char last_error[160];
	char fallback[256];      /* home servers read through the configured one: "a.example, b.example" */
};

/* X's billing month (GetXUsage): posts billed, the cap, the cost. */
struct sched_x_usage {
	bool enabled;            /* X is configured */
	int64_t posts_read_month;
	int64_t monthly_posts;   /* 0 = no cap */
	double cost_month;       /* dollars, at price_per_post */
	int64_t read_today, allowance_today;   /* allowance: -1 without a cap */
	int cap_reset_day;       /* 1-31 */
	char pace[16];           /* "on pace", "ahead", "over" */
};

/* Fills *out (from the store's counts); -ENOENT when there is no X. */
int sched_x_usage(struct sched *s, struct sched_x_usage *out);

/* With a cap on X: how often the mentor's X accounts were due for a read
 * this billing month (since mentord started), and how many of those reads
 * the allowance put off (to the next day). Both 0 without a cap. */
void sched_x_rounds(const struct sched *s, int64_t mentor_id, unsigned *rounds, unsigned *held);

int sched_new(struct sched **out, const struct sched_deps *deps, const struct sched_events *events);
void sched_free(struct sched *s);

/* Re-reads followed accounts, tags, credentials and intervals (after a
 * follow/track change or a configuration reload). Cheap to call often:
 * the work is deferred to the next loop turn and coalesced. */
void sched_reload(struct sched *s);

/* Called once the round started by sched_poll_now() has finished. */
typedef void (*sched_round_fn)(void *userdata, unsigned polled, unsigned failed);

/* Makes every target due now, skipping error backoff but never a rate-limit
 * window, and calls done (if not NULL) when all of them have finished.
 * Returns the number of targets in the round, or a negative errno. */
int sched_poll_now(struct sched *s, sched_round_fn done, void *userdata);

/* Drops a pending round callback (its owner is going away). */
void sched_forget_round(struct sched *s, void *userdata);

/* The status of the network at index i of the configuration (NULL past
 * the end). */
const struct sched_status *sched_status(const struct sched *s, size_t i);

#endif
