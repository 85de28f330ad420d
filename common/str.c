/* str.c — see str.h. */
#include "common/str.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

char *str_dup(const char *s)
{
	return s ? strdup(s) : NULL;
}

int str_set(char **dst, const char *s)
{
	char *c = NULL;
	if (s && !(c = strdup(s)))
		return -ENOMEM;
	free(*dst);
	*dst = c;
	return 0;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

char *str_strip(char *s)
{
	char *e;
	while (is_blank(*s))
		s++;
	e = s + strlen(s);
	while (e > s && is_blank(e[-1]))
		*--e = '\0';
	return s;
}
