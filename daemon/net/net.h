/* net.h — the platform interface: how the scheduler and ingest talk to X,
 * Mastodon and Bluesky without knowing any of their URLs or JSON.
 *
 * The adapters are pure code. They build HTTP requests (the caller performs
 * them) and parse responses (the caller hands back status, headers, body).
 * They hold no state between calls, do no I/O, read no files and log nothing;
 * credentials come in through struct net_config as strings in memory.
 *
 * ## Identity
 * A stable id names an account alike wherever it was read: X user ids,
 * DIDs, and on Mastodon the acct, user@domain lower-cased (a local
 * account's domain is the answering server's). A post's key is its dedupe
 * key (Mastodon: the status uri, the same on every instance). Mastodon
 * instances also number accounts and statuses, each its own way: those
 * local ids (net_account.local_id, post.id, walk watermarks) are only
 * meaningful to the server that gave them, for its URLs and paging. An
 * account may be read at its own home instance (net_home(), cfg->host,
 * cfg->foreign) and still match and dedupe with what the user's instance
 * says of it.
 *
 * ## Operations
 *   NET_OP_LOOKUP        handle or stable id → account(s): id, handle, name, bio.
 *                        Looking up by id later tells the caller when a
 *                        followed account changed its handle.
 *   NET_OP_ACCOUNT       posts of one followed account (X, Bluesky: by stable
 *                        id; Mastodon: by the local id of the server read)
 *   NET_OP_BATCH         posts of many followed accounts in one request
 *                        (X: recent search "from:a OR from:b", by handle);
 *                        see max_batch. Its watermark is the smallest of the
 *                        members' since_ids; once done, new_watermark applies
 *                        to every member.
 *   NET_OP_TAG           posts carrying a hashtag
 *   NET_OP_OWN           the user's own posts (cfg->me_id)
 *   NET_OP_INTERACTIONS  what others did to the user: X mentions, Mastodon
 *                        notifications, Bluesky listNotifications → notifs
 *   NET_OP_SESSION_CREATE / NET_OP_SESSION_REFRESH   Bluesky login, refresh
 *   NET_OP_HISTORY       older posts of one followed account (as ACCOUNT), a
 *                        page at a time downwards: back-fill (below)
 *   NET_OP_FEED          the user's home timeline: what everyone the user
 *                        follows there posted and reposted, newest first
 *                        (Mastodon timelines/home, Bluesky getTimeline, X
 *                        reverse_chronological), with the user's credential
 *   NET_OP_FOLLOW_CHECK     which of these accounts the user follows there
 *                        (build_follow_check; Mastodon relationships by the
 *                        configured server's local ids, Bluesky getProfiles
 *                        viewer.following by DID, X users?ids= with
 *                        connection_status and the user token; ids not
 *                        returned are not followed) → accounts, .following set
 *   NET_OP_FOLLOWING     whom the user follows → accounts (as LOOKUP's, with
 *                        bio and flags), a page at a time: target is the
 *                        user's own id on the server read (X user id, DID,
 *                        Mastodon the instance's number); w.page_token is
 *                        the next page (Mastodon: max_id of Link rel="next";
 *                        X: next_token; Bluesky: cursor), w.done when there
 *                        is none. No watermark: an import reads it all.
 *                        X refuses it below the tiers that include it (403
 *                        client-forbidden): NET_ERR_AUTH, scope ENDPOINT,
 *                        with a message that says so.
 *
 * ## The home feed (FEED)
 * A newest-first walk down to its watermark like Bluesky's (the watermark
 * is the newest item of the first page; Mastodon stops at the watermark
 * less cfg->overlap_s; X asks since_id one below the watermark, whose own
 * post shows the walk met it). Home timelines keep only a window: a walk that
 * runs out of pages without meeting its watermark ends done with w.gap
 * set, and the caller must read the followed accounts on their own from
 * their own watermarks, since what fell out of the window is lost to the
 * feed. Without a watermark one page is read.
 *
 * ## Incremental walks (ACCOUNT, BATCH, TAG, OWN, INTERACTIONS)
 * Each target (account, tag, batch of accounts, own feed, interactions) keeps
 * one opaque watermark string in the caller's store. A poll is a walk over
 * one or more pages:
 *
 *     struct net_walk w;
 *     net_walk_start(&w, NET_OP_ACCOUNT, stored_watermark);   // NULL: first sync
 *     do {
 *         net_build_page(p, &cfg, account_id, &w, &req);      // uses w.page_token
 *         ...perform req, get status/headers/body...
 *         net_parse(p, &cfg, w.op, &resp, &w, &page);         // advances w
 *         if (page.err.code != NET_OK) break;                  // w unchanged: retry later
 *         ingest(page.posts / page.notifs);                    // may repeat known keys
 *         net_page_clear(&page);
 *     } while (!w.done && w.pages < cap);
 *     if (w.done && w.new_watermark) store(w.new_watermark);
 *     net_walk_clear(&w);
 *
 * The per-network rules live in the adapters:
 *   X         since_id = watermark; follow meta.next_token with the same since_id;
 *             the new watermark is meta.newest_id of the FIRST page.
 *   Mastodon  min_id = watermark minus an overlap (cfg->overlap_s) so that
 *             late-federated posts with back-dated ids are not lost; pages go
 *             upwards (the next min_id is the one in Link rel="prev", never
 *             below the page's greatest id; the Link URL itself is not
 *             followed) until a page is not full; ids compare as opaque
 *             strings (length, then bytes: "9" < "10"); the new watermark is
 *             the greatest id seen.
 *   Bluesky   no since parameter: walk the cursor from the newest item until
 *             the watermark's URI, an item older than the watermark's time
 *             (minus 2 min skew), or a key w.is_known() reports; the new
 *             watermark ("<unix ms> <at:// URI>") is the newest item of the
 *             first page.
 * Without a watermark (first sync) a walk reads one page and is done; an
 * ACCOUNT first sync also leaves in w.older where the next older page
 * starts, for back-fill.
 *
 * ## Back-fill (HISTORY)
 * A history walk starts with net_walk_start(&w, NET_OP_HISTORY, NULL), its
 * page_token set to a stored `older` (or NULL: from the newest post down)
 * and since to the oldest time wanted. Each page leaves the next one's
 * start in w.older and ends the walk (w.done) when the network has no more
 * or a post is older than since. Tokens are opaque to the caller:
 *   X         "t:<pagination_token>" of the user timeline, or "u:<id>" to
 *             restart below a post (until_id); start_time = since. The
 *             timeline reaches the newest 3,200 posts only.
 *   Mastodon  max_id = the oldest id seen.
 *   Bluesky   the feed cursor.
 * Abandoning a walk before w.done and storing nothing is always safe (the
 * next poll re-reads; keys dedupe). Storing new_watermark before w.done
 * leaves a gap on X and Bluesky; on Mastodon it is safe (the watermark is
 * the greatest id actually seen, everything newer is still above it).
 * A page may hold items already seen (overlap, the known item itself): the
 * caller dedupes on post.key / notif.id.
 *
 * ## Errors
 * net_parse() classifies every response into page.err (code, scope, retry_at,
 * a short human message that never contains credentials). Items with wrong
 * JSON types are dropped and counted in page.n_invalid; unknown union types
 * and kinds are dropped and counted in page.n_ignored; neither fails the page.
 *
 * ## Secrets
 * Request headers (Authorization) and the createSession body carry secrets;
 * log only req.method and req.url (URLs never contain credentials). Session
 * results are secrets too. Error messages are scrubbed of cfg's secrets.
 *
 * Return values: 0 or a negative errno. Builders return -ENOKEY when the
 * configuration lacks a credential the operation needs, -EINVAL for a bad
 * handle/tag/id or a missing me_id, -ENOTSUP when the network has no such
 * operation (or not on a foreign server), -ENOMEM. */
