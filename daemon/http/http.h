/* http.h — asynchronous HTTP client: libcurl's multi_socket interface driven
 * by a caller-owned libevent base.
 *
 * One struct http serves the whole daemon. Requests are submitted with a
 * completion callback; the callback always runs later from the event loop,
 * never inside http_submit() or http_cancel(), and it may submit new
 * requests (that is how paging and polling chains are expected to work).
 *
 * Per request the layer enforces: connect timeout, total timeout (counted
 * from the moment the transfer starts, not while it waits in the per-host
 * queue), stall detection (low-speed limit), a cap on the decoded body and on
 * the response headers, http/https only, TLS verification, redirects only to
 * https, gzip/deflate/br/zstd accepted. At most max_per_host transfers run
 * per scheme://host:port; the rest wait in FIFO order.
 *
 * curl_global_init(CURL_GLOBAL_DEFAULT) must have been called (once, in
 * main) before http_new().
 *
 * Logging: each request is logged at debug level as method + URL with the
 * query values elided; headers (tokens!) and bodies are never logged.
 * Transport failures are not logged above debug: the callback receives a
 * short human error string and the caller, which knows which account and
 * whether it will retry, decides what to log. */
#ifndef MENTORD_HTTP_H
#define MENTORD_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct event_base;
struct http;
struct http_handle;

/* Zero means "default" for every field, so `struct http_options o = {0}` or a
 * NULL pointer gives the defaults listed. */
struct http_options {
	const char *user_agent;    /* "mentord/" MENTORD_VERSION */
	long connect_timeout_ms;   /* 10000 */
	long total_timeout_ms;     /* 30000; whole transfer, from its start */
	long low_speed_limit;      /* 1 byte/s ... */
	long low_speed_time_s;     /* ... sustained for 20 s counts as stalled */
	size_t max_body_bytes;     /* 8 MiB of decoded body */
	size_t max_header_bytes;   /* 64 KiB of headers per response */
	unsigned max_per_host;     /* 4 concurrent transfers per scheme://host:port */
	int max_redirects;         /* 3; negative: never follow redirects */
};

enum http_method { HTTP_GET = 0, HTTP_POST };

/* Everything is copied by http_submit(); the caller may free it afterwards. */
struct http_request {
	enum http_method method;
	const char *url;                /* http:// or https:// only */
	const char *const *headers;     /* NULL or NULL-terminated "Name: value" list */
	const void *body;               /* POST body or NULL */
	size_t body_len;
	const char *content_type;       /* of body; NULL: application/json */
	long timeout_ms;                /* 0: the options' total_timeout_ms */
	/* Asked (with the callback's userdata) whenever the request is about
	 * to be sent: at http_submit() when a slot is free, else when it
	 * leaves its host's queue (after the answers that finished with it
	 * were delivered), not when it was queued. false means it is not sent
	 * and completes, from the loop, as HTTP_RESULT_DEFERRED (say, a rate
	 * window closed while it waited). NULL: always sent. */
	bool (*gate)(void *userdata);
};

enum http_result {
	HTTP_RESULT_OK = 0,     /* a response arrived; its status may still be 4xx/5xx */
	HTTP_RESULT_TIMEOUT,    /* connect timeout, total timeout or stall */
	HTTP_RESULT_TOO_LARGE,  /* body or headers exceeded the cap */
	HTTP_RESULT_NETWORK,    /* refused, DNS, reset, TLS, protocol, bad redirect... */
	HTTP_RESULT_CANCELLED,  /* only from http_free(), see there */
	HTTP_RESULT_DEFERRED,   /* never sent: its gate said no (struct http_request) */
};

/* Valid only during the callback (except a body taken with
 * http_response_take_body()). */
struct http_response {
	enum http_result result;
	int curl_code;              /* CURLcode, 0 = CURLE_OK */
	bool no_such_host;          /* NETWORK: the host name did not resolve (offline, or a typo) */
	const char *error;          /* short human text; "" when result is OK */
	long status;                /* HTTP status of the final response; 0 if none */
	char *body;                 /* decoded body, NUL-terminated; never NULL */
	size_t body_len;            /* excludes the NUL */
	const char *link;           /* Link header value or NULL */
	long elapsed_ms;            /* from transfer start to completion */
	const char *url;            /* as submitted */
	struct http_handle *handle; /* internal: header storage */
};

typedef void (*http_done_fn)(struct http_response *resp, void *userdata);

/* Returns 0, -EINVAL (NULL base or bad option) or -ENOMEM. */
int http_new(struct http **out, struct event_base *base, const struct http_options *opt);

/* Cancels every outstanding request and calls each one's callback exactly
 * once with result HTTP_RESULT_CANCELLED (status 0, empty body), so owners can
 * free their userdata; owners whose userdata is already gone must
 * http_cancel() their requests first. http_submit() from those callbacks
 * fails with -ESHUTDOWN. Called from inside a completion callback, the
 * free is deferred until that callback returns. NULL is a no-op. */
void http_free(struct http *h);

/* Submits a request. Returns 0 and, if out is not NULL, a handle that stays
 * valid until the callback has started or http_cancel() was called.
 * Errors (no callback will run): -EINVAL (bad URL, NULL cb), -EPROTONOSUPPORT
 * (scheme other than http/https), -ENOMEM, -ESHUTDOWN (during http_free). */
int http_submit(struct http *h, const struct http_request *req,
		http_done_fn cb, void *userdata, struct http_handle **out);

/* Cancels a queued or running request. Its callback is NOT called (the caller
 * still owns userdata). A no-op for the handle whose callback is running.
 * Never pass a handle whose callback has already returned. */
void http_cancel(struct http_handle *hd);

/* Case-insensitive lookup of a header of the final response (headers of
 * redirects and 1xx responses are discarded). Returns the first value with
 * surrounding whitespace trimmed, or NULL. */
const char *http_response_header(const struct http_response *resp, const char *name);

/* Moves the body out of the response: the caller frees the returned,
 * NUL-terminated buffer with free(). Afterwards resp->body is "" and
 * body_len 0. Returns NULL on allocation failure. */
char *http_response_take_body(struct http_response *resp, size_t *len);

struct http_stats {
	uint64_t started;    /* transfers handed to curl */
	uint64_t completed;  /* callbacks with HTTP_RESULT_OK */
	uint64_t failed;     /* callbacks with TIMEOUT, TOO_LARGE or NETWORK */
	uint64_t cancelled;  /* http_cancel() calls plus requests cancelled by http_free() */
	uint64_t deferred;   /* queued requests their gate kept back */
	uint64_t bytes_in;   /* decoded body bytes received */
	unsigned active;     /* transfers running now */
	unsigned queued;     /* requests waiting for a per-host slot */
};

void http_get_stats(const struct http *h, struct http_stats *out);

/* "ok", "timeout", "too_large", "network", "cancelled", "deferred". */
const char *http_result_name(enum http_result r);

#endif
