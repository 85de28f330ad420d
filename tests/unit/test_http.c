/* test_http.c — the HTTP layer against servers living on the same event base:
 * an evhttp server for normal, slow, hanging, chunked and gzip responses, and
 * a raw TCP server that sends canned bytes (1xx responses, junk headers). */
#include "http/http.h"
#include "net/time.h"
#include "base/log.h"
#include "tap.h"

#include <curl/curl.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_HELD 32

struct held {
	struct evhttp_request *req;
	struct evhttp_connection *conn;
};

struct srv {
	struct event_base *base;
	struct evhttp *http;
	int port;
	int requests, inflight, max_inflight;
	char last_ua[128], last_auth[128], last_ctype[128], last_body[256];
	struct held held[MAX_HELD];
	int nheld;
};

struct canned {
	struct evconnlistener *lis;
	int port;
	const char *response;
	struct bufferevent *conns[16];   /* open connections, freed by canned_stop() */
};

struct result {
	int calls;
	enum http_result result;
	long status, retry_after;
	char *body;
	size_t body_len;
	char error[256], hdr_remaining[64], hdr_reset[64], link[256], early[64];
};

static struct event_base *base;
static struct srv srv;

/* ------------------------------------------------------------ helpers */

static bool timed_out;

static void on_guard(evutil_socket_t fd, short what, void *arg)
{
	timed_out = true;
}

/* Runs the loop until *counter reaches want or ms elapse. */
static bool run_until(const int *counter, int want, int ms)
{
	struct event *guard = evtimer_new(base, on_guard, NULL);
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

	timed_out = false;
	evtimer_add(guard, &tv);
	while (*counter < want && !timed_out)
		event_base_loop(base, EVLOOP_ONCE);
	event_free(guard);
	return *counter >= want;
}

static void run_for(int ms)
{
	int never = 0;
	run_until(&never, 1, ms);
}

static void copy_hdr(char *dst, size_t n, const struct http_response *r, const char *name)
{
	const char *v = http_response_header(r, name);
	snprintf(dst, n, "%s", v ? v : "(null)");
}

static void on_done(struct http_response *r, void *ud)
{
	struct result *res = ud;

	res->calls++;
	res->result = r->result;
	res->status = r->status;
	/* Retry-After is read by net/time.c, the one parser the daemon uses. */
	const char *ra = http_response_header(r, "Retry-After");
	int64_t now = (int64_t)time(NULL), at;
	res->retry_after = ra && net_time_parse_retry_after(ra, now, &at) == 0 ? (long)(at - now) : -1;
	free(res->body);
	res->body = http_response_take_body(r, &res->body_len);
	snprintf(res->error, sizeof res->error, "%s", r->error);
	copy_hdr(res->hdr_remaining, sizeof res->hdr_remaining, r, "x-rate-limit-remaining");
	copy_hdr(res->hdr_reset, sizeof res->hdr_reset, r, "X-RATE-LIMIT-RESET");
	copy_hdr(res->early, sizeof res->early, r, "X-Early");
	snprintf(res->link, sizeof res->link, "%s", r->link ? r->link : "(null)");
}

static void result_clear(struct result *res)
{
	free(res->body);
	memset(res, 0, sizeof *res);
}

static char url_buf[256];

static const char *url(const char *path)
{
	snprintf(url_buf, sizeof url_buf, "http://127.0.0.1:%d%s", srv.port, path);
	return url_buf;
}

static int get(struct http *h, const char *path, struct result *res, struct http_handle **hd)
{
	struct http_request rq = { .method = HTTP_GET, .url = url(path) };
	return http_submit(h, &rq, on_done, res, hd);
}

/* A gzip member holding data in stored (uncompressed) deflate blocks: valid
 * gzip that every decoder accepts, without linking zlib into the test. */
static uint32_t crc32_le(const unsigned char *p, size_t n)
{
	uint32_t c = 0xFFFFFFFFu;
	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
	}
	return ~c;
}

