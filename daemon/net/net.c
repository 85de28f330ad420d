/* net.c — the caller-facing entry points of net.h: argument checks around
 * the platform function pointers, parse bookkeeping, lifetimes. */
#include "net/net.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "net/adapter.h"
#include "net/json.h"

const char *net_header_list_get(void *ctx, const char *name)
{
	const struct net_header_list *l = ctx;

	for (size_t i = 0; l && i < l->n; i++)
		if (l->v[i].name && strcasecmp(l->v[i].name, name) == 0)
			return l->v[i].value;
	return NULL;
}

static void req_zero(struct net_request *req)
{
	*req = (struct net_request){ 0 };
}

void net_request_clear(struct net_request *req)
{
	if (!req)
		return;
	free(req->url);
	for (size_t i = 0; i < req->n_headers; i++) {
		explicit_bzero(req->headers[i], strlen(req->headers[i]));
		free(req->headers[i]);
	}
	if (req->body) {
		explicit_bzero(req->body, req->body_len);
		free(req->body);
	}
	req_zero(req);
}

/* A host name goes into a header line as it is: refuse what could end the
 * line or make it something else than a name[:port]. */
static bool host_ok(const char *h)
{
	for (; *h; h++)
		if ((unsigned char)*h <= ' ' || *h == 0x7f || strchr("/?#@\\", *h))
			return false;
	return true;
}

/* Every builder leaves req empty on failure, whatever the adapter did.
 * cfg->host names the server that api_base stands in for: the stand-in
 * routes by the Host header, so every request of every network carries it. */
static int built(const struct net_config *cfg, struct net_request *req, int r)
{
	if (r == 0 && net_has(cfg->host))
		r = host_ok(cfg->host) ? net_req_header(req, "Host", cfg->host) : -EINVAL;
	if (r < 0)
		net_request_clear(req);
	return r;
}

int net_build_lookup(const struct net_platform *p, const struct net_config *cfg,
		     enum net_lookup_by by, const char *const *keys, size_t n,
		     struct net_request *req, size_t *n_used)
{
	size_t dummy;

	if (!req)
		return -EINVAL;
	req_zero(req);
	if (!n_used)
		n_used = &dummy;
	*n_used = 0;
	if (!p || !cfg || !keys || !n || !net_has(cfg->api_base))
		return -EINVAL;
	if (!p->build_lookup)
		return -ENOTSUP;
	return built(cfg, req, p->build_lookup(cfg, by, keys, n, req, n_used));
}

int net_build_page(const struct net_platform *p, const struct net_config *cfg,
		   const char *target, const struct net_walk *w, struct net_request *req)
{
	if (!req)
		return -EINVAL;
	req_zero(req);
	if (!p || !cfg || !w || !net_walk_op(w->op) || w->op == NET_OP_BATCH ||
	    !net_has(cfg->api_base))
		return -EINVAL;
	if ((w->op == NET_OP_ACCOUNT || w->op == NET_OP_TAG || w->op == NET_OP_HISTORY ||
	     w->op == NET_OP_FOLLOWING) && !net_has(target))
		return -EINVAL;
	if (!p->build_page)
		return -ENOTSUP;
	return built(cfg, req, p->build_page(cfg, target, w, req));
}

int net_build_batch(const struct net_platform *p, const struct net_config *cfg,
		    const char *const *handles, size_t n, const struct net_walk *w,
		    struct net_request *req, size_t *n_used)
{
	size_t dummy;

	if (!req)
		return -EINVAL;
	req_zero(req);
	if (!n_used)
		n_used = &dummy;
	*n_used = 0;
	if (!p || !cfg || !handles || !n || !w || w->op != NET_OP_BATCH || !net_has(cfg->api_base))
		return -EINVAL;
	if (!p->build_batch || !p->max_batch)
		return -ENOTSUP;
	return built(cfg, req, p->build_batch(cfg, handles, n, w, req, n_used));
}

int net_build_follow_check(const struct net_platform *p, const struct net_config *cfg,
			const char *const *ids, size_t n, struct net_request *req, size_t *n_used)
{
	size_t dummy;

	if (!req)
		return -EINVAL;
	req_zero(req);
	if (!n_used)
		n_used = &dummy;
	*n_used = 0;
	if (!p || !cfg || !ids || !n || !net_has(cfg->api_base))
		return -EINVAL;
	if (!p->build_follow_check || !p->max_follow_check)
		return -ENOTSUP;
	for (size_t i = 0; i < n && i < p->max_follow_check; i++)
		if (!net_has(ids[i]))
			return -EINVAL;
	return built(cfg, req, p->build_follow_check(cfg, ids, n < p->max_follow_check ? n : p->max_follow_check,
						  req, n_used));
}

