/* ingest.c — posts and notifications into the store, with ledger events. */
#include "ingest/ingest.h"
#include "net/post.h"
#include "store/store.h"
#include "mentors/mentor_cache.h"
#include "ledger/ledger.h"
#include "check/check.h"
#include "common/strbuf.h"
#include "base/log.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <strings.h>

struct ctx {
	struct store *s;
	const struct ingest_me *me;
	struct ingest_stats *stats;
	ingest_event_fn on_event;
	void *userdata;
};

static bool is_me(const struct ingest_me *me, const char *id, const char *handle)
{
	if (id && me->id && strcmp(id, me->id) == 0)
		return true;
	return handle && me->handle && strcasecmp(handle, me->handle) == 0;
}

/* The mentor behind an account, 0 when none. */
static int64_t mentor_of(struct ctx *c, const char *id, const char *handle, int64_t *account_id)
{
	struct store_account_key k;
	if (store_find_account(c->s, c->me->platform, id, handle, &k) <= 0)
		return 0;
	if (account_id)
		*account_id = k.account_id;
	return k.mentor_id;
}

/* What the draft check flagged in a post aimed at the user. */
struct risk {
	const char *findings;   /* NULL: not a tagged_risk */
};

static int record_note(struct ctx *c, int64_t mentor, int64_t account, const char *kind,
                       int64_t at, const struct post *p, int64_t post_id, const char *subject,
                       const struct risk *risk)
{
	char dedupe[512];
	struct store_event e = {
		.mentor_id = mentor, .account_id = account, .kind = kind, .at = at,
		.platform = c->me->platform, .url = p ? p->url : NULL, .post_id = post_id,
		.note = risk ? risk->findings : NULL, .dedupe = dedupe,
	};
	int r;

	snprintf(dedupe, sizeof dedupe, "%s|%s|%s", kind, c->me->platform, subject);
	if ((r = store_insert_event(c->s, &e)) <= 0)
		return r;
	c->stats->events_new++;
	if (c->me->mentors && (r = mentor_cache_add_event(c->me->mentors, mentor, kind, at, c->me->platform, p)) < 0)
		return r;
	if (c->on_event) {
		struct ingest_event ev = { .mentor_id = mentor, .kind = kind, .platform = c->me->platform,
		                           .url = e.url, .text = p ? p->text : NULL, .at = at };
		if (risk) {
			ev.who = p ? p->author_handle : NULL;
			ev.post_key = p ? p->key : NULL;
			ev.findings = risk->findings;
		}
		c->on_event(&ev, c->userdata);
	}
	return 1;
}

static int record(struct ctx *c, int64_t mentor, int64_t account, const char *kind,
                  int64_t at, const struct post *p, int64_t post_id, const char *subject)
{
	return record_note(c, mentor, account, kind, at, p, post_id, subject, NULL);
}

/* Whether someone else's post replies to, mentions or quotes the user. */
static bool aims_at_me(const struct ingest_me *me, const struct post *p)
{
	if (p->reply_to.id && is_me(me, p->reply_to.author_id, p->reply_to.author_handle))
		return true;
	if (p->kind == POST_QUOTE && is_me(me, p->quote_of.author_id, p->quote_of.author_handle))
		return true;
	for (size_t i = 0; i < p->n_mentions; i++)
		if (is_me(me, p->mention_ids ? p->mention_ids[i] : NULL, p->mentions[i]))
			return true;
	return false;
}

/* Runs the draft check on a post aimed at the user: 1 with *out (the
 * findings as one line, "block: message; warn: message") when it warns or
 * blocks, 0 when clean or not checked. */
