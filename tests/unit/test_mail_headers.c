/* test_mail_headers.c — the header block parser: encoded words, address
 * lists, dates, message ids, folding, broken and hostile headers, and the
 * file reader's limits. */
#include "mail/mail_headers.h"
#include "common/utf8.h"
#include "tap.h"

#include <errno.h>
#include <fcntl.h>
#include <gmime/gmime.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int parse(const char *text, struct mail_headers *h)
{
	return mail_headers_parse(text, strlen(text), h);
}

static void test_basic(void)
{
	struct mail_headers h;
	int r = parse("Return-Path: <x@y>\r\n"
	              "From: =?UTF-8?B?RHIuIErDoW5lIFJvZQ==?= <Jane.Roe@Hospital.ORG>\r\n"
	              "To: Trainee <TRAINEE@uni.edu>, \"Roe, J\" <jroe@gmail.com>\r\n"
	              "Cc: =?ISO-8859-1?Q?Ren=E9e_P?= <renee@example.org>\r\n"
	              "Date: Tue, 4 Mar 2025 10:20:30 +0100\r\n"
	              "Message-ID: <abc.123@hospital.org>\r\n"
	              "In-Reply-To: <first@uni.edu>\r\n"
	              "References: <root@uni.edu>\r\n <first@uni.edu>\r\n"
	              "Subject: =?ISO-8859-1?Q?Caf=E9?= and\r\n =?UTF-8?B?w6lsw6h2ZQ==?=\r\n"
	              "\r\n"
	              "To: body@never.read\r\n", &h);
	is_int(r, 0, "a well-formed block parses");
	is_int(h.n_from, 1, "one From address");
	is_str(h.n_from ? h.from[0].addr : NULL, "jane.roe@hospital.org", "address lower-cased");
	is_str(h.n_from ? h.from[0].name : NULL, "Dr. Jáne Roe", "UTF-8 base64 display name decoded");
	is_int(h.n_to, 3, "To and Cc together; the body's To not read");
	is_str(h.n_to > 0 ? h.to[0].addr : NULL, "trainee@uni.edu", "To lower-cased");
	is_str(h.n_to > 1 ? h.to[1].name : NULL, "Roe, J", "quoted display name");
	is_str(h.n_to > 2 ? h.to[2].name : NULL, "Renée P", "ISO-8859-1 quoted-printable name");
	is_int(h.date, 1741080030, "Date with its zone");
	is_str(h.msgid, "abc.123@hospital.org", "Message-ID without brackets");
	ok(!h.msgid_synthetic, "a real Message-ID");
	is_str(h.in_reply_to, "first@uni.edu", "In-Reply-To");
	is_str(h.refs, "root@uni.edu first@uni.edu", "folded References, in order");
	is_str(h.subject, "Café and élève", "folded subject of two encoded words");
	ok(!h.truncated, "not truncated");
	mail_headers_clear(&h);
}

static void test_broken(void)
{
	struct mail_headers a, b, c;
	const char *no_id = "From: someone@example.com\nTo: trainee@uni.edu\nDate: yesterday at noon\n"
	                    "Subject: \xff\xfe bad bytes\n\nbody";

	is_int(parse(no_id, &a), 0, "garbage Date, no Message-ID: parsed");
	is_int(a.date, 0, "garbage Date gives 0");
	ok(a.msgid && a.msgid_synthetic && strstr(a.msgid, "@mentord.invalid"), "a synthetic Message-ID");
	ok(a.subject && utf8_text_valid(a.subject, strlen(a.subject)), "a subject of bad bytes comes out UTF-8");
	parse(no_id, &b);
	is_str(b.msgid, a.msgid, "the synthetic id is stable");
	parse("From: someone@example.com\nTo: trainee@uni.edu\nSubject: other\n", &c);
	ok(c.msgid && strcmp(c.msgid, a.msgid) != 0, "another block, another synthetic id (unterminated block read)");
	is_int(c.date, 0, "no Date gives 0");
	mail_headers_clear(&a);
	mail_headers_clear(&b);
	mail_headers_clear(&c);

	parse("From: not an address\nTo: undisclosed-recipients:;\nCc: friends: a@b.example, C@D.example;\n"
	      "Message-ID: has spaces inside\nSubject:\n", &a);
	is_int(a.n_from, 0, "From without an address gives none");
	is_int(a.n_to, 2, "group members are addresses");
	is_str(a.n_to > 1 ? a.to[1].addr : NULL, "c@d.example", "group member lower-cased");
	ok(a.msgid_synthetic, "a Message-ID that is no id gives a synthetic one");
	ok(!a.subject, "an empty Subject is none");
	mail_headers_clear(&a);

	parse("\x01\x02garbage\n:\n \n\tcontinuation of nothing\nFrom:\n", &a);
	ok(a.n_from == 0 && a.msgid_synthetic, "garbage lines are skipped");
	mail_headers_clear(&a);
	is_int(mail_headers_parse("", 0, &a), 0, "an empty block parses");
	mail_headers_clear(&a);

	parse("Message-ID: <first@x>\nMessage-ID: <second@x>\nTo: a@x.example\nTo: b@x.example\n", &a);
	is_str(a.msgid, "first@x", "a repeated Message-ID keeps the first");
	is_int(a.n_to, 2, "repeated To fields add up");
	mail_headers_clear(&a);
}

