/* mentord.c — the daemon object's life cycle: init in dependency order,
 * the loop, signals, watchdog, reload, finish in reverse order. */
#include "app/mentord.h"
#include "bus/bus.h"
#include "http/http.h"
#include "poll/sched.h"
#include "mentors/mentor_cache.h"
#include "check/check.h"
#include "notify/notifier.h"
#include "store/store.h"
#include "base/log.h"
#include "base/clock.h"
#include "base/paths.h"

#include <stdlib.h>
#include <errno.h>
#include <event2/event.h>
#include <inttypes.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <systemd/sd-daemon.h>

void mentord_quit(struct mentord *m, int exit_code)
{
	if (!m->quit)
		m->exit_code = exit_code;
	m->quit = true;
	event_base_loopbreak(m->base);
}

int mentord_reload(struct mentord *m, char **err)
{
	struct config fresh;
	int r;

	r = config_load(&fresh, m->config_path, !m->config_explicit, err);
	if (r < 0) {
		log_err("reload: %s; keeping the previous configuration",
		        err && *err ? *err : strerror(-r));
		return r;
	}
	config_clear(&m->config);
	m->config = fresh;
	log_info("reload: configuration re-read from %s", m->config_path);
	mentor_cache_set_interests(m->mentors, &m->config);
	notifier_configure(m->notify, &m->config);
	sched_reload(m->sched);
	bus_emit_reloaded(m->bus);
	return 0;
}

static void on_signal(evutil_socket_t sig, short what, void *userdata)
{
	struct mentord *m = userdata;

	if (sig == SIGHUP) {
		char *err = NULL;
		mentord_reload(m, &err);
		free(err);
		return;
	}
	log_info("received %s, shutting down", sig == SIGTERM ? "SIGTERM" : "SIGINT");
	sd_notify(0, "STOPPING=1");
	mentord_quit(m, 0);
}

static void on_watchdog(evutil_socket_t fd, short what, void *userdata)
{
	/* Sent from the loop itself, so a wedged loop stops the pings. */
	sd_notify(0, "WATCHDOG=1");
}

static int setup_events(struct mentord *m)
{
	uint64_t wd_usec = 0;

	m->sig_term = evsignal_new(m->base, SIGTERM, on_signal, m);
	m->sig_int = evsignal_new(m->base, SIGINT, on_signal, m);
	m->sig_hup = evsignal_new(m->base, SIGHUP, on_signal, m);
	if (!m->sig_term || !m->sig_int || !m->sig_hup ||
	    evsignal_add(m->sig_term, NULL) < 0 || evsignal_add(m->sig_int, NULL) < 0 ||
	    evsignal_add(m->sig_hup, NULL) < 0)
		return -ENOMEM;
	if (sd_watchdog_enabled(0, &wd_usec) > 0 && wd_usec > 0) {
		struct timeval tv = { .tv_sec = (time_t)(wd_usec / 2 / 1000000),
		                      .tv_usec = (suseconds_t)(wd_usec / 2 % 1000000) };
		m->watchdog = event_new(m->base, -1, EV_PERSIST, on_watchdog, m);
		if (!m->watchdog || event_add(m->watchdog, &tv) < 0)
			return -ENOMEM;
		log_debug("watchdog: pinging every %" PRIu64 " ms", wd_usec / 2000);
	}
	return 0;
}

static int resolve_paths(struct mentord *m, const struct mentord_options *opt)
{
	m->config_explicit = opt->config_path != NULL;
	m->config_path = opt->config_path ? paths_expand_home(opt->config_path) : paths_xdg("CONFIG", "mentord.conf");
	m->db_path = opt->db_path ? paths_expand_home(opt->db_path) : paths_xdg("STATE", "mentord.db");
	return m->config_path && m->db_path ? 0 : -ENOMEM;
}

int mentord_init(struct mentord *m, const struct mentord_options *opt)
{
	char *err = NULL;
	int r;

	memset(m, 0, sizeof *m);
	m->started_usec = clock_monotonic_usec();
	clock_init(&m->clock, opt->clock_offset, opt->clock_scale, opt->clock_anchor_usec);
	if ((r = resolve_paths(m, opt)) < 0)
		goto fail;
	r = config_load(&m->config, m->config_path, !m->config_explicit, &err);
	if (r < 0) {
		log_err("%s", err ? err : strerror(-r));
		free(err);
		goto fail;
	}
	log_debug("configuration: %s; database: %s", m->config_path, m->db_path);
	for (size_t i = 0; i < CONFIG_MAX_PLATFORMS; i++)
		m->status[i].rate_remaining = -1;
	m->base = event_base_new();
	if (!m->base) {
		r = -ENOMEM;
		goto fail;
	}
	if ((r = store_open(&m->store, m->db_path)) < 0)
		goto fail;
	store_set_clock(m->store, &m->clock);
	if ((r = mentor_cache_new(&m->mentors, m->store, &m->config)) < 0 ||
	    (r = setup_events(m)) < 0)
		goto fail;
	if ((r = check_engine_new(&m->check, &err)) < 0) {
		/* Compiled-in rules: a failure here is a build bug, said loudly. */
		log_err("check: cannot load the draft-check rules: %s", err ? err : strerror(-r));
		free(err);
		goto fail;
	}
	if ((r = http_new(&m->http, m->base, NULL)) < 0) {
		log_err("http: cannot initialise: %s", strerror(-r));
		goto fail;
	}
	if ((r = sched_new(&m->sched, m)) < 0 ||
	    (r = bus_new(&m->bus, m, m->base)) < 0 ||
	    (r = notifier_new(&m->notify, m, bus_connection(m->bus))) < 0)
		goto fail;
	return 0;
fail:
	mentord_finish(m);
	return r;
}

int mentord_run(struct mentord *m)
{
	sd_notify(0, "READY=1\nSTATUS=Running");
	log_info("mentord %s ready", MENTORD_VERSION);
	while (!m->quit) {
		bus_rearm(m->bus);
		if (event_base_loop(m->base, EVLOOP_ONCE) < 0) {
			log_err("event loop failed");
			m->exit_code = 1;
			break;
		}
	}
	return m->exit_code;
}

void mentord_finish(struct mentord *m)
{
	notifier_free(m->notify);
	m->notify = NULL;
	bus_free(m->bus);
	m->bus = NULL;
	/* The scheduler cancels its requests before the HTTP layer goes. */
	sched_free(m->sched);
	m->sched = NULL;
	http_free(m->http);
	m->http = NULL;
	mentor_cache_free(m->mentors);
	m->mentors = NULL;
	check_engine_free(m->check);
	m->check = NULL;
	if (m->watchdog) event_free(m->watchdog);
	if (m->sig_term) event_free(m->sig_term);
	if (m->sig_int) event_free(m->sig_int);
	if (m->sig_hup) event_free(m->sig_hup);
	store_close(m->store);
	m->store = NULL;
	if (m->base)
		event_base_free(m->base);
	config_clear(&m->config);
	free(m->config_path);
	free(m->db_path);
	m->base = NULL;
	m->config_path = m->db_path = NULL;
}
