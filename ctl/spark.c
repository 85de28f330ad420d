/* spark.c — sparklines (see spark.h for the levels and why zero is the
 * baseline rather than a blank). */
#include "spark.h"
#include "common/strbuf.h"

#include <langinfo.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

/* Level 0 (zero) then SPARK_LEVELS levels, lowest first. */
static const char *const blocks[SPARK_LEVELS + 1] = {
	"\u2581", "\u2582", "\u2583", "\u2584", "\u2585", "\u2586", "\u2587", "\u2588"
};
static const char ascii[SPARK_LEVELS + 2] = "_.:-=+*#";

bool spark_utf8(void)
{
	const char *cur = setlocale(LC_CTYPE, NULL);
	char *saved = cur ? strdup(cur) : NULL;
	bool utf8 = false;

	if (setlocale(LC_CTYPE, "")) {
		const char *cs = nl_langinfo(CODESET);
		utf8 = cs && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
	}
	setlocale(LC_CTYPE, saved ? saved : "C");
	free(saved);
	return utf8;
}

int spark_level(uint32_t count, uint32_t max)
{
	if (count == 0)
		return 0;
	if (max < count)
		max = count;
	return (int)(((uint64_t)count * SPARK_LEVELS + max - 1) / max);
}

uint32_t spark_max(const uint32_t *counts, size_t n)
{
	uint32_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (counts[i] > m)
			m = counts[i];
	return m;
}

char *spark_draw(const uint32_t *counts, size_t n, uint32_t max, size_t cell, bool utf8)
{
	struct strbuf b = STRBUF_INIT;

	if (max == 0)
		max = spark_max(counts, n);
	if (cell == 0)
		cell = 1;
	strbuf_puts(&b, "");
	for (size_t i = 0; i < n; i++) {
		int lv = spark_level(counts[i], max);
		for (size_t k = 0; k < (cell > 1 ? cell - 1 : 1); k++) {
			if (utf8)
				strbuf_puts(&b, blocks[lv]);
			else
				strbuf_putc(&b, ascii[lv]);
		}
		if (cell > 1)
			strbuf_putc(&b, ' ');
	}
	return strbuf_steal(&b);
}
