/* validate.h — checks and normalises the words that arrive from outside
 * (D-Bus arguments) before they reach the store; handles are the networks'
 * business (net_handle_normalize). Each function
 * returns 0 and writes the normalised form, or -EINVAL and a short reason fit
 * for an error reply. */
#ifndef MENTORD_VALIDATE_H
#define MENTORD_VALIDATE_H

#include <stddef.h>

/* Hashtag: strips '#', lower-cases ASCII, letters/digits/underscore
 * (UTF-8 letters allowed), 1..MENTORD_MAX_TAG bytes, not all digits.
 * out must hold MENTORD_MAX_TAG + 1 bytes. */
int validate_tag(const char *in, char *out, const char **why);

/* Display name: may be empty; valid UTF-8, no control characters,
 * at most MENTORD_MAX_NAME bytes. */
int validate_name(const char *in, const char **why);

#endif
