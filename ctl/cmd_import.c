/* cmd_import.c — import: whom the user already follows on a network,
 * read by the daemon as a job (StartImport), ranked by fit, then followed
 * as mentors or sources through Follow/FollowSource. The picking is here:
 * --yes takes every row shown, --dry-run none; otherwise the picks ("1-3,7",
 * "all", empty for none) are read from a line of standard input, with a
 * prompt when it is a terminal. */
#include "ctl.h"
#include "import_csv.h"
#include "output.h"
#include "text.h"
#include "mentord-bus.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct cand {
	unsigned rank;
	char *handle, *name, *why;
	double fit;
	bool found, followed, followed_source, pick;
};

struct cands {
	struct cand *v;
	size_t n;
};

static void cands_free(struct cands *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].handle);
		free(c->v[i].name);
		free(c->v[i].why);
	}
	free(c->v);
}

static int start(struct ctl *ctl, const char *platform, const struct import_csv *csv, const char *match,
                 uint32_t limit, uint64_t *job)
{
	sd_bus_message *msg = NULL, *reply = NULL;
	sd_bus_error error = SD_BUS_ERROR_NULL;
	int r = ctl_new_call(ctl, "StartImport", &msg);

	if (r != 0)
		return r;
	if ((r = sd_bus_message_append(msg, "s", platform)) < 0 ||
	    (r = sd_bus_message_open_container(msg, 'a', "s")) < 0)
		goto bad;
	for (size_t i = 0; csv && i < csv->n; i++)
		if ((r = sd_bus_message_append(msg, "s", csv->handles[i])) < 0)
			goto bad;
	if ((r = sd_bus_message_close_container(msg)) < 0 ||
	    (r = sd_bus_message_append(msg, "su", match ? match : "", limit)) < 0)
		goto bad;
	r = ctl_send(ctl, msg, &reply, &error);
	if (r == 0) {
		r = sd_bus_message_read(reply, "t", job);
		r = r < 0 ? ctl_bad_reply("StartImport", r) : 0;
	}
	sd_bus_error_free(&error);
	sd_bus_message_unref(msg);
	sd_bus_message_unref(reply);
	return r;
bad:
	sd_bus_message_unref(msg);
	return ctl_bad_reply("StartImport", r);
}

/* Waits for the job, showing its progress on a terminal's stderr. 0 when
 * done, 1 (reported) when it failed. */
static int wait_job(struct ctl *ctl, uint64_t job, const char *platform)
{
	bool tty = isatty(STDERR_FILENO) && !ctl->json;
	char state[16] = "";

	for (;;) {
		sd_bus_message *reply = NULL;
		const char *pl, *st, *message;
		uint64_t id;
		uint32_t fetched, total;
		int list, r, found = 0;

		if ((r = ctl_call(ctl, "GetImports", &reply, "")) != 0)
			return r;
		if ((r = sd_bus_message_enter_container(reply, 'a', "(tsssuub)")) < 0) {
			sd_bus_message_unref(reply);
			return ctl_bad_reply("GetImports", r);
		}
		while ((r = sd_bus_message_read(reply, "(tsssuub)", &id, &pl, &st, &message, &fetched, &total, &list)) > 0) {
			if (id != job)
				continue;
			found = 1;
			snprintf(state, sizeof state, "%s", st);
			if (tty && total)
				fprintf(stderr, "\rLooking up %u of %u accounts on %s...%s", fetched, total, platform,
				        strcmp(st, "waiting") == 0 ? " (waiting for the rate window)" : "");
			else if (tty)
				fprintf(stderr, "\rReading whom you follow on %s: %u accounts...%s", platform, fetched,
				        strcmp(st, "waiting") == 0 ? " (waiting for the rate window)" : "");
			if (strcmp(st, "failed") == 0) {
				char *m = text_line(message, 400);
				fprintf(stderr, "%smentorctl: import from %s failed: %s\n", tty ? "\n" : "", platform,
				        m ? m : message);
				free(m);
			}
		}
		sd_bus_message_unref(reply);
		if (r < 0)
			return ctl_bad_reply("GetImports", r);
		if (!found) {
			fprintf(stderr, "mentorctl: import job %llu is gone (was the daemon restarted?)\n",
			        (unsigned long long)job);
			return CTL_EXIT_DAEMON;
		}
		if (strcmp(state, "done") == 0 || strcmp(state, "failed") == 0)
			break;
		nanosleep(&(struct timespec){ .tv_nsec = 100 * 1000 * 1000 }, NULL);
	}
	if (tty)
		fputc('\n', stderr);
	return strcmp(state, "done") == 0 ? 0 : CTL_EXIT_DAEMON;
}

