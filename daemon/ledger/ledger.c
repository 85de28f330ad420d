/* ledger.c — the vocabulary and the incremental aggregate: one event in,
 * O(1) work (plus the post's terms), no rescans. */
#include "ledger/ledger_internal.h"
#include "net/net.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static const char *const kind_names[LEDGER_KIND_COUNT] = {
	[LEDGER_POST] = "post",
	[LEDGER_REPLY_TO_ME] = "reply_to_me",
	[LEDGER_MENTION_OF_ME] = "mention_of_me",
	[LEDGER_LIKE_OF_MINE] = "like_of_mine",
	[LEDGER_REPOST_OF_MINE] = "repost_of_mine",
	[LEDGER_QUOTE_OF_MINE] = "quote_of_mine",
	[LEDGER_FOLLOW_OF_ME] = "follow_of_me",
	[LEDGER_MY_REPLY] = "my_reply",
	[LEDGER_MY_MENTION] = "my_mention",
	[LEDGER_MY_REPOST] = "my_repost",
	[LEDGER_MY_QUOTE] = "my_quote",
	[LEDGER_MY_LIKE] = "my_like",
	[LEDGER_MET] = "met",
	[LEDGER_EMAIL] = "email",
	[LEDGER_CALL] = "call",
	[LEDGER_MEETING] = "meeting",
	[LEDGER_DM] = "dm",
	[LEDGER_NOTE] = "note",
	[LEDGER_MY_EMAIL] = "my_email",
	[LEDGER_EMAIL_TO_ME] = "email_to_me",
	[LEDGER_MY_DM] = "my_dm",
	[LEDGER_DM_TO_ME] = "dm_to_me",
	[LEDGER_CONNECTION] = "connection",
	[LEDGER_TAGGED_RISK] = "tagged_risk",
};

static const char *const stage_names[LEDGER_STAGE_COUNT] = {
	"follow", "participate", "establish", "connected", "dormant",
};

const char *ledger_kind_name(enum ledger_kind k)
{
	return (unsigned)k < LEDGER_KIND_COUNT ? kind_names[k] : NULL;
}

int ledger_kind_from_name(const char *name)
{
	for (int k = 0; name && k < LEDGER_KIND_COUNT; k++)
		if (strcmp(kind_names[k], name) == 0)
			return k;
	return -EINVAL;
}

const char *ledger_stage_name(enum ledger_stage s)
{
	return (unsigned)s < LEDGER_STAGE_COUNT ? stage_names[s] : NULL;
}

int ledger_stage_from_name(const char *name)
{
	for (int s = 0; name && s < LEDGER_STAGE_COUNT; s++)
		if (strcmp(stage_names[s], name) == 0)
			return s;
	return -EINVAL;
}

int ledger_kind_dir(enum ledger_kind k)
{
	switch (k) {
	case LEDGER_REPLY_TO_ME: case LEDGER_MENTION_OF_ME: case LEDGER_LIKE_OF_MINE:
	case LEDGER_REPOST_OF_MINE: case LEDGER_QUOTE_OF_MINE: case LEDGER_FOLLOW_OF_ME:
	case LEDGER_EMAIL_TO_ME: case LEDGER_DM_TO_ME: case LEDGER_CONNECTION:
		return 1;
	case LEDGER_MY_REPLY: case LEDGER_MY_MENTION: case LEDGER_MY_REPOST:
	case LEDGER_MY_QUOTE: case LEDGER_MY_LIKE: case LEDGER_MY_EMAIL: case LEDGER_MY_DM:
		return -1;
	case LEDGER_MET: case LEDGER_EMAIL: case LEDGER_CALL: case LEDGER_MEETING: case LEDGER_DM:
		return 2;
	default:
		return 0;
	}
}

bool ledger_kind_is_turn(enum ledger_kind k)
{
	return k == LEDGER_REPLY_TO_ME || k == LEDGER_MENTION_OF_ME || k == LEDGER_QUOTE_OF_MINE ||
	       k == LEDGER_MY_REPLY || k == LEDGER_MY_MENTION || k == LEDGER_MY_QUOTE ||
	       ledger_kind_is_message(k);
}

