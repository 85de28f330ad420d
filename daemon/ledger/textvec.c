/* textvec.c — tokenizer, top-K term counting, interest queries and TF-IDF
 * cosine. The document-frequency table is in textvec_df.c. */
#include "ledger/textvec.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Words too common to say anything about a topic. Sorted (bsearch). Plural
 * stemming runs after the first check, so "others" meets "other". */
static const char *const stopwords[] = {
	"about", "after", "again", "all", "also", "amp", "and", "any", "are", "aren",
	"back", "been", "before", "being", "but", "can", "cannot", "could", "couldn",
	"day", "did", "didn", "does", "doesn", "doing", "don", "done", "down", "each",
	"even", "ever", "every", "few", "for", "from", "get", "getting", "going", "good",
	"got", "great", "had", "has", "hasn", "have", "haven", "having", "her", "here",
	"hers", "him", "his", "how", "into", "isn", "its", "just", "know", "last", "let",
	"like", "look", "lot", "made", "make", "many", "may", "more", "most", "much",
	"must", "need", "new", "next", "not", "now", "off", "one", "only", "other",
	"our", "ours", "out", "over", "own", "really", "right", "said", "same",
	"say", "see", "she", "should", "shouldn", "some", "still", "such", "take", "than",
	"thank", "thanks", "that", "the", "their", "them", "then", "there", "these",
	"they", "thing", "think", "this", "those", "though", "through", "time", "today",
	"too", "two", "under", "until", "very", "via", "want", "was", "wasn", "way",
	"week", "well", "went", "were", "weren", "what", "when", "where", "which",
	"while", "who", "whom", "why", "will", "with", "won", "would",
	"wouldn", "year", "yes", "yet", "you", "your", "yours",
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool is_stopword(const char *w)
{
	return bsearch(&w, stopwords, sizeof stopwords / sizeof *stopwords,
	               sizeof *stopwords, cmp_str) != NULL;
}

static bool is_alnum_ascii(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Length of a non-ASCII sequence that separates words rather than being
 * part of one: general punctuation (dashes, curly quotes, ellipsis),
 * symbols and arrows, emoji, variation selectors, no-break space, «»·. */
static size_t sep_len(const unsigned char *s)
{
	if (s[0] == 0xC2 && (s[1] == 0xA0 || s[1] == 0xAB || s[1] == 0xBB || s[1] == 0xB7))
		return 2;
	if (s[0] == 0xE2 && s[1] >= 0x80 && s[1] <= 0xAF && s[2])
		return 3;
	if (s[0] == 0xEF && s[1] == 0xB8 && s[2])
		return 3;
	if (s[0] == 0xF0 && s[1] == 0x9F && s[2] && s[3])
		return 4;
	return 0;
}

static bool is_word_at(const unsigned char *s)
{
	return is_alnum_ascii(*s) || *s == '_' || (*s >= 0x80 && sep_len(s) == 0);
}

/* ASCII ' or U+2019: the rest of the word is a contraction or possessive. */
static size_t apostrophe_len(const unsigned char *s)
{
	if (*s == '\'')
		return 1;
	return (s[0] == 0xE2 && s[1] == 0x80 && s[2] == 0x99) ? 3 : 0;
}

/* Copies at most size - 1 bytes of src[0..len), lower-casing ASCII and never
 * cutting a UTF-8 sequence in half. Returns the length written. */
static size_t copy_term_n(char *dst, size_t size, const char *src, size_t len)
{
	size_t n = len < size - 1 ? len : size - 1;
	if (n < len)
		while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
			n--;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)src[i];
		dst[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
	dst[n] = '\0';
	return n;
}

static size_t copy_term(char dst[TEXTVEC_TERM_MAX], const char *src, size_t len)
{
	return copy_term_n(dst, TEXTVEC_TERM_MAX, src, len);
}

/* Plural to singular, lightly: studies -> study, residents -> resident;
 * words in -ss, -us, -is stay (class, virus, diagnosis). */
static void stem(char *w, size_t *len)
{
	size_t n = *len;
	if (n >= 5 && strcmp(w + n - 3, "ies") == 0) {
		strcpy(w + n - 3, "y");
		*len = n - 2;
	} else if (n >= 4 && w[n - 1] == 's' && w[n - 2] != 's' && w[n - 2] != 'u' && w[n - 2] != 'i') {
		w[n - 1] = '\0';
		*len = n - 1;
	}
}

static void emit_word(const char *src, size_t len, textvec_term_fn fn, void *ud)
{
	char w[TEXTVEC_TERM_MAX];
	size_t n = copy_term(w, src, len);
	bool digits = true;

	for (size_t i = 0; i < n && digits; i++)
		digits = w[i] >= '0' && w[i] <= '9';
	if (n < 3 || digits || is_stopword(w))
		return;
	stem(w, &n);
	if (!is_stopword(w))
		fn(w, 1, ud);
}

static void emit_tag(const char *src, size_t len, textvec_term_fn fn, void *ud)
{
	char t[TEXTVEC_TERM_MAX];
	t[0] = '#';
	if (copy_term_n(t + 1, TEXTVEC_TERM_MAX - 1, src, len) >= 2)
		fn(t, TEXTVEC_TAG_WEIGHT, ud);
}

static bool chunk_is_link_or_handle(const char *s, size_t len)
{
	if (len >= 4 && strncmp(s, "www.", 4) == 0)
		return true;
	for (size_t i = 0; i < len; i++)
		if (s[i] == '@' || (s[i] == ':' && i + 2 < len && s[i + 1] == '/' && s[i + 2] == '/'))
			return true;
	return false;
}

/* One white-space separated chunk: words and #tags. */
static void chunk_terms(const unsigned char *s, size_t len, bool skip_tags,
                        textvec_term_fn fn, void *ud)
{
	size_t i = 0;
	while (i < len) {
		bool tag = s[i] == '#' && i + 1 < len && is_word_at(s + i + 1);
		size_t start = i + (tag ? 1 : 0), j = start, a;
		if (!tag && !is_word_at(s + i)) {
			size_t sl = s[i] >= 0x80 ? sep_len(s + i) : 0;
			i += sl ? sl : 1;
			continue;
		}
		while (j < len && is_word_at(s + j))
			j++;
		if (tag && !skip_tags)
			emit_tag((const char *)s + start, j - start, fn, ud);
		else if (!tag)
			emit_word((const char *)s + start, j - start, fn, ud);
		if (j < len && (a = apostrophe_len(s + j)) > 0)
			for (j += a; j < len && is_word_at(s + j); j++)
				;
		i = j;
	}
}

void textvec_terms(const char *text, const char *const *tags, size_t n_tags,
                   textvec_term_fn fn, void *userdata)
{
	const unsigned char *s = (const unsigned char *)(text ? text : "");
	while (*s) {
		size_t len = 0;
		while (is_space(*s))
			s++;
		while (s[len] && !is_space(s[len]))
			len++;
		if (len && !chunk_is_link_or_handle((const char *)s, len))
			chunk_terms(s, len, n_tags > 0, fn, userdata);
		s += len;
	}
	for (size_t i = 0; i < n_tags; i++)
		if (tags[i])
			emit_tag(tags[i], strlen(tags[i]), fn, userdata);
}

unsigned textvec_word_count(const char *text)
{
	const char *s = text ? text : "";
	unsigned n = 0;
	while (*s) {
		size_t len = 0;
		bool word = false;
		while (is_space((unsigned char)*s))
			s++;
		for (; s[len] && !is_space((unsigned char)s[len]); len++)
			word = word || is_word_at((const unsigned char *)s + len);
		if (word && !chunk_is_link_or_handle(s, len))
			n++;
		s += len;
	}
	return n;
}

void textvec_init(struct textvec *v)
{
	memset(v, 0, sizeof *v);
}

const struct textvec_term *textvec_find(const struct textvec *v, const char *term)
{
	for (uint32_t i = 0; i < v->n; i++)
		if (v->t[i].term[0] == term[0] && strcmp(v->t[i].term, term) == 0)
			return &v->t[i];
	return NULL;
}

void textvec_add(struct textvec *v, const char *term, unsigned weight)
{
	char key[TEXTVEC_TERM_MAX];
	struct textvec_term *t;

	if (!term[0] || weight == 0)
		return;
	copy_term(key, term, strlen(term));
	t = (struct textvec_term *)textvec_find(v, key);
	v->total += weight;
	if (t) {
		t->count += weight;
		return;
	}
	if (v->n < TEXTVEC_K) {
		t = &v->t[v->n++];
		t->err = 0;
		t->count = weight;
	} else {
		t = &v->t[0];
		for (uint32_t i = 1; i < v->n; i++)
			if (v->t[i].count < t->count)
				t = &v->t[i];
		t->err = t->count;
		t->count += weight;
	}
	memcpy(t->term, key, sizeof key);
}

static void add_cb(const char *term, unsigned weight, void *ud)
{
	textvec_add(ud, term, weight);
}

void textvec_add_post(struct textvec *v, const char *text, const char *const *tags, size_t n_tags)
{
	textvec_terms(text, tags, n_tags, add_cb, v);
}

/* ---- interest queries ---------------------------------------------------- */

struct query_ctx {
	struct textvec_query *q;
	uint64_t bit;
	int overflow;
};

static void query_put(struct query_ctx *c, const char *term)
{
	struct textvec_query *q = c->q;
	for (size_t i = 0; i < q->n; i++)
		if (strcmp(q->t[i].term, term) == 0) {
			q->t[i].interests |= c->bit;
			return;
		}
	if (q->n == TEXTVEC_QUERY_MAX) {
		c->overflow = 1;
		return;
	}
	copy_term(q->t[q->n].term, term, strlen(term));
	q->t[q->n].w = 1.0;
	q->t[q->n++].interests = c->bit;
}

static void query_word_cb(const char *term, unsigned weight, void *ud)
{
	query_put(ud, term);
}

/* "Medical Education" -> "#medicaleducation": letters and digits only. */
static void joined_tag(const char *phrase, char out[TEXTVEC_TERM_MAX])
{
	size_t n = 1;
	out[0] = '#';
	for (const unsigned char *s = (const unsigned char *)phrase; *s && n < TEXTVEC_TERM_MAX - 1; s++)
		if (is_alnum_ascii(*s) || *s == '_' || (*s >= 0x80 && !sep_len(s)))
			out[n++] = (char)(*s >= 'A' && *s <= 'Z' ? *s + 32 : *s);
	while (n > 1 && ((unsigned char)out[n - 1] & 0xC0) == 0xC0)
		n--;   /* a lead byte whose sequence was cut */
	out[n] = '\0';
}

static int cmp_qterm(const void *a, const void *b)
{
	return strcmp(((const struct textvec_qterm *)a)->term, ((const struct textvec_qterm *)b)->term);
}

/* The phrase as given (case kept), cut to fit at a UTF-8 boundary. */
static void copy_name(char dst[TEXTVEC_NAME_MAX], const char *src)
{
	size_t n = strlen(src);
	if (n > TEXTVEC_NAME_MAX - 1) {
		n = TEXTVEC_NAME_MAX - 1;
		while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* One phrase as interest number q->n_interests; false when it has no term. */
static bool query_phrase(struct query_ctx *c, const char *p)
{
	struct textvec_query *q = c->q;
	uint64_t seen = 0;
	char tag[TEXTVEC_TERM_MAX];

	while (*p == '#' || is_space((unsigned char)*p))
		p++;
	c->bit = 1ULL << q->n_interests;
	textvec_terms(p, NULL, 0, query_word_cb, c);
	joined_tag(p, tag);
	if (strlen(tag) >= 3)
		query_put(c, tag);
	for (size_t i = 0; i < q->n; i++)
		seen |= q->t[i].interests & c->bit;
	if (!seen)
		return false;
	copy_name(q->name[q->n_interests], p);
	q->n_interests++;
	return true;
}

int textvec_query_build(struct textvec_query *q, const char *const *phrases, size_t n,
                        const struct textvec_df *df)
{
	struct query_ctx c = { q, 0, 0 };

	q->n = 0;
	q->n_interests = 0;
	for (size_t i = 0; i < n; i++) {
		if (!phrases[i] || !*phrases[i])
			continue;
		if (q->n_interests == TEXTVEC_INTERESTS_MAX) {
			c.overflow = 1;
			break;
		}
		query_phrase(&c, phrases[i]);
	}
	qsort(q->t, q->n, sizeof q->t[0], cmp_qterm);
	memset(q->norm, 0, sizeof q->norm);
	for (size_t i = 0; i < q->n; i++) {
		q->t[i].w = textvec_idf(df, q->t[i].term);
		for (size_t k = 0; k < q->n_interests; k++)
			if (q->t[i].interests & (1ULL << k))
				q->norm[k] += q->t[i].w * q->t[i].w;
	}
	for (size_t k = 0; k < q->n_interests; k++)
		q->norm[k] = sqrt(q->norm[k]);
	return c.overflow ? -E2BIG : (int)q->n;
}

int textvec_query_find(const struct textvec_query *q, const char *term)
{
	size_t lo = 0, hi = q->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(q->t[mid].term, term);
		if (c == 0)
			return (int)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

struct match_ctx { const struct textvec_query *q; bool hit; };

static void match_cb(const char *term, unsigned weight, void *ud)
{
	struct match_ctx *c = ud;
	c->hit = c->hit || textvec_query_find(c->q, term) >= 0;
}

bool textvec_text_matches(const struct textvec_query *q, const char *text,
                          const char *const *tags, size_t n_tags)
{
	struct match_ctx c = { q, false };
	if (!q || q->n == 0)
		return true;
	textvec_terms(text, tags, n_tags, match_cb, &c);
	return c.hit;
}

/* Inserts into m[0..*n) sorted by share, largest first, keeping at most max. */
static void keep_match(struct textvec_match *m, size_t *n, size_t max, struct textvec_match x)
{
	size_t k = *n < max ? (*n)++ : max;
	if (k == max && (max == 0 || m[max - 1].share >= x.share))
		return;
	if (k == max)
		k--;
	for (; k > 0 && m[k - 1].share < x.share; k--)
		m[k] = m[k - 1];
	m[k] = x;
}

double textvec_align(const struct textvec_query *q, const struct textvec *v,
                     const struct textvec_df *df, struct textvec_align *out)
{
	struct textvec_align local;
	struct textvec_align *o = out ? out : &local;
	double dot[TEXTVEC_INTERESTS_MAX], total = 0, norm2 = 0, vnorm;
	uint64_t touched = 0;

	memset(o, 0, sizeof *o);
	o->best = o->second = -1;
	for (uint32_t i = 0; i < v->n && q && q->n; i++) {
		const struct textvec_term *t = &v->t[i];
		uint32_t sure = textvec_sure(t);
		double w, d;
		int j;
		if (sure == 0)
			continue;
		w = (1.0 + log((double)sure)) * textvec_idf(df, t->term);
		norm2 += w * w;
		if ((j = textvec_query_find(q, t->term)) < 0)
			continue;
		d = w * q->t[j].w;
		for (uint64_t bits = q->t[j].interests; bits; bits &= bits - 1) {
			int k = __builtin_ctzll(bits);
			dot[k] = (touched >> k & 1) ? dot[k] + d : d;
			touched |= 1ULL << k;
		}
		total += d;
		if (out)
			keep_match(o->m, &o->n_matches, TEXTVEC_MATCH_MAX, (struct textvec_match){ t->term,
			           t->term[0] == '#' ? sure / TEXTVEC_TAG_WEIGHT : sure, d });
	}
	if (!touched)
		return 0;
	vnorm = sqrt(norm2);
	for (uint64_t bits = touched; bits; bits &= bits - 1) {
		int k = __builtin_ctzll(bits);
		double cos = q->norm[k] > 0 ? dot[k] / (q->norm[k] * vnorm) : 0;
		if (cos > o->best_cos) {
			o->second = o->best;
			o->second_cos = o->best_cos;
			o->best = k;
			o->best_cos = cos;
		} else if (cos > o->second_cos) {
			o->second = k;
			o->second_cos = cos;
		}
	}
	for (size_t i = 0; i < o->n_matches; i++)
		o->m[i].share /= total;
	o->score = o->best_cos + 0.5 * o->second_cos;
	if (o->score > 1)
		o->score = 1;
	return o->score;
}
