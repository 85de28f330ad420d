/* output.h — how mentorctl shows things: aligned text tables with relative
 * times for people, JSON for scripts. */
#ifndef MENTORCTL_OUTPUT_H
#define MENTORCTL_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cJSON;

/* "3h ago", "in 5m", "never" (t == 0). now is unix seconds. */
void format_relative(int64_t t, int64_t now, char *buf, size_t size);
/* RFC 3339 UTC, or JSON null for 0. */
struct cJSON *json_time(int64_t t);
/* Prints the JSON document followed by a newline and frees it. */
int json_print(struct cJSON *doc);

/* A text table: add cells row by row, then print with columns aligned to
 * their widest cell (measured in characters, not bytes). */
struct table;
struct table *table_new(size_t columns);
int table_add(struct table *t, const char *cell);
int table_addf(struct table *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void table_print(struct table *t, bool header);
/* Terminal columns the first `columns` columns take, gaps included. */
size_t table_width(const struct table *t, size_t columns);
/* Leaves a column out of table_print (one that does not fit). */
void table_hide(struct table *t, size_t column);
void table_free(struct table *t);

/* True when stdout is a terminal and NO_COLOR is unset. */
bool use_color(void);

#endif
