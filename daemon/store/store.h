/* store.h — the ledger database: the only module that speaks SQL.
 *
 * One SQLite connection in WAL mode, synchronous=NORMAL (durable across a
 * daemon crash, one fsync per checkpoint rather than per commit), foreign keys
 * on, a short busy timeout. The schema is schema/NNN-*.sql, compiled in and
 * applied in one transaction; PRAGMA user_version counts applied migrations,
 * and a database from a newer mentord is refused (-EPROTO).
 *
 * Every function returns 0 (or a positive count/id where stated) or a
 * negative errno-style code; the first place that knows why logs it. */
#ifndef MENTORD_STORE_H
#define MENTORD_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;

/* SQLite's process-wide settings (savepoint sub-journals in memory): once,
 * before the first store_open; -EINVAL once SQLite has started. */
int store_global_init(void);
/* Opens (creating with mode 0600, its directory 0700) and migrates.
 * path ":memory:" gives a private in-memory database (tests). */
int store_open(struct store **out, const char *path);
void store_close(struct store *s);

/* Number of migrations compiled in, and the database's user_version. */
int store_schema_latest(void);
int store_schema_version(struct store *s);

/* Times the store writes itself (added_at, created_at...) follow the
 * daemon's clock c (which must outlive the store); without one, the
 * system's. */
struct clock;
void store_set_clock(struct store *s, const struct clock *c);

/* Write transactions (BEGIN IMMEDIATE). Nested calls are an error. */
int store_begin(struct store *s);
int store_commit(struct store *s);
void store_rollback(struct store *s);
bool store_in_tx(const struct store *s);

/* One read snapshot over many statements (BEGIN DEFERRED ... COMMIT): a
 * caller that runs thousands of short queries (Nudges) takes the WAL's
 * read lock once instead of per statement. Inside a write transaction it
 * does nothing (that already is one snapshot); store_begin fails while
 * the snapshot is open. store_read_end ends only what store_read_begin
 * opened: pass it store_read_begin's result (1 opened, 0 nothing). */
int store_read_begin(struct store *s);
void store_read_end(struct store *s, int opened);

/* One level of savepoint inside a transaction, so that one part of it (a
 * page among the pages committed together) can fail alone. A savepoint
 * rolled back to is released too. store_rollback_to returns -EIO when the
 * transaction itself was lost (SQLite rolls back on SQLITE_FULL and some
 * I/O errors): it is then rolled back as store_rollback would. */
int store_savepoint(struct store *s);
int store_release(struct store *s);
int store_rollback_to(struct store *s);

/* What a cache above the store learns of each transaction's end, so it
 * can write what it deferred before COMMIT and forget what a ROLLBACK
 * undid. PRECOMMIT runs inside the transaction (a negative return rolls
 * it back and store_commit returns it); COMMITTED after a COMMIT that
 * succeeded; ROLLED_BACK after every rollback, a failed COMMIT's too;
 * SAVEPOINT and ROLLED_BACK_TO likewise around store_savepoint.
 * One hook per store; fn NULL clears it. */
enum store_tx_phase {
	STORE_TX_PRECOMMIT, STORE_TX_COMMITTED, STORE_TX_ROLLED_BACK,
	STORE_TX_SAVEPOINT,        /* before a savepoint: like PRECOMMIT */
	STORE_TX_ROLLED_BACK_TO,   /* after a rollback to the savepoint */
};
typedef int (*store_tx_fn)(enum store_tx_phase phase, void *data);
void store_set_tx_hook(struct store *s, store_tx_fn fn, void *data);

/* Grows with every row this connection changes: a cheap "anything
 * written since?" for callers that cache what they read. */
int64_t store_change_count(struct store *s);
/* Gives SQLite's page cache back (the pages stay in the kernel's cache and
 * are read again when needed): for the end of start-up, whose migrations
 * and loading leave pages a quiet daemon may not touch for hours. */
void store_release_memory(struct store *s);

struct store_counts {
	uint64_t mentors, accounts, hashtags, posts, events;
};
int store_counts(struct store *s, struct store_counts *out);

