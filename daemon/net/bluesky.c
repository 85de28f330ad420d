/* bluesky.c — Bluesky (AT Protocol, app.bsky.*) adapter.
 *
 * Public reads go to api_base (the AppView, no auth): getProfile/getProfiles
 * (lookup), getAuthorFeed (account, own). Authenticated reads go to pds_base
 * with the session's access JWT: searchPosts (tag — the public host refuses
 * it), listNotifications (interactions). Sessions: createSession (identifier
 * + app password) and refreshSession (refresh JWT), both POST to pds_base.
 *
 * There is no since parameter, so a walk reads from the newest item down to
 * the watermark ("<sortAt unix ms> <at:// URI>"): it stops at that URI, at
 * an item sorted more than BSKY_SKEW_MS before the watermark's time, or at a
 * key the caller reports as known. sortAt is min(createdAt, indexedAt) as the
 * AppView sorts; a repost sorts by its own indexedAt.
 *
 * Unions are dispatched on $type and unknown variants skipped: feed reasons
 * (repost, pin), reply refs (postView, notFoundPost, blockedPost), embeds
 * (record, recordWithMedia; viewRecord/NotFound/Blocked/Detached; external).
 *
 * A post's text gets its links whole: each link facet's URL replaces the
 * shortened label it covers, and a link card's URL that the text lacks is
 * appended on a line of its own. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "net/adapter.h"
#include "common/str.h"
#include "common/utf8.h"
#include "net/json.h"
#include "net/jwt.h"
#include "net/time.h"
#include "net/url.h"

#define B_NET "bluesky"
#define B_POST_TYPE "app.bsky.feed.post"
#define B_DEFS "app.bsky.feed.defs#"
#define B_WEB "https://bsky.app/profile/"
#define BSKY_SKEW_MS (120 * 1000)
#define BSKY_LOOKUP_MAX 25
/* Links put back into a post's text: a longer URI stays as its label, and
 * the text grows only up to B_TEXT_MAX (the lexicon caps a record's text at
 * 3000 bytes; a crafted record must not make it balloon). */
#define B_URI_MAX 2048
#define B_TEXT_MAX 8192
/* Used when a token's expiry cannot be read: refresh well inside the ~2 h
 * access lifetime; assume the refresh token lasts a month. */
#define BSKY_ACCESS_GUESS_S 3600
#define BSKY_REFRESH_GUESS_S (30 * 86400)

extern const struct net_platform net_bluesky;

/* ---- handles ------------------------------------------------------------ */

/* A handle is a domain name (lower-cased); a DID is kept as it is. */
static int b_check_handle(char *h, size_t n, const char **why)
{
	if (strncmp(h, "did:", 4) != 0)
		for (char *p = h; *p; p++)
			*p = (char)tolower((unsigned char)*p);
	if (strncmp(h, "did:plc:", 8) == 0) {
		if (n != 32) { *why = "did:plc identifiers have 24 characters after the prefix"; return -EINVAL; }
		for (size_t i = 8; i < n; i++)
			if (!(islower((unsigned char)h[i]) || (h[i] >= '2' && h[i] <= '7'))) {
				*why = "did:plc identifiers use a-z and 2-7";
				return -EINVAL;
			}
		return 0;
	}
	if (strncmp(h, "did:web:", 8) == 0)
		return net_url_valid_host(h + 8, n - 8) ? 0 : (*why = "did:web needs a domain", -EINVAL);
	if (!net_url_valid_host(h, n)) { *why = "Bluesky handles look like name.bsky.social"; return -EINVAL; }
	return 0;
}

/* bsky.app/profile/NAME and @name.domain. */
static bool b_bio_handle(const char *word, char *out, size_t size)
{
	if (net_url_segment_after(word, "bsky.app/profile/", out, size))
		return true;
	return word[0] == '@' && strchr(word + 1, '.') && (size_t)snprintf(out, size, "%s", word + 1) < size;
}

/* ---- request building ------------------------------------------------- */

static bool b_is_session(enum net_op op)
{
	return op == NET_OP_SESSION_CREATE || op == NET_OP_SESSION_REFRESH;
}

/* ---- rate keys ----------------------------------------------------------- */

/* Each host counts on its own: the AppView (public reads) and the PDS
 * (search, notifications). Sessions have a far smaller budget of their
 * own on the PDS (30 per 5 minutes): counted apart, they neither close
 * the reads nor look like the reads' remaining count. */
static int b_rate_key(const struct net_config *cfg, enum net_op op, char *out, size_t size)
{
	bool pds = b_is_session(op) || op == NET_OP_TAG || op == NET_OP_INTERACTIONS ||
		   op == NET_OP_FEED || op == NET_OP_FOLLOW_CHECK;
	int r = net_rate_key_origin(pds ? cfg->pds_base : cfg->api_base, out, size);
	size_t n = r < 0 ? 0 : strlen(out);

	if (r < 0 || !b_is_session(op))
		return r;
	if (n + sizeof " session" > size)
		return -EINVAL;
	memcpy(out + n, " session", sizeof " session");
	return 0;
}

/* Whether a request of op carries the access token: the PDS-only reads
 * always; public reads only when the configured AppView is the PDS itself. */
static bool b_sends_token(const struct net_config *cfg, enum net_op op)
{
	if (op == NET_OP_TAG || op == NET_OP_INTERACTIONS || op == NET_OP_FEED || op == NET_OP_FOLLOW_CHECK)
		return true;
	return !b_is_session(op) && net_has(cfg->token) && net_has(cfg->pds_base) &&
	       net_url_same_origin(cfg->api_base, cfg->pds_base);
}

static bool b_can(const struct net_config *cfg, enum net_op op)
{
	switch (op) {
	case NET_OP_LOOKUP: case NET_OP_ACCOUNT: case NET_OP_HISTORY: case NET_OP_FOLLOWING:
		return true;
	case NET_OP_OWN:
		return net_has(cfg->me_id) || net_has(cfg->me);
	case NET_OP_TAG: case NET_OP_INTERACTIONS: case NET_OP_FEED: case NET_OP_FOLLOW_CHECK:
		return net_has(cfg->token) && net_has(cfg->pds_base);
	case NET_OP_SESSION_CREATE:
		return net_has(cfg->identifier) && net_has(cfg->password) && net_has(cfg->pds_base);
	case NET_OP_SESSION_REFRESH:
		return net_has(cfg->refresh_token) && net_has(cfg->pds_base);
	default:
		return false;
	}
}

