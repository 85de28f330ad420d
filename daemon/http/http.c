/* http.c — curl multi_socket + libevent glue, per-host queues, response
 * capture. See http.h for the contract.
 *
 * Life of a request (struct http_handle, "hd"):
 *   QUEUED  in its host's FIFO, no curl easy handle yet (easy handles are
 *           ~20 KiB each, so thousands of queued polls must not own one);
 *   ACTIVE  easy handle added to the multi handle;
 *   DONE    finished or failed, waiting in http->done for its callback;
 *   CALLING its callback runs; freed when the callback returns.
 * Callbacks run only from deliver_done(), which is reached from libevent
 * callbacks after curl has returned, so user code never runs inside a curl
 * callback and may call http_submit()/http_cancel() freely. */
#include "http/http_internal.h"

#include "base/log.h"

#include <curl/curl.h>
#include <errno.h>
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>


static void http_destroy(struct http *h);

const char *http_result_name(enum http_result r)
{
	switch (r) {
	case HTTP_RESULT_OK: return "ok";
	case HTTP_RESULT_TIMEOUT: return "timeout";
	case HTTP_RESULT_TOO_LARGE: return "too_large";
	case HTTP_RESULT_NETWORK: return "network";
	case HTTP_RESULT_CANCELLED: return "cancelled";
	case HTTP_RESULT_DEFERRED: return "deferred";
	}
	return "?";
}

static long ms_since(const struct timespec *t0)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long)((now.tv_sec - t0->tv_sec) * 1000 + (now.tv_nsec - t0->tv_nsec) / 1000000);
}

/* ---------------------------------------------------------------- lists */

static void all_link(struct http *h, struct http_handle *hd)
{
	hd->all_next = h->all;
	if (h->all)
		h->all->all_prev = hd;
	h->all = hd;
}

static void all_unlink(struct http *h, struct http_handle *hd)
{
	if (hd->all_prev)
		hd->all_prev->all_next = hd->all_next;
	else
		h->all = hd->all_next;
	if (hd->all_next)
		hd->all_next->all_prev = hd->all_prev;
	hd->all_prev = hd->all_next = NULL;
}

static void fifo_push(struct http_handle **head, struct http_handle **tail, struct http_handle *hd)
{
	hd->q_next = NULL;
	hd->q_prev = *tail;
	if (*tail)
		(*tail)->q_next = hd;
	else
		*head = hd;
	*tail = hd;
}

static void fifo_unlink(struct http_handle **head, struct http_handle **tail, struct http_handle *hd)
{
	if (hd->q_prev)
		hd->q_prev->q_next = hd->q_next;
	else
		*head = hd->q_next;
	if (hd->q_next)
		hd->q_next->q_prev = hd->q_prev;
	else
		*tail = hd->q_prev;
	hd->q_prev = hd->q_next = NULL;
}

/* ------------------------------------------------------ curl callbacks */

static void on_sock_event(evutil_socket_t fd, short what, void *arg);

/* CURLMOPT_SOCKETFUNCTION: mirror curl's interest in fd into one persistent
 * libevent event. socketp is NULL for a socket curl has not told us about
 * since its last REMOVE (fds get reused). */
static int on_curl_socket(CURL *easy, curl_socket_t fd, int what, void *clientp, void *socketp)
{
	struct http *h = clientp;
	struct http_sock *sk = socketp;
	short kind;

	if (what == CURL_POLL_REMOVE) {
		if (sk) {
			if (sk->prev) sk->prev->next = sk->next; else h->socks = sk->next;
			if (sk->next) sk->next->prev = sk->prev;
			event_free(sk->ev);
			free(sk);
		}
		return 0;
	}
	kind = EV_PERSIST | ((what & CURL_POLL_IN) ? EV_READ : 0) | ((what & CURL_POLL_OUT) ? EV_WRITE : 0);
	if (!sk) {
		sk = calloc(1, sizeof *sk);
		if (!sk)
			return -1;
		sk->ev = event_new(h->base, fd, kind, on_sock_event, h);
		if (!sk->ev) {
			free(sk);
			return -1;
		}
		sk->http = h;
		sk->fd = fd;
		sk->kind = kind;
		sk->next = h->socks;
		if (h->socks)
			h->socks->prev = sk;
		h->socks = sk;
		/* the documented way to attach state; safe inside this callback */
		curl_multi_assign(h->multi, fd, sk);
		event_add(sk->ev, NULL);
	} else if (sk->kind != kind) {
		event_del(sk->ev);
		event_assign(sk->ev, h->base, fd, kind, on_sock_event, h);
		sk->kind = kind;
		event_add(sk->ev, NULL);
	}
	return 0;
}

