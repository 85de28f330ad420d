/* harness_net.h — the input format of the page-parser harness
 * (harness_net.c), shared with fuzz/mkseed.c, which writes recorded
 * fixtures in it.
 *
 * One input is one HTTP response plus the few choices the caller would make:
 *
 *   byte 0     operation (enum net_op, modulo the number of operations)
 *   byte 1     HTTP status, an index into fuzz_net_status[]
 *   byte 2     flags: FUZZ_NET_KNOWN installs a w.is_known callback,
 *              FUZZ_NET_AGAIN parses the body a second time with the advanced
 *              walk (a later page), as a walk does
 *   then       header lines "Name: value\n" up to an empty line; names that
 *              start with ':' are not headers but walk/config inputs:
 *              ":watermark", ":me-id", ":me"
 *   then       the body, to the end of the input (copied into an exact-size
 *              buffer so an over-read of body_len is caught by ASan)
 *
 * Besides not
 * crashing and not leaking, each page must keep net.h's promises: error
 * messages and notes hold no credential, repost/quote refs match the kind,
 * and every string is readable (strlen over it catches dangling pointers). */
#ifndef MENTORD_FUZZ_HARNESS_NET_H
#define MENTORD_FUZZ_HARNESS_NET_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/net.h"

#define FUZZ_NET_KNOWN 0x01
#define FUZZ_NET_AGAIN 0x02
#define FUZZ_NET_MAX_HEADERS 24
#define FUZZ_NET_NOW 1730541600   /* 2024-11-02T10:00:00Z, near the fixtures */

/* Credentials the parsers must never echo into err.msg or note. */
#define FUZZ_NET_TOKEN    "tok-FUZZSECRET-0001"
#define FUZZ_NET_REFRESH  "ref-FUZZSECRET-0002"
#define FUZZ_NET_PASSWORD "pw-FUZZSECRET-0003"

static const int fuzz_net_status[] = {
	200, 200, 200, 0, 201, 204, 301, 400, 401, 403, 404, 410, 413, 422, 429,
	500, 502, 503, 504, 999,
};

struct fuzz_net_input {
	enum net_op op;
	int status;
	unsigned flags;
	struct net_header_pair hdr[FUZZ_NET_MAX_HEADERS];
	struct net_header_list list;
	const char *watermark, *me_id, *me;
	char *head;          /* the header section, lines split in place */
	char *body;          /* exactly body_len bytes, not NUL-terminated */
	size_t body_len;
};

/* Splits data into *in; false for inputs too short to hold the prefix, or
 * when memory runs out. */
bool fuzz_net_input_split(struct fuzz_net_input *in, const uint8_t *data, size_t size);
void fuzz_net_input_clear(struct fuzz_net_input *in);
/* True when msg ends with the first part of secret (a cut credential). */
bool fuzz_net_tail_of(const char *msg, const char *secret);

#endif
