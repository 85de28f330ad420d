/* busburst — hostile D-Bus load for mentord's org.mentord.Manager1.
 *
 * Several client processes, each with its own bus connection, fire
 * asynchronous calls with oversize, empty, injection-like, control-character,
 * look-alike-UTF-8 and out-of-range arguments at every method, plus calls
 * with the wrong arity or types, unknown members, objects and properties.
 * Every call must come back with a result or a *named* error: a timeout, a
 * dropped reply, org.mentord.Error.Internal or a generic System.Error is a
 * failure. Meanwhile the parent calls GetStatus on a separate connection
 * over and over: each must answer (responsiveness, without a timing
 * assertion).
 *
 * Phases: "reject" sends only calls that must not change the database
 * (read-only methods with anything, mutating methods with a poisoned
 * argument), so the caller can compare a database dump taken before and
 * after; a mutating call that succeeds there is a failure. "accept" lets
 * mutating methods take plausible-but-hostile values (injection-like names,
 * huge ids, every boolean) that may succeed.
 *
 * The method table below is the coverage: the tool introspects the running
 * daemon and fails when a method has no entry, when an entry names a method
 * the daemon lacks, or when the in-signatures differ. Adding a method is one
 * line.
 *
 * Exit 0 when every reply was acceptable, 1 on failures, 2 on set-up errors.
 * The summary (counts per reply name) goes to stdout as TAP comments. */
#include "mentord-bus.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <systemd/sd-bus.h>

enum kind { RO, MUT };

/* Templates: arguments as text separated by '|'. An argument written '~v'
 * takes value v normally and, one position at a time, every hostile value
 * of its type. NULL: the phase sends no templated calls for this method.
 * Reject templates of MUT methods carry one poisoned argument (checked last
 * by the daemon) so that every variation is refused. */
struct method {
	const char *name;
	const char *sig;        /* in-signature; must equal introspection */
	enum kind kind;
	const char *reject;
	const char *accept;
};

/* The mentor "known" (x handle known, hashtag #known on every platform)
 * and the draft's fingerprint are set up by the caller (42-hostile.sh). */
static const struct method methods[] = {
	/* name               sig     kind  reject-phase template                       accept-phase template */
	{ "GetStatus",        "",     RO,   "",                                          NULL },
	{ "GetEmailStatus",   "",     RO,   "",                                          NULL },
	{ "GetXUsage",        "",     RO,   "",                                          NULL },
	{ "Follow",           "ssst", MUT,  "~x|~newdoc|~Name|18446744073709551615",     "x|newdoc|~Name|~0" },
	{ "Unfollow",         "ss",   MUT,  "~x|~nobodyfollowed",                        "~x|~known" },
	{ "SetHistory",       "ssx",  MUT,  "~x|~known|9223372036854775807",             "~x|~known|~0" },
	{ "Track",            "ss",   MUT,  "known|~",                                   "~newtag|~x" },
	{ "Untrack",          "s",    MUT,  "~nevertracked",                             "~known" },
	{ "ListMentors",      "suu",  RO,   "~score|~0|~10",                             NULL },
	{ "ShowMentor",       "su",   RO,   "~known|~0",                                 NULL },
	{ "Why",              "s",    RO,   "~known",                                    NULL },
	{ "LogEvent",         "sssx", MUT,  "~known|~note|~text|-1",                     "~known|~note|~text|~0" },
	{ "Link",             "sss",  MUT,  "nobodyatall|~x|~other",                     "~known|~mastodon|~other@example.org" },
	{ "Unlink",           "sss",  MUT,  "~known|~x|~notanaccount",                   "~known|~x|~known" },
	{ "SetStage",         "ss",   MUT,  "~known|notastage",                          "~known|~auto" },
	{ "Suggest",          "u",    RO,   "~20",                                       NULL },
	{ "LinkSuggestions",  "",     RO,   "",                                          NULL },
	{ "Dismiss",          "ss",   MUT,  "~nope|~someone",                            "~x|~someone" },
	{ "Nudges",           "",     RO,   "",                                          NULL },
	{ "Check",            "sas",  RO,   "~A draft|~",                                NULL },
	{ "Reload",           "",     MUT,  NULL,                                        "" },
	{ "Poll",             "b",    MUT,  NULL,                                        "~0" },
	{ "Mute",             "st",   MUT,  "~known|18446744073709551615",               "~known|~3600" },
	{ "Unmute",           "s",    MUT,  "~known",                                    "~known" },
	{ "ListMutes",        "",     RO,   "",                                          NULL },
	{ "ExportLedger",     "tu",   RO,   "~0|~1000",                                  NULL },
	/* The name with a tab is refused after the handle; x is disabled in the
	 * test's configuration, so StartImport there is refused after every
	 * argument was checked. */
	{ "FollowSource",     "sss",  MUT,  "~x|~known|Bad\tName",                       "x|newsource|~Name" },
	{ "ListSources",      "",     RO,   "",                                          NULL },
	{ "StartImport",      "sassu", MUT, "~x|~|~cardiology|~10",                       "~mastodon|~|~|~0" },
	{ "GetImports",       "",     RO,   "",                                          NULL },
	{ "GetImportCandidates", "t", RO,   "~1",                                        NULL },
	/* Arrays of structs have no templates here: 84-linkedin.sh sends it bad
	 * rows (a URL that is not a profile, a key with a blank). */
	{ "ImportLinkedIn",   "a(ssssssx)a(ssbx)", MUT, NULL,                            NULL },
	{ "GetReportFunnel",  "x",    RO,   "~7776000",                                  NULL },
	/* Arrays of ids have no templates here either: 94-engagement.sh and
	 * 95-report.sh send them no ids, too many, unknown ones and bad units. */
	{ "GetEngagement",    "atsu", RO,   NULL,                                        NULL },
	{ "GetReportMentors", "atxb", RO,   NULL,                                        NULL },
};