static int check_tagged(struct ctx *c, const struct post *p, char **out)
{
	struct check_result res = { 0 };
	struct strbuf b = STRBUF_INIT;
	int r;

	*out = NULL;
	if (!c->me->check || !p->text || !*p->text || !aims_at_me(c->me, p))
		return 0;
	if ((r = check_text(c->me->check, p->text, strlen(p->text), &res)) < 0) {
		log_warn("%s: cannot check post %s: %s", c->me->platform, p->key, strerror(-r));
		return 0;   /* an unchecked post is still a post */
	}
	for (size_t i = 0; i < res.n_findings && res.verdict != CHECK_OK; i++) {
		const struct check_finding *f = &res.findings[i];
		bool dup = false;
		/* One line per message: the same rule matching twice says nothing new. */
		for (size_t j = 0; j < i && !dup; j++)
			dup = strcmp(res.findings[j].rule, f->rule) == 0;
		if (dup)
			continue;
		if (b.len)
			strbuf_puts(&b, "; ");
		strbuf_puts(&b, check_verdict_name(f->severity));
		strbuf_puts(&b, ": ");
		strbuf_puts(&b, f->message);
	}
	r = res.verdict != CHECK_OK;
	check_result_clear(&res);
	if (!r) {
		strbuf_free(&b);
		return 0;
	}
	if (!(*out = strbuf_steal(&b)))
		return -ENOMEM;
	return 1;
}

/* A mentor's post aimed at the user that the check flags: a tagged_risk
 * event in their ledger, once per post. */
static int mentor_tagged(struct ctx *c, int64_t mentor, int64_t account, const struct post *p, int64_t pid)
{
	struct risk risk;
	char *findings;
	int r = check_tagged(c, p, &findings);

	if (r <= 0)
		return r;
	risk.findings = findings;
	r = record_note(c, mentor, account, "tagged_risk", p->created_at, p, pid, p->key, &risk);
	free(findings);
	return r;
}

static int candidate_seen(struct ctx *c, const char *author_id, const char *handle, const char *name,
                          const struct post *p, bool in_tag, int64_t mentor);

/* A mentor's post: the post itself, and whatever it aims at the user. */
static int mentor_post(struct ctx *c, int64_t mentor, int64_t account, const struct post *p, int64_t pid)
{
	char subject[300];
	bool reply_to_me = p->reply_to.id && is_me(c->me, p->reply_to.author_id, p->reply_to.author_handle);
	int r = record(c, mentor, account, "post", p->created_at, p, pid, p->key);

	if (r >= 0 && reply_to_me)
		r = record(c, mentor, account, "reply_to_me", p->created_at, p, pid, p->key);
	if (r >= 0 && p->reply_to.id && !reply_to_me && p->reply_to.author_id &&
	    (!p->author_id || strcmp(p->reply_to.author_id, p->author_id) != 0) &&
	    mentor_of(c, p->reply_to.author_id, p->reply_to.author_handle, NULL) == 0)
		r = candidate_seen(c, p->reply_to.author_id, p->reply_to.author_handle, NULL, NULL, false, mentor);
	for (size_t i = 0; r >= 0 && !reply_to_me && i < p->n_mentions; i++)
		if (is_me(c->me, p->mention_ids ? p->mention_ids[i] : NULL, p->mentions[i])) {
			r = record(c, mentor, account, "mention_of_me", p->created_at, p, pid, p->key);
			break;
		}
	if (r >= 0 && p->kind == POST_QUOTE && is_me(c->me, p->quote_of.author_id, p->quote_of.author_handle))
		r = record(c, mentor, account, "quote_of_mine", p->created_at, p, pid, p->key);
	if (r >= 0)
		r = mentor_tagged(c, mentor, account, p, pid);
	if (r >= 0 && p->kind == POST_REPOST && is_me(c->me, p->repost_of.author_id, p->repost_of.author_handle)) {
		/* Keyed by who and what, so the notification of it dedupes. */
		snprintf(subject, sizeof subject, "%s|%s", p->author_id ? p->author_id : "", p->repost_of.id);
		r = record(c, mentor, account, "repost_of_mine", p->created_at, p, pid, subject);
	}
	return r < 0 ? r : 0;
}

