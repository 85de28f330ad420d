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

/* One request, run to completion. path may be a full URL (Link headers). */
static void req(struct res *s, enum http_method m, const char *path, const char *hdr, const char *body)
{
	char url[2048];
	const char *hdrs[2] = { hdr, NULL };
	struct http_request rq = { .method = m, .url = url, .headers = hdr ? hdrs : NULL,
				   .body = body, .body_len = body ? strlen(body) : 0, .timeout_ms = 3000 };

	memset(s, 0, sizeof *s);
	snprintf(url, sizeof url, "%s%s", strncmp(path, "http", 4) == 0 ? "" : base_url, path);
	if (http_submit(http, &rq, on_done, s, NULL) < 0) {
		s->done = 1;
		return;
	}
	wait_done(s, 5000);
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

static int server_start(void)
{
	const char *bin = getenv("FAKEAPI");
	char path[512], line[64];
	int pfd[2];
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
	if (pipe(pfd) < 0)
		return -1;
	server = fork();
	if (server == 0) {
		dup2(pfd[1], 1);
		close(pfd[0]);
		close(pfd[1]);
		execl(bin, bin, "--accounts", "12", "--posts", "40", "--engaged", "4", "--seed", "7",
		      "--end-time", "2026-11-20T00:00:00Z", "--now", "2026-11-20T06:00:00Z", (char *)NULL);
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

int main(void)
{
	log_set_max_level(LOG_WARNING);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	signal(SIGPIPE, SIG_IGN);
	base = event_base_new();
	if (!ok(base && http_new(&http, base, NULL) == 0, "http client") ||
	    !ok(server_start() == 0, "fake server started"))
		return tap_done();
	tap_diag("fake server at %s", base_url);
	test_x();
	test_mastodon();
	test_bluesky();
	test_control();
	server_stop();
	http_free(http);
	event_base_free(base);
	curl_global_cleanup();
	return tap_done();
}
