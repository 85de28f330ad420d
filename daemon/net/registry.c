/* registry.c — the list of networks. Adding one = a new adapter file that
 * defines `const struct net_platform net_<name>` plus its name in the list
 * below; nothing else in the daemon changes. */
#include <string.h>

#include "net/net.h"

#define NET_PLATFORM_LIST(_) _(net_x) _(net_mastodon) _(net_bluesky)

#define NET_DECLARE(p) extern const struct net_platform p;
NET_PLATFORM_LIST(NET_DECLARE)

#define NET_ENTRY(p) &p,
static const struct net_platform *const platforms[] = { NET_PLATFORM_LIST(NET_ENTRY) NULL };

const struct net_platform *const *net_platforms(void)
{
	return platforms;
}

const struct net_platform *net_platform_find(const char *name)
{
	for (size_t i = 0; name && platforms[i]; i++)
		if (strcmp(platforms[i]->name, name) == 0)
			return platforms[i];
	return NULL;
}
