/* test_net_bluesky.c — Bluesky adapter: requests (public AppView vs PDS with
 * a session), feed/search/notification parsing with unions, the
 * walk-until-known-URI logic, sessions. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/utf8.h"
#include "net/net.h"
#include "net_testutil.h"
#include "tap.h"

#define NOW 1750000000
#define ACCESS "access.jwt.token-1234"
#define F1_URI "at://did:plc:alice/app.bsky.feed.post/3lbq2example2k"
#define F1_WM "1730542830000 " F1_URI

static const struct net_platform *B;
static struct net_config cfg = {
	.api_base = "https://public.api.bsky.app", .pds_base = "https://bsky.social",
	.token = ACCESS, .refresh_token = "refresh.jwt.token-5678", .identifier = "alice.med.example",
	.password = "pa\"ss\\word-xxxx", .me = "alice.med.example", .me_id = "did:plc:alice",
};

static bool has_header(const struct net_request *r, const char *line)
{
	for (size_t i = 0; i < r->n_headers; i++)
		if (strcmp(r->headers[i], line) == 0)
			return true;
	return false;
}

static bool has_auth(const struct net_request *r)
{
	for (size_t i = 0; i < r->n_headers; i++)
		if (strncmp(r->headers[i], "Authorization:", 14) == 0)
			return true;
	return false;
}

static int parse_fixture(const char *name, enum net_op op, struct net_walk *w, struct net_page *pg)
{
	return fx_parse(B, &cfg, name, NOW, op, w, pg);
}

static void test_build(void)
{
	struct net_request req;
	struct net_walk w;
	size_t used;
	const char *one[] = { "@carol.bsky.social" };
	const char *three[] = { "carol.bsky.social", "did:plc:bob", "dan.example.org" };
	const char *bad[] = { "ok.bsky.social", "has space" };
	struct net_config c2 = cfg;

	is_int(net_build_lookup(B, &cfg, NET_LOOKUP_HANDLE, one, 1, &req, &used), 0, "lookup one");
	is_str(req.url, "https://public.api.bsky.app/xrpc/app.bsky.actor.getProfile?actor=carol.bsky.social",
	       "  getProfile on the public AppView");
	ok(!has_auth(&req), "  no token to the public host");
	net_request_clear(&req);
	is_int(net_build_lookup(B, &cfg, NET_LOOKUP_ID, three, 3, &req, &used), 0, "lookup three");
	is_str(req.url, "https://public.api.bsky.app/xrpc/app.bsky.actor.getProfiles?actors=carol.bsky.social"
			"&actors=did%3Aplc%3Abob&actors=dan.example.org", "  getProfiles");
	net_request_clear(&req);
	is_int(net_build_lookup(B, &cfg, NET_LOOKUP_HANDLE, bad, 2, &req, &used), -EINVAL, "bad handle");
	is_int(used, 1, "  n_used points at it");

	net_walk_start(&w, NET_OP_ACCOUNT, F1_WM);
	w.page_token = strdup("2024-11-02T09:00:01.000Z");
	is_int(net_build_page(B, &cfg, "did:plc:alice", &w, &req), 0, "author feed page");
	is_str(req.url, "https://public.api.bsky.app/xrpc/app.bsky.feed.getAuthorFeed?actor=did%3Aplc%3Aalice"
			"&filter=posts_with_replies&limit=25&cursor=2024-11-02T09%3A00%3A01.000Z", "  URL with cursor");
	net_request_clear(&req);
	net_walk_clear(&w);

	net_walk_start(&w, NET_OP_TAG, F1_WM);
	is_int(net_build_page(B, &cfg, "#MedEd", &w, &req), 0, "tag search");
	is_str(req.url, "https://bsky.social/xrpc/app.bsky.feed.searchPosts?q=%23MedEd&sort=latest"
			"&since=2024-11-02T10%3A18%3A30.000Z&limit=25", "  via the PDS, since = watermark - skew");
	ok(has_header(&req, "Authorization: Bearer " ACCESS), "  with the session token");
	net_request_clear(&req);
	c2.token = NULL;
	is_int(net_build_page(B, &c2, "MedEd", &w, &req), -ENOKEY, "tag search without a session: -ENOKEY");
	ok(!B->can(&c2, NET_OP_TAG) && B->can(&c2, NET_OP_ACCOUNT), "  can(): search needs a session");
	is_int(net_build_page(B, &cfg, "Med Ed", &w, &req), -EINVAL, "tag with a space refused");
	net_walk_clear(&w);

	net_walk_start(&w, NET_OP_INTERACTIONS, NULL);
	is_int(net_build_page(B, &cfg, NULL, &w, &req), 0, "notifications");
	is_str(req.url, "https://bsky.social/xrpc/app.bsky.notification.listNotifications?limit=25", "  on the PDS");
	ok(has_header(&req, "Authorization: Bearer " ACCESS), "  authenticated");
	net_request_clear(&req);
	net_walk_clear(&w);

	net_walk_start(&w, NET_OP_OWN, NULL);
	c2 = cfg;
	c2.api_base = "https://bsky.social/";
	is_int(net_build_page(B, &c2, NULL, &w, &req), 0, "own feed through the PDS");
	ok(req.url && strstr(req.url, "actor=did%3Aplc%3Aalice"), "  me_id as actor");
	ok(has_auth(&req), "  token sent when the AppView is the PDS");
	net_request_clear(&req);
	net_walk_clear(&w);

	is_int(net_build_session(B, &cfg, NET_OP_SESSION_CREATE, &req), 0, "createSession");
	is_str(req.method, "POST", "  POST");
	is_str(req.url, "https://bsky.social/xrpc/com.atproto.server.createSession", "  URL");
	is_str(req.content_type, "application/json", "  JSON body");
	is_str(req.body, "{\"identifier\":\"alice.med.example\",\"password\":\"pa\\\"ss\\\\word-xxxx\"}",
	       "  password escaped as JSON");
	is_int(req.body_len, strlen(req.body), "  body_len");
	for (size_t i = 0; i < req.n_headers; i++)
		ok(strncasecmp(req.headers[i], "Content-Type", 12) != 0, "  header %zu is not Content-Type "
		   "(the HTTP layer sends content_type)", i);
	net_request_clear(&req);
	is_int(net_build_session(B, &cfg, NET_OP_SESSION_REFRESH, &req), 0, "refreshSession");
	ok(has_header(&req, "Authorization: Bearer refresh.jwt.token-5678") && !req.body, "  refresh token, no body");
	net_request_clear(&req);
	c2 = cfg;
	c2.password = NULL;
	is_int(net_build_session(B, &c2, NET_OP_SESSION_CREATE, &req), -ENOKEY, "no password: -ENOKEY");
}

static const struct post *find_post(const struct net_page *pg, const char *id)
{
	for (size_t i = 0; i < pg->n_posts; i++)
		if (strcmp(pg->posts[i].id, id) == 0)
			return &pg->posts[i];
	return NULL;
}

static void test_feed(void)
{
	struct net_walk w;
	struct net_page pg;
	const struct post *p;

	net_walk_start(&w, NET_OP_ACCOUNT, NULL);
	is_int(parse_fixture("author-feed.json", NET_OP_ACCOUNT, &w, &pg), 0, "author feed parses");
	is_int(pg.err.code, NET_OK, "  ok");
	is_int(pg.n_posts, 10, "  10 posts (pin included)");
	is_int(pg.n_ignored, 2, "  unknown reason and non-post record skipped");
	is_int(pg.n_invalid, 2, "  2 with wrong types dropped");
	is_int(pg.rate.reset, 1750000300, "  RateLimit-Reset epoch");
	is_int(pg.rate.window, 300, "  policy window");

	p = find_post(&pg, F1_URI);
	if (ok(p != NULL, "faceted post present")) {
		is_str(p->key, F1_URI, "  key = at:// URI");
		is_str(p->text, "New #MedEd module with @carol.bsky.social \xE2\x80\x94 see https://example.org \xF0\x9F\xA9\xBA",
		       "  text kept as UTF-8");
		ok(p->n_tags == 2 && strcmp(p->tags[0], "meded") == 0 && strcmp(p->tags[1], "cardiology") == 0,
		   "  facet tags + record tags, deduplicated");
		ok(p->n_mentions >= 1 && strcmp(p->mentions[0], "carol.bsky.social") == 0 &&
		   strcmp(p->mention_ids[0], "did:plc:carol") == 0, "  mention handle from the byte range, DID as id");
		is_int(p->n_mentions, 2, "  out-of-range facet falls back to the DID");
		is_int(p->created_at, 1730542830, "  createdAt with +00:00");
		ok(p->n_likes == 12 && p->n_replies == 1 && p->n_reposts == 0 && p->n_quotes == 0, "  missing counts are 0");
		is_str(p->url, "https://bsky.app/profile/alice.med.example/post/3lbq2example2k", "  web URL");
		is_str(p->author_name, "Alice A.", "  display name");
	}
	p = find_post(&pg, "at://did:plc:alice/app.bsky.feed.post/3lbq2reply0001");
	if (ok(p != NULL, "reply to a deleted post present")) {
		is_str(p->reply_to.id, "at://did:plc:erin/app.bsky.feed.post/3lbpzgone00ab", "  parent from the record");
		is_str(p->reply_to.author_id, "did:plc:erin", "  parent author from its URI");
		ok(p->reply_to.author_handle == NULL, "  notFoundPost: no handle");
	}
	p = find_post(&pg, "at://did:plc:alice/app.bsky.feed.post/3lbq2reply0002");
	if (ok(p != NULL, "reply to a postView present")) {
		is_str(p->reply_to.author_handle, "bob.bsky.social", "  parent handle from the reply context");
		is_int(p->created_at, 1730541600, "  createdAt with -03:00");
	}
	p = find_post(&pg, "at://did:plc:alice/app.bsky.feed.repost/3lbq1repost11");
	if (ok(p != NULL, "repost present (keyed by the repost record)")) {
		is_int(p->kind, POST_REPOST, "  kind repost");
		is_str(p->author_id, "did:plc:alice", "  reposter is the author");
		is_str(p->repost_of.id, "at://did:plc:carol/app.bsky.feed.post/3lbnrepost0aa", "  target");
		is_str(p->repost_of.author_handle, "carol.bsky.social", "  target author");
		is_str(p->text, "Applications for the #MedEd fellowship are open", "  target text");
		is_int(p->created_at, 1730541000, "  time of the repost");
		ok(p->n_likes == -1, "  counts unknown");
		ok(p->reply_to.id == NULL && p->quote_of.id == NULL, "  no reply/quote refs");
	}
	p = find_post(&pg, "at://did:plc:alice/app.bsky.feed.post/3lbq1quote0001");
	if (ok(p != NULL, "quote present")) {
		is_int(p->kind, POST_QUOTE, "  kind quote");
		is_str(p->quote_of.id, "at://did:plc:carol/app.bsky.feed.post/3lbq0quoted01", "  quoted URI");
		is_str(p->quote_of.author_handle, "carol.bsky.social", "  quoted author");
	}
	p = find_post(&pg, "at://did:plc:alice/app.bsky.feed.post/3lbq1quote0002");
	if (ok(p != NULL, "quote of a blocked post present")) {
		is_int(p->kind, POST_QUOTE, "  still a quote");
		is_str(p->quote_of.author_id, "did:plc:dave", "  blocked author's DID");
	}
	p = find_post(&pg, "at://did:plc:alice/app.bsky.feed.post/3lbq1quote0003");
	if (ok(p != NULL, "recordWithMedia quote of a deleted post present")) {
		is_int(p->kind, POST_QUOTE, "  a quote");
		is_str(p->quote_of.id, "at://did:plc:erin/app.bsky.feed.post/3lbq0deleted1", "  quoted URI");
	}
	p = find_post(&pg, "at://did:plc:alice/app.bsky.feed.post/3lbq1feedgen01");
	ok(p && p->kind == POST_ORIGINAL && !p->quote_of.id, "embedded feed generator is not a quote");
	p = find_post(&pg, "at://did:plc:alice/app.bsky.feed.post/3lbq1oldest001");
	if (ok(p != NULL, "post with handle.invalid present")) {
		is_str(p->url, "https://bsky.app/profile/did:plc:alice/post/3lbq1oldest001", "  URL uses the DID");
		is_int(p->created_at, 4070908800, "  client createdAt kept (future)");
	}
	ok(w.done, "first sync: one page");
	is_str(w.new_watermark, F1_WM, "watermark: newest sortAt + URI, the pin ignored");
	is_str(w.page_token, "2024-11-02T09:00:01.000Z", "cursor kept");
	net_page_clear(&pg);
	net_walk_clear(&w);
}

static bool known_quote(void *ctx, const char *key)
{
	(*(int *)ctx)++;
	return strcmp(key, "at://did:plc:alice/app.bsky.feed.post/3lbq1quote0001") == 0;
}

static void walk_case(const char *wm, bool want_done, const char *name)
{
	struct net_walk w;
	struct net_page pg;

	net_walk_start(&w, NET_OP_ACCOUNT, wm);
	parse_fixture("author-feed.json", NET_OP_ACCOUNT, &w, &pg);
	is_int(w.done, want_done, name);
	net_page_clear(&pg);
	net_walk_clear(&w);
}

static void test_walk(void)
{
	struct net_walk w;
	struct net_page pg;
	int calls = 0;

	walk_case(F1_WM, true, "stops at the watermark URI");
	walk_case("1730541000000 at://did:plc:alice/app.bsky.feed.repost/3lbq1repost11", true,
		  "stops at a known repost record");
	walk_case("1730540000000 at://did:plc:gone/app.bsky.feed.post/deleted", true,
		  "watermark post deleted: stops at an older sortAt");
	walk_case("1730538000000 at://did:plc:gone/app.bsky.feed.post/deleted", false,
		  "all newer than the watermark: next page needed");
	walk_case("at://did:plc:alice/app.bsky.feed.post/3pin0000000aa", false,
		  "a pinned post never ends the walk");

	net_walk_start(&w, NET_OP_ACCOUNT, "1 at://none");
	w.is_known = known_quote;
	w.known_ctx = &calls;
	parse_fixture("author-feed.json", NET_OP_ACCOUNT, &w, &pg);
	ok(w.done && calls > 0, "is_known() stops the walk");
	is_str(w.new_watermark, F1_WM, "  new watermark from page 1");
	net_page_clear(&pg);
	/* The next page of a walk keeps page 1's watermark. */
	w.done = false;
	parse_fixture("search-posts.json", NET_OP_ACCOUNT, &w, &pg);
	is_str(w.new_watermark, F1_WM, "page 2 does not move the watermark");
	net_page_clear(&pg);
	net_walk_clear(&w);
}

