/* Unit tests for the INI configuration parser. */
#include "config/config.h"
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int parse(struct config *c, const char *text, char **err)
{
	*err = NULL;
	return config_parse(c, "test.conf", text, strlen(text), err);
}

static void test_defaults(void)
{
	struct config c;
	char *err;
	ok(parse(&c, "", &err) == 0, "empty file parses");
	is_int(c.poll_interval, 900, "poll_interval defaults to 15m");
	is_int(c.tag_interval, 600, "tag_interval defaults to 10m");
	ok(c.notify, "notify defaults to yes");
	ok(!c.quiet_hours, "no quiet hours by default");
	ok(!config_platform(&c, "x")->enabled, "x off by default");
	ok(config_platform(&c, "mastodon")->enabled, "mastodon on by default");
	ok(config_platform(&c, "bluesky")->enabled, "bluesky on by default");
	is_str(config_platform(&c, "bluesky")->pds_base, "https://bsky.social", "bluesky pds default");
	ok(config_platform(&c, "myspace") == NULL, "unknown platform lookup is NULL");
	config_clear(&c);
}

static void test_spec_example(void)
{
	static const char text[] =
		"[mentord]\n"
		"interests = cardiology, medical education, health equity, #MedEd   # comma separated\n"
		"poll_interval = 15m          # default per followed account; s/m/h suffixes\n"
		"tag_interval = 10m\n"
		"notify = yes\n"
		"quiet_hours = 22:00-07:00\n"
		"\n"
		"[x]\n"
		"enabled = no\n"
		"api_base = https://api.x.com\n"
		"token_file = ~/.config/mentord/x-bearer        # app bearer token\n"
		"me = my_handle\n"
		"\r\n"
		"[mastodon]\n"
		"enabled = yes\n"
		"api_base = http://127.0.0.1:8080/\n"
		"token_file =\n"
		"me = me@mastodon.social\n"
		"; a semicolon comment\n"
		"[bluesky]\n"
		"enabled = yes\n"
		"identifier = me.bsky.social\n"
		"app_password_file = /run/secrets/bsky\n";
	struct config c;
	char *err;
	setenv("HOME", "/home/trainee", 1);
	if (!ok(parse(&c, text, &err) == 0, "the spec's example parses")) {
		tap_diag("%s", err);
		free(err);
		return;
	}
	is_int(c.n_interests, 4, "four interests");
	is_str(c.interests[0], "cardiology", "first interest");
	is_str(c.interests[1], "medical education", "interest with a space");
	is_str(c.interests[3], "meded", "#MedEd kept as a value, '#' and case removed");
	ok(c.quiet_hours && c.quiet_start == 22 * 60 && c.quiet_end == 7 * 60, "quiet hours 22:00-07:00");
	const struct config_platform *x = config_platform(&c, "x");
	is_str(x->token_file, "/home/trainee/.config/mentord/x-bearer", "~ expanded, comment cut");
	is_str(x->me, "my_handle", "x me");
	const struct config_platform *m = config_platform(&c, "mastodon");
	is_str(m->api_base, "http://127.0.0.1:8080", "loopback api_base allowed, trailing slash removed");
	ok(m->token_file == NULL, "empty token_file means none");
	is_str(config_platform(&c, "bluesky")->identifier, "me.bsky.social", "bluesky identifier");
	config_clear(&c);
}

static void expect_error_len(const char *text, size_t len, const char *want, const char *name)
{
	struct config c;
	char *err = NULL;
	int r = config_parse(&c, "test.conf", text, len, &err);
	ok(r < 0 && err && strstr(err, want), "%s", name);
	if (r >= 0)
		config_clear(&c);
	else if (!err || !strstr(err, want))
		tap_diag("  got error '%s', want '%s'", err ? err : "(none)", want);
	free(err);
}

static void expect_error(const char *text, const char *want, const char *name)
{
	expect_error_len(text, strlen(text), want, name);
}

