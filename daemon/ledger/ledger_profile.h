/* ledger_profile.h — judging an account by its profile alone (an import
 * of whom the user already follows, before any of their posts were read).
 *
 *   ledger_profile_fit()     the fit of suggestions (ledger_fit) over an
 *                            aggregate that holds the display name and the
 *                            bio as the author's only post: the topic part
 *                            decides, as every profile scores alike on the
 *                            rest;
 *   ledger_profile_source()  whether the account looks like a journal, a
 *                            society or an institution rather than a person;
 *   ledger_profile_matches() --match: a word of the list in name or bio.
 *
 * Pure, like the rest of ledger/. */
#ifndef MENTORD_LEDGER_PROFILE_H
#define MENTORD_LEDGER_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct textvec_query;
struct textvec_df;

/* 0–100. name and bio may be NULL; interests NULL gives the topic 0. */
double ledger_profile_fit(const char *name, const char *bio, int64_t now,
                          const struct textvec_query *interests, const struct textvec_df *df);

/* True when the profile looks like an organisation: the network's bot or
 * group flag, or a name or bio naming one (journal, society, association,
 * college, hospital, ...). *why (static text) says which. */
bool ledger_profile_source(const char *name, const char *bio, bool bot, bool group, const char **why);

/* words: separated by commas or blanks; empty or NULL matches everything.
 * Case-insensitive (ASCII) substring match on name and bio. */
bool ledger_profile_matches(const char *words, const char *name, const char *bio);

#endif
