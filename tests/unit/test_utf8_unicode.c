/* Unit tests for the Unicode side of common/utf8 (on utf8proc): classes and
 * case in any script, folding for disguised spellings, normal forms with the
 * one-bad-byte-one-U+FFFD rule, and display width. */
#include "common/utf8.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>

static void fold_is(const char *in, const char *want, const char *what)
{
	char out[256];
	size_t o = 0, len = strlen(in);

	for (size_t i = 0, n; i < len; i += n) {
		uint32_t cp = utf8_decode(in + i, len - i, &n, NULL);
		o += utf8_fold(cp, out + o, sizeof out - o - 1);
	}
	out[o] = '\0';
	is_str(out, want, what);
}

static void norm_is(const char *in, size_t len, enum utf8_form form, const char *want, const char *what)
{
	char *out = utf8_normalize(in, len, form);
	is_str(out ? out : "(null)", want, what);
	free(out);
}

int main(void)
{
	/* Classes: letters of every script, marks, punctuation, symbols. */
	ok(utf8_classify(0x0141) == UTF8_LETTER, "Ł is a letter");
	ok(utf8_classify(0x0418) == UTF8_LETTER, "Cyrillic И is a letter");
	ok(utf8_classify(0x738B) == UTF8_LETTER, "Han 王 is a letter");
	ok(utf8_classify(0x0645) == UTF8_LETTER, "Arabic م is a letter");
	ok(utf8_classify(0x0301) == UTF8_MARK, "combining acute is a mark");
	ok(utf8_classify(0x093F) == UTF8_MARK, "Devanagari vowel sign is a mark");
	ok(utf8_classify(0x200D) == UTF8_MARK, "zero-width joiner is a mark");
	ok(utf8_classify(0x200B) == UTF8_SPACE, "zero-width space separates");
	ok(utf8_classify(0x3000) == UTF8_SPACE, "ideographic space is a space");
	ok(utf8_classify(0x3002) == UTF8_PUNCT, "ideographic full stop is punctuation");
	ok(utf8_classify(0x00AB) == UTF8_PUNCT, "« is punctuation");
	ok(utf8_classify(0x1F600) == UTF8_SYMBOL, "emoji is a symbol");
	ok(utf8_classify(0x1F3FD) == UTF8_MARK, "skin tone attaches");
	ok(utf8_classify('7') == UTF8_DIGIT && utf8_classify(0x0667) == UTF8_LETTER,
	   "ASCII digits are digits, other scripts' digits read in words");

	/* Case in any script. */
	ok(utf8_is_upper(0x0141) && !utf8_is_upper(0x0142), "Ł upper, ł not");
	ok(utf8_is_upper(0x0418) && utf8_is_upper(0x039A) && utf8_is_upper(0x00D8), "И, Κ, Ø upper");
	ok(!utf8_is_upper(0x00D7), "× is not a letter");
	ok(utf8_is_title(0x01C5) && utf8_starts_word_capital(0x01C5), "ǅ is title case, starts a capitalised word");
	ok(utf8_is_caseless(0x738B) && utf8_is_caseless(0x0645) && !utf8_is_caseless('a'),
	   "Han and Arabic have no case, Latin has");
	is_int(utf8_lower(0x0141), 0x0142, "Ł lowers to ł");
	is_int(utf8_lower(0x0418), 0x0438, "И lowers to и");
	is_int(utf8_lower(0x039A), 0x03BA, "Κ lowers to κ");

	/* Folding: NFKC plus case fold, one code point at a time. */
	fold_is("\xef\xbd\x93\xef\xbd\x94\xef\xbd\x95\xef\xbd\x90\xef\xbd\x89\xef\xbd\x84", "stupid",
		"fullwidth letters fold to ASCII");
	fold_is("\xf0\x9d\x90\xac\xf0\x9d\x90\xad", "st", "mathematical bold folds to ASCII");
	fold_is("Stra\xc3\x9f" "e", "strasse", "ß folds to ss");
	fold_is("\xef\xac\x81", "fi", "ﬁ ligature folds");
	fold_is("\xc5\x81ukasz", "\xc5\x82ukasz", "Łukasz folds to łukasz");
	fold_is("\xd0\x98\xd0\xb2\xd0\xb0\xd0\xbd", "\xd0\xb8\xd0\xb2\xd0\xb0\xd0\xbd", "Иван folds to иван");

	/* Normal forms keep the one-bad-byte rule. */
	norm_is("e\xcc\x81", 3, UTF8_NFC, "\xc3\xa9", "NFC composes e + acute");
	norm_is("\xef\xbc\xa1", 3, UTF8_NFKC, "A", "NFKC maps fullwidth A");
	norm_is("\xef\xbc\xa1", 3, UTF8_NFC, "\xef\xbc\xa1", "NFC keeps fullwidth A");
	norm_is("Stra\xc3\x9f" "e", 7, UTF8_NFKC_CASEFOLD, "strasse", "NFKC case fold");
	norm_is("a\xff" "b", 3, UTF8_NFC, "a\xef\xbf\xbd" "b", "a bad byte becomes one U+FFFD");
	norm_is("\xe2\x82", 2, UTF8_NFC, "\xef\xbf\xbd\xef\xbf\xbd", "a truncated sequence: one U+FFFD per byte");

	/* Display width. */
	is_int(utf8_width('a'), 1, "ASCII is one column");
	is_int(utf8_width(0x738B), 2, "Han is two columns");
	is_int(utf8_width(0x1F600), 2, "emoji is two columns");
	is_int(utf8_width(0x0301), 0, "combining mark is zero columns");
	is_int((int)utf8_cols("e\xcc\x81\xe7\x8e\x8b\xf0\x9f\x98\x80", 10), 5, "é (decomposed) + 王 + 😀 = 5 columns");
	is_int((int)utf8_cols("a\xff", 2), 2, "a bad byte is one column");
	return tap_done();
}
