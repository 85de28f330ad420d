/* login_bluesky.c — `login bluesky HANDLE [--pds URL] [--password-stdin]`:
 * an app password, checked with createSession at the user's PDS and stored
 * 0600. The PDS comes from --pds, else from the handle's DID document. */
#include "login.h"
#include "prompt.h"
#include "common/macros.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PASSWORD_FILE "bsky-app-password"
#define DEFAULT_PDS "https://bsky.social"

static const char *jstr(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) && *v->valuestring ? v->valuestring : NULL;
}

/* GET url → JSON object (NULL on any failure: resolution falls back). */
static cJSON *get_json(const struct login *l, const char *url)
{
	struct web_call c = { .method = "GET", .url = url };
	struct web_reply rp;
	cJSON *j = NULL;

	if (login_web(l, &c, &rp) == 0 && rp.status == 200)
		j = web_json(&rp);
	web_reply_clear(&rp);
	return j;
}

/* handle → DID (public AppView) → DID document → its #atproto_pds. */
static char *resolve_pds(const struct login *l, const char *handle)
{
	_cleanup_free_ char *url = NULL, *eh = web_escape(handle);
	cJSON *j, *doc = NULL;
	const cJSON *svc;
	char *pds = NULL;
	const char *did;

	if (!eh || asprintf(&url, "https://public.api.bsky.app/xrpc/com.atproto.identity.resolveHandle?handle=%s",
	                    eh) < 0)
		return NULL;
	j = get_json(l, url);
	free(url);
	url = NULL;
	if ((did = jstr(j, "did"))) {
		int n = -1;
		if (strncmp(did, "did:plc:", 8) == 0 && strspn(did + 8, "abcdefghijklmnopqrstuvwxyz234567") == strlen(did + 8))
			n = asprintf(&url, "https://plc.directory/%s", did);
		else if (strncmp(did, "did:web:", 8) == 0 && !strpbrk(did + 8, "/:?#"))
			n = asprintf(&url, "https://%s/.well-known/did.json", did + 8);
		if (n < 0)
			url = NULL;
		doc = url ? get_json(l, url) : NULL;
	}
	cJSON_ArrayForEach(svc, cJSON_GetObjectItemCaseSensitive(doc, "service")) {
		const char *id = jstr(svc, "id"), *ep = jstr(svc, "serviceEndpoint");
		if (id && ep && strlen(id) >= 12 && strcmp(id + strlen(id) - 12, "#atproto_pds") == 0 &&
		    strncmp(ep, "https://", 8) == 0 && !strpbrk(ep, " \t\"'<>\\?#")) {
			pds = strndup(ep, strlen(ep) - (ep[strlen(ep) - 1] == '/'));
			break;
		}
	}
	cJSON_Delete(j);
	cJSON_Delete(doc);
	return pds;
}

/* createSession with the password; *who is the handle it answers with. */
static int check(const struct login *l, const char *pds, const char *handle, const char *password, char **who)
{
	_cleanup_free_ char *url = NULL;
	cJSON *body = cJSON_CreateObject(), *j = NULL;
	char *text = NULL;
	struct web_call c = { .method = "POST" };
	struct web_reply rp = { 0 };
	int r;

	cJSON_AddStringToObject(body, "identifier", handle);
	cJSON_AddStringToObject(body, "password", password);
	text = cJSON_PrintUnformatted(body);
	for (cJSON *it = body ? body->child : NULL; it; it = it->next)
		explicit_bzero(it->valuestring, strlen(it->valuestring));
	cJSON_Delete(body);
	if (!text || asprintf(&url, "%s/xrpc/com.atproto.server.createSession", pds) < 0) {
		url = NULL;
		r = login_fail(l, "out of memory");
		goto out;
	}
	c.url = url;
	c.json = text;
	if (login_web(l, &c, &rp) < 0 || rp.status == 429 || rp.status >= 500)
		r = login_fail_reply(l, "cannot check the app password", &rp);
	else if (rp.status == 401 || rp.status == 400)
		r = login_fail(l, "%s refused the handle or app password; check both, or create a new app "
		               "password (Settings > Privacy and security > App passwords)", pds);
	else if (rp.status != 200 || !(j = web_json(&rp)) || !jstr(j, "accessJwt"))
		r = login_fail_reply(l, "the session answer is not usable", &rp);
	else
		r = (*who = strdup(jstr(j, "handle") ? jstr(j, "handle") : handle)) ? 0 : login_fail(l, "out of memory");
out:
	if (text) {
		explicit_bzero(text, strlen(text));
		free(text);
	}
	cJSON_Delete(j);
	web_reply_clear(&rp);
	return r;
}

