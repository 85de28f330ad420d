/* mkmaildir DIR [--seed N] [--count N] [--flat] [--no-huge] — writes a test Maildir tree,
 * the same for the same seed, and prints what mentord must make of it.
 *
 * The user is trainee@uni.edu (and t.k@gmail.com). Mentors' addresses:
 * jane.roe@hospital.org (she answers some of the user's threads; written in
 * mixed case at times), jroe@gmail.com (her second address, under the name
 * "Jane Roe"), max.mentor@clinic.example (writes; nobody answers). Around
 * them: other people's mail, mail between the user and others; subjects and
 * names as RFC 2047 encoded words (UTF-8 base64, ISO-8859-1 quoted-
 * printable); headers without Date, with a garbage Date, without
 * Message-ID, folded, unterminated, huge (over 64 KiB); the same message
 * in new/ and cur/ and in another folder.
 *
 * Folders: DIR/INBOX, DIR/Sent, DIR/Archive/.2019 (nested), each with cur/,
 * new/ and tmp/ (--flat: DIR itself is the one Maildir). --no-huge leaves
 * out the headers over 64 KiB (a benchmark's Maildir of ordinary mail).
 *
 * Output, one per line: "files N" (message files written), "messages N"
 * (distinct messages involving the user), and "count ADDRESS KIND N" for
 * each mentor address and kind (my_email, email_to_me). */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define N_MENTORS 3
static const char *const mentor_addr[N_MENTORS] = {
	"jane.roe@hospital.org", "jroe@gmail.com", "max.mentor@clinic.example" };
static const char *const mentor_shown[N_MENTORS] = {
	"=?UTF-8?B?RHIuIErDoW5lIFJvZQ==?= <Jane.Roe@Hospital.ORG>",   /* "Dr. Jáne Roe" */
	"Jane Roe <jroe@gmail.com>",
	"\"Mentor, Max\" <max.mentor@clinic.example>" };

struct gen {
	uint64_t rng;
	const char *dir;
	char folders[3][1024];
	size_t n_folders;
	unsigned files, messages, seq;
	bool no_huge;
	unsigned count[N_MENTORS][2];   /* [0] my_email, [1] email_to_me */
	char *buf;
	size_t len, cap;
};

static uint32_t rnd(struct gen *g, uint32_t n)
{
	g->rng ^= g->rng << 13;
	g->rng ^= g->rng >> 7;
	g->rng ^= g->rng << 17;
	return (uint32_t)(g->rng % n);
}

static void put(struct gen *g, const char *fmt, ...)
{
	va_list ap;
	int n;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(g->buf + g->len, g->cap - g->len, fmt, ap);
		va_end(ap);
		if ((size_t)n < g->cap - g->len)
			break;
		g->cap = (g->cap + (size_t)n) * 2;
		if (!(g->buf = realloc(g->buf, g->cap))) {
			perror("mkmaildir");
			exit(1);
		}
	}
	g->len += (size_t)n;
}

static void mkdirs(const char *path)
{
	char tmp[1400];
	snprintf(tmp, sizeof tmp, "%s", path);
	for (char *p = tmp + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(tmp, 0700);
			*p = '/';
		}
	if (mkdir(tmp, 0700) < 0 && errno != EEXIST) {
		perror(path);
		exit(1);
	}
}

static void write_file(struct gen *g, size_t folder, bool cur, const char *tag)
{
	char path[1400];
	FILE *f;
	snprintf(path, sizeof path, "%s/%s/%u.M%uP1.gen%s%s", g->folders[folder % g->n_folders], cur ? "cur" : "new",
	         1500000000u + g->seq, g->seq, tag, cur ? ":2,S" : "");
	g->seq++;
	if (!(f = fopen(path, "w")) || fwrite(g->buf, 1, g->len, f) != g->len || fclose(f) != 0) {
		perror(path);
		exit(1);
	}
	g->files++;
}

static const char *subject(struct gen *g, unsigned i)
{
	static char s[200];
	switch (rnd(g, 4)) {
	case 0: snprintf(s, sizeof s, "=?UTF-8?B?w4lsw6h2ZSBxdWVzdGlvbg==?= %u", i); break;   /* "Élève question" */
	case 1: snprintf(s, sizeof s, "=?ISO-8859-1?Q?Caf=E9_meeting?= %u", i); break;
	case 2: snprintf(s, sizeof s, "Re: rotation plans %u", i); break;
	default: snprintf(s, sizeof s, "Research\r\n idea %u", i); break;           /* folded */
	}
	return s;
}

/* One message's headers into g->buf; the variants of broken headers. */
static void headers(struct gen *g, unsigned i, const char *from, const char *to, const char *cc,
                    const char *msgid, const char *irt)
{
	unsigned v = rnd(g, 20);
	g->len = 0;
	put(g, "Return-Path: <x@y>\r\nReceived: from a by b; Mon, 1 Jan 2024 00:00:00 +0000\r\n");
	put(g, "From: %s\r\n", from);
	if (v == 0)
		put(g, "To: someone@else.example,\r\n\t%s\r\n", to);      /* folded list */
	else
		put(g, "To: %s\r\n", to);
	if (cc)
		put(g, "Cc: %s\r\n", cc);
	if (v == 1)
		put(g, "Date: yesterday at noon\r\n");                      /* garbage */
	else if (v != 2)                                              /* v == 2: no Date */
		put(g, "Date: Tue, %u Mar 2025 %02u:%02u:00 +0100\r\n", 1 + i % 28, i % 24, i % 60);
	if (msgid && v != 3)                                          /* v == 3: no Message-ID */
		put(g, "Message-ID: <%s>\r\n", msgid);
	if (irt)
		put(g, "In-Reply-To: <%s>\r\nReferences: <older.%u@gen> <%s>\r\n", irt, i, irt);
	put(g, "Subject: %s\r\n", subject(g, i));
	if (v == 4 && !g->no_huge) {                                   /* huge: cut at 64 KiB */
		put(g, "X-Huge: start");
		for (unsigned k = 0; k < 1200; k++)
			put(g, "\r\n\tfilling the header block with folded junk line %u", k);
		put(g, "\r\n");
	}
	if (v == 5)
		return;                                                    /* unterminated: no body */
	put(g, "MIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nBody text never read %u.\r\n", i);
}

