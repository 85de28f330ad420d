/* report_html.c — the report document (report_html.h): the first page
 * (what it holds, the funnel, the user's own activity), then a page per
 * mentor. */
#include "report_html.h"
#include "report_svg.h"
#include "text.h"
#include "common/macros.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <time.h>

#define TEXT_COLS 600          /* a question or note, shown whole up to this */

/* Margins that fit the narrower (A4, 210 mm) and the shorter (Letter,
 * 279.4 mm) of the two papers: the content box, 180 × 243 mm, fits both. */
static const char css[] =
	":root{color-scheme:light}\n"
	"body{font:14px/1.45 system-ui,-apple-system,\"Segoe UI\",Roboto,sans-serif;color:#1b1b1b;"
	"background:#fff;margin:0 auto;max-width:820px;padding:24px}\n"
	"h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:24px 0 8px}h3{font-size:15px;margin:16px 0 6px}\n"
	"bdi{unicode-bidi:isolate}\n"
	".meta,.note{color:#555}.privacy{border:1px solid #bbb;padding:8px 12px 8px 28px;margin:12px 0}\n"
	"table{border-collapse:collapse;width:100%;margin:6px 0}th,td{text-align:left;padding:3px 6px;"
	"border-bottom:1px solid #ddd;vertical-align:top;overflow-wrap:anywhere}\n"
	".stage{font-size:13px;font-weight:normal;border:1px solid #888;border-radius:9px;padding:0 8px;margin-left:8px}\n"
	"dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:6px 0}dt{color:#555}dd{margin:0}\n"
	"svg.chart{display:block;width:100%;height:auto;margin:8px 0}\n"
	"svg text{font:11px system-ui,sans-serif;fill:#333}svg text.dir{font-weight:bold}svg text.ax{text-anchor:middle;fill:#666}\n"
	"svg text.mst{fill:#8a5a00;font-size:9px}svg text.end{text-anchor:end}svg line.ms{stroke:#d08c00;stroke-width:1.5;stroke-dasharray:3 2}\n"
	"svg line.grid{stroke:#e4e4e4}rect.fbar{fill:#4a6fa5}\n"
	"rect.c-x{fill:#333}rect.c-mastodon{fill:#6364ff}rect.c-bluesky{fill:#1185fe}rect.c-email{fill:#c0392b}"
	"rect.c-linkedin{fill:#0a66c2}rect.c-offline{fill:#2e8b57}\n"
	"section.mentor{border-top:2px solid #333;margin-top:28px}\n"
	"@page{size:auto;margin:18mm 15mm}\n"
	"@media print{body{max-width:none;padding:0;font-size:10.5pt}"
	"section.mentor{break-before:page;page-break-before:always;border-top:none;margin-top:0}"
	"svg.chart,table,dl{break-inside:avoid;page-break-inside:avoid}h2,h3{break-after:avoid}}\n";

int report_html_text(FILE *f, const char *s, size_t max_cols, unsigned flags)
{
	if (!s)
		return 0;
	_cleanup_free_ char *line = text_line(s, max_cols);
	if (!line)
		return -ENOMEM;
	if (flags & REPORT_TEXT_BDI)
		fputs("<bdi>", f);
	for (const char *p = line; *p; p++) {
		switch (*p) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default: fputc(*p, f);
		}
	}
	if (flags & REPORT_TEXT_BDI)
		fputs("</bdi>", f);
	return 0;
}

static void day(int64_t t, char *buf, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t <= 0 || !gmtime_r(&tt, &tm) || !strftime(buf, size, "%Y-%m-%d", &tm))
		snprintf(buf, size, "—");
}

/* One row of an item table: its date, a first cell (the mentor, or the
 * kind), its channel and its text. */
static int item_row(FILE *f, const struct report_item *it, const char *first, size_t first_cols,
                    unsigned first_flags)
{
	char d[32];
	int rc;

	day(it->at, d, sizeof d);
	fprintf(f, "<tr><td>%s</td><td>", d);
	rc = report_html_text(f, first, first_cols, first_flags);
	fputs("</td><td>", f);
	if (rc == 0)
		rc = report_html_text(f, it->platform, 0, 0);
	fputs("</td><td>", f);
	if (rc == 0)
		rc = report_html_text(f, it->text, TEXT_COLS, REPORT_TEXT_BDI);
	fputs("</td></tr>\n", f);
	return rc;
}

/* "5 h", "3 days": how long a reply took. */
static void span(int64_t s, char *buf, size_t size)
{
	if (s < 0)
		snprintf(buf, size, "no reply in the period");
	else if (s < 3600)
		snprintf(buf, size, "%" PRId64 " min", s / 60);
	else if (s < 2 * 86400)
		snprintf(buf, size, "%" PRId64 " h", s / 3600);
	else
		snprintf(buf, size, "%" PRId64 " days", s / 86400);
}

static void head(FILE *f, const struct report *r)
{
	char d[32];

	day(r->now, d, sizeof d);
	fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	           "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	           "style-src 'unsafe-inline'; img-src data:\">\n"
	           "<meta name=\"referrer\" content=\"no-referrer\">\n"
	           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	           "<title>Mentoring report %s</title>\n<style>\n%s</style>\n</head>\n<body>\n", d, css);
}

