/* test_net_util.c — the generic net helpers (time, Link, URL, JSON, HTML,
 * JWT, buffers, post helpers), the registry and entry-point argument checks,
 * and a deterministic mutation run of every parser over the hand-written
 * fixtures (truncations and byte flips must never crash). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/adapter.h"
#include "common/strbuf.h"
#include "net/html.h"
#include "net/json.h"
#include "net/jwt.h"
#include "net/link_header.h"
#include "net/net.h"
#include "net/time.h"
#include "net/url.h"
#include "net_testutil.h"
#include "tap.h"

static void t_time(void)
{
	static const struct { const char *s; long long ms; } good[] = {
		{ "1970-01-01T00:00:00Z", 0 },
		{ "2024-10-26T09:15:02.000Z", 1729934102000LL },
		{ "2025-07-17T13:50:00.377431Z", 1752760200377LL },
		{ "2025-07-01T11:59:48.89Z", 1751371188890LL },
		{ "2024-11-02T10:00:00-03:00", 1730552400000LL },
		{ "2024-11-02T10:00:00+0530", 1730521800000LL },
		{ "2024-11-02T10:00:00+05", 1730523600000LL },
		{ "2024-11-02t10:00:00z", 1730541600000LL },
		{ "2024-11-02 10:00:00", 1730541600000LL },
		{ "2024-11-02T10:00", 1730541600000LL },
		{ "2024-11-02", 1730505600000LL },
		{ "2024-02-29T00:00:00Z", 1709164800000LL },
		{ "2000-02-29T23:59:60Z", 951868799000LL },
		{ "1969-12-31T23:59:59.5Z", -500 },
		{ "2024-11-02T10:00:00.123456789+00:00", 1730541600123LL },
	};
	static const char *const bad[] = {
		"", "2024", "2024-13-01", "2023-02-29", "2024-11-31T00:00:00Z", "2024-11-02T24:00:00Z",
		"2024-11-02T10:60:00Z", "2024-11-02T10:00:00Zjunk", "2024-11-02T10:00:00.Z",
		"24-11-02", "2024/11/02", "2024-11-02T10:00:00+25:00", "Sat, 02 Nov 2024 10:00:00 GMT",
	};
	int64_t v;
	char buf[25];

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		int r = net_time_parse_ms(good[i].s, &v);

		if (!ok(r == 0 && v == good[i].ms, "time %s", good[i].s))
			tap_diag("  r=%d got %lld want %lld", r, (long long)v, good[i].ms);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ok(net_time_parse_ms(bad[i], &v) == -EINVAL, "time rejects \"%s\"", bad[i]);
	ok(net_time_parse_ms(NULL, &v) == -EINVAL, "time rejects NULL");
	ok(net_time_parse("1969-12-31T23:59:59.5Z", &v) == 0 && v == -1, "seconds round down before 1970");

	ok(net_time_parse_http("Fri, 07 Oct 2022 23:07:42 UTC", &v) == 0 && v == 1665184062, "HTTP date (UTC)");
	ok(net_time_parse_http("Sun, 06 Nov 1994 08:49:37 GMT", &v) == 0 && v == 784111777, "HTTP date (GMT)");
	ok(net_time_parse_http("Sun, 06 Foo 1994 08:49:37 GMT", &v) == -EINVAL, "HTTP date bad month");
	ok(net_time_parse_retry_after("30", 1000, &v) == 0 && v == 1030, "Retry-After seconds");
	ok(net_time_parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 0, &v) == 0 && v == 784111777,
	   "Retry-After date");
	ok(net_time_parse_retry_after("-5", 0, &v) < 0 && net_time_parse_retry_after("abc", 0, &v) < 0,
	   "Retry-After junk");

	is_int(net_time_next_month(1750000000), 1751328000, "next month (Jun → Jul 2025)");
	is_int(net_time_next_month(1735603200), 1735689600, "next month across a year (Dec 31 → Jan 1)");
	is_int(net_time_next_day(1750000000), 1750032000, "next UTC midnight");
	is_int(net_days_from_civil(2000, 3, 1), 11017, "days_from_civil");
	net_time_format(1730541600, buf);
	is_str(buf, "2024-11-02T10:00:00Z", "format seconds");
	net_time_format_ms(1730541600123LL, buf);
	is_str(buf, "2024-11-02T10:00:00.123Z", "format ms");
	net_time_format_ms(-500, buf);
	is_str(buf, "1969-12-31T23:59:59.500Z", "format ms before 1970");
}

static void t_link(void)
{
	char *u;
	const char *h = "<https://h/api/v1/x?max_id=9>; rel=\"next\", <https://h/api/v1/x?min_id=12&a=1,2>; rel=\"prev\"";

	ok(net_link_header_find(h, "next", &u) == 0 && strcmp(u, "https://h/api/v1/x?max_id=9") == 0, "Link next");
	free(u);
	ok(net_link_header_find(h, "prev", &u) == 0 && strcmp(u, "https://h/api/v1/x?min_id=12&a=1,2") == 0,
	   "Link prev with a comma inside <>");
	free(u);
	ok(net_link_header_find(h, "last", &u) == -ENOENT && !u, "missing rel");
	ok(net_link_header_find("<a>; title=\"x, y\"; rel=next", "NEXT", &u) == 0 && strcmp(u, "a") == 0,
	   "bare rel, quoted comma in another param, case-insensitive");
	free(u);
	ok(net_link_header_find("<a>; rel=\"prev previous\"", "previous", &u) == 0 && strcmp(u, "a") == 0,
	   "space-separated rel list");
	free(u);
	ok(net_link_header_find("garbage", "next", &u) == -EINVAL, "malformed header");
	ok(net_link_header_find("<unterminated; rel=next", "next", &u) == -EINVAL, "unterminated <");
	ok(net_link_header_find(NULL, "next", &u) == -ENOENT, "no header");
	ok(net_link_header_find("", "next", &u) == -ENOENT, "empty header");
	ok(net_link_header_find("<a>; rel", "next", &u) == -ENOENT, "param without value");
	ok(net_link_header_find("<a>; rel=prev,,  <b>;rel=next", "next", &u) == 0 && strcmp(u, "b") == 0,
	   "extra commas and no spaces");
	free(u);
}

static void t_url(void)
{
	struct strbuf b = STRBUF_INIT;
	char *s, *host;

	net_url_join(&b, "https://h.example///", "/api");
	net_url_param(&b, "q", "#MedEd -is:retweet é");
	net_url_param(&b, "skip", NULL);
	net_url_param_int(&b, "n", 40);
	s = strbuf_steal(&b);
	is_str(s, "https://h.example/api?q=%23MedEd%20-is%3Aretweet%20%C3%A9&n=40", "join, escape, params");
	free(s);
	ok(net_url_same_origin("https://H.example/a", "https://h.example:443x/b") == false, "different port");
	ok(net_url_same_origin("https://H.example/a", "https://h.EXAMPLE?x"), "same origin, case-insensitive");
	ok(!net_url_same_origin("https://h.example.evil/a", "https://h.example/a"), "suffix is not the origin");
	ok(!net_url_same_origin("relative/path", "relative/path"), "no origin in relative URLs");
	host = net_url_host("http://user@127.0.0.1:8080/x");
	is_str(host, "127.0.0.1", "host without userinfo and port");
	free(host);
	host = net_url_host("https://[::1]:99/");
	is_str(host, "[::1]", "IPv6 host");
	free(host);
	ok(net_url_host("nope") == NULL, "no host");
}

static void authority_case(const char *url, const char *want)
{
	char *a = net_url_authority(url), name[200];

	snprintf(name, sizeof name, "authority of %s", url);
	is_str(a, want, name);
	free(a);
}

/* Instance authorities for handles: the port stays unless it is the
 * scheme's own; net_url_host() keeps dropping it for its callers. */
