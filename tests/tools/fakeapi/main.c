/* fakeapi.c — a fake X API v2 / Mastodon / Bluesky server for tests and
 * benchmarks (libevent evhttp, 127.0.0.1 only, one port for all three).
 *
 * Bodies are generated on the fly from a deterministic scenario (seed,
 * accounts, posts per account, hashtags, the user's own account "me" and the
 * interactions between them), in the field names and nesting of the real
 * services (see docs/FAKEAPI.md). Nothing per post is stored: a post is a pure
 * function of (network, account, index), so 5,000 accounts x 200 posts cost a
 * few MB of indexes. Posts added at run time (/_fake/add_posts) are stored.
 *
 * A control API under /_fake/ scripts failures per path prefix (429 with each
 * network's headers, 5xx, HTML pages, hangs, trickles, truncated or oversized
 * bodies, wrong JSON types, duplicated or shuffled items), sets the clock and
 * rate budgets, and reports counters. Run with --help for the reference.
 *
 * Sections: 1 foundations · 2 scenario · 3 rendering · 4 rate limits, auth ·
 * 5 X · 6 Mastodon · 7 Bluesky · 8 scripts and delivery · 9 control API ·
 * 10 connections, dispatch, main. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/queue.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

/* ================================================ 1. foundations */

#define MAX_TAGS       32
#define CONN_BUCKETS   1024
#define TWEPOCH_MS     1288834974657LL     /* X snowflake epoch */
#define X_USER_BASE    ((uint64_t)1500000000000000000ULL)
#define M_ACCT_BASE    ((uint64_t)109000000000000000ULL)
#define M_NOTIF_BASE   ((uint64_t)1000000ULL)
#define DAY_MS         86400000LL

enum net { NET_X, NET_M, NET_B, NNET };
static const char *const net_names[NNET] = { "x", "mastodon", "bluesky" };

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p) {
		fprintf(stderr, "fakeapi: out of memory\n");
		exit(2);
	}
	return p;
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p) {
		fprintf(stderr, "fakeapi: out of memory\n");
		exit(2);
	}
	return p;
}

static char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(xmalloc(n), s, n);
}

/* splitmix64 finaliser: every generated value derives from it */
static uint64_t mix64(uint64_t x)
{
	x += 0x9E3779B97F4A7C15ULL;
	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
	x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
	return x ^ (x >> 31);
}

/* growable byte buffer */
struct buf {
	char *p;
	size_t len, cap;
};

static void buf_reserve(struct buf *b, size_t extra)
{
	if (b->len + extra + 1 <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->len + extra + 1)
		cap *= 2;
	b->p = xrealloc(b->p, cap);
	b->cap = cap;
}

static void buf_add(struct buf *b, const char *s, size_t n)
{
	buf_reserve(b, n);
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void buf_puts(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

static void buf_putc(struct buf *b, char c)
{
	buf_add(b, &c, 1);
}

static void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;
	char probe[1];     /* only measures */

	if (!fmt)          /* never true; keeps gcc's sanitizer builds from guessing otherwise */
		return;
	va_start(ap, fmt);
	n = vsnprintf(probe, sizeof probe, fmt, ap);
	va_end(ap);
	buf_reserve(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

static void buf_free(struct buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

/* Streaming JSON writer: commas are tracked per nesting level, so renderers
 * read like the JSON they produce. Faster than building cJSON trees, which
 * matters when the daemon benchmark pulls thousands of pages. */
struct jw {
	struct buf *b;
	int depth;
	bool first[64];
	bool after_key;
	bool astral_escape;   /* X escapes non-BMP characters as surrogate pairs */
};

static void jw_pre(struct jw *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (j->depth > 0) {
		if (j->first[j->depth])
			j->first[j->depth] = false;
		else
			buf_putc(j->b, ',');
	}
}

static void jw_open(struct jw *j, char c)
{
	jw_pre(j);
	buf_putc(j->b, c);
	j->depth++;
	j->first[j->depth] = true;
}

static void jw_obj(struct jw *j) { jw_open(j, '{'); }
static void jw_arr(struct jw *j) { jw_open(j, '['); }

static void jw_close(struct jw *j, char c)
{
	buf_putc(j->b, c);
	j->depth--;
}

static void jw_end(struct jw *j) { jw_close(j, '}'); }
static void jw_aend(struct jw *j) { jw_close(j, ']'); }

static void jw_escape(struct jw *j, const char *s, size_t n)
{
	struct buf *b = j->b;
	const unsigned char *p = (const unsigned char *)s;

	buf_reserve(b, n + 2);
	buf_putc(b, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = p[i];
		if (c == '"' || c == '\\') {
			buf_putc(b, '\\');
			buf_putc(b, (char)c);
		} else if (c == '\n') {
			buf_puts(b, "\\n");
		} else if (c < 0x20) {
			buf_printf(b, "\\u%04x", c);
		} else if (c >= 0xF0 && j->astral_escape && i + 3 < n) {
			uint32_t cp = ((uint32_t)(c & 0x07) << 18) | ((uint32_t)(p[i + 1] & 0x3F) << 12) |
				      ((uint32_t)(p[i + 2] & 0x3F) << 6) | (uint32_t)(p[i + 3] & 0x3F);
			cp -= 0x10000;
			buf_printf(b, "\\u%04X\\u%04X", 0xD800 + (cp >> 10), 0xDC00 + (cp & 0x3FF));
			i += 3;
		} else {
			buf_putc(b, (char)c);
		}
	}
	buf_putc(b, '"');
}

static void jw_key(struct jw *j, const char *k)
{
	jw_pre(j);
	jw_escape(j, k, strlen(k));
	buf_putc(j->b, ':');
	j->after_key = true;
}

static void jw_str(struct jw *j, const char *s)
{
	jw_pre(j);
	if (s)
		jw_escape(j, s, strlen(s));
	else
		buf_puts(j->b, "null");
}

static void jw_int(struct jw *j, long long v)
{
	jw_pre(j);
	buf_printf(j->b, "%lld", v);
}

static void jw_raw(struct jw *j, const char *literal)
{
	jw_pre(j);
	buf_puts(j->b, literal);
}

static void jw_kstr(struct jw *j, const char *k, const char *v) { jw_key(j, k); jw_str(j, v); }
static void jw_kint(struct jw *j, const char *k, long long v) { jw_key(j, k); jw_int(j, v); }
static void jw_kbool(struct jw *j, const char *k, bool v) { jw_key(j, k); jw_raw(j, v ? "true" : "false"); }
static void jw_knull(struct jw *j, const char *k) { jw_key(j, k); jw_raw(j, "null"); }
static void jw_kraw(struct jw *j, const char *k, const char *v) { jw_key(j, k); jw_raw(j, v); }
static void jw_kobj(struct jw *j, const char *k) { jw_key(j, k); jw_obj(j); }
static void jw_karr(struct jw *j, const char *k) { jw_key(j, k); jw_arr(j); }

/* --- time --- */

static int64_t real_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void copy_trunc(char *out, size_t size, const char *s)
{
	size_t n = strlen(s);
	if (n >= size)
		n = size - 1;
	memcpy(out, s, n);
	out[n] = '\0';
}

static void tm_of(int64_t ms, struct tm *tm)
{
	time_t s = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
	gmtime_r(&s, tm);
}

/* "2026-11-01T12:34:56.789Z" */
static void iso_ms(int64_t ms, char out[32])
{
	struct tm tm;
	char tmp[96];
	tm_of(ms, &tm);
	snprintf(tmp, sizeof tmp, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(((ms % 1000) + 1000) % 1000));
	copy_trunc(out, 32, tmp);
}

/* Mastodon's X-RateLimit-Reset: microseconds, "2026-11-01T12:35:00.000000Z" */
static void iso_us(int64_t ms, char out[40])
{
	struct tm tm;
	tm_of(ms, &tm);
	char tmp[96];
	snprintf(tmp, sizeof tmp, "%04d-%02d-%02dT%02d:%02d:%02d.%03d000Z", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(((ms % 1000) + 1000) % 1000));
	copy_trunc(out, 40, tmp);
}

static void iso_date(int64_t ms, char out[16])
{
	struct tm tm;
	tm_of(ms, &tm);
	char tmp[64];
	snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	copy_trunc(out, 16, tmp);
}

/* Lenient RFC 3339 parser ("2026-11-01", "...T12:00:00Z", fractions, offsets).
 * Returns false if s is not a date. */
static bool parse_iso(const char *s, int64_t *ms)
{
	struct tm tm = { 0 };
	int y, mo, d, h = 0, mi = 0, sec = 0, n = 0, frac_ms = 0;
	const char *p;

	if (!s || sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3)
		return false;
	p = s + n;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		if (sscanf(p + 1, "%2d:%2d:%2d%n", &h, &mi, &sec, &n) != 3)
			return false;
		p += 1 + n;
		if (*p == '.') {
			int digits = 0;
			for (p++; isdigit((unsigned char)*p); p++, digits++)
				if (digits < 3)
					frac_ms = frac_ms * 10 + (*p - '0');
			for (; digits < 3; digits++)
				frac_ms *= 10;
		}
	}
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	*ms = (int64_t)timegm(&tm) * 1000 + frac_ms;
	if (*p == '+' || *p == '-') {
		int oh = 0, om = 0;
		if (sscanf(p + 1, "%2d:%2d", &oh, &om) >= 1)
			*ms -= (*p == '+' ? 1 : -1) * ((int64_t)oh * 3600 + om * 60) * 1000;
	}
	return true;
}

/* --- identifiers --- */

static const char B32[] = "abcdefghijklmnopqrstuvwxyz234567";        /* did:plc, CIDs */
static const char S32[] = "234567abcdefghijklmnopqrstuvwxyz";        /* TIDs: sortable */

static void b32_fill(char *out, size_t n, uint64_t seed)
{
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++) {
		if (i % 12 == 0)      /* 12 x 5 bits per fresh 64-bit block */
			v = mix64(seed ^ (0x9E3779B97F4A7C15ULL * (i / 12 + 1)));
		out[i] = B32[v & 31];
		v >>= 5;
	}
	out[n] = '\0';
}

/* A TID (13 chars of base32-sortable): 53 bits of microseconds, 10 bits of clock id. */
static void tid(int64_t ms, uint32_t clock_id, char out[14])
{
	uint64_t v = ((uint64_t)ms * 1000ULL << 10) | (clock_id & 1023);
	for (int i = 12; i >= 0; i--) {
		out[i] = S32[v & 31];
		v >>= 5;
	}
	out[13] = '\0';
}

static bool parse_u64(const char *s, uint64_t *out)
{
	char *end;
	if (!s || !*s || !isdigit((unsigned char)*s))
		return false;
	errno = 0;
	*out = strtoull(s, &end, 10);
	return errno == 0 && *end == '\0';
}

static bool parse_long(const char *s, long *out)
{
	char *end;
	if (!s || !*s)
		return false;
	errno = 0;
	*out = strtol(s, &end, 10);
	return errno == 0 && *end == '\0';
}

/* number of code points (X entity offsets count characters, not bytes) */
static size_t utf8_chars(const char *s, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xC0) != 0x80;
	return c;
}

static void url_encode(struct buf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~')
			buf_putc(b, (char)c);
		else
			buf_printf(b, "%%%02X", c);
	}
}

/* gzip with stored deflate blocks: the fake has no zlib, but a stored stream
 * is valid gzip, which is what the client's decoder is tested against. */
static uint32_t crc32_le(const unsigned char *p, size_t n)
{
	uint32_t c = 0xFFFFFFFFu;
	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
	}
	return ~c;
}

static void gzip_stored(struct evbuffer *out, const char *data, size_t n)
{
	static const unsigned char hdr[10] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3 };
	uint32_t crc = crc32_le((const unsigned char *)data, n);
	size_t off = 0;

	evbuffer_add(out, hdr, sizeof hdr);
	do {
		size_t len = n - off > 65535 ? 65535 : n - off;
		unsigned char bh[5] = { off + len == n, (unsigned char)len, (unsigned char)(len >> 8),
					(unsigned char)~len, (unsigned char)(~len >> 8) };
		evbuffer_add(out, bh, 5);
		evbuffer_add(out, data + off, len);
		off += len;
	} while (off < n);
	unsigned char tr[8] = { (unsigned char)crc, (unsigned char)(crc >> 8), (unsigned char)(crc >> 16),
				(unsigned char)(crc >> 24), (unsigned char)n, (unsigned char)(n >> 8),
				(unsigned char)(n >> 16), (unsigned char)(n >> 24) };
	evbuffer_add(out, tr, 8);
}

/* ================================================ 2. scenario
 *
 * Accounts: index 0 is the user ("me"), 1..N are "doc1".."docN"; accounts
 * 1..K ("engaged") interact with me and me with them. Each account has M posts
 * (me: --my-posts) spread over --span-days ending at --end-time; post j of
 * account a on network n has a time, a kind and targets that are pure
 * functions of (seed, n, a, j). Kinds for engaged docs: replies to me (10%),
 * mentions of me (5%), quotes of me (4%), reposts of me (4%); for all docs:
 * replies (10%), reposts (5%) and quotes (2%) of other docs, mentions of other
 * docs (5%). Me: replies (25%), mentions (10%), quotes (8%), reposts (8%) aimed
 * at engaged docs mostly. ~25% of non-repost posts carry one or two hashtags.
 * Likes (15% of my posts per engaged doc) and one follow per engaged doc exist
 * only as notifications. Posts whose time is after the fake clock's "now" are
 * not visible yet, so a scenario can also unfold by advancing the clock. */

enum ptype { P_ORIG, P_REPLY, P_QUOTE, P_REPOST };
enum ntype { N_REPLY, N_MENTION, N_QUOTE, N_REPOST, N_LIKE, N_FOLLOW };

struct post {
	int net;
	uint32_t a, j;
	int64_t t;              /* created, ms */
	uint8_t type;           /* enum ptype */
	int32_t mention;        /* account mentioned in the text, -1 none */
	int32_t tgt_a, tgt_j;   /* reply/quote/repost target, -1 none */
	uint8_t ntags, tags[3];
	const char *text;       /* words of an added post, or NULL: generated */
	uint64_t seed;
	uint8_t parent_view;    /* Bluesky feed-level parent: 0 post, 1 notFound, 2 blocked */
};

struct ref { int64_t t; uint32_t a, j; };                /* a post, by time */
struct refvec { struct ref *v; size_t n, cap; };

struct xpost {                                           /* a post added at run time */
	int64_t t;
	uint8_t type, ntags, tags[3];
	int32_t mention, tgt_a, tgt_j;
	char *text;
};
struct xpostvec { struct xpost *v; size_t n, cap; };

struct notif { int64_t t; uint8_t type; uint32_t from; int32_t j, my_j; };
struct notifvec { struct notif *v; size_t n, cap; };

struct netdata {
	struct refvec tags[MAX_TAGS];   /* posts carrying each tag (reposts excluded) */
	struct refvec *mentions;        /* [a]: posts replying to, quoting or mentioning a */
	struct xpostvec *extras;        /* [a]: posts added at run time */
	struct notifvec notifs;         /* interactions with me */
	int64_t seen_at;                /* Bluesky updateSeen, 0 = never */
	int64_t last_added_t;           /* time of the newest post added at run time */
};

struct rule;
struct pending;
struct conn;

enum { B_X_TWEETS, B_X_MENTIONS, B_X_SEARCH, B_X_USERS, B_X_LOOKUP,
       B_M_API, B_M_PAGING, B_B_API, B_B_SESSION, NBUCKETS };

struct bucket {
	const char *name;
	long limit, window_s, remaining;
	int64_t reset_s;                /* epoch seconds; 0 = window not started */
};

struct token { char *s; bool refresh, revoked; int64_t exp_ms; };

enum endpoint {
	EP_X_USER_BY_NAME, EP_X_USERS_BY, EP_X_USER, EP_X_TWEETS, EP_X_MENTIONS, EP_X_SEARCH, EP_X_LOOKUP,
	EP_M_LOOKUP, EP_M_ACCOUNT, EP_M_STATUSES, EP_M_TAG, EP_M_NOTIFS, EP_M_STATUS,
	EP_B_RESOLVE, EP_B_PROFILE, EP_B_FEED, EP_B_SEARCH, EP_B_NOTIFS, EP_B_SEEN,
	EP_B_CREATE, EP_B_REFRESH, EP_UNKNOWN, NEP
};

static const char *const ep_names[NEP] = {
	"x.users_by_username", "x.users_by", "x.user", "x.users_tweets", "x.users_mentions",
	"x.search_recent", "x.tweets",
	"mastodon.accounts_lookup", "mastodon.account", "mastodon.account_statuses",
	"mastodon.timelines_tag", "mastodon.notifications", "mastodon.status",
	"bluesky.resolveHandle", "bluesky.getProfile", "bluesky.getAuthorFeed", "bluesky.searchPosts",
	"bluesky.listNotifications", "bluesky.updateSeen", "bluesky.createSession",
	"bluesky.refreshSession", "unknown",
};

struct stats {
	uint64_t requests, control, by_ep[NEP], ep_429[NEP], by_net[NNET + 1];
	uint64_t status[600], rate_limited, scripted, bytes_out, conns_total;
	uint64_t over[NBUCKETS];     /* per bucket: requests refused for a spent window */
	unsigned conns_open, conns_max, inflight, inflight_max;
};

struct fake {
	/* scenario parameters */
	uint64_t seed;
	uint32_t naccounts, nposts, nmyposts, nengaged;
	int64_t span_ms, end_ms;
	char *tags[MAX_TAGS];
	int ntags, ntags_gen;
	char tco[16];                /* the fake t.co link suffix */
	uint64_t did_mask;
	/* auth */
	const char *x_token, *m_token, *b_password;
	long b_access_ttl_s;
	/* server */
	int port;
	const char *port_file, *script_file;
	bool verbose, gzip;
	long hang_max_ms;
	char base_url[64];
	struct event_base *base;
	struct evhttp *http;
	/* clock */
	bool frozen;
	int64_t frozen_ms, offset_ms;
	int64_t scale;               /* > 1: a fast clock, scale_base_ms at real anchor_real_ms */
	int64_t scale_base_ms, anchor_real_ms;
	const char *clock_file;
	struct timespec clock_mtime;
	/* state */
	struct netdata nd[NNET];
	struct bucket buckets[NBUCKETS];
	struct token *tokens;
	size_t ntokens, cap_tokens;
	uint64_t token_serial;
	struct rule *rules;
	struct pending *pendings;
	struct conn *conns[CONN_BUCKETS];
	struct stats st;
};

/* --- clock --- */

static void clock_reload(struct fake *f)
{
	struct stat sb;
	FILE *fp;
	char line[64];
	int64_t ms;

	if (!f->clock_file || stat(f->clock_file, &sb) < 0)
		return;
	if (sb.st_mtim.tv_sec == f->clock_mtime.tv_sec && sb.st_mtim.tv_nsec == f->clock_mtime.tv_nsec)
		return;
	f->clock_mtime = sb.st_mtim;
	if (!(fp = fopen(f->clock_file, "r")))
		return;
	if (fgets(line, sizeof line, fp)) {
		char *end;
		double secs = strtod(line, &end);
		if (end != line && (*end == '\n' || *end == '\0')) {
			f->frozen = true;
			f->frozen_ms = (int64_t)(secs * 1000);
		} else if (parse_iso(line, &ms)) {
			f->frozen = true;
			f->frozen_ms = ms;
		}
	}
	fclose(fp);
}

/* "Now" for everything the fake decides: visibility, rate windows, token expiry. */
static int64_t now_ms(struct fake *f)
{
	clock_reload(f);
	if (f->frozen)
		return f->frozen_ms;
	if (f->scale > 1)
		return f->scale_base_ms + (real_ms() - f->anchor_real_ms) * f->scale;
	return real_ms() + f->offset_ms;
}

/* --- accounts --- */

static uint32_t nacc(const struct fake *f) { return f->naccounts + 1; }

static uint64_t H(const struct fake *f, int net, uint64_t a, uint64_t j, uint64_t salt)
{
	return mix64(f->seed ^ mix64(((uint64_t)net << 58) ^ (salt << 50) ^ (a << 25) ^ j));
}

static void acct_name(const struct fake *f, uint32_t a, char out[24])
{
	if (a == 0)
		snprintf(out, 24, "me");
	else
		snprintf(out, 24, "doc%u", a);
}

static const char *const first_names[] = { "Ada", "Ben", "Chioma", "Dario", "Elena", "Farid", "Grace",
	"Hiro", "Ines", "Jonas", "Kemi", "Lars", "Mei", "Nadia", "Omar", "Priya", "Quinn", "Rosa",
	"Sven", "Tariq", "Uma", "Viktor", "Wen", "Yara", "Zoe" };
static const char *const last_names[] = { "Okafor", "Lindqvist", "Moreau", "Tanaka", "Silva",
	"Haddad", "Novak", "Kowalski", "Mensah", "Rossi", "Ibrahim", "Chen", "Fischer", "Dubois",
	"Nakamura", "Olsen", "Patel", "Garcia", "Kim", "Byrne" };

static void display_name(const struct fake *f, uint32_t a, char out[64])
{
	uint64_t h = mix64(f->seed * 31 + a);
	if (a == 0)
		snprintf(out, 64, "Me (mentee)");
	else
		snprintf(out, 64, "Dr. %s %s", first_names[h % 25], last_names[(h >> 8) % 20]);
}

/* "me", "@doc3", "doc3@host", "doc3.bsky.social", "Doc3" -> account index */
static bool acct_by_name(const struct fake *f, const char *s, uint32_t *a)
{
	char name[64];
	size_t n;
	unsigned long v;
	char *end;

	if (!s)
		return false;
	if (*s == '@')
		s++;
	n = strcspn(s, "@");
	if (n >= sizeof name)
		return false;
	memcpy(name, s, n);
	name[n] = '\0';
	if (n > 12 && strcasecmp(name + n - 12, ".bsky.social") == 0)
		name[n - 12] = '\0';
	if (strcasecmp(name, "me") == 0) {
		*a = 0;
		return true;
	}
	if (strncasecmp(name, "doc", 3) != 0 || !isdigit((unsigned char)name[3]) || name[3] == '0')
		return false;
	v = strtoul(name + 3, &end, 10);
	if (*end || v < 1 || v > f->naccounts)
		return false;
	*a = (uint32_t)v;
	return true;
}

/* DIDs: 13 seed-derived chars + 11 chars encoding the account index through
 * an invertible mix (xor, then multiply by an odd constant mod 2^55), so they
 * look random but decode back without a table. */
#define DID_MUL  0x2545F4914F6CDD1DULL
#define M55      ((1ULL << 55) - 1)

static uint64_t did_mul_inverse(void)
{
	uint64_t inv = DID_MUL;
	for (int i = 0; i < 6; i++)      /* Newton: each step doubles the correct bits */
		inv *= 2 - DID_MUL * inv;
	return inv;
}

static void did_of(const struct fake *f, uint32_t a, char out[40])
{
	uint64_t v = (((uint64_t)a ^ f->did_mask) * DID_MUL) & M55;
	char head[14], tail[12];

	b32_fill(head, 13, f->seed ^ mix64(v));      /* looks random, follows from the tail */
	for (int i = 10; i >= 0; i--) {
		tail[i] = B32[v & 31];
		v >>= 5;
	}
	tail[11] = '\0';
	snprintf(out, 40, "did:plc:%s%s", head, tail);
}

static bool acct_by_did(const struct fake *f, const char *did, uint32_t *a)
{
	uint64_t v = 0;
	char again[40];

	if (strncmp(did, "did:plc:", 8) != 0 || strlen(did) != 32)
		return false;
	for (const char *p = did + 21; *p; p++) {
		const char *c = strchr(B32, *p);
		if (!c)
			return false;
		v = (v << 5) | (uint64_t)(c - B32);
	}
	v = ((v * did_mul_inverse()) & M55) ^ f->did_mask;
	if (v > f->naccounts)
		return false;
	did_of(f, (uint32_t)v, again);
	if (strcmp(again, did) != 0)
		return false;
	*a = (uint32_t)v;
	return true;
}

static bool acct_by_actor(const struct fake *f, const char *actor, uint32_t *a)
{
	return actor && (strncmp(actor, "did:", 4) == 0 ? acct_by_did(f, actor, a) : acct_by_name(f, actor, a));
}

/* --- post times and kinds --- */

static uint32_t gen_count(const struct fake *f, uint32_t a)
{
	return a == 0 ? f->nmyposts : f->nposts;
}

static int64_t gen_time(const struct fake *f, int net, uint32_t a, uint32_t j)
{
	int64_t step = f->span_ms / (gen_count(f, a) ? gen_count(f, a) : 1);
	int64_t half = step / 2 > 0 ? step / 2 : 1;
	int64_t phase = (int64_t)(H(f, net, a, 0, 1) % (uint64_t)half);
	int64_t jit = (int64_t)(H(f, net, a, j, 2) % (uint64_t)half);
	return f->end_ms - f->span_ms + (int64_t)j * step + phase / 2 + jit / 2 + 1;
}

static uint32_t total_count(const struct fake *f, int net, uint32_t a)
{
	return gen_count(f, a) + (uint32_t)f->nd[net].extras[a].n;
}

static int64_t post_time(const struct fake *f, int net, uint32_t a, uint32_t j)
{
	uint32_t g = gen_count(f, a);
	return j < g ? gen_time(f, net, a, j) : f->nd[net].extras[a].v[j - g].t;
}

