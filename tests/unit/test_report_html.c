/* Unit tests for the report's document (ctl/report_html.c, report_svg.c):
 * the one escaper (markup, quotes, bidi controls, cuts), the first page's
 * statement of what it holds, and the timeline's bars and milestones. */
#include "ctl/report_html.h"
#include "ctl/report_svg.h"
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *text(const char *s, size_t cols, unsigned flags)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	report_html_text(f, s, cols, flags);
	fclose(f);
	return buf;
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

static void escaping(void)
{
	char *s = text("<script>alert(1)</script> & \"q\" 'a'", 0, REPORT_TEXT_BDI);
	is_str(s, "<bdi>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot; &#39;a&#39;</bdi>",
	       "markup and quotes become references, inside <bdi>");
	free(s);
	s = text("a\xe2\x80\xae" "b\xe2\x81\xa6" "c\nd\te", 0, 0);
	is_str(s, "abc d e", "RLO and LRI dropped, line breaks and tabs are spaces");
	free(s);
	char *long_name = malloc(10001);
	memset(long_name, 'N', 10000);
	long_name[10000] = '\0';
	s = text(long_name, 80, 0);
	is_int((int)count(s, "N"), 79, "a 10,000-character name cut to 80 columns");
	ok(strstr(s, "\xe2\x80\xa6") != NULL, "with an ellipsis");
	free(s);
	free(long_name);
	s = text(NULL, 0, REPORT_TEXT_BDI);
	is_str(s, "", "NULL writes nothing");
	free(s);
}

static void document(void)
{
	uint32_t counts[2 * REPORT_CHANNELS * 3] = { 0 };
	struct report_mentor m = {
		.id = 7, .name = "Dr <b>X</b>", .stage = "establish", .median_in = 7200, .median_out = -1,
		.nudge_kind = "", .nudge_message = "", .counts = counts,
	};
	struct report r = { .now = 1790000000, .months = 3, .m = &m, .n = 1 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	r.start = 1785542400;                 /* 2026-08-01 */
	report_month_labels(&r);
	is_str(r.month_labels[2], "2026-10", "month labels from the start");
	counts[0] = 3;                        /* in, x, 2026-08 */
	counts[(1 * REPORT_CHANNELS + 5) * 3 + 2] = 1;   /* out, offline, 2026-10 */
	m.reached[2] = 1786000000;            /* establish in 2026-08 */
	m.reached[0] = 1000;                  /* before the months shown */
	f = open_memstream(&buf, &len);
	ok(report_html_write(f, &r) == 0, "the document is written");
	fclose(f);
	is_int((int)count(buf, "<rect class=\"bar "), 2, "a bar per non-zero cell");
	is_int((int)count(buf, "<rect class=\"fbar "), 5, "five funnel bars");
	is_int((int)count(buf, "<line class=\"ms\""), 1, "a milestone marker inside the months only");
	ok(strstr(buf, "Private notes: left out") && strstr(buf, "E-mail subjects: left out"),
	   "the first page says what it leaves out");
	ok(strstr(buf, "<bdi>Dr &lt;b&gt;X&lt;/b&gt;</bdi>") != NULL, "the name escaped and isolated");
	ok(!strstr(buf, "<script") && !strstr(buf, "http:") && !strstr(buf, "https:"), "no script, no URL");
	ok(strstr(buf, "default-src 'none'; style-src 'unsafe-inline'; img-src data:") != NULL, "the CSP");
	ok(strstr(buf, "the mentor to you: 2 h; you to the mentor: no reply in the period") != NULL,
	   "median reply times");
	free(buf);
}

int main(void)
{
	escaping();
	document();
	return tap_done();
}
