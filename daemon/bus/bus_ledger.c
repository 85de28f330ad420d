/* bus_ledger.c — the ledger half of org.mentord.Manager1: mentors list,
 * show, why, log, link/unlink and stage pins. Thin:
 * arguments are checked here, arithmetic lives in ledger/ and mentors/, SQL in
 * store. */
#include "bus/bus_internal.h"
#include "base/clock.h"
#include "mentors/mentor_cache.h"
#include "mentord-bus.h"
#include "poll/sched.h"
#include "store/store.h"
#include "store/store_channels.h"
#include "base/validate.h"
#include "base/log.h"
#include "common/channel.h"
#include "common/macros.h"
#include "common/utf8.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define MAX_NOTE 1000

static int append_account(const char *platform, const char *handle, void *userdata)
{
	return sd_bus_message_append(userdata, "(ss)", platform, handle);
}

/* One (tssdda(ss)ttxx) row, the shape of ListMentors and ShowMentor. */
static int append_row(struct bus *b, sd_bus_message *reply, const struct mentor_row *row)
{
	const struct ledger_agg *a = &row->e->agg;
	uint64_t events = 0;
	int r;

	for (int k = 0; k < LEDGER_KIND_COUNT; k++)
		events += a->n[k];
	if ((r = sd_bus_message_open_container(reply, 'r', "tssdda(ss)ttxx")) < 0 ||
	    (r = sd_bus_message_append(reply, "tssdd", (uint64_t)row->e->id, row->e->name,
	                               ledger_stage_name(row->stage), row->score, row->fit)) < 0 ||
	    (r = sd_bus_message_open_container(reply, 'a', "(ss)")) < 0)
		return r;
	r = store_for_each_account_of(b->store, row->e->id, append_account, reply);
	if (r < 0 || (r = sd_bus_message_close_container(reply)) < 0 ||
	    (r = sd_bus_message_append(reply, "ttxx", (uint64_t)a->n[LEDGER_POST], events,
	                               ledger_agg_last_activity(a), ledger_agg_last_contact(a))) < 0)
		return r;
	return sd_bus_message_close_container(reply);
}

static int list_mentors(struct bus *b, sd_bus_message *msg, enum store_sort sort,
                        uint32_t offset, uint32_t limit, sd_bus_error *error)
{
	reply_unref sd_bus_message *reply = NULL;
	const struct mentor_row *rows;
	size_t n;
	int r = mentor_cache_ranked(b->mentors, sort, clock_now(b->clock), &rows, &n);

	if (r < 0)
		return bus_args_internal_error(error, r);
	if ((r = sd_bus_message_new_method_return(msg, &reply)) < 0 ||
	    (r = sd_bus_message_open_container(reply, 'a', "(tssdda(ss)ttxx)")) < 0)
		return r;
	/* One snapshot for the page's account look-ups: a row each would take
	 * and drop the WAL's read lock (fcntl, fstat) every time. */
	int snap = store_read_begin(b->store);
	for (size_t i = offset; r >= 0 && i < n && i - offset < limit; i++)
		r = append_row(b, reply, &rows[i]);
	store_read_end(b->store, snap);
	if (r < 0)
		return r;
	if ((r = sd_bus_message_close_container(reply)) < 0 ||
	    (r = sd_bus_message_append(reply, "u", (uint32_t)(n > UINT32_MAX ? UINT32_MAX : n))) < 0)
		return r;
	return sd_bus_send(NULL, reply, NULL);
}

static int parse_sort(const char *s, enum store_sort *out)
{
	static const struct { const char *name; enum store_sort sort; } sorts[] = {
		{ "", STORE_SORT_SCORE }, { "score", STORE_SORT_SCORE }, { "fit", STORE_SORT_FIT },
		{ "recent", STORE_SORT_RECENT }, { "stage", STORE_SORT_STAGE },
	};
	for (size_t i = 0; i < ARRAY_SIZE(sorts); i++)
		if (strcmp(s, sorts[i].name) == 0) {
			*out = sorts[i].sort;
			return 0;
		}
	return -EINVAL;
}

