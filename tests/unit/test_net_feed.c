/* test_net_feed.c — the home feed and the follow check in the Mastodon and
 * Bluesky adapters: requests (the user's credential, the configured server
 * or the PDS), newest-first walks down to the watermark, the overlap, gaps
 * when the window ends first, relationships and viewer.following; X's
 * reverse_chronological and connection_status with the user token. The real
 * recordings in ../shared/fixtures/real are read in place (a tag timeline
 * and an author feed have the shape of the home timelines). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>

#include "net/net.h"
#include "net_testutil.h"
#include "tap.h"

#define NOW 1750000000

static const struct net_config mcfg = {
	.api_base = "https://med.example", .token = "mastodon-user-token", .me = "alice@med.example",
};
static const struct net_config bcfg = {
	.api_base = "https://public.api.bsky.app", .pds_base = "https://pds.example",
	.token = "access.jwt", .me = "alice.med.example", .me_id = "did:plc:alice",
};

static bool has_auth(const struct net_request *r)
{
	for (size_t i = 0; i < r->n_headers; i++)
		if (strncmp(r->headers[i], "Authorization: Bearer ", 22) == 0)
			return true;
	return false;
}

static char *feed_url(const struct net_platform *p, const struct net_config *c, const char *token, int *rc)
{
	struct net_request req;
	struct net_walk w;
	char *url = NULL;

	net_walk_start(&w, NET_OP_FEED, "1");
	if (token)
		w.page_token = strdup(token);
	*rc = net_build_page(p, c, NULL, &w, &req);
	if (*rc == 0) {
		url = strdup(req.url);
		if (!has_auth(&req))
			*rc = -EPERM;
	}
	net_request_clear(&req);
	net_walk_clear(&w);
	return url;
}

static int parse_body(const struct net_platform *p, const struct net_config *c, enum net_op op,
                      const char *body, struct net_walk *w, struct net_page *pg)
{
	struct net_response resp = { .status = 200, .body = body, .body_len = strlen(body), .now = NOW };
	memset(pg, 0, sizeof *pg);
	return net_parse(p, c, op, &resp, w, pg);
}

static bool find_real(char *out, size_t cap)
{
	const char *src = getenv("MENTORD_SRC");
	DIR *d;

	snprintf(out, cap, "%s/../shared/fixtures/real", src && *src ? src : ".");
	if ((d = opendir(out))) {
		closedir(d);
		return true;
	}
	return false;
}

static int parse_real(const struct net_platform *p, const struct net_config *c, const char *rel,
                      enum net_op op, struct net_walk *w, struct net_page *pg)
{
	char dir[2048], path[4096];
	struct fixture fx;
	struct net_response resp;
	int r;

	memset(pg, 0, sizeof *pg);
	if (!find_real(dir, sizeof dir))
		return -ENOENT;
	snprintf(path, sizeof path, "%s/%s", dir, rel);
	if (fx_load(&fx, path) != 0)
		return -ENOENT;
	resp = fx_response(&fx, NOW);
	r = net_parse(p, c, op, &resp, w, pg);
	fx_free(&fx);
	return r;
}

static void test_mastodon_build(const struct net_platform *M)
{
	const char *ids[41];
	struct net_config foreign = mcfg, anon = mcfg;
	struct net_request req;
	size_t used = 0;
	char *url;
	int rc;

	url = feed_url(M, &mcfg, NULL, &rc);
	is_str(url, "https://med.example/api/v1/timelines/home?limit=40", "mastodon: home timeline, the user's token");
	is_int(rc, 0, "mastodon: bearer sent");
	free(url);
	url = feed_url(M, &mcfg, "m109", &rc);
	is_str(url, "https://med.example/api/v1/timelines/home?limit=40&max_id=109", "mastodon: next page by max_id");
	free(url);
	anon.token = NULL;
	foreign.foreign = true;
	ok(!M->can(&anon, NET_OP_FEED) && !M->can(&anon, NET_OP_FOLLOW_CHECK), "mastodon: no token, no feed");
	ok(!M->can(&foreign, NET_OP_FEED) && M->can(&mcfg, NET_OP_FEED) && M->can(&mcfg, NET_OP_FOLLOW_CHECK),
	   "mastodon: only the user's own server");
	free(feed_url(M, &anon, NULL, &rc));
	is_int(rc, -ENOKEY, "mastodon: building without a token: -ENOKEY");

	for (int i = 0; i < 41; i++)
		ids[i] = "7";
	ids[0] = "1";
	ids[1] = "22";
	is_int(net_build_follow_check(M, &mcfg, ids, 41, &req, &used), 0, "mastodon: relationships built");
	ok(req.url && strncmp(req.url, "https://med.example/api/v1/accounts/relationships?id[]=1&id[]=22&", 65) == 0,
	   "mastodon: id[] of the server's own numbers");
	is_int((long)used, 40, "mastodon: 40 ids a request");
	ok(has_auth(&req), "mastodon: with the token");
	net_request_clear(&req);
	ids[0] = "doc1@med.example";
	is_int(net_build_follow_check(M, &mcfg, ids, 2, &req, &used), -EINVAL, "mastodon: an acct is not an id there");
	net_request_clear(&req);
}

static void test_mastodon_walk(const struct net_platform *M)
{
	struct net_config nov = mcfg;
	struct net_walk w;
	struct net_page pg;

	nov.overlap_s = -1;
	/* down to the watermark: met on the first page */
	net_walk_start(&w, NET_OP_FEED, "250");
	parse_body(M, &nov, NET_OP_FEED, "[{\"id\":\"300\"},{\"id\":\"200\"}]", &w, &pg);
	ok(w.done && !w.gap, "mastodon: a page reaching the watermark ends the walk");
	is_str(w.new_watermark, "300", "mastodon: the newest id is the new watermark");
	net_page_clear(&pg);
	net_walk_clear(&w);
	/* the window ends first: a gap */
	net_walk_start(&w, NET_OP_FEED, "150");
	parse_body(M, &nov, NET_OP_FEED, "[{\"id\":\"300\"},{\"id\":\"200\"}]", &w, &pg);
	ok(!w.done, "mastodon: above the watermark: on to the next page");
	is_str(w.page_token, "200", "mastodon: below the page's oldest id");
	net_page_clear(&pg);
	parse_body(M, &nov, NET_OP_FEED, "[]", &w, &pg);
	ok(w.done && w.gap, "mastodon: the end before the watermark is a gap");
	is_str(w.new_watermark, "300", "mastodon: the watermark still the first page's newest");
	net_page_clear(&pg);
	net_walk_clear(&w);
	/* the overlap: on below the watermark, the end there is no gap */
	net_walk_start(&w, NET_OP_FEED, "113000000000000000");
	parse_body(M, &mcfg, NET_OP_FEED, "[{\"id\":\"113000000000100000\"},{\"id\":\"112999999999000000\"}]", &w, &pg);
	ok(!w.done && w.page_token && w.page_token[0] == 'm', "mastodon: met, reading on through the overlap");
	net_page_clear(&pg);
	parse_body(M, &mcfg, NET_OP_FEED, "[]", &w, &pg);
	ok(w.done && !w.gap, "mastodon: the end after the watermark is no gap");
	net_page_clear(&pg);
	net_walk_clear(&w);
	/* first sync: one page */
	net_walk_start(&w, NET_OP_FEED, NULL);
	parse_body(M, &mcfg, NET_OP_FEED, "[{\"id\":\"5\"}]", &w, &pg);
	ok(w.done && !w.gap, "mastodon: a first sync is one page");
	net_page_clear(&pg);
	net_walk_clear(&w);
	/* a real timeline page */
	net_walk_start(&w, NET_OP_FEED, NULL);
	if (parse_real(M, &(struct net_config){ .api_base = "https://fosstodon.org", .token = "t" },
	               "mastodon/timelines-tag-1.json", NET_OP_FEED, &w, &pg) == 0) {
		is_int((long)pg.n_posts, 5, "mastodon real: five statuses");
		is_str(w.new_watermark, "114870142396314555", "mastodon real: the newest id");
		ok(pg.n_posts && pg.posts[0].key && strncmp(pg.posts[0].key, "https://", 8) == 0,
		   "mastodon real: keyed by uri, as every other read");
	} else {
		ok(true, "# SKIP no real fixtures");
	}
	net_page_clear(&pg);
	net_walk_clear(&w);
}

