/* bus.h — mentord on the session bus: publishes org.mentord.Manager1 (the
 * contract is schema/org.mentord.Manager1.xml) on a connection its owner
 * opened, and drives that connection from libevent.
 *
 * Requests go down (to the store, the mentor cache, the scheduler, the
 * notifier); what only the daemon object can do (re-read the configuration,
 * stop) goes up through struct bus_hooks. */
#ifndef MENTORD_BUS_BUS_H
#define MENTORD_BUS_BUS_H

#include <stdint.h>
#include <systemd/sd-bus.h>

struct bus;
struct event_base;
struct clock;
struct config;
struct store;
struct mentor_cache;
struct check_engine;
struct sched;
struct notifier;
struct ledger_nudge;

/* What the methods work with; owned by the caller, outliving the bus. */
struct bus_deps {
	struct event_base *base;
	sd_bus *conn;                  /* the session bus (a reference is taken) */
	const struct clock *clock;
	const struct config *config;
	struct store *store;
	struct mentor_cache *mentors;
	struct check_engine *check;
	struct sched *sched;
	struct notifier *notifier;
	struct sched_import *imports;  /* may be NULL: no imports */
	struct mail *mail;             /* the e-mail source; may be NULL */
	uint64_t started_usec;         /* CLOCK_MONOTONIC start, for the uptime */
};

/* What the bus asks of its owner. */
struct bus_hooks {
	/* Reload: re-read the configuration; on error *err (freed by the
	 * caller) says why, and the old configuration stays. */
	int (*reload)(void *data, char **err);
	/* The connection is lost: the daemon cannot serve and stops. */
	void (*quit)(void *data, int exit_code);
	void *data;
};

/* Registers the object and requests the name. -EEXIST: another mentord
 * owns the name. */
int bus_new(struct bus **out, const struct bus_deps *deps, const struct bus_hooks *hooks);
void bus_free(struct bus *b);

/* Re-arms the fd event and timer from sd_bus_get_events/get_timeout. Must run
 * before each event loop iteration (anything may have queued messages). */
void bus_rearm(struct bus *b);

/* Emits org.mentord.Manager1 signals; failures are logged, not returned.
 * A NULL bus emits nothing. */
void bus_emit_reloaded(struct bus *b);
void bus_emit_poll_finished(struct bus *b, unsigned polled, unsigned failed);
/* MentorActivity: a new ledger event (not history) for a mentor. */
void bus_emit_activity(struct bus *b, int64_t mentor_id, const char *kind, const char *platform,
                       const char *url, const char *text, int64_t at);
/* ImportProgress: an import job moved (poll/sched_import.h). */
void bus_emit_import_progress(struct bus *b, uint64_t job, unsigned fetched, unsigned total, const char *state);
/* NudgeAdded: a nudge not announced before. */
void bus_emit_nudge(struct bus *b, int64_t mentor_id, const char *mentor, const char *kind, int64_t at,
                    const char *url, const char *message, const char *action);

/* Counts may have changed: PropertiesChanged follows shortly, once, for
 * the properties whose values did change. Store writes are noticed by
 * bus_rearm() itself; call this for changes the store does not see. */
void bus_props_dirty(struct bus *b);

#endif
