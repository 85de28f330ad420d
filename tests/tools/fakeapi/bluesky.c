/* bluesky.c — Bluesky, AppView and PDS on one port: handle resolution,
 * profiles, author feeds, post search, notifications and sessions. Posts are
 * records with byte-offset facets inside postViews; feed items carry repost
 * reasons and reply parents (some not found or blocked). Public reads need
 * no auth; searchPosts and listNotifications need an access JWT from
 * createSession. A Bearer token that is expired gets 400 ExpiredToken on
 * every endpoint, like a PDS. Feed and notification cursors are the ISO time
 * of the last item; search cursors are offsets. With --bluesky-appview the
 * AppView is a server of its own, told apart by the Host header: a view
 * with its own rate buckets (every endpoint still answers on both). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fakeapi.h"

/* rate buckets and endpoints, indexes into the tables at the end */
enum { BB_API, BB_SESSION };
enum { BE_RESOLVE, BE_PROFILE, BE_FEED, BE_SEARCH, BE_NOTIFS, BE_SEEN, BE_CREATE, BE_REFRESH, BE_TIMELINE,
       BE_FOLLOWS };

/* --- identifiers: DIDs are the world's (world.c); record keys and CIDs --- */

static const char S32[] = "234567abcdefghijklmnopqrstuvwxyz";        /* TIDs: sortable */

/* A TID (13 chars of base32-sortable): 53 bits of microseconds, 10 bits of clock id. */
static void tid(int64_t ms, uint32_t clock_id, char out[14])
{
	uint64_t v = ((uint64_t)ms * 1000ULL << 10) | (clock_id & 1023);
	for (int i = 12; i >= 0; i--) {
		out[i] = S32[v & 31];
		v >>= 5;
	}
	out[13] = '\0';
}

static void post_uri(const struct fake *f, uint32_t a, int64_t t, const char *coll, char out[96])
{
	char did[40], rk[14];
	world_did_of(f, a, did);
	tid(t, a, rk);
	snprintf(out, 96, "at://%s/%s/%s", did, coll, rk);
}

static void cid_of(const struct fake *f, int net, uint32_t a, int64_t t, uint64_t salt, char out[64])
{
	memcpy(out, "bafyrei", 7);
	util_b32_fill(out + 7, 52, util_mix64(f->seed ^ (uint64_t)t ^ ((uint64_t)a << 40) ^ (salt << 60) ^ (uint64_t)net));
}

/* --- rendering --- */

static void b_profile(struct rctx *c, uint32_t a, int detail)   /* 0 basic, 1 view, 2 detailed */
{
	struct jw *j = c->j;
	struct fake *f = c->f;
	char did[40], handle[48], dname[64], u[160], ts[32], cid[64];

	world_did_of(f, a, did);
	world_acct_name(f, a, handle);
	strcat(handle, ".bsky.social");
	world_display_name(f, a, dname);
	cid_of(f, NET_B, a, 0, 7, cid);
	jw_obj(j);
	render_kid(c, "did", did);
	jw_kstr(j, "handle", handle);
	render_ktext(c, "displayName", dname);
	snprintf(u, sizeof u, "https://cdn.bsky.app/img/avatar/plain/%s/%s@jpeg", did, cid);
	jw_kstr(j, "avatar", u);
	jw_kobj(j, "associated");
	jw_kobj(j, "chat");
	jw_kstr(j, "allowIncoming", "following");
	jw_end(j);
	jw_end(j);
	jw_kobj(j, "viewer");
	jw_kbool(j, "muted", false);
	jw_kbool(j, "blockedBy", false);
	if (c->authed && feed_follows(f, NET_B, a)) {     /* with a session: whom me follows */
		char me_did[40], rkey[14];
		world_did_of(f, 0, me_did);
		tid(f->end_ms - (int64_t)(util_mix64(a + 9) % DAY_MS), a & 1023, rkey);
		snprintf(u, sizeof u, "at://%s/app.bsky.graph.follow/%s", me_did, rkey);
		jw_kstr(j, "following", u);
	}
	jw_end(j);
	jw_karr(j, "labels"); jw_aend(j);
	clock_iso_ms(f->end_ms - f->span_ms - (int64_t)(util_mix64(a) % (600 * DAY_MS)), ts);
	jw_kstr(j, "createdAt", ts);
	if (detail >= 1) {
		jw_kstr(j, "description", a ? follows_bio(f, a, "Clinician educator. #meded") : "Resident, learning every day.");
		jw_kstr(j, "indexedAt", ts);
	}
	if (detail >= 2) {
		snprintf(u, sizeof u, "https://cdn.bsky.app/img/banner/plain/%s/%s@jpeg", did, cid);
		jw_kstr(j, "banner", u);
		jw_kint(j, "followersCount", (long long)(util_mix64(a + 7) % 5000));
		jw_kint(j, "followsCount", (long long)(util_mix64(a + 8) % 800));
		jw_kint(j, "postsCount", world_count_upto(f, NET_B, a, c->now));
	}
	jw_end(j);
}

static void b_strong_ref(struct rctx *c, const char *key, const struct post *p)
{
	char uri[96], cid[64];
	post_uri(c->f, p->a, p->t, "app.bsky.feed.post", uri);
	cid_of(c->f, NET_B, p->a, p->t, 1, cid);
	jw_kobj(c->j, key);
	jw_kstr(c->j, "cid", cid);
	jw_kstr(c->j, "uri", uri);
	jw_end(c->j);
}

