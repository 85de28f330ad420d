/* deliver.c — sending an answer, the way the applied rule says: at once,
 * gzip'd, truncated, after a delay, trickled in chunks, cut short of its
 * Content-Length, oversized, dropped or never. Answers that outlive the
 * request callback are "pendings", tied to their connection so that a client
 * giving up frees them (evhttp alone would not notice). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "fakeapi.h"

struct pending {
	struct pending *prev, *next;
	struct fake *f;
	struct evhttp_request *req;
	struct evhttp_connection *conn;
	int kind, status;
	struct evbuffer *body;      /* still to send */
	size_t big_left, chunk;
	long interval_ms;
	struct event *timer;
	struct event *watch;        /* EV_CLOSED on the socket while nothing is written */
};

const char *deliver_reason(int code)
{
	switch (code) {
	case 200: return "OK";
	case 201: return "Created";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	default: return code < 300 ? "OK" : "Error";
	}
}

static void inflight_done(struct fake *f)
{
	if (f->st.inflight)
		f->st.inflight--;
}

static struct pending *pending_new(struct fake *f, struct evhttp_request *req, int kind, int status)
{
	struct pending *p = calloc(1, sizeof *p);

	if (!p) {
		fprintf(stderr, "fakeapi: out of memory\n");
		exit(2);
	}
	p->f = f;
	p->req = req;
	p->conn = evhttp_request_get_connection(req);
	p->kind = kind;
	p->status = status;
	p->next = f->pendings;
	if (f->pendings)
		f->pendings->prev = p;
	f->pendings = p;
	return p;
}

/* Ends our interest in a delayed response; the request itself is either done
 * (libevent frees it) or was freed by on_conn_close. */
static void pending_finish(struct pending *p)
{
	struct fake *f = p->f;

	if (p->prev)
		p->prev->next = p->next;
	else
		f->pendings = p->next;
	if (p->next)
		p->next->prev = p->prev;
	if (p->timer)
		event_free(p->timer);
	if (p->watch)
		event_free(p->watch);
	if (p->body)
		evbuffer_free(p->body);
	inflight_done(f);
	free(p);
}

static void pending_arm(struct pending *p, long ms, event_callback_fn cb)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };
	if (!p->timer)
		p->timer = evtimer_new(p->f->base, cb, p);
	evtimer_add(p->timer, &tv);
}

/* Frees the connection from our own timer, never from inside an evhttp
 * callback; on_conn_close then finishes the pending. */
static void on_close_timer(evutil_socket_t fd, short what, void *arg)
{
	struct pending *p = arg;
	evhttp_connection_free(p->conn);
}

static void pending_close_soon(struct pending *p)
{
	pending_arm(p, 0, on_close_timer);
}

static void on_peer_closed(evutil_socket_t fd, short what, void *arg)
{
	pending_close_soon(arg);
}

/* evhttp 2.1 does not read from a connection while its request waits for the
 * reply, so a client that gives up would go unnoticed (and keep its fd). */
static void pending_watch(struct pending *p)
{
	struct bufferevent *bev = evhttp_connection_get_bufferevent(p->conn);

	if (!bev || bufferevent_getfd(bev) < 0 ||
	    !(event_base_get_features(p->f->base) & EV_FEATURE_EARLY_CLOSE))
		return;
	p->watch = event_new(p->f->base, bufferevent_getfd(bev), EV_CLOSED, on_peer_closed, p);
	if (p->watch)
		event_add(p->watch, NULL);
}

static void on_pending_timer(evutil_socket_t fd, short what, void *arg)
{
	struct pending *p = arg;
	struct evbuffer *chunk;

	switch (p->kind) {
	case A_DELAY:
		evhttp_send_reply(p->req, p->status, deliver_reason(p->status), p->body);
		pending_finish(p);
		return;
	case A_TRICKLE:
		if (evbuffer_get_length(p->body) == 0) {
			evhttp_send_reply_end(p->req);
			pending_finish(p);
			return;
		}
		chunk = evbuffer_new();
		evbuffer_remove_buffer(p->body, chunk, p->chunk);
		evhttp_send_reply_chunk(p->req, chunk);
		evbuffer_free(chunk);
		pending_arm(p, p->interval_ms, on_pending_timer);
		return;
	default:          /* A_HANG with a limit: give up on the client */
		evhttp_connection_free(p->conn);
		return;
	}
}

static void on_big_written(struct evhttp_connection *conn, void *arg)
{
	struct pending *p = arg;
	struct evbuffer *chunk;
	static char filler[65536];
	size_t n;

	if (p->big_left == 0) {
		evhttp_send_reply_end(p->req);
		pending_finish(p);
		return;
	}
	if (!filler[0]) {
		for (size_t i = 0; i < sizeof filler; i += 64)
			memcpy(filler + i, "{\"id\":\"1\",\"text\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"},", 64);
	}
	n = p->big_left < sizeof filler ? p->big_left : sizeof filler;
	chunk = evbuffer_new();
	evbuffer_add(chunk, filler, n);
	p->big_left -= n;
	evhttp_send_reply_chunk_with_cb(p->req, chunk, on_big_written, p);
	evbuffer_free(chunk);
}

static void on_cut_written(struct evhttp_connection *conn, void *arg)
{
	struct pending *p = arg;
	pending_close_soon(p);      /* the client sees EOF before Content-Length is met */
}

/* Called when a client connection goes away: drop everything still aimed at it. */
void deliver_conn_closed(struct fake *f, struct evhttp_connection *conn)
{
	struct pending *p = f->pendings, *next;

	for (; p; p = next) {
		next = p->next;
		if (p->conn != conn)
			continue;
		/* a request detached by a client EOF before the reply is ours to free */
		if (evhttp_request_get_connection(p->req) == NULL)
			evhttp_request_free(p->req);
		pending_finish(p);
	}
}

