/* sched_feed.c — the home feed: one walk of the user's home timeline per
 * round stands in for a request per followed account, for the accounts the
 * user also follows on the network.
 *
 * Whom the user follows is asked for the followed accounts only, in batches
 * (FOLLOW_CHECK), again after SCHED_FEED_RECHECK, and kept in the store. An
 * account joins the feed with the commit of a walk of its own (or of a
 * batch it is in, on X) that began after the feed's watermark was stored
 * (so nothing lies between the two);
 * from then on the feed walk brings its posts and it has no walk of its
 * own. Home timelines keep a window only: a feed walk that ends without
 * meeting its watermark (a gap) sends every account back to its own walk
 * from its own watermark, in the transaction of that last page, and they
 * join again as they catch up. A feed that fails leaves them to their own
 * walks for a round. Posts of people who are not followed accounts feed
 * suggestions like a hashtag's stream. */
#include "poll/sched_internal.h"
#include "config/config.h"
#include "store/store.h"
#include "base/log.h"
#include "common/str.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SCHED_FEED_RECHECK 86400   /* whom the user follows, asked again after a day */
#define SCHED_FEED_KEY "feed"

static int row_cmp(const void *a, const void *b)
{
	return strcmp(((const struct sched_feed_row *)a)->id, ((const struct sched_feed_row *)b)->id);
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static struct sched_feed_row *row_find(const struct sched_feed *f, const char *id)
{
	struct sched_feed_row key = { .id = (char *)id };
	return f->n_rows ? bsearch(&key, f->rows, f->n_rows, sizeof key, row_cmp) : NULL;
}

static void lists_clear(struct sched_feed *f)
{
	for (size_t i = 0; i < f->n_rows; i++)
		free(f->rows[i].id);
	free(f->rows);
	for (size_t i = 0; i < f->n_own; i++)
		free(f->own[i]);
	free(f->own);
	for (size_t i = 0; i < f->n_check; i++) {
		free(f->check[i]);
		free(f->check_sent[i]);
	}
	free(f->check);
	free(f->check_sent);
	f->rows = NULL;
	f->own = f->check = f->check_sent = NULL;
	f->n_rows = f->n_own = f->cap_own = f->n_check = f->cap_check = 0;
	f->covered = 0;
}

void sched_feed_clear(struct sched_platform *p)
{
	lists_clear(&p->feed);
}

/* Configured, and the credentials read the feed and ask whom the user follows. */
static bool feed_possible(const struct sched_platform *p)
{
	struct net_config cfg;

	if (!p->cfg->enabled || !p->cfg->home_feed || !p->net->can || !p->net->build_follow_check ||
	    !p->net->max_follow_check)
		return false;
	sched_creds_net_config(p, &cfg);
	return p->net->can(&cfg, NET_OP_FEED) && p->net->can(&cfg, NET_OP_FOLLOW_CHECK);
}

static int on_row(const struct store_feed_row *row, void *userdata)
{
	struct sched_feed *f = userdata;
	struct sched_feed_row *grown = realloc(f->rows, (f->n_rows + 1) * sizeof *grown);

	if (!grown)
		return -ENOMEM;
	f->rows = grown;
	grown[f->n_rows] = (struct sched_feed_row){ .following = row->following, .joined = row->joined,
	                                            .checked = row->checked_at };
	if (!(grown[f->n_rows].id = strdup(row->stable_id)))
		return -ENOMEM;
	f->n_rows++;
	return 0;
}

int sched_feed_begin(struct sched_platform *p)
{
	struct sched_feed *f = &p->feed;
	int r;

	lists_clear(f);
	f->usable = feed_possible(p);
	if (!f->usable)
		return 0;
	if ((r = store_feed_each(p->s->store, p->net->name, on_row, f)) < 0) {
		lists_clear(f);
		f->usable = false;
		return r;
	}
	if (f->n_rows > 1)
		qsort(f->rows, f->n_rows, sizeof *f->rows, row_cmp);
	return 0;
}

static int push_own(struct sched_feed *f, const char *id)
{
	if (f->n_own == f->cap_own) {
		size_t cap = f->cap_own ? 2 * f->cap_own : 64;
		char **grown = realloc(f->own, cap * sizeof *grown);
		if (!grown)
			return -ENOMEM;
		f->own = grown;
		f->cap_own = cap;
	}
	return (f->own[f->n_own] = strdup(id)) ? (int)++f->n_own : -ENOMEM;
}

/* The id the network takes in FOLLOW_CHECK: Mastodon the configured server's
 * number (unknown until a lookup there gave it: not asked then). */
static char *sent_id(struct sched_platform *p, const char *stable_id)
{
	char *local = NULL;

	if (!p->net->home)
		return strdup(stable_id);
	if (!p->own_server ||
	    store_local_id_get(p->s->store, p->net->name, p->own_server, stable_id, &local) <= 0)
		return NULL;
	return local;
}

static void note_check(struct sched_platform *p, const char *stable_id)
{
	struct sched_feed *f = &p->feed;
	char *sent = sent_id(p, stable_id), *id = sent ? strdup(stable_id) : NULL;

	if (f->n_check == f->cap_check && id) {
		size_t cap = f->cap_check ? 2 * f->cap_check : 64;
		char **a = realloc(f->check, cap * sizeof *a), **b = a ? realloc(f->check_sent, cap * sizeof *b) : NULL;
		if (a)
			f->check = a;
		if (b) {
			f->check_sent = b;
			f->cap_check = cap;
		}
	}
	if (!id || f->n_check == f->cap_check) {
		free(sent);
		free(id);
		return;     /* asked at a later rebuild */
	}
	f->check[f->n_check] = id;
	f->check_sent[f->n_check++] = sent;
}

bool sched_feed_covers(struct sched_platform *p, const struct store_followed *a)
{
	struct sched_feed *f = &p->feed;
	struct sched_feed_row *row;

	if (!f->usable || !a->stable_id)
		return false;
	row = row_find(f, a->stable_id);
	if (!row || row->checked + SCHED_FEED_RECHECK <= sched_now(p->s))
		note_check(p, a->stable_id);
	if (row && row->following && row->joined && f->down_until <= sched_now(p->s)) {
		f->covered++;
		return true;
	}
	push_own(f, a->stable_id);   /* without memory its posts may come twice: keys absorb it */
	return false;
}

bool sched_feed_followed(const struct sched_platform *p, const char *stable_id)
{
	const struct sched_feed_row *row = p->feed.usable && stable_id ? row_find(&p->feed, stable_id) : NULL;
	return row && row->following;
}

bool sched_feed_end(struct sched_platform *p)
{
	struct sched_feed *f = &p->feed;

	if (f->n_own > 1)
		qsort(f->own, f->n_own, sizeof *f->own, str_cmp);
	if (f->usable)
		log_debug("%s: home feed covers %u accounts, %zu read one by one, %zu to ask about",
		          p->net->name, f->covered, f->n_own, f->n_check);
	/* No walk of the feed before the user is known to follow someone there. */
	for (size_t i = 0; f->usable && i < f->n_rows; i++)
		if (f->rows[i].following)
			return true;
	return false;
}

size_t sched_feed_take_checks(struct sched_platform *p, char ***stable, char ***sent)
{
	struct sched_feed *f = &p->feed;
	size_t n = f->n_check;

	*stable = f->check;
	*sent = f->check_sent;
	f->check = f->check_sent = NULL;
	f->n_check = f->cap_check = 0;
	return n;
}

static void asked_clear(struct sched_target *t)
{
	for (size_t i = 0; i < t->n_asked; i++) {
		free(t->asked[i]);
		free(t->asked_sent[i]);
	}
	free(t->asked);
	free(t->asked_sent);
	t->asked = t->asked_sent = NULL;
	t->n_asked = 0;
}

/* The ids sent are kept with the target: a rebuild may hand it a new list
 * while the request is out. */
int sched_feed_build_follow_check(struct sched_target *t, const struct net_config *cfg,
                               struct net_request *req)
{
	int r;

	asked_clear(t);
	r = net_build_follow_check(t->p->net, cfg, (const char *const *)t->members, t->n_handles, req, &t->n_used);
	if (r < 0)
		return r;
	if (!(t->asked = calloc(t->n_used, sizeof *t->asked)) ||
	    !(t->asked_sent = calloc(t->n_used, sizeof *t->asked_sent)))
		goto nomem;
	for (size_t i = 0; i < t->n_used; i++, t->n_asked++)
		if (!(t->asked[i] = strdup(t->handles[i])) || !(t->asked_sent[i] = strdup(t->members[i]))) {
			free(t->asked[i]);
			goto nomem;
		}
	return 0;
nomem:
	asked_clear(t);
	net_request_clear(req);
	return -ENOMEM;
}

static bool answered_following(const struct net_page *page, const char *sent)
{
	for (size_t i = 0; i < page->n_accounts; i++) {
		const struct net_account *a = &page->accounts[i];
		const char *id = a->local_id ? a->local_id : a->id;
		if (id && strcmp(id, sent) == 0)
			return a->following;
	}
	return false;   /* left out: unknown there, so not followed */
}

/* Drops the ids just answered from the front of the target's list (unless
 * a rebuild replaced the list meanwhile): what is left is the next batch. */
static void shift_asked(struct sched_target *t)
{
	size_t k = t->n_asked <= t->n_handles ? t->n_asked : 0;

	for (size_t i = 0; i < k; i++)
		if (strcmp(t->handles[i], t->asked[i]) != 0)
			k = 0;
	for (size_t i = 0; i < k; i++) {
		free(t->handles[i]);
		free(t->members[i]);
	}
	memmove(t->handles, t->handles + k, (t->n_handles - k) * sizeof *t->handles);
	memmove(t->members, t->members + k, (t->n_handles - k) * sizeof *t->members);
	t->n_handles -= k;
}

int sched_feed_following_page(struct sched_target *t, const struct net_page *page)
{
	struct sched_platform *p = t->p;
	struct store *st = t->s->store;
	unsigned yes = 0;
	int r = store_begin(st);

	for (size_t i = 0; r >= 0 && i < t->n_asked; i++) {
		bool following = answered_following(page, t->asked_sent[i]);
		yes += following;
		r = store_feed_checked(st, p->net->name, t->asked[i], following);
	}
	if (r >= 0)
		r = store_commit(st);
	else
		store_rollback(st);
	if (r < 0) {
		log_warn("%s: cannot store whom you follow: %s", p->net->name, strerror(-r));
		asked_clear(t);
		return r;
	}
	log_info("%s: you follow %u of %zu accounts asked about; those are read through your home feed",
	         p->net->name, yes, t->n_asked);
	shift_asked(t);
	asked_clear(t);
	if (t->n_handles)
		return 1;
	/* All asked: the feed's accounts come out of the rebuild. */
	t->s->reload_pending = true;
	return 0;
}

int sched_feed_filter(const struct sched_platform *p, const struct net_page *page,
                      struct post **out, size_t *n)
{
	const struct sched_feed *f = &p->feed;

	*n = 0;
	if (!(*out = calloc(page->n_posts ? page->n_posts : 1, sizeof **out)))
		return -ENOMEM;
	for (size_t i = 0; i < page->n_posts; i++) {
		const char *author = page->posts[i].author_id;
		if (author && f->n_own && bsearch(&author, f->own, f->n_own, sizeof *f->own, str_cmp))
			continue;
		(*out)[(*n)++] = page->posts[i];
	}
	return 0;
}

/* One account whose walk (its own, or a batch's) is done joins the feed. */
static int join(struct sched_target *t, const char *stable_id, int64_t feed_at)
{
	struct sched_platform *p = t->p;
	struct sched_feed_row *row = stable_id ? row_find(&p->feed, stable_id) : NULL;
	int r;

	if (!row || !row->following || row->joined)
		return 0;
	/* The feed's watermark must not be newer than where this walk began. */
	if (feed_at > t->started)
		return 0;
	if ((r = store_feed_join(t->s->store, p->net->name, stable_id)) < 0)
		return r;
	row->joined = true;       /* rolled back with the page: the next rebuild reads the store */
	t->s->rejoin_pending = true;
	return 0;
}

/* Batched networks (X) read accounts one by one in batches: a batch walk
 * that is done stands for each member's own (members are "account:ID"). */
int sched_feed_walked(struct sched_target *t)
{
	static const char prefix[] = "account:";
	struct sched_platform *p = t->p;
	const struct sched_feed_row *row;
	int64_t feed_at = 0;
	int r;

	if (!p->feed.usable)
		return 0;
	if (t->op != NET_OP_BATCH && (!t->arg || !(row = row_find(&p->feed, t->arg)) ||
				      !row->following || row->joined))
		return 0;      /* the common case, without a look at the store */
	if ((r = store_cursor_age(t->s->store, p->net->name, SCHED_FEED_KEY, &feed_at)) <= 0)
		return r;
	if (t->op != NET_OP_BATCH)
		return join(t, t->arg, feed_at);
	for (size_t i = 0; r >= 0 && i < t->n_handles; i++)
		if (t->members[i] && strncmp(t->members[i], prefix, sizeof prefix - 1) == 0)
			r = join(t, t->members[i] + sizeof prefix - 1, feed_at);
	return r;
}

int sched_feed_gap(struct sched_target *t)
{
	struct sched_platform *p = t->p;
	int r = store_feed_leave_all(t->s->store, p->net->name);

	if (r < 0)
		return r;
	log_warn("%s: the home feed's window ended before its last watermark; its %u accounts "
	         "catch up one by one from their own", p->net->name, p->feed.covered);
	for (size_t i = 0; i < p->feed.n_rows; i++)
		p->feed.rows[i].joined = false;
	t->s->reload_pending = true;
	return 0;
}

void sched_feed_starting(struct sched_target *t)
{
	struct sched_feed *f = &t->p->feed;

	if (f->down_until && f->down_until <= sched_now(t->s)) {
		f->down_until = 0;
		t->s->reload_pending = true;    /* its accounts leave their own walks again */
		sched_kick(t->s);
	}
}

void sched_feed_failed(struct sched_target *t, const char *why)
{
	struct sched_platform *p = t->p;
	struct sched *s = t->s;
	int64_t now = sched_now(s);

	p->feed.down_until = now + s->config->poll_interval;
	sched_set_error(p, "home feed failed (%s); its accounts are read one by one this round", why);
	log_warn("%s: home feed failed (%s); its %u accounts are read one by one this round",
	         p->net->name, why, p->feed.covered);
	s->reload_pending = true;
	t->running = false;
	t->failures++;
	t->due = p->feed.down_until;
	p->status.last_poll = now;
	s->target_done(t, true);
}
