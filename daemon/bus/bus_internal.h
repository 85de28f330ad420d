/* bus_internal.h — shared by the files of bus/. They stack one way,
 * lowest first:
 *
 *   bus_args.c     the platform, handle and mentor arguments, the named
 *                  Internal error
 *   bus_caller.c   the write methods' caller check (the caller's uid)
 *   bus_emit.c     the signals
 *   bus_props.c    the count properties and their debounced PropertiesChanged
 *   bus_daemon.c, bus_follow.c, bus_ledger.c, bus_suggest.c, bus_draft.c,
 *   bus_export.c, bus_mute.c, bus_sources.c, bus_import.c,
 *   bus_import_linkedin.c, bus_mail.c, bus_xusage.c, bus_engagement.c,
 *   bus_report.c
 *                  the methods, a file per group (userdata: struct bus)
 *   bus_vtable.c   the interface, pointing at them
 *   bus.c          the object, the name and the connection's loop glue */
#ifndef MENTORD_BUS_BUS_INTERNAL_H
#define MENTORD_BUS_BUS_INTERNAL_H

#include "bus/bus.h"
#include "store/store.h"
#include "common/utf8.h"

#include <stdbool.h>
#include <systemd/sd-bus.h>

/* What the count properties last announced (bus_props.c). */
struct bus_counts {
	uint32_t mentors, accounts, hashtags, muted;
	uint64_t posts, events;
	int64_t last_poll;
};

struct bus {
	sd_bus *bus;
	sd_bus_slot *manager_slot;
	bool name_owned;
	/* bus_deps */
	struct event_base *base;
	const struct clock *clock;
	const struct config *config;
	struct store *store;
	struct mentor_cache *mentors;
	struct check_engine *check;
	struct sched *sched;
	struct notifier *notifier;
	struct sched_import *imports;
	struct mail *mail;
	uint64_t started_usec;
	struct bus_hooks hooks;

	struct event *io, *timer;
	short io_events;          /* what io is armed for, to avoid needless re-adds */
	struct event *counts_timer;   /* debounces PropertiesChanged */
	struct bus_counts shown;
	int64_t store_changes;        /* store_change_count() when last looked at */
	/* Suggest's candidate pool (the most-seen candidates, their ~800 KB
	 * of aggregates), kept between calls and read again only after the
	 * store changed: the query and parsing were most of the call. */
	struct bus_suggest_pool *suggest_pool;
	/* Nudges' last answer and what it was computed from: asked again in
	 * the same second of the daemon's clock with the store and the mentor
	 * cache unchanged, the review would give exactly the same list. */
	struct nudge_list *nudges;
	int64_t nudges_now, nudges_changes;
	uint64_t nudges_gen;
	struct caller_wait *caller_waits;   /* bus_caller.c: uid questions in flight */
};

/* printf arguments quoting at most max bytes of s with "%.*s" without
 * splitting a character: an error whose message is not valid UTF-8 cannot
 * be sent, and the caller would wait for a reply that never comes. */
#define BUS_CUT(s, max) (int)utf8_prefix((s), (max)), (s)

/* A reply message freed on every return path. */
#define reply_unref __attribute__((cleanup(sd_bus_message_unrefp)))

/* ---- bus_caller.c ---- */
/* Runs method(msg, b, ...) once dbus-daemon has said that the caller's uid
 * is ours, without blocking the loop, and replies with its result as
 * sd-bus would (or with AccessDenied). Returns 1 (the reply comes later),
 * or a negative errno / set error when the question could not be asked.
 * The write methods go through it (bus_vtable.c). */
int bus_caller_then(sd_bus_message *msg, struct bus *b, sd_bus_message_handler_t method, sd_bus_error *error);
/* Drops the questions still in flight, unanswered (at the bus's end). */
void bus_caller_cancel_all(struct bus *b);

/* ---- bus_args.c ---- */
/* Named UnknownPlatform / InvalidHandle errors; bus_args_handle checks the
 * platform too and writes the normalised handle (MENTORD_MAX_HANDLE + 1). */
int bus_args_platform(const char *platform, sd_bus_error *error);
int bus_args_handle(const char *platform, const char *in, char *out, sd_bus_error *error);
/* The same for Link/Unlink, which also take the other channels: an e-mail
 * address or a LinkedIn profile URL in its canonical form (common/channel.h). */
int bus_args_account(const char *platform, const char *in, char *out, sd_bus_error *error);
/* MENTOR as typed by the user (id, handle, name prefix) → the mentor
 * cache's entry, or UnknownMentor / AmbiguousMentor / InvalidArgument. */
struct mentor_entry;
int bus_args_mentor(struct bus *b, const char *query, struct mentor_entry **out, sd_bus_error *error);
/* The size mentor ids of an `at` argument (1 to MENTORD_MAX_ENGAGEMENT_MENTORS)
 * as entries in *out (malloc'd, *n of them, in the order given, a repeat
 * once). An id of no mentor, or of a source, is an UnknownMentor error when
 * strict and left out otherwise. */