static void test_mastodon_relationships(const struct net_platform *M)
{
	struct net_page pg;

	parse_body(M, &mcfg, NET_OP_FOLLOW_CHECK,
	           "[{\"id\":\"1\",\"following\":true,\"showing_reblogs\":true},{\"id\":\"22\",\"following\":false},"
	           "{\"id\":\"3\"}]", NULL, &pg);
	is_int((long)pg.n_accounts, 2, "mastodon: two relationships");
	ok(pg.n_accounts == 2 && pg.accounts[0].following && !pg.accounts[1].following, "mastodon: following read");
	is_str(pg.n_accounts ? pg.accounts[1].local_id : NULL, "22", "mastodon: by the server's number");
	is_int((long)pg.n_invalid, 1, "mastodon: one without \"following\" skipped");
	net_page_clear(&pg);
	parse_body(M, &mcfg, NET_OP_FOLLOW_CHECK, "{\"error\":\"x\"}", NULL, &pg);
	is_int(pg.err.code, NET_ERR_MALFORMED, "mastodon: not an array: malformed");
	net_page_clear(&pg);
}

static void test_bluesky(const struct net_platform *B)
{
	const char *ids[30];
	struct net_config anon = bcfg;
	struct net_request req;
	struct net_walk w;
	struct net_page pg;
	size_t used = 0;
	char *url, key[NET_RATE_KEY_MAX];
	int rc;

	url = feed_url(B, &bcfg, "2024-03-21T23:36:16.378Z", &rc);
	is_str(url, "https://pds.example/xrpc/app.bsky.feed.getTimeline?limit=100&cursor=2024-03-21T23%3A36%3A16.378Z",
	       "bluesky: getTimeline at the PDS");
	is_int(rc, 0, "bluesky: with the session");
	free(url);
	net_rate_key(B, &bcfg, NET_OP_FEED, key, sizeof key);
	is_str(key, "https://pds.example", "bluesky: the PDS's budget");
	anon.token = NULL;
	ok(!B->can(&anon, NET_OP_FEED) && !B->can(&anon, NET_OP_FOLLOW_CHECK) && B->can(&bcfg, NET_OP_FEED),
	   "bluesky: no session, no feed");
	for (int i = 0; i < 30; i++)
		ids[i] = "did:plc:bob";
	is_int(net_build_follow_check(B, &bcfg, ids, 30, &req, &used), 0, "bluesky: getProfiles built");
	ok(req.url && strncmp(req.url, "https://pds.example/xrpc/app.bsky.actor.getProfiles?actors=did%3Aplc%3Abob&", 75) == 0 &&
	   has_auth(&req), "bluesky: at the PDS with the session (viewer fields)");
	is_int((long)used, 25, "bluesky: 25 actors a request");
	net_request_clear(&req);

	if (parse_real(B, &bcfg, "bluesky/get-profiles-1.json", NET_OP_FOLLOW_CHECK, NULL, &pg) == 0) {
		ok(pg.n_accounts == 1 && pg.accounts[0].following, "bluesky real: viewer.following read");
	} else {
		ok(true, "# SKIP no real fixtures");
	}
	net_page_clear(&pg);
	parse_body(B, &bcfg, NET_OP_FOLLOW_CHECK,
	           "{\"profiles\":[{\"did\":\"did:plc:a\",\"handle\":\"a.example\",\"viewer\":{\"muted\":false}}]}", NULL, &pg);
	ok(pg.n_accounts == 1 && !pg.accounts[0].following, "bluesky: no viewer.following, not followed");
	net_page_clear(&pg);

	/* a real page of feed items: one page of a first sync, then a walk */
	net_walk_start(&w, NET_OP_FEED, NULL);
	if (parse_real(B, &bcfg, "bluesky/get-author-feed-1.json", NET_OP_FEED, &w, &pg) == 0) {
		ok(pg.n_posts >= 40 && w.done && !w.gap && w.new_watermark, "bluesky real: first sync, one page, a watermark");
	} else {
		ok(true, "# SKIP no real fixtures");
	}
	net_page_clear(&pg);
	net_walk_clear(&w);
	net_walk_start(&w, NET_OP_FEED, "1000 at://did:plc:gone/app.bsky.feed.post/old");
	if (parse_real(B, &bcfg, "bluesky/get-author-feed-1.json", NET_OP_FEED, &w, &pg) == 0) {
		ok(!w.done && !w.gap && w.page_token, "bluesky real: above the watermark, on by the cursor");
	} else {
		ok(true, "# SKIP no real fixtures");
	}
	net_page_clear(&pg);
	parse_body(B, &bcfg, NET_OP_FEED, "{\"feed\":[]}", &w, &pg);
	ok(w.done && w.gap, "bluesky: no cursor before the watermark: a gap");
	net_page_clear(&pg);
	net_walk_clear(&w);
}