bool ledger_kind_is_message(enum ledger_kind k)
{
	return k == LEDGER_MY_EMAIL || k == LEDGER_EMAIL_TO_ME || k == LEDGER_MY_DM || k == LEDGER_DM_TO_ME;
}

bool ledger_kind_is_offline(enum ledger_kind k)
{
	return ledger_kind_dir(k) == 2;
}

double ledger_kind_weight(enum ledger_kind k)
{
	switch (k) {
	case LEDGER_LIKE_OF_MINE: case LEDGER_MY_LIKE: return 0.2;
	case LEDGER_REPOST_OF_MINE: case LEDGER_MY_REPOST: return 0.5;
	default: return ledger_kind_dir(k) ? 1.0 : 0.0;
	}
}

unsigned ledger_platform_bit(const char *platform)
{
	if (!platform || !*platform)
		return 0;
	if (strcmp(platform, "email") == 0)
		return 1u << LEDGER_NET_EMAIL_BIT;
	if (strcmp(platform, "linkedin") == 0)
		return 1u << LEDGER_NET_LINKEDIN_BIT;
	int i = net_platform_index(platform);
	return i >= 0 && i < LEDGER_NET_LINKEDIN_BIT ? 1u << i : 1u << LEDGER_NET_OTHER_BIT;
}

void ledger_agg_init(struct ledger_agg *a, int64_t followed_at)
{
	memset(a, 0, sizeof *a);
	a->follow_at = followed_at > 0 ? followed_at : 0;
	textvec_init(&a->terms);
}

int64_t ledger_agg_last_contact(const struct ledger_agg *a)
{
	int64_t t = 0;
	for (int k = 0; k < LEDGER_KIND_COUNT; k++)
		if (ledger_kind_dir(k) && a->last_at[k] > t)
			t = a->last_at[k];
	return t;
}

int64_t ledger_agg_first_contact(const struct ledger_agg *a)
{
	int64_t t = 0;
	for (int k = 0; k < LEDGER_KIND_COUNT; k++)
		if (ledger_kind_dir(k) && a->n[k] && (!t || a->first_at[k] < t))
			t = a->first_at[k];
	return t;
}

int64_t ledger_agg_last_activity(const struct ledger_agg *a)
{
	int64_t t = 0;
	for (int k = 0; k < LEDGER_KIND_COUNT; k++)
		if (a->last_at[k] > t)
			t = a->last_at[k];
	return t;
}

/* Running gap statistic: the mean of ln(gap) for the first 1/alpha gaps,
 * then an EWMA, so the pair's rhythm follows recent habits. Kept in
 * billionths so the stored text round-trips exactly and exp() of it lands
 * on the second. */
static void add_gap(struct ledger_agg *a, int64_t gap)
{
	double lg = log((double)gap), mean = a->gap_ewma_n / 1e9, alpha;
	a->n_gaps++;
	a->n_sessions++;
	alpha = 1.0 / a->n_gaps;
	if (alpha < LEDGER_EWMA_ALPHA)
		alpha = LEDGER_EWMA_ALPHA;
	mean = a->n_gaps == 1 ? lg : mean + alpha * (lg - mean);
	a->gap_ewma_n = llround(mean * 1e9);
}

/* Conversation contact: a turn or contact off the networks. The rhythm is
 * measured on it alone, so a habit of liking does not set the pace. */
static bool is_talk(enum ledger_kind k)
{
	return ledger_kind_is_turn(k) || ledger_kind_is_offline(k);
}

static void talk_span(const struct ledger_agg *a, int64_t *first, int64_t *last)
{
	*first = *last = 0;
	for (int k = 0; k < LEDGER_KIND_COUNT; k++) {
		if (!a->n[k] || !is_talk(k))
			continue;
		if (!*first || a->first_at[k] < *first)
			*first = a->first_at[k];
		if (a->last_at[k] > *last)
			*last = a->last_at[k];
	}
}

/* first/last: the conversation span before this event. An event inside the
 * span cannot be placed between its neighbours without the event list. */
static void add_rhythm(struct ledger_agg *a, int64_t at, int64_t first, int64_t last)
{
	int64_t gap;
	if (!last) {
		a->n_sessions = 1;
		return;
	}
	if (at >= last)
		gap = at - last;
	else if (at < first)
		gap = first - at;
	else
		return;
	if (gap >= LEDGER_SESSION_GAP)
		add_gap(a, gap);
}