#ifndef MENTORD_NET_H
#define MENTORD_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/post.h"

enum net_op {
	NET_OP_LOOKUP = 0,
	NET_OP_ACCOUNT,
	NET_OP_BATCH,
	NET_OP_TAG,
	NET_OP_OWN,
	NET_OP_INTERACTIONS,
	NET_OP_SESSION_CREATE,
	NET_OP_SESSION_REFRESH,
	NET_OP_HISTORY,
	NET_OP_FEED,
	NET_OP_FOLLOW_CHECK,
	NET_OP_FOLLOWING,
};

/* What the caller knows about the user and the network. Strings are
 * borrowed for the duration of each call; NULL or "" means "not set". */
struct net_config {
	const char *api_base;      /* "https://api.x.com", "https://mastodon.social",
	                              "https://public.api.bsky.app"; may be http://127.0.0.1:PORT */
	const char *pds_base;      /* Bluesky: PDS for authenticated calls ("https://bsky.social") */
	const char *token;         /* Bearer credential for reads: X app bearer (required),
	                              Mastodon access token (optional; notifications need it),
	                              Bluesky session accessJwt (tag search, notifications) */
	const char *refresh_token; /* Bluesky session refreshJwt (refreshSession); X OAuth 2.0
	                              user refresh token (SESSION_REFRESH) */
	const char *user_token;    /* X OAuth 2.0 user access token, for what needs the user's
	                              context (home timeline, following); NULL: none */
	const char *client_id;     /* X: the OAuth 2.0 app the user token was issued to */
	const char *token_url;     /* X: where it is refreshed; NULL: api_base/2/oauth2/token */
	const char *identifier;    /* Bluesky login handle or e-mail (createSession) */
	const char *password;      /* Bluesky app password (createSession) */
	const char *me;            /* the user's own handle, as configured */
	const char *me_id;         /* its id once looked up (X user id, DID; Mastodon: the
	                              local id on this server, for URLs only); needed
	                              by OWN and INTERACTIONS */
	int page_size;             /* items per page; 0 = network default; clamped to the
	                              endpoint's range */
	int overlap_s;             /* Mastodon min_id overlap in seconds; 0 = default
	                              (NET_DEFAULT_OVERLAP_S), negative = none */
	int64_t max_billed;        /* X: the most posts one request may bill (data and
	                              includes); 0 = no limit. A page builder whose smallest
	                              page could bill more returns -EDQUOT */
	const char *host;          /* the server's own name ("a.example", "b.example:8443")
	                              when api_base stands in for it (a test hook:
	                              [mastodon] instance_override): sent as the Host
	                              header of every request, the domain of the
	                              server's local accounts and (Mastodon) its rate
	                              key; NULL: api_base's own authority */
	bool foreign;              /* api_base is another server than the user's own (a
	                              Mastodon account's home instance): its public API,
	                              read without any credential (no Authorization,
	                              whatever token holds); only LOOKUP, ACCOUNT and
	                              HISTORY can be built */
};