static void test_refs_cap(void)
{
	char buf[4096];
	struct mail_headers h;
	size_t n = (size_t)snprintf(buf, sizeof buf, "References:");
	for (int i = 0; i < 30; i++)
		n += (size_t)snprintf(buf + n, sizeof buf - n, " <r%d@x>", i);
	snprintf(buf + n, sizeof buf - n, "\n");
	parse(buf, &h);
	ok(h.refs && strncmp(h.refs, "r10@x ", 6) == 0 && strstr(h.refs, " r29@x"), "References keep the newest 20");
	mail_headers_clear(&h);
}

static void test_files(void)
{
	char dir[] = "/tmp/test_mail_headers.XXXXXX", path[256], *buf = malloc(MAIL_HEADERS_MAX);
	struct mail_headers h;
	int64_t mtime = 0;
	FILE *f;

	if (!mkdtemp(dir) || !buf) {
		ok(0, "temporary directory");
		free(buf);
		return;
	}
	snprintf(path, sizeof path, "%s/huge", dir);
	f = fopen(path, "w");
	fprintf(f, "From: Big <big@example.com>\nTo: trainee@uni.edu\nX-Huge: start");
	for (int i = 0; i < 3000; i++)
		fprintf(f, "\n\tfolded junk line number %d of the huge header", i);
	fprintf(f, "\nSubject: beyond the cap\n\nbody\n");
	fclose(f);
	is_int(mail_headers_read(AT_FDCWD, path, buf, &h, &mtime), 0, "a header block over 64 KiB is read");
	ok(h.truncated, "... and marked truncated");
	ok(h.n_from == 1 && h.n_to == 1, "... its addresses before the cut are kept");
	ok(!h.subject, "... and nothing after the cut is read");
	ok(mtime > 0, "the file's time is given");
	mail_headers_clear(&h);

	snprintf(path, sizeof path, "%s/short", dir);
	f = fopen(path, "w");
	fprintf(f, "From: a@b.example\nSubject: no body at all");
	fclose(f);
	is_int(mail_headers_read(AT_FDCWD, path, buf, &h, &mtime), 0, "a file of headers only");
	is_str(h.subject, "no body at all", "... its last line without a newline is read");
	mail_headers_clear(&h);

	snprintf(path, sizeof path, "%s/missing", dir);
	is_int(mail_headers_read(AT_FDCWD, path, buf, &h, &mtime), -ENOENT, "a missing file is -ENOENT");
	is_int(mail_headers_read(AT_FDCWD, dir, buf, &h, &mtime), -EISDIR, "a directory is -EISDIR");
	snprintf(path, sizeof path, "%s/link", dir);
	if (symlink("/etc/passwd", path) == 0)
		is_int(mail_headers_read(AT_FDCWD, path, buf, &h, &mtime), -ELOOP, "a symlink is not followed");
	snprintf(path, sizeof path, "rm -rf '%s'", dir);
	if (system(path) != 0)
		tap_diag("could not remove %s", dir);
	free(buf);
}

int main(void)
{
	g_mime_init();
	test_basic();
	test_broken();
	test_refs_cap();
	test_files();
	g_mime_shutdown();
	return tap_done();
}
