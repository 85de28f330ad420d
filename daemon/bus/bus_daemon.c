/* bus_daemon.c — GetStatus, Reload and Poll: the daemon itself. */
#include "bus/bus_internal.h"
#include "config/config.h"
#include "mentord-bus.h"
#include "poll/sched.h"
#include "store/store.h"
#include "base/clock.h"
#include "base/log.h"
#include "common/macros.h"
#include "common/utf8.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int append_platform_status(sd_bus_message *reply, struct bus *b)
{
	static const struct sched_status none = { .rate_remaining = -1 };
	int r = sd_bus_message_open_container(reply, 'a', "(sbsxxxsus)");
	for (size_t i = 0; r >= 0 && i < b->config->n_platforms; i++) {
		const struct config_platform *p = &b->config->platforms[i];
		const struct sched_status *st = sched_status(b->sched, i);
		if (!st)
			st = &none;
		r = sd_bus_message_append(reply, "(sbsxxxsus)", p->name, (int)p->enabled,
		                          p->enabled ? (st->state[0] ? st->state : "idle") : "disabled",
		                          st->last_poll, st->next_poll, st->rate_remaining, st->last_error,
		                          (uint32_t)st->backfilling, st->fallback);
	}
	return r < 0 ? r : sd_bus_message_close_container(reply);
}

int bus_daemon_status(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	struct bus *b = userdata;
	reply_unref sd_bus_message *reply = NULL;
	struct store_counts c;
	uint64_t up = (clock_monotonic_usec() - b->started_usec) / 1000000u;
	int r;

	if ((r = store_counts(b->store, &c)) < 0)
		return bus_args_internal_error(error, r);
	if ((r = sd_bus_message_new_method_return(msg, &reply)) < 0 ||
	    (r = sd_bus_message_append(reply, "stttttt", MENTORD_VERSION, up, c.mentors,
	                               c.accounts, c.hashtags, c.posts, c.events)) < 0 ||
	    (r = append_platform_status(reply, b)) < 0)
		return r;
	return sd_bus_send(NULL, reply, NULL);
}

int bus_daemon_reload(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	struct bus *b = userdata;
	_cleanup_free_ char *err = NULL;
	int r;

	if ((r = b->hooks.reload(b->hooks.data, &err)) < 0) {
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

int bus_daemon_poll(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	struct bus *b = userdata;
	struct poll_wait *w = NULL;
	int wait, r;

	if ((r = sd_bus_message_read(msg, "b", &wait)) < 0)
		return r;
	if (wait) {
		if (!(w = calloc(1, sizeof *w)))
			return -ENOMEM;
		w->msg = sd_bus_message_ref(msg);
	}
	r = sched_poll_now(b->sched, w ? poll_round_done : NULL, w);
	if (r < 0) {
		if (w) {
			sd_bus_message_unref(w->msg);
			free(w);
		}
		return bus_args_internal_error(error, r);
	}
	/* With wait, the reply goes out when the round ends (poll_round_done),
	 * which may already have happened inside sched_poll_now(). */
	return wait ? 1 : sd_bus_reply_method_return(msg, "u", (uint32_t)r);
}

