/* oauth.c — logging in: Mastodon's app registration and OAuth 2.0 flow with
 * the out-of-band redirect (POST /api/v1/apps, GET /oauth/authorize showing
 * the code, POST /oauth/token, POST /oauth/revoke, GET
 * /api/v1/accounts/verify_credentials) and X's OAuth 2.0 with PKCE (GET
 * /i/oauth2/authorize redirecting with the code, POST /2/oauth2/token for
 * authorization_code with the S256 code_verifier check and for
 * refresh_token, rotating it, and GET /2/users/me).
 *
 * main.c asks oauth_serve() before a network's own routes, after scripts,
 * so every failure a script makes (429, status, hang, delay) applies here
 * too. Mastodon's token endpoint hands out the server's one user token
 * (--mastodon-token), so what a login stores is what the rest of the fake
 * accepts; revoking it makes verify_credentials refuse it until the next
 * login. X user access tokens expire on the fake clock; x.c accepts them
 * next to the app bearer (oauth_x_token_ok). GET /_fake/oauth reports. */
#include <inttypes.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include <event2/buffer.h>

#include "fakeapi.h"
#include "mastodon.h"

#define OOB "urn:ietf:wg:oauth:2.0:oob"
#define X_TTL_S 7200
#define MAX_ITEMS 256

struct grant {               /* an app (Mastodon) or a code (both) or a token (X) */
	char id[64], secret[64]; /* client id/secret; a code; a token */
	char client[64];         /* code, token: whose */
	char redirect[256];      /* app, code */
	char challenge[64];      /* X code: S256 challenge */
	int64_t exp_ms;          /* X access token */
	bool used;               /* code used, refresh token rotated away */
};

struct oauth {
	struct grant apps[MAX_ITEMS], codes[MAX_ITEMS], x_access[MAX_ITEMS], x_refresh[MAX_ITEMS];
	size_t n_apps, n_codes, n_access, n_refresh;
	bool m_revoked;
	uint64_t serial, apps_registered, m_tokens, m_revokes, x_codes, x_tokens, x_refreshes, refused;
};

static struct oauth *state(struct fake *f)
{
	if (!f->oauth) {
		f->oauth = util_malloc(sizeof *f->oauth);
		memset(f->oauth, 0, sizeof *f->oauth);
	}
	return f->oauth;
}

void oauth_free(struct fake *f)
{
	free(f->oauth);
	f->oauth = NULL;
}

static void make_id(struct fake *f, const char *prefix, char out[64])
{
	struct oauth *o = state(f);
	o->serial++;
	snprintf(out, 64, "%s%" PRIu64 "x%012" PRIx64, prefix, o->serial,
	         (uint64_t)(util_mix64(o->serial ^ f->seed ^ 0x6f61757468ULL) & 0xffffffffffffULL));
}

static struct grant *add(struct grant *v, size_t *n)
{
	struct grant *g = &v[*n < MAX_ITEMS ? (*n)++ : MAX_ITEMS - 1];   /* full: reuse the last */
	memset(g, 0, sizeof *g);
	return g;
}

static struct grant *find(struct grant *v, size_t n, const char *id)
{
	for (size_t i = 0; id && i < n; i++)
		if (strcmp(v[i].id, id) == 0)
			return &v[i];
	return NULL;
}

/* The body as a form (or JSON object, flattened) into q. */
static void body_params(struct rq *r, struct evkeyvalq *q)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(r->req);
	size_t n = evbuffer_get_length(in);
	char *s = util_malloc(n + 1);
	cJSON *j;

	TAILQ_INIT(q);
	evbuffer_copyout(in, s, n);
	s[n] = '\0';
	if (n && s[0] == '{' && (j = cJSON_Parse(s))) {
		const cJSON *it;
		cJSON_ArrayForEach(it, j)
			if (cJSON_IsString(it))
				evhttp_add_header(q, it->string, it->valuestring);
		cJSON_Delete(j);
	} else if (n && evhttp_parse_query_str(s, q) < 0) {
		evhttp_clear_headers(q);
		TAILQ_INIT(q);
	}
	free(s);
}

