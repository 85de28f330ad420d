/* store_posts.c — what ingest and the scheduler read and write: posts,
 * ledger events, watermarks, followed accounts and tags. */
#include "store/store_internal.h"
#include "net/post.h"
#include "common/macros.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static void bind_text_or_null(sqlite3_stmt *st, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

static void bind_count(sqlite3_stmt *st, int i, int64_t v)
{
	if (v >= 0)
		sqlite3_bind_int64(st, i, v);
	else
		sqlite3_bind_null(st, i);
}

static int account_row(struct store *s, sqlite3_stmt *st, struct store_account_key *out)
{
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->account_id = sqlite3_column_int64(st, 0);
		out->mentor_id = sqlite3_column_int64(st, 1);
		out->followed = sqlite3_column_int(st, 2) != 0;
	}
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : store_error(s, rc, "find account");
}

int store_find_account(struct store *s, const char *platform, const char *stable_id,
                       const char *handle, struct store_account_key *out)
{
	int r;
	if (stable_id && *stable_id) {
		sqlite3_stmt *st = store_stmt(s, ST_ACCOUNT_BY_STABLE);
		sqlite3_bind_text(st, 1, platform, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, stable_id, -1, SQLITE_STATIC);
		if ((r = account_row(s, st, out)) != 0)
			return r;
	}
	if (handle && *handle) {
		sqlite3_stmt *st = store_stmt(s, ST_ACCOUNT_BY_HANDLE);
		sqlite3_bind_text(st, 1, platform, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, handle, -1, SQLITE_STATIC);
		return account_row(s, st, out);
	}
	return 0;
}

/* Joins a list into one space-separated string; NULL for none. */
static char *join_words(char *const *words, size_t n)
{
	size_t len = 0;
	char *out, *p;
	if (n == 0)
		return NULL;
	for (size_t i = 0; i < n; i++)
		len += (words[i] ? strlen(words[i]) : 0) + 1;
	if (!(out = malloc(len + 1)))
		return NULL;
	p = out;
	for (size_t i = 0; i < n; i++) {
		if (!words[i] || !*words[i])
			continue;
		size_t l = strlen(words[i]);
		if (p != out)
			*p++ = ' ';
		memcpy(p, words[i], l);
		p += l;
	}
	*p = '\0';
	return out;
}

/* The mentioned accounts' stable ids, parallel to the mention handles that
 * join_words() keeps ('-' for unknown), or NULL when none is known. */
static char *join_ids(const struct post *p)
{
	size_t len = 0;
	char *out, *q;
	bool any = false;
	if (!p->mention_ids)
		return NULL;
	for (size_t i = 0; i < p->n_mentions; i++) {
		if (!p->mentions[i] || !*p->mentions[i])
			continue;
		const char *id = p->mention_ids[i] && *p->mention_ids[i] && !strchr(p->mention_ids[i], ' ')
		                 ? p->mention_ids[i] : "-";
		any |= id[0] != '-';
		len += strlen(id) + 1;
	}
	if (!any || !(out = malloc(len + 1)))
		return NULL;
	q = out;
	for (size_t i = 0; i < p->n_mentions; i++) {
		if (!p->mentions[i] || !*p->mentions[i])
			continue;
		const char *id = p->mention_ids[i] && *p->mention_ids[i] && !strchr(p->mention_ids[i], ' ')
		                 ? p->mention_ids[i] : "-";
		q += sprintf(q, "%s%s", q == out ? "" : " ", id);
	}
	return out;
}

/* One row of ST_LEGACY_BY_*: its id, kind and (copied) key. */
static int legacy_row(sqlite3_stmt *st, int64_t *id, int *kind, char **key)
{
	free(*key);
	*id = sqlite3_column_int64(st, 0);
	*kind = sqlite3_column_int(st, 1);
	*key = strdup((const char *)sqlite3_column_text(st, 2));
	return *key ? 0 : -ENOMEM;
}

/* The legacy row that is the post p (read again, maybe through another
 * instance): 1 with its id, kind and key, 0 when there is none. */
