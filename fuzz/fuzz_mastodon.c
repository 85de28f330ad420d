/* fuzz_mastodon.c — libFuzzer target: the mastodon page parser (net_parse with every
 * operation) on one recorded-format response; see fuzz_net.h. */
#include "fuzz_net.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_net_run("mastodon", data, size);
}
