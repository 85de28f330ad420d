/* login_cmd.c — `mentorctl login NETWORK ...` and `logout`: the network's
 * file (login_mastodon.c, login_bluesky.c, login_x.c) does the work. */
#include "login.h"
#include "common/macros.h"

#include <string.h>

static const char login_usage[] =
	"mastodon INSTANCE [--no-browser] | bluesky HANDLE [--pds URL] [--password-stdin] | "
	"x [--user --client-id ID [--no-browser]]";

int ctl_login(struct ctl *ctl, int argc, char **argv)
{
	static const struct { const char *net; int (*run)(struct login *, int, char **); } nets[] = {
		{ "mastodon", login_mastodon }, { "bluesky", login_bluesky }, { "x", login_x },
	};
	struct login l;
	const char *config = NULL;
	int r;

	if (argc < 2)
		return ctl_usage_error("login", "which network? usage: login %s", login_usage);
	/* --config FILE anywhere after the network; the rest is the network's */
	for (int i = 2; i + 1 < argc; i++)
		if (strcmp(argv[i], "--config") == 0) {
			config = argv[i + 1];
			memmove(&argv[i], &argv[i + 2], (size_t)(argc - i - 2) * sizeof *argv);
			argc -= 2;
			break;
		}
	for (size_t i = 0; i < ARRAY_SIZE(nets); i++) {
		if (strcmp(argv[1], nets[i].net) != 0)
			continue;
		if ((r = login_init(&l, ctl, nets[i].net, config)) == 0)
			r = nets[i].run(&l, argc - 1, argv + 1);
		login_finish(&l);
		return r;
	}
	return ctl_usage_error("login", "unknown network '%s' (mastodon, bluesky or x)", argv[1]);
}

int ctl_logout(struct ctl *ctl, int argc, char **argv)
{
	struct login l;
	const char *config = NULL;
	int r;

	if (argc == 4 && strcmp(argv[2], "--config") == 0)
		config = argv[3];
	else if (argc != 2)
		return ctl_usage_error("logout", "usage: logout mastodon [--config FILE]");
	if (strcmp(argv[1], "mastodon") != 0)
		return ctl_usage_error("logout", "only mastodon has a logout (for %s, remove its secret file)", argv[1]);
	if ((r = login_init(&l, ctl, "mastodon", config)) == 0)
		r = logout_mastodon(&l, argc - 1, argv + 1);
	login_finish(&l);
	return r;
}
