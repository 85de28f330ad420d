/* sched_internal.h — the scheduler's private state, shared by its files
 * (and by tests/unit/test_sched.c). The files stack one way, lowest first:
 *
 *   sched_state.c   the shared state: clock, jitter, errors, rate budgets,
 *                   lookups on hold, a target's removal, the wake-up
 *   sched_creds.c   tokens, app passwords, the Bluesky session, own id
 *   sched_home.c    the server an account is read at: its home (Mastodon
 *                   user@domain), or the configured one in fallback; what
 *                   each server calls it (local ids)
 *   sched_lookup.c  what lookups answer: handles to stable ids
 *   sched_history.c back-fill: what an account's past still needs, and
 *                   its state, stored with each page
 *   sched_feed.c    the home feed: whom the user follows there, which
 *                   accounts it covers, its gaps and failures
 *   sched_xcap.c    X's monthly cap on posts read: what was billed, the
 *                   day's allowance, what a request may still bill
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
struct http_response;
struct config_platform;
struct store_followed;

#define SCHED_MAX_INFLIGHT   4      /* walks in flight per network */
#define SCHED_BATCH_USEC     10000  /* pages gathered into one transaction for this long */
#define SCHED_BATCH_PAGES    64     /* or until this many */
#define SCHED_MAX_PLATFORMS  8
#define SCHED_REJOIN_USEC    1000000   /* at most one batch-joining rebuild a second */
#define SCHED_MAX_PAGES      20     /* pages per walk before it yields */
#define SCHED_BACKOFF_BASE   30     /* seconds, doubled per failure */
#define SCHED_BACKOFF_CAP    3600
#define SCHED_LOOKUP_HOLD    (6 * 3600)   /* a handle that does not exist is asked again after this */

enum target_kind {
	TARGET_WALK,      /* ACCOUNT, BATCH, TAG, OWN, INTERACTIONS */
	TARGET_LOOKUP,    /* resolve followed handles to stable ids */
	TARGET_ME,        /* resolve the user's own handle */
	TARGET_SESSION,   /* Bluesky createSession / refreshSession */
	TARGET_HISTORY,   /* back-fill of one account: a page at a time, downwards */
	TARGET_FOLLOW_CHECK, /* whether the user follows accounts on the network (home feed) */
};

/* One rate budget as the network keys it (X an endpoint, Mastodon an
 * instance, Bluesky a host): the last answer's count less what was sent
 * since, and a window a 429 closed. Allocated one by one, so targets may
 * keep a pointer; freed with the platform. */
struct sched_rate {
	char key[NET_RATE_KEY_MAX];
	int64_t limit, remaining, reset;  /* -1, -1, 0: unknown */
	int64_t held_until;               /* nothing is sent on it before then */
};

/* One account the network was asked about (store_feed_row in memory). */
struct sched_feed_row {
	char *id;
	bool following, joined;
	int64_t checked;
};

/* The home feed of one network (sched_feed.c). Built again with every
 * target list; rows and own sorted by id. */
struct sched_feed {
	bool usable;                      /* configured, credentials there, last build */
	struct sched_feed_row *rows;      /* what the store says of each asked account */
	size_t n_rows;
	char **own;                       /* followed accounts read one by one: their posts in
	                                     the feed are left to their own walks */
	size_t n_own, cap_own;
	char **check, **check_sent;       /* to ask about: stable ids, the ids sent */
	size_t n_check, cap_check;
	unsigned covered;                 /* accounts read through the feed */
	int64_t down_until;               /* it failed: everyone one by one until then */
};

/* X's posts billed (sched_xcap.c): the store's counts of this billing
 * month, cached for the current UTC day, and what requests in flight may
 * still bill. */
