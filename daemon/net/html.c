#include "net/html.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

static size_t utf8_put(uint32_t cp, char out[4])
{
	if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		cp = 0xFFFD;
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | cp >> 12);
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | cp >> 18);
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* The named references that occur in server-generated HTML and tweet text;
 * nbsp maps to a plain space because the output is for reading, not layout. */
static const struct { const char *name; uint32_t cp; } named[] = {
	{ "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' }, { "apos", '\'' },
	{ "nbsp", ' ' }, { "hellip", 0x2026 }, { "mdash", 0x2014 }, { "ndash", 0x2013 },
	{ "lsquo", 0x2018 }, { "rsquo", 0x2019 }, { "ldquo", 0x201C }, { "rdquo", 0x201D },
	{ "laquo", 0xAB }, { "raquo", 0xBB }, { "middot", 0xB7 }, { "bull", 0x2022 },
	{ "copy", 0xA9 }, { "reg", 0xAE }, { "trade", 0x2122 }, { "euro", 0x20AC },
	{ "pound", 0xA3 }, { "deg", 0xB0 }, { "times", 0xD7 }, { "shy", 0xAD },
};

size_t html_entity(const char *s, size_t len, char out[4], size_t *out_len)
{
	size_t i = 1;

	*out_len = 0;
	if (len < 3 || s[0] != '&')
		return 0;
	if (s[1] == '#') {
		bool hex = len > 2 && (s[2] == 'x' || s[2] == 'X');
		uint32_t cp = 0;
		size_t start;

		i = hex ? 3 : 2;
		start = i;
		for (; i < len && i - start < 8; i++) {
			int c = (unsigned char)s[i];

			if (hex ? !isxdigit(c) : !isdigit(c))
				break;
			cp = cp * (hex ? 16 : 10) +
			     (uint32_t)(isdigit(c) ? c - '0' : tolower(c) - 'a' + 10);
		}
		if (i == start || i >= len || s[i] != ';')
			return 0;
		*out_len = utf8_put(cp, out);
		return i + 1;
	}
	while (i < len && i < 10 && isalnum((unsigned char)s[i]))
		i++;
	if (i >= len || s[i] != ';')
		return 0;
	for (size_t k = 0; k < sizeof(named) / sizeof(named[0]); k++) {
		if (strlen(named[k].name) == i - 1 && strncmp(named[k].name, s + 1, i - 1) == 0) {
			/* A soft hyphen is invisible: decode it to nothing. */
			*out_len = named[k].cp == 0xAD ? 0 : utf8_put(named[k].cp, out);
			return i + 1;
		}
	}
	return 0;
}

char *html_unescape(const char *s, size_t len)
{
	struct strbuf b = STRBUF_INIT;
	size_t i = 0, run = 0;

	while (i < len) {
		char enc[4];
		size_t n, used;

		if (s[i] != '&' || !(used = html_entity(s + i, len - i, enc, &n))) {
			i++;
			run++;
			continue;
		}
		strbuf_append(&b, s + i - run, run);
		strbuf_append(&b, enc, n);
		run = 0;
		i += used;
	}
	strbuf_append(&b, s + len - run, run);
	return strbuf_steal(&b);
}

struct h2t {
	struct strbuf *out;
	int pending_nl;   /* line breaks owed before the next visible text */
	bool space;       /* a collapsed space is owed before the next text */
	bool pre;         /* inside <pre>: whitespace is kept */
};

static void trim_trailing_spaces(struct strbuf *b)
{
	size_t n = b->len;

	while (n && b->data[n - 1] == ' ')
		n--;
	strbuf_truncate(b, n);
}

static void emit(struct h2t *st, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\0')
			continue;    /* would end the C string the caller gets early */
		/* <pre> keeps its whitespace, except before the first text: the
		 * output never starts with whitespace. */
		if ((!st->pre || !st->out->len) &&
		    (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f')) {
			st->space = true;
			continue;
		}
		if (st->out->len && st->pending_nl) {
			trim_trailing_spaces(st->out);
			strbuf_append(st->out, "\n\n", st->pending_nl > 1 ? 2 : 1);
		} else if (st->space && st->out->len && st->out->data[st->out->len - 1] != '\n') {
			strbuf_putc(st->out, ' ');
		}
		st->pending_nl = 0;
		st->space = false;
		strbuf_putc(st->out, (char)c);
	}
}

static void need_breaks(struct h2t *st, int n)
{
	if (st->pending_nl < n)
		st->pending_nl = n;
}

static bool name_is(const char *name, size_t n, const char *want)
{
	return strlen(want) == n && strncasecmp(name, want, n) == 0;
}

/* Finds the '>' that closes a tag starting at s[i] == '<', honouring quoted
 * attribute values. Returns its index, or len if the tag never closes. */
static size_t tag_end(const char *s, size_t len, size_t i)
{
	char quote = 0;

	for (i++; i < len; i++) {
		if (quote) {
			if (s[i] == quote)
				quote = 0;
		} else if (s[i] == '"' || s[i] == '\'') {
			quote = s[i];
		} else if (s[i] == '>') {
			return i;
		}
	}
	return len;
}

/* Skips raw text up to and including "</name>" (case-insensitive). */
static size_t skip_raw(const char *s, size_t len, size_t i, const char *name)
{
	size_t nl = strlen(name);

	for (; i + 2 + nl <= len; i++)
		if (s[i] == '<' && s[i + 1] == '/' && strncasecmp(s + i + 2, name, nl) == 0)
			return tag_end(s, len, i) + 1;
	return len;
}

static size_t handle_tag(struct h2t *st, const char *s, size_t len, size_t i)
{
	size_t end, p, nstart;
	bool closing;

	if (len - i >= 4 && strncmp(s + i, "<!--", 4) == 0) {
		const char *c = memmem(s + i + 4, len - i - 4, "-->", 3);
		return c ? (size_t)(c - s) + 3 : len;
	}
	end = tag_end(s, len, i);
	if (end >= len)
		return len;
	p = i + 1;
	closing = s[p] == '/';
	if (closing)
		p++;
	nstart = p;
	while (p < end && isalnum((unsigned char)s[p]))
		p++;
	const char *name = s + nstart;
	size_t n = p - nstart;

	if (name_is(name, n, "br")) {
		if (st->pending_nl < 2)
			st->pending_nl++;
		if (!st->out->len)
			st->pending_nl = 0;
	} else if (name_is(name, n, "p")) {
		need_breaks(st, 2);
	} else if (name_is(name, n, "pre")) {
		need_breaks(st, 2);
		st->pre = !closing;
	} else if (name_is(name, n, "div") || name_is(name, n, "li") || name_is(name, n, "ul") ||
		   name_is(name, n, "ol") || name_is(name, n, "blockquote") || name_is(name, n, "tr") ||
		   (n == 2 && tolower((unsigned char)name[0]) == 'h' && name[1] >= '1' && name[1] <= '6')) {
		need_breaks(st, 1);
	} else if (!closing && (name_is(name, n, "script") || name_is(name, n, "style"))) {
		return skip_raw(s, len, end + 1, n == 6 ? "script" : "style");
	}
	return end + 1;
}

char *html_to_text(const char *html, size_t len)
{
	struct strbuf out = STRBUF_INIT;
	struct h2t st = { &out, 0, false, false };
	size_t i = 0;

	while (i < len) {
		char c = html[i];

		if (c == '<' && i + 1 < len &&
		    (isalpha((unsigned char)html[i + 1]) || html[i + 1] == '/' || html[i + 1] == '!' ||
		     html[i + 1] == '?')) {
			i = handle_tag(&st, html, len, i);
			continue;
		}
		if (c == '&') {
			char enc[4];
			size_t n, used = html_entity(html + i, len - i, enc, &n);

			if (used) {
				emit(&st, enc, n);
				i += used;
				continue;
			}
		}
		/* Copy a run of plain bytes at once. */
		size_t j = i + 1;

		while (j < len && html[j] != '<' && html[j] != '&')
			j++;
		emit(&st, html + i, j - i);
		i = j;
	}
	/* Only <pre> content can leave whitespace at the end. */
	while (out.len && isspace((unsigned char)out.data[out.len - 1]))
		strbuf_truncate(&out, out.len - 1);
	return strbuf_steal(&out);
}
