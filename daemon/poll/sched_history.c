/* sched_history.c — back-fill: reading a followed account's past down to
 * its history window. A first sync reads the newest page and leaves where
 * the next older one starts; from there a history target reads a page at
 * a time, below every due refresh and within a share of each rate window.
 * The state (how far down, how many posts, the next page's token) is a
 * row of the store's backfill table written in the same transaction as
 * each page, so a restart (or kill -9) goes on where the last committed
 * page left off, without a gap and without a post twice. */
#include "poll/sched_internal.h"
#include "config/config.h"
#include "store/store.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int64_t sched_history_window(const struct sched *s, int64_t account_history)
{
	return account_history >= 0 ? account_history : s->config->history;
}

/* Where to start again below what is stored: the network's token under
 * the account's oldest post, or "" (from the newest) where it has none. */
static int restart_token(struct sched_platform *p, int64_t account_id, char **token)
{
	char *net_id = NULL, buf[NET_RATE_KEY_MAX];
	int64_t at;
	int r = store_oldest_post(p->s->store, account_id, &net_id, &at);

	buf[0] = '\0';
	if (r > 0 && p->net->history_below && p->net->history_below(net_id, buf, sizeof buf) != 1)
		buf[0] = '\0';
	free(net_id);
	if (r < 0)
		return r;
	return (*token = strdup(buf)) ? 0 : -ENOMEM;
}

int sched_history_plan(struct sched_platform *p, const struct store_followed *a, const char *key,
                       int64_t window, int64_t now, int64_t *since, int64_t *loaded, char **token)
{
	struct store_backfill bf;
	int64_t want = now - window, updated;
	int r;

	*token = NULL;
	if (window <= 0)
		return 0;
	if ((r = store_backfill_get(p->s->store, p->net->name, key, &bf)) < 0)
		return r;
	if (r > 0 && bf.token) {
		/* Under way: on from the stored page (a window made smaller since
		 * ends it sooner). */
		*since = want > bf.since ? want : bf.since;
		*loaded = bf.loaded;
		*token = bf.token;
		return 1;
	}
	if (r > 0 && want >= bf.since)
		return 0;                       /* done far enough */
	/* The window grew, or the account was synced before back-fill was
	 * configured; an account not synced yet starts with its first sync. */
	if (r == 0 && store_cursor_age(p->s->store, p->net->name, key, &updated) <= 0)
		return 0;
	*since = want;
	*loaded = r > 0 ? bf.loaded : 0;
	if ((r = restart_token(p, a->account_id, token)) < 0)
		return r;
	return 1;
}

int sched_history_start(struct sched_target *t, unsigned posts_new)
{
	const char *older = t->walk.older;
	int64_t since = sched_now(t->s) - t->window;
	int r;

	if (t->window <= 0)
		return 0;
	r = store_backfill_set(t->s->store, t->p->net->name, t->key, since, posts_new, older);
	return r < 0 ? r : older != NULL;
}

int sched_history_advance(struct sched_target *t, unsigned posts_new)
{
	const char *older = t->walk.done ? NULL : t->walk.older;
	int r = store_backfill_set(t->s->store, t->p->net->name, t->key, t->since,
	                           t->loaded + posts_new, older);
	return r < 0 ? r : older != NULL;
}

bool sched_history_may_spend(const struct sched_target *t, int64_t now, int64_t *until)
{
	const struct sched_rate *r = t->rate;
	int64_t keep;

	/* Unknown, or a new window: its first answer will say. */
	if (!r || r->limit <= 0 || r->remaining < 0 || r->reset <= now)
		return true;
	keep = r->limit * (100 - t->s->config->history_share) / 100;
	if (r->remaining > keep)
		return true;
	*until = r->reset;
	return false;
}
