/* html.h — HTML fragments (Mastodon content, notes) to plain UTF-8 text.
 *
 * Not a general HTML parser: it handles the sanitised subset servers send
 * (p, br, span, a, lists, blockquote, pre, headings) and degrades gracefully
 * on anything else. Tags are dropped and their text kept — Mastodon's
 * "invisible" link spans included, so links come out whole ("https://…") —
 * paragraphs become blank lines, <br> a newline, runs of whitespace one space
 * (except inside <pre>), script/style/comments are removed, and character
 * references are decoded (named, &#39;, &#x1F600;; invalid code points become
 * U+FFFD). A '<' that does not start a tag is kept as text. Output never
 * starts or ends with whitespace. Linear in the input. */
#ifndef MENTORD_HTML_H
#define MENTORD_HTML_H

#include <stddef.h>

#include "common/strbuf.h"

/* Heap-allocated plain text of html[0..len); NULL only on allocation failure. */
char *html_to_text(const char *html, size_t len);
/* Decodes character references only (for X text, which escapes & < >);
 * everything else is copied unchanged. NULL only on allocation failure. */
char *html_unescape(const char *s, size_t len);
/* Decodes the reference starting at s[0] == '&' into out (up to 4 UTF-8
 * bytes). Returns the bytes consumed, 0 when s does not start a known
 * reference (the '&' is then literal). *out_len receives the output size. */
size_t html_entity(const char *s, size_t len, char out[4], size_t *out_len);

#endif
