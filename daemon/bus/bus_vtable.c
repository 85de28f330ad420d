/* bus_vtable.c — org.mentord.Manager1 as sd-bus serves it: every method,
 * property and signal, each pointing at the file that handles it. Its
 * XML twin is schema/org.mentord.Manager1.xml (20-introspect compares). */
#include "bus/bus_internal.h"

static int property_version(sd_bus *bus, const char *path, const char *interface,
                            const char *property, sd_bus_message *reply, void *userdata,
                            sd_bus_error *error)
{
	return sd_bus_message_append(reply, "s", MENTORD_VERSION);
}

/* The methods that change the user's data run once dbus-daemon has said
 * the caller is the user (bus_caller.c): the question does not block. */
#define CALLER_CHECKED(method) \
	static int checked_##method(sd_bus_message *m, void *userdata, sd_bus_error *e) \
	{ \
		return bus_caller_then(m, userdata, method, e); \
	}
CALLER_CHECKED(bus_follow_add)
CALLER_CHECKED(bus_follow_history)
CALLER_CHECKED(bus_follow_remove)
CALLER_CHECKED(bus_follow_track)
CALLER_CHECKED(bus_follow_untrack)
CALLER_CHECKED(bus_sources_follow)
CALLER_CHECKED(bus_import_start)
CALLER_CHECKED(bus_import_linkedin)
CALLER_CHECKED(bus_ledger_log)
CALLER_CHECKED(bus_ledger_link)
CALLER_CHECKED(bus_ledger_unlink)
CALLER_CHECKED(bus_ledger_set_stage)
CALLER_CHECKED(bus_suggest_dismiss)
CALLER_CHECKED(bus_daemon_reload)
CALLER_CHECKED(bus_daemon_poll)
CALLER_CHECKED(bus_mute_set)
CALLER_CHECKED(bus_mute_clear)

