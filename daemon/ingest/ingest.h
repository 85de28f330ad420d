/* ingest.h — turns parsed pages into rows: posts (deduplicated on their key)
 * and the ledger events they imply, for one network.
 *
 * The caller owns the transaction: a page's posts, its events and the
 * watermark that follows it are committed together or not at all. Every
 * event carries a dedupe key built from what it is about (not from which
 * request found it), so re-ingesting a page — or seeing the same reply in a
 * mentor's feed and in the user's notifications — adds nothing. */
#ifndef MENTORD_INGEST_H
#define MENTORD_INGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;
struct post;
struct notif;
struct mentor_cache;
struct check_engine;

/* Where a page comes from and where its events go. */
struct ingest_me {
	const char *platform;
	const char *id;       /* the user's stable id on it, NULL when not yet known */
	const char *handle;   /* the user's handle, may be NULL */
	struct mentor_cache *mentors;    /* aggregates to update with each new event; may be NULL */
	bool tag_stream;      /* a tracked hashtag's page: authors become candidates */
	/* The draft check: a new post of someone else that replies to, mentions
	 * or quotes the user and that it flags (warn or block) becomes a
	 * tagged_risk event (a mentor's ledger, or the candidate's aggregate for
	 * a stranger). NULL: not checked. */
	const struct check_engine *check;
};

/* A new ledger event, reported for signals and notifications. */
struct ingest_event {
	int64_t mentor_id;
	const char *kind;     /* spec vocabulary: post, reply_to_me, my_reply, ... */
	const char *platform;
	const char *url;
	const char *text;     /* the post's text, may be NULL */
	int64_t at;
	/* tagged_risk only (mentor_id 0 for a stranger): who posted it, the
	 * post's key (what "once per post" counts) and what the check found,
	 * "block: message; warn: message" */
	const char *who, *post_key, *findings;
};
typedef void (*ingest_event_fn)(const struct ingest_event *ev, void *userdata);

struct ingest_stats {
	unsigned posts_new, posts_known, events_new;
};

/* Stores posts and derives events (the mentor's posts and what they aim at
 * the user; the user's posts aimed at mentors). on_event may be NULL. */
int ingest_posts(struct store *s, const struct ingest_me *me, const struct post *posts,
                 size_t n, struct ingest_stats *stats, ingest_event_fn on_event, void *userdata);

/* Stores the posts notifications carry and derives events for notifications
 * whose actor is a mentor. */
int ingest_notifs(struct store *s, const struct ingest_me *me, const struct notif *notifs,
                  size_t n, struct ingest_stats *stats, ingest_event_fn on_event, void *userdata);

/* An account was just resolved to author_id: ties the posts stored before
 * (from tag streams, notifications, the user's own feed) to it and derives
 * the events they imply, so the ledger does not depend on which poll came
 * first. Idempotent like everything here. */
int ingest_backfill(struct store *s, const struct ingest_me *me, const char *author_id,
                    int64_t account_id, struct ingest_stats *stats,
                    ingest_event_fn on_event, void *userdata);

#endif
