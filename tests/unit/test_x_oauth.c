/* Unit tests for X's OAuth 2.0 user token in the net layer: the refresh
 * request, its answers (a rotated pair, a refused refresh token, a 429, a
 * malformed body) and the user token file's codec. */
#include "net/net.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>

static int parse(const char *body, int status, struct net_page *pg)
{
	const struct net_config cfg = { .api_base = "https://api.x.com", .refresh_token = "rt-OLD-secret",
		.client_id = "cid-1" };
	struct net_response resp = { .status = status, .body = body, .body_len = strlen(body), .now = 1000 };
	return net_parse(net_platform_find("x"), &cfg, NET_OP_SESSION_REFRESH, &resp, NULL, pg);
}

int main(void)
{
	const struct net_platform *x = net_platform_find("x");
	struct net_config cfg = { .api_base = "https://api.x.com", .refresh_token = "rt/with+odd&chars",
		.client_id = "cid-1" };
	struct net_request req;
	struct net_page pg;
	struct net_session s;
	char *json;

	is_int(net_build_session(x, &cfg, NET_OP_SESSION_REFRESH, &req), 0, "build the refresh");
	is_str(req.url, "https://api.x.com/2/oauth2/token", "at api_base/2/oauth2/token");
	is_str(req.method, "POST", "a POST");
	is_str(req.body, "grant_type=refresh_token&refresh_token=rt%2Fwith%2Bodd%26chars&client_id=cid-1",
	       "form body: grant type, the escaped refresh token, the client id");
	is_str(req.content_type, "application/x-www-form-urlencoded", "as a form");
	ok(!strstr(req.url, "odd"), "no secret in the URL");
	net_request_clear(&req);
	cfg.token_url = "http://127.0.0.1:5/tok";
	net_build_session(x, &cfg, NET_OP_SESSION_REFRESH, &req);
	is_str(req.url, "http://127.0.0.1:5/tok", "token_endpoint when given");
	net_request_clear(&req);
	cfg.client_id = NULL;
	ok(net_build_session(x, &cfg, NET_OP_SESSION_REFRESH, &req) < 0, "no client id: nothing to send");
	net_request_clear(&req);
	ok(net_build_session(x, &cfg, NET_OP_SESSION_CREATE, &req) < 0, "X sessions are never created here");
	net_request_clear(&req);

	is_int(parse("{\"token_type\":\"bearer\",\"expires_in\":7200,\"access_token\":\"at-NEW\","
	             "\"scope\":\"tweet.read users.read follows.read offline.access\",\"refresh_token\":\"rt-NEW\"}",
	             200, &pg), 0, "a refresh answer parses");
	is_int(pg.err.code, NET_OK, "ok");
	is_str(pg.session.access_jwt, "at-NEW", "new access token");
	is_str(pg.session.refresh_jwt, "rt-NEW", "rotated refresh token");
	is_int(pg.session.access_expires, 1000 + 7200, "expires at now + expires_in");
	is_str(pg.session.client_id, "cid-1", "client id carried over");
	net_page_clear(&pg);

	parse("{\"error\":\"invalid_request\",\"error_description\":\"Value passed for the token was invalid.\"}",
	      400, &pg);
	is_int(pg.err.code, NET_ERR_AUTH, "a refused refresh token: an auth error");
	ok(strstr(pg.err.msg, "log in again") && strstr(pg.err.msg, "Value passed for the token was invalid"),
	   "saying why and what to do");
	net_page_clear(&pg);
	parse("{\"error\":\"rt-OLD-secret is invalid\"}", 401, &pg);
	ok(!strstr(pg.err.msg, "rt-OLD-secret"), "a token the server echoes is scrubbed from the message");
	net_page_clear(&pg);
	parse("{}", 429, &pg);
	is_int(pg.err.code, NET_ERR_RATE_LIMITED, "429: rate limited");
	net_page_clear(&pg);
	parse("{\"access_token\":\"a\"}", 200, &pg);
	is_int(pg.err.code, NET_ERR_MALFORMED, "no refresh token in the answer: malformed");
	ok(!pg.session.access_jwt, "and no session");
	net_page_clear(&pg);

	s = (struct net_session){ .access_jwt = strdup("at"), .refresh_jwt = strdup("rt"), .access_expires = 42,
		.client_id = strdup("cid"), .token_url = NULL };
	json = net_x_token_encode(&s);
	is_str(json, "{\"access_token\":\"at\",\"refresh_token\":\"rt\",\"expires_at\":42,\"client_id\":\"cid\"}",
	       "token file: the keys mentorctl writes");
	net_session_clear(&s);
	is_int(net_x_token_decode(json, strlen(json), &s), 0, "and read back");
	ok(strcmp(s.access_jwt, "at") == 0 && strcmp(s.refresh_jwt, "rt") == 0 && s.access_expires == 42 &&
	   strcmp(s.client_id, "cid") == 0 && !s.token_url, "whole");
	net_session_clear(&s);
	free(json);
	ok(net_x_token_decode("{\"access_token\":\"a\"}", 20, &s) < 0, "a file without refresh token is refused");
	ok(net_x_token_decode("not json", 8, &s) < 0, "so is one that is not JSON");
	return tap_done();
}