int bus_ledger_list(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	const char *sort;
	enum store_sort how;
	uint32_t offset, limit;
	int r;

	if ((r = sd_bus_message_read(msg, "suu", &sort, &offset, &limit)) < 0)
		return r;
	if (parse_sort(sort, &how) < 0)
		return sd_bus_error_setf(error, MENTORD_ERROR_INVALID_ARGUMENT,
		                         "Unknown sort '%.*s' (expected score, fit, recent or stage)", BUS_CUT(sort, 32));
	if (limit == 0 || limit > MENTORD_MAX_PAGE)
		limit = MENTORD_MAX_PAGE;
	return list_mentors(userdata, msg, how, offset, limit, error);
}

static struct mentor_row row_of(struct bus *b, struct mentor_entry *e, struct ledger_stage_info *st)
{
	int64_t now = clock_now(b->clock);
	ledger_stage(&e->agg, now, (enum ledger_stage)e->pin, st);
	return (struct mentor_row){ e, mentor_cache_strength(b->mentors, e, now, NULL), mentor_cache_fit(b->mentors, e, now, NULL),
	                          st->stage };
}

static int append_event(const struct store_event_row *e, void *userdata)
{
	sd_bus_message *reply = userdata;
	/* Network text is untrusted: one bad byte must not fail the reply. */
	_cleanup_free_ char *text = utf8_clean_dup(e->text ? e->text : "", 4096);
	_cleanup_free_ char *url = utf8_clean_dup(e->url ? e->url : "", 2048);
	if (!text || !url)
		return -ENOMEM;
	return sd_bus_message_append(reply, "(sxsss)", e->kind, e->at, channel_event_platform(e->platform),
	                             url, text);
}

int bus_ledger_show(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	struct bus *b = userdata;
	reply_unref sd_bus_message *reply = NULL;
	struct ledger_stage_info st;
	struct mentor_entry *e;
	const char *query;
	uint32_t max;
	int r;

	if ((r = sd_bus_message_read(msg, "su", &query, &max)) < 0)
		return r;
	if ((r = bus_args_mentor(b, query, &e, error)) < 0)
		return r;
	if (max == 0 || max > 500)
		max = 500;
	struct mentor_row row = row_of(b, e, &st);
	if ((r = sd_bus_message_new_method_return(msg, &reply)) < 0 ||
	    (r = append_row(b, reply, &row)) < 0 ||
	    (r = sd_bus_message_append(reply, "sb", ledger_stage_name(st.computed), (int)st.pinned)) < 0 ||
	    (r = sd_bus_message_open_container(reply, 'a', "(sx)")) < 0)
		return r;
	for (int s = 0; s < LEDGER_STAGE_COUNT; s++)
		if ((r = sd_bus_message_append(reply, "(sx)", ledger_stage_name((enum ledger_stage)s),
		                               st.reached[s])) < 0)
			return r;
	if ((r = sd_bus_message_close_container(reply)) < 0 ||
	    (r = sd_bus_message_open_container(reply, 'a', "(sxsss)")) < 0 ||
	    (r = store_mentor_events(b->store, e->id, max, append_event, reply)) < 0 ||
	    (r = sd_bus_message_close_container(reply)) < 0)
		return r < 0 && r != -ENOMEM ? bus_args_internal_error(error, r) : r;
	return sd_bus_send(NULL, reply, NULL);
}

/* extra: one more part (NULL: none). */
static int append_parts(sd_bus_message *reply, const struct ledger_score *s, const char *extra)
{
	int r = sd_bus_message_open_container(reply, 'a', "(sdds)");
	for (size_t i = 0; r >= 0 && i < s->n; i++)
		r = sd_bus_message_append(reply, "(sdds)", s->c[i].name, s->c[i].value, s->c[i].weight,
		                          s->c[i].detail);
	if (r >= 0 && extra)
		r = sd_bus_message_append(reply, "(sdds)", MENTORD_WHY_X_BUDGET, 0.0, 0.0, extra);
	return r < 0 ? r : sd_bus_message_close_container(reply);
}