static void count(struct gen *g, const char *addr, int kind)
{
	for (int k = 0; k < N_MENTORS; k++)
		if (strcmp(addr, mentor_addr[k]) == 0)
			g->count[k][kind]++;
}

/* Writes the message in buf once, sometimes again (new/ and cur/, or
 * another folder): duplicates of one message. */
static void store(struct gen *g, size_t folder)
{
	unsigned d = rnd(g, 10);
	write_file(g, folder, rnd(g, 2) == 0, "");
	if (d == 0)
		write_file(g, folder, d == 0 ? false : true, ".dup");
	else if (d == 1)
		write_file(g, (folder + 1) % g->n_folders, true, ".copy");
}

static void one(struct gen *g, unsigned i)
{
	char id[100], id2[100], other[100], other2[100];
	unsigned kind = rnd(g, 10), m;

	snprintf(id, sizeof id, "m%u.%llu@gen.example", i, (unsigned long long)(g->rng % 100000));
	snprintf(other, sizeof other, "person%u@example.com", rnd(g, 500));
	snprintf(other2, sizeof other2, "=?ISO-8859-1?Q?Ren=E9e_P?= <renee%u@example.org>", rnd(g, 50));
	switch (kind) {
	case 0: case 1:          /* the user writes to Jane (maybe with another on Cc); she may answer */
		headers(g, i, "Trainee <trainee@uni.edu>", mentor_shown[0], kind ? other : NULL, id, NULL);
		store(g, 1);
		g->messages++;
		count(g, mentor_addr[0], 0);
		if (rnd(g, 2)) {
			snprintf(id2, sizeof id2, "r%u@hospital.org", i);
			headers(g, i, mentor_shown[0], "trainee@uni.edu", NULL, id2, id);
			store(g, 0);
			g->messages++;
			count(g, mentor_addr[0], 1);
		}
		return;
	case 2:                  /* Max writes; nobody answers */
		headers(g, i, mentor_shown[2], "T K <t.k@gmail.com>", NULL, id, NULL);
		store(g, 0);
		g->messages++;
		count(g, mentor_addr[2], 1);
		return;
	case 3:                  /* Jane's other address, and the user's answer to it */
		headers(g, i, mentor_shown[1], "trainee@uni.edu", other2, id, NULL);
		store(g, 0);
		g->messages++;
		count(g, mentor_addr[1], 1);
		if (rnd(g, 3) == 0) {
			snprintf(id2, sizeof id2, "a%u@uni.edu", i);
			headers(g, i, "trainee@uni.edu", "jroe@gmail.com", NULL, id2, id);
			store(g, 1);
			g->messages++;
			count(g, mentor_addr[1], 0);
		}
		return;
	case 4: case 5:          /* others write to the user */
		headers(g, i, other2, "Trainee <TRAINEE@uni.edu>", NULL, id, NULL);
		store(g, 0);
		g->messages++;
		return;
	case 6:                  /* the user writes to others */
		headers(g, i, "trainee@uni.edu", other, NULL, id, NULL);
		store(g, 1);
		g->messages++;
		return;
	default:                 /* other people's mail, a mentor among them at times */
		m = rnd(g, 4);
		headers(g, i, other, m < N_MENTORS ? mentor_addr[m] : other, NULL, id, NULL);
		store(g, 2 % g->n_folders);
		return;
	}
}

int main(int argc, char **argv)
{
	struct gen g = { .rng = 1 };
	unsigned n = 2000;
	bool flat = false;
	static const char *const names[3] = { "INBOX", "Sent", "Archive/.2019" };

	if (argc < 2) {
		fprintf(stderr, "usage: mkmaildir DIR [--seed N] [--count N] [--flat] [--no-huge]\n");
		return 2;
	}
	g.dir = argv[1];
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc)
			g.rng = strtoull(argv[++i], NULL, 10) * 2654435761u + 1;
		else if (strcmp(argv[i], "--count") == 0 && i + 1 < argc)
			n = (unsigned)strtoul(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--flat") == 0)
			flat = true;
		else if (strcmp(argv[i], "--no-huge") == 0)
			g.no_huge = true;
		else {
			fprintf(stderr, "mkmaildir: unknown argument %s\n", argv[i]);
			return 2;
		}
	}
	g.n_folders = flat ? 1 : 3;
	for (size_t f = 0; f < g.n_folders; f++) {
		char sub[1100];
		if (flat)
			snprintf(g.folders[f], sizeof g.folders[f], "%s", g.dir);
		else
			snprintf(g.folders[f], sizeof g.folders[f], "%s/%s", g.dir, names[f]);
		for (int k = 0; k < 3; k++) {
			snprintf(sub, sizeof sub, "%s/%s", g.folders[f], k == 0 ? "cur" : k == 1 ? "new" : "tmp");
			mkdirs(sub);
		}
	}
	for (unsigned i = 0; i < n; i++)
		one(&g, i);
	printf("files %u\nmessages %u\n", g.files, g.messages);
	for (int k = 0; k < N_MENTORS; k++)
		printf("count %s my_email %u\ncount %s email_to_me %u\n", mentor_addr[k], g.count[k][0],
		       mentor_addr[k], g.count[k][1]);
	free(g.buf);
	return 0;
}