static void b_root(struct fake *f, const struct post *p, struct post *root)
{
	*root = *p;
	for (int d = 0; d < 10 && root->type == P_REPLY; d++)
		world_post_get(f, NET_B, (uint32_t)root->tgt_a, (uint32_t)root->tgt_j, root);
}

/* the post record: text with facets (UTF-8 byte offsets), reply refs, quote embed */
static void b_record(struct rctx *c, const struct post *p)
{
	struct jw *j = c->j;
	struct fake *f = c->f;
	struct segs sg;
	struct buf text = { 0 };
	struct { size_t s, e; int k; int32_t v; } fc[48];
	int nf = 0;
	char ts[32], name[24], did[40];

	render_compose(f, p, &sg);
	buf_puts(&text, "");
	for (int i = 0; i < sg.n; i++) {
		size_t start;
		if (i)
			buf_putc(&text, ' ');
		start = text.len;
		if (sg.s[i].k == S_WORD || sg.s[i].k == S_TEXT) {
			buf_puts(&text, sg.s[i].s);
			continue;
		}
		if (sg.s[i].k == S_MENTION) {
			world_acct_name(f, (uint32_t)sg.s[i].v, name);
			buf_printf(&text, "@%s.bsky.social", name);
		} else if (sg.s[i].k == S_TAG) {
			buf_printf(&text, "#%s", f->tags[sg.s[i].v]);
		}
		fc[nf].s = start;
		fc[nf].e = text.len;
		fc[nf].k = sg.s[i].k;
		fc[nf++].v = sg.s[i].v;
	}
	jw_obj(j);
	jw_kstr(j, "$type", "app.bsky.feed.post");
	clock_iso_ms(p->t, ts);
	jw_kstr(j, "createdAt", ts);
	jw_karr(j, "langs"); jw_str(j, "en"); jw_aend(j);
	if (p->type == P_REPLY) {
		struct post parent, root;
		world_post_get(f, NET_B, (uint32_t)p->tgt_a, (uint32_t)p->tgt_j, &parent);
		b_root(f, &parent, &root);
		jw_kobj(j, "reply");
		b_strong_ref(c, "parent", &parent);
		b_strong_ref(c, "root", &root);
		jw_end(j);
	}
	if (p->type == P_QUOTE) {
		struct post t;
		world_post_get(f, NET_B, (uint32_t)p->tgt_a, (uint32_t)p->tgt_j, &t);
		jw_kobj(j, "embed");
		jw_kstr(j, "$type", "app.bsky.embed.record");
		b_strong_ref(c, "record", &t);
		jw_end(j);
	}
	if (nf) {
		jw_karr(j, "facets");
		for (int i = 0; i < nf; i++) {
			jw_obj(j);
			jw_karr(j, "features");
			jw_obj(j);
			if (fc[i].k == S_MENTION) {
				world_did_of(f, (uint32_t)fc[i].v, did);
				jw_kstr(j, "$type", "app.bsky.richtext.facet#mention");
				jw_kstr(j, "did", did);
			} else {
				jw_kstr(j, "$type", "app.bsky.richtext.facet#tag");
				jw_kstr(j, "tag", f->tags[fc[i].v]);
			}
			jw_end(j);
			jw_aend(j);
			jw_kobj(j, "index");
			jw_kint(j, "byteEnd", (long long)fc[i].e);
			jw_kint(j, "byteStart", (long long)fc[i].s);
			jw_end(j);
			jw_end(j);
		}
		jw_aend(j);
	}
	render_ktext(c, "text", text.p);
	jw_end(j);
	buf_free(&text);
}

static void b_post_view(struct rctx *c, const struct post *p, bool typed, int depth)
{
	struct jw *j = c->j;
	char uri[96], cid[64], ts[32];
	long m[6];

	post_uri(c->f, p->a, p->t, "app.bsky.feed.post", uri);
	cid_of(c->f, NET_B, p->a, p->t, 1, cid);
	render_metrics(p, m);
	jw_obj(j);
	if (typed)
		jw_kstr(j, "$type", "app.bsky.feed.defs#postView");
	render_kid(c, "uri", uri);
	jw_kstr(j, "cid", cid);
	jw_key(j, "author");
	b_profile(c, p->a, 0);
	jw_key(j, "record");
	b_record(c, p);
	if (p->type == P_QUOTE && depth == 0) {
		struct post t;
		char turi[96], tcid[64];
		world_post_get(c->f, NET_B, (uint32_t)p->tgt_a, (uint32_t)p->tgt_j, &t);
		post_uri(c->f, t.a, t.t, "app.bsky.feed.post", turi);
		cid_of(c->f, NET_B, t.a, t.t, 1, tcid);
		jw_kobj(j, "embed");
		jw_kstr(j, "$type", "app.bsky.embed.record#view");
		jw_kobj(j, "record");
		jw_kstr(j, "$type", "app.bsky.embed.record#viewRecord");
		jw_kstr(j, "uri", turi);
		jw_kstr(j, "cid", tcid);
		jw_key(j, "author");
		b_profile(c, t.a, 0);
		jw_key(j, "value");
		b_record(c, &t);
		jw_kint(j, "likeCount", 0);
		jw_kint(j, "replyCount", 0);
		jw_kint(j, "repostCount", 0);
		jw_kint(j, "quoteCount", 0);
		clock_iso_ms(t.t + 400, ts);
		jw_kstr(j, "indexedAt", ts);
		jw_end(j);
		jw_end(j);
	}
	jw_kint(j, "replyCount", m[1]);
	jw_kint(j, "repostCount", m[0]);
	jw_kint(j, "likeCount", m[2]);
	jw_kint(j, "quoteCount", m[3]);
	clock_iso_ms(p->t + (int64_t)(p->seed % 900), ts);
	jw_kstr(j, "indexedAt", ts);
	jw_kobj(j, "viewer");
	jw_kbool(j, "threadMuted", false);
	jw_kbool(j, "embeddingDisabled", false);
	jw_end(j);
	jw_karr(j, "labels"); jw_aend(j);
	jw_end(j);
}

