/* Talking to the kernel about trapped syscalls: seccomp notifications
 * through libseccomp (receive, answer, is it still pending), our own ioctls
 * for what libseccomp has no call for (ADDFD, synchronous wake-ups), and
 * access to the target process (pidfd_getfd, process_vm_readv).
 *
 * Every look into the target is followed by a check that the notification
 * is still pending (notify_still_valid): a target that died and whose pid
 * was reused must not get an answer meant for another (THREATS.md #11). */
#ifndef LANDSTRIP_NOTIFY_H
#define LANDSTRIP_NOTIFY_H

#include <linux/seccomp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Once, before any other call below: check that the kernel has seccomp
 * user notifications and size their buffers by its structures.  NULL, or
 * what failed, with errno: the supervisor cannot mediate then. */
const char *notify_setup(void);

/* Ask for synchronous wake-ups: the supervisor runs on the CPU the target
 * blocked on, which halves the round trip (Linux 6.6+).  Whether the
 * kernel took it. */
bool notify_prefer_sync_wakeup(int listener);

/* Receive one notification; 0, or -1 with errno (ENOENT: the target died
 * before we read it, try again later; other: the listener is gone). */
int notify_receive(int listener, struct seccomp_notif *req);

bool notify_still_valid(int listener, uint64_t id);

/* Answer: the syscall returns VALUE, or fails with ERROR (> 0). */
int notify_answer(int listener, uint64_t id, int64_t value, int error);

/* Let the kernel carry on with the call: only where Landlock enforces the
 * same rule independently, so that nothing the target changes after our
 * look can win it more (supervisor/fsmediate.c). */
int notify_continue(int listener, uint64_t id);

/* Answer with a new descriptor in the target: a copy of our FD, which the
 * call returns.  FD is closed here, before the target runs on.  0 or -1
 * with errno. */
int notify_send_fd(int listener, uint64_t id, int fd, bool cloexec);

/* Is FD a seccomp listener at all?  (A bogus fd in a REGISTER.) */
bool notify_is_listener(int fd);

/* A pidfd for the thread TID that made the call (PIDFD_THREAD, so a
 * non-leader thread resolves too).  -1 with errno. */
int target_pidfd(pid_t tid);

/* Our own copy of the target's descriptor FD.  -1 with errno. */
int target_take_fd(int pidfd, int fd);

/* Copy LEN bytes at ADDR out of the target's memory: 0 or -1 (EFAULT, or
 * EPERM when the target is non-dumpable or otherwise out of reach). */
int target_read(pid_t tid, uint64_t addr, void *buf, size_t len);

/* The target's working directory, canonical, for relative unix paths; and
 * whether its root is ours (a target in another root would resolve paths
 * differently: deny).  0 or -1. */
int target_cwd(pid_t tid, char *buf, size_t len);

/* "/proc/TID/LEAF" in BUF (TID 0: "/proc/self/LEAF"), built without
 * printf: on every trapped call, musl's snprintf cost more than the
 * string.  LEAF is short (a name, or "fd/" and a number). */
#define PROC_FILE_MAX 64
const char *proc_file(char buf[PROC_FILE_MAX], pid_t tid, const char *leaf);
const char *proc_fd(char buf[PROC_FILE_MAX], int fd); /* /proc/self/fd/FD */
bool target_root_is_ours(pid_t tid);

/* The process TID belongs to, for reports: a refusal names the tool's
 * process as ps shows it, not one of its threads.  TID when unknown. */
pid_t target_tgid(pid_t tid);

#endif
