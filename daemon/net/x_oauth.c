#include "net/x_oauth.h"
#include "net/adapter.h"
#include "net/json.h"
#include "net/url.h"
#include "common/strbuf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define X_TOKEN_PATH "/2/oauth2/token"
#define X_TOKEN_TTL_DEFAULT 7200

int x_oauth_build_refresh(const struct net_config *cfg, enum net_op op, struct net_request *req)
{
	struct strbuf url = STRBUF_INIT, body = STRBUF_INIT;
	int r;

	if (op != NET_OP_SESSION_REFRESH)
		return -ENOTSUP;
	if (!net_has(cfg->refresh_token) || !net_has(cfg->client_id))
		return -ENOKEY;
	if (net_has(cfg->token_url))
		strbuf_puts(&url, cfg->token_url);
	else
		net_url_join(&url, cfg->api_base, X_TOKEN_PATH);
	strbuf_puts(&body, "grant_type=refresh_token&refresh_token=");
	net_url_escape(&body, cfg->refresh_token);
	strbuf_puts(&body, "&client_id=");
	net_url_escape(&body, cfg->client_id);
	req->op = op;
	req->method = "POST";
	req->url = strbuf_steal(&url);
	req->body_len = body.len;
	req->body = strbuf_steal(&body);
	req->content_type = "application/x-www-form-urlencoded";
	if (!req->url || !req->body)
		return -ENOMEM;
	r = net_req_header(req, "Accept", "application/json");
	return r;
}

static int dup_to(char **dst, const char *s)
{
	if (!s)
		return 0;
	return (*dst = strdup(s)) ? 0 : -ENOMEM;
}

int x_oauth_parse(const struct net_config *cfg, const struct net_response *resp, struct net_page *pg)
{
	int st = net_status_of(resp);
	cJSON *body = net_body_is_json(resp) ? net_json_parse(resp->body, resp->body_len) : NULL;
	const char *access = net_json_str_or(body, "access_token", NULL),
	           *refresh = net_json_str_or(body, "refresh_token", NULL),
	           *why = net_json_str_or(body, "error_description", net_json_str_or(body, "error", NULL));
	int64_t ttl = net_json_i64_or(body, "expires_in", X_TOKEN_TTL_DEFAULT);
	struct net_session *s = &pg->session;
	int r = 0;

	if (st == 429) {
		net_err(pg, NET_ERR_RATE_LIMITED, NET_SCOPE_ENDPOINT, net_retry_at(pg, resp, 900),
		        "X rate limit reached for the token endpoint");
	} else if (st == 400 || st == 401 || st == 403) {
		/* The refresh token is spent, revoked or of another app: only a new
		 * login helps. */
		net_err(pg, NET_ERR_AUTH, NET_SCOPE_NETWORK, 0,
		        "X refused to refresh the user token (HTTP %d%s%s); log in again with "
		        "mentorctl login x --user", st, why ? ": " : "", why ? why : "");
	} else if (st < 200 || st > 299) {
		net_err_http(pg, resp, NET_SCOPE_NETWORK, why);
	} else if (!net_has(access) || !net_has(refresh) || ttl <= 0) {
		net_err(pg, NET_ERR_MALFORMED, NET_SCOPE_ENDPOINT, 0,
		        "X token answer without access_token, refresh_token or a valid expires_in");
	} else {
		net_session_clear(s);
		s->access_expires = resp->now + ttl;
		if ((r = dup_to(&s->access_jwt, access)) < 0 || (r = dup_to(&s->refresh_jwt, refresh)) < 0 ||
		    (r = dup_to(&s->client_id, cfg->client_id)) < 0 || (r = dup_to(&s->token_url, cfg->token_url)) < 0)
			net_session_clear(s);
	}
	for (cJSON *it = body ? body->child : NULL; it; it = it->next)
		if (cJSON_IsString(it) && it->valuestring)
			explicit_bzero(it->valuestring, strlen(it->valuestring));
	cJSON_Delete(body);
	return r;
}

char *net_x_token_encode(const struct net_session *s)
{
	cJSON *o = cJSON_CreateObject();
	char *out = NULL;

	if (o && s && s->access_jwt && s->refresh_jwt && s->client_id &&
	    cJSON_AddStringToObject(o, "access_token", s->access_jwt) &&
	    cJSON_AddStringToObject(o, "refresh_token", s->refresh_jwt) &&
	    cJSON_AddNumberToObject(o, "expires_at", (double)s->access_expires) &&
	    cJSON_AddStringToObject(o, "client_id", s->client_id) &&
	    (!s->token_url || cJSON_AddStringToObject(o, "token_endpoint", s->token_url)))
		out = cJSON_PrintUnformatted(o);
	for (cJSON *it = o ? o->child : NULL; it; it = it->next)
		if (cJSON_IsString(it) && it->valuestring)
			explicit_bzero(it->valuestring, strlen(it->valuestring));
	cJSON_Delete(o);
	return out;
}

int net_x_token_decode(const char *json, size_t len, struct net_session *s)
{
	cJSON *o = net_json_parse(json, len);
	const char *access = net_json_str_or(o, "access_token", NULL), *refresh = net_json_str_or(o, "refresh_token", NULL),
	           *client = net_json_str_or(o, "client_id", NULL), *url = net_json_str_or(o, "token_endpoint", NULL);
	int r = -EINVAL;

	*s = (struct net_session){ 0 };
	if (net_has(access) && net_has(refresh) && net_has(client) &&
	    (!url || strncmp(url, "https://", 8) == 0 || strncmp(url, "http://", 7) == 0)) {
		s->access_expires = net_json_i64_or(o, "expires_at", 0);
		r = dup_to(&s->access_jwt, access) < 0 || dup_to(&s->refresh_jwt, refresh) < 0 ||
		    dup_to(&s->client_id, client) < 0 || dup_to(&s->token_url, net_nz(url)) < 0 ? -ENOMEM : 0;
	}
	if (r < 0)
		net_session_clear(s);
	for (cJSON *it = o ? o->child : NULL; it; it = it->next)
		if (cJSON_IsString(it) && it->valuestring)
			explicit_bzero(it->valuestring, strlen(it->valuestring));
	cJSON_Delete(o);
	return r;
}
