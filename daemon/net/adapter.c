/* adapter.c — helpers shared by the platform adapters (see adapter.h). */
#include "net/adapter.h"
#include "net/url.h"
#include "common/str.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "net/time.h"

int net_rate_key_origin(const char *url, char *out, size_t size)
{
	size_t n = url ? net_url_origin_len(url) : 0;
	if (n == 0 || n >= size)
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		out[i] = (char)tolower((unsigned char)url[i]);
	out[n] = '\0';
	return 0;
}

int net_cmp_opaque_id(const char *a, const char *b)
{
	size_t la, lb;

	if (!a || !b)
		return (a != NULL) - (b != NULL);
	la = strlen(a);
	lb = strlen(b);
	if (la != lb)
		return la < lb ? -1 : 1;
	return strcmp(a, b);
}

/* Doubles an array of elem-sized items when full. */
static int page_reserve(void **arr, size_t n, size_t *cap, size_t elem)
{
	size_t ncap;
	void *p;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 16;
	p = realloc(*arr, ncap * elem);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = ncap;
	return 0;
}

int net_page_push_post(struct net_page *pg, struct post *item)
{
	if (page_reserve((void **)&pg->posts, pg->n_posts, &pg->cap_posts, sizeof(*item)) < 0)
		return -ENOMEM;
	pg->posts[pg->n_posts++] = *item;
	post_init(item, item->network);
	return 0;
}

int net_page_push_notif(struct net_page *pg, struct notif *item)
{
	if (page_reserve((void **)&pg->notifs, pg->n_notifs, &pg->cap_notifs, sizeof(*item)) < 0)
		return -ENOMEM;
	pg->notifs[pg->n_notifs++] = *item;
	post_notif_init(item, item->network);
	return 0;
}

int net_page_push_account(struct net_page *pg, struct net_account *item)
{
	if (page_reserve((void **)&pg->accounts, pg->n_accounts, &pg->cap_accounts,
			 sizeof(*item)) < 0)
		return -ENOMEM;
	pg->accounts[pg->n_accounts++] = *item;
	*item = (struct net_account){ 0 };
	return 0;
}

/* Copies a message into a fixed buffer, replacing control characters by
 * spaces and cutting at a UTF-8 boundary. */
static void msg_copy(char *dst, size_t cap, const char *src)
{
	size_t n = 0;

	for (; *src && n + 1 < cap; src++)
		dst[n++] = iscntrl((unsigned char)*src) ? ' ' : *src;
	/* Cut inside a multi-byte character: drop its leading part too. */
	if (((unsigned char)*src & 0xC0) == 0x80) {
		while (n && ((unsigned char)dst[n - 1] & 0xC0) == 0x80)
			n--;
		if (n)
			n--;
	}
	dst[n] = '\0';
}

static void vnote(char *dst, const char *fmt, va_list ap)
{
	char tmp[NET_MSG_MAX * 2];

	vsnprintf(tmp, sizeof tmp, fmt, ap);
	msg_copy(dst, NET_MSG_MAX, tmp);
}

void net_page_invalid(struct net_page *pg, const char *fmt, ...)
{
	va_list ap;

	if (!pg->n_invalid++ && !pg->note[0]) {
		va_start(ap, fmt);
		vnote(pg->note, fmt, ap);
		va_end(ap);
	}
}

void net_page_ignored(struct net_page *pg, const char *fmt, ...)
{
	va_list ap;

	if (!pg->n_ignored++ && !pg->note[0]) {
		va_start(ap, fmt);
		vnote(pg->note, fmt, ap);
		va_end(ap);
	}
}

void net_page_note(struct net_page *pg, const char *fmt, ...)
{
	va_list ap;

	if (pg->note[0])
		return;
	va_start(ap, fmt);
	vnote(pg->note, fmt, ap);
	va_end(ap);
}

void net_err(struct net_page *pg, enum net_status code, enum net_scope scope,
	     int64_t retry_at, const char *fmt, ...)
{
	va_list ap;

	pg->err.code = code;
	pg->err.scope = scope;
	pg->err.retry_at = retry_at;
	va_start(ap, fmt);
	vnote(pg->err.msg, fmt, ap);
	va_end(ap);
}

int64_t net_retry_at(const struct net_page *pg, const struct net_response *resp,
		     int64_t fallback_s)
{
	if (pg->rate.retry_after > 0)
		return pg->rate.retry_after;
	if (pg->rate.reset > resp->now)
		return pg->rate.reset;
	return resp->now + fallback_s;
}

void net_err_http(struct net_page *pg, const struct net_response *resp,
		  enum net_scope auth_scope, const char *detail)
{
	int st = net_status_of(resp);
	const char *d = net_has(detail) ? detail : NULL;
	const char *sep = d ? ": " : "";

