/* spawnbench: wall time of fork+exec+wait for several command lines, run
 * interleaved (A B C A B C ...) so that machine noise hits all of them alike,
 * and reported as medians and ratios to the first.
 *
 *   spawnbench RUNS LABEL CMD [ARG]... [--- LABEL CMD [ARG]...]...
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_CMDS 8

struct cmd {
	const char *label;
	char **argv;
	double *samples;
};

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static double run_once(char **argv)
{
	double start = now_us();
	pid_t pid = fork();
	if (pid == 0) {
		execv(argv[0], argv);
		_exit(127);
	}
	int status;
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0) {
		fprintf(stderr, "spawnbench: %s failed\n", argv[0]);
		exit(1);
	}
	return now_us() - start;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: spawnbench RUNS LABEL CMD... [--- LABEL CMD...]...\n");
		return 64;
	}
	int runs = atoi(argv[1]);
	struct cmd cmds[MAX_CMDS];
	int n = 0;
	for (int i = 2; i < argc && n < MAX_CMDS;) {
		cmds[n].label = argv[i++];
		cmds[n].argv = argv + i;
		while (i < argc && strcmp(argv[i], "---") != 0)
			i++;
		if (i < argc)
			argv[i++] = NULL; /* terminate this command's argv */
		cmds[n].samples = calloc((size_t)runs, sizeof(double));
		n++;
	}
	for (int c = 0; c < n; c++) /* warm caches */
		run_once(cmds[c].argv);
	for (int r = 0; r < runs; r++)
		for (int c = 0; c < n; c++)
			cmds[c].samples[r] = run_once(cmds[c].argv);
	double base = 0;
	for (int c = 0; c < n; c++) {
		qsort(cmds[c].samples, (size_t)runs, sizeof(double), by_value);
		double median = cmds[c].samples[runs / 2];
		if (c == 0)
			base = median;
		printf("  %-34s median %8.1f us  p10 %8.1f  p90 %8.1f  ratio %.2fx\n",
		       cmds[c].label, median, cmds[c].samples[runs / 10],
		       cmds[c].samples[runs * 9 / 10], median / base);
	}
	return 0;
}
