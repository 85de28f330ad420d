/* check_rules.c — loads word lists (*.words) and rules (*.rules) into an
 * engine. All lists are read first, so rules may name any list; macros
 * ("define") must come before their use, in file-name order. */
#include "check/check_internal.h"
#include "base/log.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct check_rparse {
	struct check_engine *e;
	const char *file;
	unsigned line;
	struct check_rule *rule;     /* the rule later lines add to */
	char **err;
};

static bool check_has_suffix(const char *name, const char *suffix)
{
	size_t n = strlen(name), s = strlen(suffix);
	return n > s && strcmp(name + n - s, suffix) == 0;
}

static const struct check_list *check_engine_list(const struct check_engine *e, const char *name,
						 size_t len)
{
	size_t i;

	for (i = 0; i < e->n_lists; i++)
		if (strlen(e->lists[i].name) == len && memcmp(e->lists[i].name, name, len) == 0)
			return &e->lists[i];
	return NULL;
}

static const struct check_node *check_engine_macro(const struct check_engine *e, const char *name,
						  size_t len)
{
	size_t i;

	for (i = 0; i < e->n_macros; i++)
		if (strlen(e->macros[i].name) == len && memcmp(e->macros[i].name, name, len) == 0)
			return e->macros[i].node;
	return NULL;
}

/* How the pattern parser sees the engine: names only, as it is read so far
 * (a macro is known from its "define" line on). */
static const struct check_list *check_names_list(const void *e, const char *name, size_t len)
{
	return check_engine_list(e, name, len);
}

static const struct check_node *check_names_macro(const void *e, const char *name, size_t len)
{
	return check_engine_macro(e, name, len);
}

static int check_load_list(struct check_engine *e, const struct embedded_file *f, char **err)
{
	size_t base = strlen(f->name) - strlen(".words");
	struct check_list *l;
	char *name;

	if (check_engine_list(e, f->name, base))
		return check_errf(err, f->name, 0, "duplicate list");
	if (check_vec_reserve(&e->lists, &e->cap_lists, e->n_lists + 1, sizeof *e->lists) < 0 ||
	    !(name = check_arena_strndup(&e->arena, f->name, base)))
		return -ENOMEM;
	l = &e->lists[e->n_lists++];
	memset(l, 0, sizeof *l);
	l->name = name;
	return check_list_parse(l, &e->arena, f->name, f->data, f->len, err);
}

/* Splits "word rest" at the first blank; returns the length of word. */
static size_t check_word_len(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && s[i] != ' ' && s[i] != '\t')
		i++;
	return i;
}

static const char *check_skip_blank(const char *s, const char *end)
{
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	return s;
}

static int check_pattern(struct check_rparse *rp, const char *s, size_t n, struct check_node **out)
{
	const struct check_pat_names names = { rp->e, check_names_list, check_names_macro };
	const char *why;
	int r = check_pattern_parse(&names, &rp->e->arena, s, n, out, &why);

	if (r == -EINVAL)
		return check_errf(rp->err, rp->file, rp->line, "%s in pattern \"%.*s\"", why, (int)n, s);
	return r;
}

static bool check_id_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > CHECK_RULE_ID_MAX)
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '.' ||
		      s[i] == '_' || s[i] == '-'))
			return false;
	return true;
}

/* "rule ID FAMILY SEVERITY" or "combine FAMILY COUNT SEVERITY ID". */
static int check_rule_start(struct check_rparse *rp, bool combine, const char *s, const char *end)
{
	const char *w[4];
	size_t len[4], i;
	struct check_rule *r;
	struct check_engine *e = rp->e;
	const char *id, *family, *sev;
	size_t id_len, fam_len, sev_len;

	for (i = 0; i < 4; i++) {
		s = check_skip_blank(s, end);
		w[i] = s;
		len[i] = check_word_len(s, (size_t)(end - s));
		s += len[i];
	}
	if (check_skip_blank(s, end) != end || len[combine ? 3 : 2] == 0)
		return check_errf(rp->err, rp->file, rp->line, combine ?
				  "expected: combine FAMILY COUNT SEVERITY ID" : "expected: rule ID FAMILY SEVERITY");
	id = combine ? w[3] : w[0];
	id_len = combine ? len[3] : len[0];
	family = combine ? w[0] : w[1];
	fam_len = combine ? len[0] : len[1];
	sev = w[2];
	sev_len = len[2];
	if (!combine && len[3])
		return check_errf(rp->err, rp->file, rp->line, "expected: rule ID FAMILY SEVERITY");
	if (!check_id_ok(id, id_len) || !check_id_ok(family, fam_len))
		return check_errf(rp->err, rp->file, rp->line, "bad rule id or family (a-z 0-9 . _ -, at most %d)",
				  CHECK_RULE_ID_MAX);
	for (i = 0; i < e->n_rules; i++)
		if (strlen(e->rules[i].id) == id_len && memcmp(e->rules[i].id, id, id_len) == 0)
			return check_errf(rp->err, rp->file, rp->line, "duplicate rule %.*s", (int)id_len, id);
	if (!((sev_len == 4 && memcmp(sev, "warn", 4) == 0) || (sev_len == 5 && memcmp(sev, "block", 5) == 0)))
		return check_errf(rp->err, rp->file, rp->line, "severity must be warn or block");
	if (check_vec_reserve(&e->rules, &e->cap_rules, e->n_rules + 1, sizeof *e->rules) < 0)
		return -ENOMEM;
	r = &e->rules[e->n_rules++];
	memset(r, 0, sizeof *r);
	r->id = check_arena_strndup(&e->arena, id, id_len);
	r->family = check_arena_strndup(&e->arena, family, fam_len);
	r->severity = sev_len == 5 ? CHECK_BLOCK : CHECK_WARN;
	r->file = rp->file;
	r->line = rp->line;
	if (combine && (r->combine = (uint32_t)atoi(w[1])) < 2)
		return check_errf(rp->err, rp->file, rp->line, "combine COUNT must be 2 or more");
	rp->rule = r;
	return r->id && r->family ? 0 : -ENOMEM;
}