/* Handles, DIDs: printable ASCII without separators. */
static bool b_valid_actor(const char *s)
{
	if (!net_has(s) || strlen(s) > 253)
		return false;
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || (unsigned char)*s >= 0x7F || strchr("/?#&\"'<>\\", *s))
			return false;
	return true;
}

static bool b_valid_tag(const char *s)
{
	if (!*s || strlen(s) > 640)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-' && !((unsigned char)*s & 0x80))
			return false;
	return true;
}

static int b_finish(const struct net_config *cfg, struct net_request *req, enum net_op op,
		    struct strbuf *b)
{
	int r = net_req_get(req, op, b);

	if (r == 0 && b_sends_token(cfg, op))
		r = net_req_bearer(req, cfg->token);
	return r;
}

static int b_build_lookup(const struct net_config *cfg, enum net_lookup_by by,
			  const char *const *keys, size_t n, struct net_request *req,
			  size_t *n_used)
{
	struct strbuf b = STRBUF_INIT;

	if (n > BSKY_LOOKUP_MAX)
		n = BSKY_LOOKUP_MAX;
	for (size_t i = 0; i < n; i++) {
		const char *k = keys[i];

		while (k && *k == '@')
			k++;
		if (!b_valid_actor(k)) {
			*n_used = i;
			return -EINVAL;
		}
	}
	net_url_join(&b, cfg->api_base, n == 1 ? "/xrpc/app.bsky.actor.getProfile"
					       : "/xrpc/app.bsky.actor.getProfiles");
	for (size_t i = 0; i < n; i++) {
		const char *k = keys[i];

		while (*k == '@')
			k++;
		net_url_param(&b, n == 1 ? "actor" : "actors", k);
	}
	*n_used = n;
	return b_finish(cfg, req, NET_OP_LOOKUP, &b);
}

/* The watermark "<ms> <uri>"; a bare URI (no time) is accepted too. */
static void b_watermark(const char *wm, int64_t *ms, const char **uri)
{
	char *end;

	*ms = 0;
	*uri = NULL;
	if (!wm)
		return;
	if (isdigit((unsigned char)*wm)) {
		long long v = strtoll(wm, &end, 10);

		if (*end == ' ' || !*end) {
			*ms = v;
			*uri = *end ? end + 1 : NULL;
		}
		return;
	}
	if (strncmp(wm, "at://", 5) == 0)
		*uri = wm;
}

static int b_page_size(const struct net_config *cfg)
{
	int n = cfg->page_size > 0 ? cfg->page_size : 25;

	return n > 100 ? 100 : n;
}

static int b_build_page(const struct net_config *cfg, const char *target,
			const struct net_walk *w, struct net_request *req)
{
	struct strbuf b = STRBUF_INIT;
	const char *actor = target;
	int64_t wm_ms;
	const char *wm_uri;

	switch (w->op) {
	case NET_OP_OWN:
		actor = net_has(cfg->me_id) ? cfg->me_id : cfg->me;
		/* fall through */
	case NET_OP_ACCOUNT:
	case NET_OP_HISTORY:
		if (!b_valid_actor(actor))
			return -EINVAL;
		net_url_join(&b, cfg->api_base, "/xrpc/app.bsky.feed.getAuthorFeed");
		net_url_param(&b, "actor", actor);
		net_url_param(&b, "filter", "posts_with_replies");
		break;
	case NET_OP_TAG: {
		char q[700];

		while (*target == '#')
			target++;
		if (!b_valid_tag(target))
			return -EINVAL;
		if (!net_has(cfg->token) || !net_has(cfg->pds_base))
			return -ENOKEY;
		snprintf(q, sizeof q, "#%s", target);
		net_url_join(&b, cfg->pds_base, "/xrpc/app.bsky.feed.searchPosts");
		net_url_param(&b, "q", q);
		net_url_param(&b, "sort", "latest");
		b_watermark(w->watermark, &wm_ms, &wm_uri);
		if (wm_ms > BSKY_SKEW_MS) {
			char since[25];

			net_time_format_ms(wm_ms - BSKY_SKEW_MS, since);
			net_url_param(&b, "since", since);
		}
		break;
	}
	case NET_OP_INTERACTIONS:
		if (!net_has(cfg->token) || !net_has(cfg->pds_base))
			return -ENOKEY;
		net_url_join(&b, cfg->pds_base, "/xrpc/app.bsky.notification.listNotifications");
		break;
	case NET_OP_FEED:
		if (!net_has(cfg->token) || !net_has(cfg->pds_base))
			return -ENOKEY;
		net_url_join(&b, cfg->pds_base, "/xrpc/app.bsky.feed.getTimeline");
		break;
	case NET_OP_FOLLOWING:
		if (!b_valid_actor(actor))
			return -EINVAL;
		net_url_join(&b, cfg->api_base, "/xrpc/app.bsky.graph.getFollows");
		net_url_param(&b, "actor", actor);
		break;
	default:
		return -ENOTSUP;
	}
	/* Back-fill, the home feed and imports read the largest pages served. */
	net_url_param_int(&b, "limit", w->op == NET_OP_HISTORY || w->op == NET_OP_FEED ||
			  w->op == NET_OP_FOLLOWING ? 100 : b_page_size(cfg));
	net_url_param(&b, "cursor", w->page_token);
	return b_finish(cfg, req, w->op, &b);
}

/* getProfiles with the user's session: viewer.following says who the
 * user follows. */
static int b_build_follow_check(const struct net_config *cfg, const char *const *ids, size_t n,
			     struct net_request *req, size_t *n_used)
{
	struct strbuf b = STRBUF_INIT;

	if (!net_has(cfg->token) || !net_has(cfg->pds_base))
		return -ENOKEY;
	if (n > BSKY_LOOKUP_MAX)
		n = BSKY_LOOKUP_MAX;
	for (size_t i = 0; i < n; i++)
		if (!b_valid_actor(ids[i]))
			return -EINVAL;
	net_url_join(&b, cfg->pds_base, "/xrpc/app.bsky.actor.getProfiles");
	for (size_t i = 0; i < n; i++)
		net_url_param(&b, "actors", ids[i]);
	*n_used = n;
	return b_finish(cfg, req, NET_OP_FOLLOW_CHECK, &b);
}

