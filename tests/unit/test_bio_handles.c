/* Unit tests for reading other accounts' handles out of profile texts. */
#include "mentors/bio_handles.h"
#include "tap.h"

#include <string.h>

static bool has(const struct bio_handle *r, size_t n, const char *platform, const char *handle)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(r[i].platform, platform) == 0 && strcmp(r[i].handle, handle) == 0)
			return true;
	return false;
}

int main(void)
{
	struct bio_handle r[8];
	size_t n;

	n = bio_handles_find("Cardiologist. Also on Bluesky: @alice.bsky.social and Mastodon "
	                   "@alice@med.social (views my own).", r, 8);
	is_int(n, 2, "two handles in a typical bio");
	ok(has(r, n, "bluesky", "alice.bsky.social"), "bluesky @handle with dots");
	ok(has(r, n, "mastodon", "alice@med.social"), "mastodon @user@instance");

	n = bio_handles_find("Links: https://x.com/DrAlice, https://bsky.app/profile/alice.example.org "
	                   "https://med.social/@alice twitter.com/alice_md", r, 8);
	ok(has(r, n, "x", "DrAlice"), "x.com URL, trailing comma dropped");
	ok(has(r, n, "bluesky", "alice.example.org"), "bsky.app profile URL");
	ok(has(r, n, "mastodon", "alice@med.social"), "instance profile URL becomes user@instance");
	ok(has(r, n, "x", "alice_md"), "twitter.com without scheme");

	n = bio_handles_find("Email me at alice@hospital.org. #MedEd @ACCinTouch 2.5 years in", r, 8);
	is_int(n, 0, "e-mail addresses, tags, bare @names and numbers are not handles");
	n = bio_handles_find("@alice.bsky.social @alice.bsky.social @ALICE.bsky.social", r, 8);
	is_int(n, 1, "duplicates collapse (case-insensitively)");
	n = bio_handles_find("", r, 8);
	is_int(n, 0, "empty bio");
	n = bio_handles_find("@a.bsky.social @b.bsky.social @c.bsky.social", r, 2);
	is_int(n, 2, "at most max references");
	n = bio_handles_find("https://x.com/this_handle_is_far_too_long_for_x", r, 8);
	is_int(n, 0, "an invalid X handle is dropped");
	return tap_done();
}
