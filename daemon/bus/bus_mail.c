/* bus_mail.c — the e-mail source on the bus: GetEmailStatus, and the
 * LinkSuggestions rows of addresses that wrote to the user under a
 * mentor's name. */
#include "bus/bus_internal.h"
#include "mail/mail.h"
#include "mentors/mentor_cache.h"
#include "store/store_mail.h"
#include "common/macros.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

int bus_mail_status(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	struct bus *b = userdata;
	struct mail_status st = { .state = "disabled", .last_error = "" };

	if (b->mail)
		mail_status(b->mail, &st);
	return sd_bus_reply_method_return(msg, "bsuttxs", (int)st.enabled, st.state, (uint32_t)st.folders,
	                                  st.files, st.messages, st.last_scan, st.last_error);
}

/* A name as compared: lower-case words of letters and digits, titles and
 * degrees dropped, sorted ("Dr. Roe, Jane" = "jane roe"). NULL when fewer
 * than two words remain (one word names too many people). */
static char *name_key(const char *name)
{
	static const char *const skip[] = { "dr", "prof", "professor", "md", "phd", "mr", "mrs", "ms",
	                                    "mph", "frcp", "facp", "do", "rn", "jr", "sr" };
	char *words[16], *copy = strdup(name), *save = NULL, *out;
	size_t n = 0, len = 0;

	if (!copy)
		return NULL;
	for (char *q = copy; *q; q++)
		*q = (*q & 0x80) || isalnum((unsigned char)*q) ? (char)tolower((unsigned char)*q) : ' ';
	for (char *w = strtok_r(copy, " ", &save); w && n < 16; w = strtok_r(NULL, " ", &save)) {
		bool drop = false;
		for (size_t i = 0; i < ARRAY_SIZE(skip) && !drop; i++)
			drop = strcmp(w, skip[i]) == 0;
		if (!drop)
			words[n++] = w;
	}
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && strcmp(words[j - 1], words[j]) > 0; j--) {
			char *t = words[j];
			words[j] = words[j - 1];
			words[j - 1] = t;
		}
	for (size_t i = 0; i < n; i++)
		len += strlen(words[i]) + 1;
	out = n >= 2 ? malloc(len) : NULL;
	if (out) {
		out[0] = '\0';
		for (size_t i = 0; i < n; i++) {
			strcat(out, words[i]);
			if (i + 1 < n)
				strcat(out, " ");
		}
	}
	free(copy);
	return out;
}

struct named { char *key; int64_t id; };

static int cmp_named(const void *a, const void *b)
{
	return strcmp(((const struct named *)a)->key, ((const struct named *)b)->key);
}

struct sender_scan {
	struct bus *bus;
	sd_bus_message *reply;
	struct named *names;
	size_t n;
	unsigned rows;
};

static int take_sender(const char *addr, const char *name, void *userdata)
{
	struct sender_scan *sc = userdata;
	struct named key = { .key = name_key(name) }, *hit;
	struct mentor_entry *e;
	int r = 0;

	if (!key.key || sc->rows >= 200) {
		free(key.key);
		return 0;
	}
	hit = bsearch(&key, sc->names, sc->n, sizeof *sc->names, cmp_named);
	free(key.key);
	if (!hit || !(e = mentor_cache_get(sc->bus->mentors, hit->id)))
		return 0;
	_cleanup_free_ char *shown = utf8_clean_dup(name, 200);
	if (!shown)
		return -ENOMEM;
	r = sd_bus_message_append(sc->reply, "(tssstss)", (uint64_t)hit->id, e->name, "email", shown,
	                          (uint64_t)0, "email", addr);
	sc->rows++;
	return r;
}

int bus_mail_suggest_links(struct bus *b, sd_bus_message *reply)
{
	struct sender_scan sc = { .bus = b, .reply = reply };
	size_t n = mentor_cache_count(b->mentors);
	int r = 0;

	if (!(sc.names = calloc(n ? n : 1, sizeof *sc.names)))
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		struct mentor_entry *e = mentor_cache_at(b->mentors, i);
		if (e->source || !e->name || !(sc.names[sc.n].key = name_key(e->name)))
			continue;
		sc.names[sc.n++].id = e->id;
	}
	qsort(sc.names, sc.n, sizeof *sc.names, cmp_named);
	r = store_mail_for_each_sender(b->store, take_sender, &sc);
	for (size_t i = 0; i < sc.n; i++)
		free(sc.names[i].key);
	free(sc.names);
	return r;
}
