/* x.c — X API v2 adapter (app bearer token, or the user's OAuth 2.0 token,
 * refreshed in x_oauth.c).
 *
 * Endpoints: users/by/username/:u, users/by?usernames=, users/:id, users?ids=
 * (lookup); users/:id/tweets (account, own); users/:id/mentions
 * (interactions); tweets/search/recent (tag, and batches "from:a OR from:b").
 * Every request needs the bearer token. The home feed (users/:id/timelines/
 * reverse_chronological) and whom the user follows among some accounts
 * (users?ids= with user.fields=connection_status) need user context: the
 * user's OAuth 2.0 token, never the app bearer.
 *
 * Posts arrive with their related users and posts in "includes"; both are
 * indexed once per page so joining is O(n log n). Field names of the 2026
 * OpenAPI rename (posts, referenced_posts, edit_history_post_ids) are
 * accepted next to the classic ones. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "net/html.h"
#include "common/str.h"
#include "net/adapter.h"
#include "net/json.h"
#include "net/time.h"
#include "net/url.h"
#include "net/x_oauth.h"
#include "net/x_usage.h"

#define X_NET "x"
#define X_QUERY_MAX 512          /* recent search query limit (rate-limit page) */
#define X_LOOKUP_MAX 100
#define X_WEB "https://x.com/"
#define X_FIRST_POST 1289001600  /* 2010-11-06: X refuses an earlier start_time */

static const char x_tweet_fields[] =
	"created_at,author_id,conversation_id,in_reply_to_user_id,referenced_tweets,"
	"public_metrics,entities,lang,note_tweet,edit_history_tweet_ids";
static const char x_expansions[] =
	"author_id,referenced_tweets.id,referenced_tweets.id.author_id,in_reply_to_user_id";
/* With a cap (cfg->max_billed) only users are expanded: X bills every post
 * in includes.tweets, and referenced_tweets.id puts there the post each
 * reply, quote and repost refers to, which the ledger does not need. What
 * it needs of them comes without: a reply's author from in_reply_to_user_id
 * (expanded: users are not billed), a repost's from "RT @name:" and its
 * mention, a quote's from the link to the quoted post (x_quote_handle). A
 * repost's text stays the 140 characters X cuts it to. */
static const char x_expansions_capped[] = "author_id,in_reply_to_user_id";
static const char x_user_fields[] = "username,name";
static const char x_lookup_fields[] = "username,name,description,url,entities";

extern const struct net_platform net_x;

/* ---- handles ------------------------------------------------------------ */

static int x_check_handle(char *h, size_t n, const char **why)
{
	if (n < 1 || n > 15) { *why = "X handles are 1 to 15 characters"; return -EINVAL; }
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)h[i]) && h[i] != '_') {
			*why = "X handles use only letters, digits and _";
			return -EINVAL;
		}
	return 0;
}

/* x.com/NAME and twitter.com/NAME, with or without a scheme. */
static bool x_bio_handle(const char *word, char *out, size_t size)
{
	if (net_url_segment_after(word, "://x.com/", out, size) ||
	    net_url_segment_after(word, "://twitter.com/", out, size))
		return true;
	return (strncasecmp(word, "x.com/", 6) == 0 || strncasecmp(word, "twitter.com/", 12) == 0) &&
	       net_url_segment_after(word, ".com/", out, size);
}

/* ---- rate keys ----------------------------------------------------------- */

/* X counts per endpoint: hashtag searches and batches of accounts share
 * search/recent, timelines users/:id/tweets. */
static int x_rate_key(const struct net_config *cfg, enum net_op op, char *out, size_t size)
{
	const char *k;
	switch (op) {
	case NET_OP_LOOKUP: case NET_OP_FOLLOW_CHECK: k = "users"; break;
	case NET_OP_ACCOUNT: case NET_OP_OWN: case NET_OP_HISTORY: k = "users_tweets"; break;
	case NET_OP_BATCH: case NET_OP_TAG: k = "search_recent"; break;
	case NET_OP_INTERACTIONS: k = "users_mentions"; break;
	case NET_OP_FOLLOWING: k = "users_following"; break;
	case NET_OP_SESSION_REFRESH: k = "oauth2_token"; break;
	case NET_OP_FEED: k = "users_timelines"; break;
	default: return -EINVAL;
	}
	return snprintf(out, size, "%s", k) < (int)size ? 0 : -EINVAL;
}

/* ---- request building ------------------------------------------------- */

static bool x_valid_username(const char *s, size_t n)
{
	if (n < 1 || n > 15)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_')
			return false;
	return true;
}

/* Pagination tokens are opaque but plain: printable ASCII, no space. */
static bool x_valid_token(const char *s)
{
	size_t n = strlen(s);
	if (n < 1 || n > 256)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] <= ' ' || s[i] >= 0x7f)
			return false;
	return true;
}

static bool x_valid_id(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n < 1 || n > 19)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* Hashtag text: letters, digits, '_' and any non-ASCII byte (X allows
 * Unicode tags); nothing that could change the search query. */
static bool x_valid_tag(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && !((unsigned char)*s & 0x80))
			return false;
	return true;
}

static const char *skip_prefix(const char *s, char c)
{
	while (s && *s == c)
		s++;
	return s;
}

static bool x_can(const struct net_config *cfg, enum net_op op)
{
	if (op == NET_OP_SESSION_REFRESH)
		return net_has(cfg->refresh_token) && net_has(cfg->client_id);
	if (op == NET_OP_FOLLOWING)
		return net_has(cfg->token) || net_has(cfg->user_token);
	/* The app bearer in cfg->token is refused where user context is needed. */
	if (op == NET_OP_FOLLOW_CHECK)
		return net_has(cfg->user_token);
	if (op == NET_OP_FEED)
		return net_has(cfg->user_token) && net_has(cfg->me_id);
	if (!net_has(cfg->token))
		return false;
	switch (op) {
	case NET_OP_LOOKUP: case NET_OP_ACCOUNT: case NET_OP_BATCH: case NET_OP_TAG: case NET_OP_HISTORY:
		return true;
	case NET_OP_OWN: case NET_OP_INTERACTIONS:
		return net_has(cfg->me_id);
	default:
		return false;
	}
}

