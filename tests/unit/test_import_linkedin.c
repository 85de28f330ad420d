/* test_import_linkedin.c — mentorctl's reader of LinkedIn's data export
 * (ctl/import_linkedin*.c): ZIPs written in memory with libarchive. */
#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl/import_linkedin.h"
#include "tap.h"

#define ME  "https://www.linkedin.com/in/me-myself"
#define ADA "https://www.linkedin.com/in/ada"
#define BOB "https://www.linkedin.com/in/bob"

static const char conn_ok[] =
	"\xEF\xBB\xBFNotes:\r\n\"When exporting your connection data, you may notice that some of the email "
	"addresses are missing.\"\r\n\r\n"
	"First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"
	"Ada,Lovelace,https://www.linkedin.com/in/ADA/,Ada@Example.ORG,\"Engines, Ltd\",Founder,02 May 2023\r\n"
	"Bob,Stone,http://linkedin.com/in/bob?trk=abc,,Acme,,5 Jan 2021\r\n"
	",,,,,,01 Jan 2020\r\n";
static const char msgs_ok[] =
	"FOLDER,DATE,SENDER PROFILE URL,CONTENT,RECIPIENT PROFILE URLS,Conversation Id,EXTRA\n"
	"SENT,2024-01-01 10:00:00 UTC," ME ",\"hello, \"\"Ada\"\"\nsecond line\"," ADA ",c1,x\n"
	"INBOX,2024-01-02 10:00:00 UTC," ADA ",\"reply\r\nwith CRLF, and commas\"," ME ",c1,x\n"
	"SENT,2024-01-03 10:00:00 UTC," ME ",group,\"" ADA "," BOB "\",c2,x\n"
	"SENT,2024-01-04 10:00:00 UTC," ME ",\"hi\"," BOB ",c3,x\n"
	"INBOX,2024-01-05 10:00:00 UTC,,sponsored," ME ",c4,x\n";

struct file {
	const char *path, *text;
	size_t len;   /* 0: strlen */
};

static size_t make_zip(const struct file *f, size_t n, char *buf, size_t size)
{
	struct archive *a = archive_write_new();
	size_t used = 0;
	archive_write_set_format_zip(a);
	archive_write_open_memory(a, buf, size, &used);
	for (size_t i = 0; i < n; i++) {
		struct archive_entry *e = archive_entry_new();
		size_t len = f[i].len ? f[i].len : strlen(f[i].text);
		archive_entry_set_pathname(e, f[i].path);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_size(e, (la_int64_t)len);
		archive_write_header(a, e);
		archive_write_data(a, f[i].text, len);
		archive_entry_free(e);
	}
	archive_write_close(a);
	archive_write_free(a);
	return used;
}

static char zip[1 << 16];

static int read2(const char *conn, const char *msgs, const char *me, struct import_linkedin *li, char *err,
                 size_t size)
{
	struct file f[] = { { "export/sub/Connections.csv", conn, 0 }, { "messages.csv", msgs, 0 } };
	size_t n = make_zip(f, msgs ? 2 : 1, zip, sizeof zip);
	return import_linkedin_read_memory(zip, n, "x.zip", me, li, err, size);
}

static const struct linkedin_person *person(const struct import_linkedin *li, const char *url)
{
	for (size_t i = 0; i < li->n_people; i++)
		if (strcmp(li->people[i].url, url) == 0)
			return &li->people[i];
	return NULL;
}

static void test_good(void)
{
	struct import_linkedin li;
	char err[600] = "";
	const struct linkedin_person *p;

	ok(read2(conn_ok, msgs_ok, NULL, &li, err, sizeof err) == 0, "a sub-folder, notes, BOM, CRLF, quoted newlines: %s", err);
	ok(li.n_people == 2 && li.skipped_people == 1, "2 connections, the one without a URL skipped");
	p = person(&li, ADA);
	ok(p && strcmp(p->first, "Ada") == 0 && strcmp(p->company, "Engines, Ltd") == 0 &&
	   strcmp(p->email, "ada@example.org") == 0 && p->connected_on == 1682985600,
	   "Ada: URL canonical, quoted comma, e-mail lower-cased, 02 May 2023");
	p = person(&li, BOB);
	ok(p && strcmp(p->email, "") == 0 && strcmp(p->position, "") == 0 && p->connected_on == 1609804800,
	   "Bob: http, no www, a query; empty e-mail and position; 5 Jan 2021");
	ok(li.me && strcmp(li.me, ME) == 0, "the user is the one in most conversations");
	ok(li.n_msgs == 3, "3 one-to-one messages (got %zu)", li.n_msgs);
	ok(li.skipped_msgs == 2, "the group thread and the sender without a URL skipped (got %zu)", li.skipped_msgs);
	ok(li.n_msgs == 3 && strcmp(li.msgs[0].key, "c1/1704103200/me") == 0 && li.msgs[0].mine &&
	   strcmp(li.msgs[0].counterpart, ADA) == 0, "c1's first message: mine, to Ada, keyed by time and direction");
	ok(li.n_msgs == 3 && !li.msgs[1].mine && strcmp(li.msgs[1].key, "c1/1704189600/them") == 0,
	   "c1's second: Ada's");
	ok(li.n_msgs == 3 && li.msgs[2].mine && strcmp(li.msgs[2].counterpart, BOB) == 0, "c3: mine, to Bob");
	import_linkedin_free(&li);
}

