/* script.c — scripted faults. A rule matches requests whose path starts with
 * its prefix (and method, if given). It lets `skip` matches through, then
 * affects the next `count` (-1: all). Rules are tried in the order they were
 * added; the first match decides. Replacing actions answer instead of the
 * endpoint; the others change how the endpoint's own answer is rendered
 * (flags on the request, read by stream.c and render.c) or delivered
 * (deliver.c). Which rule applies is decided here; how a late, slow or
 * missing answer goes out is deliver.c's business. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fakeapi.h"

static const char *const action_names[NACTIONS] = {
	"status", "429", "html", "raw", "expired_token", "hang", "drop", "big",
	"delay", "trickle", "truncate", "cut", "gzip", "wrong_types", "duplicate", "out_of_order",
};

static const struct { const char *alias; int action; } action_aliases[] = {
	{ "rate_limit", A_429 }, { "timeout", A_HANG }, { "never", A_HANG }, { "slow", A_TRICKLE },
	{ "oversize", A_BIG }, { "too_large", A_BIG }, { "shuffle", A_OUT_OF_ORDER },
	{ "dup", A_DUPLICATE }, { "close", A_DROP }, { "error", A_STATUS },
};

static struct rule *retired_rules;    /* spent rules stay allocated: requests may still use them */
static long rule_serial;

static void rule_free(struct rule *r)
{
	for (char **h = r->headers; h && *h; h++)
		free(*h);
	free(r->headers);
	free(r->prefix);
	free(r->variant);
	free(r->body);
	free(r->ctype);
	free(r->host);
	free(r);
}

const char *script_action_name(int action)
{
	return action_names[action];
}

static int action_parse(const char *s)
{
	for (int i = 0; i < NACTIONS; i++)
		if (strcmp(s, action_names[i]) == 0)
			return i;
	for (size_t i = 0; i < sizeof action_aliases / sizeof action_aliases[0]; i++)
		if (strcmp(s, action_aliases[i].alias) == 0)
			return action_aliases[i].action;
	if (isdigit((unsigned char)s[0]))     /* "500", "503": a status */
		return atoi(s) == 429 ? A_429 : A_STATUS;
	return -1;
}

static struct rule *rule_from_json(const cJSON *o, char *err, size_t errlen)
{
	const char *path = util_jstr(o, "path"), *act = util_jstr(o, "action"), *method = util_jstr(o, "method");
	struct rule *r;
	long v;
	int a;

	if (!cJSON_IsObject(o) || !path || !act) {
		snprintf(err, errlen, "a rule needs \"path\" and \"action\"");
		return NULL;
	}
	if ((a = action_parse(act)) < 0) {
		snprintf(err, errlen, "unknown action \"%s\"", act);
		return NULL;
	}
	r = calloc(1, sizeof *r);
	if (!r) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	r->id = ++rule_serial;
	r->prefix = util_strdup(path);
	r->action = a;
	r->count = 1;
	if (isdigit((unsigned char)act[0]))
		r->code = atoi(act);
	if (method)
		r->method = strcasecmp(method, "POST") == 0 ? EVHTTP_REQ_POST : EVHTTP_REQ_GET;
	if (util_jnum(o, "count", &v))
		r->count = v <= 0 ? -1 : v;
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "forever")))
		r->count = -1;
	r->hold = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "hold"));
	if (util_jnum(o, "skip", &v) || util_jnum(o, "after", &v))
		r->skip = v > 0 ? v : 0;
	if (util_jnum(o, "code", &v) || util_jnum(o, "status", &v))
		r->code = (int)v;
	if (util_jnum(o, "ms", &v) || util_jnum(o, "delay_ms", &v))
		r->ms = v;
	if (util_jnum(o, "bytes", &v))
		r->bytes = v;
	if (util_jnum(o, "interval_ms", &v))
		r->interval_ms = v;
	if (util_jnum(o, "reset_in", &v) || util_jnum(o, "retry_after", &v))
		r->reset_in = v;
	if (util_jstr(o, "variant"))
		r->variant = util_strdup(util_jstr(o, "variant"));
	if (util_jstr(o, "body"))
		r->body = util_strdup(util_jstr(o, "body"));
	if (util_jstr(o, "host"))
		r->host = util_strdup(util_jstr(o, "host"));
	if (util_jstr(o, "content_type"))
		r->ctype = util_strdup(util_jstr(o, "content_type"));
	if (util_jstr(o, "file") && !(r->body = util_read_file(util_jstr(o, "file")))) {
		snprintf(err, errlen, "cannot read \"%s\": %s", util_jstr(o, "file"), strerror(errno));
		rule_free(r);
		return NULL;
	}
	if (cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(o, "headers"))) {
		const cJSON *h;
		size_t n = 0;
		r->headers = calloc((size_t)cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(o, "headers")) + 1,
				    sizeof *r->headers);
		cJSON_ArrayForEach(h, cJSON_GetObjectItemCaseSensitive(o, "headers"))
			if (r->headers && cJSON_IsString(h)) {
				struct buf b = { 0 };
				buf_printf(&b, "%s: %s", h->string, h->valuestring);
				r->headers[n++] = b.p;
			}
	}
	return r;
}

/* Extra headers of a rule; a rule header replaces a generated one of the same name. */
void script_add_headers(struct rq *r, const struct rule *ru)
{
	struct evkeyvalq *oh = evhttp_request_get_output_headers(r->req);
	char name[128];

	for (char **h = ru->headers; h && *h; h++) {
		size_t n = strcspn(*h, ":");
		snprintf(name, sizeof name, "%.*s", (int)(n < 127 ? n : 127), *h);
		evhttp_remove_header(oh, name);
		evhttp_add_header(oh, name, *h + n + 2);
	}
}

