/* x.c — X API v2: users, timelines, mentions, recent search and tweet lookup,
 * rendered with X's field selection (tweet.fields, expansions, user.fields),
 * entity offsets in characters, surrogate-pair escapes and problem+json
 * errors. Bearer token required everywhere; the home timeline
 * (users/:id/timelines/reverse_chronological, feed.c's window of whom me
 * follows) and user.fields=connection_status only with a user token from
 * oauth.c, as X wants user context there. Ids are snowflakes whose high
 * bits are the post time and low bits the author index, so an id alone
 * finds its post. Pagination tokens are opaque strings that encode the
 * boundary id. */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fakeapi.h"

#define TWEPOCH_MS     1288834974657LL     /* X snowflake epoch */
#define X_USER_BASE    ((uint64_t)1500000000000000000ULL)
#define X_TIMELINE_REACH 3200               /* users/:id/tweets: the newest 3,200 posts */
#define X_MIN_TIME_S   1288998000LL         /* start_time/end_time: not before 2010-11-06T00:00Z */

/* rate buckets and endpoints, indexes into the tables at the end */
enum { XB_TWEETS, XB_MENTIONS, XB_SEARCH, XB_USERS, XB_LOOKUP, XB_FOLLOWING, XB_TIMELINES, XB_USAGE };
enum { XE_USER_BY_NAME, XE_USERS_BY, XE_USER, XE_TWEETS, XE_MENTIONS, XE_SEARCH, XE_LOOKUP, XE_FOLLOWING,
       XE_HOME, XE_USERS, XE_USAGE };

/* tweet.fields, expansions and user.fields as bits (struct rctx tf, ex, uf) */
enum { TF_CREATED = 1, TF_AUTHOR = 2, TF_CONV = 4, TF_REPLY_TO = 8, TF_REFS = 16, TF_METRICS = 32,
       TF_ENTITIES = 64, TF_LANG = 128, TF_SENSITIVE = 256, TF_REPLY_SETTINGS = 512 };
enum { EX_AUTHOR = 1, EX_REFS = 2, EX_REFS_AUTHOR = 4, EX_REPLY_TO = 8, EX_MENTIONS = 16 };
enum { UF_CREATED = 1, UF_DESCRIPTION = 2, UF_METRICS = 4, UF_IMAGE = 8, UF_VERIFIED = 16,
       UF_PROTECTED = 32, UF_URL = 64, UF_LOCATION = 128, UF_CONNECTION = 256 };

/* --- ids --- */

static uint64_t x_id(int64_t t, uint32_t a)
{
	return ((uint64_t)(t - TWEPOCH_MS) << 22) | (a & 0x3FFFFF);
}

static uint64_t x_post_order(const struct fake *f, int view, int64_t t, uint32_t a)
{
	return x_id(t, a);
}

static bool x_post_by_id(const struct fake *f, uint64_t key, uint32_t *a, uint32_t *j, int64_t now)
{
	int64_t t = (int64_t)(key >> 22) + TWEPOCH_MS;

	*a = (uint32_t)(key & 0x3FFFFF);
	return world_post_by_time(f, NET_X, *a, t, now, j);
}

/* --- rendering --- */

/* number of code points (X entity offsets count characters, not bytes) */
static size_t utf8_chars(const char *s, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xC0) != 0x80;
	return c;
}

struct xent { int kind; size_t start, end; int32_t v; };
struct xtext { struct buf text; struct xent e[48]; int ne; };

static void x_compose(struct fake *f, const struct post *p, struct xtext *xt, int depth);

static void x_status_url(struct fake *f, uint32_t a, uint64_t id, char out[96])
{
	char name[24];
	world_acct_name(f, a, name);
	snprintf(out, 96, "https://x.com/%s/status/%" PRIu64, name, id);
}

/* "RT @name: <original text>", cut at 140 characters like the real API */
static void x_compose_rt(struct fake *f, const struct post *p, struct xtext *xt, int depth)
{
	struct post t;
	struct xtext inner = { 0 };
	char name[24];
	size_t chars = 0, i;

	world_post_get(f, p->net, (uint32_t)p->tgt_a, (uint32_t)p->tgt_j, &t);
	world_acct_name(f, t.a, name);
	buf_printf(&xt->text, "RT @%s: ", name);
	xt->e[xt->ne++] = (struct xent){ S_MENTION, 3, 4 + strlen(name), p->tgt_a };
	x_compose(f, &t, &inner, depth + 1);
	chars = utf8_chars(xt->text.p, xt->text.len);
	for (i = 0; i < inner.text.len; i++) {
		if (((unsigned char)inner.text.p[i] & 0xC0) != 0x80 && ++chars > 139) {
			buf_puts(&xt->text, "\xE2\x80\xA6");
			break;
		}
		buf_putc(&xt->text, inner.text.p[i]);
	}
	buf_free(&inner.text);
}

static void x_compose(struct fake *f, const struct post *p, struct xtext *xt, int depth)
{
	struct segs sg;
	char name[24];

	buf_puts(&xt->text, "");
	if (p->type == P_REPOST && depth == 0) {
		x_compose_rt(f, p, xt, depth);
		return;
	}
	render_compose(f, p, &sg);
	for (int i = 0; i < sg.n; i++) {
		struct seg *s = &sg.s[i];
		size_t start;
		if (i)
			buf_putc(&xt->text, ' ');
		start = utf8_chars(xt->text.p, xt->text.len);
		switch (s->k) {
		case S_WORD:
		case S_TEXT:
			render_html_escape(&xt->text, s->s, false);
			continue;
		case S_MENTION:
			world_acct_name(f, (uint32_t)s->v, name);
			buf_printf(&xt->text, "@%s", name);
			break;
		case S_TAG:
			buf_printf(&xt->text, "#%s", f->tags[s->v]);
			break;
		case S_LINK:
			buf_printf(&xt->text, "https://t.co/%s", f->tco);
			break;
		}
		if (xt->ne < 48)
			xt->e[xt->ne++] = (struct xent){ s->k, start, utf8_chars(xt->text.p, xt->text.len), s->v };
	}
}

static uint64_t x_root_id(struct fake *f, const struct post *p)
{
	struct post cur = *p;
	for (int d = 0; d < 10 && cur.type == P_REPLY; d++)
		world_post_get(f, cur.net, (uint32_t)cur.tgt_a, (uint32_t)cur.tgt_j, &cur);
	return x_id(cur.t, cur.a);
}