const sd_bus_vtable bus_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_PROPERTY("Version", "s", property_version, 0, SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_PROPERTY("Mentors", "u", bus_props_get, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
	SD_BUS_PROPERTY("Accounts", "u", bus_props_get, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
	SD_BUS_PROPERTY("Hashtags", "u", bus_props_get, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
	SD_BUS_PROPERTY("Posts", "t", bus_props_get, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
	SD_BUS_PROPERTY("Events", "t", bus_props_get, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
	SD_BUS_PROPERTY("Muted", "u", bus_props_get, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
	SD_BUS_PROPERTY("LastPoll", "x", bus_props_get, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
	SD_BUS_METHOD_WITH_ARGS("GetStatus", SD_BUS_NO_ARGS,
		SD_BUS_RESULT("s", version, "t", uptime_s, "t", mentors, "t", accounts, "t", hashtags,
		              "t", posts, "t", events, "a(sbsxxxsus)", platforms),
		bus_daemon_status, 0),
	SD_BUS_METHOD_WITH_ARGS("GetEmailStatus", SD_BUS_NO_ARGS,
		SD_BUS_RESULT("b", enabled, "s", state, "u", folders, "t", files, "t", messages,
		              "x", last_scan, "s", last_error),
		bus_mail_status, 0),
	SD_BUS_METHOD_WITH_ARGS("GetXUsage", SD_BUS_NO_ARGS,
		SD_BUS_RESULT("b", enabled, "x", posts_read_month, "x", monthly_posts, "d", cost_month,
		              "x", read_today, "x", allowance_today, "i", cap_reset_day, "s", pace),
		bus_xusage_get, 0),
	SD_BUS_METHOD_WITH_ARGS("GetEngagement", SD_BUS_ARGS("at", mentors, "s", unit, "u", count),
		SD_BUS_RESULT("x", start, "a(tssau)", series), bus_engagement_get, 0),
	SD_BUS_METHOD_WITH_ARGS("Follow",
		SD_BUS_ARGS("s", platform, "s", handle, "s", name, "t", mentor_id),
		SD_BUS_RESULT("t", mentor_id, "t", account_id, "s", normalized_handle),
		checked_bus_follow_add, 0),
	SD_BUS_METHOD_WITH_ARGS("SetHistory", SD_BUS_ARGS("s", platform, "s", handle, "x", seconds),
		SD_BUS_NO_RESULT, checked_bus_follow_history, 0),
	SD_BUS_METHOD_WITH_ARGS("Unfollow", SD_BUS_ARGS("s", platform, "s", handle), SD_BUS_NO_RESULT,
		checked_bus_follow_remove, 0),
	SD_BUS_METHOD_WITH_ARGS("Track", SD_BUS_ARGS("s", tag, "s", platform), SD_BUS_RESULT("s", normalized_tag),
		checked_bus_follow_track, 0),
	SD_BUS_METHOD_WITH_ARGS("Untrack", SD_BUS_ARGS("s", tag), SD_BUS_NO_RESULT,
		checked_bus_follow_untrack, 0),
	SD_BUS_METHOD_WITH_ARGS("FollowSource", SD_BUS_ARGS("s", platform, "s", handle, "s", name),
		SD_BUS_RESULT("t", id, "t", account_id, "s", normalized_handle), checked_bus_sources_follow, 0),
	SD_BUS_METHOD_WITH_ARGS("ListSources", SD_BUS_NO_ARGS, SD_BUS_RESULT("a(ttsssxx)", sources),
		bus_sources_list, 0),
	SD_BUS_METHOD_WITH_ARGS("StartImport",
		SD_BUS_ARGS("s", platform, "as", handles, "s", match, "u", limit),
		SD_BUS_RESULT("t", job), checked_bus_import_start, 0),
	SD_BUS_METHOD_WITH_ARGS("GetImports", SD_BUS_NO_ARGS, SD_BUS_RESULT("a(tsssuub)", jobs),
		bus_import_list, 0),
	SD_BUS_METHOD_WITH_ARGS("GetImportCandidates", SD_BUS_ARGS("t", job),
		SD_BUS_RESULT("a(ussdbbbs)", candidates), bus_import_candidates, 0),
	SD_BUS_METHOD_WITH_ARGS("ImportLinkedIn",
		SD_BUS_ARGS("a(ssssssx)", connections, "a(ssbx)", messages),
		SD_BUS_RESULT("t", connections_new, "t", messages_new, "t", events, "t", mentors,
		              "t", emails_linked, "t", name_proposals, "t", email_proposals),
		checked_bus_import_linkedin, 0),
	SD_BUS_METHOD_WITH_ARGS("ListMentors", SD_BUS_ARGS("s", sort, "u", offset, "u", limit),
		SD_BUS_RESULT("a(tssdda(ss)ttxx)", mentors, "u", total),
		bus_ledger_list, 0),
	SD_BUS_METHOD_WITH_ARGS("ShowMentor", SD_BUS_ARGS("s", mentor, "u", max_events),
		SD_BUS_RESULT("(tssdda(ss)ttxx)", summary, "s", computed_stage, "b", pinned,
		              "a(sx)", milestones, "a(sxsss)", events),
		bus_ledger_show, 0),
	SD_BUS_METHOD_WITH_ARGS("Why", SD_BUS_ARGS("s", mentor),
		SD_BUS_RESULT("s", stage, "s", stage_reason, "s", next_step, "d", strength,
		              "a(sdds)", strength_parts, "d", fit, "a(sdds)", fit_parts),
		bus_ledger_why, 0),
	SD_BUS_METHOD_WITH_ARGS("LogEvent", SD_BUS_ARGS("s", mentor, "s", kind, "s", note, "x", when),
		SD_BUS_RESULT("t", event_id), checked_bus_ledger_log, 0),
	SD_BUS_METHOD_WITH_ARGS("Link", SD_BUS_ARGS("s", mentor, "s", platform, "s", handle),
		SD_BUS_RESULT("t", account_id), checked_bus_ledger_link, 0),
	SD_BUS_METHOD_WITH_ARGS("Unlink", SD_BUS_ARGS("s", mentor, "s", platform, "s", handle),
		SD_BUS_RESULT("t", new_mentor_id), checked_bus_ledger_unlink, 0),
	SD_BUS_METHOD_WITH_ARGS("SetStage", SD_BUS_ARGS("s", mentor, "s", stage), SD_BUS_NO_RESULT,
		checked_bus_ledger_set_stage, 0),
	SD_BUS_METHOD_WITH_ARGS("Suggest", SD_BUS_ARGS("u", limit), SD_BUS_RESULT("a(sssdas)", suggestions),
		bus_suggest_mentors, 0),
	SD_BUS_METHOD_WITH_ARGS("LinkSuggestions", SD_BUS_NO_ARGS,
		SD_BUS_RESULT("a(tssstss)", links), bus_suggest_links, 0),
	SD_BUS_METHOD_WITH_ARGS("Dismiss", SD_BUS_ARGS("s", platform, "s", handle), SD_BUS_NO_RESULT,
		checked_bus_suggest_dismiss, 0),
	SD_BUS_METHOD_WITH_ARGS("Nudges", SD_BUS_NO_ARGS, SD_BUS_RESULT("a(tssxsss)", nudges),
		bus_suggest_nudges, 0),
	SD_BUS_METHOD_WITH_ARGS("Check", SD_BUS_ARGS("s", text, "as", accept),
		SD_BUS_RESULT("s", verdict, "a(sssuuuusssb)", findings), bus_draft_check, 0),
	SD_BUS_METHOD_WITH_ARGS("Reload", SD_BUS_NO_ARGS, SD_BUS_NO_RESULT, checked_bus_daemon_reload, 0),
	SD_BUS_METHOD_WITH_ARGS("Poll", SD_BUS_ARGS("b", wait), SD_BUS_RESULT("u", targets),
		checked_bus_daemon_poll, 0),
	SD_BUS_METHOD_WITH_ARGS("Mute", SD_BUS_ARGS("s", mentor, "t", seconds),
		SD_BUS_RESULT("t", mentor_id, "x", until), checked_bus_mute_set, 0),
	SD_BUS_METHOD_WITH_ARGS("Unmute", SD_BUS_ARGS("s", mentor), SD_BUS_RESULT("t", mentor_id),
		checked_bus_mute_clear, 0),
	SD_BUS_METHOD_WITH_ARGS("ListMutes", SD_BUS_NO_ARGS, SD_BUS_RESULT("a(tsx)", mutes),
		bus_mute_list, 0),
	SD_BUS_METHOD_WITH_ARGS("ExportLedger", SD_BUS_ARGS("t", after, "u", limit),
		SD_BUS_RESULT("a(ttssxsssss)", events, "t", next), bus_export_ledger, 0),
	SD_BUS_METHOD_WITH_ARGS("GetReportFunnel", SD_BUS_ARGS("x", window),
		SD_BUS_RESULT("x", now, "a(suu)", stages), bus_report_funnel, 0),
	SD_BUS_METHOD_WITH_ARGS("GetReportMentors", SD_BUS_ARGS("at", mentors, "x", since, "b", private_texts),
		SD_BUS_RESULT("a(tssa(sx)xxssuuua(xss)a(sxss))", rows), bus_report_mentors, 0),
	SD_BUS_SIGNAL("Reloaded", "", 0),
	SD_BUS_SIGNAL_WITH_ARGS("ImportProgress", SD_BUS_ARGS("t", job, "u", fetched, "u", total, "s", state), 0),
	SD_BUS_SIGNAL_WITH_ARGS("PollFinished", SD_BUS_ARGS("u", polled, "u", failed), 0),
	SD_BUS_SIGNAL_WITH_ARGS("MentorActivity", SD_BUS_ARGS("t", mentor_id, "s", mentor, "s", kind,
		"s", platform, "s", url, "s", text, "x", at), 0),
	SD_BUS_SIGNAL_WITH_ARGS("NudgeAdded", SD_BUS_ARGS("t", mentor_id, "s", mentor, "s", kind, "x", at,
		"s", url, "s", message, "s", action), 0),
	SD_BUS_VTABLE_END
};
