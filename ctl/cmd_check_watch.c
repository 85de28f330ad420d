/* cmd_check_watch.c — `mentorctl check --watch FILE`: re-checks a draft file
 * each time it is saved and prints only what changed (new findings, gone
 * findings, the verdict moving); with --json one JSON object per check.
 *
 * It watches the file's directory, not the file: editors that save by
 * writing a new file and renaming it over the old one (or by moving the old
 * one aside first) replace the inode a file watch would follow. A file that
 * disappears and is not back within GONE_GRACE_MS was removed for good: the
 * watch ends, as it does on SIGINT or SIGTERM (exit 0). mentorctl is a
 * client, so this is a plain blocking poll() loop. */
#include "ctl.h"
#include "output.h"
#include "text.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <unistd.h>

#define GONE_GRACE_MS 1000
#define WATCH_MAX_DRAFT (64 * 1024)

struct wfinding {
	char *rule, *severity, *message, *fix, *fingerprint, *excerpt;
	uint32_t start, end, line, col;
	int accepted;
};

struct wcheck {
	struct wfinding *v;
	size_t n;
	char verdict[8];
};

static void wcheck_clear(struct wcheck *c)
{
	for (size_t i = 0; i < c->n; i++) {
		struct wfinding *f = &c->v[i];
		free(f->rule);
		free(f->severity);
		free(f->message);
		free(f->fix);
		free(f->fingerprint);
		free(f->excerpt);
	}
	free(c->v);
	*c = (struct wcheck){ .verdict = "" };
}

/* The draft, or NULL with errno (ENOENT: not there, EFBIG: too long). */
static char *read_draft(const char *path)
{
	char *buf = malloc(WATCH_MAX_DRAFT + 2);
	ssize_t n = -1;
	size_t len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC), e;

	if (!buf || fd < 0)
		goto fail;
	while (len <= WATCH_MAX_DRAFT && (n = read(fd, buf + len, WATCH_MAX_DRAFT + 1 - len)) > 0)
		len += (size_t)n;
	if (n < 0)
		goto fail;
	if (len > WATCH_MAX_DRAFT) {
		errno = EFBIG;
		goto fail;
	}
	close(fd);
	buf[len] = '\0';
	return buf;
fail:
	e = errno;
	if (fd >= 0)
		close(fd);
	free(buf);
	errno = e;
	return NULL;
}

static int take(struct wcheck *c, const char *draft, const char *rule, const char *severity,
                uint32_t start, uint32_t end, uint32_t bs, uint32_t be, const char *message,
                const char *fix, const char *fingerprint, int accepted)
{
	size_t len = strlen(draft);
	struct wfinding *v = realloc(c->v, (c->n + 1) * sizeof *v), *f;

	if (!v)
		return -ENOMEM;
	c->v = v;
	f = &v[c->n];
	bs = bs < len ? bs : (uint32_t)len;
	be = be < len ? (be > bs ? be : bs) : (uint32_t)len;
	*f = (struct wfinding){ .rule = strdup(rule), .severity = strdup(severity), .message = strdup(message),
	                        .fix = strdup(fix), .fingerprint = strdup(fingerprint),
	                        .excerpt = strndup(draft + bs, be - bs), .start = start, .end = end,
	                        .accepted = accepted };
	text_line_col(draft, bs, &f->line, &f->col);
	c->n++;
	if (!f->rule || !f->severity || !f->message || !f->fix || !f->fingerprint || !f->excerpt)
		return -ENOMEM;
	return 0;
}

/* One Check call; *out is filled (clear it). Returns a CTL_EXIT_* code. */
static int run_check(struct ctl *ctl, const char *draft, const char *const *accept, int n_accept,
                     struct wcheck *out)
{
	sd_bus_message *msg = NULL, *reply = NULL;
	sd_bus_error error = SD_BUS_ERROR_NULL;
	const char *verdict, *rule, *family, *sev, *message, *fix, *fp;
	uint32_t s, e, bs, be;
	int accepted, r, rc;

