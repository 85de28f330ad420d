#include "common/conffile.h"
#include "common/strbuf.h"
#include "common/macros.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CONFFILE_MAX (1024 * 1024)

/* mkdir -p, 0700 for what it creates. */
static int make_dirs(const char *dir)
{
	char buf[PATH_MAX];
	size_t n = strlen(dir);

	if (n == 0 || n >= sizeof buf)
		return n == 0 ? 0 : -ENAMETOOLONG;
	memcpy(buf, dir, n + 1);
	for (char *p = buf + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;
		*p = '\0';
		if (mkdir(buf, 0700) < 0 && errno != EEXIST)
			return -errno;
		*p = c;
		if (!c)
			return 0;
	}
}

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return strdup(".");
	if (slash == path)
		return strdup("/");
	return strndup(path, (size_t)(slash - path));
}

/* Writes data to a fresh temporary file beside path and renames it over
 * path; on any failure the temporary file goes and path is untouched. */
static int replace_file(const char *path, const void *data, size_t len, mode_t mode)
{
	_cleanup_free_ char *dir = dir_of(path), *tmp = NULL;
	const char *p = data;
	int fd = -1, r;

	if (!dir)
		return -ENOMEM;
	if ((r = make_dirs(dir)) < 0)
		return r;
	if (asprintf(&tmp, "%s/.%s.XXXXXX", dir, strrchr(path, '/') ? strrchr(path, '/') + 1 : path) < 0)
		return -ENOMEM;
	if ((fd = mkostemp(tmp, O_CLOEXEC)) < 0)
		return -errno;
	if (fchmod(fd, mode) < 0)
		goto fail;
	while (len > 0) {
		ssize_t w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			goto fail;
		p += w;
		len -= (size_t)w;
	}
	if (fsync(fd) < 0 || close(fd) < 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) < 0)
		goto fail;
	/* The rename itself is durable only once the directory is synced. */
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		fsync(fd);
		close(fd);
	}
	return 0;
fail:
	r = errno ? -errno : -EIO;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return r;
}

int conffile_write_secret(const char *path, const void *data, size_t len)
{
	if (!path || !*path || (!data && len))
		return -EINVAL;
	return replace_file(path, data, len, 0600);
}

