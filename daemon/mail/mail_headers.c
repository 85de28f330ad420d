/* mail_headers.c — split and unfold the header block ourselves (cheap, and
 * bounded), then hand each field we care about to GMime. */
#include "mail/mail_headers.h"
#include "common/utf8.h"
#include "common/macros.h"

#include <errno.h>
#include <fcntl.h>
#include <gmime/gmime.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define FIELD_MAX (16 * 1024)    /* one field's unfolded value */
#define TEXT_MAX 1000            /* a subject or display name kept */

enum field { F_FROM, F_TO, F_CC, F_DATE, F_MSGID, F_IRT, F_REFS, F_SUBJECT, F__COUNT };

static const char *const field_names[F__COUNT] = {
	"From", "To", "Cc", "Date", "Message-ID", "In-Reply-To", "References", "Subject",
};

struct raw {
	char *v[F__COUNT];
	size_t len[F__COUNT];
};

static int field_of(const char *name, size_t n)
{
	for (int i = 0; i < F__COUNT; i++)
		if (strlen(field_names[i]) == n && strncasecmp(name, field_names[i], n) == 0)
			return i;
	return -1;
}

/* Appends a (continuation) piece to field f; address fields seen twice are
 * joined with a comma, other repeated fields keep their first value. */
static int raw_append(struct raw *r, int f, const char *s, size_t n, bool first_piece)
{
	const char *sep = "";
	size_t sep_n = 0, have = r->len[f];
	char *grown;

	if (first_piece && r->v[f]) {
		if (f != F_TO && f != F_CC && f != F_REFS)
			return 1;           /* ignore the repeat, and its continuation lines */
		sep = f == F_REFS ? " " : ", ";
		sep_n = strlen(sep);
	}
	if (have + sep_n + n > FIELD_MAX)
		return 1;
	if (!(grown = realloc(r->v[f], have + sep_n + n + 1)))
		return -ENOMEM;
	memcpy(grown + have, sep, sep_n);
	memcpy(grown + have + sep_n, s, n);
	grown[have + sep_n + n] = '\0';
	r->v[f] = grown;
	r->len[f] = have + sep_n + n;
	return 0;
}

static int split(const char *buf, size_t len, struct raw *r)
{
	int cur = -1;   /* the field continuation lines belong to; -1: skipped */

	for (size_t off = 0; off < len; ) {
		const char *line = buf + off, *nl = memchr(line, '\n', len - off);
		size_t n = nl ? (size_t)(nl - line) : len - off, name_n;
		const char *colon;
		int rr;

		off += n + (nl ? 1 : 0);
		if (n > 0 && line[n - 1] == '\r')
			n--;
		if (n == 0)
			break;                      /* the end of the header block */
		if (line[0] == ' ' || line[0] == '\t') {
			if (cur >= 0 && (rr = raw_append(r, cur, line, n, false)) < 0)
				return rr;
			continue;
		}
		colon = memchr(line, ':', n);
		cur = -1;
		if (!colon)
			continue;                   /* "From " lines, garbage */
		name_n = (size_t)(colon - line);
		while (name_n > 0 && (line[name_n - 1] == ' ' || line[name_n - 1] == '\t'))
			name_n--;
		if ((cur = field_of(line, name_n)) < 0)
			continue;
		rr = raw_append(r, cur, colon + 1, n - (size_t)(colon + 1 - line), true);
		if (rr < 0)
			return rr;
		if (rr > 0)
			cur = -1;
	}
	return 0;
}

/* A copy of s that is valid UTF-8, trimmed, at most max bytes; NULL for
 * an empty result (and on ENOMEM, which *err reports). */
static char *clean_text(const char *s, size_t max, int *err)
{
	char *c, *start, *end;
	if (!s)
		return NULL;
	if (!(c = utf8_clean_dup(s, max))) {
		*err = -ENOMEM;
		return NULL;
	}
	for (char *q = c; *q; q++)
		if (*q == '\r' || *q == '\n' || *q == '\t')
			*q = ' ';
	for (start = c; *start == ' '; start++)
		;
	end = start + strlen(start);
	while (end > start && end[-1] == ' ')
		*--end = '\0';
	if (!*start) {
		free(c);
		return NULL;
	}
	memmove(c, start, strlen(start) + 1);
	return c;
}

