/* store_linkedin.h — LinkedIn's data export in the database (schema 015):
 * the connections and the one-to-one messages' dates and directions, and
 * the ledger events they give a profile linked to a mentor (accounts row
 * platform 'linkedin', handle the canonical profile URL):
 *
 *   connection  at Connected On              dedupe linkedin:connection:<account id>
 *   my_dm       a message the user wrote     dedupe linkedin:<key>:<account id>
 *   dm_to_me    a message the profile wrote
 *
 * Everything here runs in the caller's transaction and is idempotent: a
 * row or an event already stored is left as it is and not counted. */
#ifndef MENTORD_STORE_LINKEDIN_H
#define MENTORD_STORE_LINKEDIN_H

#include "store/store.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store_linkedin_person {
	const char *url, *first, *last;
	const char *email, *company, *position;   /* NULL or "": none */
	int64_t connected_on;
};

struct store_linkedin_message {
	const char *key, *counterpart;
	bool mine;
	int64_t at;
};

/* Stores the rows; *people_new and *msgs_new count the rows not stored
 * before. A person already stored takes the newer export's e-mail,
 * company and position. */
int store_linkedin_put(struct store *s, const struct store_linkedin_person *p, size_t n_people,
                       const struct store_linkedin_message *m, size_t n_msgs,
                       uint64_t *people_new, uint64_t *msgs_new);

/* Derives the events of every linked LinkedIn profile from the stored rows;
 * fn is told each mentor that got new events (after all are inserted).
 * Returns the number of new events. */
int64_t store_linkedin_events(struct store *s, int (*fn)(int64_t mentor_id, void *userdata), void *userdata);

/* Contract item 3: the events of one newly linked profile (account_id of
 * mentor_id) from the stored rows. Returns the number of new events. */
int64_t store_linkedin_backfill(struct store *s, int64_t account_id, int64_t mentor_id);

/* The e-mail addresses the export gives for profiles linked to a mentor
 * that are no account at all yet: fn(mentor id, address). Returns the
 * count, or fn's negative return. */
int64_t store_linkedin_emails(struct store *s, int (*fn)(int64_t mentor_id, const char *email, void *userdata),
                              void *userdata);

/* suggest --links: fn(mentor id, mentor name, link platform, link handle)
 * for connections named exactly like a mentor whose profile URL is not an
 * account of anyone ('linkedin', url), and for the e-mail addresses the
 * export gives for linked profiles that are not that mentor's ('email',
 * address; other_mentor the mentor whose account it is, 0 for none). A negative return of fn stops and is returned; else the count. */
typedef int (*store_linkedin_link_fn)(int64_t mentor_id, const char *mentor, const char *platform,
                                      const char *handle, int64_t other_mentor, void *userdata);
int64_t store_linkedin_proposals(struct store *s, store_linkedin_link_fn fn, void *userdata);

#endif
