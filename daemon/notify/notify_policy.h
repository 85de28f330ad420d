/* notify_policy.h — which desktop notifications to show, and when: the
 * user's attention as a pure state machine, with the clock passed in.
 *
 * Items (a mentor's post, a reply, a nudge...) are offered with
 * notify_notify_policy_offer(); they wait for a short coalescing window so that a poll
 * round's burst becomes one digest ("5 new posts from 3 mentors") rather than
 * five popups. notify_notify_policy_flush() then turns what is due into messages:
 *   - urgent items (a mentor replying to or mentioning the user) are shown on
 *     their own, even in quiet hours (at most NOTIFY_POLICY_MAX_URGENT per flush);
 *   - a single ordinary item is shown on its own; several become one digest;
 *   - a mentor gets at most one notification (alone or in a digest) per
 *     mentor_gap: items beyond that are held and go out in the next digest
 *     once the gap has passed;
 *   - in quiet hours ordinary items are held and replayed as one digest at the
 *     first flush after quiet hours end;
 *   - muted mentors and switched-off kinds are dropped at the door.
 * Nothing here does I/O: notify.c sends the messages and arms the timer at
 * notify_notify_policy_next_due(). */
#ifndef MENTORD_NOTIFY_POLICY_H
#define MENTORD_NOTIFY_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "notify/notify_text.h"

#define NOTIFY_POLICY_MAX_URGENT 3
#define NOTIFY_POLICY_MAX_HELD 256     /* beyond this, held items are only counted */

struct notify_rules {
	bool enabled;                      /* the config's notify */
	bool kinds[NOTIFY_KIND_COUNT];
	bool quiet;                        /* quiet hours set */
	int quiet_start, quiet_end;        /* minutes after local midnight */
	int64_t coalesce_s;                /* window after the first item */
	int64_t mentor_gap_s;              /* per mentor, between individual notifications */
};
void notify_rules_default(struct notify_rules *r);



struct notify_recent { int64_t mentor_id, at; };
struct notify_mute { int64_t mentor_id, until; };   /* until INT64_MAX: for ever */

struct notify_policy {
	struct notify_rules rules;
	struct notify_item *pending;       /* waiting for the window to close */
	size_t n_pending, cap_pending;
	size_t pending_extra;              /* offered beyond NOTIFY_POLICY_MAX_HELD: counted only */
	int64_t window_end;                /* 0: nothing pending */
	struct notify_item *held;          /* kept through quiet hours or a mentor's gap */
	size_t n_held, cap_held;
	size_t held_extra;                 /* held items beyond NOTIFY_POLICY_MAX_HELD */
	int64_t held_due;                  /* when held items may go out (0: none held) */
	struct notify_recent *recent;      /* last individual notification per mentor */
	size_t n_recent, cap_recent;
	struct notify_mute *mutes;
	size_t n_mutes, cap_mutes;
};

void notify_policy_init(struct notify_policy *p, const struct notify_rules *rules);
void notify_policy_finish(struct notify_policy *p);
void notify_policy_set_rules(struct notify_policy *p, const struct notify_rules *rules);

/* Mutes a mentor until `until` (INT64_MAX: until unmuted); until <= 0
 * unmutes. -ENOMEM only. */
int notify_policy_mute(struct notify_policy *p, int64_t mentor_id, int64_t until);
bool notify_policy_muted(const struct notify_policy *p, int64_t mentor_id, int64_t now);

/* Offers an item (copied). Returns 1 if kept, 0 if dropped (switched off,
 * muted), -ENOMEM. */
int notify_policy_offer(struct notify_policy *p, const struct notify_item *it, int64_t now);

/* Quiet hours are local time (localtime_r: TZ applies). */
bool notify_policy_quiet_at(const struct notify_policy *p, int64_t now);

/* When notify_policy_flush() next has something to do (0: never): the end of the
 * coalescing window, or the end of quiet hours while items are held. */
int64_t notify_policy_next_due(const struct notify_policy *p, int64_t now);

/* Ends the coalescing window now (a poll round, the natural burst, ended). */
void notify_policy_close_window(struct notify_policy *p, int64_t now);

typedef void (*notify_policy_emit_fn)(struct notify_msg *msg, void *userdata);
/* Emits what is due at `now`; emit takes ownership of msg's strings.
 * Returns the number of messages emitted or -ENOMEM. */
int notify_policy_flush(struct notify_policy *p, int64_t now, notify_policy_emit_fn emit, void *userdata);

#endif