	if (!d)
		d = "";
	if (st == 429)
		net_err(pg, NET_ERR_RATE_LIMITED, NET_SCOPE_ENDPOINT, net_retry_at(pg, resp, 60),
			"rate limited (HTTP 429)%s%s", sep, d);
	else if (st == 401 || st == 403)
		net_err(pg, NET_ERR_AUTH, auth_scope, 0, "%s (HTTP %d)%s%s",
			st == 401 ? "not authorised" : "forbidden", st, sep, d);
	else if ((st == 404 || st == 410) && !net_body_is_json(resp))
		net_err(pg, NET_ERR_BAD_REQUEST, NET_SCOPE_ENDPOINT, 0,
			"endpoint not found (HTTP %d, non-JSON body)", st);
	else if (st == 404 || st == 410)
		net_err(pg, NET_ERR_NOT_FOUND, NET_SCOPE_TARGET, 0, "not found (HTTP %d)%s%s",
			st, sep, d);
	else if (st == 501)
		net_err(pg, NET_ERR_BAD_REQUEST, NET_SCOPE_ENDPOINT, 0,
			"not implemented by the server (HTTP 501)%s%s", sep, d);
	else if (st >= 500 || st == 408)
		net_err(pg, NET_ERR_SERVER, NET_SCOPE_ENDPOINT, 0, "server error (HTTP %d)%s%s",
			st, sep, d);
	else if (st >= 400)
		net_err(pg, NET_ERR_BAD_REQUEST, NET_SCOPE_TARGET, 0, "request refused (HTTP %d)%s%s",
			st, sep, d);
	else if (net_body_is_html(resp))
		net_err(pg, NET_ERR_SERVER, NET_SCOPE_ENDPOINT, 0,
			"HTML page instead of JSON (HTTP %d)", st);
	else
		net_err(pg, NET_ERR_MALFORMED, NET_SCOPE_ENDPOINT, 0,
			"unexpected response body (HTTP %d)%s%s", st, sep, d);
}

static int first_byte(const struct net_response *resp)
{
	for (size_t i = 0; resp->body && i < resp->body_len; i++)
		if (!isspace((unsigned char)resp->body[i]))
			return (unsigned char)resp->body[i];
	return -1;
}

bool net_body_is_json(const struct net_response *resp)
{
	int c = first_byte(resp);

	return c == '{' || c == '[';
}

bool net_body_is_html(const struct net_response *resp)
{
	return first_byte(resp) == '<';
}

const char *net_header(const struct net_response *resp, const char *name)
{
	return resp->header ? resp->header(resp->header_ctx, name) : NULL;
}

static bool parse_i64(const char *s, int64_t *out)
{
	char *end;
	long long v;

	if (!s)
		return false;
	while (*s == ' ')
		s++;
	if (!isdigit((unsigned char)*s))
		return false;
	errno = 0;
	v = strtoll(s, &end, 10);
	while (*end == ' ')
		end++;
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

void net_rate_read(const struct net_response *resp, const char *limit_h,
		   const char *remaining_h, const char *reset_h, bool iso_reset,
		   struct net_rate *rate)
{
	const char *reset = net_header(resp, reset_h);
	int64_t v;

	if (parse_i64(net_header(resp, limit_h), &v))
		rate->limit = v;
	if (parse_i64(net_header(resp, remaining_h), &v))
		rate->remaining = v;
	/* A reset with a fraction (Mastodon's "...:00.700000Z") counts from the
	 * next whole second: rounded down, the window would look open while
	 * the server still counts the old one. */
	if (reset && iso_reset && net_time_parse_ms(reset, &v) == 0)
		rate->reset = v / 1000 + (v % 1000 > 0);
	else if (reset && !iso_reset && parse_i64(reset, &v))
		rate->reset = v;
}

int net_req_header(struct net_request *req, const char *name, const char *value)
{
	char *line;

	if (req->n_headers >= NET_MAX_HEADERS)
		return -E2BIG;
	if (asprintf(&line, "%s: %s", name, value) < 0)
		return -ENOMEM;
	req->headers[req->n_headers++] = line;
	return 0;
}

int net_req_bearer(struct net_request *req, const char *token)
{
	char *line;

	if (req->n_headers >= NET_MAX_HEADERS)
		return -E2BIG;
	if (asprintf(&line, "Authorization: Bearer %s", token) < 0)
		return -ENOMEM;
	req->headers[req->n_headers++] = line;
	return 0;
}

int net_req_get(struct net_request *req, enum net_op op, struct strbuf *b)
{
	req->op = op;
	req->method = "GET";
	req->url = strbuf_steal(b);
	if (!req->url)
		return -ENOMEM;
	return net_req_header(req, "Accept", "application/json");
}