static int x_finish(const struct net_config *cfg, struct net_request *req, enum net_op op,
		    struct strbuf *b)
{
	int r = net_req_get(req, op, b);

	return r < 0 ? r : net_req_bearer(req, cfg->token);
}

static int x_build_lookup(const struct net_config *cfg, enum net_lookup_by by,
			  const char *const *keys, size_t n, struct net_request *req,
			  size_t *n_used)
{
	struct strbuf b = STRBUF_INIT;

	if (!net_has(cfg->token))
		return -ENOKEY;
	if (n > X_LOOKUP_MAX)
		n = X_LOOKUP_MAX;
	for (size_t i = 0; i < n; i++) {
		const char *k = by == NET_LOOKUP_ID ? keys[i] : skip_prefix(keys[i], '@');

		if (!k || (by == NET_LOOKUP_ID ? !x_valid_id(k) : !x_valid_username(k, strlen(k)))) {
			*n_used = i;
			return -EINVAL;
		}
	}
	if (n == 1) {
		net_url_join(&b, cfg->api_base, by == NET_LOOKUP_ID ? "/2/users/" : "/2/users/by/username/");
		net_url_escape(&b, by == NET_LOOKUP_ID ? keys[0] : skip_prefix(keys[0], '@'));
	} else {
		net_url_join(&b, cfg->api_base, by == NET_LOOKUP_ID ? "/2/users?ids=" : "/2/users/by?usernames=");
		for (size_t i = 0; i < n; i++) {
			if (i)
				strbuf_puts(&b, "%2C");
			net_url_escape(&b, by == NET_LOOKUP_ID ? keys[i] : skip_prefix(keys[i], '@'));
		}
	}
	net_url_param(&b, "user.fields", x_lookup_fields);
	*n_used = n;
	return x_finish(cfg, req, NET_OP_LOOKUP, &b);
}

/* max_results: the endpoint's maximum when since_id bounds the answer
 * (larger pages, fewer requests, same posts billed), the configured size on
 * a first sync, where every post on the page is billed. */
static int x_page_size(const struct net_config *cfg, const struct net_walk *w, int lo)
{
	int n = w->watermark || w->op == NET_OP_HISTORY ? 100 : (cfg->page_size > 0 ? cfg->page_size : 20);

	return n < lo ? lo : n > 100 ? 100 : n;
}

/* The lower bound of max_results on the endpoint an op reads. */
static int x_min_results(enum net_op op)
{
	return op == NET_OP_TAG || op == NET_OP_BATCH ? 10 : op == NET_OP_FEED ? 1 : 5;
}

/* Posts billed per result at worst: 1 when nothing referenced is expanded. */
static int64_t x_bill_per(const struct net_config *cfg)
{
	return cfg->max_billed ? 1 : X_USAGE_BILL_PER_POST;
}

static const char *x_expand(const struct net_config *cfg)
{
	return cfg->max_billed ? x_expansions_capped : x_expansions;
}

/* With a budget (cfg->max_billed), pages shrink to what it covers; a page
 * the endpoint would not let shrink enough is not asked for. */
static int x_budget_size(const struct net_config *cfg, const struct net_walk *w, int *n)
{
	int lo = x_min_results(w->op);

	*n = x_page_size(cfg, w, lo);
	if (cfg->max_billed == 0)
		return 0;
	if (cfg->max_billed < (int64_t)lo * x_bill_per(cfg))
		return -EDQUOT;
	if ((int64_t)*n * x_bill_per(cfg) > cfg->max_billed)
		*n = (int)(cfg->max_billed / x_bill_per(cfg));
	return 0;
}

static void x_common_params(struct strbuf *b, const struct net_walk *w, bool search, int lo,
			    const struct net_config *cfg)
{
	int n;

	x_budget_size(cfg, w, &n);
	(void)lo;
	net_url_param_int(b, "max_results", n);
	net_url_param(b, "since_id", w->watermark);
	net_url_param(b, search ? "next_token" : "pagination_token", w->page_token);
	if (search)
		net_url_param(b, "sort_order", "recency");
	net_url_param(b, "tweet.fields", x_tweet_fields);
	net_url_param(b, "expansions", x_expand(cfg));
	net_url_param(b, "user.fields", x_user_fields);
}

/* Back-fill: the user timeline downwards (recent search reaches 7 days
 * only), from a page token ("t:") or below a post ("u:"), no older than
 * since. X gives no start_time before its first post (2010-11-06). */
static int x_build_history(const struct net_config *cfg, const char *user,
			   const struct net_walk *w, struct net_request *req)
{
	struct strbuf b = STRBUF_INIT;
	const char *tok = w->page_token;

	if (!x_valid_id(user) || (tok && strncmp(tok, "t:", 2) != 0 && strncmp(tok, "u:", 2) != 0) ||
	    (tok && tok[0] == 'u' && !x_valid_id(tok + 2)))
		return -EINVAL;
	net_url_join(&b, cfg->api_base, "/2/users/");
	strbuf_puts(&b, user);
	strbuf_puts(&b, "/tweets");
	int n;

	x_budget_size(cfg, w, &n);
	net_url_param_int(&b, "max_results", n);
	if (tok && tok[0] == 't')
		net_url_param(&b, "pagination_token", tok + 2);
	else if (tok)
		net_url_param(&b, "until_id", tok + 2);
	if (w->since > X_FIRST_POST) {
		char when[21];
		net_time_format(w->since, when);
		net_url_param(&b, "start_time", when);
	}
	net_url_param(&b, "tweet.fields", x_tweet_fields);
	net_url_param(&b, "expansions", x_expand(cfg));
	net_url_param(&b, "user.fields", x_user_fields);
	return x_finish(cfg, req, w->op, &b);
}

static int x_history_below(const char *net_id, char *out, size_t size)
{
	return x_valid_id(net_id) && snprintf(out, size, "u:%s", net_id) < (int)size;
}

/* The home feed, with the user's token. since_id is one below the
 * watermark so that the watermark's own post comes back when the window
 * still reaches it: seeing it is how the walk knows it met the watermark
 * (x_advance); a since_id walk alone cannot tell the end of the window
 * from the watermark. One post more per walk is the price. */
