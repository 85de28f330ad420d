/* bio_handles.c — see bio_handles.h. */
#include "mentors/bio_handles.h"
#include "net/net.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define WORD_MAX 300

static bool add(struct bio_handle *out, size_t *n, size_t max, const char *platform, const char *raw)
{
	struct bio_handle r;
	const char *why;
	if (*n >= max || net_handle_normalize(platform, raw, r.handle, &why) < 0)
		return false;
	snprintf(r.platform, sizeof r.platform, "%s", platform);
	for (size_t i = 0; i < *n; i++)
		if (strcmp(out[i].platform, r.platform) == 0 && strcasecmp(out[i].handle, r.handle) == 0)
			return false;
	out[(*n)++] = r;
	return true;
}

/* The first network that recognises the word has it. */
static void one_word(char *word, struct bio_handle *out, size_t *n, size_t max)
{
	const struct net_platform *const *nets = net_platforms();
	char raw[2 * WORD_MAX + 2];
	size_t len = strlen(word);

	/* Trailing punctuation belongs to the sentence, not the handle. */
	while (len && strchr(".,;:!?)]}\"'", word[len - 1]))
		word[--len] = '\0';
	while (*word && strchr("([{\"'", *word))
		word++;
	for (size_t i = 0; nets[i]; i++)
		if (nets[i]->bio_handle && nets[i]->bio_handle(word, raw, sizeof raw)) {
			add(out, n, max, nets[i]->name, raw);
			return;
		}
}

size_t bio_handles_find(const char *bio, struct bio_handle *out, size_t max)
{
	char word[WORD_MAX];
	size_t n = 0;

	for (const char *p = bio; p && *p && n < max; ) {
		size_t k;
		p += strspn(p, " \t\r\n,;|·");
		k = strcspn(p, " \t\r\n,;|·");
		if (k == 0)
			break;
		if (k < sizeof word) {
			memcpy(word, p, k);
			word[k] = '\0';
			one_word(word, out, &n, max);
		}
		p += k;
	}
	return n;
}
