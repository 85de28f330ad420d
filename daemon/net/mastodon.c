/* mastodon.c — Mastodon REST adapter (one instance per config, optional token).
 *
 * Endpoints: accounts/lookup?acct= (lookup, by handle and by stable id);
 * accounts/:id/statuses (account, history, own); timelines/tag/:tag (tag);
 * notifications (interactions, user token). The token, when configured, is
 * sent on every request to the user's own instance (private posts the user
 * may see, restricted tag feeds) and never to a foreign one (cfg->foreign).
 *
 * Identity is what every instance agrees on: an account is its acct
 * (user@domain, lower-cased), a status its uri. The numbers in ids and
 * paths are the answering instance's own (local ids): used for paging and
 * URLs, never to identify.
 *
 * Ids are opaque strings ordered by length then bytes. Walks use min_id, which
 * returns the page just above the watermark, so pages go upwards until one is
 * not full. Remote posts that federate late get ids from their (older)
 * creation time, so the first request starts overlap_s below the watermark.
 * Handles are normalised to user@domain (local accounts get the answering
 * server's name: cfg->host, else api_base's host and its port when it names
 * one); ids are the handles lower-cased. Content HTML is turned into
 * plain text; a content warning (plain text already) is kept as a "CW: …"
 * first paragraph. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "net/adapter.h"
#include "common/str.h"
#include "net/html.h"
#include "net/json.h"
#include "net/link_header.h"
#include "net/time.h"
#include "net/url.h"

#define M_NET "mastodon"

extern const struct net_platform net_mastodon;

/* ---- handles ------------------------------------------------------------ */

/* user or user@instance; the instance part is case-insensitive, the user
 * part is kept as typed. An instance on its own port keeps it
 * (user@localhost:3000): that is what the adapter makes of a local acct. */
static int m_check_handle(char *h, size_t n, const char **why)
{
	char *at = memchr(h, '@', n);
	size_t user = at ? (size_t)(at - h) : n;
	for (char *p = at; p && *p; p++)
		*p = (char)tolower((unsigned char)*p);
	if (user < 1 || user > 30) { *why = "Mastodon user names are 1 to 30 characters"; return -EINVAL; }
	for (size_t i = 0; i < user; i++) {
		bool inner = i > 0 && i + 1 < user && (h[i] == '.' || h[i] == '-');
		if (!isalnum((unsigned char)h[i]) && h[i] != '_' && !inner) {
			*why = "Mastodon user names use letters, digits and _ (. and - inside)";
			return -EINVAL;
		}
	}
	if (at && !net_url_valid_authority(at + 1, n - user - 1)) {
		*why = "expected user@instance.domain (or user@instance.domain:port)";
		return -EINVAL;
	}
	return 0;
}

/* https://instance/@user (a profile link) and @user@instance. */
static bool m_bio_handle(const char *word, char *out, size_t size)
{
	const char *at;
	if (word[0] == '@' && strchr(word + 1, '@'))
		return (size_t)snprintf(out, size, "%s", word + 1) < size;
	if (strncmp(word, "https://", 8) != 0 || !(at = strstr(word + 8, "/@")))
		return false;
	char user[300];
	size_t host = (size_t)(at - (word + 8));
	if (!net_url_segment_after(at, "/@", user, sizeof user))
		return false;
	int k = snprintf(out, size, "%s@%.*s", user, (int)host, word + 8);
	return k > 0 && (size_t)k < size;
}

/* ---- the server ---------------------------------------------------------- */

/* The authority of the server that answers, lower-cased: its own name when
 * api_base only stands in for it (cfg->host), else api_base's. It is the
 * domain of the server's local accounts and the key of its budget, so
 * several instances behind one stand-in address stay apart. NULL: api_base
 * has no authority (-EINVAL), or no memory. */
static char *m_server(const struct net_config *cfg)
{
	char *s;

	if (!net_has(cfg->host))
		return net_url_authority(cfg->api_base);
	if ((s = strdup(cfg->host)))
		for (char *c = s; *c; c++)
			*c = (char)tolower((unsigned char)*c);
	return s;
}

static int m_server_err(const struct net_config *cfg)
{
	return net_has(cfg->host) || (cfg->api_base && net_url_origin_len(cfg->api_base)) ?
	       -ENOMEM : -EINVAL;
}

/* Every endpoint of one instance shares its budget. */
static int m_rate_key(const struct net_config *cfg, enum net_op op, char *out, size_t size)
{
	char *server = m_server(cfg);
	size_t n;

	if (!server)
		return m_server_err(cfg);
	n = strlen(server);
	if (n < size)
		memcpy(out, server, n + 1);
	free(server);
	return n < size ? 0 : -EINVAL;
}

/* An acct names its home in its domain part; a bare user lives on the
 * server asked. Only a valid authority is written out: the caller makes
 * the next api_base of it. */
static int m_home(const struct net_config *cfg, const char *stable_id, char *out, size_t size)
{
	const char *domain;
	char *server;
	size_t n;
	int r;

	while (*stable_id == '@')
		stable_id++;
	domain = strchr(stable_id, '@');
	if (!domain || !domain[1])
		return 0;
	domain++;
	n = strlen(domain);
	if (!(server = m_server(cfg)))
		return m_server_err(cfg);
	if (strcasecmp(domain, server) == 0) {
		r = 0;
	} else if (!net_url_valid_authority(domain, n) || n >= size) {
		r = -EINVAL;
	} else {
		for (size_t i = 0; i <= n; i++)
			out[i] = (char)tolower((unsigned char)domain[i]);
		r = 1;
	}
	free(server);
	return r;
}

