/* sched_home.c — reading an account at its own server. A Mastodon
 * instance holds of a remote account only what happened to federate to
 * it, late; the account's home holds everything at once. So accounts
 * (and new handles) of a network with many servers are read at their
 * home through its public API, without the user's token, and at the
 * configured server only when the home refuses unauthenticated reads,
 * answers nothing (limited federation) or cannot be reached: that home
 * is then "in fallback" for SCHED_FALLBACK_RETRY.
 *
 * Each server has its own number for an account; the stable id (user@domain)
 * is the same everywhere. The numbers are learnt by a lookup at the server
 * and kept in the store (local_ids). */
#include "poll/sched_internal.h"
#include "config/config.h"
#include "store/store.h"
#include "base/log.h"
#include "common/str.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static struct sched_fallback *fallback_find(struct sched_platform *p, const char *server)
{
	for (size_t i = 0; i < p->n_fallback; i++)
		if (strcasecmp(p->fallback[i].name, server) == 0)
			return &p->fallback[i];
	return NULL;
}

bool sched_home_in_fallback(struct sched_platform *p, const char *server, int64_t now)
{
	const struct sched_fallback *f = fallback_find(p, server);
	return f && f->until > now;
}

void sched_home_fallback(struct sched_platform *p, const char *server, const char *why)
{
	struct sched_fallback *f = fallback_find(p, server), *grown;

	if (!f) {
		if (!(grown = realloc(p->fallback, (p->n_fallback + 1) * sizeof *grown)))
			return;       /* without memory the next request tries the home again */
		p->fallback = grown;
		f = &grown[p->n_fallback];
		*f = (struct sched_fallback){ .name = strdup(server) };
		if (!f->name)
			return;
		p->n_fallback++;
	}
	f->until = sched_now(p->s) + SCHED_FALLBACK_RETRY;
	snprintf(f->why, sizeof f->why, "%s", why);
	log_warn("%s: %s %s; its accounts are read through %s for %dh", p->net->name, server, why,
	         p->own_server ? p->own_server : p->cfg->api_base, SCHED_FALLBACK_RETRY / 3600);
}

void sched_home_status(struct sched_platform *p, int64_t now, char *out, size_t size)
{
	size_t used = 0;

	if (size)
		out[0] = '\0';
	for (size_t i = 0; i < p->n_fallback && used < size; i++) {
		if (p->fallback[i].until <= now)
			continue;
		int n = snprintf(out + used, size - used, "%s%s", used ? ", " : "", p->fallback[i].name);
		if (n < 0)
			break;
		used += (size_t)n;
	}
}

void sched_home_clear(struct sched_platform *p)
{
	for (size_t i = 0; i < p->n_fallback; i++)
		free(p->fallback[i].name);
	free(p->fallback);
	p->fallback = NULL;
	p->n_fallback = 0;
}

/* The account or handle t's request is about. */
static const char *asked_id(const struct sched_target *t)
{
	if (t->kind == TARGET_LOOKUP)
		return t->n_handles ? t->handles[0] : "";
	return sched_target_label(t);
}

int sched_home_pick(struct sched_target *t, const char *id)
{
	struct sched_platform *p = t->p;
	struct sched_server *sv = &t->server;
	const char *override = p->cfg->instance_override;
	char name[SCHED_SERVER_MAX], base[SCHED_SERVER_MAX + 16];
	struct net_config cfg;
	bool refused;
	int r;

	sched_home_server_clear(sv);
	sched_creds_net_config(p, &cfg);
	r = id ? net_home(p->net, &cfg, id, name, sizeof name) : 0;
	refused = t->home_refused && strcmp(t->home_refused, id) == 0;
	if (r == 1 && !refused && !sched_home_in_fallback(p, name, sched_now(t->s))) {
		/* Over https, always: a server name is all a handle gives. */
		if ((size_t)snprintf(base, sizeof base, "%s%s", override ? "" : "https://",
		                     override ? override : name) >= sizeof base)
			return -EINVAL;
		if (str_set(&sv->name, name) < 0 || str_set(&sv->base, base) < 0) {
			sched_home_server_clear(sv);
			return -ENOMEM;
		}
		sv->home = true;
		return 0;
	}
	return str_set(&sv->name, p->own_server ? p->own_server : "") < 0 ? -ENOMEM : 0;
}

void sched_home_server_clear(struct sched_server *sv)
{
	free(sv->name);
	free(sv->base);
	*sv = (struct sched_server){ 0 };
}

void sched_home_config(const struct sched_target *t, struct net_config *cfg)
{
	if (!t->server.home)
		return;
	cfg->api_base = t->server.base;
	cfg->host = t->p->cfg->instance_override ? t->server.name : NULL;
	cfg->foreign = true;
	cfg->token = NULL;
	cfg->me_id = NULL;       /* the user's number on the configured server means nothing here */
}

int sched_home_local_id(struct sched_target *t)
{
	struct sched_platform *p = t->p;
	char *local = NULL;
	int r;

	free(t->local_id);
	t->local_id = NULL;
	t->find_local = false;
	if (!p->net->home)
		return (t->local_id = strdup(t->arg)) ? 1 : -ENOMEM;
	r = store_local_id_get(t->s->store, p->net->name, t->server.name, t->arg, &local);
	if (r < 0)
		return r;
	if (r == 0) {
		t->find_local = true;
		return 0;
	}
	t->local_id = local;
	return 1;
}

int sched_home_learn(struct sched_target *t, const struct net_account *a)
{
	const char *local = a->local_id ? a->local_id : a->id;

	if (!t->p->net->home || !a->id || !local)
		return 0;
	if (t->server.home)
		t->home_posts = a->n_posts > 0 ? a->n_posts : 0;   /* counted: judged once */
	return store_local_id_set(t->s->store, t->p->net->name, t->server.name, a->id, local);
}

bool sched_home_refused(struct sched_target *t, bool unreachable, const struct net_error *err, long n_posts)
{
	struct sched_platform *p = t->p;
	char why[64];

	if (!t->server.home)
		return false;
	if (unreachable) {
		snprintf(why, sizeof why, "cannot be reached");
	} else if (err && err->code == NET_ERR_AUTH) {
		snprintf(why, sizeof why, "refuses public reads (HTTP %d)", err->http_status);
	} else if (err && err->code == NET_ERR_NOT_FOUND) {
		/* The home does not know the handle (moved, or a typo there):
		 * this account alone is read where the user is. */
		log_info("%s: %s does not know %s; reading it through %s", p->net->name, t->server.name,
		         asked_id(t), p->own_server ? p->own_server : p->cfg->api_base);
		if (str_set(&t->home_refused, asked_id(t)) < 0)
			return false;
		goto again;
	} else if (n_posts == 0 && t->home_posts > 0) {
		/* A first page of nothing from a home that counts posts: limited
		 * federation hides them from the public API. */
		snprintf(why, sizeof why, "answers no posts of an account that has %lld", (long long)t->home_posts);
	} else {
		return false;
	}
	sched_home_fallback(p, t->server.name, why);
again:
	t->running = false;
	t->due = sched_now(t->s);
	t->s->target_done(t, false);
	return true;
}