#define NET_DEFAULT_OVERLAP_S 300
#define NET_MAX_HEADERS 4         /* Accept, Authorization, Host, one spare */

/* One HTTP request to perform. All strings are owned; free with
 * net_request_clear(). */
struct net_request {
	enum net_op op;
	const char *method;                /* static: "GET" or "POST" */
	char *url;                         /* full URL; safe to log */
	char *headers[NET_MAX_HEADERS];    /* "Name: value" lines (curl style), may hold
	                                      secrets: never log */
	size_t n_headers;
	char *body;                        /* NULL for GET; may hold secrets */
	size_t body_len;
	const char *content_type;          /* static, of body (NULL without body); the
	                                      HTTP layer sends the Content-Type header,
	                                      headers[] does not repeat it */
	int64_t billed_max;                /* X: the most posts the answer can bill */
};

/* Looks a response header up by name, case-insensitively; returns the value
 * (NUL-terminated, valid until the parse call returns) or NULL. */
typedef const char *(*net_header_fn)(void *ctx, const char *name);

struct net_response {
	int status;                /* HTTP status; 0 = unknown (treated as 200) */
	net_header_fn header;      /* may be NULL: no headers */
	void *header_ctx;
	const char *body;          /* NOT NUL-terminated; may be NULL when body_len == 0 */
	size_t body_len;
	int64_t now;               /* unix seconds when received (Retry-After, cap periods) */
};