/* ---- request building ------------------------------------------------- */

/* Ids and min_id values go into paths and queries: keep them to what
 * Mastodon (digits) and its forks (base62 flake ids) use. */
static bool m_valid_id(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n < 1 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '-')
			return false;
	return true;
}

/* On a foreign server only what is public about one of its own accounts
 * makes sense: the user is not known there, and its tag feed would only
 * repeat the user's own instance's. */
static bool m_can(const struct net_config *cfg, enum net_op op)
{
	switch (op) {
	case NET_OP_LOOKUP: case NET_OP_ACCOUNT: case NET_OP_HISTORY:
		return true;
	case NET_OP_TAG:
		return !cfg->foreign;
	case NET_OP_OWN:
		return !cfg->foreign && net_has(cfg->me_id);
	case NET_OP_INTERACTIONS: case NET_OP_FEED: case NET_OP_FOLLOW_CHECK:
		return !cfg->foreign && net_has(cfg->token);
	case NET_OP_FOLLOWING:
		return !cfg->foreign;
	default:
		return false;
	}
}

static int m_finish(const struct net_config *cfg, struct net_request *req, enum net_op op,
		    struct strbuf *b)
{
	int r = net_req_get(req, op, b);

	/* The token belongs to the user's own instance: another one must
	 * never see it. */
	if (r == 0 && net_has(cfg->token) && !cfg->foreign)
		r = net_req_bearer(req, cfg->token);
	return r;
}

/* By handle or by stable id, both an acct: accounts/lookup answers either
 * (a local user bare or with the server's domain). accounts/:id would take
 * only the number the answering server gave, which no other server shares. */
static int m_build_lookup(const struct net_config *cfg, enum net_lookup_by by,
			  const char *const *keys, size_t n, struct net_request *req,
			  size_t *n_used)
{
	struct strbuf b = STRBUF_INIT;
	const char *k = keys[0];

	while (k && *k == '@')
		k++;
	if (!net_has(k) || strpbrk(k, " \t\r\n/?#&"))
		return -EINVAL;
	net_url_join(&b, cfg->api_base, "/api/v1/accounts/lookup");
	net_url_param(&b, "acct", k);
	*n_used = 1;
	return m_finish(cfg, req, NET_OP_LOOKUP, &b);
}

/* The page size decides when an upward walk ends (a page that is not full),
 * so builder and parser must agree on it. */
static int m_limit(const struct net_config *cfg, enum net_op op)
{
	int max = op == NET_OP_INTERACTIONS ? 80 : 40;
	int n = cfg->page_size > 0 ? cfg->page_size : max;

	return n > max ? max : n;
}

/* min_id for the first request of a walk: the watermark moved back by the
 * overlap when it is a Mastodon snowflake ((ms << 16) | seq, 15+ digits);
 * small sequential ids and non-numeric ids are used as they are. */
static int m_overlap_min_id(const struct net_config *cfg, const char *wm, char **out)
{
	int64_t ov = cfg->overlap_s == 0 ? NET_DEFAULT_OVERLAP_S : cfg->overlap_s;
	uint64_t v = 0, delta;
	size_t n = strlen(wm);
	bool digits = n >= 15 && n <= 19;

	for (size_t i = 0; digits && i < n; i++)
		digits = isdigit((unsigned char)wm[i]);
	if (digits)
		v = strtoull(wm, NULL, 10);
	delta = ov > 0 ? ((uint64_t)ov * 1000u) << 16 : 0;
	if (!digits || ov <= 0 || v <= delta)
		return (*out = strdup(wm)) ? 0 : -ENOMEM;
	if (asprintf(out, "%" PRIu64, v - delta) < 0) {
		*out = NULL;     /* asprintf leaves it undefined on failure */
		return -ENOMEM;
	}
	return 0;
}

static int m_history_below(const char *net_id, char *out, size_t size)
{
	return m_valid_id(net_id) && snprintf(out, size, "%s", net_id) < (int)size;
}

/* The home feed pages downwards by max_id. A token "m<id>" says the walk
 * has met its watermark and only reads on through the overlap. */
static int m_build_feed(const struct net_config *cfg, const struct net_walk *w,
			struct net_request *req)
{
	struct strbuf b = STRBUF_INIT;
	const char *max_id = w->page_token;

	if (!net_has(cfg->token))
		return -ENOKEY;
	if (max_id && *max_id == 'm')
		max_id++;
	if (max_id && !m_valid_id(max_id))
		return -EINVAL;
	net_url_join(&b, cfg->api_base, "/api/v1/timelines/home");
	net_url_param_int(&b, "limit", m_limit(cfg, NET_OP_FEED));
	net_url_param(&b, "max_id", max_id);
	return m_finish(cfg, req, NET_OP_FEED, &b);
}

/* Relationships take the configured server's own numbers for accounts. */
#define M_FOLLOW_CHECK_MAX 40

static int m_build_follow_check(const struct net_config *cfg, const char *const *ids, size_t n,
			     struct net_request *req, size_t *n_used)
{
	struct strbuf b = STRBUF_INIT;

