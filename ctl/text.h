/* text.h — making other people's text safe and tidy for a terminal. Posts,
 * names and notes come from the networks: they may hold line breaks, tabs or
 * escape sequences that would break a table or drive the terminal. */
#ifndef MENTORCTL_TEXT_H
#define MENTORCTL_TEXT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* A new string holding s as one line: control characters (C0, DEL, C1),
 * line and paragraph separators become spaces, bidirectional overrides are
 * dropped, runs of white space collapse to one, invalid UTF-8 becomes '?'.
 * With max_cols > 0 it is cut to at most max_cols terminal columns, the
 * last being "…". NULL s gives "". Returns NULL only when out of memory. */
char *text_line(const char *s, size_t max_cols);

/* Terminal columns of a UTF-8 string (utf8_cols: CJK and emoji 2, combining
 * marks 0), so tables with any script line up. */
size_t text_cols(const char *s);

/* Columns available on stdout: the terminal's, else $COLUMNS, else 80. */
size_t text_columns(void);

/* Prints s (made safe as text_line does) word-wrapped to cols columns: the
 * first line starts with first (already counted in its width), the others
 * with indent spaces. Words longer than a line (URLs) are never split. */
void text_wrap(FILE *f, const char *first, size_t indent, const char *s, size_t cols);

/* The 1-based line and column (in characters) of byte offset off of s:
 * where an editor puts its cursor for a finding of `check`. */
void text_line_col(const char *s, size_t off, uint32_t *line, uint32_t *col);

#endif