static void test_errors(void)
{
	expect_error("[mentord]\nfoo = 1\n", "test.conf:2: unknown key 'foo' in [mentord]", "unknown key");
	expect_error("[nope]\n", "test.conf:1: unknown section [nope]", "unknown section");
	expect_error("[mentord\n", "test.conf:1: malformed section header", "unclosed section");
	expect_error("[mentord] x\n", "test.conf:1: malformed section header", "junk after section");
	expect_error("\n\n[mentord]\njust words\n", "test.conf:4: expected 'key = value'", "line without '='");
	expect_error("[mentord]\n = 3\n", "test.conf:2: missing key", "empty key");
	expect_error("poll_interval = 1m\n", "test.conf:1: key 'poll_interval' outside any section", "key before section");
	expect_error("[mentord]\npoll_interval = 10\n", "poll_interval: expected a duration of at least 60s", "interval below a minute");
	expect_error("[mentord]\npoll_interval = 5x\n", "poll_interval", "bad duration suffix");
	expect_error("[mentord]\ntag_interval = -5m\n", "tag_interval", "negative duration");
	expect_error("[mentord]\npoll_interval = 99999999999999h\n", "poll_interval", "overflowing duration");
	expect_error("[mentord]\nnotify = perhaps\n", "notify: expected yes or no", "bad bool");
	expect_error("[mentord]\nquiet_hours = 22:00\n", "quiet_hours", "quiet hours without end");
	expect_error("[mentord]\nquiet_hours = 24:00-07:00\n", "quiet_hours", "hour 24");
	expect_error("[mentord]\nquiet_hours = 07:00-07:00\n", "quiet_hours", "empty quiet window");
	expect_error("[x]\napi_base = file:///etc/passwd\n", "api_base: must start with https:// or http://", "file:// base refused");
	expect_error("[x]\napi_base = https://a b\n", "api_base: not a plain base URL", "space in base");
	expect_error("[bluesky]\npds_base = gopher://x\n", "pds_base", "bad pds_base");
	expect_error("[x]\nme = two words\n", "me: not a handle", "bad me");
	expect_error("[x]\nenabled = 2\n", "enabled: expected yes or no", "bad enabled");
	expect_error("[mentord]\ninterests = \xff\xfe\n", "test.conf:2: not valid UTF-8", "invalid UTF-8");
	expect_error_len("[mentord]\nnotify = yes\0\n", 23, "test.conf:2: NUL byte", "NUL byte");
}

/* Back-fill settings and the instance test hook. */
static void test_history_and_override(void)
{
	struct config c;
	char *err;

	ok(parse(&c, "", &err) == 0, "defaults again");
	is_int(c.history, 30 * 86400, "history defaults to 30d");
	is_int(c.history_share, 50, "history_share defaults to 50%%");
	ok(config_platform(&c, "mastodon")->instance_override == NULL, "no instance_override by default");
	config_clear(&c);
	ok(parse(&c, "[mentord]\nhistory = 0\nhistory_share = 100%\n", &err) == 0, "history 0, share 100%%");
	is_int(c.history, 0, "  history 0: one page");
	is_int(c.history_share, 100, "  share 100");
	config_clear(&c);
	ok(parse(&c, "[mentord]\nhistory = 3650d\nhistory_share = 1\n", &err) == 0, "history 3650d, share 1");
	is_int(c.history, 3650LL * 86400, "  3650d is the most");
	is_int(c.history_share, 1, "  a bare number is a percentage");
	config_clear(&c);
	expect_error("[mentord]\nhistory = 3651d\n", "history: expected a duration from 0 to 3650d", "history beyond 3650d");
	expect_error("[mentord]\nhistory = -1d\n", "history", "negative history");
	expect_error("[mentord]\nhistory_share = 0%\n", "history_share: expected a percentage from 1 to 100", "share 0");
	expect_error("[mentord]\nhistory_share = 101\n", "history_share", "share above 100");
	expect_error("[mentord]\nhistory_share = half\n", "history_share", "share in words");

	ok(parse(&c, "[mastodon]\ninstance_override = http://127.0.0.1:8080/\n", &err) == 0, "override on 127.0.0.1");
	is_str(config_platform(&c, "mastodon")->instance_override, "http://127.0.0.1:8080", "  trailing slash dropped");
	config_clear(&c);
	ok(parse(&c, "[mastodon]\ninstance_override = http://localhost:1\n", &err) == 0, "override on localhost");
	config_clear(&c);
	ok(parse(&c, "[mastodon]\ninstance_override = http://127.9.8.7\n", &err) == 0, "anywhere in 127/8");
	config_clear(&c);
	expect_error("[mastodon]\ninstance_override = https://mastodon.social\n",
	             "instance_override: a test hook, refused for 'https://mastodon.social': only a loopback address",
	             "a real instance is refused");
	expect_error("[mastodon]\ninstance_override = http://127.0.0.1.evil.example\n", "only a loopback address",
	             "a name that starts like loopback is refused");
	expect_error("[mastodon]\ninstance_override = http://10.0.0.1:80\n", "only a loopback address",
	             "a private address is refused");
	expect_error("[mastodon]\ninstance_override = ftp://127.0.0.1\n", "must start with https:// or http://",
	             "not http");
	expect_error("[x]\ninstance_override = http://127.0.0.1:1\n", "only for a network whose accounts live on many servers",
	             "X has one server");
}

