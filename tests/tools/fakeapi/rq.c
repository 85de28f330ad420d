/* rq.c — one request as the handlers see it: its query and headers, and the
 * answer being built (status, content type, body). The answer is only a
 * buffer until deliver.c sends it, so scripts can still change or replace
 * it after the handler ran. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>

#include "fakeapi.h"

const char *rq_param(struct rq *r, const char *k)
{
	return evhttp_find_header(&r->q, k);
}

const char *rq_header(struct rq *r, const char *k)
{
	return evhttp_find_header(evhttp_request_get_input_headers(r->req), k);
}

void rq_add_header(struct rq *r, const char *k, const char *v)
{
	evhttp_add_header(evhttp_request_get_output_headers(r->req), k, v);
}

void rq_add_headerf(struct rq *r, const char *k, const char *fmt, ...)
{
	char v[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(v, sizeof v, fmt, ap);
	va_end(ap);
	rq_add_header(r, k, v);
}

const char *rq_bearer(struct rq *r)
{
	const char *a = rq_header(r, "Authorization");
	if (!a || strncasecmp(a, "Bearer ", 7) != 0)
		return NULL;
	return a + 7;
}

/* The body so far is thrown away and replaced by a JSON document. */
void rq_json(struct rq *r, int status)
{
	const struct fake_net *net = net_get(r->net);

	r->status = status;
	r->body.len = 0;
	buf_puts(&r->body, "");
	r->ctype = "application/json; charset=utf-8";
	r->j = (struct jw){ .b = &r->body, .astral_escape = net && net->astral_escape };
	r->rc.j = &r->j;
}

void rq_raw(struct rq *r, int status, const char *ctype, const char *text)
{
	r->status = status;
	r->body.len = 0;
	buf_puts(&r->body, text);
	r->ctype = ctype;
}

/* Each network's error body for a bare status code (scripts, 404s); paths
 * no network claims get the reason as plain text. */
void rq_error(struct rq *r, int status)
{
	const char *reason = status == 500 ? "Internal Server Error" : status == 502 ? "Bad Gateway"
		: status == 503 ? "Service Unavailable" : status == 504 ? "Gateway Timeout"
		: status == 404 ? "Not Found" : status == 403 ? "Forbidden" : "Error";
	const struct fake_net *net = net_get(r->net);

	if (net)
		net->error(r, status, reason);
	else
		rq_raw(r, status, "text/plain; charset=utf-8", reason);
}

cJSON *rq_body_json(struct rq *r)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(r->req);
	size_t n = evbuffer_get_length(in);
	char *s = util_malloc(n + 1);
	cJSON *j;

	evbuffer_copyout(in, s, n);
	s[n] = '\0';
	j = cJSON_ParseWithLength(s, n);
	free(s);
	return j;
}