	if ((rc = ctl_new_call(ctl, "Check", &msg)) != 0)
		return rc;
	r = sd_bus_message_append(msg, "s", draft);
	if (r >= 0 && (r = sd_bus_message_open_container(msg, 'a', "s")) >= 0) {
		for (int i = 0; i < n_accept && r >= 0; i++)
			r = sd_bus_message_append(msg, "s", accept[i]);
		if (r >= 0)
			r = sd_bus_message_close_container(msg);
	}
	rc = r < 0 ? ctl_bad_reply("Check", r) : ctl_send(ctl, msg, &reply, &error);
	if (rc != CTL_EXIT_OK)
		goto out;
	if ((r = sd_bus_message_read(reply, "s", &verdict)) < 0 ||
	    (r = sd_bus_message_enter_container(reply, 'a', "(sssuuuusssb)")) < 0)
		goto bad;
	snprintf(out->verdict, sizeof out->verdict, "%s", verdict);
	while ((r = sd_bus_message_read(reply, "(sssuuuusssb)", &rule, &family, &sev, &s, &e, &bs, &be,
	                                &message, &fix, &fp, &accepted)) > 0)
		if ((r = take(out, draft, rule, sev, s, e, bs, be, message, fix, fp, accepted)) < 0)
			goto bad;
	if (r >= 0 && (r = sd_bus_message_exit_container(reply)) >= 0)
		goto out;
bad:
	rc = ctl_bad_reply("Check", r == -ENOMEM ? r : -EBADMSG);
out:
	sd_bus_error_free(&error);
	sd_bus_message_unref(msg);
	sd_bus_message_unref(reply);
	return rc;
}

/* Whether f (by fingerprint and severity: what it is, not where) is in c,
 * each entry of c matching once so that a repeated finding counts. */
static bool find_unused(const struct wcheck *c, const struct wfinding *f, bool *used)
{
	for (size_t i = 0; i < c->n; i++)
		if (!used[i] && strcmp(c->v[i].fingerprint, f->fingerprint) == 0 &&
		    strcmp(c->v[i].severity, f->severity) == 0 && c->v[i].accepted == f->accepted) {
			used[i] = true;
			return true;
		}
	return false;
}

static cJSON *wfinding_json(const struct wfinding *f)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "rule", f->rule);
	cJSON_AddStringToObject(o, "severity", f->severity);
	cJSON_AddNumberToObject(o, "start", f->start);
	cJSON_AddNumberToObject(o, "end", f->end);
	cJSON_AddNumberToObject(o, "line", f->line);
	cJSON_AddNumberToObject(o, "column", f->col);
	cJSON_AddStringToObject(o, "text", f->excerpt);
	cJSON_AddStringToObject(o, "message", f->message);
	cJSON_AddStringToObject(o, "fix", f->fix);
	cJSON_AddStringToObject(o, "fingerprint", f->fingerprint);
	cJSON_AddBoolToObject(o, "accepted", f->accepted);
	return o;
}

static void wfinding_text(char sign, const struct wfinding *f)
{
	char *excerpt = text_line(f->excerpt, 60);
	printf("%c %s %u:%u %s \"%s\": %s%s\n", sign, f->severity, f->line, f->col, f->rule,
	       excerpt ? excerpt : "", f->message, f->accepted ? " [accepted]" : "");
	free(excerpt);
}

