/* mentorctl — command-line client of mentord over the session bus.
 * Exit codes (spec): 0 ok, 1 error reported by the daemon, 2 usage,
 * 3 daemon not reachable. */
#include "ctl.h"
#include "output.h"
#include "mentord-bus.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct ctl_command commands[] = {
	{ "status",   "",                                          ctl_status },
	{ "follow",   "PLATFORM HANDLE [--name NAME] [--mentor ID | --source] [--history DURATION]", ctl_follow },
	{ "unfollow", "PLATFORM HANDLE",                           ctl_unfollow },
	{ "sources",  "[--json]",                                  ctl_sources },
	{ "import",   "PLATFORM [--csv FILE] [--match WORDS] [--limit N] [--dry-run | --yes] [--json] | linkedin FILE.zip [--me URL] [--dry-run] [--json]", ctl_import },
	{ "link",     "MENTOR PLATFORM HANDLE",                    ctl_link },
	{ "unlink",   "MENTOR PLATFORM HANDLE",                    ctl_unlink },
	{ "track",    "TAG [--platform P]",                        ctl_track },
	{ "untrack",  "TAG",                                       ctl_untrack },
	{ "mentors",  "[--sort score|fit|recent|stage] [--limit N] [--offset N] [--all]", ctl_mentors },
	{ "show",     "MENTOR [--events N]",                       ctl_show },
	{ "why",      "MENTOR",                                    ctl_why },
	{ "log",      "MENTOR KIND [--note TEXT] [--when TIME]",   ctl_log },
	{ "stage",    "MENTOR STAGE|auto",                         ctl_stage },
	{ "suggest",  "[--limit N] | --links",                               ctl_suggest },
	{ "dismiss",  "PLATFORM HANDLE",                           ctl_dismiss },
	{ "nudges",   "",                                          ctl_nudges },
	{ "poll",     "[--wait]",                                  ctl_poll },
	{ "watch",    "",                                          ctl_watch },
	{ "mute",     "MENTOR [--for DURATION]",                   ctl_mute },
	{ "unmute",   "MENTOR",                                    ctl_unmute },
	{ "mutes",    "",                                          ctl_mutes },
	{ "check",    "[TEXT | -] [--accept FINGERPRINT]... [--format=lines [--name NAME]] |\n"
	  "            --watch FILE [--accept FINGERPRINT]...",    ctl_check },
	{ "export",   "[--format json|csv]",                       ctl_export },
	{ "report",   "[--out FILE] [--since DATE] [--mentor MENTOR]... [--private]", ctl_report },
	{ "reload",   "",                                          ctl_reload },
	{ "login",    "mastodon INSTANCE [--no-browser] | bluesky HANDLE [--pds URL] [--password-stdin] |\n"
	  "            x [--api URL] | x --user --client-id ID [--port N] [--no-browser]", ctl_login },
	{ "logout",   "mastodon",                                  ctl_logout },
};

static void usage(FILE *f)
{
	fprintf(f, "Usage: mentorctl [--json] [--timeout SECONDS] COMMAND [ARGS]\n\n"
	           "Talks to mentord on the session bus (%s).\n\nCommands:\n", MENTORD_BUS_NAME);
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].usage);
	fprintf(f, "\nOptions:\n"
	           "  --json             machine-readable output\n"
	           "  --timeout SECONDS  how long to wait for the daemon (default 25; login: each request, 30)\n"
	           "  --version          print the version\n"
	           "  --help             this help\n"
	           "\nExit codes: 0 ok, 1 daemon reported an error (or a login failed), 2 usage error,\n"
	           "3 daemon not reachable.\n");
}

static int parse_timeout(const char *s, uint64_t *usec)
{
	char *end;
	double v;
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || !(v > 0) || v > 86400)
		return -EINVAL;
	*usec = (uint64_t)(v * 1e6);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "timeout", required_argument, NULL, 't' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct ctl ctl = { .timeout_usec = 25 * 1000000ULL, .argv = argv };
	int c;

	/* '+' stops at the first non-option: command options are the command's. */
	while ((c = getopt_long(argc, argv, "+jh", longopts, NULL)) != -1) {
		switch (c) {
		case 'j': ctl.json = true; break;
		case 't':
			if (parse_timeout(optarg, &ctl.timeout_usec) < 0) {
				fprintf(stderr, "mentorctl: --timeout needs a number of seconds, got '%s'\n", optarg);
				return CTL_EXIT_USAGE;
			}
			ctl.timeout_set = true;
			break;
		case 'V': printf("mentorctl %s\n", MENTORD_VERSION); return 0;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return CTL_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return CTL_EXIT_USAGE;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
		if (strcmp(argv[optind], commands[i].name) != 0)
			continue;
		int r = commands[i].run(&ctl, argc - optind, argv + optind);
		ctl_disconnect(&ctl);
		return r;
	}
	fprintf(stderr, "mentorctl: unknown command '%s' (see mentorctl --help)\n", argv[optind]);
	return CTL_EXIT_USAGE;
}
