/* mail.h — the e-mail source: the user's local Maildir folders, headers
 * only, as ledger events of platform "email".
 *
 * The roots are walked recursively for Maildir folders (a directory with
 * cur/ and new/); every message file is read once (remembered by folder and
 * unique name, so new/x renamed cur/x:2,S is not read again, and a restart
 * reads nothing twice). Scanning runs in batches of a few hundred files per
 * loop turn, one transaction each: the files, the messages that involve the
 * user (From is one of `me`, or To/Cc names one) with their counterparts,
 * and the events for counterparts linked to a mentor (accounts of platform
 * "email"), folded into the mentor cache. inotify on every new/ and cur/
 * (and on every directory walked, for new folders) keeps it current.
 *
 * Addresses and subjects reach the logs at debug level only. */
#ifndef MENTORD_MAIL_H
#define MENTORD_MAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct event_base;
struct store;
struct mentor_cache;
struct clock;
struct mail;

struct mail_settings {
	char *const *roots;     /* absolute paths; none: the source is off */
	size_t n_roots;
	char *const *me;        /* the user's addresses, lower case */
	size_t n_me;
	bool subjects;          /* keep subjects (in messages and event notes) */
};

/* A new ledger event, announced after its commit: mail that arrived while
 * mentord watched (what a scan finds is the past, and not announced). */
struct mail_activity {
	int64_t mentor_id;
	const char *kind;       /* my_email, email_to_me */
	int64_t at;
};

struct mail_events {
	void (*activity)(void *data, const struct mail_activity *a);
	void *data;
};

struct mail_deps {
	struct event_base *base;
	const struct clock *clock;
	struct store *store;
	struct mentor_cache *mentors;
};

/* Starts the first scan (from the loop) and the watches. The settings are
 * copied. */
int mail_new(struct mail **out, const struct mail_deps *deps, const struct mail_events *ev,
             const struct mail_settings *set);
void mail_free(struct mail *m);

/* New settings: other roots are walked again (files already read are
 * skipped), the watches of roots no longer listed are dropped. */
int mail_reload(struct mail *m, const struct mail_settings *set);

struct mail_status {
	bool enabled;
	const char *state;      /* "disabled", "scanning", "watching", "error" */
	unsigned folders;       /* Maildir folders watched */
	uint64_t files;         /* message files read (remembered) */
	uint64_t messages;      /* messages involving the user */
	int64_t last_scan;      /* when the last full scan ended; 0 never */
	const char *last_error; /* "" when none */
};
void mail_status(const struct mail *m, struct mail_status *out);

#endif
