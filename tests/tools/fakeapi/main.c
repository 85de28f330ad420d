/* main.c — the process: options, the listening socket, connection
 * bookkeeping and the dispatcher that sends /_fake/ to control.c and every
 * other path to the route of the network whose prefix it carries. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/bufferevent.h>
#include <event2/event.h>

#include "fakeapi.h"

/* --- connections --- */

struct conn {
	struct conn *next;
	struct evhttp_connection *evcon;
	/* per bucket: the latest reset a 429 sent on this connection announced
	 * (epoch s). HTTP/1.1 clients send one request at a time on a
	 * connection, so a later request on it was sent after that 429 was read. */
	int64_t told_s[MAX_BUCKETS];
};

static size_t conn_slot(const struct evhttp_connection *c)
{
	return (size_t)(((uintptr_t)c >> 4) % CONN_BUCKETS);
}

static struct conn *conn_find(struct fake *f, const struct evhttp_connection *evcon)
{
	for (struct conn *c = evcon ? f->conns[conn_slot(evcon)] : NULL; c; c = c->next)
		if (c->evcon == evcon)
			return c;
	return NULL;
}

int64_t *main_conn_told(struct fake *f, struct evhttp_request *req)
{
	struct conn *c = conn_find(f, evhttp_request_get_connection(req));

	return c ? c->told_s : NULL;
}

static void on_conn_close(struct evhttp_connection *evcon, void *arg)
{
	struct fake *f = arg;

	for (struct conn **pp = &f->conns[conn_slot(evcon)]; *pp; pp = &(*pp)->next)
		if ((*pp)->evcon == evcon) {
			struct conn *c = *pp;
			*pp = c->next;
			free(c);
			f->st.conns_open--;
			break;
		}
	deliver_conn_closed(f, evcon);
}

/* First request on a connection: count it and disable Nagle. evhttp 2.1 has
 * no accept hook; without TCP_NODELAY every keep-alive response after the
 * first waits ~40 ms for the client's delayed ACK. */
static void conn_seen(struct fake *f, struct evhttp_request *req)
{
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);
	struct bufferevent *bev;
	struct conn *c;
	int one = 1;

	if (!evcon || conn_find(f, evcon))
		return;
	c = util_malloc(sizeof *c);
	memset(c, 0, sizeof *c);
	c->evcon = evcon;
	c->next = f->conns[conn_slot(evcon)];
	f->conns[conn_slot(evcon)] = c;
	if (++f->st.conns_open > f->st.conns_max)
		f->st.conns_max = f->st.conns_open;
	f->st.conns_total++;
	bev = evhttp_connection_get_bufferevent(evcon);
	if (bev)
		setsockopt(bufferevent_getfd(bev), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	evhttp_connection_set_closecb(evcon, on_conn_close, f);
}

static void conns_free(struct fake *f)
{
	for (size_t i = 0; i < CONN_BUCKETS; i++)
		while (f->conns[i]) {
			struct conn *c = f->conns[i];
			f->conns[i] = c->next;
			free(c);
		}
}

/* --- dispatch --- */

/* Matches path against pat; on success *arg is the decoded "*" segment
 * (malloc'd) or NULL. */
static bool route_match(const char *pat, const char *path, char **arg)
{
	*arg = NULL;
	while (*pat && *path) {
		if (*pat == '*') {
			size_t n = strcspn(path, "/");
			if (n == 0)
				return false;
			char *seg = util_malloc(n + 1);
			memcpy(seg, path, n);
			seg[n] = '\0';
			free(*arg);
			*arg = evhttp_uridecode(seg, 0, NULL);
			free(seg);
			path += n;
			pat++;
		} else if (*pat++ != *path++) {
			free(*arg);
			*arg = NULL;
			return false;
		}
	}
	if (*pat || *path) {
		free(*arg);
		*arg = NULL;
		return false;
	}
	return true;
}

static void not_found(struct rq *r)
{
	const struct fake_net *net = net_get(r->net);

	if (net && net->not_found)
		net->not_found(r);
	else
		rq_error(r, 404);
}

