/* test_net_x.c — X adapter: request building and parsing on hand-written
 * fixtures (tests/fixtures/x). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/net.h"
#include "net/time.h"
#include "net_testutil.h"
#include "tap.h"

#define NOW 1750000000
#define TOKEN "AAAAtest-bearer-token-0123456789"
#define ME "1500000000000000001"

static const struct net_platform *X;
static const struct net_config cfg = {
	.api_base = "https://api.x.com/", .token = TOKEN, .me = "alice_md", .me_id = ME,
};

static bool has_header(const struct net_request *r, const char *line)
{
	for (size_t i = 0; i < r->n_headers; i++)
		if (strcmp(r->headers[i], line) == 0)
			return true;
	return false;
}

/* Parses tests/fixtures/x/<name> as op; the walk may be NULL for lookups. */
static int parse_fixture(const char *name, enum net_op op, struct net_walk *w, struct net_page *pg)
{
	return fx_parse(X, &cfg, name, NOW, op, w, pg);
}

static void test_build_lookup(void)
{
	struct net_request req;
	size_t used;
	const char *one[] = { "@alice_md" };
	const char *three[] = { "alice_md", "dr_bob", "dr_carol" };
	const char *bad[] = { "ok_name", "bad name!" };
	const char *ids[] = { ME };
	struct net_config notok = cfg;

	is_int(net_build_lookup(X, &cfg, NET_LOOKUP_HANDLE, one, 1, &req, &used), 0, "lookup one handle");
	is_str(req.method, "GET", "  GET");
	is_str(req.url, "https://api.x.com/2/users/by/username/alice_md?user.fields=username%2Cname%2Cdescription%2Curl%2Centities",
	       "  URL (no double slash, '@' stripped)");
	ok(has_header(&req, "Authorization: Bearer " TOKEN), "  bearer header");
	is_int(used, 1, "  one used");
	net_request_clear(&req);

	is_int(net_build_lookup(X, &cfg, NET_LOOKUP_HANDLE, three, 3, &req, &used), 0, "lookup three handles");
	ok(req.url && strstr(req.url, "/2/users/by?usernames=alice_md%2Cdr_bob%2Cdr_carol&user.fields="),
	   "  batch lookup URL: %s", req.url);
	is_int(used, 3, "  three used");
	net_request_clear(&req);

	is_int(net_build_lookup(X, &cfg, NET_LOOKUP_ID, ids, 1, &req, &used), 0, "lookup by id");
	ok(req.url && strstr(req.url, "/2/users/" ME "?"), "  id URL");
	net_request_clear(&req);

	is_int(net_build_lookup(X, &cfg, NET_LOOKUP_HANDLE, bad, 2, &req, &used), -EINVAL, "invalid handle refused");
	is_int(used, 1, "  n_used names the bad one");
	ok(req.url == NULL && req.n_headers == 0, "  request left empty");

	notok.token = NULL;
	is_int(net_build_lookup(X, &notok, NET_LOOKUP_HANDLE, one, 1, &req, &used), -ENOKEY, "no token: -ENOKEY");
	ok(!X->can(&notok, NET_OP_ACCOUNT) && X->can(&cfg, NET_OP_INTERACTIONS), "can() follows the token");
}

