/* bus_internal.h — shared by bus.c (connection, loop glue) and
 * bus_manager.c (the Manager1 vtable). */
#ifndef MENTORD_BUS_INTERNAL_H
#define MENTORD_BUS_INTERNAL_H

#include "bus.h"

#include <stdbool.h>
#include <systemd/sd-bus.h>

struct bus {
	sd_bus *bus;
	sd_bus_slot *manager_slot;
	struct mentord *m;
	struct event_base *base;
	struct event *io, *timer;
	short io_events;          /* what io is armed for, to avoid needless re-adds */
	bool dispatching;
};

extern const sd_bus_vtable bus_manager_vtable[];

/* Refuses callers whose effective uid is not ours (defence in depth: the
 * user bus already limits who connects). Returns 0 or a set error. */
int bus_check_caller(sd_bus_message *msg, sd_bus_error *error);

#endif
