/* bus_props.c — Manager1's count and state properties, and PropertiesChanged
 * for them: debounced (a poll round commits many pages; a status bar wants
 * one update, not hundreds) and only for values that did change. */
#include "bus/bus_internal.h"
#include "base/clock.h"
#include "mentors/mentor_cache.h"
#include "app/mentord.h"
#include "mentord-bus.h"
#include "store/store.h"
#include "base/log.h"

#include <errno.h>
#include <event2/event.h>
#include <string.h>

#define COUNTS_DEBOUNCE_MS 500

static int read_counts(struct mentord *m, struct bus_counts *c)
{
	struct store_counts sc;
	int64_t now = clock_now(&m->clock);
	int r;

	memset(c, 0, sizeof *c);
	if ((r = store_counts(m->store, &sc)) < 0)
		return r;
	c->mentors = (uint32_t)sc.mentors;
	c->accounts = (uint32_t)sc.accounts;
	c->hashtags = (uint32_t)sc.hashtags;
	c->posts = sc.posts;
	c->events = sc.events;
	for (size_t i = 0; i < mentor_cache_count(m->mentors); i++)
		c->muted += mentor_cache_at(m->mentors, i)->muted_until > now;
	for (size_t i = 0; i < m->config.n_platforms; i++)
		if (m->status[i].last_poll > c->last_poll)
			c->last_poll = m->status[i].last_poll;
	return 0;
}

int bus_property_count(sd_bus *bus, const char *path, const char *interface, const char *property,
                       sd_bus_message *reply, void *userdata, sd_bus_error *error)
{
	struct bus_counts c;
	int r = read_counts(userdata, &c);
	if (r < 0)
		return bus_internal_error(error, r);
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

	if (read_counts(b->m, &c) < 0)
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

void bus_counts_dirty(struct bus *b)
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
	return read_counts(b->m, &b->shown);
}

void bus_emit_nudge(struct bus *b, int64_t mentor_id, const char *mentor, const char *kind, int64_t at,
                    const char *url, const char *message, const char *action)
{
	int r;
	if (!b)
		return;
	r = sd_bus_emit_signal(b->bus, MENTORD_BUS_PATH, MENTORD_BUS_IFACE, "NudgeAdded", "tssxsss",
	                       (uint64_t)mentor_id, mentor ? mentor : "", kind, at, url ? url : "",
	                       message ? message : "", action ? action : "");
	if (r < 0)
		log_warn("bus: cannot emit NudgeAdded: %s", strerror(-r));
}

sd_bus *bus_connection(struct bus *b)
{
	return b ? b->bus : NULL;
}
