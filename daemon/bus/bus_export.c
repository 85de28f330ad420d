/* bus_export.c — ExportLedger: the whole ledger, a page per call. The
 * client walks it with the `next` cursor; each page is one short indexed
 * read, and each reply stays under EXPORT_PAGE_BYTES however long the
 * texts, so neither the loop nor the bus ever carries the whole ledger. */
#include "bus/bus_internal.h"
#include "mentord-bus.h"
#include "store/store.h"
#include "common/channel.h"
#include "common/utf8.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define EXPORT_MAX_LIMIT  5000
/* Well under the 64 KiB a reply should stay below (perf-anchors: ~1 ms). */
#define EXPORT_PAGE_BYTES (48 * 1024)
/* Per row on the wire, besides the string bytes: three 8-byte numbers,
 * the struct's 8-byte alignment, and per string a 4-byte length, the NUL
 * and up to 3 bytes of padding. An upper bound, so the budget holds. */
#define EXPORT_ROW_FIXED  (3 * 8 + 7)
#define EXPORT_STR_FIXED  (4 + 1 + 3)
#define EXPORT_N_STR      7

struct export_page {
	sd_bus_message *reply;
	uint32_t limit, n;
	size_t bytes;
	uint64_t last;
	bool more;
};

/* sd-bus refuses a string with malformed UTF-8 or a noncharacter
 * (U+FDD0..U+FDEF, U+xFFFE, U+xFFFF), and one such post would fail the
 * whole page. Returns 0 when s can go as it is, 1 with *out a copy in which
 * each offending sequence is U+FFFD, or -ENOMEM. Control characters stay:
 * the export gives the text as stored. */
static int bus_safe_text(const char *s, char **out)
{
	size_t len = strlen(s), i, o = 0;
	bool clean = true;

	for (i = 0; i < len && clean; ) {
		size_t n;
		bool bad;
		uint32_t cp = utf8_decode(s + i, len - i, &n, &bad);
		clean = !bad && !utf8_is_nonchar(cp);
		i += n;
	}
	if (clean)
		return 0;
	/* Each bad byte becomes 3 bytes at most. */
	if (!(*out = malloc(3 * len + 1)))
		return -ENOMEM;
	for (i = 0; i < len; ) {
		size_t n;
		bool bad;
		uint32_t cp = utf8_decode(s + i, len - i, &n, &bad);
		o += utf8_encode(bad || utf8_is_nonchar(cp) ? UTF8_REPLACEMENT : cp, *out + o);
		i += n;
	}
	(*out)[o] = '\0';
	return 1;
}

static int append_export_row(const struct store_export_row *e, void *userdata)
{
	struct export_page *pg = userdata;
	const char *str[EXPORT_N_STR] = { e->mentor, e->kind, channel_event_platform(e->platform), e->handle,
	                                  e->url, e->text, e->note };
	char *copy[EXPORT_N_STR] = { NULL };
	size_t size = EXPORT_ROW_FIXED;
	int r = 0;

	if (pg->n == pg->limit) {       /* the one row asked beyond the limit */
		pg->more = true;
		return 1;
	}
	for (int i = 0; i < EXPORT_N_STR; i++) {
		if (!str[i])
			str[i] = "";
		if ((r = bus_safe_text(str[i], &copy[i])) < 0)
			goto out;
		if (r > 0)
			str[i] = copy[i];
		size += strlen(str[i]) + EXPORT_STR_FIXED;
	}
	/* The first row always goes, so every call makes progress; a single
	 * row can pass the budget only through a post longer than it. */
	if (pg->n > 0 && pg->bytes + size > EXPORT_PAGE_BYTES) {
		pg->more = true;
		r = 1;
		goto out;
	}
	r = sd_bus_message_append(pg->reply, "(ttssxsssss)", (uint64_t)e->id, (uint64_t)e->mentor_id,
	                          str[0], str[1], e->at, str[2], str[3], str[4], str[5], str[6]);
	if (r >= 0) {
		r = 0;
		pg->n++;
		pg->bytes += size;
		pg->last = (uint64_t)e->id;
	}
out:
	for (int i = 0; i < EXPORT_N_STR; i++)
		free(copy[i]);
	return r;
}

int bus_export_ledger(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	struct bus *b = userdata;
	reply_unref sd_bus_message *reply = NULL;
	struct export_page pg = { 0 };
	uint64_t after;
	uint32_t limit;
	int r;

	if ((r = sd_bus_message_read(msg, "tu", &after, &limit)) < 0)
		return r;
	if (limit == 0 || limit > EXPORT_MAX_LIMIT)
		return sd_bus_error_setf(error, MENTORD_ERROR_INVALID_ARGUMENT,
		                         "The page limit must be 1 to %d events", EXPORT_MAX_LIMIT);
	if ((r = sd_bus_message_new_method_return(msg, &reply)) < 0 ||
	    (r = sd_bus_message_open_container(reply, 'a', "(ttssxsssss)")) < 0)
		return r;
	pg.reply = reply;
	pg.limit = limit;
	/* No event id is above INT64_MAX: such a cursor is simply past the end.
	 * One row beyond the limit is read to tell whether more follow. */
	if (after <= INT64_MAX &&
	    (r = store_export_events(b->store, (int64_t)after, limit + 1, append_export_row, &pg)) < 0)
		return r == -ENOMEM ? r : bus_args_internal_error(error, r);
	if ((r = sd_bus_message_close_container(reply)) < 0 ||
	    (r = sd_bus_message_append(reply, "t", pg.more ? pg.last : (uint64_t)0)) < 0)
		return r;
	return sd_bus_send(NULL, reply, NULL);
}
