#include "common/utf8.h"
#include "base/validate.h"
#include "mentord-bus.h"
#include "common/macros.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <string.h>

static const char *const platforms[] = { "x", "mastodon", "bluesky" };

int validate_platform(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(platforms); i++)
		if (strcmp(name, platforms[i]) == 0)
			return 1;
	return 0;
}

static bool is_word(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* RFC 1123 host name with at least two labels, the last not all digits. */
static bool valid_domain(const char *d, size_t n)
{
	size_t label = 0;
	bool digits_only = true;
	if (n == 0 || n > 253)
		return false;
	for (size_t i = 0; i <= n; i++) {
		char c = i < n ? d[i] : '.';
		if (c == '.') {
			if (label == 0 || d[i - 1] == '-' || d[i - label] == '-')
				return false;
			label = 0;
			digits_only = i < n ? true : digits_only;
			continue;
		}
		if (!isalnum((unsigned char)c) && c != '-')
			return false;
		if (!isdigit((unsigned char)c))
			digits_only = false;
		if (++label > 63)
			return false;
	}
	return memchr(d, '.', n) && !digits_only;
}

static int check_x(const char *h, size_t n, const char **why)
{
	if (n < 1 || n > 15) { *why = "X handles are 1 to 15 characters"; return -EINVAL; }
	for (size_t i = 0; i < n; i++)
		if (!is_word(h[i])) { *why = "X handles use only letters, digits and _"; return -EINVAL; }
	return 0;
}

static int check_mastodon(const char *h, size_t n, const char **why)
{
	const char *at = memchr(h, '@', n);
	size_t user = at ? (size_t)(at - h) : n;
	if (user < 1 || user > 30) { *why = "Mastodon user names are 1 to 30 characters"; return -EINVAL; }
	for (size_t i = 0; i < user; i++) {
		bool inner = i > 0 && i + 1 < user && (h[i] == '.' || h[i] == '-');
		if (!is_word(h[i]) && !inner) {
			*why = "Mastodon user names use letters, digits and _ (. and - inside)";
			return -EINVAL;
		}
	}
	if (at && !valid_domain(at + 1, n - user - 1)) {
		*why = "expected user@instance.domain";
		return -EINVAL;
	}
	return 0;
}

static int check_bluesky(const char *h, size_t n, const char **why)
{
	if (strncmp(h, "did:plc:", 8) == 0) {
		if (n != 32) { *why = "did:plc identifiers have 24 characters after the prefix"; return -EINVAL; }
		for (size_t i = 8; i < n; i++)
			if (!(islower((unsigned char)h[i]) || (h[i] >= '2' && h[i] <= '7'))) {
				*why = "did:plc identifiers use a-z and 2-7";
				return -EINVAL;
			}
		return 0;
	}
	if (strncmp(h, "did:web:", 8) == 0)
		return valid_domain(h + 8, n - 8) ? 0 : (*why = "did:web needs a domain", -EINVAL);
	if (!valid_domain(h, n)) { *why = "Bluesky handles look like name.bsky.social"; return -EINVAL; }
	return 0;
}

int validate_handle(const char *platform, const char *in, char *out, const char **why)
{
	size_t n;
	int r;

	*why = "invalid handle";
	if (in[0] == '@')
		in++;
	n = strlen(in);
	if (n == 0) { *why = "empty handle"; return -EINVAL; }
	if (n > MENTORD_MAX_HANDLE) { *why = "handle too long"; return -EINVAL; }
	memcpy(out, in, n + 1);
	if (strcmp(platform, "x") == 0)
		return check_x(out, n, why);
	if (strcmp(platform, "mastodon") == 0) {
		/* The instance part is case-insensitive; the user part is kept. */
		char *at = strchr(out, '@');
		for (char *p = at; p && *p; p++)
			*p = (char)tolower((unsigned char)*p);
		return check_mastodon(out, n, why);
	}
	if (strcmp(platform, "bluesky") == 0) {
		if (strncmp(out, "did:", 4) != 0)
			for (char *p = out; *p; p++)
				*p = (char)tolower((unsigned char)*p);
		r = check_bluesky(out, n, why);
		return r;
	}
	*why = "unknown platform";
	return -EINVAL;
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
