/* check_token.c — splits a draft into tokens the rules can talk about.
 *
 * Words are runs of letters (any script) with inner apostrophes; numbers are
 * runs of ASCII digits; every punctuation character and every emoji is a
 * token of its own. Letters and digits are split ("45M" is 45 + M, "sh1t" is
 * sh + 1 + t) and each token remembers whether whitespace preceded it, so
 * patterns can still ask for them written together. URLs, e-mail addresses
 * and @mentions are single tokens: their inner words are nobody's business
 * (a handle like @Dickens must not be read as a word). */
#include "check/check_internal.h"
#include "common/utf8.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct check_lexer {
	struct check_toks *t;
	const struct check_list *abbrev;
	size_t pos;           /* byte offset */
	size_t chars;         /* code points before pos */
	bool space;           /* whitespace since the last token */
	bool new_sent;        /* the next token starts a sentence */
	uint32_t sent;
	enum utf8_class prev_cls;
	uint32_t prev_cp;
};

uint32_t check_punct_norm(uint32_t cp)
{
	if ((cp >= 0x2010 && cp <= 0x2015) || cp == 0x2212 || cp == 0xFE58 || cp == 0xFE63 ||
	    cp == 0xFF0D)
		return '-';
	if (cp == 0x2018 || cp == 0x2019 || cp == 0x201B || cp == 0x2032 || cp == 0x02BC)
		return '\'';
	if (cp == 0x201C || cp == 0x201D || cp == 0x201F || cp == 0x2033)
		return '"';
	if (cp == 0xFF03)
		return '#';
	return cp;
}

static int check_norm_put(struct check_toks *t, const char *s, size_t n)
{
	if (check_vec_reserve(&t->norm, &t->norm_cap, t->norm_len + n + 1, 1) < 0)
		return -ENOMEM;
	memcpy(t->norm + t->norm_len, s, n);
	t->norm_len += n;
	t->norm[t->norm_len] = '\0';
	return 0;
}

static uint32_t check_lex_cp(const struct check_lexer *lx, size_t at, size_t *n)
{
	bool bad;
	return utf8_decode(lx->t->text + at, lx->t->len - at, n, &bad);
}

/* Is the character at byte at whitespace, or the end of the text? */
static bool check_lex_space_at(const struct check_lexer *lx, size_t at)
{
	size_t n;
	return at >= lx->t->len || utf8_classify(check_lex_cp(lx, at, &n)) == UTF8_SPACE;
}

/* Appends a token spanning [b0, b1) / [c0, c1) whose normalized text has
 * already been written at norm. */
static struct check_token *check_lex_emit(struct check_lexer *lx, uint8_t kind, size_t b0,
					  size_t c0, size_t norm)
{
	struct check_toks *t = lx->t;
	struct check_token *k;

	if (check_vec_reserve(&t->v, &t->cap, t->n + 1, sizeof *t->v) < 0)
		return NULL;
	k = &t->v[t->n++];
	memset(k, 0, sizeof *k);
	k->kind = kind;
	k->b0 = (uint32_t)b0;
	k->b1 = (uint32_t)lx->pos;
	k->c0 = (uint32_t)c0;
	k->c1 = (uint32_t)lx->chars;
	k->norm = (uint32_t)norm;
	k->nlen = k->stem = (uint32_t)(t->norm_len - norm);
	if (lx->space)
		k->flags |= CHECK_TF_SPACE;
	if (lx->new_sent) {
		k->flags |= CHECK_TF_SENT;
		if (t->n > 1)
			lx->sent++;
		lx->new_sent = false;
	}
	k->sent = lx->sent;
	lx->space = false;
	/* The norm buffer may move; a NUL keeps each string printable. */
	return check_norm_put(t, "", 0) < 0 ? NULL : k;
}

/* URLs, e-mails and mentions start after whitespace, an opening bracket or
 * other punctuation that cannot be inside one. */
static bool check_lex_entity_may_start(const struct check_lexer *lx)
{
	if (lx->prev_cls == UTF8_SPACE || lx->prev_cls == UTF8_SYMBOL)
		return true;
	return lx->prev_cls == UTF8_PUNCT && !strchr("_%+-.@/#&=?~:'", (int)lx->prev_cp);
}