/* Number of posts of a with time <= t (times increase with j). */
static uint32_t count_upto(const struct fake *f, int net, uint32_t a, int64_t t)
{
	uint32_t lo = 0, hi = total_count(f, net, a);
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (post_time(f, net, a, mid) <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Kind and target account before checking that a target post exists. */
static void raw_kind(const struct fake *f, int net, uint32_t a, uint32_t j,
		     uint8_t *type, int32_t *tgt_a, int32_t *mention)
{
	unsigned u = (unsigned)(H(f, net, a, j, 10) % 1000);
	uint32_t N = f->naccounts, K = f->nengaged;
	uint64_t h = H(f, net, a, j, 11);
	int32_t other;

	*type = P_ORIG;
	*tgt_a = *mention = -1;
	if (a == 0) {
		if (N == 0)
			return;
		other = (int32_t)(1 + (K && h % 5 ? (h >> 8) % K : (h >> 8) % N));
		if (u < 250) { *type = P_REPLY; *tgt_a = other; }
		else if (u < 350) *mention = other;
		else if (u < 430) { *type = P_QUOTE; *tgt_a = other; }
		else if (u < 510) { *type = P_REPOST; *tgt_a = other; }
		return;
	}
	if (a <= K && u < 230) {
		if (u < 100) { *type = P_REPLY; *tgt_a = 0; }
		else if (u < 150) *mention = 0;
		else if (u < 190) { *type = P_QUOTE; *tgt_a = 0; }
		else { *type = P_REPOST; *tgt_a = 0; }
		return;
	}
	if (N < 2 || u < 230 || u >= 450)
		return;
	other = (int32_t)(1 + (h >> 8) % N);
	if ((uint32_t)other == a)
		other = (int32_t)(other % N + 1);
	if (u < 330) { *type = P_REPLY; *tgt_a = other; }
	else if (u < 380) { *type = P_REPOST; *tgt_a = other; }
	else if (u < 400) { *type = P_QUOTE; *tgt_a = other; }
	else *mention = other;
}

/* The type without full resolution: a target kind degrades to an original
 * when the target account had posted nothing before. */
static uint8_t quick_type(const struct fake *f, int net, uint32_t a, uint32_t j)
{
	uint8_t type;
	int32_t tgt, mention;
	uint32_t g = gen_count(f, a);

	if (j >= g)
		return f->nd[net].extras[a].v[j - g].type;
	raw_kind(f, net, a, j, &type, &tgt, &mention);
	if (tgt >= 0 && gen_time(f, net, (uint32_t)tgt, 0) >= gen_time(f, net, a, j))
		return P_ORIG;
	return type;
}

/* A recent non-repost post of account b older than t, or -1. */
static int32_t pick_target(const struct fake *f, int net, uint32_t b, int64_t t, uint64_t h)
{
	int64_t j = (int64_t)count_upto(f, net, b, t - 1) - 1 - (int64_t)(h % 3);
	if (j < 0)
		j = (int64_t)count_upto(f, net, b, t - 1) - 1;
	for (int steps = 0; j >= 0 && steps < 12; steps++, j--)
		if (quick_type(f, net, b, (uint32_t)j) != P_REPOST)
			return (int32_t)j;
	return -1;
}

static void post_get(const struct fake *f, int net, uint32_t a, uint32_t j, struct post *p)
{
	uint32_t g = gen_count(f, a);

	memset(p, 0, sizeof *p);
	p->net = net;
	p->a = a;
	p->j = j;
	p->seed = H(f, net, a, j, 14);
	p->tgt_j = -1;
	if (j >= g) {
		const struct xpost *x = &f->nd[net].extras[a].v[j - g];
		p->t = x->t;
		p->type = x->type;
		p->mention = x->mention;
		p->tgt_a = x->tgt_a;
		p->tgt_j = x->tgt_j;
		p->ntags = x->ntags;
		memcpy(p->tags, x->tags, sizeof p->tags);
		p->text = x->text;
		return;
	}
	p->t = gen_time(f, net, a, j);
	raw_kind(f, net, a, j, &p->type, &p->tgt_a, &p->mention);
	if (p->tgt_a >= 0) {
		p->tgt_j = pick_target(f, net, (uint32_t)p->tgt_a, p->t, H(f, net, a, j, 12));
		if (p->tgt_j < 0) {
			p->type = P_ORIG;
			p->tgt_a = -1;
		}
	}
	if (p->type != P_REPOST && f->ntags_gen > 0) {
		unsigned v = (unsigned)(H(f, net, a, j, 13) % 100);
		uint64_t h = H(f, net, a, j, 16);
		if (v < 25) {
			p->tags[p->ntags++] = (uint8_t)(h % (uint64_t)f->ntags_gen);
			if (v >= 20 && f->ntags_gen > 1)
				p->tags[p->ntags++] = (uint8_t)((p->tags[0] + 1 + (h >> 16) % (uint64_t)(f->ntags_gen - 1))
								% (uint64_t)f->ntags_gen);
		}
	}
	if (p->type == P_REPLY && a != 0 && p->tgt_a != 0) {
		unsigned v = (unsigned)(H(f, net, a, j, 15) % 100);
		p->parent_view = v < 5 ? 1 : v < 8 ? 2 : 0;
	}
}

/* --- indexes --- */

static void refvec_push(struct refvec *v, int64_t t, uint32_t a, uint32_t j)
{
	if (v->n == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 16;
		v->v = xrealloc(v->v, v->cap * sizeof *v->v);
	}
	v->v[v->n++] = (struct ref){ t, a, j };
}

static int ref_cmp(const void *x, const void *y)
{
	const struct ref *r = x, *s = y;
	if (r->t != s->t)
		return r->t < s->t ? -1 : 1;
	return r->a < s->a ? -1 : r->a > s->a;
}

/* keeps the vector sorted: run-time additions may land before the tail */
static void refvec_insert(struct refvec *v, int64_t t, uint32_t a, uint32_t j)
{
	struct ref r = { t, a, j };
	size_t i = v->n;

	refvec_push(v, t, a, j);
	while (i > 0 && ref_cmp(&v->v[i - 1], &r) > 0) {
		v->v[i] = v->v[i - 1];
		i--;
	}
	v->v[i] = r;
}

static void notif_push(struct notifvec *v, struct notif n)
{
	if (v->n == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 64;
		v->v = xrealloc(v->v, v->cap * sizeof *v->v);
	}
	v->v[v->n++] = n;
}

static int notif_cmp(const void *x, const void *y)
{
	const struct notif *r = x, *s = y;
	if (r->t != s->t)
		return r->t < s->t ? -1 : 1;
	return r->from < s->from ? -1 : r->from > s->from;
}

/* Adds a post to the tag, mention and notification indexes. */
static void index_post(struct fake *f, const struct post *p, bool sorted_insert)
{
	struct netdata *nd = &f->nd[p->net];
	void (*add)(struct refvec *, int64_t, uint32_t, uint32_t) = sorted_insert ? refvec_insert : refvec_push;

	if (p->type != P_REPOST) {
		for (int i = 0; i < p->ntags; i++)
			add(&nd->tags[p->tags[i]], p->t, p->a, p->j);
		if (p->mention >= 0)
			add(&nd->mentions[p->mention], p->t, p->a, p->j);
		if (p->tgt_a >= 0 && p->tgt_a != p->mention && (uint32_t)p->tgt_a != p->a)
			add(&nd->mentions[p->tgt_a], p->t, p->a, p->j);
	}
	if (p->a == 0)
		return;
	if (p->mention == 0 && p->type != P_REPOST)
		notif_push(&nd->notifs, (struct notif){ p->t, N_MENTION, p->a, (int32_t)p->j, -1 });
	else if (p->tgt_a == 0)
		notif_push(&nd->notifs, (struct notif){ p->t,
			p->type == P_REPLY ? N_REPLY : p->type == P_QUOTE ? N_QUOTE : N_REPOST,
			p->a, (int32_t)p->j, p->tgt_j });
}

/* Event times must be unique: Bluesky cursors are timestamps. */
static void notifs_finish(struct notifvec *v)
{
	if (v->n > 1)
		qsort(v->v, v->n, sizeof *v->v, notif_cmp);
	for (size_t i = 1; i < v->n; i++)
		if (v->v[i].t <= v->v[i - 1].t)
			v->v[i].t = v->v[i - 1].t + 1;
}

static void build_likes_follows(struct fake *f, int net)
{
	struct notifvec *nv = &f->nd[net].notifs;

	for (uint32_t d = 1; d <= f->nengaged; d++) {
		notif_push(nv, (struct notif){ f->end_ms - f->span_ms +
			(int64_t)(H(f, net, d, 0, 21) % (uint64_t)(f->span_ms / 2 + 1)), N_FOLLOW, d, -1, -1 });
		for (uint32_t j = 0; j < f->nmyposts; j++) {
			if (H(f, net, d, j, 20) % 100 >= 15 || quick_type(f, net, 0, j) == P_REPOST)
				continue;
			int64_t t = gen_time(f, net, 0, j) + 1000 + (int64_t)(H(f, net, d, j, 22) % (6 * 3600 * 1000));
			if (t <= f->end_ms)     /* additions must land after every generated event */
				notif_push(nv, (struct notif){ t, N_LIKE, d, -1, (int32_t)j });
		}
	}
}

static void scenario_build(struct fake *f)
{
	for (int net = 0; net < NNET; net++) {
		struct netdata *nd = &f->nd[net];
		nd->mentions = calloc(nacc(f), sizeof *nd->mentions);
		nd->extras = calloc(nacc(f), sizeof *nd->extras);
		if (!nd->mentions || !nd->extras) {
			fprintf(stderr, "fakeapi: out of memory\n");
			exit(2);
		}
		for (uint32_t a = 0; a < nacc(f); a++)
			for (uint32_t j = 0; j < gen_count(f, a); j++) {
				struct post p;
				post_get(f, net, a, j, &p);
				index_post(f, &p, false);
			}
		for (int t = 0; t < f->ntags; t++)
			if (nd->tags[t].n > 1)
				qsort(nd->tags[t].v, nd->tags[t].n, sizeof(struct ref), ref_cmp);
		for (uint32_t a = 0; a < nacc(f); a++)
			if (nd->mentions[a].n > 1)
				qsort(nd->mentions[a].v, nd->mentions[a].n, sizeof(struct ref), ref_cmp);
		build_likes_follows(f, net);
		notifs_finish(&nd->notifs);
	}
}

static void scenario_free(struct fake *f)
{
	for (int net = 0; net < NNET; net++) {
		struct netdata *nd = &f->nd[net];
		for (int t = 0; t < MAX_TAGS; t++)
			free(nd->tags[t].v);
		for (uint32_t a = 0; nd->mentions && a < nacc(f); a++)
			free(nd->mentions[a].v);
		for (uint32_t a = 0; nd->extras && a < nacc(f); a++) {
			for (size_t i = 0; i < nd->extras[a].n; i++)
				free(nd->extras[a].v[i].text);
			free(nd->extras[a].v);
		}
		free(nd->mentions);
		free(nd->extras);
		free(nd->notifs.v);
	}
	for (int t = 0; t < f->ntags; t++)
		free(f->tags[t]);
}

static int tag_find(const struct fake *f, const char *name)
{
	for (int i = 0; i < f->ntags; i++)
		if (strcasecmp(f->tags[i], name) == 0)
			return i;
	return -1;
}

static int tag_add(struct fake *f, const char *name)
{
	int i = tag_find(f, name);
	if (i >= 0 || f->ntags == MAX_TAGS)
		return i;
	f->tags[f->ntags] = xstrdup(name);
	for (char *c = f->tags[f->ntags]; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	return f->ntags++;
}

/* Number of refs with t <= now. */
static size_t refs_visible(const struct refvec *v, int64_t now)
{
	size_t lo = 0, hi = v->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v->v[mid].t <= now)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* --- network ids --- */

static uint64_t x_id(int64_t t, uint32_t a)
{
	return ((uint64_t)(t - TWEPOCH_MS) << 22) | (a & 0x3FFFFF);
}

static uint64_t m_id(int64_t t, uint32_t a)
{
	return ((uint64_t)t << 16) | (a & 0xFFFF);
}

/* the sort key of a post in each network's paging */
static uint64_t post_key(int net, int64_t t, uint32_t a)
{
	return net == NET_X ? x_id(t, a) : net == NET_M ? m_id(t, a) : (uint64_t)t;
}

/* Finds the post with exactly this time in account a. */
static bool post_at(const struct fake *f, int net, uint32_t a, int64_t t, uint32_t *j)
{
	uint32_t n = count_upto(f, net, a, t);
	if (n == 0 || post_time(f, net, a, n - 1) != t)
		return false;
	*j = n - 1;
	return true;
}

static bool post_by_key(const struct fake *f, int net, uint64_t key, uint32_t *a, uint32_t *j, int64_t now)
{
	int64_t t;
	if (net == NET_X) {
		t = (int64_t)(key >> 22) + TWEPOCH_MS;
		*a = (uint32_t)(key & 0x3FFFFF);
	} else {
		t = (int64_t)(key >> 16);
		*a = (uint32_t)(key & 0xFFFF);
	}
	return *a < nacc(f) && t <= now && post_at(f, net, *a, t, j);
}

static void post_uri(const struct fake *f, uint32_t a, int64_t t, const char *coll, char out[96])
{
	char did[40], rk[14];
	did_of(f, a, did);
	tid(t, a, rk);
	snprintf(out, 96, "at://%s/%s/%s", did, coll, rk);
}

static void cid_of(const struct fake *f, int net, uint32_t a, int64_t t, uint64_t salt, char out[64])
{
	memcpy(out, "bafyrei", 7);
	b32_fill(out + 7, 52, mix64(f->seed ^ (uint64_t)t ^ ((uint64_t)a << 40) ^ (salt << 60) ^ (uint64_t)net));
}

/* Adds a post at run time; t is after every post of a and after every post
 * added before it on the network, so ids keep increasing in the order posts
 * are added: ids carry the account in their low bits, and a post of doc1 in
 * the same millisecond as doc2's would sort below it and slip under a
 * since_id watermark taken in between (real ids grow with time). Returns
 * its index. */
static uint32_t add_post(struct fake *f, int net, uint32_t a, uint8_t type, int32_t tgt_a, int32_t mention,
			 const int *tags, int ntags, const char *text, int64_t now)
{
	struct xpostvec *xv = &f->nd[net].extras[a];
	uint32_t n = total_count(f, net, a);
	int64_t t = now;
	struct xpost *x;
	struct post p;

	if (n > 0 && post_time(f, net, a, n - 1) >= t)
		t = post_time(f, net, a, n - 1) + 1;
	if (f->nd[net].last_added_t >= t)
		t = f->nd[net].last_added_t + 1;
	f->nd[net].last_added_t = t;
	if (f->frozen && t > f->frozen_ms)   /* a frozen clock moves just enough to show it */
		f->frozen_ms = t;
	if (xv->n == xv->cap) {
		xv->cap = xv->cap ? xv->cap * 2 : 8;
		xv->v = xrealloc(xv->v, xv->cap * sizeof *xv->v);
	}
	x = &xv->v[xv->n++];
	memset(x, 0, sizeof *x);
	x->t = t;
	x->type = type;
	x->mention = mention;
	x->tgt_a = tgt_a;
	x->tgt_j = tgt_a >= 0 ? pick_target(f, net, (uint32_t)tgt_a, t + 1, 0) : -1;
	if (tgt_a >= 0 && x->tgt_j < 0) {     /* nothing to reply to yet */
		x->type = P_ORIG;
		x->tgt_a = -1;
	}
	for (int i = 0; i < ntags && i < 3 && x->type != P_REPOST; i++)
		x->tags[x->ntags++] = (uint8_t)tags[i];
	x->text = text ? xstrdup(text) : NULL;
	post_get(f, net, a, n, &p);
	index_post(f, &p, true);
	/* notifs were sorted; a new one may need to move into place */
	{
		struct notifvec *nv = &f->nd[net].notifs;
		if (nv->n > 1 && nv->v[nv->n - 1].t <= nv->v[nv->n - 2].t)
			nv->v[nv->n - 1].t = nv->v[nv->n - 2].t + 1;
		if (nv->n && f->frozen && nv->v[nv->n - 1].t > f->frozen_ms)
			f->frozen_ms = nv->v[nv->n - 1].t;
	}
	return n;
}

static void add_event(struct fake *f, int net, uint32_t from, uint8_t type, int64_t now)
{
	struct notifvec *nv = &f->nd[net].notifs;
	int32_t my_j = -1;
	int64_t t = now;

	if (type == N_LIKE) {
		my_j = (int32_t)count_upto(f, net, 0, now) - 1;
		while (my_j >= 0 && quick_type(f, net, 0, (uint32_t)my_j) == P_REPOST)
			my_j--;
		if (my_j < 0)
			return;
	}
	if (nv->n && nv->v[nv->n - 1].t >= t)
		t = nv->v[nv->n - 1].t + 1;
	if (f->frozen && t > f->frozen_ms)
		f->frozen_ms = t;
	notif_push(nv, (struct notif){ t, type, from, -1, my_j });
}

/* ================================================ 3. rendering
 *
 * A post's text is a list of segments (words, mentions, hashtags, a link)
 * that each network serialises its own way: X plain text with HTML-escaped
 * &<> and entity offsets in characters, Mastodon sanitised HTML with h-card
 * mentions and hashtag links, Bluesky plain UTF-8 with byte-offset facets. */

enum { TF_CREATED = 1, TF_AUTHOR = 2, TF_CONV = 4, TF_REPLY_TO = 8, TF_REFS = 16, TF_METRICS = 32,
       TF_ENTITIES = 64, TF_LANG = 128, TF_SENSITIVE = 256, TF_REPLY_SETTINGS = 512 };
enum { EX_AUTHOR = 1, EX_REFS = 2, EX_REFS_AUTHOR = 4, EX_REPLY_TO = 8, EX_MENTIONS = 16 };
enum { UF_CREATED = 1, UF_DESCRIPTION = 2, UF_METRICS = 4, UF_IMAGE = 8, UF_VERIFIED = 16,
       UF_PROTECTED = 32, UF_URL = 64, UF_LOCATION = 128 };

/* what one response is rendered with */
struct rctx {
	struct fake *f;
	int net;
	struct jw *j;
	int64_t now;
	bool authed;          /* Mastodon: a user token was sent (viewer fields appear) */
	unsigned tf, ex, uf;  /* X: tweet.fields, expansions, user.fields */
	bool ids_numeric;     /* script "wrong_types": ids as numbers */
	bool nulls;           /* script "wrong_types"/"nulls": text fields null */
};

static const char *const vocab[] = { "rounds", "today", "residents", "teaching", "great", "session",
	"on", "heart", "failure", "case", "review", "simulation", "feedback", "curriculum", "bedside",
	"echo", "ECG", "journal", "club", "mentorship", "matters", "learned", "so", "much", "from",
	"the", "team", "new", "paper", "out", "about", "clinical", "reasoning", "Q&A", "at", "noon",
	"it's", "worth", "reading", "\xF0\x9F\xA9\xBA", "caf\xC3\xA9", "debrief", "with", "students",
	"and", "fellows", "<3", "grand", "morning", "report" };
#define NVOCAB (sizeof vocab / sizeof vocab[0])

enum segk { S_WORD, S_TEXT, S_MENTION, S_TAG, S_LINK };
struct seg { uint8_t k; int32_t v; const char *s; };
struct segs { struct seg s[48]; int n; };

static void seg_add(struct segs *sg, uint8_t k, int32_t v, const char *s)
{
	if (sg->n < (int)(sizeof sg->s / sizeof sg->s[0]))
		sg->s[sg->n++] = (struct seg){ k, v, s };
}

static void compose(const struct fake *f, const struct post *p, struct segs *sg)
{
	int nwords = 5 + (int)(p->seed % 9);

	sg->n = 0;
	if (p->type == P_REPLY && p->net != NET_B)
		seg_add(sg, S_MENTION, p->tgt_a, NULL);
	if (p->text) {
		seg_add(sg, S_TEXT, 0, p->text);
		if (p->mention >= 0)
			seg_add(sg, S_MENTION, p->mention, NULL);
	} else {
		for (int i = 0; i < nwords; i++) {
			if (i == 2 && p->mention >= 0)
				seg_add(sg, S_MENTION, p->mention, NULL);
			seg_add(sg, S_WORD, 0, vocab[mix64(p->seed + (uint64_t)i) % NVOCAB]);
		}
	}
	for (int i = 0; i < p->ntags; i++)
		seg_add(sg, S_TAG, p->tags[i], NULL);
	if (p->type == P_QUOTE && p->net == NET_X)
		seg_add(sg, S_LINK, 0, NULL);
}

static void html_escape(struct buf *b, const char *s, bool quotes)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': buf_puts(b, "&amp;"); break;
		case '<': buf_puts(b, "&lt;"); break;
		case '>': buf_puts(b, "&gt;"); break;
		case '"': buf_puts(b, quotes ? "&quot;" : "\""); break;
		case '\'': buf_puts(b, quotes ? "&#39;" : "'"); break;
		default: buf_putc(b, *s);
		}
	}
}

static void jw_kid(struct rctx *c, const char *k, const char *id)
{
	if (c->ids_numeric) {
		char digits[24];
		size_t n = 0;
		for (const char *s = id; *s && n < 15; s++)
			if (isdigit((unsigned char)*s))
				digits[n++] = *s;
		digits[n] = '\0';
		jw_kraw(c->j, k, n ? digits : "0");
	} else {
		jw_kstr(c->j, k, id);
	}
}

static void jw_ktext(struct rctx *c, const char *k, const char *s)
{
	if (c->nulls)
		jw_knull(c->j, k);
	else
		jw_kstr(c->j, k, s);
}

static void metrics(const struct post *p, long m[6])
{
	uint64_t s = mix64(p->seed);
	m[0] = (long)(s % 10);            /* reposts */
	m[1] = (long)((s >> 8) % 5);      /* replies */
	m[2] = (long)((s >> 16) % 50);    /* likes */
	m[3] = (long)((s >> 24) % 3);     /* quotes */
	m[4] = (long)((s >> 32) % 4);     /* bookmarks */
	m[5] = 100 + (long)((s >> 40) % 5000);
}

/* ------------------------------------------------------------- X */

struct xent { int kind; size_t start, end; int32_t v; };
struct xtext { struct buf text; struct xent e[48]; int ne; };

static void x_compose(struct fake *f, const struct post *p, struct xtext *xt, int depth);

static void x_status_url(struct fake *f, uint32_t a, uint64_t id, char out[96])
{
	char name[24];
	acct_name(f, a, name);
	snprintf(out, 96, "https://x.com/%s/status/%" PRIu64, name, id);
}

/* "RT @name: <original text>", cut at 140 characters like the real API */
static void x_compose_rt(struct fake *f, const struct post *p, struct xtext *xt, int depth)
{
	struct post t;
	struct xtext inner = { 0 };
	char name[24];
	size_t chars = 0, i;

	post_get(f, p->net, (uint32_t)p->tgt_a, (uint32_t)p->tgt_j, &t);
	acct_name(f, t.a, name);
	buf_printf(&xt->text, "RT @%s: ", name);
	xt->e[xt->ne++] = (struct xent){ S_MENTION, 3, 4 + strlen(name), p->tgt_a };
	x_compose(f, &t, &inner, depth + 1);
	chars = utf8_chars(xt->text.p, xt->text.len);
	for (i = 0; i < inner.text.len; i++) {
		if (((unsigned char)inner.text.p[i] & 0xC0) != 0x80 && ++chars > 139) {
			buf_puts(&xt->text, "\xE2\x80\xA6");
			break;
		}
		buf_putc(&xt->text, inner.text.p[i]);
	}
	buf_free(&inner.text);
}

static void x_compose(struct fake *f, const struct post *p, struct xtext *xt, int depth)
{
	struct segs sg;
	char name[24];

	buf_puts(&xt->text, "");
	if (p->type == P_REPOST && depth == 0) {
		x_compose_rt(f, p, xt, depth);
		return;
	}
	compose(f, p, &sg);
	for (int i = 0; i < sg.n; i++) {
		struct seg *s = &sg.s[i];
		size_t start;
		if (i)
			buf_putc(&xt->text, ' ');
		start = utf8_chars(xt->text.p, xt->text.len);
		switch (s->k) {
		case S_WORD:
		case S_TEXT:
			html_escape(&xt->text, s->s, false);
			continue;
		case S_MENTION:
			acct_name(f, (uint32_t)s->v, name);
			buf_printf(&xt->text, "@%s", name);
			break;
		case S_TAG:
			buf_printf(&xt->text, "#%s", f->tags[s->v]);
			break;
		case S_LINK:
			buf_printf(&xt->text, "https://t.co/%s", f->tco);
			break;
		}
		if (xt->ne < 48)
			xt->e[xt->ne++] = (struct xent){ s->k, start, utf8_chars(xt->text.p, xt->text.len), s->v };
	}
}

static uint64_t x_root_id(struct fake *f, const struct post *p)
{
	struct post cur = *p;
	for (int d = 0; d < 10 && cur.type == P_REPLY; d++)
		post_get(f, cur.net, (uint32_t)cur.tgt_a, (uint32_t)cur.tgt_j, &cur);
	return x_id(cur.t, cur.a);
}

static void x_user(struct rctx *c, uint32_t a)
{
	struct jw *j = c->j;
	struct fake *f = c->f;
	char name[24], dname[64], id[24], ts[32];

	acct_name(f, a, name);
	display_name(f, a, dname);
	snprintf(id, sizeof id, "%" PRIu64, X_USER_BASE + a);
	jw_obj(j);
	jw_kid(c, "id", id);
	jw_ktext(c, "name", dname);
	jw_kstr(j, "username", name);
	if (c->uf & UF_CREATED) {
		iso_ms(f->end_ms - f->span_ms - (int64_t)(mix64(a) % (800 * DAY_MS)), ts);
		jw_kstr(j, "created_at", ts);
	}
	if (c->uf & UF_DESCRIPTION)
		jw_kstr(j, "description", a ? "Clinician educator. Views my own. #meded" : "Resident, learning every day.");
	if (c->uf & UF_METRICS) {
		jw_kobj(j, "public_metrics");
		jw_kint(j, "followers_count", (long long)(mix64(a + 7) % 20000));
		jw_kint(j, "following_count", (long long)(mix64(a + 8) % 2000));
		jw_kint(j, "tweet_count", total_count(f, NET_X, a));
		jw_kint(j, "listed_count", (long long)(mix64(a + 9) % 100));
		jw_kint(j, "like_count", (long long)(mix64(a + 10) % 9000));
		jw_end(j);
	}
	if (c->uf & UF_IMAGE) {
		char u[96];
		snprintf(u, sizeof u, "https://pbs.twimg.com/profile_images/%u/%s_normal.jpg", 1000 + a, name);
		jw_kstr(j, "profile_image_url", u);
	}
	if (c->uf & UF_VERIFIED)
		jw_kbool(j, "verified", false);
	if (c->uf & UF_PROTECTED)
		jw_kbool(j, "protected", false);
	if (c->uf & UF_URL)
		jw_kstr(j, "url", "");
	if (c->uf & UF_LOCATION)
		jw_kstr(j, "location", "Teaching hospital");
	jw_end(j);
}

