/* import_csv.c — following_accounts.csv through libcsv (import_csv.h). */
#include "import_csv.h"

#include <csv.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static const char *const header[] = { "Account address", "Show boosts", "Notify on new posts", "Languages" };

struct reader {
	struct import_csv *out;
	const char *name;
	char *err;
	size_t err_size;
	size_t row;        /* rows ended so far (blank lines are not rows to libcsv) */
	size_t field;      /* in the current row */
	bool failed;
};

static void fail(struct reader *rd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(struct reader *rd, const char *fmt, ...)
{
	va_list ap;
	size_t n;
	if (rd->failed)
		return;
	rd->failed = true;
	n = (size_t)snprintf(rd->err, rd->err_size, "%s: row %zu: ", rd->name, rd->row + 1);
	if (n >= rd->err_size)
		return;
	va_start(ap, fmt);
	vsnprintf(rd->err + n, rd->err_size - n, fmt, ap);
	va_end(ap);
}

static bool check_header(struct reader *rd, const char *s, size_t len)
{
	/* A byte order mark is not part of the name. */
	if (rd->field == 0 && len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
		s += 3;
		len -= 3;
	}
	if (rd->field < 4 && (strlen(header[rd->field]) != len || memcmp(header[rd->field], s, len) != 0)) {
		fail(rd, "not Mastodon's following_accounts.csv: the header must be "
		     "'Account address,Show boosts,Notify on new posts,Languages'");
		return false;
	}
	return true;
}

static void on_field(void *data, size_t len, void *userdata)
{
	struct reader *rd = userdata;
	const char *s = data ? data : "";
	struct import_csv *c = rd->out;

	if (rd->failed)
		return;
	if (rd->row == 0) {
		check_header(rd, s, len);
	} else if (rd->field == 0) {
		while (len && (*s == ' ' || *s == '\t')) {
			s++;
			len--;
		}
		while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
			len--;
		if (len == 0)
			fail(rd, "empty account address");
		else if (memchr(s, ' ', len) || memchr(s, '\t', len) || memchr(s, '\0', len) || len > 300)
			fail(rd, "'%.*s' is not an account address like user@example.social", (int)(len > 60 ? 60 : len), s);
		else if (c->n >= IMPORT_CSV_MAX_ROWS)
			fail(rd, "more than %d accounts", IMPORT_CSV_MAX_ROWS);
		else if (!(c->handles[c->n] = strndup(s, len)))
			fail(rd, "out of memory");
		else
			c->n++;
	}
	rd->field++;
}

static void on_row(int term, void *userdata)
{
	struct reader *rd = userdata;
	if (!rd->failed && rd->row == 0 && rd->field < 4)
		fail(rd, "not Mastodon's following_accounts.csv: the header must be "
		     "'Account address,Show boosts,Notify on new posts,Languages'");
	rd->row++;
	rd->field = 0;
}

int import_csv_read(FILE *f, const char *name, struct import_csv *out, char *err, size_t err_size)
{
	struct csv_parser p;
	struct reader rd = { .out = out, .name = name, .err = err, .err_size = err_size };
	char buf[8192];
	size_t n;

	*out = (struct import_csv){ 0 };
	if (!(out->handles = calloc(IMPORT_CSV_MAX_ROWS, sizeof *out->handles))) {
		snprintf(err, err_size, "%s: out of memory", name);
		return -1;
	}
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
		snprintf(err, err_size, "%s: cannot start the CSV reader", name);
		return -1;
	}
	while (!rd.failed && (n = fread(buf, 1, sizeof buf, f)) > 0)
		if (memchr(buf, '\0', n))
			fail(&rd, "a NUL byte: not a text file");
		else if (csv_parse(&p, buf, n, on_field, on_row, &rd) != n)
			fail(&rd, "%s", csv_strerror(csv_error(&p)));
	if (!rd.failed && ferror(f)) {
		snprintf(err, err_size, "%s: cannot read it", name);
		rd.failed = true;
	}
	if (!rd.failed && csv_fini(&p, on_field, on_row, &rd) != 0)
		fail(&rd, "%s", csv_strerror(csv_error(&p)));
	csv_free(&p);
	if (!rd.failed && rd.row == 0) {
		snprintf(err, err_size, "%s: empty file (expected Mastodon's following_accounts.csv)", name);
		rd.failed = true;
	}
	return rd.failed ? -1 : 0;
}

void import_csv_free(struct import_csv *c)
{
	for (size_t i = 0; c->handles && i < c->n; i++)
		free(c->handles[i]);
	free(c->handles);
	*c = (struct import_csv){ 0 };
}
