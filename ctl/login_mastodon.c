/* login_mastodon.c — `login mastodon INSTANCE` and `logout mastodon`: the
 * OAuth 2.0 authorisation-code flow of Mastodon clients, with the
 * out-of-band redirect (the server shows the code, the user pastes it).
 *
 * The app is registered once per instance; its client id and secret are
 * kept in mastodon-app-HOST.json (0600) and reused by the next login and by
 * logout, which needs them to revoke the token. */
#include "login.h"
#include "prompt.h"
#include "common/conffile.h"
#include "common/macros.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OOB "urn:ietf:wg:oauth:2.0:oob"
#define TOKEN_FILE "mastodon-token"

struct app {
	char *base, *client_id, *client_secret;
};

static void app_clear(struct app *a)
{
	free(a->base);
	free(a->client_id);
	prompt_free(a->client_secret);
	memset(a, 0, sizeof *a);
}

static char *app_file(const struct login *l, const char *base)
{
	_cleanup_free_ char *auth = login_authority(base), *name = NULL;
	if (!auth)
		return NULL;
	for (char *p = auth; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyz0123456789.-", *p))
			*p = '_';
	if (asprintf(&name, "mastodon-app-%s.json", auth) < 0)
		return NULL;
	return login_path(l, name);
}

static const char *jstr(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) && *v->valuestring ? v->valuestring : NULL;
}

/* The stored registration for base, if there is one. */
static int app_load(const struct login *l, const char *base, struct app *a)
{
	_cleanup_free_ char *path = app_file(l, base);
	char buf[8192];
	FILE *f = path ? fopen(path, "re") : NULL;
	size_t n;
	cJSON *j;
	int r = -ENOENT;

	if (!f)
		return r;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	j = cJSON_Parse(buf);
	explicit_bzero(buf, sizeof buf);
	if (jstr(j, "client_id") && jstr(j, "client_secret")) {
		a->base = strdup(base);
		a->client_id = strdup(jstr(j, "client_id"));
		a->client_secret = strdup(jstr(j, "client_secret"));
		r = a->base && a->client_id && a->client_secret ? 0 : -ENOMEM;
	}
	if (jstr(j, "client_secret"))
		explicit_bzero((char *)jstr(j, "client_secret"), strlen(jstr(j, "client_secret")));
	cJSON_Delete(j);
	return r;
}

static int app_save(const struct login *l, const struct app *a)
{
	_cleanup_free_ char *path = app_file(l, a->base);
	cJSON *j = cJSON_CreateObject();
	char *text;
	int r;

	cJSON_AddStringToObject(j, "instance", a->base);
	cJSON_AddStringToObject(j, "client_id", a->client_id);
	cJSON_AddStringToObject(j, "client_secret", a->client_secret);
	text = cJSON_PrintUnformatted(j);
	cJSON_Delete(j);
	if (!path || !text)
		r = -ENOMEM;
	else
		r = conffile_write_secret(path, text, strlen(text));
	if (text) {
		explicit_bzero(text, strlen(text));
		free(text);
	}
	if (r < 0)
		return login_fail(l, "cannot save the app registration to %s: %s", path ? path : "?", strerror(-r));
	return 0;
}

static int app_register(const struct login *l, const char *base, struct app *a)
{
	_cleanup_free_ char *url = NULL;
	struct web_call c = { .method = "POST", .url = NULL,
		.form = "client_name=mentord&redirect_uris=" "urn%3Aietf%3Awg%3Aoauth%3A2.0%3Aoob"
		        "&scopes=read&website=https%3A%2F%2Fgithub.com%2Fmentord" };
	struct web_reply rp;
	cJSON *j = NULL;
	int r;

	if (asprintf(&url, "%s/api/v1/apps", base) < 0)
		return login_fail(l, "out of memory");
	c.url = url;
	if (login_web(l, &c, &rp) < 0 || rp.status == 429 || rp.status >= 500) {
		r = login_fail_reply(l, "cannot register mentord with the instance", &rp);
	} else if (rp.status == 403 || rp.status == 422 || rp.status == 401) {
		char d[256];
		web_describe(&rp, d, sizeof d);
		r = login_fail(l, "%s does not let new apps register (%s); registration is closed there", base, d);
	} else if (rp.status != 200 || !(j = web_json(&rp)) || !jstr(j, "client_id") || !jstr(j, "client_secret")) {
		r = login_fail_reply(l, "the instance's answer to the app registration is not usable", &rp);
	} else {
		a->base = strdup(base);
		a->client_id = strdup(jstr(j, "client_id"));
		a->client_secret = strdup(jstr(j, "client_secret"));
		r = a->base && a->client_id && a->client_secret ? app_save(l, a) : login_fail(l, "out of memory");
	}
	cJSON_Delete(j);
	web_reply_clear(&rp);
	return r;
}

