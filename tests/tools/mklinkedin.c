/* mklinkedin — writes synthetic LinkedIn data exports (ZIP, through
 * libarchive's writer) for the tests of `mentorctl import linkedin`.
 *
 *   mklinkedin OUT.zip base|newer|truncated|notzip|nomessages|nocolumn
 *
 * base: Connections.csv with its notes preamble, a byte order mark and CRLF,
 * in a sub-folder as LinkedIn names it; messages.csv with quoted commas and
 * newlines in CONTENT (and the marker word ZEBRAQUAGGA, which must never
 * reach the database), extra columns in another order, a group thread, a
 * draft and a message from a deleted member. The user is trainee-me; Ada
 * (ada-mentor) wrote and was written to, Bob once, Grace never.
 *   connections 3 (Ada, Bob, Grace), messages 4 one-to-one (Ada 3: 2 mine,
 *   1 hers; Bob 1 mine), 4 skipped (group 2, draft 1, deleted member 1)
 * newer: base plus Carl, and two more messages with Ada (1 mine, 1 hers),
 *   at the top of the archive.
 * The bad ones: truncated (base cut short), notzip (text), nomessages (no
 * messages.csv), nocolumn (messages.csv without DATE). */
#include <archive.h>
#include <archive_entry.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ME  "https://www.linkedin.com/in/trainee-me"
#define ADA "https://www.linkedin.com/in/Ada-Mentor/"
#define BOB "https://linkedin.com/in/bob-builder?trk=x"

static const char notes[] =
	"\xEF\xBB\xBFNotes:\r\n"
	"\"When exporting your connection data, you may notice that some of the email addresses are missing. "
	"You will only see email addresses for connections who have allowed their connections to see or download "
	"their email address using this setting https://www.linkedin.com/psettings/privacy/email\"\r\n"
	"\r\n";
static const char people_head[] = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n";
static const char people_base[] =
	"Ada,Mentor," ADA ",Ada.Mentor@Hospital.example,\"St. Elsewhere, Cardiology\",Attending,02 May 2023\r\n"
	"Bob,Builder," BOB ",,Acme,\"Fellow, \"\"Interventional\"\"\",15 Jan 2024\r\n"
	"Grace,Hopper,https://www.linkedin.com/in/grace-h,,Navy,Admiral,01 Jun 2022\r\n"
	",,,,,,01 Jun 2022\r\n";
static const char people_newer[] =
	"Carl,Newman,https://www.linkedin.com/in/carl-n,carl@example.org,Clinic,Resident,03 Mar 2025\r\n";

static const char msg_head[] =
	"\"CONVERSATION ID\",\"CONVERSATION TITLE\",\"FROM\",\"SENDER PROFILE URL\",\"TO\",\"RECIPIENT PROFILE URLS\","
	"\"DATE\",\"SUBJECT\",\"CONTENT\",\"FOLDER\",\"ATTACHMENTS\",\"IS MESSAGE DRAFT\"\n";
static const char msg_nodate_head[] =
	"CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,RECIPIENT PROFILE URLS,"
	"WHEN,SUBJECT,CONTENT,FOLDER\n";
static const char msgs_base[] =
	"2-AdaConv==,,Trainee Me," ME ",Ada Mentor," ADA ",2024-02-01 09:00:00 UTC,Hello,"
	"\"Dear Dr. Mentor, ZEBRAQUAGGA\nI would love to chat, \"\"briefly\"\".\",SENT,,No\n"
	"2-AdaConv==,,Ada Mentor," ADA ",Trainee Me," ME ",2024-02-02 10:30:00 UTC,,\"Sure, ZEBRAQUAGGA.\nTuesday?\",INBOX,,No\n"
	"2-AdaConv==,,Trainee Me," ME ",Ada Mentor," ADA ",2024-02-02 11:00:00 UTC,,Great,SENT,,No\n"
	"2-Group==,Journal club,Trainee Me," ME ",Ada Mentor;Bob Builder,\"" ADA "," BOB "\",2024-03-01 08:00:00 UTC,,hi all,SENT,,No\n"
	"2-Group==,Journal club,Bob Builder," BOB ",Trainee Me;Ada Mentor,\"" ME "," ADA "\",2024-03-01 08:05:00 UTC,,hello,INBOX,,No\n"
	"2-BobConv==,,Trainee Me," ME ",Bob Builder," BOB ",2024-04-01 12:00:00 UTC,,\"a, b, c\",SENT,,No\n"
	"2-BobConv==,,Trainee Me," ME ",Bob Builder," BOB ",2024-04-02 12:00:00 UTC,,unsent draft,DRAFTS,,Yes\n"
	"2-Gone==,,LinkedIn Member,,Trainee Me," ME ",2024-05-01 12:00:00 UTC,,ZEBRAQUAGGA,INBOX,,No\n";