/* Follows platform/handle (already normalised by the caller). mentor_id 0
 * creates a mentor called name (or the handle when name is NULL/empty).
 * Re-following an unfollowed account reattaches it.
 * -ENOENT: mentor_id does not exist. -EEXIST: already followed. */
int store_follow(struct store *s, const char *platform, const char *handle,
                 const char *name, int64_t mentor_id,
                 int64_t *out_mentor, int64_t *out_account);
/* store_follow for a source (a journal, a society: followed, not a
 * mentor; schema 010): a new source called name, or the account's old
 * person when re-followed and that person is a source. -EEXIST: already
 * followed (as a mentor or a source). */
int store_follow_source(struct store *s, const char *platform, const char *handle,
                        const char *name, int64_t *out_source, int64_t *out_account);
/* -ENOENT: not followed. The account row and its ledger stay. */
int store_unfollow(struct store *s, const char *platform, const char *handle);

/* tag: lower case without '#'; platform "" = all enabled. -EEXIST if tracked. */
int store_track(struct store *s, const char *tag, const char *platform);
/* Removes every platform's row for tag. -ENOENT if not tracked. */
int store_untrack(struct store *s, const char *tag);

/* Orders of the mentors list (ranked in memory by the mentor cache). */
enum store_sort { STORE_SORT_SCORE, STORE_SORT_FIT, STORE_SORT_RECENT, STORE_SORT_STAGE };


/* ---- ingest and scheduling (store_posts.c) ---- */

struct post;

struct store_account_key {
	int64_t account_id, mentor_id;   /* mentor_id 0: not attached */
	bool followed;
};

/* Finds a known account by stable id, else by handle (either may be NULL).
 * Returns 1 and fills *out when found, 0 when not. */
int store_find_account(struct store *s, const char *platform, const char *stable_id,
                       const char *handle, struct store_account_key *out);

/* Inserts a post under its (platform, key). Returns 1 and the new row id when
 * the post is new, 0 when the key is already stored (nothing changes).
 * A Mastodon post keyed by its uri that is stored under its old key (an
 * instance's status id, from before schema 009: the row's net_id, or the
 * same author, time and url or boost target when read through another
 * instance) counts as stored: that row takes the uri (and the ids the post
 * now gives: author, reply and target authors, target, mentions), and so do
 * the dedupe strings of its ledger events and the notifications naming it;
 * 0 is returned. */
int store_insert_post(struct store *s, const struct post *p, int64_t account_id, int64_t *out_id);

/* Posts that ingest could not tie to an account when they arrived (their
 * author was not resolved yet): every stored post by author_id, and every
 * post by me_id aimed at author_id (reply or repost/quote target). The post
 * passed to fn is valid during the call; fn may write. Posts by author_id get
 * account_id recorded first. */
typedef int (*store_post_fn)(const struct post *p, int64_t post_id, void *userdata);
int store_for_each_related_post(struct store *s, const char *platform, const char *author_id,
                                int64_t account_id, const char *me_id, store_post_fn fn, void *userdata);

struct notif;
/* Keeps a notification; 1 when new, 0 when its key is already stored. */
int store_insert_notif(struct store *s, const struct notif *n);

/* A stored notification, as store_for_each_notif_by hands it out: the
 * acting post's row id and URL are joined in when the post is stored. */
struct store_notif {
	const char *key;
	int kind;
	const char *actor_id, *actor_handle, *subject_id, *post_key, *post_url;
	int64_t created_at, post_id;
};
typedef int (*store_notif_fn)(const struct store_notif *n, void *userdata);
/* Every stored notification of platform whose actor is actor_id. */
int store_for_each_notif_by(struct store *s, const char *platform, const char *actor_id,
                            store_notif_fn fn, void *userdata);

/* 1 when a post with this key is stored, 0 when not. */
int store_post_exists(struct store *s, const char *platform, const char *key);
/* 1 when a watermark row exists for the target (fills *updated_at), else 0. */
int store_cursor_age(struct store *s, const char *platform, const char *target, int64_t *updated_at);

