/* world.c — the deterministic scenario: who exists and what each account
 * posted. Nothing here is stored: a post's time, kind and targets are pure
 * functions of (seed, network, account, index), so 5,000 accounts x 200
 * posts cost no memory; posts added at run time (index.c) are the exception
 * and are read back through the same functions.
 *
 * Accounts: index 0 is the user ("me"), 1..N are "doc1".."docN"; accounts
 * 1..K ("engaged") interact with me and me with them. Each account has M posts
 * (me: --my-posts; any account: its --heavy count) spread over --span-days
 * ending at --end-time. Kinds for engaged docs: replies to me (10%),
 * mentions of me (5%), quotes of me (4%), reposts of me (4%); for all docs:
 * replies (10%), reposts (5%) and quotes (2%) of other docs, mentions of
 * other docs (5%). Me: replies (25%),
 * mentions (10%), quotes (8%), reposts (8%) aimed at engaged docs mostly.
 * ~25% of non-repost posts carry one or two hashtags. Posts whose time is
 * after the fake clock's "now" are not visible yet, so a scenario can also
 * unfold by advancing the clock. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fakeapi.h"

/* --- accounts --- */

uint32_t world_nacc(const struct fake *f) { return f->naccounts + 1; }

uint64_t world_hash(const struct fake *f, int net, uint64_t a, uint64_t j, uint64_t salt)
{
	return util_mix64(f->seed ^ util_mix64(((uint64_t)net << 58) ^ (salt << 50) ^ (a << 25) ^ j));
}

void world_acct_name(const struct fake *f, uint32_t a, char out[24])
{
	if (a == 0)
		snprintf(out, 24, "me");
	else
		snprintf(out, 24, "doc%u", a);
}

static const char *const first_names[] = { "Ada", "Ben", "Chioma", "Dario", "Elena", "Farid", "Grace",
	"Hiro", "Ines", "Jonas", "Kemi", "Lars", "Mei", "Nadia", "Omar", "Priya", "Quinn", "Rosa",
	"Sven", "Tariq", "Uma", "Viktor", "Wen", "Yara", "Zoe" };
static const char *const last_names[] = { "Okafor", "Lindqvist", "Moreau", "Tanaka", "Silva",
	"Haddad", "Novak", "Kowalski", "Mensah", "Rossi", "Ibrahim", "Chen", "Fischer", "Dubois",
	"Nakamura", "Olsen", "Patel", "Garcia", "Kim", "Byrne" };

void world_display_name(const struct fake *f, uint32_t a, char out[64])
{
	uint64_t h = util_mix64(f->seed * 31 + a);
	if (a == 0)
		snprintf(out, 64, "Me (mentee)");
	else if (follows_name(f, a, out))
		;
	else
		snprintf(out, 64, "Dr. %s %s", first_names[h % 25], last_names[(h >> 8) % 20]);
}

/* "me", "@doc3", "doc3@host", "doc3.bsky.social", "Doc3" -> account index */
bool world_acct_by_name(const struct fake *f, const char *s, uint32_t *a)
{
	char name[64];
	size_t n;
	unsigned long v;
	char *end;

	if (!s)
		return false;
	if (*s == '@')
		s++;
	n = strcspn(s, "@");
	if (n >= sizeof name)
		return false;
	memcpy(name, s, n);
	name[n] = '\0';
	if (n > 12 && strcasecmp(name + n - 12, ".bsky.social") == 0)
		name[n - 12] = '\0';
	if (strcasecmp(name, "me") == 0) {
		*a = 0;
		return true;
	}
	if (strncasecmp(name, "doc", 3) != 0 || !isdigit((unsigned char)name[3]) || name[3] == '0')
		return false;
	v = strtoul(name + 3, &end, 10);
	if (*end || v < 1 || v > f->naccounts)
		return false;
	*a = (uint32_t)v;
	return true;
}

/* DIDs: 13 seed-derived chars + 11 chars encoding the account index through
 * an invertible mix (xor, then multiply by an odd constant mod 2^55), so they
 * look random but decode back without a table. */
#define DID_MUL  0x2545F4914F6CDD1DULL
#define M55      ((1ULL << 55) - 1)

static uint64_t did_mul_inverse(void)
{
	uint64_t inv = DID_MUL;
	for (int i = 0; i < 6; i++)      /* Newton: each step doubles the correct bits */
		inv *= 2 - DID_MUL * inv;
	return inv;
}