static void test_search(void)
{
	struct net_walk w;
	struct net_page pg;

	net_walk_start(&w, NET_OP_TAG, NULL);
	parse_fixture("search-posts.json", NET_OP_TAG, &w, &pg);
	is_int(pg.n_posts, 2, "search: 2 posts");
	if (pg.n_posts == 2) {
		is_int(pg.posts[0].created_at, 1730674800, "  createdAt with -05:00");
		ok(pg.posts[1].n_tags == 1 && strcmp(pg.posts[1].tags[0], "meded") == 0, "  tag from record.tags");
		ok(pg.posts[1].author_name == NULL, "  no display name");
	}
	is_str(w.page_token, "25", "  numeric offset cursor");
	ok(w.done, "  first sync: done");
	is_int(pg.rate.remaining, 2980, "  capitalised rate headers");
	net_page_clear(&pg);
	net_walk_clear(&w);
}

#define LINK_URI(rkey) "at://did:plc:hana/app.bsky.feed.post/" rkey

static void link_text(const struct net_page *pg, const char *rkey, const char *want, const char *name)
{
	const struct post *p = find_post(pg, rkey);

	if (!ok(p != NULL, "%s: present", name))
		return;
	is_str(p->text, want, name);
	ok(utf8_text_valid(p->text, strlen(p->text)), "  valid UTF-8");
}

