#include "report.h"

#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <unistd.h>

void reporter_init(struct reporter *r, int fd)
{
	r->fd = fd;
	r->tokens = REPORT_BURST;
	clock_gettime(CLOCK_MONOTONIC, &r->last);
	r->suppressed = 0;
}

static bool take_token(struct reporter *r)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	double elapsed = (double)(now.tv_sec - r->last.tv_sec) +
			 (double)(now.tv_nsec - r->last.tv_nsec) / 1e9;
	r->last = now;
	r->tokens += elapsed * REPORT_RATE;
	if (r->tokens > REPORT_BURST)
		r->tokens = REPORT_BURST;
	if (r->tokens < 1.0)
		return false;
	r->tokens -= 1.0;
	return true;
}

/* The tool's name comes from a REGISTER, a nested one from inside the
 * sandbox: one line whatever it holds. */
static void printable_name(const char *tool, char *name, size_t cap)
{
	size_t k = 0;
	for (; tool[k] && k + 1 < cap; k++)
		name[k] = tool[k] >= 0x20 && tool[k] < 0x7f ? tool[k] : '?';
	name[k] = '\0';
}

/* A full pipe must not stall the supervisor, and the shared file
 * description's flags are the tool's: poll first, and a line (under
 * PIPE_BUF) then goes in whole or the reader is too slow for it. */
static bool emit_line(struct reporter *r, const char *line, size_t len)
{
	struct pollfd pfd = {.fd = r->fd, .events = POLLOUT};
	if (poll(&pfd, 1, 0) != 1 || !(pfd.revents & POLLOUT))
		return false;
	ssize_t ignored = write(r->fd, line, len);
	(void)ignored;
	return true;
}

void reporter_refusal(struct reporter *r, const char *tool, int pid,
		      const char *what, const char *hint, const char *config)
{
	if (r->fd < 0)
		return;
	/* The closing summary line always goes out. */
	if (!take_token(r) && what[0] != 'm') {
		r->suppressed++;
		return;
	}
	char name[256];
	printable_name(tool, name, sizeof name);
	char line[768];
	int n = snprintf(line, sizeof line, "landstrip: refused %s by %s (pid %d)",
			 what, name, pid);
	if (hint && n >= 0 && (size_t)n < sizeof line)
		n += snprintf(line + n, sizeof line - (size_t)n, ": %s%s%s%s",
			      hint, config ? " (in " : "", config ? config : "",
			      config ? ")" : "");
	if (r->suppressed && n >= 0 && (size_t)n < sizeof line)
		n += snprintf(line + n, sizeof line - (size_t)n,
			      " [%u more refusals not shown]", r->suppressed);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof line - 1)
		n = (int)sizeof line - 2;
	line[n++] = '\n';
	r->suppressed = 0;
	if (!emit_line(r, line, (size_t)n))
		r->suppressed++;
}

void reporter_stats(struct reporter *r, const char *tool,
		    unsigned long fs_calls, unsigned long left_to_landlock,
		    unsigned long witness_questions)
{
	char name[201], line[512];
	printable_name(tool, name, sizeof name);
	int n = snprintf(line, sizeof line,
			 "landstrip: debug: %s: %lu file-system calls "
			 "trapped, %lu of them left to Landlock (granted by the "
			 "snapshot), %lu decided or performed by the "
			 "supervisor; %lu questions to nested sandboxes' "
			 "witnesses\n",
			 name, fs_calls, left_to_landlock,
			 fs_calls - left_to_landlock, witness_questions);
	if (r->fd >= 0 && n > 0 && (size_t)n < sizeof line)
		emit_line(r, line, (size_t)n);
}

void reporter_close(struct reporter *r)
{
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
}