static int find_legacy(struct store *s, const struct post *p, const char *ref_id, int64_t *id, int *kind,
                       char **key)
{
	sqlite3_stmt *st = store_stmt(s, ST_LEGACY_BY_ID);
	int rc, n = 0, r = 0;

	sqlite3_bind_text(st, 1, p->id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, p->created_at);
	bind_text_or_null(st, 3, p->author_id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		r = legacy_row(st, id, kind, key);
		n = 1;
	}
	sqlite3_reset(st);
	if (r < 0)
		return r;
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_error(s, rc, "find a post to re-key");
	if (n || !p->author_id || (p->kind == POST_REPOST ? !ref_id : !p->url))
		return n;
	st = store_stmt(s, ST_LEGACY_BY_AUTHOR);
	sqlite3_bind_text(st, 1, p->author_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, p->created_at);
	sqlite3_bind_int(st, 3, (int)p->kind);
	bind_text_or_null(st, 4, ref_id);
	bind_text_or_null(st, 5, p->url);
	while (r == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		r = legacy_row(st, id, kind, key);
		n++;
	}
	sqlite3_reset(st);
	if (r < 0)
		return r;
	if (rc != SQLITE_DONE)
		return store_error(s, rc, "find a post to re-key");
	return n == 1;
}

static int rekey_step(struct store *s, enum stmt_id id, const char *old_key, const char *key, const char *what)
{
	sqlite3_stmt *st = store_stmt(s, id);
	sqlite3_bind_text(st, 1, old_key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
	return store_exec_stmt(s, st, what);
}

/* Schema 009 could not give every Mastodon post its uri (a boost's is
 * nowhere in its row; other servers' URLs have other shapes): such a row
 * takes the uri when the post is read again, instead of a second row
 * beside it. Its ledger events and notifications follow the key. Returns 1
 * when p was such a row (now re-keyed), 0 when not. */
static int rekey_legacy(struct store *s, const struct post *p, const char *reply_author, const char *ref_id,
                        const char *ref_author, const char *mention_ids)
{
	_cleanup_free_ char *old_key = NULL;
	sqlite3_stmt *st;
	int64_t id = 0;
	int kind = 0, r;

	if (strcmp(p->network, "mastodon") != 0 || !strstr(p->key, "://"))
		return 0;
	if ((r = store_post_exists(s, p->network, p->key)) != 0 ||
	    (r = find_legacy(s, p, ref_id, &id, &kind, &old_key)) <= 0)
		return r < 0 ? r : 0;
	st = store_stmt(s, ST_LEGACY_REKEY);
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, p->key, -1, SQLITE_STATIC);
	bind_text_or_null(st, 3, p->author_id);
	bind_text_or_null(st, 4, reply_author);
	bind_text_or_null(st, 5, ref_id);
	bind_text_or_null(st, 6, ref_author);
	bind_text_or_null(st, 7, mention_ids);
	if ((r = store_exec_stmt(s, st, "re-key a post")) < 0 ||
	    (r = rekey_step(s, ST_LEGACY_EVENTS, old_key, p->key, "re-key events")) < 0 ||
	    (r = rekey_step(s, ST_LEGACY_MENTIONS, old_key, p->key, "re-key events")) < 0)
		return r;
	/* Likes, boosts and notifications name the user's own posts and the
	 * acting posts: never a boost, so a boost skips these scans. */
	if (kind != POST_REPOST &&
	    ((r = rekey_step(s, ST_LEGACY_TARGETS, old_key, p->key, "re-key events")) < 0 ||
	     (r = rekey_step(s, ST_LEGACY_NOTIFS, old_key, p->key, "re-key notifications")) < 0))
		return r;
	if ((r = store_legacy_check(s)) < 0)
		return r;
	return 1;
}

