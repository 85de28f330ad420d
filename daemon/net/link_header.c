#include "net/link_header.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		p++;
	return p;
}

/* True if the space-separated list [v, v+n) holds want. */
static bool rel_has(const char *v, size_t n, const char *want)
{
	size_t wl = strlen(want), i = 0;

	while (i < n) {
		size_t j = i;

		while (j < n && v[j] != ' ')
			j++;
		if (j - i == wl && strncasecmp(v + i, want, wl) == 0)
			return true;
		i = j + 1;
	}
	return false;
}

/* Parses "; name=value" parameters up to the ',' that ends the link (or the
 * end of the header). Sets *match when a rel parameter lists want. */
static const char *parse_params(const char *p, const char *want, bool *match)
{
	for (;;) {
		const char *name, *val;
		size_t nlen, vlen;

		p = skip_ws(p);
		if (*p != ';')
			return p;
		p = skip_ws(p + 1);
		name = p;
		while (*p && *p != '=' && *p != ';' && *p != ',' && *p != ' ')
			p++;
		nlen = (size_t)(p - name);
		p = skip_ws(p);
		if (*p != '=')
			continue;                  /* a parameter without a value */
		p = skip_ws(p + 1);
		if (*p == '"') {
			val = ++p;
			while (*p && *p != '"') {
				if (*p == '\\' && p[1])
					p++;
				p++;
			}
			vlen = (size_t)(p - val);
			if (*p == '"')
				p++;
		} else {
			val = p;
			while (*p && *p != ';' && *p != ',' && *p != ' ')
				p++;
			vlen = (size_t)(p - val);
		}
		if (nlen == 3 && strncasecmp(name, "rel", 3) == 0 && rel_has(val, vlen, want))
			*match = true;
	}
}

int net_link_header_find(const char *header, const char *rel, char **url)
{
	const char *p = header;

	*url = NULL;
	if (!header)
		return -ENOENT;
	for (;;) {
		const char *start, *end;
		bool match = false;

		p = skip_ws(p);
		while (*p == ',')
			p = skip_ws(p + 1);
		if (!*p)
			return -ENOENT;
		if (*p != '<')
			return -EINVAL;
		start = p + 1;
		end = strchr(start, '>');
		if (!end)
			return -EINVAL;
		p = parse_params(end + 1, rel, &match);
		if (match) {
			*url = strndup(start, (size_t)(end - start));
			return *url ? 0 : -ENOMEM;
		}
		p = skip_ws(p);
		if (*p && *p != ',')
			return -EINVAL;
	}
}