static bool has_bearer(const struct net_request *r, const char *token)
{
	char want[128];

	snprintf(want, sizeof want, "Authorization: Bearer %s", token);
	for (size_t i = 0; i < r->n_headers; i++)
		if (strcmp(r->headers[i], want) == 0)
			return true;
	return false;
}

/* X: only with the user's OAuth 2.0 token (user context), never the app
 * bearer alone. */
static void test_x_build(const struct net_platform *X)
{
	struct net_config xc = { .api_base = "https://api.x.com", .token = "bearer", .me_id = "42" };
	struct net_config xu = xc;
	struct net_request req;
	struct net_walk w;
	const char *ids[120];
	char num[120][12], *url, key[NET_RATE_KEY_MAX];
	size_t used = 0;
	int rc;

	ok(!X->can(&xc, NET_OP_FEED) && !X->can(&xc, NET_OP_FOLLOW_CHECK), "x: no home feed with the app bearer");
	url = feed_url(X, &xc, NULL, &rc);
	is_int(rc, -ENOKEY, "x: the feed is not built with the app bearer alone");
	free(url);
	for (int i = 0; i < 120; i++) {
		snprintf(num[i], sizeof num[i], "%d", i + 1);
		ids[i] = num[i];
	}
	is_int(net_build_follow_check(X, &xc, ids, 3, &req, &used), -ENOKEY, "x: nor the follow check");
	net_request_clear(&req);

	xu.user_token = "user-token";
	ok(X->can(&xu, NET_OP_FEED) && X->can(&xu, NET_OP_FOLLOW_CHECK), "x: both with the user token");
	xu.me_id = NULL;
	ok(!X->can(&xu, NET_OP_FEED) && X->can(&xu, NET_OP_FOLLOW_CHECK), "x: the feed wants the user's id too");
	xu.me_id = "42";

	net_walk_start(&w, NET_OP_FEED, "1000");
	is_int(net_build_page(X, &xu, NULL, &w, &req), 0, "x: the feed built");
	ok(req.url && strncmp(req.url, "https://api.x.com/2/users/42/timelines/reverse_chronological?max_results=100&since_id=999&", 88) == 0,
	   "x: reverse_chronological of the user, from one below the watermark");
	ok(has_bearer(&req, "user-token"), "x: with the user token, not the app bearer");
	net_request_clear(&req);
	w.page_token = strdup("-7140dibdnow9c7btw");
	is_int(net_build_page(X, &xu, NULL, &w, &req), 0, "x: a next page built");
	ok(req.url && strstr(req.url, "&pagination_token=7140dibdnow9c7btw&"), "x: by pagination_token");
	net_request_clear(&req);
	net_walk_clear(&w);
	net_rate_key(X, &xu, NET_OP_FEED, key, sizeof key);
	is_str(key, "users_timelines", "x: the feed has a budget of its own");
	net_rate_key(X, &xu, NET_OP_FOLLOW_CHECK, key, sizeof key);
	is_str(key, "users", "x: the follow check shares the user lookups'");

	is_int(net_build_follow_check(X, &xu, ids, 120, &req, &used), 0, "x: follow check built");
	is_int((long)used, 100, "x: 100 ids a request");
	ok(req.url && strncmp(req.url, "https://api.x.com/2/users?ids=1%2C2%2C3%2C", 42) == 0 &&
	   strstr(req.url, "%2C100&user.fields=connection_status") && !strstr(req.url, "%2C101"),
	   "x: users?ids= with connection_status");
	ok(has_bearer(&req, "user-token"), "x: follow check with the user token");
	net_request_clear(&req);
	ids[1] = "12a";
	is_int(net_build_follow_check(X, &xu, ids, 3, &req, &used), -EINVAL, "x: a bad id refused");
	is_int((long)used, 1, "x: and named");
	net_request_clear(&req);
}