	if (!net_has(cfg->token) || cfg->foreign)
		return -ENOKEY;
	for (size_t i = 0; i < n; i++)
		if (!m_valid_id(ids[i]))
			return -EINVAL;
	net_url_join(&b, cfg->api_base, "/api/v1/accounts/relationships");
	for (size_t i = 0; i < n; i++)
		net_url_param(&b, "id[]", ids[i]);
	*n_used = n;
	return m_finish(cfg, req, NET_OP_FOLLOW_CHECK, &b);
}

/* Whom the user follows, downwards by the server's own paging (max_id is
 * the follow's id, not an account's: only Link rel="next" knows it). */
static int m_build_following(const struct net_config *cfg, const char *target,
			     const struct net_walk *w, struct net_request *req)
{
	struct strbuf b = STRBUF_INIT;

	if (!m_valid_id(target) || (w->page_token && !m_valid_id(w->page_token)))
		return -EINVAL;
	net_url_join(&b, cfg->api_base, "/api/v1/accounts/");
	strbuf_puts(&b, target);
	strbuf_puts(&b, "/following");
	net_url_param_int(&b, "limit", 80);
	net_url_param(&b, "max_id", w->page_token);
	return m_finish(cfg, req, w->op, &b);
}

static int m_build_page(const struct net_config *cfg, const char *target,
			const struct net_walk *w, struct net_request *req)
{
	struct strbuf b = STRBUF_INIT;
	char *min_id = NULL;
	int r;

	if (cfg->foreign && (w->op == NET_OP_OWN || w->op == NET_OP_INTERACTIONS || w->op == NET_OP_TAG ||
			     w->op == NET_OP_FOLLOWING))
		return -ENOTSUP;
	if (w->op == NET_OP_FOLLOWING)
		return m_build_following(cfg, target, w, req);
	switch (w->op) {
	case NET_OP_ACCOUNT:
	case NET_OP_OWN:
	case NET_OP_HISTORY: {
		const char *id = w->op == NET_OP_OWN ? cfg->me_id : target;

		if (!m_valid_id(id))
			return -EINVAL;
		net_url_join(&b, cfg->api_base, "/api/v1/accounts/");
		strbuf_puts(&b, id);
		strbuf_puts(&b, "/statuses");
		break;
	}
	case NET_OP_TAG:
		while (*target == '#')
			target++;
		if (!*target)
			return -EINVAL;
		net_url_join(&b, cfg->api_base, "/api/v1/timelines/tag/");
		net_url_escape(&b, target);
		break;
	case NET_OP_INTERACTIONS:
		if (!net_has(cfg->token))
			return -ENOKEY;
		net_url_join(&b, cfg->api_base, "/api/v1/notifications");
		break;
	case NET_OP_FEED:
		return m_build_feed(cfg, w, req);
	default:
		return -ENOTSUP;
	}
	net_url_param_int(&b, "limit", m_limit(cfg, w->op));
	if (w->op == NET_OP_HISTORY) {
		/* Downwards: below the oldest post seen (max_id is exclusive). */
		r = !w->page_token || m_valid_id(w->page_token) ? 0 : -EINVAL;
		if (r == 0)
			net_url_param(&b, "max_id", w->page_token);
		if (r < 0)
			strbuf_free(&b);
		return r < 0 ? r : m_finish(cfg, req, w->op, &b);
	}
	if (w->page_token) {
		r = m_valid_id(w->page_token) ? 0 : -EINVAL;
		min_id = r == 0 ? strdup(w->page_token) : NULL;
	} else if (w->watermark) {
		r = m_valid_id(w->watermark) ? 0 : -EINVAL;
		if (r == 0 && w->op == NET_OP_INTERACTIONS)   /* local sequence: no late arrivals */
			min_id = strdup(w->watermark);
		else if (r == 0)
			r = m_overlap_min_id(cfg, w->watermark, &min_id);
	} else {
		r = 0;
	}
	if (r == 0 && (w->page_token || w->watermark) && !min_id)
		r = -ENOMEM;
	if (r < 0) {
		strbuf_free(&b);
		free(min_id);
		return r;
	}
	net_url_param(&b, "min_id", min_id);
	free(min_id);
	return m_finish(cfg, req, w->op, &b);
}

static void m_read_rate(const struct net_response *resp, struct net_rate *rate)
{
	net_rate_read(resp, "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset",
		      true, rate);
}

/* ---- parsing ------------------------------------------------------------ */

struct m_ctx {
	const struct net_config *cfg;
	char *host;                 /* the answering server's authority (m_server), the
	                               domain of its local accts */
	char *me;                   /* cfg->me as an id (m_acct), for INTERACTIONS */
};

/* An acct as the server sent it ("user" for its own accounts, "user@domain"
 * for others) → the handle (user@domain, the user part as written) and/or
 * the id (the same, lower-cased: Mastodon matches user names and domains
 * case-insensitively, and so every instance names the account alike).
 * -EINVAL: not an acct. */
static int m_acct(const struct m_ctx *cx, const char *acct, char **handle, char **id)
{
	const char *at;
	char *h;
	int k;

	if (!acct)
		return -EINVAL;
	while (*acct == '@')
		acct++;
	at = strchr(acct, '@');
	if (!*acct || at == acct || (at && (!at[1] || strchr(at + 1, '@'))))
		return -EINVAL;
	for (const char *c = acct; *c; c++)
		if ((unsigned char)*c <= ' ' || *c == 0x7f)
			return -EINVAL;
	k = at || !cx->host ? asprintf(&h, "%s", acct) : asprintf(&h, "%s@%s", acct, cx->host);
	if (k < 0)
		return -ENOMEM;
	if (id && !(*id = strdup(h))) {
		free(h);
		return -ENOMEM;
	}
	for (char *c = id ? *id : NULL; c && *c; c++)
		*c = (char)tolower((unsigned char)*c);
	if (handle)
		*handle = h;
	else
		free(h);
	return 0;
}

