#include "notify.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif
#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL
#endif

bool notify_prefer_sync_wakeup(int listener)
{
	return ioctl(listener, SECCOMP_IOCTL_NOTIF_SET_FLAGS,
		     SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP) == 0;
}

int notify_receive(int listener, struct seccomp_notif *req)
{
	memset(req, 0, sizeof *req); /* the kernel insists on a zeroed buffer */
	for (;;) {
		if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, req) == 0)
			return 0;
		if (errno != EINTR)
			return -1;
	}
}

bool notify_still_valid(int listener, uint64_t id)
{
	return ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0;
}

int notify_answer(int listener, uint64_t id, int64_t value, int error)
{
	struct seccomp_notif_resp resp = {
		.id = id,
		.val = error ? 0 : value,
		.error = error ? -error : 0,
		.flags = 0, /* never CONTINUE: we performed the call ourselves */
	};
	return ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp);
}

int notify_continue(int listener, uint64_t id)
{
	struct seccomp_notif_resp resp = {
		.id = id,
		.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE,
	};
	return ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp);
}

int notify_send_fd(int listener, uint64_t id, int fd, bool cloexec)
{
	/* Installed first and answered after our copy is closed: answered
	 * atomically (ADDFD_FLAG_SEND), the target would run on while we
	 * still held the file open, and could meet ETXTBSY executing it, or
	 * EAGAIN taking a lease on it. */
	struct seccomp_notif_addfd addfd = {
		.id = id,
		.srcfd = (uint32_t)fd,
		.newfd_flags = cloexec ? O_CLOEXEC : 0,
	};
	int installed = ioctl(listener, SECCOMP_IOCTL_NOTIF_ADDFD, &addfd);
	int saved = errno;
	close(fd);
	if (installed < 0) {
		errno = saved;
		return -1;
	}
	return notify_answer(listener, id, installed, 0) < 0 ? -1 : 0;
}

bool notify_is_listener(int fd)
{
	/* A listener answers ENOENT for an id it never issued; any other fd
	 * answers ENOTTY or EINVAL. */
	uint64_t id = 0;
	return ioctl(fd, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) < 0 && errno == ENOENT;
}

int target_pidfd(pid_t tid)
{
	long fd = syscall(SYS_pidfd_open, tid, PIDFD_THREAD);
	if (fd < 0 && errno == EINVAL)
		fd = syscall(SYS_pidfd_open, tid, 0); /* before Linux 6.9 */
	return (int)fd;
}

int target_take_fd(int pidfd, int fd)
{
	return (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
}

int target_read(pid_t tid, uint64_t addr, void *buf, size_t len)
{
	struct iovec local = {buf, len};
	struct iovec remote = {(void *)(uintptr_t)addr, len};
	ssize_t n = process_vm_readv(tid, &local, 1, &remote, 1, 0);
	if (n == (ssize_t)len)
		return 0;
	if (n >= 0 || errno == ESRCH)
		errno = EFAULT;
	return -1;
}

int target_cwd(pid_t tid, char *buf, size_t len)
{
	char link[64];
	snprintf(link, sizeof link, "/proc/%d/cwd", (int)tid);
	ssize_t n = readlink(link, buf, len - 1);
	if (n < 0)
		return -1;
	if ((size_t)n >= len - 1 || buf[0] != '/') {
		errno = ENAMETOOLONG; /* or " (deleted)"-style: not a path */
		return -1;
	}
	buf[n] = '\0';
	return 0;
}

pid_t target_tgid(pid_t tid)
{
	char path[64], buf[512];
	snprintf(path, sizeof path, "/proc/%d/status", (int)tid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return tid;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return tid;
	buf[n] = '\0';
	const char *t = strstr(buf, "\nTgid:\t");
	long tgid = t ? strtol(t + 7, NULL, 10) : 0;
	return tgid > 0 ? (pid_t)tgid : tid;
}

bool target_root_is_ours(pid_t tid)
{
	char link[64], root[8];
	snprintf(link, sizeof link, "/proc/%d/root", (int)tid);
	ssize_t n = readlink(link, root, sizeof root);
	return n == 1 && root[0] == '/';
}