static void x_entities(struct rctx *c, const struct xtext *xt, const struct post *p)
{
	struct jw *j = c->j;
	char name[24], id[24], url[96];
	bool any_tag = false, any_m = false, any_url = false;

	for (int i = 0; i < xt->ne; i++) {
		any_tag |= xt->e[i].kind == S_TAG;
		any_m |= xt->e[i].kind == S_MENTION;
		any_url |= xt->e[i].kind == S_LINK;
	}
	if (!any_tag && !any_m && !any_url)
		return;
	jw_kobj(j, "entities");
	if (any_tag) {
		jw_karr(j, "hashtags");
		for (int i = 0; i < xt->ne; i++)
			if (xt->e[i].kind == S_TAG) {
				jw_obj(j);
				jw_kint(j, "start", (long long)xt->e[i].start);
				jw_kint(j, "end", (long long)xt->e[i].end);
				jw_kstr(j, "tag", c->f->tags[xt->e[i].v]);
				jw_end(j);
			}
		jw_aend(j);
	}
	if (any_m) {
		jw_karr(j, "mentions");
		for (int i = 0; i < xt->ne; i++)
			if (xt->e[i].kind == S_MENTION) {
				acct_name(c->f, (uint32_t)xt->e[i].v, name);
				snprintf(id, sizeof id, "%" PRIu64, X_USER_BASE + (uint64_t)xt->e[i].v);
				jw_obj(j);
				jw_kint(j, "start", (long long)xt->e[i].start);
				jw_kint(j, "end", (long long)xt->e[i].end);
				jw_kstr(j, "username", name);
				jw_kstr(j, "id", id);
				jw_end(j);
			}
		jw_aend(j);
	}
	if (any_url) {
		struct post t;
		post_get(c->f, NET_X, (uint32_t)p->tgt_a, (uint32_t)p->tgt_j, &t);
		x_status_url(c->f, t.a, x_id(t.t, t.a), url);
		jw_karr(j, "urls");
		for (int i = 0; i < xt->ne; i++)
			if (xt->e[i].kind == S_LINK) {
				jw_obj(j);
				jw_kint(j, "start", (long long)xt->e[i].start);
				jw_kint(j, "end", (long long)xt->e[i].end);
				char tco[32];
				snprintf(tco, sizeof tco, "https://t.co/%s", c->f->tco);
				jw_kstr(j, "url", tco);
				jw_kstr(j, "expanded_url", url);
				jw_kstr(j, "display_url", url + 8);
				jw_end(j);
			}
		jw_aend(j);
	}
	jw_end(j);
}

static void x_tweet(struct rctx *c, const struct post *p)
{
	struct jw *j = c->j;
	struct fake *f = c->f;
	struct xtext xt = { 0 };
	char id[24], ts[32], buf2[24];
	uint64_t xid = x_id(p->t, p->a);

	snprintf(id, sizeof id, "%" PRIu64, xid);
	x_compose(f, p, &xt, 0);
	jw_obj(j);
	jw_karr(j, "edit_history_tweet_ids");
	jw_str(j, id);
	jw_aend(j);
	jw_kid(c, "id", id);
	jw_ktext(c, "text", xt.text.p);
	if (c->tf & TF_CREATED) {
		iso_ms(p->t - p->t % 1000, ts);
		jw_kstr(j, "created_at", ts);
	}
	if (c->tf & TF_AUTHOR) {
		snprintf(buf2, sizeof buf2, "%" PRIu64, X_USER_BASE + p->a);
		jw_kstr(j, "author_id", buf2);
	}
	if (c->tf & TF_CONV) {
		snprintf(buf2, sizeof buf2, "%" PRIu64, x_root_id(f, p));
		jw_kstr(j, "conversation_id", buf2);
	}
	if ((c->tf & TF_REPLY_TO) && p->type == P_REPLY) {
		snprintf(buf2, sizeof buf2, "%" PRIu64, X_USER_BASE + (uint64_t)p->tgt_a);
		jw_kstr(j, "in_reply_to_user_id", buf2);
	}
	if ((c->tf & TF_REFS) && p->tgt_a >= 0) {
		static const char *const rt[] = { "", "replied_to", "quoted", "retweeted" };
		jw_karr(j, "referenced_tweets");
		jw_obj(j);
		jw_kstr(j, "type", rt[p->type]);
		snprintf(buf2, sizeof buf2, "%" PRIu64,
			 x_id(post_time(f, NET_X, (uint32_t)p->tgt_a, (uint32_t)p->tgt_j), (uint32_t)p->tgt_a));
		jw_kstr(j, "id", buf2);
		jw_end(j);
		jw_aend(j);
	}
	if (c->tf & TF_METRICS) {
		long m[6];
		metrics(p, m);
		jw_kobj(j, "public_metrics");
		jw_kint(j, "retweet_count", m[0]);
		jw_kint(j, "reply_count", m[1]);
		jw_kint(j, "like_count", m[2]);
		jw_kint(j, "quote_count", m[3]);
		jw_kint(j, "bookmark_count", m[4]);
		jw_kint(j, "impression_count", m[5]);
		jw_end(j);
	}
	if (c->tf & TF_ENTITIES)
		x_entities(c, &xt, p);
	if (c->tf & TF_LANG)
		jw_kstr(j, "lang", "en");
	if (c->tf & TF_SENSITIVE)
		jw_kbool(j, "possibly_sensitive", false);
	if (c->tf & TF_REPLY_SETTINGS)
		jw_kstr(j, "reply_settings", "everyone");
	jw_end(j);
	buf_free(&xt.text);
}

/* ------------------------------------------------------------- Mastodon */

static void m_status(struct rctx *c, const struct post *p, int depth);

static void m_account(struct rctx *c, uint32_t a)
{
	struct jw *j = c->j;
	struct fake *f = c->f;
	char id[24], name[24], dname[64], u[160], ts[32], d[16];
	uint32_t vis = count_upto(f, NET_M, a, c->now);

	acct_name(f, a, name);
	display_name(f, a, dname);
	snprintf(id, sizeof id, "%" PRIu64, M_ACCT_BASE + a);
	jw_obj(j);
	jw_kid(c, "id", id);
	jw_kstr(j, "username", name);
	jw_kstr(j, "acct", name);
	jw_ktext(c, "display_name", dname);
	jw_kbool(j, "locked", false);
	jw_kbool(j, "bot", false);
	jw_kbool(j, "discoverable", true);
	jw_kbool(j, "indexable", true);
	jw_kbool(j, "group", false);
	iso_ms((f->end_ms - f->span_ms - (int64_t)(mix64(a) % (700 * DAY_MS))) / DAY_MS * DAY_MS, ts);
	jw_kstr(j, "created_at", ts);
	if (a) {
		/* Doctors list their other accounts: mentord suggests links from these. */
		char note[256];
		snprintf(note, sizeof note, "<p>Clinician educator. <a href=\"#\" class=\"mention hashtag\" "
		         "rel=\"tag\">#<span>meded</span></a> &amp; mentoring. Also on Bluesky: "
		         "@%s.bsky.social</p>", name);
		jw_kstr(j, "note", note);
	} else {
		jw_kstr(j, "note", "<p>Resident, learning every day.</p>");
	}
	snprintf(u, sizeof u, "%s/@%s", f->base_url, name);
	jw_kstr(j, "url", u);
	snprintf(u, sizeof u, "%s/users/%s", f->base_url, name);
	jw_kstr(j, "uri", u);
	snprintf(u, sizeof u, "%s/system/accounts/avatars/%u/original/avatar.png", f->base_url, a);
	jw_kstr(j, "avatar", u);
	jw_kstr(j, "avatar_static", u);
	snprintf(u, sizeof u, "%s/headers/original/missing.png", f->base_url);
	jw_kstr(j, "header", u);
	jw_kstr(j, "header_static", u);
	jw_kint(j, "followers_count", (long long)(mix64(a + 7) % 5000));
	jw_kint(j, "following_count", (long long)(mix64(a + 8) % 800));
	jw_kint(j, "statuses_count", vis);
	if (vis) {
		iso_date(post_time(f, NET_M, a, vis - 1), d);
		jw_kstr(j, "last_status_at", d);
	} else {
		jw_knull(j, "last_status_at");
	}
	jw_kbool(j, "hide_collections", false);
	jw_kbool(j, "noindex", false);
	jw_karr(j, "emojis"); jw_aend(j);
	jw_karr(j, "roles"); jw_aend(j);
	jw_karr(j, "fields"); jw_aend(j);
	jw_end(j);
}

static void m_content(struct rctx *c, const struct post *p, struct buf *html)
{
	struct segs sg;
	char name[24];

	compose(c->f, p, &sg);
	buf_puts(html, "<p>");
	for (int i = 0; i < sg.n; i++) {
		struct seg *s = &sg.s[i];
		if (i)
			buf_putc(html, ' ');
		switch (s->k) {
		case S_WORD:
		case S_TEXT:
			html_escape(html, s->s, true);
			break;
		case S_MENTION:
			acct_name(c->f, (uint32_t)s->v, name);
			buf_printf(html, "<span class=\"h-card\" translate=\"no\"><a href=\"%s/@%s\" class=\"u-url mention\">@<span>%s</span></a></span>",
				   c->f->base_url, name, name);
			break;
		case S_TAG:
			buf_printf(html, "<a href=\"%s/tags/%s\" class=\"mention hashtag\" rel=\"tag\">#<span>%s</span></a>",
				   c->f->base_url, c->f->tags[s->v], c->f->tags[s->v]);
			break;
		}
	}
	buf_puts(html, "</p>");
}

static void m_mentions_tags(struct rctx *c, const struct post *p)
{
	struct jw *j = c->j;
	char name[24], id[24], u[128];
	int32_t who[2] = { p->type == P_REPLY ? p->tgt_a : -1, p->mention };

	jw_karr(j, "mentions");
	for (int i = 0; i < 2; i++) {
		if (who[i] < 0 || (i == 1 && who[1] == who[0]))
			continue;
		acct_name(c->f, (uint32_t)who[i], name);
		snprintf(id, sizeof id, "%" PRIu64, M_ACCT_BASE + (uint64_t)who[i]);
		snprintf(u, sizeof u, "%s/@%s", c->f->base_url, name);
		jw_obj(j);
		jw_kstr(j, "id", id);
		jw_kstr(j, "username", name);
		jw_kstr(j, "url", u);
		jw_kstr(j, "acct", name);
		jw_end(j);
	}
	jw_aend(j);
	jw_karr(j, "tags");
	for (int i = 0; i < p->ntags; i++) {
		snprintf(u, sizeof u, "%s/tags/%s", c->f->base_url, c->f->tags[p->tags[i]]);
		jw_obj(j);
		jw_kstr(j, "name", c->f->tags[p->tags[i]]);
		jw_kstr(j, "url", u);
		jw_end(j);
	}
	jw_aend(j);
}

static void m_status(struct rctx *c, const struct post *p, int depth)
{
	struct jw *j = c->j;
	struct fake *f = c->f;
	char id[24], name[24], ts[32], u[160], tid_s[24];
	struct buf html = { 0 };
	struct post t;
	long m[6];
	bool cw = mix64(p->seed ^ 99) % 100 < 3 && p->type != P_REPOST;

	acct_name(f, p->a, name);
	snprintf(id, sizeof id, "%" PRIu64, m_id(p->t, p->a));
	metrics(p, m);
	jw_obj(j);
	jw_kid(c, "id", id);
	iso_ms(p->t, ts);
	jw_kstr(j, "created_at", ts);
	if (p->type == P_REPLY) {
		snprintf(tid_s, sizeof tid_s, "%" PRIu64,
			 m_id(post_time(f, NET_M, (uint32_t)p->tgt_a, (uint32_t)p->tgt_j), (uint32_t)p->tgt_a));
		jw_kstr(j, "in_reply_to_id", tid_s);
		snprintf(tid_s, sizeof tid_s, "%" PRIu64, M_ACCT_BASE + (uint64_t)p->tgt_a);
		jw_kstr(j, "in_reply_to_account_id", tid_s);
	} else {
		jw_knull(j, "in_reply_to_id");
		jw_knull(j, "in_reply_to_account_id");
	}
	jw_kbool(j, "sensitive", cw);
	jw_kstr(j, "spoiler_text", cw ? "case discussion" : "");
	jw_kstr(j, "visibility", "public");
	jw_kstr(j, "language", "en");
	snprintf(u, sizeof u, "%s/users/%s/statuses/%s%s", f->base_url, name, id, p->type == P_REPOST ? "/activity" : "");
	jw_kstr(j, "uri", u);
	snprintf(u, sizeof u, "%s/@%s/%s", f->base_url, name, id);
	jw_kstr(j, "url", p->type == P_REPOST ? NULL : u);
	jw_kint(j, "replies_count", p->type == P_REPOST ? 0 : m[1]);
	jw_kint(j, "reblogs_count", p->type == P_REPOST ? 0 : m[0]);
	jw_kint(j, "favourites_count", p->type == P_REPOST ? 0 : m[2]);
	jw_kint(j, "quotes_count", p->type == P_REPOST ? 0 : m[3]);
	jw_knull(j, "edited_at");
	if (c->authed) {
		jw_kbool(j, "favourited", false);
		jw_kbool(j, "reblogged", false);
		jw_kbool(j, "muted", false);
		jw_kbool(j, "bookmarked", false);
		jw_karr(j, "filtered"); jw_aend(j);
	}
	if (p->type == P_REPOST)
		buf_puts(&html, "");
	else
		m_content(c, p, &html);
	jw_ktext(c, "content", html.p);
	buf_free(&html);
	if (p->type == P_REPOST && depth == 0) {
		jw_key(j, "reblog");
		post_get(f, NET_M, (uint32_t)p->tgt_a, (uint32_t)p->tgt_j, &t);
		m_status(c, &t, depth + 1);
	} else {
		jw_knull(j, "reblog");
	}
	if (p->type != P_REPOST) {
		jw_kobj(j, "application");
		jw_kstr(j, "name", "Web");
		jw_knull(j, "website");
		jw_end(j);
	}
	jw_key(j, "account");
	m_account(c, p->a);
	jw_karr(j, "media_attachments"); jw_aend(j);
	m_mentions_tags(c, p);
	jw_karr(j, "emojis"); jw_aend(j);
	jw_knull(j, "card");
	jw_knull(j, "poll");
	if (p->type == P_QUOTE && depth == 0) {
		jw_kobj(j, "quote");
		jw_kstr(j, "state", "accepted");
		jw_key(j, "quoted_status");
		post_get(f, NET_M, (uint32_t)p->tgt_a, (uint32_t)p->tgt_j, &t);
		m_status(c, &t, depth + 1);
		jw_end(j);
	} else {
		jw_knull(j, "quote");
	}
	jw_end(j);
}

/* ------------------------------------------------------------- Bluesky */

static void b_profile(struct rctx *c, uint32_t a, int detail)   /* 0 basic, 1 view, 2 detailed */
{
	struct jw *j = c->j;
	struct fake *f = c->f;
	char did[40], handle[48], dname[64], u[160], ts[32], cid[64];

	did_of(f, a, did);
	acct_name(f, a, handle);
	strcat(handle, ".bsky.social");
	display_name(f, a, dname);
	cid_of(f, NET_B, a, 0, 7, cid);
	jw_obj(j);
	jw_kid(c, "did", did);
	jw_kstr(j, "handle", handle);
	jw_ktext(c, "displayName", dname);
	snprintf(u, sizeof u, "https://cdn.bsky.app/img/avatar/plain/%s/%s@jpeg", did, cid);
	jw_kstr(j, "avatar", u);
	jw_kobj(j, "associated");
	jw_kobj(j, "chat");
	jw_kstr(j, "allowIncoming", "following");
	jw_end(j);
	jw_end(j);
	jw_kobj(j, "viewer");
	jw_kbool(j, "muted", false);
	jw_kbool(j, "blockedBy", false);
	jw_end(j);
	jw_karr(j, "labels"); jw_aend(j);
	iso_ms(f->end_ms - f->span_ms - (int64_t)(mix64(a) % (600 * DAY_MS)), ts);
	jw_kstr(j, "createdAt", ts);
	if (detail >= 1) {
		jw_kstr(j, "description", a ? "Clinician educator. #meded" : "Resident, learning every day.");
		jw_kstr(j, "indexedAt", ts);
	}
	if (detail >= 2) {
		snprintf(u, sizeof u, "https://cdn.bsky.app/img/banner/plain/%s/%s@jpeg", did, cid);
		jw_kstr(j, "banner", u);
		jw_kint(j, "followersCount", (long long)(mix64(a + 7) % 5000));
		jw_kint(j, "followsCount", (long long)(mix64(a + 8) % 800));
		jw_kint(j, "postsCount", count_upto(f, NET_B, a, c->now));
	}
	jw_end(j);
}

static void b_strong_ref(struct rctx *c, const char *key, const struct post *p)
{
	char uri[96], cid[64];
	post_uri(c->f, p->a, p->t, "app.bsky.feed.post", uri);
	cid_of(c->f, NET_B, p->a, p->t, 1, cid);
	jw_kobj(c->j, key);
	jw_kstr(c->j, "cid", cid);
	jw_kstr(c->j, "uri", uri);
	jw_end(c->j);
}

static void b_root(struct fake *f, const struct post *p, struct post *root)
{
	*root = *p;
	for (int d = 0; d < 10 && root->type == P_REPLY; d++)
		post_get(f, NET_B, (uint32_t)root->tgt_a, (uint32_t)root->tgt_j, root);
}

/* the post record: text with facets (UTF-8 byte offsets), reply refs, quote embed */
static void b_record(struct rctx *c, const struct post *p)
{
	struct jw *j = c->j;
	struct fake *f = c->f;
	struct segs sg;
	struct buf text = { 0 };
	struct { size_t s, e; int k; int32_t v; } fc[48];
	int nf = 0;
	char ts[32], name[24], did[40];

	compose(f, p, &sg);
	buf_puts(&text, "");
	for (int i = 0; i < sg.n; i++) {
		size_t start;
		if (i)
			buf_putc(&text, ' ');
		start = text.len;
		if (sg.s[i].k == S_WORD || sg.s[i].k == S_TEXT) {
			buf_puts(&text, sg.s[i].s);
			continue;
		}
		if (sg.s[i].k == S_MENTION) {
			acct_name(f, (uint32_t)sg.s[i].v, name);
			buf_printf(&text, "@%s.bsky.social", name);
		} else if (sg.s[i].k == S_TAG) {
			buf_printf(&text, "#%s", f->tags[sg.s[i].v]);
		}
		fc[nf].s = start;
		fc[nf].e = text.len;
		fc[nf].k = sg.s[i].k;
		fc[nf++].v = sg.s[i].v;
	}
	jw_obj(j);
	jw_kstr(j, "$type", "app.bsky.feed.post");
	iso_ms(p->t, ts);
	jw_kstr(j, "createdAt", ts);
	jw_karr(j, "langs"); jw_str(j, "en"); jw_aend(j);
	if (p->type == P_REPLY) {
		struct post parent, root;
		post_get(f, NET_B, (uint32_t)p->tgt_a, (uint32_t)p->tgt_j, &parent);
		b_root(f, &parent, &root);
		jw_kobj(j, "reply");
		b_strong_ref(c, "parent", &parent);
		b_strong_ref(c, "root", &root);
		jw_end(j);
	}
	if (p->type == P_QUOTE) {
		struct post t;
		post_get(f, NET_B, (uint32_t)p->tgt_a, (uint32_t)p->tgt_j, &t);
		jw_kobj(j, "embed");
		jw_kstr(j, "$type", "app.bsky.embed.record");
		b_strong_ref(c, "record", &t);
		jw_end(j);
	}
	if (nf) {
		jw_karr(j, "facets");
		for (int i = 0; i < nf; i++) {
			jw_obj(j);
			jw_karr(j, "features");
			jw_obj(j);
			if (fc[i].k == S_MENTION) {
				did_of(f, (uint32_t)fc[i].v, did);
				jw_kstr(j, "$type", "app.bsky.richtext.facet#mention");
				jw_kstr(j, "did", did);
			} else {
				jw_kstr(j, "$type", "app.bsky.richtext.facet#tag");
				jw_kstr(j, "tag", f->tags[fc[i].v]);
			}
			jw_end(j);
			jw_aend(j);
			jw_kobj(j, "index");
			jw_kint(j, "byteEnd", (long long)fc[i].e);
			jw_kint(j, "byteStart", (long long)fc[i].s);
			jw_end(j);
			jw_end(j);
		}
		jw_aend(j);
	}
	jw_ktext(c, "text", text.p);
	jw_end(j);
	buf_free(&text);
}

static void b_post_view(struct rctx *c, const struct post *p, bool typed, int depth)
{
	struct jw *j = c->j;
	char uri[96], cid[64], ts[32];
	long m[6];

	post_uri(c->f, p->a, p->t, "app.bsky.feed.post", uri);
	cid_of(c->f, NET_B, p->a, p->t, 1, cid);
	metrics(p, m);
	jw_obj(j);
	if (typed)
		jw_kstr(j, "$type", "app.bsky.feed.defs#postView");
	jw_kid(c, "uri", uri);
	jw_kstr(j, "cid", cid);
	jw_key(j, "author");
	b_profile(c, p->a, 0);
	jw_key(j, "record");
	b_record(c, p);
	if (p->type == P_QUOTE && depth == 0) {
		struct post t;
		char turi[96], tcid[64];
		post_get(c->f, NET_B, (uint32_t)p->tgt_a, (uint32_t)p->tgt_j, &t);
		post_uri(c->f, t.a, t.t, "app.bsky.feed.post", turi);
		cid_of(c->f, NET_B, t.a, t.t, 1, tcid);
		jw_kobj(j, "embed");
		jw_kstr(j, "$type", "app.bsky.embed.record#view");
		jw_kobj(j, "record");
		jw_kstr(j, "$type", "app.bsky.embed.record#viewRecord");
		jw_kstr(j, "uri", turi);
		jw_kstr(j, "cid", tcid);
		jw_key(j, "author");
		b_profile(c, t.a, 0);
		jw_key(j, "value");
		b_record(c, &t);
		jw_kint(j, "likeCount", 0);
		jw_kint(j, "replyCount", 0);
		jw_kint(j, "repostCount", 0);
		jw_kint(j, "quoteCount", 0);
		iso_ms(t.t + 400, ts);
		jw_kstr(j, "indexedAt", ts);
		jw_end(j);
		jw_end(j);
	}
	jw_kint(j, "replyCount", m[1]);
	jw_kint(j, "repostCount", m[0]);
	jw_kint(j, "likeCount", m[2]);
	jw_kint(j, "quoteCount", m[3]);
	iso_ms(p->t + (int64_t)(p->seed % 900), ts);
	jw_kstr(j, "indexedAt", ts);
	jw_kobj(j, "viewer");
	jw_kbool(j, "threadMuted", false);
	jw_kbool(j, "embeddingDisabled", false);
	jw_end(j);
	jw_karr(j, "labels"); jw_aend(j);
	jw_end(j);
}

static void b_reply_side(struct rctx *c, const char *key, const struct post *p, uint8_t view)
{
	struct jw *j = c->j;
	char uri[96], did[40];

	jw_key(j, key);
	if (view == 0) {
		b_post_view(c, p, true, 1);
		return;
	}
	post_uri(c->f, p->a, p->t, "app.bsky.feed.post", uri);
	jw_obj(j);
	if (view == 1) {
		jw_kstr(j, "$type", "app.bsky.feed.defs#notFoundPost");
		jw_kstr(j, "uri", uri);
		jw_kbool(j, "notFound", true);
	} else {
		did_of(c->f, p->a, did);
		jw_kstr(j, "$type", "app.bsky.feed.defs#blockedPost");
		jw_kstr(j, "uri", uri);
		jw_kbool(j, "blocked", true);
		jw_kobj(j, "author");
		jw_kstr(j, "did", did);
		jw_kobj(j, "viewer");
		jw_kbool(j, "blockedBy", true);
		jw_end(j);
		jw_end(j);
	}
	jw_end(j);
}

static void b_feed_item(struct rctx *c, const struct post *p)
{
	struct jw *j = c->j;
	struct fake *f = c->f;
	struct post t, root;
	char uri[96], cid[64], ts[32];

	jw_obj(j);
	jw_key(j, "post");
	if (p->type == P_REPOST) {
		post_get(f, NET_B, (uint32_t)p->tgt_a, (uint32_t)p->tgt_j, &t);
		b_post_view(c, &t, false, 0);
		jw_kobj(j, "reason");
		jw_kstr(j, "$type", "app.bsky.feed.defs#reasonRepost");
		jw_key(j, "by");
		b_profile(c, p->a, 0);
		post_uri(f, p->a, p->t, "app.bsky.feed.repost", uri);
		cid_of(f, NET_B, p->a, p->t, 2, cid);
		jw_kstr(j, "uri", uri);
		jw_kstr(j, "cid", cid);
		iso_ms(p->t, ts);
		jw_kstr(j, "indexedAt", ts);
		jw_end(j);
	} else {
		b_post_view(c, p, false, 0);
		if (p->type == P_REPLY) {
			post_get(f, NET_B, (uint32_t)p->tgt_a, (uint32_t)p->tgt_j, &t);
			b_root(f, &t, &root);
			jw_kobj(j, "reply");
			b_reply_side(c, "root", &root, root.t == t.t && root.a == t.a ? p->parent_view : 0);
			b_reply_side(c, "parent", &t, p->parent_view);
			jw_end(j);
		}
	}
	jw_end(j);
}

/* ================================================ 4. rate limits, auth, paging */

static void buckets_init(struct fake *f)
{
	static const struct { const char *name; long limit, window; } def[NBUCKETS] = {
		[B_X_TWEETS] = { "x.users_tweets", 10000, 900 },
		[B_X_MENTIONS] = { "x.users_mentions", 450, 900 },
		[B_X_SEARCH] = { "x.search_recent", 450, 900 },
		[B_X_USERS] = { "x.users", 300, 900 },
		[B_X_LOOKUP] = { "x.tweets", 3500, 900 },
		[B_M_API] = { "mastodon.api", 300, 300 },
		[B_M_PAGING] = { "mastodon.paging", 300, 900 },
		[B_B_API] = { "bluesky.api", 3000, 300 },
		[B_B_SESSION] = { "bluesky.createSession", 30, 300 },
	};
	for (int i = 0; i < NBUCKETS; i++)
		f->buckets[i] = (struct bucket){ def[i].name, def[i].limit, def[i].window, def[i].limit, 0 };
}

static struct bucket *bucket_find(struct fake *f, const char *name)
{
	for (int i = 0; i < NBUCKETS; i++)
		if (strcmp(f->buckets[i].name, name) == 0)
			return &f->buckets[i];
	return NULL;
}

/* Fixed windows that start with the first request after the previous one
 * ended, like X's 15-minute windows. */
static void bucket_roll(struct bucket *b, int64_t now)
{
	if (b->reset_s == 0 || now / 1000 >= b->reset_s) {
		b->reset_s = now / 1000 + b->window_s;
		b->remaining = b->limit;
	}
}

static bool bucket_take(struct bucket *b, int64_t now)
{
	bucket_roll(b, now);
	if (b->remaining <= 0)
		return false;
	b->remaining--;
	return true;
}

/* --- Bluesky session tokens: opaque JWT-shaped strings --- */

static const char *token_new(struct fake *f, bool refresh, int64_t now)
{
	struct buf b = { 0 };
	char did[40];
	int64_t exp = now + (refresh ? 90 * DAY_MS : f->b_access_ttl_s * 1000);
	struct token *t;

	did_of(f, 0, did);
	f->token_serial++;
	buf_printf(&b, "eyJ0eXAiOiJhdCtqd3QiLCJhbGciOiJIUzI1NiJ9.%s-%s-%" PRIu64 "-%" PRId64 ".fakesig%08" PRIx64,
		   refresh ? "refresh" : "access", did + 8, f->token_serial, exp / 1000,
		   mix64(f->token_serial ^ f->seed) & 0xffffffffu);
	if (f->ntokens == f->cap_tokens) {
		f->cap_tokens = f->cap_tokens ? f->cap_tokens * 2 : 16;
		f->tokens = xrealloc(f->tokens, f->cap_tokens * sizeof *f->tokens);
	}
	t = &f->tokens[f->ntokens++];
	*t = (struct token){ b.p, refresh, false, exp };
	return t->s;
}

