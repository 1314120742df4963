/* A classic BPF program, built in memory at start-up.  Building it with
 * libseccomp costs ~100 us per exec (MEASURED.md).
 *
 * The program is short on purpose: the kernel JIT-compiles every filter and
 * emulates it for each syscall number when it is attached (the action
 * cache), so each instruction and each step on the common path costs time on
 * every tool call.  Syscall numbers are tested as ranges so that the
 * ordinary syscall leaves after a handful of comparisons.
 *
 * Every argument compared here is an int or unsigned int in the kernel, so
 * only the low 32 bits are loaded: the kernel truncates the argument, and
 * comparing all 64 bits would let socket((1<<32)|AF_INET, ...) walk past an
 * equality rule (THREATS.md #7). */
#include "seccomp.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/fs.h>
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
#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif
#ifndef SECCOMP_RET_USER_NOTIF
#define SECCOMP_RET_USER_NOTIF 0x7fc00000U
#endif
#ifndef FS_IOC32_SETFLAGS
#define FS_IOC32_SETFLAGS _IOW('f', 2, int)
#endif
#ifndef TIOCLINUX
#define TIOCLINUX 0x541C
#endif

#ifndef MSG_FASTOPEN
#define MSG_FASTOPEN 0x20000000
#endif
#define X32_SYSCALL_BIT 0x40000000U
#define SOCK_TYPE_MASK 0xf
#define ARG_LO(i) (offsetof(struct seccomp_data, args) + 8 * (i))
#define ERRNO(e) (SECCOMP_RET_ERRNO | ((unsigned)(e) & SECCOMP_RET_DATA))

/* Forward jumps to named places, resolved when the place is reached. */
enum label {
	L_NEXT = -1, /* fall through */
	L_ALLOW, L_KILL, L_EACCES, L_EPERM, L_EAFNOSUPPORT, L_ENOSYS,
	L_SOCKET, L_SOCKETPAIR, L_IOCTL, L_SECCOMP, L_INET, L_INET_TYPE,
	L_NETLINK, L_LOW, L_SEND_ARG2, L_SEND_ARG3, L_UNIX, L_NOTIFY,
	L_OPEN_ARG1, L_OPEN_ARG2, L_PASS, L_COUNT
};

struct fixup {
	size_t at;
	enum label jt, jf;
};

struct prog {
	struct sock_filter *f;
	size_t n, cap;
	struct fixup fixups[256];
	size_t nfix;
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

/* The type argument of socket() and socketpair() also carries
 * SOCK_NONBLOCK and SOCK_CLOEXEC; compare the type alone. */
static void load_socket_type(struct prog *p, unsigned arg)
{
	load(p, ARG_LO(arg));
	emit(p, (struct sock_filter)BPF_STMT(BPF_ALU | BPF_AND | BPF_K,
					     SOCK_TYPE_MASK));
}

static void ret(struct prog *p, unsigned action)
{
	emit(p, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, action));
}

/* A conditional jump: to JT when the test holds, else to JF. */
static void jump(struct prog *p, unsigned op, unsigned k, enum label jt,
		 enum label jf)
{
	if (p->nfix == sizeof p->fixups / sizeof p->fixups[0]) {
		p->overflow = true;
		return;
	}
	p->fixups[p->nfix++] = (struct fixup){p->n, jt, jf};
	emit(p, (struct sock_filter)BPF_JUMP(BPF_JMP | op | BPF_K, k, 0, 0));
}

/* Resolve every pending jump to LABEL to the current position. */
static void place(struct prog *p, enum label label)
{
	for (size_t i = 0; i < p->nfix; i++) {
		struct fixup *fx = &p->fixups[i];
		if (fx->at >= p->n || (fx->jt != label && fx->jf != label))
			continue;
		size_t off = p->n - fx->at - 1;
		if (off > 255) {
			p->overflow = true;
			continue;
		}
		if (fx->jt == label)
			p->f[fx->at].jt = (unsigned char)off, fx->jt = L_NEXT;
		if (fx->jf == label)
			p->f[fx->at].jf = (unsigned char)off, fx->jf = L_NEXT;
	}
}