struct sched_xcap {
	int64_t day;                      /* the UTC day the counts are of; 0: not read */
	int64_t before_today, today;      /* posts billed this month before today, today */
	int64_t reserved;                 /* the worst case of the requests in flight */
	int64_t month;                    /* the first day of the month the counts are of */
	int64_t others;                   /* what X counts beyond mentord's reads this month (other
	                                     apps of the project): project_usage less mentord's
	                                     count when X said it */
	int64_t waited;                   /* the last day the announced wait covers (store) */
	bool warned;                      /* the month's 80% notification went out (store) */
	int api_reset_day;                /* cap_reset_day as /2/usage/tweets said it; 0: unknown */
};

/* X's own count asked every few hours (sched_xrecon.c). */
struct sched_xrecon {
	struct event *timer;
	struct http_handle *http;         /* the request in flight */
	struct sched_rate *rate;          /* its own budget: 50 requests per 15 min */
	bool refused;                     /* a 403 (a plan without it) was logged */
	bool cap_told;                    /* project_cap below monthly_posts was logged */
	int logged;                       /* the trouble last logged, + 2 (0: none; 1: transport;
	                                     else a net_status): each once until an answer */
};

struct sched_platform {
	struct sched *s;
	size_t index;                     /* in config.platforms */
	const struct config_platform *cfg;
	const struct net_platform *net;
	struct sched_status status;
	char *token;                      /* X bearer / Mastodon token: secret */
	char *password;                   /* Bluesky app password: secret */
	struct net_session session;       /* Bluesky: secret tokens; X: the user token */
	bool user_token_unsaved;          /* X: refreshed, but the file still holds the old one */
	char *me_id;
	char *me_handle;
	int64_t paused_until;             /* the whole network; INT64_MAX = until reload */
	struct sched_rate **rates;        /* every key seen */
	size_t n_rates;
	unsigned inflight;
	uint64_t sent;                    /* requests submitted so far: their sequence */
	uint64_t inflight_seq[16];        /* sequence numbers of requests in flight */
	const struct sched_rate *inflight_rate[16];   /* and the window each spends */
	bool me_wait;                     /* walks wait for the first lookup of `me` */
	bool failing, offline;            /* the last answer was a failure (a host that does not resolve) */
	struct { char *handle; int64_t until; } *failed;   /* lookups that found nothing */
	size_t n_failed;
	char *me_local;                   /* me_id as the configured server calls it (its URLs) */
	char *own_server;                 /* the configured server's name: api_base's authority */
	struct sched_fallback *fallback;  /* home servers read through the configured one */
	size_t n_fallback;
	struct sched_feed feed;
	struct sched_xcap xcap;
	struct sched_xrecon xrecon;
};

/* A home server that refused public reads, answered nothing, or could not
 * be reached: its accounts are read through the configured server until. */
struct sched_fallback {
	char *name;
	int64_t until;
	char why[64];
};

#define SCHED_FALLBACK_RETRY (6 * 3600)   /* a server in fallback is tried again after this */
#define SCHED_SERVER_MAX     300

/* Where a target's next request goes. */
/* Allocated, not arrays of SCHED_SERVER_MAX: a target per account and one
 * per back-fill, 30,000 in a first sync at 5,000 accounts a network, held
 * 600 bytes each of mostly empty buffers (docs/PERFORMANCE.md). NULL until
 * picked (sched_home_pick); sched_target_free frees them. */
struct sched_server {
	bool home;                        /* the account's own server, not the configured one */
	char *name;                       /* "a.example", "b.example:8443" */
	char *base;                       /* its base URL (instance_override: that one) */
};
/* Forgets the picked server (names freed, home false). */
void sched_home_server_clear(struct sched_server *sv);

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
	struct sched_rate *rate;          /* the budget its requests draw on */
	int64_t mentor_id;                /* ACCOUNT, HISTORY: whose account */
	int64_t window;                   /* ACCOUNT, HISTORY: seconds of past to back-fill */
	int64_t since, loaded;            /* HISTORY: down to this time; posts stored so far */
	char *token;                      /* HISTORY: next older page ("": from the newest) */
	struct sched_server server;       /* ACCOUNT, HISTORY, LOOKUP: where the request goes */
	char *local_id;                   /* ACCOUNT, HISTORY: the account as server calls it */
	bool find_local;                  /* the request is the lookup of local_id */
	char *home_refused;               /* the id its home did not know: read it elsewhere */
	int64_t home_posts;               /* posts its home says it has (this run); -1 unknown */
	int64_t started;                  /* WALK: when its walk began (joining the home feed) */
	char **asked, **asked_sent;       /* FOLLOW_CHECK: the ids of the request in flight */
	size_t n_asked;
	int64_t billed_reserved;          /* X: what its request in flight may bill */
	int64_t x_month;                  /* X with a cap: the billing month of the counts below */
	unsigned x_rounds, x_held;        /* walks begun this month, and those the allowance put off */
};