static struct token *token_find(struct fake *f, const char *s)
{
	for (size_t i = 0; i < f->ntokens; i++)
		if (strcmp(f->tokens[i].s, s) == 0)
			return &f->tokens[i];
	return NULL;
}

/* --- request context --- */

struct rq {
	struct fake *f;
	struct evhttp_request *req;
	int net;                  /* NET_* or NNET for control and unknown paths */
	enum endpoint ep;
	char path[512];           /* raw path without the query */
	struct evkeyvalq q;       /* decoded query parameters */
	int status;
	struct buf body;
	const char *ctype;
	struct rule *rule;        /* script rule applied to this request, if any */
	struct jw j;
	struct rctx rc;
	int64_t now;
	bool dup, shuffle;        /* script: duplicated / out-of-order items */
	bool wrong_container;     /* script: object where an array belongs */
	long bearer_state;        /* Bluesky: 0 none, 1 valid access, -1 expired, -2 invalid */
};

static const char *qget(struct rq *r, const char *k)
{
	return evhttp_find_header(&r->q, k);
}

static const char *ihdr(struct rq *r, const char *k)
{
	return evhttp_find_header(evhttp_request_get_input_headers(r->req), k);
}

static void ohdr(struct rq *r, const char *k, const char *v)
{
	evhttp_add_header(evhttp_request_get_output_headers(r->req), k, v);
}

