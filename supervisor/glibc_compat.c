/* What Debian's libseccomp.a, compiled against glibc, calls and musl does
 * not have: the static supervisor links it with musl (Makefile).  Only
 * what the link asks for is here; add to it only when a link says so.
 *
 * _FORTIFY_SOURCE made glibc's compiler turn libseccomp's fprintf calls
 * into __fprintf_chk (in its gen_pfc.c, which writes a filter out as
 * text: the supervisor never calls it, but the archive's api.o, where
 * the notify calls are, refers to everything).  FLAG asks glibc to check
 * %n in writable formats; musl's vfprintf is the plain call.  */
#include <stdarg.h>
#include <stdio.h>

int __fprintf_chk(FILE *stream, int flag, const char *format, ...);

int __fprintf_chk(FILE *stream, int flag, const char *format, ...)
{
	(void)flag;
	va_list ap;
	va_start(ap, format);
	int n = vfprintf(stream, format, ap);
	va_end(ap);
	return n;
}
