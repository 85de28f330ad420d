/* macros.h — array length and systemd-style cleanup attributes. */
#ifndef MENTORD_COMMON_MACROS_H
#define MENTORD_COMMON_MACROS_H

#include <stdlib.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* A pointer freed on every return path of its scope. */
static inline void freep(void *p) { free(*(void **)p); }
#define _cleanup_free_ __attribute__((cleanup(freep)))

#endif