static int b_build_session(const struct net_config *cfg, enum net_op op, struct net_request *req)
{
	struct strbuf b = STRBUF_INIT;
	cJSON *o = NULL;
	int r;

	if (!net_has(cfg->pds_base))
		return -ENOKEY;
	if (op == NET_OP_SESSION_REFRESH && !net_has(cfg->refresh_token))
		return -ENOKEY;
	if (op == NET_OP_SESSION_CREATE && (!net_has(cfg->identifier) || !net_has(cfg->password)))
		return -ENOKEY;
	net_url_join(&b, cfg->pds_base, op == NET_OP_SESSION_CREATE ?
		     "/xrpc/com.atproto.server.createSession" : "/xrpc/com.atproto.server.refreshSession");
	req->op = op;
	req->method = "POST";
	if (!(req->url = strbuf_steal(&b)))
		return -ENOMEM;
	if ((r = net_req_header(req, "Accept", "application/json")) < 0)
		return r;
	if (op == NET_OP_SESSION_REFRESH)
		return net_req_bearer(req, cfg->refresh_token);
	/* Built with cJSON so that quotes or backslashes in the password stay valid JSON. */
	o = cJSON_CreateObject();
	r = -ENOMEM;
	if (o && cJSON_AddStringToObject(o, "identifier", cfg->identifier) &&
	    cJSON_AddStringToObject(o, "password", cfg->password) &&
	    (req->body = cJSON_PrintUnformatted(o))) {
		req->body_len = strlen(req->body);
		req->content_type = "application/json";   /* the HTTP layer sends the header */
		r = 0;
	}
	if (o) {
		const cJSON *pw = cJSON_GetObjectItemCaseSensitive(o, "password");

		if (cJSON_IsString(pw) && pw->valuestring)
			explicit_bzero(pw->valuestring, strlen(pw->valuestring));
		cJSON_Delete(o);
	}
	return r;
}

static void b_read_rate(const struct net_response *resp, struct net_rate *rate)
{
	const char *pol = net_header(resp, "RateLimit-Policy"), *w;
	const char *ra = net_header(resp, "Retry-After");

	net_rate_read(resp, "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", false, rate);
	if (ra && net_time_parse_retry_after(ra, resp->now, &rate->retry_after) < 0)
		rate->retry_after = 0;
	if (pol && (w = strstr(pol, "w=")))
		rate->window = strtoll(w + 2, NULL, 10);
}

/* ---- posts ------------------------------------------------------------- */

struct b_ctx {
	const struct net_config *cfg;
};

/* The DID (authority) of an at:// URI, heap-allocated; NULL if none. */
static char *b_uri_authority(const char *uri)
{
	const char *a, *e;

	if (!uri || strncmp(uri, "at://", 5) != 0)
		return NULL;
	a = uri + 5;
	e = a + strcspn(a, "/");
	return e > a ? strndup(a, (size_t)(e - a)) : NULL;
}

static bool b_is_post_uri(const char *uri)
{
	return uri && strncmp(uri, "at://", 5) == 0 && strstr(uri, "/" B_POST_TYPE "/");
}

static bool b_type_is(const cJSON *o, const char *type)
{
	return strcmp(net_json_str_or(o, "$type", ""), type) == 0;
}

static int b_time_ms(const cJSON *o, const char *key, int64_t *ms)
{
	const char *s;
	int r = net_json_str(o, key, &s);

	*ms = 0;
	if (r < 0)
		return r;
	/* Client-written times come in many shapes; unparseable = unknown. */
	if (net_time_parse_ms(s, ms) < 0)
		*ms = 0;
	return 0;
}

static int64_t ms_to_s(int64_t ms)
{
	return ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
}

/* Author fields of a profileViewBasic. -EINVAL without a DID. */
static int b_author(const cJSON *a, char **did, char **handle, char **name)
{
	const char *d;

	if (net_json_str(a, "did", &d) < 0 || strncmp(d, "did:", 4) != 0)
		return -EINVAL;
	if (str_set(did, d) < 0 || str_set(handle, net_json_str_or(a, "handle", NULL)) < 0 ||
	    (name && str_set(name, net_nz(net_json_str_or(a, "displayName", NULL))) < 0))
		return -ENOMEM;
	return 0;
}

static int b_url(struct post *p, const char *post_uri)
{
	const char *rkey = strrchr(post_uri, '/');
	const char *who = p->author_handle && strcmp(p->author_handle, "handle.invalid") != 0 ?
			  p->author_handle : p->author_id;

	free(p->url);
	p->url = NULL;
	if (!rkey || !who)
		return 0;
	if (asprintf(&p->url, B_WEB "%s/post/%s", who, rkey + 1) < 0) {
		p->url = NULL;
		return -ENOMEM;
	}
	return 0;
}

/* Mentions and tags from facets (byte ranges into the UTF-8 text) and from
 * the record's extra tags. */
static int b_facets(const cJSON *rec, const char *text, struct post *p)
{
	size_t tl = strlen(text);
	const cJSON *f, *ft, *t;

	cJSON_ArrayForEach(f, net_json_arr(rec, "facets")) {
		const cJSON *idx = net_json_obj(f, "index");
		int64_t bs = net_json_i64_or(idx, "byteStart", -1), be = net_json_i64_or(idx, "byteEnd", -1);

		cJSON_ArrayForEach(ft, net_json_arr(f, "features")) {
			const char *v;
			int r = 0;

			if (b_type_is(ft, "app.bsky.richtext.facet#tag") && net_json_str(ft, "tag", &v) == 0) {
				r = post_add_tag(p, v, strlen(v));
			} else if (b_type_is(ft, "app.bsky.richtext.facet#mention") &&
				   net_json_str(ft, "did", &v) == 0) {
				bool slice = bs >= 0 && be > bs + 1 && (size_t)be <= tl && text[bs] == '@';

				r = slice ? post_add_mention(p, text + bs, (size_t)(be - bs), v)
					  : post_add_mention(p, v, strlen(v), v);
			}
			if (r < 0)
				return r;
		}
	}
	cJSON_ArrayForEach(t, net_json_arr(rec, "tags"))
		if (net_json_string(t) && post_add_tag(p, t->valuestring, strlen(t->valuestring)) < 0)
			return -ENOMEM;
	return 0;
}

/* ---- links in the text ------------------------------------------------ */

