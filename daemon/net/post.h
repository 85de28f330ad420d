/* post.h — the normalised post and interaction, the one shape every platform
 * parser produces and every consumer (ingest, ledger, notify) reads.
 *
 * Ownership: every string is heap-allocated and owned by the struct; free with
 * post_clear()/post_notif_clear()/page_clear(). A NULL string means "absent". */
#ifndef MENTORD_POST_H
#define MENTORD_POST_H

#include <stddef.h>
#include <stdint.h>

enum post_kind {
	POST_ORIGINAL = 0,  /* a post of its own (may still be a reply) */
	POST_REPOST,        /* a boost/retweet/repost: repost_of_* names the target */
	POST_QUOTE,         /* a post quoting another: quote_of_* names the target as far
	                       as it is known, which may be not at all */
};

struct post_ref {          /* another post this one points at */
	char *id;              /* X id, Bluesky at:// URI; Mastodon: the target's key
	                          (its uri) for repost_of and quote_of, but for
	                          reply_to the answering instance's status id (no
	                          uri is given: only its presence says "a reply") */
	char *author_id;       /* stable author id where known (X id, Mastodon acct
	                          user@domain lower-cased, DID) */
	char *author_handle;   /* handle where known */
};

struct post {
	const char *network;   /* static: "x", "mastodon", "bluesky" */
	char *id;              /* network id (Mastodon: the answering instance's status
	                          id, for paging and history_below) */
	char *key;             /* dedupe key: X first edit id, Mastodon status uri (the
	                          same from every instance; a boost's own ".../activity"
	                          uri), Bluesky URI */
	char *author_id;       /* stable id (Mastodon: the acct, lower-cased) */
	char *author_handle;
	char *author_name;
	char *text;            /* plain UTF-8, HTML stripped, entities decoded; links
	                          whole (Bluesky: each shortened link label replaced by
	                          its facet's URL, a link card's URL not in the text
	                          appended as a last line of its own) */
	int64_t created_at;    /* unix seconds UTC */
	int64_t edited_at;     /* unix seconds of the version seen when edited, else 0
	                          (Mastodon edited_at; X: a later version's created_at) */
	char *url;             /* web URL a human can open */
	enum post_kind kind;
	struct post_ref reply_to;   /* id NULL when not a reply */
	struct post_ref repost_of;  /* id NULL unless kind == POST_REPOST */
	struct post_ref quote_of;   /* NULL unless kind == POST_QUOTE; a quote's target may
	                               be unknown (a Mastodon quote pending approval,
	                               revoked, deleted): kind POST_QUOTE, id NULL */
	char **mentions;       /* handles mentioned (without '@'), n_mentions entries */
	size_t n_mentions;
	char **mention_ids;    /* stable ids parallel to mentions where known (else NULL
	                          entries; Mastodon: the accts lower-cased) */
	char **tags;           /* hashtags, lower-cased, without '#' */
	size_t n_tags;
	int64_t n_likes, n_reposts, n_replies, n_quotes;   /* -1 when unknown */
};

enum notif_kind {
	NOTIF_MENTION = 0, NOTIF_REPLY, NOTIF_QUOTE, NOTIF_REPOST, NOTIF_LIKE, NOTIF_FOLLOW,
	NOTIF_OTHER,
};

/* Something another account did to the user's own account (Mastodon
 * notifications, Bluesky listNotifications, X mentions). */
struct notif {
	const char *network;
	char *id;              /* notification id or dedupe key */
	enum notif_kind kind;
	char *actor_id;        /* stable id, as post.author_id */
	char *actor_handle;
	char *actor_name;
	int64_t created_at;
	char *subject_id;      /* the user's post acted on (like/repost/quote/reply), if
	                          any, as repost_of.id names it (Mastodon: its uri; a
	                          reply's parent is known by local id only: NULL) */
	struct post *post;     /* the acting post (mention/reply/quote), may be NULL */
};

void post_clear(struct post *p);
void post_notif_clear(struct notif *n);

#endif
