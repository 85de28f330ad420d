/* Unit tests for common/channel: e-mail addresses and LinkedIn profile URLs
 * in their one canonical spelling, and clear refusals. */
#include "common/channel.h"
#include "tap.h"

#include <errno.h>
#include <string.h>

static void norm_ok(int (*fn)(const char *, char *, size_t, const char **), const char *in,
                    const char *want)
{
	char out[CHANNEL_HANDLE_MAX + 1];
	const char *why = NULL;
	int r = fn(in, out, sizeof out, &why);
	ok(r == 0 && strcmp(out, want) == 0, "'%s' -> '%s' (got %d '%s' %s)", in, want, r, out, why ? why : "");
}

static void norm_bad(int (*fn)(const char *, char *, size_t, const char **), const char *in,
                     const char *why_part)
{
	char out[CHANNEL_HANDLE_MAX + 1] = "x";
	const char *why = NULL;
	int r = fn(in, out, sizeof out, &why);
	ok(r == -EINVAL && out[0] == '\0' && why && strstr(why, why_part), "'%s' refused: %s", in ? in : "(null)",
	   why ? why : "(no reason)");
}

static void test_email(void)
{
	char long_local[80], long_addr[300];

	norm_ok(channel_email_norm, "Jane.Doe@Uni.EDU", "jane.doe@uni.edu");
	norm_ok(channel_email_norm, "  t.k+mentors@gmail.com\n", "t.k+mentors@gmail.com");
	norm_ok(channel_email_norm, "<a.rivera@hospital.org>", "a.rivera@hospital.org");
	norm_ok(channel_email_norm, "mailto:Osei@Med.Example.AC.UK", "osei@med.example.ac.uk");
	norm_ok(channel_email_norm, "o'brien@xn--mnchen-3ya.de", "o'brien@xn--mnchen-3ya.de");
	norm_bad(channel_email_norm, "jane.doe", "no '@'");
	norm_bad(channel_email_norm, "a@b@uni.edu", "more than one '@'");
	norm_bad(channel_email_norm, "@uni.edu", "nothing before");
	norm_bad(channel_email_norm, "jane@", "no domain");
	norm_bad(channel_email_norm, "jane@localhost", "no dot");
	norm_bad(channel_email_norm, "jane@uni..edu", "empty label");
	norm_bad(channel_email_norm, "jane@-uni.edu", "hyphen");
	norm_bad(channel_email_norm, "jane@10.0.0.1", "number");
	norm_bad(channel_email_norm, "jane..doe@uni.edu", "two dots");
	norm_bad(channel_email_norm, ".jane@uni.edu", "begins or ends with a dot");
	norm_bad(channel_email_norm, "\"jane doe\"@uni.edu", "cannot have");
	norm_bad(channel_email_norm, "jane doe@uni.edu", "cannot have");
	norm_bad(channel_email_norm, "jane@uni_x.edu", "domain name cannot have");
	norm_bad(channel_email_norm, "Jane Doe <jane@uni.edu>", "cannot have");
	norm_bad(channel_email_norm, "", "empty");
	norm_bad(channel_email_norm, "   ", "empty");
	norm_bad(channel_email_norm, NULL, "empty");
	memset(long_local, 'a', 65);
	strcpy(long_local + 65, "@uni.edu");
	norm_bad(channel_email_norm, long_local, "longer than 64");
	strcpy(long_addr, "a@");
	for (int i = 0; i < 25; i++)
		strcat(long_addr, "bbbbbbbbb.");   /* 2 + 250 + 3 = 255 bytes */
	strcat(long_addr, "edu");
	norm_bad(channel_email_norm, long_addr, "too long");
}

static void test_linkedin(void)
{
	norm_ok(channel_linkedin_norm, "https://www.linkedin.com/in/jane-doe-12ab", "https://www.linkedin.com/in/jane-doe-12ab");
	norm_ok(channel_linkedin_norm, "HTTPS://WWW.LinkedIn.com/in/Jane-Doe/", "https://www.linkedin.com/in/jane-doe");
	norm_ok(channel_linkedin_norm, "linkedin.com/in/janedoe?trk=people", "https://www.linkedin.com/in/janedoe");
	norm_ok(channel_linkedin_norm, "http://uk.linkedin.com/in/jane_doe/#about", "https://www.linkedin.com/in/jane_doe");
	norm_ok(channel_linkedin_norm, " https://www.linkedin.com/in/jos%C3%A9-p ", "https://www.linkedin.com/in/jos%c3%a9-p");
	norm_ok(channel_linkedin_norm, "https://de.linkedin.com/in/jürgen-m", "https://www.linkedin.com/in/jürgen-m");
	norm_bad(channel_linkedin_norm, "https://www.linkedin.com/company/acme", "not a profile URL");
	norm_bad(channel_linkedin_norm, "https://www.linkedin.com/in/", "no profile name");
	norm_bad(channel_linkedin_norm, "https://www.linkedin.com/in/jane/details/experience", "a path after");
	norm_bad(channel_linkedin_norm, "https://evil-linkedin.com/in/jane", "not a linkedin.com URL");
	norm_bad(channel_linkedin_norm, "https://linkedin.com.evil.org/in/jane", "not a linkedin.com URL");
	norm_bad(channel_linkedin_norm, "https://www.linkedin.com:8080/in/jane", "not a linkedin.com URL");
	norm_bad(channel_linkedin_norm, "ftp://www.linkedin.com/in/jane", "not an http(s) URL");
	norm_bad(channel_linkedin_norm, "https://www.linkedin.com/in/ja ne", "cannot have");
	norm_bad(channel_linkedin_norm, "https://www.linkedin.com/in/ja%zz", "%-escape");
	norm_bad(channel_linkedin_norm, "https://www.linkedin.com/in/ja\xff", "not UTF-8");
	norm_bad(channel_linkedin_norm, "jane@uni.edu", "not a linkedin.com URL");
	norm_bad(channel_linkedin_norm, "", "empty");
}

static void test_dispatch(void)
{
	char out[CHANNEL_HANDLE_MAX + 1];
	const char *why;
	ok(channel_is("email") && channel_is("linkedin"), "email and linkedin are channels");
	ok(!channel_is("x") && !channel_is("mastodon") && !channel_is("") && !channel_is(NULL),
	   "networks and nothing are not");
	ok(channel_norm("email", "A@B.org", out, sizeof out, &why) == 0 && strcmp(out, "a@b.org") == 0,
	   "channel_norm dispatches to e-mail");
	ok(channel_norm("linkedin", "linkedin.com/in/A", out, sizeof out, &why) == 0 &&
	   strcmp(out, "https://www.linkedin.com/in/a") == 0, "and to LinkedIn");
	ok(channel_norm("x", "jack", out, sizeof out, &why) == -ENOENT && !out[0], "-ENOENT for a network");
	ok(channel_email_norm("a@b.org", out, 4, &why) == -EINVAL, "a short buffer is refused");
}

int main(void)
{
	test_email();
	test_linkedin();
	test_dispatch();
	return tap_done();
}
