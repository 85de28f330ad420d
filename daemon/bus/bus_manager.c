/* bus_manager.c — org.mentord.Manager1: argument checks, calls into the
 * store, replies. Thin by design: no SQL, no policy. */
#include "bus/bus_internal.h"
#include "app/mentord.h"
#include "mentord-bus.h"
#include "store/store.h"
#include "poll/sched.h"
#include "mentors/mentor_cache.h"
#include "base/validate.h"
#include "net/net.h"
#include "base/log.h"
#include "common/macros.h"
#include "base/clock.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>


int bus_check_platform(const char *platform, sd_bus_error *error)
{
	char names[128];
	if (net_platform_find(platform))
		return 0;
	net_platform_names(names, sizeof names);
	return sd_bus_error_setf(error, MENTORD_ERROR_UNKNOWN_PLATFORM,
	                         "Unknown platform '%.*s' (expected %s)", BUS_CUT(platform, 32), names);
}

int bus_check_handle(const char *platform, const char *in, char *out, sd_bus_error *error)
{
	const char *why;
	int r;
	if ((r = bus_check_platform(platform, error)) < 0)
		return r;
	if (net_handle_normalize(platform, in, out, &why) < 0)
		return sd_bus_error_setf(error, MENTORD_ERROR_INVALID_HANDLE,
		                         "Invalid %s handle '%.*s': %s", platform, BUS_CUT(in, 64), why);
	return 0;
}

static int append_platform_status(sd_bus_message *reply, struct mentord *m)
{
	int r = sd_bus_message_open_container(reply, 'a', "(sbsxxxs)");
	for (size_t i = 0; r >= 0 && i < m->config.n_platforms; i++) {
		const struct config_platform *p = &m->config.platforms[i];
		const struct platform_status *st = &m->status[i];
		r = sd_bus_message_append(reply, "(sbsxxxs)", p->name, (int)p->enabled,
		                          p->enabled ? (st->state[0] ? st->state : "idle") : "disabled",
		                          st->last_poll, st->next_poll, st->rate_remaining, st->last_error);
	}
	return r < 0 ? r : sd_bus_message_close_container(reply);
}

static int method_get_status(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	struct mentord *m = userdata;
	reply_unref sd_bus_message *reply = NULL;
	struct store_counts c;
	uint64_t up = (clock_monotonic_usec() - m->started_usec) / 1000000u;
	int r;

	if ((r = store_counts(m->store, &c)) < 0)
		return bus_internal_error(error, r);
	if ((r = sd_bus_message_new_method_return(msg, &reply)) < 0 ||
	    (r = sd_bus_message_append(reply, "stttttt", MENTORD_VERSION, up, c.mentors,
	                               c.accounts, c.hashtags, c.posts, c.events)) < 0 ||
	    (r = append_platform_status(reply, m)) < 0)
		return r;
	return sd_bus_send(NULL, reply, NULL);
}

static int method_follow(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	struct mentord *m = userdata;
	const char *platform, *handle, *name, *why;
	char norm[MENTORD_MAX_HANDLE + 1];
	uint64_t mentor;
	int64_t mid, aid;
	int r;

	if ((r = sd_bus_message_read(msg, "ssst", &platform, &handle, &name, &mentor)) < 0)
		return r;
	if ((r = bus_check_caller(msg, error)) < 0 ||
	    (r = bus_check_handle(platform, handle, norm, error)) < 0)
		return r;
	if (validate_name(name, &why) < 0)
		return sd_bus_error_setf(error, MENTORD_ERROR_INVALID_ARGUMENT, "Invalid name: %s", why);
	if (mentor > INT64_MAX)
		return sd_bus_error_setf(error, MENTORD_ERROR_UNKNOWN_MENTOR, "No mentor with id %" PRIu64, mentor);
	r = store_follow(m->store, platform, norm, name, (int64_t)mentor, &mid, &aid);
	if (r == -ENOENT)
		return sd_bus_error_setf(error, MENTORD_ERROR_UNKNOWN_MENTOR, "No mentor with id %" PRIu64, mentor);
	if (r == -EEXIST)
		return sd_bus_error_setf(error, MENTORD_ERROR_ALREADY_FOLLOWED,
		                         "Already following %s on %s", norm, platform);
	if (r < 0)
		return bus_internal_error(error, r);
	log_info("following %s on %s (mentor %" PRId64 ")", norm, platform, mid);
	mentor_cache_refresh(m->mentors, mid);
	sched_reload(m->sched);
	return sd_bus_reply_method_return(msg, "tts", (uint64_t)mid, (uint64_t)aid, norm);
}