static int check_rule_define(struct check_rparse *rp, const char *s, const char *end)
{
	struct check_engine *e = rp->e;
	const char *name = check_skip_blank(s, end);
	size_t len = check_word_len(name, (size_t)(end - name));
	const char *pat = check_skip_blank(name + len, end);
	struct check_macro *m;
	int r;

	if (!len || pat == end)
		return check_errf(rp->err, rp->file, rp->line, "expected: define NAME PATTERN");
	if (check_engine_macro(e, name, len))
		return check_errf(rp->err, rp->file, rp->line, "macro %.*s defined twice", (int)len, name);
	if (check_vec_reserve(&e->macros, &e->cap_macros, e->n_macros + 1, sizeof *e->macros) < 0)
		return -ENOMEM;
	m = &e->macros[e->n_macros];
	if ((r = check_pattern(rp, pat, (size_t)(end - pat), &m->node)) < 0)
		return r;
	if (!(m->name = check_arena_strndup(&e->arena, name, len)))
		return -ENOMEM;
	e->n_macros++;
	return 0;
}

/* Reads the scope off the end of a condition line: "post", "sentence", "near N". */
static int check_rule_scope(struct check_rparse *rp, struct check_cond *c, const char *s, const char **end)
{
	const char *e = *end, *w = e;

	while (w > s && w[-1] != ' ' && w[-1] != '\t')
		w--;
	if (e - w == 4 && memcmp(w, "post", 4) == 0) {
		c->scope = CHECK_SCOPE_POST;
	} else if (e - w == 8 && memcmp(w, "sentence", 8) == 0) {
		c->scope = CHECK_SCOPE_SENTENCE;
	} else if (w > s + 5 && w[0] >= '0' && w[0] <= '9' && memcmp(w - 5, "near", 4) == 0) {
		c->scope = CHECK_SCOPE_NEAR;
		c->near = (uint32_t)atoi(w);
		w -= 5;
	} else {
		return check_errf(rp->err, rp->file, rp->line, "condition must end with post, sentence or near N");
	}
	while (w > s && (w[-1] == ' ' || w[-1] == '\t'))
		w--;
	*end = w;
	return w > s ? 0 : check_errf(rp->err, rp->file, rp->line, "condition without a pattern");
}

static int check_rule_cond(struct check_rparse *rp, uint8_t kind, const char *s, const char *end)
{
	struct check_rule *r = rp->rule;
	struct check_cond c = { .kind = kind, .memo = CHECK_NONE };
	struct check_node *pat;
	int rc;

	s = check_skip_blank(s, end);
	if ((rc = check_rule_scope(rp, &c, s, &end)) < 0 ||
	    (rc = check_pattern(rp, s, (size_t)(end - s), &pat)) < 0)
		return rc;
	c.pat = pat;
	if (c.scope == CHECK_SCOPE_POST)
		c.memo = (uint32_t)rp->e->n_memos++;
	if (check_vec_reserve(&r->conds, &r->cap_conds, r->n_conds + 1, sizeof *r->conds) < 0)
		return -ENOMEM;
	r->conds[r->n_conds++] = c;
	return 0;
}

