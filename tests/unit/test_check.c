/* test_check.c — unit tests of the draft-check engine: offsets over UTF-8,
 * malformed and huge input, word boundaries and obfuscation, fingerprints,
 * overrides, the rule-file loader, and one example for every rule. */
#include "check/check.h"
#include "tap.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct check_finding *find(const struct check_result *r, const char *rule)
{
	size_t i;

	for (i = 0; i < r->n_findings; i++)
		if (strcmp(r->findings[i].rule, rule) == 0)
			return &r->findings[i];
	return NULL;
}

/* Runs text and says whether rule fired (NULL rule: whether nothing did). */
static bool fires(const struct check_engine *e, const char *text, const char *rule)
{
	struct check_result r;
	bool hit;

	if (check_text(e, text, strlen(text), &r) < 0)
		return false;
	hit = rule ? find(&r, rule) != NULL : r.n_findings == 0;
	check_result_clear(&r);
	return hit;
}

/* The verdict of text (CHECK_BLOCK + 1 if it cannot be checked). */
static int verdict(const struct check_engine *e, const char *text)
{
	struct check_result r;
	int v;

	if (check_text(e, text, strlen(text), &r) < 0)
		return CHECK_BLOCK + 1;
	v = (int)r.verdict;
	check_result_clear(&r);
	return v;
}

static void test_empty(const struct check_engine *e)
{
	struct check_result r;

	is_int(check_text(e, "", 0, &r), 0, "empty text checks");
	is_int(r.verdict, CHECK_OK, "empty text is ok");
	is_int(r.n_findings, 0, "empty text has no findings");
	check_result_clear(&r);
	is_int(check_text(e, NULL, 0, &r), 0, "NULL text of length 0 checks");
	check_result_clear(&r);
	is_int(check_text(e, "x", (size_t)CHECK_MAX_INPUT + 1, &r), -E2BIG, "oversized text is refused");
	is_int(r.n_findings, 0, "refused text leaves an empty result");
}

/* The span of rule must cover needle, in bytes and in code points. */
static void offsets_case(const struct check_engine *e, const char *text, const char *needle,
			 size_t chars_before, const char *name)
{
	struct check_result r;
	const struct check_finding *f;
	size_t b = (size_t)(strstr(text, needle) - text);

	check_text(e, text, strlen(text), &r);
	f = find(&r, "phi.mrn");
	if (ok(f != NULL, "%s: finding present", name)) {
		is_int(f->byte_start, b, "byte start");
		is_int(f->byte_end, b + strlen(needle), "byte end");
		is_int(f->char_start, chars_before, "character start");
		is_int(f->char_end, chars_before + strlen(needle), "character end (ASCII match)");
	}
	check_result_clear(&r);
}

static void test_offsets(const struct check_engine *e)
{
	offsets_case(e, "MRN 1234567", "MRN 1234567", 0, "ascii");
	offsets_case(e, "Café crème — MRN 1234567", "MRN 1234567", 13, "latin-1 and dash");
	offsets_case(e, "🎉🎉 MRN 1234567", "MRN 1234567", 3, "emoji");
	offsets_case(e, "病院の記録 MRN 1234567", "MRN 1234567", 6, "CJK");
	offsets_case(e, "👩‍⚕️ note: MRN 1234567", "MRN 1234567", 11, "ZWJ sequence");
}

static void test_invalid_utf8(const struct check_engine *e)
{
	const char bad[] = "\xff\xfe MRN 1234567 \xe2\x82";
	struct check_result r;
	const struct check_finding *f;

	is_int(check_text(e, bad, sizeof bad - 1, &r), 0, "malformed UTF-8 is checked, not refused");
	is_int(r.invalid_bytes, 4, "each malformed byte is counted");
	f = find(&r, "phi.mrn");
	if (ok(f != NULL, "a match after malformed bytes is found")) {
		is_int(f->byte_start, 3, "byte offset after two bad bytes");
		is_int(f->char_start, 3, "each bad byte is one character");
	}
	check_result_clear(&r);
	ok(fires(e, "\xc0\xaf\xed\xa0\x80 overlong and surrogate", NULL), "overlongs and surrogates are harmless");
}

static char *repeat(const char *unit, size_t total)
{
	size_t n = strlen(unit), i;
	char *buf = malloc(total + 1);

	for (i = 0; i + n <= total; i += n)
		memcpy(buf + i, unit, n);
	memset(buf + i, ' ', total - i);
	buf[total] = '\0';
	return buf;
}