/* X's reads of the mentor this month that the budget put off: a part of
 * no points (MENTORD_WHY_X_BUDGET) after strength's own, so that Why keeps its
 * signature. */
static void x_budget_line(struct bus *b, int64_t mentor_id, char *out, size_t size)
{
	unsigned rounds, held;

	*out = 0;
	sched_x_rounds(b->sched, mentor_id, &rounds, &held);
	if (held)
		snprintf(out, size, "X: read less often this month: the budget put %u %s of %u off", held,
		         held == 1 ? "round" : "rounds", rounds);
}

int bus_ledger_why(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	struct bus *b = userdata;
	reply_unref sd_bus_message *reply = NULL;
	struct ledger_stage_info st;
	struct ledger_score strength, fit;
	struct mentor_entry *e;
	const char *query;
	char xline[128];
	int64_t now = clock_now(b->clock);
	int r;

	if ((r = sd_bus_message_read(msg, "s", &query)) < 0)
		return r;
	if ((r = bus_args_mentor(b, query, &e, error)) < 0)
		return r;
	ledger_stage(&e->agg, now, (enum ledger_stage)e->pin, &st);
	mentor_cache_strength(b->mentors, e, now, &strength);
	mentor_cache_fit(b->mentors, e, now, &fit);
	x_budget_line(b, e->id, xline, sizeof xline);
	if ((r = sd_bus_message_new_method_return(msg, &reply)) < 0 ||
	    (r = sd_bus_message_append(reply, "sssd", ledger_stage_name(st.stage), st.why,
	                               st.next_step ? st.next_step : "", strength.score)) < 0 ||
	    (r = append_parts(reply, &strength, *xline ? xline : NULL)) < 0 ||
	    (r = sd_bus_message_append(reply, "d", fit.score)) < 0 ||
	    (r = append_parts(reply, &fit, NULL)) < 0)
		return r;
	return sd_bus_send(NULL, reply, NULL);
}

static bool offline_kind(const char *k)
{
	static const char *const kinds[] = { "met", "email", "call", "meeting", "dm", "note" };
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
		if (strcmp(k, kinds[i]) == 0)
			return true;
	return false;
}

int bus_ledger_log(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	struct bus *b = userdata;
	struct mentor_entry *e;
	const char *query, *kind, *note;
	int64_t when, now = clock_now(b->clock), id;
	int r;

	if ((r = sd_bus_message_read(msg, "sssx", &query, &kind, &note, &when)) < 0)
		return r;
	if ((r = bus_args_mentor(b, query, &e, error)) < 0)
		return r;
	if (!offline_kind(kind))
		return sd_bus_error_setf(error, MENTORD_ERROR_INVALID_ARGUMENT,
		                         "Unknown kind '%.*s' (expected met, email, call, meeting, dm or note)", BUS_CUT(kind, 32));
	if (strlen(note) > MAX_NOTE || !utf8_text_valid(note, strlen(note)))
		return sd_bus_error_setf(error, MENTORD_ERROR_INVALID_ARGUMENT,
		                         "The note must be UTF-8 text of at most %d bytes", MAX_NOTE);
	if (when == 0)
		when = now;
	if (when < 631152000 || when > now + 86400)   /* 1990 .. tomorrow */
		return sd_bus_error_setf(error, MENTORD_ERROR_INVALID_ARGUMENT,
		                         "The time must be between 1990 and tomorrow");
	if ((r = store_begin(b->store)) < 0)
		return bus_args_internal_error(error, r);
	id = store_log_event(b->store, e->id, kind, when, note);
	r = id < 0 ? (int)id : mentor_cache_add_event(b->mentors, e->id, kind, when, NULL, NULL);
	if (r >= 0)
		r = store_commit(b->store);
	else
		store_rollback(b->store);
	if (r < 0) {
		mentor_cache_refresh(b->mentors, e->id);
		return bus_args_internal_error(error, r);
	}
	log_info("logged %s with mentor %" PRId64, kind, e->id);
	return sd_bus_reply_method_return(msg, "t", (uint64_t)id);
}

