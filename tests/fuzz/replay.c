/* Run a fuzz target over a kept corpus without libFuzzer, so that `make
 * fuzz-replay` (and check) needs only the system compiler and sanitizers.
 * Linked with one target (build/fuzz-replay with fuzz_protocol.c,
 * build/fuzz-config-replay with fuzz_config.c).
 *
 *   fuzz-replay DIR|FILE...
 *
 * The target's LLVMFuzzerInitialize, if it has one, runs first, once, as
 * libFuzzer runs it.
 *
 * Each input runs in a child of its own: a crash, a sanitizer report or a
 * leak (LeakSanitizer at the child's exit) is counted and named, and the
 * remaining inputs still run.  The last line is "fuzz replay: N inputs,
 * M crashes"; exit status 1 if M > 0 or there was nothing to run. */
#include "fuzz.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* Optional in a target, as for libFuzzer. */
#pragma weak LLVMFuzzerInitialize

/* The whole of PATH in a fresh buffer, *LEN bytes; NULL on error. */
static unsigned char *read_all(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	unsigned char *buf = NULL;
	size_t cap = 0, n = 0;
	for (;;) {
		if (n == cap) {
			cap = cap ? 2 * cap : 4096;
			unsigned char *bigger = realloc(buf, cap);
			if (!bigger)
				goto fail;
			buf = bigger;
		}
		ssize_t got = read(fd, buf + n, cap - n);
		if (got == 0)
			break;
		if (got < 0 && errno != EINTR)
			goto fail;
		if (got > 0)
			n += (size_t)got;
	}
	close(fd);
	*len = n;
	return buf;
fail:
	free(buf);
	close(fd);
	return NULL;
}

/* 0 when the input ran clean, 1 when it crashed, -1 when unreadable. */
static int run_one(const char *path)
{
	size_t len;
	unsigned char *data = read_all(path, &len);
	if (!data) {
		fprintf(stderr, "fuzz replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		LLVMFuzzerTestOneInput(data, len);
		free(data);
		exit(0); /* not _exit: LeakSanitizer runs at exit */
	}
	free(data);
	int status;
	if (pid < 0 || waitpid(pid, &status, 0) < 0) {
		fprintf(stderr, "fuzz replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	fprintf(stderr, "fuzz replay: CRASH %s (%s %d)\n", path,
		WIFSIGNALED(status) ? "signal" : "exit status",
		WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
	return 1;
}

struct tally {
	int inputs, crashes, errors;
};

static void count(struct tally *t, int rc)
{
	if (rc < 0)
		t->errors++;
	else
		t->inputs++, t->crashes += rc;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int not_hidden(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

static void run_dir(const char *dir, struct tally *t)
{
	struct dirent **names;
	int n = scandir(dir, &names, not_hidden, by_name);
	if (n < 0) {
		fprintf(stderr, "fuzz replay: %s: %s\n", dir, strerror(errno));
		t->errors++;
		return;
	}
	for (int i = 0; i < n; i++) {
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", dir, names[i]->d_name);
		struct stat st;
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
			count(t, run_one(path));
		free(names[i]);
	}
	free(names);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s DIR|FILE...\n", argv[0]);
		return 2;
	}
	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	struct tally t = {0, 0, 0};
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
			run_dir(argv[i], &t);
		else
			count(&t, run_one(argv[i]));
	}
	printf("fuzz replay: %d inputs, %d crashes\n", t.inputs, t.crashes);
	if (t.errors)
		fprintf(stderr, "fuzz replay: %d inputs unreadable\n", t.errors);
	return t.crashes || t.errors || t.inputs == 0 ? 1 : 0;
}
