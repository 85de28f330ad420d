/* report_svg.h — the report's charts as inline SVG (no script, no external
 * reference, no font other than the page's). Bars are <rect> elements of a
 * class the tests count:
 *   class="fbar"  one per stage in the funnel (five, a zero count drawn
 *                 as a sliver so the row still shows);
 *   class="bar"   one per month, channel and direction with a non-zero
 *                 count in a mentor's timeline;
 *   class="ms"    a milestone marker (<line>) per milestone reached inside
 *                 the months shown.
 * The charts hold only the report's own words (stages, channels, months,
 * counts): no name or text from the networks is drawn inside an SVG, which
 * has no element to isolate its direction. No xmlns either: inline SVG in
 * HTML5 needs none, and the file names no URL at all. */
#ifndef MENTORCTL_REPORT_SVG_H
#define MENTORCTL_REPORT_SVG_H

#include "report.h"

#include <stdio.h>

/* The stage funnel: mentors per stage now and the moves of the window. */
void report_svg_funnel(FILE *f, const struct report *r);
/* One mentor's months × channels, one block per direction, milestones
 * marked. Returns the number of bars drawn. */
size_t report_svg_timeline(FILE *f, const struct report *r, const struct report_mentor *m);

#endif