static void x_user(struct rctx *c, uint32_t a)
{
	struct jw *j = c->j;
	struct fake *f = c->f;
	char name[24], dname[64], id[24], ts[32];

	world_acct_name(f, a, name);
	world_display_name(f, a, dname);
	snprintf(id, sizeof id, "%" PRIu64, X_USER_BASE + a);
	jw_obj(j);
	render_kid(c, "id", id);
	render_ktext(c, "name", dname);
	jw_kstr(j, "username", name);
	if (c->uf & UF_CREATED) {
		clock_iso_ms(f->end_ms - f->span_ms - (int64_t)(util_mix64(a) % (800 * DAY_MS)), ts);
		jw_kstr(j, "created_at", ts);
	}
	if (c->uf & UF_DESCRIPTION)
		jw_kstr(j, "description", a ? follows_bio(f, a, "Clinician educator. Views my own. #meded") :
		                                "Resident, learning every day.");
	if (c->uf & UF_METRICS) {
		jw_kobj(j, "public_metrics");
		jw_kint(j, "followers_count", (long long)(util_mix64(a + 7) % 20000));
		jw_kint(j, "following_count", (long long)(util_mix64(a + 8) % 2000));
		jw_kint(j, "tweet_count", world_total_count(f, NET_X, a));
		jw_kint(j, "listed_count", (long long)(util_mix64(a + 9) % 100));
		jw_kint(j, "like_count", (long long)(util_mix64(a + 10) % 9000));
		jw_end(j);
	}
	if (c->uf & UF_IMAGE) {
		char u[96];
		snprintf(u, sizeof u, "https://pbs.twimg.com/profile_images/%u/%s_normal.jpg", 1000 + a, name);
		jw_kstr(j, "profile_image_url", u);
	}
	if (c->uf & UF_VERIFIED)
		jw_kbool(j, "verified", false);
	if (c->uf & UF_PROTECTED)
		jw_kbool(j, "protected", false);
	if (c->uf & UF_URL)
		jw_kstr(j, "url", "");
	if (c->uf & UF_LOCATION)
		jw_kstr(j, "location", "Teaching hospital");
	if (c->uf & UF_CONNECTION) {
		/* Left out without a relationship; some follow me back. */
		bool following = feed_follows(f, NET_X, a), back = a && a % 3 == 0;
		if (following || back) {
			jw_karr(j, "connection_status");
			if (back)
				jw_str(j, "followed_by");
			if (following)
				jw_str(j, "following");
			jw_aend(j);
		}
	}
	jw_end(j);
}

static void x_entities(struct rctx *c, const struct xtext *xt, const struct post *p)
{
	struct jw *j = c->j;
	char name[24], id[24], url[96];
	bool any_tag = false, any_m = false, any_url = false;

	for (int i = 0; i < xt->ne; i++) {
		any_tag |= xt->e[i].kind == S_TAG;
		any_m |= xt->e[i].kind == S_MENTION;
		any_url |= xt->e[i].kind == S_LINK;
	}
	if (!any_tag && !any_m && !any_url)
		return;
	jw_kobj(j, "entities");
	if (any_tag) {
		jw_karr(j, "hashtags");
		for (int i = 0; i < xt->ne; i++)
			if (xt->e[i].kind == S_TAG) {
				jw_obj(j);
				jw_kint(j, "start", (long long)xt->e[i].start);
				jw_kint(j, "end", (long long)xt->e[i].end);
				jw_kstr(j, "tag", c->f->tags[xt->e[i].v]);
				jw_end(j);
			}
		jw_aend(j);
	}
	if (any_m) {
		jw_karr(j, "mentions");
		for (int i = 0; i < xt->ne; i++)
			if (xt->e[i].kind == S_MENTION) {
				world_acct_name(c->f, (uint32_t)xt->e[i].v, name);
				snprintf(id, sizeof id, "%" PRIu64, X_USER_BASE + (uint64_t)xt->e[i].v);
				jw_obj(j);
				jw_kint(j, "start", (long long)xt->e[i].start);
				jw_kint(j, "end", (long long)xt->e[i].end);
				jw_kstr(j, "username", name);
				jw_kstr(j, "id", id);
				jw_end(j);
			}
		jw_aend(j);
	}
	if (any_url) {
		struct post t;
		world_post_get(c->f, NET_X, (uint32_t)p->tgt_a, (uint32_t)p->tgt_j, &t);
		x_status_url(c->f, t.a, x_id(t.t, t.a), url);
		jw_karr(j, "urls");
		for (int i = 0; i < xt->ne; i++)
			if (xt->e[i].kind == S_LINK) {
				jw_obj(j);
				jw_kint(j, "start", (long long)xt->e[i].start);
				jw_kint(j, "end", (long long)xt->e[i].end);
				char tco[32];
				snprintf(tco, sizeof tco, "https://t.co/%s", c->f->tco);
				jw_kstr(j, "url", tco);
				jw_kstr(j, "expanded_url", url);
				jw_kstr(j, "display_url", url + 8);
				jw_end(j);
			}
		jw_aend(j);
	}
	jw_end(j);
}

static void x_tweet(struct rctx *c, const struct post *p)
{
	struct jw *j = c->j;
	struct fake *f = c->f;
	struct xtext xt = { 0 };
	char id[24], ts[32], buf2[24];
	uint64_t xid = x_id(p->t, p->a);

	snprintf(id, sizeof id, "%" PRIu64, xid);
	xbill_note(f, xid);
	x_compose(f, p, &xt, 0);
	jw_obj(j);
	jw_karr(j, "edit_history_tweet_ids");
	jw_str(j, id);
	jw_aend(j);
	render_kid(c, "id", id);
	render_ktext(c, "text", xt.text.p);
	if (c->tf & TF_CREATED) {
		clock_iso_ms(p->t - p->t % 1000, ts);
		jw_kstr(j, "created_at", ts);
	}
	if (c->tf & TF_AUTHOR) {
		snprintf(buf2, sizeof buf2, "%" PRIu64, X_USER_BASE + p->a);
		jw_kstr(j, "author_id", buf2);
	}
	if (c->tf & TF_CONV) {
		snprintf(buf2, sizeof buf2, "%" PRIu64, x_root_id(f, p));
		jw_kstr(j, "conversation_id", buf2);
	}
	if ((c->tf & TF_REPLY_TO) && p->type == P_REPLY) {
		snprintf(buf2, sizeof buf2, "%" PRIu64, X_USER_BASE + (uint64_t)p->tgt_a);
		jw_kstr(j, "in_reply_to_user_id", buf2);
	}
	if ((c->tf & TF_REFS) && p->tgt_a >= 0) {
		static const char *const rt[] = { "", "replied_to", "quoted", "retweeted" };
		jw_karr(j, "referenced_tweets");
		jw_obj(j);
		jw_kstr(j, "type", rt[p->type]);
		snprintf(buf2, sizeof buf2, "%" PRIu64,
			 x_id(world_post_time(f, NET_X, (uint32_t)p->tgt_a, (uint32_t)p->tgt_j), (uint32_t)p->tgt_a));
		jw_kstr(j, "id", buf2);
		jw_end(j);
		jw_aend(j);
	}
	if (c->tf & TF_METRICS) {
		long m[6];
		render_metrics(p, m);
		jw_kobj(j, "public_metrics");
		jw_kint(j, "retweet_count", m[0]);
		jw_kint(j, "reply_count", m[1]);
		jw_kint(j, "like_count", m[2]);
		jw_kint(j, "quote_count", m[3]);
		jw_kint(j, "bookmark_count", m[4]);
		jw_kint(j, "impression_count", m[5]);
		jw_end(j);
	}
	if (c->tf & TF_ENTITIES)
		x_entities(c, &xt, p);
	if (c->tf & TF_LANG)
		jw_kstr(j, "lang", "en");
	if (c->tf & TF_SENSITIVE)
		jw_kbool(j, "possibly_sensitive", false);
	if (c->tf & TF_REPLY_SETTINGS)
		jw_kstr(j, "reply_settings", "everyone");
	jw_end(j);
	buf_free(&xt.text);
}

