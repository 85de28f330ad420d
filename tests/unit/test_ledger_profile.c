/* test_ledger_profile.c — an account judged by its profile: fit (the fit of
 * suggestions over name and bio), organisations, --match. */
#include <string.h>

#include "ledger/ledger_profile.h"
#include "ledger/textvec.h"
#include "tap.h"

#define NOW 1790000000

int main(void)
{
	static struct textvec_query q;
	const char *interests[] = { "cardiology", "meded" };
	const char *why = NULL;

	textvec_query_build(&q, interests, 2, NULL);
	double hi = ledger_profile_fit("Dr. Ana Cruz", "Interventional cardiology attending. #meded", NOW, &q, NULL);
	double mid = ledger_profile_fit("Dr. Bo Li", "Clinician educator. #meded", NOW, &q, NULL);
	double lo = ledger_profile_fit("Dr. Cy Ode", "Orthopaedic surgeon. Trail running and coffee.", NOW, &q, NULL);
	ok(hi >= mid && mid > lo, "fit follows the interests (%.1f >= %.1f > %.1f)", hi, mid, lo);
	ok(hi <= 100 && lo >= 0, "fit is 0-100");
	ok(ledger_profile_fit(NULL, NULL, NOW, &q, NULL) >= 0, "no profile: no crash");
	ok(ledger_profile_fit("x", "cardiology", NOW, NULL, NULL) >= 0, "no interests: no crash");

	ok(ledger_profile_source("Journal of Cardiology Education", "Peer-reviewed.", false, false, &why) &&
	   strcmp(why, "journal") == 0, "a journal by its name");
	ok(ledger_profile_source("ESC", "The European Society of Cardiology.", false, false, &why),
	   "a society by its bio");
	ok(ledger_profile_source("Digest", "", true, false, &why) && strstr(why, "automated"), "a bot");
	ok(ledger_profile_source("Fellows", "", false, true, &why) && strstr(why, "group"), "a group");
	ok(!ledger_profile_source("Dr. Ana Cruz", "Cardiologist at St Mary's Hospital. She/her.", false, false, &why),
	   "a person naming her hospital is a person");
	ok(!ledger_profile_source("Dr. Bo Li", "Clinician educator. #meded", false, false, &why), "a person");
	ok(ledger_profile_source("Teaching Hospital Residency", "I post news.", false, false, &why),
	   "an organisation's name wins over its bio");

	ok(ledger_profile_matches(NULL, "a", "b") && ledger_profile_matches("", "a", "b"), "no words match all");
	ok(ledger_profile_matches("cardio, surgery", "Dr. X", "Interventional Cardiology"), "a word in the bio");
	ok(ledger_profile_matches("journal", "Journal of X", NULL), "a word in the name");
	ok(!ledger_profile_matches("oncology nephrology", "Dr. X", "Cardiology"), "no word: no match");
	return tap_done();
}
