/* handle.c — what the user types (or a profile says) to name an account,
 * checked and normalised by the network it belongs to. */
#include "net/net.h"
#include "mentord-bus.h"

#include <errno.h>
#include <string.h>

int net_handle_normalize(const char *platform, const char *in, char *out, const char **why)
{
	const struct net_platform *p = net_platform_find(platform);
	size_t n;

	*why = "invalid handle";
	if (!p || !p->check_handle) {
		*why = "unknown platform";
		return -EINVAL;
	}
	if (in[0] == '@')
		in++;
	n = strlen(in);
	if (n == 0) { *why = "empty handle"; return -EINVAL; }
	if (n > MENTORD_MAX_HANDLE) { *why = "handle too long"; return -EINVAL; }
	memcpy(out, in, n + 1);
	return p->check_handle(out, n, why);
}
