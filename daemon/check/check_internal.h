/* check_internal.h — internals shared by the check_*.c files. Not a contract:
 * only check.h is. The pieces, in the order a draft meets them:
 *
 *   check_token.c   text -> tokens (words, numbers, punctuation, URLs, ...)
 *   check_entity.c  recognizes URLs, e-mail addresses and @mentions
 *   check_obfus.c   skeletons of obfuscated words ("f*ck", "sh1t", "f u c k")
 *   check_lookup.c  is a word or host in a list (no tokens needed)
 *   check_list.c    word lists (*.words) and phrase matching
 *   check_pattern.c the pattern language -> syntax trees
 *   check_match.c   backtracking matcher of a tree against tokens
 *   check_rules.c   rule files (*.rules) -> engine
 *   check_index.c   which patterns can start at which token
 *   check.c         check_text(): findings, conditions, verdict
 *   check_util.c    arena, growable arrays, hashing, string map */
#ifndef MENTORD_CHECK_CHECK_INTERNAL_H
#define MENTORD_CHECK_CHECK_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "check/check.h"

#define CHECK_NONE UINT32_MAX

/* ---- check_util.c ---- */

struct check_arena_block;
struct check_arena { struct check_arena_block *head; };

/* Zeroed, 8-byte aligned memory freed all at once with the arena. */
void *check_arena_alloc(struct check_arena *a, size_t n);
char *check_arena_strndup(struct check_arena *a, const char *s, size_t n);
void check_arena_free(struct check_arena *a);

/* Grows *items (of size-byte elements) so that it holds at least need. */
int check_vec_reserve(void *items, size_t *cap, size_t need, size_t size);

#define CHECK_HASH_SEED 0xcbf29ce484222325ull
uint64_t check_hash(const void *p, size_t n, uint64_t h);   /* FNV-1a, 64 bit */

/* Open-addressing map from a byte string to a uint32. Keys are not copied:
 * they must outlive the map (they live in the engine's arena). */
struct check_dict_slot { const char *key; uint64_t hash; uint32_t len, value; };
struct check_dict { struct check_dict_slot *slots; size_t cap, n; };

/* Finds key or inserts it with value CHECK_NONE; *value points at its value. */
int check_dict_upsert(struct check_dict *d, const char *key, size_t len, uint32_t **value);
/* The value of key, or CHECK_NONE. */
uint32_t check_dict_get(const struct check_dict *d, const char *key, size_t len);
void check_dict_free(struct check_dict *d);