/* Sets *id / *acct from an Account object (and *local, borrowed, to the
 * answering server's number for it). -EINVAL: no string id or no acct. A
 * bare username is not taken for a missing acct: it would name a remote
 * account as a local one. */
static int m_account_ids(const struct m_ctx *cx, const cJSON *acc, char **id, char **acct,
			 char **name, const char **local)
{
	const char *s, *a;
	int r;

	if (!cJSON_IsObject(acc) || net_json_str(acc, "id", &s) < 0 || !*s ||
	    net_json_str(acc, "acct", &a) < 0)
		return -EINVAL;
	if ((r = m_acct(cx, a, acct, id)) < 0)
		return r;
	if (local)
		*local = s;
	if (name && str_set(name, net_nz(net_json_str_or(acc, "display_name", NULL))) < 0)
		return -ENOMEM;
	return 0;
}

/* What names a status alike on every instance: its ActivityPub uri (a
 * boost's is the Announce's, ".../activity"); the web url, then the
 * answering instance's own id, when a server leaves it out. */
static const char *m_key(const cJSON *st)
{
	const char *k = net_nz(net_json_str_or(st, "uri", NULL));

	if (!k)
		k = net_nz(net_json_str_or(st, "url", NULL));
	return k ? k : net_nz(net_json_str_or(st, "id", NULL));
}

/* A boosted or quoted status, named by its key: a boost seen in a feed and
 * the reblog notification of it then agree, whichever server answered. */
static int m_ref_from_status(const struct m_ctx *cx, struct post_ref *ref, const cJSON *st)
{
	const char *key = m_key(st);

	if (!key)
		return -EINVAL;
	if (str_set(&ref->id, key) < 0)
		return -ENOMEM;
	return m_account_ids(cx, net_json_obj(st, "account"), &ref->author_id,
			     &ref->author_handle, NULL, NULL) == -ENOMEM ? -ENOMEM : 0;
}

/* Plain text of a status: "CW: spoiler" paragraph, then the content. The
 * content is HTML; spoiler_text is plain text, so an "&amp;" in it is what
 * the author typed. */
static int m_text(const cJSON *src, char **out)
{
	const char *html = "", *cw = "";
	char *body;
	int r;

	if ((r = net_json_str(src, "content", &html)) == -EINVAL ||
	    (r = net_json_str(src, "spoiler_text", &cw)) == -EINVAL)
		return -EINVAL;
	body = html_to_text(html, strlen(html));
	if (!body)
		return -ENOMEM;
	if (!cw || !*cw) {
		*out = body;
		return 0;
	}
	r = asprintf(out, "CW: %s%s%s", cw, *body ? "\n\n" : "", body) >= 0 ? 0 : -ENOMEM;
	if (r < 0)
		*out = NULL;
	free(body);
	return r;
}

static int m_mentions_tags(const struct m_ctx *cx, const cJSON *src, struct post *p)
{
	const cJSON *e;
	const char *s;

	cJSON_ArrayForEach(e, net_json_arr(src, "mentions")) {
		char *handle = NULL, *id = NULL;
		int r = m_acct(cx, net_json_str_or(e, "acct", NULL), &handle, &id);

		if (r == 0)
			r = post_add_mention(p, handle, strlen(handle), id);
		free(handle);
		free(id);
		if (r == -ENOMEM)
			return r;
	}
	cJSON_ArrayForEach(e, net_json_arr(src, "tags"))
		if (net_json_str(e, "name", &s) == 0 && post_add_tag(p, s, strlen(s)) < 0)
			return -ENOMEM;
	return 0;
}

/* in_reply_to_account_id is the answering instance's number for the
 * parent's author; only accounts of the same answer can translate it: the
 * author (a thread) or a mention (the parent's author is mentioned when the
 * reply is written). Otherwise the parent's author stays unknown. */
static int m_reply(const struct m_ctx *cx, const cJSON *st, struct post *p)
{
	const char *pid, *aid = NULL, *self;
	char *handle = NULL, *id = NULL;
	const cJSON *e;
	int r;

	if ((r = net_json_str(st, "in_reply_to_id", &pid)) == -EINVAL)
		return -EINVAL;
	if (r < 0)
		return 0;
	if (net_json_str(st, "in_reply_to_account_id", &aid) == -EINVAL)
		return -EINVAL;
	self = net_json_str_or(net_json_obj(st, "account"), "id", NULL);
	if (aid && self && strcmp(aid, self) == 0)
		return post_ref_set(&p->reply_to, pid, p->author_id, p->author_handle);
	cJSON_ArrayForEach(e, net_json_arr(st, "mentions")) {
		if (!aid || strcmp(net_json_str_or(e, "id", ""), aid) != 0)
			continue;
		if (m_acct(cx, net_json_str_or(e, "acct", NULL), &handle, &id) == -ENOMEM)
			return -ENOMEM;
		break;
	}
	r = post_ref_set(&p->reply_to, pid, id, handle);
	free(handle);
	free(id);
	return r;
}

