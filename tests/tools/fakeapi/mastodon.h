/* mastodon.h — what the two Mastodon files share: mastodon.c (endpoints and
 * rendering) and mastodon_inst.c (several instances: where accounts live,
 * ids per instance, canonical URIs, federation, closed and empty
 * instances, and the control API's view of all that).
 *
 * Without --mastodon-instances there is one instance, number 0, and every
 * function here answers as the single-instance server always has: ids
 * (ms << 16) | N and 109000000000000000 + N, URLs on the server's own
 * base URL, every account local. */
#ifndef FAKEAPI_MASTODON_H
#define FAKEAPI_MASTODON_H

#include "fakeapi.h"

#define M_ACCT_BASE    ((uint64_t)109000000000000000ULL)
#define M_NOTIF_BASE   ((uint64_t)1000000ULL)
#define M_INST_STRIDE  100000     /* account ids: M_ACCT_BASE + instance * stride + N */

/* the instances */
bool minst_on(const struct fake *f);
int minst_count(const struct fake *f);
int minst_home(const struct fake *f, uint32_t a);
const char *minst_name(const struct fake *f, int v);
bool minst_closed(const struct fake *f, int v);
bool minst_empty(const struct fake *f, int v);

/* identities: URL bases, acct as an instance shows it, ids per instance */
void minst_base(const struct fake *f, int v, char out[160]);
void minst_link_base(struct rq *r, char out[160]);
void minst_acct(const struct fake *f, int v, uint32_t a, char out[160]);
bool minst_domain_ok(const struct fake *f, uint32_t a, const char *domain);
uint64_t minst_account_id(const struct fake *f, int v, uint32_t a);
bool minst_account_of(const struct fake *f, int v, uint64_t id, uint32_t *a);
uint64_t minst_status_id(const struct fake *f, int v, int64_t t, uint32_t a);
bool minst_status_of(const struct fake *f, int v, uint64_t id, int64_t *t, uint32_t *a);
void minst_status_uri(const struct fake *f, const struct post *p, char uri[256], char url[256]);

/* federation: what instance v knows by now */
bool minst_knows(const struct fake *f, int v, uint32_t a, int64_t t, int64_t now);
void minst_account_stream(struct stream *s, int v);
void minst_refs_stream(struct stream *s, int v);

/* per-instance counters */
enum { MI_429, MI_REFUSED, MI_FOREIGN_TOKEN };
void minst_note(struct fake *f, int v, int what);

/* fake_net hooks (mastodon_inst.c) */
#define MINST_NOPTIONS 5
extern const struct fake_option minst_options[MINST_NOPTIONS];
extern const char minst_usage[];
int minst_setup(struct fake *f);
void minst_teardown(struct fake *f);
int minst_views(const struct fake *f);
const char *minst_view_name(const struct fake *f, int v);
int minst_route(struct rq *r);
int64_t minst_notif_delay(const struct fake *f, uint32_t from);
void minst_ctl_stats(struct jw *j, struct fake *f);
void minst_ctl_stats_reset(struct fake *f);
bool minst_ctl_serve(struct rq *r, const char *path);
void minst_ctl_account(struct jw *j, const struct fake *f, uint32_t a);
void minst_ctl_account_id(const struct fake *f, uint32_t a, char out[256]);
void minst_ctl_post_ref(const struct fake *f, const struct post *p, char out[256]);
void minst_ctl_post_id(const struct fake *f, uint32_t a, int64_t t, char out[256]);
void minst_ctl_post_keys(struct jw *j, const struct fake *f, uint32_t a, int64_t t);

#endif