/* Sets *err (if err) to a malloc'ed "file:line: message"; returns -EINVAL. */
int check_errf(char **err, const char *file, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* ---- check_token.c ---- */

enum check_tok_kind {
	CHECK_TOK_WORD,     /* letters, with inner apostrophes ("don't") */
	CHECK_TOK_NUM,      /* ASCII digits */
	CHECK_TOK_PUNCT,    /* one punctuation character */
	CHECK_TOK_SYM,      /* one emoji or symbol, with its modifiers */
	CHECK_TOK_URL,      /* norm is the host, lower-case, without "www." */
	CHECK_TOK_EMAIL,    /* norm is the address, lower-case */
	CHECK_TOK_MENTION,  /* @handle or @user@instance; norm without the '@' */
};

enum check_tok_flag {
	CHECK_TF_SPACE = 1,  /* preceded by whitespace or the start of the text */
	CHECK_TF_CAP = 2,    /* word that starts upper-case and is not all capitals */
	CHECK_TF_UPPER = 4,  /* word of two or more letters, all capitals */
	CHECK_TF_ASCII = 8,  /* word or number of ASCII characters only */
	CHECK_TF_OBF = 16,   /* starts a word that may be obfuscated: skel valid */
	CHECK_TF_SENT = 32,  /* first token of a sentence */
};

struct check_token {
	uint32_t b0, b1;     /* byte span */
	uint32_t c0, c1;     /* code point span */
	uint32_t norm, nlen; /* normalized text (lower-case, ’ -> ') in toks->norm */
	uint32_t stem;       /* nlen without a final possessive "'s" */
	uint32_t cp;         /* PUNCT/SYM: the normalized code point (dashes -> '-') */
	uint32_t value;      /* NUM: numeric value, saturated at 999999999 */
	uint32_t sent;       /* sentence number */
	uint32_t skel, slen; /* OBF: the de-obfuscated skeleton in toks->norm */
	uint32_t send;       /* OBF: index of the first token after the skeleton */
	uint8_t kind, flags;
};

struct check_toks {
	const char *text;
	size_t len;
	struct check_token *v;
	size_t n, cap;
	char *norm;          /* all normalized strings, back to back */
	size_t norm_len, norm_cap;
	size_t invalid;      /* malformed UTF-8 bytes */
};

struct check_list;

/* Splits text into tokens. abbrev (may be NULL) lists words after which a
 * full stop does not end a sentence ("Dr.", "vs."). */
int check_tokenize(const char *s, size_t len, const struct check_list *abbrev,
		   struct check_toks *out);
void check_toks_free(struct check_toks *t);
/* Normalizes a punctuation code point: dashes to '-', curly quotes to straight. */
uint32_t check_punct_norm(uint32_t cp);

static inline const char *check_tok_norm(const struct check_toks *t, size_t i)
{
	return t->norm + t->v[i].norm;
}

/* ---- check_entity.c: byte scanners, each returning the length found or 0 ---- */

/* A link with a scheme, "www." or a well-known top-level domain; [*host,
 * *host + *hlen) is its host name without "www.". */
size_t check_entity_url(const char *s, size_t n, size_t *host, size_t *hlen);
size_t check_entity_email(const char *s, size_t n);
size_t check_entity_mention(const char *s, size_t n);   /* "@name", "@user@instance" */

/* ---- check_obfus.c ---- */

/* Marks the tokens that begin a possibly obfuscated word and stores its
 * skeleton: leet digits and symbols mapped to letters, masks as '?',
 * separators between single letters dropped, spaced letters joined. */
int check_obf_mark(struct check_toks *t);
/* Does the skeleton spell word? '?' matches any letter; a run of three or more
 * equal letters matches a run of one or two. prefix: word need only begin it.
 * margin: when masks were used, letters shown must exceed masks by margin. */
bool check_obf_spells(const char *skel, size_t slen, const char *word, size_t wlen,
		      bool prefix, int margin);

/* ---- check_list.c ---- */

struct check_item {          /* one token of a list entry or pattern literal */
	const char *text;        /* normalized text (lower-case unless exact) */
	uint32_t len;
	uint32_t cp;             /* punctuation items */
	uint8_t kind;            /* CHECK_TOK_WORD (words and numbers) or CHECK_TOK_PUNCT/SYM */
	uint8_t prefix;          /* "word*": any token beginning with text */
	uint8_t suffix;          /* "*word" (word lists): any token ending with text ("*straße") */
	uint8_t exact;           /* "\"Word\"": case must match */
	uint8_t glued;           /* no whitespace before it in the entry */
};

struct check_entry {
	struct check_item *items;
	uint32_t n_items;
	uint32_t next;           /* next entry with the same first key, or CHECK_NONE */
	const char *raw;         /* the entry as written, lower-case (host lists) */
	uint32_t raw_len;
};

struct check_list {
	const char *name;
	struct check_entry *entries;
	size_t n, cap;
	struct check_dict first;     /* key of the first item -> first entry of its chain */
	uint32_t *prefixed;          /* entries whose first item is a prefix */
	size_t n_prefixed, cap_prefixed;
	bool obfuscate;              /* %obfuscate */
	bool wildcard;               /* %wildcard N */
	int wildcard_margin;
};

int check_list_parse(struct check_list *l, struct check_arena *a, const char *file,
		     const char *data, size_t len, char **err);
void check_list_free(struct check_list *l);
bool check_item_matches(const struct check_item *it, const struct check_toks *t, size_t i);
/* Ends (token index after the match) of entries matching at token pos,
 * longest first; returns how many were stored (at most max). */
size_t check_list_match(const struct check_list *l, const struct check_toks *t, size_t pos,
			bool loose, uint32_t *ends, size_t max);

/* ---- check_lookup.c ---- */

/* Is host equal to an entry, or a subdomain of one? */
bool check_list_has_host(const struct check_list *l, const char *host, size_t len);
/* Is the single word (normalized) an entry? */
bool check_list_has_word(const struct check_list *l, const char *w, size_t len);

/* ---- check_pattern.c ---- */

enum check_node_kind {
	CHECK_N_LIT, CHECK_N_PUNCT, CHECK_N_LIST, CHECK_N_CLASS, CHECK_N_GAP,
	CHECK_N_SEQ, CHECK_N_ALT, CHECK_N_REP, CHECK_N_NOT,
};

enum check_class {
	CHECK_C_NUM, CHECK_C_VAL, CHECK_C_ID, CHECK_C_ALNUM, CHECK_C_CAP, CHECK_C_UPPER,
	CHECK_C_WORD, CHECK_C_ANY, CHECK_C_URL, CHECK_C_EMAIL, CHECK_C_MENTION, CHECK_C_SYM,
};

struct check_node {
	uint8_t kind, cls;
	uint8_t negate;              /* <url:!@list> */
	uint8_t iter_glued;          /* REP: iterations joined without whitespace */
	uint32_t lo, hi;             /* CLASS bounds, REP counts, GAP length */
	struct check_item lit;       /* LIT */
	const uint32_t *cps;         /* PUNCT: any of these code points */
	uint32_t n_cps;
	const struct check_list *list;   /* LIST, and CLASS url host filter */
	struct check_node **kids;    /* SEQ, ALT; REP and NOT have one */
	uint8_t *glued;              /* SEQ: kid i joined to kid i-1 without whitespace */
	uint32_t n_kids;
};

struct check_macro { const char *name; struct check_node *node; };

/* The @lists and $macros a pattern may name, answered by the rule loader
 * (which owns them) so the parser need not know the engine. Each returns
 * NULL for a name not defined (yet). */
struct check_pat_names {
	const void *ctx;
	const struct check_list *(*list)(const void *ctx, const char *name, size_t len);
	const struct check_node *(*macro)(const void *ctx, const char *name, size_t len);
};

/* Parses a pattern; on error returns -EINVAL with *why a static reason. */
int check_pattern_parse(const struct check_pat_names *names, struct check_arena *a,
			const char *src, size_t len, struct check_node **out, const char **why);
/* Can the pattern match without consuming a token? */
bool check_node_nullable(const struct check_node *n);

/* ---- check_match.c ---- */

#define CHECK_MATCH_BUDGET 4000   /* matcher steps per attempt; bounds backtracking */

/* Does pat match at token pos? Stores the end (exclusive) in *end. */
bool check_match_at(const struct check_node *pat, const struct check_toks *t, size_t pos,
		    size_t *end);

/* ---- check_rules.c ---- */

enum check_scope { CHECK_SCOPE_NEAR, CHECK_SCOPE_SENTENCE, CHECK_SCOPE_POST };
enum check_cond_kind { CHECK_REQUIRE, CHECK_UNLESS, CHECK_ESCALATE };

struct check_cond {
	const struct check_node *pat;
	uint8_t kind, scope;
	uint32_t near;               /* NEAR: tokens either side */
	uint32_t memo;               /* index of this condition's post-wide memo */
};

struct check_rule {
	const char *id, *family, *message, *fix;
	enum check_verdict severity;
	struct check_node **match;
	size_t n_match, cap_match;
	struct check_cond *conds;
	size_t n_conds, cap_conds;
	uint32_t combine;            /* combine rules: distinct rules needed, else 0 */
	const char *file;
	unsigned line;
};

/* ---- check_index.c ---- */

struct check_pat { uint32_t rule; const struct check_node *node; };
struct check_posting { uint32_t pat, next; };
struct check_prefix { const char *text; uint32_t len, pat; };

enum check_bucket {          /* patterns that can start at any token of a kind */
	CHECK_B_ANY, CHECK_B_WORD, CHECK_B_CAP, CHECK_B_NUM, CHECK_B_PUNCT, CHECK_B_SYM,
	CHECK_B_URL, CHECK_B_EMAIL, CHECK_B_MENTION, CHECK_B_OBF, CHECK_B_COUNT,
};

struct check_index {
	struct check_pat *pats;      /* every match line of every rule, in rule order */
	size_t n_pats, cap_pats;
	struct check_dict words;     /* first token key -> posting chain */
	struct check_posting *posts;
	size_t n_posts, cap_posts;
	struct check_prefix *prefixes;
	size_t n_prefixes, cap_prefixes;
	uint32_t bucket[CHECK_B_COUNT];  /* posting chains */
};

int check_index_build(struct check_engine *e, char **err);
void check_index_free(struct check_index *ix);
/* Calls add(ctx, pattern id) for every pattern that may match at token i,
 * possibly more than once for the same id. */
void check_index_candidates(const struct check_index *ix, const struct check_toks *t, size_t i,
			    void (*add)(void *ctx, uint32_t pat), void *ctx);

/* ---- the engine ---- */

struct check_engine {
	struct check_arena arena;
	struct check_list *lists;
	size_t n_lists, cap_lists;
	struct check_macro *macros;
	size_t n_macros, cap_macros;
	struct check_rule *rules;
	size_t n_rules, cap_rules;
	size_t n_memos;              /* post-wide conditions across all rules */
	const struct check_list *abbrev;   /* list "abbreviations", may be NULL */
	struct check_index index;
	/* check_engine_new_deferred's: the compiled-in engine, built at the
	 * first use; everything above stays empty. NULL for a loaded engine. */
	struct check_deferred *deferred;
};

/* ---- check_rules.c: deferred engines ---- */
/* The engine that does the work: e itself, or a deferred engine's, loaded
 * now if it was not yet. NULL with *r set when it cannot be loaded. */
const struct check_engine *check_engine_resolve(const struct check_engine *e, int *r);
/* Frees a deferred engine (check_engine_free's part for one). */
void check_deferred_free(struct check_deferred *d);

#endif