static void test_file(void)
{
	struct config c;
	char *err = NULL;
	char path[] = "/tmp/mentord-test-config-XXXXXX";
	int fd;

	ok(config_load(&c, "/nonexistent/mentord.conf", true, &err) == 0 && c.poll_interval == 900,
	   "missing file with missing_ok gives defaults");
	config_clear(&c);
	ok(config_load(&c, "/nonexistent/mentord.conf", false, &err) < 0 && err &&
	   strstr(err, "/nonexistent/mentord.conf: No such file"), "missing explicit file is an error naming it");
	free(err);
	err = NULL;
	fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	for (int i = 0; i < 70000; i++)
		fputs("# padding padding\n", f);
	fclose(f);
	ok(config_load(&c, path, false, &err) < 0 && err && strstr(err, "larger than 1 MiB"),
	   "a file over 1 MiB is refused");
	free(err);
	unlink(path);
}

/* [x] monthly_posts, price_per_post, cap_reset_day (issue 18). */
static void test_x_cap(void)
{
	struct config c;
	char *err;

	ok(parse(&c, "", &err) == 0, "defaults for the X cap");
	is_int(config_platform(&c, "x")->monthly_posts, 2000, "monthly_posts defaults to 2000");
	ok(config_platform(&c, "x")->price_per_post == 0.005, "price_per_post defaults to 0.005");
	is_int(config_platform(&c, "x")->cap_reset_day, 0, "cap_reset_day unset");
	config_clear(&c);
	ok(parse(&c, "[x]\nmonthly_posts = 0\nprice_per_post = 0.01\ncap_reset_day = 10\n", &err) == 0, "cap set");
	is_int(config_platform(&c, "x")->monthly_posts, 0, "  0: no cap");
	ok(config_platform(&c, "x")->price_per_post == 0.01, "  price 0.01");
	is_int(config_platform(&c, "x")->cap_reset_day, 10, "  resets on the 10th");
	config_clear(&c);
	ok(parse(&c, "[x]\ncap_reset_day =\n", &err) == 0, "cap_reset_day may be empty");
	config_clear(&c);
	expect_error("[x]\nmonthly_posts = -5\n", "test.conf:2: monthly_posts: expected a number of posts", "negative cap");
	expect_error("[x]\nmonthly_posts = lots\n", "test.conf:2: monthly_posts", "cap in words");
	expect_error("[x]\n\nprice_per_post = -0.005\n", "test.conf:3: price_per_post: expected a price", "negative price");
	expect_error("[x]\nprice_per_post = cheap\n", "test.conf:2: price_per_post", "price in words");
	expect_error("[x]\ncap_reset_day = 32\n", "test.conf:2: cap_reset_day: expected a day", "day 32");
	expect_error("[x]\ncap_reset_day = 0\n", "cap_reset_day", "day 0");
	expect_error("[mastodon]\nmonthly_posts = 5\n", "unknown key 'monthly_posts' in [mastodon]", "X only");
}

int main(void)
{
	test_x_cap();
	test_defaults();
	test_spec_example();
	test_errors();
	test_history_and_override();
	test_file();
	return tap_done();
}
