/* bus.h — mentord on the session bus: owns the sd-bus connection, drives it
 * from libevent (fd, events and the absolute-monotonic timeout re-read before
 * every loop iteration: libevent 2.1 has no prepare hook), and publishes the
 * org.mentord.Manager1 interface (vtable in bus_manager.c). */
#ifndef MENTORD_BUS_H
#define MENTORD_BUS_H

#include <stdint.h>
#include <systemd/sd-bus.h>

struct bus;
struct mentord;
struct event_base;

/* Connects to the session bus, registers the object and requests the name.
 * -EEXIST: another mentord owns the name. */
int bus_new(struct bus **out, struct mentord *m, struct event_base *base);
void bus_free(struct bus *b);

/* Re-arms the fd event and timer from sd_bus_get_events/get_timeout. Must run
 * before each event loop iteration (anything may have queued messages). */
void bus_rearm(struct bus *b);

/* Emits org.mentord.Manager1 signals; failures are logged, not returned. */
void bus_emit_reloaded(struct bus *b);
void bus_emit_poll_finished(struct bus *b, unsigned polled, unsigned failed);
/* MentorActivity: a new ledger event (not history) for a mentor. */
void bus_emit_activity(struct bus *b, int64_t mentor_id, const char *kind, const char *platform,
                       const char *url, const char *text, int64_t at);

/* NudgeAdded: a nudge not announced before. */
void bus_emit_nudge(struct bus *b, int64_t mentor_id, const char *mentor, const char *kind, int64_t at,
                    const char *url, const char *message, const char *action);

/* The connection, for other clients of the bus (the notifier). */
sd_bus *bus_connection(struct bus *b);

/* Counts may have changed: PropertiesChanged follows shortly, once, for
 * the properties whose values did change. Store writes are noticed by
 * bus_rearm() itself; call this for changes the store does not see. */
void bus_counts_dirty(struct bus *b);

#endif
