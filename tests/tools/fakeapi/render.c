/* render.c — what all networks render alike: the segments of a post's text
 * (each network then writes them its own way: X plain text with HTML-escaped
 * &<> and entity offsets in characters, Mastodon sanitised HTML with h-card
 * mentions and hashtag links, Bluesky plain UTF-8 with byte-offset facets),
 * the fields a "wrong_types" script corrupts, and engagement counts. */
#include <ctype.h>
#include <stdio.h>

#include "fakeapi.h"

static const char *const vocab[] = { "rounds", "today", "residents", "teaching", "great", "session",
	"on", "heart", "failure", "case", "review", "simulation", "feedback", "curriculum", "bedside",
	"echo", "ECG", "journal", "club", "mentorship", "matters", "learned", "so", "much", "from",
	"the", "team", "new", "paper", "out", "about", "clinical", "reasoning", "Q&A", "at", "noon",
	"it's", "worth", "reading", "\xF0\x9F\xA9\xBA", "caf\xC3\xA9", "debrief", "with", "students",
	"and", "fellows", "<3", "grand", "morning", "report" };
#define NVOCAB (sizeof vocab / sizeof vocab[0])

static void seg_add(struct segs *sg, uint8_t k, int32_t v, const char *s)
{
	if (sg->n < (int)(sizeof sg->s / sizeof sg->s[0]))
		sg->s[sg->n++] = (struct seg){ k, v, s };
}

void render_compose(const struct fake *f, const struct post *p, struct segs *sg)
{
	int nwords = 5 + (int)(p->seed % 9);

	sg->n = 0;
	if (p->type == P_REPLY && net_list[p->net]->reply_mention)
		seg_add(sg, S_MENTION, p->tgt_a, NULL);
	if (p->text) {
		seg_add(sg, S_TEXT, 0, p->text);
		if (p->mention >= 0)
			seg_add(sg, S_MENTION, p->mention, NULL);
	} else {
		for (int i = 0; i < nwords; i++) {
			if (i == 2 && p->mention >= 0)
				seg_add(sg, S_MENTION, p->mention, NULL);
			seg_add(sg, S_WORD, 0, vocab[util_mix64(p->seed + (uint64_t)i) % NVOCAB]);
		}
	}
	for (int i = 0; i < p->ntags; i++)
		seg_add(sg, S_TAG, p->tags[i], NULL);
	if (p->type == P_QUOTE && net_list[p->net]->quote_link)
		seg_add(sg, S_LINK, 0, NULL);
}

void render_html_escape(struct buf *b, const char *s, bool quotes)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': buf_puts(b, "&amp;"); break;
		case '<': buf_puts(b, "&lt;"); break;
		case '>': buf_puts(b, "&gt;"); break;
		case '"': buf_puts(b, quotes ? "&quot;" : "\""); break;
		case '\'': buf_puts(b, quotes ? "&#39;" : "'"); break;
		default: buf_putc(b, *s);
		}
	}
}

void render_kid(struct rctx *c, const char *k, const char *id)
{
	if (c->ids_numeric) {
		char digits[24];
		size_t n = 0;
		for (const char *s = id; *s && n < 15; s++)
			if (isdigit((unsigned char)*s))
				digits[n++] = *s;
		digits[n] = '\0';
		jw_kraw(c->j, k, n ? digits : "0");
	} else {
		jw_kstr(c->j, k, id);
	}
}

void render_ktext(struct rctx *c, const char *k, const char *s)
{
	if (c->nulls)
		jw_knull(c->j, k);
	else
		jw_kstr(c->j, k, s);
}

void render_metrics(const struct post *p, long m[6])
{
	uint64_t s = util_mix64(p->seed);
	m[0] = (long)(s % 10);            /* reposts */
	m[1] = (long)((s >> 8) % 5);      /* replies */
	m[2] = (long)((s >> 16) % 50);    /* likes */
	m[3] = (long)((s >> 24) % 3);     /* quotes */
	m[4] = (long)((s >> 32) % 4);     /* bookmarks */
	m[5] = 100 + (long)((s >> 40) % 5000);
}
