/* login_pkce.c — `login x --user --client-id ID`: OAuth 2.0 authorisation
 * code with PKCE (RFC 7636, S256) for a public client, the way X documents
 * it. mentorctl listens on 127.0.0.1 for the one redirect the browser makes
 * to /callback, checks its state, exchanges the code with the verifier, asks
 * /2/users/me whose token it is, and stores the tokens in x-user-token
 * (0600 JSON) for mentord, which refreshes them (daemon/poll/sched_creds.c). */
#include "login.h"
#include "common/conffile.h"
#include "common/macros.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <openssl/sha.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define USER_TOKEN_FILE "x-user-token"
#define SCOPES "tweet.read%20users.read%20follows.read%20offline.access"
#define WAIT_S 600          /* for the user to log in and allow */

struct pkce {
	char verifier[64], challenge[64], state[32];
	char redirect[64];
	int fd;
};

static void b64url(const unsigned char *in, size_t n, char *out)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	size_t o = 0;
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)in[i] << 16 | (i + 1 < n ? (unsigned)in[i + 1] << 8 : 0) |
		             (i + 2 < n ? in[i + 2] : 0);
		out[o++] = a[v >> 18 & 63];
		out[o++] = a[v >> 12 & 63];
		if (i + 1 < n)
			out[o++] = a[v >> 6 & 63];
		if (i + 2 < n)
			out[o++] = a[v & 63];
	}
	out[o] = '\0';
}

static int random_b64(char *out, size_t bytes)
{
	unsigned char buf[48];
	if (bytes > sizeof buf || getrandom(buf, bytes, 0) != (ssize_t)bytes)
		return -EIO;
	b64url(buf, bytes, out);
	explicit_bzero(buf, sizeof buf);
	return 0;
}

