/* mail.c — the e-mail source's object: settings, life cycle, status. */
#include "mail/mail_internal.h"
#include "store/store.h"
#include "store/store_mail.h"
#include "base/log.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static int strv_copy(char *const *src, size_t n, char ***out)
{
	char **v = calloc(n ? n : 1, sizeof *v);
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (!(v[i] = strdup(src[i]))) {
			strv_free(v, i);
			return -ENOMEM;
		}
	*out = v;
	return 0;
}

static bool strv_equal(char *const *a, size_t na, char *const *b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (strcmp(a[i], b[i]) != 0)
			return false;
	return true;
}

static int set_settings(struct mail *m, const struct mail_settings *set)
{
	char **roots, **me;
	if (strv_copy(set->roots, set->n_roots, &roots) < 0)
		return -ENOMEM;
	if (strv_copy(set->me, set->n_me, &me) < 0) {
		strv_free(roots, set->n_roots);
		return -ENOMEM;
	}
	strv_free(m->roots, m->n_roots);
	strv_free(m->me, m->n_me);
	m->roots = roots;
	m->n_roots = set->n_roots;
	m->me = me;
	m->n_me = set->n_me;
	m->subjects = set->subjects;
	return 0;
}

/* subjects = no applies to what was kept before too. */
static int drop_subjects(struct mail *m)
{
	int r, n;
	if (m->subjects || m->n_roots == 0)
		return 0;
	if ((r = store_begin(m->deps.store)) < 0)
		return r;
	if ((n = store_mail_drop_subjects(m->deps.store)) < 0) {
		store_rollback(m->deps.store);
		return n;
	}
	if ((r = store_commit(m->deps.store)) < 0)
		return r;
	if (n > 0)
		log_info("email: subjects = no: dropped the subjects of %d messages kept before", n);
	return 0;
}

int mail_new(struct mail **out, const struct mail_deps *deps, const struct mail_events *ev,
             const struct mail_settings *set)
{
	struct mail *m = calloc(1, sizeof *m);
	int r;

	if (!m)
		return -ENOMEM;
	m->deps = *deps;
	m->ev = ev ? *ev : (struct mail_events){ 0 };
	m->ifd = -1;
	m->sink = (struct mail_watch_sink){
		.dir = mail_scan_push_dir, .file = mail_scan_push_file, .overflow = mail_scan_restart,
	};
	if ((r = set_settings(m, set)) < 0 || (r = mail_scan_init(m)) < 0 ||
	    (r = store_mail_counts(deps->store, &m->known_files, &m->known_messages)) < 0)
		goto fail;
	if ((r = drop_subjects(m)) < 0)
		log_err("email: cannot drop the subjects kept before: %s", strerror(-r));
	if (m->n_roots > 0) {
		if (m->n_me == 0)
			log_warn("email: [email] me is not set: no message can be told to be yours");
		if ((r = mail_watch_open(m)) < 0 || (r = mail_scan_start(m)) < 0)
			goto fail;
		log_info("email: reading %zu Maildir root(s), %llu message files known", m->n_roots,
		         (unsigned long long)m->known_files);
	}
	*out = m;
	return 0;
fail:
	mail_free(m);
	return r;
}

void mail_free(struct mail *m)
{
	if (!m)
		return;
	mail_watch_close(m);
	mail_scan_free(m);
	strv_free(m->roots, m->n_roots);
	strv_free(m->me, m->n_me);
	free(m);
}

int mail_reload(struct mail *m, const struct mail_settings *set)
{
	bool same = strv_equal(m->roots, m->n_roots, set->roots, set->n_roots);
	int r;

	if ((r = set_settings(m, set)) < 0)
		return r;
	if ((r = drop_subjects(m)) < 0)
		log_err("email: cannot drop the subjects kept before: %s", strerror(-r));
	if (same)
		return 0;
	/* Other roots: drop every watch and queued job, walk what is listed
	 * now. Files already read cost one lookup each. */
	mail_scan_clear(m);
	mail_watch_drop_all(m);
	if (m->n_roots == 0) {
		mail_watch_close(m);
		m->scanning = false;
		m->last_error[0] = '\0';
		log_info("email: no Maildir configured any more; stopped");
		return 0;
	}
	if (m->ifd < 0 && (r = mail_watch_open(m)) < 0)
		return r;
	log_info("email: Maildir roots changed; walking %zu root(s)", m->n_roots);
	return mail_scan_start(m);
}

void mail_status(const struct mail *m, struct mail_status *out)
{
	*out = (struct mail_status){
		.enabled = m->n_roots > 0, .folders = (unsigned)m->n_folders, .files = m->known_files,
		.messages = m->known_messages, .last_scan = m->last_scan, .last_error = m->last_error,
	};
	if (!out->enabled)
		out->state = "disabled";
	else if (m->scanning)
		out->state = "scanning";
	else if (m->last_error[0] && m->n_folders == 0)
		out->state = "error";
	else
		out->state = "watching";
}
