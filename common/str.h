/* str.h — the two string helpers every part of mentord reaches for. */
#ifndef MENTORD_COMMON_STR_H
#define MENTORD_COMMON_STR_H

/* strdup that passes NULL through: NULL for NULL, or for no memory. */
char *str_dup(const char *s);

/* Replaces *dst (freed) by a copy of s; NULL clears. 0 or -ENOMEM, when
 * *dst is left as it was. */
int str_set(char **dst, const char *s);

/* Trims ASCII white space (space, tab, CR, LF) in place; returns the
 * first byte kept, inside s. */
char *str_strip(char *s);

#endif
