/* import_linkedin.c — the export's ZIP and its two CSV files
 * (import_linkedin.h): libarchive hands each entry over in blocks, straight
 * into libcsv; a table maps the header's names to the columns kept. */
#include "import_linkedin.h"
#include "import_linkedin_rows.h"

#include <archive.h>
#include <archive_entry.h>
#include <csv.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define HEADER_WITHIN 20   /* rows of notes allowed before the header */

void import_linkedin_fail(struct li_table *t, const char *fmt, ...)
{
	va_list ap;
	size_t n;
	if (t->failed)
		return;
	t->failed = true;
	n = (size_t)snprintf(t->err, t->err_size, "%s: %s: ", t->archive, t->file);
	if (t->header_at && n < t->err_size)
		n += (size_t)snprintf(t->err + n, t->err_size - n, "row %zu: ", t->row + 1);
	if (n >= t->err_size)
		return;
	va_start(ap, fmt);
	vsnprintf(t->err + n, t->err_size - n, fmt, ap);
	va_end(ap);
}

static void trim(const char **s, size_t *len)
{
	while (*len && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*len)--;
	}
	while (*len && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
		(*len)--;
}

/* A header candidate's field: which wanted column it names, if any. */
static void header_field(struct li_table *t, const char *s, size_t len)
{
	if (t->row == 0 && t->field == 0 && len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
		s += 3;
		len -= 3;
	}
	trim(&s, &len);
	for (size_t c = 0; c < t->n_cols; c++)
		if (strlen(t->cols[c].name) == len && strncasecmp(t->cols[c].name, s, len) == 0 &&
		    t->cand[c] < 0)
			t->cand[c] = (long)t->field;
}

static void on_field(void *data, size_t len, void *userdata)
{
	struct li_table *t = userdata;
	const char *s = data ? data : "";

	if (t->failed)
		return;
	if (!t->header_at) {
		header_field(t, s, len);
	} else {
		for (size_t c = 0; c < t->n_cols; c++) {
			if (t->col_at[c] != (long)t->field)
				continue;
			trim(&s, &len);
			free(t->val[c]);
			if (!(t->val[c] = strndup(s, len)))
				import_linkedin_fail(t, "out of memory");
		}
	}
	t->field++;
}

/* The candidate header's verdict: 1 it is the header, 0 not. */
static int take_header(struct li_table *t)
{
	size_t req = 0, have = 0;
	for (size_t c = 0; c < t->n_cols; c++) {
		req += t->cols[c].required;
		have += t->cols[c].required && t->cand[c] >= 0;
	}
	if (have > t->best) {
		t->best = have;
		memcpy(t->best_cand, t->cand, t->n_cols * sizeof *t->cand);
	}
	if (have < req)
		return 0;
	memcpy(t->col_at, t->cand, t->n_cols * sizeof *t->cand);
	return 1;
}

/* The error for a file whose header was never found: the columns the best
 * candidate row lacked, by name. */
static void no_header(struct li_table *t)
{
	char miss[400] = "";
	size_t n = 0;
	for (size_t c = 0; c < t->n_cols; c++)
		if (t->cols[c].required && (t->best == 0 || t->best_cand[c] < 0) && n < sizeof miss)
			n += (size_t)snprintf(miss + n, sizeof miss - n, "%s'%s'", n ? ", " : "", t->cols[c].name);
	import_linkedin_fail(t, "no header row with the column%s %s (is it LinkedIn's export?)",
	                     strchr(miss, ',') ? "s" : "", miss);
}

static void on_row(int term, void *userdata)
{
	struct li_table *t = userdata;

	if (!t->failed && !t->header_at && t->row >= HEADER_WITHIN) {
		no_header(t);
	} else if (!t->failed && !t->header_at) {
		if (take_header(t))
			t->header_at = t->row + 1;
		for (size_t c = 0; c < t->n_cols; c++)
			t->cand[c] = -1;
	} else if (!t->failed) {
		t->on_row(t);
	}
	for (size_t c = 0; c < t->n_cols; c++) {
		free(t->val[c]);
		t->val[c] = NULL;
	}
	t->row++;
	t->field = 0;
}

