/* bus.c — the sd-bus connection and its libevent glue. */
#include "bus/bus_internal.h"
#include "app/mentord.h"
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
		mentord_quit(b->m, 1);
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
	/* Whatever wrote (a method, a page, the notifier), the count
	 * properties may have changed: one check here covers every writer. */
	if (store_change_count(b->m->store) != b->store_changes) {
		b->store_changes = store_change_count(b->m->store);
		bus_counts_dirty(b);
	}
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
		struct timeval tv = { .tv_sec = (time_t)(rel / 1000000), .tv_usec = (suseconds_t)(rel % 1000000) };
		evtimer_add(b->timer, &tv);
	} else {
		evtimer_del(b->timer);
	}
}

int bus_check_caller(sd_bus_message *msg, sd_bus_error *error)
{
	sd_bus_creds *creds = NULL;
	uid_t euid;
	int r;

	r = sd_bus_query_sender_creds(msg, SD_BUS_CREDS_EUID | SD_BUS_CREDS_AUGMENT, &creds);
	if (r < 0)
		return sd_bus_error_set_errnof(error, -r, "Cannot identify the caller: %s", strerror(-r));
	/* Augmented (racy /proc) credentials are not trustworthy for access. */
	if (sd_bus_creds_get_augmented_mask(creds) & SD_BUS_CREDS_EUID)
		r = -EPERM;
	else
		r = sd_bus_creds_get_euid(creds, &euid);
	sd_bus_creds_unref(creds);
	if (r < 0 || euid != geteuid())
		return sd_bus_error_set(error, SD_BUS_ERROR_ACCESS_DENIED,
		                        "Only the user running mentord may change it");
	return 0;
}

void bus_emit_reloaded(struct bus *b)
{
	int r;
	if (!b)
		return;
	r = sd_bus_emit_signal(b->bus, MENTORD_BUS_PATH, MENTORD_BUS_IFACE, "Reloaded", "");
	if (r < 0)
		log_warn("bus: cannot emit Reloaded: %s", strerror(-r));
}

void bus_emit_poll_finished(struct bus *b, unsigned polled, unsigned failed)
{
	int r;
	if (!b)
		return;
	r = sd_bus_emit_signal(b->bus, MENTORD_BUS_PATH, MENTORD_BUS_IFACE, "PollFinished", "uu",
	                       (uint32_t)polled, (uint32_t)failed);
	if (r < 0)
		log_warn("bus: cannot emit PollFinished: %s", strerror(-r));
}

void bus_emit_activity(struct bus *b, int64_t mentor_id, const char *kind, const char *platform,
                       const char *url, const char *text, int64_t at)
{
	struct mentor_entry *e;
	int r;
	if (!b)
		return;
	e = mentor_cache_get(b->m->mentors, mentor_id);
	r = sd_bus_emit_signal(b->bus, MENTORD_BUS_PATH, MENTORD_BUS_IFACE, "MentorActivity", "tsssssx",
	                       (uint64_t)mentor_id, e ? e->name : "", kind, platform ? platform : "",
	                       url ? url : "", text ? text : "", at);
	if (r < 0)
		log_warn("bus: cannot emit MentorActivity: %s", strerror(-r));
}

int bus_new(struct bus **out, struct mentord *m, struct event_base *base)
{
	struct bus *b = calloc(1, sizeof *b);
	int r;

	if (!b)
		return -ENOMEM;
	b->m = m;
	b->base = base;
	b->io = event_new(base, -1, 0, on_io, b);
	b->timer = evtimer_new(base, on_timer, b);
	if (!b->io || !b->timer) {
		r = -ENOMEM;
		goto fail;
	}
	r = sd_bus_open_user(&b->bus);
	if (r < 0) {
		log_err("bus: cannot connect to the session bus: %s "
		        "(is DBUS_SESSION_BUS_ADDRESS set?)", strerror(-r));
		goto fail;
	}
	r = sd_bus_add_object_vtable(b->bus, &b->manager_slot, MENTORD_BUS_PATH,
	                             MENTORD_BUS_IFACE, bus_manager_vtable, m);
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
	if (b->bus) {
		/* Release the name first so a successor can take it at once. */
		sd_bus_release_name(b->bus, MENTORD_BUS_NAME);
		sd_bus_slot_unref(b->manager_slot);
		sd_bus_flush_close_unref(b->bus);
	}
	if (b->io)
		event_free(b->io);
	if (b->timer)
		event_free(b->timer);
	if (b->counts_timer)
		event_free(b->counts_timer);
	free(b);
}