static bool looks_like_app_password(const char *s)
{
	if (strlen(s) != 19)
		return false;
	for (int i = 0; i < 19; i++)
		if (i % 5 == 4 ? s[i] != '-' : !isalnum((unsigned char)s[i]))
			return false;
	return true;
}

static bool valid_handle(const char *h)
{
	size_t n = strlen(h);
	return n > 2 && n <= 253 && strchr(h, '.') && h[0] != '.' && h[n - 1] != '.' &&
	       strspn(h, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") == n;
}

int login_bluesky(struct login *l, int argc, char **argv)
{
	_cleanup_free_ char *handle = NULL, *pds = NULL, *who = NULL, *path = NULL;
	const char *pds_arg = NULL, *h = NULL;
	bool from_pipe = false;
	char *password = NULL;
	int r;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--password-stdin") == 0)
			from_pipe = true;
		else if (strcmp(argv[i], "--pds") == 0 && i + 1 < argc)
			pds_arg = argv[++i];
		else if (argv[i][0] == '-' || h)
			return ctl_usage_error("login", "usage: login bluesky HANDLE [--pds URL] [--password-stdin]");
		else
			h = argv[i];
	}
	if (!h)
		return ctl_usage_error("login", "usage: login bluesky HANDLE [--pds URL] [--password-stdin]");
	if (*h == '@')
		h++;
	if (!valid_handle(h))
		return ctl_usage_error("login", "'%s' is not a Bluesky handle (like name.bsky.social)", h);
	if (!(handle = strdup(h)))
		return login_fail(l, "out of memory");
	for (char *p = handle; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	if (pds_arg && (r = login_base_url(l, pds_arg, &pds)))
		return r;
	if (!pds && !(pds = resolve_pds(l, handle))) {
		fprintf(stderr, "(could not find %s's server; trying %s; give --pds URL if it lives elsewhere)\n",
		        handle, DEFAULT_PDS);
		if (!(pds = strdup(DEFAULT_PDS)))
			return login_fail(l, "out of memory");
	}
	fprintf(stderr, "Use an app password, not your account password: create one in Bluesky under\n"
	        "Settings > Privacy and security > App passwords. It can read and post but not\n"
	        "change your account, and you can revoke it there at any time.\n");
	if ((r = prompt_secret("App password: ", from_pipe, &password)) < 0)
		return login_fail(l, "no app password was given%s", r == -EFBIG ? " (the line is too long)" : "");
	if (!looks_like_app_password(password))
		fprintf(stderr, "(this does not look like an app password, xxxx-xxxx-xxxx-xxxx; "
		        "an account password works too, but please use an app password)\n");
	if ((r = check(l, pds, handle, password, &who)) || (r = login_save_secret(l, PASSWORD_FILE, password, &path)))
		goto out;
	for (char *p = who; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	{
		const char *keys[] = { "enabled", "identifier", "app_password_file", "pds_base", "me" };
		const char *vals[] = { "yes", handle, path, pds, valid_handle(who) ? who : handle };
		if ((r = login_save_config(l, "bluesky", keys, vals, ARRAY_SIZE(keys))))
			goto out;
	}
	printf("Logged in to Bluesky at %s as %s.\n", pds, who);
	r = login_reload(l);
out:
	prompt_free(password);
	return r;
}
