/* embed.h — data files compiled into the binary by tools/embed.sh. */
#ifndef MENTORD_EMBED_H
#define MENTORD_EMBED_H

#include <stddef.h>

struct embedded_file {
	const char *name;   /* base name, e.g. "001-init.sql" */
	const char *data;   /* the bytes, NUL-terminated for convenience */
	size_t len;
};

/* schema/NNN-*.sql in order: migration i takes user_version i to i+1. */
extern const struct embedded_file schema_migrations[];
extern const size_t schema_migrations_count;

/* The files of daemon/rules/ for the draft checker, in name order. */
extern const struct embedded_file check_rules[];
extern const size_t check_rules_count;

#endif