static bool all_placed(const struct prog *p)
{
	for (size_t i = 0; i < p->nfix; i++)
		if (p->fixups[i].jt != L_NEXT || p->fixups[i].jf != L_NEXT)
			return false;
	return true;
}

static void notify_part(struct prog *p, bool writes, bool reads);

/* Where the static part lets a call through: allowed, or on to the
 * listener's part when there is one. */
static void pass(struct prog *p, const struct filter_options *opt)
{
	if (opt->listener)
		notify_part(p, opt->listener_writes, opt->listener_reads);
	else
		ret(p, SECCOMP_RET_ALLOW);
}

/* Dispatch on the syscall number.  The kernel emulates this prologue for
 * every syscall number when the filter is attached, so the common case
 * (a syscall above socketpair and below io_uring) leaves after three
 * comparisons. */
static void dispatch(struct prog *p, const struct filter_options *opt)
{
	/* Any other ABI (i386 int 0x80, x32) is killed outright: its syscall
	 * numbers and socketcall(2) would walk past every rule below. */
	load(p, offsetof(struct seccomp_data, arch));
	jump(p, BPF_JEQ, AUDIT_ARCH_X86_64, L_NEXT, L_KILL);
	load(p, offsetof(struct seccomp_data, nr));
	jump(p, BPF_JGT, __NR_socketpair, L_NEXT, L_LOW);
	jump(p, BPF_JEQ, __NR_seccomp, L_SECCOMP, L_NEXT);
	if (!opt->allow_network)
		jump(p, BPF_JEQ, __NR_sendmmsg, L_SEND_ARG3, L_NEXT);
	jump(p, BPF_JGE, __NR_io_uring_setup, L_NEXT, L_ALLOW);
	/* io_uring's operations bypass every filter on the plain syscalls;
	 * ENOSYS lets runtimes fall back (THREATS.md #6). */
	jump(p, BPF_JGT, __NR_io_uring_register, L_NEXT, L_ENOSYS);
	jump(p, BPF_JGE, X32_SYSCALL_BIT, L_KILL, L_ALLOW);

	place(p, L_LOW);
	jump(p, BPF_JEQ, __NR_ioctl, L_IOCTL, L_NEXT);
	jump(p, BPF_JGE, __NR_socket, L_NEXT, L_ALLOW);
	if (!opt->allow_network) {
		/* MSG_FASTOPEN connects from sendto/sendmsg without passing
		 * Landlock's connect check (THREATS.md #5). */
		jump(p, BPF_JEQ, __NR_sendto, L_SEND_ARG3, L_NEXT);
		jump(p, BPF_JEQ, __NR_sendmsg, L_SEND_ARG2, L_NEXT);
	}
	jump(p, BPF_JEQ, __NR_socket, L_SOCKET, L_NEXT);
	jump(p, BPF_JEQ, __NR_socketpair, L_SOCKETPAIR, L_NEXT);
	/* Nested under a mediating sandbox, our own narrower rules can only
	 * be said here: its supervisor would perform these unconfined. */
	if (opt->deny_bind)
		jump(p, BPF_JEQ, __NR_bind, L_EACCES, L_NEXT);
	if (opt->deny_connect)
		jump(p, BPF_JEQ, __NR_connect, L_EACCES, L_NEXT);
	/* listen(2) on an unbound TCP socket binds 0.0.0.0 without passing
	 * Landlock's bind check (THREATS.md #5); a supervisor checks it
	 * instead when one mediates. */
	if (!(opt->allow_network || opt->pass_listen) || opt->deny_bind)
		jump(p, BPF_JEQ, __NR_listen, L_EACCES, L_ALLOW);
	place(p, L_ALLOW);
	pass(p, opt);
}

