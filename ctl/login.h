/* login.h — what the `login` and `logout` commands share: where the files
 * go ($XDG_CONFIG_HOME/mentord/), saving secrets (0600) and configuration
 * keys (comments kept, all-or-nothing), the browser, and the daemon's reload.
 * One file per network does the rest (login_mastodon.c, login_bluesky.c,
 * login_x.c, login_pkce.c).
 *
 * Every function that can fail prints one clear line on stderr naming the
 * network and returns an exit code (CTL_EXIT_*): 1 for a refused or failed
 * login, 2 for usage. Secrets never appear in what is printed. */
#ifndef MENTORCTL_LOGIN_H
#define MENTORCTL_LOGIN_H

#include "ctl.h"
#include "web.h"

#include <stdbool.h>
#include <stddef.h>

struct login {
	struct ctl *ctl;
	const char *net;           /* "mastodon", "bluesky", "x": for messages */
	char *config_path;         /* --config, else $XDG_CONFIG_HOME/mentord/mentord.conf */
	char *dir;                 /* $XDG_CONFIG_HOME/mentord: secrets and app records */
	bool no_browser;
	long timeout_s;            /* per request (--timeout, else 30) */
};

int login_init(struct login *l, struct ctl *ctl, const char *net, const char *config_path);
void login_finish(struct login *l);

/* dir/name, malloc'd (NULL: no memory). */
char *login_path(const struct login *l, const char *name);

/* "mentorctl login NET: <message>" on stderr; returns CTL_EXIT_DAEMON (1). */
int login_fail(const struct login *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The same for a failed request: "<what>: <web_describe>" (plus a hint for
 * a slow server and 429). */
int login_fail_reply(const struct login *l, const char *what, const struct web_reply *rp);

/* web_do with the login's timeout. */
int login_web(const struct login *l, struct web_call *c, struct web_reply *rp);

/* "example.social" → "https://example.social"; an http(s) URL is taken
 * as it is, but plain http only for the loopback (tests, local servers).
 * *base has no trailing slash. Prints and returns 2 when unusable. */
int login_base_url(const struct login *l, const char *arg, char **base);
/* The lower-cased authority of a base URL: "example.social", "127.0.0.1:8080". */
char *login_authority(const char *base);

/* Writes the secret to dir/name (0600); *path (malloc'd) is where. */
int login_save_secret(const struct login *l, const char *name, const char *secret, char **path);
/* Sets the keys in [section] of the configuration in one write. */
int login_save_config(const struct login *l, const char *section, const char *const *keys,
		      const char *const *values, size_t n);

/* Opens url with xdg-open (no shell), unless --no-browser or no display. */
void login_open_browser(const struct login *l, const char *url);

/* Asks a running daemon to reload; says so and returns 0 when none runs. */
int login_reload(const struct login *l);

int login_mastodon(struct login *l, int argc, char **argv);
int logout_mastodon(struct login *l, int argc, char **argv);
int login_bluesky(struct login *l, int argc, char **argv);
int login_x(struct login *l, int argc, char **argv);
/* login x --user: OAuth 2.0 authorisation code with PKCE (login_pkce.c),
 * the redirect caught at http://127.0.0.1:PORT/callback (port 0: any free
 * one; X wants the exact URL registered with the app, so a fixed default). */
#define LOGIN_PKCE_PORT 8765
int login_x_user(struct login *l, const char *client_id, const char *api_base, const char *auth_base, int port);

#endif
