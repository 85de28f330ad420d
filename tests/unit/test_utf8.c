/* Unit tests for utf8_prefix: quoting a bounded prefix of a D-Bus string
 * argument must never split a character (an invalid-UTF-8 error message
 * cannot be sent, and the caller would get no reply). */
#include "common/utf8.h"
#include "tap.h"

#include <string.h>

int main(void)
{
	is_int(utf8_prefix("", 10), 0, "empty string");
	is_int(utf8_prefix("abc", 10), 3, "shorter than the limit: whole string");
	is_int(utf8_prefix("abcdef", 3), 3, "ASCII cut at the limit");
	/* "aé": 'a', then 0xC3 0xA9; a cut after 2 bytes would split é. */
	is_int(utf8_prefix("a\xc3\xa9", 2), 1, "two-byte character not split");
	is_int(utf8_prefix("a\xc3\xa9", 3), 3, "two-byte character fits");
	is_int(utf8_prefix("\xe2\x82\xac\xe2\x82\xac", 4), 3, "three-byte character not split");
	is_int(utf8_prefix("ab\xf0\x9f\xa9\xba", 5), 2, "four-byte character not split (cut after 3 of 4)");
	is_int(utf8_prefix("ab\xf0\x9f\xa9\xba", 3), 2, "four-byte character not split (cut after 1 of 4)");
	is_int(utf8_prefix("ab\xf0\x9f\xa9\xba", 6), 6, "four-byte character fits");
	is_int(utf8_prefix("\xc3\xa9", 0), 0, "limit 0");
	return tap_done();
}