struct store_event {
	int64_t mentor_id, account_id;   /* account_id 0 for offline events */
	const char *kind;                /* ledger vocabulary of the spec */
	int64_t at;
	const char *platform, *url;      /* NULL offline */
	int64_t post_id;                 /* 0 none */
	const char *note;
	const char *dedupe;              /* NULL: never deduplicated */
};
/* Returns 1 when recorded, 0 when an event with the same dedupe key exists. */
int store_insert_event(struct store *s, const struct store_event *e);

/* Watermarks. *out is NULL when none is stored (caller frees). */
int store_cursor_get(struct store *s, const char *platform, const char *target, char **out);
int store_cursor_set(struct store *s, const char *platform, const char *target, const char *cursor);

/* Small persistent values (e.g. the user's own stable id per network). */
int store_meta_get(struct store *s, const char *key, char **out);
int store_meta_set(struct store *s, const char *key, const char *value);

struct store_followed {
	int64_t account_id, mentor_id;
	const char *platform, *handle, *stable_id;   /* stable_id NULL until resolved */
	int64_t resolved_at;
	int64_t history;                 /* seconds of past to back-fill; -1: the default */
};
typedef int (*store_followed_fn)(const struct store_followed *a, void *userdata);
/* Every followed account, in id order. */
int store_for_each_followed(struct store *s, store_followed_fn fn, void *userdata);

typedef int (*store_tag_fn)(const char *tag, const char *platform, void *userdata);
/* Every tracked (tag, platform) row; platform "" = all enabled. */
int store_for_each_tag(struct store *s, store_tag_fn fn, void *userdata);

/* Records what a lookup said about an account: its stable id, current
 * handle (a renamed account keeps its row) and display name. -EEXIST when
 * another row already holds that stable id or handle. */
int store_account_resolved(struct store *s, int64_t account_id, const char *stable_id,
                           const char *handle, const char *display_name);

/* ---- back-fill (store_history.c) ---- */

/* How far down an account's past the back-fill has read. */
struct store_backfill {
	int64_t since;      /* read down to posts of this time (unix s) */
	int64_t loaded;     /* earlier posts stored so far */
	char *token;        /* where the next older page starts (caller frees); NULL: done */
};
/* 1 and *out when the target has a row, 0 when not. */
int store_backfill_get(struct store *s, const char *platform, const char *target, struct store_backfill *out);
/* token NULL: done down to since. In the caller's transaction, with the page. */
int store_backfill_set(struct store *s, const char *platform, const char *target, int64_t since,
                       int64_t loaded, const char *token);
/* A followed account's own window (seconds; negative: the default).
 * -ENOENT: not followed. */
int store_set_history(struct store *s, const char *platform, const char *handle, int64_t seconds);
/* The oldest stored post of an account (not a repost): 1 with its network
 * id (caller frees) and time, 0 when it has none. */
int store_oldest_post(struct store *s, int64_t account_id, char **net_id, int64_t *created_at);

/* ---- what each server calls an account (store_local_ids.c) ---- */

/* An account's id at one server, where that differs from its stable id
 * (Mastodon: the stable id is the lower-cased acct user@domain, the same
 * from every instance; each instance numbers the account its own way and
 * wants that number in its URLs). instance is host[:port], compared without
 * regard to case (stored lower-cased). Lookups learn these; nothing else
 * does, so a missing one means "look the account up there".
 * get: 1 and *local_id (caller frees), 0 when not known (*local_id NULL).
 * set: records or replaces it, with the store's time; local_id NULL forgets
 * it (the server no longer knows the account). -EINVAL: a NULL key part or
 * an empty local_id. Accounts are never deleted (unfollow keeps the row),
 * so nothing removes these with an account. */
int store_local_id_get(struct store *s, const char *platform, const char *instance, const char *stable_id,
                       char **local_id);
int store_local_id_set(struct store *s, const char *platform, const char *instance, const char *stable_id,
                       const char *local_id);

/* ---- the ledger (store_ledger.c) ---- */

