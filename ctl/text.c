/* text.c — one-line, terminal-safe renderings of foreign text. */
#include "text.h"
#include "common/utf8.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* What a code point turns into: ' ' white space, 0 dropped, 1 kept. */
static int classify(uint32_t c)
{
	if (c < 0x20 || c == ' ' || c == 0x7f || (c >= 0x80 && c <= 0x9f) || c == 0x2028 || c == 0x2029)
		return ' ';
	/* Bidi embeddings, overrides and isolates can make a line read
	 * differently from what it holds. */
	if ((c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069))
		return 0;
	return 1;
}

/* Sanitises s into out (room for strlen(s) + 1 bytes). */
static void sanitize(const char *s, char *out)
{
	const char *p = s, *end = s + strlen(s);
	char *o = out;
	bool space = false;

	while (*p) {
		size_t n;
		bool bad;
		uint32_t c = utf8_decode(p, (size_t)(end - p), &n, &bad);
		int kind = bad ? 1 : classify(c);
		if (kind == ' ') {
			space = o > out;
		} else if (kind == 1) {
			if (space)
				*o++ = ' ';
			space = false;
			if (bad) {
				*o++ = '?';
			} else {
				memcpy(o, p, n);
				o += n;
			}
		}
		p += n;
	}
	*o = '\0';
}

size_t text_cols(const char *s)
{
	return utf8_cols(s, strlen(s));
}

/* Byte offset where the text stops fitting in cols columns; a wide
 * character that would straddle the edge goes, and combining marks stay
 * with the character they follow. */
static size_t offset_of_col(const char *s, size_t cols)
{
	size_t i = 0, w = 0, len = strlen(s);

	while (i < len) {
		size_t n;
		bool bad;
		uint32_t c = utf8_decode(s + i, len - i, &n, &bad);
		size_t cw = bad ? 1 : (size_t)utf8_width(c);
		if (w + cw > cols || (cw > 0 && w == cols))
			break;
		w += cw;
		i += n;
	}
	return i;
}

char *text_line(const char *s, size_t max_cols)
{
	static const char ellipsis[] = "\xe2\x80\xa6";   /* U+2026 */
	size_t len;
	char *out;

	if (!s)
		s = "";
	len = strlen(s);
	if (!(out = malloc(len + sizeof ellipsis)))
		return NULL;
	sanitize(s, out);
	if (max_cols > 0 && text_cols(out) > max_cols) {
		size_t cut = offset_of_col(out, max_cols - 1);
		while (cut > 0 && out[cut - 1] == ' ')
			cut--;
		memcpy(out + cut, ellipsis, sizeof ellipsis);
	}
	return out;
}

size_t text_columns(void)
{
	struct winsize ws;
	const char *env = getenv("COLUMNS");
	size_t cols = 80;

	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
		cols = ws.ws_col;
	} else if (env && *env) {
		char *end;
		unsigned long v = strtoul(env, &end, 10);
		if (!*end && v > 0 && v < 10000)
			cols = v;
	}
	return cols < 40 ? 40 : cols;
}

void text_wrap(FILE *f, const char *first, size_t indent, const char *s, size_t cols)
{
	char *line = text_line(s, 0), *save = NULL;
	size_t col = text_cols(first);
	bool fresh = true;   /* no word on the current line yet */

	fputs(first, f);
	if (!line) {
		fputc('\n', f);
		return;
	}
	for (char *w = strtok_r(line, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		size_t n = text_cols(w);
		if (!fresh && col + 1 + n > cols) {
			fprintf(f, "\n%*s", (int)indent, "");
			col = indent;
			fresh = true;
		}
		if (!fresh) {
			fputc(' ', f);
			col++;
		}
		fputs(w, f);
		col += n;
		fresh = false;
	}
	fputc('\n', f);
	free(line);
}

void text_line_col(const char *s, size_t off, uint32_t *line, uint32_t *col)
{
	uint32_t l = 1, c = 1;
	for (size_t i = 0; i < off && s[i]; i++) {
		if (s[i] == '\n') {
			l++;
			c = 1;
		} else if (((unsigned char)s[i] & 0xc0) != 0x80) {
			c++;   /* a character starts here (continuation bytes do not) */
		}
	}
	*line = l;
	*col = c;
}
