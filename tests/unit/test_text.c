/* Unit tests for mentorctl's terminal text (ctl/text.c): columns measured
 * with utf8proc's width, so tables with CJK, emoji and combining marks line
 * up, and cuts that never split a wide character. */
#include "ctl/text.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>

int main(void)
{
	char *s;

	is_int((int)text_cols("abc"), 3, "ASCII: one column each");
	is_int((int)text_cols("\xe7\x8e\x8b\xe8\x8a\xb3"), 4, "two Han characters: four columns");
	is_int((int)text_cols("\xf0\x9f\x98\x80"), 2, "an emoji: two columns");
	is_int((int)text_cols("e\xcc\x81"), 1, "e + combining acute: one column");
	is_int((int)text_cols("\xc5\x81ukasz"), 6, "Łukasz: six columns");

	s = text_line("\xe7\x8e\x8b\xe8\x8a\xb3\xe7\x8e\x8b\xe8\x8a\xb3", 5);
	is_str(s, "\xe7\x8e\x8b\xe8\x8a\xb3\xe2\x80\xa6", "cut to 5 columns: two wide characters and the ellipsis");
	is_int((int)text_cols(s), 5, "the cut line is 5 columns");
	free(s);
	s = text_line("cafe\xcc\x81 au lait", 6);
	is_str(s, "cafe\xcc\x81\xe2\x80\xa6", "a combining mark stays with its letter");
	free(s);
	s = text_line("a\xffz", 0);
	is_str(s, "a?z", "invalid UTF-8 still becomes '?'");
	free(s);
	return tap_done();
}