/* Returns 1 if a URL, e-mail or mention was emitted, 0 if none starts here. */
static int check_lex_entity(struct check_lexer *lx)
{
	struct check_toks *t = lx->t;
	const char *s = t->text + lx->pos;
	size_t n = t->len - lx->pos, host = 0, hlen = 0, len, norm = t->norm_len, i;
	uint8_t kind;

	if (!check_lex_entity_may_start(lx))
		return 0;
	if ((len = check_entity_mention(s, n)) != 0) {
		kind = CHECK_TOK_MENTION;
		host = 1;
		hlen = len - 1;
	} else if ((len = check_entity_url(s, n, &host, &hlen)) != 0) {
		kind = CHECK_TOK_URL;
	} else if ((len = check_entity_email(s, n)) != 0) {
		kind = CHECK_TOK_EMAIL;
		hlen = len;
	} else {
		return 0;
	}
	for (i = 0; i < hlen; i++) {
		char c = s[host + i];
		c = (char)((c >= 'A' && c <= 'Z') ? c + 32 : c);
		if (check_norm_put(t, &c, 1) < 0)
			return -ENOMEM;
	}
	lx->pos += len;
	lx->chars += len;   /* entities are ASCII */
	if (!check_lex_emit(lx, kind, lx->pos - len, lx->chars - len, norm))
		return -ENOMEM;
	lx->prev_cls = UTF8_LETTER;
	return 1;
}

static bool check_lex_apostrophe(uint32_t cp)
{
	return cp == '\'' || cp == 0x2019 || cp == 0x02BC;
}

/* A word: letters and marks, plus an apostrophe that has a letter after it. */
static int check_lex_word(struct check_lexer *lx)
{
	struct check_toks *t = lx->t;
	size_t b0 = lx->pos, c0 = lx->chars, norm = t->norm_len, n, n2;
	unsigned letters = 0, upper = 0, ascii = 1;
	bool first_upper = false;
	struct check_token *k;

	while (lx->pos < t->len) {
		uint32_t cp = check_lex_cp(lx, lx->pos, &n);
		enum utf8_class c = utf8_classify(cp);
		char buf[UTF8_FOLD_MAX];

		if (check_lex_apostrophe(cp) && lx->pos + n < t->len &&
		    utf8_classify(check_lex_cp(lx, lx->pos + n, &n2)) == UTF8_LETTER)
			cp = '\'';
		else if (c != UTF8_LETTER && c != UTF8_MARK)
			break;
		if (c == UTF8_LETTER) {
			/* Scripts without case (Han, Arabic, Devanagari...) write
			 * names like any word: their words count as capitalised. */
			if (letters == 0)
				first_upper = utf8_starts_word_capital(cp) || utf8_is_caseless(cp);
			letters++;
			upper += utf8_is_upper(cp);
		}
		ascii &= cp < 0x80;
		if (check_norm_put(t, buf, utf8_fold(cp, buf, sizeof buf)) < 0)
			return -ENOMEM;
		lx->pos += n;
		lx->chars++;
	}
	k = check_lex_emit(lx, CHECK_TOK_WORD, b0, c0, norm);
	if (!k)
		return -ENOMEM;
	if (first_upper && upper < letters)
		k->flags |= CHECK_TF_CAP;
	if (letters >= 2 && upper == letters)
		k->flags |= CHECK_TF_UPPER;
	if (ascii)
		k->flags |= CHECK_TF_ASCII;
	if (k->nlen > 2 && memcmp(t->norm + norm + k->nlen - 2, "'s", 2) == 0)
		k->stem = k->nlen - 2;
	lx->prev_cls = UTF8_LETTER;
	return 0;
}

static int check_lex_number(struct check_lexer *lx)
{
	struct check_toks *t = lx->t;
	size_t b0 = lx->pos, c0 = lx->chars, norm = t->norm_len;
	uint32_t value = 0;
	struct check_token *k;

	while (lx->pos < t->len && t->text[lx->pos] >= '0' && t->text[lx->pos] <= '9') {
		value = value > 99999999 ? 999999999 : value * 10 + (uint32_t)(t->text[lx->pos] - '0');
		lx->pos++;
		lx->chars++;
	}
	if (check_norm_put(t, t->text + b0, lx->pos - b0) < 0)
		return -ENOMEM;
	k = check_lex_emit(lx, CHECK_TOK_NUM, b0, c0, norm);
	if (!k)
		return -ENOMEM;
	k->value = value;
	k->flags |= CHECK_TF_ASCII;
	lx->prev_cls = UTF8_DIGIT;
	return 0;
}

