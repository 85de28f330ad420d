/* mastodon_inst.c — several Mastodon instances on one port
 * (--mastodon-instances HOME,INST2,...), told apart by the Host header.
 *
 * HOME (the first) is the instance the daemon is configured with: it
 * answers every request whose Host names no instance, `me` lives there and
 * only there are notifications (and the user token). docN lives on instance
 * (N - 1) % k. Each instance has its own ids: accounts
 * 109000000000000000 + instance * 100000 + N, statuses (ms << 16) | (N * k +
 * instance), so ids still grow with time on every instance and a status id
 * names its post only on its own instance. URIs and URLs are the author's
 * home's, the same everywhere, as on real Mastodon.
 *
 * Federation: on its home every post is there at once; another instance
 * knows a post only if it was created at or after --federation-start, and
 * only --federation-delay seconds after its creation — under an id that
 * still derives from its creation time, so it lands below watermarks taken
 * meanwhile (real Mastodon's late-federated posts). Tag timelines of an
 * instance hold its local posts plus the remote ones it knows; mentions of
 * me from other instances reach HOME's notifications after the delay.
 *
 * --mastodon-closed NAME: the instance refuses reads without its user's
 * token (401, secure mode); --mastodon-empty NAME: it answers statuses with
 * nothing (limited federation), lookups still work. The user token is
 * HOME's: another instance answers it with 401 and counts it. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mastodon.h"

#define M_NAME_MAX 64

struct inst {
	char name[M_NAME_MAX + 1];
	bool closed, empty;
	uint64_t requests, n[3];     /* MI_429, MI_REFUSED, MI_FOREIGN_TOKEN */
};

struct mfed {
	int n;                       /* 0: one instance, the single-server behaviour */
	struct inst inst[MAX_VIEWS];
	int64_t start_ms, delay_ms;
	bool start_set, delay_set;
	const char *closed[MAX_VIEWS], *empty[MAX_VIEWS];
	int nclosed, nempty;
};

static const struct mfed *fed(const struct fake *f)
{
	const struct mfed *m = f->net_state[NET_M];
	return m && m->n ? m : NULL;
}

static struct mfed *fed_new(struct fake *f)
{
	struct mfed *m = f->net_state[NET_M];

	if (!m) {
		m = util_malloc(sizeof *m);
		memset(m, 0, sizeof *m);
		m->delay_ms = 600000;
		f->net_state[NET_M] = m;
	}
	return m;
}

/* --- the instances --- */

bool minst_on(const struct fake *f) { return fed(f) != NULL; }
int minst_count(const struct fake *f) { return fed(f) ? fed(f)->n : 1; }

int minst_home(const struct fake *f, uint32_t a)
{
	const struct mfed *m = fed(f);
	return m && a > 0 ? (int)((a - 1) % (uint32_t)m->n) : 0;
}

const char *minst_name(const struct fake *f, int v)
{
	const struct mfed *m = fed(f);
	return m && v >= 0 && v < m->n ? m->inst[v].name : NULL;
}

bool minst_closed(const struct fake *f, int v) { return fed(f) && fed(f)->inst[v].closed; }
bool minst_empty(const struct fake *f, int v) { return fed(f) && fed(f)->inst[v].empty; }

void minst_note(struct fake *f, int v, int what)
{
	struct mfed *m = f->net_state[NET_M];
	if (m && m->n && v >= 0 && v < m->n)
		m->inst[v].n[what]++;
}

/* --- identities --- */

/* where identities live: https://NAME, or the server itself */
void minst_base(const struct fake *f, int v, char out[160])
{
	const char *name = minst_name(f, v);
	if (name)
		snprintf(out, 160, "https://%s", name);
	else
		snprintf(out, 160, "%s", f->base_url);
}

/* Link URLs lead back to this server: http:// and the Host the request came with */
void minst_link_base(struct rq *r, char out[160])
{
	const char *host = rq_header(r, "Host");
	if (minst_on(r->f) && host && *host && strlen(host) < 140)
		snprintf(out, 160, "http://%s", host);
	else
		snprintf(out, 160, "%s", r->f->base_url);
}

/* "doc3" on its home, "doc3@a.example" elsewhere */
void minst_acct(const struct fake *f, int v, uint32_t a, char out[160])
{
	char name[24];

	world_acct_name(f, a, name);
	if (minst_on(f) && minst_home(f, a) != v)
		snprintf(out, 160, "%s@%s", name, minst_name(f, minst_home(f, a)));
	else
		snprintf(out, 160, "%s", name);
}

/* lookup?acct=doc3@DOMAIN: any domain on a single server; with instances the
 * account's home (its name, or its host without the port) */
