/* test_net_mastodon.c — Mastodon adapter: request building, min_id walks
 * with opaque ids and overlap, HTML content, boosts, quotes, notifications,
 * identity across instances (accts, uris, Host, foreign servers, home). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/net.h"
#include "net_testutil.h"
#include "tap.h"

#define NOW 1750000000
#define TOKEN "mastodon-user-token-abcdef"

static const struct net_platform *M;
static struct net_config cfg = {
	.api_base = "https://med.example", .token = TOKEN, .me = "alice@med.example", .me_id = "100",
};

static bool has_header(const struct net_request *r, const char *prefix)
{
	for (size_t i = 0; i < r->n_headers; i++)
		if (strncmp(r->headers[i], prefix, strlen(prefix)) == 0)
			return true;
	return false;
}

static int parse_fixture(const char *name, enum net_op op, struct net_walk *w, struct net_page *pg)
{
	return fx_parse(M, &cfg, name, NOW, op, w, pg);
}

static char *build(enum net_op op, const char *target, const char *wm, const char *token)
{
	struct net_request req;
	struct net_walk w;
	char *url = NULL;

	net_walk_start(&w, op, wm);
	if (token)
		w.page_token = strdup(token);
	if (net_build_page(M, &cfg, target, &w, &req) == 0) {
		url = strdup(req.url);
		net_request_clear(&req);
	}
	net_walk_clear(&w);
	return url;
}

static void check_url(char *url, const char *want, const char *name)
{
	is_str(url, want, name);
	free(url);
}

static void test_build(void)
{
	struct net_request req;
	struct net_walk w;
	size_t used;
	const char *h[] = { "@carol@other.example" }, *id[] = { "carol@other.example" }, *bad[] = { "a/b" };
	const char *tok = cfg.token;

	is_int(net_build_lookup(M, &cfg, NET_LOOKUP_HANDLE, h, 1, &req, &used), 0, "lookup by handle");
	is_str(req.url, "https://med.example/api/v1/accounts/lookup?acct=carol%40other.example", "  lookup URL");
	ok(has_header(&req, "Authorization: Bearer " TOKEN), "  token sent when configured");
	net_request_clear(&req);
	is_int(net_build_lookup(M, &cfg, NET_LOOKUP_ID, id, 1, &req, &used), 0, "lookup by id (an acct)");
	is_str(req.url, "https://med.example/api/v1/accounts/lookup?acct=carol%40other.example",
	       "  the same lookup: an acct names the account on every instance");
	net_request_clear(&req);
	is_int(net_build_lookup(M, &cfg, NET_LOOKUP_HANDLE, bad, 1, &req, &used), -EINVAL, "bad acct refused");
	is_int(net_build_lookup(M, &cfg, NET_LOOKUP_ID, bad, 1, &req, &used), -EINVAL, "  also as an id");

	check_url(build(NET_OP_ACCOUNT, "200", NULL, NULL),
		  "https://med.example/api/v1/accounts/200/statuses?limit=40", "first sync: newest page");
	check_url(build(NET_OP_ACCOUNT, "200", "113400000000000099", NULL),
		  "https://med.example/api/v1/accounts/200/statuses?limit=40&min_id=113399980339200099",
		  "watermark: min_id moved back by the 300 s overlap");
	cfg.overlap_s = 60;
	check_url(build(NET_OP_TAG, "#MedEd", "113400000000000099", NULL),
		  "https://med.example/api/v1/timelines/tag/MedEd?limit=40&min_id=113399996067840099",
		  "configured overlap");
	cfg.overlap_s = -1;
	check_url(build(NET_OP_TAG, "MedEd", "113400000000000099", NULL),
		  "https://med.example/api/v1/timelines/tag/MedEd?limit=40&min_id=113400000000000099",
		  "overlap disabled");
	cfg.overlap_s = 0;
	check_url(build(NET_OP_ACCOUNT, "200", "9", NULL),
		  "https://med.example/api/v1/accounts/200/statuses?limit=40&min_id=9", "short id: used as is");
	check_url(build(NET_OP_ACCOUNT, "200", "9", "17"),
		  "https://med.example/api/v1/accounts/200/statuses?limit=40&min_id=17", "page token: next min_id");
	check_url(build(NET_OP_TAG, "café", NULL, NULL),
		  "https://med.example/api/v1/timelines/tag/caf%C3%A9?limit=40", "non-ASCII tag encoded");
	check_url(build(NET_OP_INTERACTIONS, NULL, "40", NULL),
		  "https://med.example/api/v1/notifications?limit=80&min_id=40", "notifications: no overlap, 80");
	check_url(build(NET_OP_OWN, NULL, NULL, NULL),
		  "https://med.example/api/v1/accounts/100/statuses?limit=40", "own posts use me_id");
	ok(build(NET_OP_ACCOUNT, "200", "9 OR 1", NULL) == NULL, "corrupt watermark refused");
	ok(build(NET_OP_ACCOUNT, "../x", NULL, NULL) == NULL, "bad account id refused");

	cfg.token = NULL;
	net_walk_start(&w, NET_OP_INTERACTIONS, NULL);
	is_int(net_build_page(M, &cfg, NULL, &w, &req), -ENOKEY, "notifications need a token");
	ok(!M->can(&cfg, NET_OP_INTERACTIONS) && M->can(&cfg, NET_OP_TAG), "can(): tag public, notifs not");
	net_walk_clear(&w);
	net_walk_start(&w, NET_OP_TAG, NULL);
	is_int(net_build_page(M, &cfg, "meded", &w, &req), 0, "tag without a token");
	ok(!has_header(&req, "Authorization"), "  no Authorization header");
	net_request_clear(&req);
	net_walk_clear(&w);
	cfg.token = tok;
	ok(M->max_batch == 0, "no batch endpoint");
}

static const struct post *find_post(const struct net_page *pg, const char *id)
{
	for (size_t i = 0; i < pg->n_posts; i++)
		if (strcmp(pg->posts[i].id, id) == 0)
			return &pg->posts[i];
	return NULL;
}

static void test_statuses(void)
{
	struct net_walk w;
	struct net_page pg;
	const struct post *p;

	net_walk_start(&w, NET_OP_ACCOUNT, "8");
	is_int(parse_fixture("statuses-mixed.json", NET_OP_ACCOUNT, &w, &pg), 0, "statuses parse");
	is_int(pg.err.code, NET_OK, "  ok");
	is_int(pg.n_posts, 6, "  6 statuses");
	is_int(pg.n_invalid, 3, "  3 with wrong types dropped");
	is_int(pg.rate.reset, 1730543401, "  ISO 8601 reset with microseconds: the next whole second");
	is_int(pg.rate.remaining, 287, "  remaining");

	p = find_post(&pg, "10");
	if (ok(p != NULL, "HTML status present")) {
		is_str(p->text, "Hello & welcome, it's @carol!\n\nline one\nline two\nline three #MedEd "
				"https://example.org/very/long/path <3 \xF0\x9F\xA7\xA0",
		       "  HTML to text: entities, <p>, <br>, link spans joined");
		is_str(p->author_handle, "alice@med.example", "  local acct gets the instance domain");
		is_str(p->author_name, "Alice A.", "  display name");
		is_str(p->author_id, "alice@med.example", "  author id: the acct, qualified");
		is_str(p->id, "10", "  id: the instance's");
		is_str(p->key, "https://med.example/@alice/10", "  key: the url when there is no uri");
		ok(p->n_mentions == 1 && strcmp(p->mentions[0], "carol@other.example") == 0 &&
		   strcmp(p->mention_ids[0], "carol@other.example") == 0, "  mention acct; its id is the acct too");
		ok(p->n_tags == 1 && strcmp(p->tags[0], "meded") == 0, "  tag lower-cased");
		ok(p->n_likes == 7 && p->n_reposts == 3 && p->n_replies == 1 && p->n_quotes == -1, "  counts");
		is_int(p->edited_at, 0, "  not edited");
	}
	p = find_post(&pg, "9");
	if (ok(p != NULL, "reply present")) {
		is_str(p->reply_to.id, "8", "  parent");
		is_str(p->reply_to.author_id, "carol@other.example", "  parent author id: the mention's acct");
		is_str(p->reply_to.author_handle, "carol@other.example", "  parent author from mentions");
	}
	p = find_post(&pg, "11");
	if (ok(p != NULL, "boost present")) {
		is_int(p->kind, POST_REPOST, "  kind repost");
		is_str(p->author_handle, "alice@med.example", "  booster is the author");
		is_str(p->id, "11", "  the boost's own id");
		is_str(p->key, "https://med.example/users/alice/statuses/11/activity", "  key: the boost's own uri");
		is_str(p->repost_of.id, "https://other.example/users/dr_bob/statuses/5", "  boosted status: its uri");
		is_str(p->repost_of.author_id, "dr_bob@other.example", "  boosted author id: the acct");
		is_str(p->repost_of.author_handle, "dr_bob@other.example", "  boosted author acct");
		is_str(p->text, "New #Cardiology guideline & slides", "  text of the boosted status (\\u003c escapes)");
		is_str(p->url, "https://other.example/@dr_bob/5", "  URL of the boosted status");
		ok(p->n_tags == 1 && strcmp(p->tags[0], "cardiology") == 0, "  its tags");
		is_int(p->created_at, 1730539800, "  time of the boost");
		ok(p->n_likes == -1, "  counts unknown for a boost");
	}
	p = find_post(&pg, "12");
	if (ok(p != NULL, "quote present")) {
		is_int(p->kind, POST_QUOTE, "  kind quote");
		is_str(p->quote_of.id, "https://other.example/@dr_bob/6", "  quoted status: its key (url, no uri)");
		is_str(p->quote_of.author_id, "dr_bob@other.example", "  quoted author id");
		is_str(p->quote_of.author_handle, "dr_bob@other.example", "  quoted author");
	}
	p = find_post(&pg, "13");
	if (ok(p != NULL, "content-warning post present")) {
		is_str(p->text, "CW: Case details & imaging\n\nUnusual presentation of pericarditis.", "  CW kept first");
		is_int(p->edited_at, 1730541330, "  edited_at");
	}
	p = find_post(&pg, "17");
	if (ok(p != NULL, "shallow quote present")) {
		is_int(p->kind, POST_QUOTE, "  kind quote");
		is_str(p->key, "https://med.example/users/alice/statuses/17", "  key: the uri");
		is_str(p->quote_of.id, "3", "  quoted id only (a shallow quote has no uri)");
		ok(p->quote_of.author_id == NULL, "  author unknown");
	}
	is_str(w.new_watermark, "17", "walk: watermark = greatest id (\"17\" > \"9\" as opaque ids)");
	ok(w.done, "walk: 9 items < limit 40 ends it");
	net_page_clear(&pg);
	net_walk_clear(&w);

	/* A full page continues upwards, from Link rel="prev". */
	cfg.page_size = 9;
	net_walk_start(&w, NET_OP_ACCOUNT, "8");
	parse_fixture("statuses-mixed.json", NET_OP_ACCOUNT, &w, &pg);
	ok(!w.done, "full page: walk continues");
	is_str(w.page_token, "17", "  next min_id from Link rel=prev");
	net_page_clear(&pg);
	parse_fixture("empty.json", NET_OP_ACCOUNT, &w, &pg);
	ok(w.done && w.pages == 2, "  empty page ends it");
	is_str(w.new_watermark, "17", "  watermark kept");
	net_page_clear(&pg);
	net_walk_clear(&w);
	cfg.page_size = 0;
}