/* Does a full stop at the end of the last token end the sentence? Not after
 * an initial ("J. Smith") or an abbreviation from the list ("Dr.", "St."). */
static bool check_lex_stop_ends(const struct check_lexer *lx)
{
	const struct check_toks *t = lx->t;
	const struct check_token *prev;

	if (!check_lex_space_at(lx, lx->pos))
		return false;
	if (t->n < 2)
		return true;
	prev = &t->v[t->n - 2];
	if (prev->kind != CHECK_TOK_WORD)
		return true;
	if (prev->nlen == 1)
		return false;
	return !lx->abbrev || !check_list_has_word(lx->abbrev, t->norm + prev->norm, prev->nlen);
}

/* One punctuation character, or one emoji with its modifiers and joiners. */
static int check_lex_single(struct check_lexer *lx, uint32_t cp, size_t n, enum utf8_class c)
{
	struct check_toks *t = lx->t;
	size_t b0 = lx->pos, c0 = lx->chars, norm = t->norm_len, n2;
	uint32_t ncp = check_punct_norm(cp);
	struct check_token *k;
	char buf[4];

	lx->pos += n;
	lx->chars++;
	lx->prev_cp = cp;
	while (c == UTF8_SYMBOL && lx->pos < t->len) {
		uint32_t next = check_lex_cp(lx, lx->pos, &n2);
		enum utf8_class nc = utf8_classify(next);
		if (nc != UTF8_MARK && !(nc == UTF8_SYMBOL && lx->prev_cp == 0x200D))
			break;
		lx->prev_cp = next;
		lx->pos += n2;
		lx->chars++;
	}
	if (check_norm_put(t, buf, utf8_encode(ncp, buf)) < 0)
		return -ENOMEM;
	k = check_lex_emit(lx, c == UTF8_SYMBOL ? CHECK_TOK_SYM : CHECK_TOK_PUNCT, b0, c0, norm);
	if (!k)
		return -ENOMEM;
	k->cp = ncp;
	if (ncp == '!' || ncp == '?' || ncp == 0x2026)
		lx->new_sent = lx->new_sent || check_lex_space_at(lx, lx->pos);
	else if (ncp == '.' && check_lex_stop_ends(lx))
		lx->new_sent = true;
	lx->prev_cls = c;
	lx->prev_cp = cp;
	return 0;
}

static int check_lex_step(struct check_lexer *lx)
{
	size_t n;
	uint32_t cp;
	enum utf8_class c;
	bool bad;
	int r;

	if ((r = check_lex_entity(lx)) != 0)
		return r < 0 ? r : 0;
	cp = utf8_decode(lx->t->text + lx->pos, lx->t->len - lx->pos, &n, &bad);
	lx->t->invalid += bad;
	c = bad ? UTF8_SYMBOL : utf8_classify(cp);
	switch (c) {
	case UTF8_SPACE:
		if (cp == '\n' || cp == 0x2029)
			lx->new_sent = true;
		lx->space = true;
		lx->pos += n;
		lx->chars++;
		lx->prev_cls = c;
		return 0;
	case UTF8_LETTER:
	case UTF8_MARK:
		return check_lex_word(lx);
	case UTF8_DIGIT:
		return check_lex_number(lx);
	default:
		return check_lex_single(lx, cp, n, c);
	}
}

int check_tokenize(const char *s, size_t len, const struct check_list *abbrev,
		   struct check_toks *out)
{
	struct check_lexer lx = { .t = out, .abbrev = abbrev, .space = true, .new_sent = true,
				  .prev_cls = UTF8_SPACE };
	int r;

	memset(out, 0, sizeof *out);
	out->text = s;
	out->len = len;
	/* Normalized text never outgrows the input much; reserve once. */
	if (check_vec_reserve(&out->norm, &out->norm_cap, 2 * len + 64, 1) < 0 ||
	    check_vec_reserve(&out->v, &out->cap, len / 4 < 1024 ? len / 4 + 16 : 1024, sizeof *out->v) < 0) {
		r = -ENOMEM;
		goto fail;
	}
	out->norm[0] = '\0';
	while (lx.pos < len)
		if ((r = check_lex_step(&lx)) < 0)
			goto fail;
	if ((r = check_obf_mark(out)) < 0)
		goto fail;
	return 0;
fail:
	check_toks_free(out);
	return r;
}

void check_toks_free(struct check_toks *t)
{
	free(t->v);
	free(t->norm);
	memset(t, 0, sizeof *t);
}
