/* fakeapi.h — the contract between the files of the fake X API v2 / Mastodon /
 * Bluesky server (built as build/tests/fakeapi; docs/FAKEAPI.md).
 *
 * Layout. The core knows HTTP, the scenario and the fault scripts but no
 * network's paths or JSON; each network is one file that fills a struct
 * fake_net (its routes, endpoints, rate buckets and the hooks the core calls
 * where answers differ per network) and registers it in FAKE_NETS below.
 *
 *   util.c buf.c jw.c clock.c   memory, numbers, byte buffer, JSON writer, time
 *   world.c                     the deterministic scenario: accounts, posts
 *   index.c                     what is stored: tag/mention/notification
 *                               indexes and posts added at run time
 *   render.c                    what every network renders alike: post text
 *                               segments, wrong-type fields, metrics
 *   stream.c                    time-ordered streams cut into pages
 *   rq.c                        one request: query, headers, the answer body
 *   limits.c                    rate buckets, 429s, Bluesky session tokens
 *   script.c                    scripted rules: which applies, what it replaces
 *   deliver.c                   sending an answer: at once, late, slowly, cut,
 *                               oversized or never
 *   control.c                   the /_fake/ control API
 *   net.c                       the list of networks, endpoint numbering
 *   main.c                      options, connections, dispatch, main
 *   oauth.c                     logging in: Mastodon apps/OAuth, X OAuth 2.0 PKCE
 *   follows.c                   whom "me" follows, organisations among them
 *   x.c mastodon.c bluesky.c    one network each (Mastodon's several
 *   mastodon_inst.c mastodon.h  instances in a second file, sharing a header)
 *   feed.c                      whom me follows, home timelines' windows
 *                               (the networks' files render them)
 *
 * Functions shared between files carry their file's name as a prefix
 * (mastodon_inst.c: minst_). */
#ifndef FAKEAPI_H
#define FAKEAPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#define MAX_TAGS       32
#define CONN_BUCKETS   1024
#define DAY_MS         86400000LL
#define MAX_EP         64       /* endpoints of all networks, plus "unknown" */
#define MAX_BUCKETS    64       /* rate buckets of all networks and their views */
#define MAX_VIEWS      16       /* views of one network (Mastodon instances) */
#define MAX_HEAVY      64       /* accounts given their own post count (--heavy) */

/* The networks. A network's index is mixed into every generated value and
 * orders its data, counters and listings, so this order is part of the
 * scenario: append, never reorder. Adding a network = a file that defines
 * `const struct fake_net <file>_net` and one entry here. */
#define FAKE_NETS(_) _(NET_X, x_net) _(NET_M, mastodon_net) _(NET_B, bluesky_net)

#define FAKE_NET_ENUM(id, table) id,
enum net { FAKE_NETS(FAKE_NET_ENUM) NNET };   /* NNET: control and unclaimed paths */
#undef FAKE_NET_ENUM

struct fake;
struct rq;
struct rule;
struct pending;
struct conn;

/* ------------------------------------------------ util.c */

void *util_malloc(size_t n);
void *util_realloc(void *p, size_t n);
char *util_strdup(const char *s);
uint64_t util_mix64(uint64_t x);
bool util_parse_u64(const char *s, uint64_t *out);
bool util_parse_long(const char *s, long *out);
extern const char util_b32[];
void util_b32_fill(char *out, size_t n, uint64_t seed);
char *util_read_file(const char *path);
const char *util_jstr(const cJSON *o, const char *k);
bool util_jnum(const cJSON *o, const char *k, long *out);
bool util_host_match(const char *name, const char *host);

/* ------------------------------------------------ buf.c */

struct buf {
	char *p;
	size_t len, cap;
};