static void ohdrf(struct rq *r, const char *k, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void ohdrf(struct rq *r, const char *k, const char *fmt, ...)
{
	char v[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(v, sizeof v, fmt, ap);
	va_end(ap);
	ohdr(r, k, v);
}

static const char *bearer(struct rq *r)
{
	const char *a = ihdr(r, "Authorization");
	if (!a || strncasecmp(a, "Bearer ", 7) != 0)
		return NULL;
	return a + 7;
}

/* The body so far is thrown away and replaced by a JSON document. */
static void json_begin(struct rq *r, int status)
{
	r->status = status;
	r->body.len = 0;
	buf_puts(&r->body, "");
	r->ctype = "application/json; charset=utf-8";
	r->j = (struct jw){ .b = &r->body, .astral_escape = r->net == NET_X };
	r->rc.j = &r->j;
}

static void raw_reply(struct rq *r, int status, const char *ctype, const char *text)
{
	r->status = status;
	r->body.len = 0;
	buf_puts(&r->body, text);
	r->ctype = ctype;
}

static void x_problem(struct rq *r, int status, const char *title, const char *detail, const char *type)
{
	json_begin(r, status);
	jw_obj(&r->j);
	jw_kstr(&r->j, "title", title);
	jw_kstr(&r->j, "detail", detail);
	jw_kstr(&r->j, "type", type);
	jw_kint(&r->j, "status", status);
	jw_end(&r->j);
}

static void x_invalid(struct rq *r, const char *param, const char *value, const char *message)
{
	json_begin(r, 400);
	jw_obj(&r->j);
	jw_karr(&r->j, "errors");
	jw_obj(&r->j);
	jw_kobj(&r->j, "parameters");
	jw_karr(&r->j, param);
	jw_str(&r->j, value);
	jw_aend(&r->j);
	jw_end(&r->j);
	jw_kstr(&r->j, "message", message);
	jw_end(&r->j);
	jw_aend(&r->j);
	jw_kstr(&r->j, "title", "Invalid Request");
	jw_kstr(&r->j, "detail", "One or more parameters to your request was invalid.");
	jw_kstr(&r->j, "type", "https://api.twitter.com/2/problems/invalid-request");
	jw_end(&r->j);
}

static void m_error(struct rq *r, int status, const char *msg)
{
	json_begin(r, status);
	jw_obj(&r->j);
	jw_kstr(&r->j, "error", msg);
	jw_end(&r->j);
}

static void b_error(struct rq *r, int status, const char *name, const char *msg)
{
	json_begin(r, status);
	jw_obj(&r->j);
	jw_kstr(&r->j, "error", name);
	jw_kstr(&r->j, "message", msg);
	jw_end(&r->j);
}

/* Each network's error body for a bare status code (scripts, 404s). */
static void net_error(struct rq *r, int status)
{
	const char *reason = status == 500 ? "Internal Server Error" : status == 502 ? "Bad Gateway"
		: status == 503 ? "Service Unavailable" : status == 504 ? "Gateway Timeout"
		: status == 404 ? "Not Found" : status == 403 ? "Forbidden" : "Error";
	switch (r->net) {
	case NET_X:
		x_problem(r, status, reason, reason, "about:blank");
		break;
	case NET_M:
		m_error(r, status, status == 404 ? "Record not found" : reason);
		break;
	case NET_B:
		b_error(r, status, status == 500 ? "InternalServerError" : status == 502 ? "UpstreamFailure"
			: status == 503 ? "NotEnoughResources" : status == 504 ? "UpstreamTimeout"
			: status == 404 ? "XRPCNotSupported" : status == 403 ? "Forbidden" : "InternalServerError",
			reason);
		break;
	default:
		raw_reply(r, status, "text/plain; charset=utf-8", reason);
	}
}

/* --- rate-limit headers, each network's own --- */

static void rate_headers(struct rq *r, struct bucket *b)
{
	char iso[40];

	switch (r->net) {
	case NET_X:
		ohdrf(r, "x-rate-limit-limit", "%ld", b->limit);
		ohdrf(r, "x-rate-limit-remaining", "%ld", b->remaining);
		ohdrf(r, "x-rate-limit-reset", "%" PRId64, b->reset_s);
		break;
	case NET_M:
		iso_us(b->reset_s * 1000, iso);
		ohdrf(r, "X-RateLimit-Limit", "%ld", b->limit);
		ohdrf(r, "X-RateLimit-Remaining", "%ld", b->remaining);
		ohdr(r, "X-RateLimit-Reset", iso);
		break;
	case NET_B:
		ohdrf(r, "RateLimit-Limit", "%ld", b->limit);
		ohdrf(r, "RateLimit-Remaining", "%ld", b->remaining);
		ohdrf(r, "RateLimit-Reset", "%" PRId64, b->reset_s);
		ohdrf(r, "RateLimit-Policy", "%ld;w=%ld", b->limit, b->window_s);
		break;
	}
}

/* A 429 in the network's own shape: X and Mastodon send no Retry-After. */
static void too_many(struct rq *r, struct bucket *b, long reset_in_s)
{
	struct bucket shown = *b;

	shown.remaining = 0;
	if (reset_in_s > 0) {
		/* A scripted 429 never promises an earlier end than the real
		 * window's: a client trusting it must not run into that one. */
		shown.reset_s = r->now / 1000 + reset_in_s;
		for (int i = 0; i < 2; i++) {
			struct bucket *rb = i ? (r->net == NET_M ? &r->f->buckets[B_M_PAGING] : NULL) : b;
			if (!rb)
				continue;
			bucket_roll(rb, r->now);
			if (rb->remaining <= 0 && rb->reset_s > shown.reset_s)
				shown.reset_s = rb->reset_s;
		}
	}
	rate_headers(r, &shown);
	switch (r->net) {
	case NET_X:
		x_problem(r, 429, "Too Many Requests", "Too Many Requests", "about:blank");
		break;
	case NET_M:
		m_error(r, 429, "Too many requests");
		break;
	default:
		ohdrf(r, "Retry-After", "%" PRId64, shown.reset_s - r->now / 1000 > 0 ? shown.reset_s - r->now / 1000 : 1);
		b_error(r, 429, "RateLimitExceeded", "Rate Limit Exceeded");
	}
	r->f->st.ep_429[r->ep]++;
}

/* Takes one request from the endpoint's budget; false (and a 429) when spent. */
static bool rate_check(struct rq *r, int bi)
{
	struct fake *f = r->f;
	struct bucket *b = &f->buckets[bi];

	if (r->net == NET_M && (qget(r, "min_id") || qget(r, "max_id") || qget(r, "since_id"))) {
		struct bucket *pg = &f->buckets[B_M_PAGING];
		bucket_roll(b, r->now);
		bucket_roll(pg, r->now);
		if (b->remaining <= 0 || pg->remaining <= 0) {
			f->st.rate_limited++;
			f->st.over[b->remaining <= 0 ? bi : B_M_PAGING]++;
			too_many(r, b->remaining <= 0 ? b : pg, 0);
			return false;
		}
		b->remaining--;
		pg->remaining--;
		/* the headers describe the limit closest to running out */
		rate_headers(r, pg->remaining < b->remaining ? pg : b);
		return true;
	}
	if (!bucket_take(b, r->now)) {
		f->st.rate_limited++;
		f->st.over[bi]++;
		too_many(r, b, 0);
		return false;
	}
	rate_headers(r, b);
	return true;
}

/* --- generic paging over time-ordered streams --- */

enum stream_kind { ST_ACCOUNT, ST_REFS, ST_NOTIFS };
enum { F_NO_REPLIES = 1, F_NO_REPOSTS = 2, F_ONLY_ORIG = 4 };

struct stream {
	struct fake *f;
	int kind, net;
	uint32_t a;                  /* ST_ACCOUNT */
	const struct refvec *rv;     /* ST_REFS */
	size_t n;                    /* visible items, oldest first */
	unsigned filter;             /* F_* for posts */
	unsigned type_mask;          /* ST_NOTIFS: 1 << enum ntype allowed */
	int64_t min_t;               /* items older than this are out of range */
	int32_t author;              /* ST_REFS: only this author, -1 any */
};

static void stream_post(const struct stream *s, size_t i, struct post *p)
{
	if (s->kind == ST_ACCOUNT)
		post_get(s->f, s->net, s->a, (uint32_t)i, p);
	else
		post_get(s->f, s->net, s->rv->v[i].a, s->rv->v[i].j, p);
}

static int64_t stream_time(const struct stream *s, size_t i)
{
	if (s->kind == ST_ACCOUNT)
		return post_time(s->f, s->net, s->a, (uint32_t)i);
	if (s->kind == ST_REFS)
		return s->rv->v[i].t;
	return s->f->nd[s->net].notifs.v[i].t;
}

static uint64_t stream_key(const struct stream *s, size_t i)
{
	if (s->kind == ST_ACCOUNT)
		return post_key(s->net, post_time(s->f, s->net, s->a, (uint32_t)i), s->a);
	if (s->kind == ST_REFS)
		return post_key(s->net, s->rv->v[i].t, s->rv->v[i].a);
	return s->net == NET_M ? M_NOTIF_BASE + i : (uint64_t)s->f->nd[s->net].notifs.v[i].t;
}

static bool stream_keep(const struct stream *s, size_t i)
{
	if (s->min_t && stream_time(s, i) < s->min_t)
		return false;
	if (s->author >= 0 && s->kind == ST_REFS && s->rv->v[i].a != (uint32_t)s->author)
		return false;
	if (s->kind == ST_NOTIFS)
		return !s->type_mask || (s->type_mask & (1u << s->f->nd[s->net].notifs.v[i].type));
	if (s->filter) {
		uint8_t t = s->kind == ST_ACCOUNT ? quick_type(s->f, s->net, s->a, (uint32_t)i)
			: quick_type(s->f, s->net, s->rv->v[i].a, s->rv->v[i].j);
		if (((s->filter & F_NO_REPLIES) && t == P_REPLY) || ((s->filter & F_NO_REPOSTS) && t == P_REPOST) ||
		    ((s->filter & F_ONLY_ORIG) && t != P_ORIG))
			return false;
	}
	return true;
}

static void stream_account(struct stream *s, struct fake *f, int net, uint32_t a, int64_t now)
{
	*s = (struct stream){ .f = f, .kind = ST_ACCOUNT, .net = net, .a = a, .author = -1 };
	s->n = count_upto(f, net, a, now);
}

static void stream_refs(struct stream *s, struct fake *f, int net, const struct refvec *rv, int64_t now)
{
	*s = (struct stream){ .f = f, .kind = ST_REFS, .net = net, .rv = rv, .author = -1 };
	s->n = refs_visible(rv, now);
}

static void stream_notifs(struct stream *s, struct fake *f, int net, int64_t now)
{
	const struct notifvec *nv = &f->nd[net].notifs;
	size_t lo = 0, hi = nv->n;

	*s = (struct stream){ .f = f, .kind = ST_NOTIFS, .net = net, .author = -1 };
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (nv->v[mid].t <= now)
			lo = mid + 1;
		else
			hi = mid;
	}
	s->n = lo;
}

struct page {
	size_t *idx;          /* newest first */
	size_t n;
	bool more_older, more_newer;
};

/* first index whose key is > k */
static size_t stream_after(const struct stream *s, uint64_t k)
{
	size_t lo = 0, hi = s->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (stream_key(s, mid) <= k)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* first index whose key is >= k */
static size_t stream_from(const struct stream *s, uint64_t k)
{
	size_t lo = 0, hi = s->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (stream_key(s, mid) < k)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Selects up to limit items with lo < key < hi (either bound optional).
 * Default: the newest such items. oldest_above (Mastodon min_id, X previous
 * page): the oldest items above lo. Output is newest first either way. */
static void page_select(const struct stream *s, const uint64_t *lo, const uint64_t *hi, size_t limit,
			bool oldest_above, struct page *pg)
{
	size_t start = lo ? stream_after(s, *lo) : 0;
	size_t end = hi ? stream_from(s, *hi) : s->n;

	pg->idx = xmalloc((limit * 2 + 2) * sizeof *pg->idx);
	pg->n = 0;
	pg->more_older = pg->more_newer = false;
	if (!oldest_above) {
		size_t i = end;
		while (i > start && pg->n < limit) {
			i--;
			if (stream_keep(s, i))
				pg->idx[pg->n++] = i;
		}
		while (i > start && !pg->more_older)
			pg->more_older = stream_keep(s, --i);
		pg->more_newer = end < s->n;
	} else {
		size_t i = start;
		while (i < end && pg->n < limit) {
			if (stream_keep(s, i))
				pg->idx[pg->n++] = i;
			i++;
		}
		for (; i < end && !pg->more_newer; i++)
			pg->more_newer = stream_keep(s, i);
		pg->more_older = start > 0;
		for (size_t a = 0, b = pg->n; a + 1 < b; a++, b--) {
			size_t t = pg->idx[a];
			pg->idx[a] = pg->idx[b - 1];
			pg->idx[b - 1] = t;
		}
	}
}

/* Script effects on the item list: duplicates and out-of-order items. */
static void page_mangle(struct rq *r, struct page *pg)
{
	if (r->dup && pg->n > 0) {
		size_t n = pg->n, out = 0;
		size_t *v = xmalloc((n * 2 + 2) * sizeof *v);
		for (size_t i = 0; i < n; i++) {
			v[out++] = pg->idx[i];
			if (i % 3 == 0)
				v[out++] = pg->idx[i];
		}
		v[out++] = pg->idx[0];
		free(pg->idx);
		pg->idx = v;
		pg->n = out;
	}
	if (r->shuffle && pg->n > 1) {
		uint64_t h = mix64(r->f->seed ^ pg->n);
		for (size_t i = pg->n - 1; i > 0; i--) {
			size_t k = (size_t)((h = mix64(h)) % (i + 1));
			size_t t = pg->idx[i];
			pg->idx[i] = pg->idx[k];
			pg->idx[k] = t;
		}
		if (pg->n == 2 || pg->idx[0] > pg->idx[pg->n - 1]) {   /* make sure it is out of order */
			size_t t = pg->idx[0];
			pg->idx[0] = pg->idx[pg->n - 1];
			pg->idx[pg->n - 1] = t;
		}
	}
}

/* ================================================ 5. X API v2
 * Bearer token required everywhere. Ids are snowflakes whose high bits are
 * the post time and low bits the author index. Pagination tokens are opaque
 * strings that encode the boundary id. */

#define X_TOKEN_PREFIX "7140dibdnow9"

struct postsrc {                 /* where page indices point: a stream or a union list */
	const struct stream *s;
	const struct ref *list;
};

static void x_src_post(struct fake *f, const struct postsrc *src, size_t i, struct post *p)
{
	if (src->s)
		stream_post(src->s, i, p);
	else
		post_get(f, NET_X, src->list[i].a, src->list[i].j, p);
}

static void x_token_make(char dir, uint64_t key, char out[48])
{
	char tmp[24];
	int n = 0;
	do {
		tmp[n++] = "0123456789abcdefghijklmnopqrstuvwxyz"[key % 36];
		key /= 36;
	} while (key);
	memcpy(out, X_TOKEN_PREFIX, sizeof X_TOKEN_PREFIX - 1);
	out[sizeof X_TOKEN_PREFIX - 1] = dir;
	for (int i = 0; i < n; i++)
		out[sizeof X_TOKEN_PREFIX + i] = tmp[n - 1 - i];
	out[sizeof X_TOKEN_PREFIX + n] = '\0';
}

static bool x_token_parse(const char *s, char *dir, uint64_t *key)
{
	size_t pl = sizeof X_TOKEN_PREFIX - 1;
	uint64_t v = 0;

	if (strncmp(s, X_TOKEN_PREFIX, pl) != 0 || (s[pl] != 'n' && s[pl] != 'p') || !s[pl + 1])
		return false;
	*dir = s[pl];
	for (const char *p = s + pl + 1; *p; p++) {
		const char *c = strchr("0123456789abcdefghijklmnopqrstuvwxyz", *p);
		if (!c)
			return false;
		v = v * 36 + (uint64_t)(c - "0123456789abcdefghijklmnopqrstuvwxyz");
	}
	*key = v;
	return true;
}

static unsigned x_flags(const char *list, const char *const *names, const unsigned *bits, size_t n)
{
	unsigned out = 0;
	char item[64];

	while (list && *list) {
		size_t len = strcspn(list, ",");
		snprintf(item, sizeof item, "%.*s", (int)len, list);
		for (size_t i = 0; i < n; i++)
			if (strcmp(item, names[i]) == 0)
				out |= bits[i];
		list += len + (list[len] == ',');
	}
	return out;
}

static void x_parse_fields(struct rq *r)
{
	static const char *const tn[] = { "created_at", "author_id", "conversation_id", "in_reply_to_user_id",
		"referenced_tweets", "public_metrics", "entities", "lang", "possibly_sensitive", "reply_settings" };
	static const unsigned tb[] = { TF_CREATED, TF_AUTHOR, TF_CONV, TF_REPLY_TO, TF_REFS, TF_METRICS,
		TF_ENTITIES, TF_LANG, TF_SENSITIVE, TF_REPLY_SETTINGS };
	static const char *const en[] = { "author_id", "referenced_tweets.id", "referenced_tweets.id.author_id",
		"in_reply_to_user_id", "entities.mentions.username" };
	static const unsigned eb[] = { EX_AUTHOR, EX_REFS, EX_REFS_AUTHOR, EX_REPLY_TO, EX_MENTIONS };
	static const char *const un[] = { "created_at", "description", "public_metrics", "profile_image_url",
		"verified", "protected", "url", "location" };
	static const unsigned ub[] = { UF_CREATED, UF_DESCRIPTION, UF_METRICS, UF_IMAGE, UF_VERIFIED,
		UF_PROTECTED, UF_URL, UF_LOCATION };

	r->rc.tf = x_flags(qget(r, "tweet.fields"), tn, tb, 10);
	r->rc.ex = x_flags(qget(r, "expansions"), en, eb, 5);
	r->rc.uf = x_flags(qget(r, "user.fields"), un, ub, 8);
}

static bool x_auth(struct rq *r)
{
	const char *t = bearer(r);
	if (t && strcmp(t, r->f->x_token) == 0)
		return true;
	x_problem(r, 401, "Unauthorized", "Unauthorized", "about:blank");
	return false;
}

static void x_not_found_item(struct rq *r, const char *value, const char *what, const char *param)
{
	char detail[160];
	snprintf(detail, sizeof detail, "Could not find %s with %s: [%s].", what, param, value);
	jw_obj(&r->j);
	jw_kstr(&r->j, "value", value);
	jw_kstr(&r->j, "detail", detail);
	jw_kstr(&r->j, "title", "Not Found Error");
	jw_kstr(&r->j, "resource_type", what);
	jw_kstr(&r->j, "parameter", param);
	jw_kstr(&r->j, "resource_id", value);
	jw_kstr(&r->j, "type", "https://api.twitter.com/2/problems/resource-not-found");
	jw_end(&r->j);
}

/* X answers 200 with only errors[] for a missing user */
static void x_user_missing(struct rq *r, const char *value, const char *param)
{
	json_begin(r, 200);
	jw_obj(&r->j);
	jw_karr(&r->j, "errors");
	x_not_found_item(r, value, "user", param);
	jw_aend(&r->j);
	jw_end(&r->j);
}

static bool x_user_by_id(struct rq *r, const char *s, uint32_t *a)
{
	uint64_t id;
	if (!parse_u64(s, &id) || id < X_USER_BASE || id - X_USER_BASE > r->f->naccounts)
		return false;
	*a = (uint32_t)(id - X_USER_BASE);
	return true;
}

static void add_unique(uint32_t *v, size_t *n, size_t cap, uint32_t x)
{
	for (size_t i = 0; i < *n; i++)
		if (v[i] == x)
			return;
	if (*n < cap)
		v[(*n)++] = x;
}

/* includes.users / includes.tweets for the expansions asked for */
static void x_includes(struct rq *r, const struct postsrc *src, const struct page *pg)
{
	struct fake *f = r->f;
	struct rctx *c = &r->rc;
	uint32_t users[256];
	struct ref refs[128];
	size_t nu = 0, nr = 0;
	struct post p;

	for (size_t i = 0; i < pg->n; i++) {
		x_src_post(f, src, pg->idx[i], &p);
		if (c->ex & EX_AUTHOR)
			add_unique(users, &nu, 256, p.a);
		if ((c->ex & EX_REPLY_TO) && p.type == P_REPLY)
			add_unique(users, &nu, 256, (uint32_t)p.tgt_a);
		if ((c->ex & EX_MENTIONS) && p.mention >= 0)
			add_unique(users, &nu, 256, (uint32_t)p.mention);
		if ((c->ex & EX_MENTIONS) && p.type == P_REPLY)
			add_unique(users, &nu, 256, (uint32_t)p.tgt_a);
		if (p.tgt_a >= 0 && (c->ex & (EX_REFS | EX_REFS_AUTHOR))) {
			bool seen = false;
			for (size_t k = 0; k < nr; k++)
				seen |= refs[k].a == (uint32_t)p.tgt_a && refs[k].j == (uint32_t)p.tgt_j;
			if (!seen && nr < 128 && (c->ex & EX_REFS))
				refs[nr++] = (struct ref){ 0, (uint32_t)p.tgt_a, (uint32_t)p.tgt_j };
			if (c->ex & EX_REFS_AUTHOR)
				add_unique(users, &nu, 256, (uint32_t)p.tgt_a);
		}
	}
	if (!nu && !nr)
		return;
	jw_kobj(&r->j, "includes");
	if (nu) {
		jw_karr(&r->j, "users");
		for (size_t i = 0; i < nu; i++)
			x_user(c, users[i]);
		jw_aend(&r->j);
	}
	if (nr) {
		jw_karr(&r->j, "tweets");
		for (size_t i = 0; i < nr; i++) {
			post_get(f, NET_X, refs[i].a, refs[i].j, &p);
			x_tweet(c, &p);
		}
		jw_aend(&r->j);
	}
	jw_end(&r->j);
}

static void x_render_page(struct rq *r, const struct postsrc *src, struct page *pg, bool prev_tokens)
{
	struct fake *f = r->f;
	struct post p;
	uint64_t newest = 0, oldest = 0;
	char id[24], tok[48];

	json_begin(r, 200);
	jw_obj(&r->j);
	if (pg->n == 0) {
		jw_kobj(&r->j, "meta");
		jw_kint(&r->j, "result_count", 0);
		jw_end(&r->j);
		jw_end(&r->j);
		return;
	}
	x_src_post(f, src, pg->idx[0], &p);
	newest = x_id(p.t, p.a);
	x_src_post(f, src, pg->idx[pg->n - 1], &p);
	oldest = x_id(p.t, p.a);
	page_mangle(r, pg);
	if (r->wrong_container) {
		jw_key(&r->j, "data");      /* an object where an array belongs */
		x_src_post(f, src, pg->idx[0], &p);
		x_tweet(&r->rc, &p);
	} else {
		jw_karr(&r->j, "data");
		for (size_t i = 0; i < pg->n; i++) {
			x_src_post(f, src, pg->idx[i], &p);
			x_tweet(&r->rc, &p);
		}
		jw_aend(&r->j);
	}
	x_includes(r, src, pg);
	jw_kobj(&r->j, "meta");
	snprintf(id, sizeof id, "%" PRIu64, newest);
	jw_kstr(&r->j, "newest_id", id);
	snprintf(id, sizeof id, "%" PRIu64, oldest);
	jw_kstr(&r->j, "oldest_id", id);
	jw_kint(&r->j, "result_count", (long long)pg->n);
	if (pg->more_older) {
		x_token_make('n', oldest, tok);
		jw_kstr(&r->j, "next_token", tok);
	}
	if (prev_tokens && pg->more_newer) {
		x_token_make('p', newest, tok);
		jw_kstr(&r->j, "previous_token", tok);
	}
	jw_end(&r->j);
	jw_end(&r->j);
}

/* since_id/until_id/page token turned into an id range, plus max_results */
struct xbounds {
	uint64_t lo, hi;
	bool has_lo, has_hi;
	bool oldest;          /* a previous_token: the oldest page above lo */
	long limit;
};

static bool x_bound_id(struct rq *r, const char *param, uint64_t *out)
{
	const char *v = qget(r, param);
	char msg[96];

	if (parse_u64(v, out) && strlen(v) <= 19)
		return true;
	snprintf(msg, sizeof msg, "The `%s` query parameter value is not valid", param);
	x_invalid(r, param, v, msg);
	return false;
}

/* Returns false after writing a 400. */
static bool x_bounds(struct rq *r, long min_res, long max_res, struct xbounds *b)
{
	const char *v, *tp = qget(r, "pagination_token") ? "pagination_token" : "next_token";
	char dir, msg[160];
	uint64_t k;

	*b = (struct xbounds){ .limit = 10 };
	if ((v = qget(r, "max_results")) && (!parse_long(v, &b->limit) || b->limit < min_res || b->limit > max_res)) {
		snprintf(msg, sizeof msg, "The `max_results` query parameter value [%s] is not between %ld and %ld",
			 v, min_res, max_res);
		x_invalid(r, "max_results", v, msg);
		return false;
	}
	if (qget(r, "since_id") && !(b->has_lo = x_bound_id(r, "since_id", &b->lo)))
		return false;
	if (qget(r, "until_id") && !(b->has_hi = x_bound_id(r, "until_id", &b->hi)))
		return false;
	if (!(v = qget(r, tp)))
		return true;
	if (!x_token_parse(v, &dir, &k)) {
		x_invalid(r, tp, v, "The `pagination_token` query parameter value is not valid");
		return false;
	}
	if (dir == 'n' && (!b->has_hi || k < b->hi)) {
		b->hi = k;
		b->has_hi = true;
	} else if (dir == 'p') {
		if (!b->has_lo || k > b->lo)
			b->lo = k;
		b->has_lo = b->oldest = true;
	}
	return true;
}

static void x_timeline(struct rq *r, struct stream *s, bool exclude_allowed)
{
	struct xbounds b;
	struct page pg;
	struct postsrc src = { s, NULL };
	const char *ex = qget(r, "exclude");

	if (!x_bounds(r, 5, 100, &b))
		return;
	if (exclude_allowed && ex) {
		if (strstr(ex, "replies"))
			s->filter |= F_NO_REPLIES;
		if (strstr(ex, "retweets"))
			s->filter |= F_NO_REPOSTS;
	}
	page_select(s, b.has_lo ? &b.lo : NULL, b.has_hi ? &b.hi : NULL, (size_t)b.limit, b.oldest, &pg);
	x_render_page(r, &src, &pg, true);
	free(pg.idx);
}

static void x_users_tweets(struct rq *r, const char *id)
{
	struct stream s;
	uint32_t a;

	if (!x_auth(r) || !rate_check(r, B_X_TWEETS))
		return;
	x_parse_fields(r);
	if (!x_user_by_id(r, id, &a)) {
		x_user_missing(r, id, "id");
		return;
	}
	stream_account(&s, r->f, NET_X, a, r->now);
	x_timeline(r, &s, true);
}

static void x_users_mentions(struct rq *r, const char *id)
{
	struct stream s;
	uint32_t a;

	if (!x_auth(r) || !rate_check(r, B_X_MENTIONS))
		return;
	x_parse_fields(r);
	if (!x_user_by_id(r, id, &a)) {
		x_user_missing(r, id, "id");
		return;
	}
	stream_refs(&s, r->f, NET_X, &r->f->nd[NET_X].mentions[a], r->now);
	x_timeline(r, &s, false);
}

static void x_user_by_username(struct rq *r, const char *name)
{
	uint32_t a;

	if (!x_auth(r) || !rate_check(r, B_X_USERS))
		return;
	x_parse_fields(r);
	if (!acct_by_name(r->f, name, &a) || strchr(name, '@') || strchr(name, '.')) {
		x_user_missing(r, name, "username");
		return;
	}
	json_begin(r, 200);
	jw_obj(&r->j);
	jw_key(&r->j, "data");
	x_user(&r->rc, a);
	jw_end(&r->j);
}

static void x_user_by_id_ep(struct rq *r, const char *id)
{
	uint32_t a;

	if (!x_auth(r) || !rate_check(r, B_X_USERS))
		return;
	x_parse_fields(r);
	if (!x_user_by_id(r, id, &a)) {
		x_user_missing(r, id, "id");
		return;
	}
	json_begin(r, 200);
	jw_obj(&r->j);
	jw_key(&r->j, "data");
	x_user(&r->rc, a);
	jw_end(&r->j);
}

static void x_users_by(struct rq *r, const char *arg)
{
	const char *list = qget(r, "usernames");
	char name[64];
	uint32_t found[100];
	char missing[100][32];
	size_t nf = 0, nm = 0;

	if (!x_auth(r) || !rate_check(r, B_X_USERS))
		return;
	x_parse_fields(r);
	if (!list || !*list) {
		x_invalid(r, "usernames", "", "The `usernames` query parameter can not be empty");
		return;
	}
	while (*list && nf + nm < 100) {
		size_t len = strcspn(list, ",");
		uint32_t a;
		snprintf(name, sizeof name, "%.*s", (int)(len < 63 ? len : 63), list);
		if (acct_by_name(r->f, name, &a) && !strchr(name, '.'))
			found[nf++] = a;
		else
			snprintf(missing[nm++], 32, "%.31s", name);
		list += len + (list[len] == ',');
	}
	json_begin(r, 200);
	jw_obj(&r->j);
	if (nf) {
		jw_karr(&r->j, "data");
		for (size_t i = 0; i < nf; i++)
			x_user(&r->rc, found[i]);
		jw_aend(&r->j);
	}
	if (nm) {
		jw_karr(&r->j, "errors");
		for (size_t i = 0; i < nm; i++)
			x_not_found_item(r, missing[i], "user", "usernames");
		jw_aend(&r->j);
	}
	jw_end(&r->j);
}

/* GET /2/tweets?ids= and /2/tweets/:id */
static void x_tweets_lookup(struct rq *r, const char *one)
{
	const char *list = one ? one : qget(r, "ids");
	struct ref found[100];
	char missing[100][24];
	size_t nf = 0, nm = 0;

	if (!x_auth(r) || !rate_check(r, B_X_LOOKUP))
		return;
	x_parse_fields(r);
	if (!list || !*list) {
		x_invalid(r, "ids", "", "The `ids` query parameter can not be empty");
		return;
	}
	while (*list && nf + nm < 100) {
		size_t len = strcspn(list, ",");
		char idb[24];
		uint64_t id;
		uint32_t a, j;
		snprintf(idb, sizeof idb, "%.*s", (int)(len < 23 ? len : 23), list);
		if (parse_u64(idb, &id) && post_by_key(r->f, NET_X, id, &a, &j, r->now))
			found[nf++] = (struct ref){ 0, a, j };
		else
			snprintf(missing[nm++], 24, "%s", idb);
		list += len + (list[len] == ',');
	}
	json_begin(r, 200);
	jw_obj(&r->j);
	if (nf) {
		if (one)
			jw_key(&r->j, "data");
		else
			jw_karr(&r->j, "data");
		for (size_t i = 0; i < nf; i++) {
			struct post p;
			post_get(r->f, NET_X, found[i].a, found[i].j, &p);
			x_tweet(&r->rc, &p);
		}
		if (!one)
			jw_aend(&r->j);
	}
	if (nm) {
		jw_karr(&r->j, "errors");
		for (size_t i = 0; i < nm; i++)
			x_not_found_item(r, missing[i], "tweet", one ? "id" : "ids");
		jw_aend(&r->j);
	}
	jw_end(&r->j);
}

/* --- recent search: "#tag", "from:a OR from:b", "@user", is:/-is: filters --- */

struct xclause {
	int tag;                 /* -1 none */
	int32_t from, at;        /* accounts, -1 none */
	unsigned filter;
	bool only_replies, only_quotes, only_reposts, bad;
};

static bool x_clause_keep(struct fake *f, const struct xclause *c, uint32_t a, uint32_t j)
{
	struct post p;
	bool has_tag = false;

	post_get(f, NET_X, a, j, &p);
	if (c->from >= 0 && p.a != (uint32_t)c->from)
		return false;
	if (c->at >= 0 && p.mention != c->at && !(p.tgt_a == c->at && p.type != P_REPOST))
		return false;
	for (int i = 0; i < p.ntags; i++)
		has_tag |= p.tags[i] == c->tag;
	if (c->tag >= 0 && !has_tag)
		return false;
	if ((c->only_replies && p.type != P_REPLY) || (c->only_quotes && p.type != P_QUOTE) ||
	    (c->only_reposts && p.type != P_REPOST))
		return false;
	if (((c->filter & F_NO_REPLIES) && p.type == P_REPLY) || ((c->filter & F_NO_REPOSTS) && p.type == P_REPOST))
		return false;
	return true;
}

static void x_parse_clause(struct fake *f, char *text, struct xclause *c)
{
	*c = (struct xclause){ .tag = -1, .from = -1, .at = -1 };
	for (char *tok = strtok(text, " ()"); tok; tok = strtok(NULL, " ()")) {
		bool neg = *tok == '-';
		uint32_t a;
		if (neg)
			tok++;
		if (*tok == '#') {
			c->tag = tag_find(f, tok + 1);
			c->bad |= c->tag < 0;
		} else if (strncasecmp(tok, "from:", 5) == 0) {
			c->bad |= !acct_by_name(f, tok + 5, &a);
			c->from = (int32_t)a;
		} else if (*tok == '@' || strncasecmp(tok, "to:", 3) == 0) {
			c->bad |= !acct_by_name(f, tok + (*tok == '@' ? 1 : 3), &a);
			c->at = (int32_t)a;
		} else if (strcasecmp(tok, "is:retweet") == 0) {
			if (neg) c->filter |= F_NO_REPOSTS; else c->only_reposts = true;
		} else if (strcasecmp(tok, "is:reply") == 0) {
			if (neg) c->filter |= F_NO_REPLIES; else c->only_replies = true;
		} else if (strcasecmp(tok, "is:quote") == 0) {
			c->only_quotes = !neg;
		}
		/* plain words and other operators match everything here */
	}
}

static int ref_key_desc(const void *x, const void *y)
{
	const struct ref *r = x, *s = y;
	uint64_t a = x_id(r->t, r->a), b = x_id(s->t, s->a);
	return a < b ? 1 : a > b ? -1 : 0;
}

/* One OR-clause: walks its narrowest stream inside the id range and the
 * 7-day window and adds up to limit+1 matches, enough to page the union. */
static void x_search_clause(struct rq *r, char *text, const struct xbounds *b, struct refvec *out)
{
	struct fake *f = r->f;
	struct xclause c;
	struct stream s;
	size_t start, end, got = 0, want = (size_t)b->limit + 1;
	int64_t window = r->now - 7 * DAY_MS;

	x_parse_clause(f, text, &c);
	if (c.bad)
		return;
	if (c.tag >= 0)
		stream_refs(&s, f, NET_X, &f->nd[NET_X].tags[c.tag], r->now);
	else if (c.from >= 0)
		stream_account(&s, f, NET_X, (uint32_t)c.from, r->now);
	else if (c.at >= 0)
		stream_refs(&s, f, NET_X, &f->nd[NET_X].mentions[c.at], r->now);
	else
		return;     /* words only: nothing is indexed by word */
	start = b->has_lo ? stream_after(&s, b->lo) : 0;
	end = b->has_hi ? stream_from(&s, b->hi) : s.n;
	for (size_t k = 0; start + k < end && got < want; k++) {
		size_t i = b->oldest ? start + k : end - 1 - k;
		struct post p;
		if (stream_time(&s, i) < window) {
			if (b->oldest)
				continue;
			break;
		}
		stream_post(&s, i, &p);
		if (x_clause_keep(f, &c, p.a, p.j)) {
			refvec_push(out, p.t, p.a, p.j);
			got++;
		}
	}
}

static bool x_search_since_ok(struct rq *r, const struct xbounds *b)
{
	uint64_t window_lo = x_id(r->now - 7 * DAY_MS, 0);
	char msg[200], at[32];

	if (!qget(r, "since_id") || !b->has_lo || b->oldest || b->lo >= window_lo)
		return true;
	iso_ms(r->now - 7 * DAY_MS, at);
	snprintf(msg, sizeof msg, "'since_id' must be a tweet id created after %.16sZ. Please use a 'since_id' that is larger than %" PRIu64,
		 at, window_lo);
	x_invalid(r, "since_id", qget(r, "since_id"), msg);
	return false;
}

static void x_search(struct rq *r, const char *arg)
{
	const char *query = qget(r, "query");
	struct xbounds b;
	struct refvec all = { 0 };
	struct page pg = { 0 };
	struct postsrc src;
	size_t w = 0, limit;
	char *qcopy;

	if (!x_auth(r) || !rate_check(r, B_X_SEARCH))
		return;
	x_parse_fields(r);
	if (!query || !*query) {
		x_invalid(r, "query", "", "The `query` query parameter can not be empty");
		return;
	}
	if (!x_bounds(r, 10, 100, &b) || !x_search_since_ok(r, &b))
		return;
	qcopy = xstrdup(query);
	for (char *rest = qcopy, *or; rest; rest = or ? or + 4 : NULL) {
		if ((or = strstr(rest, " OR ")))
			*or = '\0';
		x_search_clause(r, rest, &b, &all);
	}
	free(qcopy);
	if (all.n > 1)
		qsort(all.v, all.n, sizeof *all.v, ref_key_desc);
	for (size_t i = 0; i < all.n; i++)       /* one post may match several clauses */
		if (!w || all.v[w - 1].t != all.v[i].t || all.v[w - 1].a != all.v[i].a)
			all.v[w++] = all.v[i];
	all.n = w;
	limit = (size_t)b.limit;
	pg.idx = xmalloc((limit * 2 + 2) * sizeof *pg.idx);
	if (b.oldest) {        /* previous page: the oldest matches above the bound */
		size_t first = all.n > limit ? all.n - limit : 0;
		for (size_t i = first; i < all.n; i++)
			pg.idx[pg.n++] = i;
		pg.more_newer = first > 0;
	} else {
		for (size_t i = 0; i < all.n && i < limit; i++)
			pg.idx[pg.n++] = i;
		pg.more_older = all.n > limit;
	}
	src = (struct postsrc){ NULL, all.v };
	x_render_page(r, &src, &pg, false);
	free(pg.idx);
	free(all.v);
}

/* ================================================ 6. Mastodon
 * Newest first always; max_id/since_id/min_id with min_id giving the oldest
 * page above the id; Link header with rel="next" (older, only when the page
 * is full) and rel="prev" (newer, when the page is not empty). */

static bool m_auth(struct rq *r, bool required)
{
	const char *t = bearer(r);

	r->rc.authed = false;
	if (t && strcmp(t, r->f->m_token) == 0) {
		r->rc.authed = true;
		return true;
	}
	if (!t && !required)
		return true;
	m_error(r, 401, "The access token is invalid");
	return false;
}

static size_t m_limit(struct rq *r, long def, long max)
{
	long v;
	if (!parse_long(qget(r, "limit"), &v) || v <= 0)
		return (size_t)def;
	return (size_t)(v > max ? max : v);
}

static void m_bounds(struct rq *r, uint64_t *lo, bool *has_lo, uint64_t *hi, bool *has_hi, bool *oldest)
{
	uint64_t v;

	*has_lo = *has_hi = *oldest = false;
	if (parse_u64(qget(r, "max_id"), &v)) {
		*hi = v;
		*has_hi = true;
	}
	if (parse_u64(qget(r, "since_id"), &v)) {
		*lo = v;
		*has_lo = true;
	}
	if (parse_u64(qget(r, "min_id"), &v)) {
		if (!*has_lo || v > *lo)
			*lo = v;
		*has_lo = true;
		*oldest = true;
	}
}

struct kv { const char *k, *v; };

static int kv_cmp(const void *x, const void *y)
{
	return strcmp(((const struct kv *)x)->k, ((const struct kv *)y)->k);
}

/* A Link URL: the request's other parameters, sorted, plus one paging key. */
static void m_link_url(struct rq *r, struct buf *b, const char *key, uint64_t id)
{
	struct kv kv[32];
	size_t n = 0;
	char idb[24];

	snprintf(idb, sizeof idb, "%" PRIu64, id);
	for (struct evkeyval *e = r->q.tqh_first; e && n < 31; e = e->next.tqe_next)
		if (strcmp(e->key, "max_id") && strcmp(e->key, "min_id") && strcmp(e->key, "since_id"))
			kv[n++] = (struct kv){ e->key, e->value };
	kv[n++] = (struct kv){ key, idb };
	qsort(kv, n, sizeof kv[0], kv_cmp);
	buf_printf(b, "<%s%s?", r->f->base_url, r->path);
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_putc(b, '&');
		for (const char *c = kv[i].k; *c; c++)   /* keep [] readable like Mastodon does */
			if (*c == '[' || *c == ']')
				buf_putc(b, *c);
			else
				buf_printf(b, isalnum((unsigned char)*c) || *c == '_' ? "%c" : "%%%02X", (unsigned char)*c);
		buf_putc(b, '=');
		url_encode(b, kv[i].v);
	}
	buf_putc(b, '>');
}

static void m_link(struct rq *r, const struct page *pg, size_t limit, uint64_t newest, uint64_t oldest)
{
	struct buf b = { 0 };

	if (pg->n == 0)
		return;
	if (pg->n >= limit) {
		m_link_url(r, &b, "max_id", oldest);
		buf_puts(&b, "; rel=\"next\", ");
	}
	m_link_url(r, &b, "min_id", newest);
	buf_puts(&b, "; rel=\"prev\"");
	ohdr(r, "Link", b.p);
	buf_free(&b);
}

static void m_render_statuses(struct rq *r, const struct stream *s, size_t limit)
{
	uint64_t lo, hi;
	bool has_lo, has_hi, oldest;
	struct page pg;
	struct post p;

	m_bounds(r, &lo, &has_lo, &hi, &has_hi, &oldest);
	page_select(s, has_lo ? &lo : NULL, has_hi ? &hi : NULL, limit, oldest, &pg);
	if (pg.n)
		m_link(r, &pg, limit, stream_key(s, pg.idx[0]), stream_key(s, pg.idx[pg.n - 1]));
	page_mangle(r, &pg);
	json_begin(r, 200);
	if (r->wrong_container && pg.n) {      /* an object where the array belongs */
		stream_post(s, pg.idx[0], &p);
		m_status(&r->rc, &p, 0);
	} else {
		jw_arr(&r->j);
		for (size_t i = 0; i < pg.n; i++) {
			stream_post(s, pg.idx[i], &p);
			m_status(&r->rc, &p, 0);
		}
		jw_aend(&r->j);
	}
	free(pg.idx);
}

static bool m_account_id(struct rq *r, const char *s, uint32_t *a)
{
	uint64_t id;
	if (!parse_u64(s, &id) || id < M_ACCT_BASE || id - M_ACCT_BASE > r->f->naccounts)
		return false;
	*a = (uint32_t)(id - M_ACCT_BASE);
	return true;
}

static void m_lookup(struct rq *r, const char *arg)
{
	uint32_t a;
	const char *acct = qget(r, "acct");

	if (!m_auth(r, false) || !rate_check(r, B_M_API))
		return;
	if (!acct || !acct_by_name(r->f, acct, &a) || strstr(acct, ".bsky")) {
		m_error(r, 404, "Record not found");
		return;
	}
	json_begin(r, 200);
	m_account(&r->rc, a);
}

static void m_account_ep(struct rq *r, const char *id)
{
	uint32_t a;

	if (!m_auth(r, false) || !rate_check(r, B_M_API))
		return;
	if (!m_account_id(r, id, &a)) {
		m_error(r, 404, "Record not found");
		return;
	}
	json_begin(r, 200);
	m_account(&r->rc, a);
}

static void m_statuses(struct rq *r, const char *id)
{
	struct stream s;
	uint32_t a;
	const char *tagged = qget(r, "tagged");
	int tag;

	if (!m_auth(r, false) || !rate_check(r, B_M_API))
		return;
	if (!m_account_id(r, id, &a)) {
		m_error(r, 404, "Record not found");
		return;
	}
	if (tagged && (tag = tag_find(r->f, tagged[0] == '#' ? tagged + 1 : tagged)) >= 0) {
		stream_refs(&s, r->f, NET_M, &r->f->nd[NET_M].tags[tag], r->now);
		s.author = (int32_t)a;
	} else if (tagged) {
		stream_refs(&s, r->f, NET_M, &r->f->nd[NET_M].tags[0], 0);   /* unknown tag: nothing */
		s.n = 0;
	} else {
		stream_account(&s, r->f, NET_M, a, r->now);
	}
	if (qget(r, "exclude_replies") && strcasecmp(qget(r, "exclude_replies"), "false") != 0)
		s.filter |= F_NO_REPLIES;
	if (qget(r, "exclude_reblogs") && strcasecmp(qget(r, "exclude_reblogs"), "false") != 0)
		s.filter |= F_NO_REPOSTS;
	if ((qget(r, "only_media") && strcasecmp(qget(r, "only_media"), "false") != 0) ||
	    (qget(r, "pinned") && strcasecmp(qget(r, "pinned"), "false") != 0))
		s.n = 0;     /* nobody has media or pinned posts */
	m_render_statuses(r, &s, m_limit(r, 20, 40));
}

static void m_tag(struct rq *r, const char *name)
{
	struct stream s;
	int tag = tag_find(r->f, name[0] == '#' ? name + 1 : name);

	if (!m_auth(r, false) || !rate_check(r, B_M_API))
		return;
	if (tag < 0) {
		json_begin(r, 200);
		buf_puts(&r->body, "[]");
		return;
	}
	stream_refs(&s, r->f, NET_M, &r->f->nd[NET_M].tags[tag], r->now);
	if (qget(r, "only_media") && strcasecmp(qget(r, "only_media"), "false") != 0)
		s.n = 0;
	m_render_statuses(r, &s, m_limit(r, 20, 40));
}

static void m_status_ep(struct rq *r, const char *id)
{
	uint64_t key;
	uint32_t a, j;
	struct post p;

	if (!m_auth(r, false) || !rate_check(r, B_M_API))
		return;
	if (!parse_u64(id, &key) || !post_by_key(r->f, NET_M, key, &a, &j, r->now)) {
		m_error(r, 404, "Record not found");
		return;
	}
	post_get(r->f, NET_M, a, j, &p);
	json_begin(r, 200);
	m_status(&r->rc, &p, 0);
}

static unsigned m_types_mask(struct rq *r, const char *key)
{
	static const struct { const char *name; unsigned bits; } map[] = {
		{ "mention", 1u << N_REPLY | 1u << N_MENTION }, { "quote", 1u << N_QUOTE },
		{ "reblog", 1u << N_REPOST }, { "favourite", 1u << N_LIKE }, { "follow", 1u << N_FOLLOW },
	};
	unsigned mask = 0;

	for (struct evkeyval *e = r->q.tqh_first; e; e = e->next.tqe_next)
		if (strcmp(e->key, key) == 0)
			for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
				if (strcmp(e->value, map[i].name) == 0)
					mask |= map[i].bits;
	return mask;
}

static void m_notification(struct rq *r, const struct notif *n, uint64_t id)
{
	static const char *const types[] = { "mention", "mention", "quote", "reblog", "favourite", "follow" };
	struct jw *j = &r->j;
	struct post p;
	char idb[24], ts[32], gk[48];

	snprintf(idb, sizeof idb, "%" PRIu64, id);
	jw_obj(j);
	jw_kid(&r->rc, "id", idb);
	jw_kstr(j, "type", types[n->type]);
	iso_ms(n->t, ts);
	jw_kstr(j, "created_at", ts);
	snprintf(gk, sizeof gk, "ungrouped-%s", idb);
	jw_kstr(j, "group_key", gk);
	jw_key(j, "account");
	m_account(&r->rc, n->from);
	if (n->type == N_REPLY || n->type == N_MENTION || n->type == N_QUOTE) {
		jw_key(j, "status");
		post_get(r->f, NET_M, n->from, (uint32_t)n->j, &p);
		m_status(&r->rc, &p, 0);
	} else if (n->type == N_REPOST || n->type == N_LIKE) {
		jw_key(j, "status");
		post_get(r->f, NET_M, 0, (uint32_t)n->my_j, &p);
		m_status(&r->rc, &p, 0);
	}
	jw_end(j);
}

static void m_notifications(struct rq *r, const char *arg)
{
	struct stream s;
	uint64_t lo, hi;
	bool has_lo, has_hi, oldest;
	struct page pg;
	size_t limit = m_limit(r, 40, 80);
	unsigned want, skip;

	if (!m_auth(r, true) || !rate_check(r, B_M_API))
		return;
	stream_notifs(&s, r->f, NET_M, r->now);
	want = m_types_mask(r, "types[]") | m_types_mask(r, "types");
	skip = m_types_mask(r, "exclude_types[]") | m_types_mask(r, "exclude_types");
	s.type_mask = (want ? want : 0x3Fu) & ~skip;
	m_bounds(r, &lo, &has_lo, &hi, &has_hi, &oldest);
	page_select(&s, has_lo ? &lo : NULL, has_hi ? &hi : NULL, limit, oldest, &pg);
	if (pg.n)
		m_link(r, &pg, limit, stream_key(&s, pg.idx[0]), stream_key(&s, pg.idx[pg.n - 1]));
	page_mangle(r, &pg);
	json_begin(r, 200);
	jw_arr(&r->j);
	for (size_t i = 0; i < pg.n; i++)
		m_notification(r, &r->f->nd[NET_M].notifs.v[pg.idx[i]], stream_key(&s, pg.idx[i]));
	jw_aend(&r->j);
	free(pg.idx);
}

/* ================================================ 7. Bluesky (AppView + PDS on one port)
 * Public reads need no auth; searchPosts and listNotifications need an access
 * JWT from createSession. A Bearer token that is expired gets 400 ExpiredToken
 * on every endpoint, like a PDS. Feed and notification cursors are the ISO
 * time of the last item; search cursors are offsets. */

static bool b_session(struct rq *r, bool required)
{
	const char *t = bearer(r);
	struct token *tk;

	if (!t) {
		if (required)
			b_error(r, 401, "AuthenticationRequired", "Authentication Required");
		return !required;
	}
	tk = token_find(r->f, t);
	if (!tk || tk->revoked || tk->refresh) {
		b_error(r, 400, "InvalidToken", tk && tk->refresh ? "Bad token scope" : "Token could not be verified");
		return false;
	}
	if (tk->exp_ms <= r->now) {
		b_error(r, 400, "ExpiredToken", "Token has expired");
		return false;
	}
	return true;
}

static bool b_limit(struct rq *r, long def, long *limit)
{
	const char *v = qget(r, "limit");

	*limit = def;
	if (!v)
		return true;
	if (!parse_long(v, limit)) {
		b_error(r, 400, "InvalidRequest", "Error: limit must be an integer");
		return false;
	}
	if (*limit < 1 || *limit > 100) {
		b_error(r, 400, "InvalidRequest", *limit < 1 ? "Error: limit must be greater than or equal to 1"
							     : "Error: limit must be less than or equal to 100");
		return false;
	}
	return true;
}

static bool b_need(struct rq *r, const char *param)
{
	char msg[96];
	if (qget(r, param) && *qget(r, param))
		return true;
	snprintf(msg, sizeof msg, "Error: Params must have the property \"%s\"", param);
	b_error(r, 400, "InvalidRequest", msg);
	return false;
}

static void b_resolve_handle(struct rq *r, const char *arg)
{
	uint32_t a;
	char did[40];

	if (!b_session(r, false) || !rate_check(r, B_B_API) || !b_need(r, "handle"))
		return;
	if (!acct_by_name(r->f, qget(r, "handle"), &a) || !strstr(qget(r, "handle"), ".")) {
		b_error(r, 400, "InvalidRequest", "Unable to resolve handle");
		return;
	}
	did_of(r->f, a, did);
	json_begin(r, 200);
	jw_obj(&r->j);
	jw_kid(&r->rc, "did", did);
	jw_end(&r->j);
}

static void b_get_profile(struct rq *r, const char *arg)
{
	uint32_t a;

	if (!b_session(r, false) || !rate_check(r, B_B_API) || !b_need(r, "actor"))
		return;
	if (!acct_by_actor(r->f, qget(r, "actor"), &a)) {
		b_error(r, 400, "InvalidRequest", "Profile not found");
		return;
	}
	json_begin(r, 200);
	b_profile(&r->rc, a, 2);
}

/* getProfiles: up to 25 actors=…; unknown actors are left out, as the
 * real AppView does. */
static void b_get_profiles(struct rq *r, const char *arg)
{
	uint32_t a;
	int n = 0;

	if (!b_session(r, false) || !rate_check(r, B_B_API) || !b_need(r, "actors"))
		return;
	for (struct evkeyval *e = r->q.tqh_first; e; e = e->next.tqe_next)
		if (strcmp(e->key, "actors") == 0 && ++n > 25) {
			b_error(r, 400, "InvalidRequest", "actors must not have more than 25 elements");
			return;
		}
	json_begin(r, 200);
	jw_obj(&r->j);
	jw_karr(&r->j, "profiles");
	for (struct evkeyval *e = r->q.tqh_first; e; e = e->next.tqe_next)
		if (strcmp(e->key, "actors") == 0 && acct_by_actor(r->f, e->value, &a))
			b_profile(&r->rc, a, 2);
	jw_aend(&r->j);
	jw_end(&r->j);
}

static bool b_cursor_time(struct rq *r, const char *param, uint64_t *out)
{
	int64_t ms;
	const char *v = qget(r, param);
	if (!v || !parse_iso(v, &ms))
		return false;
	*out = (uint64_t)ms;
	return true;
}

static void b_author_feed(struct rq *r, const char *arg)
{
	struct stream s;
	struct page pg;
	struct post p;
	uint32_t a;
	uint64_t hi;
	long limit;
	bool has_hi;
	const char *filter = qget(r, "filter");
	char ts[32];

	if (!b_session(r, false) || !rate_check(r, B_B_API) || !b_need(r, "actor") || !b_limit(r, 50, &limit))
		return;
	if (!acct_by_actor(r->f, qget(r, "actor"), &a)) {
		b_error(r, 400, "InvalidRequest", "Profile not found");
		return;
	}
	stream_account(&s, r->f, NET_B, a, r->now);
	if (filter && (strcmp(filter, "posts_no_replies") == 0 || strcmp(filter, "posts_and_author_threads") == 0))
		s.filter |= F_NO_REPLIES;
	if (filter && (strcmp(filter, "posts_with_media") == 0 || strcmp(filter, "posts_with_video") == 0))
		s.n = 0;
	has_hi = b_cursor_time(r, "cursor", &hi);
	page_select(&s, NULL, has_hi ? &hi : NULL, (size_t)limit, false, &pg);
	json_begin(r, 200);
	jw_obj(&r->j);
	if (pg.n)
		iso_ms(stream_time(&s, pg.idx[pg.n - 1]), ts);
	page_mangle(r, &pg);
	if (r->wrong_container && pg.n) {
		jw_key(&r->j, "feed");
		stream_post(&s, pg.idx[0], &p);
		b_feed_item(&r->rc, &p);
	} else {
		jw_karr(&r->j, "feed");
		for (size_t i = 0; i < pg.n; i++) {
			stream_post(&s, pg.idx[i], &p);
			b_feed_item(&r->rc, &p);
		}
		jw_aend(&r->j);
	}
	if (pg.more_older && pg.n)
		jw_kstr(&r->j, "cursor", ts);
	jw_end(&r->j);
	free(pg.idx);
}

static void b_search(struct rq *r, const char *arg)
{
	struct fake *f = r->f;
	struct stream s;
	struct page pg;
	struct post p;
	long limit, offset = 0;
	int tag = -1;
	int32_t author = -1;
	uint64_t until;
	bool has_until;
	int64_t since;
	uint32_t a;
	char *q;

	if (!b_session(r, true) || !rate_check(r, B_B_API) || !b_need(r, "q") || !b_limit(r, 25, &limit))
		return;
	q = xstrdup(qget(r, "q"));
	for (char *tok = strtok(q, " "); tok; tok = strtok(NULL, " ")) {
		if (*tok == '#' && tag < 0)
			tag = tag_find(f, tok + 1);
		else if (strncmp(tok, "from:", 5) == 0 && acct_by_actor(f, tok + 5, &a))
			author = (int32_t)a;
	}
	free(q);
	if (qget(r, "tag") && tag < 0)
		tag = tag_find(f, qget(r, "tag"));
	if (qget(r, "author") && acct_by_actor(f, qget(r, "author"), &a))
		author = (int32_t)a;
	if (qget(r, "cursor") && (!parse_long(qget(r, "cursor"), &offset) || offset < 0))
		offset = 0;
	if (tag >= 0) {
		stream_refs(&s, f, NET_B, &f->nd[NET_B].tags[tag], r->now);
		s.author = author;
	} else if (author >= 0) {
		stream_account(&s, f, NET_B, (uint32_t)author, r->now);
		s.filter |= F_NO_REPOSTS;
	} else {
		stream_refs(&s, f, NET_B, &f->nd[NET_B].tags[0], 0);   /* free text: no hits */
		s.n = 0;
	}
	if (qget(r, "since") && parse_iso(qget(r, "since"), &since))
		s.min_t = since;
	has_until = b_cursor_time(r, "until", &until);
	page_select(&s, NULL, has_until ? &until : NULL, (size_t)(offset + limit), false, &pg);
	{   /* keep the slice [offset, offset + limit) */
		size_t from = (size_t)offset < pg.n ? (size_t)offset : pg.n;
		memmove(pg.idx, pg.idx + from, (pg.n - from) * sizeof *pg.idx);
		pg.n -= from;
	}
	page_mangle(r, &pg);
	json_begin(r, 200);
	jw_obj(&r->j);
	jw_karr(&r->j, "posts");
	for (size_t i = 0; i < pg.n; i++) {
		stream_post(&s, pg.idx[i], &p);
		b_post_view(&r->rc, &p, false, 0);
	}
	jw_aend(&r->j);
	if (pg.more_older) {
		char c[24];
		snprintf(c, sizeof c, "%ld", offset + limit);
		jw_kstr(&r->j, "cursor", c);
	}
	jw_end(&r->j);
	free(pg.idx);
}

static unsigned b_reasons_mask(struct rq *r)
{
	static const char *const names[] = { "reply", "mention", "quote", "repost", "like", "follow" };
	unsigned mask = 0;

	for (struct evkeyval *e = r->q.tqh_first; e; e = e->next.tqe_next)
		if (strcmp(e->key, "reasons") == 0 || strcmp(e->key, "reasons[]") == 0)
			for (unsigned i = 0; i < 6; i++)
				if (strcmp(e->value, names[i]) == 0)
					mask |= 1u << i;
	return mask;
}

static void b_notification(struct rq *r, const struct notif *n)
{
	static const char *const reasons[] = { "reply", "mention", "quote", "repost", "like", "follow" };
	struct fake *f = r->f;
	struct jw *j = &r->j;
	struct post p, mine;
	char uri[96], cid[64], ts[32], did[40];

	if (n->j >= 0) {
		post_get(f, NET_B, n->from, (uint32_t)n->j, &p);
		if (n->type == N_REPOST)
			post_uri(f, n->from, n->t, "app.bsky.feed.repost", uri);
		else
			post_uri(f, n->from, p.t, "app.bsky.feed.post", uri);
	} else {
		post_uri(f, n->from, n->t, n->type == N_LIKE ? "app.bsky.feed.like" : "app.bsky.graph.follow", uri);
	}
	if (n->my_j >= 0)
		post_get(f, NET_B, 0, (uint32_t)n->my_j, &mine);
	cid_of(f, NET_B, n->from, n->t, 3 + n->type, cid);
	jw_obj(j);
	jw_kid(&r->rc, "uri", uri);
	jw_kstr(j, "cid", cid);
	jw_key(j, "author");
	b_profile(&r->rc, n->from, 1);
	jw_kstr(j, "reason", reasons[n->type]);
	if (n->my_j >= 0 && n->type != N_MENTION) {
		char muri[96];
		post_uri(f, 0, mine.t, "app.bsky.feed.post", muri);
		jw_kstr(j, "reasonSubject", muri);
	}
	jw_key(j, "record");
	iso_ms(n->t, ts);
	if (n->type == N_REPLY || n->type == N_MENTION || n->type == N_QUOTE) {
		b_record(&r->rc, &p);
	} else {
		jw_obj(j);
		jw_kstr(j, "$type", n->type == N_REPOST ? "app.bsky.feed.repost" : n->type == N_LIKE
			? "app.bsky.feed.like" : "app.bsky.graph.follow");
		jw_kstr(j, "createdAt", ts);
		if (n->type == N_FOLLOW) {
			did_of(f, 0, did);
			jw_kstr(j, "subject", did);
		} else {
			b_strong_ref(&r->rc, "subject", &mine);
		}
		jw_end(j);
	}
	jw_kbool(j, "isRead", f->nd[NET_B].seen_at && n->t <= f->nd[NET_B].seen_at);
	jw_kstr(j, "indexedAt", ts);
	jw_karr(j, "labels"); jw_aend(j);
	jw_end(j);
}

static void b_list_notifications(struct rq *r, const char *arg)
{
	struct stream s;
	struct page pg;
	long limit;
	uint64_t hi;
	bool has_hi;
	unsigned mask;
	char ts[32];

	if (!b_session(r, true) || !rate_check(r, B_B_API) || !b_limit(r, 50, &limit))
		return;
	stream_notifs(&s, r->f, NET_B, r->now);
	mask = b_reasons_mask(r);
	s.type_mask = mask;
	has_hi = b_cursor_time(r, "cursor", &hi);
	page_select(&s, NULL, has_hi ? &hi : NULL, (size_t)limit, false, &pg);
	if (pg.n)
		iso_ms(stream_time(&s, pg.idx[pg.n - 1]), ts);
	page_mangle(r, &pg);
	json_begin(r, 200);
	jw_obj(&r->j);
	jw_karr(&r->j, "notifications");
	for (size_t i = 0; i < pg.n; i++)
		b_notification(r, &r->f->nd[NET_B].notifs.v[pg.idx[i]]);
	jw_aend(&r->j);
	if (pg.more_older && pg.n)
		jw_kstr(&r->j, "cursor", ts);
	jw_kbool(&r->j, "priority", false);
	if (r->f->nd[NET_B].seen_at) {
		iso_ms(r->f->nd[NET_B].seen_at, ts);
		jw_kstr(&r->j, "seenAt", ts);
	}
	jw_end(&r->j);
	free(pg.idx);
}

static cJSON *body_json(struct rq *r)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(r->req);
	size_t n = evbuffer_get_length(in);
	char *s = xmalloc(n + 1);
	cJSON *j;

	evbuffer_copyout(in, s, n);
	s[n] = '\0';
	j = cJSON_ParseWithLength(s, n);
	free(s);
	return j;
}

static void b_update_seen(struct rq *r, const char *arg)
{
	cJSON *j;
	const cJSON *v;
	int64_t ms;

	if (!b_session(r, true) || !rate_check(r, B_B_API))
		return;
	j = body_json(r);
	v = cJSON_GetObjectItemCaseSensitive(j, "seenAt");
	if (!cJSON_IsString(v) || !parse_iso(v->valuestring, &ms)) {
		b_error(r, 400, "InvalidRequest", "Input must have the property \"seenAt\"");
	} else {
		r->f->nd[NET_B].seen_at = ms;
		raw_reply(r, 200, "application/json; charset=utf-8", "");
	}
	cJSON_Delete(j);
}

static void b_session_reply(struct rq *r, bool with_doc)
{
	struct fake *f = r->f;
	char did[40];
	const char *access = token_new(f, false, r->now), *refresh = token_new(f, true, r->now);

	did_of(f, 0, did);
	json_begin(r, 200);
	jw_obj(&r->j);
	jw_kstr(&r->j, "did", did);
	if (with_doc) {
		jw_kobj(&r->j, "didDoc");
		jw_karr(&r->j, "@context"); jw_str(&r->j, "https://www.w3.org/ns/did/v1"); jw_aend(&r->j);
		jw_kstr(&r->j, "id", did);
		jw_karr(&r->j, "alsoKnownAs"); jw_str(&r->j, "at://me.bsky.social"); jw_aend(&r->j);
		jw_karr(&r->j, "service");
		jw_obj(&r->j);
		jw_kstr(&r->j, "id", "#atproto_pds");
		jw_kstr(&r->j, "type", "AtprotoPersonalDataServer");
		jw_kstr(&r->j, "serviceEndpoint", f->base_url);
		jw_end(&r->j);
		jw_aend(&r->j);
		jw_end(&r->j);
	}
	jw_kstr(&r->j, "handle", "me.bsky.social");
	if (with_doc) {
		jw_kstr(&r->j, "email", "me@example.org");
		jw_kbool(&r->j, "emailConfirmed", true);
		jw_kbool(&r->j, "emailAuthFactor", false);
	}
	jw_kstr(&r->j, "accessJwt", access);
	jw_kstr(&r->j, "refreshJwt", refresh);
	jw_kbool(&r->j, "active", true);
	jw_end(&r->j);
}

static void b_create_session(struct rq *r, const char *arg)
{
	cJSON *j;
	const cJSON *id, *pw;
	uint32_t a = 1;
	char did[40];
	bool ok;

	if (!rate_check(r, B_B_SESSION))
		return;
	j = body_json(r);
	id = cJSON_GetObjectItemCaseSensitive(j, "identifier");
	pw = cJSON_GetObjectItemCaseSensitive(j, "password");
	if (!cJSON_IsString(id) || !cJSON_IsString(pw)) {
		b_error(r, 400, "InvalidRequest", "Input must have the property \"identifier\"");
		cJSON_Delete(j);
		return;
	}
	did_of(r->f, 0, did);
	ok = ((acct_by_actor(r->f, id->valuestring, &a) && a == 0) || strcmp(id->valuestring, "me@example.org") == 0) &&
	     strcmp(pw->valuestring, r->f->b_password) == 0;
	cJSON_Delete(j);
	if (!ok) {
		b_error(r, 401, "AuthenticationRequired", "Invalid identifier or password");
		return;
	}
	b_session_reply(r, true);
}

static void b_refresh_session(struct rq *r, const char *arg)
{
	const char *t = bearer(r);
	struct token *tk = t ? token_find(r->f, t) : NULL;

	if (!rate_check(r, B_B_API))
		return;
	if (!t) {
		b_error(r, 401, "AuthenticationRequired", "Authentication Required");
		return;
	}
	if (!tk || !tk->refresh || tk->revoked) {
		b_error(r, 400, tk && tk->revoked ? "ExpiredToken" : "InvalidToken",
			tk && tk->revoked ? "Token has been revoked" : "Token could not be verified");
		return;
	}
	if (tk->exp_ms <= r->now) {
		b_error(r, 400, "ExpiredToken", "Token has expired");
		return;
	}
	tk->revoked = true;      /* refresh tokens are single use */
	b_session_reply(r, false);
}

/* ================================================ 8. scripts and delivery
 * A rule matches requests whose path starts with its prefix (and method, if
 * given). It lets `skip` matches through, then affects the next `count`
 * (-1: all). Rules are tried in the order they were added; the first match
 * decides. Replacing actions answer instead of the endpoint; the others
 * change how the endpoint's own answer is rendered or delivered. */

enum action {
	A_STATUS, A_429, A_HTML, A_RAW, A_EXPIRED, A_HANG, A_DROP, A_BIG,      /* replace the answer */
	A_DELAY, A_TRICKLE, A_TRUNCATE, A_CUT, A_GZIP,                         /* change delivery */
	A_WRONG_TYPES, A_DUPLICATE, A_OUT_OF_ORDER, NACTIONS                   /* change rendering */
};

static const char *const action_names[NACTIONS] = {
	"status", "429", "html", "raw", "expired_token", "hang", "drop", "big",
	"delay", "trickle", "truncate", "cut", "gzip", "wrong_types", "duplicate", "out_of_order",
};

static const struct { const char *alias; int action; } action_aliases[] = {
	{ "rate_limit", A_429 }, { "timeout", A_HANG }, { "never", A_HANG }, { "slow", A_TRICKLE },
	{ "oversize", A_BIG }, { "too_large", A_BIG }, { "shuffle", A_OUT_OF_ORDER },
	{ "dup", A_DUPLICATE }, { "close", A_DROP }, { "error", A_STATUS },
};

struct rule {
	struct rule *next;
	long id;
	char *prefix;
	int method;                 /* 0 any, else EVHTTP_REQ_GET / EVHTTP_REQ_POST */
	int action;
	long count, skip;           /* count -1: forever */
	int code;
	long ms, bytes, interval_ms, reset_in;
	char *variant, *body, *ctype;
	char **headers;             /* extra "Name: value" lines, NULL-terminated */
	uint64_t applied;
};

static struct rule *retired_rules;    /* spent rules stay allocated: requests may still use them */
static long rule_serial;

static void rule_free(struct rule *r)
{
	for (char **h = r->headers; h && *h; h++)
		free(*h);
	free(r->headers);
	free(r->prefix);
	free(r->variant);
	free(r->body);
	free(r->ctype);
	free(r);
}

static const char *jstr(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static bool jnum(const cJSON *o, const char *k, long *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	if (cJSON_IsNumber(v)) {
		*out = (long)v->valuedouble;
		return true;
	}
	if (cJSON_IsString(v) && parse_long(v->valuestring, out))
		return true;
	return false;
}

/* whole file, NUL-terminated; NULL with errno set on failure */
static char *read_file(const char *path)
{
	FILE *fp = fopen(path, "rb");
	struct buf b = { 0 };
	char chunk[4096];
	size_t n;

	if (!fp)
		return NULL;
	while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
		buf_add(&b, chunk, n);
	fclose(fp);
	if (!b.p)
		buf_puts(&b, "");
	return b.p;
}

static int action_parse(const char *s)
{
	for (int i = 0; i < NACTIONS; i++)
		if (strcmp(s, action_names[i]) == 0)
			return i;
	for (size_t i = 0; i < sizeof action_aliases / sizeof action_aliases[0]; i++)
		if (strcmp(s, action_aliases[i].alias) == 0)
			return action_aliases[i].action;
	if (isdigit((unsigned char)s[0]))     /* "500", "503": a status */
		return atoi(s) == 429 ? A_429 : A_STATUS;
	return -1;
}

static struct rule *rule_from_json(const cJSON *o, char *err, size_t errlen)
{
	const char *path = jstr(o, "path"), *act = jstr(o, "action"), *method = jstr(o, "method");
	struct rule *r;
	long v;
	int a;

	if (!cJSON_IsObject(o) || !path || !act) {
		snprintf(err, errlen, "a rule needs \"path\" and \"action\"");
		return NULL;
	}
	if ((a = action_parse(act)) < 0) {
		snprintf(err, errlen, "unknown action \"%s\"", act);
		return NULL;
	}
	r = calloc(1, sizeof *r);
	if (!r) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	r->id = ++rule_serial;
	r->prefix = xstrdup(path);
	r->action = a;
	r->count = 1;
	if (isdigit((unsigned char)act[0]))
		r->code = atoi(act);
	if (method)
		r->method = strcasecmp(method, "POST") == 0 ? EVHTTP_REQ_POST : EVHTTP_REQ_GET;
	if (jnum(o, "count", &v))
		r->count = v <= 0 ? -1 : v;
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "forever")))
		r->count = -1;
	if (jnum(o, "skip", &v) || jnum(o, "after", &v))
		r->skip = v > 0 ? v : 0;
	if (jnum(o, "code", &v) || jnum(o, "status", &v))
		r->code = (int)v;
	if (jnum(o, "ms", &v) || jnum(o, "delay_ms", &v))
		r->ms = v;
	if (jnum(o, "bytes", &v))
		r->bytes = v;
	if (jnum(o, "interval_ms", &v))
		r->interval_ms = v;
	if (jnum(o, "reset_in", &v) || jnum(o, "retry_after", &v))
		r->reset_in = v;
	if (jstr(o, "variant"))
		r->variant = xstrdup(jstr(o, "variant"));
	if (jstr(o, "body"))
		r->body = xstrdup(jstr(o, "body"));
	if (jstr(o, "content_type"))
		r->ctype = xstrdup(jstr(o, "content_type"));
	if (jstr(o, "file") && !(r->body = read_file(jstr(o, "file")))) {
		snprintf(err, errlen, "cannot read \"%s\": %s", jstr(o, "file"), strerror(errno));
		rule_free(r);
		return NULL;
	}
	if (cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(o, "headers"))) {
		const cJSON *h;
		size_t n = 0;
		r->headers = calloc((size_t)cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(o, "headers")) + 1,
				    sizeof *r->headers);
		cJSON_ArrayForEach(h, cJSON_GetObjectItemCaseSensitive(o, "headers"))
			if (r->headers && cJSON_IsString(h)) {
				struct buf b = { 0 };
				buf_printf(&b, "%s: %s", h->string, h->valuestring);
				r->headers[n++] = b.p;
			}
	}
	return r;
}

