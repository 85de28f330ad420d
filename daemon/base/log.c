#include "base/log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

static int max_level = LOG_INFO;

void log_set_max_level(int level)
{
	max_level = level < LOG_ERR ? LOG_ERR : level > LOG_DEBUG ? LOG_DEBUG : level;
}

int log_get_max_level(void)
{
	return max_level;
}

void log_msg(int prio, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int saved = errno;

	if (prio > max_level)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	/* One write per line so concurrent writers (tests) never interleave. */
	fprintf(stderr, "<%d>%s\n", prio, buf);
	errno = saved;
}
