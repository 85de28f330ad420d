/* floor_ingest.c — the floor of ingest: the same pages mentord read in a
 * poll round, in the same order, only parsed with cJSON and inserted with
 * one prepared statement, a transaction per page. Nothing else: no HTTP in
 * the timed part, no dedupe beyond the unique key, no ledger, no mentor cache.
 *
 *   floor_ingest BASEURL REQUEST_LOG DB
 *
 * REQUEST_LOG is the fake server's -v log of mentord's round; every answered
 * GET of a post page (X timelines/mentions/search, Mastodon statuses,
 * Bluesky feeds) is fetched again from BASEURL (its clock is frozen, so the
 * bodies are the same) and kept in memory before the clock starts.
 * Prints "pages posts seconds posts_per_s cpu_seconds posts_per_cpu_s": the
 * machine is shared, so CPU time is the steadier figure. */
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include "body.h"
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum fmt { F_X, F_MASTODON, F_BLUESKY };

struct page {
	enum fmt fmt;
	char *body;
	size_t len;
};


static double clock_s(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int fmt_of(const char *ep, enum fmt *out)
{
	/* Bluesky search needs a session; the ingest round tracks no tags. */
	static const struct { const char *ep; enum fmt fmt; } eps[] = {
		{ "x.users_tweets", F_X }, { "x.users_mentions", F_X }, { "x.search_recent", F_X },
		{ "mastodon.account_statuses", F_MASTODON }, { "mastodon.timelines_tag", F_MASTODON },
		{ "bluesky.getAuthorFeed", F_BLUESKY },
	};
	for (size_t i = 0; i < sizeof eps / sizeof eps[0]; i++)
		if (strcmp(ep, eps[i].ep) == 0) {
			*out = eps[i].fmt;
			return 1;
		}
	return 0;
}

/* Reads the log and fetches every post page it lists. */
static int load_pages(const char *base, const char *log, struct page **out, size_t *n_out)
{
	FILE *f = fopen(log, "re");
	CURL *h = curl_easy_init();
	struct curl_slist *hdr = curl_slist_append(NULL, "Authorization: Bearer fake-x-token");
	struct page *v = NULL;
	size_t n = 0, cap = 0;
	char line[8192], uri[8000], ep[128];
	int status, r = -EIO;

	if (!f || !h || !hdr)
		goto fail;
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	while (fgets(line, sizeof line, f)) {
		char url[8192];
		struct body b = { 0 };
		enum fmt fmt;
		/* The server may stamp its (fake) clock first: "fakeapi: @T GET ...". */
		if ((sscanf(line, "fakeapi: @%*[0-9-] GET %7999s -> %d %127s", uri, &status, ep) != 3 &&
		     sscanf(line, "fakeapi: GET %7999s -> %d %127s", uri, &status, ep) != 3) ||
		    status != 200 || !fmt_of(ep, &fmt))
			continue;
		snprintf(url, sizeof url, "%s%s", base, uri);
		curl_easy_setopt(h, CURLOPT_URL, url);
		/* X wants its bearer token; the others would take it for theirs. */
		curl_easy_setopt(h, CURLOPT_HTTPHEADER, fmt == F_X ? hdr : NULL);
		curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
		if (curl_easy_perform(h) != CURLE_OK || !b.p) {
			free(b.p);
			goto fail;
		}
		if (n == cap) {
			struct page *nv = realloc(v, (cap = cap ? 2 * cap : 256) * sizeof *v);
			if (!nv) {
				free(b.p);
				goto fail;
			}
			v = nv;
		}
		v[n++] = (struct page){ .fmt = fmt, .body = b.p, .len = b.n };
	}
	r = 0;
fail:
	if (f)
		fclose(f);
	curl_slist_free_all(hdr);
	if (h)
		curl_easy_cleanup(h);
	*out = v;
	*n_out = n;
	return r;
}

static const char *str_at(const cJSON *o, const char *a, const char *b, const char *c)
{
	const cJSON *j = cJSON_GetObjectItemCaseSensitive(o, a);
	if (b)
		j = cJSON_GetObjectItemCaseSensitive(j, b);
	if (c)
		j = cJSON_GetObjectItemCaseSensitive(j, c);
	return cJSON_IsString(j) ? j->valuestring : NULL;
}

/* One page: parse, then a row per post in its own transaction. */
static long ingest_page(sqlite3 *db, sqlite3_stmt *ins, const struct page *pg)
{
	static const char *const NET[] = { "x", "mastodon", "bluesky" };
	cJSON *root = cJSON_ParseWithLength(pg->body, pg->len);
	const cJSON *items, *it;
	long n = 0;

	if (!root)
		return -EBADMSG;
	items = pg->fmt == F_X ? cJSON_GetObjectItemCaseSensitive(root, "data") :
	        pg->fmt == F_MASTODON ? root :
	        cJSON_GetObjectItemCaseSensitive(root, "feed");
	sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
	cJSON_ArrayForEach(it, items) {
		const char *key, *author, *at, *text;
		const cJSON *p = it;
		if (pg->fmt == F_X) {
			key = str_at(p, "id", NULL, NULL);
			author = str_at(p, "author_id", NULL, NULL);
			at = str_at(p, "created_at", NULL, NULL);
			text = str_at(p, "text", NULL, NULL);
		} else if (pg->fmt == F_MASTODON) {
			key = str_at(p, "id", NULL, NULL);
			author = str_at(p, "account", "id", NULL);
			at = str_at(p, "created_at", NULL, NULL);
			text = str_at(p, "content", NULL, NULL);
		} else {
			if (cJSON_HasObjectItem(p, "post"))
				p = cJSON_GetObjectItemCaseSensitive(p, "post");
			key = str_at(p, "uri", NULL, NULL);
			author = str_at(p, "author", "did", NULL);
			at = str_at(p, "record", "createdAt", NULL);
			text = str_at(p, "record", "text", NULL);
		}
		if (!key)
			continue;
		sqlite3_bind_text(ins, 1, NET[pg->fmt], -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 2, key, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 3, author, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 4, at, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 5, text ? text : "", -1, SQLITE_STATIC);
		if (sqlite3_step(ins) != SQLITE_DONE)
			n = -EIO;
		sqlite3_reset(ins);
		if (n >= 0)
			n++;
	}
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	cJSON_Delete(root);
	return n;
}

int main(int argc, char **argv)
{
	struct page *pages = NULL;
	size_t n_pages = 0;
	sqlite3 *db = NULL;
	sqlite3_stmt *ins = NULL;
	long posts = 0;
	double t0, c0, dt, dc;
	int rc = 1;

	if (argc != 4) {
		fprintf(stderr, "usage: floor_ingest BASEURL REQUEST_LOG DB\n");
		return 2;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (load_pages(argv[1], argv[2], &pages, &n_pages) < 0 || n_pages == 0) {
		fprintf(stderr, "floor_ingest: no pages from %s\n", argv[2]);
		goto fail;
	}
	/* The daemon's settings (store.c): WAL, synchronous=NORMAL; rows in
	 * arrival order with the network key in a unique index. */
	if (sqlite3_open(argv[3], &db) != SQLITE_OK ||
	    sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
	                     "CREATE TABLE posts(id INTEGER PRIMARY KEY, platform TEXT NOT NULL, key TEXT NOT NULL,"
	                     " author TEXT, created_at TEXT, text TEXT NOT NULL, UNIQUE(platform, key))",
	                 NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO posts(platform, key, author, created_at, text) VALUES(?,?,?,?,?)"
	                           " ON CONFLICT DO NOTHING", -1, &ins, NULL) != SQLITE_OK) {
		fprintf(stderr, "floor_ingest: %s\n", sqlite3_errmsg(db));
		goto fail;
	}
	t0 = clock_s(CLOCK_MONOTONIC);
	c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
	for (size_t i = 0; i < n_pages; i++) {
		long r = ingest_page(db, ins, &pages[i]);
		if (r < 0) {
			fprintf(stderr, "floor_ingest: page %zu: %s\n", i, strerror((int)-r));
			goto fail;
		}
		posts += r;
	}
	dt = clock_s(CLOCK_MONOTONIC) - t0;
	dc = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
	printf("%zu %ld %.3f %.0f %.3f %.0f\n", n_pages, posts, dt, (double)posts / dt, dc, (double)posts / dc);
	rc = 0;
fail:
	sqlite3_finalize(ins);
	sqlite3_close(db);
	for (size_t i = 0; i < n_pages; i++)
		free(pages[i].body);
	free(pages);
	curl_global_cleanup();
	return rc;
}
