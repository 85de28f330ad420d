/* prompt.h — reading what the user types or pipes in for a login: secrets
 * (tokens, app passwords, codes) with echo off on a terminal, or one line of
 * a pipe. Nothing read here is ever echoed, logged or put in argv. */
#ifndef MENTORCTL_PROMPT_H
#define MENTORCTL_PROMPT_H

#include <stdbool.h>

/* Prints prompt on stderr when stdin is a terminal (and from_pipe is false)
 * and reads one line without echo; otherwise reads one line of stdin as it
 * is (from_pipe: --password-stdin). Trailing CR/LF and surrounding blanks go.
 * 0 and a malloc'd *out (free with prompt_free), -ENODATA for an empty line
 * or end of input, -EFBIG for a line over 8 KiB, -errno otherwise. */
int prompt_secret(const char *prompt, bool from_pipe, char **out);

/* Wipes and frees. NULL is a no-op. */
void prompt_free(char *secret);

#endif
