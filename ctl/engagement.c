/* engagement.c — reading GetEngagement's a(tssau) into per-mentor rows. */
#include "engagement.h"
#include "mentord-bus.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static long find(const struct engagement *e, uint64_t id)
{
	for (size_t i = 0; i < e->n; i++)
		if (e->ids[i] == id)
			return (long)i;
	return -1;
}

int engagement_read(sd_bus_message *reply, int64_t *start, engagement_row_fn fn, void *userdata)
{
	const char *channel, *dir;
	const uint32_t *v;
	size_t size;
	uint64_t id;
	int r;

	if ((r = sd_bus_message_read(reply, "x", start)) < 0 ||
	    (r = sd_bus_message_enter_container(reply, 'a', "(tssau)")) < 0)
		return r;
	while ((r = sd_bus_message_enter_container(reply, 'r', "tssau")) > 0) {
		if ((r = sd_bus_message_read(reply, "tss", &id, &channel, &dir)) < 0 ||
		    (r = sd_bus_message_read_array(reply, 'u', (const void **)&v, &size)) < 0 ||
		    (r = sd_bus_message_exit_container(reply)) < 0 ||
		    (r = fn(id, channel, dir, v, size / sizeof *v, userdata)) < 0)
			return r;
	}
	return r < 0 ? r : sd_bus_message_exit_container(reply);
}

/* engagement_fetch's rows: every channel summed into the mentor's in or out. */
static int sum_row(uint64_t id, const char *channel, const char *dir, const uint32_t *v, size_t n,
                   void *userdata)
{
	struct engagement *e = userdata;
	long i = find(e, id);

	if (i < 0 || n != e->count)
		return -EBADMSG;
	uint32_t *row = (strcmp(dir, "in") == 0 ? e->in : e->out) + (size_t)i * e->count;
	for (uint32_t k = 0; k < e->count; k++)
		row[k] = row[k] + v[k] < row[k] ? UINT32_MAX : row[k] + v[k];
	return 0;
}

int engagement_fetch(struct ctl *ctl, const uint64_t *ids, size_t n, const char *unit, uint32_t count,
                     struct engagement *e)
{
	sd_bus_message *msg = NULL, *reply = NULL;
	sd_bus_error error = SD_BUS_ERROR_NULL;
	int r;

	memset(e, 0, sizeof *e);
	if (n == 0 || n > MENTORD_MAX_ENGAGEMENT_MENTORS || count == 0 || count > MENTORD_MAX_BUCKETS)
		return -EINVAL;
	e->count = count;
	e->n = n;
	e->ids = malloc(n * sizeof *e->ids);
	e->in = calloc(n * count, sizeof *e->in);
	e->out = calloc(n * count, sizeof *e->out);
	if (!e->ids || !e->in || !e->out) {
		r = -ENOMEM;
		goto out;
	}
	memcpy(e->ids, ids, n * sizeof *ids);
	if (ctl_new_call(ctl, "GetEngagement", &msg) != 0) {
		r = -ENOTCONN;
		goto out;
	}
	if ((r = sd_bus_message_append_array(msg, 't', ids, n * sizeof *ids)) < 0 ||
	    (r = sd_bus_message_append(msg, "su", unit, count)) < 0 ||
	    (r = sd_bus_call(ctl->bus, msg, 0, &error, &reply)) < 0)
		goto out;
	r = engagement_read(reply, &e->start, sum_row, e);
out:
	sd_bus_message_unref(msg);
	sd_bus_message_unref(reply);
	sd_bus_error_free(&error);
	if (r < 0)
		engagement_clear(e);
	return r < 0 ? r : 0;
}

void engagement_rows(const struct engagement *e, uint64_t id, const uint32_t **in, const uint32_t **out)
{
	long i = find(e, id);
	*in = i < 0 ? NULL : e->in + (size_t)i * e->count;
	*out = i < 0 ? NULL : e->out + (size_t)i * e->count;
}

void engagement_clear(struct engagement *e)
{
	free(e->ids);
	free(e->in);
	free(e->out);
	memset(e, 0, sizeof *e);
}
