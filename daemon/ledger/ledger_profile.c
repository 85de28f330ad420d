/* ledger_profile.c — an account judged by its profile (ledger_profile.h). */
#include "ledger/ledger_profile.h"
#include "ledger/ledger.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

double ledger_profile_fit(const char *name, const char *bio, int64_t now,
                          const struct textvec_query *interests, const struct textvec_df *df)
{
	struct ledger_agg agg;
	char *text = NULL;
	double fit;

	/* One "post" made of the profile: the same tokenizer, vectors and
	 * alignment as the fit of every mentor and suggestion. */
	if (asprintf(&text, "%s\n%s", name ? name : "", bio ? bio : "") < 0)
		return 0;
	ledger_agg_init(&agg, 0);
	struct ledger_event ev = { .kind = LEDGER_POST, .at = now > 0 ? now : 1, .text = text };
	ledger_agg_add(&agg, &ev);
	fit = ledger_fit(&agg, now, interests, df, NULL);
	free(text);
	return fit;
}

/* Words that name an organisation in English (and the common Romance
 * spellings). Substrings, so "journals", "societies" and "hospitals" count. */
static const char *const org_words[] = {
	"journal", "societ", "association", "college", "hospital", "institut", "universit",
	"academy", "foundation", "federation", "council", "department", "faculty",
	"medical school", "school of medicine", "nhs trust", "health system",
	"official account", "magazine", "newsletter", "editors", "editorial",
	"sociedad", "société", "sociedade", "associação", "asociación",
};

/* A person's bio names their hospital or university too: a bio with one
 * of these is a person's, and only the name can make it a source. */
static const char *const person_words[] = {
	" md", "md,", "phd", "dr ", "dr.", "prof", "i'm", "i am", "my ", "she/her", "he/him",
	"they/them", "fellow", "resident", "physician", "surgeon", "nurse", "student", "trainee",
	"consultant", "registrar", "attending", "cardiologist", "doctor",
};

static bool contains_ci(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	for (const char *p = hay; p && *p; p++)
		if (strncasecmp(p, needle, n) == 0)
			return true;
	return false;
}

bool ledger_profile_source(const char *name, const char *bio, bool bot, bool group, const char **why)
{
	const char *dummy;
	if (!why)
		why = &dummy;
	*why = NULL;
	if (group) {
		*why = "a group account";
		return true;
	}
	if (bot) {
		*why = "an automated account";
		return true;
	}
	bool person = false;
	for (size_t i = 0; i < sizeof person_words / sizeof person_words[0]; i++)
		person = person || contains_ci(bio, person_words[i]);
	for (size_t i = 0; i < sizeof org_words / sizeof org_words[0]; i++)
		if (contains_ci(name, org_words[i]) || (!person && contains_ci(bio, org_words[i]))) {
			*why = org_words[i];
			return true;
		}
	return false;
}

bool ledger_profile_matches(const char *words, const char *name, const char *bio)
{
	char w[128];
	bool any = false;

	for (const char *p = words; p && *p; ) {
		size_t n = strcspn(p, ", \t");
		if (n > 0 && n < sizeof w) {
			memcpy(w, p, n);
			w[n] = '\0';
			any = true;
			if (contains_ci(name, w) || contains_ci(bio, w))
				return true;
		}
		p += n;
		p += strspn(p, ", \t");
	}
	return !any;
}
