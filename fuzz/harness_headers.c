/* harness_headers.c — response headers from the raw lines
 * curl hands over to what the scheduler reads from them.
 *
 * The input is a header block as sent ("HTTP/1.1 200 OK\r\nName: value\r\n…").
 * Each line goes through the capture of http_headers.c (reached through
 * http_internal.h), then every consumer of header values runs on the
 * result: the rate-limit readers of every network, Link rel="prev"/"next"
 * (Mastodon paging, with the origin check that keeps our token on our
 * host), Retry-After and the timestamp parsers the reset headers use. */
#include "harness.h"
#include "http/http_internal.h"

#include <stdlib.h>
#include <string.h>

#include "net/link_header.h"
#include "net/net.h"
#include "net/time.h"
#include "net/url.h"

#define FUZZ_HDR_NOW 1730541600

static const char *fuzz_hdr_get(void *ctx, const char *name)
{
	return http_headers_find(ctx, name);
}

static void fuzz_hdr_link(const char *value, const char *rel)
{
	char *url = NULL;
	char *host;

	if (net_link_header_find(value, rel, &url) != 0) {
		if (url)
			abort();         /* link.h: *url is set only on success */
		return;
	}
	if (!url)
		abort();
	(void)net_url_same_origin(url, "https://mastodon.example");
	host = net_url_host(url);
	free(host);
	free(url);
}

static void fuzz_hdr_values(const char *v)
{
	int64_t t;

	(void)net_time_parse(v, &t);
	(void)net_time_parse_ms(v, &t);
	(void)net_time_parse_http(v, &t);
	(void)net_time_parse_retry_after(v, FUZZ_HDR_NOW, &t);
}

int fuzz_headers_one(const uint8_t *data, size_t size)
{
	struct http h = { .opt = { .max_header_bytes = DEF_MAX_HEADERS } };
	struct http_handle hd = { .http = &h };
	const struct net_platform *const *ps = net_platforms();
	struct net_response resp = { .status = 200, .header = fuzz_hdr_get, .header_ctx = &hd,
				     .now = FUZZ_HDR_NOW };
	size_t off = 0;

	/* curl calls on_header once per line, the line ending included; each
	 * line is copied to an exact-size buffer so an over-read shows. */
	while (off < size) {
		const uint8_t *nl = memchr(data + off, '\n', size - off);
		size_t n = nl ? (size_t)(nl - (data + off)) + 1 : size - off;
		char *line = malloc(n);

		if (!line)
			goto out;
		memcpy(line, data + off, n);
		if (http_headers_line(line, 1, n, &hd) != n) {
			free(line);
			goto out;          /* refused: curl aborts the transfer */
		}
		free(line);
		off += n;
	}
	http_headers_index(&hd);
	for (size_t i = 0; i < hd.nfields; i++) {
		if (!hd.fields[i].name || !hd.fields[i].value)
			abort();
		fuzz_hdr_values(hd.fields[i].value);
	}
	for (size_t i = 0; ps[i]; i++) {
		struct net_rate rate;

		net_read_rate(ps[i], &resp, &rate);
	}
	if (http_headers_find(&hd, "link")) {
		fuzz_hdr_link(http_headers_find(&hd, "link"), "prev");
		fuzz_hdr_link(http_headers_find(&hd, "link"), "next");
	}
out:
	free(hd.fields);
	free(hd.hbuf);
	return 0;
}
