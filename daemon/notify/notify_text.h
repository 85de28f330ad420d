/* notify_text.h — what a desktop notification is about (an item: a post,
 * a reply, a nudge...) and its words: summary, body, urgency and category
 * for one item or a digest of several. Bodies are escaped for servers that
 * read markup (&, <, >). The policy (notify_policy.h) decides which items
 * become messages and when. */
#ifndef MENTORD_NOTIFY_TEXT_H
#define MENTORD_NOTIFY_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum notify_kind {
	NOTIFY_POST = 0,      /* a mentor's post in the user's interest area */
	NOTIFY_REPLY,         /* a mentor replied to the user (urgent) */
	NOTIFY_MENTION,       /* mentioned, quoted or followed the user (urgent) */
	NOTIFY_NUDGE,         /* a new nudge: what to do next */
	NOTIFY_OPPORTUNITY,   /* a nudge about an opportunity (call for abstracts...) */
	NOTIFY_SYNC,          /* the one summary of a first sync */
	NOTIFY_TAGGED,        /* tagged in a post the draft check flags (critical) */
	NOTIFY_BUDGET,        /* X's monthly budget: 80% read, X waits (shown alone) */
	NOTIFY_KIND_COUNT
};
/* "posts", "replies", "mentions", "nudges", "opportunities", "sync", "tagged", "budget" — the
 * config's notify_<name> switches. */
const char *notify_kind_name(enum notify_kind k);

#define NOTIFY_DIGEST_LINES 5        /* lines of a digest before "and N more" */

struct notify_item {
	enum notify_kind kind;
	int64_t mentor_id;                 /* 0: not about a mentor */
	char *mentor;                      /* display name, may be NULL */
	char *summary;                     /* shown alone: the title; NULL: built from kind */
	char *platform, *url, *text;       /* may be NULL */
	int64_t at;
};

/* One desktop notification to send. Strings are owned by the message. */
struct notify_msg {
	char *summary, *body;
	char *url;                         /* the "Open" action, NULL: none */
	uint8_t urgency;                   /* 0 low, 1 normal, 2 critical */
	const char *category;              /* static */
	int64_t mentor_id;                 /* 0 for digests of several mentors */
};
void notify_msg_clear(struct notify_msg *m);

/* 0 or -ENOMEM; *out is filled (clear it with notify_msg_clear). */
int notify_msg_single(struct notify_msg *out, const struct notify_item *it);
/* n items (n + extra >= 1) as one notification: "5 new posts from 3 mentors". */
int notify_msg_digest(struct notify_msg *out, const struct notify_item *v, size_t n, size_t extra);

/* "X", "Mastodon", "Bluesky" (else the name itself). */
const char *notify_network_title(const char *platform);

#endif
