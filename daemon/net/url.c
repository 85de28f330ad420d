#include "net/url.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool url_unreserved(unsigned char c)
{
	return isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

int net_url_escape(struct strbuf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		size_t run = 0;

		/* Copy runs of safe bytes in one append: keeps long texts linear. */
		while (p[run] && url_unreserved(p[run]))
			run++;
		if (run) {
			strbuf_append(b, (const char *)p, run);
			p += run;
			continue;
		}
		char enc[3] = { '%', hex[*p >> 4], hex[*p & 15] };
		strbuf_append(b, enc, 3);
		p++;
	}
	return b->err;
}

int net_url_param(struct strbuf *b, const char *name, const char *value)
{
	if (!value)
		return b->err;
	strbuf_putc(b, b->data && memchr(b->data, '?', b->len) ? '&' : '?');
	strbuf_puts(b, name);
	strbuf_putc(b, '=');
	return net_url_escape(b, value);
}

int net_url_param_int(struct strbuf *b, const char *name, long long value)
{
	strbuf_putc(b, b->data && memchr(b->data, '?', b->len) ? '&' : '?');
	return strbuf_printf(b, "%s=%lld", name, value);
}

int net_url_join(struct strbuf *b, const char *base, const char *path)
{
	size_t n = strlen(base);

	while (n && base[n - 1] == '/')
		n--;
	strbuf_append(b, base, n);
	return strbuf_puts(b, path);
}

size_t net_url_origin_len(const char *url)
{
	const char *p = url, *auth;

	while (isalnum((unsigned char)*p) || *p == '+' || *p == '-' || *p == '.')
		p++;
	if (p == url || strncmp(p, "://", 3) != 0)
		return 0;
	auth = p + 3;
	p = auth + strcspn(auth, "/?#");
	return p == auth ? 0 : (size_t)(p - url);
}

bool net_url_same_origin(const char *a, const char *b)
{
	size_t la = net_url_origin_len(a), lb = net_url_origin_len(b);

	return la && la == lb && strncasecmp(a, b, la) == 0;
}

char *net_url_host(const char *url)
{
	size_t len = net_url_origin_len(url);
	const char *auth, *end, *at, *h;
	char *out;

	if (!len)
		return NULL;
	auth = strstr(url, "://") + 3;
	end = url + len;
	at = memchr(auth, '@', (size_t)(end - auth));
	h = at ? at + 1 : auth;
	if (*h == '[') {   /* IPv6 literal: keep up to the bracket */
		const char *rb = memchr(h, ']', (size_t)(end - h));
		end = rb ? rb + 1 : end;
	} else {
		const char *colon = memchr(h, ':', (size_t)(end - h));
		end = colon ? colon : end;
	}
	out = strndup(h, (size_t)(end - h));
	for (char *c = out; c && *c; c++)
		*c = (char)tolower((unsigned char)*c);
	return out;
}

/* The scheme's own port, which a handle never spells out. */
static bool url_default_port(const char *url, const char *port, size_t n)
{
	return (n == 3 && memcmp(port, "443", 3) == 0 && strncasecmp(url, "https://", 8) == 0) ||
	       (n == 2 && memcmp(port, "80", 2) == 0 && strncasecmp(url, "http://", 7) == 0);
}

char *net_url_authority(const char *url)
{
	size_t len = net_url_origin_len(url), hl, n;
	const char *auth, *end, *at, *h, *port;
	char *host, *out;

	if (!len || !(host = net_url_host(url)))
		return NULL;
	auth = strstr(url, "://") + 3;
	end = url + len;
	at = memchr(auth, '@', (size_t)(end - auth));
	h = at ? at + 1 : auth;
	hl = strlen(host);
	port = h + hl < end && h[hl] == ':' ? h + hl + 1 : end;
	n = (size_t)(end - port);
	if (!net_url_valid_port(port, n) || url_default_port(url, port, n))
		return host;
	out = malloc(hl + 1 + n + 1);
	if (out) {
		memcpy(out, host, hl);
		out[hl] = ':';
		memcpy(out + hl + 1, port, n);
		out[hl + 1 + n] = '\0';
	}
	free(host);
	return out;
}

bool net_url_valid_port(const char *s, size_t n)
{
	unsigned long v = 0;

	if (n < 1 || n > 5)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return false;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	return v >= 1 && v <= 65535;
}

bool net_url_valid_authority(const char *d, size_t n)
{
	const char *colon = memchr(d, ':', n);
	size_t hl = colon ? (size_t)(colon - d) : n;

	if (!colon)
		return net_url_valid_host(d, n);
	if (!net_url_valid_port(colon + 1, n - hl - 1))
		return false;
	/* A development instance (Mastodon's own is http://localhost:3000)
	 * is only ever reached through a port. */
	return net_url_valid_host(d, hl) || (hl == 9 && strncasecmp(d, "localhost", 9) == 0);
}

bool net_url_valid_host(const char *d, size_t n)
{
	size_t label = 0;
	bool digits_only = true;
	if (n == 0 || n > 253)
		return false;
	for (size_t i = 0; i <= n; i++) {
		char c = i < n ? d[i] : '.';
		if (c == '.') {
			if (label == 0 || d[i - 1] == '-' || d[i - label] == '-')
				return false;
			label = 0;
			digits_only = i < n ? true : digits_only;
			continue;
		}
		if (!isalnum((unsigned char)c) && c != '-')
			return false;
		if (!isdigit((unsigned char)c))
			digits_only = false;
		if (++label > 63)
			return false;
	}
	return memchr(d, '.', n) && !digits_only;
}

bool net_url_segment_after(const char *word, const char *prefix, char *seg, size_t size)
{
	const char *p = strcasestr(word, prefix);
	size_t k;
	if (!p)
		return false;
	p += strlen(prefix);
	k = strcspn(p, "/?#");
	if (k == 0 || k >= size)
		return false;
	memcpy(seg, p, k);
	seg[k] = '\0';
	return true;
}
