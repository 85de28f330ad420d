/* lat.c — end-to-end latency of a command: `lat N CMD [ARGS...]` runs CMD
 * N times (after one unmeasured warm-up run), each from fork to exit, and
 * prints "p50_ms p90_ms max_ms max_stdout_bytes failures". Timing inside one
 * process keeps the measuring harness's own exec out of the figures. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "timing.h"
#include <unistd.h>

/* Runs argv once; returns the exit status (or -errno) and the stdout size. */
static int run_once(char **argv, size_t *out_bytes)
{
	int fd[2], status = 0;
	char buf[65536];
	ssize_t n;
	pid_t pid;

	*out_bytes = 0;
	if (pipe(fd) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		close(fd[0]);
		close(fd[1]);
		return -errno;
	}
	if (pid == 0) {
		dup2(fd[1], 1);
		close(fd[0]);
		close(fd[1]);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(fd[1]);
	while ((n = read(fd[0], buf, sizeof buf)) > 0)
		*out_bytes += (size_t)n;
	close(fd[0]);
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

int main(int argc, char **argv)
{
	int n = argc > 2 ? atoi(argv[1]) : 0, fails = 0;
	size_t bytes, max_bytes = 0;
	double *t;

	if (n <= 0) {
		fprintf(stderr, "usage: lat N CMD [ARGS...]\n");
		return 2;
	}
	t = calloc((size_t)n, sizeof *t);
	if (!t)
		return 1;
	run_once(argv + 2, &bytes);   /* warm the page cache and the daemon's caches */
	for (int i = 0; i < n; i++) {
		double t0 = now_ms();
		int r = run_once(argv + 2, &bytes);
		t[i] = now_ms() - t0;
		if (r != 0)
			fails++;
		if (bytes > max_bytes)
			max_bytes = bytes;
	}
	bench_sort_ms(t, (size_t)n);
	printf("%.2f %.2f %.2f %zu %d\n", t[n / 2], t[(n * 9) / 10], t[n - 1], max_bytes, fails);
	free(t);
	return 0;
}