static void test_build_pages(void)
{
	struct net_request req;
	struct net_walk w;
	struct net_config nome = cfg;

	net_walk_start(&w, NET_OP_ACCOUNT, NULL);
	is_int(net_build_page(X, &cfg, "1600000000000000002", &w, &req), 0, "first-sync account page");
	ok(req.url && strstr(req.url, "/2/users/1600000000000000002/tweets?max_results=20&tweet.fields="),
	   "  small first page, no since_id: %s", req.url);
	ok(req.url && !strstr(req.url, "since_id") && strstr(req.url, "expansions=author_id%2Creferenced_tweets.id"),
	   "  expansions requested");
	net_request_clear(&req);
	net_walk_clear(&w);

	net_walk_start(&w, NET_OP_ACCOUNT, "1849000000000000000");
	w.page_token = strdup("7140dib");
	is_int(net_build_page(X, &cfg, "1600000000000000002", &w, &req), 0, "incremental account page");
	ok(req.url && strstr(req.url, "max_results=100&since_id=1849000000000000000&pagination_token=7140dib&"),
	   "  since_id + pagination_token: %s", req.url);
	net_request_clear(&req);
	net_walk_clear(&w);

	net_walk_start(&w, NET_OP_ACCOUNT, "not-an-id");
	is_int(net_build_page(X, &cfg, "1600000000000000002", &w, &req), -EINVAL, "corrupt watermark refused");
	net_walk_clear(&w);

	net_walk_start(&w, NET_OP_INTERACTIONS, "1");
	is_int(net_build_page(X, &cfg, NULL, &w, &req), 0, "mentions page");
	ok(req.url && strstr(req.url, "/2/users/" ME "/mentions?"), "  mentions of me_id");
	net_request_clear(&req);
	nome.me_id = NULL;
	is_int(net_build_page(X, &nome, NULL, &w, &req), -EINVAL, "mentions without me_id: -EINVAL");
	ok(!X->can(&nome, NET_OP_OWN), "  can(OWN) false without me_id");
	net_walk_clear(&w);

	net_walk_start(&w, NET_OP_TAG, "1850000000000000300");
	w.page_token = strdup("b26v89");
	is_int(net_build_page(X, &cfg, "#MedEd", &w, &req), 0, "tag page");
	ok(req.url && strstr(req.url, "/2/tweets/search/recent?query=%23MedEd%20-is%3Aretweet&max_results=100"
			     "&since_id=1850000000000000300&next_token=b26v89&sort_order=recency&"),
	   "  search query, next_token: %s", req.url);
	net_request_clear(&req);
	is_int(net_build_page(X, &cfg, "#med ed", &w, &req), -EINVAL, "tag with a space refused");
	is_int(net_build_page(X, &cfg, "MedEd OR from:x", &w, &req), -EINVAL, "tag with operators refused");
	net_walk_clear(&w);

	is_int(net_build_session(X, &cfg, NET_OP_SESSION_CREATE, &req), -ENOTSUP, "no sessions on X");
}

/* Decodes the query parameter back to text to measure it. */
static size_t decoded_query_len(const char *url, char *out, size_t cap)
{
	const char *q = strstr(url, "query=");
	size_t n = 0;

	for (q += 6; *q && *q != '&' && n + 1 < cap; q++) {
		if (*q == '%' && q[1] && q[2]) {
			char hex[3] = { q[1], q[2], 0 };

			out[n++] = (char)strtol(hex, NULL, 16);
			q += 2;
		} else {
			out[n++] = *q;
		}
	}
	out[n] = '\0';
	return n;
}

static void test_build_batch(void)
{
	char names[60][24], q[2048];
	const char *handles[60];
	struct net_request req;
	struct net_walk w;
	size_t used, total = 0;
	int requests = 0;

	for (int i = 0; i < 60; i++) {
		snprintf(names[i], sizeof names[i], "mentor_%08u", (unsigned)i);   /* 15 chars */
		handles[i] = names[i];
	}
	net_walk_start(&w, NET_OP_BATCH, "1849000000000000000");
	ok(X->max_batch >= 20, "max_batch advertised (%zu)", X->max_batch);
	while (total < 60) {
		int r = net_build_batch(X, &cfg, handles + total, 60 - total, &w, &req, &used);

		if (!ok(r == 0 && used > 0, "batch request %d builds (%zu handles)", requests + 1, used))
			break;
		size_t ql = decoded_query_len(req.url, q, sizeof q);

		ok(ql <= 512, "  query within 512 chars (%zu)", ql);
		ok(strncmp(q, "from:mentor_", 12) == 0 && strstr(q, " OR from:"), "  from:a OR from:b");
		ok(strstr(req.url, "since_id=1849000000000000000") != NULL, "  one since_id for the batch");
		total += used;
		requests++;
		net_request_clear(&req);
	}
	is_int(total, 60, "all handles covered");
	ok(requests <= 3, "60 accounts need %d requests (grows slower than accounts)", requests);

	const char *bad[] = { "good_one", "also_good", "no spaces allowed" };

	is_int(net_build_batch(X, &cfg, bad, 3, &w, &req, &used), -EINVAL, "bad handle in a batch");
	is_int(used, 2, "  n_used points at it");
	net_walk_clear(&w);
}