/* Shortened link labels give way to the facet's full URL; link cards add
 * their URL on a last line; nothing malformed is applied. */
static void test_links(void)
{
	struct net_walk w;
	struct net_page pg;
	const struct post *p;

	net_walk_start(&w, NET_OP_TAG, NULL);
	parse_fixture("links.json", NET_OP_TAG, &w, &pg);
	ok(pg.err.code == NET_OK && pg.n_posts == 12 && pg.n_invalid == 0, "links: 12 posts, none dropped");
	link_text(&pg, LINK_URI("3llinkutf8001"), "Caf\xC3\xA9 \xE2\x98\x95 see https://doi.org/10.5281/zenodo.1234567 and "
		  "https://r\xC3\xA9.example/\xC3\xA7\xC3\xA0/r\xC3\xA9sum\xC3\xA9 #MedEd @carol.bsky.social",
		  "multi-byte text before and inside the labels: both replaced");
	p = find_post(&pg, LINK_URI("3llinkutf8001"));
	ok(p && p->n_mentions == 1 && strcmp(p->mentions[0], "carol.bsky.social") == 0 && p->n_tags == 1,
	   "  mention and tag still read from the original offsets");
	link_text(&pg, LINK_URI("3llinkbad0002"), "Caf\xC3\xA9 \xE2\x98\x95 doi.org/a... ok",
		  "malformed facets (range, cut character, types, URI) leave the label");
	link_text(&pg, LINK_URI("3llinkorder03"), "see https://a.example/xxx and https://b.example/yyy end",
		  "unsorted facets applied in text order; overlapping ones skipped");
	link_text(&pg, LINK_URI("3llinknone004"), "Hello @carol.bsky.social #tag", "mentions and tags only: unchanged");
	link_text(&pg, LINK_URI("3llinkfull005"), "see https://example.org/x now",
		  "label already the URL, card the same: unchanged");
	link_text(&pg, LINK_URI("3llinkcard006"), "Read this\nhttps://example.org/card", "card: URL on a last line");
	p = find_post(&pg, LINK_URI("3llinkrwm0007"));
	ok(p && p->kind == POST_QUOTE && strcmp(p->text, "Quote with a card\nhttps://example.org/rwm") == 0,
	   "recordWithMedia: still a quote, its card's URL appended");
	link_text(&pg, LINK_URI("3llinkboth008"), "see https://example.org/long/path",
		  "card URL already in the rebuilt text: not repeated");
	link_text(&pg, LINK_URI("3llinkempty09"), "https://example.org/only", "empty text: the card URL alone");
	link_text(&pg, LINK_URI("3llinkrec0010"), "No view here\nhttps://example.org/recordonly",
		  "no view: the record's own embed");
	link_text(&pg, LINK_URI("3llinkbadc011"), "Bad cards", "unusable card URLs: nothing appended");
	link_text(&pg, LINK_URI("3llinkimgs012"), "Pictures", "images are no card");
	net_page_clear(&pg);
	net_walk_clear(&w);
}

