/* ledger_detect.c — the text detectors behind nudges: is a post a question,
 * does it announce an opportunity. Both are plain phrase tables, matched
 * case-insensitively at word boundaries; extend the tables, not the code. */
#include "ledger/ledger_internal.h"

#include <string.h>
#include <strings.h>

/* A phrase in lower case; prefix: no word boundary needed after it
 * ("#match" also finds "#Match2026"). */
struct phrase {
	const char *text;
	bool prefix;
};

/* Phrases that ask for answers even without a '?'. */
static const struct phrase question_cues[] = {
	{ "any thoughts", false }, { "thoughts welcome", false }, { "what do you think", false },
	{ "what do you all think", false }, { "how do you", false }, { "how do people", false },
	{ "does anyone", false }, { "has anyone", false }, { "anyone have", false },
	{ "anyone know", false }, { "would love to hear", false }, { "would love your", false },
	{ "i wonder", false }, { "wondering if", false }, { "wondering whether", false },
	{ "curious what", false }, { "curious how", false }, { "curious if", false },
	{ "tips for", false }, { "tips on", false }, { "advice on", false }, { "advice for", false },
	{ "recommendations for", false }, { "help me understand", false },
};

/* Opportunity phrases (field-research §10.7). */
static const struct phrase opportunities[] = {
	{ "looking for students", false }, { "looking for a student", false },
	{ "looking for medical students", false }, { "looking for residents", false },
	{ "seeking students", false }, { "research position", false },
	{ "research positions", false }, { "research assistant", false },
	{ "research opportunity", false }, { "research opportunities", false },
	{ "postdoc position", false }, { "phd position", false },
	{ "applications open", false }, { "applications are open", false },
	{ "accepting applications", false }, { "now accepting", false },
	{ "call for applications", false }, { "call for abstracts", false },
	{ "apply now", false }, { "deadline to apply", false },
	{ "join us", false }, { "join our team", false }, { "join our lab", false },
	{ "meet-up", false }, { "meetup", false }, { "meet up", false },
	{ "tweetchat", false }, { "tweet chat", false },
	{ "fellowship", false }, { "hiring", false }, { "we are recruiting", false },
	{ "mentorship program", false }, { "mentorship programme", false },
	{ "mentoring program", false }, { "open position", false },
	{ "internship", false }, { "summer student", false }, { "visiting student", false },
	{ "scholarship", false }, { "travel grant", false }, { "#match", true },
};

static bool is_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c >= 0x80;
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

/* The first phrase of p[0..n) in table order found in text at word
 * boundaries, or -1 (any: the first found in the text will do). One pass:
 * a phrase that starts with a letter or digit needs a word start, one that
 * starts otherwise ("#match") its own character, so a letter inside a word
 * is skipped at once — the texts are scanned for every post of a review. */
static int first_phrase(const char *text, const struct phrase *p, size_t n, bool any)
{
	int best = -1;
	for (const char *s = text; *s && best != 0; s++) {
		char c = lower(*s);
		if (s > text && is_alnum((unsigned char)s[-1]) && is_alnum((unsigned char)*s))
			continue;
		for (size_t i = 0; i < n && (best < 0 || i < (size_t)best); i++) {
			const char *ph = p[i].text;
			size_t len;
			if (ph[0] != c)
				continue;
			len = strlen(ph);
			if (strncasecmp(s, ph, len) == 0 && (p[i].prefix || !is_alnum((unsigned char)s[len]))) {
				best = (int)i;
				if (any)
					return best;
				break;
			}
		}
	}
	return best;
}

/* A '?' outside links: the chunk holding it is not a URL. */
static bool has_question_mark(const char *text)
{
	const char *s = text;
	while (*s) {
		const char *end = s;
		bool q = false, link = strncasecmp(s, "www.", 4) == 0;
		while (*end && *end != ' ' && *end != '\n' && *end != '\t') {
			q = q || *end == '?';
			link = link || (end[0] == ':' && end[1] == '/' && end[2] == '/');
			end++;
		}
		if (q && !link)
			return true;
		s = *end ? end + 1 : end;
	}
	return false;
}

bool ledger_is_question(const char *text)
{
	if (!text)
		return false;
	if (has_question_mark(text))
		return true;
	return first_phrase(text, question_cues, sizeof question_cues / sizeof *question_cues, true) >= 0;
}

const char *ledger_opportunity_match(const char *text)
{
	if (!text)
		return NULL;
	int i = first_phrase(text, opportunities, sizeof opportunities / sizeof *opportunities, false);
	return i < 0 ? NULL : opportunities[i].text;
}