static void first_page(FILE *f, const struct report *r)
{
	char d[32], from[32];

	day(r->now, d, sizeof d);
	day(r->start, from, sizeof from);
	fprintf(f, "<header>\n<h1>Mentoring report</h1>\n"
	           "<p class=\"meta\">Made %s (UTC) by mentord. Timelines from %s, %u month%s; ",
	        d, from, r->months, r->months == 1 ? "" : "s");
	if (r->since) {
		day(r->since, from, sizeof from);
		fprintf(f, "counts since %s. ", from);
	} else {
		fputs("counts over those months. ", f);
	}
	fprintf(f, "%zu mentor%s%s.</p>\n", r->n, r->n == 1 ? "" : "s", r->filtered ? " (chosen by name)" : "");
	fprintf(f, "<ul class=\"privacy\">\n<li>Private notes: %s</li>\n<li>E-mail subjects: %s</li>\n</ul>\n</header>\n",
	        r->private_texts ? "included" : "left out", r->private_texts ? "included" : "left out");
	fputs("<h2>Stage funnel</h2>\n<p class=\"note\">Mentors at each stage now, and how many reached it "
	      "in the last 90 days (from the milestone dates).</p>\n", f);
	report_svg_funnel(f, r);
}

static int activity(FILE *f, const struct report *r)
{
	uint64_t posts = 0, replies = 0, questions = 0;
	int rc = 0;

	for (size_t i = 0; i < r->n; i++) {
		posts += r->m[i].posts;
		replies += r->m[i].replies;
		questions += r->m[i].questions;
	}
	fprintf(f, "<h2>Your activity</h2>\n<dl><dt>Posts to mentors</dt><dd>%" PRIu64 "</dd>"
	           "<dt>Replies</dt><dd>%" PRIu64 "</dd><dt>Questions asked</dt><dd>%" PRIu64 "</dd></dl>\n"
	           "<p class=\"note\">Posts: your mentions, quotes and reposts of mentors; a question is a post "
	           "of yours to a mentor that asks one (the rule of the nudges).</p>\n",
	        posts, replies, questions);
	if (!questions)
		return 0;
	fputs("<h3>Questions you asked (newest five per mentor)</h3>\n<table>\n"
	      "<tr><th>Date</th><th>Mentor</th><th>Channel</th><th>Question</th></tr>\n", f);
	for (size_t i = 0; i < r->n && rc == 0; i++)
		for (size_t j = 0; j < r->m[i].n_questions && rc == 0; j++)
			rc = item_row(f, &r->m[i].questions_v[j], r->m[i].name, REPORT_NAME_COLS, REPORT_TEXT_BDI);
	fputs("</table>\n", f);
	return rc;
}

static int logged(FILE *f, const struct report *r, const struct report_mentor *m)
{
	int rc = 0;

	if (!m->n_logged)
		return 0;
	fprintf(f, "<h3>Contacts logged by hand and e-mails (newest ten)</h3>\n<table>\n"
	           "<tr><th>Date</th><th>Kind</th><th>Channel</th><th>%s</th></tr>\n",
	        r->private_texts ? "Note or subject" : "Note or subject (private: left out)");
	for (size_t j = 0; j < m->n_logged && rc == 0; j++)
		rc = item_row(f, &m->logged[j], m->logged[j].kind, 0, 0);
	fputs("</table>\n", f);
	return rc;
}

static int mentor(FILE *f, const struct report *r, const struct report_mentor *m)
{
	char a[48], b[48];
	int rc;

	fputs("<section class=\"mentor\">\n<h2>", f);
	if ((rc = report_html_text(f, m->name, REPORT_NAME_COLS, REPORT_TEXT_BDI)) < 0)
		return rc;
	fputs("<span class=\"stage\">", f);
	report_html_text(f, m->stage, 0, 0);
	fputs("</span></h2>\n<dl>\n<dt>Milestones</dt><dd>", f);
	bool any = false;
	for (int s = 0; s < REPORT_STAGES; s++)
		if (m->reached[s]) {
			day(m->reached[s], a, sizeof a);
			fprintf(f, "%s%s %s", any ? " · " : "", report_stage_names[s], a);
			any = true;
		}
	span(m->median_in, a, sizeof a);
	span(m->median_out, b, sizeof b);
	fprintf(f, "%s</dd>\n<dt>Median time to a reply</dt><dd>the mentor to you: %s; you to the mentor: %s</dd>\n"
	           "<dt>Your posts, replies, questions</dt><dd>%" PRIu32 ", %" PRIu32 ", %" PRIu32 "</dd>\n"
	           "<dt>Nudge</dt><dd>",
	        any ? "" : "none yet", a, b, m->posts, m->replies, m->questions);
	if (*m->nudge_kind) {
		report_html_text(f, m->nudge_kind, 0, 0);
		fputs(": ", f);
		rc = report_html_text(f, m->nudge_message, TEXT_COLS, REPORT_TEXT_BDI);
	} else {
		fputs("none", f);
	}
	fputs("</dd>\n</dl>\n", f);
	if (rc < 0)
		return rc;
	if (report_svg_timeline(f, r, m) == 0)
		fputs("<p class=\"note\">No engagement in the months shown.</p>\n", f);
	if ((rc = logged(f, r, m)) < 0)
		return rc;
	fputs("</section>\n", f);
	return 0;
}

int report_html_write(FILE *f, const struct report *r)
{
	int rc;

	head(f, r);
	first_page(f, r);
	if ((rc = activity(f, r)) < 0)
		return rc;
	for (size_t i = 0; i < r->n; i++)
		if ((rc = mentor(f, r, &r->m[i])) < 0)
			return rc;
	fputs("</body>\n</html>\n", f);
	return ferror(f) ? -EIO : 0;
}
