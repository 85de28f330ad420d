/* test_import_csv.c — mentorctl's reader of Mastodon's following_accounts.csv
 * (ctl/import_csv.c, on libcsv). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl/import_csv.h"
#include "tap.h"

static int read_str(const char *text, struct import_csv *c, char *err, size_t size)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int r = import_csv_read(f, "following_accounts.csv", c, err, size);
	fclose(f);
	return r;
}

#define HEAD "Account address,Show boosts,Notify on new posts,Languages"

int main(void)
{
	struct import_csv c;
	char err[300];

	ok(read_str(HEAD "\nalice@a.example,true,false,\nbob@b.example,false,false,en\n", &c, err, sizeof err) == 0,
	   "plain file reads");
	ok(c.n == 2 && strcmp(c.handles[0], "alice@a.example") == 0 && strcmp(c.handles[1], "bob@b.example") == 0,
	   "two addresses in order");
	import_csv_free(&c);

	ok(read_str("\xEF\xBB\xBF" HEAD "\r\n\"alice@a.example\",true,false,\r\n\r\n  bob@b.example ,true,false,\"en,de\"\r\n",
	            &c, err, sizeof err) == 0, "BOM, CRLF, quotes, a blank line, a quoted comma");
	ok(c.n == 2 && strcmp(c.handles[0], "alice@a.example") == 0 && strcmp(c.handles[1], "bob@b.example") == 0,
	   "addresses unquoted and trimmed");
	import_csv_free(&c);

	ok(read_str(HEAD, &c, err, sizeof err) == 0 && c.n == 0, "a header without rows and without a newline");
	import_csv_free(&c);
	ok(read_str(HEAD "\nalice@a.example", &c, err, sizeof err) == 0 && c.n == 1, "a last row without a newline");
	import_csv_free(&c);

	ok(read_str("Handle,Boosts\nalice@a.example,true\n", &c, err, sizeof err) < 0, "wrong header refused");
	ok(strstr(err, "row 1") && strstr(err, "Account address,Show boosts"), "saying the header wanted (%s)", err);
	import_csv_free(&c);
	ok(read_str("Account address\nalice@a.example\n", &c, err, sizeof err) < 0, "a short header refused");
	import_csv_free(&c);
	ok(read_str("", &c, err, sizeof err) < 0 && strstr(err, "empty"), "an empty file refused (%s)", err);
	import_csv_free(&c);
	ok(read_str(HEAD "\n\"alice@a.example,true\n", &c, err, sizeof err) < 0, "an unterminated quote refused (%s)", err);
	import_csv_free(&c);
	ok(read_str(HEAD "\nalice@a.example,true\n,true,false,\n", &c, err, sizeof err) < 0 && strstr(err, "row 3"),
	   "an empty address refused with its row (%s)", err);
	import_csv_free(&c);
	ok(read_str(HEAD "\nalice smith,true,false,\n", &c, err, sizeof err) < 0 && strstr(err, "not an account address"),
	   "a spaced address refused (%s)", err);
	import_csv_free(&c);
	{
		static const char nul[] = HEAD "\nalice@a.example\0,true\n";
		FILE *f = fmemopen((void *)nul, sizeof nul - 1, "r");
		ok(import_csv_read(f, "x.csv", &c, err, sizeof err) < 0 && strstr(err, "NUL"), "a NUL byte refused");
		fclose(f);
		import_csv_free(&c);
	}
	return tap_done();
}
