/* config.h — mentord.conf: INI with [section], key = value, and '#' or ';'
 * comments (a comment mark inside a value only counts after white space and
 * before white space, so "#MedEd" stays a value).
 *
 * Loading never half-applies: config_load() fills a fresh struct or returns an
 * error "FILE:LINE: message" and leaves *out untouched, so a reload builds a new
 * config and swaps it in only on success. */
#ifndef MENTORD_CONFIG_H
#define MENTORD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "notify/notify_text.h"

#define CONFIG_MAX_PLATFORMS 8
#define CONFIG_HISTORY_DEFAULT (30 * 86400)    /* history = 30d */
#define CONFIG_HISTORY_MAX     (3650LL * 86400)
#define CONFIG_X_MONTHLY_POSTS 2000
#define CONFIG_X_PRICE_PER_POST 0.005

struct config_platform {
	char *name;              /* section name: "x", "mastodon", "bluesky" */
	bool enabled;
	char *api_base;          /* http(s)://host[:port], no trailing slash */
	char *pds_base;          /* Bluesky authenticated host, may be NULL */
	char *instance_override; /* test hook: every server of the network at this
	                            loopback base URL, told apart by the Host header
	                            (networks whose accounts live on many servers) */
	char *token_file;        /* secret file paths (~ expanded), may be NULL */
	char *app_password_file;
	char *user_token_file;   /* X: OAuth 2.0 user token (JSON, 0600; rewritten
	                            when mentord refreshes it), may be NULL */
	char *me;                /* the user's own handle on that network */
	char *identifier;        /* Bluesky login identifier */
	bool home_feed;          /* read followed accounts the user follows there
	                            through the home timeline (default yes) */
	/* [x] only: X bills each post read (docs/man/mentord.conf.5). */
	int64_t monthly_posts;   /* most posts read in a billing month; 0 = no cap */
	double price_per_post;   /* dollars, only to show the cost */
	int cap_reset_day;       /* 1-31: the billing month's first day; 0 = not set (1st) */
};

/* [email]: the e-mail source (daemon/mail/). */
struct config_email {
	char **maildirs;         /* absolute, ~ expanded; none: off */
	size_t n_maildirs;
	char **me;               /* the user's addresses, lower case */
	size_t n_me;
	bool subjects;           /* keep subjects (default yes) */
};

struct config {
	char *path;              /* file it was read from; NULL for defaults */
	char **interests;        /* lower case, '#' removed */
	size_t n_interests;
	int64_t poll_interval;   /* seconds, per followed account */
	int64_t tag_interval;    /* seconds, per tracked hashtag */
	int64_t http_timeout;    /* seconds, whole request */
	int64_t history;         /* seconds of a new account's past to back-fill; 0: one page */
	int history_share;       /* percent of each rate window back-fill may spend */
	bool notify;
	bool notify_kinds[NOTIFY_KIND_COUNT];   /* notify_posts, notify_replies... */
	int64_t notify_coalesce;   /* seconds a burst is gathered into one digest */
	int64_t notify_mentor_gap; /* seconds between notifications about one mentor */
	char *open_command;        /* runs with the URL when "Open" is clicked */
	bool quiet_hours;        /* quiet_start/end valid */
	int quiet_start, quiet_end;   /* minutes after local midnight */
	struct config_platform platforms[CONFIG_MAX_PLATFORMS];
	size_t n_platforms;
	struct config_email email;
};

/* Defaults: Mastodon and Bluesky public reading on, X off. */
int config_init_defaults(struct config *c);

/* Reads path into *out. missing_ok: a missing file yields the defaults.
 * On error returns -errno style code and sets *err (caller frees) to
 * "path:line: message" or "path: reason". */
int config_load(struct config *out, const char *path, bool missing_ok, char **err);

/* Parses an in-memory buffer; name is used in error messages. */
int config_parse(struct config *out, const char *name, const char *buf, size_t len, char **err);

void config_clear(struct config *c);

/* NULL when no such section. */
const struct config_platform *config_platform(const struct config *c, const char *name);

#endif