static int method_unfollow(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	struct mentord *m = userdata;
	const char *platform, *handle;
	char norm[MENTORD_MAX_HANDLE + 1];
	int r;

	if ((r = sd_bus_message_read(msg, "ss", &platform, &handle)) < 0)
		return r;
	if ((r = bus_check_caller(msg, error)) < 0 ||
	    (r = bus_check_handle(platform, handle, norm, error)) < 0)
		return r;
	r = store_unfollow(m->store, platform, norm);
	if (r == -ENOENT)
		return sd_bus_error_setf(error, MENTORD_ERROR_NOT_FOLLOWED, "Not following %s on %s", norm, platform);
	if (r < 0)
		return bus_internal_error(error, r);
	log_info("unfollowed %s on %s", norm, platform);
	sched_reload(m->sched);
	return sd_bus_reply_method_return(msg, "");
}

static int method_track(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	struct mentord *m = userdata;
	const char *tag, *platform, *why;
	char norm[MENTORD_MAX_TAG + 1];
	int r;

	if ((r = sd_bus_message_read(msg, "ss", &tag, &platform)) < 0)
		return r;
	if ((r = bus_check_caller(msg, error)) < 0)
		return r;
	if (*platform && (r = bus_check_platform(platform, error)) < 0)
		return r;
	if (validate_tag(tag, norm, &why) < 0)
		return sd_bus_error_setf(error, MENTORD_ERROR_INVALID_TAG, "Invalid hashtag '%.*s': %s", BUS_CUT(tag, 64), why);
	r = store_track(m->store, norm, platform);
	if (r == -EEXIST)
		return sd_bus_error_setf(error, MENTORD_ERROR_ALREADY_TRACKED, "Already tracking #%s%s%s", norm,
		                         *platform ? " on " : "", platform);
	if (r < 0)
		return bus_internal_error(error, r);
	log_info("tracking #%s on %s", norm, *platform ? platform : "all enabled platforms");
	sched_reload(m->sched);
	return sd_bus_reply_method_return(msg, "s", norm);
}

static int method_untrack(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	struct mentord *m = userdata;
	const char *tag, *why;
	char norm[MENTORD_MAX_TAG + 1];
	int r;

	if ((r = sd_bus_message_read(msg, "s", &tag)) < 0)
		return r;
	if ((r = bus_check_caller(msg, error)) < 0)
		return r;
	if (validate_tag(tag, norm, &why) < 0)
		return sd_bus_error_setf(error, MENTORD_ERROR_INVALID_TAG, "Invalid hashtag '%.*s': %s", BUS_CUT(tag, 64), why);
	r = store_untrack(m->store, norm);
	if (r == -ENOENT)
		return sd_bus_error_setf(error, MENTORD_ERROR_NOT_TRACKED, "Not tracking #%s", norm);
	if (r < 0)
		return bus_internal_error(error, r);
	log_info("untracked #%s", norm);
	sched_reload(m->sched);
	return sd_bus_reply_method_return(msg, "");
}

static int parse_sort(const char *s, enum store_sort *out)
{
	static const struct { const char *name; enum store_sort sort; } sorts[] = {
		{ "", STORE_SORT_SCORE }, { "score", STORE_SORT_SCORE }, { "fit", STORE_SORT_FIT },
		{ "recent", STORE_SORT_RECENT }, { "stage", STORE_SORT_STAGE },
	};
	for (size_t i = 0; i < ARRAY_SIZE(sorts); i++)
		if (strcmp(s, sorts[i].name) == 0) {
			*out = sorts[i].sort;
			return 0;
		}
	return -EINVAL;
}

static int method_list_mentors(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	const char *sort;
	enum store_sort how;
	uint32_t offset, limit;
	int r;

	if ((r = sd_bus_message_read(msg, "suu", &sort, &offset, &limit)) < 0)
		return r;
	if (parse_sort(sort, &how) < 0)
		return sd_bus_error_setf(error, MENTORD_ERROR_INVALID_ARGUMENT,
		                         "Unknown sort '%.*s' (expected score, fit, recent or stage)", BUS_CUT(sort, 32));
	if (limit == 0 || limit > MENTORD_MAX_PAGE)
		limit = MENTORD_MAX_PAGE;
	return bus_list_mentors(userdata, msg, how, offset, limit, error);
}