/* CURLMOPT_TIMERFUNCTION: one deadline, replaced by every call. Only arms a
 * libevent timer; calling curl from here would recurse. */
static int on_curl_timer(CURLM *multi, long timeout_ms, void *clientp)
{
	struct http *h = clientp;

	if (timeout_ms < 0) {
		evtimer_del(h->timer);
	} else {
		struct timeval tv = { timeout_ms / 1000, (timeout_ms % 1000) * 1000 };
		evtimer_add(h->timer, &tv);
	}
	return 0;
}

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
	struct http_handle *hd = ud;
	size_t len = size * n, max = hd->http->opt.max_body_bytes;

	if (len > max - hd->body_len) {
		hd->body_too_large = true;   /* curl 7.88 won't stop chunked bodies itself */
		return CURL_WRITEFUNC_ERROR;
	}
	if (hd->body_len + len + 1 > hd->body_cap) {
		size_t cap = hd->body_cap ? hd->body_cap : BODY_INITIAL;
		char *nb;
		while (cap < hd->body_len + len + 1)
			cap *= 2;
		if (cap > max + 1)
			cap = max + 1;
		nb = realloc(hd->body, cap);
		if (!nb) {
			hd->oom = true;
			return CURL_WRITEFUNC_ERROR;
		}
		hd->body = nb;
		hd->body_cap = cap;
	}
	memcpy(hd->body + hd->body_len, p, len);
	hd->body_len += len;
	hd->body[hd->body_len] = '\0';
	return len;
}

/* ------------------------------------------------------ handle lifecycle */

static void handle_free(struct http_handle *hd)
{
	if (!hd)
		return;
	if (hd->easy)
		curl_easy_cleanup(hd->easy);
	curl_slist_free_all(hd->req_headers);
	free(hd->url);
	free(hd->log_url);
	free(hd->req_body);
	free(hd->body);
	free(hd->hbuf);
	free(hd->fields);
	free(hd);
}

/* "scheme://host:port" from a URL, and the scheme check. */
static int url_host_key(const char *url, char **key)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL;
	int r = -EINVAL;

	if (!u)
		return -ENOMEM;
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK)
		goto out;
	if (strcasecmp(scheme, "http") != 0 && strcasecmp(scheme, "https") != 0) {
		r = -EPROTONOSUPPORT;
		goto out;
	}
	if (curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) != CURLUE_OK)
		goto out;
	r = asprintf(key, "%s://%s:%s", scheme, host, port) < 0 ? -ENOMEM : 0;
	if (r == 0)
		for (char *c = *key; *c; c++)
			if (*c >= 'A' && *c <= 'Z')
				*c += 'a' - 'A';
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return r;
}

/* The URL as it may appear in logs: query keys kept, values dropped, fragment
 * dropped. Our URLs carry no secrets, but a cursor or search term is nobody's
 * business in the journal either. */
static char *url_for_log(const char *url)
{
	size_t n = strcspn(url, "?#");
	char *out = malloc(strlen(url) + 1), *w;
	const char *q;

	if (!out)
		return NULL;
	memcpy(out, url, n);
	w = out + n;
	if (url[n] == '?') {
		q = url + n + 1;
		*w++ = '?';
		while (*q && *q != '#') {
			size_t klen = strcspn(q, "=&#");
			memcpy(w, q, klen);
			w += klen;
			q += klen;
			q += strcspn(q, "&#");
			if (*q == '&') {
				*w++ = '&';
				q++;
			}
		}
	}
	*w = '\0';
	return out;
}

static struct http_host *host_get(struct http *h, char *key)
{
	struct http_host *ho;