static int fetch(struct ctl *ctl, uint64_t job, struct cands *c)
{
	sd_bus_message *reply = NULL;
	struct cand x;
	const char *h, *n, *w;
	int found, fol, fsrc, r;

	if ((r = ctl_call(ctl, "GetImportCandidates", &reply, "t", job)) != 0)
		return r;
	if ((r = sd_bus_message_enter_container(reply, 'a', "(ussdbbbs)")) < 0)
		goto out;
	while ((r = sd_bus_message_read(reply, "(ussdbbbs)", &x.rank, &h, &n, &x.fit, &found, &fol, &fsrc, &w)) > 0) {
		struct cand *v = realloc(c->v, (c->n + 1) * sizeof *v);
		if (!v) {
			r = -ENOMEM;
			break;
		}
		c->v = v;
		x.found = found;
		x.followed = fol;
		x.followed_source = fsrc;
		x.pick = false;
		x.handle = strdup(h);
		x.name = strdup(n);
		x.why = *w ? strdup(w) : NULL;
		c->v[c->n++] = x;
		if (!x.handle || !x.name || (*w && !x.why)) {
			r = -ENOMEM;
			break;
		}
	}
out:
	sd_bus_message_unref(reply);
	return r < 0 ? ctl_bad_reply("GetImportCandidates", r) : 0;
}

static void print_table(const struct cands *c)
{
	struct table *t = table_new(6);
	const char *head[] = { "#", "HANDLE", "NAME", "FIT", "AS", "FOLLOWED" };

	for (size_t i = 0; i < 6; i++)
		table_add(t, head[i]);
	for (size_t i = 0; i < c->n; i++) {
		const struct cand *x = &c->v[i];
		char *h = text_line(x->handle, 40), *n = text_line(x->name, 36);
		table_addf(t, "%u", x->rank);
		table_add(t, h ? h : "");
		table_add(t, n ? n : "");
		if (x->found)
			table_addf(t, "%.0f", x->fit);
		else
			table_add(t, "?");
		if (x->why)
			table_addf(t, "source (%s)", x->why);
		else
			table_add(t, "mentor");
		table_add(t, !x->followed ? "" : x->followed_source ? "yes, as source" : "yes");
		free(h);
		free(n);
	}
	table_print(t, true);
	table_free(t);
}

/* "1-3,7", "all", "" → c->v[].pick. -1 with a message for anything else. */
static int parse_picks(const char *line, struct cands *c)
{
	const char *p = line;

	while (*p == ' ' || *p == '\t')
		p++;
	if (strncmp(p, "all", 3) == 0 && strspn(p + 3, " \t\r\n") == strlen(p + 3)) {
		for (size_t i = 0; i < c->n; i++)
			c->v[i].pick = true;
		return 0;
	}
	while (*p && *p != '\n' && *p != '\r') {
		char *end;
		long a, b;
		while (*p == ' ' || *p == ',' || *p == '\t')
			p++;
		if (!*p || *p == '\n' || *p == '\r')
			break;
		a = strtol(p, &end, 10);
		if (end == p || a < 1)
			goto bad;
		b = a;
		if (*end == '-') {
			p = end + 1;
			b = strtol(p, &end, 10);
			if (end == p || b < a)
				goto bad;
		}
		if ((size_t)b > c->n) {
			fprintf(stderr, "mentorctl import: there is no row %ld (rows 1-%zu)\n", b, c->n);
			return -1;
		}
		for (long i = a; i <= b; i++)
			c->v[i - 1].pick = true;
		p = end;
		if (*p && *p != ',' && *p != ' ' && *p != '\n' && *p != '\r')
			goto bad;
	}
	return 0;
bad:
	fprintf(stderr, "mentorctl import: cannot read the picks '%s': give row numbers like 1-3,7, "
	        "'all', or nothing\n", line);
	return -1;
}