/* Keeps the three earliest likes/reposts of the user's posts. */
static void add_weak(struct ledger_agg *a, int64_t at)
{
	for (int i = 0; i < 3; i++) {
		if (a->weak_at[i] == 0 || at < a->weak_at[i]) {
			for (int j = 2; j > i; j--)
				a->weak_at[j] = a->weak_at[j - 1];
			a->weak_at[i] = at;
			return;
		}
	}
}

static void set_connected(struct ledger_agg *a, int64_t at)
{
	if (!a->connected_at || at < a->connected_at)
		a->connected_at = at;
}

/* Turns in time order: who starts conversations, and exchanges (a turn
 * answering the other side within the window). Older turns only count. */
static void add_turn(struct ledger_agg *a, int dir, int64_t at, const char *text)
{
	unsigned words;
	if (a->turn_at && at < a->turn_at)
		return;
	if (at == a->turn_at && dir == a->turn_dir)
		return;   /* the same post seen as two kinds (a quote that mentions) */
	words = text ? textvec_word_count(text) : 0;
	if (dir > 0)
		a->words_in += words;
	else
		a->words_out += words;
	if (!a->turn_at || at - a->turn_at >= LEDGER_INIT_QUIET) {
		if (dir > 0)
			a->inits_mentor++;
		else
			a->inits_user++;
	}
	if (a->turn_at && dir != a->turn_dir && at - a->turn_at <= LEDGER_EXCHANGE_WINDOW) {
		if (a->n_exchanges++ == 0)
			a->exchange0_at = at;
		if (a->n_exchanges >= LEDGER_CONNECT_EXCHANGES && at - a->exchange0_at >= LEDGER_CONNECT_SPAN)
			set_connected(a, at);
	}
	a->turn_at = at;
	a->turn_dir = (int8_t)dir;
}

/* The author's own posting: words, responsiveness, a decayed post count. */
static void add_post(struct ledger_agg *a, const struct ledger_event *ev)
{
	double rate = a->post_rate_u / 1e6;
	if (!(ev->flags & LEDGER_F_REPOST)) {
		a->posts_own++;
		if (ev->flags & LEDGER_F_REPLY_TO_OTHER)
			a->replies_other++;
		textvec_add_post(&a->terms, ev->text, ev->tags, ev->n_tags);
	}
	if (!a->post_rate_at) {
		rate = 1;
		a->post_rate_at = ev->at;
	} else if (ev->at >= a->post_rate_at) {
		rate = rate * exp2(-(double)(ev->at - a->post_rate_at) / LEDGER_POST_HALFLIFE) + 1;
		a->post_rate_at = ev->at;
	} else {
		rate += exp2(-(double)(a->post_rate_at - ev->at) / LEDGER_POST_HALFLIFE);
	}
	a->post_rate_u = llround(rate * 1e6);
}

double ledger_post_rate_week(const struct ledger_agg *a, int64_t now)
{
	double decayed, window, filled;
	if (!a->post_rate_at)
		return 0;
	decayed = a->post_rate_u / 1e6;
	if (now > a->post_rate_at)
		decayed *= exp2(-(double)(now - a->post_rate_at) / LEDGER_POST_HALFLIFE);
	/* A steady r posts/s fills the decayed sum to r * H / ln 2 * (1 - 2^(-w/H))
	 * after a window w: divide the young history's shortfall out, with a
	 * window of at least a week so one fresh post is not a firehose. */
	window = (double)(now - a->first_at[LEDGER_POST]);
	if (window < LEDGER_WEEK)
		window = LEDGER_WEEK;
	filled = 1 - exp2(-window / LEDGER_POST_HALFLIFE);
	return decayed * M_LN2 / LEDGER_POST_HALFLIFE * LEDGER_WEEK / filled;
}

