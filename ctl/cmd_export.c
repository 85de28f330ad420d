/* cmd_export.c — `mentorctl export [--format json|csv]`: the whole ledger.
 * Events arrive a page at a time (ExportLedger) and are written as each
 * page arrives, so memory stays flat however long the ledger; only the
 * mentors (a few hundred bytes each, one per followed person) are held,
 * to sort them by id. */
#include "ctl.h"
#include "mentor.h"
#include "output.h"
#include "common/channel.h"
#include "common/csv_out.h"
#include "common/strbuf.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define EVENT_PAGE   1000   /* rows asked per call; the daemon may send fewer */
#define MENTOR_PAGE  200
/* The document's layout; bump when a key changes meaning or goes away.
 * 2: an event logged by hand has platform "offline" (was null). */
#define EXPORT_VERSION 2

enum export_format { FORMAT_JSON, FORMAT_CSV };

struct export_event {
	uint64_t id, mentor_id;
	int64_t at;
	const char *mentor, *kind, *platform, *handle, *url, *text, *note;
};

struct mentor_item {
	uint64_t id;
	cJSON *json;
};

struct mentor_list {
	struct mentor_item *v;
	size_t n, cap;
};

static void mentor_list_clear(struct mentor_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		cJSON_Delete(l->v[i].json);
	free(l->v);
	memset(l, 0, sizeof *l);
}

static cJSON *string_or_null(const char *s)
{
	return s && *s ? cJSON_CreateString(s) : cJSON_CreateNull();
}

static int mentor_add(struct mentor_list *l, const struct mentor_summary *s)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		struct mentor_item *v = reallocarray(l->v, cap, sizeof *v);
		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	if (!(l->v[l->n].json = mentor_summary_json(s, "events")))
		return -ENOMEM;
	l->v[l->n++].id = s->id;
	return 0;
}

static int by_id(const void *a, const void *b)
{
	uint64_t x = ((const struct mentor_item *)a)->id, y = ((const struct mentor_item *)b)->id;
	return x < y ? -1 : x > y;
}

static int take_mentor(const struct mentor_summary *s, void *userdata)
{
	return mentor_add(userdata, s);
}

/* Every mentor, by id, each once (mentor_list_all may give one twice). */
static int fetch_mentors(struct ctl *ctl, struct mentor_list *l)
{
	size_t keep = 0;
	int rc;

	if ((rc = mentor_list_all(ctl, MENTOR_PAGE, take_mentor, l)) != 0)
		return rc;
	if (l->n)
		qsort(l->v, l->n, sizeof *l->v, by_id);
	for (size_t i = 0; i < l->n; i++) {
		if (keep > 0 && l->v[keep - 1].id == l->v[i].id) {
			cJSON_Delete(l->v[i].json);
			continue;
		}
		l->v[keep++] = l->v[i];
	}
	l->n = keep;
	return 0;
}

static int print_json(cJSON *o, const char *after)
{
	char *s = cJSON_PrintUnformatted(o);
	if (!s)
		return -ENOMEM;
	fputs(s, stdout);
	fputs(after, stdout);
	free(s);
	return 0;
}

static int json_head(const char *version, const struct mentor_list *l)
{
	cJSON *v = cJSON_CreateString(version), *t = json_time((int64_t)time(NULL));
	char *vs = cJSON_PrintUnformatted(v), *ts = cJSON_PrintUnformatted(t);
	int r = vs && ts ? 0 : -ENOMEM;

	if (r == 0) {
		printf("{\"version\":%d,\"mentord_version\":%s,\"exported_at\":%s,\n\"mentors\":[",
		       EXPORT_VERSION, vs, ts);
		for (size_t i = 0; r == 0 && i < l->n; i++)
			r = print_json(l->v[i].json, i + 1 < l->n ? ",\n" : "");
		fputs("],\n\"events\":[", stdout);
	}
	free(vs);
	free(ts);
	cJSON_Delete(v);
	cJSON_Delete(t);
	return r;
}

static int json_event(const struct export_event *e, bool first)
{
	cJSON *o = cJSON_CreateObject();
	int r;
	if (!o)
		return -ENOMEM;
	cJSON_AddNumberToObject(o, "id", (double)e->id);
	cJSON_AddNumberToObject(o, "mentor_id", (double)e->mentor_id);
	cJSON_AddStringToObject(o, "mentor", e->mentor);
	cJSON_AddStringToObject(o, "kind", e->kind);
	cJSON_AddItemToObject(o, "at", json_time(e->at));
	cJSON_AddStringToObject(o, "platform", channel_event_platform(e->platform));
	cJSON_AddItemToObject(o, "handle", string_or_null(e->handle));
	cJSON_AddItemToObject(o, "url", string_or_null(e->url));
	cJSON_AddItemToObject(o, "text", string_or_null(e->text));
	cJSON_AddItemToObject(o, "note", string_or_null(e->note));
	fputs(first ? "\n" : ",\n", stdout);
	r = print_json(o, "");
	cJSON_Delete(o);
	return r;
}

