#include "net/jwt.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "net/json.h"

static int b64url_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-' || c == '+')
		return 62;
	if (c == '_' || c == '/')
		return 63;
	return -1;
}

/* Decodes unpadded base64url; returns the decoded length or -EINVAL. */
static long b64url_decode(const char *s, size_t n, unsigned char *out)
{
	unsigned acc = 0;
	int bits = 0;
	long len = 0;

	while (n && s[n - 1] == '=')
		n--;
	for (size_t i = 0; i < n; i++) {
		int v = b64url_value((unsigned char)s[i]);

		if (v < 0)
			return -EINVAL;
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[len++] = (unsigned char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	return len;
}

int net_jwt_exp(const char *jwt, int64_t *exp)
{
	const char *p1, *p2;
	unsigned char *payload = NULL;
	cJSON *claims = NULL;
	long n;
	int r = -EINVAL;

	if (!jwt || !(p1 = strchr(jwt, '.')) || !(p2 = strchr(p1 + 1, '.')) || strchr(p2 + 1, '.'))
		return -EINVAL;
	payload = malloc((size_t)(p2 - p1) + 1);
	if (!payload)
		return -ENOMEM;
	n = b64url_decode(p1 + 1, (size_t)(p2 - p1 - 1), payload);
	if (n <= 0)
		goto fail;
	claims = net_json_parse((const char *)payload, (size_t)n);
	if (net_json_i64(claims, "exp", exp) == 0 && *exp > 0)
		r = 0;
fail:
	cJSON_Delete(claims);
	free(payload);
	return r;
}
