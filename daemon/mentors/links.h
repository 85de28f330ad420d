/* links.h — handles of a person's other accounts, read from the profile
 * text of one of them ("Also on Bluesky: @alice.bsky.social"), so mentord
 * can propose linking them into one mentor. Proposals only: the user
 * confirms with `mentorctl link`; nothing merges by itself. */
#ifndef MENTORD_LINKS_H
#define MENTORD_LINKS_H

#include <stddef.h>

#include "mentord-bus.h"

struct link_ref {
	char platform[16];
	char handle[MENTORD_MAX_HANDLE + 1];   /* normalised as validate_handle() does */
};

/* Finds @user@host and https://host/@user (Mastodon), @name.domain and
 * bsky.app/profile/NAME (Bluesky), x.com/NAME and twitter.com/NAME (X).
 * Writes at most max distinct references; returns how many. */
size_t links_from_bio(const char *bio, struct link_ref *out, size_t max);

#endif
