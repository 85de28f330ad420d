/* registry.c — the list of networks. Adding one = a new adapter file that
 * defines `const struct net_platform net_<name>` plus its name in the list
 * below; nothing else in the daemon changes. */
#include <stdio.h>
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

int net_platform_index(const char *name)
{
	for (size_t i = 0; name && platforms[i]; i++)
		if (strcmp(platforms[i]->name, name) == 0)
			return (int)i;
	return -1;
}

const struct net_platform *net_platform_find(const char *name)
{
	int i = net_platform_index(name);
	return i < 0 ? NULL : platforms[i];
}

void net_platform_names(char *buf, size_t size)
{
	size_t n = 0;
	buf[0] = '\0';
	for (size_t i = 0; platforms[i] && n < size; i++)
		n += (size_t)snprintf(buf + n, size - n, "%s%s", i == 0 ? "" : platforms[i + 1] ? ", " : " or ",
		                      platforms[i]->name);
}
