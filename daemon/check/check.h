/* check.h — the draft-check rule engine: finds patient identifiers,
 * quasi-identifiers and unprofessional tone in a draft post, entirely offline.
 *
 * The rules and word lists are data (daemon/rules/, documented in
 * docs/CHECK.md), compiled into the binary and parsed once into an engine.
 * An engine is immutable after loading, so one engine may serve any number of
 * threads calling check_text() at once.
 *
 * Input is UTF-8. Malformed bytes are not rejected: each one is read as a
 * single U+FFFD character (counted in check_result.invalid_bytes), so offsets
 * stay consistent with what an editor showing replacement characters sees and
 * a stray byte cannot make a pre-post hook fail.
 *
 * Functions returning int give 0 on success or a negative errno. */
#ifndef MENTORD_CHECK_H
#define MENTORD_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "base/embed.h"

enum check_verdict {
	CHECK_OK = 0,     /* nothing found */
	CHECK_WARN = 1,   /* worth a second look before posting */
	CHECK_BLOCK = 2,  /* do not post as written */
};

#define CHECK_MAX_INPUT     (2u << 20)   /* bytes; longer drafts get -E2BIG */
#define CHECK_MAX_FINDINGS  256          /* more are dropped and `truncated` set */
#define CHECK_RULE_ID_MAX   47           /* longest rule id the loader accepts */
#define CHECK_FINGERPRINT_SIZE (CHECK_RULE_ID_MAX + 18)

struct check_finding {
	const char *rule;      /* stable id, e.g. "phi.mrn" */
	const char *family;    /* "identifier", "quasi" or "tone" */
	enum check_verdict severity;   /* CHECK_WARN or CHECK_BLOCK */
	size_t byte_start, byte_end;   /* [start, end) in the input bytes */
	size_t char_start, char_end;   /* the same span in code points */
	const char *message;   /* plain-language explanation */
	const char *fix;       /* what to do about it */
	/* "rule:16 hex digits": the rule plus a hash of the matched words,
	 * lower-cased and with whitespace collapsed, so it survives re-typing the
	 * draft. Use it to record that the user accepted this finding. */
	char fingerprint[CHECK_FINGERPRINT_SIZE];
	bool accepted;         /* set by check_result_accept() */
};

/* The strings in findings belong to the engine: keep the engine alive while
 * the result is used. */
struct check_result {
	enum check_verdict verdict;    /* worst severity among findings not accepted */
	struct check_finding *findings;   /* sorted by byte_start, then rule */
	size_t n_findings;
	bool truncated;        /* CHECK_MAX_FINDINGS reached */
	size_t invalid_bytes;  /* malformed UTF-8 bytes read as U+FFFD */
};

struct check_engine;

/* Loads the rules compiled into the binary (check_rules[]). On a bad rule file
 * returns -EINVAL and, if err is not NULL, a malloc'ed "file:line: reason". */
int check_engine_new(struct check_engine **out, char **err);
/* The same engine, parsed at its first use (check_text, rule count or id)
 * rather than now: the rules' ~0.8 MB stay unallocated in a daemon that
 * checks nothing. A load failure is logged then and returned by that call
 * (-EINVAL for a bad rule: a build bug, which check_engine_new's tests
 * catch first); allocation failures are tried again at the next use. */
int check_engine_new_deferred(struct check_engine **out);
/* Loads rules from files given in memory, e.g. to test a rule in isolation.
 * Files named *.words are word lists, *.rules are rules; others are ignored.
 * files[i].data need not outlive the call. */
int check_engine_load_files(struct check_engine **out, const struct embedded_file *files,
			    size_t n_files, char **err);
/* Loads every *.words and *.rules file of a directory, in name order. */
int check_engine_load_dir(struct check_engine **out, const char *dir, char **err);
void check_engine_free(struct check_engine *engine);
size_t check_engine_rule_count(const struct check_engine *engine);
/* The id of rule i (i < check_engine_rule_count()), e.g. for listing rules. */
const char *check_engine_rule_id(const struct check_engine *engine, size_t i);

/* Checks len bytes of text (no NUL needed). On success *out owns a findings
 * array: release it with check_result_clear(). Returns -E2BIG for input over
 * CHECK_MAX_INPUT and -ENOMEM; *out is then empty and needs no clearing. */
int check_text(const struct check_engine *engine, const char *utf8, size_t len,
	       struct check_result *out);

/* Marks every finding with this fingerprint as accepted and recomputes the
 * verdict without them; returns -ENOENT if none matched. Logging the override
 * is the caller's business. */
int check_result_accept(struct check_result *result, const char *fingerprint);
void check_result_clear(struct check_result *result);

/* "ok", "warn", "block". */
const char *check_verdict_name(enum check_verdict verdict);
/* The mentorctl exit code of a verdict (spec.md): 0 ok, 4 warn, 5 block. */
int check_verdict_exit_code(enum check_verdict verdict);

#endif