static void test_opaque_ids(void)
{
	struct net_walk w;
	struct net_page pg;
	struct net_response resp;
	const char *page = "[{\"id\":\"10\",\"account\":{\"id\":\"1\",\"acct\":\"a\"},\"content\":\"<p>x</p>\"}]";

	net_walk_start(&w, NET_OP_TAG, "9");
	resp = fx_inline(200, page, NULL, NOW);
	net_parse(M, &cfg, NET_OP_TAG, &resp, &w, &pg);
	is_str(w.new_watermark, "10", "watermark \"9\" → \"10\" (not a byte compare)");
	net_page_clear(&pg);
	net_walk_clear(&w);

	net_walk_start(&w, NET_OP_TAG, "113400000000000099");
	resp = fx_inline(200, page, NULL, NOW);
	net_parse(M, &cfg, NET_OP_TAG, &resp, &w, &pg);
	is_str(w.new_watermark, "113400000000000099", "an overlap item never lowers the watermark");
	net_page_clear(&pg);
	net_walk_clear(&w);

	ok(M->cmp_id("9", "10") < 0 && M->cmp_id("10", "9") > 0 && M->cmp_id("abc", "abd") < 0 &&
	   M->cmp_id("10", "10") == 0, "cmp_id: length, then bytes");

	/* A Link that points downwards or elsewhere is not followed. */
	struct net_header_pair hp[] = { { "Link", "<https://evil.example/api/v1/x?min_id=1>; rel=\"prev\"" } };
	struct net_header_list hl = { hp, 1 };

	cfg.page_size = 1;
	net_walk_start(&w, NET_OP_TAG, "5");
	resp = fx_inline(200, page, &hl, NOW);
	net_parse(M, &cfg, NET_OP_TAG, &resp, &w, &pg);
	is_str(w.page_token, "10", "Link min_id below the page's max is ignored");
	net_page_clear(&pg);
	net_walk_clear(&w);
	cfg.page_size = 0;
}