static int method_reload(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	struct mentord *m = userdata;
	_cleanup_free_ char *err = NULL;
	int r;

	if ((r = bus_check_caller(msg, error)) < 0)
		return r;
	if ((r = mentord_reload(m, &err)) < 0) {
		/* The message quotes the file, which may hold bytes that are not
		 * UTF-8; such an error could not be sent at all. */
		_cleanup_free_ char *clean = utf8_clean_dup(err ? err : strerror(-r), 1024);
		return sd_bus_error_setf(error, MENTORD_ERROR_INVALID_CONFIG, "%s",
		                         clean ? clean : "Invalid configuration");
	}
	return sd_bus_reply_method_return(msg, "");
}

struct poll_wait {
	sd_bus_message *msg;
};

static void poll_round_done(void *userdata, unsigned polled, unsigned failed)
{
	struct poll_wait *w = userdata;
	int r = sd_bus_reply_method_return(w->msg, "u", polled);
	if (r < 0)
		log_debug("bus: cannot answer Poll: %s", strerror(-r));
	sd_bus_message_unref(w->msg);
	free(w);
}

static int method_poll(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	struct mentord *m = userdata;
	struct poll_wait *w = NULL;
	int wait, r;

	if ((r = sd_bus_message_read(msg, "b", &wait)) < 0)
		return r;
	if ((r = bus_check_caller(msg, error)) < 0)
		return r;
	if (wait) {
		if (!(w = calloc(1, sizeof *w)))
			return -ENOMEM;
		w->msg = sd_bus_message_ref(msg);
	}
	r = sched_poll_now(m->sched, w ? poll_round_done : NULL, w);
	if (r < 0) {
		if (w) {
			sd_bus_message_unref(w->msg);
			free(w);
		}
		return bus_internal_error(error, r);
	}
	/* With wait, the reply goes out when the round ends (poll_round_done),
	 * which may already have happened inside sched_poll_now(). */
	return wait ? 1 : sd_bus_reply_method_return(msg, "u", (uint32_t)r);
}

static int property_version(sd_bus *bus, const char *path, const char *interface,
                            const char *property, sd_bus_message *reply, void *userdata,
                            sd_bus_error *error)
{
	return sd_bus_message_append(reply, "s", MENTORD_VERSION);
}

