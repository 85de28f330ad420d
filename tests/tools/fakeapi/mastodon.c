/* mastodon.c — Mastodon 4.x: account lookup, statuses, tag timelines,
 * notifications and single statuses, as full entities (sanitised HTML
 * content with h-card mentions, reblog wrappers, quotes, viewer fields only
 * with a token). Newest first always; max_id/since_id/min_id with min_id
 * giving the oldest page above the id; Link header with rel="next" (older,
 * only when the page is full) and rel="prev" (newer, when the page is not
 * empty). Requests that page draw on a second budget, as on mastodon.social.
 * Everything is rendered as one instance shows it (rctx.view): with
 * --mastodon-instances, mastodon_inst.c says where accounts live, which ids
 * an instance gives them and what it knows (mastodon.h). */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mastodon.h"

/* rate buckets and endpoints, indexes into the tables at the end */
enum { MB_API, MB_PAGING };
enum { ME_LOOKUP, ME_ACCOUNT, ME_STATUSES, ME_TAG, ME_NOTIFS, ME_STATUS, ME_HOME, ME_RELATIONSHIPS, ME_FOLLOWING };
#define M_FOLLOW_BASE 900000      /* follow ids (the max_id of following pages), newest highest */

/* --- ids: (ms << 16) | N, or per instance (mastodon_inst.c) --- */

static uint64_t m_post_order(const struct fake *f, int view, int64_t t, uint32_t a)
{
	return minst_status_id(f, view, t, a);
}

/* the post a status id names on instance v, if v knows it by now */
static bool m_post_by_id(const struct fake *f, int v, uint64_t key, uint32_t *a, uint32_t *j, int64_t now)
{
	int64_t t;

	return minst_status_of(f, v, key, &t, a) && world_post_by_time(f, NET_M, *a, t, now, j) &&
	       minst_knows(f, v, *a, t, now);
}

/* --- rendering --- */

static void m_status(struct rctx *c, const struct post *p, int depth);

static void m_account(struct rctx *c, uint32_t a)
{
	struct jw *j = c->j;
	struct fake *f = c->f;
	char id[24], name[24], dname[64], u[256], ts[32], d[16], acct[160], home[160], here[160];
	uint32_t vis = world_count_upto(f, NET_M, a, c->now);

	world_acct_name(f, a, name);
	world_display_name(f, a, dname);
	minst_acct(f, c->view, a, acct);
	minst_base(f, minst_home(f, a), home);
	minst_base(f, c->view, here);
	snprintf(id, sizeof id, "%" PRIu64, minst_account_id(f, c->view, a));
	jw_obj(j);
	render_kid(c, "id", id);
	jw_kstr(j, "username", name);
	jw_kstr(j, "acct", acct);
	render_ktext(c, "display_name", dname);
	jw_kbool(j, "locked", false);
	jw_kbool(j, "bot", follows_bot(f, a));
	jw_kbool(j, "discoverable", true);
	jw_kbool(j, "indexable", true);
	jw_kbool(j, "group", follows_group(f, a));
	clock_iso_ms((f->end_ms - f->span_ms - (int64_t)(util_mix64(a) % (700 * DAY_MS))) / DAY_MS * DAY_MS, ts);
	jw_kstr(j, "created_at", ts);
	if (a && follows_bio(f, a, NULL)) {
		char note[256];
		snprintf(note, sizeof note, "<p>%s</p>", follows_bio(f, a, NULL));
		jw_kstr(j, "note", note);
	} else if (a) {
		/* Doctors list their other accounts: mentord suggests links from these. */
		char note[256];
		snprintf(note, sizeof note, "<p>Clinician educator. <a href=\"#\" class=\"mention hashtag\" "
		         "rel=\"tag\">#<span>meded</span></a> &amp; mentoring. Also on Bluesky: "
		         "@%s.bsky.social</p>", name);
		jw_kstr(j, "note", note);
	} else {
		jw_kstr(j, "note", "<p>Resident, learning every day.</p>");
	}
	snprintf(u, sizeof u, "%s/@%s", home, name);
	jw_kstr(j, "url", u);
	snprintf(u, sizeof u, "%s/users/%s", home, name);
	jw_kstr(j, "uri", u);
	snprintf(u, sizeof u, "%s/system/accounts/avatars/%u/original/avatar.png", here, a);
	jw_kstr(j, "avatar", u);
	jw_kstr(j, "avatar_static", u);
	snprintf(u, sizeof u, "%s/headers/original/missing.png", here);
	jw_kstr(j, "header", u);
	jw_kstr(j, "header_static", u);
	jw_kint(j, "followers_count", (long long)(util_mix64(a + 7) % 5000));
	jw_kint(j, "following_count", (long long)(util_mix64(a + 8) % 800));
	jw_kint(j, "statuses_count", vis);
	if (vis) {
		clock_iso_date(world_post_time(f, NET_M, a, vis - 1), d);
		jw_kstr(j, "last_status_at", d);
	} else {
		jw_knull(j, "last_status_at");
	}
	jw_kbool(j, "hide_collections", false);
	jw_kbool(j, "noindex", false);
	jw_karr(j, "emojis"); jw_aend(j);
	jw_karr(j, "roles"); jw_aend(j);
	jw_karr(j, "fields"); jw_aend(j);
	jw_end(j);
}

