/* url.h — percent-encoding and URL pieces for request builders.
 *
 * Only what the adapters need: encode a value for a query or a path segment,
 * append query parameters, and compare origins so that a server-provided URL
 * (a Mastodon Link header) is never followed to another host with our token. */
#ifndef MENTORD_NET_URL_H
#define MENTORD_NET_URL_H

#include <stdbool.h>
#include <stddef.h>

#include "common/strbuf.h"

/* Appends s percent-encoded: RFC 3986 unreserved bytes (A-Z a-z 0-9 - . _ ~)
 * stay, every other byte becomes %XX (so UTF-8 is encoded byte by byte). */
int net_url_escape(struct strbuf *b, const char *s);
/* Appends "?name=value" or "&name=value" (whichever fits what b holds),
 * encoding value. A NULL value appends nothing. */
int net_url_param(struct strbuf *b, const char *name, const char *value);
int net_url_param_int(struct strbuf *b, const char *name, long long value);
/* Appends base without its trailing slashes, then path (which starts with '/'). */
int net_url_join(struct strbuf *b, const char *base, const char *path);
/* Length of "scheme://authority" at the start of url, 0 if url has none. */
size_t net_url_origin_len(const char *url);
/* True when both URLs have the same scheme and authority (case-insensitive). */
bool net_url_same_origin(const char *a, const char *b);
/* The host of url (no userinfo, no port), lower-cased, heap-allocated;
 * NULL if url has no authority or on allocation failure. */
char *net_url_host(const char *url);
/* The authority of url as a handle names an instance: the host as
 * net_url_host() gives it, then ":port" when the URL has a port other than
 * its scheme's default (https 443, http 80). Heap-allocated; NULL if url has
 * no authority or on allocation failure. */
char *net_url_authority(const char *url);

/* True for an RFC 1123 host name of at least two labels whose last label
 * is not all digits ("med.social", not "localhost" or "10.0.0.1"). */
bool net_url_valid_host(const char *d, size_t n);
/* A port as written after a host: 1 to 5 digits, 1..65535. */
bool net_url_valid_port(const char *s, size_t n);
/* "host" or "host:port": a host net_url_valid_host() accepts, or, with a
 * port, "localhost". */
bool net_url_valid_authority(const char *d, size_t n);
/* The path segment that follows prefix (searched case-insensitively) in
 * word, up to '/', '?' or '#', copied into seg; false when there is none
 * or it does not fit. */
bool net_url_segment_after(const char *word, const char *prefix, char *seg, size_t size);

#endif