static int x_build_feed(const struct net_config *cfg, const struct net_walk *w,
			struct net_request *req)
{
	struct net_walk below = *w;
	struct strbuf b = STRBUF_INIT;
	char since[24];
	int r;

	if (below.page_token)
		below.page_token++;   /* "m" or "-": see x_feed_advance */
	if (!x_valid_id(cfg->me_id) || (below.page_token && !x_valid_token(below.page_token)))
		return -EINVAL;
	if (w->watermark) {
		unsigned long long v = strtoull(w->watermark, NULL, 10);

		if (v == 0)
			return -EINVAL;
		snprintf(since, sizeof since, "%llu", v - 1);
		below.watermark = since;
	}
	net_url_join(&b, cfg->api_base, "/2/users/");
	strbuf_puts(&b, cfg->me_id);
	strbuf_puts(&b, "/timelines/reverse_chronological");
	x_common_params(&b, &below, false, 1, cfg);
	r = net_req_get(req, NET_OP_FEED, &b);
	return r < 0 ? r : net_req_bearer(req, cfg->user_token);
}

/* Whom the user follows among ids: connection_status needs user context. */
static int x_build_follow_check(const struct net_config *cfg, const char *const *ids, size_t n,
				struct net_request *req, size_t *n_used)
{
	struct strbuf b = STRBUF_INIT;
	int r;

	if (!net_has(cfg->user_token))
		return -ENOKEY;
	if (n > X_LOOKUP_MAX)
		n = X_LOOKUP_MAX;
	for (size_t i = 0; i < n; i++)
		if (!x_valid_id(ids[i])) {
			*n_used = i;
			return -EINVAL;
		}
	net_url_join(&b, cfg->api_base, "/2/users?ids=");
	for (size_t i = 0; i < n; i++) {
		if (i)
			strbuf_puts(&b, "%2C");
		strbuf_puts(&b, ids[i]);
	}
	net_url_param(&b, "user.fields", "connection_status");
	*n_used = n;
	r = net_req_get(req, NET_OP_FOLLOW_CHECK, &b);
	return r < 0 ? r : net_req_bearer(req, cfg->user_token);
}

static int x_build_page_of(const struct net_config *cfg, const char *target,
			   const struct net_walk *w, struct net_request *req)
{
	struct strbuf b = STRBUF_INIT;
	const char *user = w->op == NET_OP_ACCOUNT ? target : cfg->me_id;   /* FEED: the user's */

	if (w->op == NET_OP_FOLLOWING) {
		/* The user's own token where there is one (its tiers may differ). */
		const char *bearer = net_has(cfg->user_token) ? cfg->user_token : cfg->token;
		int r;

		if (!net_has(bearer))
			return -ENOKEY;
		if (!x_valid_id(target) || (w->page_token && !x_valid_token(w->page_token)))
			return -EINVAL;
		net_url_join(&b, cfg->api_base, "/2/users/");
		strbuf_puts(&b, target);
		strbuf_puts(&b, "/following");
		net_url_param_int(&b, "max_results", 1000);
		net_url_param(&b, "user.fields", x_lookup_fields);
		net_url_param(&b, "pagination_token", w->page_token);
		r = net_req_get(req, w->op, &b);
		return r < 0 ? r : net_req_bearer(req, bearer);
	}
	if (!net_has(w->op == NET_OP_FEED ? cfg->user_token : cfg->token))
		return -ENOKEY;
	if (w->watermark && !x_valid_id(w->watermark))
		return -EINVAL;
	if (w->op == NET_OP_TAG) {
		const char *tag = skip_prefix(target, '#');
		char *q;

		if (!x_valid_tag(tag))
			return -EINVAL;
		/* Retweets of tagged posts would only repeat what the tag already
		 * shows — and X bills every post read. */
		if (asprintf(&q, "#%s -is:retweet", tag) < 0)
			return -ENOMEM;
		net_url_join(&b, cfg->api_base, "/2/tweets/search/recent");
		net_url_param(&b, "query", q);
		free(q);
		x_common_params(&b, w, true, 10, cfg);
		return x_finish(cfg, req, w->op, &b);
	}
	if (w->op == NET_OP_HISTORY)
		return x_build_history(cfg, target, w, req);
	if (w->op == NET_OP_FEED)
		return x_build_feed(cfg, w, req);
	if (!x_valid_id(user))
		return -EINVAL;
	net_url_join(&b, cfg->api_base, "/2/users/");
	strbuf_puts(&b, user);
	strbuf_puts(&b, w->op == NET_OP_INTERACTIONS ? "/mentions" :
		    w->op == NET_OP_FEED ? "/timelines/reverse_chronological" : "/tweets");
	x_common_params(&b, w, false, 5, cfg);
	return x_finish(cfg, req, w->op, &b);
}

/* One recent search for many accounts: "from:a OR from:b …" as long as the
 * query stays within X_QUERY_MAX characters. The watermark is one since_id
 * for the whole batch: the caller passes the smallest of its members'. */
/* A budget too small for the endpoint's smallest page: -EDQUOT before
 * anything is built; else the answer's worst case goes with the request. */
static int x_budgeted(const struct net_config *cfg, const struct net_walk *w, struct net_request *req, int r)
{
	int n;

	if (r >= 0 && w->op != NET_OP_FOLLOWING) {
		x_budget_size(cfg, w, &n);
		req->billed_max = (int64_t)n * x_bill_per(cfg);
	}
	return r;
}

static int x_build_page(const struct net_config *cfg, const char *target,
			const struct net_walk *w, struct net_request *req)
{
	int n;

	if (w->op != NET_OP_FOLLOWING && x_budget_size(cfg, w, &n) < 0)
		return -EDQUOT;
	return x_budgeted(cfg, w, req, x_build_page_of(cfg, target, w, req));
}

static int x_build_batch_of(const struct net_config *cfg, const char *const *handles, size_t n,
			    const struct net_walk *w, struct net_request *req, size_t *n_used);

static int x_build_batch(const struct net_config *cfg, const char *const *handles, size_t n,
			 const struct net_walk *w, struct net_request *req, size_t *n_used)
{
	int k;
	struct net_walk bw = *w;

	bw.op = NET_OP_BATCH;
	if (x_budget_size(cfg, &bw, &k) < 0)
		return -EDQUOT;
	return x_budgeted(cfg, &bw, req, x_build_batch_of(cfg, handles, n, w, req, n_used));
}

