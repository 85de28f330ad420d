/* import_linkedin_me.c — after both files are read: whose export it is,
 * and which messages are one-to-one with whom (import_linkedin.h). */
#include "import_linkedin_rows.h"
#include "common/channel.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PARTS 80   /* participants of one conversation looked at */

static int by_conv(const void *a, const void *b)
{
	const struct li_raw *x = a, *y = b;
	int c = strcmp(x->conv, y->conv);
	return c ? c : (x->at > y->at) - (x->at < y->at);
}

static int by_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int by_url(const void *a, const void *b)
{
	return strcmp(((const struct linkedin_person *)a)->url, ((const struct linkedin_person *)b)->url);
}

/* The distinct participants of raw[from..to). */
static size_t participants(const struct li_raw *raw, size_t from, size_t to, const char **parts)
{
	size_t n = 0;
	for (size_t i = from; i < to; i++)
		for (size_t k = 0; k <= raw[i].n_to; k++) {
			const char *u = k == 0 ? raw[i].sender : raw[i].to[k - 1];
			size_t j = 0;
			while (j < n && strcmp(parts[j], u) != 0)
				j++;
			if (j == n && n < MAX_PARTS)
				parts[n++] = u;
		}
	return n;
}

static size_t group_end(const struct li_raw *raw, size_t n, size_t i)
{
	size_t j = i + 1;
	while (j < n && strcmp(raw[j].conv, raw[i].conv) == 0)
		j++;
	return j;
}

static bool is_connection(const struct import_linkedin *o, const char *url)
{
	struct linkedin_person key = { .url = (char *)url };
	return o->n_people && bsearch(&key, o->people, o->n_people, sizeof key, by_url) != NULL;
}

/* The participant of most conversations; among equals, the one who is not
 * a connection (nobody is their own). NULL with the error set when that
 * still leaves two. */
static const char *find_me(struct li_rows *r)
{
	const char **all = NULL, *parts[MAX_PARTS], *best = NULL;
	size_t n = 0, cap = 0, best_n = 0;
	bool tie = false;

	for (size_t i = 0; i < r->n_raw;) {
		size_t j = group_end(r->raw, r->n_raw, i), k = participants(r->raw, i, j, parts);
		if (n + k > cap) {
			cap = (n + k) * 2;
			const char **v = realloc(all, cap * sizeof *v);
			if (!v) {
				free(all);
				import_linkedin_fail(&r->msgs, "out of memory");
				return NULL;
			}
			all = v;
		}
		memcpy(all + n, parts, k * sizeof *parts);
		n += k;
		i = j;
	}
	if (n)
		qsort(all, n, sizeof *all, by_str);
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;
		while (j < n && strcmp(all[j], all[i]) == 0)
			j++;
		if (j - i > best_n) {
			best = all[i];
			best_n = j - i;
			tie = false;
		} else if (j - i == best_n) {
			bool a = is_connection(r->out, best), b = is_connection(r->out, all[i]);
			if (a && !b)
				best = all[i];
			tie = a == b;
		}
		i = j;
	}
	free(all);
	if (tie) {
		snprintf(r->msgs.err, r->msgs.err_size, "%s: messages.csv: cannot tell which profile is yours "
		         "(several take part in as many conversations): give it with --me URL", r->msgs.archive);
		return NULL;
	}
	return best;
}

static int add_message(struct import_linkedin *o, size_t *cap, const struct li_raw *m, const char *other, bool mine)
{
	char key[IMPORT_LINKEDIN_MAX_KEY];
	struct linkedin_message *x;

	if (o->n_msgs == *cap) {
		size_t c = *cap ? *cap * 2 : 256;
		struct linkedin_message *v = realloc(o->msgs, c * sizeof *v);
		if (!v)
			return -1;
		o->msgs = v;
		*cap = c;
	}
	snprintf(key, sizeof key, "%s/%lld/%s", m->conv, (long long)m->at, mine ? "me" : "them");
	x = &o->msgs[o->n_msgs++];
	*x = (struct linkedin_message){ .key = strdup(key), .counterpart = strdup(other), .mine = mine, .at = m->at };
	return x->key && x->counterpart ? 0 : -1;
}

int import_linkedin_rows_finish(struct li_rows *r, const char *me)
{
	struct import_linkedin *o = r->out;
	const char *parts[MAX_PARTS];
	size_t cap = 0;
	char buf[CHANNEL_HANDLE_MAX + 1];
	const char *why;

	if (o->n_people)
		qsort(o->people, o->n_people, sizeof *o->people, by_url);
	if (r->n_raw)
		qsort(r->raw, r->n_raw, sizeof *r->raw, by_conv);
	if (me && channel_linkedin_norm(me, buf, sizeof buf, &why) < 0) {
		snprintf(r->msgs.err, r->msgs.err_size, "--me '%.80s' is not a LinkedIn profile URL "
		         "like https://www.linkedin.com/in/NAME", me);
		return -1;
	}
	if (me)
		me = buf;
	else if (r->n_raw && !(me = find_me(r)))
		return -1;
	if (me && !(o->me = strdup(me)))
		goto oom;
	for (size_t i = 0; i < r->n_raw;) {
		size_t j = group_end(r->raw, r->n_raw, i), n = participants(r->raw, i, j, parts);
		const char *other = NULL;
		bool mine_in = false;
		for (size_t k = 0; k < n; k++)
			if (strcmp(parts[k], me) == 0)
				mine_in = true;
			else
				other = parts[k];
		/* Group threads and conversations the user is not in say nothing
		 * about one mentor and the user. */
		if (!mine_in || n != 2) {
			o->skipped_msgs += j - i;
			i = j;
			continue;
		}
		for (; i < j; i++) {
			bool mine = strcmp(r->raw[i].sender, me) == 0;
			if (add_message(o, &cap, &r->raw[i], other, mine) < 0)
				goto oom;
		}
	}
	return 0;
oom:
	snprintf(r->msgs.err, r->msgs.err_size, "%s: out of memory", r->msgs.archive);
	return -1;
}

void import_linkedin_free(struct import_linkedin *li)
{
	for (size_t i = 0; li->people && i < li->n_people; i++) {
		struct linkedin_person *p = &li->people[i];
		free(p->url);
		free(p->first);
		free(p->last);
		free(p->email);
		free(p->company);
		free(p->position);
	}
	for (size_t i = 0; li->msgs && i < li->n_msgs; i++) {
		free(li->msgs[i].key);
		free(li->msgs[i].counterpart);
	}
	free(li->people);
	free(li->msgs);
	free(li->me);
	*li = (struct import_linkedin){ 0 };
}
