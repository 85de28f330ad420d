/* bus_args.c — what every method checks first: the platform, handle or
 * mentor named in its arguments; and the named error for what cannot
 * happen. The bottom of bus/ (the caller's uid is bus_caller.c's). */
#include "bus/bus_internal.h"
#include "mentors/mentor_cache.h"
#include "mentord-bus.h"
#include "net/net.h"
#include "store/store.h"
#include "common/channel.h"
#include "common/utf8.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int bus_args_internal_error(sd_bus_error *error, int r)
{
	return sd_bus_error_setf(error, MENTORD_ERROR_INTERNAL, "Internal error: %s", strerror(-r));
}

int bus_args_platform(const char *platform, sd_bus_error *error)
{
	char names[128];
	if (net_platform_find(platform))
		return 0;
	net_platform_names(names, sizeof names);
	return sd_bus_error_setf(error, MENTORD_ERROR_UNKNOWN_PLATFORM,
	                         "Unknown platform '%.*s' (expected %s)", BUS_CUT(platform, 32), names);
}

int bus_args_handle(const char *platform, const char *in, char *out, sd_bus_error *error)
{
	const char *why;
	int r;
	if ((r = bus_args_platform(platform, error)) < 0)
		return r;
	if (net_handle_normalize(platform, in, out, &why) < 0)
		return sd_bus_error_setf(error, MENTORD_ERROR_INVALID_HANDLE,
		                         "Invalid %s handle '%.*s': %s", platform, BUS_CUT(in, 64), why);
	return 0;
}

int bus_args_account(const char *platform, const char *in, char *out, sd_bus_error *error)
{
	const char *why;
	char names[128];

	if (channel_is(platform)) {
		if (channel_norm(platform, in, out, MENTORD_MAX_HANDLE + 1, &why) == 0)
			return 0;
		return sd_bus_error_setf(error, MENTORD_ERROR_INVALID_HANDLE, "Invalid %s '%.*s': %s",
		                         strcmp(platform, CHANNEL_EMAIL) == 0 ? "e-mail address" :
		                         "LinkedIn profile URL", BUS_CUT(in, 64), why);
	}
	if (net_platform_find(platform))
		return bus_args_handle(platform, in, out, error);
	net_platform_names(names, sizeof names);
	return sd_bus_error_setf(error, MENTORD_ERROR_UNKNOWN_PLATFORM,
	                         "Unknown platform '%.*s' (expected %s, email or linkedin)",
	                         BUS_CUT(platform, 32), names);
}

/* MENTOR as typed by the user → the mentor cache's entry, or a named error. */
int bus_args_mentor(struct bus *b, const char *query, struct mentor_entry **out, sd_bus_error *error)
{
	int64_t id;
	if (strlen(query) > MENTORD_MAX_NAME || !utf8_text_valid(query, strlen(query)))
		return sd_bus_error_setf(error, MENTORD_ERROR_INVALID_ARGUMENT, "Invalid mentor reference");
	id = store_find_mentor(b->store, query);
	if (id == -ENOTUNIQ)
		return sd_bus_error_setf(error, MENTORD_ERROR_AMBIGUOUS_MENTOR,
		                         "'%.*s' matches several mentors; use the id or more of the name", BUS_CUT(query, 64));
	if (id == -ENOENT || (id > 0 && !mentor_cache_get(b->mentors, id)))
		return sd_bus_error_setf(error, MENTORD_ERROR_UNKNOWN_MENTOR, "No mentor '%.*s'", BUS_CUT(query, 64));
	if (id < 0)
		return bus_args_internal_error(error, (int)id);
	if (mentor_cache_is_source(b->mentors, id))
		return sd_bus_error_setf(error, MENTORD_ERROR_UNKNOWN_MENTOR,
		                         "'%.*s' is a source, not a mentor (see `mentorctl sources`)", BUS_CUT(query, 64));
	*out = mentor_cache_get(b->mentors, id);
	return 0;
}


int bus_args_mentor_ids(struct bus *b, const uint64_t *in, size_t size, bool strict, struct mentor_entry ***out,
                        size_t *n, sd_bus_error *error)
{
	struct mentor_entry **v;
	size_t k = 0;

	if (size == 0 || size > MENTORD_MAX_ENGAGEMENT_MENTORS)
		return sd_bus_error_setf(error, MENTORD_ERROR_INVALID_ARGUMENT, "Give 1 to %d mentor ids, not %zu",
		                         MENTORD_MAX_ENGAGEMENT_MENTORS, size);
	if (!(v = calloc(size, sizeof *v)))
		return -ENOMEM;
	for (size_t i = 0; i < size; i++) {
		struct mentor_entry *e = in[i] <= INT64_MAX ? mentor_cache_get(b->mentors, (int64_t)in[i]) : NULL;
		if (e && e->source)
			e = NULL;
		if (!e && strict) {
			free(v);
			return sd_bus_error_setf(error, MENTORD_ERROR_UNKNOWN_MENTOR, "No mentor with id %" PRIu64, in[i]);
		}
		for (size_t j = 0; e && j < k; j++)
			if (v[j] == e)
				e = NULL;
		if (e)
			v[k++] = e;
	}
	*out = v;
	*n = k;
	return 0;
}