static const char msgs_newer[] =
	"2-AdaConv==,,Ada Mentor," ADA ",Trainee Me," ME ",2025-01-10 08:00:00 UTC,,\"New year, new plans\",INBOX,,No\n"
	"2-AdaConv==,,Trainee Me," ME ",Ada Mentor," ADA ",2025-01-11 08:00:00 UTC,,Thanks!,SENT,,No\n";

static int add(struct archive *a, const char *path, const char *const *parts)
{
	struct archive_entry *e = archive_entry_new();
	size_t len = 0;
	for (size_t i = 0; parts[i]; i++)
		len += strlen(parts[i]);
	archive_entry_set_pathname(e, path);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, (la_int64_t)len);
	archive_entry_set_mtime(e, 1700000000, 0);
	int r = archive_write_header(a, e);
	for (size_t i = 0; r == ARCHIVE_OK && parts[i]; i++)
		if (archive_write_data(a, parts[i], strlen(parts[i])) < 0)
			r = ARCHIVE_FATAL;
	archive_entry_free(e);
	return r == ARCHIVE_OK ? 0 : -1;
}

static int write_zip(const char *out, const char *variant)
{
	struct archive *a = archive_write_new();
	bool newer = strcmp(variant, "newer") == 0;
	const char *dir = newer ? "" : "Basic_LinkedInDataExport_12-07-2026/";
	char p1[200], p2[200];
	const char *people[] = { notes, people_head, people_base, newer ? people_newer : NULL, NULL };
	const char *msgs[] = { strcmp(variant, "nocolumn") == 0 ? msg_nodate_head : msg_head, msgs_base,
	                       newer ? msgs_newer : NULL, NULL };
	const char *readme[] = { "Generated for the tests.\n", NULL };
	int r;

	snprintf(p1, sizeof p1, "%sConnections.csv", dir);
	snprintf(p2, sizeof p2, "%smessages.csv", dir);
	if (archive_write_set_format_zip(a) != ARCHIVE_OK || archive_write_open_filename(a, out) != ARCHIVE_OK) {
		fprintf(stderr, "mklinkedin: %s: %s\n", out, archive_error_string(a));
		archive_write_free(a);
		return -1;
	}
	r = add(a, "README.txt", readme);
	if (r == 0)
		r = add(a, p1, people);
	if (r == 0 && strcmp(variant, "nomessages") != 0)
		r = add(a, p2, msgs);
	if (archive_write_close(a) != ARCHIVE_OK)
		r = -1;
	if (r < 0)
		fprintf(stderr, "mklinkedin: %s: %s\n", out, archive_error_string(a));
	archive_write_free(a);
	return r;
}

static int cut(const char *path)
{
	FILE *f = fopen(path, "r+");
	long n;
	int r;
	if (!f || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 100) {
		if (f)
			fclose(f);
		return -1;
	}
	r = ftruncate(fileno(f), n * 2 / 3);
	fclose(f);
	return r;
}

int main(int argc, char **argv)
{
	const char *v = argc == 3 ? argv[2] : "";
	if (argc != 3) {
		fprintf(stderr, "usage: mklinkedin OUT.zip base|newer|truncated|notzip|nomessages|nocolumn\n");
		return 2;
	}
	if (strcmp(v, "notzip") == 0) {
		FILE *f = fopen(argv[1], "w");
		if (!f || fputs("First Name,Last Name\nnot,a zip\n", f) < 0 || fclose(f) != 0)
			return 1;
		return 0;
	}
	if (strcmp(v, "base") && strcmp(v, "newer") && strcmp(v, "truncated") && strcmp(v, "nomessages") &&
	    strcmp(v, "nocolumn")) {
		fprintf(stderr, "mklinkedin: unknown variant '%s'\n", v);
		return 2;
	}
	if (write_zip(argv[1], v) < 0)
		return 1;
	if (strcmp(v, "truncated") == 0 && cut(argv[1]) < 0)
		return 1;
	return 0;
}