/* Extra headers of a rule; a rule header replaces a generated one of the same name. */
static void rule_add_headers(struct rq *r, const struct rule *ru)
{
	struct evkeyvalq *oh = evhttp_request_get_output_headers(r->req);
	char name[128];

	for (char **h = ru->headers; h && *h; h++) {
		size_t n = strcspn(*h, ":");
		snprintf(name, sizeof name, "%.*s", (int)(n < 127 ? n : 127), *h);
		evhttp_remove_header(oh, name);
		evhttp_add_header(oh, name, *h + n + 2);
	}
}

static void rule_append(struct fake *f, struct rule *r)
{
	struct rule **pp = &f->rules;
	while (*pp)
		pp = &(*pp)->next;
	*pp = r;
}

static void rules_clear(struct fake *f)
{
	while (f->rules) {
		struct rule *r = f->rules;
		f->rules = r->next;
		r->next = retired_rules;
		retired_rules = r;
	}
}

/* Adds rules from a JSON object, an array of them, or {"rules": [...]}. */
static int rules_add_json(struct fake *f, const cJSON *j, char *err, size_t errlen)
{
	const cJSON *list = cJSON_IsObject(j) && cJSON_GetObjectItemCaseSensitive(j, "rules")
		? cJSON_GetObjectItemCaseSensitive(j, "rules") : j;
	const cJSON *it;
	int n = 0;

	if (cJSON_IsObject(list)) {
		struct rule *r = rule_from_json(list, err, errlen);
		if (!r)
			return -1;
		rule_append(f, r);
		return 1;
	}
	if (!cJSON_IsArray(list)) {
		snprintf(err, errlen, "expected a rule object or an array of rules");
		return -1;
	}
	cJSON_ArrayForEach(it, list) {
		struct rule *r = rule_from_json(it, err, errlen);
		if (!r)
			return -1;
		rule_append(f, r);
		n++;
	}
	return n;
}

static struct rule *rule_take(struct fake *f, struct rq *r)
{
	int method = evhttp_request_get_command(r->req);

	for (struct rule **pp = &f->rules; *pp; pp = &(*pp)->next) {
		struct rule *ru = *pp;
		if (strncmp(r->path, ru->prefix, strlen(ru->prefix)) != 0 || (ru->method && ru->method != method))
			continue;
		if (ru->skip > 0) {
			ru->skip--;
			return NULL;
		}
		ru->applied++;
		if (ru->count > 0 && --ru->count == 0) {
			*pp = ru->next;
			ru->next = retired_rules;
			retired_rules = ru;
		}
		return ru;
	}
	return NULL;
}

/* --- delivery over time --- */

struct pending {
	struct pending *prev, *next;
	struct fake *f;
	struct evhttp_request *req;
	struct evhttp_connection *conn;
	int kind, status;
	struct evbuffer *body;      /* still to send */
	size_t big_left, chunk;
	long interval_ms;
	struct event *timer;
	struct event *watch;        /* EV_CLOSED on the socket while nothing is written */
};

static const char *reason_of(int code)
{
	switch (code) {
	case 200: return "OK";
	case 201: return "Created";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	default: return code < 300 ? "OK" : "Error";
	}
}

static void inflight_done(struct fake *f)
{
	if (f->st.inflight)
		f->st.inflight--;
}

static struct pending *pending_new(struct fake *f, struct evhttp_request *req, int kind, int status)
{
	struct pending *p = calloc(1, sizeof *p);

	if (!p) {
		fprintf(stderr, "fakeapi: out of memory\n");
		exit(2);
	}
	p->f = f;
	p->req = req;
	p->conn = evhttp_request_get_connection(req);
	p->kind = kind;
	p->status = status;
	p->next = f->pendings;
	if (f->pendings)
		f->pendings->prev = p;
	f->pendings = p;
	return p;
}

/* Ends our interest in a delayed response; the request itself is either done
 * (libevent frees it) or was freed by on_conn_close. */
static void pending_finish(struct pending *p)
{
	struct fake *f = p->f;

	if (p->prev)
		p->prev->next = p->next;
	else
		f->pendings = p->next;
	if (p->next)
		p->next->prev = p->prev;
	if (p->timer)
		event_free(p->timer);
	if (p->watch)
		event_free(p->watch);
	if (p->body)
		evbuffer_free(p->body);
	inflight_done(f);
	free(p);
}

static void pending_arm(struct pending *p, long ms, event_callback_fn cb)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };
	if (!p->timer)
		p->timer = evtimer_new(p->f->base, cb, p);
	evtimer_add(p->timer, &tv);
}

/* Frees the connection from our own timer, never from inside an evhttp
 * callback; on_conn_close then finishes the pending. */
static void on_close_timer(evutil_socket_t fd, short what, void *arg)
{
	struct pending *p = arg;
	evhttp_connection_free(p->conn);
}

static void pending_close_soon(struct pending *p)
{
	pending_arm(p, 0, on_close_timer);
}

static void on_peer_closed(evutil_socket_t fd, short what, void *arg)
{
	pending_close_soon(arg);
}

/* evhttp 2.1 does not read from a connection while its request waits for the
 * reply, so a client that gives up would go unnoticed (and keep its fd). */
static void pending_watch(struct pending *p)
{
	struct bufferevent *bev = evhttp_connection_get_bufferevent(p->conn);

	if (!bev || bufferevent_getfd(bev) < 0 ||
	    !(event_base_get_features(p->f->base) & EV_FEATURE_EARLY_CLOSE))
		return;
	p->watch = event_new(p->f->base, bufferevent_getfd(bev), EV_CLOSED, on_peer_closed, p);
	if (p->watch)
		event_add(p->watch, NULL);
}