struct store_mentor_rec {
	int64_t id;
	const char *name;
	const char *stage_override;      /* NULL when not pinned */
	int64_t muted_until;
	const char *ledger;              /* aggregate text (ledger_agg_format) */
	int64_t created_at;
	bool source;                     /* a source (schema 010), not a mentor */
};
typedef int (*store_mentor_rec_fn)(const struct store_mentor_rec *m, void *userdata);
int store_for_each_mentor(struct store *s, store_mentor_rec_fn fn, void *userdata);
/* 1 and calls fn when the mentor exists, 0 when not. */
int store_get_mentor(struct store *s, int64_t id, store_mentor_rec_fn fn, void *userdata);
int store_save_aggregate(struct store *s, int64_t mentor_id, const char *ledger,
                         int64_t last_activity, int64_t last_contact);

/* A ledger event joined with its post, as the timeline and the aggregate
 * rebuild read it. Strings valid during the callback. */
struct store_event_row {
	int64_t id, at, post_id;
	const char *kind, *platform, *url;
	const char *text;                /* the post's text, or the note */
	const char *tags;                /* space separated, NULL without a post */
	int post_kind;                   /* enum post_kind, -1 without a post */
	const char *reply_to_author, *author_id, *note;
};
typedef int (*store_event_fn)(const struct store_event_row *e, void *userdata);
/* newest first, at most limit; or (limit 0) all in time order; or since
 * `since` in time order (store_recent_events). */
int store_mentor_events(struct store *s, int64_t mentor_id, uint32_t limit,
                        store_event_fn fn, void *userdata);
int store_recent_events(struct store *s, int64_t mentor_id, int64_t since,
                        store_event_fn fn, void *userdata);

/* The mentor's followed accounts, by platform and handle. */
int store_for_each_account_of(struct store *s, int64_t mentor_id,
                              int (*fn)(const char *platform, const char *handle, void *userdata),
                              void *userdata);

/* Records an offline event; returns its id (> 0). */
int64_t store_log_event(struct store *s, int64_t mentor_id, const char *kind, int64_t at, const char *note);

/* MENTOR as the user types it: numeric id, handle, or unique name prefix.
 * Returns the id, -ENOENT (no match) or -ENOTUNIQ (several). */
int64_t store_find_mentor(struct store *s, const char *query);

int store_set_stage(struct store *s, int64_t mentor_id, const char *stage);

/* Moves an account (and its network events) to mentor_id. Returns the
 * mentor it came from (0 if none). The caller deletes that one with
 * store_drop_empty_mentor() if nothing is left of it. */
int64_t store_move_account(struct store *s, int64_t account_id, int64_t mentor_id);
/* Accounts attached to the mentor, and its offline events. */
int store_mentor_size(struct store *s, int64_t mentor_id, int64_t *accounts, int64_t *offline);
/* Deletes a mentor with no account and no event left; 1 if deleted. */
int store_drop_empty_mentor(struct store *s, int64_t mentor_id);
/* Account id for platform/handle (followed or not), 0 if none. */
int64_t store_account_id(struct store *s, const char *platform, const char *handle, int64_t *mentor_id);
/* Creates a mentor under an id never used before (a script holding an old
 * id must not reach another person); returns the id or a negative errno. */
int64_t store_new_mentor(struct store *s, const char *name);

/* Suggestion candidates. get: 1 and copies of the aggregate text and the
 * mentor-id list, 0 when unknown. put: upsert, adding the counts. */
int store_candidate_get(struct store *s, const char *platform, const char *author_id,
                        char **ledger, char **mentors);
int store_candidate_put(struct store *s, const char *platform, const char *author_id,
                        const char *handle, const char *name, const char *ledger,
                        int seen_in_tags, int seen_in_threads, const char *mentors, int64_t seen);
struct store_candidate {
	const char *platform, *author_id, *handle, *name, *ledger, *mentors;
	uint32_t seen_in_tags, seen_in_threads;
};
typedef int (*store_candidate_fn)(const struct store_candidate *c, void *userdata);
/* The most-seen candidates, not followed and not dismissed. */
int store_for_each_candidate(struct store *s, uint32_t limit, store_candidate_fn fn, void *userdata);
int store_dismiss(struct store *s, const char *platform, const char *handle);

/* The mentor's posts since `since` (newest first, at most 50) and whether
 * the user replied to or quoted each. */