const sd_bus_vtable bus_manager_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_PROPERTY("Version", "s", property_version, 0, SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_PROPERTY("Mentors", "u", bus_property_count, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
	SD_BUS_PROPERTY("Accounts", "u", bus_property_count, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
	SD_BUS_PROPERTY("Hashtags", "u", bus_property_count, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
	SD_BUS_PROPERTY("Posts", "t", bus_property_count, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
	SD_BUS_PROPERTY("Events", "t", bus_property_count, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
	SD_BUS_PROPERTY("Muted", "u", bus_property_count, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
	SD_BUS_PROPERTY("LastPoll", "x", bus_property_count, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
	SD_BUS_METHOD_WITH_ARGS("GetStatus", SD_BUS_NO_ARGS,
		SD_BUS_RESULT("s", version, "t", uptime_s, "t", mentors, "t", accounts, "t", hashtags,
		              "t", posts, "t", events, "a(sbsxxxs)", platforms),
		method_get_status, 0),
	SD_BUS_METHOD_WITH_ARGS("Follow",
		SD_BUS_ARGS("s", platform, "s", handle, "s", name, "t", mentor_id),
		SD_BUS_RESULT("t", mentor_id, "t", account_id, "s", normalized_handle),
		method_follow, 0),
	SD_BUS_METHOD_WITH_ARGS("Unfollow", SD_BUS_ARGS("s", platform, "s", handle), SD_BUS_NO_RESULT,
		method_unfollow, 0),
	SD_BUS_METHOD_WITH_ARGS("Track", SD_BUS_ARGS("s", tag, "s", platform), SD_BUS_RESULT("s", normalized_tag),
		method_track, 0),
	SD_BUS_METHOD_WITH_ARGS("Untrack", SD_BUS_ARGS("s", tag), SD_BUS_NO_RESULT,
		method_untrack, 0),
	SD_BUS_METHOD_WITH_ARGS("ListMentors", SD_BUS_ARGS("s", sort, "u", offset, "u", limit),
		SD_BUS_RESULT("a(tssdda(ss)ttxx)", mentors, "u", total),
		method_list_mentors, 0),
	SD_BUS_METHOD_WITH_ARGS("ShowMentor", SD_BUS_ARGS("s", mentor, "u", max_events),
		SD_BUS_RESULT("(tssdda(ss)ttxx)", summary, "s", computed_stage, "b", pinned,
		              "a(sx)", milestones, "a(sxsss)", events),
		bus_method_show, 0),
	SD_BUS_METHOD_WITH_ARGS("Why", SD_BUS_ARGS("s", mentor),
		SD_BUS_RESULT("s", stage, "s", stage_reason, "s", next_step, "d", strength,
		              "a(sdds)", strength_parts, "d", fit, "a(sdds)", fit_parts),
		bus_method_why, 0),
	SD_BUS_METHOD_WITH_ARGS("LogEvent", SD_BUS_ARGS("s", mentor, "s", kind, "s", note, "x", when),
		SD_BUS_RESULT("t", event_id), bus_method_log, 0),
	SD_BUS_METHOD_WITH_ARGS("Link", SD_BUS_ARGS("s", mentor, "s", platform, "s", handle),
		SD_BUS_RESULT("t", account_id), bus_method_link, 0),
	SD_BUS_METHOD_WITH_ARGS("Unlink", SD_BUS_ARGS("s", mentor, "s", platform, "s", handle),
		SD_BUS_RESULT("t", new_mentor_id), bus_method_unlink, 0),
	SD_BUS_METHOD_WITH_ARGS("SetStage", SD_BUS_ARGS("s", mentor, "s", stage), SD_BUS_NO_RESULT,
		bus_method_set_stage, 0),
	SD_BUS_METHOD_WITH_ARGS("Suggest", SD_BUS_ARGS("u", limit), SD_BUS_RESULT("a(sssdas)", suggestions),
		bus_method_suggest, 0),
	SD_BUS_METHOD_WITH_ARGS("LinkSuggestions", SD_BUS_NO_ARGS,
		SD_BUS_RESULT("a(tssstss)", links), bus_method_link_suggestions, 0),
	SD_BUS_METHOD_WITH_ARGS("Dismiss", SD_BUS_ARGS("s", platform, "s", handle), SD_BUS_NO_RESULT,
		bus_method_dismiss, 0),
	SD_BUS_METHOD_WITH_ARGS("Nudges", SD_BUS_NO_ARGS, SD_BUS_RESULT("a(tssxsss)", nudges),
		bus_method_nudges, 0),
	SD_BUS_METHOD_WITH_ARGS("Check", SD_BUS_ARGS("s", text, "as", accept),
		SD_BUS_RESULT("s", verdict, "a(sssuuuusssb)", findings), bus_method_check, 0),
	SD_BUS_METHOD_WITH_ARGS("Reload", SD_BUS_NO_ARGS, SD_BUS_NO_RESULT, method_reload, 0),
	SD_BUS_METHOD_WITH_ARGS("Poll", SD_BUS_ARGS("b", wait), SD_BUS_RESULT("u", targets),
		method_poll, 0),
	SD_BUS_METHOD_WITH_ARGS("Mute", SD_BUS_ARGS("s", mentor, "t", seconds),
		SD_BUS_RESULT("t", mentor_id, "x", until), bus_method_mute, 0),
	SD_BUS_METHOD_WITH_ARGS("Unmute", SD_BUS_ARGS("s", mentor), SD_BUS_RESULT("t", mentor_id),
		bus_method_unmute, 0),
	SD_BUS_METHOD_WITH_ARGS("ListMutes", SD_BUS_NO_ARGS, SD_BUS_RESULT("a(tsx)", mutes),
		bus_method_list_mutes, 0),
	SD_BUS_METHOD_WITH_ARGS("ExportLedger", SD_BUS_ARGS("t", after, "u", limit),
		SD_BUS_RESULT("a(ttssxsssss)", events, "t", next), bus_method_export_ledger, 0),
	SD_BUS_SIGNAL("Reloaded", "", 0),
	SD_BUS_SIGNAL_WITH_ARGS("PollFinished", SD_BUS_ARGS("u", polled, "u", failed), 0),
	SD_BUS_SIGNAL_WITH_ARGS("MentorActivity", SD_BUS_ARGS("t", mentor_id, "s", mentor, "s", kind,
		"s", platform, "s", url, "s", text, "x", at), 0),
	SD_BUS_SIGNAL_WITH_ARGS("NudgeAdded", SD_BUS_ARGS("t", mentor_id, "s", mentor, "s", kind, "x", at,
		"s", url, "s", message, "s", action), 0),
	SD_BUS_VTABLE_END
};
