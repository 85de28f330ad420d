/* notify_text.h — the words of desktop notifications: summary, body,
 * urgency and category for one item or a digest of several. Bodies are
 * escaped for servers that read markup (&, <, >). */
#ifndef MENTORD_NOTIFY_TEXT_H
#define MENTORD_NOTIFY_TEXT_H

#include "notify/notify_policy.h"

/* 0 or -ENOMEM; *out is filled (clear it with notify_msg_clear). */
int notify_msg_single(struct notify_msg *out, const struct notify_item *it);
/* n items (n + extra >= 1) as one notification: "5 new posts from 3 mentors". */
int notify_msg_digest(struct notify_msg *out, const struct notify_item *v, size_t n, size_t extra);

/* "X", "Mastodon", "Bluesky" (else the name itself). */
const char *notify_network_title(const char *platform);

#endif
