/* control.c — the control API under /_fake/: health, scenario and account
 * listings, counters, scripts, posts added "now", the clock, rate budgets,
 * token expiry and quit. Tests drive the fake through it; it is never
 * scripted and counted apart from API requests. Where its answers show a
 * network's ids, the network writes them (fake_net hooks). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "fakeapi.h"

static void ctl_ok(struct rq *r)
{
	rq_json(r, 200);
	buf_puts(&r->body, "{\"ok\":true}");
}

static void ctl_error(struct rq *r, int status, const char *msg)
{
	rq_json(r, status);
	jw_obj(&r->j);
	jw_kbool(&r->j, "ok", false);
	jw_kstr(&r->j, "error", msg);
	jw_end(&r->j);
}

static void ctl_stats(struct rq *r)
{
	struct fake *f = r->f;
	struct jw *j = &r->j;
	struct stats *st = &f->st;
	char k[16];

	rq_json(r, 200);
	jw_obj(j);
	jw_kint(j, "requests", (long long)st->requests);
	jw_kint(j, "control_requests", (long long)st->control);
	jw_kint(j, "rate_limited", (long long)st->rate_limited);
	jw_kint(j, "scripted", (long long)st->scripted);
	jw_kint(j, "bytes_out", (long long)st->bytes_out);
	jw_kobj(j, "networks");
	for (int n = 0; n < NNET; n++)
		jw_kint(j, net_list[n]->name, (long long)st->by_net[n]);
	jw_end(j);
	jw_kobj(j, "endpoints");
	for (int e = 0; e <= net_unknown_endpoint(); e++) {
		if (!st->by_ep[e])
			continue;
		jw_kobj(j, net_endpoint_name(e));
		jw_kint(j, "requests", (long long)st->by_ep[e]);
		jw_kint(j, "429", (long long)st->ep_429[e]);
		jw_end(j);
	}
	jw_end(j);
	jw_kobj(j, "status");
	for (int s = 0; s < 600; s++) {
		if (!st->status[s])
			continue;
		snprintf(k, sizeof k, "%d", s);
		jw_kint(j, k, (long long)st->status[s]);
	}
	jw_end(j);
	jw_kobj(j, "connections");
	jw_kint(j, "open", st->conns_open);
	jw_kint(j, "max", st->conns_max);
	jw_kint(j, "total", (long long)st->conns_total);
	jw_end(j);
	jw_kobj(j, "inflight");
	jw_kint(j, "now", st->inflight > 0 ? st->inflight - 1 : 0);   /* minus this request */
	jw_kint(j, "max", st->inflight_max);
	jw_end(j);
	jw_kobj(j, "buckets");
	for (int b = 0; b < f->nbuckets; b++) {
		limits_roll(&f->buckets[b], r->now);
		jw_kobj(j, f->buckets[b].name);
		jw_kint(j, "limit", f->buckets[b].limit);
		jw_kint(j, "remaining", f->buckets[b].remaining);
		jw_kint(j, "window", f->buckets[b].window_s);
		jw_kint(j, "reset", f->buckets[b].reset_s);
		jw_kint(j, "over", (long long)f->st.over[b]);
		jw_kint(j, "after_429", (long long)f->st.after_429[b]);
		jw_kint(j, "after_429_read", (long long)f->st.after_429_read[b]);
		jw_end(j);
	}
	jw_end(j);
	for (int n = 0; n < NNET; n++)
		if (net_list[n]->ctl_stats)
			net_list[n]->ctl_stats(j, f);
	jw_end(j);
}

static void ctl_stats_reset(struct rq *r)
{
	struct stats *st = &r->f->st;
	unsigned open = st->conns_open, inflight = st->inflight;

	memset(st, 0, sizeof *st);
	st->conns_open = st->conns_max = open;
	st->inflight = st->inflight_max = inflight;
	for (int n = 0; n < NNET; n++)
		if (net_list[n]->ctl_stats_reset)
			net_list[n]->ctl_stats_reset(r->f);
	ctl_ok(r);
}