	for (ho = h->hosts; ho; ho = ho->next)
		if (strcmp(ho->key, key) == 0) {
			free(key);
			return ho;
		}
	ho = calloc(1, sizeof *ho);
	if (!ho) {
		free(key);
		return NULL;
	}
	ho->key = key;
	ho->next = h->hosts;
	h->hosts = ho;
	return ho;
}

static int copy_request(struct http_handle *hd, const struct http_request *req)
{
	char line[256];

	hd->url = strdup(req->url);
	hd->log_url = url_for_log(req->url);
	if (!hd->url || !hd->log_url)
		return -ENOMEM;
	hd->method = req->method;
	hd->timeout_ms = req->timeout_ms > 0 ? req->timeout_ms : hd->http->opt.total_timeout_ms;
	for (const char *const *p = req->headers; p && *p; p++) {
		struct curl_slist *n = curl_slist_append(hd->req_headers, *p);
		if (!n)
			return -ENOMEM;
		hd->req_headers = n;
	}
	if (req->method == HTTP_POST) {
		struct curl_slist *n;
		hd->req_body = malloc(req->body_len + 1);
		if (!hd->req_body)
			return -ENOMEM;
		if (req->body_len)
			memcpy(hd->req_body, req->body, req->body_len);
		hd->req_body_len = req->body_len;
		snprintf(line, sizeof line, "Content-Type: %s",
			 req->content_type ? req->content_type : "application/json");
		/* our bodies are small; don't wait for a 100 Continue */
		if (!(n = curl_slist_append(hd->req_headers, line)) ||
		    !(n = curl_slist_append(n, "Expect:")))
			return -ENOMEM;
		hd->req_headers = n;
	}
	return 0;
}

#define SETOPT(e, o, v) do { if (curl_easy_setopt((e), (o), (v)) != CURLE_OK) goto fail; } while (0)

static int easy_setup(struct http_handle *hd)
{
	const struct http_options *o = &hd->http->opt;
	CURL *e = curl_easy_init();

	if (!e)
		return -ENOMEM;
	SETOPT(e, CURLOPT_URL, hd->url);
	SETOPT(e, CURLOPT_PRIVATE, hd);
	SETOPT(e, CURLOPT_ERRORBUFFER, hd->errbuf);
	SETOPT(e, CURLOPT_WRITEFUNCTION, on_body);
	SETOPT(e, CURLOPT_WRITEDATA, hd);
	SETOPT(e, CURLOPT_HEADERFUNCTION, http_headers_line);
	SETOPT(e, CURLOPT_HEADERDATA, hd);
	SETOPT(e, CURLOPT_NOSIGNAL, 1L);
	SETOPT(e, CURLOPT_USERAGENT, hd->http->user_agent);
	SETOPT(e, CURLOPT_ACCEPT_ENCODING, "");
	SETOPT(e, CURLOPT_PROTOCOLS_STR, "http,https");
	SETOPT(e, CURLOPT_REDIR_PROTOCOLS_STR, "https");
	SETOPT(e, CURLOPT_FOLLOWLOCATION, o->max_redirects > 0 ? 1L : 0L);
	SETOPT(e, CURLOPT_MAXREDIRS, (long)(o->max_redirects > 0 ? o->max_redirects : 0));
	SETOPT(e, CURLOPT_SSL_VERIFYPEER, 1L);
	SETOPT(e, CURLOPT_SSL_VERIFYHOST, 2L);
	SETOPT(e, CURLOPT_CONNECTTIMEOUT_MS, o->connect_timeout_ms);
	SETOPT(e, CURLOPT_TIMEOUT_MS, hd->timeout_ms);
	SETOPT(e, CURLOPT_LOW_SPEED_LIMIT, o->low_speed_limit);
	SETOPT(e, CURLOPT_LOW_SPEED_TIME, o->low_speed_time_s);
	/* early reject when Content-Length is known; on_body enforces the rest */
	SETOPT(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)o->max_body_bytes);
	SETOPT(e, CURLOPT_TCP_KEEPALIVE, 1L);
	if (hd->req_headers)
		SETOPT(e, CURLOPT_HTTPHEADER, hd->req_headers);
	if (hd->method == HTTP_POST) {
		SETOPT(e, CURLOPT_POST, 1L);
		SETOPT(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)hd->req_body_len);
		SETOPT(e, CURLOPT_POSTFIELDS, hd->req_body);
	}
	hd->easy = e;
	return 0;