/* The user's own post: what it aims at mentors. */
static int own_post(struct ctx *c, const struct post *p, int64_t pid)
{
	char subject[300];
	int64_t acc = 0, m, replied = 0;
	int r = 0;

	if (p->reply_to.id && (m = mentor_of(c, p->reply_to.author_id, p->reply_to.author_handle, &acc)) > 0) {
		replied = m;
		r = record(c, m, acc, "my_reply", p->created_at, p, pid, p->key);
	}
	for (size_t i = 0; r >= 0 && i < p->n_mentions; i++) {
		m = mentor_of(c, p->mention_ids ? p->mention_ids[i] : NULL, p->mentions[i], &acc);
		if (m > 0 && m != replied) {
			snprintf(subject, sizeof subject, "%s|%lld", p->key, (long long)m);
			r = record(c, m, acc, "my_mention", p->created_at, p, pid, subject);
		}
	}
	if (r >= 0 && p->kind == POST_QUOTE &&
	    (m = mentor_of(c, p->quote_of.author_id, p->quote_of.author_handle, &acc)) > 0)
		r = record(c, m, acc, "my_quote", p->created_at, p, pid, p->key);
	if (r >= 0 && p->kind == POST_REPOST &&
	    (m = mentor_of(c, p->repost_of.author_id, p->repost_of.author_handle, &acc)) > 0)
		r = record(c, m, acc, "my_repost", p->created_at, p, pid, p->key);
	return r < 0 ? r : 0;
}

/* Adds a mentor id to a short space-separated list (at most 16 ids). */
static void add_mentor_id(char *list, size_t size, int64_t mentor)
{
	size_t n = 0, used = strlen(list);
	char *end;

	for (const char *q = list; *q; ) {
		long long v = strtoll(q, &end, 10);
		if (end == q)
			break;
		if (v == mentor)
			return;
		n++;
		q = *end ? end + 1 : end;
	}
	if (n < 16)
		snprintf(list + used, size - used, "%s%lld", used ? " " : "", (long long)mentor);
}

/* An author the user does not follow, seen in a tracked tag's stream or in
 * a mentor's conversation: a candidate for `mentorctl suggest`. */
static int candidate_seen(struct ctx *c, const char *author_id, const char *handle, const char *name,
                          const struct post *p, bool in_tag, int64_t mentor)
{
	char *text = NULL, *mentors = NULL, out[LEDGER_AGG_TEXT_MAX], list[300] = "";
	struct ledger_agg agg;
	int r;

	if (!author_id || !*author_id)
		return 0;
	if ((r = store_candidate_get(c->s, c->me->platform, author_id, &text, &mentors)) < 0)
		return r;
	if (r == 0 || ledger_agg_parse(&agg, text) < 0)
		ledger_agg_init(&agg, 0);
	snprintf(list, sizeof list, "%s", mentors ? mentors : "");
	free(text);
	free(mentors);
	if (p && p->created_at > 0) {
		struct ledger_event ev = { .kind = LEDGER_POST, .at = p->created_at, .platform = c->me->platform,
		                           .text = p->text, .tags = (const char *const *)p->tags,
		                           .n_tags = p->n_tags, .flags = mentor_cache_post_flags(p) };
		ledger_agg_add(&agg, &ev);
	}
	if (mentor > 0)
		add_mentor_id(list, sizeof list, mentor);
	if (ledger_agg_format(&agg, out, sizeof out) < 0)
		return 0;
	return store_candidate_put(c->s, c->me->platform, author_id, handle, name, out,
	                           in_tag ? 1 : 0, mentor > 0 ? 1 : 0, list,
	                           p && p->created_at > 0 ? p->created_at : 0);
}

/* A stranger's post aimed at the user that the check flags: a tagged_risk
 * in their candidate aggregate (which keeps them out of suggestions) and the
 * news, with mentor 0. */