static void ctl_rules_list(struct rq *r)
{
	struct jw *j = &r->j;

	rq_json(r, 200);
	jw_arr(j);
	for (struct rule *ru = r->f->rules; ru; ru = ru->next) {
		jw_obj(j);
		jw_kint(j, "id", ru->id);
		jw_kstr(j, "path", ru->prefix);
		jw_kstr(j, "action", script_action_name(ru->action));
		jw_kint(j, "count", ru->count);
		jw_kint(j, "skip", ru->skip);
		jw_kint(j, "applied", (long long)ru->applied);
		if (ru->host)
			jw_kstr(j, "host", ru->host);
		if (ru->hold)
			jw_kbool(j, "hold", true);
		jw_end(j);
	}
	jw_aend(j);
}

static void ctl_script(struct rq *r)
{
	cJSON *j = rq_body_json(r);
	char err[160];
	int n;

	if (!j) {
		ctl_error(r, 400, "body is not JSON");
		return;
	}
	n = script_add_json(r->f, j, err, sizeof err);
	cJSON_Delete(j);
	if (n < 0) {
		ctl_error(r, 400, err);
		return;
	}
	rq_json(r, 200);
	jw_obj(&r->j);
	jw_kbool(&r->j, "ok", true);
	jw_kint(&r->j, "added", n);
	jw_end(&r->j);
}

/* {"network":"x|mastodon|bluesky|all","account":"doc3","count":2,"kind":"post",
 *  "target":"doc5","text":"...","tags":["meded"]} */
static void ctl_add_posts(struct rq *r)
{
	static const struct { const char *name; uint8_t type; bool me; int ev; } kinds[] = {
		{ "post", P_ORIG, false, -1 }, { "reply", P_REPLY, false, -1 }, { "reply_me", P_REPLY, true, -1 },
		{ "mention", P_ORIG, false, -1 }, { "mention_me", P_ORIG, true, -1 },
		{ "quote", P_QUOTE, false, -1 }, { "quote_me", P_QUOTE, true, -1 },
		{ "repost", P_REPOST, false, -1 }, { "repost_me", P_REPOST, true, -1 },
		{ "like_me", 0, true, N_LIKE }, { "follow_me", 0, true, N_FOLLOW },
	};
	struct fake *f = r->f;
	cJSON *j = rq_body_json(r);
	const char *kind = j ? util_jstr(j, "kind") : NULL, *tgt_name = j ? util_jstr(j, "target") : NULL;
	const cJSON *tj = j ? cJSON_GetObjectItemCaseSensitive(j, "tags") : NULL, *it;
	int net = net_by_name(j && util_jstr(j, "network") ? util_jstr(j, "network") : "all");
	long count = 1;
	uint32_t a, tgt = 0;
	int tags[3], ntags = 0, k = -1;
	char id[256];

	if (!j || !world_acct_by_actor(f, util_jstr(j, "account"), &a)) {
		ctl_error(r, 400, "need a known \"account\" (me, doc1..docN)");
		goto out;
	}
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (strcmp(kind ? kind : "post", kinds[i].name) == 0)
			k = (int)i;
	if (k < 0 || net < 0) {
		ctl_error(r, 400, "unknown \"kind\" or \"network\"");
		goto out;
	}
	if (!kinds[k].me && tgt_name && !world_acct_by_actor(f, tgt_name, &tgt)) {
		ctl_error(r, 400, "unknown \"target\"");
		goto out;
	}
	if (!kinds[k].me && !tgt_name)
		tgt = a == 0 ? 1 : 0;      /* default: aim at me, or me at doc1 */
	if ((kinds[k].me && a == 0) || (tgt_name && tgt == a && kinds[k].type != P_ORIG)) {
		ctl_error(r, 400, "an account cannot interact with itself here");
		goto out;
	}
	util_jnum(j, "count", &count);
	if (count < 1 || count > 1000)
		count = 1;
	if (cJSON_IsString(tj) && (tags[0] = index_tag_add(f, tj->valuestring)) >= 0)
		ntags = 1;
	{
		const cJSON *arr = cJSON_IsArray(tj) ? tj : NULL;
		cJSON_ArrayForEach(it, arr)
			if (cJSON_IsString(it) && ntags < 3 && (tags[ntags] = index_tag_add(f, it->valuestring)) >= 0)
				ntags++;
	}
	rq_json(r, 200);
	jw_obj(&r->j);
	jw_kbool(&r->j, "ok", true);
	jw_karr(&r->j, "added");
	for (int n = 0; n < NNET; n++) {
		if (net != NNET && net != n)
			continue;
		for (long c = 0; c < count; c++) {
			if (kinds[k].ev >= 0) {
				index_add_event(f, n, a, (uint8_t)kinds[k].ev, r->now);
				continue;
			}
			bool mention = strncmp(kinds[k].name, "mention", 7) == 0;
			int32_t target = kinds[k].me ? 0 : (int32_t)tgt;
			uint32_t jx = index_add_post(f, n, a, kinds[k].type, kinds[k].type == P_ORIG ? -1 : target,
						      mention ? target : -1, tags, ntags, util_jstr(j, "text"), r->now);
			net_list[n]->ctl_post_id(f, a, world_post_time(f, n, a, jx), id);
			jw_obj(&r->j);
			jw_kstr(&r->j, "network", net_list[n]->name);
			jw_kstr(&r->j, "id", id);
			jw_kint(&r->j, "index", jx);
			if (net_list[n]->ctl_post_keys)
				net_list[n]->ctl_post_keys(&r->j, f, a, world_post_time(f, n, a, jx));
			jw_end(&r->j);
		}
	}
	jw_aend(&r->j);
	jw_end(&r->j);
out:
	cJSON_Delete(j);
}

