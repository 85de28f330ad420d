#include "common/utf8.h"

#include <stdlib.h>
#include <string.h>

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

/* Rows of the Basic Multilingual Plane that are not letters, in order. */
struct utf8_range { uint32_t lo, hi; enum utf8_class cls; };

static const struct utf8_range utf8_bmp[] = {
	{ 0x0080, 0x009F, UTF8_SPACE },  { 0x00A0, 0x00A0, UTF8_SPACE },
	{ 0x00A1, 0x00A9, UTF8_PUNCT },  { 0x00AB, 0x00B4, UTF8_PUNCT },
	{ 0x00B6, 0x00B9, UTF8_PUNCT },  { 0x00BB, 0x00BF, UTF8_PUNCT },
	{ 0x00D7, 0x00D7, UTF8_PUNCT },  { 0x00F7, 0x00F7, UTF8_PUNCT },
	{ 0x0300, 0x036F, UTF8_MARK },   { 0x0483, 0x0489, UTF8_MARK },
	{ 0x1680, 0x1680, UTF8_SPACE },  { 0x1AB0, 0x1AFF, UTF8_MARK },
	{ 0x1DC0, 0x1DFF, UTF8_MARK },   { 0x2000, 0x200A, UTF8_SPACE },
	{ 0x200B, 0x200B, UTF8_SPACE },  { 0x200C, 0x200F, UTF8_MARK },
	{ 0x2010, 0x2027, UTF8_PUNCT },  { 0x2028, 0x2029, UTF8_SPACE },
	{ 0x202A, 0x202E, UTF8_MARK },   { 0x202F, 0x202F, UTF8_SPACE },
	{ 0x2030, 0x205E, UTF8_PUNCT },  { 0x205F, 0x205F, UTF8_SPACE },
	{ 0x2060, 0x206F, UTF8_MARK },   { 0x2070, 0x209F, UTF8_SYMBOL },
	{ 0x20A0, 0x20CF, UTF8_PUNCT },  { 0x20D0, 0x20FF, UTF8_MARK },
	{ 0x2100, 0x2BFF, UTF8_SYMBOL }, { 0x2E00, 0x2E7F, UTF8_PUNCT },
	{ 0x3000, 0x3000, UTF8_SPACE },  { 0x3001, 0x303F, UTF8_PUNCT },
	{ 0xD800, 0xDFFF, UTF8_SYMBOL }, { 0xE000, 0xF8FF, UTF8_SYMBOL },
	{ 0xFE00, 0xFE0F, UTF8_MARK },   { 0xFE10, 0xFE1F, UTF8_PUNCT },
	{ 0xFE20, 0xFE2F, UTF8_MARK },   { 0xFE30, 0xFE6F, UTF8_PUNCT },
	{ 0xFEFF, 0xFEFF, UTF8_MARK },   { 0xFF01, 0xFF20, UTF8_PUNCT },
	{ 0xFFF0, 0xFFFF, UTF8_SYMBOL },
};

enum utf8_class utf8_classify(uint32_t cp)
{
	size_t lo = 0, hi = sizeof utf8_bmp / sizeof utf8_bmp[0];

	if (cp < 0x80)
		return utf8_classify_ascii(cp);
	if (cp >= 0x10000) {
		if (cp >= 0x1F3FB && cp <= 0x1F3FF)   /* skin tones modify the emoji before */
			return UTF8_MARK;
		if (cp >= 0xE0000 && cp <= 0xE007F)   /* emoji tag sequences */
			return UTF8_MARK;
		if (cp >= 0x1F000 && cp <= 0x1FBFF)
			return UTF8_SYMBOL;
		return cp >= 0xF0000 ? UTF8_SYMBOL : UTF8_LETTER;
	}
	while (lo < hi) {   /* binary search the sorted ranges */
		size_t mid = (lo + hi) / 2;
		if (cp < utf8_bmp[mid].lo)
			hi = mid;
		else if (cp > utf8_bmp[mid].hi)
			lo = mid + 1;
		else
			return utf8_bmp[mid].cls;
	}
	return UTF8_LETTER;
}

bool utf8_is_upper(uint32_t cp)
{
	return (cp >= 'A' && cp <= 'Z') || (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7);
}

uint32_t utf8_lower(uint32_t cp)
{
	return utf8_is_upper(cp) ? cp + 0x20 : cp;
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
