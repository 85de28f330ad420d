/* x_oauth.h — X's OAuth 2.0 user token inside the X adapter: refreshing it
 * (POST /2/oauth2/token, grant_type=refresh_token, as a public client by
 * client_id) and reading the answer into page->session. The refresh token
 * rotates: the answer's one replaces the one sent, which is then spent. */
#ifndef MENTORD_NET_X_OAUTH_H
#define MENTORD_NET_X_OAUTH_H

#include "net/net.h"

/* SESSION_REFRESH only (-ENOTSUP for CREATE: logging in is mentorctl's);
 * -ENOKEY without a refresh token or client id. */
int x_oauth_build_refresh(const struct net_config *cfg, enum net_op op, struct net_request *req);

/* The token endpoint's answer: session filled (expiry from expires_in and
 * resp->now), or NET_ERR_AUTH when X refused the refresh token (log in
 * again), rate limits and server errors as usual. */
int x_oauth_parse(const struct net_config *cfg, const struct net_response *resp, struct net_page *pg);

#endif
