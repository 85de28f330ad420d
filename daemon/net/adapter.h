/* adapter.h — the toolkit shared by the platform adapters (x.c, mastodon.c,
 * bluesky.c). Not part of the caller-facing contract in net.h.
 *
 * Adapters parse an item into a local struct post / notif / account and move
 * it into the page with net_page_push_*; an item that fails is cleared and
 * counted with net_page_invalid() or net_page_ignored() instead. */
#ifndef MENTORD_NET_ADAPTER_H
#define MENTORD_NET_ADAPTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/net.h"
#include "common/str.h"
#include "common/strbuf.h"

/* The scheme and authority of url, lower-cased, into out: a rate key for
 * networks that count per host. -EINVAL when url has none or it does not
 * fit. */
int net_rate_key_origin(const char *url, char *out, size_t size);

/* Strings. */
static inline bool net_has(const char *s) { return s && *s; }
/* s, or NULL when empty: an empty display name means "absent". */
static inline const char *net_nz(const char *s) { return s && *s ? s : NULL; }
/* Length-then-bytes order, for ids that are decimal or fixed-width text
 * ("9" < "10"); NULL sorts first. */
int net_cmp_opaque_id(const char *a, const char *b);

/* Page building: the item is moved into the page (and *item zeroed) on
 * success; on -ENOMEM it stays with the caller. */
int net_page_push_post(struct net_page *pg, struct post *item);
int net_page_push_notif(struct net_page *pg, struct notif *item);
int net_page_push_account(struct net_page *pg, struct net_account *item);
void net_page_invalid(struct net_page *pg, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void net_page_ignored(struct net_page *pg, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Records a partial error the server reported next to data (first one wins). */
void net_page_note(struct net_page *pg, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Classification. net_err() sets code, scope, retry_at and a message made
 * safe for logs (control characters removed, truncated). */
void net_err(struct net_page *pg, enum net_status code, enum net_scope scope,
	     int64_t retry_at, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* The fallback by HTTP status alone, with the server's own words in detail
 * (may be NULL). auth_scope is where a 401/403 reaches. */
void net_err_http(struct net_page *pg, const struct net_response *resp,
		  enum net_scope auth_scope, const char *detail);
/* When to retry after a rate limit: Retry-After, else the reset header,
 * else now + fallback_s. */
int64_t net_retry_at(const struct net_page *pg, const struct net_response *resp,
		     int64_t fallback_s);
/* First non-blank byte of the body is '{' or '['. */
bool net_body_is_json(const struct net_response *resp);
/* First non-blank byte of the body is '<' (an HTML error page). */
bool net_body_is_html(const struct net_response *resp);
static inline int net_status_of(const struct net_response *r) { return r->status ? r->status : 200; }

/* Headers and rate budgets. */
const char *net_header(const struct net_response *resp, const char *name);
/* Reads "<prefix>Limit/-Remaining/-Reset" (prefix e.g. "x-rate-limit-");
 * reset is epoch seconds, or ISO 8601 when iso_reset. */
void net_rate_read(const struct net_response *resp, const char *limit_h,
		   const char *remaining_h, const char *reset_h, bool iso_reset,
		   struct net_rate *rate);

/* Walk helpers. */
static inline bool net_walk_op(enum net_op op)
{
	return op == NET_OP_ACCOUNT || op == NET_OP_BATCH || op == NET_OP_TAG ||
	       op == NET_OP_OWN || op == NET_OP_INTERACTIONS || op == NET_OP_HISTORY ||
	       op == NET_OP_FEED || op == NET_OP_FOLLOWING;
}

/* Requests. */
int net_req_header(struct net_request *req, const char *name, const char *value);
int net_req_bearer(struct net_request *req, const char *token);
/* Moves the URL out of b into req (GET); -ENOMEM if b failed. */
int net_req_get(struct net_request *req, enum net_op op, struct strbuf *b);

/* Post helpers (post.c). Tags: leading '#' dropped, ASCII lower-cased,
 * duplicates skipped. Mentions: leading '@' dropped, duplicates (by handle,
 * case-insensitive) skipped; id may be NULL. */
void post_init(struct post *p, const char *network);
int post_add_tag(struct post *p, const char *tag, size_t len);
int post_add_mention(struct post *p, const char *handle, size_t len, const char *id);
int post_ref_set(struct post_ref *r, const char *id, const char *author_id,
		 const char *author_handle);
void post_ref_clear(struct post_ref *r);
void post_notif_init(struct notif *n, const char *network);

#endif
