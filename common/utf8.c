#include "common/utf8.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

static bool utf8_cont(unsigned char c)
{
	return (c & 0xC0) == 0x80;
}

uint32_t utf8_decode(const char *s, size_t len, size_t *n, bool *bad)
{
	const unsigned char *u = (const unsigned char *)s;
	uint32_t cp, min;
	size_t need, i;

	if (bad)
		*bad = false;
	*n = 1;
	if (u[0] < 0x80)
		return u[0];
	if (u[0] >= 0xC2 && u[0] <= 0xDF) {
		need = 2; cp = u[0] & 0x1F; min = 0x80;
	} else if (u[0] >= 0xE0 && u[0] <= 0xEF) {
		need = 3; cp = u[0] & 0x0F; min = 0x800;
	} else if (u[0] >= 0xF0 && u[0] <= 0xF4) {
		need = 4; cp = u[0] & 0x07; min = 0x10000;
	} else {
		goto bad;
	}
	if (len < need)
		goto bad;
	for (i = 1; i < need; i++) {
		if (!utf8_cont(u[i]))
			goto bad;
		cp = (cp << 6) | (u[i] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		goto bad;
	*n = need;
	return cp;
bad:
	if (bad)
		*bad = true;
	return UTF8_REPLACEMENT;
}

size_t utf8_encode(uint32_t cp, char *out)
{
	unsigned char *o = (unsigned char *)out;

	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (unsigned char)(0xC0 | (cp >> 6));
		o[1] = (unsigned char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (unsigned char)(0xE0 | (cp >> 12));
		o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (unsigned char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (unsigned char)(0xF0 | (cp >> 18));
	o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
	o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
	o[3] = (unsigned char)(0x80 | (cp & 0x3F));
	return 4;
}

/* utf8_encode into a buffer of cap bytes; 0 if it does not fit. */
static size_t utf8_encode_cap(uint32_t cp, char *out, size_t cap)
{
	char tmp[4];
	size_t k = utf8_encode(cp, tmp);

	if (k > cap)
		return 0;
	memcpy(out, tmp, k);
	return k;
}

/* A NUL-terminated copy of s[0..len) with each malformed byte as U+FFFD. */
static char *utf8_fffd_dup(const char *s, size_t len)
{
	char *out = malloc(len * 3 + 1);
	size_t o = 0;

	if (!out)
		return NULL;
	for (size_t i = 0, n; i < len && s[i]; i += n) {
		bool bad;
		uint32_t cp = utf8_decode(s + i, len - i, &n, &bad);
		o += utf8_encode(bad ? UTF8_REPLACEMENT : cp, out + o);
	}
	out[o] = '\0';
	return out;
}

static enum utf8_class utf8_classify_ascii(uint32_t cp)
{
	if (cp <= 0x20 || cp == 0x7F)
		return UTF8_SPACE;
	if (cp >= '0' && cp <= '9')
		return UTF8_DIGIT;
	if ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z')
		return UTF8_LETTER;
	return UTF8_PUNCT;
}

/* Latin-1 punctuation and symbols stay punctuation (the rules were written
 * reading them so); the ranges below the table cannot express come first. */
static enum utf8_class utf8_classify_special(uint32_t cp, bool *hit)
{
	*hit = true;
	if (cp >= 0x80 && cp <= 0xA0)
		return UTF8_SPACE;
	if (cp == 0x200B)                        /* zero-width space separates words */
		return UTF8_SPACE;
	if (cp >= 0x1F3FB && cp <= 0x1F3FF)      /* skin tones modify the emoji before */
		return UTF8_MARK;
	if (cp >= 0xA1 && cp <= 0xFF && cp != 0xAA && cp != 0xB5 && cp != 0xBA &&
	    (cp < 0xC0 || cp == 0xD7 || cp == 0xF7))
		return UTF8_PUNCT;
	if (cp >= 0x2070 && cp <= 0x209F)        /* super- and subscripts */
		return UTF8_SYMBOL;
	*hit = false;
	return UTF8_SYMBOL;
}

enum utf8_class utf8_classify(uint32_t cp)
{
	bool hit;
	enum utf8_class c;

	if (cp < 0x80)
		return utf8_classify_ascii(cp);
	c = utf8_classify_special(cp, &hit);
	if (hit)
		return c;
	switch (utf8proc_category((utf8proc_int32_t)cp)) {
	case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_NL:
	case UTF8PROC_CATEGORY_ND:   /* other scripts' digits read as part of words */
		return UTF8_LETTER;
	case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME:
	case UTF8PROC_CATEGORY_CF:   /* joiners, bidi controls, tags: attach, never split */
		return UTF8_MARK;
	case UTF8PROC_CATEGORY_ZS: case UTF8PROC_CATEGORY_ZL: case UTF8PROC_CATEGORY_ZP:
	case UTF8PROC_CATEGORY_CC:
		return UTF8_SPACE;
	case UTF8PROC_CATEGORY_PC: case UTF8PROC_CATEGORY_PD: case UTF8PROC_CATEGORY_PS:
	case UTF8PROC_CATEGORY_PE: case UTF8PROC_CATEGORY_PI: case UTF8PROC_CATEGORY_PF:
	case UTF8PROC_CATEGORY_PO: case UTF8PROC_CATEGORY_SC:
		return UTF8_PUNCT;
	case UTF8PROC_CATEGORY_CN:   /* unassigned: a letter of a script newer than the tables */
		return cp >= 0xF0000 || (cp >= 0x1F000 && cp <= 0x1FBFF) ? UTF8_SYMBOL : UTF8_LETTER;
	default:                     /* symbols, private use, surrogates, No */
		return UTF8_SYMBOL;
	}
}

bool utf8_is_upper(uint32_t cp)
{
	return cp < 0x80 ? cp >= 'A' && cp <= 'Z' : utf8proc_isupper((utf8proc_int32_t)cp);
}

bool utf8_is_title(uint32_t cp)
{
	return cp >= 0x80 && utf8proc_category((utf8proc_int32_t)cp) == UTF8PROC_CATEGORY_LT;
}

bool utf8_is_caseless(uint32_t cp)
{
	return cp >= 0x80 && utf8proc_category((utf8proc_int32_t)cp) == UTF8PROC_CATEGORY_LO;
}

bool utf8_starts_word_capital(uint32_t cp)
{
	return utf8_is_upper(cp) || utf8_is_title(cp);
}

uint32_t utf8_lower(uint32_t cp)
{
	if (cp < 0x80)
		return cp >= 'A' && cp <= 'Z' ? cp + 0x20 : cp;
	return (uint32_t)utf8proc_tolower((utf8proc_int32_t)cp);
}

size_t utf8_fold(uint32_t cp, char *out, size_t cap)
{
	utf8proc_int32_t buf[UTF8_FOLD_MAX / 2];
	utf8proc_ssize_t n;
	int last = 0;
	size_t o = 0;

	if (cp < 0x80) {
		if (cap < 1)
			return 0;
		out[0] = (char)utf8_lower(cp);
		return 1;
	}
	n = utf8proc_decompose_char((utf8proc_int32_t)cp, buf, (utf8proc_ssize_t)(sizeof buf / sizeof buf[0]),
				    UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD, &last);
	if (n <= 0 || (size_t)n > sizeof buf / sizeof buf[0])
		return utf8_encode_cap(utf8_lower(cp), out, cap);
	/* Back to composed form, so "é" folds to one "é" whichever way it came. */
	n = utf8proc_normalize_utf32(buf, n, UTF8PROC_COMPOSE | UTF8PROC_STABLE);
	for (utf8proc_ssize_t i = 0; i < n; i++) {
		size_t k = utf8_encode_cap((uint32_t)buf[i], out + o, cap - o);
		if (k == 0)
			break;
		o += k;
	}
	return o;
}

int utf8_width(uint32_t cp)
{
	if (cp < 0x20 || cp == 0x7F)
		return 0;
	if (cp < 0x7F)
		return 1;
	if (cp >= 0x1F3FB && cp <= 0x1F3FF)   /* a skin tone joins the emoji before it */
		return 0;
	return utf8proc_charwidth((utf8proc_int32_t)cp);
}

size_t utf8_cols(const char *s, size_t len)
{
	size_t w = 0;

	for (size_t i = 0, n; i < len; i += n) {
		bool bad;
		uint32_t cp = utf8_decode(s + i, len - i, &n, &bad);
		w += bad ? 1 : (size_t)utf8_width(cp);
	}
	return w;
}

char *utf8_normalize(const char *s, size_t len, enum utf8_form form)
{
	char *clean, *out = NULL;
	utf8proc_option_t opt = UTF8PROC_STABLE | UTF8PROC_COMPOSE;

	if (form != UTF8_NFC)
		opt |= UTF8PROC_COMPAT;
	if (form == UTF8_NFKC_CASEFOLD)
		opt |= UTF8PROC_CASEFOLD;
	/* Malformed bytes first become one U+FFFD each (utf8proc would refuse
	 * the whole string); NULs end the text as they would in C. */
	if (!(clean = utf8_fffd_dup(s, len)))
		return NULL;
	if (utf8proc_map((const utf8proc_uint8_t *)clean, 0, (utf8proc_uint8_t **)&out,
			 opt | UTF8PROC_NULLTERM) < 0)
		out = NULL;
	free(clean);
	return out;
}

bool utf8_is_nonchar(uint32_t cp)
{
	return (cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE;
}

size_t utf8_prefix(const char *s, size_t max)
{
	size_t n = strnlen(s, max);
	/* Only a cut before a continuation byte splits a character. */
	if (n == max)
		while (n > 0 && utf8_cont((unsigned char)s[n]))
			n--;
	return n;
}

char *utf8_clean_dup(const char *s, size_t max)
{
	size_t len = s ? strlen(s) : 0, o = 0;
	char *out = malloc(max + 1);

	if (!out)
		return NULL;
	for (size_t i = 0; i < len; ) {
		size_t n;
		bool bad;
		uint32_t cp = utf8_decode(s + i, len - i, &n, &bad);
		char enc[4];
		size_t k;
		if (bad || (cp < 0x20 && cp != '\t' && cp != '\n') || cp == 0x7f || utf8_is_nonchar(cp))
			cp = 0xFFFD;
		k = utf8_encode(cp, enc);
		if (o + k > max)
			break;
		memcpy(out + o, enc, k);
		o += k;
		i += n;
	}
	out[o] = '\0';
	return out;
}

bool utf8_text_valid(const char *s, size_t len)
{
	for (size_t i = 0, n; i < len; i += n) {
		bool bad;
		uint32_t cp = utf8_decode(s + i, len - i, &n, &bad);
		if (bad || cp == 0 || (cp < 0x20 && cp != '\t' && cp != '\n') || cp == 0x7f)
			return false;
	}
	return true;
}