/* code → access token (malloc'd in *token). */
static int exchange(const struct login *l, const struct app *a, const char *code, char **token)
{
	_cleanup_free_ char *url = NULL, *ecode = web_escape(code), *eid = web_escape(a->client_id),
	                    *esec = web_escape(a->client_secret);
	char *form = NULL;
	struct web_call c = { .method = "POST" };
	struct web_reply rp = { 0 };
	cJSON *j = NULL;
	int r;

	if (!ecode || !eid || !esec || asprintf(&url, "%s/oauth/token", a->base) < 0 ||
	    asprintf(&form, "grant_type=authorization_code&code=%s&client_id=%s&client_secret=%s"
	             "&redirect_uri=urn%%3Aietf%%3Awg%%3Aoauth%%3A2.0%%3Aoob&scope=read", ecode, eid, esec) < 0) {
		r = login_fail(l, "out of memory");
		goto out;
	}
	c.url = url;
	c.form = form;
	if (login_web(l, &c, &rp) < 0 || rp.status == 429 || rp.status >= 500)
		r = login_fail_reply(l, "cannot exchange the code for a token", &rp);
	else if (rp.status == 400 || rp.status == 401 || rp.status == 403)
		r = login_fail(l, "the instance refused the code (wrong, already used or expired); "
		               "run the login again for a new one");
	else if (rp.status != 200 || !(j = web_json(&rp)) || !jstr(j, "access_token"))
		r = login_fail_reply(l, "the token answer is not usable", &rp);
	else
		r = (*token = strdup(jstr(j, "access_token"))) ? 0 : login_fail(l, "out of memory");
out:
	if (form) {
		explicit_bzero(form, strlen(form));
		free(form);
	}
	if (ecode)
		explicit_bzero(ecode, strlen(ecode));
	if (esec)
		explicit_bzero(esec, strlen(esec));
	if (j && jstr(j, "access_token"))
		explicit_bzero((char *)jstr(j, "access_token"), strlen(jstr(j, "access_token")));
	cJSON_Delete(j);
	web_reply_clear(&rp);
	return r;
}

/* The account the token belongs to, as mentord names it: user@host. */
static int verify(const struct login *l, const char *base, const char *token, char **me)
{
	_cleanup_free_ char *url = NULL, *host = login_authority(base);
	struct web_call c = { .method = "GET", .bearer = token };
	struct web_reply rp = { 0 };
	const char *acct;
	cJSON *j = NULL;
	int r;

	if (!host || asprintf(&url, "%s/api/v1/accounts/verify_credentials", base) < 0)
		return login_fail(l, "out of memory");
	c.url = url;
	if (login_web(l, &c, &rp) < 0 || rp.status == 429 || rp.status >= 500)
		r = login_fail_reply(l, "cannot check the new token", &rp);
	else if (rp.status == 401 || rp.status == 403)
		r = login_fail(l, "the instance refused the token (expired or revoked); run the login again");
	else if (rp.status != 200 || !(j = web_json(&rp)) || !(acct = jstr(j, "acct")) ||
	         strlen(acct) > 200 || strpbrk(acct, " \t\r\n#;"))
		r = login_fail_reply(l, "the account answer is not usable", &rp);
	else if (strchr(acct, '@'))
		r = (*me = strdup(acct)) ? 0 : -ENOMEM;
	else
		r = asprintf(me, "%s@%s", acct, host) < 0 ? -ENOMEM : 0;
	if (r == -ENOMEM)
		r = login_fail(l, "out of memory");
	for (char *p = r == 0 ? *me : NULL; p && *p; p++)
		*p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
	cJSON_Delete(j);
	web_reply_clear(&rp);
	return r;
}

static int parse_args(struct login *l, int argc, char **argv, const char **instance)
{
	*instance = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--no-browser") == 0)
			l->no_browser = true;
		else if (argv[i][0] == '-')
			return ctl_usage_error("login", "unknown option '%s' for mastodon", argv[i]);
		else if (*instance)
			return ctl_usage_error("login", "one instance, please (got '%s' and '%s')", *instance, argv[i]);
		else
			*instance = argv[i];
	}
	if (!*instance)
		return ctl_usage_error("login", "usage: login mastodon INSTANCE [--no-browser]");
	return 0;
}

