/* bus_notify.c — Mute, Unmute and ListMutes: the user's say over desktop
 * notifications, per mentor. */
#include "bus/bus_internal.h"
#include "base/clock.h"
#include "mentors/mentor_cache.h"
#include "mentord-bus.h"
#include "notify/notifier.h"
#include "store/store.h"

#include <errno.h>
#include <stdint.h>

#define MUTE_MAX_SECONDS (10LL * 365 * 86400)

/* The store and the notifier's memory agree, or the call fails. */
static int set_mute(struct bus *b, struct mentor_entry *e, int64_t until, sd_bus_error *error)
{
	int r = store_set_mute(b->store, e->id, until);
	if (r < 0)
		return bus_args_internal_error(error, r);
	e->muted_until = until;
	if ((r = notifier_mute(b->notifier, e->id, until)) < 0)
		return bus_args_internal_error(error, r);
	return 0;
}

int bus_mute_set(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	struct bus *b = userdata;
	struct mentor_entry *e;
	const char *mentor;
	uint64_t seconds;
	int64_t until;
	int r;

	if ((r = sd_bus_message_read(msg, "st", &mentor, &seconds)) < 0)
		return r;
	if (seconds > MUTE_MAX_SECONDS)
		return sd_bus_error_setf(error, MENTORD_ERROR_INVALID_ARGUMENT,
		                         "Mute duration out of range (0 = until unmuted, at most 10 years)");
	if ((r = bus_args_mentor(b, mentor, &e, error)) < 0)
		return r;
	until = seconds ? clock_now(b->clock) + (int64_t)seconds : INT64_MAX;
	if ((r = set_mute(b, e, until, error)) < 0)
		return r;
	return sd_bus_reply_method_return(msg, "tx", (uint64_t)e->id, seconds ? until : (int64_t)0);
}

int bus_mute_clear(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	struct bus *b = userdata;
	struct mentor_entry *e;
	const char *mentor;
	int r;

	if ((r = sd_bus_message_read(msg, "s", &mentor)) < 0)
		return r;
	if ((r = bus_args_mentor(b, mentor, &e, error)) < 0)
		return r;
	if (e->muted_until <= clock_now(b->clock))
		return sd_bus_error_setf(error, MENTORD_ERROR_NOT_MUTED, "%.64s is not muted", e->name);
	if ((r = set_mute(b, e, 0, error)) < 0)
		return r;
	return sd_bus_reply_method_return(msg, "t", (uint64_t)e->id);
}

int bus_mute_list(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	struct bus *b = userdata;
	reply_unref sd_bus_message *reply = NULL;
	int64_t now = clock_now(b->clock);
	int r;

	if ((r = sd_bus_message_new_method_return(msg, &reply)) < 0 ||
	    (r = sd_bus_message_open_container(reply, 'a', "(tsx)")) < 0)
		return r;
	for (size_t i = 0; i < mentor_cache_count(b->mentors) && r >= 0; i++) {
		struct mentor_entry *e = mentor_cache_at(b->mentors, i);
		if (e->muted_until > now)
			r = sd_bus_message_append(reply, "(tsx)", (uint64_t)e->id, e->name,
			                          e->muted_until == INT64_MAX ? (int64_t)0 : e->muted_until);
	}
	if (r < 0 || (r = sd_bus_message_close_container(reply)) < 0)
		return r;
	return sd_bus_send(NULL, reply, NULL);
}
