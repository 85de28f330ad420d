/* validate.h — checks and normalises everything that arrives from outside
 * (D-Bus arguments, config values) before it reaches the store. Each function
 * returns 0 and writes the normalised form, or -EINVAL and a short reason fit
 * for an error reply. */
#ifndef MENTORD_VALIDATE_H
#define MENTORD_VALIDATE_H

#include <stddef.h>

/* True if name is a platform mentord speaks. */
int validate_platform(const char *name);

/* Handle for platform: strips a leading '@', lower-cases where the network
 * is case-insensitive, checks the network's character set and length.
 * out must hold MENTORD_MAX_HANDLE + 1 bytes. */
int validate_handle(const char *platform, const char *in, char *out, const char **why);

/* Hashtag: strips '#', lower-cases ASCII, letters/digits/underscore
 * (UTF-8 letters allowed), 1..MENTORD_MAX_TAG bytes, not all digits.
 * out must hold MENTORD_MAX_TAG + 1 bytes. */
int validate_tag(const char *in, char *out, const char **why);

/* Display name: may be empty; valid UTF-8, no control characters,
 * at most MENTORD_MAX_NAME bytes. */
int validate_name(const char *in, const char **why);

#endif