static void ctl_clock(struct rq *r)
{
	struct fake *f = r->f;
	char iso[32];

	if (evhttp_request_get_command(r->req) == EVHTTP_REQ_POST) {
		cJSON *j = rq_body_json(r);
		const cJSON *now = j ? cJSON_GetObjectItemCaseSensitive(j, "now") : NULL;
		long v;
		int64_t ms;
		if (!j) {
			ctl_error(r, 400, "body is not JSON");
			return;
		}
		if (cJSON_IsNumber(now)) {
			f->frozen = true;
			f->frozen_ms = (int64_t)(now->valuedouble * 1000);
		} else if (cJSON_IsString(now) && clock_parse_iso(now->valuestring, &ms)) {
			f->frozen = true;
			f->frozen_ms = ms;
		}
		if (util_jnum(j, "advance", &v)) {
			if (f->frozen)
				f->frozen_ms += (int64_t)v * 1000;
			else
				f->offset_ms += (int64_t)v * 1000;
		}
		if (util_jnum(j, "offset", &v)) {
			f->frozen = false;
			f->scale = 0;
			f->offset_ms = (int64_t)v * 1000;
		}
		if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "real"))) {
			f->frozen = false;
			f->scale = 0;
			f->offset_ms = 0;
		}
		cJSON_Delete(j);
		r->now = clock_now(f);
	}
	clock_iso_ms(r->now, iso);
	rq_json(r, 200);
	jw_obj(&r->j);
	jw_kint(&r->j, "now", r->now / 1000);
	jw_kint(&r->j, "now_ms", r->now);
	jw_kstr(&r->j, "iso", iso);
	jw_kbool(&r->j, "frozen", f->frozen);
	jw_end(&r->j);
}

/* {"bucket":"x.users_tweets","limit":10,"window":900,"remaining":0}; a
 * bucket that exists per view (mastodon.api with instances) by its plain
 * name sets every view's */
