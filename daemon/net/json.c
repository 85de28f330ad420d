#include "net/json.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static int hex4(const char *p, const char *end, unsigned *out)
{
	unsigned v = 0;

	if (end - p < 4)
		return -EINVAL;
	for (int i = 0; i < 4; i++) {
		int c = (unsigned char)p[i];

		if (!isxdigit(c))
			return -EINVAL;
		v = v * 16 + (unsigned)(isdigit(c) ? c - '0' : (tolower(c) - 'a' + 10));
	}
	*out = v;
	return 0;
}

/* Rewrites lone surrogate escapes inside strings to \uFFFD. Returns a heap
 * copy, or NULL if there was nothing to fix (or no memory). */
static char *fix_surrogates(const char *body, size_t len)
{
	const char *p = body, *end = body + len;
	char *copy = NULL;
	bool in_str = false;

	for (; p < end; p++) {
		unsigned u, lo;

		if (*p == '"') {
			in_str = !in_str;
			continue;
		}
		if (!in_str || *p != '\\')
			continue;
		if (p + 1 < end && p[1] != 'u') {
			p++;               /* skip the escaped char (\" included) */
			continue;
		}
		if (hex4(p + 2, end, &u) < 0)
			continue;
		bool high = u >= 0xD800 && u <= 0xDBFF, low = u >= 0xDC00 && u <= 0xDFFF;
		bool paired = high && p + 11 < end + 0 && p[6] == '\\' && p[7] == 'u' &&
			      hex4(p + 8, end, &lo) == 0 && lo >= 0xDC00 && lo <= 0xDFFF;
		if ((high && !paired) || low) {
			if (!copy) {
				copy = malloc(len + 1);
				if (!copy)
					return NULL;
				memcpy(copy, body, len);
				copy[len] = '\0';
			}
			memcpy(copy + (p - body) + 2, "FFFD", 4);
		}
		p += paired ? 11 : 5;
	}
	return copy;
}

cJSON *net_json_parse(const char *body, size_t len)
{
	cJSON *j;
	char *fixed;

	if (!body || !len)
		return NULL;
	j = cJSON_ParseWithLength(body, len);
	if (j)
		return j;
	fixed = fix_surrogates(body, len);
	if (!fixed)
		return NULL;
	j = cJSON_ParseWithLength(fixed, len);
	free(fixed);
	return j;
}

const cJSON *net_json_obj(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;

	return cJSON_IsObject(v) ? v : NULL;
}

const cJSON *net_json_arr(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;

	return cJSON_IsArray(v) ? v : NULL;
}

static const cJSON *member(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;

	return v && !cJSON_IsNull(v) ? v : NULL;
}

int net_json_str(const cJSON *o, const char *key, const char **out)
{
	const cJSON *v = member(o, key);

	if (!v)
		return -ENOENT;
	if (!cJSON_IsString(v) || !v->valuestring)
		return -EINVAL;
	*out = v->valuestring;
	return 0;
}

int net_json_i64(const cJSON *o, const char *key, int64_t *out)
{
	const cJSON *v = member(o, key);
	double d;

	if (!v)
		return -ENOENT;
	if (!cJSON_IsNumber(v))
		return -EINVAL;
	d = v->valuedouble;
	/* 2^63 is exactly representable; anything at or beyond it is not int64. */
	if (!isfinite(d) || d != floor(d) || d < -9223372036854775808.0 || d >= 9223372036854775808.0)
		return -EINVAL;
	*out = (int64_t)d;
	return 0;
}

int net_json_bool(const cJSON *o, const char *key, bool *out)
{
	const cJSON *v = member(o, key);

	if (!v)
		return -ENOENT;
	if (!cJSON_IsBool(v))
		return -EINVAL;
	*out = cJSON_IsTrue(v);
	return 0;
}

const char *net_json_str_or(const cJSON *o, const char *key, const char *def)
{
	const char *s;

	return net_json_str(o, key, &s) == 0 ? s : def;
}

int64_t net_json_i64_or(const cJSON *o, const char *key, int64_t def)
{
	int64_t v;

	return net_json_i64(o, key, &v) == 0 ? v : def;
}

const char *net_json_string(const cJSON *item)
{
	return cJSON_IsString(item) ? item->valuestring : NULL;
}

static int entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct net_json_entry *)a)->key, ((const struct net_json_entry *)b)->key);
}

int net_json_index_build(struct net_json_index *ix, const cJSON *arr, const char *key)
{
	const cJSON *it;
	int n = cJSON_IsArray(arr) ? cJSON_GetArraySize(arr) : 0;

	ix->v = NULL;
	ix->n = 0;
	if (n <= 0)
		return 0;
	ix->v = calloc((size_t)n, sizeof(*ix->v));
	if (!ix->v)
		return -ENOMEM;
	cJSON_ArrayForEach(it, arr) {
		const char *k;

		if (net_json_str(it, key, &k) == 0)
			ix->v[ix->n++] = (struct net_json_entry){ k, it };
	}
	if (ix->n > 1)
		qsort(ix->v, ix->n, sizeof(*ix->v), entry_cmp);
	return 0;
}

const cJSON *net_json_index_find(const struct net_json_index *ix, const char *key)
{
	struct net_json_entry probe = { key, NULL }, *hit;

	if (!key || !ix->n)
		return NULL;
	hit = bsearch(&probe, ix->v, ix->n, sizeof(*ix->v), entry_cmp);
	return hit ? hit->item : NULL;
}

void net_json_index_free(struct net_json_index *ix)
{
	free(ix->v);
	ix->v = NULL;
	ix->n = 0;
}
