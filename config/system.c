#include "system.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

int yama_ptrace_scope(void)
{
	int fd = open("/proc/sys/kernel/yama/ptrace_scope", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	char c = '1';
	ssize_t n = read(fd, &c, 1);
	close(fd);
	return n == 1 && c >= '0' && c <= '3' ? c - '0' : 1;
}

bool fd_is_anon_inode(int fd, const char *kind)
{
	char link[32], target[64], want[64];
	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	snprintf(want, sizeof want, "anon_inode:[%s]", kind);
	ssize_t n = readlink(link, target, sizeof target - 1);
	if (n < 0)
		return false;
	target[n] = '\0';
	return strcmp(target, want) == 0;
}

bool kernel_release_at_least(const char *release, int major, int minor)
{
	char *end;
	errno = 0;
	long have_major = strtol(release, &end, 10);
	if (end == release || *end != '.' || errno)
		return false;
	const char *rest = end + 1;
	long have_minor = strtol(rest, &end, 10);
	if (end == rest || errno)
		return false;
	return have_major > major || (have_major == major && have_minor >= minor);
}

bool kernel_at_least(int major, int minor)
{
	struct utsname u;
	return uname(&u) == 0 && kernel_release_at_least(u.release, major, minor);
}
