/* Facts about the running system that both programs need. */
#ifndef LANDSTRIP_SYSTEM_H
#define LANDSTRIP_SYSTEM_H

#include <stdbool.h>

/* /proc/sys/kernel/yama/ptrace_scope: 0..3, or -1 without Yama.  An
 * unreadable value counts as 1: assume the restriction. */
int yama_ptrace_scope(void);

/* Is RELEASE (uname -r: "6.12.9-amd64") at least MAJOR.MINOR?  False for
 * anything that does not start with two numbers. */
bool kernel_release_at_least(const char *release, int major, int minor);

/* The same for the running kernel. */
bool kernel_at_least(int major, int minor);

/* A record of getdents64(2), which both the deny walk and the fd scan call
 * directly (no DIR: no allocation, no dup'd fd). */
struct linux_dirent64 {
	unsigned long long d_ino;
	long long d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

/* Is FD an anonymous-inode file of KIND ("io_uring", "landlock-ruleset"),
 * as /proc/self/fd names it ("anon_inode:[KIND]")? */
bool fd_is_anon_inode(int fd, const char *kind);

#endif
