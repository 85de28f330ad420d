/* sched_lookup.c — turning handles into stable ids: followed accounts (so
 * that renamed accounts keep their ledger) and the user's own account (so
 * that replies, mentions and notifications can be told apart). */
#include "poll/sched_internal.h"
#include "store/store.h"
#include "ingest/ingest.h"
#include "base/log.h"

#include <stdlib.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Handles compare case-insensitively; a Mastodon lookup may answer "user"
 * for "user@its.own.instance". */
static bool same_handle(const char *asked, const char *got)
{
	size_t n;
	if (!got)
		return false;
	if (strcasecmp(asked, got) == 0)
		return true;
	n = strlen(got);
	return strncasecmp(asked, got, n) == 0 && asked[n] == '@';
}

void sched_lookup_failed(struct sched_target *t)
{
	int64_t until = sched_now(t->s) + SCHED_LOOKUP_HOLD;
	const char *h = t->kind == TARGET_ME ? t->arg : t->n_used >= 1 && t->n_handles ? t->handles[0] : NULL;

	/* A batch lookup that failed as a whole says nothing about one handle. */
	if (!h || (t->kind == TARGET_LOOKUP && t->n_used != 1))
		return;
	log_warn("%s: no account named %s; trying again in %dh", t->p->net->name, h, SCHED_LOOKUP_HOLD / 3600);
	sched_hold_handle(t->p, h, until);
	t->s->reload_pending = true;
}

static void me_page(struct sched_target *t, const struct net_page *page)
{
	struct sched_platform *p = t->p;
	char key[64], *value = NULL;

	if (page->n_accounts < 1 || !page->accounts[0].id) {
		sched_lookup_failed(t);
		return;
	}
	const struct net_account *a = &page->accounts[0];
	free(p->me_id);
	free(p->me_local);
	p->me_id = strdup(a->id);
	p->me_local = a->local_id ? strdup(a->local_id) : NULL;
	snprintf(key, sizeof key, "me:%s", p->net->name);
	if (asprintf(&value, "%s\t%s%s%s", t->arg, a->id, a->local_id ? "\t" : "",
	             a->local_id ? a->local_id : "") >= 0) {
		store_meta_set(t->s->store, key, value);
		free(value);
	}
	log_info("%s: your account %s is %s", p->net->name, t->arg, page->accounts[0].id);
}

/* Records the id and ties earlier posts to the account, in one transaction. */
static int resolve_one(struct sched_target *t, int64_t account_id, const char *handle,
                       const struct net_account *a)
{
	struct store *st = t->s->store;
	struct sched_platform *p = t->p;
	struct ingest_me me = { p->net->name, p->me_id, p->me_handle, t->s->mentors, false, t->s->check };
	struct ingest_stats stats = { 0 };
	int r = store_begin(st);

	if (r >= 0)
		r = store_account_resolved(st, account_id, a->id, NULL, a->name);
	if (r >= 0)
		r = sched_home_learn(t, a);
	if (r >= 0)
		r = store_account_bio(st, account_id, a->bio);
	if (r >= 0)
		r = ingest_backfill(st, &me, a->id, account_id, &stats, NULL, NULL);
	if (r >= 0)
		r = store_commit(st);
	else
		store_rollback(st);
	if (r >= 0 && stats.events_new)
		log_debug("%s: %s: %u earlier events derived", p->net->name, handle, stats.events_new);
	return r;
}

static void accounts_page(struct sched_target *t, const struct net_page *page)
{
	struct sched_platform *p = t->p;
	size_t used = t->n_used < t->n_handles ? t->n_used : t->n_handles;
	int64_t now = sched_now(t->s);

	for (size_t j = 0; j < used; j++) {
		const struct net_account *a = NULL;
		for (size_t i = 0; i < page->n_accounts && !a; i++)
			if (same_handle(t->handles[j], page->accounts[i].handle) ||
			    (used == 1 && page->n_accounts == 1))
				a = &page->accounts[i];
		if (!a || !a->id) {
			log_warn("%s: no account named %s", p->net->name, t->handles[j]);
			sched_set_error(p, "no account named %s", t->handles[j]);
			sched_hold_handle(p, t->handles[j], now + SCHED_LOOKUP_HOLD);
			continue;
		}
		int r = resolve_one(t, t->account_ids[j], t->handles[j], a);
		if (r == -EEXIST)
			log_warn("%s: %s is the same account as another followed handle (%s)",
			         p->net->name, t->handles[j], a->id);
		else if (r >= 0)
			log_info("%s: %s resolved to %s", p->net->name, t->handles[j], a->id);
	}
}

void sched_lookup_page(struct sched_target *t, const struct net_page *page)
{
	if (t->kind == TARGET_ME)
		me_page(t, page);
	else
		accounts_page(t, page);
	/* New ids mean new targets (and a smaller lookup list). */
	t->s->reload_pending = true;
	t->running = false;
	t->failures = 0;
	t->due = t->n_used < t->n_handles ? sched_now(t->s) : sched_now(t->s) + 3600;
}
