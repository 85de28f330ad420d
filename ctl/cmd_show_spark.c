/* cmd_show_spark.c — the engagement chart of `mentorctl show`: the past 12
 * UTC months each way as sparklines, month labels under them, sized to
 * the terminal. Text only (--json has the timeline itself). */
#include "ctl.h"
#include "engagement.h"
#include "spark.h"
#include "text.h"
#include "common/calendar.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MONTHS 12
#define LABEL_COLS 11     /* "them → you" / "you → them", padded */
#define TOTAL_COLS 8      /* "  123456" after the line */

static const char *const month_names[12] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
};

/* Columns per month: "Jan " under 4, "J " under 2, "J" under 1 — the widest
 * whose line fits the terminal. */
static size_t cell_for(size_t cols)
{
	static const size_t cells[] = { 4, 2, 1 };
	for (size_t i = 0; i < 3; i++)
		if (2 + LABEL_COLS + 1 + MONTHS * cells[i] + TOTAL_COLS <= cols)
			return cells[i];
	return 1;
}

static void print_labels(int64_t start, size_t cell)
{
	printf("  %*s ", LABEL_COLS, "");
	for (int64_t i = 0; i < MONTHS; i++) {
		int y, m, d;
		calendar_date(calendar_add(CALENDAR_MONTH, start, i), &y, &m, &d);
		int w = i + 1 < MONTHS ? (int)cell : 1;   /* no trailing blanks */
		printf(cell >= 4 ? "%-*s" : "%-*.1s", w, month_names[m - 1]);
	}
	printf("\n");
}

static uint64_t total(const uint32_t *v)
{
	uint64_t t = 0;
	for (size_t i = 0; v && i < MONTHS; i++)
		t += v[i];
	return t;
}

static void print_row(const char *label, const uint32_t *v, uint32_t max, size_t cell, bool utf8)
{
	static const uint32_t none[MONTHS];
	char *line = spark_draw(v ? v : none, MONTHS, max, cell, utf8);

	if (!line)
		return;
	/* the label's arrow is one column but three bytes: pad by hand */
	printf("  %s%*s %s%s%6llu\n", label, (int)(LABEL_COLS - text_cols(label)), "", line,
	       cell > 1 ? " " : "  ", (unsigned long long)total(v));
	free(line);
}

void ctl_show_spark(struct ctl *ctl, uint64_t id)
{
	struct engagement e;
	const uint32_t *in, *out;
	bool utf8 = spark_utf8();
	size_t cell = cell_for(text_columns());
	int y0, m0, d, y1, m1;

	if (engagement_fetch(ctl, &id, 1, "month", MONTHS, &e) < 0)
		return;
	engagement_rows(&e, id, &in, &out);
	uint32_t max = in ? spark_max(in, MONTHS) : 0, max_out = out ? spark_max(out, MONTHS) : 0;
	if (max_out > max)
		max = max_out;
	calendar_date(e.start, &y0, &m0, &d);
	calendar_date(calendar_add(CALENDAR_MONTH, e.start, MONTHS - 1), &y1, &m1, &d);
	/* one scale for both rows, so the two directions compare */
	printf("\nEngagement a month, %s %d-%s %d:\n", month_names[m0 - 1], y0, month_names[m1 - 1], y1);
	print_row(utf8 ? "them \u2192 you" : "them -> you", in, max, cell, utf8);
	print_row(utf8 ? "you \u2192 them" : "you -> them", out, max, cell, utf8);
	print_labels(e.start, cell);
	engagement_clear(&e);
}