void world_did_of(const struct fake *f, uint32_t a, char out[40])
{
	uint64_t v = (((uint64_t)a ^ f->did_mask) * DID_MUL) & M55;
	char head[14], tail[12];

	util_b32_fill(head, 13, f->seed ^ util_mix64(v));      /* looks random, follows from the tail */
	for (int i = 10; i >= 0; i--) {
		tail[i] = util_b32[v & 31];
		v >>= 5;
	}
	tail[11] = '\0';
	snprintf(out, 40, "did:plc:%s%s", head, tail);
}

static bool acct_by_did(const struct fake *f, const char *did, uint32_t *a)
{
	uint64_t v = 0;
	char again[40];

	if (strncmp(did, "did:plc:", 8) != 0 || strlen(did) != 32)
		return false;
	for (const char *p = did + 21; *p; p++) {
		const char *c = strchr(util_b32, *p);
		if (!c)
			return false;
		v = (v << 5) | (uint64_t)(c - util_b32);
	}
	v = ((v * did_mul_inverse()) & M55) ^ f->did_mask;
	if (v > f->naccounts)
		return false;
	world_did_of(f, (uint32_t)v, again);
	if (strcmp(again, did) != 0)
		return false;
	*a = (uint32_t)v;
	return true;
}

bool world_acct_by_actor(const struct fake *f, const char *actor, uint32_t *a)
{
	return actor && (strncmp(actor, "did:", 4) == 0 ? acct_by_did(f, actor, a) : world_acct_by_name(f, actor, a));
}

/* --- post times and kinds --- */

/* Generated posts of a: --posts (me: --my-posts), or its --heavy count. */
uint32_t world_gen_count(const struct fake *f, uint32_t a)
{
	for (int i = 0; i < f->nheavy; i++)
		if (f->heavy[i].a == a)
			return f->heavy[i].n;
	return a == 0 ? f->nmyposts : f->nposts;
}

int64_t world_gen_time(const struct fake *f, int net, uint32_t a, uint32_t j)
{
	int64_t step = f->span_ms / (world_gen_count(f, a) ? world_gen_count(f, a) : 1);
	int64_t half = step / 2 > 0 ? step / 2 : 1;
	int64_t phase = (int64_t)(world_hash(f, net, a, 0, 1) % (uint64_t)half);
	int64_t jit = (int64_t)(world_hash(f, net, a, j, 2) % (uint64_t)half);
	return f->end_ms - f->span_ms + (int64_t)j * step + phase / 2 + jit / 2 + 1;
}

uint32_t world_total_count(const struct fake *f, int net, uint32_t a)
{
	return world_gen_count(f, a) + (uint32_t)f->nd[net].extras[a].n;
}

int64_t world_post_time(const struct fake *f, int net, uint32_t a, uint32_t j)
{
	uint32_t g = world_gen_count(f, a);
	return j < g ? world_gen_time(f, net, a, j) : f->nd[net].extras[a].v[j - g].t;
}

