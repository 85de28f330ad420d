/* sched_internal.h — the scheduler's private state, shared by its files
 * (and by tests/unit/test_sched.c). The files stack one way, lowest first:
 *
 *   sched_state.c   the shared state: clock, jitter, errors, rate buckets,
 *                   lookups on hold, a target's removal, the wake-up
 *   sched_creds.c   tokens, app passwords, the Bluesky session, own id
 *   sched_lookup.c  what lookups answer: handles to stable ids
 *   sched_run.c     one target's requests and what its answers do
 *   sched.c         the target list, the timer, dispatch, manual rounds
 *
 * A lower file never calls a higher one: sched_run.c reports that a target
 * finished through s->target_done, which sched.c sets. */
#ifndef MENTORD_POLL_SCHED_INTERNAL_H
#define MENTORD_POLL_SCHED_INTERNAL_H

#include "poll/sched.h"
#include "net/net.h"

#include <stddef.h>

struct event;
struct http_handle;
struct config_platform;

#define SCHED_MAX_INFLIGHT   4      /* walks in flight per network */
#define SCHED_MAX_PLATFORMS  8
#define SCHED_REJOIN_USEC    1000000   /* at most one batch-joining rebuild a second */
#define SCHED_MAX_PAGES      20     /* pages per walk before it yields */
#define SCHED_BACKOFF_BASE   30     /* seconds, doubled per failure */
#define SCHED_BACKOFF_CAP    3600
#define SCHED_LOOKUP_HOLD    (6 * 3600)   /* a handle that does not exist is asked again after this */
#define SCHED_N_OPS          (NET_OP_SESSION_REFRESH + 1)

enum target_kind {
	TARGET_WALK,      /* ACCOUNT, BATCH, TAG, OWN, INTERACTIONS */
	TARGET_LOOKUP,    /* resolve followed handles to stable ids */
	TARGET_ME,        /* resolve the user's own handle */
	TARGET_SESSION,   /* Bluesky createSession / refreshSession */
};

struct sched_platform {
	struct sched *s;
	size_t index;                     /* in config.platforms */
	const struct config_platform *cfg;
	const struct net_platform *net;
	struct sched_status status;
	char *token;                      /* X bearer / Mastodon token: secret */
	char *password;                   /* Bluesky app password: secret */
	struct net_session session;       /* Bluesky: secret tokens */
	char *me_id;
	char *me_handle;
	int64_t paused_until;             /* the whole network; INT64_MAX = until reload */
	struct { int64_t remaining, reset; } bucket[SCHED_N_OPS];
	unsigned inflight;
	uint64_t sent;                    /* requests submitted so far: their sequence */
	uint64_t inflight_seq[16];        /* sequence numbers of requests in flight */
	bool me_wait;                     /* walks wait for the first lookup of `me` */
	struct { char *handle; int64_t until; } *failed;   /* lookups that found nothing */
	size_t n_failed;
};

struct sched_target {
	struct sched *s;
	struct sched_platform *p;
	enum target_kind kind;
	enum net_op op;
	char *key;                        /* watermark name: account:ID, tag:T, batch:H, own... */
	char *arg;                        /* ACCOUNT stable id, TAG tag */
	char **handles;                   /* BATCH, LOOKUP */
	char **members;                   /* BATCH: each member's watermark name, parallel */
	int64_t *account_ids;             /* LOOKUP: parallel to handles */
	size_t n_handles, n_used;
	int64_t interval, due;
	unsigned failures;
	bool running, dead, in_round, history;
	struct net_walk walk;
	struct http_handle *http;
	uint64_t seq;                     /* its request's place in p->sent */
};

struct sched {
	/* sched_deps */
	struct event_base *base;
	const struct clock *clock;
	const struct config *config;
	struct store *store;
	struct http *http;
	struct mentor_cache *mentors;
	char *state_dir;
	struct sched_events events;
	/* sched.c's end of a target (rounds, the next dispatch), for sched_run.c */
	void (*target_done)(struct sched_target *t, bool failed);