/* --- errors --- */

static void x_problem(struct rq *r, int status, const char *title, const char *detail, const char *type)
{
	rq_json(r, status);
	jw_obj(&r->j);
	jw_kstr(&r->j, "title", title);
	jw_kstr(&r->j, "detail", detail);
	jw_kstr(&r->j, "type", type);
	jw_kint(&r->j, "status", status);
	jw_end(&r->j);
}

static void x_invalid(struct rq *r, const char *param, const char *value, const char *message)
{
	rq_json(r, 400);
	jw_obj(&r->j);
	jw_karr(&r->j, "errors");
	jw_obj(&r->j);
	jw_kobj(&r->j, "parameters");
	jw_karr(&r->j, param);
	jw_str(&r->j, value);
	jw_aend(&r->j);
	jw_end(&r->j);
	jw_kstr(&r->j, "message", message);
	jw_end(&r->j);
	jw_aend(&r->j);
	jw_kstr(&r->j, "title", "Invalid Request");
	jw_kstr(&r->j, "detail", "One or more parameters to your request was invalid.");
	jw_kstr(&r->j, "type", "https://api.twitter.com/2/problems/invalid-request");
	jw_end(&r->j);
}

/* start_time after end_time: both parameters are named, like the real answer */
static void x_invalid_times(struct rq *r, const char *start, const char *end)
{
	char msg[200];

	snprintf(msg, sizeof msg, "Invalid 'start_time':'%s'. 'start_time' must be before 'end_time':%s", start, end);
	rq_json(r, 400);
	jw_obj(&r->j);
	jw_karr(&r->j, "errors");
	jw_obj(&r->j);
	jw_kobj(&r->j, "parameters");
	jw_karr(&r->j, "start_time");
	jw_str(&r->j, start);
	jw_aend(&r->j);
	jw_karr(&r->j, "end_time");
	jw_str(&r->j, end);
	jw_aend(&r->j);
	jw_end(&r->j);
	jw_kstr(&r->j, "message", msg);
	jw_end(&r->j);
	jw_aend(&r->j);
	jw_kstr(&r->j, "title", "Invalid Request");
	jw_kstr(&r->j, "detail", "One or more parameters to your request was invalid.");
	jw_kstr(&r->j, "type", "https://api.twitter.com/2/problems/invalid-request");
	jw_end(&r->j);
}

/* --- endpoints --- */

#define X_TOKEN_PREFIX "7140dibdnow9"

struct postsrc {                 /* where page indices point: a stream or a union list */
	const struct stream *s;
	const struct ref *list;
};

static void x_src_post(struct fake *f, const struct postsrc *src, size_t i, struct post *p)
{
	if (src->s)
		stream_post(src->s, i, p);
	else
		world_post_get(f, NET_X, src->list[i].a, src->list[i].j, p);
}

static void x_token_make(char dir, uint64_t key, char out[48])
{
	char tmp[24];
	int n = 0;
	do {
		tmp[n++] = "0123456789abcdefghijklmnopqrstuvwxyz"[key % 36];
		key /= 36;
	} while (key);
	memcpy(out, X_TOKEN_PREFIX, sizeof X_TOKEN_PREFIX - 1);
	out[sizeof X_TOKEN_PREFIX - 1] = dir;
	for (int i = 0; i < n; i++)
		out[sizeof X_TOKEN_PREFIX + i] = tmp[n - 1 - i];
	out[sizeof X_TOKEN_PREFIX + n] = '\0';
}

static bool x_token_parse(const char *s, char *dir, uint64_t *key)
{
	size_t pl = sizeof X_TOKEN_PREFIX - 1;
	uint64_t v = 0;

	if (strncmp(s, X_TOKEN_PREFIX, pl) != 0 || (s[pl] != 'n' && s[pl] != 'p') || !s[pl + 1])
		return false;
	*dir = s[pl];
	for (const char *p = s + pl + 1; *p; p++) {
		const char *c = strchr("0123456789abcdefghijklmnopqrstuvwxyz", *p);
		if (!c)
			return false;
		v = v * 36 + (uint64_t)(c - "0123456789abcdefghijklmnopqrstuvwxyz");
	}
	*key = v;
	return true;
}

static unsigned x_flags(const char *list, const char *const *names, const unsigned *bits, size_t n)
{
	unsigned out = 0;
	char item[64];

	while (list && *list) {
		size_t len = strcspn(list, ",");
		snprintf(item, sizeof item, "%.*s", (int)len, list);
		for (size_t i = 0; i < n; i++)
			if (strcmp(item, names[i]) == 0)
				out |= bits[i];
		list += len + (list[len] == ',');
	}
	return out;
}

static void x_parse_fields(struct rq *r)
{
	static const char *const tn[] = { "created_at", "author_id", "conversation_id", "in_reply_to_user_id",
		"referenced_tweets", "public_metrics", "entities", "lang", "possibly_sensitive", "reply_settings" };
	static const unsigned tb[] = { TF_CREATED, TF_AUTHOR, TF_CONV, TF_REPLY_TO, TF_REFS, TF_METRICS,
		TF_ENTITIES, TF_LANG, TF_SENSITIVE, TF_REPLY_SETTINGS };
	static const char *const en[] = { "author_id", "referenced_tweets.id", "referenced_tweets.id.author_id",
		"in_reply_to_user_id", "entities.mentions.username" };
	static const unsigned eb[] = { EX_AUTHOR, EX_REFS, EX_REFS_AUTHOR, EX_REPLY_TO, EX_MENTIONS };
	static const char *const un[] = { "created_at", "description", "public_metrics", "profile_image_url",
		"verified", "protected", "url", "location", "connection_status" };
	static const unsigned ub[] = { UF_CREATED, UF_DESCRIPTION, UF_METRICS, UF_IMAGE, UF_VERIFIED,
		UF_PROTECTED, UF_URL, UF_LOCATION, UF_CONNECTION };
	const char *t = rq_bearer(r);

	r->rc.tf = x_flags(rq_param(r, "tweet.fields"), tn, tb, 10);
	r->rc.ex = x_flags(rq_param(r, "expansions"), en, eb, 5);
	r->rc.uf = x_flags(rq_param(r, "user.fields"), un, ub, 9);
	if (!t || !oauth_x_token_ok(r->f, t, r->now))
		r->rc.uf &= ~(unsigned)UF_CONNECTION;   /* a relationship needs user context */
}

