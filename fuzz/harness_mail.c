/* harness_mail.c — a message's header block (mail_headers_parse): what a
 * Maildir file may hold is anyone's bytes. Checks mail_headers.h's
 * promises: valid UTF-8 out, addresses lower case with an '@', always a
 * Message-ID without white space. */
#include "harness.h"
#include "mail/mail_headers.h"
#include "common/utf8.h"

#include <gmime/gmime.h>
#include <stdlib.h>
#include <string.h>

static void check_text(const char *s)
{
	if (s && (!*s || !utf8_text_valid(s, strlen(s))))
		abort();
}

static void check_addrs(const struct mail_addr *v, size_t n)
{
	if (n > MAIL_HEADERS_MAX_ADDRS * 2)
		abort();
	for (size_t i = 0; i < n; i++) {
		if (!strchr(v[i].addr, '@') || !utf8_text_valid(v[i].addr, strlen(v[i].addr)))
			abort();
		for (const char *q = v[i].addr; *q; q++)
			if ((*q >= 'A' && *q <= 'Z') || *q == ' ')
				abort();
		check_text(v[i].name);
	}
}

int fuzz_mail_one(const uint8_t *data, size_t size)
{
	struct mail_headers h;

	/* GMime keeps its charset tables once initialised: a no-op after the
	 * first call of a run. */
	g_mime_init();
	if (size > MAIL_HEADERS_MAX)
		size = MAIL_HEADERS_MAX;
	if (mail_headers_parse((const char *)data, size, &h) < 0)
		return 0;
	if (!h.msgid || !*h.msgid || strpbrk(h.msgid, " \t\r\n"))
		abort();
	check_text(h.subject);
	check_text(h.in_reply_to);
	check_text(h.refs);
	check_addrs(h.from, h.n_from);
	check_addrs(h.to, h.n_to);
	mail_headers_clear(&h);
	return 0;
}