static void test_huge(const struct check_engine *e)
{
	char *clean = repeat("Great journal club on the DAPT trial, p<0.001. ", 1 << 20);
	char *risky = repeat("My patient John, MRN 1234567, was admitted on 3/4. ", 1 << 20);
	char *noise = malloc(1 << 20);
	struct check_result r;
	size_t i;

	is_int(check_text(e, clean, strlen(clean), &r), 0, "1 MB of clean text checks");
	is_int(r.verdict, CHECK_OK, "1 MB of clean text is ok");
	check_result_clear(&r);
	is_int(check_text(e, risky, strlen(risky), &r), 0, "1 MB of risky text checks");
	ok(r.truncated && r.n_findings == CHECK_MAX_FINDINGS, "findings are capped (%zu)", r.n_findings);
	is_int(r.verdict, CHECK_BLOCK, "1 MB of risky text blocks");
	check_result_clear(&r);
	for (i = 0; i < (1 << 20); i++)
		noise[i] = (char)((i * 2654435761u) >> 13);
	is_int(check_text(e, noise, 1 << 20, &r), 0, "1 MB of byte noise checks");
	check_result_clear(&r);
	free(clean);
	free(risky);
	free(noise);
}

static void test_boundaries(const struct check_engine *e)
{
	static const char *const clean[] = {
		"Scunthorpe", "class", "assess", "Dickens", "cocktail", "passage", "bass guitar",
		"shiitake", "cumulative", "Summa cum laude", "grasshopper", "assassin", "hello",
		"Matsushita", "analysis", "@Dickens", "https://example.com/shit-happens", "classic AF",
		"x-ray", "The word 'assist'", "3/14 patients", "#MedEd", "e.g. A1c", "NCT01234567",
	};
	static const char *const dirty[] = {
		"fuck", "FUCK", "f*ck", "f**k", "sh1t", "a$$", "f.u.c.k", "f u c k", "fuuuuck",
		"sh!t", "#FuckCancer", "bullsh*t", "b!tch", "Fucking",
	};
	size_t i;

	for (i = 0; i < sizeof clean / sizeof clean[0]; i++)
		ok(fires(e, clean[i], NULL), "clean word passes: %s", clean[i]);
	for (i = 0; i < sizeof dirty / sizeof dirty[0]; i++)
		ok(fires(e, dirty[i], "tone.profanity"), "profanity caught: %s", dirty[i]);
	ok(fires(e, "n1gger", "tone.slur"), "leet slur caught");
	ok(!fires(e, "s**t", "tone.slur"), "heavily masked word is not read as a slur");
}

static void test_sentences(const struct check_engine *e)
{
	ok(!fires(e, "I thanked my patient. John, my co-resident, laughed.", "phi.name"),
	   "a name in the next sentence is not the patient's");
	ok(fires(e, "My patient, Maria, went home.", "phi.name"), "comma before the name still counts");
	ok(!fires(e, "my patient\nJohn Smith is presenting at noon", "phi.name"),
	   "a line break ends a sentence");
	ok(fires(e, "Mr. Jones was admitted overnight.", "phi.name_title"),
	   "\"Mr.\" does not end a sentence");
}

static void test_fingerprint(const struct check_engine *e)
{
	struct check_result a, b, c;

	check_text(e, "MRN 1234567", 11, &a);
	check_text(e, "note:  mrn   1234567!", 21, &b);
	check_text(e, "MRN 7654321", 11, &c);
	if (ok(a.n_findings == 1 && b.n_findings == 1 && c.n_findings == 1, "three findings")) {
		is_str(a.findings[0].fingerprint, b.findings[0].fingerprint, "case and spacing do not change it");
		ok(strcmp(a.findings[0].fingerprint, c.findings[0].fingerprint) != 0, "another number changes it");
		ok(strncmp(a.findings[0].fingerprint, "phi.mrn:", 8) == 0, "it starts with the rule id");
		is_int(check_result_accept(&a, a.findings[0].fingerprint), 0, "accepting a finding");
		is_int(a.verdict, CHECK_OK, "the verdict no longer counts it");
		ok(a.findings[0].accepted, "the finding is marked accepted");
		is_int(check_result_accept(&a, "phi.mrn:0000000000000000"), -ENOENT, "unknown fingerprint");
	}
	check_result_clear(&a);
	check_result_clear(&b);
	check_result_clear(&c);
}

static void test_names(void)
{
	is_str(check_verdict_name(CHECK_OK), "ok", "ok");
	is_str(check_verdict_name(CHECK_WARN), "warn", "warn");
	is_str(check_verdict_name(CHECK_BLOCK), "block", "block");
	is_int(check_verdict_exit_code(CHECK_OK), 0, "exit 0");
	is_int(check_verdict_exit_code(CHECK_WARN), 4, "exit 4");
	is_int(check_verdict_exit_code(CHECK_BLOCK), 5, "exit 5");
}