static const struct post *find_post(const struct net_page *pg, const char *id)
{
	for (size_t i = 0; i < pg->n_posts; i++)
		if (strcmp(pg->posts[i].id, id) == 0)
			return &pg->posts[i];
	return NULL;
}

static void test_parse_timeline(void)
{
	struct net_walk w;
	struct net_page pg;
	const struct post *p;

	net_walk_start(&w, NET_OP_ACCOUNT, "1849000000000000000");
	is_int(parse_fixture("user-tweets-mixed.json", NET_OP_ACCOUNT, &w, &pg), 0, "mixed timeline parses");
	is_int(pg.err.code, NET_OK, "  ok");
	is_int(pg.n_posts, 6, "  6 posts");
	is_int(pg.n_invalid, 2, "  2 items with wrong types dropped");
	is_int(pg.rate.limit, 900, "  rate limit");
	is_int(pg.rate.remaining, 897, "  rate remaining");
	is_int(pg.rate.reset, 1750000900, "  rate reset (epoch s)");

	p = find_post(&pg, "1850000000000000300");
	if (ok(p != NULL, "edited post present")) {
		is_str(p->key, "1850000000000000100", "  dedupe key = first edit id");
		is_int(p->edited_at, 1729934400, "  edited_at = this version's time");
		is_str(p->text, "Grand rounds today: heart failure & SGLT2 <3 #MedEd with @dr_carol", "  entities decoded");
		is_str(p->author_handle, "alice_md", "  author handle from includes");
		is_str(p->author_name, "Alice A., MD", "  author name");
		is_str(p->url, "https://x.com/alice_md/status/1850000000000000300", "  url");
		ok(p->n_tags == 1 && strcmp(p->tags[0], "meded") == 0, "  tag lower-cased");
		ok(p->n_mentions == 1 && strcmp(p->mentions[0], "dr_carol") == 0 &&
		   strcmp(p->mention_ids[0], "1700000000000000003") == 0, "  mention with id");
		ok(p->n_likes == 41 && p->n_reposts == 3 && p->n_replies == 2 && p->n_quotes == 1, "  counts");
		is_int(p->kind, POST_ORIGINAL, "  original");
	}
	p = find_post(&pg, "1849990000000000456");
	if (ok(p != NULL, "reply present")) {
		is_str(p->reply_to.id, "1849980000000000789", "  reply parent");
		is_str(p->reply_to.author_id, "1700000000000000003", "  parent author id");
		is_str(p->reply_to.author_handle, "dr_carol", "  parent author handle");
	}
	p = find_post(&pg, "1849970000000000111");
	if (ok(p != NULL, "retweet present")) {
		is_int(p->kind, POST_REPOST, "  kind repost");
		is_str(p->repost_of.id, "1849960000000000222", "  target id");
		is_str(p->repost_of.author_handle, "dr_bob", "  target author");
		ok(p->text && strstr(p->text, "programs can tell. #MatchDay") && !strstr(p->text, "RT @"),
		   "  full text of the target (note_tweet)");
		ok(p->n_tags == 2 && strcmp(p->tags[0], "matchday") == 0, "  target's tags");
		ok(p->n_likes == -1 && p->n_reposts == -1, "  counts unknown for a repost");
	}
	p = find_post(&pg, "1849950000000000333");
	if (ok(p != NULL, "quote present")) {
		is_int(p->kind, POST_QUOTE, "  kind quote");
		is_str(p->quote_of.id, "1849940000000000444", "  quoted id");
		is_str(p->quote_of.author_id, "1700000000000000003", "  quoted author id");
		is_str(p->quote_of.author_handle, "dr_carol", "  quoted author handle");
	}
	p = find_post(&pg, "1849920000000000666");
	if (ok(p != NULL, "emoji post present"))
		is_str(p->text, "Night shift done \xF0\x9F\xA9\xBA\xF0\x9F\x98\xB4 see you at #NeuroRounds",
		       "  surrogate pairs → UTF-8");
	p = find_post(&pg, "1849910000000000777");
	if (ok(p != NULL, "renamed-field post present")) {
		is_str(p->key, "1849910000000000700", "  edit_history_post_ids");
		is_str(p->reply_to.id, "1849900000000000888", "  referenced_posts");
		is_str(p->reply_to.author_handle, "dr_bob", "  includes.posts joined");
	}
	is_str(w.new_watermark, "1850000000000000300", "walk: watermark = newest_id of page 1");
	is_str(w.page_token, "7140dibdnow9c7btw4b3u6k1zqn", "walk: next_token");
	ok(!w.done, "walk: not done while next_token");
	net_page_clear(&pg);

	is_int(parse_fixture("search-empty.json", NET_OP_ACCOUNT, &w, &pg), 0, "second page: empty");
	is_int(pg.n_posts, 0, "  no posts");
	ok(w.done && !w.page_token, "  walk done");
	is_str(w.new_watermark, "1850000000000000300", "  watermark still from page 1");
	net_page_clear(&pg);
	net_walk_clear(&w);

	/* A first sync reads one page even when a next_token comes back. */
	net_walk_start(&w, NET_OP_ACCOUNT, NULL);
	parse_fixture("user-tweets-mixed.json", NET_OP_ACCOUNT, &w, &pg);
	ok(w.done && w.new_watermark && strcmp(w.new_watermark, "1850000000000000300") == 0,
	   "first sync: one page, watermark set");
	net_page_clear(&pg);
	net_walk_clear(&w);
}

