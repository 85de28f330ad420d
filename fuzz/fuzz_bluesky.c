/* fuzz_bluesky.c — the libFuzzer target bluesky: see harness.h. */
#include "harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_net_one("bluesky", data, size);
}