static int x_build_batch_of(const struct net_config *cfg, const char *const *handles, size_t n,
			    const struct net_walk *w, struct net_request *req, size_t *n_used)
{
	struct strbuf q = STRBUF_INIT, b = STRBUF_INIT;
	size_t i;

	if (!net_has(cfg->token))
		return -ENOKEY;
	if (w->watermark && !x_valid_id(w->watermark))
		return -EINVAL;
	for (i = 0; i < n; i++) {
		const char *h = skip_prefix(handles[i], '@');
		size_t hl = h ? strlen(h) : 0;

		if (!x_valid_username(h, hl)) {
			strbuf_free(&q);
			*n_used = i;      /* handles[i] is the bad one */
			return -EINVAL;
		}
		if (q.len + (i ? 4 : 0) + 5 + hl > X_QUERY_MAX)
			break;
		strbuf_printf(&q, "%sfrom:%s", i ? " OR " : "", h);
	}
	if (q.err) {
		strbuf_free(&q);
		return -ENOMEM;
	}
	*n_used = i;
	net_url_join(&b, cfg->api_base, "/2/tweets/search/recent");
	net_url_param(&b, "query", q.data);
	strbuf_free(&q);
	x_common_params(&b, w, true, 10, cfg);
	return x_finish(cfg, req, NET_OP_BATCH, &b);
}

static void x_read_rate(const struct net_response *resp, struct net_rate *rate)
{
	net_rate_read(resp, "x-rate-limit-limit", "x-rate-limit-remaining", "x-rate-limit-reset",
		      false, rate);
}

/* ---- error classification --------------------------------------------- */

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = s ? strlen(s) : 0, b = strlen(suffix);

	return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* The human part of an error object: detail, else message, else title. */
static const char *x_err_text(const cJSON *e)
{
	const char *s = net_json_str_or(e, "detail", NULL);

	if (!s)
		s = net_json_str_or(e, "message", NULL);
	return s ? s : net_json_str_or(e, "title", NULL);
}

static bool x_usage_capped(const cJSON *body)
{
	return ends_with(net_json_str_or(body, "type", NULL), "/usage-capped") ||
	       strcmp(net_json_str_or(body, "title", ""), "UsageCapExceeded") == 0;
}

static int64_t x_cap_end(const cJSON *body, int64_t now)
{
	const char *period = net_json_str_or(body, "period", "Monthly");

	return strcmp(period, "Daily") == 0 ? net_time_next_day(now) : net_time_next_month(now);
}

/* A 400 naming since_id: the watermark fell out of the search window. */
static bool x_stale_since(const cJSON *body)
{
	const cJSON *e;

	cJSON_ArrayForEach(e, net_json_arr(body, "errors")) {
		const cJSON *params = net_json_obj(e, "parameters");
		const char *m = net_json_str_or(e, "message", "");

		if (net_json_arr(params, "since_id") || strstr(m, "since_id"))
			return true;
	}
	return false;
}

/* Classifies a non-2xx reply. body may be NULL (plain text, HTML). */
static void x_http_error(struct net_page *pg, const struct net_response *resp, const cJSON *body)
{
	int st = net_status_of(resp);
	const cJSON *e0 = cJSON_GetArrayItem(net_json_arr(body, "errors"), 0);
	const char *detail = x_err_text(body);

	if (!detail)
		detail = x_err_text(e0);
	if (st == 429 && x_usage_capped(body)) {
		net_err(pg, NET_ERR_USAGE_CAP, NET_SCOPE_NETWORK, x_cap_end(body, resp->now),
			"X usage cap reached: %s", detail ? detail : "cap exceeded");
	} else if (st == 429) {
		net_err(pg, NET_ERR_RATE_LIMITED, NET_SCOPE_ENDPOINT, net_retry_at(pg, resp, 900),
			"X rate limit reached for this endpoint");
	} else if (st == 400 && x_stale_since(body)) {
		net_err(pg, NET_ERR_STALE_CURSOR, NET_SCOPE_TARGET, 0,
			"X refused the stored since_id: %s", x_err_text(e0) ? x_err_text(e0) : "invalid");
	} else if (st == 400) {
		const char *m = x_err_text(e0);

		net_err(pg, NET_ERR_BAD_REQUEST, NET_SCOPE_TARGET, 0, "X rejected the request: %s",
			m ? m : detail ? detail : "HTTP 400");
	} else if (st == 401) {
		net_err(pg, NET_ERR_AUTH, NET_SCOPE_NETWORK, 0,
			"X rejected the bearer token (HTTP 401)%s%s", detail ? ": " : "",
			detail ? detail : "");
	} else {
		net_err_http(pg, resp, NET_SCOPE_NETWORK, detail);
	}
}

/* A 200 with errors[] and no data: the target is missing, suspended or
 * protected (X puts resource errors there rather than in the status). */
static void x_errors_only(struct net_page *pg, const cJSON *body)
{
	const cJSON *e0 = cJSON_GetArrayItem(net_json_arr(body, "errors"), 0);
	const char *type = net_json_str_or(e0, "type", "");
	const char *text = x_err_text(e0);

	if (ends_with(type, "/resource-not-found") || ends_with(type, "/not-authorized-for-resource") ||
	    ends_with(type, "/resource-unavailable"))
		net_err(pg, NET_ERR_NOT_FOUND, NET_SCOPE_TARGET, 0, "%s", text ? text : "not found");
	else if (x_usage_capped(e0))
		net_err(pg, NET_ERR_USAGE_CAP, NET_SCOPE_NETWORK, 0, "X usage cap reached");
	else
		net_err(pg, NET_ERR_BAD_REQUEST, NET_SCOPE_TARGET, 0, "X error: %s",
			text ? text : "errors without data");
}

/* Whether a partial error is about what the request asked for (the users
 * looked up, the user whose posts were read) rather than about something
 * an expansion pulled in (a pinned post, a mentioned user): X lists both
 * in errors[], in no useful order. */
