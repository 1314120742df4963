/* Diagnostics shared by landstrip's programs.
 *
 * Every message starts with "landstrip: " so that an agent reading a tool's
 * stderr can tell our words from the tool's.  The shim may die on error: it
 * has not run the tool yet, so exiting is always the fail-closed choice. */
#ifndef LANDSTRIP_DIAG_H
#define LANDSTRIP_DIAG_H

#include <stdbool.h>
#include <stddef.h>

/* Exit statuses of our own, documented in landstrip-exec(1). */
enum {
	EXIT_SETUP_ERROR = 1,     /* config or sandbox setup failed */
	EXIT_USAGE = 2,           /* bad command line */
	EXIT_NOT_EXECUTABLE = 126,
	EXIT_NOT_FOUND = 127,
};

extern bool diag_debug_enabled;

/* Print "landstrip: MESSAGE" to stderr and exit with STATUS. */
__attribute__((noreturn, format(printf, 2, 3)))
void die(int status, const char *fmt, ...);

/* As die(), with ": strerror(errno)" appended; errno is read first. */
__attribute__((noreturn, format(printf, 2, 3)))
void die_errno(int status, const char *fmt, ...);

__attribute__((format(printf, 1, 2)))
void warn(const char *fmt, ...);

/* "landstrip: debug: ..." on stderr, only with --debug / LANDSTRIP_DEBUG=1. */
__attribute__((format(printf, 1, 2)))
void debug(const char *fmt, ...);

/* Bounded formatting into an error buffer; always NUL-terminates. */
__attribute__((format(printf, 3, 4)))
int format_error(char *buf, size_t len, const char *fmt, ...);



/* Allocation that cannot fail: running out of memory while setting up a
 * sandbox is a setup error, and the shim must not continue half-configured. */
void *xrealloc(void *ptr, size_t size);
void *xcalloc(size_t n, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
__attribute__((format(printf, 1, 2)))
char *xasprintf(const char *fmt, ...);
/* A+B+C in a new string: paths are joined on every call of the shim, and
 * musl's asprintf formats twice (a third of the shim's instructions). */
char *xconcat(const char *a, const char *b, const char *c);
#endif