/* Number of posts of a with time <= t (times increase with j). */
uint32_t world_count_upto(const struct fake *f, int net, uint32_t a, int64_t t)
{
	uint32_t lo = 0, hi = world_total_count(f, net, a);
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (world_post_time(f, net, a, mid) <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Kind and target account before checking that a target post exists. */
static void raw_kind(const struct fake *f, int net, uint32_t a, uint32_t j,
		     uint8_t *type, int32_t *tgt_a, int32_t *mention)
{
	unsigned u = (unsigned)(world_hash(f, net, a, j, 10) % 1000);
	uint32_t N = f->naccounts, K = f->nengaged;
	uint64_t h = world_hash(f, net, a, j, 11);
	int32_t other;

	*type = P_ORIG;
	*tgt_a = *mention = -1;
	if (a == 0) {
		if (N == 0)
			return;
		other = (int32_t)(1 + (K && h % 5 ? (h >> 8) % K : (h >> 8) % N));
		if (u < 250) { *type = P_REPLY; *tgt_a = other; }
		else if (u < 350) *mention = other;
		else if (u < 430) { *type = P_QUOTE; *tgt_a = other; }
		else if (u < 510) { *type = P_REPOST; *tgt_a = other; }
		return;
	}
	if (a <= K && u < 230) {
		if (u < 100) { *type = P_REPLY; *tgt_a = 0; }
		else if (u < 150) *mention = 0;
		else if (u < 190) { *type = P_QUOTE; *tgt_a = 0; }
		else { *type = P_REPOST; *tgt_a = 0; }
		return;
	}
	if (N < 2 || u < 230 || u >= 450)
		return;
	other = (int32_t)(1 + (h >> 8) % N);
	if ((uint32_t)other == a)
		other = (int32_t)(other % N + 1);
	if (u < 330) { *type = P_REPLY; *tgt_a = other; }
	else if (u < 380) { *type = P_REPOST; *tgt_a = other; }
	else if (u < 400) { *type = P_QUOTE; *tgt_a = other; }
	else *mention = other;
}

/* The type without full resolution: a target kind degrades to an original
 * when the target account had posted nothing before. */
uint8_t world_quick_type(const struct fake *f, int net, uint32_t a, uint32_t j)
{
	uint8_t type;
	int32_t tgt, mention;
	uint32_t g = world_gen_count(f, a);

	if (j >= g)
		return f->nd[net].extras[a].v[j - g].type;
	raw_kind(f, net, a, j, &type, &tgt, &mention);
	if (tgt >= 0 && world_gen_time(f, net, (uint32_t)tgt, 0) >= world_gen_time(f, net, a, j))
		return P_ORIG;
	return type;
}

/* A recent non-repost post of account b older than t, or -1. */
int32_t world_pick_target(const struct fake *f, int net, uint32_t b, int64_t t, uint64_t h)
{
	int64_t j = (int64_t)world_count_upto(f, net, b, t - 1) - 1 - (int64_t)(h % 3);
	if (j < 0)
		j = (int64_t)world_count_upto(f, net, b, t - 1) - 1;
	for (int steps = 0; j >= 0 && steps < 12; steps++, j--)
		if (world_quick_type(f, net, b, (uint32_t)j) != P_REPOST)
			return (int32_t)j;
	return -1;
}

void world_post_get(const struct fake *f, int net, uint32_t a, uint32_t j, struct post *p)
{
	uint32_t g = world_gen_count(f, a);

	memset(p, 0, sizeof *p);
	p->net = net;
	p->a = a;
	p->j = j;
	p->seed = world_hash(f, net, a, j, 14);
	p->tgt_j = -1;
	if (j >= g) {
		const struct xpost *x = &f->nd[net].extras[a].v[j - g];
		p->t = x->t;
		p->type = x->type;
		p->mention = x->mention;
		p->tgt_a = x->tgt_a;
		p->tgt_j = x->tgt_j;
		p->ntags = x->ntags;
		memcpy(p->tags, x->tags, sizeof p->tags);
		p->text = x->text;
		return;
	}
	p->t = world_gen_time(f, net, a, j);
	raw_kind(f, net, a, j, &p->type, &p->tgt_a, &p->mention);
	if (p->tgt_a >= 0) {
		p->tgt_j = world_pick_target(f, net, (uint32_t)p->tgt_a, p->t, world_hash(f, net, a, j, 12));
		if (p->tgt_j < 0) {
			p->type = P_ORIG;
			p->tgt_a = -1;
		}
	}
	if (p->type != P_REPOST && f->ntags_gen > 0) {
		unsigned v = (unsigned)(world_hash(f, net, a, j, 13) % 100);
		uint64_t h = world_hash(f, net, a, j, 16);
		if (v < 25) {
			p->tags[p->ntags++] = (uint8_t)(h % (uint64_t)f->ntags_gen);
			if (v >= 20 && f->ntags_gen > 1)
				p->tags[p->ntags++] = (uint8_t)((p->tags[0] + 1 + (h >> 16) % (uint64_t)(f->ntags_gen - 1))
								% (uint64_t)f->ntags_gen);
		}
	}
	if (p->type == P_REPLY && a != 0 && p->tgt_a != 0) {
		unsigned v = (unsigned)(world_hash(f, net, a, j, 15) % 100);
		p->parent_view = v < 5 ? 1 : v < 8 ? 2 : 0;
	}
}

/* --- indexes --- */

/* Finds the post with exactly this time in account a. */
static bool post_at(const struct fake *f, int net, uint32_t a, int64_t t, uint32_t *j)
{
	uint32_t n = world_count_upto(f, net, a, t);
	if (n == 0 || world_post_time(f, net, a, n - 1) != t)
		return false;
	*j = n - 1;
	return true;
}

/* A visible post of a by its exact time: what a network id decodes to. */
bool world_post_by_time(const struct fake *f, int net, uint32_t a, int64_t t, int64_t now, uint32_t *j)
{
	return a < world_nacc(f) && t <= now && post_at(f, net, a, t, j);
}
