/* conffile.h — editing mentord.conf and writing secret files from outside
 * the daemon's parser: `mentorctl login` sets a few keys and stores tokens.
 *
 * Both write through a temporary file in the target's directory, fsync it and
 * rename it over the target, so a crash or an error leaves the old file whole
 * (or none). Missing directories are created 0700. Errors are negative errno
 * codes; nothing secret is ever part of a message because there are none. */
#ifndef MENTORD_COMMON_CONFFILE_H
#define MENTORD_COMMON_CONFFILE_H

#include <stddef.h>

/* Sets `key = value` in [section] of the INI file at path. Every other line
 * and comment stays as it was; a trailing " # comment" on the replaced line
 * is kept. A missing key is added after the section's last setting, a missing
 * section at the end of the file, a missing file is created 0600 (an existing
 * file keeps its mode). -EINVAL for a section, key or value that cannot be
 * written as one line (new line characters, '=' or ']' in names). */
int conffile_set(const char *path, const char *section, const char *key, const char *value);

/* The same for n keys of one section in one rename: all or none. */
int conffile_set_keys(const char *path, const char *section, const char *const *keys,
		      const char *const *values, size_t n);

/* Writes data as the whole file at path, mode 0600 (parent directory 0700). */
int conffile_write_secret(const char *path, const void *data, size_t len);

#endif
