#include "config/config.h"
#include "net/net.h"
#include "net/url.h"
#include "common/str.h"
#include "common/channel.h"
#include "common/duration.h"
#include "common/utf8.h"
#include "common/macros.h"
#include "base/paths.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#define CONFIG_MAX_BYTES (1 << 20)
#define CONFIG_MAX_INTERESTS 64

static void platform_clear(struct config_platform *p)
{
	free(p->name); free(p->api_base); free(p->pds_base); free(p->instance_override); free(p->token_file);
	free(p->app_password_file); free(p->me); free(p->identifier); free(p->user_token_file);
	memset(p, 0, sizeof *p);
}

static void strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void config_clear(struct config *c)
{
	free(c->path);
	strv_free(c->email.maildirs, c->email.n_maildirs);
	strv_free(c->email.me, c->email.n_me);
	free(c->open_command);
	for (size_t i = 0; i < c->n_interests; i++)
		free(c->interests[i]);
	free(c->interests);
	for (size_t i = 0; i < c->n_platforms; i++)
		platform_clear(&c->platforms[i]);
	memset(c, 0, sizeof *c);
}

int config_init_defaults(struct config *c)
{
	memset(c, 0, sizeof *c);
	c->poll_interval = 15 * 60;
	c->tag_interval = 10 * 60;
	c->http_timeout = 30;
	c->notify = true;
	for (int k = 0; k < NOTIFY_KIND_COUNT; k++)
		c->notify_kinds[k] = true;
	c->history = CONFIG_HISTORY_DEFAULT;
	c->history_share = 50;
	c->notify_coalesce = 5;
	c->notify_mentor_gap = 3600;
	c->email.subjects = true;
	/* A section per network of the registry, in its order. */
	for (const struct net_platform *const *nets = net_platforms(); *nets; nets++) {
		const struct net_platform *d = *nets;
		struct config_platform *p = &c->platforms[c->n_platforms++];
		p->name = strdup(d->name);
		p->api_base = strdup(d->api_base);
		p->pds_base = str_dup(d->pds_base);
		p->enabled = d->enabled_by_default;
		p->home_feed = d->home_feed_by_default;
		p->monthly_posts = CONFIG_X_MONTHLY_POSTS;
		p->price_per_post = CONFIG_X_PRICE_PER_POST;
		if (!p->name || !p->api_base || (d->pds_base && !p->pds_base)) {
			config_clear(c);
			return -ENOMEM;
		}
	}
	return 0;
}

const struct config_platform *config_platform(const struct config *c, const char *name)
{
	for (size_t i = 0; i < c->n_platforms; i++)
		if (strcmp(c->platforms[i].name, name) == 0)
			return &c->platforms[i];
	return NULL;
}

struct parser {
	const char *name;
	unsigned line;
	char *err;
	struct config *c;
	struct config_platform *platform;  /* current section; NULL = [mentord] or [email] */
	bool in_main, in_email;
};

static int fail(struct parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct parser *p, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	free(p->err);
	if (asprintf(&p->err, "%s:%u: %s", p->name, p->line, msg) < 0)
		p->err = NULL;
	return -EINVAL;
}

static int parse_bool(const char *v, bool *out)
{
	static const char *yes[] = { "yes", "true", "on", "1" }, *no[] = { "no", "false", "off", "0" };
	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(v, yes[i]) == 0) { *out = true; return 0; }
		if (strcasecmp(v, no[i]) == 0) { *out = false; return 0; }
	}
	return -EINVAL;
}

static int parse_clock(const char *s, int *minutes)
{
	unsigned h, m;
	int n = 0;
	if (sscanf(s, "%2u:%2u%n", &h, &m, &n) != 2 || h > 23 || m > 59)
		return -EINVAL;
	*minutes = (int)(h * 60 + m);
	return n;
}

static int parse_quiet(struct parser *p, const char *v)
{
	int a, b, n;
	if (strcasecmp(v, "no") == 0 || strcasecmp(v, "off") == 0 || !*v) {
		p->c->quiet_hours = false;
		return 0;
	}
	n = parse_clock(v, &a);
	if (n < 0 || v[n] != '-' || parse_clock(v + n + 1, &b) < 0 ||
	    strlen(v + n + 1) != 5 || a == b)
		return fail(p, "quiet_hours: expected HH:MM-HH:MM, got '%s'", v);
	p->c->quiet_hours = true;
	p->c->quiet_start = a;
	p->c->quiet_end = b;
	return 0;
}