static int stranger_tagged(struct ctx *c, const struct post *p, bool known_account)
{
	char *text = NULL, *mentors = NULL, *findings, out[LEDGER_AGG_TEXT_MAX];
	struct ledger_agg agg;
	struct ledger_event le = { .kind = LEDGER_TAGGED_RISK, .at = p->created_at, .platform = c->me->platform };
	int r = check_tagged(c, p, &findings);

	if (r <= 0)
		return r;
	if (!known_account && p->author_id && *p->author_id && p->created_at > 0) {
		if ((r = store_candidate_get(c->s, c->me->platform, p->author_id, &text, &mentors)) < 0)
			goto out;
		if (r == 0 || ledger_agg_parse(&agg, text) < 0)
			ledger_agg_init(&agg, 0);
		ledger_agg_add(&agg, &le);
		if (ledger_agg_format(&agg, out, sizeof out) >= 0 &&
		    (r = store_candidate_put(c->s, c->me->platform, p->author_id, p->author_handle,
		                             p->author_name, out, 0, 0, mentors ? mentors : "", p->created_at)) < 0)
			goto out;
	}
	c->stats->events_new++;
	if (c->on_event) {
		struct ingest_event ev = { .mentor_id = 0, .kind = "tagged_risk", .platform = c->me->platform,
		                           .url = p->url, .text = p->text, .at = p->created_at,
		                           .who = p->author_handle, .post_key = p->key, .findings = findings };
		c->on_event(&ev, c->userdata);
	}
	r = 0;
out:
	free(text);
	free(mentors);
	free(findings);
	return r;
}

static int one_post(struct ctx *c, const struct post *p, int64_t *out_pid)
{
	struct store_account_key author = { 0 };
	int64_t pid = 0;
	int r;

	if (!p->key || !p->id)
		return 0;
	if ((r = store_find_account(c->s, c->me->platform, p->author_id, p->author_handle, &author)) < 0)
		return r;
	if ((r = store_insert_post(c->s, p, author.account_id, &pid)) < 0)
		return r;
	if (r == 0) {
		/* Known post: its events were derived when it was new. */
		c->stats->posts_known++;
		return 0;
	}
	c->stats->posts_new++;
	if (out_pid)
		*out_pid = pid;
	if (is_me(c->me, p->author_id, p->author_handle))
		return own_post(c, p, pid);
	if (author.mentor_id > 0)
		return mentor_post(c, author.mentor_id, author.account_id, p, pid);
	/* Not followed: a candidate when seen under a tracked tag or when
	 * answering a mentor. */
	int64_t answered = 0;
	if ((r = stranger_tagged(c, p, author.account_id != 0)) < 0)
		return r;
	if (p->reply_to.id && !author.account_id)
		answered = mentor_of(c, p->reply_to.author_id, p->reply_to.author_handle, NULL);
	if (!author.account_id && (c->me->tag_stream || answered > 0))
		return candidate_seen(c, p->author_id, p->author_handle, p->author_name, p,
		                      c->me->tag_stream, answered);
	return 0;
}

int ingest_posts(struct store *s, const struct ingest_me *me, const struct post *posts,
                 size_t n, struct ingest_stats *stats, ingest_event_fn on_event, void *userdata)
{
	struct ctx c = { s, me, stats, on_event, userdata };
	for (size_t i = 0; i < n; i++) {
		int r = one_post(&c, &posts[i], NULL);
		if (r < 0)
			return r;
	}
	return 0;
}

static const char *notif_event_kind(enum notif_kind k)
{
	switch (k) {
	case NOTIF_MENTION: return "mention_of_me";
	case NOTIF_REPLY:   return "reply_to_me";
	case NOTIF_QUOTE:   return "quote_of_mine";
	case NOTIF_REPOST:  return "repost_of_mine";
	case NOTIF_LIKE:    return "like_of_mine";
	case NOTIF_FOLLOW:  return "follow_of_me";
	default:            return NULL;
	}
}

