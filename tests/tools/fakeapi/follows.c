/* follows.c — whom "me" follows, for the networks' following lists
 * (Mastodon accounts/:id/following, Bluesky getFollows, X
 * users/:id/following): every other account, the newest follow first, and
 * with --orgs N the organisations among them: the last N accounts are
 * journals, societies, a bot and a hospital programme, with the names,
 * bios and flags an import should propose as sources. With --orgs, people's
 * bios vary too (so a ranking by fit has something to rank); without it
 * every rendering stays as it was. The handlers live in each network's file;
 * the list, its paging and the profiles are here. */
#include "fakeapi.h"

#include <stdio.h>
#include <string.h>

struct org { const char *name, *bio; bool bot, group; };

static const struct org orgs[] = {
	{ "Journal of Cardiology Education", "Peer-reviewed journal on cardiology training and #meded research.", false, false },
	{ "Society of Cardiology Fellows", "The professional society for cardiology trainees and their educators.", false, true },
	{ "MedEd Paper Digest", "New medical education papers, posted automatically.", true, false },
	{ "Teaching Hospital Residency", "News from our teaching hospital's residency programme.", false, false },
};

static const char *const people[] = {
	"Interventional cardiology attending. Cardiology fellowship director. #meded",
	NULL,   /* the network's usual bio */
	"Orthopaedic surgeon. Trail running and coffee.",
};

static const struct org *org_of(const struct fake *f, uint32_t a)
{
	uint32_t n = world_nacc(f);
	if (!f->norgs || a == 0 || a >= n || a < n - f->norgs)
		return NULL;
	return &orgs[(n - 1 - a) % (sizeof orgs / sizeof orgs[0])];
}

bool follows_name(const struct fake *f, uint32_t a, char out[64])
{
	const struct org *o = org_of(f, a);
	if (o)
		snprintf(out, 64, "%s", o->name);
	return o != NULL;
}

const char *follows_bio(const struct fake *f, uint32_t a, const char *usual)
{
	const struct org *o = org_of(f, a);
	if (o)
		return o->bio;
	if (!f->norgs || a == 0)
		return usual;
	return people[a % 3] ? people[a % 3] : usual;
}

bool follows_bot(const struct fake *f, uint32_t a)
{
	const struct org *o = org_of(f, a);
	return o && o->bot;
}

bool follows_group(const struct fake *f, uint32_t a)
{
	const struct org *o = org_of(f, a);
	return o && o->group;
}

size_t follows_count(const struct fake *f)
{
	uint32_t n = world_nacc(f);
	return n > 1 ? n - 1 : 0;
}

uint32_t follows_at(const struct fake *f, size_t i)
{
	return (uint32_t)(world_nacc(f) - 1 - i);
}