/* Bluesky shortens link labels in the text ("doi.org/10.5281/zeno...") and
 * keeps the full URL only in the link facet or the link card; people need
 * the URL itself in notifications and exports. */

struct b_link {
	size_t start, end;         /* byte range of the label in the original text */
	size_t order;              /* place in facets[], to break ties the same way every time */
	const char *uri;
};

/* Fit to stand in the text: valid UTF-8 with no space or control character
 * (a URI never holds one) and not too long. */
static bool b_uri_ok(const char *uri)
{
	size_t n = uri ? strlen(uri) : 0;

	if (n == 0 || n > B_URI_MAX || !utf8_text_valid(uri, n))
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)uri[i] <= ' ')
			return false;
	return true;
}

/* A cut at byte at does not split a UTF-8 character. */
static bool b_char_edge(const char *text, size_t len, size_t at)
{
	return at == len || (at < len && ((unsigned char)text[at] & 0xC0) != 0x80);
}

static const char *b_facet_uri(const cJSON *facet)
{
	const cJSON *ft;

	cJSON_ArrayForEach(ft, net_json_arr(facet, "features"))
		if (b_type_is(ft, "app.bsky.richtext.facet#link"))
			return net_json_str_or(ft, "uri", NULL);
	return NULL;
}

/* A link facet that can replace its label: a range inside the text that
 * cuts no character, a usable URI, a label that is not that URI already. */
static bool b_link_of(const cJSON *facet, const char *text, size_t len, struct b_link *l)
{
	const cJSON *idx = net_json_obj(facet, "index");
	int64_t bs = net_json_i64_or(idx, "byteStart", -1), be = net_json_i64_or(idx, "byteEnd", -1);

	l->uri = b_facet_uri(facet);
	if (!b_uri_ok(l->uri) || bs < 0 || be <= bs || (uint64_t)be > len)
		return false;
	l->start = (size_t)bs;
	l->end = (size_t)be;
	if (!b_char_edge(text, len, l->start) || !b_char_edge(text, len, l->end))
		return false;
	return strlen(l->uri) != l->end - l->start || memcmp(text + l->start, l->uri, l->end - l->start) != 0;
}