fail:
	curl_easy_cleanup(e);
	return -EINVAL;
}

static void done_push(struct http *h, struct http_handle *hd)
{
	hd->state = HD_DONE;
	fifo_push(&h->done_head, &h->done_tail, hd);
}

/* Hands a transfer to curl. On failure the handle is left untouched (QUEUED
 * semantics) and a negative errno is returned. */
static int handle_start(struct http_handle *hd)
{
	struct http *h = hd->http;
	int r = easy_setup(hd);

	if (r < 0)
		return r;
	clock_gettime(CLOCK_MONOTONIC, &hd->t_start);
	if (curl_multi_add_handle(h->multi, hd->easy) != CURLM_OK) {
		curl_easy_cleanup(hd->easy);
		hd->easy = NULL;
		return -ENOMEM;
	}
	hd->state = HD_ACTIVE;
	hd->host->active++;
	h->stats.active++;
	h->stats.started++;
	log_debug("http: %s %s", hd->method == HTTP_POST ? "POST" : "GET", hd->log_url);
	return 0;
}

/* Starts queued requests of a host while it has free slots. A request that
 * cannot start fails through the done list, since callbacks never run here. */
static void host_pump(struct http *h, struct http_host *ho)
{
	while (ho->q_head && ho->active < h->opt.max_per_host) {
		struct http_handle *hd = ho->q_head;
		fifo_unlink(&ho->q_head, &ho->q_tail, hd);
		h->stats.queued--;
		if (hd->gate && !hd->gate(hd->userdata)) {
			/* Its budget closed while it waited: it never leaves. */
			hd->deferred = true;
			done_push(h, hd);
			event_active(h->kick, EV_TIMEOUT, 0);
		} else if (handle_start(hd) < 0) {
			hd->curl_code = CURLE_OUT_OF_MEMORY;
			hd->oom = true;
			done_push(h, hd);
			event_active(h->kick, EV_TIMEOUT, 0);
		}
	}
}

/* Detaches a running transfer from curl and frees its slot. */
static void handle_stop(struct http_handle *hd)
{
	struct http *h = hd->http;

	if (hd->state != HD_ACTIVE)
		return;
	curl_multi_remove_handle(h->multi, hd->easy);
	curl_easy_cleanup(hd->easy);
	hd->easy = NULL;
	hd->host->active--;
	h->stats.active--;
}

/* ------------------------------------------------------------ results */

static enum http_result classify(struct http_handle *hd)
{
	const struct http_options *o = &hd->http->opt;
	int c = hd->curl_code;

	if (hd->body_too_large || c == CURLE_FILESIZE_EXCEEDED) {
		snprintf(hd->msg, sizeof hd->msg, "response too large (>%zu bytes)", o->max_body_bytes);
		return HTTP_RESULT_TOO_LARGE;
	}
	if (hd->headers_too_large) {
		snprintf(hd->msg, sizeof hd->msg, "response headers too large (>%zu bytes)",
			 o->max_header_bytes);
		return HTTP_RESULT_TOO_LARGE;
	}
	if (c == CURLE_OK)
		return HTTP_RESULT_OK;
	if (hd->oom || c == CURLE_OUT_OF_MEMORY) {
		snprintf(hd->msg, sizeof hd->msg, "out of memory");
		return HTTP_RESULT_NETWORK;
	}
	if (c == CURLE_OPERATION_TIMEDOUT) {
		if (strstr(hd->errbuf, "too slow"))
			snprintf(hd->msg, sizeof hd->msg, "stalled: under %ld bytes/s for %lds",
				 o->low_speed_limit, o->low_speed_time_s);
		else if (strstr(hd->errbuf, "onnect"))
			snprintf(hd->msg, sizeof hd->msg, "connect timed out after %.1fs",
				 hd->elapsed_ms / 1000.0);
		else
			snprintf(hd->msg, sizeof hd->msg, "timed out after %.1fs", hd->elapsed_ms / 1000.0);
		return HTTP_RESULT_TIMEOUT;
	}
	if (c == CURLE_COULDNT_CONNECT && hd->os_errno == ECONNREFUSED)
		snprintf(hd->msg, sizeof hd->msg, "connection refused");
	else if (c == CURLE_COULDNT_RESOLVE_HOST)
		snprintf(hd->msg, sizeof hd->msg, "could not resolve host");
	else if (c == CURLE_UNSUPPORTED_PROTOCOL && hd->status >= 300 && hd->status < 400)
		snprintf(hd->msg, sizeof hd->msg, "redirect to a non-https URL refused");
	else
		snprintf(hd->msg, sizeof hd->msg, "%.*s", (int)sizeof hd->msg - 1,
			 hd->errbuf[0] ? hd->errbuf : curl_easy_strerror((CURLcode)c));
	return HTTP_RESULT_NETWORK;
}

