/* http_headers.c — the response headers of a request: the lines curl
 * hands over, kept within a size cap, then split into name/value pairs once
 * the transfer is done, and looked up case-insensitively. Separate from
 * http.c because it is the part that reads what a server sends: the fuzz
 * target (fuzz/harness_headers.c) drives it directly. */
#include "http/http_internal.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Called once per header line of every response of the transfer (redirects,
 * 100-continue): a status line starts a new capture. */
size_t http_headers_line(char *p, size_t size, size_t n, void *ud)
{
	struct http_handle *hd = ud;
	size_t len = size * n, max = hd->http->opt.max_header_bytes;

	if (len >= 5 && memcmp(p, "HTTP/", 5) == 0) {
		hd->hlen = 0;
		return len;
	}
	while (len > 0 && (p[len - 1] == '\n' || p[len - 1] == '\r'))
		len--;
	/* A NUL would split the line in http_headers_index() into a piece without a
	 * colon (a NULL dereference). curl 7.88 refuses NULs in header and
	 * trailer lines itself; this does not rely on every version doing so. */
	if (len == 0 || p[0] == ' ' || p[0] == '\t' || !memchr(p, ':', len) || memchr(p, '\0', len))
		return size * n;     /* blank line, obsolete folding, junk */
	if (hd->hlen + len + 1 > max) {
		hd->headers_too_large = true;
		return 0;
	}
	if (hd->hlen + len + 1 > hd->hcap) {
		size_t cap = hd->hcap ? hd->hcap * 2 : 1024;
		char *nb;
		while (cap < hd->hlen + len + 1)
			cap *= 2;
		nb = realloc(hd->hbuf, cap);
		if (!nb) {
			hd->oom = true;
			return 0;
		}
		hd->hbuf = nb;
		hd->hcap = cap;
	}
	memcpy(hd->hbuf + hd->hlen, p, len);
	hd->hbuf[hd->hlen + len] = '\0';
	hd->hlen += len + 1;
	return size * n;
}

void http_headers_index(struct http_handle *hd)
{
	size_t n = 0, i = 0;

	for (size_t off = 0; off < hd->hlen; off += strlen(hd->hbuf + off) + 1)
		n++;
	if (n == 0 || !(hd->fields = calloc(n, sizeof *hd->fields)))
		return;
	for (size_t off = 0; off < hd->hlen; ) {
		char *line = hd->hbuf + off, *colon = strchr(line, ':'), *v, *end;
		off += strlen(line) + 1;
		*colon = '\0';
		for (end = colon; end > line && (end[-1] == ' ' || end[-1] == '\t'); end--)
			end[-1] = '\0';
		for (v = colon + 1; *v == ' ' || *v == '\t'; v++)
			;
		for (end = v + strlen(v); end > v && (end[-1] == ' ' || end[-1] == '\t'); end--)
			end[-1] = '\0';
		hd->fields[i].name = line;
		hd->fields[i].value = v;
		i++;
	}
	hd->nfields = i;
}

const char *http_headers_find(const struct http_handle *hd, const char *name)
{
	for (size_t i = 0; i < hd->nfields; i++)
		if (strcasecmp(hd->fields[i].name, name) == 0)
			return hd->fields[i].value;
	return NULL;
}
