/* sched_creds.c — what each network needs to let mentord in: bearer tokens
 * and app passwords from secret files, the Bluesky session (kept in its own
 * 0600 file beside the database, never in it), X's OAuth 2.0 user token (a
 * "session" that is only ever refreshed, kept in [x] user_token_file, which
 * mentorctl login x --user wrote), and the user's own id. */
#include "poll/sched_internal.h"
#include "config/config.h"
#include "base/secrets.h"
#include "store/store.h"
#include "net/url.h"
#include "base/log.h"
#include "common/conffile.h"
#include "common/macros.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define SESSION_MARGIN 300   /* refresh this long before the access token expires */
#define USER_TOKEN_MARGIN 600   /* X's: checked every 300 s, so at least one check falls inside */

static char *session_path(const struct sched_platform *p)
{
	char *out;
	if (!p->s->state_dir || asprintf(&out, "%s/%s-session.json", p->s->state_dir, p->net->name) < 0)
		return NULL;
	return out;
}

static void session_load(struct sched_platform *p)
{
	_cleanup_free_ char *path = session_path(p);
	char buf[16384];
	ssize_t n;
	int fd;

	if (!path || p->session.access_jwt)
		return;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return;
	n = read(fd, buf, sizeof buf);
	close(fd);
	if (n > 0 && (size_t)n < sizeof buf && net_session_decode(buf, (size_t)n, &p->session) < 0)
		log_warn("%s: ignoring unreadable session file %s", p->net->name, path);
	explicit_bzero(buf, sizeof buf);
}

/* Through conffile's temporary file and rename, so a crash leaves the old
 * session or the new one, never half of either. */
static void session_save(struct sched_platform *p)
{
	_cleanup_free_ char *path = session_path(p);
	char *json;
	int r;

	if (!path || !(json = net_session_encode(&p->session)))
		return;
	if ((r = conffile_write_secret(path, json, strlen(json))) < 0)
		log_warn("%s: cannot save the session to %s: %s", p->net->name, path, strerror(-r));
	explicit_bzero(json, strlen(json));
	free(json);
}

/* The user token file, read afresh at start and on every reload: mentorctl
 * may have replaced it, and mentord's own refreshes are written there. */
static void user_token_load(struct sched_platform *p)
{
	char *err = NULL, *json = NULL;
	struct net_session file = { 0 };
	int r;

	/* No systemd credential: mentord rewrites this file at each refresh. */
	r = secrets_read(p->cfg->user_token_file, NULL, &json, &err);
	if (r == 0 && net_x_token_decode(json, strlen(json), &file) == 0) {
		/* The file wins, unless it missed our last refresh: then its
		 * refresh token is spent and ours the only valid one. */
		if (!p->user_token_unsaved || !p->session.access_jwt) {
			net_session_clear(&p->session);
			p->session = file;
		} else {
			net_session_clear(&file);
		}
	} else if (r == 0) {
		free(err);
		if (asprintf(&err, "%s: not a user token (log in again: mentorctl login %s --user)",
		             p->cfg->user_token_file, p->net->name) < 0)
			err = NULL;
		r = -EINVAL;
	}
	if (r < 0)
		net_session_clear(&p->session);
	if (r < 0 && (r != -ENOENT || err)) {
		log_err("%s: %s", p->net->name, err ? err : strerror(-r));
		sched_set_error(p, "%s", err ? err : strerror(-r));
	}
	free(err);
	secrets_free(json);
}

/* Through a temporary file and a rename: a crash leaves the old token or
 * the new one. Losing the rotated refresh token would lose the login. */
static void user_token_save(struct sched_platform *p)
{
	char *json = net_x_token_encode(&p->session);
	int r = json ? conffile_write_secret(p->cfg->user_token_file, json, strlen(json)) : -ENOMEM;

	p->user_token_unsaved = r < 0;
	if (r < 0)
		log_err("%s: cannot save the refreshed user token to %s: %s; the next start needs "
		        "mentorctl login %s --user", p->net->name, p->cfg->user_token_file, strerror(-r),
		        p->net->name);
	secrets_free(json);
}

static void load_secret(struct sched_platform *p, char **dst, const char *path, const char *cred)
{
	char *err = NULL, *value = NULL;
	int r = secrets_read(path, cred, &value, &err);

	secrets_free(*dst);
	*dst = NULL;
	if (r == -ENOENT && !err)
		return;
	if (r < 0) {
		log_err("%s: %s", p->net->name, err ? err : strerror(-r));
		sched_set_error(p, "%s", err ? err : strerror(-r));
		free(err);
		return;
	}
	*dst = value;
}

static void load_me(struct sched_platform *p)
{
	const char *me = p->cfg->me;
	char key[64], *stored = NULL, *tab;

	if (me && p->me_handle && strcmp(me, p->me_handle) == 0)
		return;
	free(p->me_handle);
	free(p->me_id);
	free(p->me_local);
	p->me_handle = me ? strdup(me) : NULL;
	p->me_id = p->me_local = NULL;
	if (!me)
		return;
	/* "handle<TAB>stable id[<TAB>the configured server's number for it]" */
	snprintf(key, sizeof key, "me:%s", p->net->name);
	if (store_meta_get(p->s->store, key, &stored) >= 0 && stored && (tab = strchr(stored, '\t'))) {
		*tab = '\0';
		if (strcmp(stored, me) == 0) {
			char *local = strchr(tab + 1, '\t');
			if (local)
				*local++ = '\0';
			p->me_id = strdup(tab + 1);
			p->me_local = local ? strdup(local) : NULL;
		}
	}
	free(stored);
}