static int parse_interests(struct parser *p, const char *v)
{
	struct config *c = p->c;
	_cleanup_free_ char *copy = strdup(v);
	char *save = NULL;

	if (!copy)
		return -ENOMEM;
	for (size_t i = 0; i < c->n_interests; i++)
		free(c->interests[i]);
	c->n_interests = 0;
	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		tok = str_strip(tok);
		while (*tok == '#')   /* "##meded" too: tags are compared without '#' */
			tok++;
		if (!*tok)
			continue;
		if (c->n_interests >= CONFIG_MAX_INTERESTS)
			return fail(p, "interests: more than %d entries", CONFIG_MAX_INTERESTS);
		if (strlen(tok) > 64)
			return fail(p, "interests: entry '%.20s…' longer than 64 bytes", tok);
		char **grown = realloc(c->interests, (c->n_interests + 1) * sizeof *grown);
		if (!grown)
			return -ENOMEM;
		c->interests = grown;
		for (char *q = tok; *q; q++)
			*q = (char)tolower((unsigned char)*q);
		if (!(c->interests[c->n_interests] = strdup(tok)))
			return -ENOMEM;
		c->n_interests++;
	}
	return 0;
}

static int set_string(struct parser *p, char **dst, const char *v, bool path)
{
	char *s = path ? paths_expand_home(v) : strdup(v);
	if (!s)
		return -ENOMEM;
	free(*dst);
	*dst = *s ? s : (free(s), NULL);
	return 0;
}

static int set_base(struct parser *p, char **dst, const char *key, const char *v)
{
	size_t n = strlen(v);
	if (strncmp(v, "https://", 8) != 0 && strncmp(v, "http://", 7) != 0)
		return fail(p, "%s: must start with https:// or http://, got '%s'", key, v);
	if (n > 256 || strpbrk(v, " \t\"'<>\\?#"))
		return fail(p, "%s: not a plain base URL: '%s'", key, v);
	if (set_string(p, dst, v, false) < 0)
		return -ENOMEM;
	while (*dst && (n = strlen(*dst)) > 8 && (*dst)[n - 1] == '/')
		(*dst)[n - 1] = '\0';
	return 0;
}

static bool loopback_host(const char *h)
{
	unsigned a, b, c, d;
	char end;

	if (strcmp(h, "localhost") == 0 || strcmp(h, "[::1]") == 0 || strcmp(h, "::1") == 0)
		return true;
	return sscanf(h, "%3u.%3u.%3u.%3u%c", &a, &b, &c, &d, &end) == 4 && a == 127 && b < 256 && c < 256 && d < 256;
}

/* A test hook that sends requests meant for many hosts to one address: it
 * must never point at a real one (the user's token would follow). */
static int set_override(struct parser *p, struct config_platform *pl, const char *key, const char *v)
{
	const struct net_platform *net = net_platform_find(pl->name);
	char *host;
	bool loop;

	if (!net || !net->home)
		return fail(p, "%s: only for a network whose accounts live on many servers (mastodon)", key);
	if (set_base(p, &pl->instance_override, key, v) < 0)
		return -EINVAL;
	if (!(host = net_url_host(pl->instance_override)))
		return fail(p, "%s: no host in '%s'", key, v);
	loop = loopback_host(host);
	free(host);
	if (!loop) {
		free(pl->instance_override);
		pl->instance_override = NULL;
		return fail(p, "%s: a test hook, refused for '%s': only a loopback address (127.0.0.1, ::1, localhost)",
		            key, v);
	}
	return 0;
}

/* notify_<kind> = yes|no, notify_coalesce and notify_mentor_gap. */
static int notify_key(struct parser *p, const char *k, const char *v)
{
	struct config *c = p->c;
	if (strcmp(k, "notify_coalesce") == 0 || strcmp(k, "notify_mentor_gap") == 0) {
		bool gap = k[7] == 'm';
		int64_t *dst = gap ? &c->notify_mentor_gap : &c->notify_coalesce;
		if (strcmp(v, "0") == 0) {
			*dst = 0;
			return 0;
		}
		if (duration_parse(v, 1, DURATION_YEAR, dst) < 0 || *dst > (gap ? 7 * 86400 : 600))
			return fail(p, "%s: expected a duration from 0 to %s, got '%s'", k, gap ? "7d" : "10m", v);
		return 0;
	}
	for (int i = 0; i < NOTIFY_KIND_COUNT; i++)
		if (strcmp(k + 7, notify_kind_name((enum notify_kind)i)) == 0)
			return parse_bool(v, &c->notify_kinds[i]) < 0 ? fail(p, "%s: expected yes or no, got '%s'", k, v) : 0;
	return fail(p, "unknown key '%s' in [mentord] (notify_posts, notify_replies, notify_mentions, "
	            "notify_nudges, notify_opportunities, notify_sync, notify_tagged, notify_coalesce, notify_mentor_gap)", k);
}