static int read_picks(struct ctl *ctl, struct cands *c)
{
	char line[4096];
	bool tty = isatty(STDIN_FILENO);

	if (tty)
		fprintf(stderr, "Follow which rows? (e.g. 1-3,7; 'all'; Enter for none): ");
	if (!fgets(line, sizeof line, stdin))
		return 0;   /* end of input: nothing picked */
	line[strcspn(line, "\r\n")] = '\0';
	return parse_picks(line, c);
}

/* Follows one row: 1 followed, 0 followed already, or an exit code < 0. */
static int follow_one(struct ctl *ctl, const char *platform, const struct cand *x)
{
	sd_bus_message *msg = NULL, *reply = NULL;
	sd_bus_error error = SD_BUS_ERROR_NULL;
	const char *method = x->why ? "FollowSource" : "Follow";
	int r;

	for (int attempt = 0; attempt < 2; attempt++) {
		/* A display name mentord refuses (too long, control characters)
		 * leaves the handle as the name. */
		const char *name = attempt ? "" : x->name;
		if ((r = ctl_new_call(ctl, method, &msg)) != 0)
			return -r;
		r = x->why ? sd_bus_message_append(msg, "sss", platform, x->handle, name)
		           : sd_bus_message_append(msg, "ssst", platform, x->handle, name, (uint64_t)0);
		if (r < 0) {
			sd_bus_message_unref(msg);
			return -ctl_bad_reply(method, r);
		}
		r = sd_bus_call(ctl->bus, msg, 0, &error, &reply);
		sd_bus_message_unref(msg);
		sd_bus_message_unref(reply);
		reply = NULL;
		if (r >= 0)
			r = 1;
		else if (sd_bus_error_has_name(&error, MENTORD_ERROR_ALREADY_FOLLOWED))
			r = 0;
		else if (attempt == 0 && sd_bus_error_has_name(&error, MENTORD_ERROR_INVALID_ARGUMENT)) {
			sd_bus_error_free(&error);
			continue;
		} else
			r = -ctl_report_error(&error, r);
		sd_bus_error_free(&error);
		return r;
	}
	return 0;
}

static void json_out(uint64_t job, const char *platform, const struct cands *c, bool dry,
                     unsigned mentors, unsigned sources, unsigned already)
{
	cJSON *o = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(o, "candidates");

	cJSON_AddNumberToObject(o, "job", (double)job);
	cJSON_AddStringToObject(o, "platform", platform);
	for (size_t i = 0; i < c->n; i++) {
		const struct cand *x = &c->v[i];
		cJSON *e = cJSON_CreateObject();
		cJSON_AddNumberToObject(e, "rank", x->rank);
		cJSON_AddStringToObject(e, "handle", x->handle);
		cJSON_AddStringToObject(e, "name", x->name);
		if (x->found)
			cJSON_AddNumberToObject(e, "fit", x->fit);
		else
			cJSON_AddNullToObject(e, "fit");
		cJSON_AddStringToObject(e, "proposed", x->why ? "source" : "mentor");
		if (x->why)
			cJSON_AddStringToObject(e, "source_reason", x->why);
		else
			cJSON_AddNullToObject(e, "source_reason");
		cJSON_AddBoolToObject(e, "followed", x->followed);
		cJSON_AddBoolToObject(e, "picked", x->pick);
		cJSON_AddItemToArray(arr, e);
	}
	cJSON_AddBoolToObject(o, "dry_run", dry);
	cJSON_AddNumberToObject(o, "followed_mentors", mentors);
	cJSON_AddNumberToObject(o, "followed_sources", sources);
	cJSON_AddNumberToObject(o, "already_followed", already);
	json_print(o);
}

struct opts {
	const char *platform, *csv, *match;
	uint32_t limit;
	bool dry, yes;
};

