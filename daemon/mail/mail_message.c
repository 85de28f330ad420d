/* mail_message.c — one message file's headers into rows: whether it
 * involves the user, its counterparts, and the events of those linked to a
 * mentor. In the scanner's transaction. */
#include "mail/mail_message.h"
#include "mail/mail_internal.h"
#include "mail/mail_headers.h"
#include "mentors/mentor_cache.h"
#include "store/store.h"
#include "store/store_mail.h"
#include "base/clock.h"
#include "base/log.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define SANE_EPOCH 315532800       /* 1980-01-01: older dates are garbage */
#define FUTURE_SLACK (2 * 86400)

static bool is_me(const struct mail *m, const char *addr)
{
	for (size_t i = 0; i < m->n_me; i++)
		if (strcmp(m->me[i], addr) == 0)
			return true;
	return false;
}

/* The Date header, or the file's time when it is missing or absurd. */
static int64_t sane_time(const struct mail *m, int64_t date, int64_t mtime)
{
	int64_t now = clock_now(m->deps.clock);
	if (date >= SANE_EPOCH && date <= now + FUTURE_SLACK)
		return date;
	if (mtime >= SANE_EPOCH && mtime <= now)
		return mtime;
	return now;
}

static int queue_activity(struct mail *m, int64_t mentor, const char *kind, int64_t at)
{
	if (m->n_pending == m->cap_pending) {
		size_t cap = m->cap_pending ? m->cap_pending * 2 : 16;
		struct mail_activity *grown = realloc(m->pending, cap * sizeof *grown);
		if (!grown)
			return -ENOMEM;
		m->pending = grown;
		m->cap_pending = cap;
	}
	m->pending[m->n_pending++] = (struct mail_activity){ .mentor_id = mentor, .kind = kind, .at = at };
	return 0;
}

/* The events of a stored message for its counterparts linked to mentors. */
static int derive_events(struct mail *m, const struct store_mail_msg *msg, unsigned *events)
{
	for (size_t i = 0; i < msg->n_addrs; i++) {
		struct store_event e;
		char dedupe[1100];
		int64_t acc, mentor;
		int r = store_mail_account(m->deps.store, msg->addrs[i].addr, &acc, &mentor);
		if (r <= 0) {
			if (r < 0)
				return r;
			continue;
		}
		store_mail_event(&e, dedupe, sizeof dedupe, msg->msgid, msg->at, msg->outgoing, msg->subject,
		                 acc, mentor);
		if ((r = store_insert_event(m->deps.store, &e)) < 0)
			return r;
		if (r == 0)
			continue;
		if ((r = mentor_cache_add_event(m->deps.mentors, mentor, e.kind, e.at, "email", NULL)) < 0)
			return r;
		/* A scan reads the past (like a network's first sync): only mail
		 * arriving while mentord watches is news. */
		if (!m->scanning && (r = queue_activity(m, mentor, e.kind, e.at)) < 0)
			return r;
		(*events)++;
		log_debug("email: %s with %s (mentor %lld)", e.kind, msg->addrs[i].addr, (long long)mentor);
	}
	return 0;
}

/* The counterparts: the recipients of the user's mail, the sender of mail
 * to the user; never the user, each once. */
static size_t counterparts(const struct mail *m, const struct mail_headers *h, bool outgoing,
                           struct store_mail_addr *out, size_t max)
{
	const struct mail_addr *v = outgoing ? h->to : h->from;
	size_t n = outgoing ? h->n_to : h->n_from, k = 0;

	for (size_t i = 0; i < n && k < max; i++) {
		bool dup = is_me(m, v[i].addr);
		for (size_t j = 0; j < k && !dup; j++)
			dup = strcmp(out[j].addr, v[i].addr) == 0;
		if (!dup)
			out[k++] = (struct store_mail_addr){ .addr = v[i].addr, .name = v[i].name };
	}
	return k;
}

int mail_message_take(struct mail *m, const char *folder, const char *uniq,
                      const struct mail_headers *h, int64_t mtime, struct mail_message_stats *stats)
{
	struct store_mail_addr addrs[2 * MAIL_HEADERS_MAX_ADDRS];
	struct store_mail_msg msg = { 0 };
	bool outgoing = false, incoming = false;
	int64_t row = 0;
	int r;

	for (size_t i = 0; i < h->n_from && !outgoing; i++)
		outgoing = is_me(m, h->from[i].addr);
	for (size_t i = 0; i < h->n_to && !outgoing && !incoming; i++)
		incoming = is_me(m, h->to[i].addr);
	if (outgoing || incoming) {
		msg = (struct store_mail_msg){
			.msgid = h->msgid, .at = sane_time(m, h->date, mtime), .outgoing = outgoing,
			.subject = m->subjects ? h->subject : NULL, .in_reply_to = h->in_reply_to,
			.refs = h->refs, .addrs = addrs,
		};
		msg.n_addrs = counterparts(m, h, outgoing, addrs, sizeof addrs / sizeof addrs[0]);
		if ((r = store_mail_message_add(m->deps.store, &msg, &row)) < 0)
			return r;
		if (r > 0)
			stats->messages++;
		if ((r = derive_events(m, &msg, &stats->events)) < 0)
			return r;
	}
	if ((r = store_mail_file_add(m->deps.store, folder, uniq, row)) < 0)
		return r;
	stats->files += r > 0;
	return 0;
}

int mail_message_flush(struct mail *m)
{
	for (size_t i = 0; i < m->n_pending; i++)
		if (m->ev.activity)
			m->ev.activity(m->ev.data, &m->pending[i]);
	m->n_pending = 0;
	return 0;
}
