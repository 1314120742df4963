#include "fds.h"
#include "../config/diag.h"
#include "../config/system.h"

#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

#define ANON_INODE_FS_MAGIC 0x09041934

/* Only anonymous-inode fds (epoll, eventfd, io_uring...) need the costly
 * readlink through /proc; fstatfs tells them apart from files, pipes and
 * sockets in one cheap call. */
static bool is_io_uring(int fd)
{
	struct statfs sfs;
	return fstatfs(fd, &sfs) == 0 && sfs.f_type == ANON_INODE_FS_MAGIC &&
	       fd_is_anon_inode(fd, "io_uring");
}

static void close_ring(int fd, int *closed)
{
	close(fd);
	debug("closed inherited io_uring fd %d", fd);
	(*closed)++;
}

/* Listing /proc/self/fd makes the kernel build an inode for every fd
 * (tens of microseconds on every tool call).  Since Linux 6.2 its size is
 * the number of open fds, and poll(2) tells open fds from closed ones a
 * window at a time: when the windows below POLL_LIMIT hold them all, that
 * is the whole list.  Returns -1 when it cannot tell (older kernel, fds
 * above the windows, a low RLIMIT_NOFILE): the listing decides then. */
#define POLL_WINDOW 256
#define POLL_LIMIT 4096
static int close_by_poll(int *closed)
{
	struct stat st;
	if (stat("/proc/self/fd", &st) < 0 || st.st_size <= 0)
		return -1;
	long open_fds = (long)st.st_size, found = 0;
	struct pollfd window[POLL_WINDOW];
	for (int base = 0; base < POLL_LIMIT && found < open_fds;
	     base += POLL_WINDOW) {
		for (int i = 0; i < POLL_WINDOW; i++)
			window[i] = (struct pollfd){.fd = base + i};
		if (poll(window, POLL_WINDOW, 0) < 0)
			return -1;
		for (int i = 0; i < POLL_WINDOW; i++) {
			if (window[i].revents & POLLNVAL)
				continue;
			found++;
			if (is_io_uring(base + i))
				close_ring(base + i, closed);
		}
	}
	return found == open_fds ? 0 : -1;
}

static int close_by_listing(int *closed)
{
	int procfd = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (procfd < 0)
		return -1;
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
			if (fd != procfd && is_io_uring(fd))
				close_ring(fd, closed);
		}
	}
	close(procfd);
	return 0;
}

int fds_close_io_uring(void)
{
	int closed = 0;
	/* The listing after a failed poll sees what is left: rings the
	 * windows found are closed already. */
	if (close_by_poll(&closed) < 0 && close_by_listing(&closed) < 0)
		return -1;
	return closed;
}