#define N_METHODS (sizeof methods / sizeof methods[0])
#define MAX_ARGS 8
#define MAX_FAIL_LINES 12
/* Generous: a missing reply is what we look for, not a slow one (under
 * valgrind a big Check takes seconds). */
#define CALL_TIMEOUT_USEC (20 * 1000000ULL)

static const char *const ok_errors[] = {
	"org.freedesktop.DBus.Error.InvalidArgs",
	"org.freedesktop.DBus.Error.UnknownMethod",
	"org.freedesktop.DBus.Error.UnknownObject",
	"org.freedesktop.DBus.Error.UnknownInterface",
	"org.freedesktop.DBus.Error.UnknownProperty",
	"org.freedesktop.DBus.Error.PropertyReadOnly",
};

/* One value of a basic type or an array of strings, as text. */
struct val {
	char type;             /* 's', 'u', 't', 'x', 'b', 'i', 'd', or 'S' = as */
	const char *s;         /* scalar text */
	const char *const *a;  /* 'S': array elements */
	size_t n;              /* 'S': element count */
};

struct call {
	const struct method *m;    /* NULL: a raw call below */
	const char *member;        /* raw calls */
	const char *path, *iface;
	const char *sig;           /* what is actually sent */
	struct val args[MAX_ARGS];
	size_t n_args;
	bool must_fail;            /* a successful reply is a failure */
	const char *want;          /* exact error wanted, or NULL */
	int var;                   /* which argument varies (-1 none), for messages */
};

/* Everything the call list points into, freed in one go at the end. */
struct arena {
	void **p;
	size_t n, cap;
};

/* Takes ownership of ptr (NULL stays NULL and is not kept). */
static void *keep(struct arena *a, void *ptr)
{
	if (!ptr)
		return NULL;
	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 64;
		void **v = realloc(a->p, cap * sizeof *v);
		if (!v) {
			free(ptr);
			return NULL;
		}
		a->p = v;
		a->cap = cap;
	}
	return a->p[a->n++] = ptr;
}

static void arena_free(struct arena *a)
{
	for (size_t k = 0; k < a->n; k++)
		free(a->p[k]);
	free(a->p);
}

struct corpus {
	const char **s; size_t ns;
	const char *const *u, *const *t, *const *x, *const *b, *const *i, *const *d;
	size_t nu, nt, nx, nb, ni, nd;
	struct val *as; size_t nas;
};

struct calls {
	struct call *v;
	size_t n, cap;
	struct arena *arena;
};

struct tally {
	char name[128];
	unsigned long n;
};

struct client {
	sd_bus *bus;
	const struct calls *calls;
	size_t next, total, done, in_flight, window;
	struct tally t[64];
	size_t nt;
	unsigned long failures;
	unsigned fail_lines;
	uint64_t max_usec;
	FILE *out;
};

struct pending {
	struct client *c;
	const struct call *call;
	uint64_t sent;
};