/* Quotes (Mastodon 4.5+): {state, quoted_status: Status|null} or the shallow
 * {state, quoted_status_id}. Any quote object makes the status a quote, also
 * while its target is unknown (pending approval, revoked, deleted, or not
 * sent): it was written as one. quote_of then holds what is known, maybe
 * nothing. */
static int m_quote(const struct m_ctx *cx, const cJSON *src, struct post *p)
{
	const cJSON *q = net_json_obj(src, "quote"), *qs;
	const char *qid;

	if (!q)
		return 0;
	p->kind = POST_QUOTE;
	if ((qs = net_json_obj(q, "quoted_status"))) {
		int r = m_ref_from_status(cx, &p->quote_of, qs);

		return r == -ENOMEM ? r : 0;
	}
	/* A shallow quote names its target by the local id alone. */
	if (net_json_str(q, "quoted_status_id", &qid) == 0 && *qid && str_set(&p->quote_of.id, qid) < 0)
		return -ENOMEM;
	return 0;
}

static void m_counts(struct post *p, const cJSON *st)
{
	p->n_likes = net_json_i64_or(st, "favourites_count", -1);
	p->n_reposts = net_json_i64_or(st, "reblogs_count", -1);
	p->n_replies = net_json_i64_or(st, "replies_count", -1);
	p->n_quotes = net_json_i64_or(st, "quotes_count", -1);
}

/* One Status → p. A boost keeps its own id, key, author and time; text,
 * tags, mentions, quote and URL come from the boosted status. */
static int m_status(const struct m_ctx *cx, const cJSON *st, struct post *p)
{
	const cJSON *reblog, *src;
	const char *id, *s;
	int r;

	post_init(p, M_NET);
	if (!cJSON_IsObject(st) || net_json_str(st, "id", &id) < 0 || !*id)
		return -EINVAL;
	if ((r = m_account_ids(cx, net_json_obj(st, "account"), &p->author_id, &p->author_handle,
			       &p->author_name, NULL)) < 0)
		return r;
	if (str_set(&p->id, id) < 0 || str_set(&p->key, m_key(st)) < 0)
		return -ENOMEM;
	reblog = cJSON_GetObjectItemCaseSensitive(st, "reblog");
	if (reblog && !cJSON_IsNull(reblog) && !cJSON_IsObject(reblog))
		return -EINVAL;
	src = cJSON_IsObject(reblog) ? reblog : st;
	if ((r = net_json_str(st, "created_at", &s)) == -EINVAL ||
	    (r == 0 && net_time_parse(s, &p->created_at) < 0))
		return -EINVAL;
	if (net_json_str(st, "edited_at", &s) == 0 && net_time_parse(s, &p->edited_at) < 0)
		p->edited_at = 0;
	if ((r = m_text(src, &p->text)) < 0)
		return r;
	if (src != st) {
		p->kind = POST_REPOST;
		if ((r = m_ref_from_status(cx, &p->repost_of, src)) < 0)
			return r;
	} else {
		if ((r = m_reply(cx, st, p)) < 0 || (r = m_quote(cx, st, p)) < 0)
			return r;
		m_counts(p, st);
	}
	s = net_json_str_or(src, "url", net_json_str_or(src, "uri", NULL));
	if (str_set(&p->url, s) < 0)
		return -ENOMEM;
	return m_mentions_tags(cx, src, p);
}

static enum notif_kind m_notif_kind(const char *type)
{
	static const struct { const char *type; enum notif_kind kind; } map[] = {
		{ "mention", NOTIF_MENTION }, { "reblog", NOTIF_REPOST }, { "favourite", NOTIF_LIKE },
		{ "follow", NOTIF_FOLLOW }, { "quote", NOTIF_QUOTE },
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(map[i].type, type) == 0)
			return map[i].kind;
	return NOTIF_OTHER;
}

/* The post part of a notification: the acting post for mentions and quotes
 * (also "status", "update", "poll" — kept for context), the user's post for
 * likes and boosts (then it is the subject, not attached). A reply names no
 * subject: its Status gives the parent's local id only, not its uri. */
static int m_notif_status(const struct m_ctx *cx, const cJSON *st, struct notif *n)
{
	struct post p;
	int r;

	if (n->kind == NOTIF_LIKE || n->kind == NOTIF_REPOST)
		return str_set(&n->subject_id, m_key(st));
	r = m_status(cx, st, &p);
	if (r == 0 && !(n->post = malloc(sizeof(*n->post))))
		r = -ENOMEM;
	if (r < 0) {
		post_clear(&p);
		return r;
	}
	*n->post = p;
	/* By acct, not by me_id: that is the user's number on the configured
	 * server, which is one way of naming the user among many. */
	if (n->kind == NOTIF_MENTION && p.reply_to.id && cx->me && p.reply_to.author_id &&
	    strcmp(p.reply_to.author_id, cx->me) == 0)
		n->kind = NOTIF_REPLY;
	if (n->kind == NOTIF_QUOTE)
		return str_set(&n->subject_id, p.quote_of.id);
	return 0;
}