int login_mastodon(struct login *l, int argc, char **argv)
{
	_cleanup_free_ char *base = NULL, *eid = NULL, *url = NULL, *token_path = NULL, *me = NULL;
	const char *instance;
	struct app a = { 0 };
	char *code = NULL, *token = NULL;
	int r;

	if ((r = parse_args(l, argc, argv, &instance)) || (r = login_base_url(l, instance, &base)))
		return r;
	if (app_load(l, base, &a) < 0 && (r = app_register(l, base, &a)))
		goto out;
	if (!(eid = web_escape(a.client_id)) ||
	    asprintf(&url, "%s/oauth/authorize?client_id=%s&response_type=code&redirect_uri=%s&scope=read",
	             base, eid, "urn%3Aietf%3Awg%3Aoauth%3A2.0%3Aoob") < 0) {
		url = NULL;
		r = login_fail(l, "out of memory");
		goto out;
	}
	printf("Open this address, log in to %s and allow mentord to read:\n\n  %s\n\n", base, url);
	fflush(stdout);
	login_open_browser(l, url);
	if ((r = prompt_secret("Paste the code the instance shows: ", false, &code)) < 0) {
		r = login_fail(l, "no code was given%s", r == -EFBIG ? " (the line is too long)" : "");
		goto out;
	}
	if ((r = exchange(l, &a, code, &token)) || (r = verify(l, base, token, &me)) ||
	    (r = login_save_secret(l, TOKEN_FILE, token, &token_path)))
		goto out;
	{
		const char *keys[] = { "enabled", "api_base", "token_file", "me" };
		const char *vals[] = { "yes", base, token_path, me };
		if ((r = login_save_config(l, "mastodon", keys, vals, ARRAY_SIZE(keys))))
			goto out;
	}
	printf("Logged in to %s as %s.\n", base, me);
	r = login_reload(l);
out:
	prompt_free(code);
	prompt_free(token);
	app_clear(&a);
	return r;
}

/* The configured api_base, read back from [mastodon] (NULL: none). */
static char *configured_base(const struct login *l)
{
	FILE *f = fopen(l->config_path, "re");
	char line[1024], *out = NULL;
	bool inside = false;

	while (f && fgets(line, sizeof line, f)) {
		char *s = line + strspn(line, " \t"), *e;
		if (*s == '[') {
			inside = strncmp(s, "[mastodon]", 10) == 0;
		} else if (inside && strncmp(s, "api_base", 8) == 0 && (e = strchr(s, '='))) {
			e += strspn(e + 1, " \t") + 1;
			free(out);
			out = strndup(e, strcspn(e, " \t\r\n"));
		}
	}
	if (f)
		fclose(f);
	return out;
}

int logout_mastodon(struct login *l, int argc, char **argv)
{
	_cleanup_free_ char *base = configured_base(l), *path = login_path(l, TOKEN_FILE), *url = NULL;
	_cleanup_free_ char *eid = NULL, *esec = NULL, *etok = NULL, *form = NULL;
	struct app a = { 0 };
	struct web_reply rp = { 0 };
	char *token = NULL, buf[8200];
	FILE *f;
	int r = 0;

	if (!path)
		return login_fail(l, "out of memory");
	if (!(f = fopen(path, "re"))) {
		printf("Not logged in to Mastodon (%s does not exist).\n", path);
		return 0;
	}
	if (fgets(buf, sizeof buf, f))
		token = strndup(buf, strcspn(buf, "\r\n"));
	fclose(f);
	explicit_bzero(buf, sizeof buf);
	if (base && token && app_load(l, base, &a) == 0 && (eid = web_escape(a.client_id)) &&
	    (esec = web_escape(a.client_secret)) && (etok = web_escape(token)) &&
	    asprintf(&form, "client_id=%s&client_secret=%s&token=%s", eid, esec, etok) >= 0 &&
	    asprintf(&url, "%s/oauth/revoke", base) >= 0) {
		struct web_call c = { .method = "POST", .url = url, .form = form };
		if (login_web(l, &c, &rp) < 0 || rp.status != 200)
			r = login_fail_reply(l, "the instance did not revoke the token; revoke it in its "
			                     "settings (Account > Authorized apps)", &rp);
		else
			printf("Revoked the token at %s.\n", base);
		web_reply_clear(&rp);
	} else {
		fprintf(stderr, "mentorctl logout mastodon: no app registration for %s; "
		        "only removing the token here\n", base ? base : "the configured instance");
	}
	if (form)
		explicit_bzero(form, strlen(form));
	if (etok)
		explicit_bzero(etok, strlen(etok));
	prompt_free(token);
	app_clear(&a);
	if (r)
		return r;
	if (unlink(path) < 0)
		return login_fail(l, "cannot remove %s: %s", path, strerror(errno));
	printf("Removed %s.\n", path);
	{
		/* An empty token_file is no token: public reading goes on. */
		const char *keys[] = { "token_file" }, *vals[] = { "" };
		if ((r = login_save_config(l, "mastodon", keys, vals, 1)))
			return r;
	}
	return login_reload(l);
}
