/* bus.c — Manager1 on the session bus: the object and the name, and the
 * connection driven from libevent (its fd events, and its absolute
 * timeout re-read before every loop turn: libevent 2.1 has no prepare
 * hook). */
#include "bus/bus_internal.h"
#include "mentors/mentor_cache.h"
#include "mentord-bus.h"
#include "base/log.h"
#include "base/clock.h"

#include <stdlib.h>
#include <errno.h>
#include <event2/event.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

static void bus_dispatch(struct bus *b)
{
	int r;
	do {
		r = sd_bus_process(b->bus, NULL);
	} while (r > 0);
	if (r < 0) {
		log_err("bus: connection lost: %s", strerror(-r));
		if (b->hooks.quit)
			b->hooks.quit(b->hooks.data, 1);
	}
}

static void on_io(evutil_socket_t fd, short what, void *userdata)
{
	bus_dispatch(userdata);
}

static void on_timer(evutil_socket_t fd, short what, void *userdata)
{
	bus_dispatch(userdata);
}

void bus_rearm(struct bus *b)
{
	int fd, ev;
	short want;
	uint64_t until;

	if (!b || !b->bus)
		return;
	bus_props_check_store(b);
	fd = sd_bus_get_fd(b->bus);
	ev = sd_bus_get_events(b->bus);
	if (fd < 0 || ev < 0)
		return;
	want = EV_PERSIST | ((ev & POLLIN) ? EV_READ : 0) | ((ev & POLLOUT) ? EV_WRITE : 0);
	if (want != b->io_events) {
		event_del(b->io);
		event_assign(b->io, b->base, fd, want, on_io, b);
		if (want & (EV_READ | EV_WRITE))
			event_add(b->io, NULL);
		b->io_events = want;
	}
	/* The timeout is absolute CLOCK_MONOTONIC; 0 means messages are already
	 * queued (read during a synchronous call) and must be processed now. */
	if (sd_bus_get_timeout(b->bus, &until) > 0 && until != UINT64_MAX) {
		uint64_t now = clock_monotonic_usec(), rel = until > now ? until - now : 0;
		struct timeval tv = clock_timeval((int64_t)rel);
		evtimer_add(b->timer, &tv);
	} else {
		evtimer_del(b->timer);
	}
}

int bus_new(struct bus **out, const struct bus_deps *deps, const struct bus_hooks *hooks)
{
	struct bus *b = calloc(1, sizeof *b);
	int r;

	if (!b)
		return -ENOMEM;
	b->base = deps->base;
	b->bus = sd_bus_ref(deps->conn);
	b->clock = deps->clock;
	b->config = deps->config;
	b->store = deps->store;
	b->mentors = deps->mentors;
	b->check = deps->check;
	b->sched = deps->sched;
	b->notifier = deps->notifier;
	b->imports = deps->imports;
	b->mail = deps->mail;
	b->started_usec = deps->started_usec;
	if (hooks)
		b->hooks = *hooks;
	b->io = event_new(b->base, -1, 0, on_io, b);
	b->timer = evtimer_new(b->base, on_timer, b);
	if (!b->io || !b->timer) {
		r = -ENOMEM;
		goto fail;
	}
	r = sd_bus_add_object_vtable(b->bus, &b->manager_slot, MENTORD_BUS_PATH,
	                             MENTORD_BUS_IFACE, bus_vtable, b);
	if (r < 0) {
		log_err("bus: cannot publish %s: %s", MENTORD_BUS_PATH, strerror(-r));
		goto fail;
	}
	r = sd_bus_request_name(b->bus, MENTORD_BUS_NAME, 0);
	if (r < 0) {
		if (r == -EEXIST)
			log_err("bus: %s is already owned: is another mentord running?", MENTORD_BUS_NAME);
		else
			log_err("bus: cannot own %s: %s", MENTORD_BUS_NAME, strerror(-r));
		goto fail;
	}
	b->name_owned = true;
	if ((r = bus_props_init(b)) < 0)
		goto fail;
	*out = b;
	return 0;
fail:
	bus_free(b);
	return r;
}

void bus_free(struct bus *b)
{
	if (!b)
		return;
	/* Release the name first so a successor can take it at once; the
	 * connection itself is its owner's to flush and close. */
	if (b->name_owned)
		sd_bus_release_name(b->bus, MENTORD_BUS_NAME);
	bus_caller_cancel_all(b);
	sd_bus_slot_unref(b->manager_slot);
	sd_bus_unref(b->bus);
	if (b->io)
		event_free(b->io);
	if (b->timer)
		event_free(b->timer);
	if (b->counts_timer)
		event_free(b->counts_timer);
	bus_suggest_pool_free(b->suggest_pool);
	bus_suggest_nudges_free(b);
	free(b);
}
