/* test_fuzz_regress.c — every input a fuzz target (fuzz/) ever crashed on,
 * replayed through the same harness code with the normal build, plus the
 * fixed behaviour spelled out.
 *
 * The harnesses (fuzz/harness.h) are linked in, so the checks they make
 * (no leak, no over-read under check-asan/valgrind, the invariants they
 * abort on) are the ones the fuzzers make. Inputs live in
 * tests/fuzz-regress/<target>/: to add a crash, copy libFuzzer's artifact
 * there under a name that says what it broke. */
#include "fuzz/harness.h"
#include "fuzz/harness_net.h"
#include "config/config.h"
#include "http/http_internal.h"
#include "net/html.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <dirent.h>
#include <stdio.h>

#include "net_testutil.h"
#include "tap.h"

struct target {
	const char *name;
	int (*one)(const uint8_t *data, size_t size);
};

static int fuzz_x_one(const uint8_t *data, size_t size) { return fuzz_net_one("x", data, size); }
static int fuzz_mastodon_one(const uint8_t *data, size_t size) { return fuzz_net_one("mastodon", data, size); }
static int fuzz_bluesky_one(const uint8_t *data, size_t size) { return fuzz_net_one("bluesky", data, size); }

static const struct target targets[] = {
	{ "x", fuzz_x_one }, { "mastodon", fuzz_mastodon_one }, { "bluesky", fuzz_bluesky_one },
	{ "html", fuzz_html_one }, { "headers", fuzz_headers_one }, { "config", fuzz_config_one },
	{ "check", fuzz_check_one }, { "mail", fuzz_mail_one },
};

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Runs every file of tests/fuzz-regress/<t> through t's harness, in name
 * order; a crash ends the binary, and the log's last "ok" names the file
 * before it. Returns the number replayed. */
static size_t replay(const struct target *t)
{
	char dir[1024], rel[256], path[1400];
	char *names[256];
	size_t n = 0, done = 0;
	struct dirent *e;
	DIR *d;

	snprintf(rel, sizeof rel, "tests/fuzz-regress/%s", t->name);
	fx_path(dir, sizeof dir, rel);
	if (!(d = opendir(dir)))
		return 0;
	while ((e = readdir(d)) && n < 256)
		if (e->d_name[0] != '.')
			names[n++] = strdup(e->d_name);
	closedir(d);
	qsort(names, n, sizeof names[0], name_cmp);
	for (size_t i = 0; i < n; i++) {
		char *data;
		size_t len = 0;

		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		tap_diag("replaying %s/%s", t->name, names[i]);
		data = fx_read_file(path, &len);
		if (ok(data != NULL, "%s/%s readable", t->name, names[i])) {
			/* An exact-size copy, as libFuzzer passes it. */
			uint8_t *exact = malloc(len ? len : 1);

			memcpy(exact, data, len);
			ok(t->one(exact, len) == 0, "%s/%s replays", t->name, names[i]);
			free(exact);
			done++;
		}
		free(data);
		free(names[i]);
	}
	return done;
}

/* config.c read line[n - 1] of a strndup() copy that a NUL had cut short. */
static void test_config_nul(void)
{
	static const char text[] = "[x]\r\nme = a\0b\r\n";
	struct config c;
	char *err = NULL;
	int r = config_parse(&c, "t.conf", text, sizeof text - 1, &err);

	ok(r == -EINVAL && err && strcmp(err, "t.conf:2: NUL byte in line") == 0,
	   "config: NUL byte refused with its line (%s)", err ? err : "no message");
	free(err);
	if (r == 0)
		config_clear(&c);
}

/* config.c advanced by one byte less on CRLF lines, so every CRLF line
 * counted twice in error messages. */
static void test_config_crlf_lines(void)
{
	static const char text[] = "# one\r\n[x]\r\nenabled = yes\r\nbogus_key = 1\r\n";
	struct config c;
	char *err = NULL;
	int r = config_parse(&c, "t.conf", text, sizeof text - 1, &err);

	ok(r < 0 && err && strncmp(err, "t.conf:4: ", 10) == 0,
	   "config: CRLF file reports the right line (%s)", err ? err : "no message");
	free(err);
	if (r == 0)
		config_clear(&c);
}

/* config.c removed one '#' only, so "##meded" became the interest "#meded",
 * which no tag (stored without '#') can match. */
