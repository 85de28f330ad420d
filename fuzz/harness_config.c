/* harness_config.c — the mentord.conf parser on an in-memory
 * file (config_parse, the whole of config_load after reading). */
#include <errno.h>
#include "harness.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"

int fuzz_config_one(const uint8_t *data, size_t size)
{
	struct config c;
	char *err = NULL;
	int r = config_parse(&c, "fuzz.conf", (const char *)data, size, &err);

	if (r < 0) {
		/* config.h: every refusal except running out of memory says why. */
		if (r != -ENOMEM && !err)
			abort();
		free(err);
		return 0;
	}
	if (err)
		abort();
	/* config.h: interests are lower case with the '#' removed. */
	for (size_t i = 0; i < c.n_interests; i++) {
		const char *t = c.interests[i];

		if (!t[0] || t[0] == '#')
			abort();
		for (; *t; t++)
			if (*t >= 'A' && *t <= 'Z')
				abort();
	}
	if (c.n_platforms > CONFIG_MAX_PLATFORMS)
		abort();
	config_clear(&c);
	return 0;
}
