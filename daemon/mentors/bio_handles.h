/* bio_handles.h — handles of a person's other accounts, read from the
 * profile text of one of them ("Also on Bluesky: @alice.bsky.social"), so
 * mentord can propose linking them into one mentor. Proposals only: the user
 * confirms with `mentorctl link`; nothing merges by itself. Each network
 * says which words name its accounts (net_platform.bio_handle). */
#ifndef MENTORD_MENTORS_BIO_HANDLES_H
#define MENTORD_MENTORS_BIO_HANDLES_H

#include <stddef.h>

#include "mentord-bus.h"

struct bio_handle {
	char platform[16];
	char handle[MENTORD_MAX_HANDLE + 1];   /* normalised as net_handle_normalize() does */
};

/* Writes at most max distinct handles found in bio; returns how many. */
size_t bio_handles_find(const char *bio, struct bio_handle *out, size_t max);

#endif
