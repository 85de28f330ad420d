/* strbuf.h — a growable string buffer for building URLs, bodies and texts.
 *
 * Errors are sticky: after the first allocation failure every append is a
 * no-op returning -ENOMEM and strbuf_steal() returns NULL, so builders can
 * append a whole URL and check once at the end. The content is always kept
 * NUL-terminated once anything was appended. Growth is geometric, so n
 * appends cost O(total length). */
#ifndef MENTORD_COMMON_STRBUF_H
#define MENTORD_COMMON_STRBUF_H

#include <stddef.h>

struct strbuf {
	char *data;     /* NULL until the first append */
	size_t len;     /* bytes used, excluding the terminating NUL */
	size_t cap;     /* bytes allocated */
	int err;        /* 0 or -ENOMEM (sticky) */
};

#define STRBUF_INIT { NULL, 0, 0, 0 }

/* Appends n bytes of s (which need not be NUL-terminated). */
int strbuf_append(struct strbuf *b, const char *s, size_t n);
int strbuf_puts(struct strbuf *b, const char *s);
int strbuf_putc(struct strbuf *b, char c);
int strbuf_printf(struct strbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Drops trailing bytes so that len becomes n (n <= len). */
void strbuf_truncate(struct strbuf *b, size_t n);
/* Hands over the NUL-terminated content (an empty string if nothing was
 * appended) and resets b; NULL if an allocation failed along the way. */
char *strbuf_steal(struct strbuf *b);
void strbuf_free(struct strbuf *b);

#endif
