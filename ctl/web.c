#include "web.h"

#include <curl/curl.h>
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define WEB_BODY_MAX (1024 * 1024)

static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
	struct web_reply *rp = arg;
	size_t add = size * n;
	char *p;

	if (rp->len + add > WEB_BODY_MAX)
		return 0;
	if (!(p = realloc(rp->body, rp->len + add + 1)))
		return 0;
	memcpy(p + rp->len, data, add);
	rp->body = p;
	rp->len += add;
	p[rp->len] = '\0';
	return add;
}

static size_t on_header(char *data, size_t size, size_t n, void *arg)
{
	struct web_reply *rp = arg;
	size_t len = size * n;
	static const char *const names[] = { "retry-after:", "x-rate-limit-reset:", "ratelimit-reset:" };

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		size_t k = strlen(names[i]);
		if (len > k && strncasecmp(data, names[i], k) == 0) {
			long v = strtol(data + k, NULL, 10);
			/* X and Bluesky send the reset as epoch seconds */
			if (i > 0 && v > 1000000000L)
				v -= (long)time(NULL);
			if (v >= 0 && rp->retry_after < 0)
				rp->retry_after = v;
		}
	}
	return len;
}

int web_do(const struct web_call *c, struct web_reply *rp)
{
	struct curl_slist *hdrs = NULL;
	CURL *h;
	CURLcode rc;
	long t = c->timeout_s > 0 ? c->timeout_s : 30;
	char auth[8300];
	int r = 0;

	memset(rp, 0, sizeof *rp);
	rp->retry_after = -1;
	if (!(rp->body = calloc(1, 1)) || !(h = curl_easy_init())) {
		snprintf(rp->err, sizeof rp->err, "out of memory");
		return -ENOMEM;
	}
	curl_easy_setopt(h, CURLOPT_URL, c->url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, t < 10 ? t : 10L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, t);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "mentorctl/" MENTORD_VERSION);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, rp);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, rp);
	hdrs = curl_slist_append(hdrs, "Accept: application/json");
	if (c->bearer) {
		snprintf(auth, sizeof auth, "Authorization: Bearer %s", c->bearer);
		hdrs = curl_slist_append(hdrs, auth);
		explicit_bzero(auth, sizeof auth);
	}
	if (c->basic_user) {
		curl_easy_setopt(h, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
		curl_easy_setopt(h, CURLOPT_USERNAME, c->basic_user);
		curl_easy_setopt(h, CURLOPT_PASSWORD, "");
	}
	if (c->form || c->json || strcmp(c->method, "POST") == 0) {
		const char *body = c->form ? c->form : c->json ? c->json : "";
		hdrs = curl_slist_append(hdrs, c->json ? "Content-Type: application/json"
		                                       : "Content-Type: application/x-www-form-urlencoded");
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	}
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	rc = curl_easy_perform(h);
	if (rc == CURLE_OK) {
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &rp->status);
	} else if (rc == CURLE_OPERATION_TIMEDOUT) {
		snprintf(rp->err, sizeof rp->err, "the server did not answer within %ld s", t);
		r = -ETIMEDOUT;
	} else if (rc == CURLE_WRITE_ERROR) {
		snprintf(rp->err, sizeof rp->err, "the answer is larger than %d KiB", WEB_BODY_MAX / 1024);
		r = -EIO;
	} else {
		snprintf(rp->err, sizeof rp->err, "%s", curl_easy_strerror(rc));
		r = -EIO;
	}
	/* curl keeps a copy of the headers (and so of the token) until cleanup. */
	for (struct curl_slist *s = hdrs; s; s = s->next)
		explicit_bzero(s->data, strlen(s->data));
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(h);
	return r;
}

void web_reply_clear(struct web_reply *rp)
{
	if (rp->body) {
		explicit_bzero(rp->body, rp->len);
		free(rp->body);
	}
	rp->body = NULL;
	rp->len = 0;
}

char *web_escape(const char *s)
{
	char *e = curl_easy_escape(NULL, s, 0), *out;
	if (!e)
		return NULL;
	out = strdup(e);
	explicit_bzero(e, strlen(e));
	curl_free(e);
	return out;
}

cJSON *web_json(const struct web_reply *rp)
{
	cJSON *j = rp->body ? cJSON_ParseWithLength(rp->body, rp->len) : NULL;
	if (j && !cJSON_IsObject(j)) {
		cJSON_Delete(j);
		return NULL;
	}
	return j;
}

static const char *str_of(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* The server's own words: Mastodon/OAuth "error_description"/"error",
 * Bluesky "message", X "detail"/"title". */
static void server_words(const struct web_reply *rp, char *out, size_t size)
{
	static const char *const keys[] = { "error_description", "message", "detail", "error", "title" };
	cJSON *j = web_json(rp);
	const char *w = NULL;
	size_t n = 0;

	out[0] = '\0';
	for (size_t i = 0; j && !w && i < sizeof keys / sizeof keys[0]; i++)
		w = str_of(j, keys[i]);
	for (; w && *w && n + 1 < size && n < 120; w++)
		out[n++] = isprint((unsigned char)*w) ? *w : '?';
	out[n] = '\0';
	cJSON_Delete(j);
}

void web_describe(const struct web_reply *rp, char *out, size_t size)
{
	char words[128];

	if (rp->status == 0) {
		snprintf(out, size, "%s", rp->err[0] ? rp->err : "no answer");
		return;
	}
	server_words(rp, words, sizeof words);
	if (rp->status == 429 && rp->retry_after >= 0)
		snprintf(out, size, "HTTP 429: rate limited; try again in %ld s", rp->retry_after);
	else if (rp->status == 429)
		snprintf(out, size, "HTTP 429: rate limited; try again later");
	else
		snprintf(out, size, "HTTP %ld%s%s", rp->status, words[0] ? ": " : "", words);
}
