/* cmd_check.c — `mentorctl check [TEXT | -] [--accept FINGERPRINT]...
 * [--format=text|lines [--name NAME]] | --watch FILE`: the professionalism
 * check of a draft, usable as a pre-post hook (exit 0 ok, 4 warn, 5 block);
 * --format=lines prints NAME:LINE:COLUMN: lines for editors (quickfix,
 * compilation-mode). The watch is cmd_check_watch.c. */
#include "ctl.h"
#include "text.h"
#include "output.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DRAFT (64 * 1024)
#define MAX_ACCEPT 64

struct finding {
	const char *rule, *family, *severity, *message, *fix, *fingerprint;
	uint32_t start, end, byte_start, byte_end;
	int accepted;
};

static char *read_stdin(void)
{
	size_t cap = MAX_DRAFT + 2, n;
	char *buf = malloc(cap);
	if (!buf)
		return NULL;
	n = fread(buf, 1, cap - 1, stdin);
	if (n > MAX_DRAFT) {
		fprintf(stderr, "mentorctl check: the draft is longer than %d bytes\n", MAX_DRAFT);
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

/* The draft from the arguments (joined by spaces) or stdin ("-" or none). */
static char *draft_from(int argc, char **argv)
{
	size_t len = 0;
	char *out;
	if (argc == 0 || (argc == 1 && strcmp(argv[0], "-") == 0))
		return read_stdin();
	for (int i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	if (!(out = malloc(len + 1)))
		return NULL;
	out[0] = '\0';
	for (int i = 0; i < argc; i++) {
		if (i)
			strcat(out, " ");
		strcat(out, argv[i]);
	}
	return out;
}

static int verdict_exit(const char *v)
{
	return strcmp(v, "block") == 0 ? 5 : strcmp(v, "warn") == 0 ? 4 : CTL_EXIT_OK;
}

static cJSON *finding_json(const struct finding *f)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "rule", f->rule);
	cJSON_AddStringToObject(o, "family", f->family);
	cJSON_AddStringToObject(o, "severity", f->severity);
	cJSON_AddNumberToObject(o, "start", f->start);
	cJSON_AddNumberToObject(o, "end", f->end);
	cJSON_AddNumberToObject(o, "byte_start", f->byte_start);
	cJSON_AddNumberToObject(o, "byte_end", f->byte_end);
	cJSON_AddStringToObject(o, "message", f->message);
	cJSON_AddStringToObject(o, "fix", f->fix);
	cJSON_AddStringToObject(o, "fingerprint", f->fingerprint);
	cJSON_AddBoolToObject(o, "accepted", f->accepted);
	return o;
}

/* NAME:LINE:COLUMN: SEVERITY: MESSAGE [RULE] Fix: FIX — the GNU style
 * that Vim's default errorformat and Emacs's compilation-mode read. */
static void finding_line(const struct finding *f, const char *draft, const char *name)
{
	size_t len = strlen(draft);
	uint32_t line, col;
	text_line_col(draft, f->byte_start < len ? f->byte_start : len, &line, &col);
	printf("%s:%u:%u: %s: %s [%s] Fix: %s%s\n", name, line, col, f->severity, f->message, f->rule, f->fix,
	       f->accepted ? " (accepted)" : "");
}

static void finding_text(const struct finding *f, const char *draft)
{
	size_t len = strlen(draft);
	uint32_t a = f->byte_start < len ? f->byte_start : (uint32_t)len;
	uint32_t b = f->byte_end < len ? f->byte_end : (uint32_t)len;
	bool color = use_color();
	const char *on = !color ? "" : strcmp(f->severity, "block") == 0 ? "\033[1;31m" : "\033[1;33m";

	printf("%s%s%s  %s  \"%.*s\" (characters %u-%u)%s\n", on, f->severity, color ? "\033[0m" : "",
	       f->rule, (int)(b - a), draft + a, f->start, f->end, f->accepted ? "  [accepted]" : "");
	printf("    %s\n    Fix: %s\n    To accept: mentorctl check --accept %s ...\n", f->message, f->fix,
	       f->fingerprint);
}

static int show_reply(struct ctl *ctl, sd_bus_message *reply, const char *draft, const char *lines,
                      int *exit_code)
{
	const char *verdict;
	struct finding f;
	cJSON *doc = NULL, *arr = NULL;
	int r, n = 0;

	if ((r = sd_bus_message_read(reply, "s", &verdict)) < 0 ||
	    (r = sd_bus_message_enter_container(reply, 'a', "(sssuuuusssb)")) < 0)
		return r;
	if (ctl->json) {
		doc = cJSON_CreateObject();
		cJSON_AddStringToObject(doc, "verdict", verdict);
		arr = cJSON_AddArrayToObject(doc, "findings");
	}
	while ((r = sd_bus_message_read(reply, "(sssuuuusssb)", &f.rule, &f.family, &f.severity, &f.start,
	                                &f.end, &f.byte_start, &f.byte_end, &f.message, &f.fix,
	                                &f.fingerprint, &f.accepted)) > 0) {
		n++;
		if (arr)
			cJSON_AddItemToArray(arr, finding_json(&f));
		else if (lines)
			finding_line(&f, draft, lines);
		else
			finding_text(&f, draft);
	}
	if (r < 0 || (r = sd_bus_message_exit_container(reply)) < 0) {
		cJSON_Delete(doc);
		return r;
	}
	if (doc)
		json_print(doc);
	else if (lines)
		;   /* nothing but findings: the exit code says the verdict */
	else if (n == 0)
		printf("ok: nothing found\n");
	else
		printf("verdict: %s\n", verdict);
	*exit_code = verdict_exit(verdict);
	return 0;
}

int ctl_check(struct ctl *ctl, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "accept", required_argument, NULL, 'a' }, { "watch", required_argument, NULL, 'w' },
		{ "format", required_argument, NULL, 'f' }, { "name", required_argument, NULL, 'n' }, { 0 } };
	const char *accept[MAX_ACCEPT], *watch = NULL, *name = "-";
	bool lines = false;
	sd_bus_message *msg = NULL, *reply = NULL;
	sd_bus_error error = SD_BUS_ERROR_NULL;
	char *draft = NULL;
	int c, n_accept = 0, r, rc = CTL_EXIT_DAEMON;

	optind = 0;
	while ((c = getopt_long(argc, argv, "a:", opts, NULL)) != -1) {
		if (c == 'w') {
			watch = optarg;
		} else if (c == 'n') {
			name = optarg;
		} else if (c == 'f') {
			if (strcmp(optarg, "lines") != 0 && strcmp(optarg, "text") != 0)
				return ctl_usage_error("check", "--format is text or lines, not '%s'", optarg);
			lines = strcmp(optarg, "lines") == 0;
		} else if (c == 'a') {
			if (n_accept == MAX_ACCEPT)
				return ctl_usage_error("check", "at most %d --accept", MAX_ACCEPT);
			accept[n_accept++] = optarg;
		} else {
			return CTL_EXIT_USAGE;
		}
	}
	if (watch && optind < argc)
		return ctl_usage_error("check", "--watch takes the draft from its file, not from arguments");
	if (watch && lines)
		return ctl_usage_error("check", "--watch prints changes; --format=lines is for one check");
	if (lines && ctl->json)
		return ctl_usage_error("check", "--json and --format=lines exclude each other");
	if (watch)
		return ctl_check_watch(ctl, watch, accept, n_accept);
	if (!(draft = draft_from(argc - optind, argv + optind)))
		return CTL_EXIT_USAGE;
	if ((r = ctl_new_call(ctl, "Check", &msg)) != 0) {
		free(draft);
		return r;
	}
	r = sd_bus_message_append(msg, "s", draft);
	if (r >= 0 && (r = sd_bus_message_open_container(msg, 'a', "s")) >= 0) {
		for (int i = 0; i < n_accept && r >= 0; i++)
			r = sd_bus_message_append(msg, "s", accept[i]);
		if (r >= 0)
			r = sd_bus_message_close_container(msg);
	}
	if (r >= 0)
		rc = ctl_send(ctl, msg, &reply, &error);
	if (rc == CTL_EXIT_OK && show_reply(ctl, reply, draft, lines ? name : NULL, &rc) < 0)
		rc = ctl_bad_reply("Check", -EBADMSG);
	sd_bus_error_free(&error);
	sd_bus_message_unref(msg);
	sd_bus_message_unref(reply);
	free(draft);
	return rc;
}