/* The configured server's name, as handles write it: "mastodon.social". */
static void load_own_server(struct sched_platform *p)
{
	free(p->own_server);
	p->own_server = p->cfg->api_base ? net_url_authority(p->cfg->api_base) : NULL;
}

int sched_creds_load(struct sched_platform *p)
{
	char cred[64];
	snprintf(cred, sizeof cred, "%s-token", p->net->name);
	load_secret(p, &p->token, p->cfg->token_file, cred);
	snprintf(cred, sizeof cred, "%s-app-password", p->net->name);
	load_secret(p, &p->password, p->cfg->app_password_file, cred);
	load_me(p);
	load_own_server(p);
	if (p->cfg->user_token_file)
		user_token_load(p);
	else if (p->session.client_id)
		net_session_clear(&p->session);   /* user_token_file was removed */
	else if (p->cfg->identifier && p->password)
		session_load(p);
	return 0;
}

void sched_creds_reload(struct sched *s)
{
	for (size_t i = 0; i < s->n_platforms; i++) {
		struct sched_platform *p = &s->platforms[i];
		/* A reload is the user's answer to an auth failure: try again. */
		if (p->paused_until == INT64_MAX)
			p->paused_until = 0;
		p->cfg = &s->config->platforms[i];
		sched_creds_load(p);
		/* A new user token (a new login, or a file edited by hand) is
		 * checked at once rather than at the target's next turn. */
		for (size_t j = 0; p->cfg->user_token_file && j < s->n_targets; j++)
			if (s->targets[j]->p == p && s->targets[j]->kind == TARGET_SESSION)
				s->targets[j]->due = sched_now(s);
	}
}

void sched_creds_forget_login(struct sched_platform *p)
{
	secrets_free(p->password);
	p->password = NULL;
	net_session_clear(&p->session);
}

void sched_creds_clear(struct sched_platform *p)
{
	secrets_free(p->token);
	secrets_free(p->password);
	p->token = p->password = NULL;
	net_session_clear(&p->session);
	free(p->me_id);
	free(p->me_handle);
	free(p->me_local);
	free(p->own_server);
	p->me_id = p->me_handle = p->me_local = p->own_server = NULL;
	for (size_t i = 0; i < p->n_failed; i++)
		free(p->failed[i].handle);
	free(p->failed);
	p->failed = NULL;
	p->n_failed = 0;
}

void sched_creds_net_config(const struct sched_platform *p, struct net_config *cfg)
{
	int64_t now = sched_now(p->s);
	bool session_ok = p->session.access_jwt && p->session.access_expires > now;

	memset(cfg, 0, sizeof *cfg);
	cfg->api_base = p->cfg->api_base;
	if (p->cfg->instance_override) {
		/* The test hook: the configured server is one of the servers it stands in for. */
		cfg->api_base = p->cfg->instance_override;
		cfg->host = p->own_server;
	}
	cfg->pds_base = p->session.pds_base && session_ok ? p->session.pds_base : p->cfg->pds_base;
	cfg->token = p->token ? p->token : session_ok ? p->session.access_jwt : NULL;
	cfg->refresh_token = p->session.refresh_jwt;
	if (p->cfg->user_token_file) {
		cfg->user_token = session_ok ? p->session.access_jwt : NULL;
		cfg->client_id = p->session.client_id;
		cfg->token_url = p->session.token_url;
	}
	cfg->identifier = p->cfg->identifier;
	cfg->password = p->password;
	cfg->me = p->me_handle;
	cfg->me_id = p->me_local ? p->me_local : p->me_id;
}

bool sched_creds_session_needed(const struct sched_platform *p, int64_t now, enum net_op *op)
{
	if (p->cfg->user_token_file) {
		/* Refreshed some minutes before it expires; never created here. */
		if (!p->session.refresh_jwt || p->session.access_expires > now + USER_TOKEN_MARGIN)
			return false;
		*op = NET_OP_SESSION_REFRESH;
		return true;
	}
	if (!p->cfg->identifier || !p->password)
		return false;
	if (p->session.access_jwt && p->session.access_expires > now + SESSION_MARGIN)
		return false;
	if (p->session.refresh_jwt && (p->session.refresh_expires == 0 || p->session.refresh_expires > now + 60)) {
		*op = NET_OP_SESSION_REFRESH;
		return true;
	}
	*op = NET_OP_SESSION_CREATE;
	return true;
}

void sched_creds_session_store(struct sched_platform *p, struct net_session *fresh)
{
	net_session_clear(&p->session);
	p->session = *fresh;
	memset(fresh, 0, sizeof *fresh);
	if (p->cfg->user_token_file)
		user_token_save(p);
	else
		session_save(p);
}

void sched_creds_session_drop(struct sched_platform *p, bool refresh_dead)
{
	struct sched *s = p->s;
	/* Expired early: the session target refreshes it now. A refresh token
	 * the server refused is dead for good (they are single-use, and a
	 * refresh whose answer was lost leaves ours spent): retrying it would
	 * loop without pause, so the target logs in afresh instead. */
	if (refresh_dead)
		net_session_clear(&p->session);
	else
		p->session.access_expires = 0;
	for (size_t i = 0; i < s->n_targets; i++)
		if (s->targets[i]->p == p && s->targets[i]->kind == TARGET_SESSION)
			s->targets[i]->due = sched_now(s);
	sched_kick(s);
}
