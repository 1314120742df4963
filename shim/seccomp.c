/* A classic BPF program, built in memory at start-up.  Building it with
 * libseccomp costs ~100 us per exec (MEASURED.md); these few dozen
 * instructions cost nothing.
 *
 * Every argument compared here is an int or unsigned int in the kernel, so
 * only the low 32 bits are loaded: the kernel truncates the argument, and
 * comparing all 64 bits would let socket((1<<32)|AF_INET, ...) walk past an
 * equality rule (THREATS.md #7). */
#include "seccomp.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/netlink.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SECCOMP_RET_KILL_PROCESS
#define SECCOMP_RET_KILL_PROCESS 0x80000000U
#endif
#ifndef SECCOMP_FILTER_FLAG_NEW_LISTENER
#define SECCOMP_FILTER_FLAG_NEW_LISTENER (1UL << 3)
#endif
#ifndef TIOCLINUX
#define TIOCLINUX 0x541C
#endif

#define X32_SYSCALL_BIT 0x40000000U
#define SOCK_TYPE_MASK 0xf

#define ARG_LO(i) (offsetof(struct seccomp_data, args) + 8 * (i))

struct prog {
	struct sock_filter *f;
	size_t n, cap;
	bool overflow;
};

static void emit(struct prog *p, struct sock_filter ins)
{
	if (p->n < p->cap)
		p->f[p->n++] = ins;
	else
		p->overflow = true;
}

static void load(struct prog *p, unsigned offset)
{
	emit(p, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offset));
}

static void ret(struct prog *p, unsigned action)
{
	emit(p, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, action));
}

static void ret_errno(struct prog *p, int err)
{
	ret(p, SECCOMP_RET_ERRNO | ((unsigned)err & SECCOMP_RET_DATA));
}

/* "if (A == k) { ... }": emits the test and returns the index to patch
 * once the block is emitted.  Blocks always end in a return. */
static size_t if_eq(struct prog *p, unsigned k)
{
	emit(p, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, k, 0, 0));
	return p->n - 1;
}

static size_t if_set(struct prog *p, unsigned k)
{
	emit(p, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, k, 0, 0));
	return p->n - 1;
}

static void end_if(struct prog *p, size_t at)
{
	if (at < p->n && p->n - at - 1 <= 255)
		p->f[at].jf = (unsigned char)(p->n - at - 1);
	else
		p->overflow = true;
}

/* "if (A == k) return action;" */
static void return_if(struct prog *p, unsigned k, unsigned action)
{
	size_t at = if_eq(p, k);
	ret(p, action);
	end_if(p, at);
}

static void socket_inet(struct prog *p, const struct filter_options *opt)
{
	if (opt->allow_network) {
		ret(p, SECCOMP_RET_ALLOW);
		return;
	}
	/* TCP only: UDP, raw, SCTP and MPTCP are outside Landlock's TCP
	 * port rules and would reach the network unchecked. */
	load(p, ARG_LO(1));
	emit(p, (struct sock_filter)BPF_STMT(BPF_ALU | BPF_AND | BPF_K,
					     SOCK_TYPE_MASK));
	size_t stream = if_eq(p, SOCK_STREAM);
	load(p, ARG_LO(2));
	return_if(p, 0, SECCOMP_RET_ALLOW);
	return_if(p, IPPROTO_TCP, SECCOMP_RET_ALLOW);
	ret_errno(p, EACCES);
	end_if(p, stream);
	ret_errno(p, EACCES);
}

static void socket_rules(struct prog *p, const struct filter_options *opt)
{
	load(p, ARG_LO(0));
	size_t inet = if_eq(p, AF_INET);
	socket_inet(p, opt);
	end_if(p, inet);
	size_t inet6 = if_eq(p, AF_INET6);
	socket_inet(p, opt);
	end_if(p, inet6);
	/* Routing queries (getifaddrs, AI_ADDRCONFIG) reach no network. */
	size_t netlink = if_eq(p, AF_NETLINK);
	load(p, ARG_LO(2));
	return_if(p, NETLINK_ROUTE, SECCOMP_RET_ALLOW);
	ret_errno(p, EACCES);
	end_if(p, netlink);
	/* Pathname unix sockets reach docker.sock and session buses, and
	 * Landlock does not mediate connect(2) to them (THREATS.md #1): no
	 * new unix socket without the supervisor. */
	return_if(p, AF_UNIX, SECCOMP_RET_ERRNO | EACCES);
	ret_errno(p, EAFNOSUPPORT);
}

