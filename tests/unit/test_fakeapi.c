/* test_fakeapi.c — the fake API server (build/tests/fakeapi) as the daemon
 * will see it, through daemon/http.c: real formats, paging, auth, rate
 * headers, the control API and scripted failures. The server binary comes
 * from $FAKEAPI, else $MENTORD_BUILD/tests/fakeapi, else build/tests/fakeapi. */
#include "http/http.h"
#include "base/log.h"
#include "tap.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <errno.h>
#include <event2/event.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define XTOK "Authorization: Bearer fake-x-token"
#define MTOK "Authorization: Bearer fake-mastodon-token"
#define X_ME "1500000000000000000"
#define X_DOC1 "1500000000000000001"
#define M_DOC2 "109000000000000002"

static struct event_base *base;
static struct http *http;
static char base_url[64];
static pid_t server;

struct res {
	int done;
	enum http_result result;
	long status;
	char *body;
	size_t len;
	char error[256];
	char h[12][512];      /* values of hnames[], "" when absent */
};

static const char *const hnames[12] = {
	"x-rate-limit-limit", "x-rate-limit-remaining", "x-rate-limit-reset", "X-RateLimit-Remaining",
	"X-RateLimit-Reset", "RateLimit-Remaining", "RateLimit-Reset", "RateLimit-Policy", "Retry-After",
	"Link", "Content-Type", "Content-Encoding",
};
enum { XL, XR, XRESET, MR, MRESET, BR, BRESET, BPOL, RETRY, LINK, CTYPE, CENC };

static void on_done(struct http_response *r, void *ud)
{
	struct res *s = ud;
	s->done = 1;
	s->result = r->result;
	s->status = r->status;
	s->body = http_response_take_body(r, &s->len);
	snprintf(s->error, sizeof s->error, "%s", r->error);
	for (int i = 0; i < 12; i++) {
		const char *v = http_response_header(r, hnames[i]);
		snprintf(s->h[i], sizeof s->h[i], "%s", v ? v : "");
	}
}

static void res_free(struct res *s)
{
	free(s->body);
	memset(s, 0, sizeof *s);
}

static bool timed_out;
static void on_guard(evutil_socket_t fd, short w, void *a) { timed_out = true; }

static void wait_done(struct res *s, int ms)
{
	struct event *g = evtimer_new(base, on_guard, NULL);
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };
	timed_out = false;
	evtimer_add(g, &tv);
	while (!s->done && !timed_out)
		event_base_loop(base, EVLOOP_ONCE);
	event_free(g);
}

/* One request, run to completion, with a NULL-terminated list of extra
 * header lines (or NULL). path may be a full URL (Link headers). */
static void reqv(struct res *s, enum http_method m, const char *path, const char *const *hdrs, const char *body)
{
	char url[2048];
	struct http_request rq = { .method = m, .url = url, .headers = hdrs,
				   .body = body, .body_len = body ? strlen(body) : 0, .timeout_ms = 3000 };

	memset(s, 0, sizeof *s);
	snprintf(url, sizeof url, "%s%s", strncmp(path, "http", 4) == 0 ? "" : base_url, path);
	if (http_submit(http, &rq, on_done, s, NULL) < 0) {
		s->done = 1;
		return;
	}
	wait_done(s, 5000);
}

/* One request with at most one extra header line. */
static void req(struct res *s, enum http_method m, const char *path, const char *hdr, const char *body)
{
	const char *hdrs[2] = { hdr, NULL };

	reqv(s, m, path, hdr ? hdrs : NULL, body);
}

static cJSON *get_json(struct res *s, const char *path, const char *hdr)
{
	req(s, HTTP_GET, path, hdr, NULL);
	return s->body ? cJSON_ParseWithLength(s->body, s->len) : NULL;
}

static cJSON *post_json(struct res *s, const char *path, const char *body)
{
	req(s, HTTP_POST, path, NULL, body);
	return s->body ? cJSON_ParseWithLength(s->body, s->len) : NULL;
}

static const char *jstr(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static const cJSON *jget(const cJSON *o, const char *path)   /* "a.b.c" */
{
	char key[64];
	while (o && *path) {
		size_t n = strcspn(path, ".");
		snprintf(key, sizeof key, "%.*s", (int)n, path);
		o = cJSON_GetObjectItemCaseSensitive(o, key);
		path += n + (path[n] == '.');
	}
	return o;
}

static void post_ok(const char *path, const char *body)
{
	struct res s;
	cJSON *j = post_json(&s, path, body);
	if (s.status != 200)
		tap_diag("POST %s -> %ld %s", path, s.status, s.body ? s.body : "");
	cJSON_Delete(j);
	res_free(&s);
}

static void script(const char *json)
{
	struct res s;
	cJSON *j = post_json(&s, "/_fake/script", json);
	if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "ok")))
		tap_diag("script rejected: %s", s.body ? s.body : "(no body)");
	cJSON_Delete(j);
	res_free(&s);
}

/* ids are decimal strings: compare by length, then text */
static int idcmp(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	return la != lb ? (la < lb ? -1 : 1) : strcmp(a, b);
}

static bool newest_first(const cJSON *arr, const char *key)
{
	const cJSON *it;
	const char *prev = NULL;
	cJSON_ArrayForEach(it, arr) {
		const char *id = jstr(it, key);
		if (!id || (prev && idcmp(prev, id) <= 0))
			return false;
		prev = id;
	}
	return true;
}

/* ------------------------------------------------------------ server */

/* Starts the fake server with these options (NULL-terminated) and points
 * base_url at it. */
static int server_start(const char *const *opts)
{
	const char *bin = getenv("FAKEAPI");
	char path[512], line[64];
	const char *argv[64];
	int pfd[2], argc = 0;
	struct pollfd p;
	ssize_t n;
	size_t got = 0;

	if (!bin) {
		snprintf(path, sizeof path, "%s/tests/fakeapi", getenv("MENTORD_BUILD") ? getenv("MENTORD_BUILD") : "build");
		bin = path;
	}
	if (access(bin, X_OK) != 0) {
		tap_diag("fake server %s not found", bin);
		return -1;
	}
	argv[argc++] = bin;
	for (; *opts && argc < 63; opts++)
		argv[argc++] = *opts;
	argv[argc] = NULL;
	if (pipe(pfd) < 0)
		return -1;
	server = fork();
	if (server == 0) {
		dup2(pfd[1], 1);
		close(pfd[0]);
		close(pfd[1]);
		execv(bin, (char *const *)argv);
		_exit(127);
	}
	close(pfd[1]);
	p = (struct pollfd){ .fd = pfd[0], .events = POLLIN };
	while (got < sizeof line - 1 && !memchr(line, '\n', got) && poll(&p, 1, 5000) > 0 &&
	       (n = read(pfd[0], line + got, sizeof line - 1 - got)) > 0)
		got += (size_t)n;
	line[got] = '\0';
	close(pfd[0]);
	if (strncmp(line, "PORT=", 5) != 0)
		return -1;
	snprintf(base_url, sizeof base_url, "http://127.0.0.1:%d", atoi(line + 5));
	return 0;
}

static void server_stop(void)
{
	int status = -1;

	post_ok("/_fake/quit", "{}");
	for (int i = 0; i < 50 && waitpid(server, &status, WNOHANG) == 0; i++)
		usleep(20000);
	if (!WIFEXITED(status)) {
		kill(server, SIGTERM);
		waitpid(server, &status, 0);
	}
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "fake server quit cleanly");
}

/* ------------------------------------------------------------ X */

static void test_x(void)
{
	struct res s, t;
	cJSON *j, *k;
	const char *next, *newest;
	char path[512];
	long rem1, rem2;

	j = get_json(&s, "/2/users/by/username/doc1", XTOK);
	is_int(s.status, 200, "X user lookup 200");
	is_str(jstr(jget(j, "data"), "id"), X_DOC1, "X user id");
	is_str(jstr(jget(j, "data"), "username"), "doc1", "X username");
	ok(*s.h[XL] && *s.h[XR] && *s.h[XRESET], "X rate headers present");
	cJSON_Delete(j);
	res_free(&s);

	j = get_json(&s, "/2/users/by/username/doc1", NULL);
	is_int(s.status, 401, "X without bearer -> 401");
	is_str(jstr(j, "title"), "Unauthorized", "X 401 problem JSON");
	cJSON_Delete(j);
	res_free(&s);

	j = get_json(&s, "/2/users/by/username/nosuchuser", XTOK);
	ok(s.status == 200 && !jget(j, "data") && cJSON_IsArray(jget(j, "errors")), "X unknown user: 200 with errors[] only");
	cJSON_Delete(j);
	res_free(&s);

	j = get_json(&s, "/2/users/" X_DOC1 "/tweets?max_results=10&tweet.fields=created_at,author_id,referenced_tweets"
		     "&expansions=author_id,referenced_tweets.id", XTOK);
	rem1 = atol(s.h[XR]);
	is_int(cJSON_GetArraySize(jget(j, "data")), 10, "X timeline page of 10");
	ok(newest_first(jget(j, "data"), "id"), "X timeline newest first");
	is_int((long long)jget(j, "meta.result_count")->valuedouble, 10, "X meta.result_count");
	next = jstr(jget(j, "meta"), "next_token");
	newest = jstr(jget(j, "meta"), "newest_id");
	ok(next && newest, "X meta has next_token and newest_id");
	ok(cJSON_IsArray(jget(j, "includes.users")), "X includes.users for expansions=author_id");
	ok(jstr(cJSON_GetArrayItem(jget(j, "data"), 0), "created_at") != NULL, "X tweet.fields honoured");
	snprintf(path, sizeof path, "/2/users/" X_DOC1 "/tweets?max_results=10&pagination_token=%s", next ? next : "");
	k = get_json(&t, path, XTOK);
	rem2 = atol(t.h[XR]);
	ok(cJSON_GetArraySize(jget(k, "data")) > 0 &&
	   idcmp(jstr(cJSON_GetArrayItem(jget(k, "data"), 0), "id"), jstr(jget(j, "meta"), "oldest_id")) < 0,
	   "X next page is strictly older");
	is_int(rem1 - rem2, 1, "X x-rate-limit-remaining counts down");
	cJSON_Delete(k);
	res_free(&t);
	snprintf(path, sizeof path, "/2/users/" X_DOC1 "/tweets?max_results=5&since_id=%s", newest ? newest : "0");
	k = get_json(&t, path, XTOK);
	ok(t.status == 200 && !jget(k, "data") && jget(k, "meta.result_count")->valueint == 0,
	   "X since_id=newest: empty page is {meta:{result_count:0}}");
	cJSON_Delete(k);
	res_free(&t);
	cJSON_Delete(j);
	res_free(&s);

	j = get_json(&s, "/2/users/" X_DOC1 "/tweets?max_results=1000", XTOK);
	ok(s.status == 400 && jstr(j, "type") && strstr(jstr(j, "type"), "invalid-request"), "X max_results out of range -> 400");
	cJSON_Delete(j);
	res_free(&s);

	j = get_json(&s, "/2/users/" X_ME "/mentions?max_results=20&tweet.fields=author_id,in_reply_to_user_id,entities", XTOK);
	{
		const cJSON *it;
		int n = 0, aimed = 0;
		cJSON_ArrayForEach(it, jget(j, "data")) {
			const char *irt = jstr(it, "in_reply_to_user_id"), *text = jstr(it, "text");
			n++;
			aimed += (irt && strcmp(irt, X_ME) == 0) || (text && strstr(text, "@me")) ||
				 (text && strstr(text, "t.co/"));
		}
		ok(n > 0 && aimed == n, "X mentions of me: %d posts, all replies/mentions/quotes of me", n);
	}
	cJSON_Delete(j);
	res_free(&s);

	j = get_json(&s, "/2/tweets/search/recent?query=%23meded%20-is%3Aretweet&max_results=10", XTOK);
	{
		const cJSON *it;
		int n = 0, tagged = 0;
		cJSON_ArrayForEach(it, jget(j, "data")) {
			n++;
			tagged += jstr(it, "text") && strstr(jstr(it, "text"), "#meded") && strncmp(jstr(it, "text"), "RT ", 3);
		}
		ok(n > 0 && n == tagged, "X search #meded: %d posts, all tagged, no retweets", n);
	}
	cJSON_Delete(j);
	res_free(&s);

	j = get_json(&s, "/2/tweets/search/recent?query=from%3Adoc1%20OR%20from%3Adoc2&max_results=10&tweet.fields=author_id", XTOK);
	{
		const cJSON *it;
		int n = 0, from = 0;
		cJSON_ArrayForEach(it, jget(j, "data")) {
			const char *a = jstr(it, "author_id");
			n++;
			from += a && (!strcmp(a, X_DOC1) || !strcmp(a, "1500000000000000002"));
		}
		ok(n == 10 && from == 10 && newest_first(jget(j, "data"), "id"), "X search from:a OR from:b");
	}
	cJSON_Delete(j);
	res_free(&s);
}

