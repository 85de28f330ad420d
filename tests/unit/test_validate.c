/* Unit tests for argument validation and normalisation. */
#include "base/validate.h"
#include "mentord-bus.h"
#include "tap.h"

#include <string.h>

static void tag_ok(const char *in, const char *want)
{
	char out[MENTORD_MAX_TAG + 1];
	const char *why;
	ok(validate_tag(in, out, &why) == 0 && strcmp(out, want) == 0, "tag '%s' -> '%s'", in, want);
}

static void tag_bad(const char *in)
{
	char out[MENTORD_MAX_TAG + 1];
	const char *why = NULL;
	ok(validate_tag(in, out, &why) < 0 && why, "tag '%.40s' refused", in);
}

int main(void)
{
	char long_handle[400];
	memset(long_handle, 'a', sizeof long_handle - 1);
	long_handle[sizeof long_handle - 1] = '\0';

	tag_ok("#MedEd", "meded");
	tag_ok("MedTwitter", "medtwitter");
	tag_ok("covid_19", "covid_19");
	tag_ok("#Médecine", "médecine");
	tag_bad("");
	tag_bad("#");
	tag_bad("##meded");
	tag_bad("med ed");
	tag_bad("2024");
	tag_bad("med-ed");
	tag_bad("\xc3\x28");
	tag_bad(long_handle);

	const char *why;
	ok(validate_name("Dr Alice Ng, MD", &why) == 0, "ordinary name accepted");
	ok(validate_name("", &why) == 0, "empty name accepted (means: use the handle)");
	ok(validate_name("Émile Zoë 医生", &why) == 0, "UTF-8 name accepted");
	ok(validate_name("two\nlines", &why) < 0, "newline refused");
	ok(validate_name("bell\a", &why) < 0, "control character refused");
	ok(validate_name(long_handle, &why) < 0, "over-long name refused");
	return tap_done();
}