/* Notifications carry only the record: facets and its embed still apply. */
static void test_links_notif(void)
{
	struct net_walk w;
	struct net_page pg;
	struct net_response resp = fx_inline(200, "{\"notifications\":[{\"uri\":\"at://did:plc:bob/app.bsky.feed.post/3lnlinks00001\","
		"\"cid\":\"n1\",\"author\":{\"did\":\"did:plc:bob\",\"handle\":\"bob.bsky.social\"},\"reason\":\"mention\","
		"\"record\":{\"$type\":\"app.bsky.feed.post\",\"text\":\"hi @alice.med.example see ex.org/a...\","
		"\"createdAt\":\"2025-07-01T10:00:00Z\",\"facets\":["
		"{\"index\":{\"byteStart\":3,\"byteEnd\":21},\"features\":[{\"$type\":\"app.bsky.richtext.facet#mention\",\"did\":\"did:plc:alice\"}]},"
		"{\"index\":{\"byteStart\":26,\"byteEnd\":37},\"features\":[{\"$type\":\"app.bsky.richtext.facet#link\",\"uri\":\"https://ex.org/abc\"}]}],"
		"\"embed\":{\"$type\":\"app.bsky.embed.external\",\"external\":{\"uri\":\"https://card.example/\",\"title\":\"t\",\"description\":\"\"}}},"
		"\"isRead\":false,\"indexedAt\":\"2025-07-01T10:00:01Z\"}]}", NULL, NOW);

	net_walk_start(&w, NET_OP_INTERACTIONS, NULL);
	net_parse(B, &cfg, NET_OP_INTERACTIONS, &resp, &w, &pg);
	ok(pg.n_notifs == 1 && pg.notifs[0].post &&
	   strcmp(pg.notifs[0].post->text, "hi @alice.med.example see https://ex.org/abc\nhttps://card.example/") == 0,
	   "mention notification: link rebuilt, card appended");
	ok(pg.n_notifs == 1 && pg.notifs[0].post && pg.notifs[0].post->n_mentions == 1, "  mention kept");
	net_page_clear(&pg);
	net_walk_clear(&w);
}