/* A ready-made header lookup over an array of name/value pairs: pass
 * net_header_list_get as header and a struct net_header_list * as ctx. */
struct net_header_pair { const char *name, *value; };
struct net_header_list { const struct net_header_pair *v; size_t n; };
const char *net_header_list_get(void *ctx, const char *name);

/* Rate budget of the endpoint that answered; -1 / 0 mean unknown. */
struct net_rate {
	int64_t limit;             /* requests per window; -1 unknown */
	int64_t remaining;         /* left in this window; -1 unknown */
	int64_t reset;             /* unix s when the window resets; 0 unknown
	                              (X epoch s, Mastodon ISO 8601, Bluesky epoch s) */
	int64_t retry_after;       /* unix s from Retry-After (Bluesky); 0 none */
	int64_t window;            /* window seconds (Bluesky RateLimit-Policy w=); 0 unknown */
};

enum net_status {
	NET_OK = 0,
	NET_ERR_RATE_LIMITED,      /* 429 / RateLimitExceeded: wait until retry_at */
	NET_ERR_AUTH,              /* 401/403, bad or missing credentials, forbidden
	                              client: stop (see scope) until reconfigured */
	NET_ERR_SESSION_EXPIRED,   /* Bluesky ExpiredToken/InvalidToken: on a read,
	                              refreshSession and retry; on refreshSession,
	                              createSession (log in again) */
	NET_ERR_USAGE_CAP,         /* X monthly/daily usage cap: pause X until retry_at */
	NET_ERR_NOT_FOUND,         /* the target is gone: unknown handle/id, suspended,
	                              protected, blocked, taken down */
	NET_ERR_STALE_CURSOR,      /* the watermark was refused (X since_id older than
	                              the search window): restart the walk without it */
	NET_ERR_BAD_REQUEST,       /* 400/404/422/501 that retrying will not fix */
	NET_ERR_BLOCKED,           /* refused by a proxy/WAF (HTML 403): back off this
	                              endpoint, credentials are not the problem */
	NET_ERR_SERVER,            /* 5xx, timeouts upstream, HTML error pages: retry
	                              with backoff */
	NET_ERR_MALFORMED,         /* the body is not the JSON this endpoint returns */
};

/* How far an error reaches: what the scheduler should pause. */
enum net_scope {
	NET_SCOPE_TARGET = 0,      /* this account / tag / handle only */
	NET_SCOPE_ENDPOINT,        /* this kind of request (one rate bucket) */
	NET_SCOPE_NETWORK,         /* the whole network */
};

#define NET_MSG_MAX 200

struct net_error {
	enum net_status code;
	enum net_scope scope;
	int http_status;
	int64_t retry_at;          /* unix s worth trying again; 0 = use backoff */
	char msg[NET_MSG_MAX];     /* "" when ok; never holds credentials */
};

/* A looked-up account (NET_OP_LOOKUP). */
struct net_account {
	char *id;                  /* stable id: X user id, Mastodon acct (user@domain,
	                              lower-cased), DID */
	char *handle;              /* X username, Mastodon user@domain, Bluesky handle
	                              (NULL when the response does not say, e.g. resolveHandle) */
	char *name;                /* display name */
	char *bio;                 /* profile text, plain; Mastodon profile fields
	                              appended as "name: value" lines */
	char *url;                 /* profile web URL / website where given */
	char *local_id;            /* what the answering server calls the account when
	                              that is not id (Mastodon: id is user@domain, the
	                              same from every instance; local_id the instance's
	                              number, for its URLs); NULL: id */
	int64_t n_posts;           /* posts the server says it has; -1 unknown */
	bool following;            /* FOLLOW_CHECK: the user follows it on this network */
	bool bot, group;           /* Mastodon: an automated account, a group actor */
};