static void m_content(struct rctx *c, const struct post *p, struct buf *html)
{
	struct segs sg;
	char name[24], base[160];

	render_compose(c->f, p, &sg);
	buf_puts(html, "<p>");
	for (int i = 0; i < sg.n; i++) {
		struct seg *s = &sg.s[i];
		if (i)
			buf_putc(html, ' ');
		switch (s->k) {
		case S_WORD:
		case S_TEXT:
			render_html_escape(html, s->s, true);
			break;
		case S_MENTION:      /* the content is the author's home's: links to homes */
			world_acct_name(c->f, (uint32_t)s->v, name);
			minst_base(c->f, minst_home(c->f, (uint32_t)s->v), base);
			buf_printf(html, "<span class=\"h-card\" translate=\"no\"><a href=\"%s/@%s\" class=\"u-url mention\">@<span>%s</span></a></span>",
				   base, name, name);
			break;
		case S_TAG:
			minst_base(c->f, minst_home(c->f, p->a), base);
			buf_printf(html, "<a href=\"%s/tags/%s\" class=\"mention hashtag\" rel=\"tag\">#<span>%s</span></a>",
				   base, c->f->tags[s->v], c->f->tags[s->v]);
			break;
		}
	}
	buf_puts(html, "</p>");
}

static void m_mentions_tags(struct rctx *c, const struct post *p)
{
	struct jw *j = c->j;
	char name[24], id[24], u[256], base[160], acct[160];
	int32_t who[2] = { p->type == P_REPLY ? p->tgt_a : -1, p->mention };

	jw_karr(j, "mentions");
	for (int i = 0; i < 2; i++) {
		if (who[i] < 0 || (i == 1 && who[1] == who[0]))
			continue;
		world_acct_name(c->f, (uint32_t)who[i], name);
		minst_acct(c->f, c->view, (uint32_t)who[i], acct);
		minst_base(c->f, minst_home(c->f, (uint32_t)who[i]), base);
		snprintf(id, sizeof id, "%" PRIu64, minst_account_id(c->f, c->view, (uint32_t)who[i]));
		snprintf(u, sizeof u, "%s/@%s", base, name);
		jw_obj(j);
		jw_kstr(j, "id", id);
		jw_kstr(j, "username", name);
		jw_kstr(j, "url", u);
		jw_kstr(j, "acct", acct);
		jw_end(j);
	}
	jw_aend(j);
	minst_base(c->f, c->view, base);
	jw_karr(j, "tags");
	for (int i = 0; i < p->ntags; i++) {
		snprintf(u, sizeof u, "%s/tags/%s", base, c->f->tags[p->tags[i]]);
		jw_obj(j);
		jw_kstr(j, "name", c->f->tags[p->tags[i]]);
		jw_kstr(j, "url", u);
		jw_end(j);
	}
	jw_aend(j);
}