static bool x_err_about_request(const struct net_config *cfg, enum net_op op, const cJSON *e)
{
	static const char *const params[] = { "ids", "id", "usernames", "username" };
	const char *param = net_json_str_or(e, "parameter", "");
	const char *value = net_json_str_or(e, "value", net_json_str_or(e, "resource_id", NULL));
	bool own = op == NET_OP_OWN || op == NET_OP_INTERACTIONS;

	for (size_t i = 0; i < sizeof(params) / sizeof(params[0]); i++)
		if (strcmp(param, params[i]) == 0)
			return true;
	if (strcmp(net_json_str_or(e, "section", ""), "includes") == 0)
		return false;
	if (own && value && ((net_has(cfg->me_id) && strcmp(value, cfg->me_id) == 0) ||
			     (net_has(cfg->me) && strcasecmp(value, skip_prefix(cfg->me, '@')) == 0)))
		return true;
	return op == NET_OP_LOOKUP && strcmp(net_json_str_or(e, "resource_type", ""), "user") == 0;
}

/* The partial error worth a note: the first about the request, else the first. */
static const cJSON *x_err_noted(const struct net_config *cfg, enum net_op op, const cJSON *errors)
{
	const cJSON *e;

	cJSON_ArrayForEach(e, errors)
		if (x_err_about_request(cfg, op, e))
			return e;
	return cJSON_GetArrayItem(errors, 0);
}

/* ---- posts ------------------------------------------------------------- */

struct x_ctx {
	const struct net_config *cfg;
	struct net_json_index users;     /* includes.users by id */
	struct net_json_index tweets;    /* includes.tweets/posts by id */
};

static const cJSON *x_alt(const cJSON *o, const char *a, const char *b)
{
	const cJSON *v = net_json_arr(o, a);

	return v ? v : net_json_arr(o, b);
}

static const char *x_username(const struct x_ctx *cx, const char *user_id)
{
	return net_json_str_or(net_json_index_find(&cx->users, user_id), "username", NULL);
}

/* Text of a post: the long-form note when present, entities decoded (X
 * escapes & < > in text). */
static int x_text(const cJSON *t, char **out, const cJSON **entities)
{
	const cJSON *note = net_json_obj(t, "note_tweet");
	const char *s;
	int r;

	*entities = net_json_obj(t, "entities");
	if (net_json_str(note, "text", &s) == 0) {
		if (net_json_obj(note, "entities"))
			*entities = net_json_obj(note, "entities");
	} else if ((r = net_json_str(t, "text", &s)) < 0) {
		if (r == -EINVAL)
			return -EINVAL;
		s = "";
	}
	*out = html_unescape(s, strlen(s));
	return *out ? 0 : -ENOMEM;
}

static int x_entities(struct post *p, const cJSON *ent)
{
	const cJSON *e;
	const char *s;

	cJSON_ArrayForEach(e, net_json_arr(ent, "mentions"))
		if (net_json_str(e, "username", &s) == 0 &&
		    post_add_mention(p, s, strlen(s), net_json_str_or(e, "id", NULL)) < 0)
			return -ENOMEM;
	cJSON_ArrayForEach(e, net_json_arr(ent, "hashtags"))
		if (net_json_str(e, "tag", &s) == 0 && post_add_tag(p, s, strlen(s)) < 0)
			return -ENOMEM;
	return 0;
}

static void x_metrics(struct post *p, const cJSON *t)
{
	const cJSON *m = net_json_obj(t, "public_metrics");

	p->n_likes = net_json_i64_or(m, "like_count", -1);
	p->n_reposts = net_json_i64_or(m, "retweet_count", net_json_i64_or(m, "repost_count", -1));
	p->n_replies = net_json_i64_or(m, "reply_count", -1);
	p->n_quotes = net_json_i64_or(m, "quote_count", -1);
}

static int x_url(struct post *p)
{
	const char *who = p->author_handle;

	if (asprintf(&p->url, X_WEB "%s/status/%s", who ? who : "i/web", p->id) < 0) {
		p->url = NULL;
		return -ENOMEM;
	}
	return 0;
}

/* Fills a post_ref for a referenced post, joined through includes. */
static int x_ref(const struct x_ctx *cx, struct post_ref *ref, const char *id,
		 const char *fallback_author)
{
	const cJSON *t = net_json_index_find(&cx->tweets, id);
	const char *author = net_json_str_or(t, "author_id", fallback_author);

	return post_ref_set(ref, id, author, x_username(cx, author));
}

/* "RT @name: …" — the handle of a repost's target when includes are absent. */
static int x_rt_handle(struct post *p)
{
	const char *t = p->text, *e;

	if (!t || strncmp(t, "RT @", 4) != 0 || !(e = strchr(t + 4, ':')) ||
	    !x_valid_username(t + 4, (size_t)(e - t - 4)))
		return 0;
	p->repost_of.author_handle = strndup(t + 4, (size_t)(e - t - 4));
	return p->repost_of.author_handle ? 0 : -ENOMEM;
}

/* A quote read without includes: its author's handle from the link to
 * the quoted post in its entities (https://x.com/NAME/status/ID). */
static int x_quote_handle(const cJSON *t, const char *id, struct post_ref *ref)
{
	const cJSON *u;
	char name[64];

	cJSON_ArrayForEach(u, net_json_arr(net_json_obj(t, "entities"), "urls")) {
		const char *url = net_json_str_or(u, "expanded_url", ""), *st = strstr(url, "/status/");

		if (!st || strcmp(st + 8, id) != 0)
			continue;
		if ((net_url_segment_after(url, "://x.com/", name, sizeof name) ||
		     net_url_segment_after(url, "://twitter.com/", name, sizeof name)) &&
		    x_valid_username(name, strlen(name)) && strcmp(name, "i") != 0)   /* x.com/i/status/ID */
			return (ref->author_handle = strdup(name)) ? 0 : -ENOMEM;
	}
	return 0;
}

/* References: replied_to, retweeted (repost: text and entities come from the
 * target, which holds the untruncated text) and quoted. */