static bool x_auth(struct rq *r)
{
	const char *t = rq_bearer(r);
	if (t && (strcmp(t, r->f->x_token) == 0 || oauth_x_token_ok(r->f, t, r->now)))
		return true;
	x_problem(r, 401, "Unauthorized", "Unauthorized", "about:blank");
	return false;
}

static void x_not_found_item(struct rq *r, const char *value, const char *what, const char *param)
{
	char detail[160];
	snprintf(detail, sizeof detail, "Could not find %s with %s: [%s].", what, param, value);
	jw_obj(&r->j);
	jw_kstr(&r->j, "value", value);
	jw_kstr(&r->j, "detail", detail);
	jw_kstr(&r->j, "title", "Not Found Error");
	jw_kstr(&r->j, "resource_type", what);
	jw_kstr(&r->j, "parameter", param);
	jw_kstr(&r->j, "resource_id", value);
	jw_kstr(&r->j, "type", "https://api.twitter.com/2/problems/resource-not-found");
	jw_end(&r->j);
}

/* X answers 200 with only errors[] for a missing user */
static void x_user_missing(struct rq *r, const char *value, const char *param)
{
	rq_json(r, 200);
	jw_obj(&r->j);
	jw_karr(&r->j, "errors");
	x_not_found_item(r, value, "user", param);
	jw_aend(&r->j);
	jw_end(&r->j);
}

static bool x_user_by_id(struct rq *r, const char *s, uint32_t *a)
{
	uint64_t id;
	if (!util_parse_u64(s, &id) || id < X_USER_BASE || id - X_USER_BASE > r->f->naccounts)
		return false;
	*a = (uint32_t)(id - X_USER_BASE);
	return true;
}

static void add_unique(uint32_t *v, size_t *n, size_t cap, uint32_t x)
{
	for (size_t i = 0; i < *n; i++)
		if (v[i] == x)
			return;
	if (*n < cap)
		v[(*n)++] = x;
}

/* includes.users / includes.tweets for the expansions asked for */
static void x_includes(struct rq *r, const struct postsrc *src, const struct page *pg)
{
	struct fake *f = r->f;
	struct rctx *c = &r->rc;
	uint32_t users[256];
	struct ref refs[128];
	size_t nu = 0, nr = 0;
	struct post p;

	for (size_t i = 0; i < pg->n; i++) {
		x_src_post(f, src, pg->idx[i], &p);
		if (c->ex & EX_AUTHOR)
			add_unique(users, &nu, 256, p.a);
		if ((c->ex & EX_REPLY_TO) && p.type == P_REPLY)
			add_unique(users, &nu, 256, (uint32_t)p.tgt_a);
		if ((c->ex & EX_MENTIONS) && p.mention >= 0)
			add_unique(users, &nu, 256, (uint32_t)p.mention);
		if ((c->ex & EX_MENTIONS) && p.type == P_REPLY)
			add_unique(users, &nu, 256, (uint32_t)p.tgt_a);
		if (p.tgt_a >= 0 && (c->ex & (EX_REFS | EX_REFS_AUTHOR))) {
			bool seen = false;
			for (size_t k = 0; k < nr; k++)
				seen |= refs[k].a == (uint32_t)p.tgt_a && refs[k].j == (uint32_t)p.tgt_j;
			if (!seen && nr < 128 && (c->ex & EX_REFS))
				refs[nr++] = (struct ref){ 0, (uint32_t)p.tgt_a, (uint32_t)p.tgt_j };
			if (c->ex & EX_REFS_AUTHOR)
				add_unique(users, &nu, 256, (uint32_t)p.tgt_a);
		}
	}
	if (!nu && !nr)
		return;
	jw_kobj(&r->j, "includes");
	if (nu) {
		jw_karr(&r->j, "users");
		for (size_t i = 0; i < nu; i++)
			x_user(c, users[i]);
		jw_aend(&r->j);
	}
	if (nr) {
		jw_karr(&r->j, "tweets");
		for (size_t i = 0; i < nr; i++) {
			world_post_get(f, NET_X, refs[i].a, refs[i].j, &p);
			x_tweet(c, &p);
		}
		jw_aend(&r->j);
	}
	jw_end(&r->j);
}

static void x_render_page(struct rq *r, const struct postsrc *src, struct page *pg, bool prev_tokens)
{
	struct fake *f = r->f;
	struct post p;
	uint64_t newest = 0, oldest = 0;
	char id[24], tok[48];

	rq_json(r, 200);
	jw_obj(&r->j);
	if (pg->n == 0) {
		jw_kobj(&r->j, "meta");
		jw_kint(&r->j, "result_count", 0);
		jw_end(&r->j);
		jw_end(&r->j);
		return;
	}
	x_src_post(f, src, pg->idx[0], &p);
	newest = x_id(p.t, p.a);
	x_src_post(f, src, pg->idx[pg->n - 1], &p);
	oldest = x_id(p.t, p.a);
	stream_mangle(r, pg);
	if (r->wrong_container) {
		jw_key(&r->j, "data");      /* an object where an array belongs */
		x_src_post(f, src, pg->idx[0], &p);
		x_tweet(&r->rc, &p);
	} else {
		jw_karr(&r->j, "data");
		for (size_t i = 0; i < pg->n; i++) {
			x_src_post(f, src, pg->idx[i], &p);
			x_tweet(&r->rc, &p);
		}
		jw_aend(&r->j);
	}
	x_includes(r, src, pg);
	jw_kobj(&r->j, "meta");
	snprintf(id, sizeof id, "%" PRIu64, newest);
	jw_kstr(&r->j, "newest_id", id);
	snprintf(id, sizeof id, "%" PRIu64, oldest);
	jw_kstr(&r->j, "oldest_id", id);
	jw_kint(&r->j, "result_count", (long long)pg->n);
	if (pg->more_older) {
		x_token_make('n', oldest, tok);
		jw_kstr(&r->j, "next_token", tok);
	}
	if (prev_tokens && pg->more_newer) {
		x_token_make('p', newest, tok);
		jw_kstr(&r->j, "previous_token", tok);
	}
	jw_end(&r->j);
	jw_end(&r->j);
}

/* since_id/until_id/page token turned into an id range, plus max_results */
struct xbounds {
	uint64_t lo, hi;
	bool has_lo, has_hi;
	bool oldest;          /* a previous_token: the oldest page above lo */
	long limit;
};

static bool x_bound_id(struct rq *r, const char *param, uint64_t *out)
{
	const char *v = rq_param(r, param);
	char msg[96];

	if (util_parse_u64(v, out) && strlen(v) <= 19)
		return true;
	snprintf(msg, sizeof msg, "The `%s` query parameter value is not valid", param);
	x_invalid(r, param, v, msg);
	return false;
}

