/* Unit tests for common/csv_out: RFC 4180 quoting, and the formula guard of
 * the OWASP CSV-injection advice on every dangerous first character. */
#include "common/csv_out.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>

static void cell(const char *in, const char *want, const char *what)
{
	struct strbuf b = STRBUF_INIT;
	char *got;
	csv_out_cell(&b, in);
	got = strbuf_steal(&b);
	ok(got && strcmp(got, want) == 0, "%s: [%s] (got [%s])", what, want, got ? got : "(null)");
	free(got);
}

int main(void)
{
	struct strbuf b = STRBUF_INIT;
	char *got;

	cell("Dr One", "Dr One", "plain text as it is");
	cell("", "", "empty");
	cell(NULL, "", "NULL is empty");
	cell("Dr Two, PhD", "\"Dr Two, PhD\"", "a comma: quoted");
	cell("Zoë \"Z\" Three", "\"Zoë \"\"Z\"\" Three\"", "quotes doubled inside quotes");
	cell("line one\nline two", "\"line one\nline two\"", "a newline: quoted");
	cell("=HYPERLINK(\"http://evil.example\",\"click\")",
	     "\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\"", "= guarded, quoted, quotes doubled");
	cell("+1-555-0100", "\"'+1-555-0100\"", "+ guarded");
	cell("-2+3+cmd|' /C calc'!A0", "\"'-2+3+cmd|' /C calc'!A0\"", "- guarded");
	cell("-3 kg since May", "\"'-3 kg since May\"", "a negative-looking text is text: guarded");
	cell("@SUM(1+1)*cmd|' /C calc'!A0", "\"'@SUM(1+1)*cmd|' /C calc'!A0\"", "@ guarded");
	cell("\t=1+1", "\"'\t=1+1\"", "a leading tab guarded");
	cell("\r=1+1", "\"'\r=1+1\"", "a leading CR guarded");
	cell("a=b", "a=b", "= inside a cell is harmless");
	cell("Re: =?utf-8?q?x?=", "Re: =?utf-8?q?x?=", "a subject starting with a letter is not guarded");
	cell("'quoted", "'quoted", "a leading quote needs nothing");
	ok(csv_out_risky("=") && csv_out_risky("@x") && !csv_out_risky("x=") && !csv_out_risky("") &&
	   !csv_out_risky(NULL), "csv_out_risky");

	csv_out_number(&b, 18446744073709551615ULL);
	strbuf_putc(&b, ',');
	csv_out_number(&b, 0);
	got = strbuf_steal(&b);
	ok(got && strcmp(got, "18446744073709551615,0") == 0, "numbers as they are: %s", got ? got : "");
	free(got);
	return tap_done();
}