/* Prints what changed from old to cur (all of cur the first time). */
static void report(struct ctl *ctl, const char *path, const struct wcheck *old, const struct wcheck *cur,
                   bool first)
{
	bool *kept_old = calloc(old->n + 1, sizeof(bool)), *kept_cur = calloc(cur->n + 1, sizeof(bool));
	bool *scratch_old = calloc(old->n + 1, sizeof(bool)), *scratch_cur = calloc(cur->n + 1, sizeof(bool));
	bool *used_old = kept_old, *used_cur = kept_cur;
	cJSON *doc = NULL, *added = NULL, *gone = NULL, *all;

	if (!kept_old || !kept_cur || !scratch_old || !scratch_cur)
		goto out;
	/* cur[i] is new unless old has it; old[i] is gone unless cur has it. */
	for (size_t i = 0; i < cur->n; i++)
		kept_cur[i] = find_unused(old, &cur->v[i], scratch_old);
	for (size_t i = 0; i < old->n; i++)
		kept_old[i] = find_unused(cur, &old->v[i], scratch_cur);
	if (ctl->json) {
		doc = cJSON_CreateObject();
		cJSON_AddStringToObject(doc, "file", path);
		cJSON_AddStringToObject(doc, "verdict", cur->verdict);
		if (first)
			cJSON_AddNullToObject(doc, "previous");
		else
			cJSON_AddStringToObject(doc, "previous", old->verdict);
		all = cJSON_AddArrayToObject(doc, "findings");
		added = cJSON_AddArrayToObject(doc, "new");
		gone = cJSON_AddArrayToObject(doc, "gone");
		for (size_t i = 0; i < cur->n; i++) {
			cJSON_AddItemToArray(all, wfinding_json(&cur->v[i]));
			if (!used_cur[i])
				cJSON_AddItemToArray(added, wfinding_json(&cur->v[i]));
		}
		for (size_t i = 0; i < old->n; i++)
			if (!used_old[i])
				cJSON_AddItemToArray(gone, wfinding_json(&old->v[i]));
		char *line = cJSON_PrintUnformatted(doc);
		if (line)
			printf("%s\n", line);
		free(line);
		cJSON_Delete(doc);
		goto out;
	}
	if (first)
		printf("%s: %s\n", path, cur->verdict);
	else if (strcmp(old->verdict, cur->verdict) != 0)
		printf("%s: %s -> %s\n", path, old->verdict, cur->verdict);
	for (size_t i = 0; i < old->n; i++)
		if (!used_old[i])
			wfinding_text('-', &old->v[i]);
	for (size_t i = 0; i < cur->n; i++)
		if (!used_cur[i])
			wfinding_text('+', &cur->v[i]);
out:
	fflush(stdout);
	free(kept_old);
	free(kept_cur);
	free(scratch_old);
	free(scratch_cur);
}

/* Checks the file once more: 1 checked, 0 not there, or a CTL_EXIT_* code
 * (negated) when the daemon failed. A draft too long or unreadable is said
 * and skipped: the next save may fix it. */
static int recheck(struct ctl *ctl, const char *path, const char *const *accept, int n_accept,
                   struct wcheck *last, bool *first)
{
	struct wcheck cur = { .verdict = "" };
	char *draft = read_draft(path);
	int rc;

	if (!draft) {
		if (errno == ENOENT)
			return 0;
		fprintf(stderr, "mentorctl check: %s: %s\n", path,
		        errno == EFBIG ? "the draft is longer than 65536 bytes" : strerror(errno));
		return 1;
	}
	rc = run_check(ctl, draft, accept, n_accept, &cur);
	free(draft);
	if (rc != CTL_EXIT_OK) {
		wcheck_clear(&cur);
		return -rc;
	}
	report(ctl, path, last, &cur, *first);
	*first = false;
	wcheck_clear(last);
	*last = cur;
	return 1;
}

/* What a batch of events says about the file (named base in the watched
 * directory): *changed (written or moved in), *gone (deleted or moved away),
 * *dir_gone (the directory itself). */
static void read_events(int fd, const char *base, bool *changed, bool *gone, bool *dir_gone)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t n = read(fd, buf, sizeof buf);

	for (char *p = buf; n > 0 && p < buf + n; ) {
		const struct inotify_event *ev = (const struct inotify_event *)p;
		p += sizeof *ev + ev->len;
		if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED | IN_UNMOUNT))
			*dir_gone = true;
		if (!ev->len || strcmp(ev->name, base) != 0)
			continue;
		if (ev->mask & (IN_CLOSE_WRITE | IN_MOVED_TO)) {
			*changed = true;
			*gone = false;
		} else if (ev->mask & IN_CREATE) {
			*gone = false;   /* its content comes with IN_CLOSE_WRITE */
		} else if (ev->mask & (IN_DELETE | IN_MOVED_FROM)) {
			*gone = true;
			*changed = false;
		}
	}
}