static void t_url_authority(void)
{
	char *host = net_url_host("http://localhost:3000");

	is_str(host, "localhost", "net_url_host still drops the port");
	free(host);
	authority_case("http://localhost:3000", "localhost:3000");
	authority_case("https://User:pw@Med.Example:8443/api/", "med.example:8443");
	authority_case("https://med.example:443", "med.example");
	authority_case("http://med.example:80/", "med.example");
	authority_case("http://med.example:443", "med.example:443");
	authority_case("https://med.example:", "med.example");
	authority_case("https://med.example:99999", "med.example");
	authority_case("https://med.example:8x", "med.example");
	authority_case("https://[::1]:99/", "[::1]:99");
	authority_case("https://med.example", "med.example");
	ok(net_url_authority("nope") == NULL, "no authority");
	ok(net_url_valid_port("1", 1) && net_url_valid_port("65535", 5) && net_url_valid_port("08443", 5),
	   "ports 1..65535");
	ok(!net_url_valid_port("0", 1) && !net_url_valid_port("65536", 5) && !net_url_valid_port("", 0) &&
	   !net_url_valid_port("123456", 6) && !net_url_valid_port("+80", 3) && !net_url_valid_port("8 0", 3),
	   "0, too big, empty, signs and spaces refused");
	ok(net_url_valid_authority("localhost:3000", 14) && net_url_valid_authority("host.example:8443", 17) &&
	   net_url_valid_authority("host.example", 12), "host, host:port, localhost:port");
	ok(!net_url_valid_authority("localhost", 9) && !net_url_valid_authority("host.example:", 13) &&
	   !net_url_valid_authority("host.example:0", 14) && !net_url_valid_authority("127.0.0.1:80", 12) &&
	   !net_url_valid_authority("host.example:80:80", 18) && !net_url_valid_authority(":80", 3),
	   "bare localhost, empty or zero port, IP literal, two ports, no host refused");
}