/* One inline status page parsed as ACCOUNT with c; the caller clears pg. */
static void parse_inline(const struct net_config *c, const char *body, struct net_page *pg)
{
	struct net_walk w;
	struct net_response resp = fx_inline(200, body, NULL, NOW);

	net_walk_start(&w, NET_OP_ACCOUNT, NULL);
	net_parse(M, c, NET_OP_ACCOUNT, &resp, &w, pg);
	net_walk_clear(&w);
}

#define ST(id, extra) "{\"id\":\"" id "\",\"created_at\":\"2025-07-01T10:00:00.000Z\"," \
	"\"account\":{\"id\":\"100\",\"acct\":\"alice\"},\"content\":\"<p>Look</p>\"" extra "}"

/* Mastodon 4.5+ quotes whose target is not (yet) known are quotes all the same. */
static void test_quote_states(void)
{
	struct net_page pg;
	const struct post *p;

	parse_inline(&cfg, "[" ST("1", ",\"quote\":{\"state\":\"pending\",\"quoted_status\":null}")
		     "," ST("2", ",\"quote\":{\"state\":\"revoked\",\"quoted_status\":null}")
		     "," ST("3", ",\"quote\":{\"state\":\"pending\",\"quoted_status_id\":\"77\"}")
		     "," ST("4", ",\"quote\":{\"state\":\"deleted\",\"quoted_status_id\":null}")
		     "," ST("5", ",\"quote\":null")
		     "," ST("6", ",\"quote\":{\"state\":\"accepted\",\"quoted_status\":"
			    "{\"id\":\"88\",\"account\":{\"id\":\"300\",\"acct\":\"bob@other.example\"}}}")
		     "]", &pg);
	is_int(pg.n_posts, 6, "quote states: every status kept");
	p = &pg.posts[0];
	ok(p->kind == POST_QUOTE && !p->quote_of.id && !p->quote_of.author_id && !p->quote_of.author_handle,
	   "pending, quoted_status null: a quote, target unknown");
	p = &pg.posts[1];
	ok(p->kind == POST_QUOTE && !p->quote_of.id, "revoked, no status: a quote, target unknown");
	p = &pg.posts[2];
	ok(p->kind == POST_QUOTE && p->quote_of.id && strcmp(p->quote_of.id, "77") == 0 && !p->quote_of.author_id,
	   "shallow quote while pending: the id is what is known");
	p = &pg.posts[3];
	ok(p->kind == POST_QUOTE && !p->quote_of.id, "deleted, quoted_status_id null: a quote, target unknown");
	p = &pg.posts[4];
	ok(p->kind == POST_ORIGINAL && !p->quote_of.id, "quote: null is an original post");
	p = &pg.posts[5];
	ok(p->kind == POST_QUOTE && p->quote_of.id && strcmp(p->quote_of.id, "88") == 0 &&
	   p->quote_of.author_handle && strcmp(p->quote_of.author_handle, "bob@other.example") == 0,
	   "accepted with its status: target known");
	net_page_clear(&pg);
}

/* A quote notification whose quote is pending names no subject. */
static void test_quote_notif_pending(void)
{
	struct net_walk w;
	struct net_page pg;
	struct net_response resp = fx_inline(200, "[{\"id\":\"9\",\"type\":\"quote\","
		"\"created_at\":\"2025-07-01T10:00:00.000Z\",\"account\":{\"id\":\"300\",\"acct\":\"bob@other.example\"},"
		"\"status\":" ST("50", ",\"quote\":{\"state\":\"pending\",\"quoted_status\":null}") "}]", NULL, NOW);

	net_walk_start(&w, NET_OP_INTERACTIONS, NULL);
	net_parse(M, &cfg, NET_OP_INTERACTIONS, &resp, &w, &pg);
	ok(pg.n_notifs == 1 && pg.notifs[0].kind == NOTIF_QUOTE && pg.notifs[0].post &&
	   pg.notifs[0].post->kind == POST_QUOTE && !pg.notifs[0].subject_id,
	   "quote notification, quote pending: kept, no subject");
	net_page_clear(&pg);
	net_walk_clear(&w);
}

/* spoiler_text is plain text: what looks like an entity stays as typed. */
static void test_spoiler_plain(void)
{
	struct net_page pg;

	parse_inline(&cfg, "[" ST("1", ",\"spoiler_text\":\"Fish &amp; chips <3\"")
		     ",{\"id\":\"2\",\"account\":{\"id\":\"100\",\"acct\":\"alice\"},\"content\":\"\","
		     "\"spoiler_text\":\"Caf\u00e9 \u2615 & more\"}]", &pg);
	if (ok(pg.n_posts == 2, "spoilers: both statuses")) {
		is_str(pg.posts[0].text, "CW: Fish &amp; chips <3\n\nLook", "  spoiler_text not unescaped");
		is_str(pg.posts[1].text, "CW: Caf\xC3\xA9 \xE2\x98\x95 & more", "  no content: the CW alone");
	}
	net_page_clear(&pg);
}

