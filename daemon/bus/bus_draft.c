/* bus_check.c — Check: the professionalism check of a draft, with the
 * findings the user accepted before (and any accepted now) set aside. */
#include "bus/bus_internal.h"
#include "base/clock.h"
#include "check/check.h"
#include "mentord-bus.h"
#include "store/store.h"
#include "base/log.h"

#include <errno.h>
#include <string.h>

#define MAX_DRAFT (64 * 1024)
#define MAX_ACCEPT 64

static int accept_stored(const char *fingerprint, void *userdata)
{
	check_result_accept(userdata, fingerprint);
	return 0;
}

/* Fingerprints the caller accepts now: all checked and applied first, then
 * recorded in one transaction, so a refused call records nothing. */
static int accept_new(struct bus *b, sd_bus_message *msg, struct check_result *res, sd_bus_error *error)
{
	const char *fp, *fps[MAX_ACCEPT];
	size_t n = 0;
	int r;

	if ((r = sd_bus_message_enter_container(msg, 'a', "s")) < 0)
		return r;
	while ((r = sd_bus_message_read(msg, "s", &fp)) > 0) {
		if (n == MAX_ACCEPT || strlen(fp) >= CHECK_FINGERPRINT_SIZE)
			return sd_bus_error_setf(error, MENTORD_ERROR_INVALID_ARGUMENT,
			                         "At most %d fingerprints of the form rule:hex", MAX_ACCEPT);
		if (check_result_accept(res, fp) == -ENOENT)
			return sd_bus_error_setf(error, MENTORD_ERROR_INVALID_ARGUMENT,
			                         "No finding with fingerprint '%.*s' in this draft", BUS_CUT(fp, 64));
		fps[n++] = fp;   /* points into msg, which outlives this call */
	}
	if (r < 0 || (r = sd_bus_message_exit_container(msg)) < 0 || n == 0)
		return r;
	if ((r = store_begin(b->store)) < 0)
		return bus_args_internal_error(error, r);
	for (size_t i = 0; i < n && r >= 0; i++) {
		const char *colon = strchr(fps[i], ':');
		char rule[CHECK_FINGERPRINT_SIZE];
		snprintf(rule, sizeof rule, "%.*s", colon ? (int)(colon - fps[i]) : (int)strlen(fps[i]), fps[i]);
		r = store_check_accept(b->store, fps[i], rule, clock_now(b->clock));
	}
	if (r >= 0)
		r = store_commit(b->store);
	else
		store_rollback(b->store);
	if (r < 0)
		return bus_args_internal_error(error, r);
	for (size_t i = 0; i < n; i++)
		log_info("check: finding %.*s accepted by the user", (int)strcspn(fps[i], ":"), fps[i]);
	return 0;
}

static int append_findings(sd_bus_message *reply, const struct check_result *res)
{
	int r = sd_bus_message_open_container(reply, 'a', "(sssuuuusssb)");
	for (size_t i = 0; r >= 0 && i < res->n_findings; i++) {
		const struct check_finding *f = &res->findings[i];
		r = sd_bus_message_append(reply, "(sssuuuusssb)", f->rule, f->family,
		                          check_verdict_name(f->severity),
		                          (uint32_t)f->char_start, (uint32_t)f->char_end,
		                          (uint32_t)f->byte_start, (uint32_t)f->byte_end,
		                          f->message, f->fix ? f->fix : "", f->fingerprint,
		                          (int)f->accepted);
	}
	return r < 0 ? r : sd_bus_message_close_container(reply);
}

int bus_draft_check(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	struct bus *b = userdata;
	reply_unref sd_bus_message *reply = NULL;
	struct check_result res = { 0 };
	const char *text;
	size_t len;
	int r;

	if ((r = sd_bus_message_read(msg, "s", &text)) < 0)
		return r;
	len = strlen(text);
	if (len > MAX_DRAFT)
		return sd_bus_error_setf(error, MENTORD_ERROR_INVALID_ARGUMENT,
		                         "Draft too long (%zu bytes; at most %d)", len, MAX_DRAFT);
	if (!b->check)
		return sd_bus_error_setf(error, MENTORD_ERROR_INTERNAL, "The draft check is not available");
	if ((r = check_text(b->check, text, len, &res)) < 0)
		return bus_args_internal_error(error, r);
	if ((r = store_for_each_check_accept(b->store, accept_stored, &res)) < 0) {
		r = bus_args_internal_error(error, r);
		goto out;
	}
	if ((r = accept_new(b, msg, &res, error)) < 0)
		goto out;
	if ((r = sd_bus_message_new_method_return(msg, &reply)) < 0 ||
	    (r = sd_bus_message_append(reply, "s", check_verdict_name(res.verdict))) < 0 ||
	    (r = append_findings(reply, &res)) < 0)
		goto out;
	r = sd_bus_send(NULL, reply, NULL);
out:
	check_result_clear(&res);
	return r;
}