static void t_json(void)
{
	const char *doc = "{\"s\":\"x\",\"n\":42,\"f\":1.5,\"big\":1e300,\"neg\":-7,\"b\":true,\"z\":null,"
			  "\"a\":[1],\"o\":{},\"arr\":[{\"id\":\"b\"},{\"id\":\"a\"},{\"id\":3},{\"x\":1}]}";
	cJSON *j = net_json_parse(doc, strlen(doc));
	struct net_json_index ix;
	const char *s;
	int64_t v;
	bool bo;

	if (!ok(j != NULL, "parse without NUL"))
		return;
	ok(net_json_str(j, "s", &s) == 0 && strcmp(s, "x") == 0, "string");
	ok(net_json_str(j, "n", &s) == -EINVAL, "number is not a string");
	ok(net_json_str(j, "z", &s) == -ENOENT && net_json_str(j, "missing", &s) == -ENOENT, "null and absent");
	ok(net_json_i64(j, "n", &v) == 0 && v == 42 && net_json_i64(j, "neg", &v) == 0 && v == -7, "integers");
	ok(net_json_i64(j, "f", &v) == -EINVAL && net_json_i64(j, "big", &v) == -EINVAL, "fraction, overflow");
	ok(net_json_i64(j, "s", &v) == -EINVAL, "string is not a number");
	ok(net_json_bool(j, "b", &bo) == 0 && bo && net_json_bool(j, "n", &bo) == -EINVAL, "bool");
	ok(net_json_arr(j, "a") && !net_json_arr(j, "o") && net_json_obj(j, "o") && !net_json_obj(j, "a"),
	   "array vs object");
	ok(net_json_obj(cJSON_GetObjectItem(j, "a"), "x") == NULL, "getter on a non-object");
	is_int(net_json_i64_or(j, "s", -1), -1, "lenient default");
	is_str(net_json_str_or(NULL, "s", "d"), "d", "NULL object");
	ok(net_json_index_build(&ix, net_json_arr(j, "arr"), "id") == 0 && ix.n == 2, "index skips untyped keys");
	ok(net_json_index_find(&ix, "a") && net_json_index_find(&ix, "b") && !net_json_index_find(&ix, "c") &&
	   !net_json_index_find(&ix, NULL), "index lookups");
	net_json_index_free(&ix);
	ok(net_json_index_build(&ix, NULL, "id") == 0 && ix.n == 0 && !net_json_index_find(&ix, "a"), "empty index");
	cJSON_Delete(j);

	const char lone[] = "{\"t\":\"a\\uDE00b\\uD83D\",\"u\":\"\\\\uD83D\"}";

	j = net_json_parse(lone, sizeof lone - 1);
	ok(j && strcmp(net_json_str_or(j, "t", ""), "a\xEF\xBF\xBD" "b\xEF\xBF\xBD") == 0 &&
	   strcmp(net_json_str_or(j, "u", ""), "\\uD83D") == 0, "lone surrogates → U+FFFD; escaped backslash untouched");
	cJSON_Delete(j);
	ok(net_json_parse("{\"a\":", 5) == NULL && net_json_parse(NULL, 0) == NULL &&
	   net_json_parse("{}", 0) == NULL, "invalid or empty → NULL");
	/* Only the given length is read: the rest of the buffer is garbage. */
	j = net_json_parse("{\"k\":1}GARBAGE", 7);
	ok(j && net_json_i64_or(j, "k", 0) == 1, "length-bounded parse");
	cJSON_Delete(j);
}

