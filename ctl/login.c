/* login.c — what every network's login shares (login.h): files,
 * configuration, the browser and the daemon's reload. The commands
 * themselves, which pick the network, are in login_cmd.c. */
#include "login.h"
#include "common/conffile.h"
#include "common/macros.h"
#include "mentord-bus.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static char *xdg_dir(void)
{
	const char *x = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	char *out;
	if (x && x[0] == '/')
		return asprintf(&out, "%s/mentord", x) < 0 ? NULL : out;
	if (!home || !*home)
		return NULL;
	return asprintf(&out, "%s/.config/mentord", home) < 0 ? NULL : out;
}

int login_init(struct login *l, struct ctl *ctl, const char *net, const char *config_path)
{
	memset(l, 0, sizeof *l);
	l->ctl = ctl;
	l->net = net;
	l->timeout_s = ctl->timeout_set ? (long)((ctl->timeout_usec + 999999) / 1000000) : 30;
	if (!(l->dir = xdg_dir())) {
		fprintf(stderr, "mentorctl login: neither $XDG_CONFIG_HOME nor $HOME is set\n");
		return CTL_EXIT_USAGE;
	}
	l->config_path = config_path ? strdup(config_path) : login_path(l, "mentord.conf");
	if (!l->config_path) {
		fprintf(stderr, "mentorctl login: out of memory\n");
		return CTL_EXIT_DAEMON;
	}
	return 0;
}

void login_finish(struct login *l)
{
	free(l->config_path);
	free(l->dir);
}

char *login_path(const struct login *l, const char *name)
{
	char *out;
	return asprintf(&out, "%s/%s", l->dir, name) < 0 ? NULL : out;
}

int login_fail(const struct login *l, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "mentorctl login %s: ", l->net);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return CTL_EXIT_DAEMON;
}

int login_fail_reply(const struct login *l, const char *what, const struct web_reply *rp)
{
	char d[256];
	web_describe(rp, d, sizeof d);
	if (rp->status == 0 && strstr(rp->err, "did not answer"))
		return login_fail(l, "%s: %s (a slow server; try again, or a longer --timeout)", what, d);
	return login_fail(l, "%s: %s", what, d);
}

int login_web(const struct login *l, struct web_call *c, struct web_reply *rp)
{
	c->timeout_s = l->timeout_s;
	return web_do(c, rp);
}

static bool loopback_host(const char *auth)
{
	static const char *const hosts[] = { "127.0.0.1", "localhost", "[::1]" };
	for (size_t i = 0; i < ARRAY_SIZE(hosts); i++) {
		size_t n = strlen(hosts[i]);
		if (strncasecmp(auth, hosts[i], n) == 0 && (auth[n] == '\0' || auth[n] == ':'))
			return true;
	}
	return false;
}

int login_base_url(const struct login *l, const char *arg, char **base)
{
	const char *auth = arg;
	size_t n;

	*base = NULL;
	if (strncmp(arg, "https://", 8) == 0)
		auth = arg + 8;
	else if (strncmp(arg, "http://", 7) == 0)
		auth = arg + 7;
	else if (strstr(arg, "://"))
		auth = NULL;
	n = auth ? strcspn(auth, "/") : 0;
	if (!auth || n == 0 || (auth[n] && strcmp(auth + n, "/") != 0) ||
	    strspn(auth, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]") < n)
		return ctl_usage_error("login", "'%s' is not a server: give a host (example.social) or an https:// URL", arg);
	if (strncmp(arg, "http://", 7) == 0 && !loopback_host(auth))
		return ctl_usage_error("login", "plain http:// is only for this machine (127.0.0.1); use https://%.*s",
		                       (int)n, auth);
	if (asprintf(base, "%s%.*s", auth == arg ? "https://" : "", (int)(auth - arg + (long)n), arg) < 0) {
		*base = NULL;
		return login_fail(l, "out of memory");
	}
	return 0;
}

char *login_authority(const char *base)
{
	const char *a = strstr(base, "://");
	char *out = a ? strndup(a + 3, strcspn(a + 3, "/")) : NULL;
	for (char *p = out; p && *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return out;
}

int login_save_secret(const struct login *l, const char *name, const char *secret, char **path)
{
	int r;
	if (!(*path = login_path(l, name)))
		return login_fail(l, "out of memory");
	if ((r = conffile_write_secret(*path, secret, strlen(secret))) < 0)
		return login_fail(l, "cannot write %s: %s", *path, strerror(-r));
	return 0;
}

int login_save_config(const struct login *l, const char *section, const char *const *keys,
		      const char *const *values, size_t n)
{
	int r = conffile_set_keys(l->config_path, section, keys, values, n);
	if (r < 0)
		return login_fail(l, "cannot update %s: %s; it was left as it was", l->config_path, strerror(-r));
	printf("Updated [%s] in %s.\n", section, l->config_path);
	return 0;
}

void login_open_browser(const struct login *l, const char *url)
{
	posix_spawn_file_actions_t fa;
	char *argv[] = { "xdg-open", (char *)url, NULL };
	pid_t pid;

	if (l->no_browser || !(getenv("DISPLAY") || getenv("WAYLAND_DISPLAY")))
		return;
	if (posix_spawn_file_actions_init(&fa) != 0)
		return;
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
	if (posix_spawnp(&pid, "xdg-open", &fa, NULL, argv, environ) == 0)
		waitpid(pid, NULL, 0);
	else
		fprintf(stderr, "(could not run xdg-open; open the address above yourself)\n");
	posix_spawn_file_actions_destroy(&fa);
}

int login_reload(const struct login *l)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	sd_bus_message *m = NULL, *reply = NULL;
	int r;

	if (sd_bus_open_user(&l->ctl->bus) < 0 || !l->ctl->bus) {
		printf("mentord is not running (no session bus); it will use this login when it starts.\n");
		return 0;
	}
	sd_bus_set_method_call_timeout(l->ctl->bus, l->ctl->timeout_usec);
	r = sd_bus_message_new_method_call(l->ctl->bus, &m, MENTORD_BUS_NAME, MENTORD_BUS_PATH,
	                                   MENTORD_BUS_IFACE, "Reload");
	if (r >= 0)
		r = sd_bus_call(l->ctl->bus, m, 0, &e, &reply);
	if (r >= 0) {
		printf("mentord reloaded its configuration.\n");
	} else if (sd_bus_error_has_names(&e, SD_BUS_ERROR_SERVICE_UNKNOWN, SD_BUS_ERROR_NAME_HAS_NO_OWNER,
	                                  SD_BUS_ERROR_NO_REPLY, SD_BUS_ERROR_TIMEOUT, SD_BUS_ERROR_DISCONNECTED)) {
		printf("mentord is not running; it will use this login when it starts.\n");
		r = 0;
	} else {
		fprintf(stderr, "mentorctl login %s: the login is saved, but mentord did not reload: %s\n",
		        l->net, e.message ? e.message : strerror(-r));
		r = -1;
	}
	sd_bus_error_free(&e);
	sd_bus_message_unref(m);
	sd_bus_message_unref(reply);
	return r < 0 ? CTL_EXIT_DAEMON : 0;
}