static void test_notifications(void)
{
	struct net_walk w;
	struct net_page pg;

	net_walk_start(&w, NET_OP_INTERACTIONS, NULL);
	parse_fixture("notifications.json", NET_OP_INTERACTIONS, &w, &pg);
	is_int(pg.n_notifs, 7, "notifications: 7");
	is_int(pg.n_invalid, 1, "  one without an author dropped");
	if (pg.n_notifs == 7) {
		const struct notif *n = pg.notifs;

		is_int(n[0].kind, NOTIF_LIKE, "  like");
		is_str(n[0].subject_id, F1_URI, "  liked post");
		is_str(n[0].id, "at://did:plc:bob/app.bsky.feed.like/3lnlike000001", "  id = record URI");
		is_int(n[1].kind, NOTIF_REPOST, "  repost");
		is_str(n[1].subject_id, F1_URI, "  subject from the record when reasonSubject is absent");
		is_int(n[2].kind, NOTIF_FOLLOW, "  follow");
		ok(n[2].actor_name == NULL, "  empty display name is absent");
		is_int(n[3].kind, NOTIF_MENTION, "  mention");
		ok(n[3].post && n[3].post->n_mentions == 1 && strcmp(n[3].post->mentions[0], "alice.med.example") == 0,
		   "  acting post with the mention");
		is_int(n[4].kind, NOTIF_REPLY, "  reply");
		is_str(n[4].subject_id, F1_URI, "  replied-to post from record.reply.parent");
		ok(n[4].post && strcmp(n[4].post->text, "nice!") == 0 && n[4].post->n_likes == -1, "  reply post, counts unknown");
		is_int(n[5].kind, NOTIF_QUOTE, "  quote");
		ok(n[5].post && n[5].post->kind == POST_QUOTE && strcmp(n[5].post->quote_of.id, F1_URI) == 0,
		   "  quote ref from the record embed");
		is_int(n[6].kind, NOTIF_OTHER, "  unknown reason → other");
		is_int(n[0].created_at, 1730543400, "  time from the record");
	}
	is_str(w.new_watermark, "1730543401000 at://did:plc:bob/app.bsky.feed.like/3lnlike000001",
	       "  watermark: newest indexedAt + URI");
	net_page_clear(&pg);
	net_walk_clear(&w);
}