/* start_time / end_time: RFC 3339, in whole seconds; false after a 400 */
static bool x_time_param(struct rq *r, const char *param, int64_t *sec, bool *has)
{
	const char *v = rq_param(r, param);
	char msg[200];
	int64_t ms;

	*has = false;
	if (!v)
		return true;
	if (!clock_parse_iso(v, &ms) || ms < X_MIN_TIME_S * 1000) {
		snprintf(msg, sizeof msg, "Invalid '%s':'%s'. '%s' must be a valid RFC 3339 date-time on or after "
			 "2010-11-06T00:00Z", param, v, param);
		x_invalid(r, param, v, msg);
		return false;
	}
	*sec = ms / 1000;
	*has = true;
	return true;
}

/* start_time (inclusive) and end_time (exclusive) narrow the id range as the
 * ids of the first post of those seconds would; since_id wins over
 * start_time. False after a 400. */
static bool x_time_bounds(struct rq *r, struct xbounds *b)
{
	int64_t start, end;
	bool has_start, has_end;

	if (!x_time_param(r, "start_time", &start, &has_start) || !x_time_param(r, "end_time", &end, &has_end))
		return false;
	if (has_start && has_end && start >= end) {
		x_invalid_times(r, rq_param(r, "start_time"), rq_param(r, "end_time"));
		return false;
	}
	if (has_start && !rq_param(r, "since_id")) {
		uint64_t lo = x_id(start * 1000, 0) - 1;
		if (!b->has_lo || lo > b->lo)
			b->lo = lo;
		b->has_lo = true;
	}
	if (has_end) {
		uint64_t hi = x_id(end * 1000, 0);
		if (!b->has_hi || hi < b->hi)
			b->hi = hi;
		b->has_hi = true;
	}
	return true;
}

/* Returns false after writing a 400. times: the endpoint takes start_time
 * and end_time (the timelines). */
static bool x_bounds(struct rq *r, long min_res, long max_res, bool times, struct xbounds *b)
{
	const char *v, *tp = rq_param(r, "pagination_token") ? "pagination_token" : "next_token";
	char dir, msg[160];
	uint64_t k;

	*b = (struct xbounds){ .limit = 10 };
	if ((v = rq_param(r, "max_results")) && (!util_parse_long(v, &b->limit) || b->limit < min_res || b->limit > max_res)) {
		snprintf(msg, sizeof msg, "The `max_results` query parameter value [%s] is not between %ld and %ld",
			 v, min_res, max_res);
		x_invalid(r, "max_results", v, msg);
		return false;
	}
	if (rq_param(r, "since_id") && !(b->has_lo = x_bound_id(r, "since_id", &b->lo)))
		return false;
	if (rq_param(r, "until_id") && !(b->has_hi = x_bound_id(r, "until_id", &b->hi)))
		return false;
	if (times && !x_time_bounds(r, b))
		return false;
	if (!(v = rq_param(r, tp)))
		return true;
	if (!x_token_parse(v, &dir, &k)) {
		x_invalid(r, tp, v, "The `pagination_token` query parameter value is not valid");
		return false;
	}
	if (dir == 'n' && (!b->has_hi || k < b->hi)) {
		b->hi = k;
		b->has_hi = true;
	} else if (dir == 'p') {
		if (!b->has_lo || k > b->lo)
			b->lo = k;
		b->has_lo = b->oldest = true;
	}
	return true;
}

static void x_timeline(struct rq *r, struct stream *s, bool exclude_allowed)
{
	struct xbounds b;
	struct page pg;
	struct postsrc src = { s, NULL };
	const char *ex = rq_param(r, "exclude");

	if (!x_bounds(r, 5, 100, true, &b))
		return;
	if (exclude_allowed && ex) {
		if (strstr(ex, "replies"))
			s->filter |= F_NO_REPLIES;
		if (strstr(ex, "retweets"))
			s->filter |= F_NO_REPOSTS;
	}
	stream_select(s, b.has_lo ? &b.lo : NULL, b.has_hi ? &b.hi : NULL, (size_t)b.limit, b.oldest, &pg);
	x_render_page(r, &src, &pg, true);
	free(pg.idx);
}

static void x_users_tweets(struct rq *r, const char *id)
{
	struct stream s;
	uint32_t a;

	if (!x_auth(r) || !limits_check(r, XB_TWEETS))
		return;
	x_parse_fields(r);
	if (!x_user_by_id(r, id, &a)) {
		x_user_missing(r, id, "id");
		return;
	}
	stream_account(&s, r->f, NET_X, a, r->now);
	if (s.n > X_TIMELINE_REACH)        /* older posts are out of reach: pages past them are empty */
		s.first = s.n - X_TIMELINE_REACH;
	x_timeline(r, &s, true);
}

static void x_users_mentions(struct rq *r, const char *id)
{
	struct stream s;
	uint32_t a;

	if (!x_auth(r) || !limits_check(r, XB_MENTIONS))
		return;
	x_parse_fields(r);
	if (!x_user_by_id(r, id, &a)) {
		x_user_missing(r, id, "id");
		return;
	}
	stream_refs(&s, r->f, NET_X, &r->f->nd[NET_X].mentions[a], r->now);
	x_timeline(r, &s, false);
}

/* Whom me follows (follows.c): max_results 1..1000, pagination_token "F<offset>".
 * Apps below the tier that has this endpoint get a 403 client-forbidden:
 * tests script it ({"action":"raw","code":403,...}). */
static void x_following(struct rq *r, const char *id)
{
	size_t n = follows_count(r->f), from = 0, k;
	const char *tok = rq_param(r, "pagination_token");
	long max = 100;
	uint32_t a;

	if (!x_auth(r) || !limits_check(r, XB_FOLLOWING))
		return;
	x_parse_fields(r);
	if (!x_user_by_id(r, id, &a) || a != 0) {
		x_user_missing(r, id, "id");
		return;
	}
	if (rq_param(r, "max_results") && (!util_parse_long(rq_param(r, "max_results"), &max) || max < 1 || max > 1000)) {
		rq_raw(r, 400, "application/json", "{\"title\":\"Invalid Request\",\"detail\":\"max_results\"}");
		return;
	}
	uint64_t off = 0;
	if (tok && (tok[0] != 'F' || !util_parse_u64(tok + 1, &off))) {
		rq_raw(r, 400, "application/json", "{\"title\":\"Invalid Request\",\"detail\":\"pagination_token\"}");
		return;
	}
	from = (size_t)off;
	if (from > n)
		from = n;
	if (max > FOLLOWS_PAGE)
		max = FOLLOWS_PAGE;
	k = n - from < (size_t)max ? n - from : (size_t)max;
	rq_json(r, 200);
	jw_obj(&r->j);
	jw_karr(&r->j, "data");
	for (size_t i = from; i < from + k; i++)
		x_user(&r->rc, follows_at(r->f, i));
	jw_aend(&r->j);
	jw_kobj(&r->j, "meta");
	jw_kint(&r->j, "result_count", (long long)k);
	if (from + k < n) {
		char next[32];
		snprintf(next, sizeof next, "F%zu", from + k);
		jw_kstr(&r->j, "next_token", next);
	}
	jw_end(&r->j);
	jw_end(&r->j);
}

