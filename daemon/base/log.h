/* log.h — prioritised logging to stderr with sd-daemon "<N>" prefixes, which
 * journald turns into priorities when mentord runs under systemd.
 *
 * The threshold is process-wide (set once from -v in main); it is the one piece
 * of state that is not passed explicitly, because every module logs. */
#ifndef MENTORD_LOG_H
#define MENTORD_LOG_H

#include <syslog.h>   /* LOG_ERR, LOG_WARNING, LOG_NOTICE, LOG_INFO, LOG_DEBUG */

void log_set_max_level(int level);
int log_get_max_level(void);
void log_msg(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_err(...)    log_msg(LOG_ERR, __VA_ARGS__)
#define log_warn(...)   log_msg(LOG_WARNING, __VA_ARGS__)
#define log_notice(...) log_msg(LOG_NOTICE, __VA_ARGS__)
#define log_info(...)   log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...)  log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