/* Local accts take the configured instance's host, port included. */
static void test_instance_port(void)
{
	struct net_config c = cfg;
	struct net_page pg;
	const char *body = "[" ST("1", ",\"mentions\":[{\"id\":\"101\",\"acct\":\"bob\"},"
				     "{\"id\":\"300\",\"acct\":\"carol@other.example\"}]") "]";
	static const char *const bases[][2] = {
		{ "http://localhost:3000", "alice@localhost:3000" },
		{ "https://Med.Example:8443/", "alice@med.example:8443" },
		{ "https://med.example:443", "alice@med.example" },
		{ "http://med.example:80", "alice@med.example" },
		{ "https://med.example", "alice@med.example" },
	};

	for (size_t i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
		c.api_base = bases[i][0];
		parse_inline(&c, body, &pg);
		if (ok(pg.n_posts == 1, "instance %s", bases[i][0]))
			is_str(pg.posts[0].author_handle, bases[i][1], "  local acct qualified");
		net_page_clear(&pg);
	}
	c.api_base = "http://localhost:3000";
	parse_inline(&c, body, &pg);
	if (ok(pg.n_posts == 1 && pg.posts[0].n_mentions == 2, "mentions on a local instance")) {
		is_str(pg.posts[0].mentions[0], "bob@localhost:3000", "  local mention keeps the port");
		is_str(pg.posts[0].mentions[1], "carol@other.example", "  remote mention as sent");
	}
	net_page_clear(&pg);
}

static void test_notifications(void)
{
	struct net_walk w;
	struct net_page pg;

	net_walk_start(&w, NET_OP_INTERACTIONS, "40");
	is_int(parse_fixture("notifications.json", NET_OP_INTERACTIONS, &w, &pg), 0, "notifications parse");
	is_int(pg.n_notifs, 7, "  7 notifications");
	is_int(pg.n_invalid, 1, "  1 with wrong types");
	if (pg.n_notifs == 7) {
		const struct notif *n = pg.notifs;

		is_int(n[0].kind, NOTIF_REPLY, "  mention replying to me → reply");
		ok(n[0].subject_id == NULL, "  no subject: the parent is known by local id only");
		ok(n[0].post && n[0].post->reply_to.id && strcmp(n[0].post->reply_to.id, "10") == 0,
		   "  the acting post's parent: the local id");
		is_str(n[0].actor_id, "carol@other.example", "  actor id: the acct");
		ok(n[0].post && strcmp(n[0].post->text, "@alice happy to mentor you") == 0, "  acting post text");
		is_str(n[0].actor_handle, "carol@other.example", "  actor");
		is_int(n[0].created_at, 1730543100, "  time");
		is_int(n[1].kind, NOTIF_LIKE, "  favourite → like");
		ok(n[1].subject_id && strcmp(n[1].subject_id, "10") == 0 && !n[1].post, "  liked status is the subject");
		is_int(n[2].kind, NOTIF_REPOST, "  reblog → repost");
		is_str(n[2].subject_id, "12", "  reblogged status");
		is_int(n[3].kind, NOTIF_FOLLOW, "  follow");
		ok(n[3].actor_name == NULL && strcmp(n[3].actor_handle, "dan@med.example") == 0, "  follower");
		is_int(n[4].kind, NOTIF_QUOTE, "  quote");
		is_str(n[4].subject_id, "13", "  quoted status of mine");
		ok(n[4].post && strcmp(n[4].post->id, "130") == 0, "  quoting post");
		is_int(n[5].kind, NOTIF_OTHER, "  unknown type → other");
		is_int(n[6].kind, NOTIF_MENTION, "  plain mention");
		ok(n[6].subject_id == NULL, "  no subject");
	}
	is_str(w.new_watermark, "49", "walk: newest notification id");
	ok(w.done, "walk: not a full page");
	net_page_clear(&pg);
	net_walk_clear(&w);
}

static void test_lookup_and_errors(void)
{
	struct net_page pg;
	struct net_walk w;
	struct net_response resp;

	parse_fixture("lookup.json", NET_OP_LOOKUP, NULL, &pg);
	if (ok(pg.n_accounts == 1, "lookup: one account")) {
		is_str(pg.accounts[0].id, "carol@other.example", "  id: the acct");
		is_str(pg.accounts[0].local_id, "200", "  local_id: the instance's number");
		is_int(pg.accounts[0].n_posts, 310, "  n_posts: statuses_count");
		is_str(pg.accounts[0].handle, "carol@other.example", "  handle");
		is_str(pg.accounts[0].name, "Carol C. \xF0\x9F\xA9\xBA", "  name (surrogate pair)");
		is_str(pg.accounts[0].bio, "Cardiology fellow & educator.\n\nAlso on bsky\nX: https://x.com/dr_carol\n"
					   "Pronouns: she/her", "  bio: note + fields");
		is_str(pg.accounts[0].url, "https://other.example/@carol", "  profile URL");
	}
	is_int(pg.rate.reset, 1730543401, "  reset with one fractional digit: rounded up");
	net_page_clear(&pg);

	net_walk_start(&w, NET_OP_INTERACTIONS, NULL);
	parse_fixture("error-401.json", NET_OP_INTERACTIONS, &w, &pg);
	is_int(pg.err.code, NET_ERR_AUTH, "401: auth");
	is_int(pg.err.scope, NET_SCOPE_NETWORK, "  with a token: the whole network");
	ok(strstr(pg.err.msg, "access token is invalid") != NULL, "  server words kept: %s", pg.err.msg);
	net_page_clear(&pg);
	cfg.token = NULL;
	parse_fixture("error-401.json", NET_OP_INTERACTIONS, &w, &pg);
	is_int(pg.err.scope, NET_SCOPE_ENDPOINT, "  without a token: just this endpoint");
	net_page_clear(&pg);
	cfg.token = TOKEN;
	net_walk_clear(&w);

	net_walk_start(&w, NET_OP_TAG, "113400000000000000");
	parse_fixture("rate-429.json", NET_OP_TAG, &w, &pg);
	is_int(pg.err.code, NET_ERR_RATE_LIMITED, "429: rate limited");
	is_int(pg.err.retry_at, 1750000201, "  until X-RateLimit-Reset (rounded up)");
	ok(w.pages == 0 && !w.new_watermark, "  walk untouched");
	net_page_clear(&pg);

	parse_fixture("empty.json", NET_OP_TAG, &w, &pg);
	ok(pg.err.code == NET_OK && pg.n_posts == 0 && w.done, "empty page without Link: done");
	is_str(w.new_watermark, "113400000000000000", "  watermark kept");
	net_page_clear(&pg);
	net_walk_clear(&w);

	resp = fx_inline(404, "{\"error\":\"Record not found\"}", NULL, NOW);
	net_parse(M, &cfg, NET_OP_LOOKUP, &resp, NULL, &pg);
	ok(pg.err.code == NET_ERR_NOT_FOUND && pg.err.scope == NET_SCOPE_TARGET, "404 lookup: not found");
	net_page_clear(&pg);
	resp = fx_inline(502, "<html><body>Bad gateway</body></html>", NULL, NOW);
	net_walk_start(&w, NET_OP_ACCOUNT, NULL);
	net_parse(M, &cfg, NET_OP_ACCOUNT, &resp, &w, &pg);
	is_int(pg.err.code, NET_ERR_SERVER, "502 HTML: server error");
	net_page_clear(&pg);
	resp = fx_inline(200, "{\"accounts\":[],\"notification_groups\":[]}", NULL, NOW);
	net_walk_clear(&w);
	net_walk_start(&w, NET_OP_INTERACTIONS, NULL);
	net_parse(M, &cfg, NET_OP_INTERACTIONS, &resp, &w, &pg);
	ok(pg.err.code == NET_ERR_MALFORMED && strstr(pg.err.msg, "grouped"), "v2 grouped body: clear error");
	net_page_clear(&pg);
	resp = fx_inline(200, "[{\"id\":\"1\",\"type\":\"mention\",\"status\":\"oops\"}, 42, null]", NULL, NOW);
	net_parse(M, &cfg, NET_OP_INTERACTIONS, &resp, &w, &pg);
	ok(pg.err.code == NET_OK && pg.n_notifs == 0 && pg.n_invalid == 3, "junk items dropped one by one");
	net_page_clear(&pg);
	net_walk_clear(&w);
}

