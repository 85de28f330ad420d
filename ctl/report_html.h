/* report_html.h — the report as one self-contained HTML5 document: a
 * Content-Security-Policy meta that forbids every fetch and script
 * (default-src 'none'; style-src 'unsafe-inline'; img-src data:), inline
 * CSS only (screen and print: pages that fit both A4 and Letter, a page
 * break before each mentor), inline SVG charts, no JavaScript, no web font,
 * no URL of any kind: links to posts are left out, so nothing in the file
 * can make a request or a navigation.
 *
 * Every text that came from the networks or the user (names, notes,
 * subjects, questions, nudge messages) goes through report_html_text. */
#ifndef MENTORCTL_REPORT_HTML_H
#define MENTORCTL_REPORT_HTML_H

#include "report.h"

#include <stddef.h>
#include <stdio.h>

/* Display cut for names, in columns (text_line's), the last being "…". */
#define REPORT_NAME_COLS 80

enum {
	REPORT_TEXT_BDI = 1,    /* wrap in <bdi> so its direction cannot leak out */
};

/* Writes s as HTML text: made one line by text_line (control characters as
 * spaces, bidirectional overrides and isolates dropped, runs of white space
 * as one; cut to max_cols columns with "…" when max_cols > 0), then
 * & < > " ' as character references. The daemon already sent malformed
 * UTF-8 as U+FFFD (utf8_clean_dup). NULL writes nothing. Returns 0 or
 * -ENOMEM. */
int report_html_text(FILE *f, const char *s, size_t max_cols, unsigned flags);

/* The whole document. Returns 0 or a negative errno (a write error). */
int report_html_write(FILE *f, const struct report *r);

#endif