/* Loads a rule set from strings; returns the engine or NULL with *err. */
static struct check_engine *load(const char *words, const char *rules, char **err)
{
	struct embedded_file f[2] = {
		{ "colors.words", words, strlen(words) },
		{ "10-test.rules", rules, strlen(rules) },
	};
	struct check_engine *e = NULL;

	*err = NULL;
	check_engine_load_files(&e, f, 2, err);
	return e;
}

static void test_loader_errors(void)
{
	static const struct { const char *rules, *want; } bad[] = {
		{ "rule a.b x block\n  match @nolist\n  message m\n  fix f\n", "10-test.rules:2: unknown @list" },
		{ "rule a.b x maybe\n", "10-test.rules:1: severity" },
		{ "rule a.b x warn\n  match red\n", "rule a.b needs a message" },
		{ "rule a.b x warn\n  match (red\n  message m\n  fix f\n", "10-test.rules:2: missing )" },
		{ "rule a.b x warn\n  match red?\n  message m\n  fix f\n", "can match nothing" },
		{ "rule a.b x warn\n  match red\n  require blue\n", "10-test.rules:3: condition must end" },
		{ "  match red\n", "10-test.rules:1: \"match\" outside a rule" },
		{ "rule a.b x warn\n  frobnicate\n", "unknown keyword" },
		{ "rule A.B x warn\n", "bad rule id" },
		{ "rule a.b x warn\n  match <num:x>\n", "bad <class:argument>" },
	};
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *err;
		struct check_engine *e = load("red\n", bad[i].rules, &err);
		ok(!e && err && strstr(err, bad[i].want), "loader error: %s", bad[i].want);
		if (err && !strstr(err, bad[i].want))
			tap_diag("  got: %s", err);
		check_engine_free(e);
		free(err);
	}
}

static void test_custom_rules(void)
{
	char *err;
	struct check_engine *e = load("%obfuscate\nred\nlight blue\nmauve*\n\"OR\"\n",
		"define tel <num:3>-<num:4>\n"
		"rule t.color test warn\n  match @colors\n  message m\n  fix f\n"
		"rule t.tel test warn\n  match call $tel\n  message m\n  fix f\n"
		"rule t.near test block\n  match green\n  require red near 2\n  message m\n  fix f\n"
		"rule t.gap test warn\n  match alpha <gap:2> omega\n  message m\n  fix f\n"
		"rule t.opt test warn\n  match phone \\(?<num:3>\\)?\n  message m\n  fix f\n", &err);

	if (!ok(e != NULL, "custom rules load")) {
		tap_diag("%s", err ? err : "?");
		free(err);
		return;
	}
	ok(fires(e, "a light blue coat", "t.color"), "phrase entry");
	ok(fires(e, "mauvelous", "t.color"), "prefix entry");
	ok(fires(e, "r3d", "t.color"), "obfuscated entry");
	ok(fires(e, "in the OR", "t.color") && !fires(e, "this or that", "t.color"), "exact-case entry");
	ok(fires(e, "call 555-1234", "t.tel"), "glued items match touching tokens");
	ok(!fires(e, "call 555 - 1234", "t.tel"), "glued items refuse whitespace");
	ok(fires(e, "red and green", "t.near") && !fires(e, "red is far from this green", "t.near"),
	   "near N counts tokens");
	ok(fires(e, "alpha to omega", "t.gap") && !fires(e, "alpha one two three omega", "t.gap"),
	   "gap length");
	ok(fires(e, "phone 555", "t.opt") && fires(e, "phone (555)", "t.opt"),
	   "a skipped optional item keeps the looser join");
	check_engine_free(e);
}

static void test_load_dir(const struct check_engine *e)
{
	const char *src = getenv("MENTORD_SRC");
	char path[4096];
	struct check_engine *d = NULL;
	char *err = NULL;

	snprintf(path, sizeof path, "%.4000s/daemon/check/rules", src ? src : ".");
	is_int(check_engine_load_dir(&d, path, &err), 0, "rules load from the source directory");
	if (d)
		is_int(check_engine_rule_count(d), check_engine_rule_count(e), "same rules as compiled in");
	check_engine_free(d);
	free(err);
	is_int(check_engine_load_dir(&d, "/nonexistent/rules", &err), -ENOENT, "missing directory");
	free(err);
}