/* history_share = 50 or 50%: the part of each rate window back-fill may use. */
static int parse_share(struct parser *p, const char *v)
{
	char *end;
	long n;
	errno = 0;
	n = strtol(v, &end, 10);
	if (end == v || errno || (*end == '%' ? end[1] != '\0' : *end != '\0') || n < 1 || n > 100)
		return fail(p, "history_share: expected a percentage from 1 to 100 like 50%%, got '%s'", v);
	p->c->history_share = (int)n;
	return 0;
}

static int main_key(struct parser *p, const char *k, const char *v)
{
	struct config *c = p->c;
	if (strcmp(k, "interests") == 0)
		return parse_interests(p, v);
	if (strcmp(k, "poll_interval") == 0 || strcmp(k, "tag_interval") == 0) {
		int64_t *dst = k[0] == 'p' ? &c->poll_interval : &c->tag_interval;
		if (duration_parse(v, 1, DURATION_YEAR, dst) < 0 || *dst < 60)
			return fail(p, "%s: expected a duration of at least 60s like 15m or 1h, got '%s'", k, v);
		return 0;
	}
	if (strcmp(k, "http_timeout") == 0) {
		if (duration_parse(v, 1, DURATION_YEAR, &c->http_timeout) < 0 || c->http_timeout > 600)
			return fail(p, "http_timeout: expected a duration from 1s to 10m, got '%s'", v);
		return 0;
	}
	if (strcmp(k, "history") == 0) {
		if (duration_parse(v, 0, CONFIG_HISTORY_MAX, &c->history) < 0)
			return fail(p, "history: expected a duration from 0 to 3650d like 30d, got '%s'", v);
		return 0;
	}
	if (strcmp(k, "history_share") == 0)
		return parse_share(p, v);
	if (strcmp(k, "notify") == 0)
		return parse_bool(v, &c->notify) < 0 ? fail(p, "notify: expected yes or no, got '%s'", v) : 0;
	if (strcmp(k, "quiet_hours") == 0)
		return parse_quiet(p, v);
	if (strncmp(k, "notify_", 7) == 0)
		return notify_key(p, k, v);
	if (strcmp(k, "open_command") == 0) {
		if (!*v || strlen(v) > 1024)
			return fail(p, "open_command: expected a program name or path");
		return set_string(p, &c->open_command, v, true);
	}
	return fail(p, "unknown key '%s' in [mentord]", k);
}

/* [x] monthly_posts, price_per_post, cap_reset_day; 1 when k is none of them. */
static int x_cap_key(struct parser *p, const char *k, const char *v)
{
	struct config_platform *pl = p->platform;
	char *end;

	errno = 0;
	if (strcmp(k, "monthly_posts") == 0) {
		long long n = strtoll(v, &end, 10);
		if (end == v || *end || errno || n < 0 || n > 1000000000LL)
			return fail(p, "monthly_posts: expected a number of posts, 0 for no cap, got '%s'", v);
		pl->monthly_posts = n;
		return 0;
	}
	if (strcmp(k, "price_per_post") == 0) {
		double d = strtod(v, &end);
		if (end == v || *end || errno || !(d >= 0 && d < 1000))
			return fail(p, "price_per_post: expected a price in dollars like 0.005, got '%s'", v);
		pl->price_per_post = d;
		return 0;
	}
	if (strcmp(k, "cap_reset_day") == 0) {
		long n = *v ? strtol(v, &end, 10) : 0;
		if (*v && (end == v || *end || errno || n < 1 || n > 31))
			return fail(p, "cap_reset_day: expected a day of the month from 1 to 31, got '%s'", v);
		pl->cap_reset_day = (int)n;
		return 0;
	}
	return 1;
}