static void serve_api(struct rq *r)
{
	struct fake *f = r->f;
	const struct fake_net *net;
	const struct fake_route *rt = NULL;
	char *arg = NULL;
	int method = evhttp_request_get_command(r->req);

	r->net = net_of_path(r->path);
	r->ep = net_unknown_endpoint();
	if ((net = net_get(r->net)))      /* routes never match outside their network's prefix */
		for (size_t i = 0; i < net->nroutes; i++)
			if (net->routes[i].method == method && route_match(net->routes[i].pat, r->path, &arg)) {
				rt = &net->routes[i];
				r->ep = net_endpoint(r->net, rt->ep);
				break;
			}
	r->view = net && net->route ? net->route(r) : 0;
	r->rc.view = r->view;
	f->st.requests++;
	f->st.by_ep[r->ep]++;
	f->st.by_net[r->net]++;
	r->rc.net = r->net;
	limits_arrival(r);
	if ((r->rule = script_take(f, r))) {
		f->st.scripted++;
		if (script_replace(r, r->rule)) {
			free(arg);
			return;
		}
		script_modify(r, r->rule);
	}
	if (oauth_serve(r))
		;
	else if (rt)
		rt->fn(r, arg);
	else
		not_found(r);
	free(arg);
	if (r->rule)
		script_add_headers(r, r->rule);
	deliver_respond(r);
}

static void on_request(struct evhttp_request *req, void *arg)
{
	struct fake *f = arg;
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	const char *path = uri ? evhttp_uri_get_path(uri) : NULL, *query = uri ? evhttp_uri_get_query(uri) : NULL;
	struct rq r = { .f = f, .req = req, .net = NNET, .ep = net_unknown_endpoint(), .status = 200 };

	conn_seen(f, req);
	if (++f->st.inflight > f->st.inflight_max)
		f->st.inflight_max = f->st.inflight;
	TAILQ_INIT(&r.q);
	if (query && evhttp_parse_query_str(query, &r.q) < 0)
		evhttp_clear_headers(&r.q);
	snprintf(r.path, sizeof r.path, "%s", path && *path ? path : "/");
	r.now = clock_now(f);
	r.rc = (struct rctx){ .f = f, .net = NNET, .now = r.now };
	rq_json(&r, 200);
	if (strncmp(r.path, "/_fake/", 7) == 0) {
		control_serve(&r);
		deliver_respond(&r);
	} else {
		serve_api(&r);
	}
	evhttp_clear_headers(&r.q);
	buf_free(&r.body);
}

/* --- options and main --- */