/* Bluesky session (NET_OP_SESSION_*), or X's OAuth 2.0 user token
 * (SESSION_REFRESH only: access_jwt, refresh_jwt, access_expires, client_id,
 * token_url). Secrets: store in a 0600 file only. */
struct net_session {
	char *did, *handle;
	char *access_jwt, *refresh_jwt;
	char *pds_base;            /* from the DID document, when included */
	char *client_id, *token_url;   /* X */
	int64_t access_expires;    /* unix s (JWT exp, else a conservative guess) */
	int64_t refresh_expires;
};

/* One parsed response. Free with net_page_clear().
 * Posts: a repost carries the reposter as author, its own id/key/time, and
 * the target's text, tags, mentions and URL (counts -1: they would be the
 * target's). A Bluesky repost's key is the repost record's URI (or
 * "repost:<did>:<post uri>" from AppViews that omit it); a Mastodon boost's
 * is the boost's own uri (".../activity"). Mastodon handles are user@domain
 * (user@host:port for a local account of an instance on its own port), and
 * its ids (authors, mentions, actors, reply and target authors) the same
 * lower-cased; X handles have no '@'. */
struct net_page {
	enum net_op op;
	struct post *posts;        /* ACCOUNT, BATCH, TAG, OWN; newest first as sent */
	size_t n_posts;
	struct notif *notifs;      /* INTERACTIONS */
	size_t n_notifs;
	struct net_account *accounts;   /* LOOKUP */
	size_t n_accounts;
	struct net_session session;     /* SESSION_* */
	struct net_rate rate;
	struct net_error err;
	size_t n_invalid;          /* items dropped for wrong JSON types */
	size_t n_ignored;          /* items dropped for unknown kinds/union types */
	char note[NET_MSG_MAX];    /* why the first item was dropped, or a partial
	                              error the server reported next to data */
	size_t cap_posts, cap_notifs, cap_accounts;   /* internal */
	char **billed;             /* X: ids of every post the answer bills (data and
	                              includes.tweets), each once */
	size_t n_billed;
};

/* State of one incremental walk; see the top of this file. */
struct net_walk {
	enum net_op op;
	char *watermark;           /* stored watermark at the start; NULL = first sync */
	char *page_token;          /* for the next request; NULL on the first page */
	char *new_watermark;       /* what to store once done; NULL = nothing to store */
	unsigned pages;            /* pages parsed successfully */
	bool done;                 /* no further page is needed */
	char *older;               /* ACCOUNT first sync, HISTORY: where the next older page
	                              starts (see Back-fill); NULL: nothing older */
	int64_t since;             /* HISTORY: unix s, the oldest post wanted; 0: all */
	bool gap;                  /* FEED: done, but the watermark was not met (see FEED) */
	/* Optional (Bluesky): true if this dedupe key is already stored. */
	bool (*is_known)(void *ctx, const char *key);
	void *known_ctx;
};

enum net_lookup_by { NET_LOOKUP_HANDLE = 0, NET_LOOKUP_ID };