/* ---- identity across instances ------------------------------------------ */

/* Accounts are their accts (lower-cased, qualified with the answering
 * server's name when local), statuses their uris; only the instance's
 * numbers in id / reply_to.id stay local. */
static void test_identity(void)
{
	struct net_page pg;
	const struct post *p;

	parse_inline(&cfg, "["
		"{\"id\":\"1\",\"uri\":\"https://med.example/users/Alice/statuses/1\",\"url\":\"https://med.example/@Alice/1\","
		"\"account\":{\"id\":\"100\",\"acct\":\"Alice\"},\"content\":\"<p>hi</p>\","
		"\"in_reply_to_id\":\"77\",\"in_reply_to_account_id\":\"300\","
		"\"mentions\":[{\"id\":\"101\",\"acct\":\"Bob\"},{\"id\":\"300\",\"acct\":\"Carol@Other.Example\"}]},"
		/* a thread: the parent's author is the author */
		"{\"id\":\"2\",\"uri\":\"https://med.example/users/alice/statuses/2\","
		"\"account\":{\"id\":\"100\",\"acct\":\"alice\"},\"content\":\"<p>2/2</p>\","
		"\"in_reply_to_id\":\"1\",\"in_reply_to_account_id\":\"100\",\"mentions\":[]},"
		/* the parent's author is neither the author nor mentioned */
		"{\"id\":\"3\",\"uri\":\"https://med.example/users/alice/statuses/3\","
		"\"account\":{\"id\":\"100\",\"acct\":\"alice\"},\"content\":\"<p>x</p>\","
		"\"in_reply_to_id\":\"9\",\"in_reply_to_account_id\":\"555\","
		"\"mentions\":[{\"id\":\"300\",\"acct\":\"carol@other.example\"}]},"
		/* no uri, no url: the id is all there is */
		"{\"id\":\"4\",\"account\":{\"id\":\"100\",\"acct\":\"alice\"},\"content\":\"<p>bare</p>\","
		"\"in_reply_to_id\":\"8\"},"
		"{\"id\":\"5\",\"uri\":\"https://med.example/users/alice/statuses/5/activity\","
		"\"account\":{\"id\":\"100\",\"acct\":\"alice\"},\"content\":\"\","
		"\"reblog\":{\"id\":\"4242\",\"uri\":\"https://other.example/users/Dr_Bob/statuses/99\","
		"\"url\":\"https://other.example/@Dr_Bob/99\",\"account\":{\"id\":\"300\",\"acct\":\"Dr_Bob@other.example\"},"
		"\"content\":\"<p>boosted</p>\"}},"
		"{\"id\":\"6\",\"uri\":\"https://med.example/users/alice/statuses/6\","
		"\"account\":{\"id\":\"100\",\"acct\":\"alice\"},\"content\":\"<p>q</p>\","
		"\"quote\":{\"state\":\"accepted\",\"quoted_status\":{\"id\":\"4343\","
		"\"uri\":\"https://other.example/users/dr_bob/statuses/98\",\"account\":{\"id\":\"300\",\"acct\":\"dr_bob@other.example\"}}}},"
		/* a username is no acct: a remote account would pass for a local one */
		"{\"id\":\"7\",\"account\":{\"id\":\"300\",\"username\":\"dr_bob\"},\"content\":\"<p>?</p>\"}"
		"]", &pg);
	is_int(pg.n_posts, 6, "identity: six statuses");
	is_int(pg.n_invalid, 1, "  an account without acct is dropped");
	if (pg.n_posts != 6) {
		net_page_clear(&pg);
		return;
	}
	p = &pg.posts[0];
	is_str(p->author_id, "alice@med.example", "local author: id lower-cased, the server's domain");
	is_str(p->author_handle, "Alice@med.example", "  handle keeps the user part as written");
	is_str(p->id, "1", "  id: the instance's number");
	is_str(p->key, "https://med.example/users/Alice/statuses/1", "  key: the uri, as sent");
	ok(p->n_mentions == 2 && strcmp(p->mention_ids[0], "bob@med.example") == 0 &&
	   strcmp(p->mentions[0], "Bob@med.example") == 0, "  local mention: acct id, handle as written");
	ok(p->n_mentions == 2 && strcmp(p->mention_ids[1], "carol@other.example") == 0 &&
	   strcmp(p->mentions[1], "Carol@Other.Example") == 0, "  remote mention: acct id lower-cased, handle as sent");
	is_str(p->reply_to.id, "77", "  reply_to.id: in_reply_to_id");
	is_str(p->reply_to.author_id, "carol@other.example", "  in_reply_to_account_id resolved through mentions");
	is_str(p->reply_to.author_handle, "Carol@Other.Example", "  with its handle");
	p = &pg.posts[1];
	ok(p->reply_to.id && strcmp(p->reply_to.author_id, "alice@med.example") == 0 &&
	   strcmp(p->reply_to.author_handle, "alice@med.example") == 0, "self-reply: the parent's author is the author");
	p = &pg.posts[2];
	ok(p->reply_to.id && strcmp(p->reply_to.id, "9") == 0 && !p->reply_to.author_id && !p->reply_to.author_handle,
	   "unresolvable in_reply_to_account_id: a reply, author unknown");
	p = &pg.posts[3];
	is_str(p->key, "4", "no uri, no url: key = id");
	ok(p->reply_to.id && !p->reply_to.author_id, "  reply without in_reply_to_account_id: author unknown");
	p = &pg.posts[4];
	is_int(p->kind, POST_REPOST, "boost");
	is_str(p->key, "https://med.example/users/alice/statuses/5/activity", "  key: the wrapper's uri");
	is_str(p->repost_of.id, "https://other.example/users/Dr_Bob/statuses/99", "  repost_of.id: the target's uri");
	is_str(p->repost_of.author_id, "dr_bob@other.example", "  target author: acct lower-cased");
	is_str(p->repost_of.author_handle, "Dr_Bob@other.example", "  target author handle as sent");
	p = &pg.posts[5];
	is_str(p->quote_of.id, "https://other.example/users/dr_bob/statuses/98", "quote_of.id: the target's uri");
	is_str(p->quote_of.author_id, "dr_bob@other.example", "  quoted author id");
	net_page_clear(&pg);
}