static int x_refs(const struct x_ctx *cx, const cJSON *t, struct post *p, const cJSON **ent)
{
	const cJSON *r;

	cJSON_ArrayForEach(r, x_alt(t, "referenced_tweets", "referenced_posts")) {
		const char *type = net_json_str_or(r, "type", ""), *id = net_json_str_or(r, "id", NULL);

		if (!id)
			continue;
		if (strcmp(type, "replied_to") == 0) {
			if (x_ref(cx, &p->reply_to, id, net_json_str_or(t, "in_reply_to_user_id", NULL)) < 0)
				return -ENOMEM;
		} else if (strcmp(type, "retweeted") == 0 || strcmp(type, "reposted") == 0) {
			const cJSON *target = net_json_index_find(&cx->tweets, id);

			p->kind = POST_REPOST;
			if (x_ref(cx, &p->repost_of, id, NULL) < 0)
				return -ENOMEM;
			if (target) {
				char *full;

				if (x_text(target, &full, ent) == 0) {
					free(p->text);
					p->text = full;
				}
			} else if (x_rt_handle(p) < 0) {
				return -ENOMEM;
			}
		} else if (strcmp(type, "quoted") == 0) {
			if (p->kind != POST_REPOST)
				p->kind = POST_QUOTE;
			if (x_ref(cx, &p->quote_of, id, NULL) < 0 ||
			    (!p->quote_of.author_handle && x_quote_handle(t, id, &p->quote_of) < 0))
				return -ENOMEM;
		}
	}
	return 0;
}

/* One post object → p. -EINVAL: the item is broken (wrong types). */
static int x_post(const struct x_ctx *cx, const cJSON *t, struct post *p)
{
	const cJSON *ent, *hist, *user;
	const char *id, *s;
	int r;

	post_init(p, X_NET);
	if (!cJSON_IsObject(t) || net_json_str(t, "id", &id) < 0 || !x_valid_id(id))
		return -EINVAL;
	if (!(p->id = strdup(id)))
		return -ENOMEM;
	if ((r = x_text(t, &p->text, &ent)) < 0)
		return r;
	hist = x_alt(t, "edit_history_tweet_ids", "edit_history_post_ids");
	s = net_json_string(cJSON_GetArrayItem(hist, 0));
	if (!(p->key = strdup(s && x_valid_id(s) ? s : id)))
		return -ENOMEM;
	if ((r = net_json_str(t, "created_at", &s)) == -EINVAL ||
	    (r == 0 && net_time_parse(s, &p->created_at) < 0))
		return -EINVAL;
	if (strcmp(p->key, p->id) != 0)
		p->edited_at = p->created_at;   /* a later version of an edited post */
	if (net_json_str(t, "author_id", &s) == 0) {
		user = net_json_index_find(&cx->users, s);
		if (str_set(&p->author_id, s) < 0 ||
		    str_set(&p->author_handle, net_json_str_or(user, "username", NULL)) < 0 ||
		    str_set(&p->author_name, net_nz(net_json_str_or(user, "name", NULL))) < 0)
			return -ENOMEM;
	}
	if (x_refs(cx, t, p, &ent) < 0 || x_entities(p, ent) < 0 || x_url(p) < 0)
		return -ENOMEM;
	if (p->kind == POST_REPOST)
		p->n_likes = p->n_reposts = p->n_replies = p->n_quotes = -1;   /* target's, not ours */
	else
		x_metrics(p, t);
	return 0;
}

/* A mention of the user as an interaction: a reply to the user, a quote of
 * one of the user's posts, or a plain mention. */
static int x_notif(const struct x_ctx *cx, struct post *p, struct notif *n)
{
	const char *me = cx->cfg->me_id;
	const char *subject = NULL;

	post_notif_init(n, X_NET);
	n->kind = NOTIF_MENTION;
	if (p->reply_to.id && net_has(me) && p->reply_to.author_id &&
	    strcmp(p->reply_to.author_id, me) == 0) {
		n->kind = NOTIF_REPLY;
		subject = p->reply_to.id;
	} else if (p->quote_of.id && net_has(me) && p->quote_of.author_id &&
		   strcmp(p->quote_of.author_id, me) == 0) {
		n->kind = NOTIF_QUOTE;
		subject = p->quote_of.id;
	}
	n->created_at = p->created_at;
	if (str_set(&n->id, p->key) < 0 || str_set(&n->actor_id, p->author_id) < 0 ||
	    str_set(&n->actor_handle, p->author_handle) < 0 ||
	    str_set(&n->actor_name, p->author_name) < 0 || str_set(&n->subject_id, subject) < 0 ||
	    !(n->post = malloc(sizeof(*n->post))))
		return -ENOMEM;
	*n->post = *p;
	post_init(p, X_NET);
	return 0;
}

static int x_items(struct x_ctx *cx, enum net_op op, const cJSON *data, struct net_page *pg)
{
	const cJSON *t;
	struct post p;
	struct notif n;
	int r = 0;

	cJSON_ArrayForEach(t, data) {
		r = x_post(cx, t, &p);
		if (r == -EINVAL) {
			net_page_invalid(pg, "X post %d has wrong field types", (int)pg->n_invalid + 1);
			post_clear(&p);
			continue;
		}
		if (r == 0 && op == NET_OP_INTERACTIONS) {
			r = x_notif(cx, &p, &n);
			if (r == 0)
				r = net_page_push_notif(pg, &n);
			post_notif_clear(&n);
		} else if (r == 0) {
			r = net_page_push_post(pg, &p);
		}
		post_clear(&p);
		if (r < 0)
			return r;
	}
	return 0;
}

/* The home feed asks from one below its watermark (x_build_feed), so the
 * watermark's own post closes a walk that met it; a walk that ends without
 * it ran out of the window (about 800 posts back): a gap. The next page
 * token goes with "m" (met) or "-" before it, to carry that to later pages. */
static int x_feed_advance(struct net_walk *w, const cJSON *body, const char *next)
{
	bool met = w->page_token && *w->page_token == 'm';
	const cJSON *t;
	char *tok = NULL;

	cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(body, "data")) {
		const char *id = net_json_str_or(t, "id", NULL);

		if (id && w->watermark && x_valid_id(id) && net_cmp_opaque_id(id, w->watermark) <= 0)
			met = true;
	}
	w->pages++;
	w->done = !w->watermark || !net_has(next) || !x_valid_token(next);
	w->gap = w->done && w->watermark && !met;
	if (!w->done && asprintf(&tok, "%c%s", met ? 'm' : '-', next) < 0)
		return -ENOMEM;
	free(w->page_token);
	w->page_token = tok;
	return 0;
}