static void m_status(struct rctx *c, const struct post *p, int depth)
{
	struct jw *j = c->j;
	struct fake *f = c->f;
	char id[24], ts[32], uri[256], url[256], tid_s[24];
	struct buf html = { 0 };
	struct post t;
	long m[6];
	bool cw = util_mix64(p->seed ^ 99) % 100 < 3 && p->type != P_REPOST;

	snprintf(id, sizeof id, "%" PRIu64, minst_status_id(f, c->view, p->t, p->a));
	render_metrics(p, m);
	jw_obj(j);
	render_kid(c, "id", id);
	clock_iso_ms(p->t, ts);
	jw_kstr(j, "created_at", ts);
	if (p->type == P_REPLY) {
		snprintf(tid_s, sizeof tid_s, "%" PRIu64, minst_status_id(f, c->view,
			 world_post_time(f, NET_M, (uint32_t)p->tgt_a, (uint32_t)p->tgt_j), (uint32_t)p->tgt_a));
		jw_kstr(j, "in_reply_to_id", tid_s);
		snprintf(tid_s, sizeof tid_s, "%" PRIu64, minst_account_id(f, c->view, (uint32_t)p->tgt_a));
		jw_kstr(j, "in_reply_to_account_id", tid_s);
	} else {
		jw_knull(j, "in_reply_to_id");
		jw_knull(j, "in_reply_to_account_id");
	}
	jw_kbool(j, "sensitive", cw);
	jw_kstr(j, "spoiler_text", cw ? "case discussion" : "");
	jw_kstr(j, "visibility", "public");
	jw_kstr(j, "language", "en");
	minst_status_uri(f, p, uri, url);       /* the author's home's, seen from anywhere */
	jw_kstr(j, "uri", uri);
	jw_kstr(j, "url", *url ? url : NULL);
	jw_kint(j, "replies_count", p->type == P_REPOST ? 0 : m[1]);
	jw_kint(j, "reblogs_count", p->type == P_REPOST ? 0 : m[0]);
	jw_kint(j, "favourites_count", p->type == P_REPOST ? 0 : m[2]);
	jw_kint(j, "quotes_count", p->type == P_REPOST ? 0 : m[3]);
	jw_knull(j, "edited_at");
	if (c->authed) {
		jw_kbool(j, "favourited", false);
		jw_kbool(j, "reblogged", false);
		jw_kbool(j, "muted", false);
		jw_kbool(j, "bookmarked", false);
		jw_karr(j, "filtered"); jw_aend(j);
	}
	if (p->type == P_REPOST)
		buf_puts(&html, "");
	else
		m_content(c, p, &html);
	render_ktext(c, "content", html.p);
	buf_free(&html);
	if (p->type == P_REPOST && depth == 0) {
		jw_key(j, "reblog");
		world_post_get(f, NET_M, (uint32_t)p->tgt_a, (uint32_t)p->tgt_j, &t);
		m_status(c, &t, depth + 1);
	} else {
		jw_knull(j, "reblog");
	}
	if (p->type != P_REPOST) {
		jw_kobj(j, "application");
		jw_kstr(j, "name", "Web");
		jw_knull(j, "website");
		jw_end(j);
	}
	jw_key(j, "account");
	m_account(c, p->a);
	jw_karr(j, "media_attachments"); jw_aend(j);
	m_mentions_tags(c, p);
	jw_karr(j, "emojis"); jw_aend(j);
	jw_knull(j, "card");
	jw_knull(j, "poll");
	if (p->type == P_QUOTE && depth == 0) {
		jw_kobj(j, "quote");
		jw_kstr(j, "state", "accepted");
		jw_key(j, "quoted_status");
		world_post_get(f, NET_M, (uint32_t)p->tgt_a, (uint32_t)p->tgt_j, &t);
		m_status(c, &t, depth + 1);
		jw_end(j);
	} else {
		jw_knull(j, "quote");
	}
	jw_end(j);
}

/* --- errors and rate limits --- */

static void m_error(struct rq *r, int status, const char *msg)
{
	rq_json(r, status);
	jw_obj(&r->j);
	jw_kstr(&r->j, "error", msg);
	jw_end(&r->j);
}

static bool m_paging(struct rq *r)
{
	return rq_param(r, "min_id") || rq_param(r, "max_id") || rq_param(r, "since_id");
}

/* the buckets a request draws on (limits_arrival) */
static unsigned m_rate_keys(struct rq *r)
{
	return 1u << MB_API | (m_paging(r) ? 1u << MB_PAGING : 0);
}

/* Every call draws on mastodon.api; calls that page (max_id, min_id,
 * since_id) also on mastodon.paging. False (and a 429) when either is spent. */