struct store_recent_post {
	int64_t id, at;
	const char *url, *text, *tags, *reply_to_author;
	int kind;
	bool user_replied;
};
typedef int (*store_recent_post_fn)(const struct store_recent_post *p, void *userdata);
int store_recent_posts(struct store *s, int64_t mentor_id, int64_t since,
                       store_recent_post_fn fn, void *userdata);

/* Profile text of an account, from its lookup (NULL clears). */
int store_account_bio(struct store *s, int64_t account_id, const char *bio);
struct store_bio {
	int64_t account_id, mentor_id;
	const char *platform, *handle, *bio;
};
/* Every followed account attached to a mentor that has a profile text. */
int store_for_each_bio(struct store *s, int (*fn)(const struct store_bio *b, void *userdata), void *userdata);

/* ---- sources (store_sources.c) ---- */

/* One followed account of a source. Strings valid during the callback. */
struct store_source {
	int64_t id, account_id;          /* the source (a mentors row of kind 'source') */
	const char *platform, *handle, *name;
	int64_t added_at, last_activity;
};
typedef int (*store_source_fn)(const struct store_source *src, void *userdata);
/* Every followed account of every source, by source then account. */
int store_for_each_source(struct store *s, store_source_fn fn, void *userdata);

/* ---- draft check overrides (store_check.c) ---- */

/* Records that the user accepted a finding (rule and fingerprint only). */
int store_check_accept(struct store *s, const char *fingerprint, const char *rule, int64_t at);
/* Every accepted fingerprint, newest first. */
int store_for_each_check_accept(struct store *s, int (*fn)(const char *fingerprint, void *userdata),
                                void *userdata);

/* ---- notifications (store_notify.c) ---- */

/* mentors.muted_until. until: unix seconds, INT64_MAX for ever; <= 0
 * unmutes. -ENOENT: no such mentor. */
int store_set_mute(struct store *s, int64_t mentor_id, int64_t until);
/* Posts that tagged the user and were announced as a risk (the notifier's
 * keys "tagged:PLATFORM:POST-KEY"), of accounts that are no mentor's,
 * created since `since`, newest first, at most limit. */
struct store_tagged {
	int64_t post_id, at;
	const char *platform, *url, *author;   /* url, author may be NULL */
};
typedef int (*store_tagged_fn)(const struct store_tagged *t, void *userdata);
int store_recent_tagged(struct store *s, int64_t since, uint32_t limit, store_tagged_fn fn, void *userdata);
/* Records that key was announced: 1 if new, 0 if it was already. */
int store_announce(struct store *s, const char *key, int64_t at);
int store_prune_announced(struct store *s, int64_t before);
/* ---- the export (store_export.c) ---- */

/* One ledger event with who and where: strings valid during the callback,
 * NULL when absent (offline events have no platform, handle, url, text). */
struct store_export_row {
	int64_t id, mentor_id, at;
	const char *mentor, *kind, *platform, *handle, *url, *text, *note;
};
/* fn returns <0 to fail, 0 for the next row, >0 to stop (not an error). */
typedef int (*store_export_fn)(const struct store_export_row *e, void *userdata);
/* Events with id > after, in id order, at most limit. */
int store_export_events(struct store *s, int64_t after, uint32_t limit,
                        store_export_fn fn, void *userdata);

/* ---- the home feed (store_feed.c) ---- */
/* An account the user was asked about on a network: whether the user
 * follows it there, when that was learnt, whether its new posts are read
 * through the home feed. */
struct store_feed_row {
	const char *stable_id;
	bool following, joined;
	int64_t checked_at;
};
typedef int (*store_feed_fn)(const struct store_feed_row *row, void *userdata);
/* Every row of platform; fn's negative return stops and is returned. */
int store_feed_each(struct store *s, const char *platform, store_feed_fn fn, void *userdata);
/* What the network said of one account, with the store's time; an account
 * no longer followed leaves the feed. */
int store_feed_checked(struct store *s, const char *platform, const char *stable_id, bool following);
/* The account's own walk caught up with the feed: it is read there now
 * (only if the user follows it). */
int store_feed_join(struct store *s, const char *platform, const char *stable_id);
/* The feed lost posts (a gap): every account goes back to its own walk. */
int store_feed_leave_all(struct store *s, const char *platform);

#endif
