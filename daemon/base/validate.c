#include "common/utf8.h"
#include "base/validate.h"
#include "mentord-bus.h"
#include "common/macros.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <string.h>

static bool is_word(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

int validate_tag(const char *in, char *out, const char **why)
{
	size_t n;
	bool digits_only = true;

	if (in[0] == '#')
		in++;
	n = strlen(in);
	if (n == 0) { *why = "empty hashtag"; return -EINVAL; }
	if (n > MENTORD_MAX_TAG) { *why = "hashtag too long"; return -EINVAL; }
	if (!utf8_text_valid(in, n)) { *why = "hashtag is not valid UTF-8"; return -EINVAL; }
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)in[i];
		if (c < 0x80 && !is_word((char)c)) {
			*why = "hashtags use only letters, digits and _";
			return -EINVAL;
		}
		if (!isdigit(c))
			digits_only = false;
		out[i] = (char)(c < 0x80 ? tolower(c) : c);
	}
	out[n] = '\0';
	if (digits_only) { *why = "a hashtag cannot be only digits"; return -EINVAL; }
	return 0;
}

int validate_name(const char *in, const char **why)
{
	size_t n = strlen(in);
	if (n > MENTORD_MAX_NAME) { *why = "name too long"; return -EINVAL; }
	if (!utf8_text_valid(in, n) || strchr(in, '\n') || strchr(in, '\t')) {
		*why = "name must be one line of UTF-8 text";
		return -EINVAL;
	}
	return 0;
}
