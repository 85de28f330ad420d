#include "prompt.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#define PROMPT_MAX 8192

void prompt_free(char *secret)
{
	if (!secret)
		return;
	explicit_bzero(secret, strlen(secret));
	free(secret);
}

/* One line of fd 0, read byte by byte so nothing after it is consumed. */
static int read_line(char *buf, size_t size)
{
	size_t n = 0;
	for (;;) {
		char c;
		ssize_t r = read(STDIN_FILENO, &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0 || c == '\n')
			break;
		if (n + 1 >= size)
			return -EFBIG;
		buf[n++] = c;
	}
	buf[n] = '\0';
	return (int)n;
}

int prompt_secret(const char *prompt, bool from_pipe, char **out)
{
	char buf[PROMPT_MAX + 1], *b, *e;
	struct termios old, quiet;
	bool tty = !from_pipe && isatty(STDIN_FILENO);
	int r;

	*out = NULL;
	if (tty) {
		if (tcgetattr(STDIN_FILENO, &old) < 0)
			return -errno;
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK | ECHONL);
		quiet.c_lflag |= ICANON;
		fprintf(stderr, "%s", prompt);
		fflush(stderr);
		if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) < 0)
			return -errno;
	}
	r = read_line(buf, sizeof buf);
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fputc('\n', stderr);
	}
	if (r >= 0) {
		for (b = buf; *b == ' ' || *b == '\t'; b++)
			;
		for (e = b + strlen(b); e > b && strchr(" \t\r", e[-1]); e--)
			;
		*e = '\0';
		r = !*b ? -ENODATA : (*out = strdup(b)) ? 0 : -ENOMEM;
	}
	explicit_bzero(buf, sizeof buf);
	return r;
}
