/* net_testutil.h — fixture loading for the net adapter tests (header-only,
 * shared by tests/unit/test_net_*.c).
 *
 * A fixture is the recorded-response wrapper used in ../shared/fixtures/real
 * and tests/fixtures: {"status", "headers": {...}, "body": <JSON> | "body_raw":
 * "<text>", "request": {"url"}}. The body bytes are taken verbatim from the
 * file (a span of the raw text, escapes like \uD83D\uDE00 kept) so parsers see
 * exactly what the server sent. */
#ifndef MENTORD_NET_TESTUTIL_H
#define MENTORD_NET_TESTUTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "net/net.h"
#include "tap.h"

struct fixture {
	char *text;                       /* whole file */
	size_t len;
	cJSON *wrapper;
	const char *body;                 /* points into text, or raw_body */
	size_t body_len;
	char *raw_body;                   /* decoded body_raw */
	int status;
	struct net_header_pair hdr[64];
	struct net_header_list hlist;
	const char *url;                  /* request.url, or "" */
};

static inline char *fx_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (buf = malloc((size_t)n + 1)) && fread(buf, 1, (size_t)n, f) == (size_t)n) {
		buf[n] = '\0';
		*len = (size_t)n;
	} else {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

/* Skips one JSON value starting at p (after whitespace); returns its end. */
static inline const char *fx_skip_value(const char *p, const char *end)
{
	int depth = 0;
	bool in_str = false;

	while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
		p++;
	if (p < end && *p != '"' && *p != '{' && *p != '[') {   /* number, true, null */
		while (p < end && !strchr(",}] \n\r\t", *p))
			p++;
		return p;
	}
	for (; p < end; p++) {
		char c = *p;

		if (in_str) {
			if (c == '\\')
				p++;
			else if (c == '"') {
				in_str = false;
				if (!depth)
					return p + 1;
			}
		} else if (c == '"') {
			in_str = true;
		} else if (c == '{' || c == '[') {
			depth++;
		} else if ((c == '}' || c == ']') && --depth == 0) {
			return p + 1;
		}
	}
	return end;
}

/* The raw span of a top-level member of the wrapper object. */
static inline bool fx_member_span(const char *text, size_t len, const char *key,
				  const char **start, size_t *n)
{
	const char *p = text, *end = text + len;
	size_t kl = strlen(key);

	while (p < end && *p != '{')
		p++;
	for (p++; p < end;) {
		const char *k, *v;

		while (p < end && *p != '"' && *p != '}')
			p++;
		if (p >= end || *p == '}')
			return false;
		k = p + 1;
		p = fx_skip_value(p, end);           /* the key string */
		while (p < end && *p != ':')
			p++;
		v = ++p;
		while (v < end && (*v == ' ' || *v == '\n' || *v == '\t' || *v == '\r'))
			v++;
		p = fx_skip_value(v, end);
		if ((size_t)(p - k) >= kl + 1 && strncmp(k, key, kl) == 0 && k[kl] == '"') {
			*start = v;
			*n = (size_t)(p - v);
			return true;
		}
		while (p < end && *p != ',' && *p != '}')
			p++;
		if (p < end && *p == ',')
			p++;
	}
	return false;
}

static inline void fx_free(struct fixture *fx)
{
	free(fx->text);
	free(fx->raw_body);
	cJSON_Delete(fx->wrapper);
	memset(fx, 0, sizeof(*fx));
}

/* Loads a wrapper file. Returns 0, or -1 if it cannot be read or parsed. */
static inline int fx_load(struct fixture *fx, const char *path)
{
	const cJSON *st, *h, *req, *raw;
	size_t n = 0;

	memset(fx, 0, sizeof(*fx));
	fx->text = fx_read_file(path, &fx->len);
	if (!fx->text || !(fx->wrapper = cJSON_ParseWithLength(fx->text, fx->len)))
		goto fail;
	st = cJSON_GetObjectItemCaseSensitive(fx->wrapper, "status");
	fx->status = cJSON_IsNumber(st) ? st->valueint : 0;
	h = cJSON_GetObjectItemCaseSensitive(fx->wrapper, "headers");
	for (const cJSON *it = cJSON_IsObject(h) ? h->child : NULL; it && n < 64; it = it->next)
		if (cJSON_IsString(it))
			fx->hdr[n++] = (struct net_header_pair){ it->string, it->valuestring };
	fx->hlist = (struct net_header_list){ fx->hdr, n };
	req = cJSON_GetObjectItemCaseSensitive(fx->wrapper, "request");
	st = cJSON_GetObjectItemCaseSensitive(req, "url");
	fx->url = cJSON_IsString(st) ? st->valuestring : "";
	raw = cJSON_GetObjectItemCaseSensitive(fx->wrapper, "body_raw");
	if (cJSON_IsString(raw)) {
		fx->raw_body = strdup(raw->valuestring);
		fx->body = fx->raw_body;
		fx->body_len = fx->raw_body ? strlen(fx->raw_body) : 0;
	} else if (!fx_member_span(fx->text, fx->len, "body", &fx->body, &fx->body_len)) {
		fx->body = NULL;
		fx->body_len = 0;
	}
	return 0;
fail:
	fx_free(fx);
	return -1;
}

static inline struct net_response fx_response(const struct fixture *fx, int64_t now)
{
	return (struct net_response){
		.status = fx->status, .header = net_header_list_get,
		.header_ctx = (void *)&fx->hlist, .body = fx->body, .body_len = fx->body_len,
		.now = now,
	};
}

/* A response from literal parts, for inline test bodies. */
static inline struct net_response fx_inline(int status, const char *body,
					    const struct net_header_list *h, int64_t now)
{
	return (struct net_response){
		.status = status, .header = h ? net_header_list_get : NULL, .header_ctx = (void *)h,
		.body = body, .body_len = body ? strlen(body) : 0, .now = now,
	};
}

/* Where the source tree is: $MENTORD_SRC, else the current directory. */
static inline void fx_path(char *out, size_t cap, const char *rel)
{
	const char *src = getenv("MENTORD_SRC");

	snprintf(out, cap, "%s/%s", src && *src ? src : ".", rel);
}

/* Loads tests/fixtures/<network>/<name> and parses it as op. A load failure
 * is reported as a failed check and returns -1 with *pg zeroed. */
static inline int fx_parse(const struct net_platform *p, const struct net_config *cfg, const char *name,
                           int64_t now, enum net_op op, struct net_walk *w, struct net_page *pg)
{
	char path[1024], rel[256];
	struct fixture fx;
	struct net_response resp;
	int r;

	snprintf(rel, sizeof rel, "tests/fixtures/%s/%s", p->name, name);
	fx_path(path, sizeof path, rel);
	if (!ok(fx_load(&fx, path) == 0, "load %s", name)) {
		memset(pg, 0, sizeof(*pg));
		return -1;
	}
	resp = fx_response(&fx, now);
	r = net_parse(p, cfg, op, &resp, w, pg);
	fx_free(&fx);
	return r;
}

#endif
