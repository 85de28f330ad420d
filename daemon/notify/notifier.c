/* notifier.c — the notifier: ledger news in, asynchronous Notify calls out. */
#include "notify/notifier.h"
#include "base/clock.h"
#include "common/str.h"
#include "common/strbuf.h"
#include "net/net.h"
#include "notify/notify_text.h"
#include "mentors/mentor_cache.h"
#include "base/log.h"
#include "mentors/nudges.h"
#include "store/store.h"
#include "ledger/textvec.h"

#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define NOTIF_DEST "org.freedesktop.Notifications"
#define NOTIF_PATH "/org/freedesktop/Notifications"
#define NOTIF_IFACE "org.freedesktop.Notifications"
#define SHOWN_MAX 64               /* notifications whose "Open" we remember */
#define REVIEW_EVERY (6 * 3600)    /* every mentor: cooling needs only time to pass */
#define ANNOUNCED_KEEP (180 * 86400)
#define FRESH_MAX 512
/* Mentors a full review looks at per turn of the loop: ~0.25 ms each at
 * 10,000 mentors and 1M events (bench/review.c), so a step holds the loop
 * ~12 ms where the whole review held it ~140 ms. */
#define REVIEW_STEP 50

struct inflight {
	struct notifier *n;
	sd_bus_slot *slot;             /* NULL: free */
	char *url;
};

struct notifier {
	struct event_base *base;
	const struct clock *clock;
	struct store *store;
	struct mentor_cache *mentors;
	struct notifier_events events;
	bool in_round;                 /* a manual round is under way: its burst grows */
	sd_bus *bus;
	struct notify_policy policy;
	struct event *timer, *sigchld, *review, *review_step;
	bool review_soon;
	struct nudge_list *full;       /* a full review under way, a step per turn */
	int64_t full_from, full_now;
	char *fresh[FRESH_MAX];        /* URLs of news since the last review */
	size_t n_fresh;
	int64_t fresh_mentors[FRESH_MAX];   /* and whose news, deduplicated */
	size_t n_fresh_mentors;
	sd_bus_slot *action_match;
	struct inflight calls[NOTIFY_MAX_INFLIGHT];
	struct { uint32_t id; char *url; } shown[SHOWN_MAX];
	size_t shown_next;
	char *server;                  /* unique name of the server that answered */
	char *open_command;
	bool server_absent;            /* the last Notify found no server: said once */
	bool busy_said;                /* "not answering" logged */
};

/* ---- opening URLs ---- */