int bus_ledger_set_stage(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	struct bus *b = userdata;
	struct mentor_entry *e;
	const char *query, *stage;
	int r;

	if ((r = sd_bus_message_read(msg, "ss", &query, &stage)) < 0)
		return r;
	if ((r = bus_args_mentor(b, query, &e, error)) < 0)
		return r;
	bool unpin = !*stage || strcmp(stage, "auto") == 0;
	if (!unpin && ledger_stage_from_name(stage) < 0)
		return sd_bus_error_setf(error, MENTORD_ERROR_INVALID_ARGUMENT,
		                         "Unknown stage '%.*s' (expected follow, participate, establish, "
		                         "connected, dormant or auto)", BUS_CUT(stage, 32));
	if ((r = store_set_stage(b->store, e->id, unpin ? NULL : stage)) < 0 ||
	    (r = mentor_cache_refresh(b->mentors, e->id)) < 0)
		return bus_args_internal_error(error, r);
	return sd_bus_reply_method_return(msg, "");
}

/* Looks up platform/handle after checking them: a network's handle, or
 * another channel's. *acc 0 when not stored. */
static int account_arg(struct bus *b, const char *platform, const char *handle, char *norm,
                       int64_t *acc, int64_t *owner, sd_bus_error *error)
{
	int r;
	if ((r = bus_args_account(platform, handle, norm, error)) < 0)
		return r;
	*owner = 0;
	*acc = store_account_id(b->store, platform, norm, owner);
	return *acc < 0 ? bus_args_internal_error(error, (int)*acc) : 0;
}

/* After accounts moved: both mentors' aggregates from their events, and
 * the one left empty removed. Inside the caller's transaction. */
static int settle(struct bus *b, int64_t from, int64_t to)
{
	int r = 0;
	if (from > 0 && (r = store_drop_empty_mentor(b->store, from)) < 0)
		return r;
	if (from > 0 && r == 0 && (r = mentor_cache_rebuild(b->mentors, from)) < 0)
		return r;
	if (to > 0 && !mentor_cache_get(b->mentors, to) && (r = mentor_cache_refresh(b->mentors, to)) < 0)
		return r;
	return to > 0 ? mentor_cache_rebuild(b->mentors, to) : 0;
}

static int finish_move(struct bus *b, int r, int64_t from, int64_t to, sd_bus_error *error)
{
	if (r >= 0)
		r = store_commit(b->store);
	else
		store_rollback(b->store);
	/* Memory follows the database whatever happened. */
	if (from > 0)
		mentor_cache_refresh(b->mentors, from);
	if (to > 0)
		mentor_cache_refresh(b->mentors, to);
	if (r < 0)
		return bus_args_internal_error(error, r);
	sched_reload(b->sched);
	return 0;
}

/* An address or a profile joins the mentor (a new row, or moved with its
 * events), and what its source saw before is back-filled in the same
 * transaction, before the aggregates are rebuilt. The handle is personal
 * data: named in the log at debug level only. */
static int link_channel(struct bus *b, sd_bus_message *msg, const char *platform, const char *norm,
                        int64_t acc, int64_t owner, int64_t mid, sd_bus_error *error)
{
	int64_t old = 0;
	int r;

	if (acc > 0 && owner == mid)
		return sd_bus_reply_method_return(msg, "t", (uint64_t)acc);
	if ((r = store_begin(b->store)) < 0)
		return bus_args_internal_error(error, r);
	if (acc > 0)
		old = store_move_account(b->store, acc, mid);
	else
		acc = store_channel_add(b->store, platform, norm, mid);
	r = old < 0 ? (int)old : acc < 0 ? (int)acc : 0;
	if (r >= 0)
		r = store_channel_backfill(b->store, platform, acc, mid);
	if (r >= 0)
		r = settle(b, old > 0 ? old : 0, mid);
	if ((r = finish_move(b, r, old > 0 ? old : 0, mid, error)) < 0)
		return r;
	log_info("linked a %s account to mentor %" PRId64, platform, mid);
	log_debug("linked %s on %s to mentor %" PRId64, norm, platform, mid);
	return sd_bus_reply_method_return(msg, "t", (uint64_t)acc);
}