static bool m_rate_check(struct rq *r)
{
	struct bucket *b = limits_bucket(r, MB_API);

	if (m_paging(r)) {
		struct bucket *pg = limits_bucket(r, MB_PAGING);
		bool api_open = limits_open(b, r->now), pg_open = limits_open(pg, r->now);
		if (!api_open || !pg_open) {
			limits_refuse(r, !api_open ? b : pg);
			return false;
		}
		b->remaining--;
		pg->remaining--;
		/* the headers describe the limit closest to running out */
		limits_headers(r, pg->remaining < b->remaining ? pg : b);
		return true;
	}
	return limits_check(r, MB_API);
}

/* --- endpoints --- */

/* The user token is HOME's (instance 0): any other instance answers it as
 * an unknown token (and counts it). A closed instance wants a token even
 * where one is optional. */
static bool m_auth(struct rq *r, bool required)
{
	const char *t = rq_bearer(r);
	bool mine = t && strcmp(t, r->f->m_token) == 0;

	r->rc.authed = false;
	if (mine && r->view == 0) {
		r->rc.authed = true;
		return true;
	}
	if (mine)
		minst_note(r->f, r->view, MI_FOREIGN_TOKEN);
	if (!t && !required && minst_closed(r->f, r->view)) {
		minst_note(r->f, r->view, MI_REFUSED);
		m_error(r, 401, "This API requires an authenticated user");
		return false;
	}
	if (!t && !required)
		return true;
	m_error(r, 401, "The access token is invalid");
	return false;
}

static size_t m_limit(struct rq *r, long def, long max)
{
	long v;
	if (!util_parse_long(rq_param(r, "limit"), &v) || v <= 0)
		return (size_t)def;
	return (size_t)(v > max ? max : v);
}

static void m_bounds(struct rq *r, uint64_t *lo, bool *has_lo, uint64_t *hi, bool *has_hi, bool *oldest)
{
	uint64_t v;

	*has_lo = *has_hi = *oldest = false;
	if (util_parse_u64(rq_param(r, "max_id"), &v)) {
		*hi = v;
		*has_hi = true;
	}
	if (util_parse_u64(rq_param(r, "since_id"), &v)) {
		*lo = v;
		*has_lo = true;
	}
	if (util_parse_u64(rq_param(r, "min_id"), &v)) {
		if (!*has_lo || v > *lo)
			*lo = v;
		*has_lo = true;
		*oldest = true;
	}
}

static void url_encode(struct buf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~')
			buf_putc(b, (char)c);
		else
			buf_printf(b, "%%%02X", c);
	}
}

struct kv { const char *k, *v; };

static int kv_cmp(const void *x, const void *y)
{
	return strcmp(((const struct kv *)x)->k, ((const struct kv *)y)->k);
}

/* A Link URL: the request's other parameters, sorted, plus one paging key. */
static void m_link_url(struct rq *r, struct buf *b, const char *key, uint64_t id)
{
	struct kv kv[32];
	size_t n = 0;
	char idb[24], base[160];

	snprintf(idb, sizeof idb, "%" PRIu64, id);
	minst_link_base(r, base);
	for (struct evkeyval *e = r->q.tqh_first; e && n < 31; e = e->next.tqe_next)
		if (strcmp(e->key, "max_id") && strcmp(e->key, "min_id") && strcmp(e->key, "since_id"))
			kv[n++] = (struct kv){ e->key, e->value };
	kv[n++] = (struct kv){ key, idb };
	qsort(kv, n, sizeof kv[0], kv_cmp);
	buf_printf(b, "<%s%s?", base, r->path);
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_putc(b, '&');
		for (const char *c = kv[i].k; *c; c++)   /* keep [] readable like Mastodon does */
			if (*c == '[' || *c == ']')
				buf_putc(b, *c);
			else
				buf_printf(b, isalnum((unsigned char)*c) || *c == '_' ? "%c" : "%%%02X", (unsigned char)*c);
		buf_putc(b, '=');
		url_encode(b, kv[i].v);
	}
	buf_putc(b, '>');
}

static void m_link(struct rq *r, const struct page *pg, size_t limit, uint64_t newest, uint64_t oldest)
{
	struct buf b = { 0 };

	if (pg->n == 0)
		return;
	if (pg->n >= limit) {
		m_link_url(r, &b, "max_id", oldest);
		buf_puts(&b, "; rel=\"next\", ");
	}
	m_link_url(r, &b, "min_id", newest);
	buf_puts(&b, "; rel=\"prev\"");
	rq_add_header(r, "Link", b.p);
	buf_free(&b);
}