void buf_reserve(struct buf *b, size_t extra);
void buf_add(struct buf *b, const char *s, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_free(struct buf *b);

/* ------------------------------------------------ jw.c */

struct jw {
	struct buf *b;
	int depth;
	bool first[64];
	bool after_key;
	bool astral_escape;   /* X escapes non-BMP characters as surrogate pairs */
};

void jw_obj(struct jw *j);
void jw_arr(struct jw *j);
void jw_end(struct jw *j);
void jw_aend(struct jw *j);
void jw_key(struct jw *j, const char *k);
void jw_str(struct jw *j, const char *s);
void jw_int(struct jw *j, long long v);
void jw_raw(struct jw *j, const char *literal);
void jw_kstr(struct jw *j, const char *k, const char *v);
void jw_kint(struct jw *j, const char *k, long long v);
void jw_kbool(struct jw *j, const char *k, bool v);
void jw_knull(struct jw *j, const char *k);
void jw_kraw(struct jw *j, const char *k, const char *v);
void jw_kobj(struct jw *j, const char *k);
void jw_karr(struct jw *j, const char *k);

/* ------------------------------------------------ clock.c */

int64_t clock_real_ms(void);
int64_t clock_real_us(void);
void clock_iso_ms(int64_t ms, char out[32]);
void clock_iso_us(int64_t ms, char out[40]);
void clock_iso_date(int64_t ms, char out[16]);
bool clock_parse_iso(const char *s, int64_t *ms);
bool clock_parse_arg(const char *s, int64_t *ms);
int64_t clock_now(struct fake *f);

/* ------------------------------------------------ world.c, index.c: the scenario */

enum ptype { P_ORIG, P_REPLY, P_QUOTE, P_REPOST };
enum ntype { N_REPLY, N_MENTION, N_QUOTE, N_REPOST, N_LIKE, N_FOLLOW };

struct post {
	int net;
	uint32_t a, j;
	int64_t t;              /* created, ms */
	uint8_t type;           /* enum ptype */
	int32_t mention;        /* account mentioned in the text, -1 none */
	int32_t tgt_a, tgt_j;   /* reply/quote/repost target, -1 none */
	uint8_t ntags, tags[3];
	const char *text;       /* words of an added post, or NULL: generated */
	uint64_t seed;
	uint8_t parent_view;    /* Bluesky feed-level parent: 0 post, 1 notFound, 2 blocked */
};

struct ref { int64_t t; uint32_t a, j; };                /* a post, by time */
struct refvec { struct ref *v; size_t n, cap; };

struct xpost {                                           /* a post added at run time */
	int64_t t;
	uint8_t type, ntags, tags[3];
	int32_t mention, tgt_a, tgt_j;
	char *text;
};
struct xpostvec { struct xpost *v; size_t n, cap; };

struct notif { int64_t t; uint8_t type; uint32_t from; int32_t j, my_j; };
struct notifvec { struct notif *v; size_t n, cap; };

struct netdata {
	struct refvec tags[MAX_TAGS];   /* posts carrying each tag (reposts excluded) */
	struct refvec *mentions;        /* [a]: posts replying to, quoting or mentioning a */
	struct xpostvec *extras;        /* [a]: posts added at run time */
	struct notifvec notifs;         /* interactions with me */
	int64_t seen_at;                /* Bluesky updateSeen, 0 = never */
	int64_t last_added_t;           /* time of the newest post added at run time */
};

uint32_t world_nacc(const struct fake *f);
uint64_t world_hash(const struct fake *f, int net, uint64_t a, uint64_t j, uint64_t salt);
void world_acct_name(const struct fake *f, uint32_t a, char out[24]);
void world_display_name(const struct fake *f, uint32_t a, char out[64]);
bool world_acct_by_name(const struct fake *f, const char *s, uint32_t *a);
void world_did_of(const struct fake *f, uint32_t a, char out[40]);
bool world_acct_by_actor(const struct fake *f, const char *actor, uint32_t *a);
uint32_t world_gen_count(const struct fake *f, uint32_t a);
int64_t world_gen_time(const struct fake *f, int net, uint32_t a, uint32_t j);
uint32_t world_total_count(const struct fake *f, int net, uint32_t a);
int64_t world_post_time(const struct fake *f, int net, uint32_t a, uint32_t j);
uint32_t world_count_upto(const struct fake *f, int net, uint32_t a, int64_t t);
uint8_t world_quick_type(const struct fake *f, int net, uint32_t a, uint32_t j);
int32_t world_pick_target(const struct fake *f, int net, uint32_t b, int64_t t, uint64_t h);
void world_post_get(const struct fake *f, int net, uint32_t a, uint32_t j, struct post *p);
bool world_post_by_time(const struct fake *f, int net, uint32_t a, int64_t t, int64_t now, uint32_t *j);

void index_build(struct fake *f);
void index_free(struct fake *f);
void index_refvec_push(struct refvec *v, int64_t t, uint32_t a, uint32_t j);
int index_tag_find(const struct fake *f, const char *name);
int index_tag_add(struct fake *f, const char *name);
size_t index_refs_visible(const struct refvec *v, int64_t now);
uint32_t index_add_post(struct fake *f, int net, uint32_t a, uint8_t type, int32_t tgt_a, int32_t mention,
			const int *tags, int ntags, const char *text, int64_t now);
void index_add_event(struct fake *f, int net, uint32_t from, uint8_t type, int64_t now);

/* ------------------------------------------------ follows.c */

/* An organisation's name (true), else out untouched. */
bool follows_name(const struct fake *f, uint32_t a, char out[64]);
/* a's bio: an organisation's, a varied person's (--orgs), else usual. */
const char *follows_bio(const struct fake *f, uint32_t a, const char *usual);
bool follows_bot(const struct fake *f, uint32_t a);
bool follows_group(const struct fake *f, uint32_t a);
/* me follows every other account: how many, and the i-th (newest first).
 * Pages of it hold at most FOLLOWS_PAGE (fewer than asked, as servers may
 * answer), so that a dozen accounts already take several pages. */
#define FOLLOWS_PAGE 5
size_t follows_count(const struct fake *f);
uint32_t follows_at(const struct fake *f, size_t i);

/* ------------------------------------------------ the server's state */

struct bucket {
	char name[160];                 /* "x.users_tweets", "mastodon.api@a.example" */
	int net, view, local;           /* its network, view and index in fake_net.buckets */
	bool unmatched, shared;         /* as declared (struct fake_bucket) */
	long limit, window_s, remaining;
	int64_t reset_s;                /* epoch seconds; 0 = window not started */
	int64_t announced_s;            /* the latest reset a 429 for it announced (epoch s) */
	int64_t held_s;                 /* a "hold" rule: every request gets 429 until then */
};

struct token { char *s; bool refresh, revoked; int64_t exp_ms; };

struct stats {
	uint64_t requests, control, by_ep[MAX_EP], ep_429[MAX_EP], by_net[NNET + 1];
	uint64_t status[600], rate_limited, scripted, bytes_out, conns_total;
	uint64_t over[MAX_BUCKETS];  /* per bucket: requests refused for a spent window */
	uint64_t after_429[MAX_BUCKETS];  /* per bucket: requests for it inside a window a 429 announced */
	uint64_t after_429_read[MAX_BUCKETS];  /* ... on a connection that had carried that 429 */
	unsigned conns_open, conns_max, inflight, inflight_max;
};

struct fake {
	/* scenario parameters */
	uint64_t seed;
	uint32_t naccounts, nposts, nmyposts, nengaged;
	uint32_t norgs;              /* --orgs: the last accounts are organisations (follows.c) */
	struct { uint32_t a, n; } heavy[MAX_HEAVY];   /* --heavy NAME=COUNT: a's posts instead of --posts */
	int nheavy;
	int64_t span_ms, end_ms;
	char *tags[MAX_TAGS];
	int ntags, ntags_gen;
	char tco[16];                /* the fake t.co link suffix */
	uint64_t did_mask;
	/* auth */
	const char *x_token, *m_token, *b_password;
	long b_access_ttl_s;
	/* server */
	int port;
	const char *port_file, *script_file;
	bool verbose, gzip;
	long hang_max_ms;
	char base_url[64];
	struct event_base *base;
	struct evhttp *http;
	/* clock */
	bool frozen;
	int64_t frozen_ms, offset_ms;
	int64_t scale;               /* > 1: a fast clock, scale_base_ms at real anchor_real_us */
	int64_t scale_base_ms, anchor_real_us;
	const char *clock_file;
	struct timespec clock_mtime;
	/* state */
	struct netdata nd[NNET];
	struct bucket buckets[MAX_BUCKETS];   /* every network's, in network order, view after view */
	int nbuckets;
	int bucket_base[NNET + 1];            /* where each network's buckets start */
	void *net_state[NNET];                /* a network's own state (fake_net.setup) */
	struct token *tokens;
	size_t ntokens, cap_tokens;
	uint64_t token_serial;
	struct oauth *oauth;                  /* logins (oauth.c), NULL until the first */
	struct feed *feed;                    /* feed.c: whom me follows, home windows */
	struct rule *rules;
	struct pending *pendings;
	struct conn *conns[CONN_BUCKETS];
	struct stats st;
};

/* ------------------------------------------------ xbill.c */

/* X's billing as X counts it: post id once per UTC day (fake clock). */
void xbill_note(struct fake *f, uint64_t id);
void xbill_stats(struct jw *j, struct fake *f);
void xbill_free(struct fake *f);
/* GET /2/usage/tweets (auth and limits checked): project_usage is what the
 * fake billed plus the "other apps" offset. */
void xbill_usage(struct rq *r);
/* /_fake/x_usage: GET the settings; POST ?offset=N (posts other apps of the
 * project read; negative: X's count lags), ?reset_day=D (cap_reset_day, 0: left out), ?cap=N. */
bool xbill_ctl_serve(struct rq *r, const char *path);

/* ------------------------------------------------ render.c */

/* what one response is rendered with */
struct rctx {
	struct fake *f;
	int net;
	struct jw *j;
	int64_t now;
	bool authed;          /* Mastodon: a user token was sent (viewer fields appear) */
	int view;             /* the view answering (Mastodon: the instance) */
	unsigned tf, ex, uf;  /* X: tweet.fields, expansions, user.fields */
	bool ids_numeric;     /* script "wrong_types": ids as numbers */
	bool nulls;           /* script "wrong_types"/"nulls": text fields null */
};

/* A post's text is a list of segments (words, mentions, hashtags, a link)
 * that each network serialises its own way. */
enum segk { S_WORD, S_TEXT, S_MENTION, S_TAG, S_LINK };
struct seg { uint8_t k; int32_t v; const char *s; };
struct segs { struct seg s[48]; int n; };

void render_compose(const struct fake *f, const struct post *p, struct segs *sg);
void render_html_escape(struct buf *b, const char *s, bool quotes);
void render_kid(struct rctx *c, const char *k, const char *id);
void render_ktext(struct rctx *c, const char *k, const char *s);
void render_metrics(const struct post *p, long m[6]);

/* ------------------------------------------------ rq.c: one request */

struct rq {
	struct fake *f;
	struct evhttp_request *req;
	int net;                  /* NET_* or NNET for control and unclaimed paths */
	int ep;                   /* global endpoint number (net.c) */
	char path[512];           /* raw path without the query */
	struct evkeyvalq q;       /* decoded query parameters */
	int status;
	struct buf body;
	const char *ctype;
	struct rule *rule;        /* script rule applied to this request, if any */
	struct jw j;
	struct rctx rc;
	int view;                 /* the view (Mastodon instance) that answers it, 0 by default */
	int64_t now;
	bool dup, shuffle;        /* script: duplicated / out-of-order items */
	bool wrong_container;     /* script: object where an array belongs */
};

const char *rq_param(struct rq *r, const char *k);
const char *rq_header(struct rq *r, const char *k);
void rq_add_header(struct rq *r, const char *k, const char *v);
void rq_add_headerf(struct rq *r, const char *k, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
const char *rq_bearer(struct rq *r);
void rq_json(struct rq *r, int status);
void rq_raw(struct rq *r, int status, const char *ctype, const char *text);
void rq_error(struct rq *r, int status);
cJSON *rq_body_json(struct rq *r);

/* ------------------------------------------------ stream.c */

enum stream_kind { ST_ACCOUNT, ST_REFS, ST_NOTIFS };
enum { F_NO_REPLIES = 1, F_NO_REPOSTS = 2, F_ONLY_ORIG = 4 };

struct stream {
	struct fake *f;
	int kind, net;
	uint32_t a;                  /* ST_ACCOUNT */
	const struct refvec *rv;     /* ST_REFS */
	size_t n;                    /* visible items, oldest first */
	size_t first;                /* items before it are out of reach (X's 3,200) */
	unsigned filter;             /* F_* for posts */
	unsigned type_mask;          /* ST_NOTIFS: 1 << enum ntype allowed */
	int64_t min_t;               /* items older than this are out of range */
	int32_t author;              /* ST_REFS: only this author, -1 any */
	int view;                    /* whose ids order the items (fake_net.post_order) */
	int64_t now;                 /* the stream's "now" */
	/* a network's own filter on posts (Mastodon: what an instance knows), or NULL */
	bool (*keep)(const struct stream *s, int64_t t, uint32_t a);
};

struct page {
	size_t *idx;          /* newest first */
	size_t n;
	bool more_older, more_newer;
};

void stream_post(const struct stream *s, size_t i, struct post *p);
int64_t stream_time(const struct stream *s, size_t i);
uint64_t stream_key(const struct stream *s, size_t i);
void stream_account(struct stream *s, struct fake *f, int net, uint32_t a, int64_t now);
void stream_refs(struct stream *s, struct fake *f, int net, const struct refvec *rv, int64_t now);
void stream_notifs(struct stream *s, struct fake *f, int net, int64_t now);
size_t stream_after(const struct stream *s, uint64_t k);
size_t stream_from(const struct stream *s, uint64_t k);
void stream_select(const struct stream *s, const uint64_t *lo, const uint64_t *hi, size_t limit,
		   bool oldest_above, struct page *pg);
void stream_mangle(struct rq *r, struct page *pg);

/* ------------------------------------------------ limits.c */

void limits_init(struct fake *f);
void limits_roll(struct bucket *b, int64_t now);
bool limits_open(struct bucket *b, int64_t now);
int limits_select(struct fake *f, const char *name, struct bucket **out, int max);
struct bucket *limits_bucket(struct rq *r, int local);
struct bucket *limits_endpoint_bucket(struct rq *r);
void limits_arrival(struct rq *r);
void limits_headers(struct rq *r, const struct bucket *b);
int64_t limits_too_many(struct rq *r, struct bucket *b, long reset_in_s);
void limits_hold(struct bucket *b, int64_t until_s);
void limits_refuse(struct rq *r, struct bucket *b);
bool limits_check(struct rq *r, int local);
const char *limits_token_new(struct fake *f, bool refresh, int64_t now);
struct token *limits_token_find(struct fake *f, const char *s);

/* ------------------------------------------------ script.c */

enum action {
	A_STATUS, A_429, A_HTML, A_RAW, A_EXPIRED, A_HANG, A_DROP, A_BIG,      /* replace the answer */
	A_DELAY, A_TRICKLE, A_TRUNCATE, A_CUT, A_GZIP,                         /* change delivery */
	A_WRONG_TYPES, A_DUPLICATE, A_OUT_OF_ORDER, NACTIONS                   /* change rendering */
};

struct rule {
	struct rule *next;
	long id;
	char *prefix;
	int method;                 /* 0 any, else EVHTTP_REQ_GET / EVHTTP_REQ_POST */
	int action;
	long count, skip;           /* count -1: forever */
	int code;
	long ms, bytes, interval_ms, reset_in;
	bool hold;                  /* 429: the bucket answers 429 until the announced reset */
	char *variant, *body, *ctype;
	char *host;                 /* only requests to this host (Host header, or a view's name) */
	char **headers;             /* extra "Name: value" lines, NULL-terminated */
	uint64_t applied;
};

const char *script_action_name(int action);
int script_add_json(struct fake *f, const cJSON *j, char *err, size_t errlen);
void script_clear(struct fake *f);
void script_free(struct fake *f);
struct rule *script_take(struct fake *f, struct rq *r);
void script_add_headers(struct rq *r, const struct rule *ru);
void script_html_page(char *out, size_t size, int code, const char *reason);
bool script_replace(struct rq *r, struct rule *ru);
void script_modify(struct rq *r, struct rule *ru);

/* ------------------------------------------------ deliver.c */

const char *deliver_reason(int code);
void deliver_respond(struct rq *r);
void deliver_hang(struct rq *r, const struct rule *ru);
void deliver_big(struct rq *r, const struct rule *ru);
void deliver_conn_closed(struct fake *f, struct evhttp_connection *conn);
void deliver_free_all(struct fake *f);

/* ------------------------------------------------ main.c */

/* The request's connection's record of 429s sent on it: per bucket (index
 * in fake.buckets) the latest reset announced, epoch s; NULL if unknown. */
int64_t *main_conn_told(struct fake *f, struct evhttp_request *req);

/* ------------------------------------------------ oauth.c */

/* Login endpoints (Mastodon apps/OAuth, X OAuth 2.0 PKCE, /2/users/me):
 * true when the path was one of them and is answered. */
bool oauth_serve(struct rq *r);
/* GET /_fake/oauth: what logins did (p: the path after /_fake). */
bool oauth_ctl(struct rq *r, const char *p);
/* An X user access token issued by /2/oauth2/token, not expired. */
bool oauth_x_token_ok(struct fake *f, const char *token, int64_t now);
void oauth_free(struct fake *f);
/* ------------------------------------------------ feed.c: me's follows, home timelines */

struct feed;
/* --follows SPEC, --home-window N (name without dashes); -1: a bad value */
int feed_option(struct fake *f, const char *name, const char *arg);
bool feed_follows(struct fake *f, int net, uint32_t a);
/* The home timeline's window at now: refs of the followed accounts' posts,
 * oldest first (free out->v). */
void feed_home_refs(struct fake *f, int net, int64_t now, struct refvec *out);
bool feed_ctl_serve(struct rq *r, const char *path);
void feed_free(struct fake *f);

/* ------------------------------------------------ control.c */

void control_serve(struct rq *r);

/* ------------------------------------------------ networks (net.c) */

typedef void (*fake_handler)(struct rq *r, const char *arg);

struct fake_endpoint {
	const char *name;      /* "x.users_tweets": its key in /_fake/stats */
	int bucket;            /* the network's bucket a scripted 429 shows */
};

struct fake_route {
	int ep;                /* index into the network's endpoints */
	int method;            /* EVHTTP_REQ_GET or EVHTTP_REQ_POST */
	const char *pat;       /* "*" matches one path segment, passed to the handler */
	fake_handler fn;
};

/* A network's own command-line option (it always takes a value). */
struct fake_option {
	const char *name;                             /* "mastodon-instances" */
	int (*set)(struct fake *f, const char *arg);  /* -1: a bad value */
};

struct fake_bucket {
	const char *name;      /* "x.users_tweets": --rate, /_fake/rate, /_fake/stats
	                        * (with views: one per view, "name@view") */
	long limit, window_s;
	/* Paths that match no endpoint have no bucket; a scripted 429 on one
	 * (of any network) has always shown this bucket's numbers. */
	bool unmatched;
	/* Drawn on by many of the network's requests next to their own bucket
	 * (Mastodon's paging budget): a scripted 429 on the network never
	 * promises a reset before this bucket's, or a client trusting it would
	 * run into this one. */
	bool shared;
};

/* One network: what the core dispatches to and asks where answers differ. */
struct fake_net {
	const char *name;              /* "x": stats, add_posts, account listings */
	const char *prefix;            /* every path under it is this network's, known or not */
	const struct fake_endpoint *endpoints;   /* in the order /_fake/stats lists them */
	size_t nendpoints;
	const struct fake_route *routes;         /* tried in order; the first match answers */
	size_t nroutes;
	const struct fake_bucket *buckets;       /* in the order /_fake/stats lists them */
	size_t nbuckets;
	/* how the shared post text comes out */
	bool astral_escape;            /* JSON escapes non-BMP characters as surrogate pairs */
	bool reply_mention;            /* a reply's text starts with @target */
	bool quote_link;               /* a quote's text ends with a link to the quoted post */
	/* paging keys: ids as view `view` shows them (< 0: as the account's own
	 * home does; the control API's view), or times where the network pages
	 * by time */
	uint64_t (*post_order)(const struct fake *f, int view, int64_t t, uint32_t a);
	uint64_t (*notif_key)(size_t i);               /* NULL: the notification's time */
	/* answers in the network's own shape */
	void (*error)(struct rq *r, int status, const char *reason);
	void (*not_found)(struct rq *r);               /* NULL: error() with 404 */
	void (*rate_headers)(struct rq *r, const struct bucket *b);
	void (*too_many)(struct rq *r, const struct bucket *shown);   /* after rate_headers */
	/* The network's buckets (bit i: buckets[i]) a request draws on; NULL:
	 * its endpoint's bucket. Counts requests inside announced windows. */
	unsigned (*rate_keys)(struct rq *r);
	/* The control API's view of it. Tests compare what a client stored
	 * with these, so they are the ids the API itself shows: the account's
	 * fields in /_fake/account, its stable id and each post's storage key
	 * (a Bluesky repost: its repost record) in /_fake/posts, and the id
	 * /_fake/add_posts answers for a new post. */
	void (*ctl_account)(struct jw *j, const struct fake *f, uint32_t a);
	void (*ctl_account_id)(const struct fake *f, uint32_t a, char out[256]);
	void (*ctl_post_ref)(const struct fake *f, const struct post *p, char out[256]);
	void (*ctl_post_id)(const struct fake *f, uint32_t a, int64_t t, char out[256]);
	void (*ctl_auth)(struct jw *j, const struct fake *f);  /* what a client logs in with */
	/* everything below is optional (NULL) */
	/* its own options (each takes a value) and their --help lines; setup
	 * runs once every option is read, before the buckets and indexes are
	 * built (non-zero: refuse to start), teardown at exit */
	const struct fake_option *options;
	size_t noptions;
	const char *usage;
	int (*setup)(struct fake *f);
	void (*teardown)(struct fake *f);
	/* Views: one server answering as several (Mastodon instances). Buckets
	 * are per view; view_name NULL or returning NULL: no views. route picks
	 * the view of an API request (before scripts and counters). */
	int (*views)(const struct fake *f);
	const char *(*view_name)(const struct fake *f, int view);
	int (*route)(struct rq *r);
	/* a notification from `from` becomes visible this long after the post
	 * (ms); < 0: the network keeps the original ordering rules */
	int64_t (*notif_delay)(const struct fake *f, uint32_t from);
	/* the control API: extra keys in /_fake/stats and their reset, extra
	 * keys per post added by /_fake/add_posts, extra /_fake/ paths (true:
	 * answered) */
	void (*ctl_stats)(struct jw *j, struct fake *f);
	void (*ctl_stats_reset)(struct fake *f);
	void (*ctl_post_keys)(struct jw *j, const struct fake *f, uint32_t a, int64_t t);
	bool (*ctl_serve)(struct rq *r, const char *path);
};

#define FAKE_NET_DECLARE(id, table) extern const struct fake_net table;
FAKE_NETS(FAKE_NET_DECLARE)
#undef FAKE_NET_DECLARE

extern const struct fake_net *const net_list[NNET];

const struct fake_net *net_get(int net);
int net_by_name(const char *s);
int net_of_path(const char *path);
int net_endpoint(int net, int local);
int net_unknown_endpoint(void);
const char *net_endpoint_name(int ep);
const struct fake_endpoint *net_endpoint_def(int ep, int *net);

/* ------------------------------------------------ bluesky.c, beyond its table */

void bluesky_expired_token(struct rq *r);

#endif
