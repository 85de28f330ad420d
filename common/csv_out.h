/* csv_out.h — one cell of an RFC 4180 CSV file for spreadsheets, protected
 * against formula injection (OWASP "CSV Injection"): a cell whose first
 * byte is '=', '+', '-', '@', TAB or CR could be run as a formula when the
 * file is opened, so it gets a leading single quote, and the cell is then
 * quoted whatever it holds. Otherwise a cell is quoted when it holds a
 * comma, a double quote, CR or LF, and double quotes are doubled.
 *
 * Every text cell goes through the guard, a negative-looking one ("-3 kg",
 * "-1") included: text from the networks, the mail or the user is text,
 * and the exporter's own numbers (ids) are never negative and go through
 * csv_out_number(). */
#ifndef MENTORD_COMMON_CSV_OUT_H
#define MENTORD_COMMON_CSV_OUT_H

#include <stdbool.h>
#include <stdint.h>

#include "common/strbuf.h"

/* s may start a formula in a spreadsheet. */
bool csv_out_risky(const char *s);
/* Appends the cell for s (NULL: empty) to b. 0 or -ENOMEM. */
int csv_out_cell(struct strbuf *b, const char *s);
/* Appends a number as it is (never guarded). 0 or -ENOMEM. */
int csv_out_number(struct strbuf *b, uint64_t v);

#endif
