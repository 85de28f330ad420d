/* ledger_nudge.c — what to do next about one mentor: an opportunity post, a
 * question in the user's area still unanswered, a cooling relationship, and
 * two pacing guards against coming on too strong (field-research §10.4, .5,
 * .7). At most one nudge per kind per mentor, so a chatty mentor cannot
 * flood the list; each names the post and the suggested action. */
#include "ledger/ledger_internal.h"

#include <stdio.h>
#include <string.h>

static const char *const nudge_names[LEDGER_NUDGE_KIND_COUNT] = {
	[LEDGER_NUDGE_OPPORTUNITY] = "opportunity",
	[LEDGER_NUDGE_UNANSWERED_QUESTION] = "unanswered_question",
	[LEDGER_NUDGE_COOLING] = "cooling",
	[LEDGER_NUDGE_PACING_BURST] = "pacing_burst",
	[LEDGER_NUDGE_PACING_LIKES] = "pacing_likes_no_reply",
	[LEDGER_NUDGE_UNANSWERED_EMAIL] = "unanswered_email",
	[LEDGER_NUDGE_TAGGED_RISK] = "tagged_risk",
};

static const int priorities[LEDGER_NUDGE_KIND_COUNT] = {
	[LEDGER_NUDGE_OPPORTUNITY] = 90,
	[LEDGER_NUDGE_UNANSWERED_QUESTION] = 80,
	[LEDGER_NUDGE_COOLING] = 60,
	[LEDGER_NUDGE_PACING_BURST] = 50,
	[LEDGER_NUDGE_PACING_LIKES] = 40,
	[LEDGER_NUDGE_UNANSWERED_EMAIL] = 85,
	[LEDGER_NUDGE_TAGGED_RISK] = 100,
};

const char *ledger_nudge_kind_name(enum ledger_nudge_kind k)
{
	return (unsigned)k < LEDGER_NUDGE_KIND_COUNT ? nudge_names[k] : NULL;
}

void ledger_nudge_params_default(struct ledger_nudge_params *p)
{
	p->question_window = 7 * LEDGER_DAY;
	p->opportunity_window = 14 * LEDGER_DAY;
	p->cooling_ratio = 0.5;
	p->likes_min = 5;
	p->burst_min = 6;
	p->email_wait = 7 * LEDGER_DAY;
	p->email_window = 30 * LEDGER_DAY;
}

struct nudge_ctx {
	const struct ledger_nudge_input *in;
	const struct ledger_nudge_params *p;
	const struct textvec_query *interests;
	int64_t now;
	char who[64];
	struct ledger_nudge *out;
	size_t max_out, n;
};

static struct ledger_nudge *emit(struct nudge_ctx *c, enum ledger_nudge_kind kind,
                                 const struct ledger_post_view *post, int64_t at)
{
	struct ledger_nudge *x;
	if (c->n >= c->max_out)
		return NULL;
	x = &c->out[c->n++];
	memset(x, 0, sizeof *x);
	x->kind = kind;
	x->mentor_id = c->in->mentor_id;
	x->priority = priorities[kind];
	x->post_id = post ? post->post_id : 0;
	x->url = post ? post->url : NULL;
	x->at = at;
	return x;
}

/* The opening of a post for a message: one line, cut at a UTF-8 boundary
 * with an ellipsis. */
static void snippet(char *buf, size_t size, const char *text)
{
	size_t n;
	text = text ? text : "";
	n = ledger_printf(buf, size, "%s", text);
	if (text[n] && size > 4) {
		n = ledger_printf(buf, size - 3, "%s", text);
		memcpy(buf + n, "\u2026", 4);
	}
	for (char *s = buf; *s; s++)
		if (*s == '\n' || *s == '\r' || *s == '\t')
			*s = ' ';
}

static bool in_window(const struct nudge_ctx *c, int64_t at, int64_t window)
{
	return at <= c->now && c->now - at <= window;
}

typedef bool post_filter(const struct nudge_ctx *c, const struct ledger_post_view *v);

/* The newest post satisfying want (NULL when none). */
static const struct ledger_post_view *newest(const struct nudge_ctx *c, post_filter *want)
{
	const struct ledger_post_view *best = NULL;
	for (size_t i = 0; i < c->in->n_posts; i++) {
		const struct ledger_post_view *v = &c->in->posts[i];
		if (want(c, v) && (!best || v->at > best->at))
			best = v;
	}
	return best;
}

static bool is_opportunity(const struct nudge_ctx *c, const struct ledger_post_view *v)
{
	return !v->user_replied && in_window(c, v->at, c->p->opportunity_window) &&
	       ledger_opportunity_match(v->text);
}

static bool is_open_question(const struct nudge_ctx *c, const struct ledger_post_view *v)
{
	return !v->user_replied && !(v->flags & (LEDGER_F_REPOST | LEDGER_F_REPLY_TO_OTHER)) &&
	       in_window(c, v->at, c->p->question_window) && ledger_is_question(v->text) &&
	       textvec_text_matches(c->interests, v->text, v->tags, v->n_tags);
}