static void gzip_stored(struct evbuffer *out, const char *data, size_t n)
{
	static const unsigned char hdr[10] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3 };
	uint32_t crc = crc32_le((const unsigned char *)data, n);
	size_t off = 0;

	evbuffer_add(out, hdr, sizeof hdr);
	do {
		size_t len = n - off > 65535 ? 65535 : n - off;
		unsigned char bh[5] = { off + len == n ? 1 : 0, len & 0xff, len >> 8,
					(~len) & 0xff, ((~len) >> 8) & 0xff };
		evbuffer_add(out, bh, 5);
		evbuffer_add(out, data + off, len);
		off += len;
	} while (off < n);
	unsigned char tr[8] = { crc, crc >> 8, crc >> 16, crc >> 24, n, n >> 8, n >> 16, n >> 24 };
	evbuffer_add(out, tr, 8);
}

/* ------------------------------------------------------- evhttp server */

static void srv_on_conn_close(struct evhttp_connection *conn, void *arg)
{
	for (int i = 0; i < srv.nheld; i++) {
		if (srv.held[i].conn != conn || !srv.held[i].req)
			continue;
		/* a request detached by a client EOF is ours to free */
		if (evhttp_request_get_connection(srv.held[i].req) == NULL)
			evhttp_request_free(srv.held[i].req);
		srv.held[i].req = NULL;
	}
}

static void hold(struct evhttp_request *req)
{
	struct evhttp_connection *conn = evhttp_request_get_connection(req);

	if (srv.nheld == MAX_HELD) {
		evhttp_send_error(req, 500, "too many held");
		return;
	}
	srv.held[srv.nheld].req = req;
	srv.held[srv.nheld].conn = conn;
	srv.nheld++;
	evhttp_connection_set_closecb(conn, srv_on_conn_close, NULL);
}

