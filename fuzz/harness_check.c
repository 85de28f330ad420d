/* harness_check.c — the draft checker (check_text) with the
 * rules compiled into the daemon, then accepting a finding as a user would. */
#include "harness.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check/check.h"

int fuzz_check_one(const uint8_t *data, size_t size)
{
	/* Loaded once and kept for the process, like the daemon's engine:
	 * parsing the rules for every input would cost more than the check. */
	static struct check_engine *engine;
	struct check_result res;
	size_t prev = 0;

	if (!engine && check_engine_new(&engine, NULL) < 0)
		abort();
	if (check_text(engine, (const char *)data, size, &res) < 0)
		return 0;
	if (res.n_findings > CHECK_MAX_FINDINGS || res.invalid_bytes > size)
		abort();
	for (size_t i = 0; i < res.n_findings; i++) {
		const struct check_finding *f = &res.findings[i];

		/* check.h: sorted by byte_start; spans inside the input. */
		if (f->byte_start < prev || f->byte_start > f->byte_end || f->byte_end > size ||
		    f->char_start > f->char_end || f->char_end > size ||
		    (f->severity != CHECK_WARN && f->severity != CHECK_BLOCK) ||
		    !memchr(f->fingerprint, '\0', sizeof f->fingerprint) || !f->rule || !f->message)
			abort();
		prev = f->byte_start;
	}
	if (res.n_findings > 0) {
		char fp[CHECK_FINGERPRINT_SIZE];

		memcpy(fp, res.findings[0].fingerprint, sizeof fp);
		if (check_result_accept(&res, fp) != 0 || !res.findings[0].accepted)
			abort();
	}
	check_result_clear(&res);
	return 0;
}