static void on_pending_timer(evutil_socket_t fd, short what, void *arg)
{
	struct pending *p = arg;
	struct evbuffer *chunk;

	switch (p->kind) {
	case A_DELAY:
		evhttp_send_reply(p->req, p->status, reason_of(p->status), p->body);
		pending_finish(p);
		return;
	case A_TRICKLE:
		if (evbuffer_get_length(p->body) == 0) {
			evhttp_send_reply_end(p->req);
			pending_finish(p);
			return;
		}
		chunk = evbuffer_new();
		evbuffer_remove_buffer(p->body, chunk, p->chunk);
		evhttp_send_reply_chunk(p->req, chunk);
		evbuffer_free(chunk);
		pending_arm(p, p->interval_ms, on_pending_timer);
		return;
	default:          /* A_HANG with a limit: give up on the client */
		evhttp_connection_free(p->conn);
		return;
	}
}

static void on_big_written(struct evhttp_connection *conn, void *arg)
{
	struct pending *p = arg;
	struct evbuffer *chunk;
	static char filler[65536];
	size_t n;

	if (p->big_left == 0) {
		evhttp_send_reply_end(p->req);
		pending_finish(p);
		return;
	}
	if (!filler[0]) {
		for (size_t i = 0; i < sizeof filler; i += 64)
			memcpy(filler + i, "{\"id\":\"1\",\"text\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"},", 64);
	}
	n = p->big_left < sizeof filler ? p->big_left : sizeof filler;
	chunk = evbuffer_new();
	evbuffer_add(chunk, filler, n);
	p->big_left -= n;
	evhttp_send_reply_chunk_with_cb(p->req, chunk, on_big_written, p);
	evbuffer_free(chunk);
}

static void on_cut_written(struct evhttp_connection *conn, void *arg)
{
	struct pending *p = arg;
	pending_close_soon(p);      /* the client sees EOF before Content-Length is met */
}

/* Called when a client connection goes away: drop everything still aimed at it. */
static void pendings_conn_closed(struct fake *f, struct evhttp_connection *conn)
{
	struct pending *p = f->pendings, *next;

	for (; p; p = next) {
		next = p->next;
		if (p->conn != conn)
			continue;
		/* a request detached by a client EOF before the reply is ours to free */
		if (evhttp_request_get_connection(p->req) == NULL)
			evhttp_request_free(p->req);
		pending_finish(p);
	}
}

static void pendings_free_all(struct fake *f)
{
	while (f->pendings)
		pending_finish(f->pendings);
}

static void log_request(struct rq *r, const char *note)
{
	if (!r->f->verbose)
		return;
	fprintf(stderr, "fakeapi: @%" PRId64 " %s %s -> %d %s%s%s\n", r->now / 1000,
		evhttp_request_get_command(r->req) == EVHTTP_REQ_POST ? "POST" : "GET",
		evhttp_request_get_uri(r->req), r->status, ep_names[r->ep],
		r->rule ? " script:" : "", r->rule ? action_names[r->rule->action] : note);
}

static bool wants_gzip(struct rq *r)
{
	const char *ae = ihdr(r, "Accept-Encoding");
	return ae && strstr(ae, "gzip");
}

/* Sends r->body with r->status, as the applied rule says. */
static void respond(struct rq *r)
{
	struct fake *f = r->f;
	int act = r->rule ? r->rule->action : -1;
	size_t len = r->body.len;
	struct evbuffer *out = evbuffer_new();
	struct pending *p;

	if (r->ctype)
		ohdr(r, "Content-Type", r->ctype);
	if (act == A_TRUNCATE)
		len = r->rule->bytes > 0 && (size_t)r->rule->bytes < len ? (size_t)r->rule->bytes : len / 2;
	if ((act == A_GZIP || (f->gzip && act < A_TRICKLE)) && wants_gzip(r) && act != A_CUT && act != A_TRICKLE) {
		gzip_stored(out, r->body.p ? r->body.p : "", len);
		ohdr(r, "Content-Encoding", "gzip");
	} else {
		evbuffer_add(out, r->body.p ? r->body.p : "", len);
	}
	f->st.status[r->status > 0 && r->status < 600 ? r->status : 0]++;
	f->st.bytes_out += evbuffer_get_length(out);
	log_request(r, "");
	switch (act) {
	case A_DELAY:
		p = pending_new(f, r->req, A_DELAY, r->status);
		p->body = out;
		pending_watch(p);
		pending_arm(p, r->rule->ms > 0 ? r->rule->ms : 1000, on_pending_timer);
		return;
	case A_TRICKLE:
		p = pending_new(f, r->req, A_TRICKLE, r->status);
		p->body = out;
		p->chunk = r->rule->bytes > 0 ? (size_t)r->rule->bytes : 16;
		p->interval_ms = r->rule->interval_ms > 0 ? r->rule->interval_ms : 200;
		evhttp_send_reply_start(r->req, r->status, reason_of(r->status));
		pending_arm(p, p->interval_ms, on_pending_timer);
		return;
	case A_CUT: {
		struct evbuffer *half = evbuffer_new();
		ohdrf(r, "Content-Length", "%zu", evbuffer_get_length(out));
		evbuffer_remove_buffer(out, half, evbuffer_get_length(out) / 2);
		p = pending_new(f, r->req, A_CUT, r->status);
		evhttp_send_reply_start(r->req, r->status, reason_of(r->status));
		evhttp_send_reply_chunk_with_cb(r->req, half, on_cut_written, p);
		evbuffer_free(half);
		evbuffer_free(out);
		return;
	}
	default:
		evhttp_send_reply(r->req, r->status, reason_of(r->status), out);
		evbuffer_free(out);
		inflight_done(f);
	}
}

static int ep_bucket(enum endpoint ep)
{
	switch (ep) {
	case EP_X_TWEETS: return B_X_TWEETS;
	case EP_X_MENTIONS: return B_X_MENTIONS;
	case EP_X_SEARCH: return B_X_SEARCH;
	case EP_X_LOOKUP: return B_X_LOOKUP;
	case EP_X_USER_BY_NAME: case EP_X_USERS_BY: case EP_X_USER: return B_X_USERS;
	case EP_B_CREATE: return B_B_SESSION;
	default: break;
	}
	return ep >= EP_B_RESOLVE && ep < EP_UNKNOWN ? B_B_API : B_M_API;
}

static const char html_page[] =
	"<!DOCTYPE html>\n<html>\n<head><title>%d %s</title></head>\n<body>\n<center><h1>%d %s</h1></center>\n"
	"<hr><center>nginx</center>\n</body>\n</html>\n";

/* Applies a replacing action. Returns true if the request has been answered
 * (or deliberately left unanswered). */
static bool apply_replacement(struct rq *r, struct rule *ru)
{
	struct fake *f = r->f;
	struct pending *p;
	char page[512];
	int code;

	if (ru->action >= A_DELAY)
		return false;
	rule_add_headers(r, ru);
	switch (ru->action) {
	case A_STATUS:
		net_error(r, ru->code ? ru->code : 500);
		break;
	case A_429:
		too_many(r, &f->buckets[ep_bucket(r->ep)], ru->reset_in > 0 ? ru->reset_in : 60);
		break;
	case A_HTML:
		code = ru->code ? ru->code : 503;
		snprintf(page, sizeof page, html_page, code, reason_of(code), code, reason_of(code));
		raw_reply(r, code, "text/html; charset=utf-8", page);
		break;
	case A_RAW:
		raw_reply(r, ru->code ? ru->code : 200, ru->ctype ? ru->ctype : "application/json; charset=utf-8",
			  ru->body ? ru->body : "");
		break;
	case A_EXPIRED:
		b_error(r, 400, "ExpiredToken", "Token has expired");
		break;
	case A_HANG:
	case A_DROP:
		r->status = 0;
		log_request(r, "");
		p = pending_new(f, r->req, ru->action, 0);
		if (ru->action == A_DROP) {
			pending_close_soon(p);
		} else {
			pending_watch(p);
			if (ru->ms > 0 || f->hang_max_ms > 0)
				pending_arm(p, ru->ms > 0 ? ru->ms : f->hang_max_ms, on_pending_timer);
		}
		return true;
	case A_BIG:
		r->status = 200;
		log_request(r, "");
		ohdr(r, "Content-Type", "application/json; charset=utf-8");
		p = pending_new(f, r->req, A_BIG, 200);
		p->big_left = ru->bytes > 0 ? (size_t)ru->bytes : (size_t)16 << 20;
		f->st.status[200]++;
		f->st.bytes_out += p->big_left;
		evhttp_send_reply_start(r->req, 200, "OK");
		on_big_written(p->conn, p);
		return true;
	default:
		return false;
	}
	respond(r);
	return true;
}

/* Rendering and delivery modifiers take effect through flags on the request. */
static void apply_modifiers(struct rq *r, struct rule *ru)
{
	const char *v = ru->variant ? ru->variant : "ids";

	switch (ru->action) {
	case A_WRONG_TYPES:
		r->rc.ids_numeric = strcmp(v, "ids") == 0 || strcmp(v, "all") == 0;
		r->rc.nulls = strcmp(v, "nulls") == 0 || strcmp(v, "all") == 0;
		r->wrong_container = strcmp(v, "container") == 0 || strcmp(v, "all") == 0;
		break;
	case A_DUPLICATE:
		r->dup = true;
		break;
	case A_OUT_OF_ORDER:
		r->shuffle = true;
		break;
	default:
		break;
	}
}

/* ================================================ 9. control API (/_fake/...) */

static void ctl_ok(struct rq *r)
{
	json_begin(r, 200);
	buf_puts(&r->body, "{\"ok\":true}");
}

static void ctl_error(struct rq *r, int status, const char *msg)
{
	json_begin(r, status);
	jw_obj(&r->j);
	jw_kbool(&r->j, "ok", false);
	jw_kstr(&r->j, "error", msg);
	jw_end(&r->j);
}

static void ctl_stats(struct rq *r)
{
	struct fake *f = r->f;
	struct jw *j = &r->j;
	struct stats *st = &f->st;
	char k[16];

	json_begin(r, 200);
	jw_obj(j);
	jw_kint(j, "requests", (long long)st->requests);
	jw_kint(j, "control_requests", (long long)st->control);
	jw_kint(j, "rate_limited", (long long)st->rate_limited);
	jw_kint(j, "scripted", (long long)st->scripted);
	jw_kint(j, "bytes_out", (long long)st->bytes_out);
	jw_kobj(j, "networks");
	for (int n = 0; n < NNET; n++)
		jw_kint(j, net_names[n], (long long)st->by_net[n]);
	jw_end(j);
	jw_kobj(j, "endpoints");
	for (int e = 0; e < NEP; e++) {
		if (!st->by_ep[e])
			continue;
		jw_kobj(j, ep_names[e]);
		jw_kint(j, "requests", (long long)st->by_ep[e]);
		jw_kint(j, "429", (long long)st->ep_429[e]);
		jw_end(j);
	}
	jw_end(j);
	jw_kobj(j, "status");
	for (int s = 0; s < 600; s++) {
		if (!st->status[s])
			continue;
		snprintf(k, sizeof k, "%d", s);
		jw_kint(j, k, (long long)st->status[s]);
	}
	jw_end(j);
	jw_kobj(j, "connections");
	jw_kint(j, "open", st->conns_open);
	jw_kint(j, "max", st->conns_max);
	jw_kint(j, "total", (long long)st->conns_total);
	jw_end(j);
	jw_kobj(j, "inflight");
	jw_kint(j, "now", st->inflight > 0 ? st->inflight - 1 : 0);   /* minus this request */
	jw_kint(j, "max", st->inflight_max);
	jw_end(j);
	jw_kobj(j, "buckets");
	for (int b = 0; b < NBUCKETS; b++) {
		bucket_roll(&f->buckets[b], r->now);
		jw_kobj(j, f->buckets[b].name);
		jw_kint(j, "limit", f->buckets[b].limit);
		jw_kint(j, "remaining", f->buckets[b].remaining);
		jw_kint(j, "window", f->buckets[b].window_s);
		jw_kint(j, "reset", f->buckets[b].reset_s);
		jw_kint(j, "over", (long long)f->st.over[b]);
		jw_end(j);
	}
	jw_end(j);
	jw_end(j);
}

static void ctl_stats_reset(struct rq *r)
{
	struct stats *st = &r->f->st;
	unsigned open = st->conns_open, inflight = st->inflight;

	memset(st, 0, sizeof *st);
	st->conns_open = st->conns_max = open;
	st->inflight = st->inflight_max = inflight;
	ctl_ok(r);
}

static void ctl_rules_list(struct rq *r)
{
	struct jw *j = &r->j;

	json_begin(r, 200);
	jw_arr(j);
	for (struct rule *ru = r->f->rules; ru; ru = ru->next) {
		jw_obj(j);
		jw_kint(j, "id", ru->id);
		jw_kstr(j, "path", ru->prefix);
		jw_kstr(j, "action", action_names[ru->action]);
		jw_kint(j, "count", ru->count);
		jw_kint(j, "skip", ru->skip);
		jw_kint(j, "applied", (long long)ru->applied);
		jw_end(j);
	}
	jw_aend(j);
}

static void ctl_script(struct rq *r)
{
	cJSON *j = body_json(r);
	char err[160];
	int n;

	if (!j) {
		ctl_error(r, 400, "body is not JSON");
		return;
	}
	n = rules_add_json(r->f, j, err, sizeof err);
	cJSON_Delete(j);
	if (n < 0) {
		ctl_error(r, 400, err);
		return;
	}
	json_begin(r, 200);
	jw_obj(&r->j);
	jw_kbool(&r->j, "ok", true);
	jw_kint(&r->j, "added", n);
	jw_end(&r->j);
}

static int net_parse(const char *s)
{
	for (int n = 0; n < NNET; n++)
		if (s && strcmp(s, net_names[n]) == 0)
			return n;
	return s && strcmp(s, "all") == 0 ? NNET : -1;
}

static void post_id_str(struct fake *f, int net, uint32_t a, uint32_t j, char out[96])
{
	int64_t t = post_time(f, net, a, j);
	if (net == NET_X)
		snprintf(out, 96, "%" PRIu64, x_id(t, a));
	else if (net == NET_M)
		snprintf(out, 96, "%" PRIu64, m_id(t, a));
	else
		post_uri(f, a, t, "app.bsky.feed.post", out);
}

/* {"network":"x|mastodon|bluesky|all","account":"doc3","count":2,"kind":"post",
 *  "target":"doc5","text":"...","tags":["meded"]} */
static void ctl_add_posts(struct rq *r)
{
	static const struct { const char *name; uint8_t type; bool me; int ev; } kinds[] = {
		{ "post", P_ORIG, false, -1 }, { "reply", P_REPLY, false, -1 }, { "reply_me", P_REPLY, true, -1 },
		{ "mention", P_ORIG, false, -1 }, { "mention_me", P_ORIG, true, -1 },
		{ "quote", P_QUOTE, false, -1 }, { "quote_me", P_QUOTE, true, -1 },
		{ "repost", P_REPOST, false, -1 }, { "repost_me", P_REPOST, true, -1 },
		{ "like_me", 0, true, N_LIKE }, { "follow_me", 0, true, N_FOLLOW },
	};
	struct fake *f = r->f;
	cJSON *j = body_json(r);
	const char *kind = j ? jstr(j, "kind") : NULL, *tgt_name = j ? jstr(j, "target") : NULL;
	const cJSON *tj = j ? cJSON_GetObjectItemCaseSensitive(j, "tags") : NULL, *it;
	int net = net_parse(j && jstr(j, "network") ? jstr(j, "network") : "all");
	long count = 1;
	uint32_t a, tgt = 0;
	int tags[3], ntags = 0, k = -1;
	char id[96];

	if (!j || !acct_by_actor(f, jstr(j, "account"), &a)) {
		ctl_error(r, 400, "need a known \"account\" (me, doc1..docN)");
		goto out;
	}
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (strcmp(kind ? kind : "post", kinds[i].name) == 0)
			k = (int)i;
	if (k < 0 || net < 0) {
		ctl_error(r, 400, "unknown \"kind\" or \"network\"");
		goto out;
	}
	if (!kinds[k].me && tgt_name && !acct_by_actor(f, tgt_name, &tgt)) {
		ctl_error(r, 400, "unknown \"target\"");
		goto out;
	}
	if (!kinds[k].me && !tgt_name)
		tgt = a == 0 ? 1 : 0;      /* default: aim at me, or me at doc1 */
	if ((kinds[k].me && a == 0) || (tgt_name && tgt == a && kinds[k].type != P_ORIG)) {
		ctl_error(r, 400, "an account cannot interact with itself here");
		goto out;
	}
	jnum(j, "count", &count);
	if (count < 1 || count > 1000)
		count = 1;
	if (cJSON_IsString(tj) && (tags[0] = tag_add(f, tj->valuestring)) >= 0)
		ntags = 1;
	{
		const cJSON *arr = cJSON_IsArray(tj) ? tj : NULL;
		cJSON_ArrayForEach(it, arr)
			if (cJSON_IsString(it) && ntags < 3 && (tags[ntags] = tag_add(f, it->valuestring)) >= 0)
				ntags++;
	}
	json_begin(r, 200);
	jw_obj(&r->j);
	jw_kbool(&r->j, "ok", true);
	jw_karr(&r->j, "added");
	for (int n = 0; n < NNET; n++) {
		if (net != NNET && net != n)
			continue;
		for (long c = 0; c < count; c++) {
			if (kinds[k].ev >= 0) {
				add_event(f, n, a, (uint8_t)kinds[k].ev, r->now);
				continue;
			}
			bool mention = strncmp(kinds[k].name, "mention", 7) == 0;
			int32_t target = kinds[k].me ? 0 : (int32_t)tgt;
			uint32_t jx = add_post(f, n, a, kinds[k].type, kinds[k].type == P_ORIG ? -1 : target,
					       mention ? target : -1, tags, ntags, jstr(j, "text"), r->now);
			post_id_str(f, n, a, jx, id);
			jw_obj(&r->j);
			jw_kstr(&r->j, "network", net_names[n]);
			jw_kstr(&r->j, "id", id);
			jw_kint(&r->j, "index", jx);
			jw_end(&r->j);
		}
	}
	jw_aend(&r->j);
	jw_end(&r->j);
out:
	cJSON_Delete(j);
}

static void ctl_clock(struct rq *r)
{
	struct fake *f = r->f;
	char iso[32];

	if (evhttp_request_get_command(r->req) == EVHTTP_REQ_POST) {
		cJSON *j = body_json(r);
		const cJSON *now = j ? cJSON_GetObjectItemCaseSensitive(j, "now") : NULL;
		long v;
		int64_t ms;
		if (!j) {
			ctl_error(r, 400, "body is not JSON");
			return;
		}
		if (cJSON_IsNumber(now)) {
			f->frozen = true;
			f->frozen_ms = (int64_t)(now->valuedouble * 1000);
		} else if (cJSON_IsString(now) && parse_iso(now->valuestring, &ms)) {
			f->frozen = true;
			f->frozen_ms = ms;
		}
		if (jnum(j, "advance", &v)) {
			if (f->frozen)
				f->frozen_ms += (int64_t)v * 1000;
			else
				f->offset_ms += (int64_t)v * 1000;
		}
		if (jnum(j, "offset", &v)) {
			f->frozen = false;
			f->scale = 0;
			f->offset_ms = (int64_t)v * 1000;
		}
		if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "real"))) {
			f->frozen = false;
			f->scale = 0;
			f->offset_ms = 0;
		}
		cJSON_Delete(j);
		r->now = now_ms(f);
	}
	iso_ms(r->now, iso);
	json_begin(r, 200);
	jw_obj(&r->j);
	jw_kint(&r->j, "now", r->now / 1000);
	jw_kint(&r->j, "now_ms", r->now);
	jw_kstr(&r->j, "iso", iso);
	jw_kbool(&r->j, "frozen", f->frozen);
	jw_end(&r->j);
}

/* {"bucket":"x.users_tweets","limit":10,"window":900,"remaining":0} */
static void ctl_rate(struct rq *r)
{
	struct fake *f = r->f;
	cJSON *j = body_json(r);
	struct bucket *b = j && jstr(j, "bucket") ? bucket_find(f, jstr(j, "bucket")) : NULL;
	long v;

	if (!b) {
		ctl_error(r, 400, "need a known \"bucket\" (see GET /_fake/stats)");
		cJSON_Delete(j);
		return;
	}
	if (jnum(j, "limit", &v) && v >= 0) {
		b->limit = v;
		b->remaining = v;
	}
	if (jnum(j, "window", &v) && v > 0)
		b->window_s = v;
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "reset")))
		b->reset_s = 0;
	bucket_roll(b, r->now);
	if (jnum(j, "remaining", &v) && v >= 0)
		b->remaining = v;
	cJSON_Delete(j);
	ctl_ok(r);
}

static void ctl_expire_tokens(struct rq *r)
{
	for (size_t i = 0; i < r->f->ntokens; i++)
		if (!r->f->tokens[i].refresh)
			r->f->tokens[i].exp_ms = r->now - 1;
	ctl_ok(r);
}

static void ctl_account_json(struct rq *r, uint32_t a)
{
	struct jw *j = &r->j;
	char name[24], b[96];

	acct_name(r->f, a, name);
	jw_obj(j);
	jw_kint(j, "index", a);
	jw_kstr(j, "name", name);
	jw_kobj(j, "x");
	snprintf(b, sizeof b, "%" PRIu64, X_USER_BASE + a);
	jw_kstr(j, "id", b);
	jw_kstr(j, "username", name);
	jw_kint(j, "posts", count_upto(r->f, NET_X, a, r->now));
	jw_end(j);
	jw_kobj(j, "mastodon");
	snprintf(b, sizeof b, "%" PRIu64, M_ACCT_BASE + a);
	jw_kstr(j, "id", b);
	jw_kstr(j, "acct", name);
	jw_kint(j, "posts", count_upto(r->f, NET_M, a, r->now));
	jw_end(j);
	jw_kobj(j, "bluesky");
	did_of(r->f, a, b);
	jw_kstr(j, "did", b);
	snprintf(b, sizeof b, "%s.bsky.social", name);
	jw_kstr(j, "handle", b);
	jw_kint(j, "posts", count_upto(r->f, NET_B, a, r->now));
	jw_end(j);
	jw_end(j);
}

/* GET /_fake/posts[?name=doc3]: every visible post of one account (or of
 * all), one tab-separated line each: network, the account's stable id, the
 * key a client stores the post under (X and Mastodon id, Bluesky post or
 * repost record URI), its paging order (X and Mastodon id, Bluesky ms),
 * its time in ms and its tags (space-separated). Tests check a client's
 * watermarks against it. */
static void ctl_posts(struct rq *r)
{
	struct fake *f = r->f;
	const char *name = qget(r, "name");
	uint32_t only = 0, a0 = 0, a1 = nacc(f);
	char sid[96], key[96];

	if (name) {
		if (!acct_by_actor(f, name, &only)) {
			ctl_error(r, 404, "unknown account");
			return;
		}
		a0 = only;
		a1 = only + 1;
	}
	raw_reply(r, 200, "text/tab-separated-values; charset=utf-8", "");
	for (int n = 0; n < NNET; n++)
		for (uint32_t a = a0; a < a1; a++) {
			uint32_t vis = count_upto(f, n, a, r->now);
			if (n == NET_X)
				snprintf(sid, sizeof sid, "%" PRIu64, X_USER_BASE + a);
			else if (n == NET_M)
				snprintf(sid, sizeof sid, "%" PRIu64, M_ACCT_BASE + a);
			else
				did_of(f, a, sid);
			for (uint32_t j = 0; j < vis; j++) {
				struct post p;
				post_get(f, n, a, j, &p);
				if (n == NET_B)
					post_uri(f, a, p.t, p.type == P_REPOST ? "app.bsky.feed.repost" : "app.bsky.feed.post", key);
				else
					snprintf(key, sizeof key, "%" PRIu64, post_key(n, p.t, a));
				buf_printf(&r->body, "%s\t%s\t%s\t%" PRIu64 "\t%" PRId64 "\t", net_names[n], sid, key,
					   post_key(n, p.t, a), p.t);
				for (int g = 0; g < p.ntags; g++)
					buf_printf(&r->body, "%s%s", g ? " " : "", f->tags[p.tags[g]]);
				buf_puts(&r->body, "\n");
			}
		}
}

static void ctl_account(struct rq *r)
{
	uint32_t a;
	if (!acct_by_actor(r->f, qget(r, "name"), &a)) {
		ctl_error(r, 404, "unknown account");
		return;
	}
	json_begin(r, 200);
	ctl_account_json(r, a);
}

static void ctl_scenario(struct rq *r)
{
	struct fake *f = r->f;
	struct jw *j = &r->j;
	char iso[32];

	json_begin(r, 200);
	jw_obj(j);
	jw_kint(j, "seed", (long long)f->seed);
	jw_kint(j, "accounts", f->naccounts);
	jw_kint(j, "posts_per_account", f->nposts);
	jw_kint(j, "my_posts", f->nmyposts);
	jw_kint(j, "engaged", f->nengaged);
	iso_ms(f->end_ms, iso);
	jw_kstr(j, "end_time", iso);
	jw_kint(j, "span_days", f->span_ms / DAY_MS);
	jw_kstr(j, "base_url", f->base_url);
	jw_karr(j, "tags");
	for (int t = 0; t < f->ntags; t++)
		jw_str(j, f->tags[t]);
	jw_aend(j);
	jw_kobj(j, "auth");
	jw_kstr(j, "x_bearer", f->x_token);
	jw_kstr(j, "mastodon_token", f->m_token);
	jw_kstr(j, "bluesky_identifier", "me.bsky.social");
	jw_kstr(j, "bluesky_password", f->b_password);
	jw_end(j);
	jw_key(j, "me");
	ctl_account_json(r, 0);
	jw_karr(j, "engaged_accounts");
	for (uint32_t a = 1; a <= f->nengaged && a <= 50; a++)
		ctl_account_json(r, a);
	jw_aend(j);
	jw_kobj(j, "interactions_with_me");
	for (int n = 0; n < NNET; n++) {
		struct stream s;
		stream_notifs(&s, f, n, r->now);
		jw_kint(j, net_names[n], (long long)s.n);
	}
	jw_end(j);
	jw_end(j);
}