static void test_lookup_session(void)
{
	struct net_page pg;
	struct net_session s;
	char *enc;

	parse_fixture("profile.json", NET_OP_LOOKUP, NULL, &pg);
	if (ok(pg.n_accounts == 1, "profile: one account")) {
		is_str(pg.accounts[0].id, "did:plc:carol", "  DID");
		is_str(pg.accounts[0].handle, "carol.bsky.social", "  handle");
		is_str(pg.accounts[0].name, "Carol C.", "  name");
		ok(pg.accounts[0].bio && strstr(pg.accounts[0].bio, "@dr_carol on X"), "  bio");
		is_str(pg.accounts[0].url, "https://bsky.app/profile/carol.bsky.social", "  URL");
		is_int(pg.accounts[0].n_posts, 99, "  n_posts: postsCount");
		ok(pg.accounts[0].local_id == NULL, "  no local id: the DID is the server's");
	}
	net_page_clear(&pg);

	parse_fixture("session.json", NET_OP_SESSION_CREATE, NULL, &pg);
	is_int(pg.err.code, NET_OK, "session parses");
	is_str(pg.session.did, "did:plc:me7testaaaaaaaaaaaaaaaaa", "  did");
	is_str(pg.session.handle, "alice.med.example", "  handle");
	is_str(pg.session.pds_base, "https://pds.med.example", "  PDS from the DID document");
	is_int(pg.session.access_expires, 1750007200, "  access exp from the JWT");
	is_int(pg.session.refresh_expires, 1755184000, "  refresh exp from the JWT");
	enc = net_session_encode(&pg.session);
	ok(enc != NULL, "  encodes");
	if (enc) {
		is_int(net_session_decode(enc, strlen(enc), &s), 0, "  decodes");
		ok(s.access_jwt && strcmp(s.access_jwt, pg.session.access_jwt) == 0 &&
		   s.access_expires == 1750007200 && strcmp(s.pds_base, "https://pds.med.example") == 0, "  round trip");
		net_session_clear(&s);
		free(enc);
	}
	is_int(net_session_decode("{\"did\":\"x\"}", 11, &s), -EINVAL, "  decode needs both tokens");
	net_page_clear(&pg);
}

