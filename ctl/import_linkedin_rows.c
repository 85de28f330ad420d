/* import_linkedin_rows.c — Connections.csv and messages.csv rows, the
 * user's own profile and the one-to-one messages (import_linkedin.h). */
#include "import_linkedin_rows.h"
#include "common/channel.h"
#include "common/utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

enum { P_FIRST, P_LAST, P_URL, P_EMAIL, P_COMPANY, P_POSITION, P_CONNECTED, P__N };
static const struct li_col people_cols[P__N] = {
	{ "First Name", true }, { "Last Name", true }, { "URL", true }, { "Email Address", false },
	{ "Company", false }, { "Position", false }, { "Connected On", true },
};
enum { M_CONV, M_SENDER, M_RECIPIENTS, M_DATE, M_FOLDER, M_DRAFT, M__N };
static const struct li_col msg_cols[M__N] = {
	{ "CONVERSATION ID", true }, { "SENDER PROFILE URL", true }, { "RECIPIENT PROFILE URLS", false },
	{ "DATE", true }, { "FOLDER", false }, { "IS MESSAGE DRAFT", false },
};

#define MAX_FIELD 200       /* names, company, position: MENTORD_MAX_NAME */
#define MAX_CONV  200
#define MAX_RECIPIENTS 64

static char *url_dup(const char *s)
{
	char buf[CHANNEL_HANDLE_MAX + 1];
	const char *why;
	return s && channel_linkedin_norm(s, buf, sizeof buf, &why) == 0 ? strdup(buf) : NULL;
}

static int month_of(const char *m)
{
	static const char *const names[] = { "jan", "feb", "mar", "apr", "may", "jun",
	                                     "jul", "aug", "sep", "oct", "nov", "dec" };
	for (int i = 0; i < 12; i++)
		if (strncasecmp(m, names[i], 3) == 0)
			return i;
	return -1;
}

static int64_t utc(int y, int mon, int d, int h, int mi, int sec)
{
	struct tm tm = { .tm_year = y - 1900, .tm_mon = mon, .tm_mday = d, .tm_hour = h, .tm_min = mi, .tm_sec = sec };
	if (y < 1990 || y > 2200 || mon < 0 || mon > 11 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return -1;
	return (int64_t)timegm(&tm);
}

/* "02 May 2023" (the export's), or "2023-05-02". */
static int64_t parse_day(const char *s)
{
	int d, y, m, n = 0;
	char mon[16];
	if (sscanf(s, "%d %15[A-Za-z] %d%n", &d, mon, &y, &n) == 3 && !s[n] && strlen(mon) >= 3)
		return utc(y, month_of(mon), d, 0, 0, 0);
	if (sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) == 3 && !s[n])
		return utc(y, m - 1, d, 0, 0, 0);
	return -1;
}

/* "2023-05-02 14:03:11 UTC" (the export's; " UTC" may be missing). */
static int64_t parse_time(const char *s)
{
	int y, m, d, h, mi, sec, n = 0;
	if (sscanf(s, "%4d-%2d-%2d%*1[ T]%2d:%2d:%2d%n", &y, &m, &d, &h, &mi, &sec, &n) != 6)
		return -1;
	if (s[n] && strcmp(s + n, " UTC") != 0 && strcmp(s + n, "Z") != 0 && strcmp(s + n, " GMT") != 0)
		return -1;
	return utc(y, m - 1, d, h, mi, sec);
}

/* One line of text for a name, company or position: a quoted newline or
 * tab becomes a space, bad bytes U+FFFD. */
static char *field_dup(const char *s)
{
	char *d = utf8_clean_dup(s ? s : "", MAX_FIELD);
	for (char *p = d; p && *p; p++)
		if (*p == '\n' || *p == '\t')
			*p = ' ';
	return d;
}

/* A conversation id as the bus takes it into a key: printable ASCII
 * (LinkedIn's are base64, '/' included). */
static bool conv_ok(const char *c)
{
	size_t len = strlen(c);
	if (len == 0 || len > MAX_CONV)
		return false;
	for (; *c; c++)
		if ((unsigned char)*c <= 0x20 || (unsigned char)*c >= 0x7f)
			return false;
	return true;
}

/* The export's e-mail cell in the canonical form; "" when empty or not
 * an address. */
static char *email_dup(const char *s)
{
	char buf[CHANNEL_HANDLE_MAX + 1];
	const char *why;
	return strdup(s && channel_email_norm(s, buf, sizeof buf, &why) == 0 ? buf : "");
}

