/* report_svg.c — the funnel and the per-mentor timelines (report_svg.h).
 * Coordinates are in CSS pixels of a 760-wide viewBox; the page scales the
 * SVG to its column (width: 100%), on screen and in print. */
#include "report_svg.h"

#include <inttypes.h>
#include <stdbool.h>
#include <time.h>

#define SVG_W        760
#define LABEL_W      96      /* channel / stage names */
#define ROW_H        16
#define BLOCK_HEAD   18      /* a direction's title */
#define AXIS_H       18      /* month labels */
#define FUNNEL_ROW   24
#define FUNNEL_BAR_W 420

static const char *const dir_titles[2] = { "from the mentor to you", "from you to the mentor" };
static const char *const stage_titles[REPORT_STAGES] = {
	"Follow", "Participate", "Establish", "Connected", "Dormant",
};

static void svg_open(FILE *f, int h, const char *label)
{
	fprintf(f, "<svg class=\"chart\" viewBox=\"0 0 %d %d\""
	           " role=\"img\" aria-label=\"%s\">\n", SVG_W, h, label);
}

void report_svg_funnel(FILE *f, const struct report *r)
{
	uint32_t max = 1;
	int h = REPORT_STAGES * FUNNEL_ROW + 8;

	for (int s = 0; s < REPORT_STAGES; s++)
		if (r->stage_now[s] > max)
			max = r->stage_now[s];
	svg_open(f, h, "Mentors per stage");
	for (int s = 0; s < REPORT_STAGES; s++) {
		int y = 4 + s * FUNNEL_ROW;
		/* A sliver for an empty stage, so every row shows a bar. */
		double w = r->stage_now[s] ? (double)r->stage_now[s] * FUNNEL_BAR_W / max : 2.0;
		fprintf(f, "<text x=\"0\" y=\"%d\" class=\"lbl\">%s</text>\n", y + 15, stage_titles[s]);
		fprintf(f, "<rect class=\"fbar s-%s\" x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\">"
		           "<title>%s: %" PRIu32 " now</title></rect>\n",
		        report_stage_names[s], LABEL_W + 10, y + 2, w, FUNNEL_ROW - 6, stage_titles[s],
		        r->stage_now[s]);
		fprintf(f, "<text x=\"%.1f\" y=\"%d\" class=\"num\">%" PRIu32 " now · %" PRIu32
		           " moved in (90 days)</text>\n",
		        LABEL_W + 10 + w + 8, y + 15, r->stage_now[s], r->stage_moved[s]);
	}
	fputs("</svg>\n", f);
}

static uint32_t max_count(const struct report *r, const struct report_mentor *m)
{
	uint32_t max = 1;

	for (int d = 0; d < 2; d++)
		for (int c = 0; c < REPORT_CHANNELS; c++)
			for (unsigned i = 0; i < r->months; i++)
				if (report_count(r, m, d, c, i) > max)
					max = report_count(r, m, d, c, i);
	return max;
}

static void axis(FILE *f, const struct report *r, double cw, int y)
{
	/* Every month while they fit, else every third or sixth. */
	unsigned step = r->months <= 12 ? 1 : r->months <= 36 ? 3 : 6;
	for (unsigned i = 0; i < r->months; i += step)
		fprintf(f, "<text x=\"%d\" y=\"%d\" class=\"ax\">%s</text>\n", (int)(LABEL_W + (i + 0.5) * cw), y,
		        r->month_labels[i]);
}

static void milestones(FILE *f, const struct report *r, const struct report_mentor *m, double cw, int h)
{
	for (int s = 0; s < REPORT_STAGES; s++) {
		int i = m->reached[s] ? report_month_of(r, m->reached[s]) : -1;
		if (i < 0)
			continue;
		int x = (int)(LABEL_W + (i + 0.5) * cw);
		const char *label = r->month_labels[i];
		/* Near the right edge the label goes to the left of its line. */
		bool left = x > SVG_W - 80;
		fprintf(f, "<line class=\"ms\" x1=\"%d\" y1=\"0\" x2=\"%d\" y2=\"%d\"><title>%s reached %s</title></line>\n"
		           "<text x=\"%d\" y=\"%d\" class=\"mst%s\">%s</text>\n",
		        x, x, h - AXIS_H, stage_titles[s], label, left ? x - 2 : x + 2, 9 + 9 * s,
		        left ? " end" : "", stage_titles[s]);
	}
}

size_t report_svg_timeline(FILE *f, const struct report *r, const struct report_mentor *m)
{
	double cw = (double)(SVG_W - LABEL_W - 4) / r->months;
	int h = 2 * (BLOCK_HEAD + REPORT_CHANNELS * ROW_H) + AXIS_H + 4;
	uint32_t max = max_count(r, m);
	size_t bars = 0;

	svg_open(f, h, "Engagement by month, channel and direction");
	for (int d = 0; d < 2; d++) {
		int y0 = d * (BLOCK_HEAD + REPORT_CHANNELS * ROW_H);
		fprintf(f, "<text x=\"0\" y=\"%d\" class=\"dir\">%s</text>\n", y0 + 13, dir_titles[d]);
		for (int c = 0; c < REPORT_CHANNELS; c++) {
			int y = y0 + BLOCK_HEAD + c * ROW_H;
			fprintf(f, "<text x=\"8\" y=\"%d\" class=\"lbl\">%s</text>"
			           "<line class=\"grid\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>\n",
			        y + ROW_H - 3, report_channel_names[c], LABEL_W, y + ROW_H, SVG_W - 4, y + ROW_H);
			for (unsigned i = 0; i < r->months; i++) {
				uint32_t n = report_count(r, m, d, c, i);
				if (!n)
					continue;
				int bh = 2 + (int)((uint64_t)n * (ROW_H - 4) / max);
				fprintf(f, "<rect class=\"bar c-%s\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\">"
				           "<title>%s, %s, %s: %" PRIu32 "</title></rect>\n",
				        report_channel_names[c], (int)(LABEL_W + i * cw) + 1, y + ROW_H - bh, cw > 3 ? (int)cw - 2 : 1,
				        bh, report_channel_names[c], r->month_labels[i], dir_titles[d], n);
				bars++;
			}
		}
	}
	milestones(f, r, m, cw, h);
	axis(f, r, cw, h - 6);
	fputs("</svg>\n", f);
	return bars;
}