static void usage(FILE *out)
{
	fputs(
"usage: fakeapi [options]\n"
"Fake X API v2, Mastodon and Bluesky server on 127.0.0.1 (one port for all three).\n"
"Prints PORT=<n> on stdout once listening.\n"
"\n"
"Server:\n"
"  --port N               port to bind on 127.0.0.1 (default 0: any free port)\n"
"  --port-file FILE       also write the port number to FILE (atomically)\n"
"  --script FILE          JSON rules (array) to load at start, as for POST /_fake/script\n"
"  --gzip                 gzip-encode answers when the client accepts gzip\n"
"  --hang-max MS          close hung requests after MS (default: never)\n"
"  -v, --verbose          log each request to stderr\n"
"Scenario (deterministic for a given seed and end time):\n"
"  --seed N               (default 1)\n"
"  --accounts N           doc1..docN per network (default 20, max 65535)\n"
"  --orgs N               the last N of them are journals, societies... (follows.c)\n"
"  --posts N              posts per account (default 50)\n"
"  --my-posts N           posts of \"me\" (default: --posts)\n"
"  --heavy NAME=COUNT     COUNT posts for one account (me, docN) on every network, over the\n"
"                         same span (repeatable), e.g. --heavy doc2=3000\n"
"  --engaged K            doc1..docK interact with me (default 5)\n"
"  --follows SPEC         me follows these accounts on X, Mastodon and Bluesky, e.g. 1-4000,4500\n"
"                         (home timelines, relationships, viewer.following; feed.c)\n"
"  --home-window N        entries a home timeline serves (default 800)\n"
"  --tags a,b,c           hashtags used by generated posts (default meded,cardiology,healthequity)\n"
"  --span-days D          posts spread over D days (default 30)\n"
"  --span-hours H         ... or over H hours\n"
"  --end-time T           time of the newest generated post, epoch seconds or ISO 8601\n"
"                         (default: start-up time)\n"
"Clock (rate windows, visibility of posts, token expiry use the fake clock):\n"
"  --now T                start with the clock frozen at T\n"
"  --clock-file FILE      FILE holds the frozen time (epoch seconds or ISO); re-read on change\n"
"  --clock-scale S        the clock runs S times faster, from --now at the real instant\n"
"  --clock-anchor R       R (epoch seconds, fractions allowed; default: start-up)\n"
"Auth and limits:\n"
"  --x-token S            expected X bearer token (default fake-x-token)\n"
"  --mastodon-token S     Mastodon user token (default fake-mastodon-token)\n"
"  --bsky-password S      app password of me.bsky.social (default fake-app-password)\n"
"  --bsky-access-ttl S    access JWT lifetime in seconds (default 7200)\n"
"  --rate NAME=LIMIT[/WINDOW]  set a rate bucket: x.users_tweets, x.users_mentions,\n"
"                         x.search_recent, x.users, x.tweets, mastodon.api, mastodon.paging,\n"
"                         bluesky.api, bluesky.createSession (per-instance buckets: NAME@HOST;\n"
"                         the plain name sets every instance's)\n", out);
	for (int n = 0; n < NNET; n++)
		if (net_list[n]->usage)
			fputs(net_list[n]->usage, out);
	fputs("\n"
"Endpoints: X /2/users/by/username/:u, /2/users/by?usernames=, /2/users/:id,\n"
"  /2/users/:id/tweets, /2/users/:id/mentions, /2/tweets/search/recent, /2/tweets?ids=;\n"
"  Mastodon /api/v1/accounts/lookup, /api/v1/accounts/:id[/statuses], /api/v1/timelines/tag/:tag,\n"
"  /api/v1/notifications, /api/v1/statuses/:id; Bluesky /xrpc/ com.atproto.identity.resolveHandle,\n"
"  app.bsky.actor.getProfile(s), app.bsky.feed.getAuthorFeed, app.bsky.feed.searchPosts,\n"
"  app.bsky.notification.listNotifications, app.bsky.notification.updateSeen (POST),\n"
"  com.atproto.server.createSession (POST), com.atproto.server.refreshSession (POST).\n"
"\n"
"Control API:\n"
"  GET  /_fake/health              {\"ok\":true}\n"
"  GET  /_fake/scenario            parameters, auth values, ids of me and engaged accounts\n"
"  GET  /_fake/account?name=doc3   ids and visible post counts of one account\n"
"  GET  /_fake/posts[?name=doc3]   visible posts, one TSV line each: net, account id, key, order, ms, tags\n"
"  GET  /_fake/stats               counters: requests per endpoint and network, statuses,\n"
"                                  429s, max connections, max in-flight, rate buckets\n"
"  POST /_fake/stats/reset\n"
"  POST /_fake/script              add rule(s): {\"path\":\"/2/users/\",\"action\":\"429\",\"count\":2}\n"
"       keys: path (prefix, required), action (required), method, count (default 1, -1 forever),\n"
"       skip, code, ms, bytes, interval_ms, reset_in, variant, body, file (body from a file),\n"
"       content_type, headers ({\"Name\":\"value\"}, added to the answer), host (only requests\n"
"       to that Host, or to that Mastodon instance), hold (429: the bucket stays closed until\n"
"       the announced reset)\n"
"       actions: status (code, network error JSON) | 429 (network's headers; reset_in)\n"
"                | html (code) | raw (code, content_type, body) | expired_token\n"
"                | hang (never answer; ms: close after) | drop (close, no answer)\n"
"                | big (chunked body of bytes, default 16 MiB) | delay (ms, then answer)\n"
"                | trickle (bytes every interval_ms) | truncate (bytes, default half)\n"
"                | cut (Content-Length promised, half sent, connection closed) | gzip\n"
"                | wrong_types (variant ids|nulls|container|all) | duplicate | out_of_order\n"
"  GET  /_fake/script              active rules;  DELETE /_fake/script or POST /_fake/script/clear\n"
"  POST /_fake/add_posts           {\"network\":\"all\",\"account\":\"doc3\",\"count\":1,\"kind\":\"post\",\n"
"                                   \"target\":\"doc5\",\"text\":\"...\",\"tags\":[\"meded\"]}\n"
"       kinds: post reply reply_me mention mention_me quote quote_me repost repost_me\n"
"              like_me follow_me (the last two only create notifications)\n"
"  GET|POST /_fake/clock           {\"now\":EPOCH|ISO} freeze, {\"advance\":S}, {\"offset\":S}, {\"real\":true}\n"
"  POST /_fake/rate                {\"bucket\":\"x.users_tweets\",\"limit\":N,\"window\":S,\"remaining\":N,\"reset\":true}\n"
"  POST /_fake/expire_tokens       Bluesky access tokens expire now (refresh tokens stay valid)\n"
"  GET  /_fake/instances           Mastodon instances: names, who lives where, flags, counters\n"
"  POST /_fake/quit\n"
"See docs/FAKEAPI.md.\n", out);
}

