/* net.c — the list of networks (FAKE_NETS in fakeapi.h) and the numbering
 * that turns each network's own endpoint and bucket indexes into the global
 * ones the counters use. Endpoints and buckets are numbered network after
 * network, in table order, so /_fake/stats lists them in that order (rate
 * buckets, which may exist once per view, are numbered by limits.c). */
#include <string.h>

#include "fakeapi.h"

#define FAKE_NET_ENTRY(id, table) [id] = &table,
const struct fake_net *const net_list[NNET] = { FAKE_NETS(FAKE_NET_ENTRY) };
#undef FAKE_NET_ENTRY

/* NULL for NNET: control requests and paths no network claims */
const struct fake_net *net_get(int net)
{
	return net >= 0 && net < NNET ? net_list[net] : NULL;
}

/* "x", "mastodon", "bluesky"; "all" is NNET; -1 for anything else */
int net_by_name(const char *s)
{
	for (int n = 0; n < NNET; n++)
		if (s && strcmp(s, net_list[n]->name) == 0)
			return n;
	return s && strcmp(s, "all") == 0 ? NNET : -1;
}

int net_of_path(const char *path)
{
	for (int n = 0; n < NNET; n++)
		if (strncmp(path, net_list[n]->prefix, strlen(net_list[n]->prefix)) == 0)
			return n;
	return NNET;
}

int net_endpoint(int net, int local)
{
	int ep = local;

	for (int n = 0; n < net; n++)
		ep += (int)net_list[n]->nendpoints;
	return ep;
}

/* the number after every network's endpoints: paths that match none */
int net_unknown_endpoint(void)
{
	return net_endpoint(NNET, 0);
}

/* The endpoint numbered ep and its network, or NULL for "unknown". */
const struct fake_endpoint *net_endpoint_def(int ep, int *net)
{
	for (int n = 0; n < NNET; n++) {
		if (ep >= 0 && (size_t)ep < net_list[n]->nendpoints) {
			if (net)
				*net = n;
			return &net_list[n]->endpoints[ep];
		}
		ep -= (int)net_list[n]->nendpoints;
	}
	return NULL;
}

const char *net_endpoint_name(int ep)
{
	const struct fake_endpoint *e = net_endpoint_def(ep, NULL);
	return e ? e->name : "unknown";
}