/* One network. Function pointers are NULL when unsupported. */
struct net_platform {
	const char *name;          /* "x", "mastodon", "bluesky": config sections, the ledger, the bus */
	const char *title;         /* "X", "Mastodon", "Bluesky": in sentences for people */
	const char *tagged_actions;   /* what the user can do about a post that tags them there,
	                                 one sentence (the tagged_risk notification) */
	const char *api_base;      /* the default public endpoint ([NAME] api_base) */
	const char *pds_base;      /* the default authenticated host, or NULL */
	bool enabled_by_default;   /* read without any credential */
	bool home_feed_by_default; /* [network] home_feed's default: on where the feed
	                              saves requests and costs nothing more */
	size_t max_batch;          /* handles per build_batch request; 0 = none */
	size_t max_lookup;         /* keys per build_lookup request */
	size_t max_follow_check;      /* ids per build_follow_check request; 0 = none */
	bool upward_walks;         /* ACCOUNT, OWN, TAG and INTERACTIONS walks go up from
	                              the watermark, so new_watermark may be stored
	                              before w.done (Mastodon; see Back-fill) */
	/* True when cfg holds what op needs (token, session, me_id). */
	bool (*can)(const struct net_config *cfg, enum net_op op);
	int (*build_lookup)(const struct net_config *cfg, enum net_lookup_by by,
			    const char *const *keys, size_t n, struct net_request *req,
			    size_t *n_used);
	/* target: the account's id on the server read (ACCOUNT, HISTORY): local_id
	 * where the lookup gave one, else id; tag with or without '#' (TAG); NULL
	 * (OWN, INTERACTIONS). The op is w->op. */
	int (*build_page)(const struct net_config *cfg, const char *target,
			  const struct net_walk *w, struct net_request *req);
	/* Covers handles[0 .. *n_used) (as many as fit one request). */
	int (*build_batch)(const struct net_config *cfg, const char *const *handles, size_t n,
			   const struct net_walk *w, struct net_request *req, size_t *n_used);
	int (*build_session)(const struct net_config *cfg, enum net_op op,
			     struct net_request *req);
	/* FOLLOW_CHECK: whether the user follows ids[0 .. *n_used) (at most
	 * max_follow_check): stable ids, or the configured server's local ids
	 * where the network numbers accounts per server (Mastodon). */
	int (*build_follow_check)(const struct net_config *cfg, const char *const *ids, size_t n,
			       struct net_request *req, size_t *n_used);
	/* Fills page (already zeroed, rate already read) and advances w. */
	int (*parse)(const struct net_config *cfg, enum net_op op,
		     const struct net_response *resp, struct net_walk *w, struct net_page *page);
	void (*read_rate)(const struct net_response *resp, struct net_rate *rate);
	/* Orders two post ids / watermarks of this network (<0, 0, >0). */
	int (*cmp_id)(const char *a, const char *b);
	/* Back-fill again below a stored post (its network id): writes the
	 * HISTORY token that starts there and returns 1, or 0 when the network
	 * can only start from its newest post (Bluesky's opaque cursors). */
	int (*history_below)(const char *net_id, char *out, size_t size);
	/* The rate budget a request of op with cfg draws on, as the network
	 * keys it (X: the endpoint; Mastodon: the instance, by its lower-cased
	 * authority, cfg->host where set; Bluesky: the host, AppView and PDS
	 * apart). Into out (NET_RATE_KEY_MAX); 0 or -EINVAL. */
	int (*rate_key)(const struct net_config *cfg, enum net_op op, char *out, size_t size);
	/* Checks handle h (n bytes, '@' already stripped) against the network's
	 * rules, lower-casing in place what the network treats as
	 * case-insensitive. 0, or -EINVAL with *why for the user. */
	int (*check_handle)(char *h, size_t n, const char **why);
	/* One word of someone's profile text: when it names an account of this
	 * network ("https://bsky.app/profile/NAME", "@user@host"), writes the
	 * handle as written there into out and returns true. */
	bool (*bio_handle)(const char *word, char *out, size_t size);
	/* The account's own server, when it is another than cfg's (Mastodon:
	 * the domain of user@domain): writes its name ("a.example",
	 * "b.example:8443") into out and returns 1; 0 when cfg's server is its
	 * home, or the network has one server. */
	int (*home)(const struct net_config *cfg, const char *stable_id, char *out, size_t size);
};

#define NET_RATE_KEY_MAX 128