int net_rate_key(const struct net_platform *p, const struct net_config *cfg, enum net_op op,
                 char *out, size_t size)
{
	if (!out || size == 0)
		return -EINVAL;
	out[0] = '\0';
	if (!p || !cfg || !p->rate_key)
		return -EINVAL;
	return p->rate_key(cfg, op, out, size);
}

int net_home(const struct net_platform *p, const struct net_config *cfg, const char *stable_id,
	     char *out, size_t size)
{
	if (!out || size == 0)
		return -EINVAL;
	out[0] = '\0';
	if (!p || !cfg || !net_has(stable_id))
		return -EINVAL;
	return p->home ? p->home(cfg, stable_id, out, size) : 0;
}

int net_build_session(const struct net_platform *p, const struct net_config *cfg,
		      enum net_op op, struct net_request *req)
{
	if (!req)
		return -EINVAL;
	req_zero(req);
	if (!p || !cfg || (op != NET_OP_SESSION_CREATE && op != NET_OP_SESSION_REFRESH))
		return -EINVAL;
	if (!p->build_session)
		return -ENOTSUP;
	return built(cfg, req, p->build_session(cfg, op, req));
}

/* Replaces every occurrence of secret in msg by "***": server messages can
 * echo what was sent, and these strings end up in logs and status output. */
static void scrub(char *msg, const char *secret)
{
	size_t sl, n;
	char *hit;

	if (!net_has(secret) || (sl = strlen(secret)) < 4)
		return;
	while ((hit = strstr(msg, secret))) {
		memmove(hit + 3, hit + sl, strlen(hit + sl) + 1);
		memcpy(hit, "***", 3);
	}
	/* msg was cut to NET_MSG_MAX before this runs, so a secret the cut went
	 * through left only its start: mask that (4 bytes or more) too. */
	n = strlen(msg);
	for (size_t k = sl - 1 < n ? sl - 1 : n; k >= 4; k--) {
		if (memcmp(msg + n - k, secret, k) == 0) {
			memcpy(msg + n - k, "***", 4);
			break;
		}
	}
}

static void scrub_all(char *msg, const struct net_config *cfg)
{
	scrub(msg, cfg->token);
	scrub(msg, cfg->refresh_token);
	scrub(msg, cfg->password);
}

/* A back-fill page that reached below since is the walk's last, whatever
 * the network offers beyond it. */
static void history_bound(struct net_walk *w, const struct net_page *page)
{
	for (size_t i = 0; w->since > 0 && i < page->n_posts && !w->done; i++)
		if (page->posts[i].created_at > 0 && page->posts[i].created_at < w->since)
			w->done = true;
	if (w->done) {
		free(w->older);
		w->older = NULL;
	}
}

int net_parse(const struct net_platform *p, const struct net_config *cfg, enum net_op op,
	      const struct net_response *resp, struct net_walk *w, struct net_page *page)
{
	int r;

	if (!page)
		return -EINVAL;
	*page = (struct net_page){ 0 };
	page->op = op;
	page->rate.limit = page->rate.remaining = -1;
	if (!p || !cfg || !resp || !p->parse || (net_walk_op(op) && (!w || w->op != op)) ||
	    (resp->body_len && !resp->body)) {
		net_err(page, NET_ERR_MALFORMED, NET_SCOPE_ENDPOINT, 0, "invalid parse arguments");
		return -EINVAL;
	}
	page->err.http_status = net_status_of(resp);
	if (p->read_rate)
		p->read_rate(resp, &page->rate);
	r = p->parse(cfg, op, resp, net_walk_op(op) ? w : NULL, page);
	if (r == 0 && page->err.code == NET_OK && op == NET_OP_HISTORY)
		history_bound(w, page);
	if (r < 0 && page->err.code == NET_OK)
		net_err(page, NET_ERR_MALFORMED, NET_SCOPE_ENDPOINT, 0, "%s while parsing",
			r == -ENOMEM ? "out of memory" : "internal error");
	scrub_all(page->err.msg, cfg);
	scrub_all(page->note, cfg);
	return r;
}

void net_read_rate(const struct net_platform *p, const struct net_response *resp,
		   struct net_rate *rate)
{
	*rate = (struct net_rate){ .limit = -1, .remaining = -1 };
	if (p && p->read_rate && resp)
		p->read_rate(resp, rate);
}

void net_account_clear(struct net_account *a)
{
	if (!a)
		return;
	free(a->id);
	free(a->handle);
	free(a->name);
	free(a->bio);
	free(a->url);
	free(a->local_id);
	*a = (struct net_account){ 0 };
}