/* One CSV row (common/csv_out: RFC 4180, formula cells guarded), written
 * whole. The buffer is the caller's, reused from row to row. */
static int csv_event(struct strbuf *row, const struct export_event *e)
{
	const char *cells[] = { e->mentor, e->kind, NULL, channel_event_platform(e->platform), e->handle,
	                        e->url, e->text, e->note };
	char at[32] = "";
	time_t t = (time_t)e->at;
	struct tm tm;

	if (e->at > 0 && gmtime_r(&t, &tm))
		strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", &tm);
	cells[2] = at;
	strbuf_truncate(row, 0);
	csv_out_number(row, e->id);
	strbuf_putc(row, ',');
	csv_out_number(row, e->mentor_id);
	for (size_t i = 0; i < sizeof cells / sizeof *cells; i++) {
		strbuf_putc(row, ',');
		csv_out_cell(row, cells[i]);
	}
	if (strbuf_puts(row, "\r\n") < 0)
		return -ENOMEM;
	fwrite(row->data, 1, row->len, stdout);
	return 0;
}

/* Writes every event, page by page. Returns an exit code. */
static int stream_events(struct ctl *ctl, enum export_format fmt, uint64_t *count)
{
	struct strbuf row = STRBUF_INIT;
	uint64_t after = 0, next;
	int r, rc = CTL_EXIT_OK;

	do {
		sd_bus_message *reply = NULL;
		struct export_event e;
		if ((rc = ctl_call(ctl, "ExportLedger", &reply, "tu", after, (uint32_t)EVENT_PAGE)) != 0)
			break;
		r = sd_bus_message_enter_container(reply, 'a', "(ttssxsssss)");
		while (r >= 0 && (r = sd_bus_message_read(reply, "(ttssxsssss)", &e.id, &e.mentor_id, &e.mentor,
		                                          &e.kind, &e.at, &e.platform, &e.handle, &e.url,
		                                          &e.text, &e.note)) > 0) {
			if (fmt == FORMAT_CSV)
				r = csv_event(&row, &e);
			else
				r = json_event(&e, *count == 0);
			(*count)++;
		}
		if (r >= 0 && (r = sd_bus_message_exit_container(reply)) >= 0)
			r = sd_bus_message_read(reply, "t", &next);
		sd_bus_message_unref(reply);
		/* A cursor that does not move forward would loop for ever. */
		if (r >= 0 && next != 0 && next <= after)
			r = -EBADMSG;
		if (r < 0) {
			rc = ctl_bad_reply("ExportLedger", r);
			break;
		}
		after = next;
	} while (after != 0);
	strbuf_free(&row);
	return rc;
}

int ctl_export(struct ctl *ctl, int argc, char **argv)
{
	static const struct option opts[] = { { "format", required_argument, NULL, 'f' }, { 0 } };
	enum export_format fmt = FORMAT_JSON;
	struct mentor_list mentors = { 0 };
	sd_bus_message *status = NULL;
	const char *version;
	uint64_t count = 0;
	int c, r, rc;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'f')
			return CTL_EXIT_USAGE;
		if (strcmp(optarg, "json") == 0)
			fmt = FORMAT_JSON;
		else if (strcmp(optarg, "csv") == 0)
			fmt = FORMAT_CSV;
		else
			return ctl_usage_error("export", "unknown format '%s' (expected json or csv)", optarg);
	}
	if (optind != argc)
		return ctl_usage_error("export", "usage: export [--format json|csv]");
	if (ctl->json && fmt == FORMAT_CSV)
		return ctl_usage_error("export", "--json asks for JSON, --format csv for CSV: choose one");

	/* Everything that can fail before the first byte is written comes
	 * first: an unreachable daemon leaves stdout empty. */
	if ((rc = ctl_call(ctl, "GetStatus", &status, "")) != 0)
		goto out;
	if ((r = sd_bus_message_read(status, "s", &version)) < 0) {
		rc = ctl_bad_reply("GetStatus", r);
		goto out;
	}
	if (fmt == FORMAT_JSON) {
		if ((rc = fetch_mentors(ctl, &mentors)) != 0)
			goto out;
		if ((r = json_head(version, &mentors)) < 0) {
			rc = ctl_bad_reply("ListMentors", r);
			goto out;
		}
	} else {
		fputs("id,mentor_id,mentor,kind,at,platform,handle,url,text,note\r\n", stdout);
	}
	/* On a failure half way the document stays unterminated, so that no
	 * reader takes a partial export for a whole one. */
	if ((rc = stream_events(ctl, fmt, &count)) != 0)
		goto out;
	if (fmt == FORMAT_JSON)
		fputs(count ? "\n]}\n" : "]}\n", stdout);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "mentorctl export: cannot write the output: %s\n", strerror(errno));
		rc = CTL_EXIT_DAEMON;
	}
out:
	sd_bus_message_unref(status);
	mentor_list_clear(&mentors);
	return rc;
}
