/* channel.c — canonical e-mail addresses and LinkedIn profile URLs. Strict
 * on purpose: a handle that is spelt two ways would be two accounts, and
 * the events of one would never meet the mentor of the other. */
#include "common/channel.h"
#include "common/utf8.h"

#include <errno.h>
#include <string.h>
#include <strings.h>

#define INPUT_MAX 512   /* longer is not an address or a profile URL */

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool hexdigit(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int fail(char *out, size_t size, const char **why, const char *text)
{
	if (size)
		out[0] = '\0';
	*why = text;
	return -EINVAL;
}

/* in without the white space around it: [*b, *e); NULL, or why not. */
static const char *trimmed(const char *in, const char **b, const char **e)
{
	size_t n;
	if (!in)
		return "empty";
	while (space(*in))
		in++;
	n = strnlen(in, INPUT_MAX + 1);
	if (n > INPUT_MAX)
		return "too long";
	while (n && space(in[n - 1]))
		n--;
	*b = in;
	*e = in + n;
	return n > 0 ? NULL : "empty";
}

bool channel_is(const char *platform)
{
	return platform && (strcmp(platform, CHANNEL_EMAIL) == 0 || strcmp(platform, CHANNEL_LINKEDIN) == 0);
}

/* RFC 5322 atext, the characters of a dot-atom besides the dots. */
static bool atext(char c)
{
	return alnum(c) || (c && strchr("!#$%&'*+/=?^_`{|}~-", c));
}

static const char *check_local(const char *b, const char *e)
{
	if (e == b)
		return "nothing before the '@'";
	if (e - b > 64)
		return "the part before the '@' is longer than 64 characters";
	if (*b == '.' || e[-1] == '.')
		return "the part before the '@' begins or ends with a dot";
	for (const char *p = b; p < e; p++) {
		if (*p == '.' && p[1] == '.')
			return "two dots in a row";
		if (*p != '.' && !atext(*p))
			return "a character an address cannot have before the '@'";
	}
	return NULL;
}

static const char *check_domain(const char *b, const char *e)
{
	const char *label = b;
	int labels = 0;
	bool digits_only = true;

	if (e == b)
		return "no domain after the '@'";
	for (const char *p = b; p <= e; p++) {
		if (p < e && *p != '.') {
			if (!alnum(*p) && *p != '-')
				return "a character a domain name cannot have";
			digits_only = digits_only && *p >= '0' && *p <= '9';
			continue;
		}
		if (p == label)
			return "an empty label in the domain";
		if (p - label > 63)
			return "a domain label longer than 63 characters";
		if (*label == '-' || p[-1] == '-')
			return "a domain label begins or ends with a hyphen";
		labels++;
		if (p < e)
			digits_only = true;
		label = p + 1;
	}
	if (labels < 2)
		return "the domain has no dot (e.g. uni.edu)";
	if (digits_only)
		return "the domain ends in a number";
	return NULL;
}

int channel_email_norm(const char *in, char *out, size_t size, const char **why)
{
	const char *b, *e, *at, *bad;
	size_t n;

	if ((bad = trimmed(in, &b, &e)))
		return fail(out, size, why, bad);
	if (e - b > 7 && strncasecmp(b, "mailto:", 7) == 0)
		b += 7;
	if (e - b >= 2 && *b == '<' && e[-1] == '>') {
		b++;
		e--;
	}
	if (!(at = memchr(b, '@', (size_t)(e - b))))
		return fail(out, size, why, "no '@'");
	if (memchr(at + 1, '@', (size_t)(e - at - 1)))
		return fail(out, size, why, "more than one '@'");
	if ((bad = check_local(b, at)) || (bad = check_domain(at + 1, e)))
		return fail(out, size, why, bad);
	n = (size_t)(e - b);
	if (n > CHANNEL_HANDLE_MAX || n >= size)
		return fail(out, size, why, "too long");
	for (size_t i = 0; i < n; i++)
		out[i] = lower(b[i]);
	out[n] = '\0';
	return 0;
}

/* The host part of a URL without scheme: linkedin.com or a subdomain. */
static bool linkedin_host(const char *b, const char *e)
{
	static const char base[] = "linkedin.com";
	size_t n = (size_t)(e - b), k = sizeof base - 1;
	if (n < k || strncasecmp(e - k, base, k) != 0)
		return false;
	if (n == k)
		return true;
	if (e[-(long)k - 1] != '.' || n == k + 1)
		return false;
	for (const char *p = b; p < e - k - 1; p++)
		if (!alnum(*p) && *p != '-' && *p != '.')
			return false;
	return true;
}

/* A slug: letters, digits, '-', '_', %XX escapes or UTF-8 text. */
static const char *check_slug(const char *b, const char *e)
{
	if (e == b)
		return "no profile name after /in/";
	for (const char *p = b; p < e; p++) {
		if (*p == '%') {
			if (e - p < 3 || !hexdigit(p[1]) || !hexdigit(p[2]))
				return "a bad %-escape in the profile name";
			p += 2;
		} else if (!alnum(*p) && *p != '-' && *p != '_' && !(*p & 0x80)) {
			return "a character a profile name cannot have";
		}
	}
	return utf8_text_valid(b, (size_t)(e - b)) ? NULL : "the profile name is not UTF-8";
}

int channel_linkedin_norm(const char *in, char *out, size_t size, const char **why)
{
	static const char prefix[] = CHANNEL_LINKEDIN_PREFIX;
	const char *b, *e, *host, *slug, *end, *bad;
	size_t n;

	if ((bad = trimmed(in, &b, &e)))
		return fail(out, size, why, bad);
	if (e - b > 8 && strncasecmp(b, "https://", 8) == 0)
		b += 8;
	else if (e - b > 7 && strncasecmp(b, "http://", 7) == 0)
		b += 7;
	else if (memmem(b, (size_t)(e - b), "://", 3))
		return fail(out, size, why, "not an http(s) URL");
	host = b;
	while (b < e && *b != '/' && *b != '?' && *b != '#')
		b++;
	if (!linkedin_host(host, b))
		return fail(out, size, why, "not a linkedin.com URL");
	if (e - b < 4 || strncasecmp(b, "/in/", 4) != 0)
		return fail(out, size, why, "not a profile URL (https://www.linkedin.com/in/NAME)");
	slug = b + 4;
	for (end = slug; end < e && *end != '/' && *end != '?' && *end != '#'; end++)
		;
	if (end < e && *end == '/' && end + 1 < e && end[1] != '?' && end[1] != '#')
		return fail(out, size, why, "a path after the profile name (give the profile's own URL)");
	if ((bad = check_slug(slug, end)))
		return fail(out, size, why, bad);
	n = (size_t)(end - slug);
	if (sizeof prefix - 1 + n > CHANNEL_HANDLE_MAX || sizeof prefix - 1 + n >= size)
		return fail(out, size, why, "too long");
	memcpy(out, prefix, sizeof prefix - 1);
	for (size_t i = 0; i < n; i++)
		out[sizeof prefix - 1 + i] = lower(slug[i]);
	out[sizeof prefix - 1 + n] = '\0';
	return 0;
}

const char *channel_event_platform(const char *platform)
{
	return platform && *platform ? platform : CHANNEL_OFFLINE;
}

int channel_norm(const char *platform, const char *in, char *out, size_t size, const char **why)
{
	if (platform && strcmp(platform, CHANNEL_EMAIL) == 0)
		return channel_email_norm(in, out, size, why);
	if (platform && strcmp(platform, CHANNEL_LINKEDIN) == 0)
		return channel_linkedin_norm(in, out, size, why);
	if (size)
		out[0] = '\0';
	*why = "not a channel";
	return -ENOENT;
}
