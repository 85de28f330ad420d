/* mkseed.c — writes the seed corpora of the fuzz targets from the test
 * fixtures, so no copy of a fixture is ever committed under fuzz/.
 *
 *   mkseed net DIR WATERMARK FIXTURE...   harness_net.h inputs: every operation,
 *                                         with and without a watermark
 *   mkseed headers DIR FIXTURE...         raw header blocks (fuzz_headers)
 *   mkseed html DIR FIXTURE...            every body string holding markup
 *   mkseed drafts DIR TSV...              the drafts of the tests/corpus TSV files
 *   mkseed dict FIXTURE...                "key" lines for a libFuzzer dict
 *
 * Fixtures are the recorded-response wrappers read by tests/unit (see
 * net_testutil.h). Bodies over BIG bytes are re-printed with every array cut
 * to a few items: the structure is what the fuzzer needs, and small inputs
 * run many times faster. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "net_testutil.h"
#include "harness_net.h"

#define BIG 16384
#define KEEP_ITEMS 3
#define MAX_HTML_PER_FILE 200

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static int write_seed(const char *dir, const char *name, const void *a, size_t na,
		      const void *b, size_t nb)
{
	char path[4096];
	FILE *f;
	int r = 0;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (!(f = fopen(path, "wb")))
		return -errno;
	if ((na && fwrite(a, 1, na, f) != na) || (nb && fwrite(b, 1, nb, f) != nb))
		r = -EIO;
	if (fclose(f) != 0 && r == 0)
		r = -EIO;
	if (r < 0)
		fprintf(stderr, "mkseed: cannot write %s\n", path);
	return r;
}

static void cut_arrays(cJSON *j)
{
	if (cJSON_IsArray(j))
		while (cJSON_GetArraySize(j) > KEEP_ITEMS)
			cJSON_DeleteItemFromArray(j, KEEP_ITEMS);
	for (cJSON *c = j ? j->child : NULL; c; c = c->next)
		cut_arrays(c);
}

/* The body to seed with: verbatim when small, else cut down (heap, or NULL
 * when the verbatim body is used). */
static char *small_body(const struct fixture *fx, const char **body, size_t *len)
{
	cJSON *j;
	char *out = NULL;

	*body = fx->body;
	*len = fx->body_len;
	if (fx->body_len <= BIG || !(j = cJSON_ParseWithLength(fx->body, fx->body_len)))
		return NULL;
	cut_arrays(j);
	out = cJSON_PrintUnformatted(j);
	cJSON_Delete(j);
	if (out) {
		*body = out;
		*len = strlen(out);
	}
	return out;
}

static size_t status_index(int status)
{
	for (size_t i = 0; i < sizeof fuzz_net_status / sizeof fuzz_net_status[0]; i++)
		if (fuzz_net_status[i] == status)
			return i;
	return 0;
}

static int seed_net(const char *dir, const char *wm, const char *path)
{
	struct fixture fx;
	const char *body;
	size_t len;
	char *owned, *head = NULL, name[512];
	size_t hlen = 0;
	FILE *h;
	int r = 0;

	if (fx_load(&fx, path) < 0)
		return -EINVAL;
	owned = small_body(&fx, &body, &len);
	for (unsigned variant = 0; variant < 2 && r == 0; variant++) {
		for (unsigned op = 0; op <= NET_OP_SESSION_REFRESH && r == 0; op++) {
			if (!(h = open_memstream(&head, &hlen))) {
				r = -ENOMEM;
				break;
			}
			fputc((int)op, h);
			fputc((int)status_index(fx.status), h);
			fputc(variant ? FUZZ_NET_KNOWN | FUZZ_NET_AGAIN : 0, h);
			for (size_t i = 0; i < fx.hlist.n; i++)
				fprintf(h, "%s: %s\n", fx.hdr[i].name, fx.hdr[i].value);
			if (variant)
				fprintf(h, ":watermark: %s\n:me-id: 1000\n", wm);
			fputc('\n', h);
			if (fclose(h) != 0) {
				r = -ENOMEM;
				break;
			}
			snprintf(name, sizeof name, "%s-op%u-v%u", base_name(path), op, variant);
			r = write_seed(dir, name, head, hlen, body, len);
			free(head);
			head = NULL;
		}
	}
	free(owned);
	fx_free(&fx);
	return r;
}

