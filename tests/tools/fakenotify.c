/* fakenotify LOG [--delay-ms N] — a stand-in notification server for tests.
 *
 * Owns org.freedesktop.Notifications on the session bus and appends one JSON
 * line per Notify call to LOG: id, app, replaces, icon, summary, body,
 * actions, urgency, category, timeout. With --delay-ms the reply comes that
 * late (a slow server). The test interface org.mentord.Test.FakeNotify has
 * Invoke(u id, s key), which emits ActionInvoked(id, key) as if the user had
 * clicked. Runs until SIGTERM/SIGINT. */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#define NAME "org.freedesktop.Notifications"
#define PATH "/org/freedesktop/Notifications"

struct server {
	FILE *log;
	uint64_t delay_usec;
	uint32_t next_id;
	sd_event *ev;
	sd_bus *bus;
};

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* Reads the hints dict, keeping urgency (y, or u/i from lax clients) and
 * category. */
static int read_hints(sd_bus_message *m, int *urgency, char *category, size_t size)
{
	int r;
	if ((r = sd_bus_message_enter_container(m, 'a', "{sv}")) < 0)
		return r;
	while ((r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
		const char *key, *contents;
		char type;
		if ((r = sd_bus_message_read(m, "s", &key)) < 0 ||
		    (r = sd_bus_message_peek_type(m, &type, &contents)) < 0)
			return r;
		if (strcmp(key, "urgency") == 0 && strcmp(contents, "y") == 0) {
			uint8_t u;
			r = sd_bus_message_read(m, "v", "y", &u);
			*urgency = u;
		} else if (strcmp(key, "category") == 0 && strcmp(contents, "s") == 0) {
			const char *c;
			r = sd_bus_message_read(m, "v", "s", &c);
			snprintf(category, size, "%s", c);
		} else {
			r = sd_bus_message_skip(m, "v");
		}
		if (r < 0 || (r = sd_bus_message_exit_container(m)) < 0)
			return r;
	}
	if (r < 0)
		return r;
	return sd_bus_message_exit_container(m);
}

struct later {
	sd_bus_message *call;
	uint32_t id;
};

static int reply_later(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct later *l = userdata;
	sd_bus_reply_method_return(l->call, "u", l->id);
	sd_bus_message_unref(l->call);
	free(l);
	sd_event_source_unref(s);
	return 0;
}

static int method_notify(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	struct server *srv = userdata;
	const char *app, *icon, *summary, *body;
	uint32_t replaces, id;
	char **actions = NULL, category[128] = "";
	int urgency = -1, r;
	int32_t timeout;

	if ((r = sd_bus_message_read(m, "susss", &app, &replaces, &icon, &summary, &body)) < 0 ||
	    (r = sd_bus_message_read_strv(m, &actions)) < 0 ||
	    (r = read_hints(m, &urgency, category, sizeof category)) < 0 ||
	    (r = sd_bus_message_read(m, "i", &timeout)) < 0)
		goto out;
	id = ++srv->next_id;
	fprintf(srv->log, "{\"id\":%u,\"app\":", id);
	json_str(srv->log, app);
	fprintf(srv->log, ",\"replaces\":%u,\"icon\":", replaces);
	json_str(srv->log, icon);
	fputs(",\"summary\":", srv->log);
	json_str(srv->log, summary);
	fputs(",\"body\":", srv->log);
	json_str(srv->log, body);
	fputs(",\"actions\":[", srv->log);
	for (size_t i = 0; actions && actions[i]; i++) {
		if (i)
			fputc(',', srv->log);
		json_str(srv->log, actions[i]);
	}
	fprintf(srv->log, "],\"urgency\":%d,\"category\":", urgency);
	json_str(srv->log, category);
	fprintf(srv->log, ",\"timeout\":%d}\n", timeout);
	fflush(srv->log);
	if (srv->delay_usec) {
		sd_event_source *s = NULL;
		struct later *l = malloc(sizeof *l);
		uint64_t now;
		if (!l) {
			r = -ENOMEM;
			goto out;
		}
		l->call = sd_bus_message_ref(m);
		l->id = id;
		sd_event_now(srv->ev, CLOCK_MONOTONIC, &now);
		r = sd_event_add_time(srv->ev, &s, CLOCK_MONOTONIC, now + srv->delay_usec, 0, reply_later, l);
		if (r < 0) {
			sd_bus_message_unref(m);
			free(l);
		} else {
			r = 1;
		}
		goto out;
	}
	r = sd_bus_reply_method_return(m, "u", id);
out:
	for (size_t i = 0; actions && actions[i]; i++)
		free(actions[i]);
	free(actions);
	return r;
}

static int method_caps(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	return sd_bus_reply_method_return(m, "as", 3, "body", "actions", "body-markup");
}

static int method_info(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	return sd_bus_reply_method_return(m, "ssss", "fakenotify", "mentord-tests", "1", "1.2");
}

static int method_close(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	uint32_t id;
	int r = sd_bus_message_read(m, "u", &id);
	return r < 0 ? r : sd_bus_reply_method_return(m, "");
}

static int method_invoke(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	struct server *srv = userdata;
	const char *key;
	uint32_t id;
	int r;
	if ((r = sd_bus_message_read(m, "us", &id, &key)) < 0 ||
	    (r = sd_bus_emit_signal(srv->bus, PATH, NAME, "ActionInvoked", "us", id, key)) < 0)
		return r;
	return sd_bus_reply_method_return(m, "");
}

static const sd_bus_vtable notifications_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_METHOD("Notify", "susssasa{sv}i", "u", method_notify, 0),
	SD_BUS_METHOD("GetCapabilities", "", "as", method_caps, 0),
	SD_BUS_METHOD("GetServerInformation", "", "ssss", method_info, 0),
	SD_BUS_METHOD("CloseNotification", "u", "", method_close, 0),
	SD_BUS_SIGNAL("ActionInvoked", "us", 0),
	SD_BUS_SIGNAL("NotificationClosed", "uu", 0),
	SD_BUS_VTABLE_END
};