static int platform_key(struct parser *p, const char *k, const char *v)
{
	struct config_platform *pl = p->platform;
	int r;

	if (strcmp(pl->name, "x") == 0 && (r = x_cap_key(p, k, v)) <= 0)
		return r;
	if (strcmp(k, "enabled") == 0)
		return parse_bool(v, &pl->enabled) < 0 ? fail(p, "enabled: expected yes or no, got '%s'", v) : 0;
	if (strcmp(k, "home_feed") == 0)
		return parse_bool(v, &pl->home_feed) < 0 ? fail(p, "home_feed: expected yes or no, got '%s'", v) : 0;
	if (strcmp(k, "api_base") == 0)
		return set_base(p, &pl->api_base, k, v);
	if (strcmp(k, "pds_base") == 0)
		return set_base(p, &pl->pds_base, k, v);
	if (strcmp(k, "instance_override") == 0)
		return set_override(p, pl, k, v);
	if (strcmp(k, "token_file") == 0)
		return set_string(p, &pl->token_file, v, true);
	if (strcmp(k, "app_password_file") == 0)
		return set_string(p, &pl->app_password_file, v, true);
	if (strcmp(k, "user_token_file") == 0) {
		if (strcmp(pl->name, "x") != 0)
			return fail(p, "user_token_file: only [x] has one (mentorctl login x --user)");
		return set_string(p, &pl->user_token_file, v, true);
	}
	if (strcmp(k, "me") == 0 || strcmp(k, "identifier") == 0) {
		if (strlen(v) > 253 || strpbrk(v, " \t"))
			return fail(p, "%s: not a handle: '%s'", k, v);
		return set_string(p, k[0] == 'm' ? &pl->me : &pl->identifier, v, false);
	}
	return fail(p, "unknown key '%s' in [%s]", k, pl->name);
}

#define CONFIG_MAX_EMAIL_LIST 32

/* A comma-separated list into a fresh vector, each item passed through fn
 * (which returns a new string, or NULL after fail()). */
static int parse_list(struct parser *p, const char *k, const char *v, char ***out, size_t *n_out,
                      char *(*fn)(struct parser *, const char *, const char *))
{
	_cleanup_free_ char *copy = strdup(v);
	char *save = NULL, **list = NULL;
	size_t n = 0;

	if (!copy)
		return -ENOMEM;
	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char **grown;
		tok = str_strip(tok);
		if (!*tok)
			continue;
		if (n >= CONFIG_MAX_EMAIL_LIST) {
			strv_free(list, n);
			return fail(p, "%s: more than %d entries", k, CONFIG_MAX_EMAIL_LIST);
		}
		if (!(grown = realloc(list, (n + 1) * sizeof *grown)) || !(grown[n] = fn(p, k, tok))) {
			strv_free(grown ? grown : list, n);
			return p->err ? -EINVAL : -ENOMEM;
		}
		list = grown;
		n++;
	}
	*out = list;
	*n_out = n;
	return 0;
}

static char *maildir_item(struct parser *p, const char *k, const char *v)
{
	char *s = paths_expand_home(v);
	size_t n;
	if (!s)
		return NULL;
	if (s[0] != '/' || strlen(s) > 1024) {
		fail(p, "%s: expected an absolute path or ~/..., got '%s'", k, v);
		free(s);
		return NULL;
	}
	while ((n = strlen(s)) > 1 && s[n - 1] == '/')
		s[n - 1] = '\0';
	return s;
}

/* The canonical address (common/channel): the form the accounts of
 * platform email keep, so "me" compares with what Link stored. */
static char *address_item(struct parser *p, const char *k, const char *v)
{
	char out[CHANNEL_HANDLE_MAX + 1];
	const char *why = NULL;
	char *s;
	if (channel_email_norm(v, out, sizeof out, &why) < 0) {
		fail(p, "%s: not an e-mail address: '%s' (%s)", k, v, why ? why : "invalid");
		return NULL;
	}
	if (!(s = strdup(out)))
		return NULL;
	return s;
}

static int email_key(struct parser *p, const char *k, const char *v)
{
	struct config_email *e = &p->c->email;
	if (strcmp(k, "maildir") == 0) {
		strv_free(e->maildirs, e->n_maildirs);
		e->maildirs = NULL;
		e->n_maildirs = 0;
		return parse_list(p, k, v, &e->maildirs, &e->n_maildirs, maildir_item);
	}
	if (strcmp(k, "me") == 0) {
		strv_free(e->me, e->n_me);
		e->me = NULL;
		e->n_me = 0;
		return parse_list(p, k, v, &e->me, &e->n_me, address_item);
	}
	if (strcmp(k, "subjects") == 0)
		return parse_bool(v, &e->subjects) < 0 ? fail(p, "subjects: expected yes or no, got '%s'", v) : 0;
	return fail(p, "unknown key '%s' in [email] (maildir, me, subjects)", k);
}

