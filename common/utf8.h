/* utf8.h — the little UTF-8 this project needs: decoding that never stalls on
 * malformed input, and a coarse character classification good enough to split
 * social-media text into words, numbers, punctuation and symbols.
 *
 * Character classes, case, folding, normalisation and display width come from
 * utf8proc's Unicode tables (libutf8proc); this module puts the project's one
 * rule on top: a malformed byte is read as exactly one U+FFFD, never refused. */
#ifndef MENTORD_UTF8_H
#define MENTORD_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UTF8_REPLACEMENT 0xFFFDu

enum utf8_class {
	UTF8_SPACE = 0,   /* whitespace and control characters */
	UTF8_LETTER,      /* letters of any script */
	UTF8_DIGIT,       /* ASCII 0-9 only */
	UTF8_MARK,        /* combining marks, joiners, variation selectors: attach to the previous character */
	UTF8_PUNCT,       /* punctuation and ASCII symbols */
	UTF8_SYMBOL,      /* emoji, pictographs, other symbols */
};

/* Decodes the code point starting at s[0] (len > 0 bytes available) and stores
 * its length in *n (1..4). Malformed, truncated or overlong sequences,
 * surrogates and values above U+10FFFF decode as UTF8_REPLACEMENT with *n = 1,
 * so each bad byte counts as exactly one character. *bad (may be NULL) is set
 * to whether the sequence was malformed. */
uint32_t utf8_decode(const char *s, size_t len, size_t *n, bool *bad);

/* Noncharacters (U+FDD0..U+FDEF, U+xFFFE, U+xFFFF): valid UTF-8, yet
 * sd-bus refuses a string that holds one, failing the whole message. */
bool utf8_is_nonchar(uint32_t cp);

/* A copy of at most max bytes of s that is valid UTF-8 for D-Bus: malformed
 * bytes, noncharacters and control characters other than \t and \n become
 * U+FFFD, and the cut falls between characters. NULL on allocation failure. */
char *utf8_clean_dup(const char *s, size_t max);

/* The length of the longest prefix of s of at most max bytes that does not
 * end inside a multi-byte character. For quoting with "%.*s": a byte cut
 * that splits a character yields invalid UTF-8, which D-Bus cannot carry. */
size_t utf8_prefix(const char *s, size_t max);

/* Writes cp as UTF-8 into out (at least 4 bytes); returns the byte count. */
size_t utf8_encode(uint32_t cp, char *out);

/* True if s[0..len) is valid UTF-8 holding no NUL, DEL or C0 control
 * other than \t and \n: text fit to store and to show. */
bool utf8_text_valid(const char *s, size_t len);

enum utf8_class utf8_classify(uint32_t cp);

/* Upper-case letters of any script (Unicode Lu, as utf8proc has them). */
bool utf8_is_upper(uint32_t cp);
/* Title-case letters (Lt: "ǅ"), which begin a capitalised word too. */
bool utf8_is_title(uint32_t cp);
/* A letter of a script without case (Lo: Han, Kana, Arabic, Devanagari...). */
bool utf8_is_caseless(uint32_t cp);
/* Upper or title case: the first letter of a capitalised word in any script. */
bool utf8_starts_word_capital(uint32_t cp);
/* Simple lower-case mapping of any script; other code points as they are. */
uint32_t utf8_lower(uint32_t cp);

/* Room enough for any folded code point (utf8proc's longest is 18 bytes). */
#define UTF8_FOLD_MAX 32
/* The NFKC case fold of one code point written into out (cap bytes), for
 * matching disguised spellings: fullwidth "ｓｔｕｐｉｄ" and mathematical
 * "𝐬𝐭𝐮𝐩𝐢𝐝" fold to "stupid", "ß" to "ss", "ﬁ" to "fi", "Σ" to "σ".
 * Returns the bytes written (0 only if cap is too small). */
size_t utf8_fold(uint32_t cp, char *out, size_t cap);

/* Terminal columns of a code point: 2 for wide (CJK, emoji), 0 for combining
 * marks, joiners and controls, else 1. */
int utf8_width(uint32_t cp);
/* Columns of s[0..len); a malformed byte shows as one U+FFFD: one column. */
size_t utf8_cols(const char *s, size_t len);

enum utf8_form { UTF8_NFC, UTF8_NFKC, UTF8_NFKC_CASEFOLD };
/* A malloc'ed, NUL-terminated normal form of s[0..len) (stops at a NUL);
 * each malformed byte becomes one U+FFFD first. NULL on allocation failure. */
char *utf8_normalize(const char *s, size_t len, enum utf8_form form);

#endif