static void on_sigchld(evutil_socket_t sig, short what, void *userdata)
{
	/* Only the open_command children are ours to reap. */
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

static void open_url(struct notifier *n, const char *url)
{
	char *argv[] = { n->open_command, (char *)url, NULL };
	pid_t pid;

	/* A URL never starts with '-', so it cannot become an option. */
	if (strncmp(url, "https://", 8) != 0 && strncmp(url, "http://", 7) != 0)
		return;
	pid = fork();
	if (pid == 0) {
		/* The child only sets up stdio and execs: no locks, no loop. */
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	if (pid < 0)
		log_warn("notifications: cannot run %s: %s", n->open_command, strerror(errno));
}

static int on_action(sd_bus_message *msg, void *userdata, sd_bus_error *ret_error)
{
	struct notifier *n = userdata;
	const char *key, *sender = sd_bus_message_get_sender(msg);
	uint32_t id;

	/* Only the server that showed our notifications speaks for them. */
	if (!n->server || !sender || strcmp(sender, n->server) != 0)
		return 0;
	if (sd_bus_message_read(msg, "us", &id, &key) < 0)
		return 0;
	if (strcmp(key, "default") != 0 && strcmp(key, "open") != 0)
		return 0;
	for (size_t i = 0; i < SHOWN_MAX; i++)
		if (n->shown[i].url && n->shown[i].id == id) {
			open_url(n, n->shown[i].url);
			break;
		}
	return 0;
}

/* ---- sending ---- */

static void remember_shown(struct notifier *n, uint32_t id, char *url)
{
	size_t i = n->shown_next++ % SHOWN_MAX;
	free(n->shown[i].url);
	n->shown[i].id = id;
	n->shown[i].url = url;
}

static bool server_missing(const sd_bus_error *e)
{
	return sd_bus_error_has_name(e, SD_BUS_ERROR_SERVICE_UNKNOWN) ||
	       sd_bus_error_has_name(e, SD_BUS_ERROR_NAME_HAS_NO_OWNER) ||
	       sd_bus_error_has_name(e, SD_BUS_ERROR_NO_REPLY) ||
	       sd_bus_error_has_name(e, SD_BUS_ERROR_TIMEOUT) ||
	       sd_bus_error_has_name(e, SD_BUS_ERROR_UNKNOWN_METHOD) ||
	       sd_bus_error_has_name(e, SD_BUS_ERROR_UNKNOWN_OBJECT);
}

static int on_reply(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error)
{
	struct inflight *c = userdata;
	struct notifier *n = c->n;
	const sd_bus_error *e = sd_bus_message_get_error(reply);
	uint32_t id;

	if (e) {
		if (!n->server_absent)
			log_warn("notifications: %s (%s)%s", e->message ? e->message : "Notify failed", e->name,
			         server_missing(e) ? "; no notification server, desktop notifications are dropped "
			                             "until one appears" : "");
		n->server_absent = n->server_absent || server_missing(e);
		free(c->url);
	} else if (sd_bus_message_read(reply, "u", &id) < 0) {
		free(c->url);
	} else {
		if (n->server_absent)
			log_info("notifications: a notification server is back");
		n->server_absent = false;
		n->busy_said = false;
		free(n->server);
		n->server = str_dup(sd_bus_message_get_sender(reply));
		if (c->url)
			remember_shown(n, id, c->url);
		else
			free(c->url);
	}
	c->url = NULL;
	c->slot = sd_bus_slot_unref(c->slot);
	return 0;
}

static int append_hints(sd_bus_message *msg, const struct notify_msg *nm)
{
	int r;
	if ((r = sd_bus_message_open_container(msg, 'a', "{sv}")) < 0 ||
	    (r = sd_bus_message_append(msg, "{sv}", "urgency", "y", nm->urgency)) < 0 ||
	    (r = sd_bus_message_append(msg, "{sv}", "category", "s", nm->category)) < 0 ||
	    (r = sd_bus_message_append(msg, "{sv}", "desktop-entry", "s", "mentord")) < 0)
		return r;
	return sd_bus_message_close_container(msg);
}

static void send_msg(struct notify_msg *nm, void *userdata)
{
	struct notifier *n = userdata;
	sd_bus_message *msg = NULL;
	struct inflight *c = NULL;
	int r;

	for (size_t i = 0; i < NOTIFY_MAX_INFLIGHT && !c; i++)
		if (!n->calls[i].slot)
			c = &n->calls[i];
	if (!c) {
		/* A wedged server must not pile up calls in our memory. */
		if (!n->busy_said)
			log_warn("notifications: the notification server is not answering; dropping");
		n->busy_said = true;
		notify_msg_clear(nm);
		return;
	}
	r = sd_bus_message_new_method_call(n->bus, &msg, NOTIF_DEST, NOTIF_PATH, NOTIF_IFACE, "Notify");
	if (r >= 0)
		r = sd_bus_message_append(msg, "susss", "mentord", (uint32_t)0, "", nm->summary, nm->body);
	if (r >= 0 && nm->url)
		r = sd_bus_message_append(msg, "as", 4, "default", "Open", "open", "Open");
	else if (r >= 0)
		r = sd_bus_message_append(msg, "as", 0);
	if (r >= 0)
		r = append_hints(msg, nm);
	if (r >= 0)
		r = sd_bus_message_append(msg, "i", (int32_t)-1);
	if (r >= 0)
		r = sd_bus_call_async(n->bus, &c->slot, msg, on_reply, c, 0);
	sd_bus_message_unref(msg);
	if (r < 0) {
		log_warn("notifications: cannot send: %s", strerror(-r));
		notify_msg_clear(nm);
		return;
	}
	c->n = n;
	c->url = nm->url;   /* kept for the "Open" action */
	nm->url = NULL;
	notify_msg_clear(nm);
}

static void review_fresh(struct notifier *n);

/* ---- the flush timer ---- */

static void arm(struct notifier *n)
{
	int64_t now = clock_now(n->clock), due = notify_policy_next_due(&n->policy, now), us;
	struct timeval tv;
	if (!due) {
		evtimer_del(n->timer);
		return;
	}
	us = due > now ? clock_real_usec(n->clock, due - now) : 0;
	tv = clock_timeval(us);
	evtimer_add(n->timer, &tv);
}

static void on_timer(evutil_socket_t fd, short what, void *userdata)
{
	struct notifier *n = userdata;
	if (n->in_round)
		return;   /* notifier_round_done() flushes; until then the burst grows */
	/* Nudges about this window's news join it, so that a post and the
	 * opportunity it announces make one notification, not two. */
	if (n->review_soon)
		review_fresh(n);
	if (notify_policy_flush(&n->policy, clock_now(n->clock), send_msg, n) < 0)
		log_warn("notifications: out of memory");
	arm(n);
}

void notifier_round_begin(struct notifier *n)
{
	if (n)
		n->in_round = true;
}

void notifier_round_done(struct notifier *n)
{
	struct timeval now = { 0, 0 };
	if (!n)
		return;
	n->in_round = false;
	notify_policy_close_window(&n->policy, clock_now(n->clock));
	if (n->review_soon || notify_policy_next_due(&n->policy, clock_now(n->clock)))
		evtimer_add(n->timer, &now);
}

void notifier_offer(struct notifier *n, const struct notify_item *it)
{
	if (!n)
		return;
	if (notify_policy_offer(&n->policy, it, clock_now(n->clock)) < 0)
		log_warn("notifications: out of memory");
	arm(n);
}

/* News for the next review; the flush timer runs it within the window. */
static void note_fresh(struct notifier *n, int64_t mentor_id, const char *url)
{
	bool known = false;
	for (size_t i = 0; i < n->n_fresh_mentors && !known; i++)
		known = n->fresh_mentors[i] == mentor_id;
	if (!known && n->n_fresh_mentors < FRESH_MAX)
		n->fresh_mentors[n->n_fresh_mentors++] = mentor_id;
	if (url && n->n_fresh < FRESH_MAX && (n->fresh[n->n_fresh] = strdup(url)))
		n->n_fresh++;
	if (!n->review_soon) {
		struct timeval tv = { (time_t)n->policy.rules.coalesce_s, 0 };
		n->review_soon = true;
		if (!evtimer_pending(n->timer, NULL))
			evtimer_add(n->timer, &tv);
	}
}

static enum notify_kind kind_of(const char *kind, const char **verb)
{
	*verb = NULL;
	if (strcmp(kind, "post") == 0)
		return NOTIFY_POST;
	if (strcmp(kind, "reply_to_me") == 0)
		return NOTIFY_REPLY;
	if (strcmp(kind, "mention_of_me") == 0)
		*verb = "mentioned you";
	else if (strcmp(kind, "quote_of_mine") == 0)
		*verb = "quoted you";
	else if (strcmp(kind, "follow_of_me") == 0)
		*verb = "followed you";
	else
		return NOTIFY_KIND_COUNT;   /* likes, reposts and the user's own acts: no popup */
	return NOTIFY_MENTION;
}

void notifier_activity(struct notifier *n, int64_t mentor_id, const char *kind, const char *platform,
                       const char *url, const char *text)
{
	const char *verb;
	enum notify_kind k;
	struct mentor_entry *e;
	char summary[200];
	struct notify_item it;

	if (!n || !kind)
		return;
	note_fresh(n, mentor_id, url);
	if ((k = kind_of(kind, &verb)) == NOTIFY_KIND_COUNT)
		return;
	if (k == NOTIFY_POST && !textvec_text_matches(mentor_cache_interests(n->mentors), text ? text : "", NULL, 0))
		return;
	e = mentor_cache_get(n->mentors, mentor_id);
	it = (struct notify_item){ .kind = k, .mentor_id = mentor_id, .mentor = e ? e->name : NULL,
	                           .platform = (char *)platform, .url = (char *)url, .text = (char *)text };
	if (verb) {
		snprintf(summary, sizeof summary, "%s %s on %s", e ? e->name : "A mentor", verb,
		         notify_network_title(platform));
		it.summary = summary;
	}
	notifier_offer(n, &it);
}

void notifier_tagged(struct notifier *n, int64_t mentor_id, const char *who, const char *platform,
                     const char *url, const char *post_key, const char *findings)
{
	const struct net_platform *net = platform ? net_platform_find(platform) : NULL;
	struct mentor_entry *e = n && mentor_id > 0 ? mentor_cache_get(n->mentors, mentor_id) : NULL;
	struct strbuf key = STRBUF_INIT, body = STRBUF_INIT;
	/* Not the mentor's: a mute or a mentor's gap must not hold it back. */
	struct notify_item it = { .kind = NOTIFY_TAGGED, .platform = (char *)platform, .url = (char *)url,
	                          .summary = "You were tagged in a post that may harm your professional standing",
	                          };
	int r;

	if (!n || !post_key)
		return;
	it.at = clock_now(n->clock);
	strbuf_printf(&key, "tagged:%s:%s", platform ? platform : "", post_key);
	if (key.err || !key.data) {
		strbuf_free(&key);
		log_warn("notifications: out of memory");
		return;
	}
	/* Once per post, whichever poll or back-fill finds it again. */
	if ((r = store_announce(n->store, key.data, it.at)) <= 0) {
		if (r < 0)
			log_warn("notifications: cannot record a tagged post: %s", strerror(-r));
		strbuf_free(&key);
		return;
	}
	strbuf_free(&key);
	strbuf_printf(&body, "%s%s%s on %s. Found: %s. %s%s%s", e ? e->name : "", e ? " " : "",
	              who && *who ? who : "Someone", notify_network_title(platform),
	              findings && *findings ? findings : "a risk", net && net->tagged_actions ? net->tagged_actions : "",
	              url ? " " : "", url ? url : "");
	it.text = body.data;
	notifier_offer(n, &it);
	strbuf_free(&body);
}

void notifier_history(struct notifier *n, int64_t mentor_id, const char *tag, const char *platform,
                      unsigned posts)
{
	struct mentor_entry *e;
	char summary[200], body[200];
	struct notify_item it = { .kind = NOTIFY_SYNC, .mentor_id = mentor_id, .platform = (char *)platform,
	                          .summary = summary, .text = body };
	if (!n)
		return;
	e = tag ? NULL : mentor_cache_get(n->mentors, mentor_id);
	if (tag)
		snprintf(summary, sizeof summary, "Tracking #%s on %s", tag, notify_network_title(platform));
	else
		snprintf(summary, sizeof summary, "Following %s on %s", e ? e->name : "a new account",
		         notify_network_title(platform));
	snprintf(body, sizeof body, "%u earlier post%s loaded as history; new ones will be notified.", posts,
	         posts == 1 ? "" : "s");
	it.mentor = e ? e->name : NULL;
	notifier_offer(n, &it);
}

/* ---- new nudges ---- */

static void review_arm(struct notifier *n, int64_t seconds)
{
	struct timeval tv = { (time_t)seconds, 0 };
	evtimer_add(n->review, &tv);
}

static void announce_nudge(struct notifier *n, const struct ledger_nudge *v)
{
	struct mentor_entry *e = mentor_cache_get(n->mentors, v->mentor_id);
	char text[2 * LEDGER_MSG_MAX + 8];
	struct notify_item it = {
		.kind = v->kind == LEDGER_NUDGE_OPPORTUNITY ? NOTIFY_OPPORTUNITY : NOTIFY_NUDGE,
		.mentor_id = v->mentor_id, .mentor = e ? e->name : NULL, .url = (char *)v->url, .text = text,
	};
	snprintf(text, sizeof text, "%s %s", v->message, v->action);
	if (n->events.nudge)
		n->events.nudge(n->events.data, v, e ? e->name : "");
	notifier_offer(n, &it);
}

static void fresh_clear(struct notifier *n)
{
	for (size_t i = 0; i < n->n_fresh; i++)
		free(n->fresh[i]);
	n->n_fresh = n->n_fresh_mentors = 0;
}

/* A nudge about a post is news when the post came as news (not with a
 * first sync); one about time passing (cooling, pacing) when it began after
 * the mentor was followed. */
static bool nudge_is_news(const struct notifier *n, const struct ledger_nudge *v, const struct mentor_entry *e)
{
	if (!v->post_id || !v->url)
		return v->at >= e->agg.follow_at;
	for (size_t i = 0; i < n->n_fresh; i++)
		if (strcmp(n->fresh[i], v->url) == 0)
			return true;
	return false;
}

/* Announces the nudges of l not announced before (the store remembers,
 * across restarts), when they are news; frees l. */
static void review_finish(struct notifier *n, struct nudge_list *l, int64_t now, int r)
{
	struct store *st = n->store;
	bool fresh[NUDGES_MAX] = { false };

	if (r >= 0)
		r = store_begin(st);
	for (size_t i = 0; r >= 0 && i < l->n; i++) {
		struct mentor_entry *e = mentor_cache_get(n->mentors, l->v[i].mentor_id);
		char key[96];
		/* A tagged post had its own notification when it came. */
		if (!e || l->v[i].kind == LEDGER_NUDGE_TAGGED_RISK || !nudge_is_news(n, &l->v[i], e))
			continue;
		snprintf(key, sizeof key, "nudge:%lld:%s:%lld", (long long)l->v[i].mentor_id,
		         ledger_nudge_kind_name(l->v[i].kind), (long long)l->v[i].at);
		if ((r = store_announce(st, key, now)) > 0)
			fresh[i] = true;
	}
	if (r >= 0)
		r = store_prune_announced(st, now - ANNOUNCED_KEEP);
	if (r >= 0 && (r = store_commit(st)) >= 0) {
		for (size_t i = 0; i < l->n; i++)
			if (fresh[i])
				announce_nudge(n, &l->v[i]);
	} else {
		store_rollback(st);
	}
	/* News that came in during a full review's steps waits for its own. */
	if (!n->review_soon)
		fresh_clear(n);
	if (r < 0)
		log_warn("notifications: cannot review nudges: %s", strerror(-r));
	nudges_free(l);
}

/* The mentors with news since the last review, at once (a few). */
static void review_fresh(struct notifier *n)
{
	struct nudge_list *l = calloc(1, sizeof *l);
	int64_t now = clock_now(n->clock);

	n->review_soon = false;
	if (!l) {
		fresh_clear(n);
		log_warn("notifications: cannot review nudges: %s", strerror(ENOMEM));
		return;
	}
	review_finish(n, l, now, nudges_collect(n->store, n->mentors, now, n->fresh_mentors,
	                                        n->n_fresh_mentors, l));
}

/* Every mentor, REVIEW_STEP at a time, each step a turn of the loop. */
static void on_review_step(evutil_socket_t fd, short what, void *userdata)
{
	struct notifier *n = userdata;
	struct timeval now = { 0, 0 };
	int r = nudges_collect_step(n->store, n->mentors, n->full_now, &n->full_from, REVIEW_STEP, n->full);

	if (r > 0) {
		evtimer_add(n->review_step, &now);
		return;
	}
	review_finish(n, n->full, n->full_now, r);
	n->full = NULL;
	arm(n);
}

static void on_review(evutil_socket_t fd, short what, void *userdata)
{
	struct notifier *n = userdata;
	struct timeval now = { 0, 0 };
	review_arm(n, REVIEW_EVERY);
	if (n->full)
		return;   /* the last one is still under way */
	if (!(n->full = calloc(1, sizeof *n->full))) {
		log_warn("notifications: cannot review nudges: %s", strerror(ENOMEM));
		return;
	}
	n->full_from = 0;
	n->full_now = clock_now(n->clock);
	evtimer_add(n->review_step, &now);
}

/* ---- set-up ---- */

void notifier_configure(struct notifier *n, const struct notify_rules *rules, const char *open_command)
{
	char *cmd;
	notify_policy_set_rules(&n->policy, rules);
	if ((cmd = strdup(open_command ? open_command : "xdg-open"))) {
		free(n->open_command);
		n->open_command = cmd;
	}
	arm(n);
}

int notifier_new(struct notifier **out, const struct notifier_deps *deps, const struct notifier_events *events)
{
	struct notifier *n = calloc(1, sizeof *n);
	struct notify_rules rules;
	int r = -ENOMEM;

	if (!n)
		return -ENOMEM;
	n->base = deps->base;
	n->clock = deps->clock;
	n->store = deps->store;
	n->mentors = deps->mentors;
	if (events)
		n->events = *events;
	n->bus = sd_bus_ref(deps->bus);
	notify_rules_default(&rules);
	notify_policy_init(&n->policy, &rules);
	n->timer = evtimer_new(n->base, on_timer, n);
	n->review = evtimer_new(n->base, on_review, n);
	n->review_step = evtimer_new(n->base, on_review_step, n);
	n->sigchld = evsignal_new(n->base, SIGCHLD, on_sigchld, n);
	if (!n->timer || !n->review || !n->review_step || !n->sigchld || evsignal_add(n->sigchld, NULL) < 0)
		goto fail;
	review_arm(n, 60);   /* the first full review, once the daemon has settled */
	/* The mentor cache has read mentors.muted_until already. */
	r = 0;
	for (size_t i = 0; i < mentor_cache_count(n->mentors) && r >= 0; i++) {
		const struct mentor_entry *e = mentor_cache_at(n->mentors, i);
		if (e->muted_until > 0)
			r = notify_policy_mute(&n->policy, e->id, e->muted_until);
	}
	if (r < 0)
		goto fail;
	r = sd_bus_match_signal_async(n->bus, &n->action_match, NULL, NOTIF_PATH, NOTIF_IFACE, "ActionInvoked",
	                              on_action, NULL, n);
	if (r < 0)
		goto fail;
	*out = n;
	return 0;
fail:
	notifier_free(n);
	return r;
}

void notifier_free(struct notifier *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < NOTIFY_MAX_INFLIGHT; i++) {
		sd_bus_slot_unref(n->calls[i].slot);   /* cancels the callback */
		free(n->calls[i].url);
	}
	for (size_t i = 0; i < SHOWN_MAX; i++)
		free(n->shown[i].url);
	fresh_clear(n);
	sd_bus_slot_unref(n->action_match);
	if (n->timer)
		event_free(n->timer);
	if (n->sigchld)
		event_free(n->sigchld);
	if (n->review)
		event_free(n->review);
	if (n->review_step)
		event_free(n->review_step);
	nudges_free(n->full);
	notify_policy_finish(&n->policy);
	sd_bus_unref(n->bus);
	free(n->server);
	free(n->open_command);
	free(n);
}

int notifier_mute(struct notifier *n, int64_t mentor_id, int64_t until)
{
	return n ? notify_policy_mute(&n->policy, mentor_id, until) : 0;
}
