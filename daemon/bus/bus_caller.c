/* bus_caller.c — the methods that change the user's data run only for the
 * user running mentord (defence in depth: a session bus already refuses
 * other uids). dbus-daemon attaches no credentials to a message, so the
 * caller's uid is a question to it, GetConnectionUnixUser; asked with
 * sd_bus_call_method_async, the loop goes on while it answers, and the
 * method itself runs from the answer. (sd_bus_query_sender_creds would ask
 * the same question with a blocking sd_bus_call.) */
#include "bus/bus_internal.h"
#include "base/log.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

/* A question in flight. The bus holds them in a list and owns their slots:
 * a wait holds its call, the call holds the connection, so a wait left
 * for the connection's end to free would keep that end from coming. */
struct caller_wait {
	struct bus *b;
	sd_bus_message *call;
	sd_bus_message_handler_t method;
	sd_bus_slot *slot;
	struct caller_wait *prev, *next;
};

/* The slot's destroy callback: however the slot goes, the wait goes. */
static void wait_free(void *userdata)
{
	struct caller_wait *w = userdata;
	if (w->prev)
		w->prev->next = w->next;
	else
		w->b->caller_waits = w->next;
	if (w->next)
		w->next->prev = w->prev;
	sd_bus_message_unref(w->call);
	free(w);
}

/* What sd-bus does with a method's result when the method returns: an
 * error set wins, else a negative errno becomes its named error. */
static void run_method(struct caller_wait *w)
{
	sd_bus_error error = SD_BUS_ERROR_NULL;
	int r = w->method(w->call, w->b, &error);

	if (sd_bus_error_is_set(&error))
		sd_bus_reply_method_error(w->call, &error);
	else if (r < 0)
		sd_bus_reply_method_errno(w->call, r, NULL);
	sd_bus_error_free(&error);
}

static int on_uid(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error)
{
	struct caller_wait *w = userdata;
	const sd_bus_error *e = sd_bus_message_get_error(reply);
	uint32_t uid;
	int r;

	if (e)   /* the caller left, or the bus timed out */
		sd_bus_reply_method_errorf(w->call, SD_BUS_ERROR_ACCESS_DENIED, "Cannot identify the caller: %s",
		                           e->message ? e->message : e->name);
	else if ((r = sd_bus_message_read(reply, "u", &uid)) < 0)
		sd_bus_reply_method_errnof(w->call, -r, "Cannot identify the caller: %m");
	else if (uid != (uint32_t)geteuid())
		sd_bus_reply_method_errorf(w->call, SD_BUS_ERROR_ACCESS_DENIED,
		                           "Only the user running mentord may change it");
	else
		run_method(w);
	/* sd-bus holds the slot for the callback's length: it is freed, and
	 * the wait with it, when this returns. */
	sd_bus_slot_unref(w->slot);
	return 0;
}

int bus_caller_then(sd_bus_message *msg, struct bus *b, sd_bus_message_handler_t method, sd_bus_error *error)
{
	const char *sender = sd_bus_message_get_sender(msg);
	struct caller_wait *w;
	int r;

	if (!sender)   /* not through a bus daemon: nobody to ask */
		return sd_bus_error_set(error, SD_BUS_ERROR_ACCESS_DENIED, "Cannot identify the caller");
	if (!(w = calloc(1, sizeof *w)))
		return -ENOMEM;
	*w = (struct caller_wait){ .b = b, .call = sd_bus_message_ref(msg), .method = method };
	r = sd_bus_call_method_async(sd_bus_message_get_bus(msg), &w->slot, "org.freedesktop.DBus",
	                             "/org/freedesktop/DBus", "org.freedesktop.DBus", "GetConnectionUnixUser",
	                             on_uid, w, "s", sender);
	if (r < 0) {
		sd_bus_message_unref(w->call);
		free(w);
		return r;
	}
	sd_bus_slot_set_destroy_callback(w->slot, wait_free);
	if ((w->next = b->caller_waits))
		w->next->prev = w;
	b->caller_waits = w;
	return 1;
}

void bus_caller_cancel_all(struct bus *b)
{
	unsigned n = 0;
	/* Each unref frees its wait (wait_free), which unlinks it. */
	for (; b->caller_waits; n++)
		sd_bus_slot_unref(b->caller_waits->slot);
	if (n)
		log_debug("bus: %u write calls dropped at exit, their caller not yet known", n);
}
