/* web.h — mentorctl's own blocking HTTP, for logging in (the daemon does all
 * other network traffic). http(s) only, no redirects followed, a body cap and
 * timeouts, so a slow or hostile server costs at most the timeout. Secrets
 * go in bodies and headers, never in URLs, and nothing here prints them. */
#ifndef MENTORCTL_WEB_H
#define MENTORCTL_WEB_H

#include <stddef.h>

#include <cjson/cJSON.h>

struct web_reply {
	long status;             /* 0: no answer (err says why) */
	char *body;              /* NUL-terminated, never NULL after web_call */
	size_t len;
	long retry_after;        /* seconds from Retry-After (or a reset header); -1 none */
	char err[160];           /* transport failure, in words */
};

struct web_call {
	const char *method;      /* "GET" or "POST" */
	const char *url;
	const char *bearer;      /* NULL: no Authorization */
	const char *form;        /* application/x-www-form-urlencoded body, or NULL */
	const char *json;        /* application/json body, or NULL */
	const char *basic_user;  /* HTTP Basic client authentication, or NULL */
	long timeout_s;          /* whole request; 0: 30 */
};

/* 0 when an answer arrived (any status), -EIO/-ETIMEDOUT/-ENOMEM otherwise
 * with rp->err set. Free with web_reply_clear(). */
int web_do(const struct web_call *c, struct web_reply *rp);
void web_reply_clear(struct web_reply *rp);

/* s percent-encoded for a query or form value (malloc'd); NULL on no memory. */
char *web_escape(const char *s);

/* The body as a JSON object, or NULL. */
cJSON *web_json(const struct web_reply *rp);

/* A one-line, terminal-safe account of a failed answer: "HTTP 429 (rate
 * limited; try again in 60 s)", with the server's own short error text when
 * it gave one. Never contains the request's secrets (only the reply). */
void web_describe(const struct web_reply *rp, char *out, size_t size);

#endif