/* The event a notification implies, from a fresh one or a stored one. The
 * subject makes it dedupe with the same fact seen elsewhere: reply, mention
 * and quote by the acting post; like and repost by who and what; follow by
 * who. */
static int notif_event(struct ctx *c, int kind, const char *actor_id, const char *actor_handle,
                       const char *notif_key, const char *subject_id, const char *post_key,
                       const struct post *post, int64_t post_id, int64_t at)
{
	const char *ev = notif_event_kind((enum notif_kind)kind);
	char subject[600];
	int64_t acc = 0, mentor;
	int r;

	if (!ev || (mentor = mentor_of(c, actor_id, actor_handle, &acc)) <= 0)
		return 0;
	switch (kind) {
	case NOTIF_REPOST: case NOTIF_LIKE:
		snprintf(subject, sizeof subject, "%s|%s", actor_id ? actor_id : "",
		         subject_id ? subject_id : notif_key ? notif_key : "");
		break;
	case NOTIF_FOLLOW:
		snprintf(subject, sizeof subject, "%s", actor_id ? actor_id : notif_key ? notif_key : "");
		break;
	default:
		snprintf(subject, sizeof subject, "%s", post_key ? post_key : notif_key ? notif_key : "");
	}
	r = record(c, mentor, acc, ev, at, post, post_id, subject);
	return r < 0 ? r : 0;
}

static int one_notif(struct ctx *c, const struct notif *n)
{
	int64_t pid = 0;
	int r;

	/* The acting post (a reply, mention, quote) is a post like any other;
	 * storing it derives the same events its feed copy would. */
	if (n->post && (r = one_post(c, n->post, &pid)) < 0)
		return r;
	if ((r = store_insert_notif(c->s, n)) < 0)
		return r;
	return notif_event(c, (int)n->kind, n->actor_id, n->actor_handle, n->id, n->subject_id,
	                   n->post ? n->post->key : NULL, n->post, pid, n->created_at);
}

int ingest_notifs(struct store *s, const struct ingest_me *me, const struct notif *notifs,
                  size_t n, struct ingest_stats *stats, ingest_event_fn on_event, void *userdata)
{
	struct ctx c = { s, me, stats, on_event, userdata };
	for (size_t i = 0; i < n; i++) {
		int r = one_notif(&c, &notifs[i]);
		if (r < 0)
			return r;
	}
	return 0;
}

static int backfill_post(const struct post *p, int64_t post_id, void *userdata)
{
	struct ctx *c = userdata;
	struct store_account_key author = { 0 };
	int r;

	if (is_me(c->me, p->author_id, p->author_handle))
		return own_post(c, p, post_id);
	if ((r = store_find_account(c->s, c->me->platform, p->author_id, NULL, &author)) <= 0)
		return r;
	return author.mentor_id > 0 ? mentor_post(c, author.mentor_id, author.account_id, p, post_id) : 0;
}

static int backfill_notif(const struct store_notif *n, void *userdata)
{
	struct ctx *c = userdata;
	struct post ref = { .network = c->me->platform, .key = (char *)n->post_key,
	                    .url = (char *)n->post_url };
	return notif_event(c, n->kind, n->actor_id, n->actor_handle, n->key, n->subject_id,
	                   n->post_key, n->post_key ? &ref : NULL, n->post_id, n->created_at);
}

int ingest_backfill(struct store *s, const struct ingest_me *me, const char *author_id,
                    int64_t account_id, struct ingest_stats *stats,
                    ingest_event_fn on_event, void *userdata)
{
	struct ctx c = { s, me, stats, on_event, userdata };
	int r = store_for_each_related_post(s, me->platform, author_id, account_id, me->id,
	                                    backfill_post, &c);
	if (r >= 0)
		r = store_for_each_notif_by(s, me->platform, author_id, backfill_notif, &c);
	return r < 0 ? r : 0;
}
