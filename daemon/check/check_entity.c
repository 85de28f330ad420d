/* check_entity.c — recognizes URLs, e-mail addresses and @mentions at a
 * position in the text. Pure byte scanners: ASCII only, because the address
 * forms people type in posts are. */
#include "check/check_internal.h"

#include <string.h>
#include <strings.h>

/* Top-level domains that make "word.tld/…" a link even without a scheme;
 * a short list so "e.g." or "Fig.2" never becomes one. */
static const char *const check_tlds[] = {
	"com", "org", "net", "edu", "gov", "mil", "int", "io", "ly", "co", "uk", "us", "ca",
	"au", "de", "fr", "nl", "es", "it", "ch", "se", "no", "dk", "fi", "ie", "nz", "in",
	"jp", "cn", "br", "info", "bio", "health", "app", "me", "tv", "ai", "eu", "social",
	"pub", "link", "site", "online", "news",
};

static bool check_ent_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool check_ent_stop(char c)
{
	return (unsigned char)c <= 0x20 || (unsigned char)c >= 0x7F;
}

/* Trailing punctuation belongs to the sentence, not to the link. */
static size_t check_ent_trim(const char *s, size_t end, size_t min)
{
	while (end > min && strchr(".,;:!?)]}>'\"", s[end - 1]))
		end--;
	return end;
}

static bool check_ent_is_tld(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < sizeof check_tlds / sizeof check_tlds[0]; i++)
		if (strlen(check_tlds[i]) == n && strncasecmp(s, check_tlds[i], n) == 0)
			return true;
	return false;
}

/* Length of a host name (labels joined by dots) at s; *last gets the start of
 * its last label. */
static size_t check_ent_host(const char *s, size_t n, size_t *labels, size_t *last)
{
	size_t i = 0;

	*labels = 0;
	*last = 0;
	while (i < n) {
		size_t start = i;
		while (i < n && (check_ent_alnum(s[i]) || s[i] == '-'))
			i++;
		if (i == start)
			break;
		(*labels)++;
		*last = start;
		if (i + 1 < n && s[i] == '.' && check_ent_alnum(s[i + 1]))
			i++;
		else
			break;
	}
	return i;
}

size_t check_entity_url(const char *s, size_t n, size_t *host, size_t *hlen)
{
	size_t start = 0, labels, last, h, end;

	if (n > 8 && strncasecmp(s, "https://", 8) == 0)
		start = 8;
	else if (n > 7 && strncasecmp(s, "http://", 7) == 0)
		start = 7;
	h = check_ent_host(s + start, n - start, &labels, &last);
	if (h == 0 || labels < 2)
		return 0;
	if (start == 0 && !(n > 4 && strncasecmp(s, "www.", 4) == 0) &&
	    !check_ent_is_tld(s + last, h - last))
		return 0;
	end = start + h;
	if (end < n && !check_ent_stop(s[end]) && !strchr("/?#:.,;!)]}>'\"", s[end]))
		return 0;   /* "word.com" glued to more letters is not a link */
	while (end < n && !check_ent_stop(s[end]))
		end++;
	end = check_ent_trim(s, end, start + h);
	*host = start;
	*hlen = h;
	if (h > 4 && strncasecmp(s + start, "www.", 4) == 0) {
		*host += 4;
		*hlen -= 4;
	}
	return end;
}

size_t check_entity_email(const char *s, size_t n)
{
	size_t i = 0, labels, last, h;

	if (n == 0 || !check_ent_alnum(s[0]))
		return 0;
	while (i < n && (check_ent_alnum(s[i]) || strchr("._%+-", s[i])))
		i++;
	if (i >= n || s[i] != '@')
		return 0;
	h = check_ent_host(s + i + 1, n - i - 1, &labels, &last);
	if (labels < 2 || h - last < 2)
		return 0;
	for (size_t k = last; k < h; k++)
		if (!((s[i + 1 + k] | 0x20) >= 'a' && (s[i + 1 + k] | 0x20) <= 'z'))
			return 0;
	return i + 1 + h;
}

size_t check_entity_mention(const char *s, size_t n)
{
	size_t i = 1;

	if (n < 2 || s[0] != '@' || !(check_ent_alnum(s[1]) || s[1] == '_'))
		return 0;
	while (i < n && (check_ent_alnum(s[i]) || s[i] == '_' || s[i] == '.' || s[i] == '-' ||
			 (s[i] == '@' && i + 1 < n && check_ent_alnum(s[i + 1]))))
		i++;
	while (i > 2 && (s[i - 1] == '.' || s[i - 1] == '-'))
		i--;
	return i;
}