static void socket_rules(struct prog *p, const struct filter_options *opt)
{
	place(p, L_SOCKET);
	load(p, ARG_LO(0));
	jump(p, BPF_JEQ, AF_INET, L_INET, L_NEXT);
	jump(p, BPF_JEQ, AF_INET6, L_INET, L_NEXT);
	/* Pathname unix sockets reach docker.sock and session buses, and
	 * Landlock does not mediate connect(2) to them (THREATS.md #1): no
	 * new unix socket without the supervisor, and with it only stream
	 * and seqpacket ones, whose connect(2) it decides.  A datagram
	 * socket could sendto(2) any pathname socket unmediated. */
	jump(p, BPF_JEQ, AF_UNIX, opt->unix_streams ? L_UNIX : L_EACCES, L_NEXT);
	jump(p, BPF_JEQ, AF_NETLINK, L_NETLINK, L_EAFNOSUPPORT);

	if (opt->unix_streams) {
		place(p, L_UNIX);
		load_socket_type(p, 1);
		jump(p, BPF_JEQ, SOCK_STREAM, L_ALLOW, L_NEXT);
		jump(p, BPF_JEQ, SOCK_SEQPACKET, L_ALLOW, L_EACCES);
	}

	/* Routing queries (getifaddrs, AI_ADDRCONFIG) reach no network. */
	place(p, L_NETLINK);
	load(p, ARG_LO(2));
	jump(p, BPF_JEQ, NETLINK_ROUTE, L_ALLOW, L_EACCES);

	place(p, L_INET);
	if (opt->allow_network) {
		ret(p, SECCOMP_RET_ALLOW);
		return;
	}
	/* TCP only: UDP, raw, SCTP and MPTCP are outside Landlock's TCP
	 * port rules and would reach the network unchecked. */
	load_socket_type(p, 1);
	jump(p, BPF_JEQ, SOCK_STREAM, L_NEXT, L_EACCES);
	load(p, ARG_LO(2));
	jump(p, BPF_JEQ, 0, L_ALLOW, L_NEXT);
	jump(p, BPF_JEQ, IPPROTO_TCP, L_ALLOW, L_EACCES);
}

static void socketpair_rules(struct prog *p)
{
	/* Stream and seqpacket pairs are connected for good; a datagram pair
	 * could be reconnected or sendto()'d to a pathname socket. */
	place(p, L_SOCKETPAIR);
	load(p, ARG_LO(0));
	jump(p, BPF_JEQ, AF_UNIX, L_NEXT, L_EAFNOSUPPORT);
	load_socket_type(p, 1);
	jump(p, BPF_JEQ, SOCK_STREAM, L_ALLOW, L_NEXT);
	jump(p, BPF_JEQ, SOCK_SEQPACKET, L_ALLOW, L_EACCES);
}

static void send_rules(struct prog *p, const struct filter_options *opt)
{
	if (opt->allow_network)
		return;
	place(p, L_SEND_ARG2); /* sendmsg(fd, msg, flags) */
	load(p, ARG_LO(2));
	jump(p, BPF_JSET, MSG_FASTOPEN, L_EACCES, L_ALLOW);
	place(p, L_SEND_ARG3); /* sendto/sendmmsg(fd, buf, len, flags, ...) */
	load(p, ARG_LO(3));
	jump(p, BPF_JSET, MSG_FASTOPEN, L_EACCES, L_ALLOW);
}

static void ioctl_rules(struct prog *p)
{
	/* Pushing keystrokes into the agent's terminal (THREATS.md #8). */
	place(p, L_IOCTL);
	load(p, ARG_LO(1));
	jump(p, BPF_JEQ, TIOCSTI, L_EPERM, L_NEXT);
	jump(p, BPF_JEQ, TIOCLINUX, L_EPERM, L_NEXT);
	/* Inode flags (append-only, immutable, nodump, casefold...) and
	 * project attributes: changed through any descriptor, a read-only
	 * one on a denied file too, and checked by neither Landlock nor
	 * the supervisor. */
	jump(p, BPF_JEQ, FS_IOC_SETFLAGS, L_EPERM, L_NEXT);
	jump(p, BPF_JEQ, FS_IOC32_SETFLAGS, L_EPERM, L_NEXT);
	jump(p, BPF_JEQ, FS_IOC_FSSETXATTR, L_EPERM, L_ALLOW);
}