static void m_render_statuses(struct rq *r, const struct stream *s, size_t limit)
{
	uint64_t lo, hi;
	bool has_lo, has_hi, oldest;
	struct page pg;
	struct post p;

	m_bounds(r, &lo, &has_lo, &hi, &has_hi, &oldest);
	stream_select(s, has_lo ? &lo : NULL, has_hi ? &hi : NULL, limit, oldest, &pg);
	if (pg.n)
		m_link(r, &pg, limit, stream_key(s, pg.idx[0]), stream_key(s, pg.idx[pg.n - 1]));
	stream_mangle(r, &pg);
	rq_json(r, 200);
	if (r->wrong_container && pg.n) {      /* an object where the array belongs */
		stream_post(s, pg.idx[0], &p);
		m_status(&r->rc, &p, 0);
	} else {
		jw_arr(&r->j);
		for (size_t i = 0; i < pg.n; i++) {
			stream_post(s, pg.idx[i], &p);
			m_status(&r->rc, &p, 0);
		}
		jw_aend(&r->j);
	}
	free(pg.idx);
}

/* an account id as this instance gives them */
static bool m_account_id(struct rq *r, const char *s, uint32_t *a)
{
	uint64_t id;
	return util_parse_u64(s, &id) && minst_account_of(r->f, r->view, id, a);
}

/* acct=doc3 or doc3@DOMAIN (with instances: the account's home) */
static void m_lookup(struct rq *r, const char *arg)
{
	uint32_t a;
	const char *acct = rq_param(r, "acct"), *at;

	if (!m_auth(r, false) || !m_rate_check(r))
		return;
	at = acct ? strchr(acct + (*acct == '@'), '@') : NULL;
	if (!acct || !world_acct_by_name(r->f, acct, &a) || strstr(acct, ".bsky") || (at && !minst_domain_ok(r->f, a, at + 1))) {
		m_error(r, 404, "Record not found");
		return;
	}
	rq_json(r, 200);
	m_account(&r->rc, a);
}

/* Whom me follows (follows.c), paged by follow id as Mastodon does:
 * max_id is the follow relationship's id, known only from Link. */
static void m_following(struct rq *r, const char *id)
{
	size_t limit = m_limit(r, 40, FOLLOWS_PAGE), n = follows_count(r->f), from = 0, k;
	uint32_t a;
	uint64_t max_id;

	if (!m_auth(r, false) || !m_rate_check(r))
		return;
	if (!m_account_id(r, id, &a) || a != 0) {
		m_error(r, 404, "Record not found");
		return;
	}
	if (util_parse_u64(rq_param(r, "max_id"), &max_id))
		from = max_id > M_FOLLOW_BASE ? 0 : M_FOLLOW_BASE - max_id + 1;   /* max_id is exclusive */
	if (from > n)
		from = n;
	k = n - from < limit ? n - from : limit;
	if (k == limit && from + k < n) {
		struct buf b = { 0 };
		m_link_url(r, &b, "max_id", M_FOLLOW_BASE - (from + k - 1));
		buf_puts(&b, "; rel=\"next\", ");
		m_link_url(r, &b, "since_id", M_FOLLOW_BASE - from);
		buf_puts(&b, "; rel=\"prev\"");
		rq_add_header(r, "Link", b.p);
		buf_free(&b);
	}
	rq_json(r, 200);
	jw_arr(&r->j);
	for (size_t i = from; i < from + k; i++)
		m_account(&r->rc, follows_at(r->f, i));
	jw_aend(&r->j);
}

static void m_account_ep(struct rq *r, const char *id)
{
	uint32_t a;

	if (!m_auth(r, false) || !m_rate_check(r))
		return;
	if (!m_account_id(r, id, &a)) {
		m_error(r, 404, "Record not found");
		return;
	}
	rq_json(r, 200);
	m_account(&r->rc, a);
}