static int check_rule_match(struct check_rparse *rp, const char *s, const char *end)
{
	struct check_rule *r = rp->rule;
	struct check_node *pat;
	int rc;

	s = check_skip_blank(s, end);
	if ((rc = check_pattern(rp, s, (size_t)(end - s), &pat)) < 0)
		return rc;
	if (check_node_nullable(pat))
		return check_errf(rp->err, rp->file, rp->line, "match pattern can match nothing");
	if (check_vec_reserve(&r->match, &r->cap_match, r->n_match + 1, sizeof *r->match) < 0)
		return -ENOMEM;
	r->match[r->n_match++] = pat;
	return 0;
}

/* message and fix lines: repeated lines are joined with a space. */
static int check_rule_text(struct check_rparse *rp, const char **field, const char *s, const char *end)
{
	size_t old = *field ? strlen(*field) : 0, n;
	char *p;

	s = check_skip_blank(s, end);
	n = (size_t)(end - s);
	if (!(p = check_arena_alloc(&rp->e->arena, old + n + 2)))
		return -ENOMEM;
	if (old) {
		memcpy(p, *field, old);
		p[old++] = ' ';
	}
	memcpy(p + old, s, n);
	*field = p;
	return 0;
}

static int check_rule_line(struct check_rparse *rp, const char *s, const char *end)
{
	size_t n = check_word_len(s, (size_t)(end - s));
	const char *rest = s + n;

#define KW(k) (n == sizeof(k) - 1 && memcmp(s, k, n) == 0)
	if (KW("define"))
		return check_rule_define(rp, rest, end);
	if (KW("rule") || KW("combine"))
		return check_rule_start(rp, KW("combine"), rest, end);
	if (!rp->rule)
		return check_errf(rp->err, rp->file, rp->line, "\"%.*s\" outside a rule", (int)n, s);
	if (KW("message"))
		return check_rule_text(rp, &rp->rule->message, rest, end);
	if (KW("fix"))
		return check_rule_text(rp, &rp->rule->fix, rest, end);
	if (rp->rule->combine)
		return check_errf(rp->err, rp->file, rp->line, "a combine rule takes only message and fix");
	if (KW("match"))
		return check_rule_match(rp, rest, end);
	if (KW("require"))
		return check_rule_cond(rp, CHECK_REQUIRE, rest, end);
	if (KW("unless"))
		return check_rule_cond(rp, CHECK_UNLESS, rest, end);
	if (KW("escalate"))
		return check_rule_cond(rp, CHECK_ESCALATE, rest, end);
#undef KW
	return check_errf(rp->err, rp->file, rp->line, "unknown keyword \"%.*s\"", (int)n, s);
}

static int check_load_rules(struct check_engine *e, const struct embedded_file *f, char **err)
{
	struct check_rparse rp = { .e = e, .err = err };
	const char *p = f->data, *end = f->data + f->len;
	int r;

	if (!(rp.file = check_arena_strndup(&e->arena, f->name, strlen(f->name))))
		return -ENOMEM;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *s = p, *e2 = nl ? nl : end;
		p = nl ? nl + 1 : end;
		rp.line++;
		s = check_skip_blank(s, e2);
		while (e2 > s && (e2[-1] == ' ' || e2[-1] == '\t' || e2[-1] == '\r'))
			e2--;
		if (s == e2 || *s == '#')
			continue;
		if ((r = check_rule_line(&rp, s, e2)) < 0)
			return r;
	}
	return 0;
}

static int check_validate(const struct check_engine *e, char **err)
{
	size_t i;

	for (i = 0; i < e->n_rules; i++) {
		const struct check_rule *r = &e->rules[i];
		if (!r->message || !r->fix)
			return check_errf(err, r->file, r->line, "rule %s needs a message and a fix", r->id);
		if (!r->combine && r->n_match == 0)
			return check_errf(err, r->file, r->line, "rule %s has no match line", r->id);
	}
	return 0;
}

int check_engine_load_files(struct check_engine **out, const struct embedded_file *files,
			    size_t n_files, char **err)
{
	struct check_engine *e = calloc(1, sizeof *e);
	size_t i;
	int r = 0;

	*out = NULL;
	if (err)
		*err = NULL;
	if (!e)
		return -ENOMEM;
	for (i = 0; i < n_files && r == 0; i++)
		if (files[i].name && check_has_suffix(files[i].name, ".words"))
			r = check_load_list(e, &files[i], err);
	e->abbrev = check_engine_list(e, "abbreviations", strlen("abbreviations"));
	for (i = 0; i < n_files && r == 0; i++)
		if (files[i].name && check_has_suffix(files[i].name, ".rules"))
			r = check_load_rules(e, &files[i], err);
	if (r == 0)
		r = check_validate(e, err);
	if (r == 0)
		r = check_index_build(e, err);
	if (r < 0) {
		check_engine_free(e);
		return r;
	}
	*out = e;
	return 0;
}

int check_engine_new(struct check_engine **out, char **err)
{
	return check_engine_load_files(out, check_rules, check_rules_count, err);
}

