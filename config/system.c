#include "system.h"

#include <fcntl.h>
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