bool minst_domain_ok(const struct fake *f, uint32_t a, const char *domain)
{
	const char *home = minst_name(f, minst_home(f, a));
	size_t hl;

	if (!minst_on(f))
		return true;
	hl = strcspn(home, ":");
	return strcasecmp(home, domain) == 0 || (strncasecmp(home, domain, hl) == 0 && domain[hl] == '\0');
}

uint64_t minst_account_id(const struct fake *f, int v, uint32_t a)
{
	return M_ACCT_BASE + (minst_on(f) ? (uint64_t)v * M_INST_STRIDE : 0) + a;
}

bool minst_account_of(const struct fake *f, int v, uint64_t id, uint32_t *a)
{
	uint64_t base = minst_account_id(f, v, 0);

	if (id < base || id - base > f->naccounts)
		return false;
	*a = (uint32_t)(id - base);
	return true;
}

/* v < 0: as the author's home shows it */
uint64_t minst_status_id(const struct fake *f, int v, int64_t t, uint32_t a)
{
	const struct mfed *m = fed(f);

	if (!m)
		return ((uint64_t)t << 16) | (a & 0xFFFF);
	if (v < 0)
		v = minst_home(f, a);
	return ((uint64_t)t << 16) | (a * (uint64_t)m->n + (uint64_t)v);
}

bool minst_status_of(const struct fake *f, int v, uint64_t id, int64_t *t, uint32_t *a)
{
	const struct mfed *m = fed(f);
	uint32_t low = (uint32_t)(id & 0xFFFF);

	*t = (int64_t)(id >> 16);
	if (!m) {
		*a = low;
		return true;
	}
	if (low % (uint32_t)m->n != (uint32_t)v)
		return false;
	*a = low / (uint32_t)m->n;
	return *a <= f->naccounts;
}

/* The author's home's uri and url (a reblog: its Announce activity, both) */
void minst_status_uri(const struct fake *f, const struct post *p, char uri[256], char url[256])
{
	char base[160], name[24];
	uint64_t id = minst_status_id(f, minst_home(f, p->a), p->t, p->a);

	minst_base(f, minst_home(f, p->a), base);
	world_acct_name(f, p->a, name);
	snprintf(uri, 256, "%s/users/%s/statuses/%" PRIu64 "%s", base, name, id, p->type == P_REPOST ? "/activity" : "");
	if (p->type == P_REPOST)
		snprintf(url, 256, "%s", minst_on(f) ? uri : "");
	else
		snprintf(url, 256, "%s/@%s/%" PRIu64, base, name, id);
}

/* --- federation --- */

bool minst_knows(const struct fake *f, int v, uint32_t a, int64_t t, int64_t now)
{
	const struct mfed *m = fed(f);

	if (!m || minst_home(f, a) == v)
		return t <= now;
	return t >= m->start_ms && t + m->delay_ms <= now;
}

/* After stream_account: the posts instance v has of the account, a range. */
void minst_account_stream(struct stream *s, int v)
{
	const struct mfed *m = fed(s->f);

	s->view = v;
	if (!m || minst_home(s->f, s->a) == v)
		return;
	s->n = world_count_upto(s->f, NET_M, s->a, s->now - m->delay_ms);
	s->first = world_count_upto(s->f, NET_M, s->a, m->start_ms - 1);
	if (s->first > s->n)
		s->first = s->n;
}

static bool refs_keep(const struct stream *s, int64_t t, uint32_t a)
{
	return minst_knows(s->f, s->view, a, t, s->now);
}

/* After stream_refs (a tag): its local posts and the remote ones v knows. */
void minst_refs_stream(struct stream *s, int v)
{
	s->view = v;
	if (minst_on(s->f))
		s->keep = refs_keep;
}

/* --- options and hooks --- */

static int opt_instances(struct fake *f, const char *arg)
{
	struct mfed *m = fed_new(f);

	m->n = 0;
	for (const char *p = arg; *p; ) {
		size_t len = strcspn(p, ",");
		if (len == 0 || len > M_NAME_MAX || m->n == MAX_VIEWS || strcspn(p, " /@") < len)
			return -1;
		snprintf(m->inst[m->n].name, sizeof m->inst[0].name, "%.*s", (int)len, p);
		for (int i = 0; i < m->n; i++)
			if (strcasecmp(m->inst[i].name, m->inst[m->n].name) == 0)
				return -1;
		m->n++;
		p += len + (p[len] == ',');
	}
	return m->n ? 0 : -1;
}

static int opt_start(struct fake *f, const char *arg)
{
	struct mfed *m = fed_new(f);
	m->start_set = true;
	return clock_parse_arg(arg, &m->start_ms) ? 0 : -1;
}