static const char *param(struct evkeyvalq *q, const char *k)
{
	return evhttp_find_header(q, k);
}

static void oauth_error(struct rq *r, int status, const char *error, const char *desc)
{
	state(r->f)->refused++;
	rq_json(r, status);
	jw_obj(&r->j);
	jw_kstr(&r->j, "error", error);
	if (desc)
		jw_kstr(&r->j, "error_description", desc);
	jw_end(&r->j);
}

/* ---- Mastodon ---- */

static void m_apps(struct rq *r)
{
	struct evkeyvalq q;
	const char *name, *redir;
	struct oauth *o = state(r->f);
	struct grant *g;

	body_params(r, &q);
	name = param(&q, "client_name");
	redir = param(&q, "redirect_uris");
	if (!name || !*name || !redir || !*redir) {
		rq_json(r, 422);
		jw_obj(&r->j);
		jw_kstr(&r->j, "error", "Validation failed: Name can't be blank, Redirect URI can't be blank");
		jw_end(&r->j);
		evhttp_clear_headers(&q);
		return;
	}
	g = add(o->apps, &o->n_apps);
	make_id(r->f, "mcid", g->id);
	make_id(r->f, "mcsec", g->secret);
	snprintf(g->redirect, sizeof g->redirect, "%s", redir);
	o->apps_registered++;
	rq_json(r, 200);
	jw_obj(&r->j);
	jw_kstr(&r->j, "id", g->id + 4);
	jw_kstr(&r->j, "name", name);
	jw_kstr(&r->j, "website", param(&q, "website"));
	jw_kstr(&r->j, "scopes", param(&q, "scopes") ? param(&q, "scopes") : "read");
	jw_kstr(&r->j, "redirect_uri", redir);
	jw_kstr(&r->j, "client_id", g->id);
	jw_kstr(&r->j, "client_secret", g->secret);
	jw_kstr(&r->j, "vapid_key", "BFakeVapidKeyForTests");
	jw_end(&r->j);
	evhttp_clear_headers(&q);
}

static void html(struct rq *r, int status, const char *title, const char *body)
{
	char page[2048];
	snprintf(page, sizeof page, "<!DOCTYPE html>\n<html><head><title>%s</title></head>\n<body>\n%s\n</body></html>\n",
	         title, body);
	rq_raw(r, status, "text/html; charset=utf-8", page);
}

/* Mastodon's /oauth/authorize after "Authorize": with the out-of-band
 * redirect, a page that shows the code to copy. */
static void m_authorize(struct rq *r)
{
	struct oauth *o = state(r->f);
	const char *cid = rq_param(r, "client_id"), *redir = rq_param(r, "redirect_uri");
	struct grant *app = find(o->apps, o->n_apps, cid), *c;
	char body[512];

	if (!app || !redir || strcmp(redir, app->redirect) != 0 || strcmp(redir, OOB) != 0 ||
	    !rq_param(r, "response_type") || strcmp(rq_param(r, "response_type"), "code") != 0) {
		html(r, 400, "An error has occurred",
		     "<div class=\"form-container\"><p>The redirect uri included is not valid, or the client is unknown.</p></div>");
		return;
	}
	c = add(o->codes, &o->n_codes);
	make_id(r->f, "mcode", c->id);
	snprintf(c->client, sizeof c->client, "%s", cid);
	snprintf(c->redirect, sizeof c->redirect, "%s", redir);
	snprintf(body, sizeof body,
	         "<div class=\"form-container\"><h2>Authorization code</h2>\n"
	         "<p>Copy this authorization code and paste it to the application.</p>\n"
	         "<input class=\"oauth-code\" readonly=\"readonly\" type=\"text\" value=\"%s\">\n</div>", c->id);
	html(r, 200, "Authorization code", body);
}