struct sched {
	/* sched_deps */
	struct event_base *base;
	const struct clock *clock;
	const struct config *config;
	struct store *store;
	struct http *http;
	struct mentor_cache *mentors;
	const struct check_engine *check;
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
	/* Rebuilds that may wait: accounts whose first sync ended (they may
	 * join a batch, or start a back-fill) and back-fills that ended. Every
	 * rebuild reads and sorts all targets, so these are folded into one
	 * rebuild per SCHED_REJOIN_USEC, or per ten times the last rebuild's
	 * cost when that is longer, rather than one per account (O(n^2) over
	 * the first sync of 5,000 accounts a network: docs/PERFORMANCE.md). A
	 * round does not end with one pending. */
	bool rejoin_pending;
	uint64_t last_reload_usec;
	uint64_t last_reload_cost_usec;
	bool round_active;
	unsigned round_polled, round_failed;
	struct { sched_round_fn fn; void *userdata; } *waiters;
	size_t n_waiters;
	uint64_t rng;
	/* Walk and back-fill pages gathered to be written together (sched_run.c). */
	struct { struct page_job **v; size_t n, cap; struct event *ev; } batch;
};

/* ---- sched_xcap.c: X's monthly cap ---- */
/* True when p is X with a cap set. */
bool sched_xcap_on(const struct sched_platform *p);
/* What the next request of p may bill: 0 without a cap, else the day's
 * allowance less what was billed and what is in flight (-1: nothing). */
int64_t sched_xcap_budget(struct sched_platform *p, int64_t now);
/* Counts a page's billed posts in the open transaction; *added is given to
 * sched_xcap_counted once it commits. */
int sched_xcap_count(struct sched_platform *p, const struct net_page *page, int64_t now, int64_t *added);
void sched_xcap_counted(struct sched_platform *p, int64_t now, int64_t added);
/* With a cap, X reads one page at a time, so the allowance goes to the
 * first in line: true while one is in flight (t waits, as for the
 * in-flight limit). */
bool sched_xcap_busy(const struct sched_target *t);
void sched_xcap_reserve(struct sched_target *t, int64_t billed_max);
void sched_xcap_release(struct sched_target *t);
/* When X may try again: the start of the next UTC day, when a spent
 * allowance renews (logged once a day); a second on while requests in
 * flight hold part of it back. */
int64_t sched_xcap_tomorrow(struct sched_platform *p, int64_t now);
/* With a cap, a copy of s->targets where X's (contiguous: the list is
 * sorted by network) are in the order the relationships rank them: the
 * user's own mentions first, mentors by stage (connected first) and
 * strength, other accounts, hashtags, back-fill. 0 (*out NULL): no cap. */
int sched_xcap_order(struct sched *s, int64_t now, struct sched_target ***out);
/* A walk of t begins (round) or X's allowance puts it off (held, at its
 * start or part way): counted per billing month for `why`. */
void sched_xcap_round(struct sched_target *t, int64_t now, bool held);
/* This billing month so far, for GetXUsage. */
void sched_xcap_usage(struct sched_platform *p, int64_t now, struct sched_x_usage *out);
/* The day X's billing month starts: the configuration's, else what
 * /2/usage/tweets said (0: the 1st). */
