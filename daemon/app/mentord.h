/* mentord.h — the daemon object: owns every subsystem, built up by
 * mentord_init() in dependency order and torn down by mentord_finish() in
 * reverse, and wires them: the subsystems know only what is below them, and
 * what one of them has to tell another (new activity, a finished round, a
 * nudge) comes up to callbacks registered here (mentord_news.c) and goes
 * down from here. Callbacks receive it as their userdata; nothing else is
 * global. */
#ifndef MENTORD_APP_MENTORD_H
#define MENTORD_APP_MENTORD_H

#include "config/config.h"
#include "base/clock.h"

#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-bus.h>

struct event_base;
struct event;
struct store;
struct bus;
struct http;
struct sched;
struct sched_events;
struct mentor_cache;
struct check_engine;
struct notifier;
struct notifier_events;
struct mail;
struct mail_events;
struct mail_settings;

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
	char *state_dir;              /* the database's folder */
	struct clock clock;           /* moved and scaled by tests (MENTORD_CLOCK_*) */
	struct store *store;
	struct mentor_cache *mentors; /* every mentor's aggregate in memory */
	struct check_engine *check;   /* the draft checker's rules */
	struct http *http;
	struct sched *sched;
	struct sched_import *imports; /* import jobs, on the scheduler's budgets */
	sd_bus *conn;                 /* the session bus */
	struct notifier *notify;      /* desktop notifications */
	struct bus *bus;              /* Manager1 */
	struct mail *mail;            /* the e-mail source ([email]) */
	uint64_t started_usec;        /* CLOCK_MONOTONIC */
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

/* mentord_news.c: the callbacks that carry news between subsystems. */
void mentord_news_sched(struct mentord *m, struct sched_events *ev);
void mentord_news_notifier(struct mentord *m, struct notifier_events *ev);
struct sched_import_events;
void mentord_news_imports(struct mentord *m, struct sched_import_events *ev);
void mentord_news_mail(struct mentord *m, struct mail_events *ev);
/* The configuration's [email] as the e-mail source's settings (pointing
 * into m->config). */
void mentord_mail_settings(const struct mentord *m, struct mail_settings *set);
/* The configuration's notification settings, to the notifier. */
void mentord_news_configure_notifier(struct mentord *m);

#endif
