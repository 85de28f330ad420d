/* buf.h — a growable byte buffer for building URLs, bodies and texts.
 *
 * Errors are sticky: after the first allocation failure every append is a
 * no-op returning -ENOMEM and net_buf_steal() returns NULL, so builders can
 * append a whole URL and check once at the end. The content is always kept
 * NUL-terminated once anything was appended. Growth is geometric, so n
 * appends cost O(total length). */
#ifndef MENTORD_NET_BUF_H
#define MENTORD_NET_BUF_H

#include <stddef.h>

struct net_buf {
	char *data;     /* NULL until the first append */
	size_t len;     /* bytes used, excluding the terminating NUL */
	size_t cap;     /* bytes allocated */
	int err;        /* 0 or -ENOMEM (sticky) */
};

#define NET_BUF_INIT { NULL, 0, 0, 0 }

/* Appends n bytes of s (which need not be NUL-terminated). */
int net_buf_append(struct net_buf *b, const char *s, size_t n);
int net_buf_puts(struct net_buf *b, const char *s);
int net_buf_putc(struct net_buf *b, char c);
int net_buf_printf(struct net_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Drops trailing bytes so that len becomes n (n <= len). */
void net_buf_truncate(struct net_buf *b, size_t n);
/* Hands over the NUL-terminated content (an empty string if nothing was
 * appended) and resets b; NULL if an allocation failed along the way. */
char *net_buf_steal(struct net_buf *b);
void net_buf_free(struct net_buf *b);

#endif