static void m_token(struct rq *r)
{
	struct oauth *o = state(r->f);
	struct evkeyvalq q;
	const char *gt, *cid, *sec, *code, *redir;
	struct grant *app, *c;

	body_params(r, &q);
	gt = param(&q, "grant_type");
	cid = param(&q, "client_id");
	sec = param(&q, "client_secret");
	code = param(&q, "code");
	redir = param(&q, "redirect_uri");
	app = find(o->apps, o->n_apps, cid);
	c = find(o->codes, o->n_codes, code);
	if (!app || !sec || strcmp(sec, app->secret) != 0)
		oauth_error(r, 401, "invalid_client", "Client authentication failed due to unknown client, "
		            "no client authentication included, or unsupported authentication method.");
	else if (!gt || strcmp(gt, "authorization_code") != 0)
		oauth_error(r, 400, "unsupported_grant_type", "The authorization grant type is not supported "
		            "by the authorization server.");
	else if (!c || c->used || strcmp(c->client, cid) != 0 || !redir || strcmp(redir, c->redirect) != 0)
		oauth_error(r, 400, "invalid_grant", "The provided authorization grant is invalid, expired, "
		            "revoked, does not match the redirection URI used in the authorization request, "
		            "or was issued to another client.");
	else {
		c->used = true;
		o->m_revoked = false;
		o->m_tokens++;
		rq_json(r, 200);
		jw_obj(&r->j);
		jw_kstr(&r->j, "access_token", r->f->m_token);
		jw_kstr(&r->j, "token_type", "Bearer");
		jw_kstr(&r->j, "scope", "read");
		jw_kint(&r->j, "created_at", r->now / 1000);
		jw_end(&r->j);
	}
	evhttp_clear_headers(&q);
}

static void m_revoke(struct rq *r)
{
	struct oauth *o = state(r->f);
	struct evkeyvalq q;
	struct grant *app;

	body_params(r, &q);
	app = find(o->apps, o->n_apps, param(&q, "client_id"));
	if (!app || !param(&q, "client_secret") || strcmp(param(&q, "client_secret"), app->secret) != 0) {
		oauth_error(r, 403, "unauthorized_client", "You are not authorized to revoke this token");
	} else {
		/* Unknown tokens are "revoked" too (RFC 7009). */
		if (param(&q, "token") && strcmp(param(&q, "token"), r->f->m_token) == 0)
			o->m_revoked = true;
		o->m_revokes++;
		rq_json(r, 200);
		jw_obj(&r->j);
		jw_end(&r->j);
	}
	evhttp_clear_headers(&q);
}

static void m_verify(struct rq *r)
{
	const char *t = rq_bearer(r);
	char acct[160], id[32];

	if (!t || strcmp(t, r->f->m_token) != 0 || state(r->f)->m_revoked) {
		rq_json(r, 401);
		jw_obj(&r->j);
		jw_kstr(&r->j, "error", "The access token is invalid");
		jw_end(&r->j);
		state(r->f)->refused++;
		return;
	}
	minst_acct(r->f, r->view, 0, acct);
	snprintf(id, sizeof id, "%" PRIu64, minst_account_id(r->f, r->view, 0));
	rq_json(r, 200);
	jw_obj(&r->j);
	jw_kstr(&r->j, "id", id);
	jw_kstr(&r->j, "username", "me");
	jw_kstr(&r->j, "acct", acct);
	jw_kstr(&r->j, "display_name", "Me");
	jw_kbool(&r->j, "locked", false);
	jw_kbool(&r->j, "bot", false);
	jw_kstr(&r->j, "note", "");
	jw_kint(&r->j, "followers_count", 0);
	jw_kint(&r->j, "following_count", 0);
	jw_kstr(&r->j, "source_privacy", "public");
	jw_end(&r->j);
}

/* ---- X ---- */

static void b64url(const unsigned char *in, size_t n, char *out)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	size_t o = 0;
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)in[i] << 16 | (i + 1 < n ? (unsigned)in[i + 1] << 8 : 0) | (i + 2 < n ? in[i + 2] : 0);
		out[o++] = a[v >> 18 & 63];
		out[o++] = a[v >> 12 & 63];
		if (i + 1 < n)
			out[o++] = a[v >> 6 & 63];
		if (i + 2 < n)
			out[o++] = a[v & 63];
	}
	out[o] = '\0';
}

