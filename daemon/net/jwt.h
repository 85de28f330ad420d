/* jwt.h — the one thing mentord reads from a session token: when it expires.
 *
 * AT Protocol session tokens are JWTs; the spec asks clients to treat them as
 * opaque, so this is only a hint for refreshing early. The signature is not
 * checked (the server does that); the token is never copied or logged. */
#ifndef MENTORD_NET_JWT_H
#define MENTORD_NET_JWT_H

#include <stdint.h>

/* The "exp" claim (unix seconds) of a compact JWT. Returns 0, or -EINVAL if
 * jwt is not three base64url parts with a JSON payload holding a numeric
 * exp, -ENOMEM. */
int net_jwt_exp(const char *jwt, int64_t *exp);

#endif