/* One status read from its author's instance and from another one: the
 * numbers differ, everything that identifies agrees. */
static void test_same_from_every_instance(void)
{
	struct net_config home = { .api_base = "https://a.example" };
	struct net_config other = { .api_base = "http://127.0.0.1:4000", .host = "B.Example" };
	struct net_page pa, pb;

	parse_inline(&home, "[{\"id\":\"111\",\"uri\":\"https://a.example/users/alice/statuses/111\","
		"\"account\":{\"id\":\"1\",\"acct\":\"alice\"},\"content\":\"<p>hi @bob</p>\","
		"\"in_reply_to_id\":\"50\",\"in_reply_to_account_id\":\"2\","
		"\"mentions\":[{\"id\":\"2\",\"acct\":\"bob@b.example\"}]}]", &pa);
	parse_inline(&other, "[{\"id\":\"999\",\"uri\":\"https://a.example/users/alice/statuses/111\","
		"\"account\":{\"id\":\"77\",\"acct\":\"Alice@a.example\"},\"content\":\"<p>hi @bob</p>\","
		"\"in_reply_to_id\":\"60\",\"in_reply_to_account_id\":\"5\","
		"\"mentions\":[{\"id\":\"5\",\"acct\":\"bob\"}]}]", &pb);
	if (ok(pa.n_posts == 1 && pb.n_posts == 1, "one status from two instances")) {
		const struct post *a = pa.posts, *b = pb.posts;

		ok(strcmp(a->id, b->id) != 0, "  the ids differ (%s, %s)", a->id, b->id);
		is_str(b->key, a->key, "  the keys agree");
		is_str(b->author_id, a->author_id, "  the author ids agree");
		ok(a->n_mentions == 1 && b->n_mentions == 1 && strcmp(a->mention_ids[0], b->mention_ids[0]) == 0 &&
		   strcmp(b->mention_ids[0], "bob@b.example") == 0,
		   "  the mention ids agree (a local acct takes cfg->host, lower-cased)");
		ok(a->reply_to.author_id && b->reply_to.author_id &&
		   strcmp(a->reply_to.author_id, b->reply_to.author_id) == 0, "  the parent's author agrees");
	}
	net_page_clear(&pa);
	net_page_clear(&pb);
}

static struct net_page notif_page(const struct net_config *c, const char *body)
{
	struct net_walk w;
	struct net_page pg;
	struct net_response resp = fx_inline(200, body, NULL, NOW);

	net_walk_start(&w, NET_OP_INTERACTIONS, NULL);
	net_parse(M, c, NET_OP_INTERACTIONS, &resp, &w, &pg);
	net_walk_clear(&w);
	return pg;
}

#define NT(id, type, acct, status) "{\"id\":\"" id "\",\"type\":\"" type "\"," \
	"\"created_at\":\"2025-07-01T10:00:00.000Z\",\"account\":{\"id\":\"300\",\"acct\":\"" acct "\"}" status "}"
#define MINE ",\"status\":{\"id\":\"10\",\"uri\":\"https://med.example/users/alice/statuses/10\"," \
	"\"url\":\"https://med.example/@alice/10\",\"account\":{\"id\":\"100\",\"acct\":\"alice\"},\"content\":\"<p>mine</p>\"}"
#define REPLY(aid, macct) ",\"status\":{\"id\":\"120\",\"uri\":\"https://other.example/users/carol/statuses/120\"," \
	"\"account\":{\"id\":\"300\",\"acct\":\"carol@other.example\"},\"content\":\"<p>re</p>\"," \
	"\"in_reply_to_id\":\"10\",\"in_reply_to_account_id\":\"" aid "\",\"mentions\":[{\"id\":\"" aid "\",\"acct\":\"" macct "\"}]}"

