/* harness_html.c — Mastodon HTML to plain text, and the
 * character-reference decoder X text goes through (net/html.h). */
#include "harness.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/html.h"

static int fuzz_html_space(char c)
{
	return c == ' ' || c == '\n' || c == '\t' || c == '\r';
}

int fuzz_html_one(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;   /* not NUL-terminated: the API takes len */
	char *text = html_to_text(s, size);
	size_t n;

	if (text) {
		/* html.h: the output never starts or ends with whitespace. */
		n = strlen(text);
		if (n > 0 && (fuzz_html_space(text[0]) || fuzz_html_space(text[n - 1])))
			abort();
		free(text);
	}
	free(html_unescape(s, size));
	for (size_t i = 0; i < size; i++) {
		char out[4];
		size_t out_len = 0, used;

		if (s[i] != '&')
			continue;
		/* &shy; decodes to nothing, so out_len 0 is fine; more than 4 is not. */
		used = html_entity(s + i, size - i, out, &out_len);
		if (used > size - i || out_len > 4)
			abort();
	}
	return 0;
}
