/* test_net_following.c — NET_OP_FOLLOWING on each network: request URLs,
 * paging (Mastodon Link rel="next" max_id, X next_token, Bluesky cursor),
 * Mastodon's bot/group flags, X's tier refusal, malformed pages advancing
 * nothing. Account objects come from the real recordings in
 * ../shared/fixtures/real (read in place; a following list is made of the
 * same objects a lookup returns), with inline bodies when they are absent. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/net.h"
#include "net_testutil.h"
#include "tap.h"

#define NOW 1790000000

static const struct net_platform *M, *X, *B;

/* The body of a real recording, parsed, or NULL when it is not there. */
static cJSON *real_body(const char *rel)
{
	char path[1024];
	const char *src = getenv("MENTORD_SRC");
	struct fixture fx;
	cJSON *b = NULL;

	snprintf(path, sizeof path, "%s/../shared/fixtures/real/%s", src && *src ? src : ".", rel);
	if (fx_load(&fx, path) < 0) {
		snprintf(path, sizeof path, "../shared/fixtures/real/%s", rel);
		if (fx_load(&fx, path) < 0)
			return NULL;
	}
	b = cJSON_ParseWithLength(fx.body, fx.body_len);
	fx_free(&fx);
	return b;
}

static int parse(const struct net_platform *p, const struct net_config *cfg, int status, const char *body,
                 const char *link, struct net_walk *w, struct net_page *pg)
{
	struct net_header_pair h[1] = { { "Link", link } };
	struct net_header_list hl = { h, link ? 1 : 0 };
	struct net_response resp = fx_inline(status, body, &hl, NOW);
	return net_parse(p, cfg, NET_OP_FOLLOWING, &resp, w, pg);
}

static void mastodon(void)
{
	struct net_config cfg = { .api_base = "http://127.0.0.1:1", .host = "mastodon.test", .token = "tok" };
	struct net_walk w;
	struct net_request req = { 0 };
	struct net_page pg;
	cJSON *acc = real_body("mastodon/accounts-lookup-1.json"), *arr = cJSON_CreateArray();
	char *body;

	net_walk_start(&w, NET_OP_FOLLOWING, NULL);
	ok(net_build_page(M, &cfg, "109", &w, &req) == 0, "mastodon: following request builds");
	is_str(req.url, "http://127.0.0.1:1/api/v1/accounts/109/following?limit=80", "mastodon: its URL");
	net_request_clear(&req);
	ok(net_build_page(M, &cfg, NULL, &w, &req) == -EINVAL, "mastodon: the user's id is needed");

	if (!acc)
		acc = cJSON_Parse("{\"id\":\"7\",\"username\":\"j\",\"acct\":\"j@b.example\",\"display_name\":\"J\",\"note\":\"<p>x</p>\"}");
	ok(acc != NULL, "mastodon: an Account object (real recording when present)");
	cJSON_AddItemToArray(arr, cJSON_Duplicate(acc, true));
	cJSON *flagged = cJSON_Parse("{\"id\":\"8\",\"username\":\"soc\",\"acct\":\"soc@b.example\","
	                             "\"display_name\":\"A Society\",\"note\":\"\",\"bot\":true,\"group\":true}");
	cJSON_AddItemToArray(arr, flagged);
	cJSON_AddItemToArray(arr, cJSON_Parse("{\"id\":9}"));   /* wrong types: skipped, counted */
	body = cJSON_PrintUnformatted(arr);
	ok(parse(M, &cfg, 200, body,
	         "<http://127.0.0.1:1/api/v1/accounts/109/following?limit=80&max_id=123>; rel=\"next\", "
	         "<http://127.0.0.1:1/api/v1/accounts/109/following?limit=80&since_id=130>; rel=\"prev\"", &w, &pg) == 0,
	   "mastodon: page parses");
	ok(pg.err.code == NET_OK, "mastodon: page is fine (%s)", pg.err.msg);
	is_int(pg.n_accounts, 2, "mastodon: two accounts, the broken one skipped");
	is_int(pg.n_invalid, 1, "mastodon: the broken one counted");
	ok(pg.n_accounts == 2 && pg.accounts[0].id && strchr(pg.accounts[0].id, '@'), "mastodon: ids are accts");
	ok(pg.n_accounts == 2 && !pg.accounts[0].bot && pg.accounts[1].bot && pg.accounts[1].group,
	   "mastodon: bot and group flags");
	is_str(w.page_token, "123", "mastodon: next page at Link rel=next's max_id");
	ok(!w.done, "mastodon: not done");
	net_page_clear(&pg);
	ok(net_build_page(M, &cfg, "109", &w, &req) == 0 && strstr(req.url, "max_id=123"), "mastodon: next request asks below it");
	net_request_clear(&req);

	ok(parse(M, &cfg, 200, "{\"error\":\"oops\"}", NULL, &w, &pg) == 0 && pg.err.code == NET_ERR_MALFORMED,
	   "mastodon: an object instead of a page is malformed");
	is_str(w.page_token, "123", "mastodon: a malformed page advances nothing");
	net_page_clear(&pg);
	ok(parse(M, &cfg, 200, body, NULL, &w, &pg) == 0 && w.done && !w.page_token, "mastodon: no Link next: done");
	net_page_clear(&pg);
	ok(parse(M, &cfg, 429, "{\"error\":\"Too many requests\"}", NULL, &w, &pg) == 0 &&
	   pg.err.code == NET_ERR_RATE_LIMITED, "mastodon: 429 is a rate limit");
	net_page_clear(&pg);
	cfg.foreign = true;
	ok(net_build_page(M, &cfg, "109", &w, &req) == -ENOTSUP, "mastodon: never on a foreign server");
	free(body);
	cJSON_Delete(arr);
	cJSON_Delete(acc);
	net_walk_clear(&w);
}