/* X's consent screen, accepted at once: a redirect back with code and state. */
static void x_authorize(struct rq *r)
{
	struct oauth *o = state(r->f);
	const char *cid = rq_param(r, "client_id"), *redir = rq_param(r, "redirect_uri"),
	           *ch = rq_param(r, "code_challenge"), *m = rq_param(r, "code_challenge_method"),
	           *st = rq_param(r, "state");
	struct grant *c;
	struct buf loc = { 0 };
	char *es;

	if (!cid || !*cid || !redir || strncmp(redir, "http://127.0.0.1:", 17) != 0 || !ch || strlen(ch) != 43 ||
	    !m || strcmp(m, "S256") != 0 || !st) {
		html(r, 400, "X", "<p>Something went wrong. You weren't able to give access to the App.</p>");
		return;
	}
	c = add(o->codes, &o->n_codes);
	make_id(r->f, "xcode", c->id);
	snprintf(c->client, sizeof c->client, "%s", cid);
	snprintf(c->redirect, sizeof c->redirect, "%s", redir);
	snprintf(c->challenge, sizeof c->challenge, "%s", ch);
	o->x_codes++;
	es = evhttp_encode_uri(st);
	buf_printf(&loc, "%s?state=%s&code=%s", redir, es ? es : "", c->id);
	free(es);
	rq_add_header(r, "Location", loc.p);
	html(r, 302, "Redirecting", "<p>Redirecting you back to the application.</p>");
	buf_free(&loc);
}

static void x_issue(struct rq *r, const char *client)
{
	struct oauth *o = state(r->f);
	struct grant *a = add(o->x_access, &o->n_access), *rf = add(o->x_refresh, &o->n_refresh);

	make_id(r->f, "xuat", a->id);
	snprintf(a->client, sizeof a->client, "%s", client);
	a->exp_ms = r->now + X_TTL_S * 1000LL;
	make_id(r->f, "xurt", rf->id);
	snprintf(rf->client, sizeof rf->client, "%s", client);
	o->x_tokens++;
	rq_json(r, 200);
	jw_obj(&r->j);
	jw_kstr(&r->j, "token_type", "bearer");
	jw_kint(&r->j, "expires_in", X_TTL_S);
	jw_kstr(&r->j, "access_token", a->id);
	jw_kstr(&r->j, "scope", "tweet.read users.read follows.read offline.access");
	jw_kstr(&r->j, "refresh_token", rf->id);
	jw_end(&r->j);
}

static void x_token(struct rq *r)
{
	struct oauth *o = state(r->f);
	struct evkeyvalq q;
	const char *gt, *cid;

	body_params(r, &q);
	gt = param(&q, "grant_type");
	cid = param(&q, "client_id");
	if (gt && strcmp(gt, "authorization_code") == 0) {
		struct grant *c = find(o->codes, o->n_codes, param(&q, "code"));
		const char *v = param(&q, "code_verifier"), *redir = param(&q, "redirect_uri");
		unsigned char d[SHA256_DIGEST_LENGTH];
		char ch[64] = "";
		if (v)
			SHA256((const unsigned char *)v, strlen(v), d), b64url(d, sizeof d, ch);
		if (!c || c->used || !c->challenge[0] || !cid || strcmp(cid, c->client) != 0 || !redir ||
		    strcmp(redir, c->redirect) != 0 || !v || strcmp(ch, c->challenge) != 0)
			oauth_error(r, 400, "invalid_request", "Value passed for the authorization code was invalid.");
		else {
			c->used = true;
			x_issue(r, cid);
		}
	} else if (gt && strcmp(gt, "refresh_token") == 0) {
		struct grant *rf = find(o->x_refresh, o->n_refresh, param(&q, "refresh_token"));
		if (!rf || rf->used || !cid || strcmp(cid, rf->client) != 0)
			oauth_error(r, 400, "invalid_request", "Value passed for the token was invalid.");
		else {
			rf->used = true;          /* rotated: the old one is spent */
			o->x_refreshes++;
			x_issue(r, cid);
		}
	} else {
		oauth_error(r, 400, "invalid_request", "Missing required parameter [grant_type].");
	}
	evhttp_clear_headers(&q);
}