/* Streams the current entry of a through libcsv into t. */
static int read_entry(struct archive *a, struct li_table *t)
{
	struct csv_parser p;
	const void *buf;
	size_t len;
	la_int64_t off;
	int r;

	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
		import_linkedin_fail(t, "cannot start the CSV reader");
		return -1;
	}
	while (!t->failed && (r = archive_read_data_block(a, &buf, &len, &off)) == ARCHIVE_OK) {
		if (memchr(buf, '\0', len))
			import_linkedin_fail(t, "a NUL byte: not a text file");
		else if (csv_parse(&p, buf, len, on_field, on_row, t) != len)
			import_linkedin_fail(t, "%s", csv_strerror(csv_error(&p)));
	}
	if (!t->failed && r != ARCHIVE_EOF) {
		t->header_at = 0;
		import_linkedin_fail(t, "the archive is damaged or truncated (%s)", archive_error_string(a));
	}
	if (!t->failed && csv_fini(&p, on_field, on_row, t) != 0)
		import_linkedin_fail(t, "%s", csv_strerror(csv_error(&p)));
	csv_free(&p);
	for (size_t c = 0; c < t->n_cols; c++) {
		free(t->val[c]);
		t->val[c] = NULL;
	}
	if (!t->failed && !t->header_at)
		no_header(t);
	return t->failed ? -1 : 0;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

static int read_archive(struct archive *a, const char *name, const char *me, struct import_linkedin *out,
                        char *err, size_t err_size)
{
	struct li_rows rows = { .out = out };
	struct archive_entry *e;
	struct li_table *tables[2] = { NULL, NULL };
	const char *files[2] = { "Connections.csv", "messages.csv" };
	int r, rc = -1;

	if (import_linkedin_rows_init(&rows, name, err, err_size, &tables[0], &tables[1]) < 0)
		goto out;
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
		const char *path = archive_entry_pathname(e);
		int which = -1;
		for (int i = 0; path && i < 2; i++)
			if (strcasecmp(base_name(path), files[i]) == 0)
				which = i;
		if (which < 0 || archive_entry_filetype(e) != AE_IFREG) {
			if (archive_read_data_skip(a) != ARCHIVE_OK) {
				snprintf(err, err_size, "%s: a damaged or truncated ZIP: %s", name, archive_error_string(a));
				goto out;
			}
			continue;
		}
		if (tables[which]->seen) {
			snprintf(err, err_size, "%s: two %s in the archive (%s and another): give one export at a time",
			         name, files[which], path);
			goto out;
		}
		tables[which]->seen = true;
		if (read_entry(a, tables[which]) < 0)
			goto out;
	}
	if (r != ARCHIVE_EOF) {
		const char *why = archive_error_string(a);
		if (!tables[0]->seen && !tables[1]->seen && why && strstr(why, "nrecognized"))
			snprintf(err, err_size, "%s: not a ZIP archive (LinkedIn's export is a .zip file)", name);
		else
			snprintf(err, err_size, "%s: a damaged or truncated ZIP: %s", name, why ? why : "read error");
		goto out;
	}
	for (int i = 0; i < 2; i++)
		if (!tables[i]->seen) {
			snprintf(err, err_size, "%s: no %s in the archive (is it LinkedIn's data export?)", name, files[i]);
			goto out;
		}
	rc = import_linkedin_rows_finish(&rows, me);
out:
	import_linkedin_rows_free(&rows);
	return rc;
}

/* An archive that would not open: "not a ZIP" when libarchive saw no format. */
static void open_error(struct archive *a, const char *name, char *err, size_t err_size)
{
	const char *why = archive_error_string(a);
	if (why && strstr(why, "nrecognized"))
		snprintf(err, err_size, "%s: not a ZIP archive (LinkedIn's export is a .zip file)", name);
	else
		snprintf(err, err_size, "%s: %s", name, why ? why : "cannot open it");
}

static struct archive *zip_reader(void)
{
	struct archive *a = archive_read_new();
	if (a && archive_read_support_format_zip(a) != ARCHIVE_OK) {
		archive_read_free(a);
		return NULL;
	}
	return a;
}

int import_linkedin_read(const char *path, const char *me, struct import_linkedin *out, char *err, size_t err_size)
{
	struct archive *a = zip_reader();
	int r = -1;

	*out = (struct import_linkedin){ 0 };
	if (!a) {
		snprintf(err, err_size, "%s: cannot start the ZIP reader", path);
		return -1;
	}
	if (archive_read_open_filename(a, path, 65536) != ARCHIVE_OK)
		open_error(a, path, err, err_size);
	else
		r = read_archive(a, path, me, out, err, err_size);
	archive_read_free(a);
	return r;
}

int import_linkedin_read_memory(const void *zip, size_t len, const char *name, const char *me,
                                struct import_linkedin *out, char *err, size_t err_size)
{
	struct archive *a = zip_reader();
	int r = -1;

	*out = (struct import_linkedin){ 0 };
	if (!a) {
		snprintf(err, err_size, "%s: cannot start the ZIP reader", name);
		return -1;
	}
	if (archive_read_open_memory(a, zip, len) != ARCHIVE_OK)
		open_error(a, name, err, err_size);
	else
		r = read_archive(a, name, me, out, err, err_size);
	archive_read_free(a);
	return r;
}