static void bluesky(void)
{
	struct net_config cfg = { .api_base = "http://127.0.0.1:1" };
	struct net_walk w;
	struct net_request req = { 0 };
	struct net_page pg;
	cJSON *real = real_body("bluesky/get-profiles-1.json"), *o = cJSON_CreateObject();
	const cJSON *profiles = cJSON_GetObjectItemCaseSensitive(real, "profiles");
	char *body;
	int n;

	net_walk_start(&w, NET_OP_FOLLOWING, NULL);
	ok(net_build_page(B, &cfg, "did:plc:abc", &w, &req) == 0, "bluesky: getFollows builds");
	is_str(req.url, "http://127.0.0.1:1/xrpc/app.bsky.graph.getFollows?actor=did%3Aplc%3Aabc&limit=100",
	       "bluesky: its URL");
	net_request_clear(&req);
	if (!cJSON_IsArray(profiles))
		profiles = real = cJSON_Parse("[{\"did\":\"did:plc:a\",\"handle\":\"a.bsky.social\",\"description\":\"Journal\"}]");
	n = cJSON_GetArraySize(profiles);
	cJSON_AddItemToObject(o, "follows", cJSON_Duplicate(profiles, true));
	cJSON_AddStringToObject(o, "cursor", "c2");
	body = cJSON_PrintUnformatted(o);
	ok(parse(B, &cfg, 200, body, NULL, &w, &pg) == 0 && pg.err.code == NET_OK, "bluesky: page parses");
	is_int(pg.n_accounts, n, "bluesky: every profile (real recording when present)");
	ok(pg.n_accounts > 0 && pg.accounts[0].id && strncmp(pg.accounts[0].id, "did:", 4) == 0, "bluesky: ids are DIDs");
	is_str(w.page_token, "c2", "bluesky: the cursor is the next page");
	net_page_clear(&pg);
	ok(net_build_page(B, &cfg, "did:plc:abc", &w, &req) == 0 && strstr(req.url, "cursor=c2"), "bluesky: next request");
	net_request_clear(&req);
	ok(parse(B, &cfg, 200, "{\"cursor\":\"c3\"}", NULL, &w, &pg) == 0 && pg.err.code == NET_ERR_MALFORMED,
	   "bluesky: no follows is malformed");
	is_str(w.page_token, "c2", "bluesky: and advances nothing");
	net_page_clear(&pg);
	ok(parse(B, &cfg, 200, "{\"follows\":[],\"cursor\":\"c9\"}", NULL, &w, &pg) == 0 && w.done,
	   "bluesky: an empty page ends the walk even with a cursor");
	net_page_clear(&pg);
	free(body);
	cJSON_Delete(o);
	cJSON_Delete(real);
	net_walk_clear(&w);
}