static void control(struct rq *r)
{
	const char *p = r->path + strlen("/_fake");
	bool post = evhttp_request_get_command(r->req) == EVHTTP_REQ_POST;
	bool del = evhttp_request_get_command(r->req) == EVHTTP_REQ_DELETE;

	r->f->st.control++;
	if (strcmp(p, "/health") == 0)
		ctl_ok(r);
	else if (strcmp(p, "/stats") == 0)
		ctl_stats(r);
	else if (strcmp(p, "/stats/reset") == 0 && post)
		ctl_stats_reset(r);
	else if (strcmp(p, "/script") == 0 && post)
		ctl_script(r);
	else if ((strcmp(p, "/script") == 0 && del) || (strcmp(p, "/script/clear") == 0 && post)) {
		rules_clear(r->f);
		ctl_ok(r);
	} else if (strcmp(p, "/script") == 0)
		ctl_rules_list(r);
	else if (strcmp(p, "/add_posts") == 0 && post)
		ctl_add_posts(r);
	else if (strcmp(p, "/clock") == 0)
		ctl_clock(r);
	else if (strcmp(p, "/rate") == 0 && post)
		ctl_rate(r);
	else if (strcmp(p, "/expire_tokens") == 0 && post)
		ctl_expire_tokens(r);
	else if (strcmp(p, "/scenario") == 0)
		ctl_scenario(r);
	else if (strcmp(p, "/account") == 0)
		ctl_account(r);
	else if (strcmp(p, "/posts") == 0)
		ctl_posts(r);
	else if (strcmp(p, "/quit") == 0 && post) {
		struct timeval soon = { 0, 100000 };   /* let this reply go out first */
		ctl_ok(r);
		event_base_loopexit(r->f->base, &soon);
	} else
		ctl_error(r, 404, "unknown control path; see fakeapi --help");
}

/* ================================================ 10. connections, dispatch, main */

struct conn {
	struct conn *next;
	struct evhttp_connection *evcon;
};

static size_t conn_slot(const struct evhttp_connection *c)
{
	return (size_t)(((uintptr_t)c >> 4) % CONN_BUCKETS);
}

static void on_conn_close(struct evhttp_connection *evcon, void *arg)
{
	struct fake *f = arg;

	for (struct conn **pp = &f->conns[conn_slot(evcon)]; *pp; pp = &(*pp)->next)
		if ((*pp)->evcon == evcon) {
			struct conn *c = *pp;
			*pp = c->next;
			free(c);
			f->st.conns_open--;
			break;
		}
	pendings_conn_closed(f, evcon);
}

/* First request on a connection: count it and disable Nagle. evhttp 2.1 has
 * no accept hook; without TCP_NODELAY every keep-alive response after the
 * first waits ~40 ms for the client's delayed ACK. */
static void conn_seen(struct fake *f, struct evhttp_request *req)
{
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);
	struct bufferevent *bev;
	struct conn *c;
	int one = 1;

	if (!evcon)
		return;
	for (c = f->conns[conn_slot(evcon)]; c; c = c->next)
		if (c->evcon == evcon)
			return;
	c = xmalloc(sizeof *c);
	c->evcon = evcon;
	c->next = f->conns[conn_slot(evcon)];
	f->conns[conn_slot(evcon)] = c;
	if (++f->st.conns_open > f->st.conns_max)
		f->st.conns_max = f->st.conns_open;
	f->st.conns_total++;
	bev = evhttp_connection_get_bufferevent(evcon);
	if (bev)
		setsockopt(bufferevent_getfd(bev), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	evhttp_connection_set_closecb(evcon, on_conn_close, f);
}

static void conns_free(struct fake *f)
{
	for (size_t i = 0; i < CONN_BUCKETS; i++)
		while (f->conns[i]) {
			struct conn *c = f->conns[i];
			f->conns[i] = c->next;
			free(c);
		}
}

typedef void (*handler_fn)(struct rq *r, const char *arg);

struct route {
	int net;
	enum endpoint ep;
	int method;
	const char *pat;     /* "*" matches one path segment, passed to the handler */
	handler_fn fn;
};

static const struct route routes[] = {
	{ NET_X, EP_X_USER_BY_NAME, EVHTTP_REQ_GET, "/2/users/by/username/*", x_user_by_username },
	{ NET_X, EP_X_USERS_BY, EVHTTP_REQ_GET, "/2/users/by", x_users_by },
	{ NET_X, EP_X_TWEETS, EVHTTP_REQ_GET, "/2/users/*/tweets", x_users_tweets },
	{ NET_X, EP_X_MENTIONS, EVHTTP_REQ_GET, "/2/users/*/mentions", x_users_mentions },
	{ NET_X, EP_X_USER, EVHTTP_REQ_GET, "/2/users/*", x_user_by_id_ep },
	{ NET_X, EP_X_SEARCH, EVHTTP_REQ_GET, "/2/tweets/search/recent", x_search },
	{ NET_X, EP_X_LOOKUP, EVHTTP_REQ_GET, "/2/tweets", x_tweets_lookup },
	{ NET_X, EP_X_LOOKUP, EVHTTP_REQ_GET, "/2/tweets/*", x_tweets_lookup },
	{ NET_M, EP_M_LOOKUP, EVHTTP_REQ_GET, "/api/v1/accounts/lookup", m_lookup },
	{ NET_M, EP_M_STATUSES, EVHTTP_REQ_GET, "/api/v1/accounts/*/statuses", m_statuses },
	{ NET_M, EP_M_ACCOUNT, EVHTTP_REQ_GET, "/api/v1/accounts/*", m_account_ep },
	{ NET_M, EP_M_TAG, EVHTTP_REQ_GET, "/api/v1/timelines/tag/*", m_tag },
	{ NET_M, EP_M_NOTIFS, EVHTTP_REQ_GET, "/api/v1/notifications", m_notifications },
	{ NET_M, EP_M_STATUS, EVHTTP_REQ_GET, "/api/v1/statuses/*", m_status_ep },
	{ NET_B, EP_B_RESOLVE, EVHTTP_REQ_GET, "/xrpc/com.atproto.identity.resolveHandle", b_resolve_handle },
	{ NET_B, EP_B_PROFILE, EVHTTP_REQ_GET, "/xrpc/app.bsky.actor.getProfiles", b_get_profiles },
	{ NET_B, EP_B_PROFILE, EVHTTP_REQ_GET, "/xrpc/app.bsky.actor.getProfile", b_get_profile },
	{ NET_B, EP_B_FEED, EVHTTP_REQ_GET, "/xrpc/app.bsky.feed.getAuthorFeed", b_author_feed },
	{ NET_B, EP_B_SEARCH, EVHTTP_REQ_GET, "/xrpc/app.bsky.feed.searchPosts", b_search },
	{ NET_B, EP_B_NOTIFS, EVHTTP_REQ_GET, "/xrpc/app.bsky.notification.listNotifications", b_list_notifications },
	{ NET_B, EP_B_SEEN, EVHTTP_REQ_POST, "/xrpc/app.bsky.notification.updateSeen", b_update_seen },
	{ NET_B, EP_B_CREATE, EVHTTP_REQ_POST, "/xrpc/com.atproto.server.createSession", b_create_session },
	{ NET_B, EP_B_REFRESH, EVHTTP_REQ_POST, "/xrpc/com.atproto.server.refreshSession", b_refresh_session },
};

/* Matches path against pat; on success *arg is the decoded "*" segment
 * (malloc'd) or NULL. */
static bool route_match(const char *pat, const char *path, char **arg)
{
	*arg = NULL;
	while (*pat && *path) {
		if (*pat == '*') {
			size_t n = strcspn(path, "/");
			if (n == 0)
				return false;
			char *seg = xmalloc(n + 1);
			memcpy(seg, path, n);
			seg[n] = '\0';
			free(*arg);
			*arg = evhttp_uridecode(seg, 0, NULL);
			free(seg);
			path += n;
			pat++;
		} else if (*pat++ != *path++) {
			free(*arg);
			*arg = NULL;
			return false;
		}
	}
	if (*pat || *path) {
		free(*arg);
		*arg = NULL;
		return false;
	}
	return true;
}

static int path_net(const char *path)
{
	if (strncmp(path, "/2/", 3) == 0)
		return NET_X;
	if (strncmp(path, "/api/", 5) == 0)
		return NET_M;
	if (strncmp(path, "/xrpc/", 6) == 0)
		return NET_B;
	return NNET;
}

static void not_found(struct rq *r)
{
	char page[512];

	if (r->net == NET_X) {    /* X answers unknown paths with an HTML page */
		snprintf(page, sizeof page, html_page, 404, "Not Found", 404, "Not Found");
		raw_reply(r, 404, "text/html;charset=utf-8", page);
	} else if (r->net == NET_B) {
		b_error(r, 404, "XRPCNotSupported", "XRPCNotSupported");
	} else {
		net_error(r, 404);
	}
}

static void serve_api(struct rq *r)
{
	struct fake *f = r->f;
	const struct route *rt = NULL;
	char *arg = NULL;
	int method = evhttp_request_get_command(r->req);

	r->net = path_net(r->path);
	r->ep = EP_UNKNOWN;
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
		if (routes[i].method == method && route_match(routes[i].pat, r->path, &arg)) {
			rt = &routes[i];
			r->ep = rt->ep;
			break;
		}
	f->st.requests++;
	f->st.by_ep[r->ep]++;
	f->st.by_net[r->net]++;
	r->rc.net = r->net;
	if ((r->rule = rule_take(f, r))) {
		f->st.scripted++;
		if (apply_replacement(r, r->rule)) {
			free(arg);
			return;
		}
		apply_modifiers(r, r->rule);
	}
	if (rt)
		rt->fn(r, arg);
	else
		not_found(r);
	free(arg);
	if (r->rule)
		rule_add_headers(r, r->rule);
	respond(r);
}

static void on_request(struct evhttp_request *req, void *arg)
{
	struct fake *f = arg;
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	const char *path = uri ? evhttp_uri_get_path(uri) : NULL, *query = uri ? evhttp_uri_get_query(uri) : NULL;
	struct rq r = { .f = f, .req = req, .net = NNET, .ep = EP_UNKNOWN, .status = 200 };

	conn_seen(f, req);
	if (++f->st.inflight > f->st.inflight_max)
		f->st.inflight_max = f->st.inflight;
	TAILQ_INIT(&r.q);
	if (query && evhttp_parse_query_str(query, &r.q) < 0)
		evhttp_clear_headers(&r.q);
	snprintf(r.path, sizeof r.path, "%s", path && *path ? path : "/");
	r.now = now_ms(f);
	r.rc = (struct rctx){ .f = f, .net = NNET, .now = r.now };
	json_begin(&r, 200);
	if (strncmp(r.path, "/_fake/", 7) == 0) {
		control(&r);
		respond(&r);
	} else {
		serve_api(&r);
	}
	evhttp_clear_headers(&r.q);
	buf_free(&r.body);
}

static void usage(FILE *out)
{
	fputs(
"usage: fakeapi [options]\n"
"Fake X API v2, Mastodon and Bluesky server on 127.0.0.1 (one port for all three).\n"
"Prints PORT=<n> on stdout once listening.\n"
"\n"
"Server:\n"
"  --port N               port to bind on 127.0.0.1 (default 0: any free port)\n"
"  --port-file FILE       also write the port number to FILE (atomically)\n"
"  --script FILE          JSON rules (array) to load at start, as for POST /_fake/script\n"
"  --gzip                 gzip-encode answers when the client accepts gzip\n"
"  --hang-max MS          close hung requests after MS (default: never)\n"
"  -v, --verbose          log each request to stderr\n"
"Scenario (deterministic for a given seed and end time):\n"
"  --seed N               (default 1)\n"
"  --accounts N           doc1..docN per network (default 20, max 65535)\n"
"  --posts N              posts per account (default 50)\n"
"  --my-posts N           posts of \"me\" (default: --posts)\n"
"  --engaged K            doc1..docK interact with me (default 5)\n"
"  --tags a,b,c           hashtags used by generated posts (default meded,cardiology,healthequity)\n"
"  --span-days D          posts spread over D days (default 30)\n"
"  --span-hours H         ... or over H hours\n"
"  --end-time T           time of the newest generated post, epoch seconds or ISO 8601\n"
"                         (default: start-up time)\n"
"Clock (rate windows, visibility of posts, token expiry use the fake clock):\n"
"  --now T                start with the clock frozen at T\n"
"  --clock-file FILE      FILE holds the frozen time (epoch seconds or ISO); re-read on change\n"
"  --clock-scale S        the clock runs S times faster, from --now at the real instant\n"
"  --clock-anchor R       R (epoch seconds, fractions allowed; default: start-up)\n"
"Auth and limits:\n"
"  --x-token S            expected X bearer token (default fake-x-token)\n"
"  --mastodon-token S     Mastodon user token (default fake-mastodon-token)\n"
"  --bsky-password S      app password of me.bsky.social (default fake-app-password)\n"
"  --bsky-access-ttl S    access JWT lifetime in seconds (default 7200)\n"
"  --rate NAME=LIMIT[/WINDOW]  set a rate bucket: x.users_tweets, x.users_mentions,\n"
"                         x.search_recent, x.users, x.tweets, mastodon.api, mastodon.paging,\n"
"                         bluesky.api, bluesky.createSession\n"
"\n"
"Endpoints: X /2/users/by/username/:u, /2/users/by?usernames=, /2/users/:id,\n"
"  /2/users/:id/tweets, /2/users/:id/mentions, /2/tweets/search/recent, /2/tweets?ids=;\n"
"  Mastodon /api/v1/accounts/lookup, /api/v1/accounts/:id[/statuses], /api/v1/timelines/tag/:tag,\n"
"  /api/v1/notifications, /api/v1/statuses/:id; Bluesky /xrpc/ com.atproto.identity.resolveHandle,\n"
"  app.bsky.actor.getProfile(s), app.bsky.feed.getAuthorFeed, app.bsky.feed.searchPosts,\n"
"  app.bsky.notification.listNotifications, app.bsky.notification.updateSeen (POST),\n"
"  com.atproto.server.createSession (POST), com.atproto.server.refreshSession (POST).\n"
"\n"
"Control API:\n"
"  GET  /_fake/health              {\"ok\":true}\n"
"  GET  /_fake/scenario            parameters, auth values, ids of me and engaged accounts\n"
"  GET  /_fake/account?name=doc3   ids and visible post counts of one account\n"
"  GET  /_fake/posts[?name=doc3]   visible posts, one TSV line each: net, account id, key, order, ms, tags\n"
"  GET  /_fake/stats               counters: requests per endpoint and network, statuses,\n"
"                                  429s, max connections, max in-flight, rate buckets\n"
"  POST /_fake/stats/reset\n"
"  POST /_fake/script              add rule(s): {\"path\":\"/2/users/\",\"action\":\"429\",\"count\":2}\n"
"       keys: path (prefix, required), action (required), method, count (default 1, -1 forever),\n"
"       skip, code, ms, bytes, interval_ms, reset_in, variant, body, file (body from a file),\n"
"       content_type, headers ({\"Name\":\"value\"}, added to the answer)\n"
"       actions: status (code, network error JSON) | 429 (network's headers; reset_in)\n"
"                | html (code) | raw (code, content_type, body) | expired_token\n"
"                | hang (never answer; ms: close after) | drop (close, no answer)\n"
"                | big (chunked body of bytes, default 16 MiB) | delay (ms, then answer)\n"
"                | trickle (bytes every interval_ms) | truncate (bytes, default half)\n"
"                | cut (Content-Length promised, half sent, connection closed) | gzip\n"
"                | wrong_types (variant ids|nulls|container|all) | duplicate | out_of_order\n"
"  GET  /_fake/script              active rules;  DELETE /_fake/script or POST /_fake/script/clear\n"
"  POST /_fake/add_posts           {\"network\":\"all\",\"account\":\"doc3\",\"count\":1,\"kind\":\"post\",\n"
"                                   \"target\":\"doc5\",\"text\":\"...\",\"tags\":[\"meded\"]}\n"
"       kinds: post reply reply_me mention mention_me quote quote_me repost repost_me\n"
"              like_me follow_me (the last two only create notifications)\n"
"  GET|POST /_fake/clock           {\"now\":EPOCH|ISO} freeze, {\"advance\":S}, {\"offset\":S}, {\"real\":true}\n"
"  POST /_fake/rate                {\"bucket\":\"x.users_tweets\",\"limit\":N,\"window\":S,\"remaining\":N,\"reset\":true}\n"
"  POST /_fake/expire_tokens       Bluesky access tokens expire now (refresh tokens stay valid)\n"
"  POST /_fake/quit\n"
"See docs/FAKEAPI.md.\n", out);
}

static bool parse_time_arg(const char *s, int64_t *ms)
{
	char *end;
	double v = strtod(s, &end);
	if (end != s && *end == '\0') {
		*ms = (int64_t)(v * 1000);
		return true;
	}
	return parse_iso(s, ms);
}

static int parse_rate_arg(struct fake *f, const char *s)
{
	char name[40];
	long limit, window = 0;
	const char *eq = strchr(s, '=');
	struct bucket *b;

	if (!eq || (size_t)(eq - s) >= sizeof name)
		return -1;
	snprintf(name, sizeof name, "%.*s", (int)(eq - s), s);
	if (!(b = bucket_find(f, name)) || sscanf(eq + 1, "%ld/%ld", &limit, &window) < 1 || limit < 0)
		return -1;
	b->limit = b->remaining = limit;
	if (window > 0)
		b->window_s = window;
	return 0;
}

static int parse_args(struct fake *f, int argc, char **argv)
{
	enum { O_PORT = 256, O_PORTFILE, O_SCRIPT, O_GZIP, O_HANG, O_SEED, O_ACC, O_POSTS, O_MY, O_ENG, O_TAGS,
	       O_SPAN, O_END, O_NOW, O_CLOCK, O_XT, O_MT, O_BP, O_TTL, O_RATE, O_SCALE, O_ANCHOR, O_SPANH };
	static const struct option opts[] = {
		{ "port", 1, 0, O_PORT }, { "port-file", 1, 0, O_PORTFILE }, { "script", 1, 0, O_SCRIPT },
		{ "gzip", 0, 0, O_GZIP }, { "hang-max", 1, 0, O_HANG }, { "verbose", 0, 0, 'v' },
		{ "help", 0, 0, 'h' }, { "seed", 1, 0, O_SEED }, { "accounts", 1, 0, O_ACC },
		{ "posts", 1, 0, O_POSTS }, { "my-posts", 1, 0, O_MY }, { "engaged", 1, 0, O_ENG },
		{ "tags", 1, 0, O_TAGS }, { "span-days", 1, 0, O_SPAN }, { "end-time", 1, 0, O_END },
		{ "now", 1, 0, O_NOW }, { "clock-file", 1, 0, O_CLOCK }, { "x-token", 1, 0, O_XT },
		{ "mastodon-token", 1, 0, O_MT }, { "bsky-password", 1, 0, O_BP }, { "bsky-access-ttl", 1, 0, O_TTL },
		{ "rate", 1, 0, O_RATE }, { "clock-scale", 1, 0, O_SCALE }, { "clock-anchor", 1, 0, O_ANCHOR },
		{ "span-hours", 1, 0, O_SPANH },
		{ 0, 0, 0, 0 },
	};
	const char *tags = "meded,cardiology,healthequity";
	long my_posts = -1, engaged = 5, span_days = 30, span_hours = 0, v;
	bool end_set = false;
	double anchor = 0;
	int c;

	while ((c = getopt_long(argc, argv, "vh", opts, NULL)) != -1) {
		bool okv = true;
		switch (c) {
		case O_PORT: okv = parse_long(optarg, &v) && v >= 0 && v < 65536; f->port = (int)v; break;
		case O_PORTFILE: f->port_file = optarg; break;
		case O_SCRIPT: f->script_file = optarg; break;
		case O_GZIP: f->gzip = true; break;
		case O_HANG: okv = parse_long(optarg, &f->hang_max_ms); break;
		case 'v': f->verbose = true; break;
		case 'h': usage(stdout); exit(0);
		case O_SEED: okv = parse_u64(optarg, &f->seed); break;
		case O_ACC: okv = parse_long(optarg, &v) && v >= 0 && v <= 65535; f->naccounts = (uint32_t)v; break;
		case O_POSTS: okv = parse_long(optarg, &v) && v >= 0 && v <= 1000000; f->nposts = (uint32_t)v; break;
		case O_MY: okv = parse_long(optarg, &my_posts) && my_posts >= 0 && my_posts <= 1000000; break;
		case O_ENG: okv = parse_long(optarg, &engaged) && engaged >= 0; break;
		case O_TAGS: tags = optarg; break;
		case O_SPAN: okv = parse_long(optarg, &span_days) && span_days > 0 && span_days < 3650; break;
		case O_SPANH: okv = parse_long(optarg, &span_hours) && span_hours > 0 && span_hours < 87600; break;
		case O_END: okv = parse_time_arg(optarg, &f->end_ms); end_set = true; break;
		case O_NOW: okv = parse_time_arg(optarg, &f->frozen_ms); f->frozen = true; break;
		case O_CLOCK: f->clock_file = optarg; break;
		case O_XT: f->x_token = optarg; break;
		case O_MT: f->m_token = optarg; break;
		case O_BP: f->b_password = optarg; break;
		case O_TTL: okv = parse_long(optarg, &f->b_access_ttl_s) && f->b_access_ttl_s > 0; break;
		case O_RATE: okv = parse_rate_arg(f, optarg) == 0; break;
		case O_SCALE: okv = parse_long(optarg, &v) && v >= 1 && v <= 1000000; f->scale = v; break;
		case O_ANCHOR: {
			char *end;
			anchor = strtod(optarg, &end);
			okv = end != optarg && !*end && anchor > 0;
			break;
		}
		default: usage(stderr); return -1;
		}
		if (!okv) {
			fprintf(stderr, "fakeapi: bad value for option %s: %s\n", argv[optind - 1], optarg);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "fakeapi: unexpected argument %s\n", argv[optind]);
		return -1;
	}
	if (f->scale > 1) {
		/* The fast clock starts at --now (default: the real time) at the
		 * real instant --clock-anchor (default: now), as mentord's
		 * MENTORD_CLOCK_SCALE/ANCHOR do, so both agree on "now". */
		f->anchor_real_ms = anchor > 0 ? (int64_t)(anchor * 1000) : real_ms();
		f->scale_base_ms = f->frozen ? f->frozen_ms : f->anchor_real_ms;
		f->frozen = false;
	}
	f->nmyposts = my_posts >= 0 ? (uint32_t)my_posts : f->nposts;
	f->nengaged = (uint32_t)(engaged > (long)f->naccounts ? (long)f->naccounts : engaged);
	f->span_ms = span_hours ? span_hours * 3600000 : span_days * DAY_MS;
	if (!end_set)
		f->end_ms = now_ms(f) / 1000 * 1000;
	for (const char *p = tags; *p; ) {
		size_t n = strcspn(p, ",");
		char t[64];
		snprintf(t, sizeof t, "%.*s", (int)(n < 63 ? n : 63), *p == '#' ? p + 1 : p);
		if (*t)
			tag_add(f, t);
		p += n + (p[n] == ',');
	}
	f->ntags_gen = f->ntags;
	return 0;
}

static int load_script_file(struct fake *f)
{
	char *text = read_file(f->script_file), err[160];
	cJSON *j;
	int r;

	if (!text) {
		fprintf(stderr, "fakeapi: %s: %s\n", f->script_file, strerror(errno));
		return -1;
	}
	j = cJSON_Parse(text);
	free(text);
	r = j ? rules_add_json(f, j, err, sizeof err) : -1;
	if (r < 0)
		fprintf(stderr, "fakeapi: %s: %s\n", f->script_file, j ? err : "not JSON");
	cJSON_Delete(j);
	return r < 0 ? -1 : 0;
}

static int write_port_file(const char *path, int port)
{
	char tmp[4096];
	FILE *fp;

	snprintf(tmp, sizeof tmp, "%s.tmp.%d", path, (int)getpid());
	if (!(fp = fopen(tmp, "w")))
		return -1;
	fprintf(fp, "%d\n", port);
	if (fclose(fp) != 0 || rename(tmp, path) != 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
	event_base_loopexit(arg, NULL);
}

static int serve(struct fake *f)
{
	struct evhttp_bound_socket *bs;
	struct sockaddr_in sa;
	socklen_t len = sizeof sa;
	struct event *sigint, *sigterm;
	int one = 1;

	f->http = evhttp_new(f->base);
	if (!f->http)
		return -1;
	evhttp_set_allowed_methods(f->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_DELETE);
	evhttp_set_max_body_size(f->http, 1 << 20);
	evhttp_set_gencb(f->http, on_request, f);
	bs = evhttp_bind_socket_with_handle(f->http, "127.0.0.1", (ev_uint16_t)f->port);
	if (!bs) {
		fprintf(stderr, "fakeapi: cannot bind 127.0.0.1:%d\n", f->port);
		return -1;
	}
	/* accepted sockets inherit it on Linux; conn_seen() sets it again anyway */
	setsockopt(evhttp_bound_socket_get_fd(bs), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	getsockname(evhttp_bound_socket_get_fd(bs), (struct sockaddr *)&sa, &len);
	f->port = ntohs(sa.sin_port);
	snprintf(f->base_url, sizeof f->base_url, "http://127.0.0.1:%d", f->port);
	if (f->port_file && write_port_file(f->port_file, f->port) < 0) {
		fprintf(stderr, "fakeapi: cannot write %s: %s\n", f->port_file, strerror(errno));
		return -1;
	}
	printf("PORT=%d\n", f->port);
	fflush(stdout);
	sigint = evsignal_new(f->base, SIGINT, on_signal, f->base);
	sigterm = evsignal_new(f->base, SIGTERM, on_signal, f->base);
	event_add(sigint, NULL);
	event_add(sigterm, NULL);
	event_base_dispatch(f->base);
	event_free(sigint);
	event_free(sigterm);
	return 0;
}

int main(int argc, char **argv)
{
	static struct fake fk;   /* the tool's one state struct */
	struct fake *f = &fk;
	int rc = 1;

	signal(SIGPIPE, SIG_IGN);
	f->seed = 1;
	f->naccounts = 20;
	f->nposts = 50;
	f->x_token = "fake-x-token";
	f->m_token = "fake-mastodon-token";
	f->b_password = "fake-app-password";
	f->b_access_ttl_s = 7200;
	buckets_init(f);
	if (parse_args(f, argc, argv) < 0)
		return 2;
	b32_fill(f->tco, 10, f->seed ^ 0x5eedd1dULL);
	f->did_mask = mix64(f->seed ^ 0xd1d) & ((1ULL << 55) - 1);
	snprintf(f->base_url, sizeof f->base_url, "http://127.0.0.1:%d", f->port);
	scenario_build(f);
	if (f->script_file && load_script_file(f) < 0)
		goto out;
	if (!(f->base = event_base_new()))
		goto out;
	rc = serve(f) < 0 ? 1 : 0;
out:
	if (f->http)
		evhttp_free(f->http);     /* closes connections: on_conn_close drops pendings */
	pendings_free_all(f);
	conns_free(f);
	rules_clear(f);
	while (retired_rules) {
		struct rule *r = retired_rules;
		retired_rules = r->next;
		rule_free(r);
	}
	for (size_t i = 0; i < f->ntokens; i++)
		free(f->tokens[i].s);
	free(f->tokens);
	scenario_free(f);
	if (f->base)
		event_base_free(f->base);
	return rc;
}