static void rule_append(struct fake *f, struct rule *r)
{
	struct rule **pp = &f->rules;
	while (*pp)
		pp = &(*pp)->next;
	*pp = r;
}

void script_clear(struct fake *f)
{
	while (f->rules) {
		struct rule *r = f->rules;
		f->rules = r->next;
		r->next = retired_rules;
		retired_rules = r;
	}
}

/* Adds rules from a JSON object, an array of them, or {"rules": [...]}. */
int script_add_json(struct fake *f, const cJSON *j, char *err, size_t errlen)
{
	const cJSON *list = cJSON_IsObject(j) && cJSON_GetObjectItemCaseSensitive(j, "rules")
		? cJSON_GetObjectItemCaseSensitive(j, "rules") : j;
	const cJSON *it;
	int n = 0;

	if (cJSON_IsObject(list)) {
		struct rule *r = rule_from_json(list, err, errlen);
		if (!r)
			return -1;
		rule_append(f, r);
		return 1;
	}
	if (!cJSON_IsArray(list)) {
		snprintf(err, errlen, "expected a rule object or an array of rules");
		return -1;
	}
	cJSON_ArrayForEach(it, list) {
		struct rule *r = rule_from_json(it, err, errlen);
		if (!r)
			return -1;
		rule_append(f, r);
		n++;
	}
	return n;
}

/* A rule's "host": the request's Host header (a name without a port matches
 * any port), or the name of the view answering it (a Mastodon instance,
 * which also answers requests whose Host names no instance). */
static bool rule_host_ok(struct rq *r, const char *host)
{
	const struct fake_net *net = net_get(r->net);
	const char *vn = net && net->view_name ? net->view_name(r->f, r->view) : NULL;

	return util_host_match(host, rq_header(r, "Host")) || (vn && strcasecmp(vn, host) == 0);
}

struct rule *script_take(struct fake *f, struct rq *r)
{
	int method = evhttp_request_get_command(r->req);

	for (struct rule **pp = &f->rules; *pp; pp = &(*pp)->next) {
		struct rule *ru = *pp;
		if (strncmp(r->path, ru->prefix, strlen(ru->prefix)) != 0 || (ru->method && ru->method != method) ||
		    (ru->host && !rule_host_ok(r, ru->host)))
			continue;
		if (ru->skip > 0) {
			ru->skip--;
			return NULL;
		}
		ru->applied++;
		if (ru->count > 0 && --ru->count == 0) {
			*pp = ru->next;
			ru->next = retired_rules;
			retired_rules = ru;
		}
		return ru;
	}
	return NULL;
}

/* Drops the active rules and frees every rule, at exit. */
void script_free(struct fake *f)
{
	script_clear(f);
	while (retired_rules) {
		struct rule *r = retired_rules;
		retired_rules = r->next;
		rule_free(r);
	}
}

static const char html_page[] =
	"<!DOCTYPE html>\n<html>\n<head><title>%d %s</title></head>\n<body>\n<center><h1>%d %s</h1></center>\n"
	"<hr><center>nginx</center>\n</body>\n</html>\n";

/* The page nginx in front of an API answers errors with. */
void script_html_page(char *out, size_t size, int code, const char *reason)
{
	snprintf(out, size, html_page, code, reason, code, reason);
}

/* Applies a replacing action. Returns true if the request has been answered
 * (or deliberately left unanswered). */
bool script_replace(struct rq *r, struct rule *ru)
{
	char page[512];
	int code;

	if (ru->action >= A_DELAY)
		return false;
	script_add_headers(r, ru);
	switch (ru->action) {
	case A_STATUS:
		rq_error(r, ru->code ? ru->code : 500);
		break;
	case A_429: {
		struct bucket *b = limits_endpoint_bucket(r);
		int64_t reset = limits_too_many(r, b, ru->reset_in > 0 ? ru->reset_in : 60);
		if (ru->hold)        /* the whole bucket stays closed until that reset */
			limits_hold(b, reset);
		break;
	}
	case A_HTML:
		code = ru->code ? ru->code : 503;
		script_html_page(page, sizeof page, code, deliver_reason(code));
		rq_raw(r, code, "text/html; charset=utf-8", page);
		break;
	case A_RAW:
		rq_raw(r, ru->code ? ru->code : 200, ru->ctype ? ru->ctype : "application/json; charset=utf-8",
		       ru->body ? ru->body : "");
		break;
	case A_EXPIRED:          /* only Bluesky has session tokens: its answer on every path */
		bluesky_expired_token(r);
		break;
	case A_HANG:
	case A_DROP:
		deliver_hang(r, ru);
		return true;
	case A_BIG:
		deliver_big(r, ru);
		return true;
	default:
		return false;
	}
	deliver_respond(r);
	return true;
}

/* Rendering and delivery modifiers take effect through flags on the request. */
void script_modify(struct rq *r, struct rule *ru)
{
	const char *v = ru->variant ? ru->variant : "ids";

	switch (ru->action) {
	case A_WRONG_TYPES:
		r->rc.ids_numeric = strcmp(v, "ids") == 0 || strcmp(v, "all") == 0;
		r->rc.nulls = strcmp(v, "nulls") == 0 || strcmp(v, "all") == 0;
		r->wrong_container = strcmp(v, "container") == 0 || strcmp(v, "all") == 0;
		break;
	case A_DUPLICATE:
		r->dup = true;
		break;
	case A_OUT_OF_ORDER:
		r->shuffle = true;
		break;
	default:
		break;
	}
}