static void nodelay(struct evhttp_request *req)
{
	struct bufferevent *bev = evhttp_connection_get_bufferevent(evhttp_request_get_connection(req));
	int one = 1;
	setsockopt(bufferevent_getfd(bev), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

static void reply_text(struct evhttp_request *req, int code, const char *text)
{
	struct evbuffer *b = evbuffer_new();
	evbuffer_add(b, text, strlen(text));
	evhttp_send_reply(req, code, code == 200 ? "OK" : "Error", b);
	evbuffer_free(b);
}

static void on_slow_reply(evutil_socket_t fd, short what, void *arg)
{
	srv.inflight--;
	reply_text(arg, 200, "slow");
}

static void serve_hello(struct evhttp_request *req)
{
	struct evkeyvalq *oh = evhttp_request_get_output_headers(req);
	evhttp_add_header(oh, "Content-Type", "text/plain");
	evhttp_add_header(oh, "x-rate-limit-remaining", "42");
	evhttp_add_header(oh, "X-Rate-Limit-Reset", "  1700000000  ");
	evhttp_add_header(oh, "Link", "<http://127.0.0.1/next?max_id=5>; rel=\"next\"");
	evhttp_add_header(oh, "Retry-After", "7");
	reply_text(req, 200, "hello world");
}

static void serve_gzip(struct evhttp_request *req)
{
	const char *ae = evhttp_find_header(evhttp_request_get_input_headers(req), "Accept-Encoding");
	struct evbuffer *b = evbuffer_new();
	char text[4096];

	for (size_t i = 0; i + 44 < sizeof text; i += 44)
		memcpy(text + i, "The quick brown fox jumps over the lazy dog. ", 44);
	text[4092] = '\0';
	if (ae && strstr(ae, "gzip")) {
		gzip_stored(b, text, strlen(text));
		evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Encoding", "gzip");
	} else {
		evbuffer_add(b, "no gzip offered", 15);
	}
	evhttp_send_reply(req, 200, "OK", b);
	evbuffer_free(b);
}

/* 200 KB, either chunked (no Content-Length) or with a Content-Length. */
static void serve_big(struct evhttp_request *req, bool chunked)
{
	static char block[8192];
	struct evbuffer *b = evbuffer_new();

	memset(block, 'x', sizeof block);
	if (chunked) {
		evhttp_send_reply_start(req, 200, "OK");
		for (int i = 0; i < 25; i++) {
			evbuffer_add(b, block, sizeof block);
			evhttp_send_reply_chunk(req, b);
		}
		evhttp_send_reply_end(req);
	} else {
		for (int i = 0; i < 25; i++)
			evbuffer_add(b, block, sizeof block);
		evhttp_send_reply(req, 200, "OK", b);
	}
	evbuffer_free(b);
}

static void serve_echo(struct evhttp_request *req)
{
	struct evkeyvalq *ih = evhttp_request_get_input_headers(req);
	struct evbuffer *in = evhttp_request_get_input_buffer(req);
	const char *auth = evhttp_find_header(ih, "Authorization");
	const char *ct = evhttp_find_header(ih, "Content-Type");
	size_t n = evbuffer_get_length(in);

	snprintf(srv.last_auth, sizeof srv.last_auth, "%s", auth ? auth : "");
	snprintf(srv.last_ctype, sizeof srv.last_ctype, "%s", ct ? ct : "");
	if (n >= sizeof srv.last_body)
		n = sizeof srv.last_body - 1;
	evbuffer_copyout(in, srv.last_body, n);
	srv.last_body[n] = '\0';
	evhttp_send_reply(req, 201, "Created", in);
}

static void on_request(struct evhttp_request *req, void *arg)
{
	const char *uri = evhttp_request_get_uri(req), *ua;
	char path[256];

	nodelay(req);
	srv.requests++;
	ua = evhttp_find_header(evhttp_request_get_input_headers(req), "User-Agent");
	snprintf(srv.last_ua, sizeof srv.last_ua, "%s", ua ? ua : "");
	snprintf(path, sizeof path, "%.*s", (int)strcspn(uri, "?"), uri);

	if (strcmp(path, "/hello") == 0) {
		serve_hello(req);
	} else if (strcmp(path, "/gzip") == 0) {
		serve_gzip(req);
	} else if (strcmp(path, "/big-chunked") == 0) {
		serve_big(req, true);
	} else if (strcmp(path, "/big-length") == 0) {
		serve_big(req, false);
	} else if (strcmp(path, "/hang") == 0) {
		hold(req);
	} else if (strcmp(path, "/stall") == 0) {
		struct evbuffer *b = evbuffer_new();
		evhttp_send_reply_start(req, 200, "OK");
		evbuffer_add(b, "{\"data\":[", 9);
		evhttp_send_reply_chunk(req, b);
		evbuffer_free(b);
		hold(req);
	} else if (strcmp(path, "/slow") == 0) {
		struct timeval tv = { 0, 40000 };
		if (++srv.inflight > srv.max_inflight)
			srv.max_inflight = srv.inflight;
		event_base_once(srv.base, -1, EV_TIMEOUT, on_slow_reply, req, &tv);
	} else if (strcmp(path, "/echo") == 0) {
		serve_echo(req);
	} else if (strcmp(path, "/redirect-http") == 0) {
		char loc[128];
		snprintf(loc, sizeof loc, "http://127.0.0.1:%d/hello", srv.port);
		evhttp_add_header(evhttp_request_get_output_headers(req), "Location", loc);
		reply_text(req, 302, "moved");
	} else if (strcmp(path, "/unavailable") == 0) {
		reply_text(req, 503, "<html>down</html>");
	} else {
		reply_text(req, 404, "not found");
	}
}

static int srv_start(void)
{
	struct evhttp_bound_socket *bs;
	struct sockaddr_in sa;
	socklen_t len = sizeof sa;

	srv.base = base;
	srv.http = evhttp_new(base);
	if (!srv.http)
		return -1;
	evhttp_set_allowed_methods(srv.http, EVHTTP_REQ_GET | EVHTTP_REQ_POST);
	evhttp_set_gencb(srv.http, on_request, NULL);
	bs = evhttp_bind_socket_with_handle(srv.http, "127.0.0.1", 0);
	if (!bs)
		return -1;
	if (getsockname(evhttp_bound_socket_get_fd(bs), (struct sockaddr *)&sa, &len) < 0)
		return -1;
	srv.port = ntohs(sa.sin_port);
	return 0;
}

/* -------------------------------------------------- canned-bytes server */

static void canned_read(struct bufferevent *bev, void *arg)
{
	struct canned *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	struct evbuffer_ptr p = evbuffer_search(in, "\r\n\r\n", 4, NULL);

	if (p.pos < 0)
		return;
	evbuffer_drain(in, evbuffer_get_length(in));
	bufferevent_write(bev, c->response, strlen(c->response));
}

static void canned_event(struct bufferevent *bev, short what, void *arg)
{
	struct canned *c = arg;
	if (!(what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)))
		return;
	for (size_t i = 0; i < sizeof c->conns / sizeof c->conns[0]; i++)
		if (c->conns[i] == bev)
			c->conns[i] = NULL;
	bufferevent_free(bev);
}

static void canned_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
			  int socklen, void *arg)
{
	struct canned *c = arg;
	struct bufferevent *bev = bufferevent_socket_new(base, fd, BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(bev, canned_read, NULL, canned_event, arg);
	bufferevent_enable(bev, EV_READ);
	/* Remember it: the test may end before the client's close is seen. */
	for (size_t i = 0; i < sizeof c->conns / sizeof c->conns[0]; i++)
		if (!c->conns[i]) {
			c->conns[i] = bev;
			break;
		}
}

static void canned_stop(struct canned *c)
{
	for (size_t i = 0; i < sizeof c->conns / sizeof c->conns[0]; i++)
		if (c->conns[i])
			bufferevent_free(c->conns[i]);
	memset(c->conns, 0, sizeof c->conns);
	evconnlistener_free(c->lis);
	c->lis = NULL;
}

static int canned_start(struct canned *c, const char *response)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof sa;

	c->response = response;
	memset(c->conns, 0, sizeof c->conns);
	c->lis = evconnlistener_new_bind(base, canned_accept, c, LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE,
					 16, (struct sockaddr *)&sa, sizeof sa);
	if (!c->lis)
		return -1;
	getsockname(evconnlistener_get_fd(c->lis), (struct sockaddr *)&sa, &len);
	c->port = ntohs(sa.sin_port);
	return 0;
}

