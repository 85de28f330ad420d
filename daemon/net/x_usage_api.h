/* x_usage_api.h — X's own count of the posts it billed: GET /2/usage/tweets
 * with the app bearer (cfg->token), 50 requests per 15 minutes on a budget
 * of its own (X_USAGE_API_RATE_KEY). The answer, as documented:
 *   {"data": {"cap_reset_day": 10, "project_cap": "5000000000",
 *             "project_id": "1369785403853424", "project_usage": "43435"}}
 * The counts are strings in the documentation and numbers in X's SDK
 * schema: both are read. The project may hold other apps than mentord, so
 * project_usage is the whole project's billing month. Pure, like net.h. */
#ifndef MENTORD_NET_X_USAGE_API_H
#define MENTORD_NET_X_USAGE_API_H

#include <stdint.h>

#include "net/net.h"

#define X_USAGE_API_RATE_KEY "usage_tweets"

struct x_usage_report {
	int64_t project_usage;     /* posts the project read this billing month */
	int64_t project_cap;       /* -1: not said */
	int cap_reset_day;         /* 1-31; 0: not said */
};

/* GET <api_base>/2/usage/tweets with the app bearer; -ENOKEY without it. */
int x_usage_api_build(const struct net_config *cfg, struct net_request *req);

/* Classifies the answer into *err (NET_OK, or as X's other endpoints: 429
 * rate limited with retry_at, 401/403 NET_ERR_AUTH scope ENDPOINT, which
 * for this endpoint means a plan without it; a body that is not the shape
 * above NET_ERR_MALFORMED) and reads the rate headers. *out is filled only
 * with NET_OK. 0, or -ENOMEM. */
int x_usage_api_parse(const struct net_response *resp, struct x_usage_report *out,
                      struct net_error *err, struct net_rate *rate);

#endif
