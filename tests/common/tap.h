/* tap.h — minimal TAP producer for unit tests. Each check prints
 * "ok N - name" or "not ok N - name"; tests/run.sh counts them. */
#ifndef MENTORD_TAP_H
#define MENTORD_TAP_H

#include <stdbool.h>

/* Records one check; returns cond so callers can bail out early. */
bool tap_ok(bool cond, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Prints a diagnostic line ("# ...") that the runner shows on failure. */
void tap_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints the plan "1..N" and returns the process exit code (0 if all passed). */
int tap_done(void);

#define ok(cond, ...) tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
#define is_int(got, want, name) do { long long g_ = (got), w_ = (want); \
	if (!ok(g_ == w_, "%s", name)) tap_diag("  got %lld, want %lld", g_, w_); } while (0)
#define is_str(got, want, name) do { const char *g_ = (got), *w_ = (want); \
	bool eq_ = (g_ && w_) ? strcmp(g_, w_) == 0 : g_ == w_; \
	if (!ok(eq_, "%s", name)) tap_diag("  got \"%s\", want \"%s\"", g_ ? g_ : "(null)", w_ ? w_ : "(null)"); } while (0)

#endif