void deliver_free_all(struct fake *f)
{
	while (f->pendings)
		pending_finish(f->pendings);
}

static void log_request(struct rq *r, const char *note)
{
	if (!r->f->verbose)
		return;
	fprintf(stderr, "fakeapi: @%" PRId64 " %s %s -> %d %s%s%s\n", r->now / 1000,
		evhttp_request_get_command(r->req) == EVHTTP_REQ_POST ? "POST" : "GET",
		evhttp_request_get_uri(r->req), r->status, net_endpoint_name(r->ep),
		r->rule ? " script:" : "", r->rule ? script_action_name(r->rule->action) : note);
}

static bool wants_gzip(struct rq *r)
{
	const char *ae = rq_header(r, "Accept-Encoding");
	return ae && strstr(ae, "gzip");
}

/* gzip with stored deflate blocks: the fake has no zlib, but a stored stream
 * is valid gzip, which is what the client's decoder is tested against. */
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
		unsigned char bh[5] = { off + len == n, (unsigned char)len, (unsigned char)(len >> 8),
					(unsigned char)~len, (unsigned char)(~len >> 8) };
		evbuffer_add(out, bh, 5);
		evbuffer_add(out, data + off, len);
		off += len;
	} while (off < n);
	unsigned char tr[8] = { (unsigned char)crc, (unsigned char)(crc >> 8), (unsigned char)(crc >> 16),
				(unsigned char)(crc >> 24), (unsigned char)n, (unsigned char)(n >> 8),
				(unsigned char)(n >> 16), (unsigned char)(n >> 24) };
	evbuffer_add(out, tr, 8);
}

/* Sends r->body with r->status, as the applied rule says. */
void deliver_respond(struct rq *r)
{
	struct fake *f = r->f;
	int act = r->rule ? r->rule->action : -1;
	size_t len = r->body.len;
	struct evbuffer *out = evbuffer_new();
	struct pending *p;

	if (r->ctype)
		rq_add_header(r, "Content-Type", r->ctype);
	if (act == A_TRUNCATE)
		len = r->rule->bytes > 0 && (size_t)r->rule->bytes < len ? (size_t)r->rule->bytes : len / 2;
	if ((act == A_GZIP || (f->gzip && act < A_TRICKLE)) && wants_gzip(r) && act != A_CUT && act != A_TRICKLE) {
		gzip_stored(out, r->body.p ? r->body.p : "", len);
		rq_add_header(r, "Content-Encoding", "gzip");
	} else {
		evbuffer_add(out, r->body.p ? r->body.p : "", len);
	}
	f->st.status[r->status > 0 && r->status < 600 ? r->status : 0]++;
	f->st.bytes_out += evbuffer_get_length(out);
	log_request(r, "");
	switch (act) {
	case A_DELAY:
		p = pending_new(f, r->req, A_DELAY, r->status);
		p->body = out;
		pending_watch(p);
		pending_arm(p, r->rule->ms > 0 ? r->rule->ms : 1000, on_pending_timer);
		return;
	case A_TRICKLE:
		p = pending_new(f, r->req, A_TRICKLE, r->status);
		p->body = out;
		p->chunk = r->rule->bytes > 0 ? (size_t)r->rule->bytes : 16;
		p->interval_ms = r->rule->interval_ms > 0 ? r->rule->interval_ms : 200;
		evhttp_send_reply_start(r->req, r->status, deliver_reason(r->status));
		pending_arm(p, p->interval_ms, on_pending_timer);
		return;
	case A_CUT: {
		struct evbuffer *half = evbuffer_new();
		rq_add_headerf(r, "Content-Length", "%zu", evbuffer_get_length(out));
		evbuffer_remove_buffer(out, half, evbuffer_get_length(out) / 2);
		p = pending_new(f, r->req, A_CUT, r->status);
		evhttp_send_reply_start(r->req, r->status, deliver_reason(r->status));
		evhttp_send_reply_chunk_with_cb(r->req, half, on_cut_written, p);
		evbuffer_free(half);
		evbuffer_free(out);
		return;
	}
	default:
		evhttp_send_reply(r->req, r->status, deliver_reason(r->status), out);
		evbuffer_free(out);
		inflight_done(f);
	}
}

/* hang (the request is never answered; the connection is reclaimed when the
 * client leaves, or after ms / --hang-max) and drop (closed unanswered) */
void deliver_hang(struct rq *r, const struct rule *ru)
{
	struct fake *f = r->f;
	struct pending *p;

	r->status = 0;
	log_request(r, "");
	p = pending_new(f, r->req, ru->action, 0);
	if (ru->action == A_DROP) {
		pending_close_soon(p);
	} else {
		pending_watch(p);
		if (ru->ms > 0 || f->hang_max_ms > 0)
			pending_arm(p, ru->ms > 0 ? ru->ms : f->hang_max_ms, on_pending_timer);
	}
}

/* a 200 with a chunked JSON-looking body of ru->bytes (default 16 MiB), streamed */
void deliver_big(struct rq *r, const struct rule *ru)
{
	struct fake *f = r->f;
	struct pending *p;

	r->status = 200;
	log_request(r, "");
	rq_add_header(r, "Content-Type", "application/json; charset=utf-8");
	p = pending_new(f, r->req, A_BIG, 200);
	p->big_left = ru->bytes > 0 ? (size_t)ru->bytes : (size_t)16 << 20;
	f->st.status[200]++;
	f->st.bytes_out += p->big_left;
	evhttp_send_reply_start(r->req, 200, "OK");
	on_big_written(p->conn, p);
}