bool oauth_x_token_ok(struct fake *f, const char *token, int64_t now)
{
	struct oauth *o = f->oauth;
	struct grant *a = o && token ? find(o->x_access, o->n_access, token) : NULL;
	return a && now < a->exp_ms;
}

static void x_me(struct rq *r)
{
	const char *t = rq_bearer(r);
	char id[256], name[64];

	if (t && strcmp(t, r->f->x_token) == 0) {
		rq_json(r, 403);
		jw_obj(&r->j);
		jw_kstr(&r->j, "title", "Unsupported Authentication");
		jw_kstr(&r->j, "detail", "Authenticating with OAuth 2.0 Application-Only is forbidden for this "
		        "endpoint.  Supported authentication types are [OAuth 1.0a User Context, OAuth 2.0 User Context].");
		jw_kstr(&r->j, "type", "https://api.twitter.com/2/problems/unsupported-authentication");
		jw_kint(&r->j, "status", 403);
		jw_end(&r->j);
		return;
	}
	if (!oauth_x_token_ok(r->f, t, r->now)) {
		rq_json(r, 401);
		jw_obj(&r->j);
		jw_kstr(&r->j, "title", "Unauthorized");
		jw_kstr(&r->j, "type", "about:blank");
		jw_kint(&r->j, "status", 401);
		jw_kstr(&r->j, "detail", "Unauthorized");
		jw_end(&r->j);
		return;
	}
	net_get(NET_X)->ctl_account_id(r->f, 0, id);
	world_display_name(r->f, 0, name);
	rq_json(r, 200);
	jw_obj(&r->j);
	jw_kobj(&r->j, "data");
	jw_kstr(&r->j, "id", id);
	jw_kstr(&r->j, "name", name);
	jw_kstr(&r->j, "username", "me");
	jw_end(&r->j);
	jw_end(&r->j);
}

/* ---- dispatch ---- */

bool oauth_serve(struct rq *r)
{
	int m = evhttp_request_get_command(r->req);
	static const struct { int method; const char *path; void (*fn)(struct rq *); } routes[] = {
		{ EVHTTP_REQ_POST, "/api/v1/apps", m_apps },
		{ EVHTTP_REQ_GET, "/oauth/authorize", m_authorize },
		{ EVHTTP_REQ_POST, "/oauth/token", m_token },
		{ EVHTTP_REQ_POST, "/oauth/revoke", m_revoke },
		{ EVHTTP_REQ_GET, "/api/v1/accounts/verify_credentials", m_verify },
		{ EVHTTP_REQ_GET, "/i/oauth2/authorize", x_authorize },
		{ EVHTTP_REQ_POST, "/2/oauth2/token", x_token },
		{ EVHTTP_REQ_GET, "/2/users/me", x_me },
	};

	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
		if (m == routes[i].method && strcmp(r->path, routes[i].path) == 0) {
			routes[i].fn(r);
			return true;
		}
	return false;
}

bool oauth_ctl(struct rq *r, const char *p)
{
	struct oauth *o = state(r->f);

	if (strcmp(p, "/oauth") != 0)
		return false;
	rq_json(r, 200);
	jw_obj(&r->j);
	jw_kint(&r->j, "mastodon_apps", (long long)o->apps_registered);
	jw_kint(&r->j, "mastodon_tokens", (long long)o->m_tokens);
	jw_kint(&r->j, "mastodon_revokes", (long long)o->m_revokes);
	jw_kbool(&r->j, "mastodon_revoked", o->m_revoked);
	jw_kint(&r->j, "x_codes", (long long)o->x_codes);
	jw_kint(&r->j, "x_tokens", (long long)o->x_tokens);
	jw_kint(&r->j, "x_refreshes", (long long)o->x_refreshes);
	jw_kint(&r->j, "refused", (long long)o->refused);
	jw_end(&r->j);
	return true;
}