static void html_case(const char *in, const char *want, const char *name)
{
	char *out = html_to_text(in, strlen(in));

	is_str(out, want, name);
	free(out);
}

static void t_html(void)
{
	char *s;

	html_case("<p>Hello &amp; welcome</p><p>second</p>", "Hello & welcome\n\nsecond", "paragraphs");
	html_case("a<br>b<br/>c<br />d", "a\nb\nc\nd", "br forms");
	html_case("<p>a<br><br><br>b</p>", "a\n\nb", "breaks collapse to one blank line");
	html_case("it&#39;s &quot;x&quot; &apos;y&apos; &lt;3 &gt; &#x1F9E0; &#129504;", "it's \"x\" 'y' <3 > \xF0\x9F\xA7\xA0 \xF0\x9F\xA7\xA0",
		  "named and numeric references");
	html_case("&#0; &#xD800; &#x110000;", "\xEF\xBF\xBD \xEF\xBF\xBD \xEF\xBF\xBD", "invalid code points");
	html_case("&unknown; &amp &#; &#x; & alone", "&unknown; &amp &#; &#x; & alone", "non-references kept");
	html_case("a &nbsp; b &hellip;", "a b \xE2\x80\xA6", "nbsp collapses, hellip");
	html_case("<a href=\"https://x\"><span class=\"invisible\">https://</span><span class=\"ellipsis\">ex.org/lo</span>"
		  "<span class=\"invisible\">ng</span></a>", "https://ex.org/long", "Mastodon link spans");
	html_case("<p>  lots   of\n\tspace  </p>", "lots of space", "whitespace collapses");
	html_case("<pre>keep\n  this</pre>after", "keep\n  this\n\nafter", "pre keeps whitespace");
	html_case("x<script>alert('<p>')</script>y<style>p{}</style>z", "xyz", "script/style dropped");
	html_case("a<!-- <p>hidden</p> -->b", "ab", "comments dropped");
	html_case("1 < 2 and 3 > 2", "1 < 2 and 3 > 2", "literal < and >");
	html_case("<a title=\"a>b\">link</a>", "link", "> inside a quoted attribute");
	html_case("text <unclosed", "text", "unclosed tag dropped");
	html_case("<ul><li>one</li><li>two</li></ul>", "one\ntwo", "list items");
	html_case("", "", "empty");
	html_case("<p></p><br>", "", "only markup");
	html_case("<p>caf\xC3\xA9</p>", "caf\xC3\xA9", "UTF-8 passes through");
	s = html_unescape("AT&amp;T &lt;b&gt; stays <b>", 28);
	is_str(s, "AT&T <b> stays <b>", "unescape only");
	free(s);
	s = html_unescape("abc", 0);
	is_str(s, "", "unescape empty");
	free(s);
}