static uint64_t now_usec(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static char *repeat(const char *unit, size_t times)
{
	size_t len = strlen(unit);
	char *p = malloc(len * times + 1);
	if (!p)
		return NULL;
	for (size_t i = 0; i < times; i++)
		memcpy(p + i * len, unit, len);
	p[len * times] = '\0';
	return p;
}

static char *prefixed(const char *prefix, const char *unit, size_t times)
{
	char *r = repeat(unit, times), *p = NULL;
	if (r && asprintf(&p, "%s%s", prefix, r) < 0)
		p = NULL;
	free(r);
	return p;
}

/* Strings every argument gets. D-Bus carries only valid UTF-8, so the
 * "broken" ones are look-alikes: U+FFFD, lone combining marks, bidi
 * overrides, and multi-byte characters placed so that a fixed byte cut
 * (printf "%.64s") lands inside one. */
static int corpus_init(struct corpus *c, struct arena *ar)
{
	static const char *const fixed[] = {
		"", " ", "@", "#", ".", "-", "\t", "a b", "line1\nline2", "\r\n", "\x01\x02\x1b[31mred",
		"\x7f", "'; DROP TABLE mentors; --", "\" OR 1=1 --", "Robert'); DROP TABLE accounts;--",
		"%n%n%n%n", "%s%s%s%s%s%s", "%x%x%.999999d%ls", "../../../etc/passwd", "/etc/shadow",
		"file:///etc/passwd", "~/.ssh/id_rsa", "$(reboot)", "`id`", "a\\0b", "*", "%", "_",
		"\xef\xbf\xbd\xef\xbf\xbd", "\xcc\x81\xcc\x81", "\xe2\x80\xae" "evil", "\xe2\x80\x8b", "\xef\xbb\xbf" "bom",
		"did:plc:", "did:web:../../x", "user@127.0.0.1", "a@b@c", "@@@@", "xn--", "http://169.254.169.254/",
		"-1", "0", "18446744073709551616", "NaN",
	};
	static const char *const u[] = { "0", "1", "2147483647", "2147483648", "4294967295" };
	static const char *const t[] = { "0", "1", "9223372036854775807", "9223372036854775808",
	                                 "18446744073709551615" };
	static const char *const x[] = { "-9223372036854775808", "-1", "0", "1", "631151999", "4102444800",
	                                 "9223372036854775807" };
	static const char *const b[] = { "0", "1" };
	static const char *const i[] = { "-2147483648", "-1", "0", "2147483647" };
	static const char *const d[] = { "nan", "inf", "-inf", "-0", "1e308", "-1e308", "4.9e-324" };
	/* Generated ones: just over each documented limit, far over, and
	 * multi-byte characters at odd offsets (1-, 2- and 3-byte lead-ins). */
	char *gen[] = {
		repeat("a", 101), repeat("a", 201), repeat("a", 254), repeat("a", 1001), repeat("a", 65537),
		repeat("\xf0\x9f\xa9\xba", 70000), prefixed("a", "\xc3\xa9", 100), prefixed("ab", "\xf0\x9f\xa9\xba", 40),
		prefixed("abc", "\xe2\x82\xac", 40), prefixed("a", "\xf0\x9f\xa9\xba", 40),
		prefixed("\xe2\x80\xae", "\xd7\x90", 120), repeat("e\xcc\x81", 200), repeat("'; DROP TABLE x; --", 50),
		repeat("%n", 500), repeat("../", 300),
	};
	size_t nf = sizeof fixed / sizeof fixed[0], ng = sizeof gen / sizeof gen[0];
	static const char *const as_one[] = { "'; DROP TABLE check_overrides; --" };
	static const char *const as_fmt[] = { "%n%n%n", "../../x", "" };
	static const char *const as_rule[] = { "phi.mrn:0000000000000000" };
	const char **as_many, **as_long;

	for (size_t k = 0; k < ng; k++)
		keep(ar, gen[k]);
	c->s = keep(ar, calloc(nf + ng, sizeof *c->s));
	as_many = keep(ar, calloc(10000, sizeof *as_many));
	as_long = keep(ar, calloc(1, sizeof *as_long));
	if (!c->s || !as_many || !as_long)
		return -ENOMEM;
	for (size_t k = 0; k < nf; k++)
		c->s[c->ns++] = fixed[k];
	for (size_t k = 0; k < ng; k++) {
		if (!gen[k])
			return -ENOMEM;
		c->s[c->ns++] = gen[k];
	}
	for (size_t k = 0; k < 10000; k++)
		as_many[k] = "phi.mrn:0000000000000000";
	as_long[0] = gen[4];
	c->u = u; c->nu = sizeof u / sizeof u[0];
	c->t = t; c->nt = sizeof t / sizeof t[0];
	c->x = x; c->nx = sizeof x / sizeof x[0];
	c->b = b; c->nb = sizeof b / sizeof b[0];
	c->i = i; c->ni = sizeof i / sizeof i[0];
	c->d = d; c->nd = sizeof d / sizeof d[0];
	c->as = keep(ar, calloc(6, sizeof *c->as));
	if (!c->as)
		return -ENOMEM;
	c->as[c->nas++] = (struct val){ .type = 'S', .n = 0 };
	c->as[c->nas++] = (struct val){ .type = 'S', .a = as_one, .n = 1 };
	c->as[c->nas++] = (struct val){ .type = 'S', .a = as_fmt, .n = 3 };
	c->as[c->nas++] = (struct val){ .type = 'S', .a = as_rule, .n = 1 };
	c->as[c->nas++] = (struct val){ .type = 'S', .a = as_many, .n = 10000 };
	c->as[c->nas++] = (struct val){ .type = 'S', .a = as_long, .n = 1 };
	return 0;
}

/* "sas" → { 's', 'S' }; other container types are not generated. */
static int split_sig(const char *sig, char *types, size_t max)
{
	size_t n = 0;
	for (const char *p = sig; *p; p++) {
		if (n == max)
			return -E2BIG;
		if (p[0] == 'a' && p[1] == 's') {
			types[n++] = 'S';
			p++;
		} else if (strchr("sutxbid", *p)) {
			types[n++] = *p;
		} else {
			return -ENOTSUP;
		}
	}
	return (int)n;
}

static int push(struct calls *cs, const struct call *c)
{
	if (cs->n == cs->cap) {
		size_t cap = cs->cap ? cs->cap * 2 : 256;
		struct call *v = realloc(cs->v, cap * sizeof *v);
		if (!v)
			return -ENOMEM;
		cs->v = v;
		cs->cap = cap;
	}
	cs->v[cs->n++] = *c;
	return 0;
}

/* Values of a template element: the base, or '~base'. */
static int parse_template(struct arena *ar, const char *tpl, char types[], int n, struct val base[],
                          bool vary[], char *store, size_t store_size)
{
	int k = 0;
	if (strlen(tpl) >= store_size)
		return -E2BIG;
	strcpy(store, tpl);
	char *p = store;
	if (n == 0)
		return *tpl ? -EINVAL : 0;
	for (;;) {
		char *bar = strchr(p, '|');
		if (bar)
			*bar = '\0';
		if (k == n)
			return -EINVAL;
		vary[k] = *p == '~';
		if (vary[k])
			p++;
		base[k] = (struct val){ .type = types[k], .s = p };
		if (types[k] == 'S' && *p) {
			/* Base arrays are written as one element or nothing. */
			const char **one = keep(ar, malloc(sizeof *one));
			if (!one)
				return -ENOMEM;
			*one = p;
			base[k].a = one;
			base[k].n = 1;
		}
		k++;
		if (!bar)
			break;
		p = bar + 1;
	}
	return k == n ? 0 : -EINVAL;
}

static void values_of(const struct corpus *co, char type, const char *const **list, size_t *n)
{
	switch (type) {
	case 's': *list = co->s; *n = co->ns; break;
	case 'u': *list = co->u; *n = co->nu; break;
	case 't': *list = co->t; *n = co->nt; break;
	case 'x': *list = co->x; *n = co->nx; break;
	case 'b': *list = co->b; *n = co->nb; break;
	case 'i': *list = co->i; *n = co->ni; break;
	case 'd': *list = co->d; *n = co->nd; break;
	default: *list = NULL; *n = 0; break;
	}
}

static int add_templated(struct calls *cs, const struct corpus *co, const struct method *m, const char *tpl,
                         bool must_fail)
{
	/* Template text lives as long as the process (calls point into it). */
	char types[MAX_ARGS], *store;
	struct val base[MAX_ARGS];
	bool vary[MAX_ARGS];
	struct call c = { .m = m, .sig = m->sig, .must_fail = must_fail, .var = -1 };
	int n, r;

	if ((n = split_sig(m->sig, types, MAX_ARGS)) < 0)
		return n;
	if (!(store = keep(cs->arena, malloc(strlen(tpl) + 1))))
		return -ENOMEM;
	if ((r = parse_template(cs->arena, tpl, types, n, base, vary, store, strlen(tpl) + 1)) < 0) {
		fprintf(stderr, "busburst: bad template for %s: '%s'\n", m->name, tpl);
		return r;
	}
	c.n_args = (size_t)n;
	memcpy(c.args, base, sizeof base);
	/* The base call itself: plausible values, except for the poison. */
	if ((r = push(cs, &c)) < 0)
		return r;
	for (int k = 0; k < n; k++) {
		if (!vary[k])
			continue;
		if (types[k] == 'S') {
			for (size_t j = 0; j < co->nas; j++) {
				c = (struct call){ .m = m, .sig = m->sig, .must_fail = must_fail, .var = k,
				                   .n_args = (size_t)n };
				memcpy(c.args, base, sizeof base);
				c.args[k] = co->as[j];
				if ((r = push(cs, &c)) < 0)
					return r;
			}
			continue;
		}
		const char *const *list;
		size_t nl;
		values_of(co, types[k], &list, &nl);
		for (size_t j = 0; j < nl; j++) {
			c = (struct call){ .m = m, .sig = m->sig, .must_fail = must_fail, .var = k, .n_args = (size_t)n };
			memcpy(c.args, base, sizeof base);
			c.args[k].s = list[j];
			if ((r = push(cs, &c)) < 0)
				return r;
		}
	}
	return 0;
}

/* Wrong arity and types: sd-bus refuses them before our handler runs. */
static int add_malformed(struct calls *cs, const struct method *m)
{
	static const struct val s_extra = { .type = 's', .s = "extra" };
	static const struct val i_wrong = { .type = 'i', .s = "7" };
	static const struct val s_wrong = { .type = 's', .s = "7" };
	char types[MAX_ARGS];
	int n, r;
	struct call c;
	const char *inv = "org.freedesktop.DBus.Error.InvalidArgs";

	/* Arrays of structs (ImportLinkedIn) or of ids (GetEngagement,
	 * GetReportMentors): nothing at all, and a string where the first
	 * argument belongs. */
	if (strchr(m->sig, '(') || strncmp(m->sig, "at", 2) == 0) {
		c = (struct call){ .m = m, .sig = NULL, .must_fail = true, .want = inv, .var = -1 };
		if ((r = push(cs, &c)) < 0)
			return r;
		c.args[c.n_args++] = s_wrong;
		return push(cs, &c);
	}
	if ((n = split_sig(m->sig, types, MAX_ARGS)) < 0)
		return n;
	/* One argument too many (all base strings "extra"). */
	c = (struct call){ .m = m, .sig = NULL, .must_fail = true, .want = inv, .var = -1 };
	for (int k = 0; k < n && k < MAX_ARGS - 1; k++)
		c.args[c.n_args++] = types[k] == 'S' ? (struct val){ .type = 'S' } :
		                     types[k] == 's' ? s_extra : (struct val){ .type = types[k], .s = "0" };
	c.args[c.n_args++] = s_extra;
	if ((r = push(cs, &c)) < 0)
		return r;
	if (n == 0)
		return 0;
	/* Nothing at all. */
	c = (struct call){ .m = m, .sig = NULL, .must_fail = true, .want = inv, .var = -1 };
	if ((r = push(cs, &c)) < 0)
		return r;
	/* Every argument of the wrong type. */
	c = (struct call){ .m = m, .sig = NULL, .must_fail = true, .want = inv, .var = -1 };
	for (int k = 0; k < n; k++)
		c.args[c.n_args++] = types[k] == 's' ? i_wrong : s_wrong;
	return push(cs, &c);
}

static int add_raw(struct calls *cs, const char *path, const char *iface, const char *member, bool must_fail,
                   const char *want, const char *a0, const char *a1)
{
	struct call c = { .member = member, .path = path, .iface = iface, .must_fail = must_fail, .want = want,
	                  .var = -1 };
	if (a0)
		c.args[c.n_args++] = (struct val){ .type = 's', .s = a0 };
	if (a1)
		c.args[c.n_args++] = (struct val){ .type = 's', .s = a1 };
	return push(cs, &c);
}

static int build_calls(struct calls *cs, const struct corpus *co, bool reject, const char *fingerprint)
{
	const char *P = MENTORD_BUS_PATH, *I = MENTORD_BUS_IFACE;
	const char *props = "org.freedesktop.DBus.Properties";
	int r = 0;

	for (size_t k = 0; k < N_METHODS && r >= 0; k++) {
		const struct method *m = &methods[k];
		const char *tpl = reject ? m->reject : m->accept;
		if (tpl)
			r = add_templated(cs, co, m, tpl, reject && m->kind == MUT);
		if (r >= 0 && reject)
			r = add_malformed(cs, m);
	}
	if (r < 0 || !reject)
		return r;
	/* A valid fingerprint followed by a bogus one: the call is refused,
	 * so the first must not be recorded either. */
	if (fingerprint) {
		static const char *fp[2];
		static const char *const bogus[] = { "phi.mrn:0000000000000000" };
		static const struct method *check;
		for (size_t k = 0; k < N_METHODS; k++)
			if (strcmp(methods[k].name, "Check") == 0)
				check = &methods[k];
		fp[0] = fingerprint;
		fp[1] = bogus[0];
		struct call c = { .m = check, .sig = "sas", .must_fail = true, .var = 1, .n_args = 2,
		                  .want = MENTORD_ERROR_INVALID_ARGUMENT };
		c.args[0] = (struct val){ .type = 's', .s = "I was so drunk at the conference" };
		c.args[1] = (struct val){ .type = 'S', .a = fp, .n = 2 };
		if (check && (r = push(cs, &c)) < 0)
			return r;
	}
	const char *um = "org.freedesktop.DBus.Error.UnknownMethod";
	if ((r = add_raw(cs, P, I, "DropEverything", true, um, NULL, NULL)) < 0 ||
	    (r = add_raw(cs, P, I, "getstatus", true, um, NULL, NULL)) < 0 ||
	    (r = add_raw(cs, P, "org.mentord.Nope1", "GetStatus", true, NULL, NULL, NULL)) < 0 ||
	    (r = add_raw(cs, "/org/mentord", I, "GetStatus", true, NULL, NULL, NULL)) < 0 ||
	    (r = add_raw(cs, "/org/mentord/Mentord1/x", I, "GetStatus", true, NULL, NULL, NULL)) < 0 ||
	    (r = add_raw(cs, P, props, "Get", false, NULL, I, "Version")) < 0 ||
	    (r = add_raw(cs, P, props, "Get", true, NULL, I, "Nope")) < 0 ||
	    (r = add_raw(cs, P, props, "Get", true, NULL, "'; DROP TABLE x", "Version")) < 0 ||
	    (r = add_raw(cs, P, props, "GetAll", false, NULL, I, NULL)) < 0 ||
	    (r = add_raw(cs, P, "org.freedesktop.DBus.Introspectable", "Introspect", false, NULL, NULL, NULL)) < 0 ||
	    (r = add_raw(cs, P, "org.freedesktop.DBus.Peer", "Ping", false, NULL, NULL, NULL)) < 0)
		return r;
	return 0;
}

static int append_val(sd_bus_message *msg, const struct val *v)
{
	switch (v->type) {
	case 's':
		return sd_bus_message_append_basic(msg, 's', v->s);
	case 'b': {
		int b = strcmp(v->s, "0") != 0;
		return sd_bus_message_append_basic(msg, 'b', &b);
	}
	case 'u': {
		uint32_t u = (uint32_t)strtoul(v->s, NULL, 10);
		return sd_bus_message_append_basic(msg, 'u', &u);
	}
	case 't': {
		uint64_t t = strtoull(v->s, NULL, 10);
		return sd_bus_message_append_basic(msg, 't', &t);
	}
	case 'x': {
		int64_t x = strtoll(v->s, NULL, 10);
		return sd_bus_message_append_basic(msg, 'x', &x);
	}
	case 'i': {
		int32_t i = (int32_t)strtol(v->s, NULL, 10);
		return sd_bus_message_append_basic(msg, 'i', &i);
	}
	case 'd': {
		double d = strtod(v->s, NULL);
		return sd_bus_message_append_basic(msg, 'd', &d);
	}
	case 'S': {
		int r = sd_bus_message_open_container(msg, 'a', "s");
		for (size_t k = 0; r >= 0 && k < v->n; k++)
			r = sd_bus_message_append_basic(msg, 's', v->a[k]);
		return r < 0 ? r : sd_bus_message_close_container(msg);
	}
	}
	return -EINVAL;
}

/* "Follow('x', '%n%n', …)" with long values shortened, for failure lines. */
static void describe(const struct call *c, char *buf, size_t size)
{
	size_t off = 0;
	off += (size_t)snprintf(buf + off, size - off, "%s(", c->m ? c->m->name : c->member);
	for (size_t k = 0; k < c->n_args && off < size; k++) {
		const struct val *v = &c->args[k];
		if (v->type == 'S')
			off += (size_t)snprintf(buf + off, size - off, "%s[%zu strings]", k ? ", " : "", v->n);
		else if (strlen(v->s) > 24)
			off += (size_t)snprintf(buf + off, size - off, "%s<%zu bytes: %.12s...>", k ? ", " : "",
			                        strlen(v->s), v->s);
		else
			off += (size_t)snprintf(buf + off, size - off, "%s'%s'", k ? ", " : "", v->s);
	}
	if (off < size)
		snprintf(buf + off, size - off, ")");
	for (char *p = buf; *p; p++)
		if ((unsigned char)*p < 0x20)
			*p = '?';
}

static void count(struct client *c, const char *name)
{
	for (size_t k = 0; k < c->nt; k++)
		if (strcmp(c->t[k].name, name) == 0) {
			c->t[k].n++;
			return;
		}
	if (c->nt < sizeof c->t / sizeof c->t[0]) {
		snprintf(c->t[c->nt].name, sizeof c->t[c->nt].name, "%s", name);
		c->t[c->nt++].n = 1;
	}
}

static bool error_ok(const char *name)
{
	if (strncmp(name, "org.mentord.Error.", 18) == 0)
		return strcmp(name, MENTORD_ERROR_INTERNAL) != 0;
	for (size_t k = 0; k < sizeof ok_errors / sizeof ok_errors[0]; k++)
		if (strcmp(name, ok_errors[k]) == 0)
			return true;
	return false;
}

static void failure(struct client *c, const struct call *call, const char *what)
{
	char d[256];
	c->failures++;
	if (c->fail_lines++ >= MAX_FAIL_LINES)
		return;
	describe(call, d, sizeof d);
	fprintf(c->out, "F %s -> %s\n", d, what);
}

static int send_next(struct client *c);

static int on_reply(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error)
{
	struct pending *p = userdata;
	struct client *c = p->c;
	const struct call *call = p->call;
	uint64_t took = now_usec() - p->sent;
	const sd_bus_error *e = sd_bus_message_get_error(reply);
	char what[300];

	if (took > c->max_usec)
		c->max_usec = took;
	if (e) {
		count(c, e->name);
		/* A call left unanswered: stop issuing, or a daemon that drops
		 * replies would make the run last calls × timeout. */
		if (sd_bus_error_has_name(e, SD_BUS_ERROR_TIMEOUT) || sd_bus_error_has_name(e, SD_BUS_ERROR_NO_REPLY))
			c->total = c->next;
		if (!error_ok(e->name)) {
			snprintf(what, sizeof what, "%s: %.200s", e->name, e->message ? e->message : "");
			failure(c, call, what);
		} else if (call->want && strcmp(call->want, e->name) != 0) {
			snprintf(what, sizeof what, "%s, want %s", e->name, call->want);
			failure(c, call, what);
		}
	} else {
		count(c, "(result)");
		if (call->must_fail)
			failure(c, call, "succeeded, but must be refused");
	}
	free(p);
	c->done++;
	c->in_flight--;
	return send_next(c);
}

static int send_next(struct client *c)
{
	while (c->in_flight < c->window && c->next < c->total) {
		const struct call *call = &c->calls->v[c->next++ % c->calls->n];
		sd_bus_message *msg = NULL;
		struct pending *p;
		int r;

		r = sd_bus_message_new_method_call(c->bus, &msg, MENTORD_BUS_NAME, call->path ? call->path : MENTORD_BUS_PATH,
		                                   call->iface ? call->iface : MENTORD_BUS_IFACE,
		                                   call->m ? call->m->name : call->member);
		for (size_t k = 0; r >= 0 && k < call->n_args; k++)
			r = append_val(msg, &call->args[k]);
		if (r < 0 || !(p = malloc(sizeof *p))) {
			char d[256];
			describe(call, d, sizeof d);
			fprintf(stderr, "busburst: cannot build %s: %s\n", d, strerror(r < 0 ? -r : ENOMEM));
			sd_bus_message_unref(msg);
			return r < 0 ? r : -ENOMEM;
		}
		*p = (struct pending){ .c = c, .call = call, .sent = now_usec() };
		r = sd_bus_call_async(c->bus, NULL, msg, on_reply, p, CALL_TIMEOUT_USEC);
		sd_bus_message_unref(msg);
		if (r < 0) {
			free(p);
			fprintf(stderr, "busburst: send: %s\n", strerror(-r));
			return r;
		}
		c->in_flight++;
	}
	return 0;
}

/* One client process: its own connection, rounds × calls, offset so that
 * the clients hit different methods at the same moment. */
static int run_client(const struct calls *calls, size_t rounds, size_t window, size_t idx, FILE *out)
{
	struct client c = { .calls = calls, .window = window, .out = out };
	int r;

	if ((r = sd_bus_open_user(&c.bus)) < 0) {
		fprintf(out, "F connect -> %s\n", strerror(-r));
		return 1;
	}
	c.next = idx * calls->n / 7;
	c.total = c.next + rounds * calls->n;
	if ((r = send_next(&c)) < 0)
		goto out;
	while (c.in_flight > 0) {
		if ((r = sd_bus_process(c.bus, NULL)) < 0)
			break;
		if (r > 0)
			continue;
		if ((r = sd_bus_wait(c.bus, UINT64_MAX)) < 0 && r != -EINTR)
			break;
	}
out:
	if (r < 0) {
		fprintf(out, "F client %zu bus -> %s\n", idx, strerror(-r));
		c.failures++;
	}
	for (size_t k = 0; k < c.nt; k++)
		fprintf(out, "R %lu %s\n", c.t[k].n, c.t[k].name);
	fprintf(out, "N %zu %lu %" PRIu64 "\n", c.done, c.failures, c.max_usec);
	fflush(out);
	sd_bus_flush_close_unref(c.bus);
	return c.failures ? 1 : 0;
}

/* The methods the daemon serves and their in-signatures, from its own
 * introspection; every one must be in the table, with the same signature. */
static int check_coverage(sd_bus *bus)
{
	sd_bus_error err = SD_BUS_ERROR_NULL;
	sd_bus_message *reply = NULL;
	const char *xml, *p, *end;
	bool seen[N_METHODS] = { false };
	int r, bad = 0;

	r = sd_bus_call_method(bus, MENTORD_BUS_NAME, MENTORD_BUS_PATH, "org.freedesktop.DBus.Introspectable",
	                       "Introspect", &err, &reply, "");
	if (r < 0 || sd_bus_message_read(reply, "s", &xml) < 0) {
		fprintf(stderr, "busburst: introspection failed: %s\n", err.message ? err.message : strerror(-r));
		bad = 1;
		goto out;
	}
	p = strstr(xml, "<interface name=\"" MENTORD_BUS_IFACE "\"");
	end = p ? strstr(p, "</interface>") : NULL;
	if (!p || !end) {
		fprintf(stderr, "busburst: %s not in the introspection data\n", MENTORD_BUS_IFACE);
		bad = 1;
		goto out;
	}
	while ((p = strstr(p, "<method name=\"")) && p < end) {
		char name[128] = "", sig[64] = "";
		const char *q = p + 14, *close = strstr(q, "</method>"), *self = strstr(q, "/>");
		size_t nl = strcspn(q, "\"");
		const char *mend = close;
		/* <method name="X"/> has no arguments and no closing tag. */
		if (self && (!close || self < close) && self < strchr(q, '>') + 1)
			mend = self;
		if (!mend || nl >= sizeof name)
			break;
		memcpy(name, q, nl);
		for (const char *a = strstr(q, "<arg "); a && a < mend; a = strstr(a + 1, "<arg ")) {
			const char *aend = strchr(a, '>'), *ty = strstr(a, "type=\""), *dir = strstr(a, "direction=\"");
			if (!aend || !ty || ty > aend)
				continue;
			if (dir && dir < aend && strncmp(dir + 11, "in\"", 3) != 0)
				continue;
			size_t tl = strcspn(ty + 6, "\"");
			if (strlen(sig) + tl < sizeof sig)
				strncat(sig, ty + 6, tl);
		}
		size_t k;
		for (k = 0; k < N_METHODS; k++)
			if (strcmp(methods[k].name, name) == 0)
				break;
		if (k == N_METHODS) {
			fprintf(stderr, "busburst: method %s(%s) has no entry in the hostile-call table "
			        "(tests/tools/busburst.c)\n", name, sig);
			bad = 1;
		} else {
			seen[k] = true;
			if (strcmp(methods[k].sig, sig) != 0) {
				fprintf(stderr, "busburst: %s takes '%s', the table says '%s'\n", name, sig, methods[k].sig);
				bad = 1;
			}
		}
		p = mend;
	}
	for (size_t k = 0; k < N_METHODS; k++)
		if (!seen[k]) {
			fprintf(stderr, "busburst: the table names %s, which the daemon does not serve\n", methods[k].name);
			bad = 1;
		}
out:
	sd_bus_error_free(&err);
	sd_bus_message_unref(reply);
	return bad ? -EINVAL : 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: busburst [--phase reject|accept] [--clients N] [--rounds N] [--window N]\n"
	                "                [--fingerprint FP] [--list]\n");
}