/* --rate NAME=LIMIT[/WINDOW]: checked when read, applied once the buckets
 * exist (they depend on other options, e.g. Mastodon instances) */
#define MAX_RATE_ARGS 64
static const char *rate_args[MAX_RATE_ARGS];
static int nrate_args;

static int split_rate_arg(const char *s, char name[160], long *limit, long *window)
{
	const char *eq = strchr(s, '=');

	*window = 0;
	if (!eq || eq == s || (size_t)(eq - s) >= 160)
		return -1;
	snprintf(name, 160, "%.*s", (int)(eq - s), s);
	if (sscanf(eq + 1, "%ld/%ld", limit, window) < 1 || *limit < 0)
		return -1;
	return 0;
}

static int apply_rate_args(struct fake *f)
{
	for (int i = 0; i < nrate_args; i++) {
		char name[160];
		long limit, window;
		struct bucket *bs[MAX_BUCKETS];
		int nb;

		if (split_rate_arg(rate_args[i], name, &limit, &window) < 0 ||
		    !(nb = limits_select(f, name, bs, MAX_BUCKETS))) {
			fprintf(stderr, "fakeapi: bad value for option --rate: %s (unknown bucket?)\n", rate_args[i]);
			return -1;
		}
		for (int k = 0; k < nb; k++) {
			bs[k]->limit = bs[k]->remaining = limit;
			if (window > 0)
				bs[k]->window_s = window;
		}
	}
	return 0;
}

/* NAME=COUNT: the account (me, docN) gets COUNT posts instead of --posts */
static int parse_heavy_arg(struct fake *f, const char *s)
{
	char name[64];
	const char *eq = strchr(s, '=');
	uint32_t a;
	long n;

	if (!eq || (size_t)(eq - s) >= sizeof name)
		return -1;
	snprintf(name, sizeof name, "%.*s", (int)(eq - s), s);
	if (!world_acct_by_name(f, name, &a) || strchr(name, '@') || strchr(name, '.') ||
	    !util_parse_long(eq + 1, &n) || n < 0 || n > 1000000)
		return -1;
	for (int i = 0; i < f->nheavy; i++)
		if (f->heavy[i].a == a) {
			f->heavy[i].n = (uint32_t)n;
			return 0;
		}
	f->heavy[f->nheavy].a = a;
	f->heavy[f->nheavy++].n = (uint32_t)n;
	return 0;
}