static void test_parse_mentions(void)
{
	struct net_walk w;
	struct net_page pg;

	net_walk_start(&w, NET_OP_INTERACTIONS, "1850000000000000000");
	is_int(parse_fixture("mentions.json", NET_OP_INTERACTIONS, &w, &pg), 0, "mentions parse");
	is_int(pg.n_notifs, 3, "  3 interactions");
	if (pg.n_notifs == 3) {
		is_int(pg.notifs[0].kind, NOTIF_REPLY, "  reply to me");
		is_str(pg.notifs[0].subject_id, "1850000000000000300", "  subject: my post");
		is_str(pg.notifs[0].actor_handle, "dr_carol", "  actor");
		ok(pg.notifs[0].post && strcmp(pg.notifs[0].post->id, "1851000000000000003") == 0, "  acting post");
		is_int(pg.notifs[1].kind, NOTIF_QUOTE, "  quote of my post");
		is_str(pg.notifs[1].subject_id, "1850000000000000300", "  quoted subject");
		is_int(pg.notifs[2].kind, NOTIF_MENTION, "  plain mention");
		ok(pg.notifs[2].actor_name == NULL, "  empty display name is absent");
		is_str(pg.notifs[2].id, "1851000000000000001", "  notif id = post key");
	}
	ok(w.done, "  last page: done");
	is_str(w.new_watermark, "1851000000000000003", "  watermark = newest_id");
	net_page_clear(&pg);
	net_walk_clear(&w);
}

static void test_parse_errors(void)
{
	struct net_walk w;
	struct net_page pg;

	net_walk_start(&w, NET_OP_ACCOUNT, "1849000000000000000");
	parse_fixture("errors-only-200.json", NET_OP_ACCOUNT, &w, &pg);
	is_int(pg.err.code, NET_ERR_NOT_FOUND, "200 with only errors[]: not found");
	is_int(pg.err.scope, NET_SCOPE_TARGET, "  target scope");
	ok(strstr(pg.err.msg, "not authorized") != NULL, "  message from detail: %s", pg.err.msg);
	ok(w.pages == 0 && !w.new_watermark && !w.done, "  walk untouched on error");
	net_page_clear(&pg);

	net_walk_clear(&w);
	net_walk_start(&w, NET_OP_TAG, "1849000000000000000");
	parse_fixture("usage-capped-429.json", NET_OP_TAG, &w, &pg);
	is_int(pg.err.code, NET_ERR_USAGE_CAP, "usage cap");
	is_int(pg.err.scope, NET_SCOPE_NETWORK, "  pauses the network");
	is_int(pg.err.retry_at, net_time_next_month(NOW), "  until the next month");
	net_page_clear(&pg);

	parse_fixture("rate-limit-429.json", NET_OP_TAG, &w, &pg);
	is_int(pg.err.code, NET_ERR_RATE_LIMITED, "rate limited");
	is_int(pg.err.retry_at, 1750000600, "  retry at x-rate-limit-reset");
	is_int(pg.rate.remaining, 0, "  remaining 0");
	net_page_clear(&pg);

	net_walk_clear(&w);
	net_walk_start(&w, NET_OP_BATCH, "1700000000000000000");
	parse_fixture("stale-since-400.json", NET_OP_BATCH, &w, &pg);
	is_int(pg.err.code, NET_ERR_STALE_CURSOR, "since_id out of the window: stale cursor");
	net_page_clear(&pg);

	parse_fixture("forbidden-403.json", NET_OP_LOOKUP, NULL, &pg);
	is_int(pg.err.code, NET_ERR_AUTH, "client-forbidden: auth");
	is_int(pg.err.scope, NET_SCOPE_NETWORK, "  stops X");
	net_page_clear(&pg);

	parse_fixture("server-503-html.json", NET_OP_BATCH, &w, &pg);
	is_int(pg.err.code, NET_ERR_SERVER, "503 HTML: server error");
	net_page_clear(&pg);
	net_walk_clear(&w);
}

