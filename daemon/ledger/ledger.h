/* ledger.h — the engagement ledger's arithmetic, pure and incremental.
 *
 * One struct ledger_agg per mentor (and per suggestion candidate) summarises
 * every event seen so far in a fixed-size struct. ledger_agg_add() folds one
 * new event in, O(1) (bounded by TEXTVEC_K for a post's terms), so the caller
 * stores the aggregate as one row and never rescans events. Everything else
 * is a pure function of an aggregate and `now`:
 *
 *   ledger_stage()     the Follow → Participate → Establish → Connected ladder,
 *                      the date each milestone was reached, and dormancy
 *                      relative to the pair's own rhythm;
 *   ledger_strength()  relationship strength 0–100 (tie-strength evidence);
 *   ledger_fit()       mentor fit 0–100 (topic, responsiveness, activity);
 *   ledger_suggest()   ranking of not-yet-followed authors, with reasons;
 *   ledger_nudges()    what to do next about one mentor.
 *
 * Both scores are sums of named contributions, for `mentorctl why`. Every
 * formula, weight and threshold is in docs/SCORING.md. Times are unix seconds
 * UTC; 0 means "never" or "unknown". No I/O, no clocks, no globals; libc+libm.
 *
 * Idempotence is the caller's: add an event exactly once, when its row was
 * inserted (events.dedupe makes that answer reliable). Events may arrive out
 * of time order; all counts, first/last times, milestones and terms stay
 * exact, and only the rhythm statistics (gaps, exchanges, conversations
 * started) skip an event older than the newest conversation.
 * ledger_agg_rebuild() over events in time order gives the exact aggregate. */
#ifndef MENTORD_LEDGER_H
#define MENTORD_LEDGER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ledger/textvec.h"

#define LEDGER_DAY  86400
#define LEDGER_WEEK (7 * LEDGER_DAY)

/* ---- vocabulary (docs/spec.md) ----------------------------------------- */

enum ledger_kind {
	LEDGER_POST = 0,          /* the mentor posted */
	LEDGER_REPLY_TO_ME,       /* the mentor acted on the user ... */
	LEDGER_MENTION_OF_ME,
	LEDGER_LIKE_OF_MINE,
	LEDGER_REPOST_OF_MINE,
	LEDGER_QUOTE_OF_MINE,
	LEDGER_FOLLOW_OF_ME,
	LEDGER_MY_REPLY,          /* the user acted on the mentor ... */
	LEDGER_MY_MENTION,
	LEDGER_MY_REPOST,
	LEDGER_MY_QUOTE,
	LEDGER_MY_LIKE,
	LEDGER_MET,               /* logged by hand */
	LEDGER_EMAIL,
	LEDGER_CALL,
	LEDGER_MEETING,
	LEDGER_DM,
	LEDGER_NOTE,              /* a note about the mentor: not contact */
	LEDGER_MY_EMAIL,          /* other channels (platform email, linkedin) ... */
	LEDGER_EMAIL_TO_ME,
	LEDGER_MY_DM,
	LEDGER_DM_TO_ME,
	LEDGER_CONNECTION,        /* a LinkedIn connection (the date it was made) */
	LEDGER_TAGGED_RISK,       /* they mentioned, tagged or quoted the user in a post the
	                             draft check flags: a risk to the user, not contact */
	LEDGER_KIND_COUNT
};

enum ledger_stage {
	LEDGER_STAGE_NONE = -1,   /* "no pin" for ledger_stage() */
	LEDGER_FOLLOW = 0,
	LEDGER_PARTICIPATE,
	LEDGER_ESTABLISH,
	LEDGER_CONNECTED,
	LEDGER_DORMANT,
	LEDGER_STAGE_COUNT
};

/* "post", "my_reply", ... / "follow", "dormant", ... */
const char *ledger_kind_name(enum ledger_kind k);
int ledger_kind_from_name(const char *name);    /* the kind, or -EINVAL */
/* Direction of a kind: +1 the mentor acted on the user, -1 the user on the
 * mentor, 2 offline contact (two-way by nature), 0 not contact (post, note).
 * Public for GetEngagement, which counts by direction the same way. */
int ledger_kind_dir(enum ledger_kind k);
const char *ledger_stage_name(enum ledger_stage s);
int ledger_stage_from_name(const char *name);   /* the stage, or -EINVAL */