/* ---------------------------------------------------------------- tests */

static void test_get_headers(struct http *h)
{
	struct result r = { 0 };

	ok(get(h, "/hello?token=abc", &r, NULL) == 0, "GET submitted");
	ok(run_until(&r.calls, 1, 3000), "GET completed");
	is_int(r.result, HTTP_RESULT_OK, "GET result ok");
	is_int(r.status, 200, "GET status 200");
	is_str(r.body, "hello world", "GET body");
	is_int((long long)r.body_len, 11, "GET body length");
	is_str(r.error, "", "no error text on success");
	is_str(r.hdr_remaining, "42", "header lookup, lower-case name");
	is_str(r.hdr_reset, "1700000000", "header lookup, upper-case name, value trimmed");
	is_str(r.link, "<http://127.0.0.1/next?max_id=5>; rel=\"next\"", "Link captured");
	is_int(r.retry_after, 7, "Retry-After seconds");
	is_str(srv.last_ua, "mentord/" MENTORD_VERSION, "User-Agent names mentord and its version");
	result_clear(&r);

	ok(get(h, "/unavailable", &r, NULL) == 0 && run_until(&r.calls, 1, 3000), "503 completes");
	is_int(r.result, HTTP_RESULT_OK, "HTTP error status is not a transport failure");
	is_int(r.status, 503, "status 503 reported");
	is_int(r.retry_after, -1, "no Retry-After -> -1");
	is_str(r.link, "(null)", "no Link -> NULL");
	result_clear(&r);
}

static void test_post(struct http *h)
{
	static const char *const hdrs[] = { "Authorization: Bearer s3cret", NULL };
	struct http_request rq = { .method = HTTP_POST, .url = url("/echo"), .headers = hdrs,
				   .body = "{\"identifier\":\"me\"}", .body_len = 19 };
	struct result r = { 0 };

	ok(http_submit(h, &rq, on_done, &r, NULL) == 0 && run_until(&r.calls, 1, 3000), "POST completes");
	is_int(r.status, 201, "POST status");
	is_str(r.body, "{\"identifier\":\"me\"}", "POST body echoed");
	is_str(srv.last_auth, "Bearer s3cret", "extra header sent");
	is_str(srv.last_ctype, "application/json", "default content type for bodies");
	result_clear(&r);
}

static void test_gzip(struct http *h)
{
	struct result r = { 0 };

	ok(get(h, "/gzip", &r, NULL) == 0 && run_until(&r.calls, 1, 3000), "gzip GET completes");
	is_int(r.result, HTTP_RESULT_OK, "gzip result ok");
	ok(r.body && r.body_len == 4092 && strncmp(r.body, "The quick brown fox", 19) == 0,
	   "gzip body decoded (%zu bytes)", r.body_len);
	result_clear(&r);
}

