/* bus_report.c — what `mentorctl report` asks beyond ListMentors and
 * GetEngagement: GetReportFunnel (mentors per stage, and the moves of a
 * recent window) and GetReportMentors (per mentor of a page of ids: the
 * milestones, the median time to a reply each way, the current nudge, the
 * user's own posts, replies and questions, the contacts logged by hand and
 * the e-mails). Stages and milestones come from the mentor cache; one
 * indexed pass over the page's conversations (store_report) gives the rest,
 * and the nudges are nudges_collect's, so the report's numbers are those of
 * `show` and `nudges`. */
#include "bus/bus_internal.h"
#include "base/clock.h"
#include "common/channel.h"
#include "common/macros.h"
#include "ledger/ledger.h"
#include "mentord-bus.h"
#include "mentors/mentor_cache.h"
#include "mentors/nudges.h"
#include "store/store_report.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define REPORT_QUESTIONS   5        /* newest questions sent per mentor */
#define REPORT_LOGGED      10       /* newest logged contacts and e-mails per mentor */
#define REPORT_TEXT_MAX    600      /* bytes of a question or note on the wire */
/* A turn answers the other side's open turn if it comes within this. */
#define REPORT_REPLY_WINDOW (30 * LEDGER_DAY)
/* nudges_collect keeps NUDGES_MAX nudges and a mentor has at most one per
 * kind: asked this many mentors at a time, none is ever cut off. */
#define REPORT_NUDGE_CHUNK (NUDGES_MAX / LEDGER_NUDGE_KIND_COUNT)

struct report_item {
	int64_t at;
	const char *kind;               /* static (ledger_kind_name) */
	char platform[16];
	char *text;
};

struct report_mentor {
	struct mentor_entry *e;
	int64_t *delay[2];              /* [0] the mentor answering, [1] the user */
	size_t n_delay[2], cap_delay[2];
	int open_dir;                   /* side of the oldest unanswered turn, 0 none */
	int64_t open_at;
	uint32_t posts, replies, questions;
	struct report_item q[REPORT_QUESTIONS], logged[REPORT_LOGGED];
	size_t n_q, n_logged;           /* seen (the rings keep the newest) */
	const struct ledger_nudge *nudge;
};

struct report_page {
	struct report_mentor *m;
	size_t n, cur;
	int64_t since;
	bool private_texts;
};

/* +1 the mentor speaks to the user, -1 the user to the mentor, 0 neither. */
static int turn_dir(enum ledger_kind k)
{
	switch (k) {
	case LEDGER_REPLY_TO_ME: case LEDGER_MENTION_OF_ME: case LEDGER_QUOTE_OF_MINE:
	case LEDGER_EMAIL_TO_ME: case LEDGER_DM_TO_ME:
		return 1;
	case LEDGER_MY_REPLY: case LEDGER_MY_MENTION: case LEDGER_MY_QUOTE:
	case LEDGER_MY_EMAIL: case LEDGER_MY_DM:
		return -1;
	default:
		return 0;
	}
}

static int push_delay(struct report_mentor *m, int side, int64_t d)
{
	if (m->n_delay[side] == m->cap_delay[side]) {
		size_t cap = m->cap_delay[side] ? 2 * m->cap_delay[side] : 16;
		int64_t *v = realloc(m->delay[side], cap * sizeof *v);
		if (!v)
			return -ENOMEM;
		m->delay[side] = v;
		m->cap_delay[side] = cap;
	}
	m->delay[side][m->n_delay[side]++] = d;
	return 0;
}

/* Keeps the newest items: slot seen % cap. Text is a clean copy or "". */
static int ring_put(struct report_item *ring, size_t cap, size_t *seen, int64_t at, const char *kind,
                    const char *platform, const char *text)
{
	struct report_item *it = &ring[*seen % cap];
	char *t = utf8_clean_dup(text ? text : "", REPORT_TEXT_MAX);

	if (!t)
		return -ENOMEM;
	free(it->text);
	*it = (struct report_item){ .at = at, .kind = kind, .text = t };
	snprintf(it->platform, sizeof it->platform, "%s", channel_event_platform(platform));
	(*seen)++;
	return 0;
}