static void m_statuses(struct rq *r, const char *id)
{
	struct stream s;
	uint32_t a;
	const char *tagged = rq_param(r, "tagged");
	int tag;

	if (!m_auth(r, false) || !m_rate_check(r))
		return;
	if (!m_account_id(r, id, &a)) {
		m_error(r, 404, "Record not found");
		return;
	}
	if (tagged && (tag = index_tag_find(r->f, tagged[0] == '#' ? tagged + 1 : tagged)) >= 0) {
		stream_refs(&s, r->f, NET_M, &r->f->nd[NET_M].tags[tag], r->now);
		minst_refs_stream(&s, r->view);
		s.author = (int32_t)a;
	} else if (tagged) {
		stream_refs(&s, r->f, NET_M, &r->f->nd[NET_M].tags[0], 0);   /* unknown tag: nothing */
		s.n = 0;
	} else {
		stream_account(&s, r->f, NET_M, a, r->now);
		minst_account_stream(&s, r->view);      /* what this instance has of it */
	}
	if (minst_empty(r->f, r->view))
		s.n = 0;     /* limited federation: no statuses */
	if (rq_param(r, "exclude_replies") && strcasecmp(rq_param(r, "exclude_replies"), "false") != 0)
		s.filter |= F_NO_REPLIES;
	if (rq_param(r, "exclude_reblogs") && strcasecmp(rq_param(r, "exclude_reblogs"), "false") != 0)
		s.filter |= F_NO_REPOSTS;
	if ((rq_param(r, "only_media") && strcasecmp(rq_param(r, "only_media"), "false") != 0) ||
	    (rq_param(r, "pinned") && strcasecmp(rq_param(r, "pinned"), "false") != 0))
		s.n = 0;     /* nobody has media or pinned posts */
	m_render_statuses(r, &s, m_limit(r, 20, 40));
}

static void m_tag(struct rq *r, const char *name)
{
	struct stream s;
	int tag = index_tag_find(r->f, name[0] == '#' ? name + 1 : name);

	if (!m_auth(r, false) || !m_rate_check(r))
		return;
	if (tag < 0) {
		rq_json(r, 200);
		buf_puts(&r->body, "[]");
		return;
	}
	stream_refs(&s, r->f, NET_M, &r->f->nd[NET_M].tags[tag], r->now);
	minst_refs_stream(&s, r->view);             /* local posts and the remote ones it knows */
	if ((rq_param(r, "only_media") && strcasecmp(rq_param(r, "only_media"), "false") != 0) ||
	    minst_empty(r->f, r->view))
		s.n = 0;
	m_render_statuses(r, &s, m_limit(r, 20, 40));
}

static void m_status_ep(struct rq *r, const char *id)
{
	uint64_t key;
	uint32_t a, j;
	struct post p;

	if (!m_auth(r, false) || !m_rate_check(r))
		return;
	if (!util_parse_u64(id, &key) || minst_empty(r->f, r->view) || !m_post_by_id(r->f, r->view, key, &a, &j, r->now)) {
		m_error(r, 404, "Record not found");
		return;
	}
	world_post_get(r->f, NET_M, a, j, &p);
	rq_json(r, 200);
	m_status(&r->rc, &p, 0);
}

/* The user's home timeline: feed.c's window of what me follows, as this
 * instance numbers it. */
static void m_home(struct rq *r, const char *arg)
{
	struct stream s;
	struct refvec rv;

	if (!m_auth(r, true) || !m_rate_check(r))
		return;
	feed_home_refs(r->f, NET_M, r->now, &rv);
	stream_refs(&s, r->f, NET_M, &rv, r->now);
	minst_refs_stream(&s, r->view);
	m_render_statuses(r, &s, m_limit(r, 20, 40));
	free(rv.v);
}

/* relationships?id[]=…: unknown ids are left out, as Mastodon does. */
static void m_relationships(struct rq *r, const char *arg)
{
	uint32_t a;

	if (!m_auth(r, true) || !m_rate_check(r))
		return;
	rq_json(r, 200);
	jw_arr(&r->j);
	for (struct evkeyval *e = r->q.tqh_first; e; e = e->next.tqe_next) {
		if ((strcmp(e->key, "id[]") && strcmp(e->key, "id")) || !m_account_id(r, e->value, &a))
			continue;
		jw_obj(&r->j);
		jw_kstr(&r->j, "id", e->value);
		jw_kbool(&r->j, "following", feed_follows(r->f, NET_M, a));
		jw_kbool(&r->j, "showing_reblogs", true);
		jw_kbool(&r->j, "notifying", false);
		jw_karr(&r->j, "languages"); jw_aend(&r->j);
		jw_kbool(&r->j, "followed_by", false);
		jw_kbool(&r->j, "blocking", false);
		jw_kbool(&r->j, "blocked_by", false);
		jw_kbool(&r->j, "muting", false);
		jw_kbool(&r->j, "muting_notifications", false);
		jw_kbool(&r->j, "requested", false);
		jw_kbool(&r->j, "requested_by", false);
		jw_kbool(&r->j, "domain_blocking", false);
		jw_kbool(&r->j, "endorsed", false);
		jw_kstr(&r->j, "note", "");
		jw_end(&r->j);
	}
	jw_aend(&r->j);
}