static int opt_delay(struct fake *f, const char *arg)
{
	struct mfed *m = fed_new(f);
	long v;

	m->delay_set = true;
	if (!util_parse_long(arg, &v) || v < 0 || v > 3650L * 86400)
		return -1;
	m->delay_ms = v * 1000;
	return 0;
}

static int opt_closed(struct fake *f, const char *arg)
{
	struct mfed *m = fed_new(f);
	if (m->nclosed == MAX_VIEWS)
		return -1;
	m->closed[m->nclosed++] = arg;
	return 0;
}

static int opt_empty(struct fake *f, const char *arg)
{
	struct mfed *m = fed_new(f);
	if (m->nempty == MAX_VIEWS)
		return -1;
	m->empty[m->nempty++] = arg;
	return 0;
}

const struct fake_option minst_options[MINST_NOPTIONS] = {
	{ "mastodon-instances", opt_instances },
	{ "federation-start", opt_start },
	{ "federation-delay", opt_delay },
	{ "mastodon-closed", opt_closed },
	{ "mastodon-empty", opt_empty },
};

const char minst_usage[] =
"Mastodon instances (default: one; everything local):\n"
"  --mastodon-instances HOME,INST2,...  instances told apart by the Host header (host or\n"
"                         host:port; any other Host is HOME); docN lives on instance (N-1) % k\n"
"  --federation-start T   remote posts are known from T (default: the middle of the span)\n"
"  --federation-delay S   ... S seconds after they were created (default 600)\n"
"  --mastodon-closed NAME an instance that refuses unauthenticated reads (401; repeatable)\n"
"  --mastodon-empty NAME  an instance that answers statuses with [] (repeatable)\n";

static int find_inst(const struct mfed *m, const char *name)
{
	for (int i = 0; i < m->n; i++)
		if (strcasecmp(m->inst[i].name, name) == 0)
			return i;
	return -1;
}

int minst_setup(struct fake *f)
{
	struct mfed *m = f->net_state[NET_M];
	int v;

	if (!m)
		return 0;
	if (!m->n) {
		fprintf(stderr, "fakeapi: --federation-*, --mastodon-closed and --mastodon-empty need --mastodon-instances\n");
		return -1;
	}
	if ((uint64_t)(f->naccounts + 1) * (uint64_t)m->n > 65536) {
		fprintf(stderr, "fakeapi: %d Mastodon instances allow at most %d accounts\n", m->n, 65536 / m->n - 1);
		return -1;
	}
	for (int i = 0; i < m->nclosed + m->nempty; i++) {
		const char *name = i < m->nclosed ? m->closed[i] : m->empty[i - m->nclosed];
		if ((v = find_inst(m, name)) < 0) {
			fprintf(stderr, "fakeapi: %s is not one of --mastodon-instances\n", name);
			return -1;
		}
		if (i < m->nclosed)
			m->inst[v].closed = true;
		else
			m->inst[v].empty = true;
	}
	if (!m->start_set)
		m->start_ms = f->end_ms - f->span_ms / 2;
	return 0;
}

void minst_teardown(struct fake *f)
{
	free(f->net_state[NET_M]);
	f->net_state[NET_M] = NULL;
}

int minst_views(const struct fake *f) { return minst_count(f); }
const char *minst_view_name(const struct fake *f, int v) { return minst_name(f, v); }

/* the instance a Host header names, else HOME; counted */
int minst_route(struct rq *r)
{
	struct mfed *m = r->f->net_state[NET_M];
	const char *host = rq_header(r, "Host");
	int v = 0;

	if (!m || !m->n)
		return 0;
	for (int i = 0; i < m->n; i++)
		if (util_host_match(m->inst[i].name, host)) {
			v = i;
			break;
		}
	m->inst[v].requests++;
	return v;
}

/* notifications live on HOME; a remote sender's arrive after the delay */
int64_t minst_notif_delay(const struct fake *f, uint32_t from)
{
	const struct mfed *m = fed(f);
	if (!m)
		return -1;
	return minst_home(f, from) == 0 ? 0 : m->delay_ms;
}

/* --- the control API --- */

static void inst_counts(struct jw *j, const struct inst *in)
{
	jw_kint(j, "requests", (long long)in->requests);
	jw_kint(j, "429", (long long)in->n[MI_429]);
	jw_kint(j, "refused", (long long)in->n[MI_REFUSED]);
	jw_kint(j, "foreign_token", (long long)in->n[MI_FOREIGN_TOKEN]);
}