static void x(void)
{
	struct net_config cfg = { .api_base = "http://127.0.0.1:1", .token = "bearer" };
	struct net_walk w;
	struct net_request req = { 0 };
	struct net_page pg;
	cJSON *real = real_body("x/users-by-usernames-1.json");
	char *body;

	net_walk_start(&w, NET_OP_FOLLOWING, NULL);
	ok(net_build_page(X, &cfg, "1500", &w, &req) == 0, "x: following request builds");
	ok(req.url && strncmp(req.url, "http://127.0.0.1:1/2/users/1500/following?max_results=1000", 58) == 0,
	   "x: its URL (%s)", req.url);
	net_request_clear(&req);
	if (!real || !cJSON_GetObjectItemCaseSensitive(real, "data")) {
		cJSON_Delete(real);
		real = cJSON_Parse("{\"data\":[{\"id\":\"12\",\"username\":\"nejm\",\"name\":\"NEJM\",\"description\":\"Journal\"}]}");
	}
	int n = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(real, "data"));
	cJSON_DeleteItemFromObject(real, "meta");
	cJSON *meta = cJSON_AddObjectToObject(real, "meta");
	cJSON_AddStringToObject(meta, "next_token", "TOKEN2");
	body = cJSON_PrintUnformatted(real);
	ok(parse(X, &cfg, 200, body, NULL, &w, &pg) == 0 && pg.err.code == NET_OK, "x: page parses");
	is_int(pg.n_accounts, n, "x: every user (real recording when present)");
	is_str(w.page_token, "TOKEN2", "x: next_token is the next page");
	net_page_clear(&pg);
	ok(net_build_page(X, &cfg, "1500", &w, &req) == 0 && strstr(req.url, "pagination_token=TOKEN2"), "x: next request");
	net_request_clear(&req);
	ok(parse(X, &cfg, 403,
	         "{\"title\":\"Client Forbidden\",\"detail\":\"must use keys from an App attached to a Project\","
	         "\"reason\":\"client-not-enrolled\",\"type\":\"https://api.twitter.com/2/problems/client-forbidden\"}",
	         NULL, &w, &pg) == 0, "x: a 403 parses");
	ok(pg.err.code == NET_ERR_AUTH && pg.err.scope == NET_SCOPE_ENDPOINT, "x: the tier refusal stops this endpoint only");
	ok(strstr(pg.err.msg, "tier") && strstr(pg.err.msg, "client-not-enrolled"), "x: and says why (%s)", pg.err.msg);
	is_str(w.page_token, "TOKEN2", "x: a refusal advances nothing");
	net_page_clear(&pg);
	ok(parse(X, &cfg, 200, "{\"meta\":{\"result_count\":0}}", NULL, &w, &pg) == 0 && w.done, "x: the last page");
	net_page_clear(&pg);
	cfg.user_token = "utok";
	ok(net_build_page(X, &cfg, "1500", &w, &req) == 0, "x: with a user token");
	bool user = false;
	for (size_t i = 0; i < req.n_headers; i++)
		user = user || strcmp(req.headers[i], "Authorization: Bearer utok") == 0;
	ok(user, "x: the user's token is the bearer for the following list");
	net_request_clear(&req);
	cfg.token = cfg.user_token = NULL;
	ok(net_build_page(X, &cfg, "1500", &w, &req) == -ENOKEY, "x: needs a bearer token");
	free(body);
	cJSON_Delete(real);
	net_walk_clear(&w);
}

int main(void)
{
	M = net_platform_find("mastodon");
	X = net_platform_find("x");
	B = net_platform_find("bluesky");
	mastodon();
	bluesky();
	x();
	return tap_done();
}
