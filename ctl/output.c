#include "output.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

void format_relative(int64_t t, int64_t now, char *buf, size_t size)
{
	static const struct { int64_t sec; const char *unit; } units[] = {
		{ 365 * 86400, "y" }, { 30 * 86400, "mo" }, { 7 * 86400, "w" },
		{ 86400, "d" }, { 3600, "h" }, { 60, "m" }, { 1, "s" },
	};
	int64_t d;
	if (t <= 0) {
		snprintf(buf, size, "never");
		return;
	}
	d = now - t;
	if (d > -5 && d < 5) {
		snprintf(buf, size, "now");
		return;
	}
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
		int64_t a = d < 0 ? -d : d;
		if (a >= units[i].sec) {
			if (d > 0)
				snprintf(buf, size, "%lld%s ago", (long long)(a / units[i].sec), units[i].unit);
			else
				snprintf(buf, size, "in %lld%s", (long long)(a / units[i].sec), units[i].unit);
			return;
		}
	}
}

cJSON *json_time(int64_t t)
{
	char buf[32];
	time_t tt = (time_t)t;
	struct tm tm;
	if (t <= 0 || !gmtime_r(&tt, &tm))
		return cJSON_CreateNull();
	strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return cJSON_CreateString(buf);
}

int json_print(cJSON *doc)
{
	char *s = doc ? cJSON_Print(doc) : NULL;
	int r = 0;
	if (!s)
		r = -ENOMEM;
	else
		printf("%s\n", s);
	free(s);
	cJSON_Delete(doc);
	return r;
}

struct table {
	size_t columns, n, cap;
	char **cells;
	uint32_t hidden;    /* bit per column left out when printed */
};

struct table *table_new(size_t columns)
{
	struct table *t = calloc(1, sizeof *t);
	if (t)
		t->columns = columns;
	return t;
}

int table_add(struct table *t, const char *cell)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 32;
		char **c = realloc(t->cells, cap * sizeof *c);
		if (!c)
			return -ENOMEM;
		t->cells = c;
		t->cap = cap;
	}
	if (!(t->cells[t->n] = strdup(cell ? cell : "")))
		return -ENOMEM;
	t->n++;
	return 0;
}

int table_addf(struct table *t, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	return table_add(t, buf);
}

/* Width in terminal columns, approximated as UTF-8 code points. */
static size_t text_width(const char *s)
{
	size_t w = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
}

static void column_widths(const struct table *t, size_t width[16])
{
	memset(width, 0, 16 * sizeof width[0]);
	for (size_t i = 0; i < t->n; i++) {
		size_t w = text_width(t->cells[i]);
		if (i % t->columns < 16 && w > width[i % t->columns])
			width[i % t->columns] = w;
	}
}

size_t table_width(const struct table *t, size_t columns)
{
	size_t width[16], w = 0;

	column_widths(t, width);
	for (size_t c = 0; c < columns && c < t->columns && c < 16; c++)
		w += width[c] + (c ? 2 : 0);
	return w;
}

void table_hide(struct table *t, size_t column)
{
	if (column < 16)
		t->hidden |= 1u << column;
}

void table_print(struct table *t, bool header)
{
	size_t width[16], cols = t->columns < 16 ? t->columns : 16, last = 0;
	bool color = header && use_color();

	column_widths(t, width);
	for (size_t c = 0; c < cols; c++)
		if (!(t->hidden & (1u << c)))
			last = c;
	for (size_t i = 0; i < t->n; i++) {
		size_t col = i % t->columns;
		bool head = color && i < t->columns;
		if (col >= cols || (t->hidden & (1u << col)))
			continue;
		printf("%s%s%s", head ? "\033[1m" : "", t->cells[i], head ? "\033[0m" : "");
		if (col != last)
			for (size_t pad = text_width(t->cells[i]); pad < width[col] + 2; pad++)
				putchar(' ');
		else
			putchar('\n');
	}
}

void table_free(struct table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t);
}

bool use_color(void)
{
	const char *nc = getenv("NO_COLOR");
	return isatty(STDOUT_FILENO) && !(nc && *nc);
}