static void test_parse_lookup(void)
{
	struct net_page pg;

	parse_fixture("lookup-user.json", NET_OP_LOOKUP, NULL, &pg);
	is_int(pg.n_accounts, 1, "lookup: one account");
	if (pg.n_accounts == 1) {
		is_str(pg.accounts[0].id, "1700000000000000003", "  stable id");
		is_str(pg.accounts[0].handle, "dr_carol", "  handle");
		is_str(pg.accounts[0].name, "Carol C.", "  name");
		is_str(pg.accounts[0].bio, "Cardiology fellow & educator. Also @carol@med.example and carol.bsky.social",
		       "  bio decoded");
		is_str(pg.accounts[0].url, "https://carol.example.org", "  expanded website");
		is_int(pg.accounts[0].n_posts, -1, "  post count unknown (public_metrics not asked for)");
		ok(pg.accounts[0].local_id == NULL, "  no local id: the id is the server's");
	}
	net_page_clear(&pg);

	struct net_response resp = fx_inline(200, "{\"data\":{\"id\":\"17\",\"username\":\"u\","
					     "\"public_metrics\":{\"tweet_count\":1234}}}", NULL, NOW);
	net_parse(X, &cfg, NET_OP_LOOKUP, &resp, NULL, &pg);
	ok(pg.n_accounts == 1 && pg.accounts[0].n_posts == 1234, "public_metrics.tweet_count: n_posts");
	net_page_clear(&pg);
}

#define X_PINNED "{\"value\":\"1400000000000000009\",\"detail\":\"Could not find tweet with pinned_tweet_id: " \
	"[1400000000000000009].\",\"title\":\"Not Found Error\",\"resource_type\":\"tweet\"," \
	"\"parameter\":\"pinned_tweet_id\",\"resource_id\":\"1400000000000000009\",\"section\":\"includes\"," \
	"\"type\":\"https://api.twitter.com/2/problems/resource-not-found\"}"
#define X_MENTIONED "{\"value\":\"brown_b\",\"detail\":\"Sorry, you are not authorized to see the user with " \
	"entities.mentions.username: [brown_b].\",\"title\":\"Authorization Error\",\"resource_type\":\"user\"," \
	"\"parameter\":\"entities.mentions.username\",\"section\":\"includes\"," \
	"\"type\":\"https://api.twitter.com/2/problems/not-authorized-for-resource\"}"
#define X_USER_DATA "\"data\":[{\"id\":\"1700000000000000003\",\"username\":\"dr_carol\",\"name\":\"Carol\"," \
	"\"pinned_tweet_id\":\"1400000000000000009\"}]"
#define X_POST_DATA "\"data\":[{\"id\":\"20\",\"text\":\"hi @brown_b\"}],\"meta\":{\"newest_id\":\"20\"}"