/* ---- events in --------------------------------------------------------- */

/* Flags of a `post` event (and of struct ledger_post_view). */
#define LEDGER_F_REPLY_TO_OTHER 0x1u  /* replies to an account that is neither its
                                         author nor the user (responsiveness; a reply
                                         to the user is reply_to_me instead) */
#define LEDGER_F_REPOST         0x2u  /* a repost: activity, but not the author's words */

/* One ledger row as the caller read it. Strings are borrowed for the call. */
struct ledger_event {
	enum ledger_kind kind;
	int64_t at;                  /* > 0 */
	const char *platform;        /* "x", "mastodon", "bluesky", "email", "linkedin";
	                                NULL offline */
	const char *text;            /* the post's text for post, reply, mention and quote
	                                kinds (words exchanged, topic terms); may be NULL */
	const char *const *tags;     /* the post's hashtags, lower case, no '#' (kind post) */
	size_t n_tags;
	unsigned flags;              /* LEDGER_F_* (kind post) */
	int64_t post_id;             /* not used by the aggregate; nudges name it */
	const char *url;
};

/* ---- the aggregate ----------------------------------------------------- */

/* Plain data, fixed size, no pointers. Read it through the functions below;
 * store it with ledger_agg_format() (the fields are not a stable contract,
 * the text format is). */
struct ledger_agg {
	int64_t follow_at;                     /* when the user followed (accounts.added_at) */
	uint32_t n[LEDGER_KIND_COUNT];         /* events per kind */
	int64_t first_at[LEDGER_KIND_COUNT];   /* earliest / latest event per kind */
	int64_t last_at[LEDGER_KIND_COUNT];
	int64_t weak_at[3];                    /* three earliest likes/reposts of the user's posts */
	int64_t connected_at;                  /* when "connected" was first met */
	/* rhythm of conversation (replies, mentions, quotes, offline contact) */
	uint32_t n_gaps;                       /* gaps of >= 12 h between conversation contacts */
	int64_t gap_ewma_n;                    /* EWMA of ln(gap seconds), in billionths */
	uint32_t n_sessions;                   /* conversations: contacts >= 12 h apart */
	/* conversation turns (replies, mentions, quotes) */
	int64_t turn_at;                       /* newest turn */
	int8_t turn_dir;                       /* +1 mentor -> user, -1 user -> mentor */
	uint32_t n_exchanges;                  /* turns answering the other side within 14 days */
	int64_t exchange0_at;                  /* first exchange */
	uint32_t inits_mentor, inits_user;     /* conversations started (after >= 3 quiet days) */
	uint32_t words_in, words_out;          /* words in the mentor's / the user's turns */
	uint8_t networks;                      /* bit per network with contact, in the
	                                          registry's order; bit 7 any other */
	/* the author's own posting (mentor fit) */
	uint32_t posts_own;                    /* posts that are not reposts */
	uint32_t replies_other;                /* of those, replies to other accounts */
	int64_t post_rate_u;                   /* posts, decayed with a 28-day half-life, in millionths */
	int64_t post_rate_at;                  /* time post_rate_u refers to */
	struct textvec terms;                  /* top-K hashtags and words of the author's posts */
};

/* A fresh aggregate; followed_at may be 0 (unknown, or a candidate). */
void ledger_agg_init(struct ledger_agg *a, int64_t followed_at);
/* Folds one new event in. -EINVAL for an unknown kind or at <= 0 (a unchanged). */
int ledger_agg_add(struct ledger_agg *a, const struct ledger_event *ev);
/* init + add of every event; exact when evs are in time order. Stops at and
 * returns the first error. */
int ledger_agg_rebuild(struct ledger_agg *a, int64_t followed_at,
                       const struct ledger_event *evs, size_t n);

/* Latest interaction in either direction (the "last_contact" of the spec),
 * latest event of any kind including posts ("last_activity"); 0 if none. */
int64_t ledger_agg_last_contact(const struct ledger_agg *a);
int64_t ledger_agg_first_contact(const struct ledger_agg *a);
int64_t ledger_agg_last_activity(const struct ledger_agg *a);