static int watch_loop(struct ctl *ctl, const char *path, const char *base, int ifd, int sfd,
                      const char *const *accept, int n_accept)
{
	struct wcheck last = { .verdict = "" };
	bool first = true, gone = false;
	int r, rc = CTL_EXIT_OK;

	if ((r = recheck(ctl, path, accept, n_accept, &last, &first)) <= 0) {
		if (r == 0)
			fprintf(stderr, "mentorctl check: %s: %s\n", path, strerror(ENOENT));
		wcheck_clear(&last);
		return r == 0 ? CTL_EXIT_USAGE : -r;
	}
	for (;;) {
		struct pollfd pf[2] = { { .fd = ifd, .events = POLLIN }, { .fd = sfd, .events = POLLIN } };
		bool changed = false, dir_gone = false;

		r = poll(pf, 2, gone ? GONE_GRACE_MS : -1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			fprintf(stderr, "mentorctl check: poll: %s\n", strerror(errno));
			rc = CTL_EXIT_DAEMON;
			break;
		}
		if (r == 0) {   /* gone, and not back within the grace period */
			if (!ctl->json)
				printf("%s: removed, watch ended\n", path);
			break;
		}
		if (pf[1].revents) {
			/* SIGINT or SIGTERM: a clean end. Read, or it would be
			 * delivered (and kill) when the mask is restored. */
			struct signalfd_siginfo si;
			ssize_t got = read(sfd, &si, sizeof si);
			(void)got;
			break;
		}
		read_events(ifd, base, &changed, &gone, &dir_gone);
		if (dir_gone) {
			if (!ctl->json)
				printf("%s: its directory is gone, watch ended\n", path);
			break;
		}
		if (changed && (r = recheck(ctl, path, accept, n_accept, &last, &first)) < 0) {
			rc = -r;
			break;
		}
		if (changed && r == 0)
			gone = true;   /* moved in and away again already */
	}
	fflush(stdout);
	wcheck_clear(&last);
	return rc;
}

int ctl_check_watch(struct ctl *ctl, const char *path, const char *const *accept, int n_accept)
{
	char *copy = strdup(path), *slash, *dir, *base;
	sigset_t set, old;
	int ifd = -1, sfd = -1, rc = CTL_EXIT_DAEMON;

	if (!copy)
		return CTL_EXIT_DAEMON;
	slash = strrchr(copy, '/');
	dir = !slash ? "." : slash == copy ? "/" : copy;
	base = slash ? slash + 1 : copy;
	if (slash && slash != copy)
		*slash = '\0';
	if (!*base) {
		free(copy);
		return ctl_usage_error("check", "--watch needs a file, not a directory");
	}
	/* Signals arrive as a readable fd, so the loop ends between checks. A
	 * shell starts background jobs with SIGINT ignored, and an ignored
	 * signal is never pending: take the default back (it stays blocked). */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, &old);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	if ((sfd = signalfd(-1, &set, SFD_CLOEXEC)) < 0 || (ifd = inotify_init1(IN_CLOEXEC)) < 0) {
		fprintf(stderr, "mentorctl check: cannot watch: %s\n", strerror(errno));
		goto out;
	}
	if (inotify_add_watch(ifd, dir, IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_MOVED_FROM |
	                                IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR) < 0) {
		fprintf(stderr, "mentorctl check: cannot watch %s: %s\n", dir, strerror(errno));
		rc = CTL_EXIT_USAGE;
		goto out;
	}
	rc = watch_loop(ctl, path, base, ifd, sfd, accept, n_accept);
out:
	if (ifd >= 0)
		close(ifd);
	if (sfd >= 0)
		close(sfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	free(copy);
	return rc;
}
