/* mentord.c — the daemon object's life cycle: init in dependency order,
 * the loop, signals, watchdog, reload, finish in reverse order. */
#include "app/mentord.h"
#include "bus/bus.h"
#include "http/http.h"
#include "poll/sched.h"
#include "poll/sched_import.h"
#include "mentors/mentor_cache.h"
#include "check/check.h"
#include "notify/notifier.h"
#include "mail/mail.h"
#include "store/store.h"
#include "base/log.h"
#include "base/clock.h"
#include "base/paths.h"

#include <stdlib.h>
#include <errno.h>
#include <malloc.h>
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
	struct mail_settings mail_set;
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
	mentor_cache_set_interests(m->mentors, (const char *const *)m->config.interests, m->config.n_interests);
	mentord_news_configure_notifier(m);
	sched_reload(m->sched);
	mentord_mail_settings(m, &mail_set);
	if ((r = mail_reload(m->mail, &mail_set)) < 0)
		log_err("reload: the e-mail source: %s", strerror(-r));
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
		struct timeval tv = clock_timeval((int64_t)(wd_usec / 2));
		m->watchdog = event_new(m->base, -1, EV_PERSIST, on_watchdog, m);
		if (!m->watchdog || event_add(m->watchdog, &tv) < 0)
			return -ENOMEM;
		log_debug("watchdog: pinging every %" PRIu64 " ms", wd_usec / 2000);
	}
	return 0;
}

static int resolve_paths(struct mentord *m, const struct mentord_options *opt)
{
	const char *slash;
	m->config_explicit = opt->config_path != NULL;
	m->config_path = opt->config_path ? paths_expand_home(opt->config_path) : paths_xdg("CONFIG", "mentord.conf");
	m->db_path = opt->db_path ? paths_expand_home(opt->db_path) : paths_xdg("STATE", "mentord.db");
	if (!m->config_path || !m->db_path)
		return -ENOMEM;
	/* Files beside the database (sessions) go where it goes. */
	if ((slash = strrchr(m->db_path, '/')) && !(m->state_dir = strndup(m->db_path, (size_t)(slash - m->db_path))))
		return -ENOMEM;
	return 0;
}

static int on_bus_reload(void *data, char **err)
{
	return mentord_reload(data, err);
}

static void on_bus_lost(void *data, int exit_code)
{
	mentord_quit(data, exit_code);
}

/* The scheduler, the notifier and the bus, each given what it works with
 * and the callbacks that carry its news. */
static int start_services(struct mentord *m)
{
	struct sched_events sev;
	struct sched_import_events iev;
	struct notifier_events nev;
	struct bus_hooks hooks;
	struct mail_events mev;
	struct mail_settings mset;
	int r;

	mentord_news_sched(m, &sev);
	mentord_news_notifier(m, &nev);
	hooks = (struct bus_hooks){ .reload = on_bus_reload, .quit = on_bus_lost, .data = m };
	struct sched_deps sd = {
		.base = m->base, .clock = &m->clock, .config = &m->config, .store = m->store,
		.http = m->http, .mentors = m->mentors, .check = m->check, .state_dir = m->state_dir,
	};
	if ((r = sched_new(&m->sched, &sd, &sev)) < 0)
		return r;
	mentord_news_imports(m, &iev);
	if ((r = sched_import_new(&m->imports, m->sched, &iev)) < 0)
		return r;
	if ((r = sd_bus_open_user(&m->conn)) < 0) {
		log_err("bus: cannot connect to the session bus: %s "
		        "(is DBUS_SESSION_BUS_ADDRESS set?)", strerror(-r));
		return r;
	}
	struct notifier_deps nd = {
		.base = m->base, .clock = &m->clock, .bus = m->conn, .store = m->store, .mentors = m->mentors,
	};
	if ((r = notifier_new(&m->notify, &nd, &nev)) < 0)
		return r;
	mentord_news_configure_notifier(m);
	mentord_news_mail(m, &mev);
	mentord_mail_settings(m, &mset);
	struct mail_deps md = { .base = m->base, .clock = &m->clock, .store = m->store, .mentors = m->mentors };
	if ((r = mail_new(&m->mail, &md, &mev, &mset)) < 0) {
		log_err("email: cannot start the e-mail source: %s", strerror(-r));
		return r;
	}
	struct bus_deps bd = {
		.base = m->base, .conn = m->conn, .clock = &m->clock, .config = &m->config, .store = m->store,
		.mentors = m->mentors, .check = m->check, .sched = m->sched, .notifier = m->notify,
		.imports = m->imports, .mail = m->mail, .started_usec = m->started_usec,
	};
	return bus_new(&m->bus, &bd, &hooks);
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
	m->base = event_base_new();
	if (!m->base) {
		r = -ENOMEM;
		goto fail;
	}
	if ((r = store_open(&m->store, m->db_path)) < 0)
		goto fail;
	store_set_clock(m->store, &m->clock);
	if ((r = mentor_cache_new(&m->mentors, m->store, (const char *const *)m->config.interests,
	                          m->config.n_interests)) < 0 ||
	    (r = setup_events(m)) < 0)
		goto fail;
	/* The rules are parsed at the first check: idle, they were a quarter
	 * of the daemon's private memory. */
	if ((r = check_engine_new_deferred(&m->check)) < 0)
		goto fail;
	if ((r = http_new(&m->http, m->base, NULL)) < 0) {
		log_err("http: cannot initialise: %s", strerror(-r));
		goto fail;
	}
	if ((r = start_services(m)) < 0)
		goto fail;
	/* What start-up alone needed (migrations, the schema's pages, loading
	 * the mentors) goes back before the daemon settles: SQLite's cache
	 * first, then the heap pages malloc keeps free. */
	store_release_memory(m->store);
	malloc_trim(0);
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
	bus_free(m->bus);
	m->bus = NULL;
	mail_free(m->mail);
	m->mail = NULL;
	notifier_free(m->notify);
	m->notify = NULL;
	if (m->conn)
		sd_bus_flush_close_unref(m->conn);
	m->conn = NULL;
	/* The scheduler and the imports cancel their requests before the HTTP
	 * layer goes; the imports draw on the scheduler's budgets. */
	sched_import_free(m->imports);
	m->imports = NULL;
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
	free(m->state_dir);
	m->state_dir = NULL;
	m->base = NULL;
	m->config_path = m->db_path = NULL;
}
