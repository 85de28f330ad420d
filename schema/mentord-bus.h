/* mentord-bus.h — the D-Bus names shared by mentord and mentorctl. The full
 * interface is org.mentord.Manager1.xml beside this file; a test keeps it
 * equal to what the daemon serves. */
#ifndef MENTORD_BUS_NAMES_H
#define MENTORD_BUS_NAMES_H

#define MENTORD_BUS_NAME   "org.mentord.Mentord1"
#define MENTORD_BUS_PATH   "/org/mentord/Mentord1"
#define MENTORD_BUS_IFACE  "org.mentord.Manager1"

#define MENTORD_ERROR_UNKNOWN_PLATFORM   "org.mentord.Error.UnknownPlatform"
#define MENTORD_ERROR_INVALID_HANDLE     "org.mentord.Error.InvalidHandle"
#define MENTORD_ERROR_INVALID_TAG        "org.mentord.Error.InvalidTag"
#define MENTORD_ERROR_INVALID_ARGUMENT   "org.mentord.Error.InvalidArgument"
#define MENTORD_ERROR_UNKNOWN_MENTOR     "org.mentord.Error.UnknownMentor"
#define MENTORD_ERROR_AMBIGUOUS_MENTOR   "org.mentord.Error.AmbiguousMentor"
#define MENTORD_ERROR_NOT_FOLLOWED       "org.mentord.Error.NotFollowed"
#define MENTORD_ERROR_ALREADY_FOLLOWED   "org.mentord.Error.AlreadyFollowed"
#define MENTORD_ERROR_NOT_TRACKED        "org.mentord.Error.NotTracked"
#define MENTORD_ERROR_ALREADY_TRACKED    "org.mentord.Error.AlreadyTracked"
#define MENTORD_ERROR_INVALID_CONFIG     "org.mentord.Error.InvalidConfig"
#define MENTORD_ERROR_INTERNAL           "org.mentord.Error.Internal"
#define MENTORD_ERROR_NOT_MUTED          "org.mentord.Error.NotMuted"
#define MENTORD_ERROR_IMPORT_REFUSED     "org.mentord.Error.ImportRefused"

/* Why: the last of strength_parts when X's budget put reads of the
 * mentor off this month; 0 of 0 points, its detail the sentence. */
#define MENTORD_WHY_X_BUDGET "x_budget"

/* Upper bounds every method enforces on its arguments. */
#define MENTORD_MAX_HANDLE   253
#define MENTORD_MAX_TAG      100
#define MENTORD_MAX_NAME     200
#define MENTORD_MAX_PAGE     500    /* rows per ListMentors reply, keeps it < 64 KiB */
#define MENTORD_MAX_ENGAGEMENT_MENTORS 500  /* mentor ids per GetEngagement call */
#define MENTORD_MAX_BUCKETS  60     /* months or weeks per GetEngagement call */

#endif
