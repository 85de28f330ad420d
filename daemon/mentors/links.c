#include "mentors/links.h"
#include "base/validate.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define TOKEN_MAX 300

static bool add(struct link_ref *out, size_t *n, size_t max, const char *platform, const char *raw)
{
	struct link_ref r;
	const char *why;
	if (*n >= max || validate_handle(platform, raw, r.handle, &why) < 0)
		return false;
	snprintf(r.platform, sizeof r.platform, "%s", platform);
	for (size_t i = 0; i < *n; i++)
		if (strcmp(out[i].platform, r.platform) == 0 && strcasecmp(out[i].handle, r.handle) == 0)
			return false;
	out[(*n)++] = r;
	return true;
}

/* Copies the path segment after prefix (up to '/', '?' or '#'). */
static bool segment_after(const char *tok, const char *prefix, char *seg, size_t size)
{
	const char *p = strcasestr(tok, prefix);
	size_t k;
	if (!p)
		return false;
	p += strlen(prefix);
	k = strcspn(p, "/?#");
	if (k == 0 || k >= size)
		return false;
	memcpy(seg, p, k);
	seg[k] = '\0';
	return true;
}

static void one_token(char *tok, struct link_ref *out, size_t *n, size_t max)
{
	char seg[TOKEN_MAX], *at;
	size_t len = strlen(tok);

	/* Trailing punctuation belongs to the sentence, not the handle. */
	while (len && strchr(".,;:!?)]}\"'", tok[len - 1]))
		tok[--len] = '\0';
	while (*tok && strchr("([{\"'", *tok))
		tok++;
	if (segment_after(tok, "bsky.app/profile/", seg, sizeof seg)) {
		add(out, n, max, "bluesky", seg);
	} else if (segment_after(tok, "://x.com/", seg, sizeof seg) ||
	           segment_after(tok, "://twitter.com/", seg, sizeof seg) ||
	           strncasecmp(tok, "x.com/", 6) == 0 || strncasecmp(tok, "twitter.com/", 12) == 0) {
		if (strncasecmp(tok, "x.com/", 6) == 0 || strncasecmp(tok, "twitter.com/", 12) == 0)
			segment_after(tok, ".com/", seg, sizeof seg);
		add(out, n, max, "x", seg);
	} else if (strncmp(tok, "https://", 8) == 0 && (at = strstr(tok + 8, "/@"))) {
		/* https://instance/@user → user@instance */
		char host[TOKEN_MAX];
		size_t hl = (size_t)(at - (tok + 8));
		if (hl < sizeof host && segment_after(at, "/@", seg, sizeof seg)) {
			memcpy(host, tok + 8, hl);
			host[hl] = '\0';
			char acct[2 * TOKEN_MAX + 2];
			snprintf(acct, sizeof acct, "%s@%s", seg, host);
			add(out, n, max, "mastodon", acct);
		}
	} else if (tok[0] == '@' && strchr(tok + 1, '@')) {
		add(out, n, max, "mastodon", tok + 1);
	} else if (tok[0] == '@' && strchr(tok + 1, '.')) {
		add(out, n, max, "bluesky", tok + 1);
	}
}

size_t links_from_bio(const char *bio, struct link_ref *out, size_t max)
{
	char tok[TOKEN_MAX];
	size_t n = 0;

	for (const char *p = bio; p && *p && n < max; ) {
		size_t k;
		p += strspn(p, " \t\r\n,;|·");
		k = strcspn(p, " \t\r\n,;|·");
		if (k == 0)
			break;
		if (k < sizeof tok) {
			memcpy(tok, p, k);
			tok[k] = '\0';
			one_token(tok, out, &n, max);
		}
		p += k;
	}
	return n;
}