/* The user's home timeline: only with the user's own token, only the
 * user's own id; max_results 1..100. */
static void x_home(struct rq *r, const char *id)
{
	const char *t = rq_bearer(r);
	struct xbounds b;
	struct refvec rv;
	struct stream s;
	struct page pg;
	struct postsrc src;
	uint32_t a;

	if (!t || !oauth_x_token_ok(r->f, t, r->now)) {
		x_problem(r, 403, "Unsupported Authentication",
			  "Authenticating with OAuth 2.0 Application-Only is forbidden for this endpoint.  "
			  "Supported authentication types are [OAuth 1.0a User Context, OAuth 2.0 User Context].",
			  "https://api.twitter.com/2/problems/unsupported-authentication");
		return;
	}
	if (!limits_check(r, XB_TIMELINES))
		return;
	x_parse_fields(r);
	if (!x_user_by_id(r, id, &a) || a != 0) {
		x_problem(r, 403, "Forbidden", "You are not permitted to use OAuth2 on behalf of another user.",
			  "about:blank");
		return;
	}
	if (!x_bounds(r, 1, 100, true, &b))
		return;
	feed_home_refs(r->f, NET_X, r->now, &rv);
	stream_refs(&s, r->f, NET_X, &rv, r->now);
	src = (struct postsrc){ &s, NULL };
	stream_select(&s, b.has_lo ? &b.lo : NULL, b.has_hi ? &b.hi : NULL, (size_t)b.limit, b.oldest, &pg);
	x_render_page(r, &src, &pg, true);
	free(pg.idx);
	free(rv.v);
}

/* GET /2/users?ids=: found users in data, the others in errors. */
static void x_users_ids(struct rq *r, const char *arg)
{
	const char *list = rq_param(r, "ids");
	uint32_t found[100];
	char missing[100][32];
	size_t nf = 0, nm = 0;

	if (!x_auth(r) || !limits_check(r, XB_USERS))
		return;
	x_parse_fields(r);
	if (!list || !*list) {
		x_invalid(r, "ids", "", "The `ids` query parameter can not be empty");
		return;
	}
	while (*list) {
		size_t len = strcspn(list, ",");
		char id[32];
		uint32_t a;
		if (nf + nm == 100) {
			x_invalid(r, "ids", rq_param(r, "ids"), "The `ids` query parameter value has more than 100 ids");
			return;
		}
		snprintf(id, sizeof id, "%.*s", (int)(len < 31 ? len : 31), list);
		if (x_user_by_id(r, id, &a))
			found[nf++] = a;
		else
			snprintf(missing[nm++], 32, "%s", id);
		list += len + (list[len] == ',');
	}
	rq_json(r, 200);
	jw_obj(&r->j);
	if (nf) {
		jw_karr(&r->j, "data");
		for (size_t i = 0; i < nf; i++)
			x_user(&r->rc, found[i]);
		jw_aend(&r->j);
	}
	if (nm) {
		jw_karr(&r->j, "errors");
		for (size_t i = 0; i < nm; i++)
			x_not_found_item(r, missing[i], "user", "ids");
		jw_aend(&r->j);
	}
	jw_end(&r->j);
}

/* GET /2/usage/tweets: what this fake billed, as X's usage endpoint (xbill.c). */
static void x_usage(struct rq *r, const char *arg)
{
	(void)arg;
	if (!x_auth(r) || !limits_check(r, XB_USAGE))
		return;
	xbill_usage(r);
}

static void x_user_by_username(struct rq *r, const char *name)
{
	uint32_t a;

	if (!x_auth(r) || !limits_check(r, XB_USERS))
		return;
	x_parse_fields(r);
	if (!world_acct_by_name(r->f, name, &a) || strchr(name, '@') || strchr(name, '.')) {
		x_user_missing(r, name, "username");
		return;
	}
	rq_json(r, 200);
	jw_obj(&r->j);
	jw_key(&r->j, "data");
	x_user(&r->rc, a);
	jw_end(&r->j);
}

static void x_user_by_id_ep(struct rq *r, const char *id)
{
	uint32_t a;

	if (!x_auth(r) || !limits_check(r, XB_USERS))
		return;
	x_parse_fields(r);
	if (!x_user_by_id(r, id, &a)) {
		x_user_missing(r, id, "id");
		return;
	}
	rq_json(r, 200);
	jw_obj(&r->j);
	jw_key(&r->j, "data");
	x_user(&r->rc, a);
	jw_end(&r->j);
}

static void x_users_by(struct rq *r, const char *arg)
{
	const char *list = rq_param(r, "usernames");
	char name[64];
	uint32_t found[100];
	char missing[100][32];
	size_t nf = 0, nm = 0;

	if (!x_auth(r) || !limits_check(r, XB_USERS))
		return;
	x_parse_fields(r);
	if (!list || !*list) {
		x_invalid(r, "usernames", "", "The `usernames` query parameter can not be empty");
		return;
	}
	while (*list && nf + nm < 100) {
		size_t len = strcspn(list, ",");
		uint32_t a;
		snprintf(name, sizeof name, "%.*s", (int)(len < 63 ? len : 63), list);
		if (world_acct_by_name(r->f, name, &a) && !strchr(name, '.'))
			found[nf++] = a;
		else
			snprintf(missing[nm++], 32, "%.31s", name);
		list += len + (list[len] == ',');
	}
	rq_json(r, 200);
	jw_obj(&r->j);
	if (nf) {
		jw_karr(&r->j, "data");
		for (size_t i = 0; i < nf; i++)
			x_user(&r->rc, found[i]);
		jw_aend(&r->j);
	}
	if (nm) {
		jw_karr(&r->j, "errors");
		for (size_t i = 0; i < nm; i++)
			x_not_found_item(r, missing[i], "user", "usernames");
		jw_aend(&r->j);
	}
	jw_end(&r->j);
}

/* GET /2/tweets?ids= and /2/tweets/:id */
static void x_tweets_lookup(struct rq *r, const char *one)
{
	const char *list = one ? one : rq_param(r, "ids");
	struct ref found[100];
	char missing[100][24];
	size_t nf = 0, nm = 0;

	if (!x_auth(r) || !limits_check(r, XB_LOOKUP))
		return;
	x_parse_fields(r);
	if (!list || !*list) {
		x_invalid(r, "ids", "", "The `ids` query parameter can not be empty");
		return;
	}
	while (*list && nf + nm < 100) {
		size_t len = strcspn(list, ",");
		char idb[24];
		uint64_t id;
		uint32_t a, j;
		snprintf(idb, sizeof idb, "%.*s", (int)(len < 23 ? len : 23), list);
		if (util_parse_u64(idb, &id) && x_post_by_id(r->f, id, &a, &j, r->now))
			found[nf++] = (struct ref){ 0, a, j };
		else
			snprintf(missing[nm++], 24, "%s", idb);
		list += len + (list[len] == ',');
	}
	rq_json(r, 200);
	jw_obj(&r->j);
	if (nf) {
		if (one)
			jw_key(&r->j, "data");
		else
			jw_karr(&r->j, "data");
		for (size_t i = 0; i < nf; i++) {
			struct post p;
			world_post_get(r->f, NET_X, found[i].a, found[i].j, &p);
			x_tweet(&r->rc, &p);
		}
		if (!one)
			jw_aend(&r->j);
	}
	if (nm) {
		jw_karr(&r->j, "errors");
		for (size_t i = 0; i < nm; i++)
			x_not_found_item(r, missing[i], "tweet", one ? "id" : "ids");
		jw_aend(&r->j);
	}
	jw_end(&r->j);
}