static void seccomp_rules(struct prog *p)
{
	/* A process that owned a listener could approve its own calls. */
	place(p, L_SECCOMP);
	load(p, ARG_LO(0));
	jump(p, BPF_JEQ, SECCOMP_SET_MODE_FILTER, L_NEXT, L_ALLOW);
	load(p, ARG_LO(1));
	jump(p, BPF_JSET, SECCOMP_FILTER_FLAG_NEW_LISTENER, L_EPERM, L_ALLOW);
}

static void verdicts(struct prog *p, const struct filter_options *opt)
{
	place(p, L_EACCES);
	ret(p, ERRNO(EACCES));
	place(p, L_EPERM);
	ret(p, ERRNO(EPERM));
	place(p, L_EAFNOSUPPORT);
	ret(p, ERRNO(EAFNOSUPPORT));
	place(p, L_ENOSYS);
	ret(p, ERRNO(ENOSYS));
	place(p, L_KILL);
	ret(p, SECCOMP_RET_KILL_PROCESS);
	/* ALLOW was placed at the end of the dispatch; later blocks jump
	 * on to it through a second copy here (BPF jumps only forward). */
	place(p, L_ALLOW);
	pass(p, opt);
}

int seccomp_build_filter(const struct filter_options *opt,
			 struct sock_filter *f, size_t cap)
{
	struct prog p = {.f = f, .cap = cap};
	dispatch(&p, opt);
	socket_rules(&p, opt);
	socketpair_rules(&p);
	send_rules(&p, opt);
	ioctl_rules(&p);
	seccomp_rules(&p);
	verdicts(&p, opt);
	return p.overflow || !all_placed(&p) ? -1 : (int)p.n;
}

int seccomp_install(const struct filter_options *opt)
{
	struct sock_filter f[256];
	int n = seccomp_build_filter(opt, f, sizeof f / sizeof f[0]);
	if (n < 0) {
		errno = E2BIG;
		return -1;
	}
	struct sock_fprog prog = {.len = (unsigned short)n, .filter = f};
	/* Once the supervisor has received a call, only a fatal signal may
	 * cut the tool's wait short.  A handled signal would otherwise make
	 * the call fail with EINTR, or restart it after the supervisor had
	 * already bound or created: EINVAL, EEXIST.  The kernel does not
	 * interrupt these calls unconfined either.  (Linux 5.19+; before,
	 * the wait stays interruptible.) */
	unsigned long flags = 0;
	if (opt->listener)
		flags = SECCOMP_FILTER_FLAG_NEW_LISTENER |
			SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
	long rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
	if (rc < 0 && errno == EINVAL && opt->listener) /* before 5.19 */
		rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
			     SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
	return rc < 0 ? -1 : (int)rc;
}

/* The calls that write through a path or change metadata (the kernel's
 * list as of Linux 6.18), for mediated roots (supervisor/fsmediate.c).
 * open and openat trap only with a write flag: reads stay in the kernel.
 * Most of these are "always the same answer" for the kernel's action
 * cache, so a syscall not listed here never runs this program at all. */
static const unsigned write_calls[] = {
	__NR_creat, __NR_openat2, __NR_mkdir, __NR_mkdirat, __NR_mknod,
	__NR_mknodat, __NR_symlink, __NR_symlinkat, __NR_link, __NR_linkat,
	__NR_rename, __NR_renameat, __NR_renameat2, __NR_unlink,
	__NR_unlinkat, __NR_rmdir, __NR_truncate, __NR_chmod, __NR_fchmod,
	__NR_fchmodat, 452 /* fchmodat2 */, __NR_chown, __NR_fchown,
	__NR_lchown, __NR_fchownat, __NR_setxattr, __NR_lsetxattr,
	__NR_fsetxattr, __NR_removexattr, __NR_lremovexattr,
	__NR_fremovexattr, 463 /* setxattrat */, 466 /* removexattrat */,
	__NR_utime, __NR_utimes, __NR_futimesat, __NR_utimensat,
	__NR_umask, /* only noted: the supervisor keeps umasks per thread */
};

#define OPEN_WRITE_FLAGS (O_WRONLY | O_RDWR | O_CREAT | O_TRUNC)

/* A trapped call and where it goes. */
struct trap {
	unsigned nr;
	enum label to;
};