static int parse_args(struct fake *f, int argc, char **argv)
{
	enum { O_PORT = 256, O_PORTFILE, O_SCRIPT, O_GZIP, O_HANG, O_SEED, O_ACC, O_ORGS, O_POSTS, O_MY, O_ENG, O_TAGS,
	       O_SPAN, O_END, O_NOW, O_CLOCK, O_XT, O_MT, O_BP, O_TTL, O_RATE, O_SCALE, O_ANCHOR, O_SPANH, O_HEAVY, O_FOLLOWS, O_HOMEWIN,
	       O_NET = 1000 };
	static const struct option core_opts[] = {
		{ "port", 1, 0, O_PORT }, { "port-file", 1, 0, O_PORTFILE }, { "script", 1, 0, O_SCRIPT },
		{ "gzip", 0, 0, O_GZIP }, { "hang-max", 1, 0, O_HANG }, { "verbose", 0, 0, 'v' },
		{ "help", 0, 0, 'h' }, { "seed", 1, 0, O_SEED }, { "accounts", 1, 0, O_ACC }, { "orgs", 1, 0, O_ORGS },
		{ "posts", 1, 0, O_POSTS }, { "my-posts", 1, 0, O_MY }, { "engaged", 1, 0, O_ENG },
		{ "tags", 1, 0, O_TAGS }, { "span-days", 1, 0, O_SPAN }, { "end-time", 1, 0, O_END },
		{ "now", 1, 0, O_NOW }, { "clock-file", 1, 0, O_CLOCK }, { "x-token", 1, 0, O_XT },
		{ "mastodon-token", 1, 0, O_MT }, { "bsky-password", 1, 0, O_BP }, { "bsky-access-ttl", 1, 0, O_TTL },
		{ "rate", 1, 0, O_RATE }, { "clock-scale", 1, 0, O_SCALE }, { "clock-anchor", 1, 0, O_ANCHOR },
		{ "span-hours", 1, 0, O_SPANH }, { "heavy", 1, 0, O_HEAVY },
		{ "follows", 1, 0, O_FOLLOWS }, { "home-window", 1, 0, O_HOMEWIN },
		{ 0, 0, 0, 0 },
	};
	struct option opts[128];
	size_t nopts = 0;
	int li = 0;
	const char *tags = "meded,cardiology,healthequity";
	const char *heavy[MAX_HEAVY];
	int nheavy = 0;
	long my_posts = -1, engaged = 5, span_days = 30, span_hours = 0, v;
	bool end_set = false;
	double anchor = 0;
	int c;

	/* the core's options, then each network's own (values from O_NET on) */
	while (core_opts[nopts].name)
		opts[nopts] = core_opts[nopts], nopts++;
	for (int n = 0; n < NNET; n++)
		for (size_t i = 0; i < net_list[n]->noptions && nopts < 127; i++)
			opts[nopts++] = (struct option){ net_list[n]->options[i].name, 1, 0, O_NET + n * 64 + (int)i };
	opts[nopts] = (struct option){ 0, 0, 0, 0 };
	while ((c = getopt_long(argc, argv, "vh", opts, &li)) != -1) {
		bool okv = true;
		switch (c) {
		case O_PORT: okv = util_parse_long(optarg, &v) && v >= 0 && v < 65536; f->port = (int)v; break;
		case O_PORTFILE: f->port_file = optarg; break;
		case O_SCRIPT: f->script_file = optarg; break;
		case O_GZIP: f->gzip = true; break;
		case O_HANG: okv = util_parse_long(optarg, &f->hang_max_ms); break;
		case 'v': f->verbose = true; break;
		case 'h': usage(stdout); exit(0);
		case O_SEED: okv = util_parse_u64(optarg, &f->seed); break;
		case O_ACC: okv = util_parse_long(optarg, &v) && v >= 0 && v <= 65535; f->naccounts = (uint32_t)v; break;
		case O_ORGS: okv = util_parse_long(optarg, &v) && v >= 0 && v <= 65535; f->norgs = (uint32_t)v; break;
		case O_POSTS: okv = util_parse_long(optarg, &v) && v >= 0 && v <= 1000000; f->nposts = (uint32_t)v; break;
		case O_MY: okv = util_parse_long(optarg, &my_posts) && my_posts >= 0 && my_posts <= 1000000; break;
		case O_ENG: okv = util_parse_long(optarg, &engaged) && engaged >= 0; break;
		case O_TAGS: tags = optarg; break;
		case O_SPAN: okv = util_parse_long(optarg, &span_days) && span_days > 0 && span_days < 3650; break;
		case O_HEAVY: okv = nheavy < MAX_HEAVY; heavy[nheavy++] = optarg; break;
		case O_FOLLOWS: okv = feed_option(f, "follows", optarg) == 0; break;
		case O_HOMEWIN: okv = feed_option(f, "home-window", optarg) == 0; break;
		case O_SPANH: okv = util_parse_long(optarg, &span_hours) && span_hours > 0 && span_hours < 87600; break;
		case O_END: okv = clock_parse_arg(optarg, &f->end_ms); end_set = true; break;
		case O_NOW: okv = clock_parse_arg(optarg, &f->frozen_ms); f->frozen = true; break;
		case O_CLOCK: f->clock_file = optarg; break;
		case O_XT: f->x_token = optarg; break;
		case O_MT: f->m_token = optarg; break;
		case O_BP: f->b_password = optarg; break;
		case O_TTL: okv = util_parse_long(optarg, &f->b_access_ttl_s) && f->b_access_ttl_s > 0; break;
		case O_RATE: {
			char name[160];
			long lim, win;
			okv = nrate_args < MAX_RATE_ARGS && split_rate_arg(optarg, name, &lim, &win) == 0;
			if (okv)
				rate_args[nrate_args++] = optarg;
			break;
		}
		case O_SCALE: okv = util_parse_long(optarg, &v) && v >= 1 && v <= 1000000; f->scale = v; break;
		case O_ANCHOR: {
			char *end;
			anchor = strtod(optarg, &end);
			okv = end != optarg && !*end && anchor > 0;
			break;
		}
		default:
			if (c >= O_NET && c < O_NET + NNET * 64) {
				const struct fake_net *net = net_list[(c - O_NET) / 64];
				okv = net->options[(c - O_NET) % 64].set(f, optarg) == 0;
				break;
			}
			usage(stderr);
			return -1;
		}
		if (!okv) {
			fprintf(stderr, "fakeapi: bad value for option --%s: %s\n", opts[li].name, optarg);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "fakeapi: unexpected argument %s\n", argv[optind]);
		return -1;
	}
	if (f->scale > 1) {
		/* The fast clock starts at --now (default: the real time) at the
		 * real instant --clock-anchor (default: now), as mentord's
		 * MENTORD_CLOCK_SCALE/ANCHOR do, so both agree on "now". */
		f->anchor_real_us = anchor > 0 ? (int64_t)(anchor * 1e6) : clock_real_us();
		f->scale_base_ms = f->frozen ? f->frozen_ms : f->anchor_real_us / 1000;
		f->frozen = false;
	}
	f->nmyposts = my_posts >= 0 ? (uint32_t)my_posts : f->nposts;
	for (int i = 0; i < nheavy; i++)
		if (parse_heavy_arg(f, heavy[i]) < 0) {
			fprintf(stderr, "fakeapi: bad value for option --heavy: %s (want NAME=COUNT, NAME me or doc1..doc%u)\n",
				heavy[i], f->naccounts);
			return -1;
		}
	f->nengaged = (uint32_t)(engaged > (long)f->naccounts ? (long)f->naccounts : engaged);
	f->span_ms = span_hours ? span_hours * 3600000 : span_days * DAY_MS;
	if (!end_set)
		f->end_ms = clock_now(f) / 1000 * 1000;
	for (const char *p = tags; *p; ) {
		size_t n = strcspn(p, ",");
		char t[64];
		snprintf(t, sizeof t, "%.*s", (int)(n < 63 ? n : 63), *p == '#' ? p + 1 : p);
		if (*t)
			index_tag_add(f, t);
		p += n + (p[n] == ',');
	}
	f->ntags_gen = f->ntags;
	return 0;
}

