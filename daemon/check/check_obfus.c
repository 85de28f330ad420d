/* check_obfus.c — sees through the ways people disguise a word: leet digits
 * and symbols ("sh1t", "a$$"), masks ("f*ck"), separators ("f.u.c.k"),
 * spacing ("f u c k") and stretching ("fuuuck"). Each suspicious word gets a
 * skeleton that word lists marked %obfuscate are compared against; plain
 * words never get one, so "class", "assess" and "Scunthorpe" stay words. */
#include "check/check_internal.h"

#include <errno.h>
#include <string.h>

#define CHECK_SKEL_MAX 32

struct check_skel {
	char s[CHECK_SKEL_MAX];
	size_t n;
	unsigned letters, digits, symbols, masks, seps, longest_piece;
};

static char check_obf_leet_digit(char d)
{
	static const char map[] = "oi?ea?t?b?";   /* 0 1 2 3 4 5 6 7 8 9; '?' = none */
	char c = map[d - '0'];
	return d == '5' ? 's' : c == '?' ? 0 : c;
}

static bool check_obf_add(struct check_skel *k, char c)
{
	if (k->n >= CHECK_SKEL_MAX)
		return false;
	k->s[k->n++] = c;
	return true;
}

/* Adds one token of a chunk to the skeleton; false if it cannot be part of
 * a disguised word. */
static bool check_obf_token(struct check_skel *k, const struct check_toks *t, size_t i)
{
	const struct check_token *tk = &t->v[i];
	const char *s = t->norm + tk->norm, *p;
	size_t j;

	switch (tk->kind) {
	case CHECK_TOK_WORD:
		if (!(tk->flags & CHECK_TF_ASCII))
			return false;
		k->letters += tk->nlen;
		if (tk->nlen > k->longest_piece)
			k->longest_piece = tk->nlen;
		for (j = 0; j < tk->nlen; j++)
			if (s[j] != '\'' && !check_obf_add(k, s[j]))
				return false;
		return true;
	case CHECK_TOK_NUM:
		for (j = 0; j < tk->nlen; j++) {
			char c = check_obf_leet_digit(s[j]);
			if (!c || !check_obf_add(k, c))
				return false;
			k->digits++;
		}
		return true;
	case CHECK_TOK_PUNCT:
		if (tk->cp >= 0x80)
			return false;
		if ((p = strchr("$s@a!i|l+t", (int)tk->cp)) && (p - "$s@a!i|l+t") % 2 == 0) {
			k->symbols++;
			return check_obf_add(k, p[1]);
		}
		if (strchr("*#%", (int)tk->cp)) {
			k->masks++;
			return check_obf_add(k, '?');
		}
		if (strchr(".-_'", (int)tk->cp)) {
			k->seps++;
			return true;
		}
		return false;
	default:
		return false;
	}
}

static bool check_obf_lead(const struct check_token *tk)
{
	return tk->kind == CHECK_TOK_PUNCT && tk->cp < 0x80 && strchr("([{<\"'#", (int)tk->cp);
}

static bool check_obf_trail(const struct check_token *tk)
{
	return tk->kind == CHECK_TOK_PUNCT && tk->cp < 0x80 && strchr(".,;:!?)]}>\"'", (int)tk->cp);
}

static bool check_obf_has_stretch(const char *s, size_t n)
{
	size_t i;

	for (i = 2; i < n; i++)
		if (s[i] == s[i - 1] && s[i] == s[i - 2] && s[i] >= 'a' && s[i] <= 'z')
			return true;
	return false;
}

static int check_obf_store(struct check_toks *t, size_t first, size_t end, const struct check_skel *k)
{
	struct check_token *tk;
	uint32_t at = (uint32_t)t->norm_len;

	if (k->n < 3)
		return 0;
	if (check_vec_reserve(&t->norm, &t->norm_cap, t->norm_len + k->n + 1, 1) < 0)
		return -ENOMEM;
	memcpy(t->norm + t->norm_len, k->s, k->n);
	t->norm_len += k->n;
	t->norm[t->norm_len] = '\0';
	tk = &t->v[first];
	tk->flags |= CHECK_TF_OBF;
	tk->skel = at;
	tk->slen = (uint32_t)k->n;
	tk->send = (uint32_t)end;
	return 0;
}

