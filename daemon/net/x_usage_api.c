/* x_usage_api.c — GET /2/usage/tweets: X's count of the project's billed
 * posts this month, for the scheduler to reconcile its own with. */
#include "net/x_usage_api.h"
#include "net/adapter.h"
#include "net/json.h"
#include "net/url.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int x_usage_api_build(const struct net_config *cfg, struct net_request *req)
{
	struct strbuf b = STRBUF_INIT;
	int r;

	memset(req, 0, sizeof *req);
	if (!net_has(cfg->token) || !net_has(cfg->api_base))
		return -ENOKEY;
	net_url_join(&b, cfg->api_base, "/2/usage/tweets");
	r = net_req_get(req, NET_OP_LOOKUP, &b);
	if (r >= 0)
		r = net_req_bearer(req, cfg->token);
	if (r < 0)
		net_request_clear(req);
	return r;
}

/* A count as a decimal string or an integral number, at least 0. */
static int count_of(const cJSON *o, const char *key, int64_t *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	const char *s = net_json_string(v);
	char *end;
	long long x;

	if (!v || cJSON_IsNull(v))
		return -ENOENT;
	if (!s)
		return net_json_i64(o, key, out) < 0 || *out < 0 ? -EINVAL : 0;
	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	x = strtoll(s, &end, 10);
	if (errno || *end)
		return -EINVAL;
	*out = x;
	return 0;
}

static void parse_ok(const cJSON *body, struct x_usage_report *out, struct net_page *pg)
{
	const cJSON *data = net_json_obj(body, "data");
	int64_t day = 0;
	int r;

	if (!data) {
		net_err(pg, NET_ERR_MALFORMED, NET_SCOPE_ENDPOINT, 0, "X usage: no data object");
		return;
	}
	if (count_of(data, "project_usage", &out->project_usage) < 0) {
		net_err(pg, NET_ERR_MALFORMED, NET_SCOPE_ENDPOINT, 0,
			"X usage: project_usage missing or not a count");
		return;
	}
	r = count_of(data, "project_cap", &out->project_cap);
	if (r == -ENOENT)
		out->project_cap = -1;
	else if (r < 0) {
		net_err(pg, NET_ERR_MALFORMED, NET_SCOPE_ENDPOINT, 0, "X usage: project_cap is not a count");
		return;
	}
	r = count_of(data, "cap_reset_day", &day);
	if (r == -EINVAL || (r == 0 && (day < 1 || day > 31))) {
		net_err(pg, NET_ERR_MALFORMED, NET_SCOPE_ENDPOINT, 0, "X usage: cap_reset_day is not a day of the month");
		return;
	}
	out->cap_reset_day = r == 0 ? (int)day : 0;
}

int x_usage_api_parse(const struct net_response *resp, struct x_usage_report *out,
                      struct net_error *err, struct net_rate *rate)
{
	struct net_page pg;
	cJSON *body = NULL;
	int st = net_status_of(resp);

	memset(&pg, 0, sizeof pg);
	memset(out, 0, sizeof *out);
	net_rate_read(resp, "x-rate-limit-limit", "x-rate-limit-remaining", "x-rate-limit-reset", false, &pg.rate);
	if (net_body_is_json(resp))
		body = net_json_parse(resp->body, resp->body_len);
	if (st >= 200 && st < 300 && body)
		parse_ok(body, out, &pg);
	else if (st >= 200 && st < 300)
		net_err(&pg, NET_ERR_MALFORMED, NET_SCOPE_ENDPOINT, 0, "X usage: the body is not JSON");
	else {
		const char *detail = net_json_str_or(body, "detail", NULL);

		net_err_http(&pg, resp, NET_SCOPE_ENDPOINT, detail ? detail : net_json_str_or(body, "title", NULL));
	}
	cJSON_Delete(body);
	*err = pg.err;
	*rate = pg.rate;
	return 0;
}