static void t_jwt_buf_post(void)
{
	const char *jwt = "eyJhbGciOiJub25lIn0.eyJleHAiOjE3NTAwMDcyMDB9.sig";
	struct strbuf b = STRBUF_INIT;
	struct post p;
	int64_t exp;
	char *s;

	ok(net_jwt_exp(jwt, &exp) == 0 && exp == 1750007200, "JWT exp");
	ok(net_jwt_exp("REDACTED", &exp) == -EINVAL && net_jwt_exp("", &exp) == -EINVAL &&
	   net_jwt_exp("a.b", &exp) == -EINVAL && net_jwt_exp("a.!!!.c", &exp) == -EINVAL &&
	   net_jwt_exp("a.eyJ4IjoxfQ.c", &exp) == -EINVAL && net_jwt_exp("a.b.c.d", &exp) == -EINVAL,
	   "JWT junk refused");

	for (int i = 0; i < 1000; i++)
		strbuf_printf(&b, "%d,", i);
	ok(b.len == 3890 && b.err == 0, "buffer grows");
	strbuf_truncate(&b, 4);
	s = strbuf_steal(&b);
	is_str(s, "0,1,", "truncate + steal");
	ok(b.data == NULL && b.len == 0, "steal resets");
	free(s);
	s = strbuf_steal(&b);
	is_str(s, "", "steal of nothing is empty");
	free(s);

	post_init(&p, "x");
	ok(p.n_likes == -1 && p.n_quotes == -1 && p.kind == POST_ORIGINAL, "post_init: counts unknown");
	post_add_tag(&p, "#MedEd", 6);
	post_add_tag(&p, "meded", 5);
	post_add_tag(&p, "##", 2);
	for (int i = 0; i < 20; i++) {
		char t[16];

		snprintf(t, sizeof t, "Tag%d", i);
		post_add_tag(&p, t, strlen(t));
	}
	ok(p.n_tags == 21 && strcmp(p.tags[0], "meded") == 0 && strcmp(p.tags[20], "tag19") == 0,
	   "tags: '#' dropped, lower-cased, deduplicated, many");
	post_add_mention(&p, "@Bob", 4, "1");
	post_add_mention(&p, "bob", 3, "2");
	post_add_mention(&p, "carol", 5, NULL);
	ok(p.n_mentions == 2 && strcmp(p.mentions[0], "Bob") == 0 && strcmp(p.mention_ids[0], "1") == 0 &&
	   p.mention_ids[1] == NULL, "mentions deduplicated case-insensitively");
	post_clear(&p);
	ok(p.n_tags == 0 && p.tags == NULL && p.network && strcmp(p.network, "x") == 0, "post_clear resets");
	post_clear(NULL);
	post_notif_clear(NULL);
}

static void t_registry_and_args(void)
{
	const struct net_platform *const *all = net_platforms();
	const struct net_platform *x = net_platform_find("x");
	struct net_config cfg = { .api_base = "https://h", .token = "t" };
	struct net_request req;
	struct net_walk w;
	struct net_page pg;
	struct net_response resp = { .status = 200 };
	size_t n = 0, used = 9;
	const char *k[] = { "a" };
	struct net_header_pair hp[] = { { "X-Rate-Limit-Reset", "5" }, { "Link", "<a>" } };
	struct net_header_list hl = { hp, 2 };

	while (all[n])
		n++;
	ok(n == 3, "three networks registered");
	ok(net_platform_find("mastodon") && net_platform_find("bluesky") && !net_platform_find("myspace") &&
	   !net_platform_find(NULL), "lookup by name");
	for (size_t i = 0; i < n; i++)
		ok(all[i]->name && all[i]->parse && all[i]->build_page && all[i]->build_lookup && all[i]->can &&
		   all[i]->read_rate && all[i]->cmp_id && all[i]->max_lookup >= 1, "%s implements the core ops",
		   all[i]->name);

	is_str(net_header_list_get(&hl, "x-rate-limit-reset"), "5", "header lookup is case-insensitive");
	ok(net_header_list_get(&hl, "retry-after") == NULL && net_header_list_get(NULL, "x") == NULL,
	   "missing header");

	ok(net_build_lookup(x, &cfg, NET_LOOKUP_HANDLE, k, 0, &req, &used) == -EINVAL && used == 0, "lookup n=0");
	ok(net_build_lookup(NULL, &cfg, NET_LOOKUP_HANDLE, k, 1, &req, NULL) == -EINVAL, "no platform");
	net_walk_start(&w, NET_OP_ACCOUNT, NULL);
	ok(net_build_page(x, &cfg, NULL, &w, &req) == -EINVAL, "account page needs a target");
	ok(net_build_batch(x, &cfg, k, 1, &w, &req, &used) == -EINVAL, "batch needs a batch walk");
	ok(net_build_batch(net_platform_find("mastodon"), &cfg, k, 1,
			   &(struct net_walk){ .op = NET_OP_BATCH }, &req, &used) == -ENOTSUP, "no batch on Mastodon");
	ok(net_build_session(net_platform_find("mastodon"), &cfg, NET_OP_SESSION_CREATE, &req) == -ENOTSUP,
	   "no sessions on Mastodon");
	ok(net_build_session(x, &cfg, NET_OP_ACCOUNT, &req) == -EINVAL, "session op checked");
	cfg.api_base = "";
	ok(net_build_page(x, &cfg, "1", &w, &req) == -EINVAL, "api_base required");
	ok(net_parse(x, &cfg, NET_OP_ACCOUNT, &resp, NULL, &pg) == -EINVAL && pg.err.code == NET_ERR_MALFORMED,
	   "parse of a walk op needs the walk");
	net_page_clear(&pg);
	ok(net_parse(x, &cfg, NET_OP_TAG, &resp, &w, &pg) == -EINVAL, "walk op must match");
	net_page_clear(&pg);
	net_walk_clear(&w);
	ok(net_walk_start(&w, NET_OP_LOOKUP, NULL) == -EINVAL, "lookup is not a walk");
	ok(net_walk_start(&w, NET_OP_TAG, "") == 0 && w.watermark == NULL, "empty watermark = first sync");
	net_walk_clear(&w);
	net_walk_clear(NULL);
	net_request_clear(NULL);
	net_page_clear(NULL);
	is_str(net_status_name(NET_ERR_USAGE_CAP), "usage-cap", "status names");
	is_str(net_status_name((enum net_status)99), "?", "unknown status name");
	is_str(net_op_name(NET_OP_INTERACTIONS), "interactions", "op names");

	/* Messages are cut to NET_MSG_MAX on a character boundary, control
	 * characters flattened. */
	char longmsg[600] = { 0 };
	size_t len;

	memset(&pg, 0, sizeof pg);
	for (size_t i = 0; i + 2 < sizeof longmsg; i += 2)
		memcpy(longmsg + i, "\xC3\xA9", 2);
	longmsg[sizeof longmsg - 1] = '\0';
	longmsg[0] = '\n';
	net_err(&pg, NET_ERR_SERVER, NET_SCOPE_ENDPOINT, 0, "x%s", longmsg);
	len = strlen(pg.err.msg);
	ok(len < NET_MSG_MAX && pg.err.msg[1] == ' ' && (unsigned char)pg.err.msg[len - 1] == 0xA9 &&
	   (unsigned char)pg.err.msg[len - 2] == 0xC3, "long message cut on a character boundary (%zu)", len);
}