/* The note a page with data and errors[] gets, parsed as op. */
static void partial_case(enum net_op op, const char *body, const char *want, const char *name)
{
	struct net_walk w;
	struct net_page pg;
	struct net_response resp = fx_inline(200, body, NULL, NOW);

	net_walk_start(&w, op == NET_OP_LOOKUP ? NET_OP_ACCOUNT : op, NULL);
	net_parse(X, &cfg, op, &resp, &w, &pg);
	ok(pg.err.code == NET_OK && pg.n_posts + pg.n_accounts + pg.n_notifs == 1, "%s: data kept", name);
	if (!ok(strstr(pg.note, want) != NULL, "  note names it"))
		tap_diag("  note: %s", pg.note);
	net_page_clear(&pg);
	net_walk_clear(&w);
}

/* X lists errors about expansions (a pinned post, a mentioned user) next to
 * the one about what was asked; the note must name the latter. */
static void test_partial_errors(void)
{
	partial_case(NET_OP_LOOKUP, "{" X_USER_DATA ",\"errors\":[" X_PINNED ",{\"value\":\"nosuchuser\","
		     "\"detail\":\"Could not find user with usernames: [nosuchuser].\",\"title\":\"Not Found Error\","
		     "\"resource_type\":\"user\",\"parameter\":\"usernames\",\"resource_id\":\"nosuchuser\","
		     "\"type\":\"https://api.twitter.com/2/problems/resource-not-found\"}]}",
		     "[nosuchuser]", "lookup: the usernames error, not the pinned post listed first");
	partial_case(NET_OP_LOOKUP, "{" X_USER_DATA ",\"errors\":[" X_PINNED ",{\"value\":\"17\","
		     "\"detail\":\"Could not find user with ids: [17].\",\"resource_type\":\"user\",\"parameter\":\"ids\"}]}",
		     "ids: [17]", "lookup by id: the ids error");
	partial_case(NET_OP_LOOKUP, "{" X_USER_DATA ",\"errors\":[" X_PINNED ",{\"value\":\"ghost\","
		     "\"detail\":\"User ghost is suspended.\",\"resource_type\":\"user\"}]}",
		     "ghost is suspended", "lookup: a user error without a parameter");
	partial_case(NET_OP_LOOKUP, "{" X_USER_DATA ",\"errors\":[" X_PINNED "]}",
		     "pinned_tweet_id", "lookup: only an expansion error: the first is noted");
	partial_case(NET_OP_ACCOUNT, "{" X_POST_DATA ",\"errors\":[" X_MENTIONED ",{\"value\":\"1700000000000000003\","
		     "\"detail\":\"Could not find user with id: [1700000000000000003].\",\"resource_type\":\"user\","
		     "\"parameter\":\"id\"}]}",
		     "id: [1700000000000000003]", "timeline: the id error, not the mentioned user");
	partial_case(NET_OP_OWN, "{" X_POST_DATA ",\"errors\":[" X_MENTIONED ",{\"value\":\"" ME "\","
		     "\"detail\":\"Your account is limited.\",\"resource_type\":\"user\"}]}",
		     "account is limited", "own posts: the error whose value is me_id");
	partial_case(NET_OP_ACCOUNT, "{" X_POST_DATA ",\"errors\":[{\"detail\":\"first\",\"section\":\"includes\"},"
		     X_MENTIONED "]}", "first", "timeline: no error about the request: the first");
	partial_case(NET_OP_ACCOUNT, "{" X_POST_DATA ",\"errors\":[17,\"x\",{}]}", "unspecified",
		     "errors of the wrong shape: still a note");
}