/* Runs one callback; the handle is freed afterwards. */
static void deliver(struct http *h, struct http_handle *hd)
{
	struct http_response r = { 0 };

	fifo_unlink(&h->done_head, &h->done_tail, hd);
	all_unlink(h, hd);
	hd->state = HD_CALLING;
	if (hd->cancelled) {
		r.result = HTTP_RESULT_CANCELLED;
		snprintf(hd->msg, sizeof hd->msg, "cancelled");
		hd->status = 0;
		hd->body_len = 0;
		h->stats.cancelled++;
	} else if (hd->deferred) {
		r.result = HTTP_RESULT_DEFERRED;
		snprintf(hd->msg, sizeof hd->msg, "not sent: held back at the head of its queue");
		hd->status = 0;
		hd->body_len = 0;
		h->stats.deferred++;
	} else {
		http_headers_index(hd);
		r.result = classify(hd);
		if (r.result == HTTP_RESULT_OK)
			h->stats.completed++;
		else
			h->stats.failed++;
	}
	if (!hd->body && !(hd->body = calloc(1, 1)))
		r.body = (char *)"";
	r.curl_code = hd->curl_code;
	r.no_such_host = hd->curl_code == CURLE_COULDNT_RESOLVE_HOST;
	r.error = r.result == HTTP_RESULT_OK ? "" : hd->msg;
	r.status = hd->status;
	if (hd->body) {
		r.body = hd->body;
		r.body[hd->body_len] = '\0';
	}
	r.body_len = hd->body_len;
	r.link = http_headers_find(hd, "Link");
	r.elapsed_ms = hd->elapsed_ms;
	r.url = hd->url;
	r.handle = hd;
	log_debug("http: %s %s -> %s %ld, %zu bytes, %ld ms%s%s",
		  hd->method == HTTP_POST ? "POST" : "GET", hd->log_url,
		  http_result_name(r.result), r.status, r.body_len, r.elapsed_ms,
		  *r.error ? ": " : "", r.error);
	h->calling++;
	hd->cb(&r, hd->userdata);
	h->calling--;
	handle_free(hd);
}

/* Delivers every finished request. Returns true if http was freed meanwhile
 * (http_free() from a callback), in which case the caller must not touch it. */
static bool deliver_done(struct http *h)
{
	if (h->calling)
		return false;          /* the outer deliver_done() will get to them */
	while (h->done_head) {
		deliver(h, h->done_head);
		if (h->free_pending) {
			while (h->done_head)     /* the cancelled rest */
				deliver(h, h->done_head);
			http_destroy(h);
			return true;
		}
	}
	return false;
}

/* Moves every transfer curl reports finished to the done list. curl's message
 * must not be used after remove_handle, so everything is copied out first. */
static void collect_finished(struct http *h)
{
	CURLMsg *m;
	int left;

	while ((m = curl_multi_info_read(h->multi, &left))) {
		struct http_handle *hd = NULL;
		CURL *e = m->easy_handle;
		void *priv = NULL;
		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(e, CURLINFO_PRIVATE, (char **)&priv);
		hd = priv;
		hd->curl_code = m->data.result;
		curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &hd->status);
		curl_easy_getinfo(e, CURLINFO_OS_ERRNO, &hd->os_errno);
		hd->elapsed_ms = ms_since(&hd->t_start);
		h->stats.bytes_in += hd->body_len;
		handle_stop(hd);
		done_push(h, hd);
	}
}

/* Fills every host's free slots. After the answers are delivered, not as
 * each transfer ends: a 429 among them closes its window (the owner's gate
 * says so) before the next request of the queue is let go. */
