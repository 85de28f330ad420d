/* bus_sources.c — FollowSource and ListSources: accounts followed as
 * sources (journals, societies, institutions; schema 010), which are polled
 * and feed suggestions like mentors but are not mentors. Unfollow is the
 * same method for both (bus_follow.c). */
#include "bus/bus_internal.h"
#include "mentors/mentor_cache.h"
#include "mentord-bus.h"
#include "poll/sched.h"
#include "store/store.h"
#include "base/validate.h"
#include "base/log.h"

#include <errno.h>
#include <inttypes.h>

int bus_sources_follow(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	struct bus *b = userdata;
	const char *platform, *handle, *name, *why;
	char norm[MENTORD_MAX_HANDLE + 1];
	int64_t sid, aid;
	int r;

	if ((r = sd_bus_message_read(msg, "sss", &platform, &handle, &name)) < 0)
		return r;
	if ((r = bus_args_handle(platform, handle, norm, error)) < 0)
		return r;
	if (validate_name(name, &why) < 0)
		return sd_bus_error_setf(error, MENTORD_ERROR_INVALID_ARGUMENT, "Invalid name: %s", why);
	r = store_follow_source(b->store, platform, norm, name, &sid, &aid);
	if (r == -EEXIST)
		return sd_bus_error_setf(error, MENTORD_ERROR_ALREADY_FOLLOWED,
		                         "Already following %s on %s", norm, platform);
	if (r < 0)
		return bus_args_internal_error(error, r);
	log_info("following %s on %s as a source (%" PRId64 ")", norm, platform, sid);
	mentor_cache_refresh(b->mentors, sid);
	sched_reload(b->sched);
	return sd_bus_reply_method_return(msg, "tts", (uint64_t)sid, (uint64_t)aid, norm);
}

static int append_source(const struct store_source *src, void *userdata)
{
	return sd_bus_message_append(userdata, "(ttsssxx)", (uint64_t)src->id, (uint64_t)src->account_id,
	                             src->platform, src->handle, src->name ? src->name : "",
	                             src->added_at, src->last_activity);
}

int bus_sources_list(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	struct bus *b = userdata;
	reply_unref sd_bus_message *reply = NULL;
	int r;

	if ((r = sd_bus_message_new_method_return(msg, &reply)) < 0 ||
	    (r = sd_bus_message_open_container(reply, 'a', "(ttsssxx)")) < 0)
		return r;
	if ((r = store_for_each_source(b->store, append_source, reply)) < 0)
		return r == -ENOMEM || r == -EINVAL ? r : bus_args_internal_error(error, r);
	if ((r = sd_bus_message_close_container(reply)) < 0)
		return r;
	return sd_bus_send(NULL, reply, NULL);
}