static void test_inline(void)
{
	struct net_walk w;
	struct net_page pg;
	struct net_response resp;
	const char *leak = "{\"title\":\"Unauthorized\",\"detail\":\"bad token " TOKEN "\",\"status\":401}";

	net_walk_start(&w, NET_OP_ACCOUNT, "1");
	resp = fx_inline(200, "Service Unavailable", NULL, NOW);
	net_parse(X, &cfg, NET_OP_ACCOUNT, &resp, &w, &pg);
	is_int(pg.err.code, NET_ERR_MALFORMED, "plain text 200: malformed");
	net_page_clear(&pg);

	resp = fx_inline(200, "{\"data\":[{\"id\":\"1\",\"text\":\"cut", NULL, NOW);
	net_parse(X, &cfg, NET_OP_ACCOUNT, &resp, &w, &pg);
	is_int(pg.err.code, NET_ERR_MALFORMED, "truncated JSON: malformed");
	net_page_clear(&pg);

	resp = fx_inline(200, "{\"data\":{\"id\":\"1\"}}", NULL, NOW);
	net_parse(X, &cfg, NET_OP_ACCOUNT, &resp, &w, &pg);
	is_int(pg.err.code, NET_ERR_MALFORMED, "data not an array: malformed");
	net_page_clear(&pg);

	resp = fx_inline(200, NULL, NULL, NOW);
	net_parse(X, &cfg, NET_OP_ACCOUNT, &resp, &w, &pg);
	is_int(pg.err.code, NET_ERR_MALFORMED, "empty body: malformed");
	net_page_clear(&pg);

	resp = fx_inline(200, "[1,2,3]", NULL, NOW);
	net_parse(X, &cfg, NET_OP_ACCOUNT, &resp, &w, &pg);
	is_int(pg.err.code, NET_ERR_MALFORMED, "top-level array: malformed");
	net_page_clear(&pg);

	ok(w.pages == 0 && !w.new_watermark, "walk untouched by all of the above");
	resp = fx_inline(200, "{\"data\":[{\"id\":\"12\",\"text\":\"lone \\uD83D surrogate\"}],\"meta\":{\"newest_id\":\"12\"}}",
			 NULL, NOW);
	net_parse(X, &cfg, NET_OP_ACCOUNT, &resp, &w, &pg);
	ok(pg.n_posts == 1 && strcmp(pg.posts[0].text, "lone \xEF\xBF\xBD surrogate") == 0,
	   "lone surrogate becomes U+FFFD instead of losing the page");
	ok(pg.n_posts == 1 && pg.posts[0].author_id == NULL && pg.posts[0].created_at == 0 &&
	   strcmp(pg.posts[0].url, "https://x.com/i/web/status/12") == 0, "  default fields only");
	net_page_clear(&pg);

	net_walk_clear(&w);
	net_walk_start(&w, NET_OP_ACCOUNT, "1");
	resp = fx_inline(401, leak, NULL, NOW);
	net_parse(X, &cfg, NET_OP_ACCOUNT, &resp, &w, &pg);
	is_int(pg.err.code, NET_ERR_AUTH, "401: auth");
	ok(!strstr(pg.err.msg, TOKEN) && strstr(pg.err.msg, "***"), "  token scrubbed: %s", pg.err.msg);
	net_page_clear(&pg);

	resp = fx_inline(429, "{\"errors\":[{\"code\":88,\"message\":\"Rate limit exceeded\"}]}", NULL, NOW);
	net_parse(X, &cfg, NET_OP_ACCOUNT, &resp, &w, &pg);
	ok(pg.err.code == NET_ERR_RATE_LIMITED && pg.err.retry_at == NOW + 900,
	   "legacy 429 body, no headers: retry after a window");
	net_page_clear(&pg);
	net_walk_clear(&w);

	ok(X->cmp_id("9", "10") < 0 && X->cmp_id("1850000000000000300", "1849999999999999999") > 0,
	   "ids compare numerically");
}

/* What X bills (issue 18): every post of data and includes.tweets, once;
 * pages sized to a budget, refused when the smallest page would not fit. */