static void b_reply_side(struct rctx *c, const char *key, const struct post *p, uint8_t view)
{
	struct jw *j = c->j;
	char uri[96], did[40];

	jw_key(j, key);
	if (view == 0) {
		b_post_view(c, p, true, 1);
		return;
	}
	post_uri(c->f, p->a, p->t, "app.bsky.feed.post", uri);
	jw_obj(j);
	if (view == 1) {
		jw_kstr(j, "$type", "app.bsky.feed.defs#notFoundPost");
		jw_kstr(j, "uri", uri);
		jw_kbool(j, "notFound", true);
	} else {
		world_did_of(c->f, p->a, did);
		jw_kstr(j, "$type", "app.bsky.feed.defs#blockedPost");
		jw_kstr(j, "uri", uri);
		jw_kbool(j, "blocked", true);
		jw_kobj(j, "author");
		jw_kstr(j, "did", did);
		jw_kobj(j, "viewer");
		jw_kbool(j, "blockedBy", true);
		jw_end(j);
		jw_end(j);
	}
	jw_end(j);
}

static void b_feed_item(struct rctx *c, const struct post *p)
{
	struct jw *j = c->j;
	struct fake *f = c->f;
	struct post t, root;
	char uri[96], cid[64], ts[32];

	jw_obj(j);
	jw_key(j, "post");
	if (p->type == P_REPOST) {
		world_post_get(f, NET_B, (uint32_t)p->tgt_a, (uint32_t)p->tgt_j, &t);
		b_post_view(c, &t, false, 0);
		jw_kobj(j, "reason");
		jw_kstr(j, "$type", "app.bsky.feed.defs#reasonRepost");
		jw_key(j, "by");
		b_profile(c, p->a, 0);
		post_uri(f, p->a, p->t, "app.bsky.feed.repost", uri);
		cid_of(f, NET_B, p->a, p->t, 2, cid);
		jw_kstr(j, "uri", uri);
		jw_kstr(j, "cid", cid);
		clock_iso_ms(p->t, ts);
		jw_kstr(j, "indexedAt", ts);
		jw_end(j);
	} else {
		b_post_view(c, p, false, 0);
		if (p->type == P_REPLY) {
			world_post_get(f, NET_B, (uint32_t)p->tgt_a, (uint32_t)p->tgt_j, &t);
			b_root(f, &t, &root);
			jw_kobj(j, "reply");
			b_reply_side(c, "root", &root, root.t == t.t && root.a == t.a ? p->parent_view : 0);
			b_reply_side(c, "parent", &t, p->parent_view);
			jw_end(j);
		}
	}
	jw_end(j);
}

/* --- errors --- */

static void b_error(struct rq *r, int status, const char *name, const char *msg)
{
	rq_json(r, status);
	jw_obj(&r->j);
	jw_kstr(&r->j, "error", name);
	jw_kstr(&r->j, "message", msg);
	jw_end(&r->j);
}

/* --- endpoints --- */

static bool b_session(struct rq *r, bool required)
{
	const char *t = rq_bearer(r);
	struct token *tk;

	if (!t) {
		if (required)
			b_error(r, 401, "AuthenticationRequired", "Authentication Required");
		return !required;
	}
	tk = limits_token_find(r->f, t);
	if (!tk || tk->revoked || tk->refresh) {
		b_error(r, 400, "InvalidToken", tk && tk->refresh ? "Bad token scope" : "Token could not be verified");
		return false;
	}
	if (tk->exp_ms <= r->now) {
		b_error(r, 400, "ExpiredToken", "Token has expired");
		return false;
	}
	return true;
}

static bool b_limit(struct rq *r, long def, long *limit)
{
	const char *v = rq_param(r, "limit");

	*limit = def;
	if (!v)
		return true;
	if (!util_parse_long(v, limit)) {
		b_error(r, 400, "InvalidRequest", "Error: limit must be an integer");
		return false;
	}
	if (*limit < 1 || *limit > 100) {
		b_error(r, 400, "InvalidRequest", *limit < 1 ? "Error: limit must be greater than or equal to 1"
							     : "Error: limit must be less than or equal to 100");
		return false;
	}
	return true;
}

static bool b_need(struct rq *r, const char *param)
{
	char msg[96];
	if (rq_param(r, param) && *rq_param(r, param))
		return true;
	snprintf(msg, sizeof msg, "Error: Params must have the property \"%s\"", param);
	b_error(r, 400, "InvalidRequest", msg);
	return false;
}