static int take_turn(struct report_mentor *m, int dir, int64_t at)
{
	int r = 0;

	if (m->open_dir == -dir && at - m->open_at <= REPORT_REPLY_WINDOW)
		r = push_delay(m, dir > 0 ? 0 : 1, at - m->open_at);
	if (m->open_dir != dir) {
		m->open_dir = dir;
		m->open_at = at;
	}
	return r;
}

static int take_event(const struct store_report_event *ev, void *userdata)
{
	struct report_page *pg = userdata;
	struct report_mentor *m;
	int k = ledger_kind_from_name(ev->kind ? ev->kind : ""), dir, r;

	while (pg->cur < pg->n && pg->m[pg->cur].e->id != ev->mentor_id)
		pg->cur++;
	if (pg->cur == pg->n || k < 0 || ev->at < pg->since)
		return 0;
	m = &pg->m[pg->cur];
	if ((dir = turn_dir((enum ledger_kind)k)) != 0 && (r = take_turn(m, dir, ev->at)) < 0)
		return r;
	const char *kind = ledger_kind_name((enum ledger_kind)k);
	switch (k) {
	case LEDGER_MY_REPLY:
		m->replies++;
		break;
	case LEDGER_MY_MENTION: case LEDGER_MY_QUOTE: case LEDGER_MY_REPOST:
		m->posts++;
		break;
	}
	/* The ledger does not mark questions: the nudges' own detector decides. */
	if ((k == LEDGER_MY_REPLY || k == LEDGER_MY_MENTION || k == LEDGER_MY_QUOTE) && ev->text &&
	    ledger_is_question(ev->text)) {
		m->questions++;
		if ((r = ring_put(m->q, REPORT_QUESTIONS, &m->n_q, ev->at, kind, ev->platform, ev->text)) < 0)
			return r;
	}
	/* Contact logged by hand, and e-mail: their notes and subjects are the
	 * user's private words, sent only when asked for. */
	bool email = ev->platform && !strcmp(ev->platform, "email");
	if (!ev->platform || email)
		return ring_put(m->logged, REPORT_LOGGED, &m->n_logged, ev->at, kind, ev->platform,
		                pg->private_texts ? ev->text : NULL);
	return 0;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* The median delay in seconds, -1 when nothing was answered. */
static int64_t median(int64_t *v, size_t n)
{
	if (n == 0)
		return -1;
	qsort(v, n, sizeof *v, cmp_i64);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int append_ring(sd_bus_message *reply, const char *sig, const struct report_item *ring, size_t cap,
                       size_t seen, bool with_kind)
{
	int r = sd_bus_message_open_container(reply, 'a', sig);
	size_t n = seen < cap ? seen : cap;

	/* Newest first. */
	for (size_t i = 0; i < n && r >= 0; i++) {
		const struct report_item *it = &ring[(seen - 1 - i) % cap];
		r = with_kind ? sd_bus_message_append(reply, "(sxss)", it->kind, it->at, it->platform, it->text)
		              : sd_bus_message_append(reply, "(xss)", it->at, it->platform, it->text);
	}
	return r < 0 ? r : sd_bus_message_close_container(reply);
}

static int append_mentor(sd_bus_message *reply, struct report_mentor *m, int64_t now)
{
	struct ledger_stage_info st;
	int r;

	/* A name is the network's text: one bad byte must not fail the page. */
	_cleanup_free_ char *name = utf8_clean_dup(m->e->name ? m->e->name : "", 4096);
	_cleanup_free_ char *nudge = utf8_clean_dup(m->nudge ? m->nudge->message : "", LEDGER_MSG_MAX);

	if (!name || !nudge)
		return -ENOMEM;
	ledger_stage(&m->e->agg, now, (enum ledger_stage)m->e->pin, &st);
	if ((r = sd_bus_message_open_container(reply, 'r', "tssa(sx)xxssuuua(xss)a(sxss)")) < 0 ||
	    (r = sd_bus_message_append(reply, "tss", (uint64_t)m->e->id, name,
	                               ledger_stage_name(st.stage))) < 0 ||
	    (r = sd_bus_message_open_container(reply, 'a', "(sx)")) < 0)
		return r;
	for (int s = 0; s < LEDGER_STAGE_COUNT && r >= 0; s++)
		r = sd_bus_message_append(reply, "(sx)", ledger_stage_name((enum ledger_stage)s), st.reached[s]);
	if (r < 0 || (r = sd_bus_message_close_container(reply)) < 0 ||
	    (r = sd_bus_message_append(reply, "xxssuuu", median(m->delay[0], m->n_delay[0]),
	                               median(m->delay[1], m->n_delay[1]),
	                               m->nudge ? ledger_nudge_kind_name(m->nudge->kind) : "",
	                               nudge, m->posts, m->replies,
	                               m->questions)) < 0 ||
	    (r = append_ring(reply, "(xss)", m->q, REPORT_QUESTIONS, m->n_q, false)) < 0 ||
	    (r = append_ring(reply, "(sxss)", m->logged, REPORT_LOGGED, m->n_logged, true)) < 0)
		return r;
	return sd_bus_message_close_container(reply);
}

static void page_free(struct report_page *pg)
{
	for (size_t i = 0; i < pg->n; i++) {
		struct report_mentor *m = &pg->m[i];
		free(m->delay[0]);
		free(m->delay[1]);
		for (size_t j = 0; j < REPORT_QUESTIONS; j++)
			free(m->q[j].text);
		for (size_t j = 0; j < REPORT_LOGGED; j++)
			free(m->logged[j].text);
	}
	free(pg->m);
}

/* Each mentor's most pressing nudge (nudges_collect sorts them). */
static int page_nudges(struct bus *b, struct report_page *pg, const int64_t *ids, int64_t now,
                       struct nudge_list *lists, size_t n_lists)
{
	for (size_t c = 0; c < n_lists; c++) {
		size_t from = c * REPORT_NUDGE_CHUNK, k = pg->n - from;
		int r;
		if (k > REPORT_NUDGE_CHUNK)
			k = REPORT_NUDGE_CHUNK;
		if ((r = nudges_collect(b->store, b->mentors, now, ids + from, k, &lists[c])) < 0)
			return r;
		for (size_t i = 0; i < lists[c].n; i++)
			for (size_t j = from; j < from + k; j++)
				if (pg->m[j].e->id == lists[c].v[i].mentor_id && !pg->m[j].nudge)
					pg->m[j].nudge = &lists[c].v[i];
	}
	return 0;
}

/* Unknown ids and sources are left out: the page may be older than a
 * follow or unfollow. A repeated id counts once. */
static int read_ids(struct bus *b, sd_bus_message *msg, struct report_page *pg, int64_t **ids,
                    sd_bus_error *error)
{
	const uint64_t *in;
	struct mentor_entry **e = NULL;
	size_t size, k;
	int r;

	if ((r = sd_bus_message_read_array(msg, 't', (const void **)&in, &size)) < 0 ||
	    (r = bus_args_mentor_ids(b, in, size / sizeof *in, false, &e, &k, error)) < 0)
		return r;
	if (!(pg->m = calloc(k ? k : 1, sizeof *pg->m)) || !(*ids = calloc(k ? k : 1, sizeof **ids))) {
		free(e);
		return -ENOMEM;
	}
	for (size_t i = 0; i < k; i++) {
		(*ids)[i] = e[i]->id;
		pg->m[i].e = e[i];
	}
	pg->n = k;
	free(e);
	return 0;
}

int bus_report_mentors(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	struct bus *b = userdata;
	reply_unref sd_bus_message *reply = NULL;
	struct report_page pg = { 0 };
	struct nudge_list *lists = NULL;
	size_t n_lists = 0;
	_cleanup_free_ int64_t *ids = NULL;
	int64_t now = clock_now(b->clock);
	int priv = 0, snap = 0, r;

	if ((r = read_ids(b, msg, &pg, &ids, error)) < 0 || sd_bus_error_is_set(error) ||
	    (r = sd_bus_message_read(msg, "xb", &pg.since, &priv)) < 0)
		goto out;
	pg.private_texts = priv;
	n_lists = (pg.n + REPORT_NUDGE_CHUNK - 1) / REPORT_NUDGE_CHUNK;
	if (n_lists && !(lists = calloc(n_lists, sizeof *lists))) {
		r = -ENOMEM;
		goto out;
	}
	/* One snapshot for the page: its events and nudges agree, and the WAL
	 * read lock is taken once instead of once per statement. */
	if ((snap = store_read_begin(b->store)) < 0 ||
	    (r = store_report_events(b->store, ids, pg.n, pg.since, pg.private_texts, take_event, &pg)) < 0 ||
	    (r = page_nudges(b, &pg, ids, now, lists, n_lists)) < 0) {
		r = snap < 0 ? snap : r;
		store_read_end(b->store, snap);
		r = r == -ENOMEM ? r : bus_args_internal_error(error, r);
		goto out;
	}
	store_read_end(b->store, snap);
	if ((r = sd_bus_message_new_method_return(msg, &reply)) < 0 ||
	    (r = sd_bus_message_open_container(reply, 'a', "(tssa(sx)xxssuuua(xss)a(sxss))")) < 0)
		goto out;
	for (size_t i = 0; i < pg.n && r >= 0; i++)
		r = append_mentor(reply, &pg.m[i], now);
	if (r >= 0 && (r = sd_bus_message_close_container(reply)) >= 0)
		r = sd_bus_send(NULL, reply, NULL);
out:
	for (size_t c = 0; c < n_lists; c++) {
		for (size_t i = 0; i < lists[c].n; i++)
			free(lists[c].url[i]);
	}
	free(lists);
	page_free(&pg);
	return r;
}

int bus_report_funnel(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	struct bus *b = userdata;
	reply_unref sd_bus_message *reply = NULL;
	uint32_t now_n[LEDGER_STAGE_COUNT] = { 0 }, moved[LEDGER_STAGE_COUNT] = { 0 };
	int64_t now = clock_now(b->clock), window;
	int r;

	if ((r = sd_bus_message_read(msg, "x", &window)) < 0)
		return r;
	if (window <= 0 || window > 10 * 366 * LEDGER_DAY)
		return sd_bus_error_setf(error, MENTORD_ERROR_INVALID_ARGUMENT,
		                         "The window must be 1 second to 10 years");
	/* No history of stage changes is kept: a move into a stage is the day
	 * its milestone was reached (ledger_stage), dormancy from its start. */
	for (size_t i = 0; i < mentor_cache_count(b->mentors); i++) {
		struct mentor_entry *e = mentor_cache_at(b->mentors, i);
		struct ledger_stage_info st;
		if (e->source)
			continue;
		ledger_stage(&e->agg, now, (enum ledger_stage)e->pin, &st);
		now_n[st.stage]++;
		for (int s = 0; s < LEDGER_STAGE_COUNT; s++)
			if (st.reached[s] > now - window && st.reached[s] <= now)
				moved[s]++;
	}
	if ((r = sd_bus_message_new_method_return(msg, &reply)) < 0 ||
	    (r = sd_bus_message_append(reply, "x", now)) < 0 ||
	    (r = sd_bus_message_open_container(reply, 'a', "(suu)")) < 0)
		return r;
	for (int s = 0; s < LEDGER_STAGE_COUNT && r >= 0; s++)
		r = sd_bus_message_append(reply, "(suu)", ledger_stage_name((enum ledger_stage)s), now_n[s], moved[s]);
	if (r < 0 || (r = sd_bus_message_close_container(reply)) < 0)
		return r;
	return sd_bus_send(NULL, reply, NULL);
}