/* A message id fit to key a row: printable ASCII without spaces. */
static char *clean_id(const char *id, int *err)
{
	size_t n = id ? strlen(id) : 0;
	char *c;
	if (n == 0 || n > 900)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)id[i] <= ' ' || (unsigned char)id[i] >= 0x7f)
			return NULL;
	if (!(c = strdup(id)))
		*err = -ENOMEM;
	return c;
}

static int add_mailbox(InternetAddress *ia, struct mail_addr **v, size_t *n)
{
	const char *addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia));
	const char *at = addr ? strchr(addr, '@') : NULL;
	struct mail_addr *grown;
	int err = 0;

	if (*n >= MAIL_HEADERS_MAX_ADDRS || !at || at == addr || !at[1] || strlen(addr) > 320 ||
	    !utf8_text_valid(addr, strlen(addr)) || strpbrk(addr, " \t\r\n"))
		return 0;
	if (!(grown = realloc(*v, (*n + 1) * sizeof **v)))
		return -ENOMEM;
	*v = grown;
	if (!(grown[*n].addr = strdup(addr)))
		return -ENOMEM;
	for (char *q = grown[*n].addr; *q; q++)
		if (*q >= 'A' && *q <= 'Z')
			*q = (char)(*q - 'A' + 'a');
	grown[*n].name = clean_text(internet_address_get_name(ia), TEXT_MAX, &err);
	(*n)++;
	return err;
}

static int add_list(InternetAddressList *list, struct mail_addr **v, size_t *n, int depth)
{
	int count = list ? internet_address_list_length(list) : 0, r = 0;
	for (int i = 0; i < count && r >= 0; i++) {
		InternetAddress *ia = internet_address_list_get_address(list, i);
		if (INTERNET_ADDRESS_IS_MAILBOX(ia))
			r = add_mailbox(ia, v, n);
		else if (INTERNET_ADDRESS_IS_GROUP(ia) && depth < 2)
			r = add_list(internet_address_group_get_members(INTERNET_ADDRESS_GROUP(ia)), v, n, depth + 1);
	}
	return r;
}

static int parse_addrs(const char *raw, struct mail_addr **v, size_t *n)
{
	InternetAddressList *list;
	int r;
	if (!raw)
		return 0;
	if (!(list = internet_address_list_parse(NULL, raw)))
		return 0;
	r = add_list(list, v, n, 0);
	g_object_unref(list);
	return r;
}

static int64_t parse_date(const char *raw)
{
	GDateTime *dt = raw ? g_mime_utils_header_decode_date(raw) : NULL;
	int64_t t;
	if (!dt)
		return 0;
	t = g_date_time_to_unix(dt);
	g_date_time_unref(dt);
	return t > 0 ? t : 0;
}

static char *parse_msgid(const char *raw, int *err)
{
	char *id = raw ? g_mime_utils_decode_message_id(raw) : NULL, *c = clean_id(id, err);
	g_free(id);
	return c;
}

static char *parse_refs(const char *raw, int *err)
{
	GMimeReferences *refs = raw ? g_mime_references_parse(NULL, raw) : NULL;
	int n = refs ? g_mime_references_length(refs) : 0;
	size_t len = 0;
	char *out = NULL;

	for (int i = n > MAIL_HEADERS_MAX_REFS ? n - MAIL_HEADERS_MAX_REFS : 0; i < n; i++) {
		int e = 0;
		_cleanup_free_ char *id = clean_id(g_mime_references_get_message_id(refs, i), &e);
		char *grown;
		if (e < 0 || (id && !(grown = realloc(out, len + strlen(id) + 2)))) {
			*err = -ENOMEM;
			break;
		}
		if (!id)
			continue;
		out = grown;
		len += (size_t)sprintf(out + len, "%s%s", len ? " " : "", id);
	}
	if (refs)
		g_mime_references_free(refs);
	return out;
}