static int pkce_init(struct pkce *p, int port)
{
	unsigned char d[SHA256_DIGEST_LENGTH];
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
	                          .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof sa;
	int one = 1;

	if (random_b64(p->verifier, 32) < 0 || random_b64(p->state, 16) < 0)
		return -EIO;
	SHA256((const unsigned char *)p->verifier, strlen(p->verifier), d);
	b64url(d, sizeof d, p->challenge);
	if ((p->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -errno;
	setsockopt(p->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(p->fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(p->fd, 4) < 0 ||
	    getsockname(p->fd, (struct sockaddr *)&sa, &len) < 0)
		return -errno;
	snprintf(p->redirect, sizeof p->redirect, "http://127.0.0.1:%u/callback", ntohs(sa.sin_port));
	return 0;
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
	       c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* The decoded value of name in a query string (malloc'd), or NULL. */
static char *query_value(const char *q, const char *name)
{
	size_t n = strlen(name);
	for (const char *s = q; s && *s; s = strchr(s, '&') ? strchr(s, '&') + 1 : NULL) {
		if (strncmp(s, name, n) != 0 || s[n] != '=')
			continue;
		const char *v = s + n + 1;
		size_t len = strcspn(v, "& ");
		char *out = malloc(len + 1), *o = out;
		for (size_t i = 0; out && i < len; i++) {
			if (v[i] == '%' && i + 2 < len + 1 && hexval(v[i + 1]) >= 0 && hexval(v[i + 2]) >= 0) {
				*o++ = (char)(hexval(v[i + 1]) * 16 + hexval(v[i + 2]));
				i += 2;
			} else {
				*o++ = v[i] == '+' ? ' ' : v[i];
			}
		}
		if (out)
			*o = '\0';
		return out;
	}
	return NULL;
}

static void answer(int c, int status, const char *text)
{
	char buf[1024];
	int n = snprintf(buf, sizeof buf,
	                 "HTTP/1.1 %d %s\r\nContent-Type: text/html; charset=utf-8\r\nConnection: close\r\n"
	                 "Cache-Control: no-store\r\nContent-Length: %zu\r\n\r\n%s",
	                 status, status == 200 ? "OK" : status == 404 ? "Not Found" : "Bad Request",
	                 strlen(text), text);
	if (n > 0 && write(c, buf, (size_t)n) < 0)
		return;
}

/* Serves one connection: the callback yields *code (or an error); anything
 * else gets a 404 and 0 (keep waiting). 1: done, with *code or *why set. */
static int serve_one(struct pkce *p, int c, char **code, char *why, size_t why_size)
{
	char req[8192], *q, *state = NULL, *err = NULL;
	size_t n = 0;
	struct pollfd pf = { .fd = c, .events = POLLIN };
	int done = 0;

	while (n < sizeof req - 1 && !memmem(req, n, "\r\n\r\n", 4) && !(n > 0 && memchr(req, '\n', n))) {
		if (poll(&pf, 1, 10000) <= 0)
			return 0;
		ssize_t r = read(c, req + n, sizeof req - 1 - n);
		if (r <= 0)
			return 0;
		n += (size_t)r;
	}
	req[n] = '\0';
	if (strncmp(req, "GET /callback?", 14) != 0) {
		answer(c, 404, "<p>Not here.</p>");
		return 0;
	}
	q = req + 14;
	q[strcspn(q, " \r\n")] = '\0';
	state = query_value(q, "state");
	err = query_value(q, "error");
	if (!state || strcmp(state, p->state) != 0) {
		answer(c, 400, "<p>This answer does not belong to the login mentorctl started.</p>");
		snprintf(why, why_size, "the redirect carried a wrong state (not from this login)");
		done = 1;
	} else if (err) {
		answer(c, 400, "<p>Access was not given. You can close this window.</p>");
		for (char *s = err; *s; s++)
			if (!strchr("abcdefghijklmnopqrstuvwxyz_", *s))
				*s = '?';
		snprintf(why, why_size, "X did not give access (%.60s)", err);
		done = 1;
	} else if ((*code = query_value(q, "code")) && **code) {
		answer(c, 200, "<p>mentord may now read X as you. You can close this window and go back "
		               "to the terminal.</p>");
		done = 1;
	} else {
		answer(c, 400, "<p>No code in the answer.</p>");
		snprintf(why, why_size, "the redirect carried no code");
		done = 1;
	}
	explicit_bzero(req, sizeof req);
	free(state);
	free(err);
	return done;
}

/* Waits for the browser's redirect, a few stray requests allowed. */
static int wait_code(const struct login *l, struct pkce *p, char **code)
{
	char why[160] = "";
	time_t until = time(NULL) + WAIT_S;

	*code = NULL;
	for (int tries = 0; tries < 32; tries++) {
		struct pollfd pf = { .fd = p->fd, .events = POLLIN };
		long left = (long)(until - time(NULL));
		int c, r;
		if (left <= 0 || (r = poll(&pf, 1, (int)(left * 1000))) == 0)
			return login_fail(l, "no answer from the browser within %d minutes", WAIT_S / 60);
		if (r < 0 || (c = accept4(p->fd, NULL, NULL, SOCK_CLOEXEC)) < 0)
			continue;
		r = serve_one(p, c, code, why, sizeof why);
		close(c);
		if (r)
			return *code ? 0 : login_fail(l, "%s", why);
	}
	return login_fail(l, "too many stray requests on %s", p->redirect);
}

static const char *jstr(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) && *v->valuestring ? v->valuestring : NULL;
}

static void wipe_json(cJSON *j)
{
	for (cJSON *it = j ? j->child : NULL; it; it = it->next)
		if (cJSON_IsString(it) && it->valuestring)
			explicit_bzero(it->valuestring, strlen(it->valuestring));
	cJSON_Delete(j);
}

/* code + verifier → the token answer (a JSON object) */
static int exchange(const struct login *l, const struct pkce *p, const char *endpoint, const char *client_id,
		    const char *code, cJSON **tok)
{
	_cleanup_free_ char *ecode = web_escape(code), *eid = web_escape(client_id), *eredir = web_escape(p->redirect);
	char *form = NULL;
	struct web_call c = { .method = "POST", .url = endpoint };
	struct web_reply rp = { 0 };
	int r;

	*tok = NULL;
	if (!ecode || !eid || !eredir ||
	    asprintf(&form, "grant_type=authorization_code&code=%s&redirect_uri=%s&code_verifier=%s&client_id=%s",
	             ecode, eredir, p->verifier, eid) < 0)
		return login_fail(l, "out of memory");
	c.form = form;
	if (login_web(l, &c, &rp) < 0 || rp.status == 429 || rp.status >= 500)
		r = login_fail_reply(l, "cannot exchange the code for a token", &rp);
	else if (rp.status == 400 || rp.status == 401 || rp.status == 403)
		r = login_fail_reply(l, "X refused the code (wrong, used or expired, or a client id of another "
		                     "app); run the login again", &rp);
	else if (rp.status != 200 || !(*tok = web_json(&rp)) || !jstr(*tok, "access_token"))
		r = login_fail_reply(l, "the token answer is not usable", &rp);
	else if (!jstr(*tok, "refresh_token"))
		r = login_fail(l, "X gave no refresh token: the app must allow the offline.access scope");
	else
		r = 0;
	explicit_bzero(form, strlen(form));
	free(form);
	explicit_bzero(ecode, strlen(ecode));
	web_reply_clear(&rp);
	if (r) {
		wipe_json(*tok);
		*tok = NULL;
	}
	return r;
}

static int whoami(const struct login *l, const char *api, const char *token, char **username)
{
	_cleanup_free_ char *url = NULL;
	struct web_call c = { .method = "GET", .bearer = token };
	struct web_reply rp;
	cJSON *j = NULL;
	const char *u;
	int r;

	if (asprintf(&url, "%s/2/users/me", api) < 0)
		return login_fail(l, "out of memory");
	c.url = url;
	if (login_web(l, &c, &rp) < 0 || rp.status == 429 || rp.status >= 500)
		r = login_fail_reply(l, "cannot ask X whose token this is", &rp);
	else if (rp.status == 401 || rp.status == 403)
		r = login_fail_reply(l, "X refused the new token", &rp);
	else if (rp.status != 200 || !(j = web_json(&rp)) ||
	         !(u = jstr(cJSON_GetObjectItemCaseSensitive(j, "data"), "username")) || strlen(u) > 15 ||
	         strspn(u, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") != strlen(u))
		r = login_fail_reply(l, "the /2/users/me answer is not usable", &rp);
	else
		r = (*username = strdup(u)) ? 0 : login_fail(l, "out of memory");
	cJSON_Delete(j);
	web_reply_clear(&rp);
	return r;
}

/* {"access_token","refresh_token","expires_at","client_id","token_endpoint"} */
static int save_tokens(const struct login *l, const cJSON *tok, const char *client_id, const char *endpoint,
		       char **path)
{
	const cJSON *exp = cJSON_GetObjectItemCaseSensitive(tok, "expires_in");
	long long in = cJSON_IsNumber(exp) && exp->valuedouble > 0 ? (long long)exp->valuedouble : 7200;
	cJSON *o = cJSON_CreateObject();
	char *text;
	int r;

	cJSON_AddStringToObject(o, "access_token", jstr(tok, "access_token"));
	cJSON_AddStringToObject(o, "refresh_token", jstr(tok, "refresh_token"));
	cJSON_AddNumberToObject(o, "expires_at", (double)(time(NULL) + in));
	cJSON_AddStringToObject(o, "client_id", client_id);
	cJSON_AddStringToObject(o, "token_endpoint", endpoint);
	text = cJSON_PrintUnformatted(o);
	wipe_json(o);
	if (!text)
		return login_fail(l, "out of memory");
	r = login_save_secret(l, USER_TOKEN_FILE, text, path);
	explicit_bzero(text, strlen(text));
	free(text);
	return r;
}

int login_x_user(struct login *l, const char *client_id, const char *api, const char *auth, int port)
{
	_cleanup_free_ char *url = NULL, *eid = web_escape(client_id), *eredir = NULL, *endpoint = NULL;
	_cleanup_free_ char *path = NULL, *me = NULL;
	struct pkce p = { .fd = -1 };
	cJSON *tok = NULL;
	char *code = NULL;
	int r;

	if ((r = pkce_init(&p, port)) < 0) {
		r = login_fail(l, "cannot listen on 127.0.0.1:%d for the redirect: %s%s", port, strerror(-r),
		               r == -EADDRINUSE ? " (another --port?)" : "");
		goto out;
	}
	if (!eid || !(eredir = web_escape(p.redirect)) || asprintf(&endpoint, "%s/2/oauth2/token", api) < 0 ||
	    asprintf(&url, "%s/i/oauth2/authorize?response_type=code&client_id=%s&redirect_uri=%s&scope=%s"
	             "&state=%s&code_challenge=%s&code_challenge_method=S256",
	             auth, eid, eredir, SCOPES, p.state, p.challenge) < 0) {
		r = login_fail(l, "out of memory");
		goto out;
	}
	printf("Your X app must list %s as a callback URL.\n"
	       "Open this address, log in to X and allow mentord to read:\n\n  %s\n\n"
	       "Waiting for the browser...\n", p.redirect, url);
	fflush(stdout);
	login_open_browser(l, url);
	if ((r = wait_code(l, &p, &code)))
		goto out;
	close(p.fd);
	p.fd = -1;
	if ((r = exchange(l, &p, endpoint, client_id, code, &tok)) ||
	    (r = whoami(l, api, jstr(tok, "access_token"), &me)) ||
	    (r = save_tokens(l, tok, client_id, endpoint, &path)))
		goto out;
	{
		const char *keys[] = { "enabled", "api_base", "user_token_file", "me" };
		const char *vals[] = { "yes", api, path, me };
		if ((r = login_save_config(l, "x", keys, vals, ARRAY_SIZE(keys))))
			goto out;
	}
	printf("Logged in to X as %s.\n", me);
	r = login_reload(l);
out:
	if (p.fd >= 0)
		close(p.fd);
	if (code) {
		explicit_bzero(code, strlen(code));
		free(code);
	}
	explicit_bzero(p.verifier, sizeof p.verifier);
	wipe_json(tok);
	return r;
}
