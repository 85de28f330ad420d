/* Unit tests for net/handle.c: handles as each network of the registry
 * checks and normalises them, and the registry's names. */
#include "net/net.h"
#include "mentord-bus.h"
#include "tap.h"

#include <string.h>

static void handle_ok(const char *platform, const char *in, const char *want)
{
	char out[MENTORD_MAX_HANDLE + 1];
	const char *why = NULL;
	int r = net_handle_normalize(platform, in, out, &why);
	ok(r == 0 && strcmp(out, want) == 0, "%s handle '%s' -> '%s'", platform, in, want);
	if (r != 0)
		tap_diag("  rejected: %s", why);
}

static void handle_bad(const char *platform, const char *in)
{
	char out[MENTORD_MAX_HANDLE + 1];
	const char *why = NULL;
	ok(net_handle_normalize(platform, in, out, &why) < 0 && why, "%s handle '%.40s' refused", platform, in);
}

int main(void)
{
	char long_handle[400], names[128];
	memset(long_handle, 'a', sizeof long_handle - 1);
	long_handle[sizeof long_handle - 1] = '\0';

	ok(net_platform_find("x") && net_platform_find("mastodon") && net_platform_find("bluesky"), "three platforms");
	ok(!net_platform_find("X") && !net_platform_find("") && !net_platform_find("twitter"), "others refused");
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
	handle_ok("mastodon", "user@localhost:3000", "user@localhost:3000");
	handle_ok("mastodon", "@User@Host.Example:8443", "User@host.example:8443");
	handle_ok("mastodon", "user@host.example:1", "user@host.example:1");
	handle_ok("mastodon", "user@host.example:65535", "user@host.example:65535");
	handle_bad("mastodon", "user@host.example:0");
	handle_bad("mastodon", "user@host.example:65536");
	handle_bad("mastodon", "user@host.example:");
	handle_bad("mastodon", "user@host.example:80a");
	handle_bad("mastodon", "user@host.example:-80");
	handle_bad("mastodon", "user@localhost");
	handle_bad("mastodon", "user@127.0.0.1:3000");
	handle_bad("mastodon", "user:3000");
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
	handle_bad("twitter", "drbob");
	net_platform_names(names, sizeof names);
	is_str(names, "x, mastodon or bluesky", "the registry's names for a message");
	is_int(net_platform_index("mastodon"), 1, "registry order");
	is_int(net_platform_index("myspace"), -1, "unknown network");
	return tap_done();
}