static void ctl_rate(struct rq *r)
{
	struct fake *f = r->f;
	cJSON *j = rq_body_json(r);
	struct bucket *bs[MAX_BUCKETS];
	int nb = j && util_jstr(j, "bucket") ? limits_select(f, util_jstr(j, "bucket"), bs, MAX_BUCKETS) : 0;
	long v;

	if (!nb) {
		ctl_error(r, 400, "need a known \"bucket\" (see GET /_fake/stats)");
		cJSON_Delete(j);
		return;
	}
	for (int i = 0; i < nb; i++) {
		struct bucket *b = bs[i];
		if (util_jnum(j, "limit", &v) && v >= 0) {
			b->limit = v;
			b->remaining = v;
		}
		if (util_jnum(j, "window", &v) && v > 0)
			b->window_s = v;
		if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "reset")))
			b->reset_s = b->held_s = b->announced_s = 0;   /* a fresh window: nothing announced */
		limits_roll(b, r->now);
		if (util_jnum(j, "remaining", &v) && v >= 0)
			b->remaining = v;
	}
	cJSON_Delete(j);
	ctl_ok(r);
}

static void ctl_expire_tokens(struct rq *r)
{
	for (size_t i = 0; i < r->f->ntokens; i++)
		if (!r->f->tokens[i].refresh)
			r->f->tokens[i].exp_ms = r->now - 1;
	ctl_ok(r);
}

static void ctl_account_json(struct rq *r, uint32_t a)
{
	struct jw *j = &r->j;
	char name[24];

	world_acct_name(r->f, a, name);
	jw_obj(j);
	jw_kint(j, "index", a);
	jw_kstr(j, "name", name);
	for (int n = 0; n < NNET; n++) {
		jw_kobj(j, net_list[n]->name);
		net_list[n]->ctl_account(j, r->f, a);
		jw_kint(j, "posts", world_count_upto(r->f, n, a, r->now));
		jw_end(j);
	}
	jw_end(j);
}

/* GET /_fake/posts[?name=doc3]: every visible post of one account (or of
 * all), one tab-separated line each: network, the account's stable id, the
 * key a client stores the post under (X and Mastodon id, Bluesky post or
 * repost record URI), its paging order (X and Mastodon id, Bluesky ms),
 * its time in ms and its tags (space-separated). Tests check a client's
 * watermarks against it. */
static void ctl_posts(struct rq *r)
{
	struct fake *f = r->f;
	const char *name = rq_param(r, "name");
	uint32_t only = 0, a0 = 0, a1 = world_nacc(f);
	char sid[256], key[256];

	if (name) {
		if (!world_acct_by_actor(f, name, &only)) {
			ctl_error(r, 404, "unknown account");
			return;
		}
		a0 = only;
		a1 = only + 1;
	}
	rq_raw(r, 200, "text/tab-separated-values; charset=utf-8", "");
	for (int n = 0; n < NNET; n++)
		for (uint32_t a = a0; a < a1; a++) {
			uint32_t vis = world_count_upto(f, n, a, r->now);
			net_list[n]->ctl_account_id(f, a, sid);
			for (uint32_t j = 0; j < vis; j++) {
				struct post p;
				world_post_get(f, n, a, j, &p);
				net_list[n]->ctl_post_ref(f, &p, key);
				buf_printf(&r->body, "%s\t%s\t%s\t%" PRIu64 "\t%" PRId64 "\t", net_list[n]->name, sid, key,
					   net_list[n]->post_order(f, -1, p.t, a), p.t);
				for (int g = 0; g < p.ntags; g++)
					buf_printf(&r->body, "%s%s", g ? " " : "", f->tags[p.tags[g]]);
				buf_puts(&r->body, "\n");
			}
		}
}

static void ctl_account(struct rq *r)
{
	uint32_t a;
	if (!world_acct_by_actor(r->f, rq_param(r, "name"), &a)) {
		ctl_error(r, 404, "unknown account");
		return;
	}
	rq_json(r, 200);
	ctl_account_json(r, a);
}

