/* harness_net.c — the page parsers of every network of the registry on
 * one response in the format of harness_net.h: net_parse() with the
 * operation the input names, a second page of the walk, the next request
 * built from the walk, the session file round trip, the rate headers. */
#include "harness.h"
#include "harness_net.h"

void fuzz_net_input_clear(struct fuzz_net_input *in)
{
	free(in->head);
	free(in->body);
	memset(in, 0, sizeof(*in));
}

static char *fuzz_net_trim(char *s)
{
	size_t n;

	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

bool fuzz_net_input_split(struct fuzz_net_input *in, const uint8_t *data, size_t size)
{
	const uint8_t *p, *end = data + size, *body;
	size_t n_ops = NET_OP_SESSION_REFRESH + 1;
	size_t hlen, n = 0;
	char *line, *next;

	memset(in, 0, sizeof(*in));
	if (size < 3)
		return false;
	in->op = (enum net_op)(data[0] % n_ops);
	in->status = fuzz_net_status[data[1] % (sizeof fuzz_net_status / sizeof fuzz_net_status[0])];
	in->flags = data[2];
	p = data + 3;
	/* The header section ends at the first empty line. */
	body = end;
	for (const uint8_t *q = p; q < end; q++) {
		if (*q == '\n' && (q == p || q[-1] == '\n' ||
				   (q[-1] == '\r' && (q - 1 == p || q[-2] == '\n')))) {
			body = q + 1;
			break;
		}
	}
	hlen = (size_t)(body - p);
	in->body_len = (size_t)(end - body);
	in->head = malloc(hlen + 1);
	in->body = malloc(in->body_len ? in->body_len : 1);
	if (!in->head || !in->body)
		goto fail;
	memcpy(in->head, p, hlen);
	in->head[hlen] = '\0';
	memcpy(in->body, body, in->body_len);
	for (line = in->head; line && *line; line = next) {
		char *colon, *name, *value;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		colon = strchr(line[0] == ':' ? line + 1 : line, ':');
		if (!colon)
			continue;
		*colon = '\0';
		name = fuzz_net_trim(line);
		value = fuzz_net_trim(colon + 1);
		if (strcmp(name, ":watermark") == 0)
			in->watermark = value;
		else if (strcmp(name, ":me-id") == 0)
			in->me_id = value;
		else if (strcmp(name, ":me") == 0)
			in->me = value;
		else if (name[0] != ':' && n < FUZZ_NET_MAX_HEADERS)
			in->hdr[n++] = (struct net_header_pair){ name, value };
	}
	in->list = (struct net_header_list){ in->hdr, n };
	return true;
fail:
	fuzz_net_input_clear(in);
	return false;
}

static bool fuzz_net_is_known(void *ctx, const char *key)
{
	size_t n = strlen(key);

	(void)ctx;
	/* Deterministic and input-driven: "known" when the key ends in '7'. */
	return n > 0 && key[n - 1] == '7';
}

static void fuzz_net_touch(const char *s)
{
	/* Reading every byte makes ASan report a dangling or unterminated string. */
	if (s && strlen(s) == (size_t)-1)
		abort();
}

/* True when msg ends with the first 4 or more bytes of secret: what is left
 * of a secret that the NET_MSG_MAX cut went through. */
bool fuzz_net_tail_of(const char *msg, const char *secret)
{
	size_t n = strlen(msg), sl = strlen(secret);

	for (size_t k = 4; k < sl && k <= n; k++)
		if (memcmp(msg + n - k, secret, k) == 0)
			return true;
	return false;
}

static void fuzz_net_check_msg(const char *msg)
{
	static const char *const secrets[] = { FUZZ_NET_TOKEN, FUZZ_NET_REFRESH, FUZZ_NET_PASSWORD };

	if (memchr(msg, '\0', NET_MSG_MAX) == NULL)
		abort();
	/* net.h: messages never hold credentials, not even a cut one. */
	for (size_t i = 0; i < sizeof secrets / sizeof secrets[0]; i++)
		if (strstr(msg, secrets[i]) || fuzz_net_tail_of(msg, secrets[i]))
			abort();
}

static void fuzz_net_check_ref(const struct post_ref *r)
{
	fuzz_net_touch(r->id);
	fuzz_net_touch(r->author_id);
	fuzz_net_touch(r->author_handle);
}

static void fuzz_net_check_post(const struct post *p)
{
	fuzz_net_touch(p->id);
	fuzz_net_touch(p->key);
	fuzz_net_touch(p->author_id);
	fuzz_net_touch(p->author_handle);
	fuzz_net_touch(p->author_name);
	fuzz_net_touch(p->text);
	fuzz_net_touch(p->url);
	fuzz_net_check_ref(&p->reply_to);
	fuzz_net_check_ref(&p->repost_of);
	fuzz_net_check_ref(&p->quote_of);
	/* post.h: the target refs are set only for their kind. */
	if ((p->repost_of.id && p->kind != POST_REPOST) || (p->quote_of.id && p->kind != POST_QUOTE))
		abort();
	for (size_t i = 0; i < p->n_mentions; i++) {
		if (!p->mentions[i])
			abort();
		fuzz_net_touch(p->mentions[i]);
		if (p->mention_ids)
			fuzz_net_touch(p->mention_ids[i]);
	}
	for (size_t i = 0; i < p->n_tags; i++) {
		if (!p->tags[i])
			abort();
		fuzz_net_touch(p->tags[i]);
	}
}

static void fuzz_net_check_page(const struct net_page *pg)
{
	fuzz_net_check_msg(pg->err.msg);
	fuzz_net_check_msg(pg->note);
	for (size_t i = 0; i < pg->n_posts; i++)
		fuzz_net_check_post(&pg->posts[i]);
	for (size_t i = 0; i < pg->n_notifs; i++) {
		const struct notif *nf = &pg->notifs[i];

		fuzz_net_touch(nf->id);
		fuzz_net_touch(nf->actor_id);
		fuzz_net_touch(nf->actor_handle);
		fuzz_net_touch(nf->actor_name);
		fuzz_net_touch(nf->subject_id);
		if (nf->post)
			fuzz_net_check_post(nf->post);
	}
	for (size_t i = 0; i < pg->n_accounts; i++) {
		const struct net_account *a = &pg->accounts[i];

		fuzz_net_touch(a->id);
		fuzz_net_touch(a->handle);
		fuzz_net_touch(a->name);
		fuzz_net_touch(a->bio);
		fuzz_net_touch(a->url);
		fuzz_net_touch(a->local_id);
	}
	fuzz_net_touch(pg->session.did);
	fuzz_net_touch(pg->session.handle);
	fuzz_net_touch(pg->session.access_jwt);
	fuzz_net_touch(pg->session.refresh_jwt);
	fuzz_net_touch(pg->session.pds_base);
}

/* What the caller does with a parsed stable id: ask where the account
 * lives, and look it up by id there. The id came from the server: it may
 * not break out of its parameter, and a home is only ever an authority. */
static void fuzz_net_follow_id(const struct net_platform *p, const struct net_config *cfg,
			       const char *id)
{
	struct net_request req = { 0 };
	char home[256];
	size_t used = 0;

	if (!id)
		return;
	if (net_home(p, cfg, id, home, sizeof home) == 1 && (!home[0] || strpbrk(home, " /?#@\r\n")))
		abort();
	(void)net_build_lookup(p, cfg, NET_LOOKUP_ID, &id, 1, &req, &used);
	if (req.url && strpbrk(req.url, " \r\n"))
		abort();
	net_request_clear(&req);
}

static void fuzz_net_follow_ids(const struct net_platform *p, const struct net_config *cfg,
				const struct net_page *pg)
{
	for (size_t i = 0; i < pg->n_accounts; i++)
		fuzz_net_follow_id(p, cfg, pg->accounts[i].id);
	for (size_t i = 0; i < pg->n_posts; i++) {
		fuzz_net_follow_id(p, cfg, pg->posts[i].author_id);
		fuzz_net_follow_id(p, cfg, pg->posts[i].reply_to.author_id);
	}
	for (size_t i = 0; i < pg->n_notifs; i++)
		fuzz_net_follow_id(p, cfg, pg->notifs[i].actor_id);
}

/* A session parsed from the network is stored and read back from the
 * session file: the round trip must hold. */
static void fuzz_net_session_roundtrip(const struct net_session *s)
{
	struct net_session back = { 0 };
	char *json;

	if (!s->access_jwt || !s->refresh_jwt)
		return;
	json = net_session_encode(s);
	if (!json)
		return;                  /* allocation failure */
	if (net_session_decode(json, strlen(json), &back) == 0 &&
	    (strcmp(back.access_jwt, s->access_jwt) != 0 ||
	     strcmp(back.refresh_jwt, s->refresh_jwt) != 0))
		abort();
	net_session_clear(&back);
	free(json);
}

/* After a successful page the next request is built from the walk, and
 * page_token came from the server: it must be escaped, never trusted. */
static void fuzz_net_build_next(const struct net_platform *p, const struct net_config *cfg,
				const struct net_walk *w)
{
	static const char *const handles[] = { "alice", "bob" };
	struct net_request req = { 0 };
	size_t used = 0;

	if (w->op == NET_OP_BATCH)
		(void)net_build_batch(p, cfg, handles, 2, w, &req, &used);
	else
		(void)net_build_page(p, cfg, w->op == NET_OP_TAG ? "meded" : "100", w, &req);
	if (req.url && strpbrk(req.url, " \r\n"))
		abort();                 /* a server value broke out of its parameter */
	net_request_clear(&req);
}

int fuzz_net_one(const char *network, const uint8_t *data, size_t size)
{
	const struct net_platform *p = net_platform_find(network);
	struct fuzz_net_input in;
	struct net_walk w = { 0 };
	struct net_config cfg;
	struct net_response resp;
	struct net_rate rate;
	bool walk;

	if (!p)
		abort();
	if (!fuzz_net_input_split(&in, data, size))
		return 0;
	cfg = (struct net_config){
		.api_base = "https://api.example", .pds_base = "https://pds.example",
		.token = FUZZ_NET_TOKEN, .refresh_token = FUZZ_NET_REFRESH,
		.identifier = "me.example", .password = FUZZ_NET_PASSWORD,
		.me = in.me ? in.me : "me", .me_id = in.me_id ? in.me_id : "1000",
	};
	resp = (struct net_response){
		.status = in.status, .header = net_header_list_get, .header_ctx = &in.list,
		.body = in.body, .body_len = in.body_len, .now = FUZZ_NET_NOW,
	};
	walk = in.op >= NET_OP_ACCOUNT && in.op <= NET_OP_INTERACTIONS;
	if (walk) {
		if (net_walk_start(&w, in.op, in.watermark) < 0)
			goto out;
		if (in.flags & FUZZ_NET_KNOWN)
			w.is_known = fuzz_net_is_known;
	}
	for (int pass = 0; pass < ((in.flags & FUZZ_NET_AGAIN) ? 2 : 1); pass++) {
		struct net_page pg;

		(void)net_parse(p, &cfg, in.op, &resp, walk ? &w : NULL, &pg);
		fuzz_net_check_page(&pg);
		fuzz_net_follow_ids(p, &cfg, &pg);
		if (pg.err.code == NET_OK)
			fuzz_net_session_roundtrip(&pg.session);
		net_page_clear(&pg);
		if (!walk || w.done)
			break;
		fuzz_net_touch(w.page_token);
		fuzz_net_touch(w.new_watermark);
		fuzz_net_build_next(p, &cfg, &w);
	}
	net_read_rate(p, &resp, &rate);
out:
	net_walk_clear(&w);
	fuzz_net_input_clear(&in);
	return 0;
}
