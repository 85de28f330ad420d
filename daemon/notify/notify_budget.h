/* notify_budget.h — X's monthly budget told on the desktop: 80% of
 * monthly_posts read, or X waiting for the next UTC day or billing month.
 * The caller decides when (once a month, once a wait); this module has the
 * words and hands one item of kind NOTIFY_BUDGET (shown alone, never in a
 * digest; switched off with notify_budget = no) to the notifier. */
#ifndef MENTORD_NOTIFY_BUDGET_H
#define MENTORD_NOTIFY_BUDGET_H

#include <stdint.h>

struct notifier;

enum notify_budget_kind { NOTIFY_BUDGET_WARN = 0, NOTIFY_BUDGET_WAIT_DAY, NOTIFY_BUDGET_WAIT_MONTH };

/* read of cap posts this billing month; until: unix s when X reads again
 * (the waits). */
void notify_budget_x(struct notifier *n, enum notify_budget_kind kind, int64_t read, int64_t cap, int64_t until);

#endif