static int m_notif(const struct m_ctx *cx, const cJSON *o, struct notif *n)
{
	const cJSON *st;
	const char *id, *type, *s;
	int r;

	post_notif_init(n, M_NET);
	if (!cJSON_IsObject(o) || net_json_str(o, "id", &id) < 0 || net_json_str(o, "type", &type) < 0)
		return -EINVAL;
	n->kind = m_notif_kind(type);
	if (str_set(&n->id, id) < 0)
		return -ENOMEM;
	if ((r = net_json_str(o, "created_at", &s)) == -EINVAL ||
	    (r == 0 && net_time_parse(s, &n->created_at) < 0))
		return -EINVAL;
	r = m_account_ids(cx, net_json_obj(o, "account"), &n->actor_id, &n->actor_handle,
			  &n->actor_name, NULL);
	if (r == -ENOMEM)
		return r;
	st = cJSON_GetObjectItemCaseSensitive(o, "status");
	if (cJSON_IsObject(st))
		return m_notif_status(cx, st, n);
	return st && !cJSON_IsNull(st) ? -EINVAL : 0;
}

/* Profile text: the note, then "name: value" for each profile field (often
 * links to the same person elsewhere). */
static int m_bio(const cJSON *acc, char **out)
{
	struct strbuf b = STRBUF_INIT;
	const char *note = net_json_str_or(acc, "note", "");
	const cJSON *f;
	char *t = html_to_text(note, strlen(note));

	if (!t)
		return -ENOMEM;
	strbuf_puts(&b, t);
	free(t);
	cJSON_ArrayForEach(f, net_json_arr(acc, "fields")) {
		const char *name = net_json_str_or(f, "name", NULL), *val = net_json_str_or(f, "value", NULL);

		if (!name || !val || !(t = html_to_text(val, strlen(val))))
			continue;
		strbuf_printf(&b, "%s%s: %s", b.len ? "\n" : "", name, t);
		free(t);
	}
	*out = strbuf_steal(&b);
	if (*out && !**out) {        /* no note and no fields: absent */
		free(*out);
		*out = NULL;
		return 0;
	}
	return *out ? 0 : -ENOMEM;
}

static int m_lookup(const struct m_ctx *cx, const cJSON *acc, struct net_page *pg)
{
	struct net_account a = { .n_posts = -1 };
	const char *local = NULL;
	int r = m_account_ids(cx, acc, &a.id, &a.handle, &a.name, &local);
	int64_t n = net_json_i64_or(acc, "statuses_count", -1);

	if (r == 0)
		r = str_set(&a.local_id, local);
	if (r == 0)
		r = m_bio(acc, &a.bio);
	if (r == 0)
		r = str_set(&a.url, net_json_str_or(acc, "url", NULL));
	a.n_posts = n >= 0 ? n : -1;
	a.bot = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(acc, "bot"));
	a.group = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(acc, "group"));
	if (r == 0)
		r = net_page_push_account(pg, &a);
	if (r == -EINVAL) {
		net_err(pg, NET_ERR_MALFORMED, NET_SCOPE_ENDPOINT, 0,
			"Mastodon account without an id or acct");
		r = 0;
	}
	net_account_clear(&a);
	return r;
}

/* Upward walk: the next page starts above the newest id of this one. The
 * server's Link rel="prev" carries exactly that min_id; its URL is not
 * followed because older servers drop "limit" from it, which would break
 * the "page not full" end test — the builder re-creates the URL instead. */
static int m_next_min_id(const struct net_response *resp, const char *max_id, char **out)
{
	char *url = NULL, *q;
	int r = net_link_header_find(net_header(resp, "Link"), "prev", &url);

	*out = NULL;
	if (r == -ENOMEM)
		return r;
	if (r == 0 && (q = strstr(url, "min_id=")) && (q == url || q[-1] == '?' || q[-1] == '&')) {
		q += 7;
		*out = strndup(q, strcspn(q, "&#"));
		if (*out && !m_valid_id(*out)) {
			free(*out);
			*out = NULL;
		}
	}
	free(url);
	if (*out && net_cmp_opaque_id(*out, max_id) < 0) {
		free(*out);      /* never walk downwards, whatever the header says */
		*out = NULL;
	}
	if (!*out && max_id && !(*out = strdup(max_id)))
		return -ENOMEM;
	return 0;
}

/* Back-fill goes on below the oldest post of a first sync or of a
 * history page; a history page that came back empty is the end. */
static int m_history_advance(struct net_walk *w, size_t n_raw, const char *min_id)
{
	if (str_set(&w->older, n_raw ? min_id : NULL) < 0)
		return -ENOMEM;
	if (w->op == NET_OP_HISTORY) {
		w->pages++;
		w->done = !w->older;
	}
	return 0;
}

static int m_advance(const struct net_config *cfg, const struct net_response *resp,
		     struct net_walk *w, size_t n_raw, const char *max_id)
{
	const char *best = w->new_watermark ? w->new_watermark : w->watermark;
	char *next = NULL;
	int r = 0;

	if (net_cmp_opaque_id(max_id, best) > 0)
		best = max_id;
	r = str_set(&w->new_watermark, best);
	w->pages++;
	w->done = !w->watermark || n_raw == 0 || n_raw < (size_t)m_limit(cfg, w->op);
	if (r == 0 && !w->done)
		r = m_next_min_id(resp, max_id, &next);
	if (r == 0) {
		free(w->page_token);
		w->page_token = next;
		w->done = w->done || !next;
	}
	return r;
}

static int m_items(const struct m_ctx *cx, enum net_op op, const cJSON *arr,
		   struct net_page *pg, const char **max_id, const char **min_id)
{
	const cJSON *it;
	int r = 0;