int ledger_agg_add(struct ledger_agg *a, const struct ledger_event *ev)
{
	enum ledger_kind k = ev->kind;
	int64_t first, last;
	int dir;

	if ((unsigned)k >= LEDGER_KIND_COUNT || ev->at <= 0)
		return -EINVAL;
	talk_span(a, &first, &last);
	if (a->n[k] == 0 || ev->at < a->first_at[k])
		a->first_at[k] = ev->at;
	if (ev->at > a->last_at[k])
		a->last_at[k] = ev->at;
	a->n[k]++;
	if (k == LEDGER_POST) {
		add_post(a, ev);
		return 0;
	}
	if ((dir = ledger_kind_dir(k)) == 0)
		return 0;
	a->networks |= (uint8_t)ledger_platform_bit(ev->platform);
	if (is_talk(k))
		add_rhythm(a, ev->at, first, last);
	if (k == LEDGER_LIKE_OF_MINE || k == LEDGER_REPOST_OF_MINE)
		add_weak(a, ev->at);
	if (dir == 2)
		set_connected(a, ev->at);
	if (ledger_kind_is_turn(k))   /* a message's subject is not words exchanged */
		add_turn(a, dir, ev->at, ledger_kind_is_message(k) ? NULL : ev->text);
	return 0;
}

int ledger_agg_rebuild(struct ledger_agg *a, int64_t followed_at,
                       const struct ledger_event *evs, size_t n)
{
	ledger_agg_init(a, followed_at);
	for (size_t i = 0; i < n; i++) {
		int r = ledger_agg_add(a, &evs[i]);
		if (r < 0)
			return r;
	}
	return 0;
}

/* ---- shared helpers ------------------------------------------------------ */

size_t ledger_vprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	int n;
	size_t len, lead;

	if (size == 0)
		return 0;
	n = vsnprintf(buf, size, fmt, ap);
	if (n < 0) {
		buf[0] = '\0';
		return 0;
	}
	if ((size_t)n < size)
		return (size_t)n;
	/* cut: drop a trailing sequence whose continuation bytes were lost */
	len = size - 1;
	lead = len;
	while (lead > 0 && ((unsigned char)buf[lead - 1] & 0xC0) == 0x80)
		lead--;
	if (lead > 0 && ((unsigned char)buf[lead - 1] & 0xC0) == 0xC0) {
		unsigned char c = (unsigned char)buf[lead - 1];
		size_t want = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
		if (len - (lead - 1) < want)
			len = lead - 1;
	}
	buf[len] = '\0';
	return len;
}

size_t ledger_printf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	size_t n;
	va_start(ap, fmt);
	n = ledger_vprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

void ledger_acc_init(struct ledger_acc *acc, struct ledger_score *why)
{
	acc->total = 0;
	acc->why = why;
	if (why) {
		why->score = 0;
		why->n = 0;
	}
}

void ledger_contrib(struct ledger_acc *acc, const char *name, double value, double weight,
                    const char *fmt, ...)
{
	struct ledger_contrib *c;
	va_list ap;

	acc->total += value;
	if (!acc->why || acc->why->n >= LEDGER_MAX_CONTRIB)
		return;
	c = &acc->why->c[acc->why->n++];
	c->name = name;
	c->value = value;
	c->weight = weight;
	va_start(ap, fmt);
	ledger_vprintf(c->detail, sizeof c->detail, fmt, ap);
	va_end(ap);
	acc->why->score = acc->total;
}

void ledger_fmt_span(char *buf, size_t size, int64_t s)
{
	static const struct { int64_t unit, from; const char *name; } units[] = {
		{ 365 * LEDGER_DAY, 730 * LEDGER_DAY, "year" },
		{ 30 * LEDGER_DAY, 60 * LEDGER_DAY, "month" },
		{ LEDGER_WEEK, 14 * LEDGER_DAY, "week" },
		{ LEDGER_DAY, LEDGER_DAY, "day" },
		{ 3600, 3600, "hour" },
	};
	for (size_t i = 0; i < sizeof units / sizeof *units; i++) {
		if (s >= units[i].from) {
			long long n = (long long)((s + units[i].unit / 2) / units[i].unit);
			snprintf(buf, size, "%lld %s%s", n, units[i].name, n == 1 ? "" : "s");
			return;
		}
	}
	snprintf(buf, size, "less than an hour");
}

void ledger_fmt_date(char *buf, size_t size, int64_t t)
{
	struct tm tm;
	time_t tt = (time_t)t;
	if (!gmtime_r(&tt, &tm) || strftime(buf, size, "%Y-%m-%d", &tm) == 0)
		snprintf(buf, size, "?");
}
