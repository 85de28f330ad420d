/* util.c — what every other file leans on and that has nothing to do with
 * HTTP or the scenario: allocation that never returns NULL, the mixer every
 * generated value derives from, strict number parsing, base32 and cJSON field
 * access. Kept apart so the rest reads as the fake's own logic. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fakeapi.h"

void *util_malloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p) {
		fprintf(stderr, "fakeapi: out of memory\n");
		exit(2);
	}
	return p;
}

void *util_realloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p) {
		fprintf(stderr, "fakeapi: out of memory\n");
		exit(2);
	}
	return p;
}

char *util_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(util_malloc(n), s, n);
}

/* splitmix64 finaliser: every generated value derives from it */
uint64_t util_mix64(uint64_t x)
{
	x += 0x9E3779B97F4A7C15ULL;
	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
	x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
	return x ^ (x >> 31);
}

bool util_parse_u64(const char *s, uint64_t *out)
{
	char *end;
	if (!s || !*s || !isdigit((unsigned char)*s))
		return false;
	errno = 0;
	*out = strtoull(s, &end, 10);
	return errno == 0 && *end == '\0';
}

bool util_parse_long(const char *s, long *out)
{
	char *end;
	if (!s || !*s)
		return false;
	errno = 0;
	*out = strtol(s, &end, 10);
	return errno == 0 && *end == '\0';
}

const char util_b32[] = "abcdefghijklmnopqrstuvwxyz234567";        /* did:plc, CIDs */

void util_b32_fill(char *out, size_t n, uint64_t seed)
{
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++) {
		if (i % 12 == 0)      /* 12 x 5 bits per fresh 64-bit block */
			v = util_mix64(seed ^ (0x9E3779B97F4A7C15ULL * (i / 12 + 1)));
		out[i] = util_b32[v & 31];
		v >>= 5;
	}
	out[n] = '\0';
}

/* whole file, NUL-terminated; NULL with errno set on failure */
char *util_read_file(const char *path)
{
	FILE *fp = fopen(path, "rb");
	struct buf b = { 0 };
	char chunk[4096];
	size_t n;

	if (!fp)
		return NULL;
	while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
		buf_add(&b, chunk, n);
	fclose(fp);
	if (!b.p)
		buf_puts(&b, "");
	return b.p;
}

const char *util_jstr(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

bool util_jnum(const cJSON *o, const char *k, long *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	if (cJSON_IsNumber(v)) {
		*out = (long)v->valuedouble;
		return true;
	}
	if (cJSON_IsString(v) && util_parse_long(v->valuestring, out))
		return true;
	return false;
}

/* Does a Host header match a host name? "a.example" matches "a.example" and
 * "a.example:8080" (any port); "b.example:8443" only "b.example:8443". */
bool util_host_match(const char *name, const char *host)
{
	size_t n = strlen(name);

	if (!host || !*name)
		return false;
	if (strchr(name, ':'))
		return strcasecmp(name, host) == 0;
	return strncasecmp(name, host, n) == 0 && (host[n] == '\0' || host[n] == ':');
}
