/* notifier.h — desktop notifications through org.freedesktop.Notifications.
 *
 * The notifier turns ledger news into items for the policy (notify_policy.h),
 * flushes it from a libevent timer and sends each message with an
 * asynchronous Notify call: a missing, slow or activating notification server
 * never blocks the loop (its absence is logged once, its return once). Clicks
 * on "Open" (ActionInvoked from the server that showed the notification) run
 * the configured open_command (xdg-open) with the post's URL. Mutes persist
 * in the store and are loaded at start. */
#ifndef MENTORD_NOTIFY_NOTIFIER_H
#define MENTORD_NOTIFY_NOTIFIER_H

#include "notify/notify_policy.h"

#include <stdint.h>
#include <systemd/sd-bus.h>

struct notifier;
struct event_base;
struct clock;
struct store;
struct mentor_cache;
struct ledger_nudge;

#define NOTIFY_MAX_INFLIGHT 8      /* Notify calls awaiting a reply */

/* What the notifier works with; owned by the caller, outliving it. */
struct notifier_deps {
	struct event_base *base;
	const struct clock *clock;
	sd_bus *bus;                   /* the session bus (a reference is taken) */
	struct store *store;           /* which nudges were announced */
	struct mentor_cache *mentors;  /* names, interests, mutes at start */
};

/* News for the layers above. May be NULL. */
struct notifier_events {
	/* A nudge announced for the first time (mentor: its display name). */
	void (*nudge)(void *data, const struct ledger_nudge *v, const char *mentor);
	void *data;
};

int notifier_new(struct notifier **out, const struct notifier_deps *deps, const struct notifier_events *events);
void notifier_free(struct notifier *n);

/* The rules (notify, notify_<kind>, quiet hours...) and the command that
 * opens a clicked post (NULL: xdg-open). */
void notifier_configure(struct notifier *n, const struct notify_rules *rules, const char *open_command);

/* A committed ledger event (not history): kind is the ledger vocabulary.
 * Posts count only when they match the user's interests. */
void notifier_activity(struct notifier *n, int64_t mentor_id, const char *kind, const char *platform,
                       const char *url, const char *text);
/* A committed tagged_risk (mentor_id 0: a stranger's post): one critical
 * notification "You were tagged in a post that may harm your professional
 * standing" with the post's link, the findings and what the network offers,
 * once per post ever (the store remembers). */
void notifier_tagged(struct notifier *n, int64_t mentor_id, const char *who, const char *platform,
                     const char *url, const char *post_key, const char *findings);
/* The end of a first sync: one summary, whatever its size. tag NULL: an
 * account of mentor_id. */
void notifier_history(struct notifier *n, int64_t mentor_id, const char *tag, const char *platform,
                      unsigned posts);
/* A poll round (mentorctl poll) is a burst by nature: the window stays
 * open from its beginning and closes when it ends. */
void notifier_round_begin(struct notifier *n);
void notifier_round_done(struct notifier *n);
/* Any item (nudges, opportunities). */
void notifier_offer(struct notifier *n, const struct notify_item *it);

/* until: unix seconds, INT64_MAX for ever, 0 to unmute. Memory only: the
 * caller stores it. */
int notifier_mute(struct notifier *n, int64_t mentor_id, int64_t until);

#endif