/* p->rate_key, checked (net.c). */
int net_rate_key(const struct net_platform *p, const struct net_config *cfg, enum net_op op,
                 char *out, size_t size);
/* p->home, checked (net.c): 1 and the account's own server in out when it
 * is another than cfg's; 0 when cfg's server is its home or the network
 * has no such notion (p->home NULL); -EINVAL for a bad id or domain. */
int net_home(const struct net_platform *p, const struct net_config *cfg, const char *stable_id,
             char *out, size_t size);

/* Registry (registry.c): NULL-terminated list in a fixed order, lookup by
 * name (NULL when unknown), a network's place in the list (-1 when
 * unknown), and the names for a message: "x, mastodon or bluesky". */
const struct net_platform *const *net_platforms(void);
const struct net_platform *net_platform_find(const char *name);
int net_platform_index(const char *name);
void net_platform_names(char *buf, size_t size);

/* Handles (handle.c): strips one leading '@', checks the length
 * (MENTORD_MAX_HANDLE) and the network's rules; out holds
 * MENTORD_MAX_HANDLE + 1 bytes. -EINVAL with *why, also for an unknown
 * platform. */
int net_handle_normalize(const char *platform, const char *in, char *out, const char **why);

/* Builders: check the arguments and the op, then call the platform. On error
 * req is left empty (safe to clear). */
int net_build_lookup(const struct net_platform *p, const struct net_config *cfg,
		     enum net_lookup_by by, const char *const *keys, size_t n,
		     struct net_request *req, size_t *n_used);
int net_build_page(const struct net_platform *p, const struct net_config *cfg,
		   const char *target, const struct net_walk *w, struct net_request *req);
int net_build_batch(const struct net_platform *p, const struct net_config *cfg,
		    const char *const *handles, size_t n, const struct net_walk *w,
		    struct net_request *req, size_t *n_used);
int net_build_session(const struct net_platform *p, const struct net_config *cfg,
		      enum net_op op, struct net_request *req);
int net_build_follow_check(const struct net_platform *p, const struct net_config *cfg,
			const char *const *ids, size_t n, struct net_request *req, size_t *n_used);
void net_request_clear(struct net_request *req);

/* Parses one response of operation op. w is required for walk operations and
 * ignored (may be NULL) otherwise; it is advanced only when page->err.code is
 * NET_OK. Returns 0 when the response was classified (look at page->err),
 * negative errno when it could not be processed at all (-ENOMEM, -EINVAL
 * arguments). page is valid to clear in every case. */
int net_parse(const struct net_platform *p, const struct net_config *cfg, enum net_op op,
	      const struct net_response *resp, struct net_walk *w, struct net_page *page);
void net_page_clear(struct net_page *page);

/* Reads the rate headers alone (e.g. for a response that is not parsed). */
void net_read_rate(const struct net_platform *p, const struct net_response *resp,
		   struct net_rate *rate);

int net_walk_start(struct net_walk *w, enum net_op op, const char *watermark);
void net_walk_clear(struct net_walk *w);

void net_account_clear(struct net_account *a);
/* Frees and zeroes (wiping the tokens first). */
void net_session_clear(struct net_session *s);
/* Session ⇄ one JSON object, for the caller's 0600 session file. encode
 * returns a heap string (a secret) or NULL; decode returns 0 or -EINVAL
 * (missing tokens) / -ENOMEM. */
char *net_session_encode(const struct net_session *s);
int net_session_decode(const char *json, size_t len, struct net_session *s);
/* X's user token file (mentorctl login x --user writes it, mentord rewrites
 * it after each refresh) ⇄ session: {"access_token", "refresh_token",
 * "expires_at" (unix s), "client_id", "token_endpoint"?} (x_oauth.c). */
char *net_x_token_encode(const struct net_session *s);
int net_x_token_decode(const char *json, size_t len, struct net_session *s);

const char *net_op_name(enum net_op op);
const char *net_status_name(enum net_status code);

#endif
