#include "diag.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

bool diag_debug_enabled;

/* One write(2) per message so that lines from concurrent processes sharing
 * a terminal do not interleave mid-line. */
static void emit(const char *prefix, const char *fmt, va_list ap,
		 const char *suffix)
{
	char line[4096];
	int n = snprintf(line, sizeof line, "landstrip: %s", prefix);
	if (n < 0)
		return;
	size_t used = (size_t)n < sizeof line ? (size_t)n : sizeof line - 1;
	int m = vsnprintf(line + used, sizeof line - used, fmt, ap);
	if (m > 0)
		used += (size_t)m < sizeof line - used ? (size_t)m
						       : sizeof line - used - 1;
	if (suffix) {
		m = snprintf(line + used, sizeof line - used, ": %s", suffix);
		if (m > 0)
			used += (size_t)m < sizeof line - used
					? (size_t)m
					: sizeof line - used - 1;
	}
	if (used >= sizeof line - 1)
		used = sizeof line - 2;
	line[used++] = '\n';
	ssize_t ignored = write(STDERR_FILENO, line, used);
	(void)ignored;
}

void die(int status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	emit("", fmt, ap, NULL);
	va_end(ap);
	_exit(status);
}

void die_errno(int status, const char *fmt, ...)
{
	const char *reason = strerror(errno);
	va_list ap;
	va_start(ap, fmt);
	emit("", fmt, ap, reason);
	va_end(ap);
	_exit(status);
}

void warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	emit("warning: ", fmt, ap, NULL);
	va_end(ap);
}

void debug(const char *fmt, ...)
{
	if (!diag_debug_enabled)
		return;
	va_list ap;
	va_start(ap, fmt);
	emit("debug: ", fmt, ap, NULL);
	va_end(ap);
}

int format_error(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return n;
}

static void *check_alloc(void *p)
{
	if (!p)
		die(EXIT_SETUP_ERROR, "out of memory");
	return p;
}

void *xrealloc(void *ptr, size_t size)
{
	return check_alloc(realloc(ptr, size ? size : 1));
}

void *xcalloc(size_t n, size_t size)
{
	return check_alloc(calloc(n ? n : 1, size ? size : 1));
}

char *xstrdup(const char *s)
{
	return check_alloc(strdup(s));
}

char *xstrndup(const char *s, size_t n)
{
	return check_alloc(strndup(s, n));
}

char *xconcat(const char *a, const char *b, const char *c)
{
	size_t la = strlen(a), lb = strlen(b), lc = strlen(c);
	char *out = check_alloc(malloc(la + lb + lc + 1));
	memcpy(out, a, la);
	memcpy(out + la, b, lb);
	memcpy(out + la + lb, c, lc + 1);
	return out;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *out = NULL;
	int n = vasprintf(&out, fmt, ap);
	va_end(ap);
	if (n < 0)
		die(EXIT_SETUP_ERROR, "out of memory");
	return out;
}