/* A glued run of tokens [a, b): is it a disguised word? */
static int check_obf_chunk(struct check_toks *t, size_t a, size_t b)
{
	struct check_skel k = { .n = 0 };
	size_t i;

	while (a < b && check_obf_lead(&t->v[a]))
		a++;
	while (b > a + 1 && check_obf_trail(&t->v[b - 1]))
		b--;
	if (a >= b)
		return 0;
	for (i = a; i < b; i++)
		if (!check_obf_token(&k, t, i))
			return 0;
	if (b - a == 1) {   /* a plain word: only stretching disguises it */
		const struct check_token *tk = &t->v[a];
		if (tk->kind != CHECK_TOK_WORD || !check_obf_has_stretch(t->norm + tk->norm, tk->nlen))
			return 0;
		return check_obf_store(t, a, b, &k);
	}
	if (k.letters == 0 || k.digits >= k.letters)
		return 0;
	if (k.digits + k.symbols + k.masks == 0 && k.longest_piece > 1)
		return 0;   /* "x-ray", "well-known": separators between real words */
	return check_obf_store(t, a, b, &k);
}

static bool check_obf_single_letter(const struct check_token *tk)
{
	return tk->kind == CHECK_TOK_WORD && tk->nlen == 1 && (tk->flags & CHECK_TF_ASCII);
}

/* "f u c k": three or more single letters separated by whitespace. */
static int check_obf_spaced(struct check_toks *t, size_t a, size_t *next)
{
	struct check_skel k = { .n = 0 };
	size_t i = a;

	while (i < t->n && check_obf_single_letter(&t->v[i]) &&
	       (i == a || (t->v[i].flags & CHECK_TF_SPACE)) && (i + 1 >= t->n ||
	       (t->v[i + 1].flags & CHECK_TF_SPACE) || check_obf_trail(&t->v[i + 1]))) {
		if (!check_obf_add(&k, t->norm[t->v[i].norm]))
			break;
		i++;
		if (i < t->n && !(t->v[i].flags & CHECK_TF_SPACE) && check_obf_trail(&t->v[i]))
			i++;   /* "f. u. c. k." */
	}
	*next = i;
	if (i - a < 3 || (t->v[a].flags & CHECK_TF_OBF))
		return 0;
	return check_obf_store(t, a, i, &k);
}

int check_obf_mark(struct check_toks *t)
{
	size_t a = 0, b, next;
	int r;

	while (a < t->n) {
		for (b = a + 1; b < t->n && !(t->v[b].flags & CHECK_TF_SPACE); b++)
			;
		if ((r = check_obf_chunk(t, a, b)) < 0)
			return r;
		a = b;
	}
	for (a = 0; a < t->n; a = next > a ? next : a + 1)
		if ((r = check_obf_spaced(t, a, &next)) < 0)
			return r;
	return 0;
}

bool check_obf_spells(const char *skel, size_t slen, const char *word, size_t wlen,
		      bool prefix, int margin)
{
	size_t i = 0, j = 0, masks = 0, r, w;

	for (i = 0; i < slen; i++)
		masks += skel[i] == '?';
	if (masks && (int)(slen - masks) - (int)masks < margin)
		return false;
	for (i = 0; i < slen && j < wlen;) {
		char c = skel[i];
		for (r = 1; c != '?' && i + r < slen && skel[i + r] == c; r++)
			;
		if (r >= 3) {   /* stretched: matches a run of 1..r in the word */
			for (w = 0; j + w < wlen && word[j + w] == c; w++)
				;
			if (w == 0 || w > r)
				return false;
			i += r;
			j += w;
			continue;
		}
		if (c != '?' && c != word[j])
			return false;
		i++;
		j++;
	}
	return j == wlen && (prefix || i == slen);
}