static int seed_headers(const char *dir, const char *path)
{
	struct fixture fx;
	char *head = NULL;
	size_t hlen = 0;
	FILE *h;
	int r;

	if (fx_load(&fx, path) < 0)
		return -EINVAL;
	if (!(h = open_memstream(&head, &hlen))) {
		fx_free(&fx);
		return -ENOMEM;
	}
	fprintf(h, "HTTP/1.1 %d Fixture\r\n", fx.status ? fx.status : 200);
	for (size_t i = 0; i < fx.hlist.n; i++)
		fprintf(h, "%s: %s\r\n", fx.hdr[i].name, fx.hdr[i].value);
	fputs("\r\n", h);
	r = fclose(h) == 0 ? write_seed(dir, base_name(path), head, hlen, NULL, 0) : -ENOMEM;
	free(head);
	fx_free(&fx);
	return r;
}

static int html_walk(const cJSON *j, const char *dir, const char *base, unsigned *n)
{
	int r = 0;

	if (cJSON_IsString(j) && j->valuestring && (strchr(j->valuestring, '<') ||
						    strchr(j->valuestring, '&'))) {
		char name[512];

		if (*n >= MAX_HTML_PER_FILE)
			return 0;
		snprintf(name, sizeof name, "%s-%u", base, (*n)++);
		return write_seed(dir, name, j->valuestring, strlen(j->valuestring), NULL, 0);
	}
	for (const cJSON *c = j->child; c && r == 0; c = c->next)
		r = html_walk(c, dir, base, n);
	return r;
}

static int seed_html(const char *dir, const char *path)
{
	struct fixture fx;
	cJSON *j;
	unsigned n = 0;
	int r = 0;

	if (fx_load(&fx, path) < 0)
		return -EINVAL;
	if ((j = cJSON_ParseWithLength(fx.body, fx.body_len))) {
		r = html_walk(j, dir, base_name(path), &n);
		cJSON_Delete(j);
	}
	fx_free(&fx);
	return r;
}

static int seed_drafts(const char *dir, const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL, name[512];
	size_t cap = 0;
	unsigned n = 0;
	int r = 0;

	if (!f)
		return -errno;
	while (r == 0 && getline(&line, &cap, f) > 0) {
		char *t = line[0] == '#' ? NULL : strchr(line, '\t');
		char *d = t ? strchr(t + 1, '\t') : NULL, *w, *q;

		if (!d)
			continue;
		/* The corpus writes a line break as \n and a tab as \t. */
		for (w = q = d + 1; *q && *q != '\n'; q++) {
			if (q[0] == '\\' && (q[1] == 'n' || q[1] == 't')) {
				*w++ = q[1] == 'n' ? '\n' : '\t';
				q++;
			} else {
				*w++ = *q;
			}
		}
		snprintf(name, sizeof name, "%s-%u", base_name(path), n++);
		r = write_seed(dir, name, d + 1, (size_t)(w - (d + 1)), NULL, 0);
	}
	free(line);
	fclose(f);
	return r;
}

static void dict_walk(const cJSON *j)
{
	for (const cJSON *c = j->child; c; c = c->next) {
		if (c->string && strlen(c->string) < 64 && !strpbrk(c->string, "\"\\"))
			printf("\"\\\"%s\\\"\"\n", c->string);
		dict_walk(c);
	}
}

static int dict(const char *path)
{
	struct fixture fx;
	cJSON *j;

	if (fx_load(&fx, path) < 0)
		return -EINVAL;
	if ((j = cJSON_ParseWithLength(fx.body, fx.body_len))) {
		dict_walk(j);
		cJSON_Delete(j);
	}
	fx_free(&fx);
	return 0;
}

int main(int argc, char **argv)
{
	int i = 3, r = 0;
	const char *mode = argc > 1 ? argv[1] : "";

	if (strcmp(mode, "dict") == 0) {
		for (i = 2; i < argc && r == 0; i++)
			r = dict(argv[i]);
		goto out;
	}
	if (argc < 3 || (strcmp(mode, "net") == 0 && argc < 4)) {
		fprintf(stderr, "usage: mkseed net|headers|html|drafts DIR [WATERMARK] FILE...\n"
				"       mkseed dict FILE...\n");
		return 2;
	}
	if (strcmp(mode, "net") == 0)
		i = 4;
	for (; i < argc && r == 0; i++) {
		if (strcmp(mode, "net") == 0)
			r = seed_net(argv[2], argv[3], argv[i]);
		else if (strcmp(mode, "headers") == 0)
			r = seed_headers(argv[2], argv[i]);
		else if (strcmp(mode, "html") == 0)
			r = seed_html(argv[2], argv[i]);
		else if (strcmp(mode, "drafts") == 0)
			r = seed_drafts(argv[2], argv[i]);
		else
			r = -EINVAL;
	}
out:
	if (r < 0)
		fprintf(stderr, "mkseed %s: %s (%s)\n", mode, strerror(-r), i <= argc ? argv[i - 1] : "");
	return r < 0 ? 1 : 0;
}
