/* post.c — lifetime of the normalised post and notification (post.h), and
 * the small builders the adapters share. */
#include "net/post.h"
#include "common/str.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "net/adapter.h"

void post_ref_clear(struct post_ref *r)
{
	free(r->id);
	free(r->author_id);
	free(r->author_handle);
	*r = (struct post_ref){ 0 };
}

void post_clear(struct post *p)
{
	if (!p)
		return;
	free(p->id);
	free(p->key);
	free(p->author_id);
	free(p->author_handle);
	free(p->author_name);
	free(p->text);
	free(p->url);
	post_ref_clear(&p->reply_to);
	post_ref_clear(&p->repost_of);
	post_ref_clear(&p->quote_of);
	for (size_t i = 0; i < p->n_mentions; i++) {
		free(p->mentions[i]);
		if (p->mention_ids)
			free(p->mention_ids[i]);
	}
	free(p->mentions);
	free(p->mention_ids);
	for (size_t i = 0; i < p->n_tags; i++)
		free(p->tags[i]);
	free(p->tags);
	post_init(p, p->network);
}

void post_notif_clear(struct notif *n)
{
	if (!n)
		return;
	free(n->id);
	free(n->actor_id);
	free(n->actor_handle);
	free(n->actor_name);
	free(n->subject_id);
	if (n->post) {
		post_clear(n->post);
		free(n->post);
	}
	post_notif_init(n, n->network);
}

void post_init(struct post *p, const char *network)
{
	*p = (struct post){ 0 };
	p->network = network;
	p->n_likes = p->n_reposts = p->n_replies = p->n_quotes = -1;
}

void post_notif_init(struct notif *n, const char *network)
{
	*n = (struct notif){ 0 };
	n->network = network;
	n->kind = NOTIF_OTHER;
}

/* Grows a pointer array to hold one more entry. The capacity is implied by
 * the count (4, then powers of two), so no field is needed: grow exactly
 * when n is 0 or a power of two >= 4. Arrays are per post and small. */
static int grow(void *arrp, size_t n, size_t elem)
{
	void **arr = arrp;
	void *p;

	if (n != 0 && (n < 4 || (n & (n - 1)) != 0))
		return 0;
	p = realloc(*arr, (n ? n * 2 : 4) * elem);
	if (!p)
		return -ENOMEM;
	*arr = p;
	return 0;
}

int post_add_tag(struct post *p, const char *tag, size_t len)
{
	char *t;

	while (len && *tag == '#') {
		tag++;
		len--;
	}
	if (!len)
		return 0;
	for (size_t i = 0; i < p->n_tags; i++)
		if (strlen(p->tags[i]) == len && strncasecmp(p->tags[i], tag, len) == 0)
			return 0;
	if (grow(&p->tags, p->n_tags, sizeof(char *)) < 0 || !(t = strndup(tag, len)))
		return -ENOMEM;
	for (char *c = t; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	p->tags[p->n_tags++] = t;
	return 0;
}

int post_add_mention(struct post *p, const char *handle, size_t len, const char *id)
{
	char *h, *i = NULL;

	while (len && *handle == '@') {
		handle++;
		len--;
	}
	if (!len)
		return 0;
	for (size_t k = 0; k < p->n_mentions; k++)
		if (strlen(p->mentions[k]) == len && strncasecmp(p->mentions[k], handle, len) == 0)
			return 0;
	if (grow(&p->mentions, p->n_mentions, sizeof(char *)) < 0 ||
	    grow(&p->mention_ids, p->n_mentions, sizeof(char *)) < 0)
		return -ENOMEM;
	h = strndup(handle, len);
	if (id && !(i = strdup(id))) {
		free(h);
		return -ENOMEM;
	}
	if (!h) {
		free(i);
		return -ENOMEM;
	}
	p->mentions[p->n_mentions] = h;
	p->mention_ids[p->n_mentions] = i;
	p->n_mentions++;
	return 0;
}

int post_ref_set(struct post_ref *r, const char *id, const char *author_id,
		 const char *author_handle)
{
	if (str_set(&r->id, id) < 0 || str_set(&r->author_id, author_id) < 0 ||
	    str_set(&r->author_handle, author_handle) < 0)
		return -ENOMEM;
	return 0;
}
