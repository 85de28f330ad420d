/* jw.c — a streaming JSON writer: commas are tracked per nesting level, so
 * renderers read like the JSON they produce. Faster than building cJSON
 * trees, which matters when the daemon benchmark pulls thousands of pages. */
#include <stdint.h>
#include <string.h>

#include "fakeapi.h"

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

void jw_obj(struct jw *j) { jw_open(j, '{'); }
void jw_arr(struct jw *j) { jw_open(j, '['); }

static void jw_close(struct jw *j, char c)
{
	buf_putc(j->b, c);
	j->depth--;
}

void jw_end(struct jw *j) { jw_close(j, '}'); }
void jw_aend(struct jw *j) { jw_close(j, ']'); }

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

void jw_key(struct jw *j, const char *k)
{
	jw_pre(j);
	jw_escape(j, k, strlen(k));
	buf_putc(j->b, ':');
	j->after_key = true;
}

void jw_str(struct jw *j, const char *s)
{
	jw_pre(j);
	if (s)
		jw_escape(j, s, strlen(s));
	else
		buf_puts(j->b, "null");
}

void jw_int(struct jw *j, long long v)
{
	jw_pre(j);
	buf_printf(j->b, "%lld", v);
}

void jw_raw(struct jw *j, const char *literal)
{
	jw_pre(j);
	buf_puts(j->b, literal);
}

void jw_kstr(struct jw *j, const char *k, const char *v) { jw_key(j, k); jw_str(j, v); }
void jw_kint(struct jw *j, const char *k, long long v) { jw_key(j, k); jw_int(j, v); }
void jw_kbool(struct jw *j, const char *k, bool v) { jw_key(j, k); jw_raw(j, v ? "true" : "false"); }
void jw_knull(struct jw *j, const char *k) { jw_key(j, k); jw_raw(j, "null"); }
void jw_kraw(struct jw *j, const char *k, const char *v) { jw_key(j, k); jw_raw(j, v); }
void jw_kobj(struct jw *j, const char *k) { jw_key(j, k); jw_obj(j); }
void jw_karr(struct jw *j, const char *k) { jw_key(j, k); jw_arr(j); }