	cJSON_ArrayForEach(it, arr) {
		const char *id = net_json_str_or(it, "id", NULL);
		struct post p;
		struct notif n;

		/* The watermark counts every id the server sent, even of items we drop. */
		if (id && m_valid_id(id) && net_cmp_opaque_id(id, *max_id) > 0)
			*max_id = id;
		if (id && m_valid_id(id) && (!*min_id || net_cmp_opaque_id(id, *min_id) < 0))
			*min_id = id;
		if (op == NET_OP_INTERACTIONS) {
			r = m_notif(cx, it, &n);
			if (r == 0)
				r = net_page_push_notif(pg, &n);
			post_notif_clear(&n);
		} else {
			r = m_status(cx, it, &p);
			if (r == 0)
				r = net_page_push_post(pg, &p);
			post_clear(&p);
		}
		if (r == -EINVAL)
			net_page_invalid(pg, "Mastodon %s %s has wrong field types",
					 op == NET_OP_INTERACTIONS ? "notification" : "status",
					 id ? id : "(no id)");
		else if (r < 0)
			return r;
	}
	return 0;
}

static void m_http_error(const struct net_config *cfg, struct net_page *pg,
			 const struct net_response *resp, const cJSON *body)
{
	const char *e = net_json_str_or(body, "error", NULL);
	int st = net_status_of(resp);

	if (st == 429)
		/* The budget is the instance's (its rate key), not the network's. */
		net_err(pg, NET_ERR_RATE_LIMITED, NET_SCOPE_ENDPOINT, net_retry_at(pg, resp, 300),
			"Mastodon rate limit reached%s%s", e ? ": " : "", e ? e : "");
	else if (st == 410)
		net_err(pg, NET_ERR_NOT_FOUND, NET_SCOPE_TARGET, 0, "gone (suspended account)%s%s",
			e ? ": " : "", e ? e : "");
	else   /* without a token sent a 401/403 is this endpoint's rule, not a bad token */
		net_err_http(pg, resp, net_has(cfg->token) && !cfg->foreign ? NET_SCOPE_NETWORK :
			     NET_SCOPE_ENDPOINT, e);
}

/* Newest first down to the watermark, then on through the overlap (late
 * federated posts carry back-dated ids); the end of the feed before the
 * watermark is a gap: the window has dropped what lay between. */
static int m_feed_advance(const struct net_config *cfg, struct net_walk *w, size_t n_raw,
			  const char *max_id, const char *min_id)
{
	bool met = w->page_token && *w->page_token == 'm';
	char *stop = NULL, *next = NULL;
	int r;

	if (w->pages++ == 0) {
		const char *best = w->watermark;
		if (max_id && (!best || net_cmp_opaque_id(max_id, best) > 0))
			best = max_id;
		if ((r = str_set(&w->new_watermark, best)) < 0)
			return r;
	}
	if (!w->watermark || n_raw == 0 || !min_id) {
		w->done = true;
		w->gap = w->watermark && !met;
		return 0;
	}
	if ((r = m_overlap_min_id(cfg, w->watermark, &stop)) < 0)
		return r;
	w->done = net_cmp_opaque_id(min_id, stop) <= 0;
	free(stop);
	met = met || net_cmp_opaque_id(min_id, w->watermark) <= 0;
	if (w->done)
		return 0;
	if (asprintf(&next, "%s%s", met ? "m" : "", min_id) < 0)
		return -ENOMEM;
	free(w->page_token);
	w->page_token = next;
	return 0;
}

static int m_relationships(const cJSON *body, struct net_page *pg)
{
	const cJSON *it;

	if (!cJSON_IsArray(body)) {
		net_err(pg, NET_ERR_MALFORMED, NET_SCOPE_ENDPOINT, 0, "Mastodon relationships: expected an array");
		return 0;
	}
	cJSON_ArrayForEach(it, body) {
		struct net_account a = { .n_posts = -1 };
		const char *id = net_json_str_or(it, "id", NULL);
		const cJSON *f = cJSON_GetObjectItemCaseSensitive(it, "following");
		int r;

		if (!id || !m_valid_id(id) || !cJSON_IsBool(f)) {
			net_page_invalid(pg, "Mastodon relationship without an id or \"following\"");
			continue;
		}
		a.following = cJSON_IsTrue(f);
		r = str_set(&a.id, id);
		if (r == 0)
			r = str_set(&a.local_id, id);
		if (r == 0)
			r = net_page_push_account(pg, &a);
		net_account_clear(&a);
		if (r < 0)
			return r;
	}
	return 0;
}

/* A page of followed accounts; the next one is below Link rel="next"'s
 * max_id (none: the end). An account that does not parse is skipped and
 * counted, the page still counts. */
static int m_following(const struct m_ctx *cx, const struct net_response *resp, const cJSON *arr,
		       struct net_walk *w, struct net_page *pg)
{
	char *url = NULL, *next = NULL, *q;
	const cJSON *it;
	int r = 0;