/* ------------------------------------------------------------ Mastodon */

/* the URL of one rel in a Link header */
static const char *link_rel(const char *link, const char *rel, char *out, size_t n)
{
	char want[32];
	const char *r, *lt = NULL, *gt;

	snprintf(want, sizeof want, "rel=\"%s\"", rel);
	if (!(r = strstr(link, want)))
		return NULL;
	for (const char *p = link; p < r; p++)
		if (*p == '<')
			lt = p;
	if (!lt || !(gt = strchr(lt, '>')) || gt > r)
		return NULL;
	snprintf(out, n, "%.*s", (int)(gt - lt - 1), lt + 1);
	return out;
}

static void test_mastodon(void)
{
	struct res s, t;
	cJSON *j, *k;
	char next[1024], path[256];
	const char *oldest;

	j = get_json(&s, "/api/v1/accounts/lookup?acct=doc2", NULL);
	is_str(jstr(j, "id"), M_DOC2, "Mastodon lookup id");
	is_str(jstr(j, "acct"), "doc2", "Mastodon lookup acct");
	ok(strlen(s.h[MRESET]) == 27 && s.h[MRESET][10] == 'T' && s.h[MRESET][26] == 'Z',
	   "X-RateLimit-Reset is ISO 8601 with microseconds (%s)", s.h[MRESET]);
	cJSON_Delete(j);
	res_free(&s);

	j = get_json(&s, "/api/v1/accounts/lookup?acct=nobody", NULL);
	ok(s.status == 404 && jstr(j, "error") && !strcmp(jstr(j, "error"), "Record not found"), "Mastodon unknown acct -> 404");
	cJSON_Delete(j);
	res_free(&s);

	j = get_json(&s, "/api/v1/accounts/" M_DOC2 "/statuses?limit=5", NULL);
	ok(cJSON_IsArray(j) && cJSON_GetArraySize(j) == 5 && newest_first(j, "id"), "Mastodon statuses: 5, newest first");
	ok((jstr(cJSON_GetArrayItem(j, 0), "content") && strncmp(jstr(cJSON_GetArrayItem(j, 0), "content"), "<p>", 3) == 0) ||
	   cJSON_IsObject(jget(cJSON_GetArrayItem(j, 0), "reblog")), "Mastodon content is HTML (or a reblog)");
	ok(link_rel(s.h[LINK], "next", next, sizeof next) && strstr(next, "max_id="), "Link rel=next with max_id");
	oldest = jstr(cJSON_GetArrayItem(j, 4), "id");
	k = get_json(&t, next, NULL);
	ok(cJSON_GetArraySize(k) > 0 && idcmp(jstr(cJSON_GetArrayItem(k, 0), "id"), oldest) < 0,
	   "following rel=next gives strictly older statuses");
	cJSON_Delete(k);
	res_free(&t);
	/* min_id: the page right above the id, still newest first */
	snprintf(path, sizeof path, "/api/v1/accounts/" M_DOC2 "/statuses?limit=2&min_id=%s", oldest);
	k = get_json(&t, path, NULL);
	ok(cJSON_GetArraySize(k) == 2 && newest_first(k, "id") &&
	   !strcmp(jstr(cJSON_GetArrayItem(k, 1), "id"), jstr(cJSON_GetArrayItem(j, 3), "id")) &&
	   !strcmp(jstr(cJSON_GetArrayItem(k, 0), "id"), jstr(cJSON_GetArrayItem(j, 2), "id")),
	   "min_id returns the oldest page above the id, newest first");
	cJSON_Delete(k);
	res_free(&t);
	cJSON_Delete(j);
	res_free(&s);

	j = get_json(&s, "/api/v1/notifications", NULL);
	is_int(s.status, 401, "Mastodon notifications need a token");
	cJSON_Delete(j);
	res_free(&s);
	j = get_json(&s, "/api/v1/notifications?limit=30", MTOK);
	{
		const cJSON *it;
		int n = 0, typed = 0;
		cJSON_ArrayForEach(it, j) {
			const char *ty = jstr(it, "type");
			n++;
			typed += ty && (!strcmp(ty, "mention") || !strcmp(ty, "favourite") || !strcmp(ty, "reblog") ||
					!strcmp(ty, "follow") || !strcmp(ty, "quote")) && cJSON_IsObject(jget(it, "account"));
		}
		ok(n > 0 && n == typed && newest_first(j, "id"), "Mastodon notifications: %d typed, newest first", n);
	}
	cJSON_Delete(j);
	res_free(&s);

	j = get_json(&s, "/api/v1/timelines/tag/meded?limit=10", NULL);
	{
		const cJSON *it;
		int n = 0, tagged = 0;
		cJSON_ArrayForEach(it, j) {
			const cJSON *tg;
			n++;
			cJSON_ArrayForEach(tg, jget(it, "tags"))
				tagged += jstr(tg, "name") && !strcmp(jstr(tg, "name"), "meded");
		}
		ok(n == 10 && tagged == 10, "Mastodon tag timeline: every status tagged meded");
	}
	cJSON_Delete(j);
	res_free(&s);
}

/* ------------------------------------------------------------ Bluesky */

static void test_bluesky(void)
{
	struct res s, t;
	cJSON *j, *k;
	char hdr[512], path[256], did[64] = "";
	const char *cursor, *refresh;

	j = get_json(&s, "/xrpc/com.atproto.identity.resolveHandle?handle=doc3.bsky.social", NULL);
	ok(jstr(j, "did") && !strncmp(jstr(j, "did"), "did:plc:", 8) && strlen(jstr(j, "did")) == 32, "resolveHandle -> did:plc");
	if (jstr(j, "did"))
		snprintf(did, sizeof did, "%s", jstr(j, "did"));
	ok(*s.h[BR] && *s.h[BRESET] && strstr(s.h[BPOL], ";w="), "Bluesky RateLimit-* headers");
	cJSON_Delete(j);
	res_free(&s);

	snprintf(path, sizeof path, "/xrpc/app.bsky.feed.getAuthorFeed?actor=%s&limit=5", did);
	j = get_json(&s, path, NULL);
	cursor = jstr(j, "cursor");
	ok(cJSON_GetArraySize(jget(j, "feed")) == 5 && cursor, "getAuthorFeed: 5 items and a cursor");
	ok(jstr(jget(cJSON_GetArrayItem(jget(j, "feed"), 0), "post"), "uri") &&
	   jstr(jget(cJSON_GetArrayItem(jget(j, "feed"), 0), "post.record"), "createdAt"), "feed item has post.uri and post.record.createdAt");
	snprintf(path, sizeof path, "/xrpc/app.bsky.feed.getAuthorFeed?actor=%s&limit=5&cursor=%s", did, cursor ? cursor : "");
	k = get_json(&t, path, NULL);
	ok(cJSON_GetArraySize(jget(k, "feed")) > 0 && strcmp(jstr(k, "cursor") ? jstr(k, "cursor") : "", cursor ? cursor : "") < 0,
	   "cursor paging moves back in time");
	cJSON_Delete(k);
	res_free(&t);
	cJSON_Delete(j);
	res_free(&s);

	j = get_json(&s, "/xrpc/app.bsky.feed.searchPosts?q=%23meded", NULL);
	is_int(s.status, 401, "searchPosts without a session -> 401");
	cJSON_Delete(j);
	res_free(&s);

	j = post_json(&s, "/xrpc/com.atproto.server.createSession", "{\"identifier\":\"me.bsky.social\",\"password\":\"fake-app-password\"}");
	ok(s.status == 200 && jstr(j, "accessJwt") && jstr(j, "refreshJwt") && jstr(j, "did"), "createSession returns tokens");
	snprintf(hdr, sizeof hdr, "Authorization: Bearer %s", jstr(j, "accessJwt") ? jstr(j, "accessJwt") : "");
	refresh = jstr(j, "refreshJwt");
	k = get_json(&t, "/xrpc/app.bsky.feed.searchPosts?q=%23meded&limit=10", hdr);
	ok(t.status == 200 && cJSON_GetArraySize(jget(k, "posts")) == 10, "searchPosts with the access JWT");
	cJSON_Delete(k);
	res_free(&t);
	k = get_json(&t, "/xrpc/app.bsky.notification.listNotifications?limit=20", hdr);
	ok(t.status == 200 && cJSON_GetArraySize(jget(k, "notifications")) > 0 &&
	   jstr(cJSON_GetArrayItem(jget(k, "notifications"), 0), "reason"), "listNotifications with reasons");
	cJSON_Delete(k);
	res_free(&t);
	post_ok("/_fake/expire_tokens", "{}");
	k = get_json(&t, "/xrpc/app.bsky.notification.listNotifications", hdr);
	ok(t.status == 400 && jstr(k, "error") && !strcmp(jstr(k, "error"), "ExpiredToken"), "expired access JWT -> 400 ExpiredToken");
	cJSON_Delete(k);
	res_free(&t);
	snprintf(hdr, sizeof hdr, "Authorization: Bearer %s", refresh ? refresh : "");
	{
		const char *h2[2] = { hdr, NULL };
		struct http_request rq = { .method = HTTP_POST, .url = path, .headers = h2 };
		snprintf(path, sizeof path, "%s/xrpc/com.atproto.server.refreshSession", base_url);
		memset(&t, 0, sizeof t);
		http_submit(http, &rq, on_done, &t, NULL);
		wait_done(&t, 3000);
		k = t.body ? cJSON_ParseWithLength(t.body, t.len) : NULL;
		ok(t.status == 200 && jstr(k, "accessJwt"), "refreshSession with the refresh JWT");
		snprintf(hdr, sizeof hdr, "Authorization: Bearer %s", jstr(k, "accessJwt") ? jstr(k, "accessJwt") : "");
		cJSON_Delete(k);
		res_free(&t);
	}
	k = get_json(&t, "/xrpc/app.bsky.notification.listNotifications?limit=1", hdr);
	is_int(t.status, 200, "new access JWT works");
	cJSON_Delete(k);
	res_free(&t);
	cJSON_Delete(j);
	res_free(&s);
}

/* ------------------------------------------------------------ control, scripts */