static void b_resolve_handle(struct rq *r, const char *arg)
{
	uint32_t a;
	char did[40];

	if (!b_session(r, false) || !limits_check(r, BB_API) || !b_need(r, "handle"))
		return;
	if (!world_acct_by_name(r->f, rq_param(r, "handle"), &a) || !strstr(rq_param(r, "handle"), ".")) {
		b_error(r, 400, "InvalidRequest", "Unable to resolve handle");
		return;
	}
	world_did_of(r->f, a, did);
	rq_json(r, 200);
	jw_obj(&r->j);
	render_kid(&r->rc, "did", did);
	jw_end(&r->j);
}

static void b_get_profile(struct rq *r, const char *arg)
{
	uint32_t a;

	if (!b_session(r, false) || !limits_check(r, BB_API) || !b_need(r, "actor"))
		return;
	if (!world_acct_by_actor(r->f, rq_param(r, "actor"), &a)) {
		b_error(r, 400, "InvalidRequest", "Profile not found");
		return;
	}
	rq_json(r, 200);
	b_profile(&r->rc, a, 2);
}

/* getFollows: whom me follows (follows.c); cursor = the offset. */
static void b_get_follows(struct rq *r, const char *arg)
{
	size_t n = follows_count(r->f), from = 0, k;
	const char *cur = rq_param(r, "cursor");
	long limit = 50;
	uint32_t a;

	if (!b_session(r, false) || !limits_check(r, BB_API) || !b_need(r, "actor"))
		return;
	if (!world_acct_by_actor(r->f, rq_param(r, "actor"), &a) || a != 0) {
		b_error(r, 400, "InvalidRequest", "Profile not found");
		return;
	}
	if (rq_param(r, "limit") && (!util_parse_long(rq_param(r, "limit"), &limit) || limit < 1 || limit > 100)) {
		b_error(r, 400, "InvalidRequest", "limit must be 1..100");
		return;
	}
	uint64_t off = 0;
	if (cur && !util_parse_u64(cur, &off)) {
		b_error(r, 400, "InvalidRequest", "bad cursor");
		return;
	}
	from = (size_t)off;
	if (from > n)
		from = n;
	if (limit > FOLLOWS_PAGE)
		limit = FOLLOWS_PAGE;
	k = n - from < (size_t)limit ? n - from : (size_t)limit;
	rq_json(r, 200);
	jw_obj(&r->j);
	jw_key(&r->j, "subject");
	b_profile(&r->rc, 0, 1);
	jw_karr(&r->j, "follows");
	for (size_t i = from; i < from + k; i++)
		b_profile(&r->rc, follows_at(r->f, i), 1);
	jw_aend(&r->j);
	if (from + k < n) {
		char next[24];
		snprintf(next, sizeof next, "%zu", from + k);
		jw_kstr(&r->j, "cursor", next);
	}
	jw_end(&r->j);
}

/* getProfiles: up to 25 actors=…; unknown actors are left out, as the
 * real AppView does. */
static void b_get_profiles(struct rq *r, const char *arg)
{
	uint32_t a;
	int n = 0;

	if (!b_session(r, false) || !limits_check(r, BB_API) || !b_need(r, "actors"))
		return;
	r->rc.authed = rq_bearer(r) != NULL;
	for (struct evkeyval *e = r->q.tqh_first; e; e = e->next.tqe_next)
		if (strcmp(e->key, "actors") == 0 && ++n > 25) {
			b_error(r, 400, "InvalidRequest", "actors must not have more than 25 elements");
			return;
		}
	rq_json(r, 200);
	jw_obj(&r->j);
	jw_karr(&r->j, "profiles");
	for (struct evkeyval *e = r->q.tqh_first; e; e = e->next.tqe_next)
		if (strcmp(e->key, "actors") == 0 && world_acct_by_actor(r->f, e->value, &a))
			b_profile(&r->rc, a, 2);
	jw_aend(&r->j);
	jw_end(&r->j);
}

static bool b_cursor_time(struct rq *r, const char *param, uint64_t *out)
{
	int64_t ms;
	const char *v = rq_param(r, param);
	if (!v || !clock_parse_iso(v, &ms))
		return false;
	*out = (uint64_t)ms;
	return true;
}

/* A feed page of stream s below the request's cursor (a time), with the
 * next cursor when older items remain. */
static void b_render_feed(struct rq *r, const struct stream *sp, long limit)
{
	const struct stream s = *sp;
	struct page pg;
	struct post p;
	uint64_t hi;
	bool has_hi;
	char ts[32];

	has_hi = b_cursor_time(r, "cursor", &hi);
	stream_select(&s, NULL, has_hi ? &hi : NULL, (size_t)limit, false, &pg);
	rq_json(r, 200);
	jw_obj(&r->j);
	if (pg.n)
		clock_iso_ms(stream_time(&s, pg.idx[pg.n - 1]), ts);
	stream_mangle(r, &pg);
	if (r->wrong_container && pg.n) {
		jw_key(&r->j, "feed");
		stream_post(&s, pg.idx[0], &p);
		b_feed_item(&r->rc, &p);
	} else {
		jw_karr(&r->j, "feed");
		for (size_t i = 0; i < pg.n; i++) {
			stream_post(&s, pg.idx[i], &p);
			b_feed_item(&r->rc, &p);
		}
		jw_aend(&r->j);
	}
	if (pg.more_older && pg.n)
		jw_kstr(&r->j, "cursor", ts);
	jw_end(&r->j);
	free(pg.idx);
}