	cJSON_ArrayForEach(it, arr) {
		size_t before = pg->n_accounts;

		if ((r = m_lookup(cx, it, pg)) < 0)
			return r;
		if (pg->err.code != NET_OK && pg->n_accounts == before) {
			pg->err = (struct net_error){ .code = NET_OK };   /* one bad item, not a bad page */
			net_page_invalid(pg, "Mastodon followed account without an id or acct");
		}
	}
	r = cJSON_GetArraySize(arr) ? net_link_header_find(net_header(resp, "Link"), "next", &url) : -ENOENT;
	if (r == -ENOMEM)
		return r;
	if (r == 0 && (q = strstr(url, "max_id=")) && (q[-1] == '?' || q[-1] == '&')) {
		q += 7;
		next = strndup(q, strcspn(q, "&#"));
		if (!next) {
			free(url);
			return -ENOMEM;
		}
		if (!m_valid_id(next)) {
			free(next);
			next = NULL;
		}
	}
	free(url);
	free(w->page_token);
	w->page_token = next;
	w->pages++;
	w->done = !next;
	return 0;
}

static int m_parse_body(const struct m_ctx *cx, enum net_op op, const struct net_response *resp,
			const cJSON *body, struct net_walk *w, struct net_page *pg)
{
	const char *max_id = NULL, *min_id = NULL;
	int r;

	if (op == NET_OP_FOLLOW_CHECK)
		return m_relationships(body, pg);
	if (op == NET_OP_LOOKUP) {
		if (!cJSON_IsObject(body)) {
			net_err(pg, NET_ERR_MALFORMED, NET_SCOPE_ENDPOINT, 0, "Mastodon lookup: not an object");
			return 0;
		}
		return m_lookup(cx, body, pg);
	}
	if (!cJSON_IsArray(body)) {
		net_err(pg, NET_ERR_MALFORMED, NET_SCOPE_ENDPOINT, 0, "%s",
			net_json_arr(body, "notification_groups") ?
			"grouped notifications (API v2) are not supported; mentord reads /api/v1/notifications" :
			"Mastodon page: expected a JSON array");
		return 0;
	}
	if (op == NET_OP_FOLLOWING)
		return m_following(cx, resp, body, w, pg);
	r = m_items(cx, op, body, pg, &max_id, &min_id);
	if (r == 0 && op == NET_OP_FEED)
		return m_feed_advance(cx->cfg, w, (size_t)cJSON_GetArraySize(body), max_id, min_id);
	if (r == 0 && op == NET_OP_HISTORY)
		return m_history_advance(w, (size_t)cJSON_GetArraySize(body), min_id);
	if (r == 0)
		r = m_advance(cx->cfg, resp, w, (size_t)cJSON_GetArraySize(body), max_id);
	if (r == 0 && op == NET_OP_ACCOUNT && !w->watermark)
		r = m_history_advance(w, (size_t)cJSON_GetArraySize(body), min_id);
	return r;
}

static int m_parse(const struct net_config *cfg, enum net_op op, const struct net_response *resp,
		   struct net_walk *w, struct net_page *pg)
{
	struct m_ctx cx = { .cfg = cfg, .host = m_server(cfg) };
	int st = net_status_of(resp);
	cJSON *body = NULL;
	int r = 0;

	if (op == NET_OP_SESSION_CREATE || op == NET_OP_SESSION_REFRESH || op == NET_OP_BATCH) {
		net_err(pg, NET_ERR_BAD_REQUEST, NET_SCOPE_ENDPOINT, 0, "not a Mastodon operation");
		goto done;
	}
	/* Without the server's name local accounts would get ids no other
	 * instance gives them: better no page than a wrong one. */
	if (!cx.host && m_server_err(cfg) == -ENOMEM) {
		r = -ENOMEM;
		goto done;
	}
	/* Notifications come from the user's own server (never a foreign one),
	 * so a bare configured handle takes the answering server's domain. */
	if (op == NET_OP_INTERACTIONS && net_has(cfg->me) &&
	    m_acct(&cx, cfg->me, NULL, &cx.me) == -ENOMEM) {
		r = -ENOMEM;
		goto done;
	}
	if (net_body_is_json(resp))
		body = net_json_parse(resp->body, resp->body_len);
	if (st < 200 || st > 299)
		m_http_error(cfg, pg, resp, body);
	else if (!body)
		net_err_http(pg, resp, NET_SCOPE_NETWORK,
			     net_body_is_json(resp) ? "invalid JSON" : "not JSON");
	else
		r = m_parse_body(&cx, op, resp, body, w, pg);
done:
	cJSON_Delete(body);
	free(cx.host);
	free(cx.me);
	return r;
}

const struct net_platform net_mastodon = {
	.name = M_NET,
	.title = "Mastodon",
	.tagged_actions = "On Mastodon: report it to your server's moderators; mute or block the author; "
	                  "if it quotes you, remove your post from the quote (Mastodon 4.5 and later); "
	                  "or reply to distance yourself. A mention cannot be untagged there.",
	.api_base = "https://mastodon.social",
	.enabled_by_default = true,
	.home_feed_by_default = true,
	.max_batch = 0,
	.max_lookup = 1,
	.max_follow_check = M_FOLLOW_CHECK_MAX,
	.upward_walks = true,
	.can = m_can,
	.build_follow_check = m_build_follow_check,
	.build_lookup = m_build_lookup,
	.build_page = m_build_page,
	.parse = m_parse,
	.read_rate = m_read_rate,
	.cmp_id = net_cmp_opaque_id,
	.rate_key = m_rate_key,
	.history_below = m_history_below,
	.check_handle = m_check_handle,
	.bio_handle = m_bio_handle,
	.home = m_home,
};