/* since_id walk: newest_id of the first page is the next watermark; later
 * pages (same since_id, next_token) only fill in. A first sync reads one page. */
static int x_advance(struct net_walk *w, const cJSON *body)
{
	const cJSON *meta = net_json_obj(body, "meta");
	const char *next = net_json_str_or(meta, "next_token", NULL);
	const char *newest = net_json_str_or(meta, "newest_id", NULL);

	if (w->pages == 0) {
		const char *wm = w->watermark;

		if (newest && x_valid_id(newest) && net_cmp_opaque_id(newest, wm) > 0)
			wm = newest;
		if (str_set(&w->new_watermark, wm) < 0)
			return -ENOMEM;
	}
	if (w->op == NET_OP_FEED)
		return x_feed_advance(w, body, next);
	if (str_set(&w->page_token, next) < 0)
		return -ENOMEM;
	w->pages++;
	w->done = !w->watermark || !net_has(next);
	/* A first sync's next page, or a history page's, is where back-fill
	 * goes on. */
	if (w->op == NET_OP_HISTORY || (w->op == NET_OP_ACCOUNT && !w->watermark)) {
		free(w->older);
		w->older = NULL;
		if (net_has(next) && x_valid_token(next) && asprintf(&w->older, "t:%s", next) < 0) {
			w->older = NULL;
			return -ENOMEM;
		}
		if (w->op == NET_OP_HISTORY)
			w->done = !w->older;
	}
	return 0;
}

static int x_account(const cJSON *u, struct net_account *a)
{
	const cJSON *urls = net_json_arr(net_json_obj(net_json_obj(u, "entities"), "url"), "urls");
	const char *id, *desc, *site;

	*a = (struct net_account){ .n_posts = -1 };
	if (net_json_str(u, "id", &id) < 0 || !x_valid_id(id))
		return -EINVAL;
	/* Only there when user.fields asks for public_metrics. */
	a->n_posts = net_json_i64_or(net_json_obj(u, "public_metrics"), "tweet_count", -1);
	if (a->n_posts < 0)
		a->n_posts = -1;
	desc = net_nz(net_json_str_or(u, "description", NULL));
	site = net_json_str_or(cJSON_GetArrayItem(urls, 0), "expanded_url", NULL);
	if (str_set(&a->id, id) < 0 || str_set(&a->handle, net_json_str_or(u, "username", NULL)) < 0 ||
	    str_set(&a->name, net_nz(net_json_str_or(u, "name", NULL))) < 0 ||
	    (desc && !(a->bio = html_unescape(desc, strlen(desc)))) ||
	    str_set(&a->url, site) < 0)
		return -ENOMEM;
	if (!a->url && a->handle && asprintf(&a->url, X_WEB "%s", a->handle) < 0) {
		a->url = NULL;
		return -ENOMEM;
	}
	return 0;
}

static int x_lookup(const cJSON *body, struct net_page *pg)
{
	const cJSON *data = cJSON_GetObjectItemCaseSensitive(body, "data"), *u;
	struct net_account a;
	int r;

	if (cJSON_IsObject(data)) {
		r = x_account(data, &a);
		if (r == 0)
			r = net_page_push_account(pg, &a);
		else if (r == -EINVAL)
			net_page_invalid(pg, "X user object has wrong field types");
		net_account_clear(&a);
		return r == -EINVAL ? 0 : r;
	}
	cJSON_ArrayForEach(u, data) {
		r = x_account(u, &a);
		if (r == 0)
			r = net_page_push_account(pg, &a);
		else if (r == -EINVAL)
			net_page_invalid(pg, "X user object has wrong field types");
		net_account_clear(&a);
		if (r == -ENOMEM)
			return r;
	}
	return 0;
}

/* A page of followed users: data[] as a lookup's, meta.next_token the next. */
static int x_following(const cJSON *body, struct net_walk *w, struct net_page *pg)
{
	const cJSON *data = cJSON_GetObjectItemCaseSensitive(body, "data");
	const char *next = net_json_str_or(net_json_obj(body, "meta"), "next_token", NULL);
	int r;

	if (data && !cJSON_IsArray(data)) {
		net_err(pg, NET_ERR_MALFORMED, NET_SCOPE_ENDPOINT, 0, "X \"data\" is not an array");
		return 0;
	}
	if (!data && !net_json_obj(body, "meta")) {
		net_err(pg, NET_ERR_MALFORMED, NET_SCOPE_ENDPOINT, 0, "X page without data or meta");
		return 0;
	}
	if ((r = x_lookup(body, pg)) < 0)
		return r;
	if (str_set(&w->page_token, net_has(next) && x_valid_token(next) ? next : NULL) < 0)
		return -ENOMEM;
	w->pages++;
	w->done = !w->page_token;
	return 0;
}

/* FOLLOW_CHECK: connection_status lists "following" among others, and is
 * left out where there is no relationship. Users X no longer returns
 * (suspended, deleted: errors[]) are not followed; the page stands. */