static void b_author_feed(struct rq *r, const char *arg)
{
	struct stream s;
	uint32_t a;
	long limit;
	const char *filter = rq_param(r, "filter");

	if (!b_session(r, false) || !limits_check(r, BB_API) || !b_need(r, "actor") || !b_limit(r, 50, &limit))
		return;
	if (!world_acct_by_actor(r->f, rq_param(r, "actor"), &a)) {
		b_error(r, 400, "InvalidRequest", "Profile not found");
		return;
	}
	stream_account(&s, r->f, NET_B, a, r->now);
	if (filter && (strcmp(filter, "posts_no_replies") == 0 || strcmp(filter, "posts_and_author_threads") == 0))
		s.filter |= F_NO_REPLIES;
	if (filter && (strcmp(filter, "posts_with_media") == 0 || strcmp(filter, "posts_with_video") == 0))
		s.n = 0;
	b_render_feed(r, &s, limit);
}

/* getTimeline: the user's home feed, feed.c's window of what me follows. */
static void b_timeline(struct rq *r, const char *arg)
{
	struct stream s;
	struct refvec rv;
	long limit;

	if (!b_session(r, true) || !limits_check(r, BB_API) || !b_limit(r, 50, &limit))
		return;
	feed_home_refs(r->f, NET_B, r->now, &rv);
	stream_refs(&s, r->f, NET_B, &rv, r->now);
	b_render_feed(r, &s, limit);
	free(rv.v);
}

static void b_search(struct rq *r, const char *arg)
{
	struct fake *f = r->f;
	struct stream s;
	struct page pg;
	struct post p;
	long limit, offset = 0;
	int tag = -1;
	int32_t author = -1;
	uint64_t until;
	bool has_until;
	int64_t since;
	uint32_t a;
	char *q;

	if (!b_session(r, true) || !limits_check(r, BB_API) || !b_need(r, "q") || !b_limit(r, 25, &limit))
		return;
	q = util_strdup(rq_param(r, "q"));
	for (char *tok = strtok(q, " "); tok; tok = strtok(NULL, " ")) {
		if (*tok == '#' && tag < 0)
			tag = index_tag_find(f, tok + 1);
		else if (strncmp(tok, "from:", 5) == 0 && world_acct_by_actor(f, tok + 5, &a))
			author = (int32_t)a;
	}
	free(q);
	if (rq_param(r, "tag") && tag < 0)
		tag = index_tag_find(f, rq_param(r, "tag"));
	if (rq_param(r, "author") && world_acct_by_actor(f, rq_param(r, "author"), &a))
		author = (int32_t)a;
	if (rq_param(r, "cursor") && (!util_parse_long(rq_param(r, "cursor"), &offset) || offset < 0))
		offset = 0;
	if (tag >= 0) {
		stream_refs(&s, f, NET_B, &f->nd[NET_B].tags[tag], r->now);
		s.author = author;
	} else if (author >= 0) {
		stream_account(&s, f, NET_B, (uint32_t)author, r->now);
		s.filter |= F_NO_REPOSTS;
	} else {
		stream_refs(&s, f, NET_B, &f->nd[NET_B].tags[0], 0);   /* free text: no hits */
		s.n = 0;
	}
	if (rq_param(r, "since") && clock_parse_iso(rq_param(r, "since"), &since))
		s.min_t = since;
	has_until = b_cursor_time(r, "until", &until);
	stream_select(&s, NULL, has_until ? &until : NULL, (size_t)(offset + limit), false, &pg);
	{   /* keep the slice [offset, offset + limit) */
		size_t from = (size_t)offset < pg.n ? (size_t)offset : pg.n;
		memmove(pg.idx, pg.idx + from, (pg.n - from) * sizeof *pg.idx);
		pg.n -= from;
	}
	stream_mangle(r, &pg);
	rq_json(r, 200);
	jw_obj(&r->j);
	jw_karr(&r->j, "posts");
	for (size_t i = 0; i < pg.n; i++) {
		stream_post(&s, pg.idx[i], &p);
		b_post_view(&r->rc, &p, false, 0);
	}
	jw_aend(&r->j);
	if (pg.more_older) {
		char c[24];
		snprintf(c, sizeof c, "%ld", offset + limit);
		jw_kstr(&r->j, "cursor", c);
	}
	jw_end(&r->j);
	free(pg.idx);
}

static unsigned b_reasons_mask(struct rq *r)
{
	static const char *const names[] = { "reply", "mention", "quote", "repost", "like", "follow" };
	unsigned mask = 0;

	for (struct evkeyval *e = r->q.tqh_first; e; e = e->next.tqe_next)
		if (strcmp(e->key, "reasons") == 0 || strcmp(e->key, "reasons[]") == 0)
			for (unsigned i = 0; i < 6; i++)
				if (strcmp(e->value, names[i]) == 0)
					mask |= 1u << i;
	return mask;
}