/* One draft per rule: adding a rule without an example here fails. */
static const struct { const char *rule, *text; } examples[] = {
	{ "phi.name", "My patient Rosa went home today." },
	{ "phi.name_title", "Mrs. Okafor was admitted with sepsis." },
	{ "phi.care_date", "My patient was discharged on March 12." },
	{ "phi.dob", "DOB: 3/14/1950" },
	{ "phi.age_over_89", "A 93-year-old patient came in after a fall." },
	{ "phi.phone", "Call 555-213-4455 for the study." },
	{ "phi.email", "Write to lab@example.org" },
	{ "phi.ssn", "SSN 123-45-6789" },
	{ "phi.mrn", "MRN 1234567" },
	{ "phi.account", "account number 99812345" },
	{ "phi.health_plan", "member ID AB1234567" },
	{ "phi.license", "driver's license D7654321" },
	{ "phi.vehicle", "the car's plate number ZX 4412" },
	{ "phi.device", "serial number 88AB1234" },
	{ "phi.url", "Help my patient: https://gofundme.com/f/rosa" },
	{ "phi.ip", "server at 10.0.0.12" },
	{ "phi.address", "Meet at 12 Elm Street" },
	{ "phi.zip", "ZIP code 02139" },
	{ "phi.location", "my patient from Smallville" },
	{ "quasi.time_place", "Last night in the ICU a woman coded." },
	{ "quasi.notable_person", "Just intubated the mayor, wild night." },
	{ "quasi.named_place", "My patient at Mercy General Hospital thanked me." },
	{ "quasi.rare_condition", "A 40-year-old farmer with rabies." },
	{ "quasi.age_sex", "72F with dyspnea" },
	{ "quasi.my_patient", "my patient taught me patience" },
	{ "quasi.photo", "X-ray attached." },
	{ "quasi.bed", "The patient in bed 3 is stable." },
	{ "quasi.combination", "Last night in our ED, 45M with measles. Pic attached." },
	{ "tone.profanity", "what a shitshow" },
	{ "tone.slur", "such a retard" },
	{ "phi.patient_name", "my patient \xc5\x81ukasz Nowak went home" },
	{ "phi.name_bed", "Bed 7 (Jones) needs a lactate" },
	{ "phi.name_family", "Baby Ahmed is off CPAP in the NICU" },
	{ "phi.name_age", "Rose, 96, is on the ward" },
	{ "phi.care_date_words", "she was admitted on the third of March" },
	{ "phi.care_date_intl", "my patient died 03.03.2026, surgery had gone well" },
	{ "phi.age_words", "our patient is ninety-three" },
	{ "phi.phone_intl", "call me on +44 20 7946 0958" },
	{ "phi.number_by_label", "health plan number is HP 8812-44-902" },
	{ "phi.record_number", "Patient A-4482-1937 is back" },
	{ "phi.address_intl", "she lives at 14 Rue des Lilas" },
	{ "tone.dehumanizing", "another gomer" },
	{ "tone.contempt", "some patients are just too stupid to take their meds" },
	{ "tone.sarcasm", "oh great, another \"I googled my symptoms\" genius in triage" },
	{ "tone.drinking", "had a few too many at the department party" },
	{ "tone.disparaging", "this hospital is a joke" },
	{ "tone.advice_to_person", "@worried_mom your son should be fine, start him on amoxicillin tonight" },
	{ "tone.frequent_flyer", "our frequent flyer is back" },
	{ "tone.mocking_patient", "dumb patient" },
	{ "tone.mocking_colleague", "useless interns" },
	{ "tone.laughing", "my patient said that lol" },
	{ "tone.intoxication", "so hungover" },
	{ "tone.medical_advice", "DM me your symptoms" },
};