/* --- recent search: "#tag", "from:a OR from:b", "@user", is:/-is: filters --- */

struct xclause {
	int tag;                 /* -1 none */
	int32_t from, at;        /* accounts, -1 none */
	unsigned filter;
	bool only_replies, only_quotes, only_reposts, bad;
};

static bool x_clause_keep(struct fake *f, const struct xclause *c, uint32_t a, uint32_t j)
{
	struct post p;
	bool has_tag = false;

	world_post_get(f, NET_X, a, j, &p);
	if (c->from >= 0 && p.a != (uint32_t)c->from)
		return false;
	if (c->at >= 0 && p.mention != c->at && !(p.tgt_a == c->at && p.type != P_REPOST))
		return false;
	for (int i = 0; i < p.ntags; i++)
		has_tag |= p.tags[i] == c->tag;
	if (c->tag >= 0 && !has_tag)
		return false;
	if ((c->only_replies && p.type != P_REPLY) || (c->only_quotes && p.type != P_QUOTE) ||
	    (c->only_reposts && p.type != P_REPOST))
		return false;
	if (((c->filter & F_NO_REPLIES) && p.type == P_REPLY) || ((c->filter & F_NO_REPOSTS) && p.type == P_REPOST))
		return false;
	return true;
}

static void x_parse_clause(struct fake *f, char *text, struct xclause *c)
{
	*c = (struct xclause){ .tag = -1, .from = -1, .at = -1 };
	for (char *tok = strtok(text, " ()"); tok; tok = strtok(NULL, " ()")) {
		bool neg = *tok == '-';
		uint32_t a;
		if (neg)
			tok++;
		if (*tok == '#') {
			c->tag = index_tag_find(f, tok + 1);
			c->bad |= c->tag < 0;
		} else if (strncasecmp(tok, "from:", 5) == 0) {
			c->bad |= !world_acct_by_name(f, tok + 5, &a);
			c->from = (int32_t)a;
		} else if (*tok == '@' || strncasecmp(tok, "to:", 3) == 0) {
			c->bad |= !world_acct_by_name(f, tok + (*tok == '@' ? 1 : 3), &a);
			c->at = (int32_t)a;
		} else if (strcasecmp(tok, "is:retweet") == 0) {
			if (neg) c->filter |= F_NO_REPOSTS; else c->only_reposts = true;
		} else if (strcasecmp(tok, "is:reply") == 0) {
			if (neg) c->filter |= F_NO_REPLIES; else c->only_replies = true;
		} else if (strcasecmp(tok, "is:quote") == 0) {
			c->only_quotes = !neg;
		}
		/* plain words and other operators match everything here */
	}
}

static int ref_key_desc(const void *x, const void *y)
{
	const struct ref *r = x, *s = y;
	uint64_t a = x_id(r->t, r->a), b = x_id(s->t, s->a);
	return a < b ? 1 : a > b ? -1 : 0;
}

/* One OR-clause: walks its narrowest stream inside the id range and the
 * 7-day window and adds up to limit+1 matches, enough to page the union. */
static void x_search_clause(struct rq *r, char *text, const struct xbounds *b, struct refvec *out)
{
	struct fake *f = r->f;
	struct xclause c;
	struct stream s;
	size_t start, end, got = 0, want = (size_t)b->limit + 1;
	int64_t window = r->now - 7 * DAY_MS;

	x_parse_clause(f, text, &c);
	if (c.bad)
		return;
	if (c.tag >= 0)
		stream_refs(&s, f, NET_X, &f->nd[NET_X].tags[c.tag], r->now);
	else if (c.from >= 0)
		stream_account(&s, f, NET_X, (uint32_t)c.from, r->now);
	else if (c.at >= 0)
		stream_refs(&s, f, NET_X, &f->nd[NET_X].mentions[c.at], r->now);
	else
		return;     /* words only: nothing is indexed by word */
	start = b->has_lo ? stream_after(&s, b->lo) : 0;
	end = b->has_hi ? stream_from(&s, b->hi) : s.n;
	for (size_t k = 0; start + k < end && got < want; k++) {
		size_t i = b->oldest ? start + k : end - 1 - k;
		struct post p;
		if (stream_time(&s, i) < window) {
			if (b->oldest)
				continue;
			break;
		}
		stream_post(&s, i, &p);
		if (x_clause_keep(f, &c, p.a, p.j)) {
			index_refvec_push(out, p.t, p.a, p.j);
			got++;
		}
	}
}

static bool x_search_since_ok(struct rq *r, const struct xbounds *b)
{
	uint64_t window_lo = x_id(r->now - 7 * DAY_MS, 0);
	char msg[200], at[32];

	if (!rq_param(r, "since_id") || !b->has_lo || b->oldest || b->lo >= window_lo)
		return true;
	clock_iso_ms(r->now - 7 * DAY_MS, at);
	snprintf(msg, sizeof msg, "'since_id' must be a tweet id created after %.16sZ. Please use a 'since_id' that is larger than %" PRIu64,
		 at, window_lo);
	x_invalid(r, "since_id", rq_param(r, "since_id"), msg);
	return false;
}

static void x_search(struct rq *r, const char *arg)
{
	const char *query = rq_param(r, "query");
	struct xbounds b;
	struct refvec all = { 0 };
	struct page pg = { 0 };
	struct postsrc src;
	size_t w = 0, limit;
	char *qcopy;

	if (!x_auth(r) || !limits_check(r, XB_SEARCH))
		return;
	x_parse_fields(r);
	if (!query || !*query) {
		x_invalid(r, "query", "", "The `query` query parameter can not be empty");
		return;
	}
	if (!x_bounds(r, 10, 100, false, &b) || !x_search_since_ok(r, &b))
		return;
	qcopy = util_strdup(query);
	for (char *rest = qcopy, *or; rest; rest = or ? or + 4 : NULL) {
		if ((or = strstr(rest, " OR ")))
			*or = '\0';
		x_search_clause(r, rest, &b, &all);
	}
	free(qcopy);
	if (all.n > 1)
		qsort(all.v, all.n, sizeof *all.v, ref_key_desc);
	for (size_t i = 0; i < all.n; i++)       /* one post may match several clauses */
		if (!w || all.v[w - 1].t != all.v[i].t || all.v[w - 1].a != all.v[i].a)
			all.v[w++] = all.v[i];
	all.n = w;
	limit = (size_t)b.limit;
	pg.idx = util_malloc((limit * 2 + 2) * sizeof *pg.idx);
	if (b.oldest) {        /* previous page: the oldest matches above the bound */
		size_t first = all.n > limit ? all.n - limit : 0;
		for (size_t i = first; i < all.n; i++)
			pg.idx[pg.n++] = i;
		pg.more_newer = first > 0;
	} else {
		for (size_t i = 0; i < all.n && i < limit; i++)
			pg.idx[pg.n++] = i;
		pg.more_older = all.n > limit;
	}
	src = (struct postsrc){ NULL, all.v };
	x_render_page(r, &src, &pg, false);
	free(pg.idx);
	free(all.v);
}