int sched_xcap_reset_day(const struct sched_platform *p);
/* X's own count of the project's month (and its reset day, 0: not said)
 * arrived: the larger of it and mentord's own is what counts, and what X
 * counts beyond mentord's reads (other apps) stays counted as mentord
 * reads on. Stored, so a restart keeps it. */
void sched_xcap_reported(struct sched_platform *p, int64_t now, int64_t project_usage, int reset_day);

/* ---- sched_xrecon.c: X's own count, every few hours ---- */
#define SCHED_XRECON_FIRST  5             /* seconds after start: after the first requests */
#define SCHED_XRECON_EVERY  (4 * 3600)
/* Arms (or, without X, a cap or its token, disarms) the reconciliation. */
void sched_xrecon_update(struct sched_platform *p);
void sched_xrecon_clear(struct sched_platform *p);

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
/* For people: "account 123", "hashtag #meded", "lookup of doc1", "own posts". */
const char *sched_target_what(const struct sched_target *t, char *buf, size_t size);
/* The budget of key on p, created when first seen; NULL only without memory. */
struct sched_rate *sched_rate_get(struct sched_platform *p, const char *key);
void sched_rates_clear(struct sched_platform *p);
/* True when r may be used at now; else *until is when it may. NULL: open. */
bool sched_rate_open(const struct sched_rate *r, int64_t now, int64_t *until);
/* Nothing more on r until `until` (a 429, a refusal). */
void sched_rate_hold(struct sched_rate *r, int64_t until);
/* A request on r is sent: one less left, in flight under the sequence
 * number returned. */
uint64_t sched_request_sent(struct sched_platform *p, struct sched_rate *r);
/* Sends a request a network built (req: its method, headers and body) with
 * gate asked before it leaves (NULL: none) and done called with userdata;
 * *out is its handle. req is scrubbed (headers and bodies may hold tokens
 * and passwords) and cleared in any case. http_submit's errors. */
int sched_submit(struct sched *s, struct net_request *req, bool (*gate)(void *userdata),
                 void (*done)(struct http_response *resp, void *userdata), void *userdata,
                 struct http_handle **out);
/* Its answer (or its end) arrived: no longer in flight. */
void sched_request_ended(struct sched_platform *p, uint64_t seq);
/* The answer to request seq on r carried these rate headers. */
void sched_rate_note(struct sched_platform *p, struct sched_rate *r, uint64_t seq, const struct net_rate *rate,
		     int64_t now);
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

/* ---- sched_home.c: reading accounts at their own servers ---- */
/* Picks t->server for an account (or handle) id: its home, unless the
 * network has one server, the home is in fallback or refused t. */
int sched_home_pick(struct sched_target *t, const char *id);
/* cfg (from sched_creds_net_config) pointed at t->server. */
void sched_home_config(const struct sched_target *t, struct net_config *cfg);
/* What t->server calls t's account, into t->local_id: 1; 0 when it must
 * be looked up first (t->find_local is set); -errno. Networks with one
 * server: the stable id itself. */
int sched_home_local_id(struct sched_target *t);
/* A lookup at t->server answered a (in the caller's transaction). */
int sched_home_learn(struct sched_target *t, const struct net_account *a);
/* Reads of accounts at server go through the configured one for a while. */
void sched_home_fallback(struct sched_platform *p, const char *server, const char *why);
bool sched_home_in_fallback(struct sched_platform *p, const char *server, int64_t now);
/* An answer from a home server that means "read elsewhere": true when it
 * was taken (fallback set, t due again now). result: the transfer's
 * outcome (0: an HTTP answer), err: its classification, n_posts: posts
 * of a statuses page, -1 for other answers. */
bool sched_home_refused(struct sched_target *t, bool unreachable, const struct net_error *err, long n_posts);
/* "a.example, b.example" of the servers in fallback now. */
void sched_home_status(struct sched_platform *p, int64_t now, char *out, size_t size);
void sched_home_clear(struct sched_platform *p);