int store_insert_post(struct store *s, const struct post *p, int64_t account_id, int64_t *out_id)
{
	sqlite3_stmt *st;
	const struct post_ref *ref = p->kind == POST_REPOST ? &p->repost_of :
	                             p->kind == POST_QUOTE ? &p->quote_of : NULL;
	_cleanup_free_ char *tags = join_words(p->tags, p->n_tags);
	_cleanup_free_ char *mentions = join_words(p->mentions, p->n_mentions);
	_cleanup_free_ char *mention_ids = join_ids(p);
	const char *reply_author = p->reply_to.author_id ? p->reply_to.author_id : p->reply_to.author_handle;
	const char *ref_author = ref ? (ref->author_id ? ref->author_id : ref->author_handle) : NULL;
	int r;

	if (!p->key || !p->id)
		return -EINVAL;
	if (s->legacy_keys &&
	    (r = rekey_legacy(s, p, reply_author, ref ? ref->id : NULL, ref_author, mention_ids)) != 0)
		return r < 0 ? r : 0;   /* a known post: its events exist */
	st = store_stmt(s, ST_POST_INSERT);
	sqlite3_bind_text(st, 1, p->network, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, p->key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, p->id, -1, SQLITE_STATIC);
	if (account_id > 0)
		sqlite3_bind_int64(st, 4, account_id);
	bind_text_or_null(st, 5, p->author_id);
	bind_text_or_null(st, 6, p->author_handle);
	bind_text_or_null(st, 7, p->author_name);
	sqlite3_bind_int64(st, 8, p->created_at);
	sqlite3_bind_int(st, 9, (int)p->kind);
	sqlite3_bind_text(st, 10, p->text ? p->text : "", -1, SQLITE_STATIC);
	bind_text_or_null(st, 11, p->url);
	bind_text_or_null(st, 12, p->reply_to.id);
	bind_text_or_null(st, 13, reply_author);
	bind_text_or_null(st, 14, ref ? ref->id : NULL);
	bind_text_or_null(st, 15, ref_author);
	bind_text_or_null(st, 16, tags);
	bind_text_or_null(st, 17, mentions);
	bind_count(st, 18, p->n_likes);
	bind_count(st, 19, p->n_reposts);
	bind_count(st, 20, p->n_replies);
	sqlite3_bind_int64(st, 21, store_now(s));
	bind_text_or_null(st, 22, mention_ids);
	if ((r = store_exec_stmt(s, st, "insert post")) <= 0)
		return r;
	if (out_id)
		*out_id = sqlite3_last_insert_rowid(s->db);
	return 1;
}

int store_insert_event(struct store *s, const struct store_event *e)
{
	sqlite3_stmt *st = store_stmt(s, ST_EVENT_INSERT);
	sqlite3_bind_int64(st, 1, e->mentor_id);
	if (e->account_id > 0)
		sqlite3_bind_int64(st, 2, e->account_id);
	sqlite3_bind_text(st, 3, e->kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, e->at);
	bind_text_or_null(st, 5, e->platform);
	bind_text_or_null(st, 6, e->url);
	if (e->post_id > 0)
		sqlite3_bind_int64(st, 7, e->post_id);
	bind_text_or_null(st, 8, e->note);
	bind_text_or_null(st, 9, e->dedupe);
	return store_exec_stmt(s, st, "insert event");
}

static int get_text(struct store *s, sqlite3_stmt *st, char **out, const char *what)
{
	int rc = sqlite3_step(st);
	*out = NULL;
	if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
		*out = strdup((const char *)sqlite3_column_text(st, 0));
		if (!*out) {
			sqlite3_reset(st);
			return -ENOMEM;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : store_error(s, rc, what);
}

int store_cursor_get(struct store *s, const char *platform, const char *target, char **out)
{
	sqlite3_stmt *st = store_stmt(s, ST_CURSOR_GET);
	sqlite3_bind_text(st, 1, platform, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, target, -1, SQLITE_STATIC);
	return get_text(s, st, out, "read cursor");
}

int store_cursor_set(struct store *s, const char *platform, const char *target, const char *cursor)
{
	sqlite3_stmt *st = store_stmt(s, ST_CURSOR_SET);
	int r;
	sqlite3_bind_text(st, 1, platform, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, target, -1, SQLITE_STATIC);
	bind_text_or_null(st, 3, cursor);
	sqlite3_bind_int64(st, 4, store_now(s));
	r = store_exec_stmt(s, st, "write cursor");
	return r < 0 ? r : 0;
}

int store_meta_get(struct store *s, const char *key, char **out)
{
	sqlite3_stmt *st = store_stmt(s, ST_META_GET);
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	return get_text(s, st, out, "read meta");
}

int store_meta_set(struct store *s, const char *key, const char *value)
{
	sqlite3_stmt *st = store_stmt(s, ST_META_SET);
	int r;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	bind_text_or_null(st, 2, value);
	r = store_exec_stmt(s, st, "write meta");
	return r < 0 ? r : 0;
}

int store_for_each_followed(struct store *s, store_followed_fn fn, void *userdata)
{
	sqlite3_stmt *st = store_stmt(s, ST_FOLLOWED_LIST);
	int rc, r = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_followed a = {
			.account_id = sqlite3_column_int64(st, 0),
			.mentor_id = sqlite3_column_int64(st, 1),
			.platform = (const char *)sqlite3_column_text(st, 2),
			.handle = (const char *)sqlite3_column_text(st, 3),
			.stable_id = (const char *)sqlite3_column_text(st, 4),
			.resolved_at = sqlite3_column_int64(st, 5),
			.history = sqlite3_column_int64(st, 6),
		};
		if ((r = fn(&a, userdata)) < 0)
			break;
	}
	sqlite3_reset(st);
	if (r < 0)
		return r;
	return rc == SQLITE_DONE ? 0 : store_error(s, rc, "list followed accounts");
}