static bool has_line(const struct net_request *r, const char *line)
{
	for (size_t i = 0; i < r->n_headers; i++)
		if (strcmp(r->headers[i], line) == 0)
			return true;
	return false;
}

/* cfg->host goes out as the Host header of every request of every network,
 * added once by the entry points (net.c), after what the adapter sends. */
static void t_host_header(void)
{
	const struct net_platform *const *all = net_platforms();
	struct net_config cfg = { .api_base = "http://127.0.0.1:4000", .pds_base = "http://127.0.0.1:4001",
				  .token = "t", .refresh_token = "r", .identifier = "me.example",
				  .password = "p", .me = "me", .me_id = "1", .host = "Inst.Example:8443",
				  .client_id = "c" };
	const char *k[] = { "alice" }, *hs[] = { "alice", "bob" };
	struct net_request req;
	struct net_walk w;
	size_t used;

	for (size_t i = 0; all[i]; i++) {
		const struct net_platform *p = all[i];

		ok(net_build_lookup(p, &cfg, NET_LOOKUP_HANDLE, k, 1, &req, &used) == 0 &&
		   has_line(&req, "Host: Inst.Example:8443") && req.n_headers <= NET_MAX_HEADERS,
		   "%s lookup carries Host", p->name);
		net_request_clear(&req);
		net_walk_start(&w, NET_OP_ACCOUNT, NULL);
		ok(net_build_page(p, &cfg, "1", &w, &req) == 0 && has_line(&req, "Host: Inst.Example:8443"),
		   "%s account page carries Host", p->name);
		net_request_clear(&req);
		net_walk_clear(&w);
		if (p->max_batch) {
			net_walk_start(&w, NET_OP_BATCH, NULL);
			ok(net_build_batch(p, &cfg, hs, 2, &w, &req, &used) == 0 &&
			   has_line(&req, "Host: Inst.Example:8443"), "%s batch carries Host", p->name);
			net_request_clear(&req);
			net_walk_clear(&w);
		}
		if (p->build_session) {
			ok(net_build_session(p, &cfg, NET_OP_SESSION_REFRESH, &req) == 0 &&
			   has_line(&req, "Host: Inst.Example:8443") && req.n_headers <= NET_MAX_HEADERS,
			   "%s session refresh carries Host", p->name);
			net_request_clear(&req);
		}
		cfg.host = NULL;
		ok(net_build_lookup(p, &cfg, NET_LOOKUP_HANDLE, k, 1, &req, &used) == 0 && !has_line(&req, "Host"),
		   "%s without host: no Host header", p->name);
		for (size_t j = 0; j < req.n_headers; j++)
			ok(strncmp(req.headers[j], "Host:", 5) != 0, "  not even another one");
		net_request_clear(&req);
		cfg.host = "";
		ok(net_build_lookup(p, &cfg, NET_LOOKUP_HANDLE, k, 1, &req, &used) == 0 && !has_line(&req, "Host: "),
		   "%s host \"\": not set", p->name);
		net_request_clear(&req);
		cfg.host = "Inst.Example:8443";
	}
	cfg.host = "a.example/evil";
	ok(net_build_lookup(all[0], &cfg, NET_LOOKUP_HANDLE, k, 1, &req, &used) == -EINVAL && !req.url,
	   "a host that is no authority is refused, the request left empty");

	char out[8] = "x";
	ok(net_home(all[0], &cfg, "1", out, sizeof out) == 0 && out[0] == '\0', "net_home without p->home: 0");
	ok(net_home(NULL, &cfg, "1", out, sizeof out) == -EINVAL && net_home(all[0], &cfg, NULL, out, sizeof out) == -EINVAL &&
	   net_home(all[0], &cfg, "1", NULL, 0) == -EINVAL, "net_home checks its arguments");
}