/* ---- sched_lookup.c: handles to stable ids, the user's own id ---- */
/* Handles an answer; sets the target's next due time. */
void sched_lookup_page(struct sched_target *t, const struct net_page *page);
/* The single handle a lookup asked for does not exist: skip it for a while. */
void sched_lookup_failed(struct sched_target *t);

/* ---- sched_history.c ---- */
/* What back-fill an account (its watermark name key) needs now, from the
 * stored state: 1 with since, loaded and a token (caller frees; "": from
 * the newest post) when a history target should run, 0 when none. */
int sched_history_plan(struct sched_platform *p, const struct store_followed *a, const char *key,
                       int64_t window, int64_t now, int64_t *since, int64_t *loaded, char **token);
/* The seconds of past an account wants back-filled. */
int64_t sched_history_window(const struct sched *s, int64_t account_history);
/* A first sync's page: starts the account's back-fill below it (in the
 * caller's transaction). Returns 1 when more is to be read, 0 when the
 * first page was all there is (or no back-fill is wanted), -errno. */
int sched_history_start(struct sched_target *t, unsigned posts_new);
/* A history page's state (in the caller's transaction): 1 when more is to
 * be read, 0 when done. */
int sched_history_advance(struct sched_target *t, unsigned posts_new);
/* Back-fill leaves (100 - history_share)% of each window to refreshes:
 * false with *until (the window's reset) when t must wait. */
bool sched_history_may_spend(const struct sched_target *t, int64_t now, int64_t *until);

/* ---- sched_feed.c: the home feed ---- */
/* A rebuild begins: the feed's rows read again, its lists emptied. */
int sched_feed_begin(struct sched_platform *p);
/* True when account a's new posts come from the feed (no walk of its own);
 * else it is noted as read one by one, and to be asked about when due. */
bool sched_feed_covers(struct sched_platform *p, const struct store_followed *a);
/* The user follows the account there (the feed may read it) as far as the
 * last rebuild knows. */
bool sched_feed_followed(const struct sched_platform *p, const char *stable_id);
/* The rebuild is done: true when the feed target belongs in the list (the
 * user follows someone there). */
bool sched_feed_end(struct sched_platform *p);
/* Hands the accounts to ask about to a FOLLOW_CHECK target (its handles and
 * members); 0 when there are none. */
size_t sched_feed_take_checks(struct sched_platform *p, char ***stable, char ***sent);
int sched_feed_build_follow_check(struct sched_target *t, const struct net_config *cfg,
                               struct net_request *req);
/* An answer to FOLLOW_CHECK, stored: 1 when another batch is to be asked,
 * 0 when all were (a rebuild is pending), -errno. */
int sched_feed_following_page(struct sched_target *t, const struct net_page *page);
/* The posts of a feed page to ingest (pointers into page, caller frees
 * the array): everything but the posts of accounts read one by one. */
int sched_feed_filter(const struct sched_platform *p, const struct net_page *page,
                      struct post **out, size_t *n);
/* In the caller's transaction: an account's own walk or a batch's ended
 * (they may join the feed); the feed's walk ended with a gap (everyone
 * catches up). */
int sched_feed_walked(struct sched_target *t);
int sched_feed_gap(struct sched_target *t);
/* The feed's walk starts: after a failure, its accounts come back to it. */
void sched_feed_starting(struct sched_target *t);
/* The feed's request failed (not a rate limit): its accounts are read one
 * by one for a round. */
void sched_feed_failed(struct sched_target *t, const char *why);
void sched_feed_clear(struct sched_platform *p);

/* ---- sched_run.c ---- */
int sched_run_start(struct sched_target *t);
/* Drops the pages still waiting for this turn's batch (at shutdown). */
void sched_run_finish(struct sched *s);
/* Points t at the budget its next request draws on (-ENOMEM, -EINVAL). */
int sched_target_rate(struct sched_target *t);

#endif
