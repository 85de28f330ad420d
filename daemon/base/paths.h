/* paths.h — where mentord's files live: XDG locations, "~/" in
 * configured paths, and private directories created on the way. */
#ifndef MENTORD_BASE_PATHS_H
#define MENTORD_BASE_PATHS_H

/* mkdir -p with the given mode for each created component; also tightens
 * the final directory to `mode` if it already exists and is ours. */
int paths_mkdir(const char *path, unsigned mode);

/* Expands a leading "~/" using $HOME. Returns a new string or NULL on OOM. */
char *paths_expand_home(const char *path);

/* $XDG_<kind>_HOME/mentord/<file> with the XDG fallback (~/.config,
 * ~/.local/state). kind is "CONFIG" or "STATE". */
char *paths_xdg(const char *kind, const char *file);

#endif