static void b_notification(struct rq *r, const struct notif *n)
{
	static const char *const reasons[] = { "reply", "mention", "quote", "repost", "like", "follow" };
	struct fake *f = r->f;
	struct jw *j = &r->j;
	struct post p, mine;
	char uri[96], cid[64], ts[32], did[40];

	if (n->j >= 0) {
		world_post_get(f, NET_B, n->from, (uint32_t)n->j, &p);
		if (n->type == N_REPOST)
			post_uri(f, n->from, n->t, "app.bsky.feed.repost", uri);
		else
			post_uri(f, n->from, p.t, "app.bsky.feed.post", uri);
	} else {
		post_uri(f, n->from, n->t, n->type == N_LIKE ? "app.bsky.feed.like" : "app.bsky.graph.follow", uri);
	}
	if (n->my_j >= 0)
		world_post_get(f, NET_B, 0, (uint32_t)n->my_j, &mine);
	cid_of(f, NET_B, n->from, n->t, 3 + n->type, cid);
	jw_obj(j);
	render_kid(&r->rc, "uri", uri);
	jw_kstr(j, "cid", cid);
	jw_key(j, "author");
	b_profile(&r->rc, n->from, 1);
	jw_kstr(j, "reason", reasons[n->type]);
	if (n->my_j >= 0 && n->type != N_MENTION) {
		char muri[96];
		post_uri(f, 0, mine.t, "app.bsky.feed.post", muri);
		jw_kstr(j, "reasonSubject", muri);
	}
	jw_key(j, "record");
	clock_iso_ms(n->t, ts);
	if (n->type == N_REPLY || n->type == N_MENTION || n->type == N_QUOTE) {
		b_record(&r->rc, &p);
	} else {
		jw_obj(j);
		jw_kstr(j, "$type", n->type == N_REPOST ? "app.bsky.feed.repost" : n->type == N_LIKE
			? "app.bsky.feed.like" : "app.bsky.graph.follow");
		jw_kstr(j, "createdAt", ts);
		if (n->type == N_FOLLOW) {
			world_did_of(f, 0, did);
			jw_kstr(j, "subject", did);
		} else {
			b_strong_ref(&r->rc, "subject", &mine);
		}
		jw_end(j);
	}
	jw_kbool(j, "isRead", f->nd[NET_B].seen_at && n->t <= f->nd[NET_B].seen_at);
	jw_kstr(j, "indexedAt", ts);
	jw_karr(j, "labels"); jw_aend(j);
	jw_end(j);
}

static void b_list_notifications(struct rq *r, const char *arg)
{
	struct stream s;
	struct page pg;
	long limit;
	uint64_t hi;
	bool has_hi;
	unsigned mask;
	char ts[32];

	if (!b_session(r, true) || !limits_check(r, BB_API) || !b_limit(r, 50, &limit))
		return;
	stream_notifs(&s, r->f, NET_B, r->now);
	mask = b_reasons_mask(r);
	s.type_mask = mask;
	has_hi = b_cursor_time(r, "cursor", &hi);
	stream_select(&s, NULL, has_hi ? &hi : NULL, (size_t)limit, false, &pg);
	if (pg.n)
		clock_iso_ms(stream_time(&s, pg.idx[pg.n - 1]), ts);
	stream_mangle(r, &pg);
	rq_json(r, 200);
	jw_obj(&r->j);
	jw_karr(&r->j, "notifications");
	for (size_t i = 0; i < pg.n; i++)
		b_notification(r, &r->f->nd[NET_B].notifs.v[pg.idx[i]]);
	jw_aend(&r->j);
	if (pg.more_older && pg.n)
		jw_kstr(&r->j, "cursor", ts);
	jw_kbool(&r->j, "priority", false);
	if (r->f->nd[NET_B].seen_at) {
		clock_iso_ms(r->f->nd[NET_B].seen_at, ts);
		jw_kstr(&r->j, "seenAt", ts);
	}
	jw_end(&r->j);
	free(pg.idx);
}

static void b_update_seen(struct rq *r, const char *arg)
{
	cJSON *j;
	const cJSON *v;
	int64_t ms;

	if (!b_session(r, true) || !limits_check(r, BB_API))
		return;
	j = rq_body_json(r);
	v = cJSON_GetObjectItemCaseSensitive(j, "seenAt");
	if (!cJSON_IsString(v) || !clock_parse_iso(v->valuestring, &ms)) {
		b_error(r, 400, "InvalidRequest", "Input must have the property \"seenAt\"");
	} else {
		r->f->nd[NET_B].seen_at = ms;
		rq_raw(r, 200, "application/json; charset=utf-8", "");
	}
	cJSON_Delete(j);
}

static void b_session_reply(struct rq *r, bool with_doc)
{
	struct fake *f = r->f;
	char did[40];
	const char *access = limits_token_new(f, false, r->now), *refresh = limits_token_new(f, true, r->now);

	world_did_of(f, 0, did);
	rq_json(r, 200);
	jw_obj(&r->j);
	jw_kstr(&r->j, "did", did);
	if (with_doc) {
		jw_kobj(&r->j, "didDoc");
		jw_karr(&r->j, "@context"); jw_str(&r->j, "https://www.w3.org/ns/did/v1"); jw_aend(&r->j);
		jw_kstr(&r->j, "id", did);
		jw_karr(&r->j, "alsoKnownAs"); jw_str(&r->j, "at://me.bsky.social"); jw_aend(&r->j);
		jw_karr(&r->j, "service");
		jw_obj(&r->j);
		jw_kstr(&r->j, "id", "#atproto_pds");
		jw_kstr(&r->j, "type", "AtprotoPersonalDataServer");
		jw_kstr(&r->j, "serviceEndpoint", f->base_url);
		jw_end(&r->j);
		jw_aend(&r->j);
		jw_end(&r->j);
	}
	jw_kstr(&r->j, "handle", "me.bsky.social");
	if (with_doc) {
		jw_kstr(&r->j, "email", "me@example.org");
		jw_kbool(&r->j, "emailConfirmed", true);
		jw_kbool(&r->j, "emailAuthFactor", false);
	}
	jw_kstr(&r->j, "accessJwt", access);
	jw_kstr(&r->j, "refreshJwt", refresh);
	jw_kbool(&r->j, "active", true);
	jw_end(&r->j);
}

