/* bus_engagement.c — GetEngagement: events per mentor, channel and
 * direction in UTC months or ISO weeks, for the sparklines of mentorctl
 * and its report. The store walks the events, the calendar (common/) puts
 * each in its bucket, the ledger says which way each kind goes. */
#include "bus/bus_internal.h"
#include "common/calendar.h"
#include "common/channel.h"
#include "ledger/ledger.h"
#include "mentors/mentor_cache.h"
#include "store/store_engagement.h"
#include "base/clock.h"
#include "mentord-bus.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

struct eng_row {
	int64_t mentor;
	char channel[16];
	bool out;
	uint32_t counts[MENTORD_MAX_BUCKETS];
};

struct eng {
	enum calendar_unit unit;
	int64_t start;
	uint32_t count;
	struct eng_row *rows;
	size_t n, cap;
	size_t first;            /* the current mentor's first row (rows come by mentor) */
};

/* "in": the mentor acted on the user; "out": the user on the mentor, and
 * contact logged by hand (the user logs what they did). */
static int kind_out(const char *kind)
{
	int k = ledger_kind_from_name(kind);
	int dir = k < 0 ? 0 : ledger_kind_dir(k);
	return dir == 0 ? -1 : dir != 1;
}

static struct eng_row *row_for(struct eng *e, int64_t mentor, const char *channel, bool out)
{
	if (e->n == 0 || e->rows[e->n - 1].mentor != mentor)
		e->first = e->n;
	for (size_t i = e->first; i < e->n; i++)
		if (e->rows[i].out == out && strcmp(e->rows[i].channel, channel) == 0)
			return &e->rows[i];
	if (e->n == e->cap) {
		size_t cap = e->cap ? 2 * e->cap : 64;
		struct eng_row *v = realloc(e->rows, cap * sizeof *v);
		if (!v)
			return NULL;
		e->rows = v;
		e->cap = cap;
	}
	struct eng_row *r = &e->rows[e->n++];
	memset(r, 0, sizeof *r);
	r->mentor = mentor;
	r->out = out;
	snprintf(r->channel, sizeof r->channel, "%s", channel);
	return r;
}

static int add_event(void *ud, int64_t mentor, const char *platform, const char *kind, int64_t at)
{
	struct eng *e = ud;
	int out = kind_out(kind);
	int64_t i = calendar_index(e->unit, e->start, at);

	if (out < 0 || i < 0 || i >= e->count)
		return 0;
	struct eng_row *r = row_for(e, mentor, channel_event_platform(platform), out);
	if (!r)
		return -ENOMEM;
	if (r->counts[i] < UINT32_MAX)
		r->counts[i]++;
	return 0;
}

static int row_cmp(const void *a, const void *b)
{
	const struct eng_row *x = a, *y = b;
	int c;

	if (x->mentor != y->mentor)
		return x->mentor < y->mentor ? -1 : 1;
	if ((c = strcmp(x->channel, y->channel)) != 0)
		return c;
	return (int)x->out - (int)y->out;
}

static int id_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* The ids, checked and sorted without repeats, into *out (n of them). */
static int read_ids(struct bus *b, const uint64_t *v, size_t *n, int64_t **out, sd_bus_error *error)
{
	struct mentor_entry **e = NULL;
	int64_t *ids;
	size_t k;
	int r;

	if ((r = bus_args_mentor_ids(b, v, *n, true, &e, &k, error)) < 0)
		return r;
	if (!(ids = malloc((k ? k : 1) * sizeof *ids))) {
		free(e);
		return -ENOMEM;
	}
	for (size_t i = 0; i < k; i++)
		ids[i] = e[i]->id;
	free(e);
	qsort(ids, k, sizeof *ids, id_cmp);
	*n = k;
	*out = ids;
	return 0;
}

static int reply_rows(sd_bus_message *msg, const struct eng *e)
{
	sd_bus_message reply_unref *reply = NULL;
	int r;

	if ((r = sd_bus_message_new_method_return(msg, &reply)) < 0 ||
	    (r = sd_bus_message_append(reply, "x", e->start)) < 0 ||
	    (r = sd_bus_message_open_container(reply, 'a', "(tssau)")) < 0)
		return r;
	for (size_t i = 0; i < e->n; i++) {
		const struct eng_row *w = &e->rows[i];
		if ((r = sd_bus_message_open_container(reply, 'r', "tssau")) < 0 ||
		    (r = sd_bus_message_append(reply, "tss", (uint64_t)w->mentor, w->channel,
		                               w->out ? "out" : "in")) < 0 ||
		    (r = sd_bus_message_append_array(reply, 'u', w->counts, e->count * sizeof w->counts[0])) < 0 ||
		    (r = sd_bus_message_close_container(reply)) < 0)
			return r;
	}
	if ((r = sd_bus_message_close_container(reply)) < 0)
		return r;
	return sd_bus_send(NULL, reply, NULL);
}

int bus_engagement_get(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	struct bus *b = userdata;
	const uint64_t *v = NULL;
	size_t size = 0, n;
	const char *unit;
	uint32_t count;
	const char *kinds[LEDGER_KIND_COUNT];
	size_t n_kinds = 0;
	int64_t *ids = NULL;
	struct eng e = { 0 };
	int r, u;

	if ((r = sd_bus_message_read_array(msg, 't', (const void **)&v, &size)) < 0 ||
	    (r = sd_bus_message_read(msg, "su", &unit, &count)) < 0)
		return r;
	/* A read, like ListMentors and ShowMentor which carry the same data: no
	 * caller check, whose credentials query is a blocking round trip to the
	 * bus daemon. */
	if ((u = calendar_unit_from_name(unit)) < 0)
		return sd_bus_error_setf(error, MENTORD_ERROR_INVALID_ARGUMENT,
		                         "Unit must be \"month\" or \"week\", not '%.*s'", BUS_CUT(unit, 32));
	if (count < 1 || count > MENTORD_MAX_BUCKETS)
		return sd_bus_error_setf(error, MENTORD_ERROR_INVALID_ARGUMENT,
		                         "Count must be 1 to %d, not %" PRIu32, MENTORD_MAX_BUCKETS, count);
	n = size / sizeof *v;
	if ((r = read_ids(b, v, &n, &ids, error)) < 0)
		return r;
	for (int k = 0; k < LEDGER_KIND_COUNT; k++)
		if (ledger_kind_dir(k) != 0)
			kinds[n_kinds++] = ledger_kind_name(k);
	int64_t now = clock_now(b->clock);
	e.unit = u;
	e.count = count;
	e.start = calendar_add(u, now, -(int64_t)(count - 1));
	r = store_engagement(b->store, ids, n, kinds, n_kinds, e.start, calendar_add(u, now, 1), add_event, &e);
	if (r < 0) {
		r = bus_args_internal_error(error, r);
		goto out;
	}
	if (e.n > 1)   /* qsort(NULL, 0) is undefined */
		qsort(e.rows, e.n, sizeof *e.rows, row_cmp);
	r = reply_rows(msg, &e);
out:
	free(ids);
	free(e.rows);
	return r;
}