static void test_size_cap(struct event_base *b)
{
	struct http_options o = { .max_body_bytes = 100000 };
	struct http *h;
	struct result r1 = { 0 }, r2 = { 0 };

	ok(http_new(&h, b, &o) == 0, "http with 100 kB cap");
	get(h, "/big-chunked", &r1, NULL);
	get(h, "/big-length", &r2, NULL);
	ok(run_until(&r1.calls, 1, 3000) && run_until(&r2.calls, 1, 3000), "big responses complete");
	is_int(r1.result, HTTP_RESULT_TOO_LARGE, "chunked 200 kB body over the cap -> too_large");
	is_str(r1.error, "response too large (>100000 bytes)", "too_large error text");
	is_int(r2.result, HTTP_RESULT_TOO_LARGE, "Content-Length 200 kB over the cap -> too_large");
	result_clear(&r1);
	result_clear(&r2);
	http_free(h);
}

static void test_timeouts(struct event_base *b)
{
	/* curl averages the speed over a few seconds, so the limit must be well
	 * above what the stalling server sent before it stopped */
	struct http_options o = { .low_speed_limit = 100, .low_speed_time_s = 1, .total_timeout_ms = 5000 };
	struct http_request rq = { .url = url("/hang"), .timeout_ms = 300 };
	struct http *h;
	struct result r1 = { 0 }, r2 = { 0 };

	ok(http_new(&h, b, &o) == 0, "http with 1 s stall limit");
	ok(http_submit(h, &rq, on_done, &r1, NULL) == 0, "hanging request submitted");
	get(h, "/stall", &r2, NULL);
	ok(run_until(&r1.calls, 1, 3000), "hanging request finished");
	is_int(r1.result, HTTP_RESULT_TIMEOUT, "server that never answers -> timeout");
	ok(strstr(r1.error, "timed out after") != NULL, "timeout text: %s", r1.error);
	ok(run_until(&r2.calls, 1, 4000), "stalled request finished");
	is_int(r2.result, HTTP_RESULT_TIMEOUT, "body that stops mid-way -> timeout");
	ok(strstr(r2.error, "stalled") != NULL, "stall text: %s", r2.error);
	http_free(h);
	result_clear(&r1);
	result_clear(&r2);
}

static void test_refused(struct http *h)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof sa;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	char u[128];
	struct result r = { 0 };

	/* a port that was free a moment ago and has no listener now */
	bind(fd, (struct sockaddr *)&sa, sizeof sa);
	getsockname(fd, (struct sockaddr *)&sa, &len);
	close(fd);
	snprintf(u, sizeof u, "http://127.0.0.1:%d/x", ntohs(sa.sin_port));
	struct http_request rq = { .url = u };
	ok(http_submit(h, &rq, on_done, &r, NULL) == 0 && run_until(&r.calls, 1, 3000), "refused completes");
	is_int(r.result, HTTP_RESULT_NETWORK, "connection refused -> network");
	is_str(r.error, "connection refused", "refused text");
	is_int(r.status, 0, "no status without a response");
	ok(r.body && r.body_len == 0, "empty body on failure");
	result_clear(&r);
}

static void test_bad_urls(struct http *h)
{
	struct result r = { 0 };
	struct http_request rq = { .url = "ftp://127.0.0.1/x" };

	is_int(http_submit(h, &rq, on_done, &r, NULL), -EPROTONOSUPPORT, "ftp:// refused");
	rq.url = "file:///etc/passwd";
	is_int(http_submit(h, &rq, on_done, &r, NULL), -EPROTONOSUPPORT, "file:// refused");
	rq.url = "not a url";
	is_int(http_submit(h, &rq, on_done, &r, NULL), -EINVAL, "garbage URL refused");
	rq.url = url("/hello");
	is_int(http_submit(h, &rq, NULL, &r, NULL), -EINVAL, "NULL callback refused");
	run_for(20);
	is_int(r.calls, 0, "no callback for refused submissions");

	rq.url = url("/redirect-http");
	ok(http_submit(h, &rq, on_done, &r, NULL) == 0 && run_until(&r.calls, 1, 3000), "redirect completes");
	is_int(r.result, HTTP_RESULT_NETWORK, "redirect to http:// is not followed");
	is_str(r.error, "redirect to a non-https URL refused", "redirect text");
	result_clear(&r);
}

