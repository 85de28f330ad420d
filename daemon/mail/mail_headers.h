/* mail_headers.h — one message file's header block, read and understood.
 *
 * Only the header block is read: up to the first empty line, at most
 * MAIL_HEADERS_MAX bytes (a longer block is cut at its last whole line).
 * Bodies are never read. The fields are split and unfolded here and
 * understood by GMime 3 (RFC 2047 encoded words, address lists, dates,
 * message ids); g_mime_init() must have run. Every string out is valid UTF-8;
 * addresses are lower case. A message without a Message-ID gets a stable
 * synthetic one from a hash of its header block, so the same file seen
 * twice (new/ and cur/) is one message. */
#ifndef MENTORD_MAIL_HEADERS_H
#define MENTORD_MAIL_HEADERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MAIL_HEADERS_MAX (64 * 1024)
#define MAIL_HEADERS_MAX_ADDRS 64     /* per header field kind; the rest is dropped */
#define MAIL_HEADERS_MAX_REFS 20      /* the newest References kept */

struct mail_addr {
	char *addr;     /* local@domain, lower case */
	char *name;     /* decoded display name; NULL when none */
};

struct mail_headers {
	char *msgid;            /* without angle brackets */
	bool msgid_synthetic;
	int64_t date;           /* unix seconds; 0 when missing or unreadable */
	char *subject;          /* decoded; NULL when none */
	char *in_reply_to;      /* the first id; NULL when none */
	char *refs;             /* space separated, oldest first; NULL when none */
	struct mail_addr *from, *to;   /* to: To and Cc together */
	size_t n_from, n_to;
	bool truncated;         /* the block was longer than MAIL_HEADERS_MAX */
};

/* Parses a header block of len bytes (anything after an empty line is
 * ignored). 0, or -ENOMEM. Garbage yields empty fields, never an error. */
int mail_headers_parse(const char *buf, size_t len, struct mail_headers *out);

/* Reads the header block of the file at path (relative to dirfd, or
 * AT_FDCWD) into buf (MAIL_HEADERS_MAX bytes, the caller's scratch) and
 * parses it. *mtime gets the file's modification time. -errno when it
 * cannot be opened or read (-ENOENT: gone meanwhile; -EISDIR, -ELOOP: not
 * a regular file). */
int mail_headers_read(int dirfd, const char *path, char *buf, struct mail_headers *out, int64_t *mtime);

void mail_headers_clear(struct mail_headers *h);

#endif
