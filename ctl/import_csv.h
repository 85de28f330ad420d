/* import_csv.h — Mastodon's export of whom the user follows,
 * following_accounts.csv (Settings → Import and export → Data export):
 *
 *     Account address,Show boosts,Notify on new posts,Languages
 *     alice@example.social,true,false,
 *
 * Read with libcsv: quoted fields, CRLF or LF, blank lines, a UTF-8 byte
 * order mark are all fine; a wrong header, a malformed quote, an empty or
 * spaced address are errors with the row they are on. */
#ifndef MENTORCTL_IMPORT_CSV_H
#define MENTORCTL_IMPORT_CSV_H

#include <stddef.h>
#include <stdio.h>

#define IMPORT_CSV_MAX_ROWS 20000

struct import_csv {
	char **handles;   /* account addresses, in file order */
	size_t n;
};

/* Reads f (named name in messages). 0, or -1 with a sentence in err
 * ("following_accounts.csv: row 4: ..."). Free with import_csv_free(),
 * also after an error. */
int import_csv_read(FILE *f, const char *name, struct import_csv *out, char *err, size_t err_size);
void import_csv_free(struct import_csv *c);

#endif
