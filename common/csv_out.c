/* csv_out.c — CSV cells that a spreadsheet reads as text. */
#include "common/csv_out.h"

#include <inttypes.h>
#include <string.h>

bool csv_out_risky(const char *s)
{
	return s && *s && strchr("=+-@\t\r", *s);
}

int csv_out_cell(struct strbuf *b, const char *s)
{
	bool guard = csv_out_risky(s);
	const char *p, *q;
	int r;

	if (!s)
		return 0;
	if (!guard && !strpbrk(s, ",\"\r\n"))
		return strbuf_puts(b, s);
	if ((r = strbuf_puts(b, guard ? "\"'" : "\"")) < 0)
		return r;
	for (p = s; (q = strchr(p, '"')); p = q + 1)
		if ((r = strbuf_append(b, p, (size_t)(q - p + 1))) < 0 || (r = strbuf_putc(b, '"')) < 0)
			return r;
	if ((r = strbuf_puts(b, p)) < 0)
		return r;
	return strbuf_putc(b, '"');
}

int csv_out_number(struct strbuf *b, uint64_t v)
{
	return strbuf_printf(b, "%" PRIu64, v);
}
