/* Denial reports: one line per refusal, where [landstrip] report = says,
 * rate-limited so that a tool refused in a loop cannot flood the agent. */
#ifndef LANDSTRIP_REPORT_SUP_H
#define LANDSTRIP_REPORT_SUP_H

#include <stdint.h>
#include <time.h>

struct reporter {
	int fd;             /* -1: report = none */
	double tokens;      /* token bucket: REPORT_BURST lines, then
			       REPORT_RATE a second */
	struct timespec last;
	unsigned suppressed;
};

#define REPORT_BURST 20
#define REPORT_RATE 5.0

/* FD is the tool's stderr (or the report file); the reporter owns it. */
void reporter_init(struct reporter *r, int fd);

/* "landstrip: refused WHAT by TOOL (pid PID): HINT" */
void reporter_refusal(struct reporter *r, const char *tool, int pid,
		      const char *what, const char *hint, const char *config);

/* --debug, at the sandbox's end: how many file-system calls it trapped,
 * how many of them were left to Landlock (fsmediate.c), and how many
 * questions nested sandboxes' witnesses were asked (mediate.c). */
void reporter_stats(struct reporter *r, const char *tool,
		    unsigned long fs_calls, unsigned long left_to_landlock,
		    unsigned long witness_questions);
void reporter_close(struct reporter *r);

#endif
