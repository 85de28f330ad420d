/* body.h — a curl write callback collecting a response body, shared by the
 * bench tools that fetch pages from the fake server. */
#ifndef MENTORD_BENCH_BODY_H
#define MENTORD_BENCH_BODY_H

#include <stdlib.h>
#include <string.h>

struct body {
	char *p;     /* NUL-terminated, malloc'd */
	size_t n;
};

static size_t on_body(char *data, size_t size, size_t nmemb, void *userdata)
{
	struct body *b = userdata;
	size_t add = size * nmemb;
	char *p = realloc(b->p, b->n + add + 1);
	if (!p)
		return 0;
	memcpy(p + b->n, data, add);
	b->p = p;
	b->n += add;
	b->p[b->n] = '\0';
	return add;
}

#endif