int bus_args_mentor_ids(struct bus *b, const uint64_t *in, size_t size, bool strict, struct mentor_entry ***out,
                        size_t *n, sd_bus_error *error);
/* The named Internal error for an unexpected negative errno. */
int bus_args_internal_error(sd_bus_error *error, int r);

/* ---- bus_props.c ---- */
/* The getter of Mentors, Accounts, Hashtags, Posts, Events, Muted, LastPoll. */
int bus_props_get(sd_bus *bus, const char *path, const char *interface, const char *property,
                  sd_bus_message *reply, void *userdata, sd_bus_error *error);
int bus_props_init(struct bus *b);
/* A store write since the last look: the counts may have changed. */
void bus_props_check_store(struct bus *b);

/* ---- the methods (sd_bus_message_handler_t, userdata: struct bus) ---- */
int bus_daemon_status(sd_bus_message *msg, void *userdata, sd_bus_error *error);
int bus_daemon_reload(sd_bus_message *msg, void *userdata, sd_bus_error *error);
int bus_daemon_poll(sd_bus_message *msg, void *userdata, sd_bus_error *error);
int bus_follow_add(sd_bus_message *msg, void *userdata, sd_bus_error *error);
int bus_follow_history(sd_bus_message *msg, void *userdata, sd_bus_error *error);
int bus_follow_remove(sd_bus_message *msg, void *userdata, sd_bus_error *error);
int bus_follow_track(sd_bus_message *msg, void *userdata, sd_bus_error *error);
int bus_follow_untrack(sd_bus_message *msg, void *userdata, sd_bus_error *error);
int bus_sources_follow(sd_bus_message *msg, void *userdata, sd_bus_error *error);
int bus_sources_list(sd_bus_message *msg, void *userdata, sd_bus_error *error);
int bus_import_start(sd_bus_message *msg, void *userdata, sd_bus_error *error);
int bus_import_list(sd_bus_message *msg, void *userdata, sd_bus_error *error);
int bus_import_candidates(sd_bus_message *msg, void *userdata, sd_bus_error *error);
int bus_import_linkedin(sd_bus_message *msg, void *userdata, sd_bus_error *error);
int bus_ledger_list(sd_bus_message *msg, void *userdata, sd_bus_error *error);
int bus_ledger_show(sd_bus_message *msg, void *userdata, sd_bus_error *error);
int bus_ledger_why(sd_bus_message *msg, void *userdata, sd_bus_error *error);
int bus_ledger_log(sd_bus_message *msg, void *userdata, sd_bus_error *error);
int bus_ledger_set_stage(sd_bus_message *msg, void *userdata, sd_bus_error *error);
int bus_ledger_link(sd_bus_message *msg, void *userdata, sd_bus_error *error);
int bus_ledger_unlink(sd_bus_message *msg, void *userdata, sd_bus_error *error);
int bus_suggest_mentors(sd_bus_message *msg, void *userdata, sd_bus_error *error);
void bus_suggest_pool_free(struct bus_suggest_pool *p);
int bus_suggest_dismiss(sd_bus_message *msg, void *userdata, sd_bus_error *error);
int bus_suggest_nudges(sd_bus_message *msg, void *userdata, sd_bus_error *error);
void bus_suggest_nudges_free(struct bus *b);
int bus_suggest_links(sd_bus_message *msg, void *userdata, sd_bus_error *error);
/* bus_xusage.c: GetXUsage. */
int bus_xusage_get(sd_bus_message *msg, void *userdata, sd_bus_error *error);
/* bus_engagement.c: GetEngagement. */
int bus_engagement_get(sd_bus_message *msg, void *userdata, sd_bus_error *error);
/* bus_mail.c: GetEmailStatus; LinkSuggestions rows of e-mail senders. */
int bus_mail_status(sd_bus_message *msg, void *userdata, sd_bus_error *error);
int bus_mail_suggest_links(struct bus *b, sd_bus_message *reply);
int bus_draft_check(sd_bus_message *msg, void *userdata, sd_bus_error *error);
int bus_export_ledger(sd_bus_message *msg, void *userdata, sd_bus_error *error);
/* bus_report.c: GetReportFunnel, GetReportMentors (mentorctl report). */
int bus_report_funnel(sd_bus_message *msg, void *userdata, sd_bus_error *error);
int bus_report_mentors(sd_bus_message *msg, void *userdata, sd_bus_error *error);
int bus_mute_set(sd_bus_message *msg, void *userdata, sd_bus_error *error);
int bus_mute_clear(sd_bus_message *msg, void *userdata, sd_bus_error *error);
int bus_mute_list(sd_bus_message *msg, void *userdata, sd_bus_error *error);

/* ---- bus_vtable.c ---- */
extern const sd_bus_vtable bus_vtable[];

#endif