int store_for_each_tag(struct store *s, store_tag_fn fn, void *userdata)
{
	sqlite3_stmt *st = store_stmt(s, ST_TAG_LIST);
	int rc, r = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((r = fn((const char *)sqlite3_column_text(st, 0),
		            (const char *)sqlite3_column_text(st, 1), userdata)) < 0)
			break;
	}
	sqlite3_reset(st);
	if (r < 0)
		return r;
	return rc == SQLITE_DONE ? 0 : store_error(s, rc, "list tags");
}

int store_account_resolved(struct store *s, int64_t account_id, const char *stable_id,
                           const char *handle, const char *display_name)
{
	sqlite3_stmt *st = store_stmt(s, ST_ACCOUNT_RESOLVED);
	int rc;
	sqlite3_bind_int64(st, 1, account_id);
	sqlite3_bind_text(st, 2, stable_id, -1, SQLITE_STATIC);
	bind_text_or_null(st, 3, handle);
	bind_text_or_null(st, 4, display_name);
	sqlite3_bind_int64(st, 5, store_now(s));
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return 0;
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return -EEXIST;
	return store_error(s, rc, "record account lookup");
}

int store_post_exists(struct store *s, const char *platform, const char *key)
{
	sqlite3_stmt *st = store_stmt(s, ST_POST_EXISTS);
	int rc;
	sqlite3_bind_text(st, 1, platform, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : store_error(s, rc, "look up post");
}

int store_cursor_age(struct store *s, const char *platform, const char *target, int64_t *updated_at)
{
	sqlite3_stmt *st = store_stmt(s, ST_CURSOR_AGE);
	int rc;
	sqlite3_bind_text(st, 1, platform, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, target, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*updated_at = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : store_error(s, rc, "read cursor age");
}

/* Splits "a b c" into a freshly allocated vector (for mentions). */
static char **split_words(char *text, size_t *n)
{
	char **v = NULL, *save = NULL;
	*n = 0;
	for (char *w = text ? strtok_r(text, " ", &save) : NULL; w; w = strtok_r(NULL, " ", &save)) {
		char **grown = realloc(v, (*n + 1) * sizeof *grown);
		if (!grown)
			break;
		v = grown;
		v[(*n)++] = w;
	}
	return v;
}

static const char *col(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

/* Rebuilds the parts of a post that event derivation reads. Strings point
 * into the statement's row, or into *mentions_buf. */
static void row_to_post(sqlite3_stmt *st, const char *platform, struct post *p, char **mentions_buf,
                        char **ids_buf, char ***ids)
{
	const char *ref_id = col(st, 11), *ref_author = col(st, 12);
	memset(p, 0, sizeof *p);
	p->network = platform;
	p->key = (char *)col(st, 1);
	p->id = (char *)col(st, 2);
	p->author_id = (char *)col(st, 3);
	p->author_handle = (char *)col(st, 4);
	p->created_at = sqlite3_column_int64(st, 5);
	p->kind = (enum post_kind)sqlite3_column_int(st, 6);
	p->text = (char *)col(st, 7);
	p->url = (char *)col(st, 8);
	p->reply_to.id = (char *)col(st, 9);
	p->reply_to.author_id = (char *)col(st, 10);
	if (p->kind == POST_REPOST)
		p->repost_of = (struct post_ref){ (char *)ref_id, (char *)ref_author, NULL };
	else if (p->kind == POST_QUOTE)
		p->quote_of = (struct post_ref){ (char *)ref_id, (char *)ref_author, NULL };
	*mentions_buf = col(st, 13) ? strdup(col(st, 13)) : NULL;
	p->mentions = split_words(*mentions_buf, &p->n_mentions);
	*ids_buf = col(st, 14) ? strdup(col(st, 14)) : NULL;
	size_t n_ids = 0;
	*ids = split_words(*ids_buf, &n_ids);
	if (*ids && n_ids == p->n_mentions) {
		for (size_t i = 0; i < n_ids; i++)
			if (strcmp((*ids)[i], "-") == 0)
				(*ids)[i] = NULL;
		p->mention_ids = *ids;
	}
	p->n_likes = p->n_reposts = p->n_replies = p->n_quotes = -1;
}

int store_for_each_related_post(struct store *s, const char *platform, const char *author_id,
                                int64_t account_id, const char *me_id, store_post_fn fn, void *userdata)
{
	sqlite3_stmt *st;
	size_t n = 0;
	int rc, r = 0;

	st = store_stmt(s, ST_POSTS_CLAIM);
	sqlite3_bind_text(st, 1, platform, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, author_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, account_id);
	if ((r = store_exec_stmt(s, st, "claim posts")) < 0)
		return r;
	/* fn inserts events while this cursor over posts is open; SQLite
	 * allows that since posts itself is not written. */
	st = store_stmt(s, ST_POSTS_RELATED);
	sqlite3_bind_text(st, 1, platform, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, author_id, -1, SQLITE_STATIC);
	bind_text_or_null(st, 3, me_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct post p;
		char *mbuf = NULL, *ibuf = NULL, **ids = NULL;
		row_to_post(st, platform, &p, &mbuf, &ibuf, &ids);
		r = fn(&p, sqlite3_column_int64(st, 0), userdata);
		free(p.mentions);
		free(mbuf);
		free(ids);
		free(ibuf);
		if (r < 0)
			break;
		n++;
	}
	sqlite3_reset(st);
	if (r < 0)
		return r;
	return rc == SQLITE_DONE ? (int)n : store_error(s, rc, "related posts");
}

int store_insert_notif(struct store *s, const struct notif *n)
{
	sqlite3_stmt *st = store_stmt(s, ST_NOTIF_INSERT);
	if (!n->id)
		return 0;
	sqlite3_bind_text(st, 1, n->network, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, n->id, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, (int)n->kind);
	bind_text_or_null(st, 4, n->actor_id);
	bind_text_or_null(st, 5, n->actor_handle);
	sqlite3_bind_int64(st, 6, n->created_at);
	bind_text_or_null(st, 7, n->subject_id);
	bind_text_or_null(st, 8, n->post ? n->post->key : NULL);
	return store_exec_stmt(s, st, "insert notification");
}

int store_for_each_notif_by(struct store *s, const char *platform, const char *actor_id,
                            store_notif_fn fn, void *userdata)
{
	sqlite3_stmt *st = store_stmt(s, ST_NOTIFS_BY);
	int rc, r = 0;
	sqlite3_bind_text(st, 1, platform, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, actor_id, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_notif n = {
			.key = col(st, 0), .kind = sqlite3_column_int(st, 1), .actor_id = col(st, 2),
			.actor_handle = col(st, 3), .subject_id = col(st, 4), .post_key = col(st, 5),
			.post_url = col(st, 6), .created_at = sqlite3_column_int64(st, 7),
			.post_id = sqlite3_column_int64(st, 8),
		};
		if ((r = fn(&n, userdata)) < 0)
			break;
	}
	sqlite3_reset(st);
	if (r < 0)
		return r;
	return rc == SQLITE_DONE ? 0 : store_error(s, rc, "notifications by actor");
}