static void free_secret(char *s)
{
	if (s) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

void net_session_clear(struct net_session *s)
{
	if (!s)
		return;
	free(s->did);
	free(s->handle);
	free_secret(s->access_jwt);
	free_secret(s->refresh_jwt);
	free(s->pds_base);
	free(s->client_id);
	free(s->token_url);
	*s = (struct net_session){ 0 };
}

void net_page_clear(struct net_page *page)
{
	if (!page)
		return;
	for (size_t i = 0; i < page->n_posts; i++)
		post_clear(&page->posts[i]);
	free(page->posts);
	for (size_t i = 0; i < page->n_notifs; i++)
		post_notif_clear(&page->notifs[i]);
	free(page->notifs);
	for (size_t i = 0; i < page->n_accounts; i++)
		net_account_clear(&page->accounts[i]);
	free(page->accounts);
	net_session_clear(&page->session);
	for (size_t i = 0; i < page->n_billed; i++)
		free(page->billed[i]);
	free(page->billed);
	*page = (struct net_page){ 0 };
}

int net_walk_start(struct net_walk *w, enum net_op op, const char *watermark)
{
	if (!w)
		return -EINVAL;
	*w = (struct net_walk){ .op = op };
	if (!net_walk_op(op))
		return -EINVAL;
	if (net_has(watermark) && !(w->watermark = strdup(watermark)))
		return -ENOMEM;
	return 0;
}

void net_walk_clear(struct net_walk *w)
{
	if (!w)
		return;
	free(w->watermark);
	free(w->page_token);
	free(w->new_watermark);
	free(w->older);
	*w = (struct net_walk){ 0 };
}

char *net_session_encode(const struct net_session *s)
{
	cJSON *o = cJSON_CreateObject();
	char *out = NULL;

	if (!o || !s)
		goto done;
	if ((s->did && !cJSON_AddStringToObject(o, "did", s->did)) ||
	    (s->handle && !cJSON_AddStringToObject(o, "handle", s->handle)) ||
	    (s->access_jwt && !cJSON_AddStringToObject(o, "accessJwt", s->access_jwt)) ||
	    (s->refresh_jwt && !cJSON_AddStringToObject(o, "refreshJwt", s->refresh_jwt)) ||
	    (s->pds_base && !cJSON_AddStringToObject(o, "pdsBase", s->pds_base)) ||
	    !cJSON_AddNumberToObject(o, "accessExpires", (double)s->access_expires) ||
	    !cJSON_AddNumberToObject(o, "refreshExpires", (double)s->refresh_expires))
		goto done;
	out = cJSON_PrintUnformatted(o);
done:
	/* The tree holds token copies: wipe them before freeing. */
	for (cJSON *it = o ? o->child : NULL; it; it = it->next)
		if (cJSON_IsString(it) && it->valuestring)
			explicit_bzero(it->valuestring, strlen(it->valuestring));
	cJSON_Delete(o);
	return out;
}

int net_session_decode(const char *json, size_t len, struct net_session *s)
{
	cJSON *o;
	const char *v;
	int r = -EINVAL;

	*s = (struct net_session){ 0 };
	o = net_json_parse(json, len);
	if (!cJSON_IsObject(o) || net_json_str(o, "accessJwt", &v) < 0 || !*v ||
	    net_json_str(o, "refreshJwt", &v) < 0 || !*v)
		goto done;
	r = -ENOMEM;
	if (net_json_str(o, "accessJwt", &v) < 0 || !(s->access_jwt = strdup(v)) ||
	    net_json_str(o, "refreshJwt", &v) < 0 || !(s->refresh_jwt = strdup(v)))
		goto done;
	if ((net_json_str(o, "did", &v) == 0 && !(s->did = strdup(v))) ||
	    (net_json_str(o, "handle", &v) == 0 && !(s->handle = strdup(v))) ||
	    (net_json_str(o, "pdsBase", &v) == 0 && !(s->pds_base = strdup(v))))
		goto done;
	s->access_expires = net_json_i64_or(o, "accessExpires", 0);
	s->refresh_expires = net_json_i64_or(o, "refreshExpires", 0);
	r = 0;
done:
	if (r < 0)
		net_session_clear(s);
	for (cJSON *it = o ? o->child : NULL; it; it = it->next)
		if (cJSON_IsString(it) && it->valuestring)
			explicit_bzero(it->valuestring, strlen(it->valuestring));
	cJSON_Delete(o);
	return r;
}

const char *net_op_name(enum net_op op)
{
	static const char *const names[] = {
		"lookup", "account", "batch", "tag", "own", "interactions",
		"session-create", "session-refresh", "history", "feed", "following",
	};

	return (unsigned)op < sizeof(names) / sizeof(names[0]) ? names[op] : "?";
}

const char *net_status_name(enum net_status code)
{
	static const char *const names[] = {
		"ok", "rate-limited", "auth", "session-expired", "usage-cap", "not-found",
		"stale-cursor", "bad-request", "blocked", "server", "malformed",
	};

	return (unsigned)code < sizeof(names) / sizeof(names[0]) ? names[code] : "?";
}
