/* store_channels.h — accounts of the channels that are not networks (#15):
 * an e-mail address (platform "email") or a LinkedIn profile ("linkedin"),
 * handles in the canonical form of common/channel.h. They are rows of
 * `accounts` like a network's, so Link/Unlink move their events, and they
 * are never polled (the scheduler reads only the registry's platforms).
 * Both calls run inside the caller's transaction. */
#ifndef MENTORD_STORE_CHANNELS_H
#define MENTORD_STORE_CHANNELS_H

#include <stdint.h>

struct store;

/* A new account row of the mentor for platform/handle (the caller checked
 * that none exists). Returns its id (> 0) or -errno. */
int64_t store_channel_add(struct store *s, const char *platform, const char *handle, int64_t mentor_id);

/* Derives the events of one newly linked account from what the channel's
 * source stored before the link (headers seen in the Maildir, rows of a
 * LinkedIn export), idempotent by dedupe: e-mail to store_mail_backfill(),
 * LinkedIn to store_linkedin_backfill(). Called by Link before the mentor
 * cache is rebuilt from the events. Returns the events added (>= 0), 0 for
 * a network's platform, or -errno. */
int store_channel_backfill(struct store *s, const char *platform, int64_t account_id, int64_t mentor_id);

#endif