/* Serialisation for one TEXT column: one line "v1 key=value ..." (about
 * 0.3–1.5 KB; ASCII except for UTF-8 terms), integers only, so it is locale
 * independent and round-trips exactly; unknown keys are skipped on parse
 * (layout in ledger_codec.c). format returns the length written (without
 * the NUL) or -ENOSPC; LEDGER_AGG_TEXT_MAX always suffices. parse returns 0,
 * -EINVAL on malformed text (a is then a fresh aggregate) or -ENOTSUP for an
 * unknown version. */
#define LEDGER_AGG_TEXT_MAX 4096
int ledger_agg_format(const struct ledger_agg *a, char *buf, size_t size);
int ledger_agg_parse(struct ledger_agg *a, const char *text);

/* ---- stage ------------------------------------------------------------- */

struct ledger_stage_info {
	enum ledger_stage stage;        /* what to show: the pin when pinned, else computed */
	enum ledger_stage computed;     /* from the ledger: ladder, or dormant */
	enum ledger_stage ladder;       /* highest milestone reached (never dormant) */
	bool pinned;
	int64_t reached[LEDGER_STAGE_COUNT];  /* date each milestone was reached, 0 = not
	                                         (reached[LEDGER_DORMANT]: dormant since) */
	int64_t last_contact;
	int64_t silence;                /* now - last_contact, 0 without contact */
	int64_t typical_gap;            /* the pair's usual gap between conversations
	                                   (seconds), 0 when unknown */
	int64_t threshold;              /* silence beyond which the pair is dormant */
	bool default_threshold;         /* fewer than 3 gaps: the default was used */
	uint32_t n_gaps;
	const char *next_step;          /* static advice for the computed stage */
	char why[256];                  /* one sentence for `mentorctl why` */
};

/* pinned: the user's override (mentors.stage_override), or LEDGER_STAGE_NONE. */
void ledger_stage(const struct ledger_agg *a, int64_t now, enum ledger_stage pinned,
                  struct ledger_stage_info *out);

/* ---- scores ------------------------------------------------------------ */

#define LEDGER_MAX_CONTRIB 8
#define LEDGER_DETAIL_MAX  112

struct ledger_contrib {
	const char *name;               /* static: "recency", "topic", ... */
	double value;                   /* points given, 0 <= value <= weight */
	double weight;                  /* points available */
	char detail[LEDGER_DETAIL_MAX]; /* "last contact 3 days ago" */
};

/* A score and why: score == sum of c[i].value (up to rounding), in 0..100. */
struct ledger_score {
	double score;
	size_t n;
	struct ledger_contrib c[LEDGER_MAX_CONTRIB];
};

/* Relationship strength 0–100. why may be NULL (score only, no formatting:
 * the fast path for sorting lists). */
double ledger_strength(const struct ledger_agg *a, int64_t now, struct ledger_score *why);

/* Mentor fit 0–100 from the author's own posts in a: topic alignment between
 * the interests and the author's terms (textvec_align: per-interest TF-IDF
 * cosine; df may be NULL), responsiveness to other accounts, activity.
 * interests may be NULL (topic 0). why may be NULL. */
double ledger_fit(const struct ledger_agg *a, int64_t now, const struct textvec_query *interests,
                  const struct textvec_df *df, struct ledger_score *why);

/* ---- suggestions ------------------------------------------------------- */

/* An author seen in tracked hashtag streams or in mentors' conversations and
 * not followed. The caller drops dismissed, followed and blocked accounts. */
struct ledger_candidate {
	int64_t id;                     /* the caller's id for the author */
	const struct ledger_agg *agg;   /* built from the author's posts (kind post) */
	uint32_t seen_in_tags;          /* posts seen in tracked hashtag streams */
	uint32_t seen_in_threads;       /* posts in mentors' conversations (replying to a
	                                   mentor, or replied to by one) */
	uint32_t n_mentors;             /* distinct mentors in those conversations */
};

#define LEDGER_MAX_REASONS 5

struct ledger_suggestion {
	int64_t id;
	double fit;                     /* ledger_fit(), what `suggest` shows */
	double rank;                    /* fit + warm-path bonus (0–10): the sort key */
	size_t n_reasons;
	char reasons[LEDGER_MAX_REASONS][LEDGER_DETAIL_MAX];
};

/* Ranks candidates by rank (ties: higher fit, then lower id) and writes the
 * best max_out to out with reasons. Candidates sharing no term with the
 * interests and never seen in a mentor's conversation are left out. Returns
 * the number written. */
