/* ledger_detect.c — the text detectors behind nudges: is a post a question,
 * does it announce an opportunity. Both are plain phrase tables, matched
 * case-insensitively at word boundaries; extend the tables, not the code. */
#include "ledger/ledger_internal.h"

#include <string.h>
#include <strings.h>

/* Phrases that ask for answers even without a '?'. */
static const char *const question_cues[] = {
	"any thoughts", "thoughts welcome", "what do you think", "what do you all think",
	"how do you", "how do people", "does anyone", "has anyone", "anyone have", "anyone know",
	"would love to hear", "would love your", "i wonder", "wondering if", "wondering whether",
	"curious what", "curious how", "curious if", "tips for", "tips on", "advice on",
	"advice for", "recommendations for", "help me understand",
};

/* Opportunity phrases (field-research §10.7). prefix: no word boundary needed
 * after the phrase ("#match" also finds "#Match2026"). */
static const struct { const char *phrase; bool prefix; } opportunities[] = {
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

/* phrase (lower case) in text at word boundaries; prefix relaxes the end. */
static bool has_phrase(const char *text, const char *phrase, bool prefix)
{
	size_t n = strlen(phrase);
	bool word_start = is_alnum((unsigned char)phrase[0]);   /* "#match" needs no boundary */
	for (const char *s = text; *s; s++) {
		if (lower(*s) != phrase[0] || (word_start && s > text && is_alnum((unsigned char)s[-1])))
			continue;
		if (strncasecmp(s, phrase, n) == 0 && (prefix || !is_alnum((unsigned char)s[n])))
			return true;
	}
	return false;
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
	for (size_t i = 0; i < sizeof question_cues / sizeof *question_cues; i++)
		if (has_phrase(text, question_cues[i], false))
			return true;
	return false;
}

const char *ledger_opportunity_match(const char *text)
{
	if (!text)
		return NULL;
	for (size_t i = 0; i < sizeof opportunities / sizeof *opportunities; i++)
		if (has_phrase(text, opportunities[i].phrase, opportunities[i].prefix))
			return opportunities[i].phrase;
	return NULL;
}