static void b_create_session(struct rq *r, const char *arg)
{
	cJSON *j;
	const cJSON *id, *pw;
	uint32_t a = 1;
	char did[40];
	bool ok;

	if (!limits_check(r, BB_SESSION))
		return;
	j = rq_body_json(r);
	id = cJSON_GetObjectItemCaseSensitive(j, "identifier");
	pw = cJSON_GetObjectItemCaseSensitive(j, "password");
	if (!cJSON_IsString(id) || !cJSON_IsString(pw)) {
		b_error(r, 400, "InvalidRequest", "Input must have the property \"identifier\"");
		cJSON_Delete(j);
		return;
	}
	world_did_of(r->f, 0, did);
	ok = ((world_acct_by_actor(r->f, id->valuestring, &a) && a == 0) || strcmp(id->valuestring, "me@example.org") == 0) &&
	     strcmp(pw->valuestring, r->f->b_password) == 0;
	cJSON_Delete(j);
	if (!ok) {
		b_error(r, 401, "AuthenticationRequired", "Invalid identifier or password");
		return;
	}
	b_session_reply(r, true);
}

static void b_refresh_session(struct rq *r, const char *arg)
{
	const char *t = rq_bearer(r);
	struct token *tk = t ? limits_token_find(r->f, t) : NULL;

	if (!limits_check(r, BB_API))
		return;
	if (!t) {
		b_error(r, 401, "AuthenticationRequired", "Authentication Required");
		return;
	}
	if (!tk || !tk->refresh || tk->revoked) {
		b_error(r, 400, tk && tk->revoked ? "ExpiredToken" : "InvalidToken",
			tk && tk->revoked ? "Token has been revoked" : "Token could not be verified");
		return;
	}
	if (tk->exp_ms <= r->now) {
		b_error(r, 400, "ExpiredToken", "Token has expired");
		return;
	}
	tk->revoked = true;      /* refresh tokens are single use */
	b_session_reply(r, false);
}

/* --- what the core asks of Bluesky --- */

/* a scripted expired_token answers so on any path */
void bluesky_expired_token(struct rq *r)
{
	b_error(r, 400, "ExpiredToken", "Token has expired");
}

static void b_error_hook(struct rq *r, int status, const char *reason)
{
	b_error(r, status, status == 500 ? "InternalServerError" : status == 502 ? "UpstreamFailure"
		: status == 503 ? "NotEnoughResources" : status == 504 ? "UpstreamTimeout"
		: status == 404 ? "XRPCNotSupported" : status == 403 ? "Forbidden" : "InternalServerError",
		reason);
}

static void b_not_found(struct rq *r)
{
	b_error(r, 404, "XRPCNotSupported", "XRPCNotSupported");
}

static void b_rate_headers(struct rq *r, const struct bucket *b)
{
	rq_add_headerf(r, "RateLimit-Limit", "%ld", b->limit);
	rq_add_headerf(r, "RateLimit-Remaining", "%ld", b->remaining);
	rq_add_headerf(r, "RateLimit-Reset", "%" PRId64, b->reset_s);
	rq_add_headerf(r, "RateLimit-Policy", "%ld;w=%ld", b->limit, b->window_s);
}

/* unlike X and Mastodon, with Retry-After */
static void b_too_many(struct rq *r, const struct bucket *shown)
{
	rq_add_headerf(r, "Retry-After", "%" PRId64, shown->reset_s - r->now / 1000 > 0 ? shown->reset_s - r->now / 1000 : 1);
	b_error(r, 429, "RateLimitExceeded", "Rate Limit Exceeded");
}

static void b_ctl_account(struct jw *j, const struct fake *f, uint32_t a)
{
	char name[24], b[96];

	world_acct_name(f, a, name);
	world_did_of(f, a, b);
	jw_kstr(j, "did", b);
	snprintf(b, sizeof b, "%s.bsky.social", name);
	jw_kstr(j, "handle", b);
}

static void b_ctl_account_id(const struct fake *f, uint32_t a, char out[256])
{
	world_did_of(f, a, out);
}

static void b_ctl_post_id(const struct fake *f, uint32_t a, int64_t t, char out[256])
{
	post_uri(f, a, t, "app.bsky.feed.post", out);
}

/* a repost is stored under its repost record's URI */
static void b_ctl_post_ref(const struct fake *f, const struct post *p, char out[256])
{
	post_uri(f, p->a, p->t, p->type == P_REPOST ? "app.bsky.feed.repost" : "app.bsky.feed.post", out);
}

