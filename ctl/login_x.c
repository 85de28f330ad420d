/* login_x.c — `login x`: the app bearer token (read without echo, or from a
 * pipe), checked with one cheap call and stored 0600; `login x --user
 * --client-id ID` hands over to login_pkce.c for the user's own token. */
#include "login.h"
#include "prompt.h"
#include "common/macros.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BEARER_FILE "x-bearer"
#define X_API "https://api.x.com"
#define X_AUTH "https://x.com"

/* One user lookup: the cheapest call an app token may make. */
static int check_bearer(const struct login *l, const char *api, const char *token)
{
	_cleanup_free_ char *url = NULL;
	struct web_call c = { .method = "GET", .bearer = token };
	struct web_reply rp;
	int r = 0;

	if (asprintf(&url, "%s/2/users/by/username/XDevelopers", api) < 0)
		return login_fail(l, "out of memory");
	c.url = url;
	if (login_web(l, &c, &rp) < 0 || rp.status == 429 || rp.status >= 500)
		r = login_fail_reply(l, "cannot check the bearer token", &rp);
	else if (rp.status == 401)
		r = login_fail(l, "X refused the bearer token (wrong, expired or revoked); copy it again from "
		               "the developer portal (Projects & Apps > Keys and tokens)");
	else if (rp.status == 403)
		r = login_fail_reply(l, "X refused the app access to user lookups (its project or access tier)", &rp);
	else if (rp.status != 200)
		r = login_fail_reply(l, "unexpected answer while checking the bearer token", &rp);
	web_reply_clear(&rp);
	return r;
}

static int login_bearer(struct login *l, const char *api, bool api_given)
{
	_cleanup_free_ char *path = NULL;
	char *token = NULL;
	int r;

	if ((r = prompt_secret("X app bearer token: ", false, &token)) < 0)
		return login_fail(l, "no bearer token was given%s", r == -EFBIG ? " (the line is too long)" : "");
	if ((r = check_bearer(l, api, token)) || (r = login_save_secret(l, BEARER_FILE, token, &path)))
		goto out;
	{
		const char *keys[] = { "enabled", "token_file", "api_base" };
		const char *vals[] = { "yes", path, api };
		if ((r = login_save_config(l, "x", keys, vals, api_given ? 3 : 2)))
			goto out;
	}
	printf("The X bearer token works; mentord will read X with it.\n");
	r = login_reload(l);
out:
	prompt_free(token);
	return r;
}

int login_x(struct login *l, int argc, char **argv)
{
	_cleanup_free_ char *api = NULL;
	const char *client_id = NULL, *api_arg = NULL;
	long port = LOGIN_PKCE_PORT;
	bool user = false;
	int r;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--user") == 0)
			user = true;
		else if (strcmp(argv[i], "--no-browser") == 0)
			l->no_browser = true;
		else if (strcmp(argv[i], "--client-id") == 0 && i + 1 < argc)
			client_id = argv[++i];
		else if (strcmp(argv[i], "--api") == 0 && i + 1 < argc)
			api_arg = argv[++i];
		else if (strcmp(argv[i], "--port") == 0 && i + 1 < argc) {
			char *end;
			port = strtol(argv[++i], &end, 10);
			if (*end || port < 0 || port > 65535)
				return ctl_usage_error("login", "--port needs a port number (0: any free one)");
		}
		else
			return ctl_usage_error("login", "usage: login x [--api URL] | "
			                       "login x --user --client-id ID [--port N] [--api URL] [--no-browser]");
	}
	if (client_id && !user)
		return ctl_usage_error("login", "--client-id goes with --user");
	if (user && (!client_id || !*client_id || strlen(client_id) > 200 ||
	             strspn(client_id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~") !=
	             strlen(client_id)))
		return ctl_usage_error("login", "--user needs --client-id ID (the OAuth 2.0 Client ID of your app "
		                       "in the X developer portal)");
	if ((r = login_base_url(l, api_arg ? api_arg : X_API, &api)))
		return r;
	if (!user)
		return login_bearer(l, api, api_arg != NULL);
	/* A test server plays both api.x.com and x.com. */
	return login_x_user(l, client_id, api, api_arg ? api : X_AUTH, (int)port);
}
