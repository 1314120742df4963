#include "fds.h"
#include "../config/diag.h"
#include "../config/system.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

#define ANON_INODE_FS_MAGIC 0x09041934

/* Only anonymous-inode fds (epoll, eventfd, io_uring...) need the costly
 * readlink through /proc; fstatfs tells them apart from files, pipes and
 * sockets in one cheap call. */
static bool is_io_uring(int procfd, int fd, const char *name)
{
	struct statfs sfs;
	if (fstatfs(fd, &sfs) < 0 || sfs.f_type != ANON_INODE_FS_MAGIC)
		return false;
	char target[64];
	ssize_t n = readlinkat(procfd, name, target, sizeof target - 1);
	if (n < 0)
		return false;
	target[n] = '\0';
	return strcmp(target, "anon_inode:[io_uring]") == 0;
}

int fds_close_io_uring(void)
{
	int procfd = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (procfd < 0)
		return -1;
	int closed = 0;
	char buf[4096] __attribute__((aligned(8)));
	for (;;) {
		long n = syscall(SYS_getdents64, procfd, buf, sizeof buf);
		if (n < 0) {
			close(procfd);
			return -1;
		}
		if (n == 0)
			break;
		for (long off = 0; off < n;) {
			struct linux_dirent64 *de = (void *)(buf + off);
			off += de->d_reclen;
			if (de->d_name[0] < '0' || de->d_name[0] > '9')
				continue;
			int fd = atoi(de->d_name);
			if (fd == procfd || !is_io_uring(procfd, fd, de->d_name))
				continue;
			close(fd);
			debug("closed inherited io_uring fd %d", fd);
			closed++;
		}
	}
	close(procfd);
	return closed;
}