static void test_x_connections(const struct net_platform *X)
{
	struct net_config xu = { .api_base = "https://api.x.com", .user_token = "u", .me_id = "42" };
	struct net_page pg;

	parse_body(X, &xu, NET_OP_FOLLOW_CHECK,
	           "{\"data\":[{\"id\":\"11\",\"name\":\"A\",\"username\":\"a\",\"connection_status\":[\"followed_by\",\"following\"]},"
	           "{\"id\":\"12\",\"name\":\"B\",\"username\":\"b\"},"
	           "{\"id\":\"13\",\"name\":\"C\",\"username\":\"c\",\"connection_status\":[\"follow_request_sent\",\"muting\"]}],"
	           "\"errors\":[{\"value\":\"14\",\"detail\":\"Could not find user with ids: [14].\",\"title\":\"Not Found Error\","
	           "\"resource_type\":\"user\",\"parameter\":\"ids\",\"resource_id\":\"14\","
	           "\"type\":\"https://api.twitter.com/2/problems/resource-not-found\"}]}", NULL, &pg);
	is_int(pg.err.code, NET_OK, "x: a partial error does not fail the page");
	is_int((long)pg.n_accounts, 3, "x: three users returned");
	ok(pg.n_accounts == 3 && pg.accounts[0].following && !pg.accounts[1].following && !pg.accounts[2].following,
	   "x: following iff connection_status holds \"following\"");
	is_str(pg.n_accounts ? pg.accounts[0].id : NULL, "11", "x: by the user id");
	net_page_clear(&pg);
	parse_body(X, &xu, NET_OP_FOLLOW_CHECK,
	           "{\"errors\":[{\"value\":\"14\",\"title\":\"Not Found Error\",\"parameter\":\"ids\","
	           "\"type\":\"https://api.twitter.com/2/problems/resource-not-found\"}]}", NULL, &pg);
	ok(pg.err.code == NET_OK && pg.n_accounts == 0, "x: every user gone: nobody followed, no error");
	net_page_clear(&pg);
	parse_body(X, &xu, NET_OP_FOLLOW_CHECK,
	           "{\"data\":[{\"id\":\"11\",\"connection_status\":\"following\"},{\"id\":\"12\",\"connection_status\":[\"following\"]}]}",
	           NULL, &pg);
	ok(pg.n_accounts == 1 && pg.accounts[0].following && pg.n_invalid == 1, "x: a malformed connection_status skipped");
	net_page_clear(&pg);
	parse_body(X, &xu, NET_OP_FOLLOW_CHECK, "{\"data\":{\"id\":\"11\"}}", NULL, &pg);
	is_int(pg.err.code, NET_ERR_MALFORMED, "x: data not an array: malformed");
	net_page_clear(&pg);
	parse_body(X, &xu, NET_OP_FOLLOW_CHECK, "{\"meta\":{}}", NULL, &pg);
	is_int(pg.err.code, NET_ERR_MALFORMED, "x: neither data nor errors: malformed");
	net_page_clear(&pg);
}