/* A post of the mentor's own the user could reply to. */
static bool is_replyable(const struct nudge_ctx *c, const struct ledger_post_view *v)
{
	return !v->user_replied && !(v->flags & LEDGER_F_REPOST) && v->at <= c->now;
}

static void nudge_opportunity(struct nudge_ctx *c)
{
	const struct ledger_post_view *v = newest(c, is_opportunity);
	struct ledger_nudge *x;
	char ago[32], text[96];

	if (!v || !(x = emit(c, LEDGER_NUDGE_OPPORTUNITY, v, v->at)))
		return;
	ledger_fmt_span(ago, sizeof ago, c->now - v->at);
	snippet(text, sizeof text, v->text);
	ledger_printf(x->message, sizeof x->message, "%s posted an opportunity (\"%s\") %s ago: \"%s\"",
	         c->who, ledger_opportunity_match(v->text), ago, text);
	ledger_printf(x->action, sizeof x->action, "Read it; if it fits you, reply or write to them "
	         "before it closes%s%s", v->url ? ": " : ".", v->url ? v->url : "");
}

static void nudge_question(struct nudge_ctx *c)
{
	const struct ledger_post_view *v = newest(c, is_open_question);
	struct ledger_nudge *x;
	char ago[32], text[96];

	if (!v || !(x = emit(c, LEDGER_NUDGE_UNANSWERED_QUESTION, v, v->at)))
		return;
	ledger_fmt_span(ago, sizeof ago, c->now - v->at);
	snippet(text, sizeof text, v->text);
	ledger_printf(x->message, sizeof x->message, "%s asked a question in your area %s ago and you have "
	         "not answered: \"%s\"", c->who, ago, text);
	ledger_printf(x->action, sizeof x->action, "Answer with something useful (your experience, a "
	         "resource, a good follow-up question)%s%s", v->url ? ": " : ".", v->url ? v->url : "");
}

static void nudge_cooling(struct nudge_ctx *c)
{
	const struct ledger_post_view *v;
	struct ledger_stage_info st;
	struct ledger_nudge *x;
	char silence[32], gap[32], limit[32];

	if (!c->in->agg || c->in->pinned == LEDGER_DORMANT)
		return;
	ledger_stage(c->in->agg, c->now, LEDGER_STAGE_NONE, &st);
	if (st.computed == LEDGER_DORMANT || st.ladder < LEDGER_PARTICIPATE || !st.last_contact ||
	    (double)st.silence < c->p->cooling_ratio * (double)st.threshold)
		return;
	v = newest(c, is_replyable);
	if (!(x = emit(c, LEDGER_NUDGE_COOLING, v, st.last_contact)))
		return;
	ledger_fmt_span(silence, sizeof silence, st.silence);
	ledger_fmt_span(gap, sizeof gap, st.typical_gap);
	ledger_fmt_span(limit, sizeof limit, st.threshold);
	if (st.default_threshold)
		ledger_printf(x->message, sizeof x->message, "%s since your last contact with %s; without a "
		         "known rhythm the relationship counts as dormant after %s.", silence, c->who, limit);
	else
		ledger_printf(x->message, sizeof x->message, "%s since your last contact with %s; you are "
		         "usually in touch every %s, dormant after %s.", silence, c->who, gap, limit);
	if (v)
		ledger_printf(x->action, sizeof x->action, "Reply to their latest post or send a short "
		         "update%s%s", v->url ? ": " : ".", v->url ? v->url : "");
	else
		ledger_printf(x->action, sizeof x->action, "Send a short update or share something relevant "
		         "to their work.");
}

/* Their latest e-mail against the user's latest word to them after it (a
 * turn anywhere, an e-mail, a DM, or contact off the networks): from the
 * aggregate alone, exact whatever order the events came in. */
static void nudge_email(struct nudge_ctx *c)
{
	const struct ledger_agg *a = c->in->agg;
	int64_t theirs, answered = 0;
	struct ledger_nudge *x;
	char ago[32];

	if (!a || !(theirs = a->last_at[LEDGER_EMAIL_TO_ME]))
		return;
	for (int k = 0; k < LEDGER_KIND_COUNT; k++)
		if ((ledger_kind_dir(k) == -1 && ledger_kind_is_turn(k)) || ledger_kind_is_offline(k))
			answered = a->last_at[k] > answered ? a->last_at[k] : answered;
	if (answered >= theirs || c->now - theirs < c->p->email_wait ||
	    c->now - theirs > c->p->email_window)
		return;
	if (!(x = emit(c, LEDGER_NUDGE_UNANSWERED_EMAIL, NULL, theirs)))
		return;
	ledger_fmt_span(ago, sizeof ago, c->now - theirs);
	ledger_printf(x->message, sizeof x->message, "%s e-mailed you %s ago and you have not answered.",
	         c->who, ago);
	ledger_printf(x->action, sizeof x->action, "Answer their e-mail, even briefly: thank them and say "
	         "when you will follow up.");
}

/* A post that tags the user and that the draft check flags: the user's
 * standing is at stake, so it comes first. The newest one in the window;
 * the event's URL is the post's. */