static void test_config_hashes(void)
{
	static const char text[] = "[mentord]\ninterests = ##MedEd, #, ###\n";
	struct config c;
	char *err = NULL;
	int r = config_parse(&c, "t.conf", text, sizeof text - 1, &err);

	ok(r == 0 && c.n_interests == 1 && strcmp(c.interests[0], "meded") == 0,
	   "config: every leading '#' removed, empty interests skipped");
	free(err);
	if (r == 0)
		config_clear(&c);
}

/* net.c scrubbed credentials after the message was cut to NET_MSG_MAX, so
 * a token the cut went through left its first bytes in err.msg. Every
 * position of the token around the cut is tried. */
static void test_net_token_cut(void)
{
	const struct net_platform *p = net_platform_find("mastodon");
	struct net_config cfg = { .api_base = "https://m.example", .token = FUZZ_NET_TOKEN };
	bool leaked = false, masked = false;

	for (size_t pad = 140; pad < 200; pad++) {
		char body[512];
		struct net_page pg;
		struct net_response resp;
		int n = snprintf(body, sizeof body, "{\"error\":\"%*s%s\"}", (int)pad, "",
				 FUZZ_NET_TOKEN);

		resp = (struct net_response){ .status = 401, .body = body, .body_len = (size_t)n };
		net_parse(p, &cfg, NET_OP_LOOKUP, &resp, NULL, &pg);
		leaked |= strstr(pg.err.msg, "tok-") != NULL || fuzz_net_tail_of(pg.err.msg, FUZZ_NET_TOKEN);
		masked |= strstr(pg.err.msg, "***") != NULL;
		net_page_clear(&pg);
	}
	ok(!leaked && masked, "net: no part of a token survives the message cut");
}

/* html.c copied NUL bytes into the text, ending the C string early (and
 * leaving whitespace at its end). */
static void test_html_nul(void)
{
	static const char html[] = "<p>a\0b</p><p>c \r\0</p>";
	char *t = html_to_text(html, sizeof html - 1);

	is_str(t, "ab\n\nc", "html: NUL bytes dropped");
	free(t);
}

/* html.c kept the whitespace of a <pre> that opens the text, though the
 * output must never start with whitespace. */
static void test_html_pre_start(void)
{
	static const char html[] = "<pre> \n  code\n more</pre>";
	char *t = html_to_text(html, sizeof html - 1);

	is_str(t, "code\n more", "html: <pre> at the start loses its leading whitespace only");
	free(t);
}

/* http.c: a header (trailer) line with a NUL before its colon made
 * http_headers_index() dereference strchr()'s NULL. Such lines are now junk. */
static void test_http_nul_line(void)
{
#define LINE(s) { s, sizeof(s) - 1 }
	static const struct { const char *s; size_t n; } lines[] = {
		LINE("HTTP/1.1 200 OK\r\n"), LINE("Link: <https://a.example/?min_id=1>; rel=\"prev\"\r\n"),
		LINE("X-Bad\0: v\r\n"), LINE("X-Ratelimit-Remaining: 5\r\n"),
	};
#undef LINE
	struct http h = { .opt = { .max_header_bytes = DEF_MAX_HEADERS } };
	struct http_handle hd = { .http = &h };

	for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
		http_headers_line((char *)lines[i].s, 1, lines[i].n, &hd);
	http_headers_index(&hd);
	is_int((long long)hd.nfields, 2, "http: the NUL line is dropped, the others kept");
	is_str(http_headers_find(&hd, "x-ratelimit-remaining"), "5", "http: a later header still found");
	free(hd.fields);
	free(hd.hbuf);
}

int main(void)
{
	size_t total = 0;

	for (size_t i = 0; i < sizeof targets / sizeof targets[0]; i++)
		total += replay(&targets[i]);
	ok(total >= 6, "replayed %zu regression inputs", total);
	/* The empty input and a bare prefix reach every harness's early exits. */
	for (size_t i = 0; i < sizeof targets / sizeof targets[0]; i++) {
		static const uint8_t prefix[] = { 1, 0, 3, '\n' };

		ok(targets[i].one(prefix, 0) == 0 && targets[i].one(prefix, sizeof prefix) == 0,
		   "%s: empty and minimal inputs", targets[i].name);
	}
	test_config_nul();
	test_config_crlf_lines();
	test_config_hashes();
	test_net_token_cut();
	test_html_nul();
	test_html_pre_start();
	test_http_nul_line();
	return tap_done();
}
