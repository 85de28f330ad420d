/* call.c — connecting and calling, with the spec's exit codes. */
#include "ctl.h"
#include "mentord-bus.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char hint[] =
	"mentorctl: mentord is not running on this session bus. Start it with\n"
	"  systemctl --user start mentord    (installed)   or   make run   (from the source tree)\n";

static int connect_bus(struct ctl *ctl)
{
	int r;
	if (ctl->bus)
		return 0;
	r = sd_bus_open_user(&ctl->bus);
	if (r < 0) {
		fprintf(stderr, "mentorctl: cannot connect to the session bus: %s\n%s", strerror(-r), hint);
		return CTL_EXIT_UNREACHABLE;
	}
	sd_bus_set_method_call_timeout(ctl->bus, ctl->timeout_usec);
	return 0;
}

void ctl_disconnect(struct ctl *ctl)
{
	ctl->bus = sd_bus_flush_close_unref(ctl->bus);
}

static bool unreachable(const sd_bus_error *e)
{
	return sd_bus_error_has_names(e, SD_BUS_ERROR_SERVICE_UNKNOWN, SD_BUS_ERROR_NAME_HAS_NO_OWNER,
	                              SD_BUS_ERROR_DISCONNECTED, SD_BUS_ERROR_UNKNOWN_OBJECT,
	                              SD_BUS_ERROR_UNKNOWN_INTERFACE) ||
	       (sd_bus_error_has_name(e, SD_BUS_ERROR_NO_REPLY) && e->message &&
	        strstr(e->message, "disconnected"));
}

/* A slow (or stopped) daemon is not a dead one: the call was delivered and
 * no answer came in time. The bus daemon's own "recipient disconnected
 * without replying" is also NoReply, but that one is a death (above). */
static bool timed_out(const sd_bus_error *e, int r)
{
	return r == -ETIMEDOUT || sd_bus_error_has_names(e, SD_BUS_ERROR_TIMEOUT, SD_BUS_ERROR_NO_REPLY);
}

int ctl_new_call(struct ctl *ctl, const char *method, sd_bus_message **msg)
{
	int r;
	if ((r = connect_bus(ctl)) != 0)
		return r;
	r = sd_bus_message_new_method_call(ctl->bus, msg, MENTORD_BUS_NAME, MENTORD_BUS_PATH,
	                                   MENTORD_BUS_IFACE, method);
	if (r < 0) {
		fprintf(stderr, "mentorctl: cannot build the %s call: %s\n", method, strerror(-r));
		return CTL_EXIT_DAEMON;
	}
	return 0;
}

int ctl_send(struct ctl *ctl, sd_bus_message *msg, sd_bus_message **reply, sd_bus_error *error)
{
	int r = sd_bus_call(ctl->bus, msg, 0, error, reply);
	return r >= 0 ? 0 : ctl_report_error(error, r);
}

int ctl_report_error(const sd_bus_error *error, int r)
{
	if (unreachable(error)) {
		fprintf(stderr, "mentorctl: %s (%s)\n%s", error->message ? error->message : strerror(-r),
		        error->name ? error->name : "no reply", hint);
		return CTL_EXIT_UNREACHABLE;
	}
	if (timed_out(error, r)) {
		fprintf(stderr, "mentorctl: mentord did not answer in time (%s): it is running but busy or "
		        "stopped.\nTry again, or wait longer with --timeout SECONDS.\n",
		        error->name ? error->name : "timeout");
		return CTL_EXIT_DAEMON;
	}
	fprintf(stderr, "mentorctl: %s (%s)\n", error->message ? error->message : strerror(-r),
	        error->name ? error->name : "unknown error");
	return CTL_EXIT_DAEMON;
}

int ctl_call_quiet(struct ctl *ctl, const char *method, sd_bus_message **reply)
{
	sd_bus_message *msg = NULL;
	sd_bus_error error = SD_BUS_ERROR_NULL;
	int r;

	if (ctl_new_call(ctl, method, &msg) != 0)
		return -ENOTCONN;
	r = sd_bus_call(ctl->bus, msg, 0, &error, reply);
	sd_bus_message_unref(msg);
	sd_bus_error_free(&error);
	return r < 0 ? r : 0;
}

int ctl_call(struct ctl *ctl, const char *method, sd_bus_message **reply, const char *types, ...)
{
	sd_bus_message *msg = NULL;
	sd_bus_error error = SD_BUS_ERROR_NULL;
	va_list ap;
	int r;

	if ((r = ctl_new_call(ctl, method, &msg)) != 0)
		return r;
	if (types && *types) {
		va_start(ap, types);
		r = sd_bus_message_appendv(msg, types, ap);
		va_end(ap);
		if (r < 0) {
			fprintf(stderr, "mentorctl: cannot build the %s call: %s\n", method, strerror(-r));
			sd_bus_message_unref(msg);
			return CTL_EXIT_DAEMON;
		}
	}
	r = ctl_send(ctl, msg, reply, &error);
	sd_bus_message_unref(msg);
	sd_bus_error_free(&error);
	return r;
}

int ctl_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "mentorctl %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	return CTL_EXIT_USAGE;
}

int ctl_bad_reply(const char *what, int r)
{
	fprintf(stderr, "mentorctl: unexpected reply to %s: %s\n", what, strerror(-r));
	return CTL_EXIT_DAEMON;
}