int bus_ledger_link(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	struct bus *b = userdata;
	const char *query, *platform, *handle;
	char norm[MENTORD_MAX_HANDLE + 1];
	struct mentor_entry *e;
	int64_t acc, owner, mid, aid;
	int r;

	if ((r = sd_bus_message_read(msg, "sss", &query, &platform, &handle)) < 0)
		return r;
	if ((r = bus_args_mentor(b, query, &e, error)) < 0 ||
	    (r = account_arg(b, platform, handle, norm, &acc, &owner, error)) < 0)
		return r;
	mid = e->id;
	if (channel_is(platform))
		return link_channel(b, msg, platform, norm, acc, owner, mid, error);
	if (acc == 0) {
		/* Not known yet: following it into this mentor is the link. */
		if ((r = store_follow(b->store, platform, norm, NULL, mid, &mid, &aid)) < 0)
			return bus_args_internal_error(error, r);
		mentor_cache_refresh(b->mentors, mid);
		sched_reload(b->sched);
		return sd_bus_reply_method_return(msg, "t", (uint64_t)aid);
	}
	if (owner == mid)
		return sd_bus_reply_method_return(msg, "t", (uint64_t)acc);
	if ((r = store_begin(b->store)) < 0)
		return bus_args_internal_error(error, r);
	int64_t old = store_move_account(b->store, acc, mid);
	r = old < 0 ? (int)old : settle(b, old, mid);
	if ((r = finish_move(b, r, old > 0 ? old : 0, mid, error)) < 0)
		return r;
	log_info("linked %s on %s to mentor %" PRId64, norm, platform, mid);
	return sd_bus_reply_method_return(msg, "t", (uint64_t)acc);
}

int bus_ledger_unlink(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	struct bus *b = userdata;
	const char *query, *platform, *handle;
	char norm[MENTORD_MAX_HANDLE + 1];
	struct mentor_entry *e;
	int64_t acc, owner, accounts = 0, offline = 0, fresh;
	int r;

	if ((r = sd_bus_message_read(msg, "sss", &query, &platform, &handle)) < 0)
		return r;
	if ((r = bus_args_mentor(b, query, &e, error)) < 0 ||
	    (r = account_arg(b, platform, handle, norm, &acc, &owner, error)) < 0)
		return r;
	if (acc == 0 || owner != e->id)
		return sd_bus_error_setf(error, MENTORD_ERROR_NOT_FOLLOWED, "%s on %s is not an account of mentor %" PRId64,
		                         norm, platform, e->id);
	if ((r = store_mentor_size(b->store, e->id, &accounts, &offline)) < 0)
		return bus_args_internal_error(error, r);
	if (accounts < 2)
		return sd_bus_error_setf(error, MENTORD_ERROR_INVALID_ARGUMENT,
		                         "%s is mentor %" PRId64 "'s only account; unfollow it instead", norm, e->id);
	int64_t mid = e->id;
	if ((r = store_begin(b->store)) < 0)
		return bus_args_internal_error(error, r);
	fresh = store_new_mentor(b->store, norm);
	r = fresh < 0 ? (int)fresh : (int)store_move_account(b->store, acc, fresh);
	if (r >= 0)
		r = settle(b, mid, fresh);
	if ((r = finish_move(b, r, mid, fresh > 0 ? fresh : 0, error)) < 0)
		return r;
	if (channel_is(platform))   /* personal data: the handle at debug level only */
		log_info("unlinked a %s account from mentor %" PRId64 " (now mentor %" PRId64 ")", platform, mid, fresh);
	else
		log_info("unlinked %s on %s from mentor %" PRId64 " (now mentor %" PRId64 ")", norm, platform, mid, fresh);
	log_debug("unlinked %s on %s from mentor %" PRId64, norm, platform, mid);
	return sd_bus_reply_method_return(msg, "t", (uint64_t)fresh);
}
