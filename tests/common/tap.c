#include "tap.h"

#include <stdarg.h>
#include <stdio.h>

struct tap_state { int n, failed; };
static struct tap_state tap;   /* test-process state; tests are single-threaded */

bool tap_ok(bool cond, const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	tap.n++;
	printf("%sok %d - ", cond ? "" : "not ", tap.n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!cond) {
		tap.failed++;
		printf("#   at %s:%d\n", file, line);
	}
	fflush(stdout);
	return cond;
}

void tap_diag(const char *fmt, ...)
{
	va_list ap;
	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

int tap_done(void)
{
	printf("1..%d\n", tap.n);
	return tap.failed ? 1 : 0;
}