static void test_billing(void)
{
	struct net_walk w;
	struct net_page pg;
	struct net_request req;
	struct net_response resp;
	struct net_config budget = cfg;
	bool inc = false;

	net_walk_start(&w, NET_OP_ACCOUNT, "1849000000000000000");
	is_int(parse_fixture("user-tweets-mixed.json", NET_OP_ACCOUNT, &w, &pg), 0, "mixed timeline parses");
	is_int(pg.n_billed, 10, "  10 posts billed: 7 valid in data, 3 in includes");
	for (size_t i = 0; i < pg.n_billed; i++)
		inc |= strcmp(pg.billed[i], "1849980000000000789") == 0;
	ok(inc, "  an included post is billed");
	net_page_clear(&pg);
	net_walk_clear(&w);

	net_walk_start(&w, NET_OP_ACCOUNT, "1849000000000000000");
	budget.max_billed = 30;
	is_int(net_build_page(X, &budget, "1600000000000000002", &w, &req), 0, "a page within a budget of 30");
	ok(req.url && strstr(req.url, "max_results=30&since_id=1849000000000000000"),
	   "  30 results (nothing referenced is expanded: 1 billed each): %s", req.url);
	ok(req.url && strstr(req.url, "&expansions=author_id%2Cin_reply_to_user_id&") &&
	   !strstr(req.url, "referenced_tweets.id"), "  users expanded, no referenced posts (billed)");
	is_int(req.billed_max, 30, "  the request's worst case is 30");
	net_request_clear(&req);
	budget.max_billed = 4;
	is_int(net_build_page(X, &budget, "1600000000000000002", &w, &req), -EDQUOT, "4 cannot pay for the smallest page (5)");
	budget.max_billed = -1;
	is_int(net_build_page(X, &budget, "1600000000000000002", &w, &req), -EDQUOT, "nothing left: refused");
	net_walk_clear(&w);
	net_walk_start(&w, NET_OP_TAG, NULL);
	budget.max_billed = 9;
	is_int(net_build_page(X, &budget, "meded", &w, &req), -EDQUOT, "a search needs 10 results: 9 is too little");
	budget.max_billed = 10;
	is_int(net_build_page(X, &budget, "meded", &w, &req), 0, "  10 is enough");
	ok(req.url && strstr(req.url, "max_results=10"), "  10 results");
	net_request_clear(&req);
	net_walk_clear(&w);
	net_walk_start(&w, NET_OP_ACCOUNT, NULL);
	is_int(net_build_page(X, &cfg, "1600000000000000002", &w, &req), 0, "no budget: as before");
	is_int(req.billed_max, 60, "  20 results, 60 at worst");
	ok(req.url && strstr(req.url, "referenced_tweets.id"), "  referenced posts expanded");
	net_request_clear(&req);
	net_walk_clear(&w);

	/* Read without includes: a quote's author from its link, a repost's
	 * from "RT @name:". */
	net_walk_start(&w, NET_OP_ACCOUNT, "1");
	resp = fx_inline(200, "{\"data\":[{\"id\":\"30\",\"author_id\":\"7\",\"text\":\"so true https://t.co/x\","
	                 "\"created_at\":\"2026-09-20T10:00:00.000Z\",\"edit_history_tweet_ids\":[\"30\"],"
	                 "\"referenced_tweets\":[{\"type\":\"quoted\",\"id\":\"20\"}],\"entities\":{\"urls\":"
	                 "[{\"url\":\"https://t.co/x\",\"expanded_url\":\"https://twitter.com/Me_Doc/status/20\"}]}},"
	                 "{\"id\":\"31\",\"author_id\":\"7\",\"text\":\"RT @me_doc: hello\","
	                 "\"created_at\":\"2026-09-20T10:00:00.000Z\",\"edit_history_tweet_ids\":[\"31\"],"
	                 "\"referenced_tweets\":[{\"type\":\"retweeted\",\"id\":\"21\"}]}],"
	                 "\"meta\":{\"result_count\":2,\"newest_id\":\"31\",\"oldest_id\":\"30\"}}", NULL, NOW);
	is_int(net_parse(X, &cfg, NET_OP_ACCOUNT, &resp, &w, &pg), 0, "a page without includes");
	is_int(pg.n_billed, 2, "  bills its 2 posts only");
	const struct post *q = find_post(&pg, "30"), *rt = find_post(&pg, "31");
	ok(q && q->kind == POST_QUOTE && q->quote_of.author_handle && strcmp(q->quote_of.author_handle, "Me_Doc") == 0,
	   "  the quote's author from the link to the quoted post");
	ok(rt && rt->kind == POST_REPOST && rt->repost_of.author_handle &&
	   strcmp(rt->repost_of.author_handle, "me_doc") == 0, "  the repost's from RT @name");
	net_page_clear(&pg);
	net_walk_clear(&w);
}

int main(void)
{
	X = net_platform_find("x");
	if (!ok(X != NULL, "x registered"))
		return tap_done();
	test_build_lookup();
	test_build_pages();
	test_build_batch();
	test_parse_timeline();
	test_parse_mentions();
	test_parse_errors();
	test_parse_lookup();
	test_partial_errors();
	test_inline();
	test_billing();
	return tap_done();
}