static void test_notif_identity(void)
{
	struct net_config c = cfg;
	struct net_page pg;
	const struct notif *n;

	c.me = "alice";          /* bare, as configured */
	c.me_id = "999";         /* a URL value only: replies are told by acct */
	pg = notif_page(&c, "[" NT("5", "favourite", "Carol@Other.Example", MINE)
		"," NT("4", "reblog", "carol@other.example", MINE)
		"," NT("3", "quote", "carol@other.example", ",\"status\":{\"id\":\"130\","
		       "\"uri\":\"https://other.example/users/carol/statuses/130\",\"account\":{\"id\":\"300\","
		       "\"acct\":\"carol@other.example\"},\"content\":\"<p>q</p>\",\"quote\":{\"state\":\"accepted\","
		       "\"quoted_status\":{\"id\":\"10\",\"uri\":\"https://med.example/users/alice/statuses/10\","
		       "\"account\":{\"id\":\"100\",\"acct\":\"alice\"}}}}")
		"," NT("2", "mention", "carol@other.example", REPLY("100", "Alice"))
		"," NT("1", "mention", "carol@other.example", REPLY("101", "bob"))
		"]");
	n = pg.notifs;
	if (!ok(pg.n_notifs == 5, "notifications: five")) {
		net_page_clear(&pg);
		return;
	}
	is_int(n[0].kind, NOTIF_LIKE, "favourite");
	is_str(n[0].subject_id, "https://med.example/users/alice/statuses/10", "  subject: my status's uri");
	is_str(n[0].actor_id, "carol@other.example", "  actor id: acct lower-cased");
	is_str(n[0].actor_handle, "Carol@Other.Example", "  actor handle as sent");
	is_str(n[0].id, "5", "  the notification's own id");
	is_str(n[1].subject_id, "https://med.example/users/alice/statuses/10", "reblog: subject is my status's uri");
	is_int(n[2].kind, NOTIF_QUOTE, "quote");
	is_str(n[2].subject_id, "https://med.example/users/alice/statuses/10", "  subject: the quoted status's uri");
	ok(n[2].post && strcmp(n[2].post->key, "https://other.example/users/carol/statuses/130") == 0,
	   "  the quoting post keyed by its uri");
	is_int(n[3].kind, NOTIF_REPLY, "reply to me: told by acct (bare me, mixed-case mention)");
	is_int(n[4].kind, NOTIF_MENTION, "reply to someone else: a mention");
	net_page_clear(&pg);

	c.me = "@Alice@Med.Example";
	pg = notif_page(&c, "[" NT("2", "mention", "carol@other.example", REPLY("100", "alice")) "]");
	ok(pg.n_notifs == 1 && pg.notifs[0].kind == NOTIF_REPLY, "me as @User@Domain matches too");
	net_page_clear(&pg);

	c.me = "alice@elsewhere.example";
	pg = notif_page(&c, "[" NT("2", "mention", "carol@other.example", REPLY("100", "alice")) "]");
	ok(pg.n_notifs == 1 && pg.notifs[0].kind == NOTIF_MENTION, "another domain's alice is not me");
	net_page_clear(&pg);

	c.me = NULL;
	c.me_id = "100";
	pg = notif_page(&c, "[" NT("2", "mention", "carol@other.example", REPLY("100", "alice")) "]");
	ok(pg.n_notifs == 1 && pg.notifs[0].kind == NOTIF_MENTION, "without me, me_id alone does not make a reply");
	net_page_clear(&pg);
}

static bool header_is(const struct net_request *r, const char *line)
{
	for (size_t i = 0; i < r->n_headers; i++)
		if (strcmp(r->headers[i], line) == 0)
			return true;
	return false;
}

/* cfg->host: the Host header and the domain of local accounts; foreign:
 * no credential, only what is public about one of the server's accounts. */
static void test_host_and_foreign(void)
{
	struct net_config c = { .api_base = "http://127.0.0.1:4000", .host = "b.example:8443", .token = TOKEN,
				.me = "alice@med.example", .me_id = "100" };
	const char *acct[] = { "bob@b.example:8443" };
	struct net_request req;
	struct net_walk w;
	struct net_page pg;
	struct net_response resp;
	size_t used;

	net_walk_start(&w, NET_OP_ACCOUNT, NULL);
	is_int(net_build_page(M, &c, "77", &w, &req), 0, "host: account page");
	is_str(req.url, "http://127.0.0.1:4000/api/v1/accounts/77/statuses?limit=40", "  to the stand-in address");
	ok(header_is(&req, "Host: b.example:8443"), "  Host names the server");
	ok(has_header(&req, "Authorization: Bearer " TOKEN), "  not foreign: the token goes along");
	net_request_clear(&req);
	net_walk_clear(&w);
	is_int(net_build_lookup(M, &c, NET_LOOKUP_ID, acct, 1, &req, &used), 0, "host: lookup");
	ok(header_is(&req, "Host: b.example:8443"), "  Host on the lookup too");
	net_request_clear(&req);

	c.foreign = true;
	is_int(net_build_lookup(M, &c, NET_LOOKUP_ID, acct, 1, &req, &used), 0, "foreign: lookup");
	ok(!has_header(&req, "Authorization"), "  no Authorization, whatever the token");
	ok(header_is(&req, "Host: b.example:8443"), "  still the Host");
	net_request_clear(&req);
	static const enum net_op walks[] = { NET_OP_ACCOUNT, NET_OP_HISTORY };
	for (size_t i = 0; i < 2; i++) {
		net_walk_start(&w, walks[i], NULL);
		ok(net_build_page(M, &c, "77", &w, &req) == 0 && !has_header(&req, "Authorization"),
		   "foreign %s: built, no Authorization", net_op_name(walks[i]));
		net_request_clear(&req);
		net_walk_clear(&w);
	}
	ok(M->can(&c, NET_OP_LOOKUP) && M->can(&c, NET_OP_ACCOUNT) && M->can(&c, NET_OP_HISTORY),
	   "foreign can(): lookup, account, history");
	ok(!M->can(&c, NET_OP_OWN) && !M->can(&c, NET_OP_INTERACTIONS) && !M->can(&c, NET_OP_TAG),
	   "foreign can(): not own, interactions, tag");
	static const enum net_op refused[] = { NET_OP_OWN, NET_OP_INTERACTIONS, NET_OP_TAG };
	for (size_t i = 0; i < 3; i++) {
		net_walk_start(&w, refused[i], NULL);
		ok(net_build_page(M, &c, refused[i] == NET_OP_TAG ? "meded" : NULL, &w, &req) == -ENOTSUP,
		   "foreign %s: not built", net_op_name(refused[i]));
		net_walk_clear(&w);
	}
	net_walk_start(&w, NET_OP_ACCOUNT, NULL);
	resp = fx_inline(401, "{\"error\":\"This API requires an authenticated user\"}", NULL, NOW);
	net_parse(M, &c, NET_OP_ACCOUNT, &resp, &w, &pg);
	ok(pg.err.code == NET_ERR_AUTH && pg.err.scope == NET_SCOPE_ENDPOINT,
	   "foreign 401: this endpoint's rule, not the user's token");
	net_page_clear(&pg);
	net_walk_clear(&w);

	c.foreign = false;
	c.host = "b.example\r\nX-Evil: 1";
	net_walk_start(&w, NET_OP_ACCOUNT, NULL);
	ok(net_build_page(M, &c, "77", &w, &req) == -EINVAL && req.url == NULL && req.n_headers == 0,
	   "a host that would break the header line is refused");
	net_walk_clear(&w);
}

