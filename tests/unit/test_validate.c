/* Unit tests for argument validation and normalisation. */
#include "base/validate.h"
#include "mentord-bus.h"
#include "tap.h"

#include <string.h>

static void handle_ok(const char *platform, const char *in, const char *want)
{
	char out[MENTORD_MAX_HANDLE + 1];
	const char *why = NULL;
	int r = validate_handle(platform, in, out, &why);
	ok(r == 0 && strcmp(out, want) == 0, "%s handle '%s' -> '%s'", platform, in, want);
	if (r != 0)
		tap_diag("  rejected: %s", why);
}

static void handle_bad(const char *platform, const char *in)
{
	char out[MENTORD_MAX_HANDLE + 1];
	const char *why = NULL;
	ok(validate_handle(platform, in, out, &why) < 0 && why, "%s handle '%.40s' refused", platform, in);
}

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

	ok(validate_platform("x") && validate_platform("mastodon") && validate_platform("bluesky"), "three platforms");
	ok(!validate_platform("X") && !validate_platform("") && !validate_platform("twitter"), "others refused");

	handle_ok("x", "@DrBob_1", "DrBob_1");
	handle_ok("x", "a", "a");
	handle_bad("x", "");
	handle_bad("x", "@");
	handle_bad("x", "sixteen_chars_xx");
	handle_bad("x", "dr.bob");
	handle_bad("x", "dr bob");
	handle_ok("mastodon", "@Alice@Med.Social", "Alice@med.social");
	handle_ok("mastodon", "alice", "alice");
	handle_ok("mastodon", "dr.alice-ng@mastodon.social", "dr.alice-ng@mastodon.social");
	handle_bad("mastodon", ".alice@x.org");
	handle_bad("mastodon", "alice@localhost");
	handle_bad("mastodon", "alice@bad_domain.org");
	handle_bad("mastodon", "alice@-x.org");
	handle_bad("mastodon", "alice@x.org/../../etc");
	handle_ok("bluesky", "Carol.BSKY.Social", "carol.bsky.social");
	handle_ok("bluesky", "@carol.example.com", "carol.example.com");
	handle_ok("bluesky", "did:plc:abcdefghijklmnopqrstuvwx", "did:plc:abcdefghijklmnopqrstuvwx");
	handle_ok("bluesky", "did:web:example.com", "did:web:example.com");
	handle_bad("bluesky", "carol");
	handle_bad("bluesky", "carol..bsky.social");
	handle_bad("bluesky", "carol.123");
	handle_bad("bluesky", "did:plc:ABCDEFGHIJKLMNOPQRSTUVWX");
	handle_bad("bluesky", "did:plc:short");
	handle_bad("bluesky", long_handle);
	handle_bad("myspace", "tom");

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