static void test_control(void)
{
	struct res s, t;
	cJSON *j, *k;
	char path[256];
	const char *newest;

	/* new posts appear for a since_id poller */
	j = get_json(&s, "/2/users/" X_DOC1 "/tweets?max_results=5", XTOK);
	newest = jstr(jget(j, "meta"), "newest_id");
	k = post_json(&t, "/_fake/add_posts", "{\"network\":\"x\",\"account\":\"doc1\",\"kind\":\"mention_me\",\"count\":2,\"tags\":[\"meded\"]}");
	ok(t.status == 200 && cJSON_GetArraySize(jget(k, "added")) == 2, "add_posts added 2");
	cJSON_Delete(k);
	res_free(&t);
	snprintf(path, sizeof path, "/2/users/" X_DOC1 "/tweets?max_results=5&since_id=%s", newest ? newest : "0");
	k = get_json(&t, path, XTOK);
	ok(cJSON_GetArraySize(jget(k, "data")) == 2 && strstr(jstr(cJSON_GetArrayItem(jget(k, "data"), 0), "text"), "@me"),
	   "since_id poll sees exactly the 2 new posts");
	cJSON_Delete(k);
	res_free(&t);
	cJSON_Delete(j);
	res_free(&s);

	/* each network's 429 */
	script("[{\"path\":\"/2/\",\"action\":\"429\"},{\"path\":\"/api/v1/\",\"action\":\"429\"},{\"path\":\"/xrpc/\",\"action\":\"429\",\"reset_in\":42}]");
	req(&s, HTTP_GET, "/2/users/" X_DOC1 "/tweets", XTOK, NULL);
	ok(s.status == 429 && !strcmp(s.h[XR], "0") && atol(s.h[XRESET]) > 1700000000 && !*s.h[RETRY],
	   "X 429: remaining 0, epoch reset, no Retry-After");
	res_free(&s);
	req(&s, HTTP_GET, "/api/v1/accounts/lookup?acct=doc1", NULL, NULL);
	ok(s.status == 429 && !strcmp(s.h[MR], "0") && strchr(s.h[MRESET], 'T') && !*s.h[RETRY],
	   "Mastodon 429: ISO reset, no Retry-After");
	res_free(&s);
	req(&s, HTTP_GET, "/xrpc/app.bsky.actor.getProfile?actor=doc1.bsky.social", NULL, NULL);
	ok(s.status == 429 && !strcmp(s.h[RETRY], "42") && !strcmp(s.h[BR], "0"), "Bluesky 429: Retry-After and RateLimit-*");
	res_free(&s);
	req(&s, HTTP_GET, "/xrpc/app.bsky.actor.getProfile?actor=doc1.bsky.social", NULL, NULL);
	is_int(s.status, 200, "a count=1 rule applies once");
	res_free(&s);

	script("{\"path\":\"/api/v1/timelines/\",\"action\":\"html\",\"code\":502}");
	req(&s, HTTP_GET, "/api/v1/timelines/tag/meded", NULL, NULL);
	ok(s.status == 502 && strstr(s.h[CTYPE], "text/html") && s.body && strstr(s.body, "<html>"), "scripted HTML 502 page");
	res_free(&s);

	script("{\"path\":\"/api/v1/timelines/\",\"action\":\"truncate\"}");
	j = get_json(&s, "/api/v1/timelines/tag/meded", NULL);
	ok(s.status == 200 && s.len > 10 && j == NULL, "truncated JSON does not parse");
	cJSON_Delete(j);
	res_free(&s);

	script("{\"path\":\"/2/users/\",\"action\":\"wrong_types\"}");
	j = get_json(&s, "/2/users/" X_DOC1 "/tweets?max_results=5", XTOK);
	ok(cJSON_IsNumber(jget(cJSON_GetArrayItem(jget(j, "data"), 0), "id")), "wrong_types: id is a number");
	cJSON_Delete(j);
	res_free(&s);

	script("{\"path\":\"/2/users/\",\"action\":\"duplicate\"}");
	j = get_json(&s, "/2/users/" X_DOC1 "/tweets?max_results=5", XTOK);
	ok(cJSON_GetArraySize(jget(j, "data")) > 5, "duplicate: more items than asked for");
	cJSON_Delete(j);
	res_free(&s);

	script("{\"path\":\"/2/users/\",\"action\":\"out_of_order\"}");
	j = get_json(&s, "/2/users/" X_DOC1 "/tweets?max_results=5", XTOK);
	ok(cJSON_GetArraySize(jget(j, "data")) == 5 && !newest_first(jget(j, "data"), "id"), "out_of_order: not newest first");
	cJSON_Delete(j);
	res_free(&s);

	script("{\"path\":\"/2/users/\",\"action\":\"gzip\"}");
	j = get_json(&s, "/2/users/" X_DOC1 "/tweets?max_results=5", XTOK);
	ok(!strcmp(s.h[CENC], "gzip") && cJSON_GetArraySize(jget(j, "data")) == 5, "gzip-encoded answer decoded");
	cJSON_Delete(j);
	res_free(&s);

	script("{\"path\":\"/2/users/\",\"action\":\"hang\"}");
	{
		struct http_request rq = { .url = path, .timeout_ms = 300 };
		snprintf(path, sizeof path, "%s/2/users/" X_DOC1 "/tweets", base_url);
		memset(&s, 0, sizeof s);
		http_submit(http, &rq, on_done, &s, NULL);
		wait_done(&s, 3000);
		is_int(s.result, HTTP_RESULT_TIMEOUT, "hang -> client timeout");
		res_free(&s);
	}

	script("{\"path\":\"/2/users/\",\"action\":\"big\",\"bytes\":20000000}");
	req(&s, HTTP_GET, "/2/users/" X_DOC1 "/tweets", XTOK, NULL);
	is_int(s.result, HTTP_RESULT_TOO_LARGE, "20 MB chunked body -> too_large at the 8 MiB cap");
	res_free(&s);

	/* a real budget running out */
	post_ok("/_fake/rate", "{\"bucket\":\"x.users_mentions\",\"limit\":2,\"window\":900}");
	for (int i = 0; i < 3; i++) {
		req(&s, HTTP_GET, "/2/users/" X_ME "/mentions", XTOK, NULL);
		if (i < 2)
			res_free(&s);
	}
	is_int(s.status, 429, "third request on a budget of 2 -> 429");
	res_free(&s);
	post_ok("/_fake/clock", "{\"advance\":901}");
	req(&s, HTTP_GET, "/2/users/" X_ME "/mentions", XTOK, NULL);
	is_int(s.status, 200, "after the fake clock passes the reset, the budget is back");
	res_free(&s);

	j = get_json(&s, "/_fake/stats", NULL);
	ok(jget(j, "endpoints.x.users_mentions") == NULL, "stats keys are flat endpoint names");
	k = cJSON_GetObjectItemCaseSensitive(jget(j, "endpoints"), "x.users_mentions");
	ok(k && cJSON_GetObjectItemCaseSensitive(k, "requests")->valueint == 5 &&
	   cJSON_GetObjectItemCaseSensitive(k, "429")->valueint == 1, "stats: x.users_mentions 5 requests, one 429");
	ok(jget(j, "connections.max") && jget(j, "connections.max")->valueint >= 1 &&
	   jget(j, "connections.max")->valueint <= 4, "stats: max concurrent connections within the per-host limit (%d)",
	   jget(j, "connections.max") ? jget(j, "connections.max")->valueint : -1);
	ok(jget(j, "rate_limited")->valueint == 1, "stats: one 429 from a spent budget");
	cJSON_Delete(j);
	res_free(&s);
}

/* ------------------------------------------------------------ rate windows */

/* buckets.<name>.<key> of /_fake/stats (bucket names hold dots) */
static long bucket_stat(const char *name, const char *key)
{
	struct res s;
	cJSON *j = get_json(&s, "/_fake/stats", NULL);
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(jget(j, "buckets"), name), key);
	long out = cJSON_IsNumber(v) ? (long)v->valuedouble : -1;

	cJSON_Delete(j);
	res_free(&s);
	return out;
}

static long stat_top(const char *key)
{
	struct res s;
	cJSON *j = get_json(&s, "/_fake/stats", NULL);
	long out = jget(j, key) ? (long)jget(j, key)->valuedouble : -1;

	cJSON_Delete(j);
	res_free(&s);
	return out;
}

static void clock_to(long long epoch)
{
	char body[64];
	snprintf(body, sizeof body, "{\"now\":%lld}", epoch);
	post_ok("/_fake/clock", body);
}

static void test_windows(void)
{
	struct res s;
	long over0, after0, limited0;
	long long reset;
	bool all429 = true;

	/* a well-behaved client: one 429, then it waits for the announced reset */
	post_ok("/_fake/rate", "{\"bucket\":\"x.search_recent\",\"limit\":1,\"window\":900,\"reset\":true}");
	over0 = bucket_stat("x.search_recent", "over");
	req(&s, HTTP_GET, "/2/tweets/search/recent?query=%23meded", XTOK, NULL);
	is_int(s.status, 200, "search within its budget of 1");
	res_free(&s);
	req(&s, HTTP_GET, "/2/tweets/search/recent?query=%23meded", XTOK, NULL);
	reset = atoll(s.h[XRESET]);
	ok(s.status == 429 && reset > 0, "the second search: 429 announcing a reset");
	res_free(&s);
	clock_to(reset);
	req(&s, HTTP_GET, "/2/tweets/search/recent?query=%23meded", XTOK, NULL);
	is_int(s.status, 200, "at the announced reset the window is open again");
	res_free(&s);
	is_int(bucket_stat("x.search_recent", "after_429"), 0, "after_429 stays 0 for a client that waits for the reset");
	is_int(bucket_stat("x.search_recent", "over") - over0, 1, "over counts the one refused request");

	/* a misbehaving one: it keeps asking inside the spent window */
	post_ok("/_fake/rate", "{\"bucket\":\"x.users\",\"limit\":1,\"window\":900,\"reset\":true}");
	over0 = bucket_stat("x.users", "over");
	after0 = bucket_stat("x.users", "after_429");
	limited0 = stat_top("rate_limited");
	req(&s, HTTP_GET, "/2/users/by/username/doc1", XTOK, NULL);
	res_free(&s);
	for (int i = 0; i < 4; i++) {
		req(&s, HTTP_GET, i % 2 ? "/2/users/by/username/doc2" : "/2/users/" X_DOC1, XTOK, NULL);
		all429 &= s.status == 429;
		if (i == 0)
			reset = atoll(s.h[XRESET]);
		res_free(&s);
		post_ok("/_fake/clock", "{\"advance\":100}");
	}
	ok(all429, "every request inside the spent window gets 429, whatever the endpoint of the bucket");
	is_int(bucket_stat("x.users", "over") - over0, 4, "each counts as over");
	is_int(stat_top("rate_limited") - limited0, 4, "... and as rate_limited");
	is_int(bucket_stat("x.users", "after_429") - after0, 3, "after_429 counts the 3 that came after the first 429");
	clock_to(reset);
	req(&s, HTTP_GET, "/2/users/by/username/doc1", XTOK, NULL);
	is_int(s.status, 200, "after the reset requests pass");
	res_free(&s);
	is_int(bucket_stat("x.users", "after_429") - after0, 3, "a request at the reset is not counted");

	/* a scripted 429 announces a window too */
	after0 = bucket_stat("mastodon.api", "after_429");
	script("{\"path\":\"/api/v1/accounts/\",\"action\":\"429\",\"reset_in\":30}");
	req(&s, HTTP_GET, "/api/v1/accounts/lookup?acct=doc1", NULL, NULL);
	is_int(s.status, 429, "scripted Mastodon 429");
	res_free(&s);
	req(&s, HTTP_GET, "/api/v1/timelines/tag/meded", NULL, NULL);
	is_int(s.status, 200, "the rule is spent: the retry is answered");
	res_free(&s);
	is_int(bucket_stat("mastodon.api", "after_429") - after0, 1, "... but it came inside the window the 429 announced");
	post_ok("/_fake/clock", "{\"advance\":30}");
	req(&s, HTTP_GET, "/api/v1/timelines/tag/meded", NULL, NULL);
	res_free(&s);
	is_int(bucket_stat("mastodon.api", "after_429") - after0, 1, "30 s later it no longer counts");

	/* hold: the whole bucket answers 429 until the announced reset */
	over0 = bucket_stat("bluesky.api", "over");
	after0 = bucket_stat("bluesky.api", "after_429");
	script("{\"path\":\"/xrpc/app.bsky.actor.getProfile\",\"action\":\"429\",\"hold\":true,\"reset_in\":20}");
	{
		struct res l;
		cJSON *j = get_json(&l, "/_fake/script", NULL);
		ok(cJSON_IsTrue(jget(cJSON_GetArrayItem(j, 0), "hold")), "GET /_fake/script shows hold");
		cJSON_Delete(j);
		res_free(&l);
	}
	req(&s, HTTP_GET, "/xrpc/app.bsky.actor.getProfile?actor=doc1.bsky.social", NULL, NULL);
	ok(s.status == 429 && !strcmp(s.h[RETRY], "20"), "hold rule: 429, Retry-After 20");
	res_free(&s);
	post_ok("/_fake/clock", "{\"advance\":5}");
	req(&s, HTTP_GET, "/xrpc/app.bsky.feed.getAuthorFeed?actor=doc1.bsky.social", NULL, NULL);
	ok(s.status == 429 && !strcmp(s.h[RETRY], "15") && !strcmp(s.h[BR], "0"),
	   "held: another endpoint of bluesky.api gets 429 with the same reset (Retry-After %s)", s.h[RETRY]);
	res_free(&s);
	req(&s, HTTP_GET, "/xrpc/app.bsky.actor.getProfile?actor=doc1.bsky.social", NULL, NULL);
	is_int(s.status, 429, "held: the rule's own path too, though its count is spent");
	res_free(&s);
	is_int(bucket_stat("bluesky.api", "over") - over0, 2, "held refusals count as over");
	is_int(bucket_stat("bluesky.api", "after_429") - after0, 2, "... and as after_429");
	post_ok("/_fake/clock", "{\"advance\":15}");
	req(&s, HTTP_GET, "/xrpc/app.bsky.feed.getAuthorFeed?actor=doc1.bsky.social", NULL, NULL);
	is_int(s.status, 200, "at the announced reset the held bucket opens");
	res_free(&s);
	is_int(bucket_stat("bluesky.api", "after_429") - after0, 2, "and that request is not counted");

	/* after_429_read: of those, the ones that came on the connection that
	 * carried the 429 (the client had read it); a fresh connection's not */
	{
		const char *close_hdrs[] = { XTOK, "Connection: close", NULL };
		long read0;

		post_ok("/_fake/rate", "{\"bucket\":\"x.tweets\",\"limit\":1,\"window\":900,\"reset\":true}");
		after0 = bucket_stat("x.tweets", "after_429");
		read0 = bucket_stat("x.tweets", "after_429_read");
		is_int(read0, 0, "after_429_read listed, 0 so far");
		req(&s, HTTP_GET, "/2/tweets/" X_DOC1, XTOK, NULL);
		res_free(&s);
		req(&s, HTTP_GET, "/2/tweets/" X_DOC1, XTOK, NULL);
		is_int(s.status, 429, "x.tweets spent: 429");
		res_free(&s);
		reqv(&s, HTTP_GET, "/2/tweets/" X_DOC1, close_hdrs, NULL);
		is_int(s.status, 429, "the next one, on the same connection (then closed): 429");
		res_free(&s);
		req(&s, HTTP_GET, "/2/tweets/" X_DOC1, XTOK, NULL);
		is_int(s.status, 429, "and one on a new connection: 429");
		res_free(&s);
		is_int(bucket_stat("x.tweets", "after_429") - after0, 2, "both came inside the window (after_429)");
		is_int(bucket_stat("x.tweets", "after_429_read") - read0, 1,
		       "only the one on the 429's connection was surely sent after it was read");
		post_ok("/_fake/rate", "{\"bucket\":\"x.tweets\",\"limit\":3500,\"reset\":true}");
	}
}

