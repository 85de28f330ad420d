/* check_lookup.c — is one plain string in a word list? These answer from the
 * stored entries alone, without reading text, so the tokenizer can ask about
 * abbreviations while check_list.c, which reads list files with the
 * tokenizer, stays above it. */
#include "check/check_internal.h"

#include <string.h>

bool check_list_has_host(const struct check_list *l, const char *host, size_t len)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		const struct check_entry *e = &l->entries[i];
		size_t rl = e->raw_len;
		if (len == rl && memcmp(host, e->raw, rl) == 0)
			return true;
		if (len > rl && host[len - rl - 1] == '.' && memcmp(host + len - rl, e->raw, rl) == 0)
			return true;
	}
	return false;
}

bool check_list_has_word(const struct check_list *l, const char *w, size_t len)
{
	uint32_t idx = check_dict_get(&l->first, w, len);

	for (; idx != CHECK_NONE; idx = l->entries[idx].next)
		if (l->entries[idx].n_items == 1)
			return true;
	return false;
}
