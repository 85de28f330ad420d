/* main.c — options, then the daemon object does the rest. */
#include "app/mentord.h"
#include "base/log.h"
#include "store/store.h"

#include <curl/curl.h>
#include <gmime/gmime.h>
#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: mentord [OPTIONS]\n"
		"Polls followed accounts and hashtags on X, Mastodon and Bluesky, keeps an\n"
		"engagement ledger per prospective mentor, and serves it on the session bus.\n\n"
		"  -c, --config FILE  configuration (default $XDG_CONFIG_HOME/mentord/mentord.conf)\n"
		"  -d, --db FILE      database (default $XDG_STATE_HOME/mentord/mentord.db)\n"
		"  -v, --verbose      more logging (repeat for debug)\n"
		"      --version      print the version and exit\n"
		"  -h, --help         this help\n");
}

/* Tests move the daemon's clock (quiet hours, rate windows, long soaks)
 * without touching the system's. */
static int clock_offset_from_env(int64_t *out)
{
	const char *v = getenv("MENTORD_CLOCK_OFFSET");
	char *end;
	long long x;
	if (!v || !*v)
		return 0;
	errno = 0;
	x = strtoll(v, &end, 10);
	if (errno || *end) {
		fprintf(stderr, "mentord: MENTORD_CLOCK_OFFSET must be a number of seconds\n");
		return -EINVAL;
	}
	*out = x;
	return 0;
}

/* Soak tests make simulated hours pass in seconds: the clock runs `scale`
 * times faster from the real instant `anchor` (epoch seconds, fractions
 * allowed), which the fake API server is given too. */
static int clock_scale_from_env(int64_t *scale, int64_t *anchor_usec)
{
	const char *v = getenv("MENTORD_CLOCK_SCALE"), *a = getenv("MENTORD_CLOCK_ANCHOR");
	char *end;
	long long x;
	double d;
	if (!v || !*v)
		return 0;
	errno = 0;
	x = strtoll(v, &end, 10);
	if (errno || *end || x < 1 || x > 1000000) {
		fprintf(stderr, "mentord: MENTORD_CLOCK_SCALE must be a whole number from 1 to 1000000\n");
		return -EINVAL;
	}
	*scale = x;
	if (!a || !*a)
		return 0;
	errno = 0;
	d = strtod(a, &end);
	if (errno || *end || d <= 0) {
		fprintf(stderr, "mentord: MENTORD_CLOCK_ANCHOR must be epoch seconds\n");
		return -EINVAL;
	}
	*anchor_usec = (int64_t)(d * 1e6);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "db", required_argument, NULL, 'd' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct mentord_options opt = { 0 };
	struct mentord m;
	int c, verbosity = 0, r;

	while ((c = getopt_long(argc, argv, "c:d:vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': opt.config_path = optarg; break;
		case 'd': opt.db_path = optarg; break;
		case 'v': verbosity++; break;
		case 'V': printf("mentord %s\n", MENTORD_VERSION); return 0;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "mentord: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 2;
	}
	log_set_max_level(verbosity > 0 ? LOG_DEBUG : LOG_INFO);
#ifdef M_MMAP_THRESHOLD
	/* An oversized answer is buffered up to the HTTP layer's 8 MiB cap.
	 * glibc raises its mmap threshold after the first such buffer is
	 * freed, so later ones land on the heap and stay resident: the soak
	 * test saw RSS climb 2-8 MB per garbage answer. A fixed threshold
	 * keeps big buffers mmapped, so they go back to the system. */
	mallopt(M_MMAP_THRESHOLD, 256 * 1024);
#endif
	if (clock_offset_from_env(&opt.clock_offset) < 0 ||
	    clock_scale_from_env(&opt.clock_scale, &opt.clock_anchor_usec) < 0)
		return 2;
	if (store_global_init() < 0)
		return 1;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		log_err("cannot initialise libcurl");
		return 1;
	}
	/* GMime (the e-mail source's header parsing): once, like curl. */
	g_mime_init();
	if ((r = mentord_init(&m, &opt)) < 0) {
		g_mime_shutdown();
		curl_global_cleanup();
		return 1;
	}
	r = mentord_run(&m);
	mentord_finish(&m);
	g_mime_shutdown();
	curl_global_cleanup();
	log_info("mentord stopped");
	return r;
}