/* Deterministic mutations: truncate every fixture body at many lengths and
 * flip bytes; every parser with every op must survive. */
static uint32_t rng_state = 12345;

static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

static void mutate_file(const char *net, const char *name, int *runs)
{
	static const enum net_op ops[] = { NET_OP_LOOKUP, NET_OP_ACCOUNT, NET_OP_TAG, NET_OP_INTERACTIONS,
					   NET_OP_SESSION_CREATE };
	const struct net_platform *p = net_platform_find(net);
	struct net_config cfg = { .api_base = "https://h", .pds_base = "https://p", .token = "t", .me_id = "1" };
	char path[1024], rel[256];
	struct fixture fx;

	snprintf(rel, sizeof rel, "tests/fixtures/%s/%s", net, name);
	fx_path(path, sizeof path, rel);
	if (fx_load(&fx, path) != 0 || !fx.body_len)
		return;
	char *copy = malloc(fx.body_len);

	for (int round = 0; round < 12 && copy; round++) {
		size_t len = round < 6 ? fx.body_len * (size_t)round / 6 + rng() % 7 : fx.body_len;

		if (len > fx.body_len)
			len = fx.body_len;
		memcpy(copy, fx.body, fx.body_len);
		for (int k = 0; round >= 6 && k < 3; k++) {
			static const char junk[] = "\"{}[],:0n\\-x";

			copy[rng() % fx.body_len] = junk[rng() % (sizeof junk - 1)];
		}
		for (size_t o = 0; o < sizeof(ops) / sizeof(ops[0]); o++) {
			struct net_response resp = fx_response(&fx, 1750000000);
			struct net_walk w;
			struct net_page pg;

			resp.body = copy;
			resp.body_len = len;
			net_walk_start(&w, ops[o] == NET_OP_LOOKUP || ops[o] == NET_OP_SESSION_CREATE ?
				       NET_OP_ACCOUNT : ops[o], (rng() & 1) ? "1" : NULL);
			net_parse(p, &cfg, ops[o], &resp, &w, &pg);
			net_page_clear(&pg);
			net_walk_clear(&w);
			(*runs)++;
		}
	}
	free(copy);
	fx_free(&fx);
}

static void t_mutations(void)
{
	static const char *const files[][2] = {
		{ "x", "user-tweets-mixed.json" }, { "x", "mentions.json" }, { "x", "lookup-user.json" },
		{ "mastodon", "statuses-mixed.json" }, { "mastodon", "notifications.json" },
		{ "mastodon", "lookup.json" }, { "bluesky", "author-feed.json" },
		{ "bluesky", "notifications.json" }, { "bluesky", "session.json" }, { "bluesky", "profile.json" },
	};
	int runs = 0;

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		mutate_file(files[i][0], files[i][1], &runs);
	ok(runs >= 500, "%d mutated parses survived", runs);
}

int main(void)
{
	t_time();
	t_link();
	t_url();
	t_url_authority();
	t_json();
	t_html();
	t_jwt_buf_post();
	t_registry_and_args();
	t_host_header();
	t_mutations();
	return tap_done();
}