/* Issue 16: scripts, international formats, the colleague guard, disguises. */
static void test_issue16(const struct check_engine *e)
{
	ok(fires(e, "Patient \xd0\x98\xd0\xb2\xd0\xb0\xd0\xbd \xd0\xa1\xd0\xbc\xd0\xb8\xd1\x80\xd0\xbd\xd0\xbe\xd0\xb2, 58, is back",
		 "phi.patient_name"), "a Cyrillic name after \"Patient\"");
	ok(fires(e, "My patient \xe7\x8e\x8b\xe8\x8a\xb3 smiled after surgery", "phi.patient_name"),
	   "a Han name (no case) after \"my patient\"");
	ok(verdict(e, "Dr. \xc5\x81ukasz Wi\xc5\x9bniewski gave a keynote on sepsis.") == CHECK_OK,
	   "a colleague with a title stays clean");
	ok(verdict(e, "Grand rounds on 03.03.2026: Dr. M\xc3\xbcller on delirium.") == CHECK_OK,
	   "an academic date stays clean");
	ok(verdict(e, "Had a few too many slides in my talk.") == CHECK_OK, "\"too many slides\" is not drinking");
	ok(verdict(e, "Frequent flyer miles paid for the flight to the conference.") == CHECK_OK,
	   "frequent flyer miles are not contempt");
	ok(fires(e, "My patient lives at Hauptstra\xc3\x9f" "e 5 with her son", "phi.address_intl") &&
	   verdict(e, "My patient lives at Hauptstra\xc3\x9f" "e 5 with her son") == CHECK_BLOCK,
	   "a compound street name (suffix entry) blocks in a patient post");
	ok(fires(e, "my patient's daughter: ring +91 98765 43210", "phi.phone_intl") &&
	   fires(e, "call me back on 020 7946 0958, says the patient's wife", "phi.phone_intl"),
	   "E.164 and UK national phone numbers");
	ok(fires(e, "Some patients are just too \xef\xbd\x93\xef\xbd\x94\xef\xbd\x95\xef\xbd\x90\xef\xbd\x89\xef\xbd\x84 to take their meds",
		 "tone.contempt"), "a fullwidth disguise folds (NFKC)");
	ok(fires(e, "She was admitted on the third of March.", "phi.care_date_words"), "a date in words");
	ok(fires(e, "The patient, aged ninety-one, refused dialysis.", "phi.age_words"), "an age in words");
}

static void test_every_rule(const struct check_engine *e)
{
	size_t i, k, n = check_engine_rule_count(e);

	for (i = 0; i < sizeof examples / sizeof examples[0]; i++)
		ok(fires(e, examples[i].text, examples[i].rule), "%s fires on \"%s\"", examples[i].rule,
		   examples[i].text);
	for (i = 0; i < n; i++) {
		const char *id = check_engine_rule_id(e, i);
		for (k = 0; k < sizeof examples / sizeof examples[0]; k++)
			if (strcmp(examples[k].rule, id) == 0)
				break;
		ok(k < sizeof examples / sizeof examples[0], "rule %s has an example", id);
	}
}

/* A deferred engine answers as the loaded one does, from its first call
 * on, and may be freed without ever being used. */
static void test_deferred(const struct check_engine *loaded)
{
	static const char *const texts[] = {
		"Pt in bed 4, MRN 12345678, DOB 03/04/1950, came in with chest pain",
		"What a great talk on ECG reading today!",
		"",
	};
	struct check_engine *d = NULL, *unused = NULL;
	struct check_result a, b;

	ok(check_engine_new_deferred(&d) == 0 && d, "a deferred engine");
	for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
		bool same;
		if (check_text(loaded, texts[i], strlen(texts[i]), &a) < 0 ||
		    check_text(d, texts[i], strlen(texts[i]), &b) < 0) {
			ok(0, "deferred: text %zu checks", i);
			continue;
		}
		same = a.verdict == b.verdict && a.n_findings == b.n_findings;
		for (size_t k = 0; same && k < a.n_findings; k++)
			same = strcmp(a.findings[k].rule, b.findings[k].rule) == 0 &&
			       a.findings[k].byte_start == b.findings[k].byte_start &&
			       a.findings[k].byte_end == b.findings[k].byte_end;
		ok(same, "deferred: text %zu, the same verdict and findings (%zu)", i, b.n_findings);
		check_result_clear(&a);
		check_result_clear(&b);
	}
	is_int((int)check_engine_rule_count(d), (int)check_engine_rule_count(loaded), "deferred: the same rules");
	ok(check_engine_rule_id(d, 0) && strcmp(check_engine_rule_id(d, 0), check_engine_rule_id(loaded, 0)) == 0,
	   "deferred: the same first rule id");
	check_engine_free(d);
	ok(check_engine_new_deferred(&unused) == 0, "a deferred engine never used");
	check_engine_free(unused);
}

int main(void)
{
	struct check_engine *e;
	char *err = NULL;

	if (!ok(check_engine_new(&e, &err) == 0, "compiled-in rules load")) {
		tap_diag("%s", err ? err : "?");
		free(err);
		return tap_done();
	}
	ok(check_engine_rule_count(e) >= 30, "rules loaded: %zu", check_engine_rule_count(e));
	test_empty(e);
	test_offsets(e);
	test_invalid_utf8(e);
	test_huge(e);
	test_boundaries(e);
	test_sentences(e);
	test_fingerprint(e);
	test_names();
	test_loader_errors();
	test_custom_rules();
	test_load_dir(e);
	test_issue16(e);
	test_every_rule(e);
	test_deferred(e);
	check_engine_free(e);
	return tap_done();
}
