/* sched.h — the polling engine: decides what to ask which network when,
 * within its rate budget, and hands every answer to ingest.
 *
 * Each followed account (X: batches of accounts in one search), tracked tag,
 * the user's own posts and the user's interactions is a target with its own
 * due time (poll_interval / tag_interval with jitter). One libevent timer is
 * armed for the earliest due target. A target's poll is an incremental walk
 * (net.h): its pages are ingested as they arrive, and the watermark that
 * ends the walk commits in the same transaction as the walk's last page.
 *
 * Budgets: each network's rate headers are kept per endpoint; a target whose
 * endpoint has no requests left waits for the window's reset instead of
 * drawing a 429. A 429 holds the endpoint until its reset; 5xx, timeouts and
 * malformed pages back the target off exponentially (with jitter, capped);
 * 401/403 stop the network until the configuration is reloaded, with the
 * reason in `mentorctl status`; X's usage cap pauses X until its period ends. */
#ifndef MENTORD_SCHED_H
#define MENTORD_SCHED_H

#include <stdbool.h>
#include <stdint.h>

struct mentord;
struct sched;

int sched_new(struct sched **out, struct mentord *m);
void sched_free(struct sched *s);

/* Re-reads followed accounts, tags, credentials and intervals (after a
 * follow/track change or a configuration reload). Cheap to call often:
 * the work is deferred to the next loop turn and coalesced. */
void sched_reload(struct sched *s);

/* Called once the round started by sched_poll_now() has finished. */
typedef void (*sched_round_fn)(void *userdata, unsigned polled, unsigned failed);

/* Makes every target due now, skipping error backoff but never a rate-limit
 * window, and calls done (if not NULL) when all of them have finished.
 * Returns the number of targets in the round, or a negative errno. */
/* A manual round (Poll) is under way. */
bool sched_round_active(const struct sched *s);
int sched_poll_now(struct sched *s, sched_round_fn done, void *userdata);

/* Drops a pending round callback (its owner is going away). */
void sched_forget_round(struct sched *s, void *userdata);

#endif
