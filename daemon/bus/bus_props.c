/* bus_props.c — Manager1's count and state properties, and PropertiesChanged
 * for them: debounced (a poll round commits many pages; a status bar wants
 * one update, not hundreds) and only for values that did change. */
#include "bus/bus_internal.h"
#include "base/clock.h"
#include "mentors/mentor_cache.h"
#include "mentord-bus.h"
#include "store/store.h"
#include "poll/sched.h"
#include "base/log.h"

#include <errno.h>
#include <event2/event.h>
#include <string.h>

#define COUNTS_DEBOUNCE_MS 500

static int read_counts(struct bus *b, struct bus_counts *c)
{
	struct store_counts sc;
	int64_t now = clock_now(b->clock);
	int r;

	memset(c, 0, sizeof *c);
	if ((r = store_counts(b->store, &sc)) < 0)
		return r;
	c->mentors = (uint32_t)sc.mentors;
	c->accounts = (uint32_t)sc.accounts;
	c->hashtags = (uint32_t)sc.hashtags;
	c->posts = sc.posts;
	c->events = sc.events;
	for (size_t i = 0; i < mentor_cache_count(b->mentors); i++)
		c->muted += mentor_cache_at(b->mentors, i)->muted_until > now;
	for (size_t i = 0; sched_status(b->sched, i); i++)
		if (sched_status(b->sched, i)->last_poll > c->last_poll)
			c->last_poll = sched_status(b->sched, i)->last_poll;
	return 0;
}

int bus_props_get(sd_bus *bus, const char *path, const char *interface, const char *property,
                       sd_bus_message *reply, void *userdata, sd_bus_error *error)
{
	struct bus_counts c;
	int r = read_counts(userdata, &c);
	if (r < 0)
		return bus_args_internal_error(error, r);
	switch (property[0]) {
	case 'M': return sd_bus_message_append(reply, "u", property[1] == 'e' ? c.mentors : c.muted);
	case 'A': return sd_bus_message_append(reply, "u", c.accounts);
	case 'H': return sd_bus_message_append(reply, "u", c.hashtags);
	case 'P': return sd_bus_message_append(reply, "t", c.posts);
	case 'E': return sd_bus_message_append(reply, "t", c.events);
	case 'L': return sd_bus_message_append(reply, "x", c.last_poll);
	}
	return sd_bus_error_setf(error, SD_BUS_ERROR_UNKNOWN_PROPERTY, "No property %s", property);
}

static void on_counts_timer(evutil_socket_t fd, short what, void *userdata)
{
	struct bus *b = userdata;
	struct bus_counts c, *o = &b->shown;
	const char *changed[8];
	size_t n = 0;
	int r;

	if (read_counts(b, &c) < 0)
		return;
	if (c.mentors != o->mentors) changed[n++] = "Mentors";
	if (c.accounts != o->accounts) changed[n++] = "Accounts";
	if (c.hashtags != o->hashtags) changed[n++] = "Hashtags";
	if (c.posts != o->posts) changed[n++] = "Posts";
	if (c.events != o->events) changed[n++] = "Events";
	if (c.muted != o->muted) changed[n++] = "Muted";
	if (c.last_poll != o->last_poll) changed[n++] = "LastPoll";
	changed[n] = NULL;
	b->shown = c;
	if (n && (r = sd_bus_emit_properties_changed_strv(b->bus, MENTORD_BUS_PATH, MENTORD_BUS_IFACE,
	                                                  (char **)changed)) < 0)
		log_warn("bus: cannot emit PropertiesChanged: %s", strerror(-r));
}

void bus_props_dirty(struct bus *b)
{
	struct timeval tv = { 0, COUNTS_DEBOUNCE_MS * 1000 };
	if (b && b->counts_timer && !evtimer_pending(b->counts_timer, NULL))
		evtimer_add(b->counts_timer, &tv);
}

int bus_props_init(struct bus *b)
{
	b->counts_timer = evtimer_new(b->base, on_counts_timer, b);
	if (!b->counts_timer)
		return -ENOMEM;
	return read_counts(b, &b->shown);
}


void bus_props_check_store(struct bus *b)
{
	/* Whatever wrote (a method, a page, the notifier), the count
	 * properties may have changed: one check here covers every writer. */
	if (store_change_count(b->store) != b->store_changes) {
		b->store_changes = store_change_count(b->store);
		bus_props_dirty(b);
	}
}