/* The daemon's engine: the compiled-in rules parsed at the first use. The
 * lists, patterns and index take ~0.8 MB of heap, a quarter of an idle
 * daemon's private memory, and a daemon that is never asked to check a
 * draft and never meets a post tagging the user needs none of it
 * (docs/PERFORMANCE.md, issue 17 round 4). */
struct check_deferred {
	struct check_engine *loaded;
	int error;              /* a bad rule: kept, not parsed again each time */
};

int check_engine_new_deferred(struct check_engine **out)
{
	struct check_engine *e = calloc(1, sizeof *e);

	*out = NULL;
	if (!e || !(e->deferred = calloc(1, sizeof *e->deferred))) {
		free(e);
		return -ENOMEM;
	}
	*out = e;
	return 0;
}

/* The engine is const to its users (one engine serves every caller and
 * never changes what it answers); building it late changes only when its
 * memory is spent, so the loaded engine hangs off a pointer of its own. */
const struct check_engine *check_engine_resolve(const struct check_engine *e, int *r)
{
	struct check_deferred *d = e->deferred;
	char *err = NULL;

	if (!d || d->loaded)
		return d ? d->loaded : e;
	if (d->error) {
		*r = d->error;
		return NULL;
	}
	if ((*r = check_engine_new(&d->loaded, &err)) < 0) {
		log_err("check: cannot load the draft-check rules: %s", err ? err : strerror(-*r));
		if (*r != -ENOMEM)
			d->error = *r;
		free(err);
		return NULL;
	}
	return d->loaded;
}

void check_deferred_free(struct check_deferred *d)
{
	if (!d)
		return;
	check_engine_free(d->loaded);
	free(d);
}

static int check_cmp_names(const void *a, const void *b)
{
	return strcmp(((const struct embedded_file *)a)->name, ((const struct embedded_file *)b)->name);
}

/* Reads a whole file into a NUL-terminated buffer. */
static int check_read_file(const char *path, struct embedded_file *f)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;
	long size;
	int r = -errno;

	if (!fp)
		return r;
	if (fseek(fp, 0, SEEK_END) < 0 || (size = ftell(fp)) < 0 || fseek(fp, 0, SEEK_SET) < 0) {
		r = -EIO;
		goto out;
	}
	if (!(buf = malloc((size_t)size + 1))) {
		r = -ENOMEM;
		goto out;
	}
	if (fread(buf, 1, (size_t)size, fp) != (size_t)size) {
		free(buf);
		r = -EIO;
		goto out;
	}
	buf[size] = '\0';
	f->data = buf;
	f->len = (size_t)size;
	r = 0;
out:
	fclose(fp);
	return r;
}

int check_engine_load_dir(struct check_engine **out, const char *dir, char **err)
{
	struct embedded_file *files = NULL;
	size_t n = 0, cap = 0, i;
	struct dirent *de;
	DIR *d = opendir(dir);
	char path[4096];
	int r = 0;

	*out = NULL;
	if (!d)
		return -errno;
	while ((de = readdir(d)) && r == 0) {
		if (!check_has_suffix(de->d_name, ".words") && !check_has_suffix(de->d_name, ".rules"))
			continue;
		if (check_vec_reserve(&files, &cap, n + 1, sizeof *files) < 0) {
			r = -ENOMEM;
			break;
		}
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		files[n].name = strdup(de->d_name);
		files[n].data = NULL;
		if (!files[n].name)
			r = -ENOMEM;
		else if ((r = check_read_file(path, &files[n])) < 0)
			check_errf(err, path, 0, "cannot read");
		n++;
	}
	closedir(d);
	if (r == 0) {
		qsort(files, n, sizeof *files, check_cmp_names);
		r = check_engine_load_files(out, files, n, err);
	}
	for (i = 0; i < n; i++) {
		free((char *)files[i].name);
		free((char *)files[i].data);
	}
	free(files);
	return r;
}

void check_engine_free(struct check_engine *e)
{
	size_t i;

	if (!e)
		return;
	check_deferred_free(e->deferred);
	for (i = 0; i < e->n_lists; i++)
		check_list_free(&e->lists[i]);
	for (i = 0; i < e->n_rules; i++) {
		free(e->rules[i].match);
		free(e->rules[i].conds);
	}
	free(e->lists);
	free(e->macros);
	free(e->rules);
	check_index_free(&e->index);
	check_arena_free(&e->arena);
	free(e);
}

size_t check_engine_rule_count(const struct check_engine *e)
{
	int r;
	return (e = check_engine_resolve(e, &r)) ? e->n_rules : 0;
}

const char *check_engine_rule_id(const struct check_engine *e, size_t i)
{
	int r;
	if (!(e = check_engine_resolve(e, &r)))
		return NULL;
	return i < e->n_rules ? e->rules[i].id : NULL;
}