static int b_link_cmp(const void *a, const void *b)
{
	const struct b_link *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* Writes text with each label replaced by its URI into b. Facets should
 * not overlap; when they do, the one starting first wins and the other
 * keeps its label. */
static void b_splice(struct strbuf *b, const char *text, size_t len, const struct b_link *v, size_t n)
{
	size_t at = 0, grown = len;

	for (size_t i = 0; i < n; i++) {
		size_t ul = strlen(v[i].uri), label = v[i].end - v[i].start;

		if (v[i].start < at || grown - label + ul > (len > B_TEXT_MAX ? len : B_TEXT_MAX))
			continue;
		strbuf_append(b, text + at, v[i].start - at);
		strbuf_puts(b, v[i].uri);
		at = v[i].end;
		grown = grown - label + ul;
	}
	strbuf_append(b, text + at, len - at);
}

/* p->text (the record's text) with the full URL of every link facet in
 * place of its label. Facets are byte ranges into the original text, so
 * this runs on it as the record gave it. */
static int b_link_text(const cJSON *rec, struct post *p)
{
	const cJSON *facets = net_json_arr(rec, "facets"), *f;
	size_t len = strlen(p->text), n = 0, k = 0;
	struct strbuf b = STRBUF_INIT;
	struct b_link *v;

	if (!facets || !cJSON_GetArraySize(facets))
		return 0;
	if (!(v = calloc((size_t)cJSON_GetArraySize(facets), sizeof(*v))))
		return -ENOMEM;
	cJSON_ArrayForEach(f, facets) {
		v[n].order = k++;
		if (b_link_of(f, p->text, len, &v[n]))
			n++;
	}
	qsort(v, n, sizeof(*v), b_link_cmp);
	if (n)
		b_splice(&b, p->text, len, v, n);
	free(v);
	if (!n)
		return 0;
	if (b.err) {
		strbuf_free(&b);
		return -ENOMEM;
	}
	free(p->text);
	p->text = strbuf_steal(&b);
	return 0;
}

/* The link card's URI (app.bsky.embed.external, alone or as the media of a
 * recordWithMedia) of one embed, in its record or its view form. */
static const char *b_card_in(const cJSON *embed, const char *card, const char *with_media)
{
	if (b_type_is(embed, with_media))
		embed = net_json_obj(embed, "media");
	if (!b_type_is(embed, card))
		return NULL;
	return net_json_str_or(net_json_obj(embed, "external"), "uri", NULL);
}

/* A link that exists only as a card becomes the post's link: appended on a
 * line of its own unless the text already holds it. The hydrated view is
 * read first, the record's own embed when there is no view (notifications). */
static int b_card_text(const cJSON *view, const cJSON *rec_embed, struct post *p)
{
	const char *uri = b_card_in(view, "app.bsky.embed.external#view", "app.bsky.embed.recordWithMedia#view");
	size_t len = strlen(p->text);
	char *out;

	if (!uri)
		uri = b_card_in(rec_embed, "app.bsky.embed.external", "app.bsky.embed.recordWithMedia");
	if (!b_uri_ok(uri) || strstr(p->text, uri) || len + 1 + strlen(uri) > (len > B_TEXT_MAX ? len : B_TEXT_MAX))
		return 0;
	if (asprintf(&out, "%s%s%s", p->text, len ? "\n" : "", uri) < 0)
		return -ENOMEM;
	free(p->text);
	p->text = out;
	return 0;
}

/* The quoted post: from the hydrated embed view when there is one, else from
 * the record's own embed (strongRef). Feeds, lists and other embedded
 * records are not quotes. */
static int b_quote(const cJSON *view, const cJSON *rec_embed, struct post *p)
{
	const cJSON *r = NULL;
	const char *uri = NULL, *did = NULL, *handle = NULL;
	char *auth;
	int ret;

	if (b_type_is(view, "app.bsky.embed.record#view"))
		r = net_json_obj(view, "record");
	else if (b_type_is(view, "app.bsky.embed.recordWithMedia#view"))
		r = net_json_obj(net_json_obj(view, "record"), "record");
	if (r && (b_type_is(r, "app.bsky.embed.record#viewRecord") ||
		  b_type_is(r, "app.bsky.embed.record#viewNotFound") ||
		  b_type_is(r, "app.bsky.embed.record#viewBlocked") ||
		  b_type_is(r, "app.bsky.embed.record#viewDetached"))) {
		uri = net_json_str_or(r, "uri", NULL);
		did = net_json_str_or(net_json_obj(r, "author"), "did", NULL);
		handle = net_json_str_or(net_json_obj(r, "author"), "handle", NULL);
	} else if (!view) {
		if (b_type_is(rec_embed, "app.bsky.embed.record"))
			r = net_json_obj(rec_embed, "record");
		else if (b_type_is(rec_embed, "app.bsky.embed.recordWithMedia"))
			r = net_json_obj(net_json_obj(rec_embed, "record"), "record");
		uri = net_json_str_or(r, "uri", NULL);
	}
	if (!b_is_post_uri(uri))
		return 0;
	auth = did ? NULL : b_uri_authority(uri);
	ret = post_ref_set(&p->quote_of, uri, did ? did : auth, handle);
	free(auth);
	if (ret == 0)
		p->kind = POST_QUOTE;
	return ret;
}

/* Reply parent from the record; its author's handle from the feed's
 * hydrated reply context when that is a postView or blockedPost. */
static int b_reply(const cJSON *rec, const cJSON *reply_ctx, struct post *p)
{
	const cJSON *parent = net_json_obj(net_json_obj(rec, "reply"), "parent");
	const cJSON *pctx = net_json_obj(reply_ctx, "parent"), *pa = NULL;
	const char *uri = net_json_str_or(parent, "uri", NULL);
	char *did;
	int r;

	if (!uri)
		return 0;
	if (b_type_is(pctx, B_DEFS "postView") || b_type_is(pctx, B_DEFS "blockedPost"))
		pa = net_json_obj(pctx, "author");
	did = b_uri_authority(uri);
	r = post_ref_set(&p->reply_to, uri, net_json_str_or(pa, "did", did),
			 net_json_str_or(pa, "handle", NULL));
	free(did);
	return r;
}

/* The parts every post shares: uri + author + record (+ hydrated embed view
 * and reply context when the response has them). -ENOTSUP: a record type
 * other than a post. */
static int b_post_core(const char *uri, const cJSON *author, const cJSON *rec,
		       const cJSON *embed_view, const cJSON *reply_ctx, struct post *p,
		       int64_t *created_ms)
{
	const char *text = "";
	int r;

	post_init(p, B_NET);
	if (!b_is_post_uri(uri) || !cJSON_IsObject(rec))
		return net_has(uri) && strncmp(uri, "at://", 5) == 0 && cJSON_IsObject(rec) ? -ENOTSUP : -EINVAL;
	if (cJSON_GetObjectItemCaseSensitive(rec, "$type") && !b_type_is(rec, B_POST_TYPE))
		return -ENOTSUP;
	if ((r = b_author(author, &p->author_id, &p->author_handle, &p->author_name)) < 0)
		return r;
	if ((r = net_json_str(rec, "text", &text)) == -EINVAL || b_time_ms(rec, "createdAt", created_ms) == -EINVAL)
		return -EINVAL;
	if (!text)
		text = "";
	if (str_set(&p->id, uri) < 0 || str_set(&p->key, uri) < 0 ||
	    str_set(&p->text, text) < 0)
		return -ENOMEM;
	p->created_at = ms_to_s(*created_ms);
	if ((r = b_reply(rec, reply_ctx, p)) < 0 ||
	    (r = b_quote(embed_view, net_json_obj(rec, "embed"), p)) < 0 ||
	    (r = b_facets(rec, text, p)) < 0 || (r = b_url(p, uri)) < 0 ||
	    (r = b_link_text(rec, p)) < 0 || (r = b_card_text(embed_view, net_json_obj(rec, "embed"), p)) < 0)
		return r;
	return 0;
}

/* A postView (feed item post, search hit) → p; *sort_ms = its sortAt. */
static int b_post_view(const cJSON *pv, const cJSON *reply_ctx, struct post *p, int64_t *sort_ms)
{
	int64_t created = 0, indexed = 0;
	int r;

	if (!cJSON_IsObject(pv)) {
		post_init(p, B_NET);
		return -EINVAL;
	}
	r = b_post_core(net_json_str_or(pv, "uri", NULL), net_json_obj(pv, "author"),
			net_json_obj(pv, "record"), net_json_obj(pv, "embed"), reply_ctx, p, &created);
	if (r < 0)
		return r;
	if (b_time_ms(pv, "indexedAt", &indexed) == -EINVAL)
		return -EINVAL;
	if (!created) {
		created = indexed;
		p->created_at = ms_to_s(indexed);
	}
	*sort_ms = created && indexed ? (created < indexed ? created : indexed) : created + indexed;
	/* Counts are omitted when zero, so absent means 0 here. */
	p->n_likes = net_json_i64_or(pv, "likeCount", 0);
	p->n_reposts = net_json_i64_or(pv, "repostCount", 0);
	p->n_replies = net_json_i64_or(pv, "replyCount", 0);
	p->n_quotes = net_json_i64_or(pv, "quoteCount", 0);
	return 0;
}

/* Turns p (the reposted post) into the repost by reason.by. */
static int b_make_repost(const cJSON *reason, struct post *p, int64_t *sort_ms)
{
	struct post_ref target = { 0 };
	const char *ruri = net_json_str_or(reason, "uri", NULL);
	char *key = NULL;
	int64_t at = 0;
	int r;

	if (b_time_ms(reason, "indexedAt", &at) == -EINVAL)
		return -EINVAL;
	/* Older AppViews omit the repost record's URI: derive a stable key. */
	if (ruri ? !(key = strdup(ruri)) :
	    asprintf(&key, "repost:%s:%s", net_json_str_or(net_json_obj(reason, "by"), "did", "?"), p->id) < 0)
		return -ENOMEM;
	target.id = p->id;
	target.author_id = p->author_id;
	target.author_handle = p->author_handle;
	p->id = p->author_id = p->author_handle = NULL;
	free(p->author_name);
	p->author_name = NULL;
	free(p->key);
	p->key = key;
	r = b_author(net_json_obj(reason, "by"), &p->author_id, &p->author_handle, &p->author_name);
	if (r == 0 && !(p->id = strdup(key)))
		r = -ENOMEM;
	p->repost_of = target;          /* owned by p from here on */
	if (r < 0)
		return r;
	post_ref_clear(&p->reply_to);     /* the repost itself replies to and quotes nothing */
	post_ref_clear(&p->quote_of);
	p->kind = POST_REPOST;
	p->n_likes = p->n_reposts = p->n_replies = p->n_quotes = -1;
	if (at) {
		p->created_at = ms_to_s(at);
		*sort_ms = at;
	}
	return 0;
}

/* A feedViewPost → p. *pinned: a pinned post, which sits on top out of order. */
static int b_feed_item(const cJSON *it, struct post *p, int64_t *sort_ms, bool *pinned)
{
	const cJSON *reason = net_json_obj(it, "reason");
	int r;

	*pinned = false;
	if (!cJSON_IsObject(it)) {
		post_init(p, B_NET);
		return -EINVAL;
	}
	r = b_post_view(net_json_obj(it, "post"), net_json_obj(it, "reply"), p, sort_ms);
	if (r < 0 || !reason)
		return r;
	if (b_type_is(reason, B_DEFS "reasonRepost"))
		return b_make_repost(reason, p, sort_ms);
	if (b_type_is(reason, B_DEFS "reasonPin")) {
		*pinned = true;
		return 0;
	}
	return -ENOTSUP;     /* an unknown reason: we cannot say whose item it is */
}

static enum notif_kind b_notif_kind(const char *reason)
{
	static const struct { const char *reason; enum notif_kind kind; } map[] = {
		{ "like", NOTIF_LIKE }, { "repost", NOTIF_REPOST }, { "follow", NOTIF_FOLLOW },
		{ "mention", NOTIF_MENTION }, { "reply", NOTIF_REPLY }, { "quote", NOTIF_QUOTE },
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(map[i].reason, reason) == 0)
			return map[i].kind;
	return NOTIF_OTHER;
}

/* The acting post of a mention/reply/quote notification. */
static int b_notif_post(const cJSON *o, const char *uri, struct notif *n)
{
	struct post p;
	int64_t created = 0;
	int r = b_post_core(uri, net_json_obj(o, "author"), net_json_obj(o, "record"), NULL, NULL,
			    &p, &created);

	if (r == 0 && !(n->post = malloc(sizeof(*n->post))))
		r = -ENOMEM;
	if (r < 0) {
		post_clear(&p);
		return r == -ENOTSUP ? 0 : r;     /* keep the notification without its post */
	}
	*n->post = p;
	if (!created)
		n->post->created_at = n->created_at;
	return 0;
}

static int b_notif(const cJSON *o, struct notif *n, int64_t *sort_ms)
{
	const cJSON *rec = net_json_obj(o, "record");
	const char *uri, *reason, *subject;
	int64_t created = 0;
	int r;

	post_notif_init(n, B_NET);
	if (!cJSON_IsObject(o) || net_json_str(o, "uri", &uri) < 0 || net_json_str(o, "reason", &reason) < 0)
		return -EINVAL;
	if (b_time_ms(o, "indexedAt", sort_ms) == -EINVAL || b_time_ms(rec, "createdAt", &created) == -EINVAL)
		return -EINVAL;
	if ((r = b_author(net_json_obj(o, "author"), &n->actor_id, &n->actor_handle, &n->actor_name)) < 0)
		return r;
	n->kind = b_notif_kind(reason);
	n->created_at = ms_to_s(created ? created : *sort_ms);
	subject = net_json_str_or(o, "reasonSubject", NULL);
	if (!subject && (n->kind == NOTIF_LIKE || n->kind == NOTIF_REPOST))
		subject = net_json_str_or(net_json_obj(rec, "subject"), "uri", NULL);
	if (!subject && n->kind == NOTIF_REPLY)
		subject = net_json_str_or(net_json_obj(net_json_obj(rec, "reply"), "parent"), "uri", NULL);
	if (str_set(&n->id, uri) < 0 || str_set(&n->subject_id, subject) < 0)
		return -ENOMEM;
	if (n->kind == NOTIF_MENTION || n->kind == NOTIF_REPLY || n->kind == NOTIF_QUOTE)
		return b_notif_post(o, uri, n);
	return 0;
}

/* ---- walk --------------------------------------------------------------- */

struct b_walk {
	int64_t wm_ms;
	const char *wm_uri;
	bool stop;                 /* reached what the previous walk saw */
	int64_t newest_ms;
	const char *newest_key;    /* borrowed from the page being parsed */
};

static void b_observe(struct b_walk *bw, const struct net_walk *w, const char *key,
		      int64_t sort_ms, bool pinned)
{
	if (pinned)          /* old by nature: neither a stop signal nor the newest */
		return;
	if (!bw->newest_key || sort_ms > bw->newest_ms) {   /* ties: the first (newest) wins */
		bw->newest_ms = sort_ms;
		bw->newest_key = key;
	}
	if (!w->watermark || bw->stop)
		return;
	if ((bw->wm_uri && strcmp(key, bw->wm_uri) == 0) ||
	    (bw->wm_ms && sort_ms && sort_ms < bw->wm_ms - BSKY_SKEW_MS) ||
	    (w->is_known && w->is_known(w->known_ctx, key)))
		bw->stop = true;
}

static int b_advance(struct net_walk *w, struct b_walk *bw, const cJSON *body)
{
	const char *cursor = net_json_str_or(body, "cursor", NULL);
	char *wm = NULL;

	if (w->pages == 0) {
		if (bw->newest_key && (!w->watermark || bw->newest_ms >= bw->wm_ms)) {
			if (asprintf(&wm, "%lld %s", (long long)bw->newest_ms, bw->newest_key) < 0)
				return -ENOMEM;
		} else if (w->watermark && !(wm = strdup(w->watermark))) {
			return -ENOMEM;
		}
		free(w->new_watermark);
		w->new_watermark = wm;
	}
	if (str_set(&w->page_token, cursor) < 0)
		return -ENOMEM;
	w->pages++;
	w->done = !w->watermark || bw->stop || !net_has(cursor);
	/* The end of the home feed's window before the watermark: a gap. */
	w->gap = w->op == NET_OP_FEED && w->watermark && !bw->stop && !net_has(cursor);
	/* The feed's cursor is where back-fill goes on, after a first sync or
	 * a history page; an empty page is the end of the history. */
	if (w->op == NET_OP_HISTORY || (w->op == NET_OP_ACCOUNT && !w->watermark)) {
		if (str_set(&w->older, bw->newest_key ? cursor : NULL) < 0)
			return -ENOMEM;
		if (w->op == NET_OP_HISTORY)
			w->done = !net_has(w->older);
	}
	return 0;
}

static void b_count_bad(struct net_page *pg, int r, const char *what)
{
	if (r == -ENOTSUP)
		net_page_ignored(pg, "Bluesky %s of an unknown type skipped", what);
	else
		net_page_invalid(pg, "Bluesky %s with wrong field types skipped", what);
}

/* Items of feed / posts / notifications pages. Every item is emitted
 * (known ones too); the walk decides whether another page is needed. */
static int b_items(enum net_op op, const cJSON *body, const cJSON *arr, bool feed,
		   struct net_walk *w, struct net_page *pg)
{
	struct b_walk bw = { 0 };
	const cJSON *it;
	int r = 0;

	b_watermark(w->watermark, &bw.wm_ms, &bw.wm_uri);
	cJSON_ArrayForEach(it, arr) {
		int64_t sort_ms = 0;
		bool pinned = false;
		struct post p;
		struct notif n;

		if (op == NET_OP_INTERACTIONS) {
			r = b_notif(it, &n, &sort_ms);
			if (r == 0) {
				b_observe(&bw, w, net_json_str_or(it, "uri", ""), sort_ms, false);
				r = net_page_push_notif(pg, &n);
			}
			post_notif_clear(&n);
		} else {
			r = feed ? b_feed_item(it, &p, &sort_ms, &pinned)
				 : b_post_view(it, NULL, &p, &sort_ms);
			if (r == 0) {
				/* The key lives in the page after the push: observe first,
				 * then keep a pointer to the page's copy. */
				r = net_page_push_post(pg, &p);
				if (r == 0)
					b_observe(&bw, w, pg->posts[pg->n_posts - 1].key, sort_ms, pinned);
			}
			post_clear(&p);
		}
		if (r == -EINVAL || r == -ENOTSUP)
			b_count_bad(pg, r, op == NET_OP_INTERACTIONS ? "notification" : "post");
		else if (r < 0)
			return r;
	}
	return b_advance(w, &bw, body);
}

/* ---- lookup, session, errors ------------------------------------------ */

static int b_profile(const cJSON *pr, struct net_page *pg)
{
	struct net_account a = { .n_posts = net_json_i64_or(pr, "postsCount", -1),
		.following = net_has(net_json_str_or(net_json_obj(pr, "viewer"), "following", NULL)) };
	const char *desc = net_json_str_or(pr, "description", NULL);
	int r = b_author(pr, &a.id, &a.handle, &a.name);

	if (a.n_posts < 0)
		a.n_posts = -1;
	if (r == 0 && str_set(&a.bio, net_nz(desc)) < 0)
		r = -ENOMEM;
	if (r == 0 && a.handle && asprintf(&a.url, B_WEB "%s", a.handle) < 0) {
		a.url = NULL;
		r = -ENOMEM;
	}
	if (r == 0)
		r = net_page_push_account(pg, &a);
	if (r == -EINVAL)
		net_page_invalid(pg, "Bluesky profile without a DID skipped");
	net_account_clear(&a);
	return r == -EINVAL ? 0 : r;
}

static int b_lookup(const cJSON *body, struct net_page *pg)
{
	const cJSON *profiles = net_json_arr(body, "profiles"), *pr;
	int r;

	if (!profiles) {
		if (!cJSON_GetObjectItemCaseSensitive(body, "did")) {
			net_err(pg, NET_ERR_MALFORMED, NET_SCOPE_ENDPOINT, 0, "Bluesky lookup without a DID");
			return 0;
		}
		return b_profile(body, pg);    /* getProfile, or resolveHandle's {"did"} */
	}
	cJSON_ArrayForEach(pr, profiles)
		if ((r = b_profile(pr, pg)) < 0)
			return r;
	return 0;
}

static const char *b_pds_from_doc(const cJSON *doc)
{
	const cJSON *s;

	cJSON_ArrayForEach(s, net_json_arr(doc, "service")) {
		const char *id = net_json_str_or(s, "id", "");
		size_t n = strlen(id);

		if (n >= 12 && strcmp(id + n - 12, "#atproto_pds") == 0)
			return net_json_str_or(s, "serviceEndpoint", NULL);
	}
	return NULL;
}

static int b_session(const cJSON *body, int64_t now, struct net_page *pg)
{
	struct net_session *s = &pg->session;
	const char *acc, *ref;

	if (net_json_str(body, "accessJwt", &acc) < 0 || !*acc ||
	    net_json_str(body, "refreshJwt", &ref) < 0 || !*ref) {
		net_err(pg, NET_ERR_MALFORMED, NET_SCOPE_NETWORK, 0, "Bluesky session reply without tokens");
		return 0;
	}
	if (str_set(&s->access_jwt, acc) < 0 || str_set(&s->refresh_jwt, ref) < 0 ||
	    str_set(&s->did, net_json_str_or(body, "did", NULL)) < 0 ||
	    str_set(&s->handle, net_json_str_or(body, "handle", NULL)) < 0 ||
	    str_set(&s->pds_base, b_pds_from_doc(net_json_obj(body, "didDoc"))) < 0)
		return -ENOMEM;
	if (net_jwt_exp(acc, &s->access_expires) < 0)
		s->access_expires = now + BSKY_ACCESS_GUESS_S;
	if (net_jwt_exp(ref, &s->refresh_expires) < 0)
		s->refresh_expires = now + BSKY_REFRESH_GUESS_S;
	return 0;
}

static bool b_err_is(const char *e, const char *const *names)
{
	for (; e && *names; names++)
		if (strcmp(e, *names) == 0)
			return true;
	return false;
}

static void b_http_error(const struct net_config *cfg, enum net_op op, struct net_page *pg,
			 const struct net_response *resp, const cJSON *body)
{
	static const char *const gone[] = { "BlockedActor", "BlockedByActor", "HandleNotFound",
		"NotFound", "AccountTakedown", "AccountDeactivated", "ActorNotFound", NULL };
	static const char *const expired[] = { "ExpiredToken", "InvalidToken", NULL };
	static const char *const authreq[] = { "AuthenticationRequired", "AuthMissing", NULL };
	const char *e = net_json_str_or(body, "error", NULL), *m = net_json_str_or(body, "message", NULL);
	const char *why = m ? m : e ? e : "no details";
	int st = net_status_of(resp);
	bool token = op == NET_OP_SESSION_REFRESH || b_sends_token(cfg, op);

	if (st == 429 || (e && strcmp(e, "RateLimitExceeded") == 0))
		net_err(pg, NET_ERR_RATE_LIMITED, NET_SCOPE_ENDPOINT, net_retry_at(pg, resp, 60),
			"Bluesky rate limit reached: %s", why);
	else if (op == NET_OP_SESSION_CREATE && (st == 401 || b_err_is(e, authreq) || st == 403))
		net_err(pg, NET_ERR_AUTH, NET_SCOPE_NETWORK, 0, "Bluesky login failed: %s", why);
	else if (b_err_is(e, expired) || (token && (st == 401 || b_err_is(e, authreq))))
		net_err(pg, NET_ERR_SESSION_EXPIRED, NET_SCOPE_NETWORK, 0, "Bluesky session %s: %s",
			op == NET_OP_SESSION_REFRESH ? "cannot be refreshed (log in again)" : "expired", why);
	else if (st == 401 || b_err_is(e, authreq))
		net_err(pg, NET_ERR_AUTH, NET_SCOPE_ENDPOINT, 0, "Bluesky requires a session here: %s", why);
	else if (st == 403 && !body)
		net_err(pg, NET_ERR_BLOCKED, NET_SCOPE_ENDPOINT, 0,
			"Bluesky refused the request (HTTP 403 %s page)", net_body_is_html(resp) ? "HTML" : "non-JSON");
	else if (b_err_is(e, gone) ||
		 (st == 400 && m && (strcasestr(m, "not found") || strcasestr(m, "unable to resolve"))))
		net_err(pg, NET_ERR_NOT_FOUND, NET_SCOPE_TARGET, 0, "Bluesky: %s", why);
	else if (e && (strcmp(e, "XRPCNotSupported") == 0 || strcmp(e, "MethodNotImplemented") == 0))
		net_err(pg, NET_ERR_BAD_REQUEST, NET_SCOPE_ENDPOINT, 0, "Bluesky: %s", why);
	else
		net_err_http(pg, resp, token ? NET_SCOPE_NETWORK : NET_SCOPE_ENDPOINT, m ? m : e);
}

/* getFollows: {"subject", "follows": [profileView], "cursor"}. */
static int b_following(const cJSON *body, struct net_walk *w, struct net_page *pg)
{
	const cJSON *follows = net_json_arr(body, "follows"), *pr;
	const char *cursor = net_nz(net_json_str_or(body, "cursor", NULL));
	int r;

	if (!follows) {
		net_err(pg, NET_ERR_MALFORMED, NET_SCOPE_ENDPOINT, 0, "Bluesky getFollows without \"follows\"");
		return 0;
	}
	cJSON_ArrayForEach(pr, follows)
		if ((r = b_profile(pr, pg)) < 0)
			return r;
	/* An empty page with a cursor would loop: it ends the walk too. */
	if (str_set(&w->page_token, cJSON_GetArraySize(follows) ? cursor : NULL) < 0)
		return -ENOMEM;
	w->pages++;
	w->done = !w->page_token;
	return 0;
}

static int b_parse_body(enum net_op op, const struct net_response *resp, const cJSON *body,
			struct net_walk *w, struct net_page *pg)
{
	const char *key = op == NET_OP_INTERACTIONS ? "notifications" :
			  op == NET_OP_TAG ? "posts" : "feed";
	const cJSON *arr;

	if (op == NET_OP_LOOKUP || op == NET_OP_FOLLOW_CHECK)
		return b_lookup(body, pg);
	if (op == NET_OP_FOLLOWING)
		return b_following(body, w, pg);
	if (b_is_session(op))
		return b_session(body, resp->now, pg);
	arr = net_json_arr(body, key);
	/* Search hits are also accepted in place of a feed (and vice versa), so
	 * a caller that polls getAuthorFeed through searchPosts still parses. */
	if (!arr && op != NET_OP_INTERACTIONS)
		arr = net_json_arr(body, op == NET_OP_TAG ? "feed" : "posts");
	if (!arr) {
		net_err(pg, NET_ERR_MALFORMED, NET_SCOPE_ENDPOINT, 0, "Bluesky reply without \"%s\"", key);
		return 0;
	}
	return b_items(op, body, arr, net_json_arr(body, "feed") == arr, w, pg);
}

static int b_parse(const struct net_config *cfg, enum net_op op, const struct net_response *resp,
		   struct net_walk *w, struct net_page *pg)
{
	int st = net_status_of(resp);
	cJSON *body = NULL;
	int r = 0;

	if (op == NET_OP_BATCH) {
		net_err(pg, NET_ERR_BAD_REQUEST, NET_SCOPE_ENDPOINT, 0, "not a Bluesky operation");
		return 0;
	}
	if (net_body_is_json(resp))
		body = net_json_parse(resp->body, resp->body_len);
	if (st < 200 || st > 299)
		b_http_error(cfg, op, pg, resp, cJSON_IsObject(body) ? body : NULL);
	else if (!cJSON_IsObject(body))
		net_err_http(pg, resp, NET_SCOPE_NETWORK,
			     net_body_is_json(resp) ? "invalid JSON" : "not JSON");
	else
		r = b_parse_body(op, resp, body, w, pg);
	cJSON_Delete(body);
	return r;
}

const struct net_platform net_bluesky = {
	.name = B_NET,
	.title = "Bluesky",
	.tagged_actions = "On Bluesky: detach your post if it quotes you; hide the reply if it answers "
	                  "your post; report it; mute or block the author; or reply to distance yourself.",
	.api_base = "https://public.api.bsky.app",
	.pds_base = "https://bsky.social",
	.enabled_by_default = true,
	.home_feed_by_default = true,
	.max_batch = 0,
	.max_lookup = BSKY_LOOKUP_MAX,
	.max_follow_check = BSKY_LOOKUP_MAX,
	.can = b_can,
	.build_follow_check = b_build_follow_check,
	.build_lookup = b_build_lookup,
	.build_page = b_build_page,
	.build_session = b_build_session,
	.parse = b_parse,
	.read_rate = b_read_rate,
	.cmp_id = strcmp,
	.rate_key = b_rate_key,
	.check_handle = b_check_handle,
	.bio_handle = b_bio_handle,
};