size_t ledger_suggest(const struct ledger_candidate *c, size_t n, int64_t now,
                      const struct textvec_query *interests, const struct textvec_df *df,
                      struct ledger_suggestion *out, size_t max_out);

/* ---- nudges ------------------------------------------------------------ */

enum ledger_nudge_kind {
	LEDGER_NUDGE_OPPORTUNITY = 0,
	LEDGER_NUDGE_UNANSWERED_QUESTION,
	LEDGER_NUDGE_COOLING,
	LEDGER_NUDGE_PACING_BURST,
	LEDGER_NUDGE_PACING_LIKES,      /* "pacing_likes_no_reply" */
	LEDGER_NUDGE_UNANSWERED_EMAIL,  /* their latest e-mail, unanswered for a week */
	LEDGER_NUDGE_TAGGED_RISK,       /* they tagged the user in a post the draft check flags */
	LEDGER_NUDGE_KIND_COUNT
};
const char *ledger_nudge_kind_name(enum ledger_nudge_kind k);

/* One of the mentor's recent posts (strings borrowed). */
struct ledger_post_view {
	int64_t post_id;
	const char *url;
	const char *text;
	const char *const *tags;
	size_t n_tags;
	int64_t at;
	unsigned flags;                 /* LEDGER_F_* */
	bool user_replied;              /* the user replied to or quoted it */
};

struct ledger_nudge_params {
	int64_t question_window;        /* questions younger than this (7 days) */
	int64_t opportunity_window;     /* opportunity posts younger than this (14 days) */
	double cooling_ratio;           /* cooling from this share of the dormancy threshold (0.5) */
	unsigned likes_min;             /* likes/reposts in 7 days without a reply (5) */
	unsigned burst_min;             /* the user's interactions in 24 h (6) */
	int64_t email_wait;             /* an e-mail from them unanswered this long (7 days) */
	int64_t email_window;           /* ... and not older than this (30 days) */
};
void ledger_nudge_params_default(struct ledger_nudge_params *p);

struct ledger_nudge_input {
	int64_t mentor_id;
	const char *mentor_name;        /* for messages; NULL: "mentor #id" */
	const struct ledger_agg *agg;
	enum ledger_stage pinned;       /* the pin or LEDGER_STAGE_NONE; pinned dormant:
	                                   no cooling nudge */
	const struct ledger_post_view *posts;   /* the mentor's posts of the last 14 days,
	                                           any order */
	size_t n_posts;
	const struct ledger_event *recent;      /* this pair's events of the last 7 days, any
	                                           order (post_id/url name a liked post) */
	size_t n_recent;
};

#define LEDGER_MSG_MAX 256

struct ledger_nudge {
	enum ledger_nudge_kind kind;
	int64_t mentor_id;
	int64_t post_id;                /* the post it is about, 0 if none */
	const char *url;                /* borrowed from the input, may be NULL */
	int64_t at;                     /* when the cause began: the post (opportunity, question),
	                                   their e-mail (unanswered_email),
	                                   the last contact (cooling), the burst's first action,
	                                   the latest like (pacing_likes) */
	int priority;                   /* higher first: opportunity 90 ... pacing 40 */
	char message[LEDGER_MSG_MAX];   /* what was seen */
	char action[LEDGER_MSG_MAX];    /* what to do */
};

/* The nudges for one mentor, at most one per kind, highest priority first.
 * interests: the user's area for questions (NULL or empty: every question).
 * p may be NULL (defaults). Returns the number written (<= max_out). */
size_t ledger_nudges(const struct ledger_nudge_input *in, int64_t now,
                     const struct textvec_query *interests, const struct ledger_nudge_params *p,
                     struct ledger_nudge *out, size_t max_out);

/* The tagged_risk nudge about one post (url borrowed), for a mentor's
 * (ledger_nudges) or a stranger's (mentor_id 0, who their handle). */
void ledger_nudge_tagged(struct ledger_nudge *out, int64_t mentor_id, const char *who, const char *url,
                         int64_t post_id, int64_t at);

/* The text detectors the nudges use, for notification urgency too. */
bool ledger_is_question(const char *text);
/* The opportunity phrase text contains ("applications open"), or NULL. */
const char *ledger_opportunity_match(const char *text);

#endif
