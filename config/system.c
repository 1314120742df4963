#include "system.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
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
