/* notify_text.c — summaries, bodies, urgencies and categories. */
#include "notify/notify_text.h"
#include "common/strbuf.h"
#include "net/net.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct kind_look {
	const char *prefix, *verb;   /* prefix + who + verb (+ " " + network) */
	bool network;
	uint8_t urgency;
	const char *category;    /* desktop notification spec names, or x-mentord.* */
};

static const struct kind_look looks[NOTIFY_KIND_COUNT] = {
	[NOTIFY_POST] = { "", " posted on", true, 1, "x-mentord.post" },
	[NOTIFY_REPLY] = { "", " replied to you on", true, 2, "im.received" },
	[NOTIFY_MENTION] = { "", " mentioned you on", true, 1, "im.received" },
	[NOTIFY_NUDGE] = { "Nudge: ", "", false, 0, "x-mentord.nudge" },
	[NOTIFY_OPPORTUNITY] = { "Opportunity from ", "", false, 1, "x-mentord.opportunity" },
	[NOTIFY_SYNC] = { "", "", false, 0, "x-mentord.sync" },
	[NOTIFY_TAGGED] = { "", "", false, 2, "x-mentord.tagged" },
	[NOTIFY_BUDGET] = { "", "", false, 1, "x-mentord.budget" },
};

/* Appends text on one line, escaped for body markup, cut after about max
 * bytes on a character boundary. */
static void put_text(struct strbuf *b, const char *s, size_t max)
{
	size_t used = 0;
	bool space = false;
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
			space = used > 0;
			continue;
		}
		if (used >= max && (c & 0xc0) != 0x80) {
			strbuf_append(b, "\xe2\x80\xa6", 3);   /* … */
			return;
		}
		if (space) {
			strbuf_putc(b, ' ');
			used++;
			space = false;
		}
		if (c == '&')
			strbuf_puts(b, "&amp;");
		else if (c == '<')
			strbuf_puts(b, "&lt;");
		else if (c == '>')
			strbuf_puts(b, "&gt;");
		else if (c >= 0x20 && c != 0x7f)
			strbuf_putc(b, *s);
		used++;
	}
}

static const char *const kind_names[NOTIFY_KIND_COUNT] = {
	[NOTIFY_POST] = "posts", [NOTIFY_REPLY] = "replies", [NOTIFY_MENTION] = "mentions",
	[NOTIFY_NUDGE] = "nudges", [NOTIFY_OPPORTUNITY] = "opportunities", [NOTIFY_SYNC] = "sync",
	[NOTIFY_TAGGED] = "tagged", [NOTIFY_BUDGET] = "budget",
};

const char *notify_kind_name(enum notify_kind k)
{
	return (unsigned)k < NOTIFY_KIND_COUNT ? kind_names[k] : "?";
}

void notify_msg_clear(struct notify_msg *m)
{
	free(m->summary);
	free(m->body);
	free(m->url);
	*m = (struct notify_msg){ 0 };
}

const char *notify_network_title(const char *platform)
{
	if (!platform || !*platform)
		return "the network";
	const struct net_platform *p = net_platform_find(platform);
	return p ? p->title : platform;
}

/* Only web URLs become an "Open" action: the browser gets nothing else. */
static bool openable(const char *url)
{
	return url && (strncmp(url, "https://", 8) == 0 || strncmp(url, "http://", 7) == 0);
}

static char *open_url(const char *url)
{
	return openable(url) ? strdup(url) : NULL;
}

int notify_msg_single(struct notify_msg *out, const struct notify_item *it)
{
	const struct kind_look *look = &looks[(unsigned)it->kind < NOTIFY_KIND_COUNT ? it->kind : NOTIFY_POST];
	const char *who = it->mentor && *it->mentor ? it->mentor : "A mentor";
	struct strbuf body = STRBUF_INIT;
	char summary[256];

	if (it->summary)
		snprintf(summary, sizeof summary, "%s", it->summary);
	else
		snprintf(summary, sizeof summary, "%s%s%s%s%s", look->prefix, who, look->verb,
		         look->network ? " " : "", look->network ? notify_network_title(it->platform) : "");
	/* A tagged post's findings and the network's actions are the point. */
	put_text(&body, it->text ? it->text : "", it->kind == NOTIFY_TAGGED ? 1500 : 280);
	*out = (struct notify_msg){
		.summary = strdup(summary), .body = strbuf_steal(&body), .url = open_url(it->url),
		.urgency = look->urgency, .category = look->category, .mentor_id = it->mentor_id,
	};
	if (!out->summary || !out->body || (openable(it->url) && !out->url)) {
		notify_msg_clear(out);
		return -ENOMEM;
	}
	return 0;
}

static size_t distinct_mentors(const struct notify_item *v, size_t n)
{
	size_t count = 0;
	for (size_t i = 0; i < n; i++) {
		bool seen = !v[i].mentor_id;
		for (size_t j = 0; j < i && !seen; j++)
			seen = v[j].mentor_id == v[i].mentor_id;
		count += !seen;
	}
	return count;
}

static void digest_summary(char *buf, size_t size, const struct notify_item *v, size_t n, size_t extra)
{
	size_t total = n + extra, mentors = distinct_mentors(v, n);
	bool posts = true;
	for (size_t i = 0; i < n; i++)
		posts = posts && v[i].kind == NOTIFY_POST;
	const char *what = posts ? (total == 1 ? "new post" : "new posts") : (total == 1 ? "update" : "updates");
	if (mentors)
		snprintf(buf, size, "%zu %s from %zu %s", total, what, mentors, mentors == 1 ? "mentor" : "mentors");
	else
		snprintf(buf, size, "%zu %s", total, what);
}

int notify_msg_digest(struct notify_msg *out, const struct notify_item *v, size_t n, size_t extra)
{
	struct strbuf body = STRBUF_INIT;
	char summary[128];
	uint8_t urgency = 0;
	size_t shown = n < NOTIFY_DIGEST_LINES ? n : NOTIFY_DIGEST_LINES;
	size_t mentors = distinct_mentors(v, n);

	digest_summary(summary, sizeof summary, v, n, extra);
	for (size_t i = 0; i < n; i++) {
		uint8_t u = looks[(unsigned)v[i].kind < NOTIFY_KIND_COUNT ? v[i].kind : NOTIFY_POST].urgency;
		if (u > urgency)
			urgency = u > 1 ? 1 : u;   /* a digest is never critical */
	}
	for (size_t i = 0; i < shown; i++) {
		if (i)
			strbuf_putc(&body, '\n');
		put_text(&body, v[i].mentor && *v[i].mentor ? v[i].mentor : "mentord", 60);
		strbuf_puts(&body, ": ");
		put_text(&body, v[i].summary && !v[i].text ? v[i].summary : v[i].text, 80);
	}
	if (n + extra > shown)
		strbuf_printf(&body, "%sand %zu more", shown ? "\n" : "", n + extra - shown);
	*out = (struct notify_msg){
		.summary = strdup(summary), .body = strbuf_steal(&body), .urgency = urgency, .category = "x-mentord.digest",
	};
	if (mentors == 1) {
		for (size_t i = 0; i < n && !out->url; i++)
			out->url = open_url(v[i].url);
		for (size_t i = 0; i < n && !out->mentor_id; i++)
			out->mentor_id = v[i].mentor_id;
	}
	if (!out->summary || !out->body) {
		notify_msg_clear(out);
		return -ENOMEM;
	}
	return 0;
}
