/* bus_follow.c — Follow, Unfollow, Track and Untrack: what mentord
 * watches. The scheduler is told; it rebuilds its targets on the next turn. */
#include "bus/bus_internal.h"
#include "mentors/mentor_cache.h"
#include "config/config.h"
#include "mentord-bus.h"
#include "poll/sched.h"
#include "store/store.h"
#include "base/validate.h"
#include "base/log.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

int bus_follow_add(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	struct bus *b = userdata;
	const char *platform, *handle, *name, *why;
	char norm[MENTORD_MAX_HANDLE + 1];
	uint64_t mentor;
	int64_t mid, aid;
	int r;

	if ((r = sd_bus_message_read(msg, "ssst", &platform, &handle, &name, &mentor)) < 0)
		return r;
	if ((r = bus_args_handle(platform, handle, norm, error)) < 0)
		return r;
	if (validate_name(name, &why) < 0)
		return sd_bus_error_setf(error, MENTORD_ERROR_INVALID_ARGUMENT, "Invalid name: %s", why);
	if (mentor > INT64_MAX)
		return sd_bus_error_setf(error, MENTORD_ERROR_UNKNOWN_MENTOR, "No mentor with id %" PRIu64, mentor);
	r = store_follow(b->store, platform, norm, name, (int64_t)mentor, &mid, &aid);
	if (r == -ENOENT)
		return sd_bus_error_setf(error, MENTORD_ERROR_UNKNOWN_MENTOR, "No mentor with id %" PRIu64, mentor);
	if (r == -EEXIST)
		return sd_bus_error_setf(error, MENTORD_ERROR_ALREADY_FOLLOWED,
		                         "Already following %s on %s", norm, platform);
	if (r < 0)
		return bus_args_internal_error(error, r);
	log_info("following %s on %s (mentor %" PRId64 ")", norm, platform, mid);
	mentor_cache_refresh(b->mentors, mid);
	sched_reload(b->sched);
	return sd_bus_reply_method_return(msg, "tts", (uint64_t)mid, (uint64_t)aid, norm);
}

int bus_follow_remove(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	struct bus *b = userdata;
	const char *platform, *handle;
	char norm[MENTORD_MAX_HANDLE + 1];
	int r;

	if ((r = sd_bus_message_read(msg, "ss", &platform, &handle)) < 0)
		return r;
	if ((r = bus_args_handle(platform, handle, norm, error)) < 0)
		return r;
	r = store_unfollow(b->store, platform, norm);
	if (r == -ENOENT)
		return sd_bus_error_setf(error, MENTORD_ERROR_NOT_FOLLOWED, "Not following %s on %s", norm, platform);
	if (r < 0)
		return bus_args_internal_error(error, r);
	log_info("unfollowed %s on %s", norm, platform);
	sched_reload(b->sched);
	return sd_bus_reply_method_return(msg, "");
}

int bus_follow_track(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	struct bus *b = userdata;
	const char *tag, *platform, *why;
	char norm[MENTORD_MAX_TAG + 1];
	int r;

	if ((r = sd_bus_message_read(msg, "ss", &tag, &platform)) < 0)
		return r;
	if (*platform && (r = bus_args_platform(platform, error)) < 0)
		return r;
	if (validate_tag(tag, norm, &why) < 0)
		return sd_bus_error_setf(error, MENTORD_ERROR_INVALID_TAG, "Invalid hashtag '%.*s': %s", BUS_CUT(tag, 64), why);
	r = store_track(b->store, norm, platform);
	if (r == -EEXIST)
		return sd_bus_error_setf(error, MENTORD_ERROR_ALREADY_TRACKED, "Already tracking #%s%s%s", norm,
		                         *platform ? " on " : "", platform);
	if (r < 0)
		return bus_args_internal_error(error, r);
	log_info("tracking #%s on %s", norm, *platform ? platform : "all enabled platforms");
	sched_reload(b->sched);
	return sd_bus_reply_method_return(msg, "s", norm);
}

int bus_follow_untrack(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	struct bus *b = userdata;
	const char *tag, *why;
	char norm[MENTORD_MAX_TAG + 1];
	int r;

	if ((r = sd_bus_message_read(msg, "s", &tag)) < 0)
		return r;
	if (validate_tag(tag, norm, &why) < 0)
		return sd_bus_error_setf(error, MENTORD_ERROR_INVALID_TAG, "Invalid hashtag '%.*s': %s", BUS_CUT(tag, 64), why);
	r = store_untrack(b->store, norm);
	if (r == -ENOENT)
		return sd_bus_error_setf(error, MENTORD_ERROR_NOT_TRACKED, "Not tracking #%s", norm);
	if (r < 0)
		return bus_args_internal_error(error, r);
	log_info("untracked #%s", norm);
	sched_reload(b->sched);
	return sd_bus_reply_method_return(msg, "");
}


/* SetHistory: how much of one followed account's past to back-fill;
 * negative: the configured default. The scheduler starts or stops it. */
int bus_follow_history(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	struct bus *b = userdata;
	const char *platform, *handle;
	char norm[MENTORD_MAX_HANDLE + 1];
	int64_t seconds;
	int r;

	if ((r = sd_bus_message_read(msg, "ssx", &platform, &handle, &seconds)) < 0)
		return r;
	if ((r = bus_args_handle(platform, handle, norm, error)) < 0)
		return r;
	if (seconds > CONFIG_HISTORY_MAX)
		return sd_bus_error_setf(error, MENTORD_ERROR_INVALID_ARGUMENT,
		                         "History window out of range (at most 3650 days; negative: the default)");
	r = store_set_history(b->store, platform, norm, seconds < 0 ? -1 : seconds);
	if (r == -ENOENT)
		return sd_bus_error_setf(error, MENTORD_ERROR_NOT_FOLLOWED, "Not following %s on %s", norm, platform);
	if (r < 0)
		return bus_args_internal_error(error, r);
	log_info("history of %s on %s: %s", norm, platform, seconds < 0 ? "the default" : "its own window");
	sched_reload(b->sched);
	return sd_bus_reply_method_return(msg, "");
}
