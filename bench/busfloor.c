/* busfloor.c — the floor of a command-line query: exec, connect to the
 * session bus, one trivial call (org.freedesktop.DBus.Peer.Ping to mentord,
 * answered by sd-bus itself) and exit. mentorctl cannot do less than this. */
#include <stdio.h>
#include <string.h>
#include <systemd/sd-bus.h>

int main(void)
{
	sd_bus *bus = NULL;
	sd_bus_error err = SD_BUS_ERROR_NULL;
	sd_bus_message *reply = NULL;
	int r = sd_bus_open_user(&bus);

	if (r >= 0)
		r = sd_bus_call_method(bus, "org.mentord.Mentord1", "/org/mentord/Mentord1",
		                       "org.freedesktop.DBus.Peer", "Ping", &err, &reply, "");
	if (r < 0)
		fprintf(stderr, "busfloor: %s\n", err.message ? err.message : strerror(-r));
	sd_bus_message_unref(reply);
	sd_bus_error_free(&err);
	sd_bus_flush_close_unref(bus);
	return r < 0;
}