static void test_errors(void)
{
	struct import_linkedin li;
	char err[600] = "";
	struct file only[] = { { "Connections.csv", conn_ok, 0 } };
	size_t n;

	ok(read2(conn_ok, NULL, NULL, &li, err, sizeof err) < 0 && strstr(err, "no messages.csv"),
	   "missing messages.csv: %s", err);
	import_linkedin_free(&li);
	ok(read2("Notes:\nFirst Name,Last Name,Email Address,Connected On\nA,B,,01 May 2020\n", msgs_ok, NULL, &li, err,
	         sizeof err) < 0 && strstr(err, "Connections.csv") && strstr(err, "'URL'") && !strstr(err, "'First Name'"),
	   "a missing column is named, with the file: %s", err);
	import_linkedin_free(&li);
	ok(read2(conn_ok, "CONVERSATION ID,SENDER PROFILE URL,DATE\nc1," ME ",yesterday\n", NULL, &li, err, sizeof err) < 0 &&
	   strstr(err, "messages.csv: row 2:") && strstr(err, "yesterday"), "a bad DATE names the row: %s", err);
	import_linkedin_free(&li);
	ok(read2("First Name,Last Name,URL,Connected On\nA,B," ADA ",May 2nd\n", msgs_ok, NULL, &li, err, sizeof err) < 0 &&
	   strstr(err, "Connected On"), "a bad Connected On: %s", err);
	import_linkedin_free(&li);
	ok(import_linkedin_read_memory("PK\3\4 not really", 15, "x.zip", NULL, &li, err, sizeof err) < 0 &&
	   strstr(err, "x.zip: "), "garbage: %s", err);
	import_linkedin_free(&li);
	ok(import_linkedin_read_memory("First Name,Last Name\n", 21, "x.zip", NULL, &li, err, sizeof err) < 0 &&
	   strstr(err, "not a ZIP"), "a CSV is not a ZIP: %s", err);
	import_linkedin_free(&li);

	struct file two[] = { { "a/Connections.csv", conn_ok, 0 }, { "b/connections.csv", conn_ok, 0 },
	                      { "messages.csv", msgs_ok, 0 } };
	n = make_zip(two, 3, zip, sizeof zip);
	ok(import_linkedin_read_memory(zip, n, "x.zip", NULL, &li, err, sizeof err) < 0 && strstr(err, "two Connections.csv"),
	   "two exports in one archive: %s", err);
	import_linkedin_free(&li);

	struct file full[] = { { "Connections.csv", conn_ok, 0 }, { "messages.csv", msgs_ok, 0 } };
	n = make_zip(full, 2, zip, sizeof zip);
	ok(import_linkedin_read_memory(zip, n * 2 / 3, "x.zip", NULL, &li, err, sizeof err) < 0 &&
	   strstr(err, "truncated"), "a truncated ZIP: %s", err);
	import_linkedin_free(&li);
	n = make_zip(only, 1, zip, sizeof zip);
	ok(import_linkedin_read_memory(zip, n, "x.zip", NULL, &li, err, sizeof err) < 0, "Connections.csv alone is refused");
	import_linkedin_free(&li);

	char notes[4096] = "";
	for (int i = 0; i < 25; i++)
		strcat(notes, "Notes: nothing\n");
	strcat(notes, "First Name,Last Name,URL,Connected On\n");
	ok(read2(notes, msgs_ok, NULL, &li, err, sizeof err) < 0 && strstr(err, "no header row"),
	   "a header after 20 rows of notes is not looked for: %s", err);
	import_linkedin_free(&li);
}

static void test_me(void)
{
	struct import_linkedin li;
	char err[600] = "";
	const char *one = "CONVERSATION ID,SENDER PROFILE URL,RECIPIENT PROFILE URLS,DATE\n"
	                  "c1," ME "," BOB ",2024-01-01 10:00:00\n";

	/* One conversation: me and Bob tie, and Bob is a connection. */
	ok(read2(conn_ok, one, NULL, &li, err, sizeof err) == 0 && li.me && strcmp(li.me, ME) == 0,
	   "a tie goes to the participant who is not a connection: %s", err);
	import_linkedin_free(&li);
	ok(read2("First Name,Last Name,URL,Connected On\n", one, NULL, &li, err, sizeof err) < 0 && strstr(err, "--me"),
	   "an undecidable tie asks for --me: %s", err);
	import_linkedin_free(&li);
	ok(read2("First Name,Last Name,URL,Connected On\n", one, "https://www.linkedin.com/in/BOB/", &li, err, sizeof err) == 0 &&
	   li.n_msgs == 1 && !li.msgs[0].mine && strcmp(li.msgs[0].counterpart, ME) == 0, "--me decides it");
	import_linkedin_free(&li);
	ok(read2(conn_ok, one, "https://example.org/in/x", &li, err, sizeof err) < 0 && strstr(err, "--me"),
	   "a --me that is not a profile URL: %s", err);
	import_linkedin_free(&li);
	ok(read2(conn_ok, "CONVERSATION ID,SENDER PROFILE URL,DATE,IS MESSAGE DRAFT\nc1," ME ",2024-01-01 10:00:00 UTC,Yes\n",
	         NULL, &li, err, sizeof err) == 0 && li.n_msgs == 0 && li.skipped_msgs == 1 && !li.me, "a draft is skipped");
	import_linkedin_free(&li);
}

int main(void)
{
	test_good();
	test_errors();
	test_me();
	return tap_done();
}
