/* The [email] section of mentord.conf: maildir (comma list, ~ expanded),
 * me (addresses in their canonical form), subjects; bad values are
 * file:line errors. */
#include "config/config.h"
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int parse(struct config *c, const char *text, char **err)
{
	*err = NULL;
	return config_parse(c, "test.conf", text, strlen(text), err);
}

static void test_good(void)
{
	struct config c;
	char *err;
	setenv("HOME", "/home/t", 1);
	ok(parse(&c, "", &err) == 0, "no [email]");
	is_int(c.email.n_maildirs, 0, "no maildir: the source is off");
	ok(c.email.subjects, "subjects default to yes");
	config_clear(&c);

	ok(parse(&c, "[email]\nmaildir = ~/Mail, /srv/mail/work/ ,\n"
	             "me = Trainee@Uni.EDU, <t.k@gmail.com>\nsubjects = no\n", &err) == 0, "a full [email] section");
	is_int(c.email.n_maildirs, 2, "two roots");
	is_str(c.email.n_maildirs > 0 ? c.email.maildirs[0] : NULL, "/home/t/Mail", "~ expanded");
	is_str(c.email.n_maildirs > 1 ? c.email.maildirs[1] : NULL, "/srv/mail/work", "trailing slash dropped");
	is_int(c.email.n_me, 2, "two addresses");
	is_str(c.email.n_me > 0 ? c.email.me[0] : NULL, "trainee@uni.edu", "lower-cased");
	is_str(c.email.n_me > 1 ? c.email.me[1] : NULL, "t.k@gmail.com", "brackets dropped");
	ok(!c.email.subjects, "subjects = no");
	config_clear(&c);

	ok(parse(&c, "[email]\nmaildir = /a\nmaildir =\n", &err) == 0, "an empty maildir turns the source off");
	is_int(c.email.n_maildirs, 0, "... no roots");
	config_clear(&c);
}

static void test_bad(void)
{
	static const struct { const char *text, *want; } cases[] = {
		{ "[email]\nmaildir = Mail\n", "test.conf:2: maildir: expected an absolute path or ~/..., got 'Mail'" },
		{ "[email]\n\nme = trainee\n", "test.conf:3: me: not an e-mail address: 'trainee'" },
		{ "[email]\nme = a@b.example, jane@localhost\n", "test.conf:2: me: not an e-mail address: 'jane@localhost'" },
		{ "[email]\nsubjects = maybe\n", "test.conf:2: subjects: expected yes or no, got 'maybe'" },
		{ "[email]\nbodies = yes\n", "test.conf:2: unknown key 'bodies' in [email] (maildir, me, subjects)" },
		{ "[mail]\n", "test.conf:1: unknown section [mail] (expected mentord, email, x, mastodon or bluesky)" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct config c;
		char *err = NULL;
		int r = parse(&c, cases[i].text, &err);
		ok(r < 0 && err && strncmp(err, cases[i].want, strlen(cases[i].want)) == 0, "refused: %s", cases[i].want);
		if (err && strncmp(err, cases[i].want, strlen(cases[i].want)) != 0)
			tap_diag("got: %s", err);
		if (r == 0)
			config_clear(&c);
		free(err);
	}
}

int main(void)
{
	test_good();
	test_bad();
	return tap_done();
}