static unsigned m_types_mask(struct rq *r, const char *key)
{
	static const struct { const char *name; unsigned bits; } map[] = {
		{ "mention", 1u << N_REPLY | 1u << N_MENTION }, { "quote", 1u << N_QUOTE },
		{ "reblog", 1u << N_REPOST }, { "favourite", 1u << N_LIKE }, { "follow", 1u << N_FOLLOW },
	};
	unsigned mask = 0;

	for (struct evkeyval *e = r->q.tqh_first; e; e = e->next.tqe_next)
		if (strcmp(e->key, key) == 0)
			for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
				if (strcmp(e->value, map[i].name) == 0)
					mask |= map[i].bits;
	return mask;
}

static void m_notification(struct rq *r, const struct notif *n, uint64_t id)
{
	static const char *const types[] = { "mention", "mention", "quote", "reblog", "favourite", "follow" };
	struct jw *j = &r->j;
	struct post p;
	char idb[24], ts[32], gk[48];

	snprintf(idb, sizeof idb, "%" PRIu64, id);
	jw_obj(j);
	render_kid(&r->rc, "id", idb);
	jw_kstr(j, "type", types[n->type]);
	clock_iso_ms(n->t, ts);
	jw_kstr(j, "created_at", ts);
	snprintf(gk, sizeof gk, "ungrouped-%s", idb);
	jw_kstr(j, "group_key", gk);
	jw_key(j, "account");
	m_account(&r->rc, n->from);
	if (n->type == N_REPLY || n->type == N_MENTION || n->type == N_QUOTE) {
		jw_key(j, "status");
		world_post_get(r->f, NET_M, n->from, (uint32_t)n->j, &p);
		m_status(&r->rc, &p, 0);
	} else if (n->type == N_REPOST || n->type == N_LIKE) {
		jw_key(j, "status");
		world_post_get(r->f, NET_M, 0, (uint32_t)n->my_j, &p);
		m_status(&r->rc, &p, 0);
	}
	jw_end(j);
}

static void m_notifications(struct rq *r, const char *arg)
{
	struct stream s;
	uint64_t lo, hi;
	bool has_lo, has_hi, oldest;
	struct page pg;
	size_t limit = m_limit(r, 40, 80);
	unsigned want, skip;

	if (!m_auth(r, true) || !m_rate_check(r))
		return;
	stream_notifs(&s, r->f, NET_M, r->now);
	want = m_types_mask(r, "types[]") | m_types_mask(r, "types");
	skip = m_types_mask(r, "exclude_types[]") | m_types_mask(r, "exclude_types");
	s.type_mask = (want ? want : 0x3Fu) & ~skip;
	m_bounds(r, &lo, &has_lo, &hi, &has_hi, &oldest);
	stream_select(&s, has_lo ? &lo : NULL, has_hi ? &hi : NULL, limit, oldest, &pg);
	if (pg.n)
		m_link(r, &pg, limit, stream_key(&s, pg.idx[0]), stream_key(&s, pg.idx[pg.n - 1]));
	stream_mangle(r, &pg);
	rq_json(r, 200);
	jw_arr(&r->j);
	for (size_t i = 0; i < pg.n; i++)
		m_notification(r, &r->f->nd[NET_M].notifs.v[pg.idx[i]], stream_key(&s, pg.idx[i]));
	jw_aend(&r->j);
	free(pg.idx);
}

/* --- what the core asks of Mastodon --- */

static uint64_t m_notif_key(size_t i)
{
	return M_NOTIF_BASE + i;
}

static void m_error_hook(struct rq *r, int status, const char *reason)
{
	m_error(r, status, status == 404 ? "Record not found" : reason);
}