static void pump_all(struct http *h)
{
	for (struct http_host *ho = h->hosts; ho; ho = ho->next)
		host_pump(h, ho);
}

static void after_action(struct http *h)
{
	collect_finished(h);
	if (!deliver_done(h))
		pump_all(h);
}

static void on_sock_event(evutil_socket_t fd, short what, void *arg)
{
	struct http *h = arg;
	int flags = 0, running;

	if (what & EV_READ)
		flags |= CURL_CSELECT_IN;
	if (what & EV_WRITE)
		flags |= CURL_CSELECT_OUT;
	curl_multi_socket_action(h->multi, fd, flags, &running);
	after_action(h);
}

static void on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct http *h = arg;
	int running;

	curl_multi_socket_action(h->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	after_action(h);
}

static void on_kick(evutil_socket_t fd, short what, void *arg)
{
	if (!deliver_done(arg))
		pump_all(arg);
}

/* ---------------------------------------------------------------- API */

static int options_apply(struct http *h, const struct http_options *in)
{
	struct http_options o = in ? *in : (struct http_options){ 0 };

	if (o.connect_timeout_ms < 0 || o.total_timeout_ms < 0 || o.low_speed_limit < 0 ||
	    o.low_speed_time_s < 0)
		return -EINVAL;
	if (!o.connect_timeout_ms) o.connect_timeout_ms = DEF_CONNECT_MS;
	if (!o.total_timeout_ms) o.total_timeout_ms = DEF_TOTAL_MS;
	if (!o.low_speed_limit) o.low_speed_limit = DEF_LOW_SPEED;
	if (!o.low_speed_time_s) o.low_speed_time_s = DEF_LOW_TIME_S;
	if (!o.max_body_bytes) o.max_body_bytes = DEF_MAX_BODY;
	if (!o.max_header_bytes) o.max_header_bytes = DEF_MAX_HEADERS;
	if (!o.max_per_host) o.max_per_host = DEF_PER_HOST;
	if (!o.max_redirects) o.max_redirects = DEF_REDIRECTS;
	h->user_agent = strdup(o.user_agent ? o.user_agent : "mentord/" MENTORD_VERSION);
	if (!h->user_agent)
		return -ENOMEM;
	o.user_agent = h->user_agent;
	h->opt = o;
	return 0;
}

int http_new(struct http **out, struct event_base *base, const struct http_options *opt)
{
	struct http *h;
	int r = -ENOMEM;

	*out = NULL;
	if (!base)
		return -EINVAL;
	if (!(h = calloc(1, sizeof *h)))
		return -ENOMEM;
	h->base = base;
	if ((r = options_apply(h, opt)) < 0)
		goto fail;
	r = -ENOMEM;
	h->multi = curl_multi_init();
	h->timer = evtimer_new(base, on_timer, h);
	h->kick = event_new(base, -1, 0, on_kick, h);
	if (!h->multi || !h->timer || !h->kick)
		goto fail;
	if (curl_multi_setopt(h->multi, CURLMOPT_SOCKETFUNCTION, on_curl_socket) != CURLM_OK ||
	    curl_multi_setopt(h->multi, CURLMOPT_SOCKETDATA, h) != CURLM_OK ||
	    curl_multi_setopt(h->multi, CURLMOPT_TIMERFUNCTION, on_curl_timer) != CURLM_OK ||
	    curl_multi_setopt(h->multi, CURLMOPT_TIMERDATA, h) != CURLM_OK)
		goto fail;
	*out = h;
	return 0;
fail:
	http_destroy(h);
	return r;
}

/* Final teardown; outstanding requests must already be gone. Order matters:
 * curl_multi_cleanup may still call the socket callback, which needs the
 * event base and our events. */
static void http_destroy(struct http *h)
{
	if (h->multi)
		curl_multi_cleanup(h->multi);
	while (h->socks) {          /* sockets curl never reported removed */
		struct http_sock *sk = h->socks;
		h->socks = sk->next;
		event_free(sk->ev);
		free(sk);
	}
	if (h->timer)
		event_free(h->timer);
	if (h->kick)
		event_free(h->kick);
	while (h->hosts) {
		struct http_host *ho = h->hosts;
		h->hosts = ho->next;
		free(ho->key);
		free(ho);
	}
	free(h->user_agent);
	free(h);
}