static const sd_bus_vtable test_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_METHOD("Invoke", "us", "", method_invoke, 0),
	SD_BUS_VTABLE_END
};

int main(int argc, char **argv)
{
	struct server srv = { 0 };
	sigset_t ss;
	int r;

	if (argc != 2 && !(argc == 4 && strcmp(argv[2], "--delay-ms") == 0)) {
		fprintf(stderr, "usage: fakenotify LOG [--delay-ms N]\n");
		return 2;
	}
	if (argc == 4)
		srv.delay_usec = strtoull(argv[3], NULL, 10) * 1000;
	if (!(srv.log = fopen(argv[1], "a"))) {
		perror(argv[1]);
		return 1;
	}
	sigemptyset(&ss);
	sigaddset(&ss, SIGTERM);
	sigaddset(&ss, SIGINT);
	sigprocmask(SIG_BLOCK, &ss, NULL);
	if ((r = sd_event_default(&srv.ev)) < 0 || (r = sd_bus_open_user(&srv.bus)) < 0 ||
	    (r = sd_bus_add_object_vtable(srv.bus, NULL, PATH, NAME, notifications_vtable, &srv)) < 0 ||
	    (r = sd_bus_add_object_vtable(srv.bus, NULL, PATH, "org.mentord.Test.FakeNotify", test_vtable, &srv)) < 0 ||
	    (r = sd_bus_attach_event(srv.bus, srv.ev, 0)) < 0 ||
	    (r = sd_event_add_signal(srv.ev, NULL, SIGTERM, NULL, NULL)) < 0 ||
	    (r = sd_event_add_signal(srv.ev, NULL, SIGINT, NULL, NULL)) < 0 ||
	    (r = sd_bus_request_name(srv.bus, NAME, 0)) < 0) {
		fprintf(stderr, "fakenotify: %s\n", strerror(-r));
		return 1;
	}
	r = sd_event_loop(srv.ev);
	sd_bus_flush_close_unref(srv.bus);
	sd_event_unref(srv.ev);
	fclose(srv.log);
	return r < 0 ? 1 : 0;
}