#define XT(id) "{\"id\":\"" id "\",\"text\":\"a\",\"author_id\":\"7\"}"

/* since_id one below the watermark: the watermark's own post closes the walk. */
static void test_x_walk(const struct net_platform *X)
{
	struct net_config xu = { .api_base = "https://api.x.com", .user_token = "u", .me_id = "42" };
	struct net_walk w;
	struct net_page pg;

	net_walk_start(&w, NET_OP_FEED, "100");
	parse_body(X, &xu, NET_OP_FEED, "{\"data\":[" XT("300") "," XT("100") "],"
	           "\"meta\":{\"newest_id\":\"300\",\"oldest_id\":\"100\",\"result_count\":2}}", &w, &pg);
	ok(w.done && !w.gap, "x: down to the watermark's own post: done, no gap");
	is_str(w.new_watermark, "300", "x: newest_id");
	is_int((long)pg.n_posts, 2, "x: posts read");
	net_page_clear(&pg);
	net_walk_clear(&w);

	net_walk_start(&w, NET_OP_FEED, "100");
	parse_body(X, &xu, NET_OP_FEED, "{\"data\":[" XT("300") "," XT("200") "],"
	           "\"meta\":{\"newest_id\":\"300\",\"oldest_id\":\"200\",\"result_count\":2}}", &w, &pg);
	ok(w.done && w.gap, "x: the window ends above the watermark: a gap");
	net_page_clear(&pg);
	net_walk_clear(&w);

	net_walk_start(&w, NET_OP_FEED, "100");
	parse_body(X, &xu, NET_OP_FEED, "{\"data\":[" XT("300") "],"
	           "\"meta\":{\"newest_id\":\"300\",\"oldest_id\":\"300\",\"result_count\":1,\"next_token\":\"t2\"}}", &w, &pg);
	ok(!w.done && !w.gap, "x: on by next_token");
	is_str(w.page_token, "-t2", "x: not met yet");
	net_page_clear(&pg);
	parse_body(X, &xu, NET_OP_FEED, "{\"data\":[" XT("200") "," XT("100") "],"
	           "\"meta\":{\"newest_id\":\"200\",\"oldest_id\":\"100\",\"result_count\":2,\"next_token\":\"t3\"}}", &w, &pg);
	is_str(w.page_token, "mt3", "x: met, carried to the next page");
	net_page_clear(&pg);
	parse_body(X, &xu, NET_OP_FEED, "{\"meta\":{\"result_count\":0}}", &w, &pg);
	ok(w.done && !w.gap, "x: an empty last page after the watermark: no gap");
	is_str(w.new_watermark, "300", "x: the first page's newest_id kept");
	net_page_clear(&pg);
	net_walk_clear(&w);

	net_walk_start(&w, NET_OP_FEED, NULL);
	parse_body(X, &xu, NET_OP_FEED, "{\"data\":[" XT("300") "],"
	           "\"meta\":{\"newest_id\":\"300\",\"oldest_id\":\"300\",\"result_count\":1,\"next_token\":\"t2\"}}", &w, &pg);
	ok(w.done && !w.gap && w.new_watermark, "x: a first sync reads one page");
	net_page_clear(&pg);
	net_walk_clear(&w);
}

int main(void)
{
	const struct net_platform *M = net_platform_find("mastodon"), *B = net_platform_find("bluesky");
	const struct net_platform *X = net_platform_find("x");

	if (!ok(M && B && X, "adapters registered"))
		return tap_done();
	test_mastodon_build(M);
	test_mastodon_walk(M);
	test_mastodon_relationships(M);
	test_bluesky(B);
	test_x_build(X);
	test_x_connections(X);
	test_x_walk(X);
	return tap_done();
}
