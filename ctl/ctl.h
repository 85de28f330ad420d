/* ctl.h — mentorctl's shared state and its commands, one function each. */
#ifndef MENTORCTL_CTL_H
#define MENTORCTL_CTL_H

#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-bus.h>

enum {
	CTL_EXIT_OK = 0,
	CTL_EXIT_DAEMON = 1,     /* the daemon answered with an error */
	CTL_EXIT_USAGE = 2,
	CTL_EXIT_UNREACHABLE = 3,
};

struct ctl {
	bool json;
	uint64_t timeout_usec;
	bool timeout_set;          /* --timeout given */
	sd_bus *bus;
	char **argv;               /* the whole command line, for handoff.c */
};

struct ctl_command {
	const char *name, *usage;
	int (*run)(struct ctl *ctl, int argc, char **argv);   /* returns an exit code */
};

/* Calls a Manager1 method; on failure prints the error (with its D-Bus name)
 * and returns the exit code to use (1 or 3); 0 with *reply set on success. */
int ctl_call(struct ctl *ctl, const char *method, sd_bus_message **reply, const char *types, ...);
void ctl_disconnect(struct ctl *ctl);
/* A call without arguments whose answer is optional (an extra row of
 * `status`): 0 with *reply set, or a negative errno, printing nothing. */
int ctl_call_quiet(struct ctl *ctl, const char *method, sd_bus_message **reply);
/* The two halves of ctl_call, for calls whose arguments need building
 * (arrays): a new Manager1 method call, and sending it (same exit codes). */
int ctl_new_call(struct ctl *ctl, const char *method, sd_bus_message **msg);
int ctl_send(struct ctl *ctl, sd_bus_message *msg, sd_bus_message **reply, sd_bus_error *error);
/* What ctl_send prints for a failed call (error, r < 0), and its exit code. */
int ctl_report_error(const sd_bus_error *error, int r);
/* Prints "mentorctl CMD: message" and returns CTL_EXIT_USAGE. */
int ctl_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints a bus parse error for a reply and returns CTL_EXIT_DAEMON. */
int ctl_bad_reply(const char *what, int r);

int ctl_status(struct ctl *ctl, int argc, char **argv);
int ctl_follow(struct ctl *ctl, int argc, char **argv);
int ctl_unfollow(struct ctl *ctl, int argc, char **argv);
int ctl_track(struct ctl *ctl, int argc, char **argv);
int ctl_untrack(struct ctl *ctl, int argc, char **argv);
int ctl_mentors(struct ctl *ctl, int argc, char **argv);
int ctl_reload(struct ctl *ctl, int argc, char **argv);
int ctl_poll(struct ctl *ctl, int argc, char **argv);
int ctl_check(struct ctl *ctl, int argc, char **argv);
/* `check --watch FILE` (cmd_check_watch.c): until SIGINT or the file is gone. */
int ctl_check_watch(struct ctl *ctl, const char *path, const char *const *accept, int n_accept);
int ctl_watch(struct ctl *ctl, int argc, char **argv);
/* suggest --links (cmd_links.c) */
int ctl_suggest_links(struct ctl *ctl);
int ctl_show(struct ctl *ctl, int argc, char **argv);
/* show's engagement chart (cmd_show_spark.c): printed, or nothing when
 * the daemon cannot say. */
void ctl_show_spark(struct ctl *ctl, uint64_t id);
int ctl_why(struct ctl *ctl, int argc, char **argv);
int ctl_log(struct ctl *ctl, int argc, char **argv);
int ctl_link(struct ctl *ctl, int argc, char **argv);
int ctl_unlink(struct ctl *ctl, int argc, char **argv);
int ctl_stage(struct ctl *ctl, int argc, char **argv);
int ctl_suggest(struct ctl *ctl, int argc, char **argv);
int ctl_dismiss(struct ctl *ctl, int argc, char **argv);
int ctl_nudges(struct ctl *ctl, int argc, char **argv);
int ctl_mute(struct ctl *ctl, int argc, char **argv);
int ctl_unmute(struct ctl *ctl, int argc, char **argv);
int ctl_mutes(struct ctl *ctl, int argc, char **argv);
int ctl_export(struct ctl *ctl, int argc, char **argv);
/* report [--out FILE] [--since DATE] [--mentor MENTOR]... [--private] (cmd_report.c) */
int ctl_report(struct ctl *ctl, int argc, char **argv);
int ctl_sources(struct ctl *ctl, int argc, char **argv);
int ctl_import(struct ctl *ctl, int argc, char **argv);
/* import linkedin FILE.zip (cmd_import_linkedin.c) */
int ctl_import_linkedin(struct ctl *ctl, int argc, char **argv);
/* status: import jobs, into doc (JSON "imports") or printed (doc NULL). */
struct cJSON;
void ctl_import_status(struct ctl *ctl, struct cJSON *doc);
/* cmd_status_x.c: X's billing month into the x row of arr (JSON) or note. */
int ctl_status_x(struct ctl *ctl, struct cJSON *arr, const char *state, char *note, size_t size);
/* login NETWORK ..., logout mastodon (login.c) */
int ctl_login(struct ctl *ctl, int argc, char **argv);
int ctl_logout(struct ctl *ctl, int argc, char **argv);

#endif