void minst_ctl_stats(struct jw *j, struct fake *f)
{
	const struct mfed *m = fed(f);

	if (!m)
		return;
	jw_kobj(j, "mastodon_instances");
	for (int i = 0; i < m->n; i++) {
		jw_kobj(j, m->inst[i].name);
		inst_counts(j, &m->inst[i]);
		jw_end(j);
	}
	jw_end(j);
}

void minst_ctl_stats_reset(struct fake *f)
{
	struct mfed *m = f->net_state[NET_M];

	for (int i = 0; m && i < m->n; i++) {
		m->inst[i].requests = 0;
		memset(m->inst[i].n, 0, sizeof m->inst[i].n);
	}
}

/* GET /_fake/instances */
bool minst_ctl_serve(struct rq *r, const char *path)
{
	struct fake *f = r->f;
	const struct mfed *m = fed(f);
	struct jw *j = &r->j;
	char iso[32], name[24];

	if (strcmp(path, "/instances") != 0)
		return false;
	rq_json(r, 200);
	jw_obj(j);
	jw_kbool(j, "enabled", m != NULL);
	if (m) {
		clock_iso_ms(m->start_ms, iso);
		jw_kstr(j, "federation_start", iso);
		jw_kint(j, "federation_start_ms", m->start_ms);
		jw_kint(j, "federation_delay", m->delay_ms / 1000);
	}
	jw_karr(j, "instances");
	for (int i = 0; m && i < m->n; i++) {
		jw_obj(j);
		jw_kstr(j, "name", m->inst[i].name);
		jw_kint(j, "index", i);
		jw_kbool(j, "home", i == 0);
		jw_kbool(j, "closed", m->inst[i].closed);
		jw_kbool(j, "empty", m->inst[i].empty);
		inst_counts(j, &m->inst[i]);
		jw_karr(j, "accounts");
		for (uint32_t a = 0; a < world_nacc(f); a++)
			if (minst_home(f, a) == i) {
				world_acct_name(f, a, name);
				jw_str(j, name);
			}
		jw_aend(j);
		jw_end(j);
	}
	jw_aend(j);
	jw_end(j);
	return true;
}

/* /_fake/account: the id on its home; with instances also the home, the
 * canonical uri/url, and its id and acct on every instance */
void minst_ctl_account(struct jw *j, const struct fake *f, uint32_t a)
{
	char s[160], name[24];
	int home = minst_home(f, a);

	world_acct_name(f, a, name);
	snprintf(s, sizeof s, "%" PRIu64, minst_account_id(f, home, a));
	jw_kstr(j, "id", s);
	jw_kstr(j, "acct", name);
	if (!minst_on(f))
		return;
	jw_kstr(j, "home", minst_name(f, home));
	minst_base(f, home, s);
	{
		char u[256];
		snprintf(u, sizeof u, "%s/users/%s", s, name);
		jw_kstr(j, "uri", u);
		snprintf(u, sizeof u, "%s/@%s", s, name);
		jw_kstr(j, "url", u);
	}
	jw_kobj(j, "instances");
	for (int v = 0; v < minst_count(f); v++) {
		jw_kobj(j, minst_name(f, v));
		snprintf(s, sizeof s, "%" PRIu64, minst_account_id(f, v, a));
		jw_kstr(j, "id", s);
		minst_acct(f, v, a, s);
		jw_kstr(j, "acct", s);
		jw_end(j);
	}
	jw_end(j);
}

void minst_ctl_account_id(const struct fake *f, uint32_t a, char out[256])
{
	snprintf(out, 256, "%" PRIu64, minst_account_id(f, minst_home(f, a), a));
}

/* the key a client stores a status under: its id, or with instances its uri */
void minst_ctl_post_ref(const struct fake *f, const struct post *p, char out[256])
{
	char url[256];

	if (minst_on(f))
		minst_status_uri(f, p, out, url);
	else
		snprintf(out, 256, "%" PRIu64, minst_status_id(f, 0, p->t, p->a));
}

void minst_ctl_post_id(const struct fake *f, uint32_t a, int64_t t, char out[256])
{
	snprintf(out, 256, "%" PRIu64, minst_status_id(f, -1, t, a));
}

void minst_ctl_post_keys(struct jw *j, const struct fake *f, uint32_t a, int64_t t)
{
	struct post p;
	char uri[256], url[256];
	uint32_t k;

	if (!minst_on(f) || !world_post_by_time(f, NET_M, a, t, INT64_MAX, &k))
		return;
	world_post_get(f, NET_M, a, k, &p);
	minst_status_uri(f, &p, uri, url);
	jw_kstr(j, "uri", uri);
	jw_kstr(j, "home", minst_name(f, minst_home(f, a)));
}
