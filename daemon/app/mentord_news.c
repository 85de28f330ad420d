/* mentord_news.c — the wiring: what a subsystem learns and another must
 * hear travels through here, so that neither knows the other. The
 * scheduler's finds go to the bus (signals) and the notifier (desktop);
 * the notifier's nudges to the bus. Like poweralertd's main.c: the source
 * never knows the output. (What the bus asks of the daemon object itself,
 * to reload or to stop, is in mentord.c.) */
#include "app/mentord.h"
#include "bus/bus.h"
#include "ledger/ledger.h"
#include "mentors/mentor_cache.h"
#include "notify/notifier.h"
#include "notify/notify_budget.h"
#include "mail/mail.h"
#include "poll/sched.h"
#include "poll/sched_import.h"

#include <string.h>

static void on_activity(void *data, const struct sched_activity *a)
{
	struct mentord *m = data;
	/* Whoever tagged the user in a flagged post, a source or a stranger
	 * (mentor 0) too: the user's standing is at stake. Once per post. */
	if (strcmp(a->kind, "tagged_risk") == 0)
		notifier_tagged(m->notify, a->mentor_id, a->who, a->platform, a->url, a->post_key, a->findings);
	/* A source's posts are stored and feed suggestions; they are not a
	 * mentor's activity to signal or announce, and neither are a stranger's. */
	if (a->mentor_id <= 0 || mentor_cache_is_source(m->mentors, a->mentor_id))
		return;
	bus_emit_activity(m->bus, a->mentor_id, a->kind, a->platform, a->url, a->text, a->at);
	notifier_activity(m->notify, a->mentor_id, a->kind, a->platform, a->url, a->text);
}

static void on_history(void *data, int64_t mentor_id, const char *tag, const char *platform, unsigned posts)
{
	struct mentord *m = data;
	if (mentor_id > 0 && mentor_cache_is_source(m->mentors, mentor_id))
		return;
	notifier_history(m->notify, mentor_id, tag, platform, posts);
}

static void on_round_begun(void *data)
{
	struct mentord *m = data;
	notifier_round_begin(m->notify);
}

static void on_round_done(void *data, unsigned polled, unsigned failed)
{
	struct mentord *m = data;
	bus_emit_poll_finished(m->bus, polled, failed);
	notifier_round_done(m->notify);
}

static void on_counts_changed(void *data)
{
	struct mentord *m = data;
	bus_props_dirty(m->bus);
}

/* X's budget: the scheduler decides when (once a month, once a wait). */
static void on_x_budget(void *data, const struct sched_x_news *n)
{
	struct mentord *m = data;
	enum notify_budget_kind k = n->kind == SCHED_X_WARN       ? NOTIFY_BUDGET_WARN
	                            : n->kind == SCHED_X_WAIT_DAY ? NOTIFY_BUDGET_WAIT_DAY
	                                                          : NOTIFY_BUDGET_WAIT_MONTH;

	notify_budget_x(m->notify, k, n->read_month, n->monthly_posts, n->until);
}

void mentord_news_sched(struct mentord *m, struct sched_events *ev)
{
	*ev = (struct sched_events){
		.activity = on_activity, .history = on_history, .round_begun = on_round_begun,
		.round_done = on_round_done, .counts_changed = on_counts_changed, .x_budget = on_x_budget,
		.data = m,
	};
}

static void on_import(void *data, uint64_t job, unsigned fetched, unsigned total, const char *state)
{
	struct mentord *m = data;
	bus_emit_import_progress(m->bus, job, fetched, total, state);
}

void mentord_news_imports(struct mentord *m, struct sched_import_events *ev)
{
	*ev = (struct sched_import_events){ .progress = on_import, .data = m };
}

static void on_nudge(void *data, const struct ledger_nudge *v, const char *mentor)
{
	struct mentord *m = data;
	bus_emit_nudge(m->bus, v->mentor_id, mentor, ledger_nudge_kind_name(v->kind), v->at, v->url,
	               v->message, v->action);
}

void mentord_news_notifier(struct mentord *m, struct notifier_events *ev)
{
	*ev = (struct notifier_events){ .nudge = on_nudge, .data = m };
}

void mentord_news_configure_notifier(struct mentord *m)
{
	const struct config *c = &m->config;
	struct notify_rules r;
	notify_rules_default(&r);
	r.enabled = c->notify;
	for (int k = 0; k < NOTIFY_KIND_COUNT; k++)
		r.kinds[k] = c->notify_kinds[k];
	r.quiet = c->quiet_hours;
	r.quiet_start = c->quiet_start;
	r.quiet_end = c->quiet_end;
	r.coalesce_s = c->notify_coalesce;
	r.mentor_gap_s = c->notify_mentor_gap;
	notifier_configure(m->notify, &r, c->open_command);
}

/* New e-mail between the user and a mentor: a mentor's activity like a
 * network's (no URL, and no subject: that stays in the ledger). */
static void on_mail_activity(void *data, const struct mail_activity *a)
{
	struct mentord *m = data;
	if (mentor_cache_is_source(m->mentors, a->mentor_id))
		return;
	bus_emit_activity(m->bus, a->mentor_id, a->kind, "email", NULL, NULL, a->at);
	notifier_activity(m->notify, a->mentor_id, a->kind, "email", NULL, NULL);
}

void mentord_news_mail(struct mentord *m, struct mail_events *ev)
{
	*ev = (struct mail_events){ .activity = on_mail_activity, .data = m };
}

void mentord_mail_settings(const struct mentord *m, struct mail_settings *set)
{
	const struct config_email *e = &m->config.email;
	*set = (struct mail_settings){
		.roots = e->maildirs, .n_roots = e->n_maildirs, .me = e->me, .n_me = e->n_me,
		.subjects = e->subjects,
	};
}