static int section(struct parser *p, char *line)
{
	char *end = strchr(line, ']');
	if (!end || *str_strip(end + 1))
		return fail(p, "malformed section header");
	*end = '\0';
	char *name = str_strip(line + 1);
	p->platform = NULL;
	p->in_main = strcmp(name, "mentord") == 0;
	p->in_email = strcmp(name, "email") == 0;
	if (p->in_main || p->in_email)
		return 0;
	for (size_t i = 0; i < p->c->n_platforms; i++)
		if (strcmp(p->c->platforms[i].name, name) == 0)
			p->platform = &p->c->platforms[i];
	if (!p->platform)
		return fail(p, "unknown section [%s] (expected mentord, email, x, mastodon or bluesky)", name);
	return 0;
}

/* Cuts an inline comment: '#' or ';' preceded by blank and followed by blank
 * or end of line. */
static void cut_comment(char *s)
{
	for (char *q = s; *q; q++)
		if ((*q == '#' || *q == ';') && q > s && (q[-1] == ' ' || q[-1] == '\t') &&
		    (q[1] == '\0' || q[1] == ' ' || q[1] == '\t')) {
			*q = '\0';
			return;
		}
}

static int parse_line(struct parser *p, char *raw)
{
	char *line = str_strip(raw), *eq;
	if (!*line || *line == '#' || *line == ';')
		return 0;
	if (*line == '[')
		return section(p, line);
	eq = strchr(line, '=');
	if (!eq)
		return fail(p, "expected 'key = value'");
	*eq = '\0';
	char *key = str_strip(line), *val = eq + 1;
	cut_comment(val);
	val = str_strip(val);
	if (!*key)
		return fail(p, "missing key before '='");
	if (!p->in_main && !p->in_email && !p->platform)
		return fail(p, "key '%s' outside any section", key);
	if (p->in_email)
		return email_key(p, key, val);
	return p->in_main ? main_key(p, key, val) : platform_key(p, key, val);
}

int config_parse(struct config *out, const char *name, const char *buf, size_t len, char **err)
{
	struct config c;
	struct parser p = { .name = name, .c = &c };
	int r = config_init_defaults(&c);
	if (r < 0)
		return r;

	for (size_t off = 0; off < len && r >= 0; ) {
		const char *nl = memchr(buf + off, '\n', len - off);
		size_t n = nl ? (size_t)(nl - (buf + off)) : len - off;
		size_t next = off + n + 1;   /* past the '\n', whatever is cut below */
		char *line;
		p.line++;
		/* On the raw bytes: strndup() stops at a NUL, so a copy could be
		 * shorter than n and line[n - 1] would be out of bounds. */
		if (memchr(buf + off, '\0', n)) {
			r = fail(&p, "NUL byte in line");
			break;
		}
		if (n > 0 && buf[off + n - 1] == '\r')   /* CRLF files */
			n--;
		if (!(line = strndup(buf + off, n))) { r = -ENOMEM; break; }
		if (!utf8_text_valid(line, n))
			r = fail(&p, "not valid UTF-8 text");
		else
			r = parse_line(&p, line);
		free(line);
		off = next;
	}
	if (r < 0) {
		if (err) { *err = p.err; p.err = NULL; }
		free(p.err);
		config_clear(&c);
		return r;
	}
	c.path = strdup(name);
	*out = c;
	return 0;
}

int config_load(struct config *out, const char *path, bool missing_ok, char **err)
{
	FILE *f = fopen(path, "re");
	_cleanup_free_ char *buf = NULL;
	size_t len = 0;
	int r;

	if (!f) {
		r = -errno;
		if (r == -ENOENT && missing_ok)
			return config_init_defaults(out);
		if (err && asprintf(err, "%s: %s", path, strerror(-r)) < 0)
			*err = NULL;
		return r;
	}
	buf = malloc(CONFIG_MAX_BYTES + 1);
	if (!buf) { fclose(f); return -ENOMEM; }
	len = fread(buf, 1, CONFIG_MAX_BYTES + 1, f);
	r = ferror(f) ? -EIO : 0;
	fclose(f);
	if (r == 0 && len > CONFIG_MAX_BYTES)
		r = -EFBIG;
	if (r < 0) {
		if (err && asprintf(err, "%s: %s", path, r == -EFBIG ? "file larger than 1 MiB" : strerror(-r)) < 0)
			*err = NULL;
		return r;
	}
	return config_parse(out, path, buf, len, err);
}