/* X-RateLimit-Reset is an ISO time with microseconds */
static void m_rate_headers(struct rq *r, const struct bucket *b)
{
	char iso[40];

	clock_iso_us(b->reset_s * 1000, iso);
	rq_add_headerf(r, "X-RateLimit-Limit", "%ld", b->limit);
	rq_add_headerf(r, "X-RateLimit-Remaining", "%ld", b->remaining);
	rq_add_header(r, "X-RateLimit-Reset", iso);
}

/* Mastodon sends no Retry-After */
static void m_too_many(struct rq *r, const struct bucket *shown)
{
	minst_note(r->f, r->view, MI_429);
	m_error(r, 429, "Too many requests");
}

static void m_ctl_auth(struct jw *j, const struct fake *f)
{
	jw_kstr(j, "mastodon_token", f->m_token);
}

static const struct fake_bucket m_buckets[] = {
	[MB_API] = { "mastodon.api", 300, 300, .unmatched = true },
	[MB_PAGING] = { "mastodon.paging", 300, 900, .shared = true },
};

static const struct fake_endpoint m_endpoints[] = {
	[ME_LOOKUP] = { "mastodon.accounts_lookup", MB_API },
	[ME_ACCOUNT] = { "mastodon.account", MB_API },
	[ME_STATUSES] = { "mastodon.account_statuses", MB_API },
	[ME_TAG] = { "mastodon.timelines_tag", MB_API },
	[ME_NOTIFS] = { "mastodon.notifications", MB_API },
	[ME_STATUS] = { "mastodon.status", MB_API },
	[ME_HOME] = { "mastodon.timelines_home", MB_API },
	[ME_RELATIONSHIPS] = { "mastodon.relationships", MB_API },
	[ME_FOLLOWING] = { "mastodon.following", MB_API },
};

/* "accounts/lookup" before "accounts/:id", which would take "lookup" for an id */
static const struct fake_route m_routes[] = {
	{ ME_LOOKUP, EVHTTP_REQ_GET, "/api/v1/accounts/lookup", m_lookup },
	{ ME_RELATIONSHIPS, EVHTTP_REQ_GET, "/api/v1/accounts/relationships", m_relationships },
	{ ME_STATUSES, EVHTTP_REQ_GET, "/api/v1/accounts/*/statuses", m_statuses },
	{ ME_FOLLOWING, EVHTTP_REQ_GET, "/api/v1/accounts/*/following", m_following },
	{ ME_ACCOUNT, EVHTTP_REQ_GET, "/api/v1/accounts/*", m_account_ep },
	{ ME_TAG, EVHTTP_REQ_GET, "/api/v1/timelines/tag/*", m_tag },
	{ ME_NOTIFS, EVHTTP_REQ_GET, "/api/v1/notifications", m_notifications },
	{ ME_STATUS, EVHTTP_REQ_GET, "/api/v1/statuses/*", m_status_ep },
	{ ME_HOME, EVHTTP_REQ_GET, "/api/v1/timelines/home", m_home },
};

const struct fake_net mastodon_net = {
	.name = "mastodon",
	.prefix = "/api/",
	.endpoints = m_endpoints,
	.nendpoints = sizeof m_endpoints / sizeof m_endpoints[0],
	.routes = m_routes,
	.nroutes = sizeof m_routes / sizeof m_routes[0],
	.buckets = m_buckets,
	.nbuckets = sizeof m_buckets / sizeof m_buckets[0],
	.reply_mention = true,
	.post_order = m_post_order,
	.notif_key = m_notif_key,
	.error = m_error_hook,
	.rate_headers = m_rate_headers,
	.too_many = m_too_many,
	.rate_keys = m_rate_keys,
	.ctl_account = minst_ctl_account,
	.ctl_account_id = minst_ctl_account_id,
	.ctl_post_id = minst_ctl_post_id,
	.ctl_post_ref = minst_ctl_post_ref,
	.ctl_auth = m_ctl_auth,
	/* several instances: mastodon_inst.c */
	.options = minst_options,
	.noptions = MINST_NOPTIONS,
	.usage = minst_usage,
	.setup = minst_setup,
	.teardown = minst_teardown,
	.views = minst_views,
	.view_name = minst_view_name,
	.route = minst_route,
	.notif_delay = minst_notif_delay,
	.ctl_stats = minst_ctl_stats,
	.ctl_stats_reset = minst_ctl_stats_reset,
	.ctl_post_keys = minst_ctl_post_keys,
	.ctl_serve = minst_ctl_serve,
};