static void people_row(struct li_table *t)
{
	struct li_rows *r = t->rows;
	struct import_linkedin *o = r->out;
	struct linkedin_person p = { 0 };
	char **v = t->val;

	if (!v[P_URL] || !*v[P_URL] || !(p.url = url_dup(v[P_URL]))) {
		if (!v[P_URL] || !*v[P_URL] || !strstr(v[P_URL], "linkedin"))
			o->skipped_people++;   /* a member without a public profile URL */
		else
			import_linkedin_fail(t, "'%.80s' is not a LinkedIn profile URL", v[P_URL]);
		return;
	}
	if ((p.connected_on = parse_day(v[P_CONNECTED] ? v[P_CONNECTED] : "")) < 0) {
		import_linkedin_fail(t, "'%.40s' in 'Connected On' is not a date like 02 May 2023",
		                     v[P_CONNECTED] ? v[P_CONNECTED] : "");
		free(p.url);
		return;
	}
	if (o->n_people >= IMPORT_LINKEDIN_MAX_PEOPLE) {
		import_linkedin_fail(t, "more than %d connections", IMPORT_LINKEDIN_MAX_PEOPLE);
		free(p.url);
		return;
	}
	if (o->n_people == r->cap_people) {
		size_t cap = r->cap_people ? r->cap_people * 2 : 64;
		struct linkedin_person *n = realloc(o->people, cap * sizeof *n);
		if (!n) {
			free(p.url);
			import_linkedin_fail(t, "out of memory");
			return;
		}
		o->people = n;
		r->cap_people = cap;
	}
	p.first = field_dup(v[P_FIRST]);
	p.last = field_dup(v[P_LAST]);
	p.email = email_dup(v[P_EMAIL]);
	p.company = field_dup(v[P_COMPANY]);
	p.position = field_dup(v[P_POSITION]);
	o->people[o->n_people++] = p;
	if (!p.first || !p.last || !p.email || !p.company || !p.position)
		import_linkedin_fail(t, "out of memory");
}

static bool yes(const char *s)
{
	return s && (strcasecmp(s, "yes") == 0 || strcasecmp(s, "true") == 0);
}

/* "url1,url2" → canonical copies; unreadable ones are left out. */
static int split_recipients(const char *s, struct li_raw *m)
{
	if (!s || !*s)
		return 0;
	if (!(m->to = calloc(MAX_RECIPIENTS, sizeof *m->to)))
		return -1;
	while (*s && m->n_to < MAX_RECIPIENTS) {
		size_t len = strcspn(s, ", ;");
		char *one = strndup(s, len), *url;
		if (!one)
			return -1;
		url = url_dup(one);
		free(one);
		if (url)
			m->to[m->n_to++] = url;
		s += len;
		s += strspn(s, ", ;");
	}
	return 0;
}

static void raw_free(struct li_raw *m)
{
	free(m->conv);
	free(m->sender);
	for (size_t i = 0; i < m->n_to; i++)
		free(m->to[i]);
	free(m->to);
}

static void msg_row(struct li_table *t)
{
	struct li_rows *r = t->rows;
	char **v = t->val;
	struct li_raw m = { 0 };
	const char *conv = v[M_CONV] ? v[M_CONV] : "";

	if (yes(v[M_DRAFT]) || (v[M_FOLDER] && (strcasecmp(v[M_FOLDER], "SPAM") == 0 ||
	                                        strcasecmp(v[M_FOLDER], "DRAFTS") == 0))) {
		r->out->skipped_msgs++;
		return;
	}
	if ((m.at = parse_time(v[M_DATE] ? v[M_DATE] : "")) < 0) {
		import_linkedin_fail(t, "'%.40s' in 'DATE' is not a time like 2023-05-02 14:03:11 UTC",
		                     v[M_DATE] ? v[M_DATE] : "");
		return;
	}
	if (!conv_ok(conv)) {
		import_linkedin_fail(t, "'%.60s' is not a conversation id", conv);
		return;
	}
	if (!(m.sender = url_dup(v[M_SENDER]))) {
		r->out->skipped_msgs++;   /* a deleted member, LinkedIn itself, sponsored mail */
		return;
	}
	if (r->n_raw >= IMPORT_LINKEDIN_MAX_MESSAGES) {
		free(m.sender);
		import_linkedin_fail(t, "more than %d messages", IMPORT_LINKEDIN_MAX_MESSAGES);
		return;
	}
	if (r->n_raw == r->cap_raw) {
		size_t cap = r->cap_raw ? r->cap_raw * 2 : 256;
		struct li_raw *n = realloc(r->raw, cap * sizeof *n);
		if (!n) {
			free(m.sender);
			import_linkedin_fail(t, "out of memory");
			return;
		}
		r->raw = n;
		r->cap_raw = cap;
	}
	m.conv = strdup(conv);
	r->raw[r->n_raw++] = m;
	if (!r->raw[r->n_raw - 1].conv || split_recipients(v[M_RECIPIENTS], &r->raw[r->n_raw - 1]) < 0)
		import_linkedin_fail(t, "out of memory");
}

static void table_init(struct li_table *t, struct li_rows *r, const char *archive, const char *file, char *err,
                       size_t err_size, const struct li_col *cols, size_t n, void (*on_row)(struct li_table *))
{
	*t = (struct li_table){ .archive = archive, .file = file, .err = err, .err_size = err_size,
	                        .cols = cols, .n_cols = n, .on_row = on_row, .rows = r };
	for (size_t c = 0; c < LI_MAX_COLS; c++)
		t->cand[c] = t->best_cand[c] = t->col_at[c] = -1;
}

int import_linkedin_rows_init(struct li_rows *r, const char *archive, char *err, size_t err_size,
                              struct li_table **people, struct li_table **msgs)
{
	table_init(&r->people, r, archive, "Connections.csv", err, err_size, people_cols, P__N, people_row);
	table_init(&r->msgs, r, archive, "messages.csv", err, err_size, msg_cols, M__N, msg_row);
	*people = &r->people;
	*msgs = &r->msgs;
	return 0;
}

void import_linkedin_rows_free(struct li_rows *r)
{
	for (size_t i = 0; i < r->n_raw; i++)
		raw_free(&r->raw[i]);
	free(r->raw);
	r->raw = NULL;
	r->n_raw = 0;
}