void http_free(struct http *h)
{
	if (!h || h->closing)
		return;
	h->closing = true;
	/* Stop everything outstanding and queue it for a CANCELLED callback. */
	for (struct http_handle *hd = h->all; hd; hd = hd->all_next) {
		if (hd->state == HD_QUEUED) {
			fifo_unlink(&hd->host->q_head, &hd->host->q_tail, hd);
			h->stats.queued--;
		} else if (hd->state == HD_DONE) {
			fifo_unlink(&h->done_head, &h->done_tail, hd);
		} else if (hd->state == HD_ACTIVE) {
			handle_stop(hd);
		}
		hd->cancelled = true;
		done_push(h, hd);
	}
	if (h->calling) {            /* inside a callback: finish when it returns */
		h->free_pending = true;
		return;
	}
	while (h->done_head)
		deliver(h, h->done_head);
	http_destroy(h);
}

int http_submit(struct http *h, const struct http_request *req,
		http_done_fn cb, void *userdata, struct http_handle **out)
{
	struct http_handle *hd;
	char *key = NULL;
	int r;

	if (out)
		*out = NULL;
	if (!h || !req || !req->url || !cb || (req->method != HTTP_GET && req->method != HTTP_POST))
		return -EINVAL;
	if (h->closing)
		return -ESHUTDOWN;
	if ((r = url_host_key(req->url, &key)) < 0)
		return r;
	if (!(hd = calloc(1, sizeof *hd))) {
		free(key);
		return -ENOMEM;
	}
	hd->http = h;
	hd->cb = cb;
	hd->gate = req->gate;
	hd->userdata = userdata;
	if (!(hd->host = host_get(h, key)) || (r = copy_request(hd, req)) < 0) {
		r = r < 0 ? r : -ENOMEM;
		goto fail;
	}
	if (hd->gate && !hd->gate(hd->userdata)) {
		/* Closed already: answered DEFERRED from the loop, like a queued one. */
		hd->deferred = true;
		done_push(h, hd);
		event_active(h->kick, EV_TIMEOUT, 0);
	} else if (hd->host->active < h->opt.max_per_host && !hd->host->q_head) {
		if ((r = handle_start(hd)) < 0)
			goto fail;
	} else {
		hd->state = HD_QUEUED;
		fifo_push(&hd->host->q_head, &hd->host->q_tail, hd);
		h->stats.queued++;
	}
	all_link(h, hd);
	if (out)
		*out = hd;
	return 0;
fail:
	handle_free(hd);
	return r;
}

void http_cancel(struct http_handle *hd)
{
	struct http *h;

	if (!hd || hd->state == HD_CALLING)
		return;
	h = hd->http;
	all_unlink(h, hd);
	switch (hd->state) {
	case HD_QUEUED:
		fifo_unlink(&hd->host->q_head, &hd->host->q_tail, hd);
		h->stats.queued--;
		break;
	case HD_ACTIVE:
		handle_stop(hd);
		host_pump(h, hd->host);
		break;
	case HD_DONE:
		fifo_unlink(&h->done_head, &h->done_tail, hd);
		break;
	case HD_CALLING:
		return;
	}
	h->stats.cancelled++;
	log_debug("http: cancelled %s", hd->log_url);
	handle_free(hd);
}

const char *http_response_header(const struct http_response *resp, const char *name)
{
	if (!resp || !resp->handle || !name)
		return NULL;
	return http_headers_find(resp->handle, name);
}

char *http_response_take_body(struct http_response *resp, size_t *len)
{
	char *b;

	if (!resp)
		return NULL;
	if (resp->handle && resp->body == resp->handle->body) {
		b = resp->body;
		resp->handle->body = NULL;
	} else {
		b = malloc(resp->body_len + 1);
		if (!b)
			return NULL;
		memcpy(b, resp->body, resp->body_len + 1);
	}
	if (len)
		*len = resp->body_len;
	resp->body = (char *)"";
	resp->body_len = 0;
	return b;
}

void http_get_stats(const struct http *h, struct http_stats *out)
{
	*out = h->stats;
}
