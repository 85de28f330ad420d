/* Unit tests for daemon/net/x_usage_api.c: GET /2/usage/tweets built with
 * the app bearer, its documented answer (counts as strings) and X's SDK
 * shape (numbers) read, errors classified, wrong types refused. */
#include "net/x_usage_api.h"
#include "tap.h"

#include <errno.h>
#include <string.h>

static int parse(int status, const char *body, struct x_usage_report *rep, struct net_error *err)
{
	struct net_rate rate;
	struct net_response resp = { .status = status, .body = body, .body_len = strlen(body), .now = 1790000000 };

	return x_usage_api_parse(&resp, rep, err, &rate);
}

int main(void)
{
	struct net_config cfg = { .api_base = "https://api.x.com", .token = "app-bearer" };
	struct net_request req;
	struct x_usage_report rep;
	struct net_error err;

	is_int(x_usage_api_build(&cfg, &req), 0, "built");
	is_str(req.url, "https://api.x.com/2/usage/tweets", "the endpoint");
	ok(req.n_headers == 2 && strcmp(req.headers[1], "Authorization: Bearer app-bearer") == 0, "the app bearer");
	net_request_clear(&req);
	cfg.token = NULL;
	is_int(x_usage_api_build(&cfg, &req), -ENOKEY, "no bearer: -ENOKEY");

	parse(200, "{\"data\":{\"cap_reset_day\":10,\"project_cap\":\"5000000000\","
	           "\"project_id\":\"1369785403853424\",\"project_usage\":\"43435\"}}", &rep, &err);
	is_int(err.code, NET_OK, "the documented answer");
	is_int(rep.project_usage, 43435, "  project_usage (a string)");
	is_int(rep.project_cap, 5000000000LL, "  project_cap");
	is_int(rep.cap_reset_day, 10, "  cap_reset_day");

	parse(200, "{\"data\":{\"project_cap\":2000000,\"project_usage\":12}}", &rep, &err);
	is_int(err.code, NET_OK, "numbers, no reset day");
	is_int(rep.project_usage, 12, "  project_usage (a number)");
	is_int(rep.cap_reset_day, 0, "  no reset day: 0");

	parse(200, "{\"data\":{\"project_usage\":true}}", &rep, &err);
	is_int(err.code, NET_ERR_MALFORMED, "project_usage of the wrong type: malformed");
	parse(200, "{\"data\":{\"project_usage\":\"-4\"}}", &rep, &err);
	is_int(err.code, NET_ERR_MALFORMED, "a negative count: malformed");
	parse(200, "{\"data\":{\"project_usage\":\"12\",\"cap_reset_day\":40}}", &rep, &err);
	is_int(err.code, NET_ERR_MALFORMED, "a reset day past 31: malformed");
	parse(200, "{\"errors\":[]}", &rep, &err);
	is_int(err.code, NET_ERR_MALFORMED, "no data: malformed");
	parse(200, "{\"data\":", &rep, &err);
	is_int(err.code, NET_ERR_MALFORMED, "cut JSON: malformed");
	parse(403, "{\"title\":\"Client Forbidden\",\"type\":\"https://api.twitter.com/2/problems/client-forbidden\"}",
	      &rep, &err);
	is_int(err.code, NET_ERR_AUTH, "403: auth");
	is_int(err.scope, NET_SCOPE_ENDPOINT, "  this endpoint only");
	parse(429, "{\"title\":\"Too Many Requests\",\"status\":429}", &rep, &err);
	is_int(err.code, NET_ERR_RATE_LIMITED, "429: rate limited");
	ok(err.retry_at > 1790000000, "  with a time to retry");
	parse(503, "<html>down</html>", &rep, &err);
	is_int(err.code, NET_ERR_SERVER, "an HTML 503: server");
	return tap_done();
}
