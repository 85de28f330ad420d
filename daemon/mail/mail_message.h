/* mail_message.h — one message's headers into the store (files, messages,
 * counterparts, events for linked addresses), inside the caller's
 * transaction; the events' news waits in the module until
 * mail_message_flush() after COMMIT (or is dropped with a rollback). */
#ifndef MENTORD_MAIL_MESSAGE_H
#define MENTORD_MAIL_MESSAGE_H

#include <stdint.h>

struct mail;
struct mail_headers;

struct mail_message_stats {
	unsigned files, messages, events;
};

int mail_message_take(struct mail *m, const char *folder, const char *uniq,
                      const struct mail_headers *h, int64_t mtime, struct mail_message_stats *stats);

/* Announces the events of the committed batch. */
int mail_message_flush(struct mail *m);

#endif