static void socketpair_rules(struct prog *p, const struct filter_options *opt)
{
	(void)opt;
	/* Stream and seqpacket pairs are connected for good; a datagram pair
	 * could be reconnected or sendto()'d to a pathname socket. */
	load(p, ARG_LO(0));
	size_t unix_pair = if_eq(p, AF_UNIX);
	load(p, ARG_LO(1));
	emit(p, (struct sock_filter)BPF_STMT(BPF_ALU | BPF_AND | BPF_K,
					     SOCK_TYPE_MASK));
	return_if(p, SOCK_STREAM, SECCOMP_RET_ALLOW);
	return_if(p, SOCK_SEQPACKET, SECCOMP_RET_ALLOW);
	ret_errno(p, EACCES);
	end_if(p, unix_pair);
	ret_errno(p, EAFNOSUPPORT);
}

static void ioctl_rules(struct prog *p, const struct filter_options *opt)
{
	(void)opt;
	/* Pushing keystrokes into the agent's terminal (THREATS.md #8). */
	load(p, ARG_LO(1));
	return_if(p, TIOCSTI, SECCOMP_RET_ERRNO | EPERM);
	return_if(p, TIOCLINUX, SECCOMP_RET_ERRNO | EPERM);
	ret(p, SECCOMP_RET_ALLOW);
}

static void seccomp_rules(struct prog *p, const struct filter_options *opt)
{
	(void)opt;
	/* A process that owned a listener could approve its own calls. */
	load(p, ARG_LO(0));
	size_t filter = if_eq(p, SECCOMP_SET_MODE_FILTER);
	load(p, ARG_LO(1));
	size_t listener = if_set(p, SECCOMP_FILTER_FLAG_NEW_LISTENER);
	ret_errno(p, EPERM);
	end_if(p, listener);
	ret(p, SECCOMP_RET_ALLOW);
	end_if(p, filter);
	ret(p, SECCOMP_RET_ALLOW);
}

/* Run BODY when the syscall number in A is NR; A is reloaded after. */
static void on_syscall(struct prog *p, unsigned nr,
		       void (*body)(struct prog *, const struct filter_options *),
		       const struct filter_options *opt)
{
	size_t at = if_eq(p, nr);
	body(p, opt);
	end_if(p, at);
}

int seccomp_build_filter(const struct filter_options *opt,
			 struct sock_filter *f, size_t cap)
{
	struct prog p = {.f = f, .cap = cap};

	/* Any other ABI (i386 int 0x80, x32) is killed outright: its syscall
	 * numbers and socketcall(2) would walk past every rule below. */
	load(&p, offsetof(struct seccomp_data, arch));
	emit(&p, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
					      AUDIT_ARCH_X86_64, 1, 0));
	ret(&p, SECCOMP_RET_KILL_PROCESS);
	load(&p, offsetof(struct seccomp_data, nr));
	emit(&p, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K,
					      X32_SYSCALL_BIT, 0, 1));
	ret(&p, SECCOMP_RET_KILL_PROCESS);

	on_syscall(&p, __NR_socket, socket_rules, opt);
	load(&p, offsetof(struct seccomp_data, nr));
	on_syscall(&p, __NR_socketpair, socketpair_rules, opt);
	load(&p, offsetof(struct seccomp_data, nr));
	on_syscall(&p, __NR_ioctl, ioctl_rules, opt);
	load(&p, offsetof(struct seccomp_data, nr));
	on_syscall(&p, __NR_seccomp, seccomp_rules, opt);
	load(&p, offsetof(struct seccomp_data, nr));
	/* io_uring's operations bypass every filter on the plain syscalls;
	 * ENOSYS lets runtimes fall back (THREATS.md #6). */
	return_if(&p, __NR_io_uring_setup, SECCOMP_RET_ERRNO | ENOSYS);
	return_if(&p, __NR_io_uring_enter, SECCOMP_RET_ERRNO | ENOSYS);
	return_if(&p, __NR_io_uring_register, SECCOMP_RET_ERRNO | ENOSYS);
	if (!opt->allow_network)
		/* listen(2) on an unbound TCP socket binds 0.0.0.0 without
		 * passing Landlock's bind check (THREATS.md #5). */
		return_if(&p, __NR_listen, SECCOMP_RET_ERRNO | EACCES);
	ret(&p, SECCOMP_RET_ALLOW);
	return p.overflow ? -1 : (int)p.n;
}

int seccomp_install(const struct filter_options *opt)
{
	struct sock_filter f[128];
	int n = seccomp_build_filter(opt, f, sizeof f / sizeof f[0]);
	if (n < 0) {
		errno = E2BIG;
		return -1;
	}
	struct sock_fprog prog = {.len = (unsigned short)n, .filter = f};
	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
}