static int x_connections(const cJSON *body, struct net_page *pg)
{
	const cJSON *data = cJSON_GetObjectItemCaseSensitive(body, "data"), *u, *c;
	const cJSON *errors = net_json_arr(body, "errors");

	if (data ? !cJSON_IsArray(data) : !errors) {
		net_err(pg, NET_ERR_MALFORMED, NET_SCOPE_ENDPOINT, 0, "X users without a \"data\" array");
		return 0;
	}
	if (errors)
		net_page_note(pg, "X: %d of the accounts asked about were not returned",
			      cJSON_GetArraySize(errors));
	cJSON_ArrayForEach(u, data) {
		struct net_account a = { .n_posts = -1 };
		const cJSON *cs = cJSON_GetObjectItemCaseSensitive(u, "connection_status");
		const char *id = net_json_str_or(u, "id", NULL);
		int r;

		if (!id || !x_valid_id(id) || (cs && !cJSON_IsArray(cs))) {
			net_page_invalid(pg, "X user without an id or with a malformed connection_status");
			continue;
		}
		cJSON_ArrayForEach(c, cs)
			if (cJSON_IsString(c) && strcmp(c->valuestring, "following") == 0)
				a.following = true;
		r = str_set(&a.id, id);
		if (r == 0)
			r = net_page_push_account(pg, &a);
		net_account_clear(&a);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Every post id the answer bills, once: data's and includes.tweets'. */
static int x_billed_from(struct net_page *pg, const cJSON *arr)
{
	const cJSON *t;

	cJSON_ArrayForEach(t, arr) {
		const char *id = net_json_str_or(t, "id", NULL);
		bool seen = false;
		char **grown;

		if (!id || !x_valid_id(id))
			continue;
		for (size_t i = 0; i < pg->n_billed && !seen; i++)
			seen = strcmp(pg->billed[i], id) == 0;
		if (seen)
			continue;
		if (!(grown = realloc(pg->billed, (pg->n_billed + 1) * sizeof *grown)))
			return -ENOMEM;
		pg->billed = grown;
		if (!(pg->billed[pg->n_billed] = strdup(id)))
			return -ENOMEM;
		pg->n_billed++;
	}
	return 0;
}

static int x_billed(const cJSON *body, struct net_page *pg)
{
	const cJSON *inc = net_json_obj(body, "includes");
	int r = x_billed_from(pg, net_json_arr(body, "data"));

	return r < 0 ? r : x_billed_from(pg, x_alt(inc, "tweets", "posts"));
}

static int x_parse_ok(const struct net_config *cfg, enum net_op op, const cJSON *body,
		      struct net_walk *w, struct net_page *pg)
{
	const cJSON *data = cJSON_GetObjectItemCaseSensitive(body, "data");
	const cJSON *errors = net_json_arr(body, "errors");
	struct x_ctx cx = { .cfg = cfg };
	int r;

	if (op == NET_OP_FOLLOW_CHECK)
		return x_connections(body, pg);
	if (!data && errors) {
		x_errors_only(pg, body);
		return 0;
	}
	if (errors) {
		const char *why = x_err_text(x_err_noted(cfg, op, errors));

		net_page_note(pg, "X partial error: %s", why ? why : "unspecified");
	}
	if (op == NET_OP_FOLLOWING)
		return x_following(body, w, pg);
	if (op == NET_OP_LOOKUP) {
		if (!cJSON_IsObject(data) && !cJSON_IsArray(data)) {
			net_err(pg, NET_ERR_MALFORMED, NET_SCOPE_ENDPOINT, 0, "X user lookup without data");
			return 0;
		}
		return x_lookup(body, pg);
	}
	if (data && !cJSON_IsArray(data)) {
		net_err(pg, NET_ERR_MALFORMED, NET_SCOPE_ENDPOINT, 0, "X \"data\" is not an array");
		return 0;
	}
	if ((r = x_billed(body, pg)) < 0)
		return r;
	if (!data && !net_json_obj(body, "meta")) {
		net_err(pg, NET_ERR_MALFORMED, NET_SCOPE_ENDPOINT, 0, "X page without data or meta");
		return 0;
	}
	const cJSON *inc = net_json_obj(body, "includes");

	r = net_json_index_build(&cx.users, net_json_arr(inc, "users"), "id");
	if (r == 0)
		r = net_json_index_build(&cx.tweets, x_alt(inc, "tweets", "posts"), "id");
	if (r == 0)
		r = x_items(&cx, op, data, pg);
	if (r == 0)
		r = x_advance(w, body);
	net_json_index_free(&cx.users);
	net_json_index_free(&cx.tweets);
	return r;
}

static int x_parse(const struct net_config *cfg, enum net_op op, const struct net_response *resp,
		   struct net_walk *w, struct net_page *pg)
{
	int st = net_status_of(resp);
	cJSON *body = NULL;
	int r = 0;

	if (op == NET_OP_SESSION_REFRESH)
		return x_oauth_parse(cfg, resp, pg);
	if (op == NET_OP_SESSION_CREATE) {
		net_err(pg, NET_ERR_BAD_REQUEST, NET_SCOPE_ENDPOINT, 0, "X has no sessions to create");
		return 0;
	}
	if (net_body_is_json(resp))
		body = net_json_parse(resp->body, resp->body_len);
	if (st == 403 && op == NET_OP_FOLLOWING &&
	    ends_with(net_json_str_or(body, "type", ""), "/client-forbidden"))
		/* The app's access level lacks this endpoint: nothing the user's
		 * token or a retry changes, and the rest of X still works. */
		net_err(pg, NET_ERR_AUTH, NET_SCOPE_ENDPOINT, 0,
			"X refuses to list whom you follow at this app's access level (%s): "
			"the following list needs a higher X API tier; import from a list of handles instead",
			net_json_str_or(body, "reason", "client-forbidden"));
	else if (st < 200 || st > 299)
		x_http_error(pg, resp, body);
	else if (!cJSON_IsObject(body))
		net_err_http(pg, resp, NET_SCOPE_NETWORK,
			     net_body_is_json(resp) ? "invalid JSON" : "not JSON");
	else
		r = x_parse_ok(cfg, op, body, w, pg);
	cJSON_Delete(body);
	return r;
}

const struct net_platform net_x = {
	.name = X_NET,
	.title = "X",
	.tagged_actions = "On X: \"Leave this conversation\" untags you from the post and its replies; "
	                  "hide the reply if it answers your post; report it; mute or block the author; "
	                  "or reply to distance yourself.",
	.api_base = "https://api.x.com",
	.enabled_by_default = false,   /* reading X needs a bearer token */
	/* X bills each post read, and the home timeline brings everyone's posts
	 * while the followed mentors already share one batched search: opt in. */
	.home_feed_by_default = false,
	.max_batch = (X_QUERY_MAX + 4) / 10,    /* upper bound: 1-char handles */
	.max_lookup = X_LOOKUP_MAX,
	.max_follow_check = X_LOOKUP_MAX,
	.can = x_can,
	.build_lookup = x_build_lookup,
	.build_page = x_build_page,
	.build_batch = x_build_batch,
	.build_follow_check = x_build_follow_check,
	.build_session = x_oauth_build_refresh,
	.parse = x_parse,
	.read_rate = x_read_rate,
	.cmp_id = net_cmp_opaque_id,
	.rate_key = x_rate_key,
	.history_below = x_history_below,
	.check_handle = x_check_handle,
	.bio_handle = x_bio_handle,
};
