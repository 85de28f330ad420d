/* bus_emit.c — the signals of org.mentord.Manager1. A signal that cannot
 * be sent is logged; nothing waits for it. */
#include "bus/bus_internal.h"
#include "mentors/mentor_cache.h"
#include "mentord-bus.h"
#include "base/log.h"
#include "common/channel.h"

#include <string.h>

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
	e = mentor_cache_get(b->mentors, mentor_id);
	r = sd_bus_emit_signal(b->bus, MENTORD_BUS_PATH, MENTORD_BUS_IFACE, "MentorActivity", "tsssssx",
	                       (uint64_t)mentor_id, e ? e->name : "", kind, channel_event_platform(platform),
	                       url ? url : "", text ? text : "", at);
	if (r < 0)
		log_warn("bus: cannot emit MentorActivity: %s", strerror(-r));
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


void bus_emit_import_progress(struct bus *b, uint64_t job, unsigned fetched, unsigned total, const char *state)
{
	int r;
	if (!b)
		return;
	r = sd_bus_emit_signal(b->bus, MENTORD_BUS_PATH, MENTORD_BUS_IFACE, "ImportProgress", "tuus",
	                       job, (uint32_t)fetched, (uint32_t)total, state);
	if (r < 0)
		log_warn("bus: cannot emit ImportProgress: %s", strerror(-r));
}