/* "<sha256 of the header block>@mentord.invalid": stable across renames. */
static char *synth_msgid(const char *buf, size_t len)
{
	gchar *hex = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)buf, len);
	char *id = NULL;
	if (hex && asprintf(&id, "%s@mentord.invalid", hex) < 0)
		id = NULL;
	g_free(hex);
	return id;
}

int mail_headers_parse(const char *buf, size_t len, struct mail_headers *out)
{
	struct raw r = { 0 };
	int err;

	memset(out, 0, sizeof *out);
	if ((err = split(buf, len, &r)) < 0)
		goto done;
	if ((err = parse_addrs(r.v[F_FROM], &out->from, &out->n_from)) < 0 ||
	    (err = parse_addrs(r.v[F_TO], &out->to, &out->n_to)) < 0 ||
	    (err = parse_addrs(r.v[F_CC], &out->to, &out->n_to)) < 0)
		goto done;
	out->date = parse_date(r.v[F_DATE]);
	if (r.v[F_SUBJECT]) {
		char *dec = g_mime_utils_header_decode_text(NULL, r.v[F_SUBJECT]);
		out->subject = clean_text(dec, TEXT_MAX, &err);
		g_free(dec);
	}
	out->in_reply_to = parse_msgid(r.v[F_IRT], &err);
	out->refs = parse_refs(r.v[F_REFS], &err);
	out->msgid = parse_msgid(r.v[F_MSGID], &err);
	if (err >= 0 && !out->msgid) {
		out->msgid_synthetic = true;
		if (!(out->msgid = synth_msgid(buf, len)))
			err = -ENOMEM;
	}
done:
	for (int i = 0; i < F__COUNT; i++)
		free(r.v[i]);
	if (err < 0)
		mail_headers_clear(out);
	return err < 0 ? err : 0;
}

/* The header block's length in buf[0..n): up to and including the empty
 * line, or the last whole line when there is none (0: no line at all). */
static size_t block_end(const char *buf, size_t n, bool *found)
{
	size_t last = 0;
	*found = false;
	for (size_t i = 0; i < n; i++) {
		if (buf[i] != '\n')
			continue;
		if (i + 1 < n && buf[i + 1] == '\n') {
			*found = true;
			return i + 1;
		}
		if (i + 2 < n && buf[i + 1] == '\r' && buf[i + 2] == '\n') {
			*found = true;
			return i + 1;
		}
		last = i + 1;
	}
	return last;
}

int mail_headers_read(int dirfd, const char *path, char *buf, struct mail_headers *out, int64_t *mtime)
{
	struct stat st;
	size_t n = 0, end;
	bool found;
	int fd, r = 0;

	memset(out, 0, sizeof *out);
	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		r = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
		goto out;
	}
	*mtime = (int64_t)st.st_mtime;
	/* Most header blocks fit the first read; a second only when not. */
	while (n < MAIL_HEADERS_MAX) {
		ssize_t k = read(fd, buf + n, MAIL_HEADERS_MAX - n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			r = -errno;
			goto out;
		}
		if (k == 0)
			break;
		n += (size_t)k;
		if (block_end(buf, n, &found) && found)
			break;
	}
	end = block_end(buf, n, &found);
	if (!found && n < MAIL_HEADERS_MAX)
		end = n;                 /* the whole file is headers (no body) */
	r = mail_headers_parse(buf, end, out);
	if (r >= 0)
		out->truncated = !found && n >= MAIL_HEADERS_MAX;
out:
	close(fd);
	return r;
}

static void addrs_free(struct mail_addr *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].addr);
		free(v[i].name);
	}
	free(v);
}

void mail_headers_clear(struct mail_headers *h)
{
	free(h->msgid);
	free(h->subject);
	free(h->in_reply_to);
	free(h->refs);
	addrs_free(h->from, h->n_from);
	addrs_free(h->to, h->n_to);
	memset(h, 0, sizeof *h);
}