static void ctl_scenario(struct rq *r)
{
	struct fake *f = r->f;
	struct jw *j = &r->j;
	char iso[32];

	rq_json(r, 200);
	jw_obj(j);
	jw_kint(j, "seed", (long long)f->seed);
	jw_kint(j, "accounts", f->naccounts);
	jw_kint(j, "posts_per_account", f->nposts);
	jw_kint(j, "my_posts", f->nmyposts);
	if (f->nheavy) {
		char name[24];
		jw_kobj(j, "heavy");
		for (int i = 0; i < f->nheavy; i++) {
			world_acct_name(f, f->heavy[i].a, name);
			jw_kint(j, name, f->heavy[i].n);
		}
		jw_end(j);
	}
	jw_kint(j, "engaged", f->nengaged);
	clock_iso_ms(f->end_ms, iso);
	jw_kstr(j, "end_time", iso);
	jw_kint(j, "span_days", f->span_ms / DAY_MS);
	jw_kstr(j, "base_url", f->base_url);
	jw_karr(j, "tags");
	for (int t = 0; t < f->ntags; t++)
		jw_str(j, f->tags[t]);
	jw_aend(j);
	jw_kobj(j, "auth");
	for (int n = 0; n < NNET; n++)
		net_list[n]->ctl_auth(j, f);
	jw_end(j);
	jw_key(j, "me");
	ctl_account_json(r, 0);
	jw_karr(j, "engaged_accounts");
	for (uint32_t a = 1; a <= f->nengaged && a <= 50; a++)
		ctl_account_json(r, a);
	jw_aend(j);
	jw_kobj(j, "interactions_with_me");
	for (int n = 0; n < NNET; n++) {
		struct stream s;
		stream_notifs(&s, f, n, r->now);
		jw_kint(j, net_list[n]->name, (long long)s.n);
	}
	jw_end(j);
	jw_end(j);
}

/* paths of the networks' own (fake_net.ctl_serve) */
static bool ctl_net_serve(struct rq *r, const char *p)
{
	for (int n = 0; n < NNET; n++)
		if (net_list[n]->ctl_serve && net_list[n]->ctl_serve(r, p))
			return true;
	return false;
}

void control_serve(struct rq *r)
{
	const char *p = r->path + strlen("/_fake");
	bool post = evhttp_request_get_command(r->req) == EVHTTP_REQ_POST;
	bool del = evhttp_request_get_command(r->req) == EVHTTP_REQ_DELETE;

	r->f->st.control++;
	if (strcmp(p, "/health") == 0)
		ctl_ok(r);
	else if (strcmp(p, "/stats") == 0)
		ctl_stats(r);
	else if (strcmp(p, "/stats/reset") == 0 && post)
		ctl_stats_reset(r);
	else if (strcmp(p, "/script") == 0 && post)
		ctl_script(r);
	else if ((strcmp(p, "/script") == 0 && del) || (strcmp(p, "/script/clear") == 0 && post)) {
		script_clear(r->f);
		ctl_ok(r);
	} else if (strcmp(p, "/script") == 0)
		ctl_rules_list(r);
	else if (strcmp(p, "/add_posts") == 0 && post)
		ctl_add_posts(r);
	else if (strcmp(p, "/clock") == 0)
		ctl_clock(r);
	else if (strcmp(p, "/rate") == 0 && post)
		ctl_rate(r);
	else if (strcmp(p, "/expire_tokens") == 0 && post)
		ctl_expire_tokens(r);
	else if (strcmp(p, "/scenario") == 0)
		ctl_scenario(r);
	else if (strcmp(p, "/account") == 0)
		ctl_account(r);
	else if (strcmp(p, "/posts") == 0)
		ctl_posts(r);
	else if (strcmp(p, "/quit") == 0 && post) {
		struct timeval soon = { 0, 100000 };   /* let this reply go out first */
		ctl_ok(r);
		event_base_loopexit(r->f->base, &soon);
	} else if (!oauth_ctl(r, p) && !ctl_net_serve(r, p))
		ctl_error(r, 404, "unknown control path; see fakeapi --help");
}
