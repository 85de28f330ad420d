/* bus_import.c — StartImport, GetImports and GetImportCandidates: whom the
 * user already follows, read by a job of the scheduler (poll/sched_import.h).
 * The handles of an export file come over the bus: mentorctl reads the
 * user's file, the daemon never opens a path it is given. */
#include "bus/bus_internal.h"
#include "poll/sched_import.h"
#include "mentord-bus.h"
#include "net/net.h"
#include "base/log.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* The "as" of handles, each checked and normalised, into *out (caller frees
 * the strings and the array). */
static int read_handles(sd_bus_message *msg, const char *platform, char ***out, size_t *n,
                        sd_bus_error *error)
{
	const char *h;
	char **v = NULL;
	size_t cap = 0;
	int r;

	*n = 0;
	if ((r = sd_bus_message_enter_container(msg, 'a', "s")) < 0)
		return r;
	while ((r = sd_bus_message_read(msg, "s", &h)) > 0) {
		char norm[MENTORD_MAX_HANDLE + 1];
		if (*n >= SCHED_IMPORT_MAX_ROWS) {
			r = sd_bus_error_setf(error, MENTORD_ERROR_INVALID_ARGUMENT,
			                      "At most %d accounts per import", SCHED_IMPORT_MAX_ROWS);
			break;
		}
		if ((r = bus_args_handle(platform, h, norm, error)) < 0)
			break;
		if (*n == cap) {
			char **nv = realloc(v, (cap = cap ? 2 * cap : 64) * sizeof *nv);
			if (!nv) {
				r = -ENOMEM;
				break;
			}
			v = nv;
		}
		if (!(v[*n] = strdup(norm))) {
			r = -ENOMEM;
			break;
		}
		(*n)++;
	}
	if (r >= 0)
		r = sd_bus_message_exit_container(msg);
	*out = v;
	return r;
}

int bus_import_start(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	struct bus *b = userdata;
	const char *platform, *match;
	char **handles = NULL, why[256] = "";
	size_t n = 0;
	uint32_t limit;
	uint64_t job = 0;
	int r;

	if ((r = sd_bus_message_read(msg, "s", &platform)) < 0)
		return r;
	if ((r = bus_args_platform(platform, error)) < 0)
		return r;
	if ((r = read_handles(msg, platform, &handles, &n, error)) >= 0 &&
	    (r = sd_bus_message_read(msg, "su", &match, &limit)) >= 0) {
		if (strlen(match) > 512 || !utf8_text_valid(match, strlen(match)))
			r = sd_bus_error_setf(error, MENTORD_ERROR_INVALID_ARGUMENT, "Invalid match words");
		else if (!b->imports)
			r = sd_bus_error_setf(error, MENTORD_ERROR_IMPORT_REFUSED, "Imports are not available");
		else if ((r = sched_import_start(b->imports, platform, (const char *const *)handles, n, match,
		                                 limit, &job, why, sizeof why)) == -ENOMEM)
			;
		else if (r < 0)
			r = sd_bus_error_setf(error, r == -EINVAL ? MENTORD_ERROR_INVALID_ARGUMENT :
			                      MENTORD_ERROR_IMPORT_REFUSED, "Cannot import from %s: %s", platform, why);
	}
	for (size_t i = 0; i < n; i++)
		free(handles[i]);
	free(handles);
	if (r < 0)
		return r;
	return sd_bus_reply_method_return(msg, "t", job);
}

static int append_info(const struct sched_import_info *i, void *userdata)
{
	return sd_bus_message_append(userdata, "(tsssuub)", i->id, i->platform, i->state, i->message,
	                             i->fetched, i->total, (int)i->from_list);
}

int bus_import_list(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	struct bus *b = userdata;
	reply_unref sd_bus_message *reply = NULL;
	int r;

	if ((r = sd_bus_message_new_method_return(msg, &reply)) < 0 ||
	    (r = sd_bus_message_open_container(reply, 'a', "(tsssuub)")) < 0)
		return r;
	if (b->imports && (r = sched_import_for_each(b->imports, append_info, reply)) < 0)
		return r;
	if ((r = sd_bus_message_close_container(reply)) < 0)
		return r;
	return sd_bus_send(NULL, reply, NULL);
}

static int append_row(const struct sched_import_row *w, void *userdata)
{
	return sd_bus_message_append(userdata, "(ussdbbbs)", w->rank, w->handle, w->name ? w->name : "",
	                             w->fit, (int)w->found, (int)w->followed, (int)w->followed_source,
	                             w->source_why ? w->source_why : "");
}

int bus_import_candidates(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	struct bus *b = userdata;
	reply_unref sd_bus_message *reply = NULL;
	uint64_t job;
	int r;

	if ((r = sd_bus_message_read(msg, "t", &job)) < 0)
		return r;
	if ((r = sd_bus_message_new_method_return(msg, &reply)) < 0 ||
	    (r = sd_bus_message_open_container(reply, 'a', "(ussdbbbs)")) < 0)
		return r;
	r = b->imports ? sched_import_rows(b->imports, job, append_row, reply) : -ENOENT;
	if (r == -ENOENT)
		return sd_bus_error_setf(error, MENTORD_ERROR_INVALID_ARGUMENT, "No import job %llu",
		                         (unsigned long long)job);
	if (r == -EBUSY)
		return sd_bus_error_setf(error, MENTORD_ERROR_IMPORT_REFUSED,
		                         "Import job %llu has not finished (see GetImports)", (unsigned long long)job);
	if (r < 0)
		return r == -ENOMEM ? r : bus_args_internal_error(error, r);
	if ((r = sd_bus_message_close_container(reply)) < 0)
		return r;
	return sd_bus_send(NULL, reply, NULL);
}