static void test_header_reset(struct http *h)
{
	struct canned c;
	struct result r = { 0 };
	char u[128];

	if (!ok(canned_start(&c, "HTTP/1.1 100 Continue\r\nX-Early: yes\r\n\r\n"
			     "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nx-rate-limit-remaining: 9\r\n\r\nok") == 0,
		"canned server"))
		return;
	snprintf(u, sizeof u, "http://127.0.0.1:%d/", c.port);
	struct http_request rq = { .url = u };
	ok(http_submit(h, &rq, on_done, &r, NULL) == 0 && run_until(&r.calls, 1, 3000), "1xx + 200 completes");
	is_int(r.status, 200, "final status after 100 Continue");
	is_str(r.early, "(null)", "headers of the 1xx response are discarded");
	is_str(r.hdr_remaining, "9", "headers of the final response kept");
	is_str(r.body, "ok", "body after 1xx");
	result_clear(&r);
	canned_stop(&c);

	struct http_options o = { .max_header_bytes = 2048 };
	struct http *small;
	static char big[4096];
	size_t n = 0;
	n += snprintf(big + n, sizeof big - n, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n");
	for (int i = 0; i < 40; i++)
		n += snprintf(big + n, sizeof big - n, "X-Filler-%02d: %060d\r\n", i, 0);
	snprintf(big + n, sizeof big - n, "\r\nok");
	canned_start(&c, big);
	snprintf(u, sizeof u, "http://127.0.0.1:%d/", c.port);
	http_new(&small, base, &o);
	ok(http_submit(small, &rq, on_done, &r, NULL) == 0 && run_until(&r.calls, 1, 3000), "big headers complete");
	is_int(r.result, HTTP_RESULT_TOO_LARGE, "headers over the cap -> too_large");
	is_str(r.error, "response headers too large (>2048 bytes)", "header cap text");
	result_clear(&r);
	http_free(small);
	canned_stop(&c);
}

static void test_per_host_limit(struct event_base *b)
{
	struct http_options o = { .max_per_host = 2 };
	struct http *h;
	struct http_stats st;
	struct result r[10];
	int done = 0;

	memset(r, 0, sizeof r);
	http_new(&h, b, &o);
	srv.max_inflight = 0;
	for (int i = 0; i < 10; i++)
		get(h, "/slow", &r[i], NULL);
	http_get_stats(h, &st);
	is_int(st.active, 2, "2 transfers active");
	is_int(st.queued, 8, "8 requests queued");
	for (int t = 0; t < 100 && done < 10; t++) {
		run_for(20);
		done = 0;
		for (int i = 0; i < 10; i++)
			done += r[i].calls;
	}
	is_int(done, 10, "all 10 slow requests completed");
	is_int(srv.max_inflight, 2, "server never saw more than 2 concurrent requests");
	http_get_stats(h, &st);
	ok(st.active == 0 && st.queued == 0 && st.completed == 10, "stats after: active 0, queued 0, completed 10");
	for (int i = 0; i < 10; i++)
		result_clear(&r[i]);
	http_free(h);
}

struct chain {
	struct http *h;
	int left, calls;
	bool all_ok;
};

static void on_chain(struct http_response *resp, void *ud)
{
	struct chain *c = ud;
	struct http_request rq = { .url = url("/hello") };

	c->calls++;
	c->all_ok = c->all_ok && resp->result == HTTP_RESULT_OK && resp->status == 200;
	if (--c->left > 0 && http_submit(c->h, &rq, on_chain, c, NULL) < 0)
		c->all_ok = false;
}

static void test_submit_from_callback(struct http *h)
{
	struct chain c = { .h = h, .left = 5, .all_ok = true };
	struct http_request rq = { .url = url("/hello") };

	http_submit(h, &rq, on_chain, &c, NULL);
	ok(run_until(&c.calls, 5, 3000), "5 chained requests, each submitted from the previous callback");
	ok(c.all_ok, "all chained requests succeeded");
}

struct canceller {
	struct http_handle *victim;
	struct result *res;
};

static void on_cancel_other(struct http_response *resp, void *ud)
{
	struct canceller *c = ud;
	c->res->calls++;
	http_cancel(c->victim);
}

static void test_cancel(struct event_base *b)
{
	struct http_options o = { .max_per_host = 1 };
	struct http *h;
	struct http_handle *hang, *queued, *victim;
	struct http_stats st;
	struct result r1 = { 0 }, r2 = { 0 }, r3 = { 0 }, r4 = { 0 };
	struct canceller cc = { .res = &r3 };

	http_new(&h, b, &o);
	get(h, "/hang", &r1, &hang);
	get(h, "/hello", &r2, &queued);
	ok(hang && queued, "handles returned");
	run_for(50);
	http_cancel(queued);
	http_cancel(hang);
	run_for(100);
	ok(r1.calls == 0 && r2.calls == 0, "cancelled requests get no callback");
	http_get_stats(h, &st);
	ok(st.active == 0 && st.queued == 0 && st.cancelled == 2, "stats: nothing left, 2 cancelled");

	/* a callback cancelling a queued request */
	struct http_request rq = { .url = url("/slow") };
	http_submit(h, &rq, on_cancel_other, &cc, NULL);
	get(h, "/hello", &r4, &victim);
	cc.victim = victim;
	ok(run_until(&r3.calls, 1, 3000), "first request done");
	run_for(50);
	is_int(r4.calls, 0, "request cancelled from another callback never completes");

	/* http_free with outstanding work: every callback runs once, cancelled */
	get(h, "/hang", &r1, NULL);
	get(h, "/hello", &r2, NULL);
	run_for(30);
	http_free(h);
	ok(r1.calls == 1 && r1.result == HTTP_RESULT_CANCELLED, "running request cancelled by http_free");
	ok(r2.calls == 1 && r2.result == HTTP_RESULT_CANCELLED, "queued request cancelled by http_free");
	is_str(r1.error, "cancelled", "cancel text");
	result_clear(&r1);
	result_clear(&r2);
	result_clear(&r3);
	result_clear(&r4);
}

struct resubmit {
	struct http *h;
	int calls, rc;
};

static void on_resubmit(struct http_response *resp, void *ud)
{
	struct resubmit *s = ud;
	struct http_request rq = { .url = url("/hello") };
	s->calls++;
	s->rc = http_submit(s->h, &rq, on_resubmit, s, NULL);
}

static void test_free_refuses_submit(struct event_base *b)
{
	struct http *h;
	struct resubmit s = { 0 };
	struct http_request rq = { .url = url("/hang") };

	http_new(&h, b, NULL);
	s.h = h;
	http_submit(h, &rq, on_resubmit, &s, NULL);
	run_for(20);
	http_free(h);
	is_int(s.calls, 1, "cancel callback ran once");
	is_int(s.rc, -ESHUTDOWN, "submit from a cancel callback -> -ESHUTDOWN");
}

static void test_hundred(struct http *h)
{
	static struct result r[100];
	struct http_stats before, after;
	int done = 0, okc = 0;

	http_get_stats(h, &before);
	for (int i = 0; i < 100; i++)
		get(h, "/hello", &r[i], NULL);
	for (int t = 0; t < 200 && done < 100; t++) {
		run_for(10);
		done = 0;
		for (int i = 0; i < 100; i++)
			done += r[i].calls;
	}
	for (int i = 0; i < 100; i++) {
		okc += r[i].result == HTTP_RESULT_OK && r[i].status == 200;
		result_clear(&r[i]);
	}
	is_int(done, 100, "100 requests completed");
	is_int(okc, 100, "100 requests succeeded");
	http_get_stats(h, &after);
	is_int((long long)(after.completed - before.completed), 100, "stats: completed +100");
	ok(after.bytes_in - before.bytes_in == 1100, "stats: bytes_in +1100");
}

int main(void)
{
	struct http *h;

	log_set_max_level(getenv("MENTORD_TEST_DEBUG") ? LOG_DEBUG : LOG_WARNING);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	base = event_base_new();
	if (!ok(base && srv_start() == 0, "test server started"))
		return tap_done();
	tap_diag("test server on 127.0.0.1:%d", srv.port);
	ok(http_new(&h, base, NULL) == 0, "http_new with defaults");

	test_get_headers(h);
	test_post(h);
	test_gzip(h);
	test_size_cap(base);
	test_timeouts(base);
	test_refused(h);
	test_bad_urls(h);
	test_header_reset(h);
	test_per_host_limit(base);
	test_submit_from_callback(h);
	test_cancel(base);
	test_free_refuses_submit(base);
	test_hundred(h);

	http_free(h);
	evhttp_free(srv.http);
	event_base_free(base);
	curl_global_cleanup();
	return tap_done();
}