/* The whole file, or an empty string when it does not exist yet. */
static int read_all(const char *path, char **out, size_t *len, mode_t *mode)
{
	struct stat st;
	FILE *f = fopen(path, "re");
	char *buf;
	size_t n;

	*mode = 0600;
	if (!f) {
		if (errno != ENOENT)
			return -errno;
		*out = strdup("");
		*len = 0;
		return *out ? 0 : -ENOMEM;
	}
	if (fstat(fileno(f), &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > CONFFILE_MAX) {
		int r = errno && !S_ISREG(st.st_mode) ? -errno : S_ISREG(st.st_mode) ? -EFBIG : -EINVAL;
		fclose(f);
		return r;
	}
	*mode = st.st_mode & 0777;
	if (!(buf = malloc((size_t)st.st_size + 1))) {
		fclose(f);
		return -ENOMEM;
	}
	n = fread(buf, 1, (size_t)st.st_size, f);
	if (ferror(f)) {
		free(buf);
		fclose(f);
		return -EIO;
	}
	fclose(f);
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

static bool one_line(const char *s)
{
	return s && !strpbrk(s, "\n\r");
}

/* What the daemon's parser would read back unchanged: one line, no blank at
 * either end, no " #" / " ;" that it would take for a comment. */
static bool valid_value(const char *v)
{
	size_t n = strlen(v);
	if (!one_line(v) || (n && (strchr(" \t", v[0]) || strchr(" \t", v[n - 1]))))
		return false;
	for (const char *q = v; *q; q++)
		if ((*q == '#' || *q == ';') && q > v && (q[-1] == ' ' || q[-1] == '\t'))
			return false;
	return true;
}

static bool valid_name(const char *s)
{
	return s && *s && one_line(s) && !strpbrk(s, "=[]#; \t");
}

/* The trimmed span [*b, *e) of line [s, s+n). */
static void trim(const char *s, size_t n, const char **b, const char **e)
{
	*b = s;
	*e = s + n;
	while (*b < *e && strchr(" \t\r", **b))
		(*b)++;
	while (*e > *b && strchr(" \t\r", (*e)[-1]))
		(*e)--;
}

static bool span_is(const char *b, const char *e, const char *word)
{
	return (size_t)(e - b) == strlen(word) && memcmp(b, word, (size_t)(e - b)) == 0;
}

/* Where an inline comment starts in [b, e) (the parser's rule), or e. */
static const char *comment_at(const char *b, const char *e)
{
	for (const char *q = b; q < e; q++)
		if ((*q == '#' || *q == ';') && q > b && (q[-1] == ' ' || q[-1] == '\t') &&
		    (q + 1 == e || q[1] == ' ' || q[1] == '\t'))
			return q;
	return e;
}

static void put_setting(struct strbuf *o, const char *key, const char *value, const char *cb, const char *ce)
{
	strbuf_printf(o, *value ? "%s = %s" : "%s =%s", key, value);
	if (cb < ce) {
		strbuf_puts(o, " ");
		strbuf_append(o, cb, (size_t)(ce - cb));
	}
	strbuf_putc(o, '\n');
}

struct edit {
	const char *section;
	const char *const *keys, *const *values;
	size_t n;
	bool *done;
};

/* Copies the lines of in to o, replacing the keys of the section; returns
 * the offset in o just after the section's last non-blank line (-1: none). */
static long rewrite(struct strbuf *o, const char *in, size_t len, const struct edit *ed)
{
	bool inside = false;
	long insert_at = -1;

	for (const char *s = in; s < in + len;) {
		const char *nl = memchr(s, '\n', (size_t)(in + len - s)), *b, *e, *eq;
		size_t n = nl ? (size_t)(nl - s) : (size_t)(in + len - s);
		bool replaced = false;

		trim(s, n, &b, &e);
		if (b < e && *b == '[') {
			const char *close = memchr(b, ']', (size_t)(e - b)), *nb, *ne;
			if (close) {
				trim(b + 1, (size_t)(close - b - 1), &nb, &ne);
				inside = span_is(nb, ne, ed->section);
			} else {
				inside = false;
			}
		} else if (inside && b < e && *b != '#' && *b != ';' && (eq = memchr(b, '=', (size_t)(e - b)))) {
			const char *kb, *ke, *cb = comment_at(eq + 1, e);
			trim(b, (size_t)(eq - b), &kb, &ke);
			for (size_t i = 0; i < ed->n; i++)
				if (span_is(kb, ke, ed->keys[i])) {
					put_setting(o, ed->keys[i], ed->values[i], cb, e);
					ed->done[i] = replaced = true;
					break;
				}
		}
		if (!replaced) {
			strbuf_append(o, s, n);
			strbuf_putc(o, '\n');
		}
		if (inside && b < e)
			insert_at = (long)o->len;
		s += n + 1;
	}
	return insert_at;
}

int conffile_set_keys(const char *path, const char *section, const char *const *keys,
		      const char *const *values, size_t n)
{
	_cleanup_free_ char *in = NULL, *tail = NULL, *real = NULL;
	_cleanup_free_ bool *done = NULL;
	struct strbuf o = STRBUF_INIT, add = STRBUF_INIT;
	size_t len = 0;
	mode_t mode = 0600;
	long at;
	int r;

	if (!path || !*path || !valid_name(section) || n == 0)
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (!valid_name(keys[i]) || !values[i] || !valid_value(values[i]))
			return -EINVAL;
	if (!(done = calloc(n, sizeof *done)))
		return -ENOMEM;
	/* A symlinked config (dotfile managers) stays a link: edit its target. */
	if ((real = realpath(path, NULL)))
		path = real;
	if ((r = read_all(path, &in, &len, &mode)) < 0)
		return r;
	at = rewrite(&o, in, len, &(struct edit){ section, keys, values, n, done });
	for (size_t i = 0; i < n; i++)
		if (!done[i])
			put_setting(&add, keys[i], values[i], "", "");
	if (add.len && at >= 0) {
		/* After the section's last line, before the blank lines that part it
		 * from the next one. */
		if (!(tail = strdup(o.data + at)))
			r = -ENOMEM;
		strbuf_truncate(&o, (size_t)at);
		strbuf_append(&o, add.data, add.len);
		strbuf_puts(&o, tail ? tail : "");
	} else if (add.len) {
		if (o.len && o.data[o.len - 1] == '\n' && !(o.len >= 2 && o.data[o.len - 2] == '\n'))
			strbuf_putc(&o, '\n');
		strbuf_printf(&o, "[%s]\n", section);
		strbuf_append(&o, add.data, add.len);
	}
	if (r == 0 && o.err)
		r = o.err;
	/* A file that ended without a new line gained one; the content is the same. */
	if (r == 0)
		r = replace_file(path, o.data ? o.data : "", o.len, mode);
	strbuf_free(&o);
	strbuf_free(&add);
	return r;
}

int conffile_set(const char *path, const char *section, const char *key, const char *value)
{
	return conffile_set_keys(path, section, &key, &value, 1);
}
