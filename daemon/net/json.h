/* json.h — type-checked access to cJSON trees.
 *
 * Every getter checks the container and the value type, so a parser can never
 * dereference the wrong union member. Getters that return int distinguish
 * "absent" (-ENOENT; JSON null counts as absent) from "present with the wrong
 * type" (-EINVAL), which is how adapters tell an optional field from a broken
 * item. */
#ifndef MENTORD_NET_JSON_H
#define MENTORD_NET_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

/* Parses a body that is not NUL-terminated. When cJSON rejects it only because
 * of an unpaired UTF-16 surrogate escape ("\uD83D" without its partner), the
 * escape is replaced by U+FFFD in a private copy and parsing is retried, so
 * one broken emoji cannot lose a whole page. NULL if not JSON. */
cJSON *net_json_parse(const char *body, size_t len);

/* The member `key` if it is an object / array, else NULL. */
const cJSON *net_json_obj(const cJSON *o, const char *key);
const cJSON *net_json_arr(const cJSON *o, const char *key);

/* String member: 0 and *out set; -ENOENT absent or null; -EINVAL other type. */
int net_json_str(const cJSON *o, const char *key, const char **out);
/* Integer member (a JSON number that is integral and fits int64_t). */
int net_json_i64(const cJSON *o, const char *key, int64_t *out);
int net_json_bool(const cJSON *o, const char *key, bool *out);
/* Lenient forms for optional fields: the value, or def if absent or mistyped. */
const char *net_json_str_or(const cJSON *o, const char *key, const char *def);
int64_t net_json_i64_or(const cJSON *o, const char *key, int64_t def);
/* The string value of an item itself (array element), or NULL. */
const char *net_json_string(const cJSON *item);

/* A lookup table over an array of objects keyed by one string member, for
 * joining X "includes" to posts without a quadratic scan. */
struct net_json_index {
	struct net_json_entry { const char *key; const cJSON *item; } *v;
	size_t n;
};
/* Indexes the objects of arr that carry a string `key` (others are skipped).
 * arr may be NULL (empty index). Returns 0 or -ENOMEM. */
int net_json_index_build(struct net_json_index *ix, const cJSON *arr, const char *key);
const cJSON *net_json_index_find(const struct net_json_index *ix, const char *key);
void net_json_index_free(struct net_json_index *ix);

#endif
