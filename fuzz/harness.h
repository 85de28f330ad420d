/* harness.h — what each fuzz target runs on one input, and the checks it
 * makes besides not crashing (abort() when a contract of the code under
 * test is broken). The libFuzzer entry points (fuzz_*.c) are one line
 * each; tests/unit/test_fuzz_regress.c replays every input that ever
 * crashed through the same functions, in the normal build. */
#ifndef MENTORD_FUZZ_HARNESS_H
#define MENTORD_FUZZ_HARNESS_H

#include <stddef.h>
#include <stdint.h>

/* net_parse() of the named network (harness_net.h: the input format). */
int fuzz_net_one(const char *network, const uint8_t *data, size_t size);
/* HTML to text, entities (net/html.h). */
int fuzz_html_one(const uint8_t *data, size_t size);
/* Raw response header lines to every reader of header values. */
int fuzz_headers_one(const uint8_t *data, size_t size);
/* mentord.conf (config_parse). */
int fuzz_config_one(const uint8_t *data, size_t size);
/* The draft checker with the built-in rules. */
int fuzz_check_one(const uint8_t *data, size_t size);
/* A message file's header block (mail_headers_parse). */
int fuzz_mail_one(const uint8_t *data, size_t size);

#endif
