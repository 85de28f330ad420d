/* import_linkedin.h — LinkedIn's member data export ("Settings → Data
 * privacy → Get a copy of your data"), a ZIP read in place with libarchive
 * (nothing is extracted to disk). Two of its files matter, found by base
 * name in any folder of the archive:
 *
 *   Connections.csv  a few lines of notes ("Notes:", a quoted sentence, a
 *                    blank line), then First Name, Last Name, URL, Email
 *                    Address (often empty), Company, Position, Connected On
 *                    ("02 May 2023")
 *   messages.csv     CONVERSATION ID, CONVERSATION TITLE, FROM, SENDER
 *                    PROFILE URL, TO, RECIPIENT PROFILE URLS (comma
 *                    separated), DATE ("2023-05-02 14:03:11 UTC"), SUBJECT,
 *                    CONTENT, FOLDER, and in newer exports ATTACHMENTS, IS
 *                    MESSAGE DRAFT, IS CONVERSATION DRAFT
 *
 * Both through libcsv: quoted fields with commas and newlines, a UTF-8 byte
 * order mark, CRLF. The header row is the first row (of the first 20) that
 * names every required column; columns are found by name, case and
 * surrounding blanks ignored, in any order, extra ones ignored. SUBJECT and
 * CONTENT are never copied out of libcsv's buffer.
 *
 * Profile URLs and e-mail addresses come out canonical (common/channel.h);
 * an e-mail cell that is not an address comes out empty. The user's own profile is the
 * participant of the most conversations (ties: the one who is not among the
 * connections), unless given. Only one-to-one conversations of the user
 * give messages; drafts, group threads and senders without a profile URL
 * (deleted members, sponsored mail) are counted as skipped. A message's key
 * is "conversation/unix time/me|them": stable across exports. */
#ifndef MENTORCTL_IMPORT_LINKEDIN_H
#define MENTORCTL_IMPORT_LINKEDIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* LinkedIn's own limit on first-degree connections; messages are capped
 * so that one bus call stays far below the bus's message size. */
#define IMPORT_LINKEDIN_MAX_PEOPLE   30000
#define IMPORT_LINKEDIN_MAX_MESSAGES 200000
#define IMPORT_LINKEDIN_MAX_KEY      256

struct linkedin_person {
	char *url, *first, *last, *email, *company, *position;   /* "" when empty */
	int64_t connected_on;                                     /* unix time, 00:00 UTC */
};

struct linkedin_message {
	char *key;           /* conversation/at/me|them */
	char *counterpart;   /* the other participant's canonical URL */
	bool mine;           /* the user wrote it */
	int64_t at;
};

struct import_linkedin {
	struct linkedin_person *people;
	size_t n_people;
	struct linkedin_message *msgs;
	size_t n_msgs;
	char *me;                   /* NULL when messages.csv has no message */
	size_t skipped_people;      /* rows without a profile URL */
	size_t skipped_msgs;        /* drafts, group threads, no profile URL */
};

/* Reads the export at path (or, for tests, the ZIP in memory). me: the
 * user's profile URL, or NULL to work it out. 0, or -1 with a sentence in
 * err ("export.zip: messages.csv: row 7: ..."). Free with
 * import_linkedin_free(), also after an error. */
int import_linkedin_read(const char *path, const char *me, struct import_linkedin *out,
                         char *err, size_t err_size);
int import_linkedin_read_memory(const void *zip, size_t len, const char *name, const char *me,
                                struct import_linkedin *out, char *err, size_t err_size);
void import_linkedin_free(struct import_linkedin *li);

#endif