static int parse_opts(struct ctl *ctl, int argc, char **argv, struct opts *o)
{
	static const struct option opts[] = {
		{ "csv", required_argument, NULL, 'c' }, { "match", required_argument, NULL, 'm' },
		{ "limit", required_argument, NULL, 'l' }, { "dry-run", no_argument, NULL, 'n' },
		{ "yes", no_argument, NULL, 'y' }, { "json", no_argument, NULL, 'j' }, { 0 }
	};
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, "c:m:l:nyj", opts, NULL)) != -1) {
		char *end;
		unsigned long v;
		switch (c) {
		case 'c': o->csv = optarg; break;
		case 'm': o->match = optarg; break;
		case 'n': o->dry = true; break;
		case 'y': o->yes = true; break;
		case 'j': ctl->json = true; break;
		case 'l':
			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (errno || *end || !*optarg || *optarg == '-' || v < 1 || v > 100000)
				return ctl_usage_error("import", "--limit needs a number from 1 to 100000, got '%s'", optarg);
			o->limit = (uint32_t)v;
			break;
		default:
			return CTL_EXIT_USAGE;
		}
	}
	if (argc - optind != 1)
		return ctl_usage_error("import", "usage: import PLATFORM [--csv FILE] [--match WORDS] [--limit N] "
		                       "[--dry-run] [--yes]");
	o->platform = argv[optind];
	if (o->csv && strcmp(o->platform, "mastodon") != 0)
		return ctl_usage_error("import", "--csv reads Mastodon's following_accounts.csv: use it with "
		                       "'import mastodon'");
	if (o->dry && o->yes)
		return ctl_usage_error("import", "--dry-run and --yes exclude each other");
	return 0;
}

static int read_csv(const char *path, struct import_csv *csv)
{
	char err[512];
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	int r;

	if (!f) {
		fprintf(stderr, "mentorctl import: cannot open %s: %s\n", path, strerror(errno));
		return CTL_EXIT_USAGE;
	}
	r = import_csv_read(f, path, csv, err, sizeof err);
	if (f != stdin)
		fclose(f);
	if (r < 0) {
		fprintf(stderr, "mentorctl import: %s\n", err);
		return CTL_EXIT_USAGE;
	}
	if (csv->n == 0) {
		fprintf(stderr, "mentorctl import: %s lists no accounts\n", path);
		return CTL_EXIT_USAGE;
	}
	return 0;
}

int ctl_import(struct ctl *ctl, int argc, char **argv)
{
	struct opts o = { 0 };
	struct import_csv csv = { 0 };
	struct cands c = { 0 };
	uint64_t job = 0;
	unsigned mentors = 0, sources = 0, already = 0;
	int r;

	/* LinkedIn is read from its export, not from the network. */
	for (int i = 1; i < argc; i++)
		if (argv[i][0] != '-') {
			if (strcmp(argv[i], "linkedin") == 0)
				return ctl_import_linkedin(ctl, argc, argv);
			break;
		}
	if ((r = parse_opts(ctl, argc, argv, &o)) != 0)
		return r;
	if (o.csv && (r = read_csv(o.csv, &csv)) != 0)
		goto out;
	if ((r = start(ctl, o.platform, o.csv ? &csv : NULL, o.match, o.limit, &job)) != 0 ||
	    (r = wait_job(ctl, job, o.platform)) != 0 || (r = fetch(ctl, job, &c)) != 0)
		goto out;
	if (!ctl->json && c.n == 0)
		printf("No accounts to import from %s%s.\n", o.platform, o.match ? " matching those words" : "");
	else if (!ctl->json)
		print_table(&c);
	if (o.dry) {
		if (!ctl->json)
			printf("Dry run: nothing was followed.\n");
	} else if (c.n) {
		if (o.yes) {
			for (size_t i = 0; i < c.n; i++)
				c.v[i].pick = true;
		} else if (read_picks(ctl, &c) < 0) {
			r = CTL_EXIT_USAGE;
			goto out;
		}
		for (size_t i = 0; i < c.n; i++) {
			if (!c.v[i].pick)
				continue;
			if (c.v[i].followed) {
				already++;
				continue;
			}
			int k = follow_one(ctl, o.platform, &c.v[i]);
			if (k < 0) {
				r = -k;
				goto out;
			}
			if (k == 0)
				already++;
			else if (c.v[i].why)
				sources++;
			else
				mentors++;
		}
	}
	if (ctl->json)
		json_out(job, o.platform, &c, o.dry, mentors, sources, already);
	else if (!o.dry && mentors + sources == 0 && already)
		printf("Nothing new to follow: the %u picked %s followed already.\n", already,
		       already == 1 ? "account is" : "accounts are");
	else if (!o.dry && c.n)
		printf("Followed %u as mentors and %u as sources; %u followed already.\n", mentors, sources, already);
	r = CTL_EXIT_OK;
out:
	cands_free(&c);
	import_csv_free(&csv);
	return r;
}