static void test_errors(void)
{
	struct net_walk w;
	struct net_page pg;
	struct net_response resp;

	net_walk_start(&w, NET_OP_INTERACTIONS, NULL);
	parse_fixture("expired-token-400.json", NET_OP_INTERACTIONS, &w, &pg);
	is_int(pg.err.code, NET_ERR_SESSION_EXPIRED, "ExpiredToken: refresh the session");
	ok(w.pages == 0 && !w.new_watermark, "  walk untouched");
	net_page_clear(&pg);
	parse_fixture("expired-token-400.json", NET_OP_SESSION_REFRESH, NULL, &pg);
	ok(pg.err.code == NET_ERR_SESSION_EXPIRED && strstr(pg.err.msg, "log in again"),
	   "ExpiredToken on refresh: log in again (%s)", pg.err.msg);
	net_page_clear(&pg);
	net_walk_clear(&w);

	net_walk_start(&w, NET_OP_TAG, NULL);
	parse_fixture("rate-429.json", NET_OP_TAG, &w, &pg);
	is_int(pg.err.code, NET_ERR_RATE_LIMITED, "429: rate limited");
	is_int(pg.err.retry_at, NOW + 30, "  Retry-After wins");
	is_int(pg.rate.retry_after, NOW + 30, "  rate.retry_after");
	net_page_clear(&pg);
	parse_fixture("waf-403.json", NET_OP_TAG, &w, &pg);
	is_int(pg.err.code, NET_ERR_BLOCKED, "HTML 403: blocked, not an auth failure");
	is_int(pg.err.scope, NET_SCOPE_ENDPOINT, "  endpoint scope");
	net_page_clear(&pg);
	net_walk_clear(&w);

	net_walk_start(&w, NET_OP_ACCOUNT, NULL);
	parse_fixture("not-found-400.json", NET_OP_ACCOUNT, &w, &pg);
	ok(pg.err.code == NET_ERR_NOT_FOUND && pg.err.scope == NET_SCOPE_TARGET, "Profile not found: target gone");
	net_page_clear(&pg);

	resp = fx_inline(400, "{\"error\":\"BlockedByActor\",\"message\":\"Requester is blocked by actor\"}", NULL, NOW);
	net_parse(B, &cfg, NET_OP_ACCOUNT, &resp, &w, &pg);
	is_int(pg.err.code, NET_ERR_NOT_FOUND, "BlockedByActor: target unavailable");
	net_page_clear(&pg);
	resp = fx_inline(401, "{\"error\":\"AuthenticationRequired\",\"message\":\"Invalid identifier or password\"}", NULL, NOW);
	net_parse(B, &cfg, NET_OP_SESSION_CREATE, &resp, NULL, &pg);
	ok(pg.err.code == NET_ERR_AUTH && pg.err.scope == NET_SCOPE_NETWORK, "createSession 401: auth, network");
	net_page_clear(&pg);
	resp = fx_inline(502, "{\"error\":\"UpstreamFailure\",\"message\":\"upstream\"}", NULL, NOW);
	net_parse(B, &cfg, NET_OP_ACCOUNT, &resp, &w, &pg);
	is_int(pg.err.code, NET_ERR_SERVER, "502: server");
	net_page_clear(&pg);
	resp = fx_inline(200, "{\"feed\":\"nope\"}", NULL, NOW);
	net_parse(B, &cfg, NET_OP_ACCOUNT, &resp, &w, &pg);
	is_int(pg.err.code, NET_ERR_MALFORMED, "feed not an array: malformed");
	net_page_clear(&pg);
	resp = fx_inline(200, "{\"feed\":[null, 3, \"x\", {\"post\":null}, {\"post\":{\"uri\":\"at://did:plc:a/app.bsky.feed.post/1\","
			       "\"author\":{\"handle\":\"no-did\"},\"record\":{\"text\":\"t\"}}}]}", NULL, NOW);
	net_parse(B, &cfg, NET_OP_ACCOUNT, &resp, &w, &pg);
	ok(pg.err.code == NET_OK && pg.n_posts == 0 && pg.n_invalid == 5, "junk items dropped one by one");
	ok(w.done && !w.new_watermark, "  empty first page: done, nothing to store");
	net_page_clear(&pg);
	net_walk_clear(&w);
}

int main(void)
{
	B = net_platform_find("bluesky");
	if (!ok(B != NULL, "bluesky registered"))
		return tap_done();
	test_build();
	test_feed();
	test_walk();
	test_search();
	test_links();
	test_links_notif();
	test_notifications();
	test_lookup_session();
	test_errors();
	return tap_done();
}
