/* bus_xusage.c — GetXUsage: X's billing month (posts read, the cap, the
 * cost, the pace), apart from GetStatus so its signature stays. */
#include "bus/bus_internal.h"
#include "poll/sched.h"

int bus_xusage_get(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	struct bus *b = userdata;
	struct sched_x_usage u = { .pace = "on pace", .cap_reset_day = 1, .allowance_today = -1 };

	(void)error;
	if (b->sched)
		sched_x_usage(b->sched, &u);
	return sd_bus_reply_method_return(msg, "bxxdxxis", (int)u.enabled, u.posts_read_month, u.monthly_posts,
	                                  u.cost_month, u.read_today, u.allowance_today,
	                                  (int32_t)u.cap_reset_day, u.pace);
}