/* The calls the listener's part traps, sorted by number. */
static size_t trap_list(bool writes, bool reads, struct trap *t)
{
	size_t n = 0;
	t[n++] = (struct trap){__NR_bind, L_NOTIFY};
	t[n++] = (struct trap){__NR_connect, L_NOTIFY};
	t[n++] = (struct trap){__NR_listen, L_NOTIFY};
	if (writes) {
		/* With reads mediated too, every open goes to the supervisor. */
		t[n++] = (struct trap){__NR_openat, reads ? L_NOTIFY : L_OPEN_ARG2};
		t[n++] = (struct trap){__NR_open, reads ? L_NOTIFY : L_OPEN_ARG1};
		for (size_t i = 0; i < sizeof write_calls / sizeof write_calls[0]; i++)
			t[n++] = (struct trap){write_calls[i], L_NOTIFY};
	}
	for (size_t i = 1; i < n; i++) /* insertion sort: a few dozen */
		for (size_t j = i; j > 0 && t[j - 1].nr > t[j].nr; j--) {
			struct trap swap = t[j];
			t[j] = t[j - 1];
			t[j - 1] = swap;
		}
	return n;
}

/* A balanced search over T[0..N), with the number in A: the kernel
 * emulates the program for every syscall number when it is attached, and
 * runs it on every call, so a few comparisons beat one per trapped call
 * (~100 us per attach for the write traps here).  Leaves test a few
 * numbers for equality and pass the rest (L_PASS, placed after). */
static void trap_tree(struct prog *p, const struct trap *t, size_t n)
{
	if (n <= 3) {
		for (size_t i = 0; i < n; i++)
			jump(p, BPF_JEQ, t[i].nr, t[i].to,
			     i + 1 < n ? L_NEXT : L_PASS);
		return;
	}
	size_t mid = n / 2, at = p->n;
	/* Below t[mid] falls through to the left half; the offset to the
	 * right half is known once the left one is out. */
	emit(p, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K,
					     t[mid].nr, 0, 0));
	trap_tree(p, t, mid);
	size_t off = p->n - at - 1;
	if (off > 255)
		p->overflow = true;
	else if (at < p->n)
		p->f[at].jt = (unsigned char)off;
	trap_tree(p, t + mid, n - mid);
}

/* The listener's part: the socket calls whose address or state must be
 * checked and, for a policy with mediated roots, the calls that write go
 * to the supervisor.  Entered with anything in A; its labels are all its
 * own (L_PASS for "allowed"), so it can be emitted twice in one program. */
static void notify_part(struct prog *p, bool writes, bool reads)
{
	struct trap traps[8 + sizeof write_calls / sizeof write_calls[0]];
	size_t n = trap_list(writes, reads, traps);
	load(p, offsetof(struct seccomp_data, nr));
	trap_tree(p, traps, n);
	place(p, L_PASS);
	ret(p, SECCOMP_RET_ALLOW);
	if (writes && !reads) {
		place(p, L_OPEN_ARG1);
		load(p, ARG_LO(1));
		jump(p, BPF_JSET, OPEN_WRITE_FLAGS, L_NOTIFY, L_PASS);
		place(p, L_OPEN_ARG2);
		load(p, ARG_LO(2));
		jump(p, BPF_JSET, OPEN_WRITE_FLAGS, L_NOTIFY, L_PASS);
		place(p, L_PASS);
		ret(p, SECCOMP_RET_ALLOW);
	}
	place(p, L_NOTIFY);
	ret(p, SECCOMP_RET_USER_NOTIF);
}

int seccomp_build_notify_filter(bool writes, bool reads,
				struct sock_filter *f, size_t cap)
{
	/* Other ABIs are killed by the static filter. */
	struct prog p = {.f = f, .cap = cap};
	load(&p, offsetof(struct seccomp_data, arch));
	jump(&p, BPF_JEQ, AUDIT_ARCH_X86_64, L_NEXT, L_PASS);
	notify_part(&p, writes, reads);
	return p.overflow || !all_placed(&p) ? -1 : (int)p.n;
}
