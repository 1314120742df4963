#include "notify.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <seccomp.h>
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

/* The kernel's sizes of a notification and of an answer, and buffers of
 * those sizes from libseccomp (seccomp_notify_alloc), made once by
 * notify_setup: the kernel copies its own structures, which a newer kernel
 * may have made larger than our headers' are.  Only the main thread
 * receives.  Answers come from it and from the threads that perform a
 * connect or an open that waits (mediate.c, fsmediate.c): those share a
 * second answer buffer under a lock, which the main thread never takes. */
static struct seccomp_notif_sizes sizes;
static struct seccomp_notif *request;
static struct seccomp_notif_resp *main_answer, *worker_answer;
static pthread_mutex_t worker_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_t main_thread;

const char *notify_setup(void)
{
	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) < 0)
		return "seccomp user notification is not available here "
		       "(SECCOMP_GET_NOTIF_SIZES)";
	if (sizes.seccomp_notif < sizeof(struct seccomp_notif) ||
	    sizes.seccomp_notif_resp < sizeof(struct seccomp_notif_resp)) {
		errno = EPROTO;
		return "the kernel's seccomp notifications are smaller than "
		       "this build's";
	}
	/* libseccomp's notify calls work at its API level 5 and above only
	 * (EOPNOTSUPP below that).  Left to itself it finds the level by
	 * probing seccomp(2) for everything a filter of its own could use, a
	 * new listener among them, which an enclosing landstrip filter
	 * refuses (THREATS.md #3) as another sandbox's may: the level comes
	 * out 4 there, and every receive would fail.  We load no filter and
	 * create no listener; what the notify calls need is the kernel's
	 * notifications, shown above.  So the level is set, not probed, which
	 * also spares nine seccomp(2) calls (6 us) on every start.  (Its man
	 * page warns against setting it: a wrong level misleads filter
	 * loading, which we never do.) */
	int rc = seccomp_api_set(5);
	if (rc == 0)
		rc = seccomp_notify_alloc(&request, &main_answer);
	if (rc == 0)
		rc = seccomp_notify_alloc(NULL, &worker_answer);
	if (rc < 0) {
		if (rc != -ECANCELED) /* else the kernel's errno */
			errno = -rc;
		return "libseccomp cannot set up seccomp notifications";
	}
	main_thread = pthread_self();
	return NULL;
}

/* libseccomp's result as ours: -ECANCELED is the kernel's refusal, whose
 * errno is still there (nothing after the ioctl touches it); any other
 * error is the library's own. */
static int from_libseccomp(int rc)
{
	if (rc >= 0)
		return 0;
	if (rc != -ECANCELED)
		errno = -rc;
	return -1;
}

bool notify_prefer_sync_wakeup(int listener)
{
	/* libseccomp has no call for this one */
	return ioctl(listener, SECCOMP_IOCTL_NOTIF_SET_FLAGS,
		     SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP) == 0;
}

int notify_receive(int listener, struct seccomp_notif *req)
{
	for (;;) {
		/* The kernel insists on a zeroed buffer, and libseccomp
		 * passes ours on as it is. */
		memset(request, 0, sizes.seccomp_notif);
		if (from_libseccomp(seccomp_notify_receive(listener, request)) == 0) {
			memcpy(req, request, sizeof *req);
			return 0;
		}
		if (errno != EINTR)
			return -1;
	}
}

bool notify_still_valid(int listener, uint64_t id)
{
	return seccomp_notify_id_valid(listener, id) == 0;
}

static int respond(int listener, uint64_t id, int64_t value, int32_t error,
		   uint32_t flags)
{
	bool worker = !pthread_equal(pthread_self(), main_thread);
	struct seccomp_notif_resp *resp = worker ? worker_answer : main_answer;
	if (worker)
		pthread_mutex_lock(&worker_lock);
	memset(resp, 0, sizes.seccomp_notif_resp);
	resp->id = id;
	resp->val = value;
	resp->error = error;
	resp->flags = flags;
	int rc = from_libseccomp(seccomp_notify_respond(listener, resp));
	if (worker) {
		int saved = errno;
		pthread_mutex_unlock(&worker_lock);
		errno = saved;
	}
	return rc;
}

int notify_answer(int listener, uint64_t id, int64_t value, int error)
{
	/* never CONTINUE: we performed the call ourselves */
	return respond(listener, id, error ? 0 : value, error ? -error : 0, 0);
}

int notify_continue(int listener, uint64_t id)
{
	return respond(listener, id, 0, 0, SECCOMP_USER_NOTIF_FLAG_CONTINUE);
}

int notify_send_fd(int listener, uint64_t id, int fd, bool cloexec)
{
	/* libseccomp has no call for ADDFD.  Installed first and answered
	 * after our copy is closed: answered atomically (ADDFD_FLAG_SEND),
	 * the target would run on while we still held the file open, and
	 * could meet ETXTBSY executing it, or EAGAIN taking a lease on it. */
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
	 * answers ENOTTY or EINVAL.  Not seccomp_notify_id_valid: it says
	 * ENOENT for every failure, and tries an older ioctl on EINVAL. */
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

/* N in decimal at OUT (a minus sign too: "/proc/self/fd/-1" names
 * nothing, as it should); returns the end. */
static char *put_decimal(char *out, long n)
{
	char digits[24];
	size_t k = 0;
	unsigned long u = n < 0 ? 0UL - (unsigned long)n : (unsigned long)n;
	if (n < 0)
		*out++ = '-';
	do
		digits[k++] = (char)('0' + u % 10);
	while ((u /= 10) > 0);
	while (k)
		*out++ = digits[--k];
	return out;
}

static char *put_string(char *out, const char *end, const char *s)
{
	while (*s && out < end)
		*out++ = *s++;
	return out;
}

const char *proc_file(char buf[PROC_FILE_MAX], pid_t tid, const char *leaf)
{
	const char *end = buf + PROC_FILE_MAX - 1;
	char *p = put_string(buf, end, "/proc/");
	p = tid > 0 ? put_decimal(p, tid) : put_string(p, end, "self");
	p = put_string(p, end, "/");
	p = put_string(p, end, leaf);
	*p = '\0';
	return buf;
}

const char *proc_fd(char buf[PROC_FILE_MAX], int fd)
{
	char *p = (char *)proc_file(buf, 0, "fd/");
	p += strlen(p);
	*put_decimal(p, fd) = '\0';
	return buf;
}

int target_cwd(pid_t tid, char *buf, size_t len)
{
	char link[PROC_FILE_MAX];
	ssize_t n = readlink(proc_file(link, tid, "cwd"), buf, len - 1);
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
	char path[PROC_FILE_MAX], buf[512];
	int fd = open(proc_file(path, tid, "status"), O_RDONLY | O_CLOEXEC);
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
	char link[PROC_FILE_MAX], root[8];
	ssize_t n = readlink(proc_file(link, tid, "root"), root, sizeof root);
	return n == 1 && root[0] == '/';
}

