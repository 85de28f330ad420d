/* channel.h — the channels that are not networks (#15): an e-mail address
 * or a LinkedIn profile, as a row of `accounts` keeps it (platform "email"
 * or "linkedin", handle the canonical form below). Shared by mentord (Link,
 * the Maildir source, the LinkedIn import) and mentorctl, so both spell an
 * address or a profile the same way. Pure string work, no I/O.
 *
 *   email     local@domain, lower-cased; "mailto:" and <...> around it are
 *             dropped; a dot-atom local part (no quoted strings) of at most 64
 *             bytes, a domain of at least two labels of letters, digits and
 *             inner hyphens (IDNs in their xn-- form);
 *   linkedin  https://www.linkedin.com/in/SLUG with SLUG lower-cased, from
 *             any scheme (or none), any linkedin.com host (www., uk., m.),
 *             with the query, the fragment and a trailing slash dropped.
 *
 * Both forms fit CHANNEL_HANDLE_MAX bytes (the bus's MENTORD_MAX_HANDLE). */
#ifndef MENTORD_COMMON_CHANNEL_H
#define MENTORD_COMMON_CHANNEL_H

#include <stdbool.h>
#include <stddef.h>

#define CHANNEL_EMAIL    "email"
#define CHANNEL_LINKEDIN "linkedin"
#define CHANNEL_HANDLE_MAX 253
#define CHANNEL_LINKEDIN_PREFIX "https://www.linkedin.com/in/"
#define CHANNEL_OFFLINE  "offline"

/* An event's platform as show, why, export and watch name it: x, mastodon,
 * bluesky, email, linkedin, or "offline" for contact logged by hand (the
 * database's NULL, the bus's ""). */
const char *channel_event_platform(const char *platform);

/* platform names one of the channels above (NULL: false). */
bool channel_is(const char *platform);

/* The canonical form of in, written to out (size >= CHANNEL_HANDLE_MAX + 1).
 * 0, or -EINVAL with *why (static text: "no '@'", "not a LinkedIn profile
 * URL", ...), and out empty. */
int channel_email_norm(const char *in, char *out, size_t size, const char **why);
int channel_linkedin_norm(const char *in, char *out, size_t size, const char **why);
/* The one that platform names; -ENOENT (why "not a channel") for another. */
int channel_norm(const char *platform, const char *in, char *out, size_t size, const char **why);

#endif