/* --- what the core asks of X --- */

static void x_error(struct rq *r, int status, const char *reason)
{
	x_problem(r, status, reason, reason, "about:blank");
}

/* X answers unknown paths with an HTML page */
static void x_not_found(struct rq *r)
{
	char page[512];

	script_html_page(page, sizeof page, 404, "Not Found");
	rq_raw(r, 404, "text/html;charset=utf-8", page);
}

static void x_rate_headers(struct rq *r, const struct bucket *b)
{
	rq_add_headerf(r, "x-rate-limit-limit", "%ld", b->limit);
	rq_add_headerf(r, "x-rate-limit-remaining", "%ld", b->remaining);
	rq_add_headerf(r, "x-rate-limit-reset", "%" PRId64, b->reset_s);
}

/* X sends no Retry-After: the reset header is all a client gets */
static void x_too_many(struct rq *r, const struct bucket *shown)
{
	x_problem(r, 429, "Too Many Requests", "Too Many Requests", "about:blank");
}

static void x_ctl_account(struct jw *j, const struct fake *f, uint32_t a)
{
	char id[24], name[24];

	world_acct_name(f, a, name);
	snprintf(id, sizeof id, "%" PRIu64, X_USER_BASE + a);
	jw_kstr(j, "id", id);
	jw_kstr(j, "username", name);
}

static void x_ctl_account_id(const struct fake *f, uint32_t a, char out[256])
{
	snprintf(out, 256, "%" PRIu64, X_USER_BASE + a);
}

static void x_ctl_post_id(const struct fake *f, uint32_t a, int64_t t, char out[256])
{
	snprintf(out, 256, "%" PRIu64, x_id(t, a));
}

static void x_ctl_post_ref(const struct fake *f, const struct post *p, char out[256])
{
	x_ctl_post_id(f, p->a, p->t, out);
}

static void x_ctl_auth(struct jw *j, const struct fake *f)
{
	jw_kstr(j, "x_bearer", f->x_token);
}

static const struct fake_bucket x_buckets[] = {
	[XB_TWEETS] = { "x.users_tweets", 10000, 900 },
	[XB_MENTIONS] = { "x.users_mentions", 450, 900 },
	[XB_SEARCH] = { "x.search_recent", 450, 900 },
	[XB_USERS] = { "x.users", 300, 900 },
	[XB_LOOKUP] = { "x.tweets", 3500, 900 },
	[XB_FOLLOWING] = { "x.users_following", 15, 900 },
	[XB_TIMELINES] = { "x.users_timelines", 180, 900 },
	[XB_USAGE] = { "x.usage_tweets", 50, 900 },
};

static const struct fake_endpoint x_endpoints[] = {
	[XE_USER_BY_NAME] = { "x.users_by_username", XB_USERS },
	[XE_USERS_BY] = { "x.users_by", XB_USERS },
	[XE_USER] = { "x.user", XB_USERS },
	[XE_TWEETS] = { "x.users_tweets", XB_TWEETS },
	[XE_MENTIONS] = { "x.users_mentions", XB_MENTIONS },
	[XE_SEARCH] = { "x.search_recent", XB_SEARCH },
	[XE_LOOKUP] = { "x.tweets", XB_LOOKUP },
	[XE_FOLLOWING] = { "x.users_following", XB_FOLLOWING },
	[XE_HOME] = { "x.users_timelines", XB_TIMELINES },
	[XE_USERS] = { "x.users_ids", XB_USERS },
	[XE_USAGE] = { "x.usage_tweets", XB_USAGE },
};

/* "/2/users/by" before "/2/users/:id", which would take "by" for an id */
static const struct fake_route x_routes[] = {
	{ XE_USER_BY_NAME, EVHTTP_REQ_GET, "/2/users/by/username/*", x_user_by_username },
	{ XE_USERS_BY, EVHTTP_REQ_GET, "/2/users/by", x_users_by },
	{ XE_TWEETS, EVHTTP_REQ_GET, "/2/users/*/tweets", x_users_tweets },
	{ XE_MENTIONS, EVHTTP_REQ_GET, "/2/users/*/mentions", x_users_mentions },
	{ XE_FOLLOWING, EVHTTP_REQ_GET, "/2/users/*/following", x_following },
	{ XE_HOME, EVHTTP_REQ_GET, "/2/users/*/timelines/reverse_chronological", x_home },
	{ XE_USERS, EVHTTP_REQ_GET, "/2/users", x_users_ids },
	{ XE_USER, EVHTTP_REQ_GET, "/2/users/*", x_user_by_id_ep },
	{ XE_SEARCH, EVHTTP_REQ_GET, "/2/tweets/search/recent", x_search },
	{ XE_LOOKUP, EVHTTP_REQ_GET, "/2/tweets", x_tweets_lookup },
	{ XE_LOOKUP, EVHTTP_REQ_GET, "/2/tweets/*", x_tweets_lookup },
	{ XE_USAGE, EVHTTP_REQ_GET, "/2/usage/tweets", x_usage },
};

const struct fake_net x_net = {
	.name = "x",
	.prefix = "/2/",
	.endpoints = x_endpoints,
	.nendpoints = sizeof x_endpoints / sizeof x_endpoints[0],
	.routes = x_routes,
	.nroutes = sizeof x_routes / sizeof x_routes[0],
	.buckets = x_buckets,
	.nbuckets = sizeof x_buckets / sizeof x_buckets[0],
	.astral_escape = true,
	.reply_mention = true,
	.quote_link = true,
	.post_order = x_post_order,
	.error = x_error,
	.not_found = x_not_found,
	.rate_headers = x_rate_headers,
	.too_many = x_too_many,
	.ctl_account = x_ctl_account,
	.ctl_account_id = x_ctl_account_id,
	.ctl_post_id = x_ctl_post_id,
	.ctl_post_ref = x_ctl_post_ref,
	.ctl_auth = x_ctl_auth,
	.ctl_stats = xbill_stats,
	.teardown = xbill_free,
	.ctl_serve = xbill_ctl_serve,
};