static int load_script_file(struct fake *f)
{
	char *text = util_read_file(f->script_file), err[160];
	cJSON *j;
	int r;

	if (!text) {
		fprintf(stderr, "fakeapi: %s: %s\n", f->script_file, strerror(errno));
		return -1;
	}
	j = cJSON_Parse(text);
	free(text);
	r = j ? script_add_json(f, j, err, sizeof err) : -1;
	if (r < 0)
		fprintf(stderr, "fakeapi: %s: %s\n", f->script_file, j ? err : "not JSON");
	cJSON_Delete(j);
	return r < 0 ? -1 : 0;
}

static int write_port_file(const char *path, int port)
{
	char tmp[4096];
	FILE *fp;

	snprintf(tmp, sizeof tmp, "%s.tmp.%d", path, (int)getpid());
	if (!(fp = fopen(tmp, "w")))
		return -1;
	fprintf(fp, "%d\n", port);
	if (fclose(fp) != 0 || rename(tmp, path) != 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
	event_base_loopexit(arg, NULL);
}

static int serve(struct fake *f)
{
	struct evhttp_bound_socket *bs;
	struct sockaddr_in sa;
	socklen_t len = sizeof sa;
	struct event *sigint, *sigterm;
	int one = 1;

	f->http = evhttp_new(f->base);
	if (!f->http)
		return -1;
	evhttp_set_allowed_methods(f->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_DELETE);
	evhttp_set_max_body_size(f->http, 1 << 20);
	evhttp_set_gencb(f->http, on_request, f);
	bs = evhttp_bind_socket_with_handle(f->http, "127.0.0.1", (ev_uint16_t)f->port);
	if (!bs) {
		fprintf(stderr, "fakeapi: cannot bind 127.0.0.1:%d\n", f->port);
		return -1;
	}
	/* accepted sockets inherit it on Linux; conn_seen() sets it again anyway */
	setsockopt(evhttp_bound_socket_get_fd(bs), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	getsockname(evhttp_bound_socket_get_fd(bs), (struct sockaddr *)&sa, &len);
	f->port = ntohs(sa.sin_port);
	snprintf(f->base_url, sizeof f->base_url, "http://127.0.0.1:%d", f->port);
	if (f->port_file && write_port_file(f->port_file, f->port) < 0) {
		fprintf(stderr, "fakeapi: cannot write %s: %s\n", f->port_file, strerror(errno));
		return -1;
	}
	printf("PORT=%d\n", f->port);
	fflush(stdout);
	sigint = evsignal_new(f->base, SIGINT, on_signal, f->base);
	sigterm = evsignal_new(f->base, SIGTERM, on_signal, f->base);
	event_add(sigint, NULL);
	event_add(sigterm, NULL);
	event_base_dispatch(f->base);
	event_free(sigint);
	event_free(sigterm);
	return 0;
}

int main(int argc, char **argv)
{
	static struct fake fk;   /* the tool's one state struct */
	struct fake *f = &fk;
	int rc = 2;             /* bad options */

	signal(SIGPIPE, SIG_IGN);
	if (net_unknown_endpoint() >= MAX_EP) {     /* the request counters are fixed arrays */
		fprintf(stderr, "fakeapi: more than %d endpoints\n", MAX_EP - 1);
		return 2;
	}
	f->seed = 1;
	f->naccounts = 20;
	f->nposts = 50;
	f->x_token = "fake-x-token";
	f->m_token = "fake-mastodon-token";
	f->b_password = "fake-app-password";
	f->b_access_ttl_s = 7200;
	if (parse_args(f, argc, argv) < 0)
		goto out;
	for (int n = 0; n < NNET; n++)       /* networks set up from their options */
		if (net_list[n]->setup && net_list[n]->setup(f) != 0)
			goto out;
	limits_init(f);
	if (apply_rate_args(f) < 0)
		goto out;
	rc = 1;
	util_b32_fill(f->tco, 10, f->seed ^ 0x5eedd1dULL);
	f->did_mask = util_mix64(f->seed ^ 0xd1d) & ((1ULL << 55) - 1);
	snprintf(f->base_url, sizeof f->base_url, "http://127.0.0.1:%d", f->port);
	index_build(f);
	if (f->script_file && load_script_file(f) < 0)
		goto out;
	if (!(f->base = event_base_new()))
		goto out;
	rc = serve(f) < 0 ? 1 : 0;
out:
	if (f->http)
		evhttp_free(f->http);     /* closes connections: on_conn_close drops pendings */
	deliver_free_all(f);
	conns_free(f);
	script_free(f);
	oauth_free(f);
	for (size_t i = 0; i < f->ntokens; i++)
		free(f->tokens[i].s);
	free(f->tokens);
	index_free(f);
	feed_free(f);
	for (int n = 0; n < NNET; n++)
		if (net_list[n]->teardown)
			net_list[n]->teardown(f);
	if (f->base)
		event_base_free(f->base);
	return rc;
}