static void rate_case(const char *base, const char *host, const char *want)
{
	struct net_config c = { .api_base = base, .host = host };
	char key[NET_RATE_KEY_MAX];

	if (ok(net_rate_key(M, &c, NET_OP_ACCOUNT, key, sizeof key) == 0, "rate key of %s (host %s)", base,
	       host ? host : "-"))
		is_str(key, want, "  the instance's authority");
}

static void test_rate_keys(void)
{
	struct net_config c = { .api_base = "https://med.example", .host = "a-rather-long-name.example" };
	char key[NET_RATE_KEY_MAX], small[8], tag[NET_RATE_KEY_MAX];

	rate_case("https://Med.Example", NULL, "med.example");
	rate_case("https://med.example:8443/", NULL, "med.example:8443");
	rate_case("https://med.example:443", NULL, "med.example");
	rate_case("http://127.0.0.1:4000", "A.Example", "a.example");
	rate_case("http://127.0.0.1:4000", "b.example:8443", "b.example:8443");
	ok(net_rate_key(M, &c, NET_OP_TAG, tag, sizeof tag) == 0 &&
	   net_rate_key(M, &c, NET_OP_INTERACTIONS, key, sizeof key) == 0 && strcmp(tag, key) == 0,
	   "every endpoint of one instance shares its key");
	is_int(net_rate_key(M, &c, NET_OP_ACCOUNT, small, sizeof small), -EINVAL, "a key that does not fit");
	c.host = NULL;
	c.api_base = "not a url";
	is_int(net_rate_key(M, &c, NET_OP_ACCOUNT, key, sizeof key), -EINVAL, "no authority, no key");
}

static void home_case(const struct net_config *c, const char *id, int want, const char *want_out)
{
	char out[64] = "junk";
	int r = net_home(M, c, id, out, sizeof out);

	if (!ok(r == want, "home(%s) on %s = %d", id, c->host ? c->host : c->api_base, want))
		tap_diag("  got %d", r);
	else if (want == 1)
		is_str(out, want_out, "  its domain, lower-cased, port kept");
}

static void test_home(void)
{
	struct net_config c = { .api_base = "https://med.example" };
	char tiny[4];

	home_case(&c, "alice@med.example", 0, NULL);
	home_case(&c, "Alice@MED.Example", 0, NULL);
	home_case(&c, "alice", 0, NULL);
	home_case(&c, "@alice", 0, NULL);
	home_case(&c, "@bob@other.example", 1, "other.example");
	home_case(&c, "bob@Other.Example", 1, "other.example");
	home_case(&c, "bob@other.example:8443", 1, "other.example:8443");
	home_case(&c, "bob@med.example:8443", 1, "med.example:8443");
	home_case(&c, "bob@bad/host", -EINVAL, NULL);
	home_case(&c, "bob@x@y.example", -EINVAL, NULL);
	is_int(net_home(M, &c, "bob@other.example", tiny, sizeof tiny), -EINVAL, "home: out too small");
	c.host = "B.Example:8443";
	c.api_base = "http://127.0.0.1:4000";
	home_case(&c, "x@b.example:8443", 0, NULL);
	home_case(&c, "x@b.example", 1, "b.example");
	home_case(&c, "x@med.example", 1, "med.example");
	c.host = NULL;
	c.api_base = "http://localhost:3000";
	home_case(&c, "u@localhost:3000", 0, NULL);
	home_case(&c, "u@Med.Example", 1, "med.example");
	is_int(net_home(M, &c, "", tiny, sizeof tiny), -EINVAL, "home of nothing");
	is_int(net_home(net_platform_find("x"), &c, "12", tiny, sizeof tiny), 0, "X: no home");
	is_int(net_home(net_platform_find("bluesky"), &c, "did:plc:abc", tiny, sizeof tiny), 0, "Bluesky: no home");
}

static void test_lookup_counts(void)
{
	struct net_page pg;
	struct net_response resp = fx_inline(200, "{\"id\":\"42\",\"acct\":\"Dana\",\"display_name\":\"D\"}", NULL, NOW);

	net_parse(M, &cfg, NET_OP_LOOKUP, &resp, NULL, &pg);
	if (ok(pg.n_accounts == 1, "lookup of a local account")) {
		is_str(pg.accounts[0].id, "dana@med.example", "  id: acct qualified, lower-cased");
		is_str(pg.accounts[0].handle, "Dana@med.example", "  handle as written");
		is_str(pg.accounts[0].local_id, "42", "  local_id");
		is_int(pg.accounts[0].n_posts, -1, "  no statuses_count: -1");
	}
	net_page_clear(&pg);
	resp = fx_inline(200, "{\"id\":\"42\",\"username\":\"dana\"}", NULL, NOW);
	net_parse(M, &cfg, NET_OP_LOOKUP, &resp, NULL, &pg);
	ok(pg.n_accounts == 0 && pg.err.code == NET_ERR_MALFORMED, "lookup without acct: malformed");
	net_page_clear(&pg);
}

int main(void)
{
	M = net_platform_find("mastodon");
	if (!ok(M != NULL, "mastodon registered"))
		return tap_done();
	test_build();
	test_statuses();
	test_opaque_ids();
	test_quote_states();
	test_quote_notif_pending();
	test_spoiler_plain();
	test_instance_port();
	test_notifications();
	test_lookup_and_errors();
	test_identity();
	test_same_from_every_instance();
	test_notif_identity();
	test_host_and_foreign();
	test_rate_keys();
	test_home();
	test_lookup_counts();
	return tap_done();
}