struct totals {
	struct tally t[64];
	size_t nt;
	unsigned long done, failures;
	uint64_t max_usec;
};

static void merge(struct totals *tot, FILE *in)
{
	char line[1024];
	while (fgets(line, sizeof line, in)) {
		unsigned long n, f;
		uint64_t us;
		char name[128];
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == 'F') {
			printf("#   FAIL %s\n", line + 2);
		} else if (sscanf(line, "R %lu %127s", &n, name) == 2) {
			size_t k;
			for (k = 0; k < tot->nt; k++)
				if (strcmp(tot->t[k].name, name) == 0)
					break;
			if (k == tot->nt && tot->nt < sizeof tot->t / sizeof tot->t[0])
				snprintf(tot->t[tot->nt++].name, sizeof tot->t[0].name, "%s", name);
			if (k < tot->nt)
				tot->t[k].n += n;
		} else if (sscanf(line, "N %lu %lu %" SCNu64, &n, &f, &us) == 3) {
			tot->done += n;
			tot->failures += f;
			if (us > tot->max_usec)
				tot->max_usec = us;
		}
	}
}

int main(int argc, char **argv)
{
	struct arena arena = { 0 };
	struct corpus co = { 0 };
	struct calls calls = { .arena = &arena };
	struct totals tot = { 0 };
	const char *phase = "reject", *fingerprint = NULL;
	size_t clients = 4, rounds = 2, window = 32;
	bool list = false;
	sd_bus *bus = NULL;
	pid_t pids[64];
	int status[64] = { 0 };
	bool reaped[64] = { false };
	FILE *outs[64];
	unsigned long probes = 0, probe_fail = 0;
	uint64_t probe_max = 0;
	int rc = 2, r;

	for (int k = 1; k < argc; k++) {
		const char *v = k + 1 < argc ? argv[k + 1] : NULL;
		if (strcmp(argv[k], "--list") == 0) {
			list = true;
			continue;
		}
		if (!v) {
			usage();
			return 2;
		}
		if (strcmp(argv[k], "--phase") == 0)
			phase = v;
		else if (strcmp(argv[k], "--clients") == 0)
			clients = strtoul(v, NULL, 10);
		else if (strcmp(argv[k], "--rounds") == 0)
			rounds = strtoul(v, NULL, 10);
		else if (strcmp(argv[k], "--window") == 0)
			window = strtoul(v, NULL, 10);
		else if (strcmp(argv[k], "--fingerprint") == 0)
			fingerprint = *v ? v : NULL;
		else {
			usage();
			return 2;
		}
		k++;
	}
	if ((strcmp(phase, "reject") && strcmp(phase, "accept")) || clients < 1 || clients > 64 ||
	    rounds < 1 || window < 1 || window > 100) {
		usage();
		return 2;
	}
	if (corpus_init(&co, &arena) < 0 || build_calls(&calls, &co, strcmp(phase, "reject") == 0, fingerprint) < 0) {
		fprintf(stderr, "busburst: cannot build the calls\n");
		goto out;
	}
	if (list) {
		char d[256];
		for (size_t k = 0; k < calls.n; k++) {
			describe(&calls.v[k], d, sizeof d);
			printf("%s%s\n", d, calls.v[k].must_fail ? " !" : "");
		}
		rc = 0;
		goto out;
	}
	if ((r = sd_bus_open_user(&bus)) < 0) {
		fprintf(stderr, "busburst: cannot connect to the session bus: %s\n", strerror(-r));
		goto out;
	}
	if (check_coverage(bus) < 0)
		goto out;
	fflush(stdout);
	for (size_t k = 0; k < clients; k++) {
		int fds[2];
		if (pipe(fds) < 0) {
			perror("busburst: pipe");
			clients = k;
			goto reap;
		}
		pids[k] = fork();
		if (pids[k] == 0) {
			close(fds[0]);
			FILE *o = fdopen(fds[1], "w");
			_exit(o ? run_client(&calls, rounds, window, k, o) : 1);
		}
		close(fds[1]);
		outs[k] = fdopen(fds[0], "r");
		if (pids[k] < 0 || !outs[k]) {
			perror("busburst: fork");
			clients = k;
			goto reap;
		}
	}
	/* Responsiveness: GetStatus on our own connection until every client
	 * is done. Each must answer; the slowest is reported, not judged. */
	for (;;) {
		size_t running = 0;
		for (size_t k = 0; k < clients; k++)
			if (!reaped[k] && waitpid(pids[k], &status[k], WNOHANG) == 0)
				running++;
			else
				reaped[k] = true;
		if (!running)
			break;
		sd_bus_error err = SD_BUS_ERROR_NULL;
		sd_bus_message *reply = NULL;
		uint64_t t0 = now_usec();
		r = sd_bus_call_method(bus, MENTORD_BUS_NAME, MENTORD_BUS_PATH, MENTORD_BUS_IFACE, "GetStatus", &err,
		                       &reply, "");
		uint64_t took = now_usec() - t0;
		probes++;
		if (r < 0) {
			probe_fail++;
			printf("#   FAIL GetStatus during the burst -> %s\n", err.name ? err.name : strerror(-r));
		}
		if (took > probe_max)
			probe_max = took;
		sd_bus_error_free(&err);
		sd_bus_message_unref(reply);
		usleep(20000);
	}
reap:
	for (size_t k = 0; k < clients; k++) {
		merge(&tot, outs[k]);
		fclose(outs[k]);
		if (!reaped[k] && waitpid(pids[k], &status[k], 0) != pids[k])
			status[k] = -1;
		/* Exit 1 is a client that counted failures itself; anything else
		 * (a crash) is one more. */
		if (!WIFEXITED(status[k]) || WEXITSTATUS(status[k]) > 1)
			tot.failures++;
	}
	printf("# busburst %s: %zu clients x %zu rounds x %zu calls, window %zu: %lu replies, %lu failures\n",
	       phase, clients, rounds, calls.n, window, tot.done, tot.failures);
	for (size_t k = 0; k < tot.nt; k++)
		printf("#   %8lu %s\n", tot.t[k].n, tot.t[k].name);
	printf("# slowest reply %.1f ms; GetStatus on a separate connection answered %lu/%lu times during the "
	       "burst (slowest %.1f ms)\n", tot.max_usec / 1000.0, probes - probe_fail, probes, probe_max / 1000.0);
	if (tot.done != clients * rounds * calls.n)
		printf("#   FAIL %zu calls were never sent (a client stopped after an unanswered call)\n",
		       clients * rounds * calls.n - tot.done);
	rc = tot.failures || probe_fail || tot.done != clients * rounds * calls.n ? 1 : 0;
out:
	sd_bus_flush_close_unref(bus);
	free(calls.v);
	arena_free(&arena);
	/* Before a sanitizer's exit handler, which may _exit() on a report. */
	fflush(stdout);
	return rc;
}
