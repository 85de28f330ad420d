/* store_mail.h — the e-mail source's rows (schema 014): the message files
 * read (by Maildir folder and unique name), the messages that involve the
 * user (deduplicated by Message-ID; headers only) and their counterpart
 * addresses, and the ledger events they give once an address is linked to
 * a mentor (accounts of platform "email").
 *
 * Writers run inside the caller's transaction. Events carry the dedupe
 * "email:<message-id>:<account id>", so scanning, re-scanning and back-fill
 * add each at most once. */
#ifndef MENTORD_STORE_MAIL_H
#define MENTORD_STORE_MAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;
struct store_event;

struct store_mail_addr {
	const char *addr;       /* lower case */
	const char *name;       /* display name, UTF-8; may be NULL */
};

struct store_mail_msg {
	const char *msgid;      /* without angle brackets */
	int64_t at;
	bool outgoing;          /* the user wrote it */
	const char *subject;    /* NULL: not kept */
	const char *in_reply_to;   /* may be NULL */
	const char *refs;       /* space separated, may be NULL */
	const struct store_mail_addr *addrs;   /* the counterparts */
	size_t n_addrs;
};

/* 1 when the file folder/uniq has been read, 0 when not. */
int store_mail_file_known(struct store *s, const char *folder, const char *uniq);
/* Remembers a file read; message 0: it does not involve the user. */
int store_mail_file_add(struct store *s, const char *folder, const char *uniq, int64_t message);
/* Forgets a deleted file (its message and events stay); 1 when a row went. */
int store_mail_file_forget(struct store *s, const char *folder, const char *uniq);

/* Stores a message with its counterparts: 1 and its row when new, 0 and
 * the existing row when the Message-ID is stored. */
int store_mail_message_add(struct store *s, const struct store_mail_msg *m, int64_t *row);

/* The mentor's account for an address (followed, linked): 1 with the ids,
 * 0 when the address is no mentor's. */
int store_mail_account(struct store *s, const char *addr, int64_t *account_id, int64_t *mentor_id);

/* The event of message msg for a linked account: fills *e (dedupe and note
 * point into buf, valid until the next call). kind is "my_email" or
 * "email_to_me". */
void store_mail_event(struct store_event *e, char *dedupe, size_t size, const char *msgid,
                      int64_t at, bool outgoing, const char *subject, int64_t account_id, int64_t mentor_id);

/* Contract item 3: the events of every stored message exchanged with the
 * address of account_id, now linked to mentor_id. Returns the number of new
 * events (the caller rebuilds the mentor's aggregate). */
int store_mail_backfill(struct store *s, int64_t account_id, int64_t mentor_id);

/* subjects = no: the subjects kept before, and the notes of e-mail events
 * (which are those subjects), are dropped. Returns the messages changed. */
int store_mail_drop_subjects(struct store *s);

/* The mentors with a linked address (*ids: caller frees). */
int store_mail_mentors(struct store *s, int64_t **ids, size_t *n);

/* Files read and messages kept. */
int store_mail_counts(struct store *s, uint64_t *files, uint64_t *messages);

/* Addresses that wrote to the user, with the display name they gave (the
 * most recent), not yet any mentor's. */
typedef int (*store_mail_sender_fn)(const char *addr, const char *name, void *userdata);
int store_mail_for_each_sender(struct store *s, store_mail_sender_fn fn, void *userdata);

#endif