static void nudge_tagged(struct nudge_ctx *c)
{
	const struct ledger_event *risk = NULL;
	struct ledger_nudge *x;

	for (size_t i = 0; i < c->in->n_recent; i++) {
		const struct ledger_event *e = &c->in->recent[i];
		if (e->kind == LEDGER_TAGGED_RISK && in_window(c, e->at, LEDGER_WEEK) &&
		    (!risk || e->at > risk->at))
			risk = e;
	}
	if (!risk || !(x = emit(c, LEDGER_NUDGE_TAGGED_RISK, NULL, risk->at)))
		return;
	ledger_nudge_tagged(x, c->in->mentor_id, c->who, risk->url, risk->post_id, risk->at);
}

void ledger_nudge_tagged(struct ledger_nudge *x, int64_t mentor_id, const char *who, const char *url,
                         int64_t post_id, int64_t at)
{
	memset(x, 0, sizeof *x);
	x->kind = LEDGER_NUDGE_TAGGED_RISK;
	x->priority = priorities[LEDGER_NUDGE_TAGGED_RISK];
	x->mentor_id = mentor_id;
	x->post_id = post_id;
	x->url = url;
	x->at = at;
	ledger_printf(x->message, sizeof x->message, "%s tagged you in a post that may harm your "
	         "professional standing%s%s", who, url ? ": " : ".", url ? url : "");
	ledger_printf(x->action, sizeof x->action, "Read it, then untag yourself, hide it, report it or "
	         "reply to distance yourself; the desktop notification listed what the draft check found.");
}

static void nudge_burst(struct nudge_ctx *c)
{
	unsigned mine = 0, theirs = 0;
	int64_t first = 0;
	struct ledger_nudge *x;

	for (size_t i = 0; i < c->in->n_recent; i++) {
		const struct ledger_event *e = &c->in->recent[i];
		if (!in_window(c, e->at, LEDGER_DAY))
			continue;
		if (ledger_kind_dir(e->kind) == -1) {
			mine++;
			first = !first || e->at < first ? e->at : first;
		} else if (ledger_kind_is_turn(e->kind)) {
			theirs++;
		}
	}
	/* a lively two-way thread is fine; a one-sided stream is not */
	if (mine < c->p->burst_min || 2 * theirs >= mine)
		return;
	if (!(x = emit(c, LEDGER_NUDGE_PACING_BURST, NULL, first)))
		return;
	ledger_printf(x->message, sizeof x->message, "You interacted with %s %u times in the last 24 hours "
	         "(they responded %u time%s).", c->who, mine, theirs, theirs == 1 ? "" : "s");
	ledger_printf(x->action, sizeof x->action, "Slow down: let a few days pass, and make the next "
	         "interaction a substantive one.");
}

static void nudge_likes(struct nudge_ctx *c)
{
	const struct ledger_event *liked = NULL;
	const struct ledger_post_view *v;
	unsigned likes = 0, said = 0;
	struct ledger_nudge *x;

	for (size_t i = 0; i < c->in->n_recent; i++) {
		const struct ledger_event *e = &c->in->recent[i];
		if (!in_window(c, e->at, LEDGER_WEEK))
			continue;
		if (e->kind == LEDGER_MY_LIKE || e->kind == LEDGER_MY_REPOST) {
			likes++;
			liked = !liked || e->at > liked->at ? e : liked;
		} else if ((ledger_kind_dir(e->kind) == -1 && ledger_kind_is_turn(e->kind)) ||
		           ledger_kind_is_offline(e->kind)) {
			said++;
		}
	}
	if (likes < c->p->likes_min || said)
		return;
	v = newest(c, is_replyable);
	if (!(x = emit(c, LEDGER_NUDGE_PACING_LIKES, v, liked->at)))
		return;
	if (!v) {
		x->post_id = liked->post_id;
		x->url = liked->url;
	}
	ledger_printf(x->message, sizeof x->message, "You liked or reposted %s's posts %u times this week "
	         "without a reply.", c->who, likes);
	ledger_printf(x->action, sizeof x->action, "Instead of another like, reply to one post with a "
	         "thought or a question%s%s", x->url ? ": " : ".", x->url ? x->url : "");
}

size_t ledger_nudges(const struct ledger_nudge_input *in, int64_t now,
                     const struct textvec_query *interests, const struct ledger_nudge_params *p,
                     struct ledger_nudge *out, size_t max_out)
{
	struct ledger_nudge_params defaults;
	struct nudge_ctx c = { .in = in, .p = p, .interests = interests, .now = now,
	                       .out = out, .max_out = max_out };

	if (!p) {
		ledger_nudge_params_default(&defaults);
		c.p = &defaults;
	}
	if (in->mentor_name && *in->mentor_name)
		ledger_printf(c.who, sizeof c.who, "%s", in->mentor_name);
	else
		ledger_printf(c.who, sizeof c.who, "mentor #%lld", (long long)in->mentor_id);
	/* in priority order, so a short out[] keeps the most important */
	nudge_tagged(&c);
	nudge_opportunity(&c);
	nudge_email(&c);
	nudge_question(&c);
	nudge_cooling(&c);
	nudge_burst(&c);
	nudge_likes(&c);
	return c.n;
}
