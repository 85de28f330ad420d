/* bus_internal.h — shared by bus.c (connection, loop glue) and
 * bus_manager.c (the Manager1 vtable). */
#ifndef MENTORD_BUS_INTERNAL_H
#define MENTORD_BUS_INTERNAL_H

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
	struct mentord *m;
	struct event_base *base;
	struct event *io, *timer;
	short io_events;          /* what io is armed for, to avoid needless re-adds */
	bool dispatching;
	struct event *counts_timer;   /* debounces PropertiesChanged */
	struct bus_counts shown;
	int64_t store_changes;        /* store_change_count() when last looked at */
};

/* printf arguments quoting at most max bytes of s with "%.*s" without
 * splitting a character: an error whose message is not valid UTF-8 cannot
 * be sent, and the caller would wait for a reply that never comes. */
#define BUS_CUT(s, max) (int)utf8_prefix((s), (max)), (s)

/* A reply message freed on every return path. */
#define reply_unref __attribute__((cleanup(sd_bus_message_unrefp)))

extern const sd_bus_vtable bus_manager_vtable[];

struct mentord;

/* Named UnknownPlatform / InvalidHandle errors; bus_check_handle checks the
 * platform too and writes the normalised handle (MENTORD_MAX_HANDLE + 1). */
int bus_check_platform(const char *platform, sd_bus_error *error);
int bus_check_handle(const char *platform, const char *in, char *out, sd_bus_error *error);

/* MENTOR as typed by the user (id, handle, name prefix) → the mentor cache's
 * entry, or UnknownMentor / AmbiguousMentor / InvalidArgument. */
struct mentor_entry;
int bus_find_mentor(struct mentord *m, const char *query, struct mentor_entry **out, sd_bus_error *error);

/* The named Internal error for an unexpected negative errno. */
int bus_internal_error(sd_bus_error *error, int r);

/* bus_ledger.c / bus_suggest.c: handlers listed in bus_manager_vtable. */
int bus_list_mentors(struct mentord *m, sd_bus_message *msg, enum store_sort sort,
                     uint32_t offset, uint32_t limit, sd_bus_error *error);
int bus_method_show(sd_bus_message *msg, void *userdata, sd_bus_error *error);
int bus_method_why(sd_bus_message *msg, void *userdata, sd_bus_error *error);
int bus_method_log(sd_bus_message *msg, void *userdata, sd_bus_error *error);
int bus_method_set_stage(sd_bus_message *msg, void *userdata, sd_bus_error *error);
int bus_method_link(sd_bus_message *msg, void *userdata, sd_bus_error *error);
int bus_method_unlink(sd_bus_message *msg, void *userdata, sd_bus_error *error);
int bus_method_suggest(sd_bus_message *msg, void *userdata, sd_bus_error *error);
int bus_method_dismiss(sd_bus_message *msg, void *userdata, sd_bus_error *error);
int bus_method_nudges(sd_bus_message *msg, void *userdata, sd_bus_error *error);
int bus_method_link_suggestions(sd_bus_message *msg, void *userdata, sd_bus_error *error);
int bus_method_check(sd_bus_message *msg, void *userdata, sd_bus_error *error);
/* bus_export.c */
int bus_method_export_ledger(sd_bus_message *msg, void *userdata, sd_bus_error *error);

/* bus_props.c: the getter of Mentors, Accounts, Hashtags, Posts, Events,
 * Muted and LastPoll; set-up of the PropertiesChanged debounce. */
int bus_property_count(sd_bus *bus, const char *path, const char *interface, const char *property,
                       sd_bus_message *reply, void *userdata, sd_bus_error *error);
int bus_props_init(struct bus *b);

/* bus_notify.c: Mute, Unmute, ListMutes. */
int bus_method_mute(sd_bus_message *msg, void *userdata, sd_bus_error *error);
int bus_method_unmute(sd_bus_message *msg, void *userdata, sd_bus_error *error);
int bus_method_list_mutes(sd_bus_message *msg, void *userdata, sd_bus_error *error);

/* Refuses callers whose effective uid is not ours (defence in depth: the
 * user bus already limits who connects). Returns 0 or a set error. */
int bus_check_caller(sd_bus_message *msg, sd_bus_error *error);

#endif
