/* notify_budget.c — the words of X's budget notifications. */
#include "notify/notify_budget.h"
#include "notify/notifier.h"

#include <stdio.h>
#include <time.h>

void notify_budget_x(struct notifier *n, enum notify_budget_kind kind, int64_t read, int64_t cap, int64_t until)
{
	char summary[120], body[300], when[40] = "";
	struct notify_item it = { .kind = NOTIFY_BUDGET, .platform = "x", .summary = summary, .text = body };
	struct tm tm;
	time_t t = (time_t)until;

	if (!n)
		return;
	/* UTC: X's days and months are. */
	if (until > 0 && gmtime_r(&t, &tm))
		strftime(when, sizeof when, "%a %-d %b, %H:%M UTC", &tm);
	switch (kind) {
	case NOTIFY_BUDGET_WARN:
		snprintf(summary, sizeof summary, "X: %lld%% of this month's posts read",
		         (long long)(cap > 0 ? read * 100 / cap : 100));
		snprintf(body, sizeof body, "%lld of %lld posts (monthly_posts). mentord now spends the rest "
		         "on your closest mentors first.", (long long)read, (long long)cap);
		break;
	case NOTIFY_BUDGET_WAIT_DAY:
		snprintf(summary, sizeof summary, "X waits until tomorrow");
		snprintf(body, sizeof body, "Today's share of monthly_posts is read (%lld of %lld this month). "
		         "X reads again %s; Mastodon and Bluesky carry on.", (long long)read, (long long)cap, when);
		break;
	case NOTIFY_BUDGET_WAIT_MONTH:
		snprintf(summary, sizeof summary, "X waits for the next billing month");
		snprintf(body, sizeof body, "monthly_posts is read (%lld of %lld). X reads again %s; "
		         "Mastodon and Bluesky carry on.", (long long)read, (long long)cap, when);
		break;
	}
	notifier_offer(n, &it);
}