static void b_ctl_auth(struct jw *j, const struct fake *f)
{
	jw_kstr(j, "bluesky_identifier", "me.bsky.social");
	jw_kstr(j, "bluesky_password", f->b_password);
}

static uint64_t b_post_order(const struct fake *f, int view, int64_t t, uint32_t a)
{
	return (uint64_t)t;
}

/* --- the AppView apart (--bluesky-appview HOST): two views, "pds" (any
 * other Host, what the session's didDoc names) and "appview" --- */

static int b_opt_appview(struct fake *f, const char *arg)
{
	if (!*arg || strcspn(arg, " /@,") != strlen(arg))
		return -1;
	free(f->net_state[NET_B]);
	f->net_state[NET_B] = util_strdup(arg);
	return 0;
}

static const struct fake_option b_options[] = {
	{ "bluesky-appview", b_opt_appview },
};

static const char b_usage[] =
"Bluesky:\n"
"  --bluesky-appview HOST requests with this Host (host or host:port) are the AppView's,\n"
"                         with rate buckets of its own (bluesky.api@appview, ...@pds)\n";

static void b_teardown(struct fake *f)
{
	free(f->net_state[NET_B]);
	f->net_state[NET_B] = NULL;
}

static int b_views(const struct fake *f)
{
	return f->net_state[NET_B] ? 2 : 1;
}

static const char *b_view_name(const struct fake *f, int view)
{
	return !f->net_state[NET_B] ? NULL : view ? "appview" : "pds";
}

static int b_route(struct rq *r)
{
	const char *appview = r->f->net_state[NET_B];

	return appview && util_host_match(appview, rq_header(r, "Host")) ? 1 : 0;
}

static const struct fake_bucket b_buckets[] = {
	[BB_API] = { "bluesky.api", 3000, 300 },
	[BB_SESSION] = { "bluesky.createSession", 30, 300 },
};

static const struct fake_endpoint b_endpoints[] = {
	[BE_RESOLVE] = { "bluesky.resolveHandle", BB_API },
	[BE_PROFILE] = { "bluesky.getProfile", BB_API },
	[BE_FEED] = { "bluesky.getAuthorFeed", BB_API },
	[BE_SEARCH] = { "bluesky.searchPosts", BB_API },
	[BE_NOTIFS] = { "bluesky.listNotifications", BB_API },
	[BE_SEEN] = { "bluesky.updateSeen", BB_API },
	[BE_CREATE] = { "bluesky.createSession", BB_SESSION },
	[BE_REFRESH] = { "bluesky.refreshSession", BB_API },
	[BE_TIMELINE] = { "bluesky.getTimeline", BB_API },
	[BE_FOLLOWS] = { "bluesky.getFollows", BB_API },
};

static const struct fake_route b_routes[] = {
	{ BE_RESOLVE, EVHTTP_REQ_GET, "/xrpc/com.atproto.identity.resolveHandle", b_resolve_handle },
	{ BE_PROFILE, EVHTTP_REQ_GET, "/xrpc/app.bsky.actor.getProfiles", b_get_profiles },
	{ BE_PROFILE, EVHTTP_REQ_GET, "/xrpc/app.bsky.actor.getProfile", b_get_profile },
	{ BE_FEED, EVHTTP_REQ_GET, "/xrpc/app.bsky.feed.getAuthorFeed", b_author_feed },
	{ BE_SEARCH, EVHTTP_REQ_GET, "/xrpc/app.bsky.feed.searchPosts", b_search },
	{ BE_NOTIFS, EVHTTP_REQ_GET, "/xrpc/app.bsky.notification.listNotifications", b_list_notifications },
	{ BE_SEEN, EVHTTP_REQ_POST, "/xrpc/app.bsky.notification.updateSeen", b_update_seen },
	{ BE_CREATE, EVHTTP_REQ_POST, "/xrpc/com.atproto.server.createSession", b_create_session },
	{ BE_REFRESH, EVHTTP_REQ_POST, "/xrpc/com.atproto.server.refreshSession", b_refresh_session },
	{ BE_TIMELINE, EVHTTP_REQ_GET, "/xrpc/app.bsky.feed.getTimeline", b_timeline },
	{ BE_FOLLOWS, EVHTTP_REQ_GET, "/xrpc/app.bsky.graph.getFollows", b_get_follows },
};

const struct fake_net bluesky_net = {
	.name = "bluesky",
	.prefix = "/xrpc/",
	.endpoints = b_endpoints,
	.nendpoints = sizeof b_endpoints / sizeof b_endpoints[0],
	.routes = b_routes,
	.nroutes = sizeof b_routes / sizeof b_routes[0],
	.buckets = b_buckets,
	.nbuckets = sizeof b_buckets / sizeof b_buckets[0],
	.post_order = b_post_order,         /* feeds page by time */
	.error = b_error_hook,
	.not_found = b_not_found,
	.rate_headers = b_rate_headers,
	.too_many = b_too_many,
	.ctl_account = b_ctl_account,
	.ctl_account_id = b_ctl_account_id,
	.ctl_post_id = b_ctl_post_id,
	.ctl_post_ref = b_ctl_post_ref,
	.ctl_auth = b_ctl_auth,
	.options = b_options,
	.noptions = sizeof b_options / sizeof b_options[0],
	.usage = b_usage,
	.teardown = b_teardown,
	.views = b_views,
	.view_name = b_view_name,
	.route = b_route,
};
