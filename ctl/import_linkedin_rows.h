/* import_linkedin_rows.h — inside import_linkedin: the two tables' columns
 * and rows, and what is made of them at the end (the user's profile, the
 * one-to-one messages). Shared by import_linkedin.c (the archive and CSV
 * side) and import_linkedin_rows.c only. */
#ifndef MENTORCTL_IMPORT_LINKEDIN_ROWS_H
#define MENTORCTL_IMPORT_LINKEDIN_ROWS_H

#include "import_linkedin.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LI_MAX_COLS 8

struct li_col {
	const char *name;
	bool required;
};

/* One CSV file being read: its wanted columns, where the header put them,
 * the current row's values (NULL when the row has no such field). */
struct li_table {
	const char *archive, *file;
	char *err;
	size_t err_size;
	const struct li_col *cols;
	size_t n_cols;
	long cand[LI_MAX_COLS];        /* the row read as a header candidate */
	long best_cand[LI_MAX_COLS];   /* the candidate naming most required columns */
	size_t best;
	long col_at[LI_MAX_COLS];      /* field index per column, -1 absent */
	char *val[LI_MAX_COLS];
	size_t row, field;
	size_t header_at;              /* 1 + the header's row, 0 before it */
	bool failed, seen;
	void (*on_row)(struct li_table *t);
	struct li_rows *rows;
};

/* A messages.csv row kept until the end: profile URLs canonical. */
struct li_raw {
	char *conv, *sender;
	char **to;
	size_t n_to;
	int64_t at;
};

struct li_rows {
	struct import_linkedin *out;
	struct li_table people, msgs;
	struct li_raw *raw;          /* messages.csv rows kept until the end */
	size_t n_raw, cap_raw, cap_people;
};

void import_linkedin_fail(struct li_table *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

int import_linkedin_rows_init(struct li_rows *r, const char *archive, char *err, size_t err_size,
                              struct li_table **people, struct li_table **msgs);
/* (import_linkedin_me.c) After both files: the user's profile (me, or worked out) and the messages. */
int import_linkedin_rows_finish(struct li_rows *r, const char *me);
void import_linkedin_rows_free(struct li_rows *r);

#endif
