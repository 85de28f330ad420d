/* mentord.h — the daemon object: owns every subsystem, built up by
 * mentord_init() in dependency order and torn down by mentord_finish() in
 * reverse. Callbacks receive it as their userdata; nothing else is global. */
#ifndef MENTORD_MENTORD_H
#define MENTORD_MENTORD_H

#include "config/config.h"
#include "base/clock.h"

#include <stdbool.h>
#include <stdint.h>

struct event_base;
struct event;
struct store;
struct bus;
struct http;
struct sched;
struct mentor_cache;
struct check_engine;
struct notifier;

/* What `mentorctl status` shows per network; filled by the scheduler. */
struct platform_status {
	char state[24];          /* "disabled", "idle", "polling", "backoff", "rate-limited", "auth-failed" */
	int64_t last_poll;       /* unix seconds, 0 = never */
	int64_t next_poll;
	int64_t rate_remaining;  /* -1 = unknown */
	char last_error[160];
};

struct mentord_options {
	const char *config_path;   /* NULL: XDG default, missing file = defaults */
	const char *db_path;       /* NULL: XDG default */
	int64_t clock_offset;      /* seconds to add to the wall clock (tests only) */
	int64_t clock_scale;       /* tests only: simulated seconds per real one; 0 or 1 = real */
	int64_t clock_anchor_usec; /* tests only: the real instant (epoch µs) the scaled clock starts from */
};

struct mentord {
	struct event_base *base;
	struct config config;
	char *config_path;
	bool config_explicit;
	char *db_path;
	struct store *store;
	struct http *http;
	struct sched *sched;
	struct mentor_cache *mentors;
	struct check_engine *check;   /* the draft checker's rules */
	struct bus *bus;
	struct notifier *notify;      /* desktop notifications */
	struct clock clock;        /* moved and scaled by tests (MENTORD_CLOCK_*) */
	struct platform_status status[CONFIG_MAX_PLATFORMS];
	uint64_t started_usec;     /* CLOCK_MONOTONIC */
	struct event *sig_term, *sig_int, *sig_hup, *watchdog;
	bool quit;
	int exit_code;
};

int mentord_init(struct mentord *m, const struct mentord_options *opt);
void mentord_finish(struct mentord *m);

/* Runs the loop until a signal or a lost bus ends it; returns the exit code. */
int mentord_run(struct mentord *m);

/* Re-reads the configuration file; on error keeps the old one, logs and
 * returns the error with *err = "file:line: message" (caller frees). */
int mentord_reload(struct mentord *m, char **err);

/* Asks the loop to stop after the current iteration. */
void mentord_quit(struct mentord *m, int exit_code);

#endif
