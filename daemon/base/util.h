/* util.h — small helpers shared by every module: clocks, strings, paths,
 * cleanup attributes. Nothing here knows about mentors or networks. */
#ifndef MENTORD_UTIL_H
#define MENTORD_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* __attribute__((cleanup)) helpers, systemd style. */
static inline void freep(void *p) { free(*(void **)p); }
#define _cleanup_free_ __attribute__((cleanup(freep)))

uint64_t now_monotonic_usec(void);
int64_t now_realtime_sec(void);

/* Formats t (unix seconds, UTC) as RFC 3339 "2026-11-25T22:07:04Z". */
void format_rfc3339(int64_t t, char buf[static 32]);

/* mkdir -p with the given mode for each created component; also tightens
 * the final directory to `mode` if it already exists and is ours. */
int mkdir_parents(const char *path, unsigned mode);

/* Expands a leading "~/" using $HOME. Returns a new string or NULL on OOM. */
char *expand_home(const char *path);

/* $XDG_<kind>_HOME/mentord/<file> with the XDG fallback (~/.config,
 * ~/.local/state). kind is "CONFIG" or "STATE". */
char *xdg_path(const char *kind, const char *file);

#endif