/* ------------------------------------------------------------ deep timelines */

#define X_DOC2 "1500000000000000002"

/* one line of /_fake/posts */
struct fpost {
	char net[16], acct[96], key[192];
	unsigned long long order;
	long long ms;
};

struct fposts { struct fpost *v; size_t n; };

/* Every visible post of one account on one network, oldest first. */
static void fake_posts(const char *name, const char *net, struct fposts *out)
{
	struct res s;
	char path[128];

	snprintf(path, sizeof path, "/_fake/posts?name=%s", name);
	req(&s, HTTP_GET, path, NULL, NULL);
	out->v = NULL;
	out->n = 0;
	for (char *line = s.body, *nl; line && *line; line = nl ? nl + 1 : NULL) {
		struct fpost p;
		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		if (sscanf(line, "%15[^\t]\t%95[^\t]\t%191[^\t]\t%llu\t%lld", p.net, p.acct, p.key, &p.order, &p.ms) != 5 ||
		    strcmp(p.net, net) != 0)
			continue;
		out->v = realloc(out->v, (out->n + 1) * sizeof *out->v);
		out->v[out->n++] = p;
	}
	res_free(&s);
}

static void iso_of(long long sec, char out[32])
{
	time_t t = (time_t)sec;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Pages an X timeline request to its end; returns the number of posts,
 * checks they come strictly newest first, keeps the last page's meta. */
static int x_walk(const char *first, int max_pages, char *oldest, size_t olen, char *tok31, size_t tlen, bool *sorted)
{
	char path[768], prev[32] = "";
	char tok[128] = "";
	int total = 0, pages = 0;
	struct res s;
	cJSON *j;

	*sorted = true;
	do {
		const cJSON *it;
		snprintf(path, sizeof path, "%s%s%s", first, *tok ? "&pagination_token=" : "", tok);
		j = get_json(&s, path, XTOK);
		cJSON_ArrayForEach(it, jget(j, "data")) {
			const char *id = jstr(it, "id");
			if (*prev && (!id || idcmp(prev, id) <= 0))
				*sorted = false;
			snprintf(prev, sizeof prev, "%s", id ? id : "");
			total++;
		}
		if (oldest && jstr(jget(j, "meta"), "oldest_id"))
			snprintf(oldest, olen, "%s", jstr(jget(j, "meta"), "oldest_id"));
		snprintf(tok, sizeof tok, "%s", jstr(jget(j, "meta"), "next_token") ? jstr(jget(j, "meta"), "next_token") : "");
		if (tok31 && ++pages == max_pages - 1)
			snprintf(tok31, tlen, "%s", tok);
		cJSON_Delete(j);
		res_free(&s);
	} while (*tok && total < 100000);
	return total;
}

/* X: the newest 3,200 posts of doc2 (of 3,500) and nothing past them */
static void test_deep_x(const struct fposts *xp)
{
	char oldest[32] = "", tok31[128] = "", path[512], a[32], b[32];
	struct fposts after;
	bool sorted;
	struct res s;
	cJSON *j;
	int n;

	n = x_walk("/2/users/" X_DOC2 "/tweets?max_results=100", 32, oldest, sizeof oldest, tok31, sizeof tok31, &sorted);
	is_int(n, 3200, "X timeline of 3,500 posts: pagination_token reaches exactly the newest 3,200");
	ok(sorted, "X deep paging: ids strictly decreasing across all pages");
	is_str(oldest, xp->n >= 3200 ? xp->v[xp->n - 3200].key : "", "X: the oldest reachable post is the 3,200th newest");

	snprintf(path, sizeof path, "/2/users/" X_DOC2 "/tweets?max_results=5&until_id=%s", oldest);
	req(&s, HTTP_GET, path, XTOK, NULL);
	ok(s.status == 200 && s.body && !strcmp(s.body, "{\"meta\":{\"result_count\":0}}"),
	   "X until_id at the 3,200 cut: 200 {\"meta\":{\"result_count\":0}} (%s)", s.body ? s.body : "");
	res_free(&s);
	snprintf(path, sizeof path, "/2/users/" X_DOC2 "/tweets?max_results=5&until_id=%s", xp->v[xp->n - 3199].key);
	j = get_json(&s, path, XTOK);
	ok(cJSON_GetArraySize(jget(j, "data")) == 1 && !jstr(jget(j, "meta"), "next_token") &&
	   !strcmp(jstr(cJSON_GetArrayItem(jget(j, "data"), 0), "id"), oldest),
	   "X until_id is exclusive: one post left above the cut, no next_token");
	cJSON_Delete(j);
	res_free(&s);

	/* until_id together with pagination_token: the lower bound wins */
	{
		const char *u = xp->v[xp->n - 51].key, *u2 = xp->v[xp->n - 200].key;
		char tok[128] = "", first_old[32] = "";
		snprintf(path, sizeof path, "/2/users/" X_DOC2 "/tweets?max_results=10&until_id=%s", u);
		j = get_json(&s, path, XTOK);
		ok(cJSON_GetArraySize(jget(j, "data")) == 10 && idcmp(jstr(cJSON_GetArrayItem(jget(j, "data"), 0), "id"), u) < 0 &&
		   !strcmp(jstr(cJSON_GetArrayItem(jget(j, "data"), 0), "id"), xp->v[xp->n - 52].key),
		   "X until_id: the page starts right below it");
		snprintf(tok, sizeof tok, "%s", jstr(jget(j, "meta"), "next_token") ? jstr(jget(j, "meta"), "next_token") : "");
		snprintf(first_old, sizeof first_old, "%s", jstr(jget(j, "meta"), "oldest_id") ? jstr(jget(j, "meta"), "oldest_id") : "");
		cJSON_Delete(j);
		res_free(&s);
		snprintf(path, sizeof path, "/2/users/" X_DOC2 "/tweets?max_results=10&until_id=%s&pagination_token=%s", u, tok);
		j = get_json(&s, path, XTOK);
		ok(cJSON_GetArraySize(jget(j, "data")) == 10 &&
		   !strcmp(jstr(cJSON_GetArrayItem(jget(j, "data"), 0), "id"), xp->v[xp->n - 62].key) &&
		   idcmp(jstr(cJSON_GetArrayItem(jget(j, "data"), 0), "id"), first_old) < 0,
		   "X until_id + pagination_token: the next page continues below the first");
		cJSON_Delete(j);
		res_free(&s);
		snprintf(path, sizeof path, "/2/users/" X_DOC2 "/tweets?max_results=10&until_id=%s&pagination_token=%s", u2, tok);
		j = get_json(&s, path, XTOK);
		ok(!strcmp(jstr(cJSON_GetArrayItem(jget(j, "data"), 0), "id") ? jstr(cJSON_GetArrayItem(jget(j, "data"), 0), "id") : "",
			   xp->v[xp->n - 201].key),
		   "X until_id below the token's bound: until_id decides");
		cJSON_Delete(j);
		res_free(&s);
	}

	/* start_time (inclusive) / end_time (exclusive), whole seconds */
	{
		const struct fpost *p = &xp->v[xp->n - 1000];
		long long sec = p->ms / 1000;
		int want = 0, got;
		char q[256];

		for (size_t i = xp->n - 3200; i < xp->n; i++)
			want += xp->v[i].ms >= sec * 1000 && xp->v[i].ms < (sec + 7200) * 1000;
		iso_of(sec, a);
		iso_of(sec + 7200, b);
		snprintf(q, sizeof q, "/2/users/" X_DOC2 "/tweets?max_results=5&start_time=%s&end_time=%s", a, b);
		got = x_walk(q, 0, oldest, sizeof oldest, NULL, 0, &sorted);
		ok(got == want && want > 5 && sorted, "X start_time/end_time window: %d posts, as many as created in it (%d)", got, want);
		is_str(oldest, p->key, "X start_time is inclusive: the post created in that very second comes last");
		iso_of(sec - 7200, a);
		iso_of(sec, b);
		snprintf(path, sizeof path, "/2/users/" X_DOC2 "/tweets?max_results=5&start_time=%s&end_time=%s", a, b);
		j = get_json(&s, path, XTOK);
		ok(jstr(jget(j, "meta"), "newest_id") && idcmp(jstr(jget(j, "meta"), "newest_id"), p->key) < 0,
		   "X end_time is exclusive: the post of that second is left out");
		cJSON_Delete(j);
		res_free(&s);
		snprintf(path, sizeof path, "/2/users/" X_DOC2 "/tweets?max_results=5&start_time=%s&end_time=%s", b, a);
		j = get_json(&s, path, XTOK);
		ok(s.status == 400 && jget(j, "errors") && strstr(s.body, "must be before"), "X start_time after end_time -> 400");
		cJSON_Delete(j);
		res_free(&s);
		j = get_json(&s, "/2/users/" X_DOC2 "/tweets?start_time=yesterday", XTOK);
		ok(s.status == 400 && jstr(j, "type") && strstr(jstr(j, "type"), "invalid-request"), "X start_time not RFC 3339 -> 400");
		cJSON_Delete(j);
		res_free(&s);
		/* since_id wins over start_time */
		iso_of(xp->v[xp->n - 20].ms / 1000 + 1, a);
		snprintf(path, sizeof path, "/2/users/" X_DOC2 "/tweets?max_results=100&since_id=%s&start_time=%s",
			 xp->v[xp->n - 50].key, a);
		j = get_json(&s, path, XTOK);
		is_int(cJSON_GetArraySize(jget(j, "data")), 49, "X since_id wins over start_time");
		cJSON_Delete(j);
		res_free(&s);
		/* until_id and end_time: both bound the page */
		iso_of(xp->v[xp->n - 30].ms / 1000, b);
		snprintf(path, sizeof path, "/2/users/" X_DOC2 "/tweets?max_results=5&until_id=%s&end_time=%s",
			 xp->v[xp->n - 10].key, b);
		j = get_json(&s, path, XTOK);
		is_str(jstr(jget(j, "meta"), "newest_id"), xp->v[xp->n - 31].key, "X until_id with an earlier end_time: end_time decides");
		cJSON_Delete(j);
		res_free(&s);
	}

	/* recent search keeps its 7-day reach */
	{
		long long now_ms = 0;
		int want = 0;
		j = get_json(&s, "/_fake/clock", NULL);
		if (jget(j, "now_ms"))
			now_ms = (long long)jget(j, "now_ms")->valuedouble;
		cJSON_Delete(j);
		res_free(&s);
		for (size_t i = 0; i < xp->n; i++)
			want += xp->v[i].ms >= now_ms - 7 * 86400000LL;
		n = x_walk("/2/tweets/search/recent?query=from%3Adoc2&max_results=100", 0, oldest, sizeof oldest, NULL, 0, &sorted);
		ok(n == want && sorted && want > 1000, "X search from:doc2 pages back 7 days only: %d of %zu (want %d)", n, xp->n, want);
	}

	/* posts added "now" push the oldest out of reach: an old token leads nowhere */
	post_ok("/_fake/add_posts", "{\"network\":\"x\",\"account\":\"doc2\",\"count\":1000}");
	post_ok("/_fake/add_posts", "{\"network\":\"x\",\"account\":\"doc2\",\"count\":1000}");
	snprintf(path, sizeof path, "/2/users/" X_DOC2 "/tweets?max_results=100&pagination_token=%s", tok31);
	req(&s, HTTP_GET, path, XTOK, NULL);
	ok(*tok31 && s.status == 200 && s.body && !strcmp(s.body, "{\"meta\":{\"result_count\":0}}"),
	   "X pagination_token past the 3,200 cut: 200 {\"meta\":{\"result_count\":0}}");
	res_free(&s);
	fake_posts("doc2", "x", &after);
	n = x_walk("/2/users/" X_DOC2 "/tweets?max_results=100", 0, oldest, sizeof oldest, NULL, 0, &sorted);
	ok(n == 3200 && after.n == 5500 && !strcmp(oldest, after.v[after.n - 3200].key),
	   "X after 2,000 new posts: still the newest 3,200 reachable");
	free(after.v);
}

/* Mastodon Link rel="next" walk; returns the number of statuses */
static int m_walk(const char *first, bool *sorted, int *requests, bool *last_has_next, long *last_n)
{
	char url[1024], prev[32] = "";
	int total = 0;
	struct res s;
	cJSON *j;

	*sorted = true;
	*requests = 0;
	snprintf(url, sizeof url, "%s", first);
	for (;;) {
		const cJSON *it;
		j = get_json(&s, url, NULL);
		(*requests)++;
		*last_n = cJSON_GetArraySize(j);
		cJSON_ArrayForEach(it, j) {
			const char *id = jstr(it, "id");
			if (*prev && (!id || idcmp(prev, id) <= 0))
				*sorted = false;
			snprintf(prev, sizeof prev, "%s", id ? id : "");
			total++;
		}
		cJSON_Delete(j);
		*last_has_next = link_rel(s.h[LINK], "next", url, sizeof url) != NULL;
		res_free(&s);
		if (!*last_has_next || *requests > 1000)
			break;
	}
	return total;
}

static void test_deep_mastodon(void)
{
	bool sorted, has_next;
	int requests, n;
	long last_n;

	n = m_walk("/api/v1/accounts/" M_DOC2 "/statuses?limit=40", &sorted, &requests, &has_next, &last_n);
	ok(n == 3500 && sorted && requests == 88 && last_n == 20 && !has_next,
	   "Mastodon max_id paging (Link rel=next) goes through all 3,500 statuses: %d in %d requests, last page %ld, no next",
	   n, requests, last_n);
	n = m_walk("/api/v1/accounts/" M_DOC2 "/statuses?limit=35", &sorted, &requests, &has_next, &last_n);
	ok(n == 3500 && sorted && requests == 101 && last_n == 0 && !has_next,
	   "Mastodon: a full last page still links next, which is empty and links nothing (%d, %d requests)", n, requests);
}

static void test_deep_bluesky(void)
{
	char path[512], cursor[64] = "", prev_uri[160] = "";
	int total = 0, pages = 0, with_cursor = 0;
	bool sorted = true, cursors_down = true;
	long long last_size = 0;
	struct res s;
	cJSON *j;

	do {
		const cJSON *it;
		snprintf(path, sizeof path, "/xrpc/app.bsky.feed.getAuthorFeed?actor=doc2.bsky.social&limit=100%s%s",
			 *cursor ? "&cursor=" : "", cursor);
		j = get_json(&s, path, NULL);
		pages++;
		last_size = cJSON_GetArraySize(jget(j, "feed"));
		cJSON_ArrayForEach(it, jget(j, "feed")) {
			const char *t = jstr(jget(it, "post.record"), "createdAt");
			const char *uri = jstr(jget(it, "reason"), "uri") ? jstr(jget(it, "reason"), "uri") : jstr(jget(it, "post"), "uri");
			(void)t;
			if (uri && !strcmp(uri, prev_uri))
				sorted = false;
			snprintf(prev_uri, sizeof prev_uri, "%s", uri ? uri : "");
			total++;
		}
		if (jstr(j, "cursor")) {
			if (*cursor && strcmp(jstr(j, "cursor"), cursor) >= 0)
				cursors_down = false;
			snprintf(cursor, sizeof cursor, "%s", jstr(j, "cursor"));
			with_cursor++;
		} else {
			*cursor = '\0';
		}
		cJSON_Delete(j);
		res_free(&s);
	} while (*cursor && pages < 100);
	ok(total == 3500 && pages == 35 && with_cursor == 34 && sorted && cursors_down,
	   "Bluesky getAuthorFeed cursor paging goes through all 3,500 posts (%d in %d pages)", total, pages);
	is_int(last_size, 100, "Bluesky: the last page is full and has no cursor");
}

static const char *const deep_opts[] = { "--accounts", "6", "--posts", "30", "--heavy", "doc2=3500", "--heavy", "me=60",
	"--span-days", "10", "--seed", "5", "--end-time", "2026-11-20T00:00:00Z", "--now", "2026-11-20T06:00:00Z", NULL };

static void test_deep(void)
{
	struct fposts xp;
	struct res s;
	cJSON *j;

	if (!ok(server_start(deep_opts) == 0, "fake server with --heavy doc2=3500 started"))
		return;
	j = get_json(&s, "/_fake/account?name=doc2", NULL);
	ok(jget(j, "x.posts") && jget(j, "x.posts")->valueint == 3500 && jget(j, "mastodon.posts")->valueint == 3500 &&
	   jget(j, "bluesky.posts")->valueint == 3500, "--heavy doc2=3500: 3,500 posts on every network");
	cJSON_Delete(j);
	res_free(&s);
	j = get_json(&s, "/_fake/account?name=doc3", NULL);
	ok(jget(j, "x.posts") && jget(j, "x.posts")->valueint == 30, "other accounts keep --posts");
	cJSON_Delete(j);
	res_free(&s);
	j = get_json(&s, "/_fake/scenario", NULL);
	ok(jget(j, "heavy.doc2") && jget(j, "heavy.doc2")->valueint == 3500 && jget(j, "heavy.me")->valueint == 60,
	   "/_fake/scenario lists the heavy accounts");
	cJSON_Delete(j);
	res_free(&s);
	fake_posts("doc2", "x", &xp);
	ok(xp.n == 3500 && xp.v[0].ms >= 1795132800000LL - 10 * 86400000LL && xp.v[xp.n - 1].ms <= 1795132800000LL,
	   "the 3,500 posts are spread over the same 10-day span");
	if (xp.n == 3500)
		test_deep_x(&xp);
	free(xp.v);
	test_deep_mastodon();
	test_deep_bluesky();
	server_stop();
}

/* ------------------------------------------------------------ Mastodon instances */

#define FED_START_MS 1793491200000LL    /* 2026-11-01T00:00:00Z */
#define M_HOME(n) "10900000000000000" #n           /* docN's id on HOME (N < 10) */
#define M_ON_A(n) "10900000000010000" #n           /* ... on a.example */

/* an RFC 3339 time with Z, milliseconds optional */
static bool clock_ms(const char *s, int64_t *ms)
{
	struct tm tm = { 0 };
	int frac = 0;

	if (sscanf(s, "%d-%d-%dT%d:%d:%d.%3dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
		   &tm.tm_sec, &frac) < 6)
		return false;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	*ms = (int64_t)timegm(&tm) * 1000 + frac;
	return true;
}

/* A Mastodon request as if sent to host (NULL: 127.0.0.1:port, i.e. HOME). */
static cJSON *mget(struct res *s, const char *host, const char *path, const char *tok)
{
	char h[160];
	const char *hdrs[3] = { NULL, NULL, NULL };
	int n = 0;

	if (host) {
		snprintf(h, sizeof h, "Host: %s", host);
		hdrs[n++] = h;
	}
	if (tok)
		hdrs[n++] = tok;
	reqv(s, HTTP_GET, path, n ? hdrs : NULL, NULL);
	return s->body ? cJSON_ParseWithLength(s->body, s->len) : NULL;
}

static const char *jpath_str(const cJSON *o, const char *path)
{
	const cJSON *v = jget(o, path);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* acct and id of a mention of docN as instance v (of k = 5) shows them */
static bool mention_ok(const cJSON *m, int v)
{
	const char *user = jstr(m, "username"), *acct = jstr(m, "acct"), *id = jstr(m, "id");
	static const char *const names[] = { "home.example", "a.example", "b.example:8443", "c.example", "d.example" };
	char want_acct[64], want_id[32];
	int n, home;

	if (!user || !acct || !id)
		return false;
	n = strcmp(user, "me") == 0 ? 0 : atoi(user + 3);
	home = n == 0 ? 0 : (n - 1) % 5;
	if (home == v)
		snprintf(want_acct, sizeof want_acct, "%s", user);
	else
		snprintf(want_acct, sizeof want_acct, "%s@%s", user, names[home]);
	snprintf(want_id, sizeof want_id, "%llu", 109000000000000000ULL + (unsigned long long)v * 100000 + (unsigned)n);
	return !strcmp(acct, want_acct) && !strcmp(id, want_id);
}

static void test_inst_routing(void)
{
	struct res s;
	cJSON *j;

	j = mget(&s, NULL, "/api/v1/accounts/lookup?acct=doc2", NULL);
	ok(!strcmp(jstr(j, "acct") ? jstr(j, "acct") : "", "doc2@a.example") && !strcmp(jstr(j, "id") ? jstr(j, "id") : "", M_HOME(2)),
	   "Host 127.0.0.1:port is HOME: doc2 is doc2@a.example, id %s", jstr(j, "id") ? jstr(j, "id") : "?");
	cJSON_Delete(j);
	res_free(&s);
	j = mget(&s, "a.example", "/api/v1/accounts/lookup?acct=doc2", NULL);
	ok(!strcmp(jstr(j, "acct") ? jstr(j, "acct") : "", "doc2") && !strcmp(jstr(j, "id") ? jstr(j, "id") : "", M_ON_A(2)),
	   "Host a.example: doc2 is local there, with a.example's id");
	ok(!strcmp(jstr(j, "url") ? jstr(j, "url") : "", "https://a.example/@doc2") &&
	   !strcmp(jstr(j, "uri") ? jstr(j, "uri") : "", "https://a.example/users/doc2"), "account url/uri on its home");
	cJSON_Delete(j);
	res_free(&s);
	j = mget(&s, "A.Example:4321", "/api/v1/accounts/lookup?acct=doc2", NULL);
	is_str(jstr(j, "acct"), "doc2", "a Host with any port (and any case) selects a.example");
	cJSON_Delete(j);
	res_free(&s);
	j = mget(&s, "b.example:8443", "/api/v1/accounts/lookup?acct=doc3", NULL);
	is_str(jstr(j, "acct"), "doc3", "Host b.example:8443 selects the instance listed with that port");
	cJSON_Delete(j);
	res_free(&s);
	j = mget(&s, "b.example", "/api/v1/accounts/lookup?acct=doc3", NULL);
	is_str(jstr(j, "acct"), "doc3@b.example:8443", "... and b.example without the port is HOME");
	cJSON_Delete(j);
	res_free(&s);
	j = mget(&s, "elsewhere.example", "/api/v1/accounts/lookup?acct=me", NULL);
	ok(!strcmp(jstr(j, "acct") ? jstr(j, "acct") : "", "me") && !strcmp(jstr(j, "id") ? jstr(j, "id") : "", M_HOME(0)),
	   "an unknown Host is HOME, where me lives");
	cJSON_Delete(j);
	res_free(&s);

	/* lookups take both forms; a wrong domain is not found */
	j = mget(&s, NULL, "/api/v1/accounts/lookup?acct=doc2@a.example", NULL);
	is_str(jstr(j, "id"), M_HOME(2), "HOME: lookup doc2@a.example");
	cJSON_Delete(j);
	res_free(&s);
	j = mget(&s, NULL, "/api/v1/accounts/lookup?acct=doc2@b.example", NULL);
	is_int(s.status, 404, "HOME: doc2@b.example does not exist");
	cJSON_Delete(j);
	res_free(&s);
	j = mget(&s, "a.example", "/api/v1/accounts/lookup?acct=doc2@a.example", NULL);
	is_str(jstr(j, "acct"), "doc2", "a.example: lookup doc2@a.example (its own domain)");
	cJSON_Delete(j);
	res_free(&s);
	j = mget(&s, "a.example", "/api/v1/accounts/lookup?acct=doc1", NULL);
	ok(!strcmp(jstr(j, "acct") ? jstr(j, "acct") : "", "doc1@home.example") && !strcmp(jstr(j, "id") ? jstr(j, "id") : "", M_ON_A(1)),
	   "a.example: lookup doc1 finds the remote doc1@home.example under a.example's id");
	cJSON_Delete(j);
	res_free(&s);
	j = mget(&s, "a.example", "/api/v1/accounts/" M_HOME(2), NULL);
	is_int(s.status, 404, "a.example does not know HOME's account ids");
	cJSON_Delete(j);
	res_free(&s);
	j = mget(&s, "a.example", "/api/v1/accounts/" M_ON_A(1), NULL);
	is_str(jstr(j, "acct"), "doc1@home.example", "a.example: accounts/:id with its own id");
	cJSON_Delete(j);
	res_free(&s);
}

/* doc2's statuses on HOME and on a.example (its home) */
static void test_inst_ids(void)
{
	struct res s, t;
	cJSON *home, *a, *k;
	const cJSON *it, *jt;
	int common = 0, same_urls = 0, ids_differ = 0, home_id_in_uri = 0, mentions = 0, mentions_ok = 0;
	char path[256];

	home = mget(&s, NULL, "/api/v1/accounts/" M_HOME(2) "/statuses?limit=40", NULL);
	a = mget(&t, "a.example", "/api/v1/accounts/" M_ON_A(2) "/statuses?limit=40", NULL);
	ok(newest_first(home, "id") && newest_first(a, "id"), "both instances: newest first by their own ids");
	ok(!strncmp(t.h[LINK], "<http://a.example/api/v1/accounts/", 34), "Link URLs carry the Host the request came with");
	res_free(&s);      /* the parsed pages stay */
	res_free(&t);
	cJSON_ArrayForEach(it, a) {
		const char *uri = jstr(it, "uri"), *id = jstr(it, "id");
		size_t ul = uri ? strlen(uri) : 0;
		if (uri && ul > 9 && !strcmp(uri + ul - 9, "/activity"))    /* a reblog's Announce */
			ul -= 9;
		home_id_in_uri += uri && id && ul > strlen(id) && !strncmp(uri + ul - strlen(id), id, strlen(id));
		cJSON_ArrayForEach(jt, home) {
			if (!uri || !jstr(jt, "uri") || strcmp(uri, jstr(jt, "uri")))
				continue;
			common++;
			same_urls += jstr(it, "url") && jstr(jt, "url") && !strcmp(jstr(it, "url"), jstr(jt, "url")) &&
				     !strcmp(jstr(it, "created_at"), jstr(jt, "created_at")) &&
				     !strcmp(jpath_str(it, "account.uri"), jpath_str(jt, "account.uri"));
			ids_differ += strcmp(jstr(it, "id"), jstr(jt, "id")) != 0;
			if (cJSON_GetArraySize(jget(it, "mentions")) > 0) {
				const cJSON *m;
				cJSON_ArrayForEach(m, jget(it, "mentions"))
					mentions++, mentions_ok += mention_ok(m, 1);
				cJSON_ArrayForEach(m, jget(jt, "mentions"))
					mentions_ok += mention_ok(m, 0);
			}
		}
	}
	ok(common > 10, "the statuses HOME knows of doc2 are a.example's too (%d)", common);
	is_int(same_urls, common, "uri, url, created_at and account uri are the same on both instances");
	is_int(ids_differ, common, "... while every status id differs per instance");
	is_int(home_id_in_uri, cJSON_GetArraySize(a), "on its home a status's id is the one in its uri");
	ok(mentions > 0 && mentions_ok == 2 * mentions,
	   "mentions carry acct in the viewing instance's form and its local account id (%d)", mentions);

	/* a status id names its post on its own instance only */
	if (cJSON_GetArraySize(home) >= 5 && cJSON_GetArraySize(a) >= 5) {
		const char *hid = jstr(cJSON_GetArrayItem(home, 0), "id"), *aid = jstr(cJSON_GetArrayItem(a, 0), "id");
		snprintf(path, sizeof path, "/api/v1/statuses/%s", aid);
		k = mget(&t, NULL, path, NULL);
		is_int(t.status, 404, "HOME: a.example's status id is unknown");
		cJSON_Delete(k);
		res_free(&t);
		k = mget(&t, "a.example", path, NULL);
		is_int(t.status, 200, "a.example: its own status id");
		cJSON_Delete(k);
		res_free(&t);
		snprintf(path, sizeof path, "/api/v1/statuses/%s", hid);
		k = mget(&t, NULL, path, NULL);
		is_str(jstr(k, "uri"), jstr(cJSON_GetArrayItem(home, 0), "uri"), "HOME: its own status id, same uri");
		cJSON_Delete(k);
		res_free(&t);
		/* min_id paging stays right on both */
		for (int v = 0; v < 2; v++) {
			const cJSON *page = v ? a : home;
			snprintf(path, sizeof path, "/api/v1/accounts/%s/statuses?limit=2&min_id=%s", v ? M_ON_A(2) : M_HOME(2),
				 jstr(cJSON_GetArrayItem(page, 4), "id"));
			k = mget(&t, v ? "a.example" : NULL, path, NULL);
			ok(cJSON_GetArraySize(k) == 2 && !strcmp(jstr(cJSON_GetArrayItem(k, 0), "id"), jstr(cJSON_GetArrayItem(page, 2), "id")) &&
			   !strcmp(jstr(cJSON_GetArrayItem(k, 1), "id"), jstr(cJSON_GetArrayItem(page, 3), "id")),
			   "%s: min_id gives the page right above it", v ? "a.example" : "HOME");
			cJSON_Delete(k);
			res_free(&t);
		}
	}
	/* replies: in_reply_to_account_id is the viewing instance's */
	{
		int replies = 0, local_ids = 0;
		cJSON_ArrayForEach(it, a)
			if (jstr(it, "in_reply_to_account_id")) {
				replies++;
				local_ids += !strncmp(jstr(it, "in_reply_to_account_id"), "1090000000001", 13);
			}
		ok(replies == local_ids, "a.example: in_reply_to_account_id are a.example's ids (%d replies)", replies);
	}
	cJSON_Delete(home);
	cJSON_Delete(a);
}

/* federation: what HOME knows of doc2 (remote) */
static void test_inst_federation(void)
{
	struct fposts mp;
	struct res s, t;
	cJSON *j, *k;
	const cJSON *it;
	int n = 0, after_start = 0, want = 0;
	long long now_ms = 1795154400000LL;      /* --now 2026-11-20T06:00:00Z */
	char path[256], w[32] = "", added_uri[256] = "";

	fake_posts("doc2", "mastodon", &mp);
	for (size_t i = 0; i < mp.n; i++)
		want += mp.v[i].ms >= FED_START_MS;
	j = mget(&s, NULL, "/api/v1/accounts/" M_HOME(2) "/statuses?limit=40", NULL);
	cJSON_ArrayForEach(it, j) {
		int64_t ms;
		n++;
		after_start += jstr(it, "created_at") && clock_ms(jstr(it, "created_at"), &ms) && ms >= FED_START_MS;
	}
	ok(n == want && after_start == n && (size_t)n < mp.n,
	   "HOME knows doc2's posts from --federation-start on only: %d of %zu", n, mp.n);
	ok(!s.h[LINK][0] || !strstr(s.h[LINK], "rel=\"next\""), "... and pages no further back");
	cJSON_Delete(j);
	res_free(&s);
	free(mp.v);
	j = mget(&s, "a.example", "/api/v1/accounts/" M_ON_A(2) "/statuses?limit=40", NULL);
	is_int(cJSON_GetArraySize(j), 40, "on its home every post of doc2 is there");
	cJSON_Delete(j);
	res_free(&s);

	/* HOME's tag timeline: its local posts from any time, remote ones from the start */
	{
		char url[1024] = "/api/v1/timelines/tag/meded?limit=40";
		int local_old = 0, remote_old = 0, remote = 0, pages = 0;
		bool sorted = true;
		do {
			j = mget(&s, NULL, url, NULL);
			sorted &= newest_first(j, "id");
			cJSON_ArrayForEach(it, j) {
				int64_t ms = 0;
				bool is_remote = jpath_str(it, "account.acct") && strchr(jpath_str(it, "account.acct"), '@');
				clock_ms(jstr(it, "created_at") ? jstr(it, "created_at") : "", &ms);
				remote += is_remote;
				local_old += !is_remote && ms < FED_START_MS;
				remote_old += is_remote && ms < FED_START_MS;
			}
			cJSON_Delete(j);
			if (!link_rel(s.h[LINK], "next", url, sizeof url))
				*url = '\0';
			res_free(&s);
		} while (*url && ++pages < 50);
		ok(sorted && remote > 0 && local_old > 0 && remote_old == 0,
		   "HOME's tag timeline: local posts of any age, remote ones only from the federation start (%d remote)", remote);
	}

	/* a post of doc2 is on a.example at once, on HOME after the delay, under an
	 * id from its creation time: below a watermark HOME took meanwhile */
	k = post_json(&t, "/_fake/add_posts", "{\"network\":\"mastodon\",\"account\":\"doc2\",\"tags\":[\"fedtag\"]}");
	ok(jpath_str(cJSON_GetArrayItem(jget(k, "added"), 0), "uri") &&
	   !strcmp(jpath_str(cJSON_GetArrayItem(jget(k, "added"), 0), "home"), "a.example"),
	   "add_posts answers the canonical uri and the home");
	if (jpath_str(cJSON_GetArrayItem(jget(k, "added"), 0), "uri"))
		snprintf(added_uri, sizeof added_uri, "%s", jpath_str(cJSON_GetArrayItem(jget(k, "added"), 0), "uri"));
	cJSON_Delete(k);
	res_free(&t);
	post_ok("/_fake/add_posts", "{\"network\":\"mastodon\",\"account\":\"doc1\",\"tags\":[\"fedtag\"]}");
	j = mget(&s, "a.example", "/api/v1/timelines/tag/fedtag", NULL);
	ok(cJSON_GetArraySize(j) == 1 && !strcmp(jpath_str(cJSON_GetArrayItem(j, 0), "uri"), added_uri),
	   "a.example's tag timeline: its local post at once, HOME's not yet");
	cJSON_Delete(j);
	res_free(&s);
	j = mget(&s, NULL, "/api/v1/timelines/tag/fedtag", NULL);
	ok(cJSON_GetArraySize(j) == 1 && !strcmp(jpath_str(cJSON_GetArrayItem(j, 0), "account.acct"), "doc1"),
	   "HOME's tag timeline: doc1's local post only");
	if (cJSON_GetArraySize(j) == 1)
		snprintf(w, sizeof w, "%s", jstr(cJSON_GetArrayItem(j, 0), "id"));
	cJSON_Delete(j);
	res_free(&s);
	j = mget(&s, NULL, "/api/v1/accounts/" M_HOME(2) "/statuses?limit=1", NULL);
	ok(strcmp(jpath_str(cJSON_GetArrayItem(j, 0), "uri") ? jpath_str(cJSON_GetArrayItem(j, 0), "uri") : "", added_uri) != 0,
	   "HOME: doc2's new post is not there yet");
	cJSON_Delete(j);
	res_free(&s);
	post_ok("/_fake/clock", "{\"advance\":599}");
	j = mget(&s, NULL, "/api/v1/accounts/" M_HOME(2) "/statuses?limit=1", NULL);
	ok(strcmp(jpath_str(cJSON_GetArrayItem(j, 0), "uri") ? jpath_str(cJSON_GetArrayItem(j, 0), "uri") : "", added_uri) != 0,
	   "... nor 599 s later");
	cJSON_Delete(j);
	res_free(&s);
	post_ok("/_fake/clock", "{\"advance\":1}");
	j = mget(&s, NULL, "/api/v1/accounts/" M_HOME(2) "/statuses?limit=1", NULL);
	is_str(jpath_str(cJSON_GetArrayItem(j, 0), "uri"), added_uri, "--federation-delay 600: on HOME 600 s after its creation");
	cJSON_Delete(j);
	res_free(&s);
	snprintf(path, sizeof path, "/api/v1/timelines/tag/fedtag?min_id=%s", w);
	j = mget(&s, NULL, path, NULL);
	is_int(cJSON_GetArraySize(j), 0, "HOME: a min_id poll from the watermark misses it (late-federated)");
	cJSON_Delete(j);
	res_free(&s);
	j = mget(&s, NULL, "/api/v1/timelines/tag/fedtag", NULL);
	ok(cJSON_GetArraySize(j) == 2 && !strcmp(jpath_str(cJSON_GetArrayItem(j, 1), "uri"), added_uri) &&
	   idcmp(jstr(cJSON_GetArrayItem(j, 1), "id"), w) < 0, "... because its HOME id lies below the watermark");
	cJSON_Delete(j);
	res_free(&s);
	(void)now_ms;
}

/* notifications: HOME only; a remote mention arrives after the delay */
static void test_inst_notifications(void)
{
	struct res s;
	cJSON *j;
	const char *top;

	j = mget(&s, NULL, "/api/v1/notifications?limit=40", MTOK);
	{
		const cJSON *it;
		int remote = 0, ok_acct = 0;
		cJSON_ArrayForEach(it, j) {
			const char *u = jpath_str(it, "account.username");
			int n = u && strncmp(u, "doc", 3) == 0 ? atoi(u + 3) : 0;
			if (n && (n - 1) % 5) {
				remote++;
				ok_acct += strchr(jpath_str(it, "account.acct"), '@') != NULL;
			}
		}
		ok(s.status == 200 && remote > 0 && remote == ok_acct, "HOME notifications: remote senders as user@home (%d)", remote);
	}
	cJSON_Delete(j);
	res_free(&s);
	j = mget(&s, "a.example", "/api/v1/notifications", MTOK);
	is_int(s.status, 401, "the user token is HOME's: a.example answers it with 401");
	cJSON_Delete(j);
	res_free(&s);
	post_ok("/_fake/add_posts", "{\"network\":\"mastodon\",\"account\":\"doc2\",\"kind\":\"mention_me\"}");
	post_ok("/_fake/add_posts", "{\"network\":\"mastodon\",\"account\":\"doc1\",\"kind\":\"mention_me\"}");
	j = mget(&s, NULL, "/api/v1/notifications?limit=1", MTOK);
	top = jpath_str(cJSON_GetArrayItem(j, 0), "account.acct");
	is_str(top, "doc1", "a local mention is notified at once, the remote one not yet");
	cJSON_Delete(j);
	res_free(&s);
	post_ok("/_fake/clock", "{\"advance\":600}");
	j = mget(&s, NULL, "/api/v1/notifications?limit=2", MTOK);
	ok(!strcmp(jpath_str(cJSON_GetArrayItem(j, 0), "account.acct") ? jpath_str(cJSON_GetArrayItem(j, 0), "account.acct") : "",
		   "doc2@a.example") && newest_first(j, "id"),
	   "600 s later doc2@a.example's mention is the newest notification");
	cJSON_Delete(j);
	res_free(&s);
}

/* a reblog: the wrapper's uri is its Announce activity, url the same */
static void test_inst_reblog(void)
{
	struct res s, t;
	cJSON *j, *k;
	const cJSON *w;

	post_ok("/_fake/add_posts", "{\"network\":\"mastodon\",\"account\":\"doc2\",\"kind\":\"repost\",\"target\":\"doc1\"}");
	j = mget(&s, "a.example", "/api/v1/accounts/" M_ON_A(2) "/statuses?limit=1", NULL);
	w = cJSON_GetArrayItem(j, 0);
	ok(jstr(w, "uri") && !strncmp(jstr(w, "uri"), "https://a.example/users/doc2/statuses/", 38) &&
	   strstr(jstr(w, "uri"), "/activity") && jstr(w, "url") && !strcmp(jstr(w, "url"), jstr(w, "uri")),
	   "reblog wrapper: uri .../statuses/ID/activity on the reblogger's home, url the same");
	ok(jpath_str(w, "reblog.uri") && !strncmp(jpath_str(w, "reblog.uri"), "https://home.example/users/doc1/statuses/", 41) &&
	   !strcmp(jpath_str(w, "reblog.account.acct"), "doc1@home.example"), "the reblogged status keeps doc1's home uri");
	post_ok("/_fake/clock", "{\"advance\":600}");
	k = mget(&t, NULL, "/api/v1/accounts/" M_HOME(2) "/statuses?limit=1", NULL);
	ok(jstr(cJSON_GetArrayItem(k, 0), "uri") && jstr(w, "uri") &&
	   !strcmp(jstr(cJSON_GetArrayItem(k, 0), "uri"), jstr(w, "uri")) &&
	   !strcmp(jpath_str(cJSON_GetArrayItem(k, 0), "reblog.uri"), jpath_str(w, "reblog.uri")) &&
	   strcmp(jpath_str(cJSON_GetArrayItem(k, 0), "reblog.id"), jpath_str(w, "reblog.id")),
	   "on HOME the same wrapper and reblogged uris, other ids");
	cJSON_Delete(k);
	res_free(&t);
	cJSON_Delete(j);
	res_free(&s);
}

static void test_inst_closed_empty(void)
{
	struct res s;
	cJSON *j;

	j = mget(&s, "c.example", "/api/v1/accounts/lookup?acct=doc4", NULL);
	ok(s.status == 401 && jstr(j, "error") && !strcmp(jstr(j, "error"), "This API requires an authenticated user"),
	   "--mastodon-closed: 401 This API requires an authenticated user");
	cJSON_Delete(j);
	res_free(&s);
	j = mget(&s, "c.example", "/api/v1/timelines/tag/meded", NULL);
	is_int(s.status, 401, "closed: tag timeline too");
	cJSON_Delete(j);
	res_free(&s);
	j = mget(&s, "d.example", "/api/v1/accounts/lookup?acct=doc5", NULL);
	ok(s.status == 200 && jstr(j, "acct") && !strcmp(jstr(j, "acct"), "doc5"), "--mastodon-empty: lookups still work");
	cJSON_Delete(j);
	res_free(&s);
	j = mget(&s, "d.example", "/api/v1/accounts/109000000000400005/statuses", NULL);
	ok(s.status == 200 && cJSON_IsArray(j) && cJSON_GetArraySize(j) == 0, "empty: its account's statuses are []");
	cJSON_Delete(j);
	res_free(&s);
	j = mget(&s, "d.example", "/api/v1/timelines/tag/meded", NULL);
	ok(s.status == 200 && cJSON_IsArray(j) && cJSON_GetArraySize(j) == 0, "empty: tag timeline []");
	cJSON_Delete(j);
	res_free(&s);
}

static void test_inst_scripts_budgets(void)
{
	struct res s;
	cJSON *j;
	char path[256], *q;
	const char *hd[2];

	/* forever: curl resends a request once when a reused connection closes unanswered */
	script("{\"path\":\"/api/v1/\",\"host\":\"a.example\",\"action\":\"drop\",\"forever\":true}");
	j = mget(&s, NULL, "/api/v1/accounts/lookup?acct=doc2", NULL);
	is_int(s.status, 200, "a rule for host a.example leaves HOME alone");
	cJSON_Delete(j);
	res_free(&s);
	j = mget(&s, "a.example", "/api/v1/accounts/lookup?acct=doc2", NULL);
	ok(s.result == HTTP_RESULT_NETWORK && s.status == 0, "host rule: a.example drops the connection (%d %ld %s)",
	   s.result, s.status, s.error);
	cJSON_Delete(j);
	res_free(&s);
	post_ok("/_fake/script/clear", "{}");
	script("{\"path\":\"/api/v1/\",\"host\":\"b.example:8443\",\"action\":\"hang\",\"forever\":true}");
	{
		char h[64] = "Host: b.example:8443";
		struct http_request rq = { .url = path, .timeout_ms = 300, .headers = hd };
		hd[0] = h;
		hd[1] = NULL;
		snprintf(path, sizeof path, "%s/api/v1/accounts/lookup?acct=doc3", base_url);
		memset(&s, 0, sizeof s);
		http_submit(http, &rq, on_done, &s, NULL);
		wait_done(&s, 3000);
		is_int(s.result, HTTP_RESULT_TIMEOUT, "host rule: b.example:8443 hangs");
		res_free(&s);
	}
	j = get_json(&s, "/_fake/script", NULL);
	is_str(jstr(cJSON_GetArrayItem(j, 0), "host"), "b.example:8443", "GET /_fake/script shows the host");
	cJSON_Delete(j);
	res_free(&s);
	post_ok("/_fake/script/clear", "{}");
	script("{\"path\":\"/api/v1/\",\"host\":\"home.example\",\"action\":\"503\"}");
	j = mget(&s, "a.example", "/api/v1/accounts/lookup?acct=doc2", NULL);
	is_int(s.status, 200, "a rule for home.example leaves a.example alone");
	cJSON_Delete(j);
	res_free(&s);
	j = mget(&s, NULL, "/api/v1/accounts/lookup?acct=doc2", NULL);
	is_int(s.status, 503, "... and applies to a request HOME answers (Host 127.0.0.1:port)");
	cJSON_Delete(j);
	res_free(&s);

	/* budgets per instance */
	j = get_json(&s, "/_fake/stats", NULL);
	ok(!cJSON_GetObjectItemCaseSensitive(jget(j, "buckets"), "mastodon.api") &&
	   cJSON_GetObjectItemCaseSensitive(jget(j, "buckets"), "mastodon.paging@d.example"),
	   "stats: mastodon.api@NAME and mastodon.paging@NAME per instance, no plain mastodon.api");
	cJSON_Delete(j);
	res_free(&s);
	is_int(bucket_stat("mastodon.api@home.example", "limit"), 100, "--rate mastodon.api=100/300 set every instance's");
	is_int(bucket_stat("mastodon.api@b.example:8443", "limit"), 3, "--rate mastodon.api@b.example:8443=3 set one");
	post_ok("/_fake/rate", "{\"bucket\":\"mastodon.paging\",\"limit\":50}");
	ok(bucket_stat("mastodon.paging@a.example", "limit") == 50 && bucket_stat("mastodon.paging@home.example", "limit") == 50,
	   "POST /_fake/rate with the plain name sets every instance's");
	post_ok("/_fake/rate", "{\"bucket\":\"mastodon.api@b.example:8443\",\"limit\":2,\"window\":300,\"reset\":true}");
	for (int i = 0; i < 3; i++) {
		j = mget(&s, "b.example:8443", "/api/v1/accounts/lookup?acct=doc3", NULL);
		if (i < 2) {
			cJSON_Delete(j);
			res_free(&s);
		}
	}
	ok(s.status == 429 && !strcmp(s.h[MR], "0"), "b.example:8443 spent its own budget of 2: 429");
	cJSON_Delete(j);
	res_free(&s);
	j = mget(&s, NULL, "/api/v1/accounts/lookup?acct=doc3", NULL);
	ok(s.status == 200 && atol(s.h[MR]) > 50, "... while HOME's budget is its own (remaining %s)", s.h[MR]);
	cJSON_Delete(j);
	res_free(&s);
	is_int(bucket_stat("mastodon.api@b.example:8443", "over"), 1, "the refusal counts on b.example:8443's bucket");
	j = get_json(&s, "/_fake/stats", NULL);
	q = NULL;
	{
		const cJSON *b = cJSON_GetObjectItemCaseSensitive(jget(j, "mastodon_instances"), "b.example:8443");
		const cJSON *c = cJSON_GetObjectItemCaseSensitive(jget(j, "mastodon_instances"), "c.example");
		const cJSON *a = cJSON_GetObjectItemCaseSensitive(jget(j, "mastodon_instances"), "a.example");
		ok(b && jget(b, "429")->valueint == 1 && jget(b, "requests")->valueint >= 4, "stats: requests and 429s per instance");
		ok(c && jget(c, "refused")->valueint == 2, "stats: refused reads of the closed instance");
		ok(a && jget(a, "foreign_token")->valueint == 1, "stats: the user token sent to a.example");
	}
	(void)q;
	cJSON_Delete(j);
	res_free(&s);
}

static void test_inst_control(void)
{
	struct res s;
	cJSON *j;
	struct fposts mp;
	const cJSON *in;

	j = get_json(&s, "/_fake/instances", NULL);
	in = jget(j, "instances");
	ok(cJSON_IsTrue(jget(j, "enabled")) && cJSON_GetArraySize(in) == 5 &&
	   !strcmp(jstr(cJSON_GetArrayItem(in, 0), "name"), "home.example") &&
	   cJSON_IsTrue(jget(cJSON_GetArrayItem(in, 0), "home")) && cJSON_IsTrue(jget(cJSON_GetArrayItem(in, 3), "closed")) &&
	   cJSON_IsTrue(jget(cJSON_GetArrayItem(in, 4), "empty")), "/_fake/instances: names, HOME first, closed and empty flags");
	ok(cJSON_GetArraySize(jget(cJSON_GetArrayItem(in, 1), "accounts")) == 3 &&
	   !strcmp(cJSON_GetArrayItem(jget(cJSON_GetArrayItem(in, 1), "accounts"), 0)->valuestring, "doc2") &&
	   !strcmp(cJSON_GetArrayItem(jget(cJSON_GetArrayItem(in, 0), "accounts"), 0)->valuestring, "me"),
	   "/_fake/instances: who lives where (me on HOME, doc2 doc7 doc12 on a.example)");
	ok(jget(cJSON_GetArrayItem(in, 1), "requests")->valueint > 0 && jget(j, "federation_delay")->valueint == 600 &&
	   (long long)jget(j, "federation_start_ms")->valuedouble == FED_START_MS, "... counts, federation start and delay");
	cJSON_Delete(j);
	res_free(&s);
	j = get_json(&s, "/_fake/account?name=doc2", NULL);
	ok(jpath_str(j, "mastodon.home") && !strcmp(jpath_str(j, "mastodon.home"), "a.example") &&
	   !strcmp(jpath_str(j, "mastodon.id"), M_ON_A(2)) && !strcmp(jpath_str(j, "mastodon.uri"), "https://a.example/users/doc2"),
	   "/_fake/account: the home, the id and uri there");
	{
		const cJSON *h = cJSON_GetObjectItemCaseSensitive(jget(j, "mastodon.instances"), "home.example");
		const cJSON *b = cJSON_GetObjectItemCaseSensitive(jget(j, "mastodon.instances"), "b.example:8443");
		ok(h && b && !strcmp(jstr(h, "id"), M_HOME(2)) && !strcmp(jstr(b, "id"), "109000000000200002") &&
		   !strcmp(jstr(b, "acct"), "doc2@a.example"), "/_fake/account: its id and acct on every instance");
	}
	cJSON_Delete(j);
	res_free(&s);
	fake_posts("doc2", "mastodon", &mp);
	{
		int okc = 0;
		for (size_t i = 0; i < mp.n; i++) {
			char want[64];
			snprintf(want, sizeof want, "/statuses/%llu", mp.v[i].order);
			okc += !strcmp(mp.v[i].acct, M_ON_A(2)) && !strncmp(mp.v[i].key, "https://a.example/users/doc2/statuses/", 38) &&
			       (strstr(mp.v[i].key, want) != NULL);
		}
		ok(mp.n > 40 && okc == (int)mp.n, "/_fake/posts: Mastodon key is the canonical uri, ids those of the home (%d)", okc);
	}
	free(mp.v);
}

static const char *const inst_opts[] = { "--accounts", "12", "--posts", "40", "--engaged", "4", "--seed", "7",
	"--end-time", "2026-11-20T00:00:00Z", "--now", "2026-11-20T06:00:00Z",
	"--mastodon-instances", "home.example,a.example,b.example:8443,c.example,d.example",
	"--mastodon-closed", "c.example", "--mastodon-empty", "d.example",
	"--federation-start", "2026-11-01T00:00:00Z", "--federation-delay", "600",
	"--rate", "mastodon.api=100/300", "--rate", "mastodon.api@b.example:8443=3", NULL };

static void test_instances(void)
{
	if (!ok(server_start(inst_opts) == 0, "fake server with five Mastodon instances started"))
		return;
	test_inst_routing();
	test_inst_ids();
	test_inst_federation();
	test_inst_notifications();
	test_inst_reblog();
	test_inst_closed_empty();
	test_inst_scripts_budgets();
	test_inst_control();
	server_stop();
}

/* --bluesky-appview: the AppView is a server of its own (by Host), with
 * its own rate buckets; the PDS is every other Host */
static const char *const appview_opts[] = { "--accounts", "4", "--posts", "10", "--seed", "7",
	"--end-time", "2026-11-20T00:00:00Z", "--now", "2026-11-20T06:00:00Z",
	"--bluesky-appview", "localhost", "--rate", "bluesky.api@appview=5/300", NULL };

static void test_appview(void)
{
	const char *av[] = { "Host: localhost", NULL }, *av_port[] = { "Host: localhost:4711", NULL };
	struct res s;

	if (!ok(server_start(appview_opts) == 0, "fake server with the Bluesky AppView apart started"))
		return;
	ok(bucket_stat("bluesky.api@appview", "limit") == 5 && bucket_stat("bluesky.api@pds", "limit") == 3000 &&
	   bucket_stat("bluesky.api", "limit") == -1, "buckets bluesky.api@appview (--rate) and bluesky.api@pds");
	reqv(&s, HTTP_GET, "/xrpc/app.bsky.actor.getProfile?actor=doc1.bsky.social", av, NULL);
	ok(s.status == 200 && !strcmp(s.h[BR], "4"), "Host: localhost draws on the AppView's bucket (remaining %s)", s.h[BR]);
	res_free(&s);
	reqv(&s, HTTP_GET, "/xrpc/app.bsky.feed.getAuthorFeed?actor=doc1.bsky.social", av_port, NULL);
	ok(s.status == 200 && !strcmp(s.h[BR], "3"), "with any port too (remaining %s)", s.h[BR]);
	res_free(&s);
	req(&s, HTTP_GET, "/xrpc/app.bsky.actor.getProfile?actor=doc1.bsky.social", NULL, NULL);
	ok(s.status == 200 && !strcmp(s.h[BR], "2999"), "any other Host is the PDS (remaining %s)", s.h[BR]);
	res_free(&s);

	/* a held 429 on the AppView leaves the PDS open */
	script("{\"path\":\"/xrpc/app.bsky.feed.getAuthorFeed\",\"host\":\"localhost\",\"action\":\"429\","
	       "\"hold\":true,\"reset_in\":60}");
	req(&s, HTTP_GET, "/xrpc/app.bsky.feed.getAuthorFeed?actor=doc1.bsky.social", NULL, NULL);
	is_int(s.status, 200, "the rule's host is the AppView: the PDS answers");
	res_free(&s);
	reqv(&s, HTTP_GET, "/xrpc/app.bsky.feed.getAuthorFeed?actor=doc1.bsky.social", av, NULL);
	ok(s.status == 429 && !strcmp(s.h[RETRY], "60"), "the AppView: held 429, Retry-After %s", s.h[RETRY]);
	res_free(&s);
	reqv(&s, HTTP_GET, "/xrpc/app.bsky.actor.getProfile?actor=doc2.bsky.social", av, NULL);
	is_int(s.status, 429, "held: every AppView endpoint");
	res_free(&s);
	req(&s, HTTP_GET, "/xrpc/app.bsky.actor.getProfile?actor=doc2.bsky.social", NULL, NULL);
	is_int(s.status, 200, "the PDS stays open");
	res_free(&s);
	ok(bucket_stat("bluesky.api@appview", "after_429") == 1 && bucket_stat("bluesky.api@pds", "after_429") == 0,
	   "after_429 counts on the AppView only");
	server_stop();
}

/* the scenario most checks run against */
static const char *const main_opts[] = { "--accounts", "12", "--posts", "40", "--engaged", "4", "--seed", "7",
	"--end-time", "2026-11-20T00:00:00Z", "--now", "2026-11-20T06:00:00Z", NULL };

int main(void)
{
	log_set_max_level(LOG_WARNING);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	signal(SIGPIPE, SIG_IGN);
	base = event_base_new();
	if (!ok(base && http_new(&http, base, NULL) == 0, "http client") ||
	    !ok(server_start(main_opts) == 0, "fake server started"))
		return tap_done();
	tap_diag("fake server at %s", base_url);
	test_x();
	test_mastodon();
	test_bluesky();
	test_control();
	test_windows();
	server_stop();
	test_deep();
	test_instances();
	test_appview();
	http_free(http);
	event_base_free(base);
	curl_global_cleanup();
	return tap_done();
}