	struct sched_platform platforms[SCHED_MAX_PLATFORMS];
	size_t n_platforms;
	struct sched_target **targets;
	size_t n_targets;
	struct event *timer, *kick;
	bool reload_pending;
	/* Accounts whose first sync ended and that may join a batch. Every
	 * rebuild reads and sorts all targets, so these are folded into one
	 * rebuild per SCHED_REJOIN_USEC rather than one per account (O(n^2)
	 * over the first round of 5,000 accounts). */
	bool rejoin_pending;
	uint64_t last_reload_usec;
	bool round_active;
	unsigned round_polled, round_failed;
	struct { sched_round_fn fn; void *userdata; } *waiters;
	size_t n_waiters;
	uint64_t rng;
};

/* ---- sched_state.c ---- */
int64_t sched_now(const struct sched *s);
/* A value in [base*0.9, base*1.1] (integer seconds): spreads targets
 * that were due together. */
int64_t sched_jitter(struct sched *s, int64_t base);
void sched_set_error(struct sched_platform *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Runs dispatch (and a pending reload) on the next loop turn. */
void sched_kick(struct sched *s);
void sched_target_free(struct sched_target *t);
/* Unlists and frees a retired (dead) target whose request has ended. */
void sched_target_remove(struct sched_target *t);
const char *sched_target_label(const struct sched_target *t);
/* The rate bucket an operation draws on (all share one on some networks). */
static inline enum net_op sched_bucket(const struct sched_platform *p, enum net_op op)
{
	return p->net->rate_shared ? NET_OP_LOOKUP : op;
}
/* True when op may be sent at now; else *until is when its window resets. */
bool sched_bucket_open(const struct sched_platform *p, enum net_op op, int64_t now, int64_t *until);
/* A request of op is sent: one less in its bucket, in flight under the
 * sequence number returned. */
uint64_t sched_request_sent(struct sched_platform *p, enum net_op op);
/* Its answer (or its end) arrived: no longer in flight. */
void sched_request_ended(struct sched_platform *p, uint64_t seq);
/* The answer to request seq of op carried these rate headers. */
void sched_bucket_note(struct sched_platform *p, enum net_op op, uint64_t seq, const struct net_rate *rate);
/* Handles whose lookup found nothing are not asked again for a while. */
void sched_hold_handle(struct sched_platform *p, const char *handle, int64_t until);
bool sched_handle_held(const struct sched_platform *p, const char *handle, int64_t now);

/* ---- sched_creds.c ---- */
int sched_creds_load(struct sched_platform *p);
/* Every network: credentials read again, a stop for bad credentials lifted
 * (a reload is the user's answer to it), the configuration re-pointed. */
void sched_creds_reload(struct sched *s);
void sched_creds_clear(struct sched_platform *p);
/* Drops the login secrets after a refused login (until the next reload). */
void sched_creds_forget_login(struct sched_platform *p);
void sched_creds_net_config(const struct sched_platform *p, struct net_config *cfg);
/* True when the platform's session should be created or refreshed now. */
bool sched_creds_session_needed(const struct sched_platform *p, int64_t now, enum net_op *op);
/* Stores a new Bluesky session (memory and the 0600 session file). */
void sched_creds_session_store(struct sched_platform *p, struct net_session *fresh);
/* The server refused the session: its target runs now. */
void sched_creds_session_drop(struct sched_platform *p, bool refresh_dead);

/* ---- sched_lookup.c: handles to stable ids, the user's own id ---- */
/* Handles an answer; sets the target's next due time. */
void sched_lookup_page(struct sched_target *t, const struct net_page *page);
/* The single handle a lookup asked for does not exist: skip it for a while. */
void sched_lookup_failed(struct sched_target *t);

/* ---- sched_run.c ---- */
int sched_run_start(struct sched_target *t);

#endif
