/* http_internal.h — the insides of http/, shared by http.c (the multi
 * handle in libevent, queues, delivery) and http_headers.c (response
 * headers), and reached by the headers fuzz target and the regression test
 * that replays its finds. Nothing else includes it. */
#ifndef MENTORD_HTTP_HTTP_INTERNAL_H
#define MENTORD_HTTP_HTTP_INTERNAL_H

#include "http/http.h"

#include <curl/curl.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#ifndef CURL_WRITEFUNC_ERROR
#define CURL_WRITEFUNC_ERROR 0xFFFFFFFF
#endif

#define DEF_CONNECT_MS   10000L
#define DEF_TOTAL_MS     30000L
#define DEF_LOW_SPEED    1L
#define DEF_LOW_TIME_S   20L
#define DEF_MAX_BODY     ((size_t)8 << 20)
#define DEF_MAX_HEADERS  ((size_t)64 << 10)   /* all header lines of a response */
#define DEF_PER_HOST     4U
#define DEF_REDIRECTS    3
#define BODY_INITIAL     16384

enum hd_state { HD_QUEUED, HD_ACTIVE, HD_DONE, HD_CALLING };

struct http_host {
	struct http_host *next;
	char *key;                       /* "scheme://host:port" */
	unsigned active;
	struct http_handle *q_head, *q_tail;
};

struct hdr_field { const char *name, *value; };

struct http_handle {
	struct http *http;
	struct http_host *host;
	struct http_handle *all_prev, *all_next;   /* http->all: every live handle */
	struct http_handle *q_prev, *q_next;       /* host queue or http->done */
	enum hd_state state;
	CURL *easy;
	struct curl_slist *req_headers;
	char *url, *log_url;
	enum http_method method;
	char *req_body;
	size_t req_body_len;
	long timeout_ms;
	http_done_fn cb;
	bool (*gate)(void *userdata);
	void *userdata;
	/* response */
	char *body;
	size_t body_len, body_cap;
	char *hbuf;                      /* "Name: value\0" lines of the last response */
	size_t hlen, hcap;
	struct hdr_field *fields;
	size_t nfields;
	bool body_too_large, headers_too_large, oom, cancelled, deferred;
	int curl_code;
	long status, elapsed_ms, os_errno;
	struct timespec t_start;
	char errbuf[CURL_ERROR_SIZE];
	char msg[CURL_ERROR_SIZE + 32];
};

struct http_sock {
	struct http_sock *prev, *next;
	struct http *http;
	curl_socket_t fd;
	short kind;
	struct event *ev;
};

struct http {
	struct event_base *base;
	CURLM *multi;
	struct event *timer;             /* curl's single timeout */
	struct event *kick;              /* delivers http->done outside a drain */
	struct http_options opt;
	char *user_agent;
	struct http_host *hosts;
	struct http_handle *all;
	struct http_handle *done_head, *done_tail;
	struct http_sock *socks;
	struct http_stats stats;
	int calling;                     /* > 0 while a user callback runs */
	bool closing, free_pending;
};

/* ---- http_headers.c ---- */
/* curl's CURLOPT_HEADERFUNCTION (ud: the handle): keeps the lines of the
 * last response; 0 (abort) past max_header_bytes or out of memory. */
size_t http_headers_line(char *p, size_t size, size_t n, void *ud);
/* Splits the kept lines into hd->fields once the transfer is done. */
void http_headers_index(struct http_handle *hd);
/* A header's value (names compare case-insensitively), or NULL. */
const char *http_headers_find(const struct http_handle *hd, const char *name);

#endif
