/* The shim's seccomp programs, generated at build time with libseccomp
 * (shim/gen_filters.c into build/filters.c), run through a small classic
 * BPF interpreter with a table of (arch, nr, args) -> action, libseccomp
 * style; each program against libseccomp's own view of it (its PFC, kept
 * beside it); then a few rows against the real kernel in a child process
 * as a cross-check (THREATS.md #3, #5-#8). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "test.h"

#include "filter_plan.h"
#include "seccomp.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/netlink.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
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
#ifndef AF_VSOCK
#define AF_VSOCK 40
#endif
#ifndef MSG_FASTOPEN
#define MSG_FASTOPEN 0x20000000
#endif
#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif

#define X32_BIT 0x40000000U
#define ALLOW SECCOMP_RET_ALLOW
#define KILL SECCOMP_RET_KILL_PROCESS
#define ERR(e) (SECCOMP_RET_ERRNO | (e))
#define BAD_PROGRAM 0xdeadbeefU
#define HI (1ULL << 32)

#define MAX_PROG 4096 /* BPF_MAXINSNS */

/* --- a classic BPF interpreter for seccomp programs -------------------- */

/* The checks the kernel makes when the filter is loaded (bpf_check_classic
 * and seccomp_check_filter), for what this program uses. */
static bool valid_program(const struct sock_filter *f, size_t n, char *why,
			  size_t whylen)
{
	if (n == 0 || n > MAX_PROG) {
		snprintf(why, whylen, "length %zu", n);
		return false;
	}
	for (size_t pc = 0; pc < n; pc++) {
		const struct sock_filter *i = &f[pc];
		switch (BPF_CLASS(i->code)) {
		case BPF_LD:
			if (i->code != (BPF_LD | BPF_W | BPF_ABS) || i->k & 3 ||
			    i->k >= sizeof(struct seccomp_data)) {
				snprintf(why, whylen, "bad load at %zu", pc);
				return false;
			}
			break;
		case BPF_JMP:
			if (BPF_OP(i->code) == BPF_JA) {
				if (pc + 1 + i->k >= n) {
					snprintf(why, whylen, "ja out of range at %zu", pc);
					return false;
				}
			} else if (pc + 1 + i->jt >= n || pc + 1 + i->jf >= n) {
				snprintf(why, whylen, "jump out of range at %zu", pc);
				return false;
			}
			break;
		case BPF_ALU:
		case BPF_RET:
		case BPF_MISC:
		case BPF_LDX:
		case BPF_ST:
		case BPF_STX:
			break;
		}
	}
	if (BPF_CLASS(f[n - 1].code) != BPF_RET) {
		snprintf(why, whylen, "does not end in a return");
		return false;
	}
	return true;
}

static uint32_t run_filter(const struct sock_filter *f, size_t n,
			   const struct seccomp_data *d, char *why,
			   size_t whylen)
{
	uint32_t A = 0, X = 0, M[BPF_MEMWORDS] = {0};
	for (size_t pc = 0, steps = 0; pc < n && steps < MAX_PROG; steps++) {
		const struct sock_filter *i = &f[pc++];
		uint32_t k = i->k;
		switch (i->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			memcpy(&A, (const char *)d + k, 4);
			break;
		case BPF_LD | BPF_W | BPF_LEN:
			A = sizeof *d;
			break;
		case BPF_LD | BPF_IMM:
			A = k;
			break;
		case BPF_LDX | BPF_IMM:
			X = k;
			break;
		case BPF_LD | BPF_MEM:
			A = M[k % BPF_MEMWORDS];
			break;
		case BPF_ST:
			M[k % BPF_MEMWORDS] = A;
			break;
		case BPF_MISC | BPF_TAX:
			X = A;
			break;
		case BPF_MISC | BPF_TXA:
			A = X;
			break;
		case BPF_ALU | BPF_AND | BPF_K:
			A &= k;
			break;
		case BPF_ALU | BPF_OR | BPF_K:
			A |= k;
			break;
		case BPF_ALU | BPF_RSH | BPF_K:
			A >>= k;
			break;
		case BPF_ALU | BPF_ADD | BPF_K:
			A += k;
			break;
		case BPF_JMP | BPF_JA:
			pc += k;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
			pc += A == k ? i->jt : i->jf;
			break;
		case BPF_JMP | BPF_JGT | BPF_K:
			pc += A > k ? i->jt : i->jf;
			break;
		case BPF_JMP | BPF_JGE | BPF_K:
			pc += A >= k ? i->jt : i->jf;
			break;
		case BPF_JMP | BPF_JSET | BPF_K:
			pc += (A & k) ? i->jt : i->jf;
			break;
		case BPF_JMP | BPF_JEQ | BPF_X:
			pc += A == X ? i->jt : i->jf;
			break;
		case BPF_RET | BPF_K:
			return k;
		case BPF_RET | BPF_A:
			return A;
		default:
			snprintf(why, whylen, "opcode %#x at %zu not interpreted",
				 i->code, pc - 1);
			return BAD_PROGRAM;
		}
	}
	snprintf(why, whylen, "ran off the end of the program");
	return BAD_PROGRAM;
}

/* build/filters_test.c: libseccomp's view of each program (PFC), and the
 * two parts of each combined program as programs of their own. */
extern const char *const seccomp_programs_pfc[];
extern const struct filter_program seccomp_static_parts[];
extern const size_t seccomp_static_parts_count;
extern const char *const seccomp_static_parts_pfc[];
extern const struct filter_program seccomp_listener_parts[];
extern const size_t seccomp_listener_parts_count;
extern const char *const seccomp_listener_parts_pfc[];

static const struct {
	const struct filter_program *programs;
	const size_t *count;
	const char *const *pfc;
	const char *name;
} tables[] = {
	{seccomp_programs, &seccomp_programs_count, seccomp_programs_pfc,
	 "shim"},
	{seccomp_static_parts, &seccomp_static_parts_count,
	 seccomp_static_parts_pfc, "static part"},
	{seccomp_listener_parts, &seccomp_listener_parts_count,
	 seccomp_listener_parts_pfc, "listener part"},
};

/* The generated program for OPT, in the shim's table or else among the
 * parts made for the tests. */
static const struct filter_program *program_for(const struct filter_options *opt)
{
	const struct filter_program *p = filter_program_find(
		seccomp_programs, seccomp_programs_count, opt);
	if (!p)
		p = filter_program_find(seccomp_static_parts,
					seccomp_static_parts_count, opt);
	return p;
}

/* The static filter alone (no supervisor) for allowNetwork = NET. */
static const struct filter_program *static_program(bool net)
{
	struct filter_options opt = {.allow_network = net};
	return program_for(&opt);
}

static void program_is_valid(void)
{
	for (size_t t = 0; t < COUNT_OF(tables); t++)
		for (size_t i = 0; i < *tables[t].count; i++) {
			const struct filter_program *p = &tables[t].programs[i];
			test_row("%s program %zu", tables[t].name, i);
			char why[128] = "";
			CHECK(valid_program(p->insns, p->len, why, sizeof why));
			if (why[0])
				test_fail(__FILE__, __LINE__, "%s", why);
		}
	test_row(NULL);
}

enum { NET_OFF = 0, NET_ON = 1, NET_ANY = 2 };

struct filter_row {
	const char *what;
	int net;
	uint32_t arch;
	int nr;
	uint64_t args[6];
	uint32_t want;
};

#define X86 AUDIT_ARCH_X86_64
#define I386 AUDIT_ARCH_I386

static const struct filter_row rows[] = {
	/* other ABIs */
	{"i386 getpid", NET_ANY, I386, 20, {0}, KILL},
	{"i386 socketcall", NET_ANY, I386, 102, {1, 0}, KILL},
	{"i386 socket", NET_ANY, I386, 359, {AF_INET, SOCK_DGRAM, 0}, KILL},
	{"arch 0", NET_ANY, 0, __NR_getpid, {0}, KILL},
	{"aarch64", NET_ANY, AUDIT_ARCH_AARCH64, __NR_getpid, {0}, KILL},
	{"x32 getpid", NET_ANY, X86, (int)(X32_BIT | __NR_getpid), {0}, KILL},
	{"x32 socket", NET_ANY, X86, (int)(X32_BIT | __NR_socket),
	 {AF_PACKET, SOCK_RAW, 0}, KILL},
	{"x32 io_uring_setup", NET_ANY, X86,
	 (int)(X32_BIT | __NR_io_uring_setup), {0}, KILL},
	/* ordinary calls */
	{"getpid", NET_ANY, X86, __NR_getpid, {0}, ALLOW},
	{"read", NET_ANY, X86, __NR_read, {0, 0, 1}, ALLOW},
	{"openat", NET_ANY, X86, __NR_openat, {0}, ALLOW},
	{"connect", NET_ANY, X86, __NR_connect, {3}, ALLOW},
	{"bind", NET_ANY, X86, __NR_bind, {3}, ALLOW},
	{"sendto", NET_ANY, X86, __NR_sendto, {3}, ALLOW},
	{"syscall after io_uring", NET_ANY, X86, __NR_io_uring_register + 1, {0},
	 ALLOW},
	{"highest native number", NET_ANY, X86, (int)(X32_BIT - 1), {0}, ALLOW},
	{"accept", NET_ANY, X86, __NR_accept, {3}, ALLOW},
	{"recvfrom", NET_ANY, X86, __NR_recvfrom, {3}, ALLOW},
	{"setsockopt", NET_ANY, X86, __NR_setsockopt, {3}, ALLOW},
	/* TCP fast open connects without passing Landlock's connect hook */
	{"sendto", NET_ANY, X86, __NR_sendto, {3, 0x1000, 1, MSG_NOSIGNAL},
	 ALLOW},
	{"sendto fastopen", NET_OFF, X86, __NR_sendto,
	 {3, 0x1000, 1, MSG_FASTOPEN}, ERR(EACCES)},
	{"sendto hi|fastopen|nosignal", NET_OFF, X86, __NR_sendto,
	 {3, 0x1000, 1, HI | MSG_FASTOPEN | MSG_NOSIGNAL}, ERR(EACCES)},
	{"sendto hi flags", NET_ANY, X86, __NR_sendto, {3, 0x1000, 1, HI},
	 ALLOW},
	{"sendto fastopen, network allowed", NET_ON, X86, __NR_sendto,
	 {3, 0x1000, 1, MSG_FASTOPEN}, ALLOW},
	{"sendmsg", NET_ANY, X86, __NR_sendmsg, {3, 0x1000, MSG_DONTWAIT}, ALLOW},
	{"sendmsg fastopen", NET_OFF, X86, __NR_sendmsg,
	 {3, 0x1000, MSG_FASTOPEN}, ERR(EACCES)},
	{"sendmsg fastopen in arg 3 only", NET_ANY, X86, __NR_sendmsg,
	 {3, 0x1000, 0, MSG_FASTOPEN}, ALLOW},
	{"sendmsg fastopen, network allowed", NET_ON, X86, __NR_sendmsg,
	 {3, 0x1000, MSG_FASTOPEN}, ALLOW},
	{"sendmmsg", NET_ANY, X86, __NR_sendmmsg, {3, 0x1000, 2, 0}, ALLOW},
	{"sendmmsg fastopen", NET_OFF, X86, __NR_sendmmsg,
	 {3, 0x1000, 2, MSG_FASTOPEN}, ERR(EACCES)},
	{"sendmmsg fastopen, network allowed", NET_ON, X86, __NR_sendmmsg,
	 {3, 0x1000, 2, MSG_FASTOPEN}, ALLOW},
	/* socket: TCP only without the network */
	{"inet stream", NET_ANY, X86, __NR_socket, {AF_INET, SOCK_STREAM, 0},
	 ALLOW},
	{"inet stream tcp", NET_ANY, X86, __NR_socket,
	 {AF_INET, SOCK_STREAM, IPPROTO_TCP}, ALLOW},
	{"inet stream nonblock cloexec", NET_ANY, X86, __NR_socket,
	 {AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0}, ALLOW},
	{"inet6 stream cloexec tcp", NET_ANY, X86, __NR_socket,
	 {AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_TCP}, ALLOW},
	{"inet mptcp", NET_OFF, X86, __NR_socket,
	 {AF_INET, SOCK_STREAM, IPPROTO_MPTCP}, ERR(EACCES)},
	{"inet6 mptcp", NET_OFF, X86, __NR_socket,
	 {AF_INET6, SOCK_STREAM, IPPROTO_MPTCP}, ERR(EACCES)},
	{"inet sctp stream", NET_OFF, X86, __NR_socket,
	 {AF_INET, SOCK_STREAM, IPPROTO_SCTP}, ERR(EACCES)},
	{"inet dgram", NET_OFF, X86, __NR_socket, {AF_INET, SOCK_DGRAM, 0},
	 ERR(EACCES)},
	{"inet dgram nonblock", NET_OFF, X86, __NR_socket,
	 {AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0}, ERR(EACCES)},
	{"inet raw", NET_OFF, X86, __NR_socket, {AF_INET, SOCK_RAW, IPPROTO_ICMP},
	 ERR(EACCES)},
	{"inet6 dgram", NET_OFF, X86, __NR_socket, {AF_INET6, SOCK_DGRAM, 0},
	 ERR(EACCES)},
	{"inet6 seqpacket", NET_OFF, X86, __NR_socket,
	 {AF_INET6, SOCK_SEQPACKET, 0}, ERR(EACCES)},
	{"inet dgram, network allowed", NET_ON, X86, __NR_socket,
	 {AF_INET, SOCK_DGRAM, 0}, ALLOW},
	{"inet6 raw, network allowed", NET_ON, X86, __NR_socket,
	 {AF_INET6, SOCK_RAW, 0}, ALLOW},
	{"inet mptcp, network allowed", NET_ON, X86, __NR_socket,
	 {AF_INET, SOCK_STREAM, IPPROTO_MPTCP}, ALLOW},
	/* 64-bit arguments: the kernel truncates to int.  A match that leads
	 * to a refusal compares the low 32 bits; "any other value" is a
	 * full-width range, so a value with high bits set is refused even
	 * where its low half would be allowed (fail closed). */
	{"hi|inet dgram", NET_OFF, X86, __NR_socket,
	 {HI | AF_INET, SOCK_DGRAM, 0}, ERR(EACCES)},
	{"hi|inet stream", NET_ANY, X86, __NR_socket,
	 {HI | AF_INET, SOCK_STREAM, 0}, ERR(EAFNOSUPPORT)},
	{"0xffffffff00000000|inet6 raw", NET_OFF, X86, __NR_socket,
	 {0xffffffff00000000ULL | AF_INET6, SOCK_RAW, 0}, ERR(EACCES)},
	{"inet hi|dgram", NET_OFF, X86, __NR_socket,
	 {AF_INET, HI | SOCK_DGRAM, 0}, ERR(EACCES)},
	{"inet hi|stream", NET_ANY, X86, __NR_socket,
	 {AF_INET, HI | SOCK_STREAM, 0}, ALLOW},
	{"inet stream hi|udp", NET_OFF, X86, __NR_socket,
	 {AF_INET, SOCK_STREAM, HI | IPPROTO_UDP}, ERR(EACCES)},
	{"inet stream hi|0", NET_OFF, X86, __NR_socket,
	 {AF_INET, SOCK_STREAM, HI}, ERR(EACCES)},
	{"inet stream hi|0, network allowed", NET_ON, X86, __NR_socket,
	 {AF_INET, SOCK_STREAM, HI}, ALLOW},
	{"inet stream hi|mptcp", NET_OFF, X86, __NR_socket,
	 {AF_INET, SOCK_STREAM, HI | IPPROTO_MPTCP}, ERR(EACCES)},
	{"hi|unix", NET_ANY, X86, __NR_socket, {HI | AF_UNIX, SOCK_STREAM, 0},
	 ERR(EACCES)},
	{"hi|packet", NET_ANY, X86, __NR_socket, {HI | AF_PACKET, SOCK_RAW, 0},
	 ERR(EAFNOSUPPORT)},
	/* other families */
	{"unix stream", NET_ANY, X86, __NR_socket, {AF_UNIX, SOCK_STREAM, 0},
	 ERR(EACCES)},
	{"unix dgram", NET_ANY, X86, __NR_socket, {AF_UNIX, SOCK_DGRAM, 0},
	 ERR(EACCES)},
	{"netlink route", NET_ANY, X86, __NR_socket,
	 {AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE}, ALLOW},
	{"netlink route dgram", NET_ANY, X86, __NR_socket,
	 {AF_NETLINK, SOCK_DGRAM, NETLINK_ROUTE}, ALLOW},
	{"netlink hi|route", NET_ANY, X86, __NR_socket,
	 {AF_NETLINK, SOCK_RAW, HI | NETLINK_ROUTE}, ERR(EACCES)},
	{"netlink audit", NET_ANY, X86, __NR_socket,
	 {AF_NETLINK, SOCK_RAW, NETLINK_AUDIT}, ERR(EACCES)},
	{"netlink kobject", NET_ANY, X86, __NR_socket,
	 {AF_NETLINK, SOCK_DGRAM, NETLINK_KOBJECT_UEVENT}, ERR(EACCES)},
	{"netlink netfilter", NET_ANY, X86, __NR_socket,
	 {AF_NETLINK, SOCK_RAW, NETLINK_NETFILTER}, ERR(EACCES)},
	{"packet", NET_ANY, X86, __NR_socket, {AF_PACKET, SOCK_RAW, 0},
	 ERR(EAFNOSUPPORT)},
	{"vsock", NET_ANY, X86, __NR_socket, {AF_VSOCK, SOCK_STREAM, 0},
	 ERR(EAFNOSUPPORT)},
	{"alg", NET_ANY, X86, __NR_socket, {AF_ALG, SOCK_SEQPACKET, 0},
	 ERR(EAFNOSUPPORT)},
	{"bluetooth", NET_ANY, X86, __NR_socket, {AF_BLUETOOTH, SOCK_STREAM, 0},
	 ERR(EAFNOSUPPORT)},
	{"unspec", NET_ANY, X86, __NR_socket, {AF_UNSPEC, SOCK_STREAM, 0},
	 ERR(EAFNOSUPPORT)},
	{"family 0xffff", NET_ANY, X86, __NR_socket, {0xffff, SOCK_STREAM, 0},
	 ERR(EAFNOSUPPORT)},
	/* socketpair: connected unix stream/seqpacket pairs only */
	{"pair unix stream", NET_ANY, X86, __NR_socketpair,
	 {AF_UNIX, SOCK_STREAM, 0, 0x1000}, ALLOW},
	{"pair unix stream cloexec", NET_ANY, X86, __NR_socketpair,
	 {AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, 0x1000}, ALLOW},
	{"pair unix seqpacket", NET_ANY, X86, __NR_socketpair,
	 {AF_UNIX, SOCK_SEQPACKET, 0, 0x1000}, ALLOW},
	{"pair unix dgram", NET_ANY, X86, __NR_socketpair,
	 {AF_UNIX, SOCK_DGRAM, 0, 0x1000}, ERR(EACCES)},
	{"pair unix dgram cloexec", NET_ANY, X86, __NR_socketpair,
	 {AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, 0x1000}, ERR(EACCES)},
	{"pair hi|unix stream", NET_ANY, X86, __NR_socketpair,
	 {HI | AF_UNIX, SOCK_STREAM, 0, 0x1000}, ERR(EAFNOSUPPORT)},
	{"pair unix hi|dgram", NET_ANY, X86, __NR_socketpair,
	 {AF_UNIX, HI | SOCK_DGRAM, 0, 0x1000}, ERR(EACCES)},
	{"pair inet", NET_ANY, X86, __NR_socketpair,
	 {AF_INET, SOCK_STREAM, 0, 0x1000}, ERR(EAFNOSUPPORT)},
	{"pair netlink", NET_ANY, X86, __NR_socketpair,
	 {AF_NETLINK, SOCK_RAW, 0, 0x1000}, ERR(EAFNOSUPPORT)},
	/* terminal injection */
	{"ioctl TIOCSTI", NET_ANY, X86, __NR_ioctl, {0, TIOCSTI, 0x1000},
	 ERR(EPERM)},
	{"ioctl TIOCLINUX", NET_ANY, X86, __NR_ioctl, {0, TIOCLINUX, 0x1000},
	 ERR(EPERM)},
	{"ioctl hi|TIOCSTI", NET_ANY, X86, __NR_ioctl, {0, HI | TIOCSTI, 0x1000},
	 ERR(EPERM)},
	{"ioctl 0xffffffff|TIOCLINUX", NET_ANY, X86, __NR_ioctl,
	 {0, 0xffffffff00000000ULL | TIOCLINUX, 0x1000}, ERR(EPERM)},
	{"ioctl TCGETS", NET_ANY, X86, __NR_ioctl, {0, TCGETS, 0x1000}, ALLOW},
	{"ioctl FIONREAD", NET_ANY, X86, __NR_ioctl, {0, FIONREAD, 0x1000}, ALLOW},
	{"ioctl TIOCGWINSZ", NET_ANY, X86, __NR_ioctl, {1, TIOCGWINSZ, 0x1000},
	 ALLOW},
	/* seccomp: no listener of one's own */
	{"seccomp filter", NET_ANY, X86, __NR_seccomp,
	 {SECCOMP_SET_MODE_FILTER, 0, 0x1000}, ALLOW},
	{"seccomp filter tsync", NET_ANY, X86, __NR_seccomp,
	 {SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, 0x1000}, ALLOW},
	{"seccomp filter new listener", NET_ANY, X86, __NR_seccomp,
	 {SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, 0x1000},
	 ERR(EPERM)},
	{"seccomp filter listener|tsync|log", NET_ANY, X86, __NR_seccomp,
	 {SECCOMP_SET_MODE_FILTER,
	  SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_TSYNC |
		  SECCOMP_FILTER_FLAG_LOG,
	  0x1000},
	 ERR(EPERM)},
	{"seccomp hi|filter new listener", NET_ANY, X86, __NR_seccomp,
	 {HI | SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, 0x1000},
	 ERR(EPERM)},
	{"seccomp filter hi|new listener", NET_ANY, X86, __NR_seccomp,
	 {SECCOMP_SET_MODE_FILTER, HI | SECCOMP_FILTER_FLAG_NEW_LISTENER, 0x1000},
	 ERR(EPERM)},
	{"seccomp filter hi flags only", NET_ANY, X86, __NR_seccomp,
	 {SECCOMP_SET_MODE_FILTER, HI, 0x1000}, ALLOW},
	{"seccomp strict", NET_ANY, X86, __NR_seccomp,
	 {SECCOMP_SET_MODE_STRICT, 0, 0}, ALLOW},
	{"seccomp action avail", NET_ANY, X86, __NR_seccomp,
	 {SECCOMP_GET_ACTION_AVAIL, 0, 0x1000}, ALLOW},
	{"seccomp notif sizes", NET_ANY, X86, __NR_seccomp,
	 {SECCOMP_GET_NOTIF_SIZES, 0, 0x1000}, ALLOW},
	/* io_uring: ENOSYS so runtimes fall back */
	{"io_uring_setup", NET_ANY, X86, __NR_io_uring_setup, {8, 0x1000},
	 ERR(ENOSYS)},
	{"io_uring_enter", NET_ANY, X86, __NR_io_uring_enter, {3}, ERR(ENOSYS)},
	{"io_uring_register", NET_ANY, X86, __NR_io_uring_register, {3},
	 ERR(ENOSYS)},
	/* listen auto-binds 0.0.0.0 */
	{"listen", NET_OFF, X86, __NR_listen, {3, 16}, ERR(EACCES)},
	{"listen, network allowed", NET_ON, X86, __NR_listen, {3, 16}, ALLOW},
};

static void filter_table(void)
{
	const struct filter_program *prog[2];
	for (int net = 0; net <= 1; net++) {
		prog[net] = static_program(net);
		REQUIRE(prog[net]);
	}
	for (size_t r = 0; r < COUNT_OF(rows); r++) {
		for (int net = 0; net <= 1; net++) {
			if (rows[r].net != NET_ANY && rows[r].net != net)
				continue;
			test_row("%s (allow_network = %d)", rows[r].what, net);
			struct seccomp_data d = {
				.nr = rows[r].nr,
				.arch = rows[r].arch,
				.instruction_pointer = 0x401000,
			};
			memcpy(d.args, rows[r].args, sizeof d.args);
			char why[128] = "";
			uint32_t got = run_filter(prog[net]->insns, prog[net]->len,
						  &d, why, sizeof why);
			if (got == BAD_PROGRAM)
				test_fail(__FILE__, __LINE__, "%s", why);
			else
				CHECK_HEX(got, rows[r].want);
		}
	}
}

/* --- the same filter in the kernel ------------------------------------- */

struct live_row {
	const char *what;
	long nr;
	unsigned long args[6];
	int want_errno; /* 0: succeeds */
};

/* In a child: install the filter, run each row, write one line per
 * mismatch to FD, exit. */
__attribute__((noreturn))
static void live_child(int fd, bool net, const struct live_row *lr, size_t n)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		dprintf(fd, "prctl(NO_NEW_PRIVS): %s\n", strerror(errno));
		_exit(3);
	}
	struct filter_options opt = {.allow_network = net};
	if (seccomp_install(&opt) < 0) {
		dprintf(fd, "seccomp_install: %s\n", strerror(errno));
		_exit(3);
	}
	for (size_t i = 0; i < n; i++) {
		errno = 0;
		long rc = syscall(lr[i].nr, lr[i].args[0], lr[i].args[1],
				  lr[i].args[2], lr[i].args[3], lr[i].args[4],
				  lr[i].args[5]);
		int e = rc < 0 ? errno : 0;
		if (rc >= 0 && lr[i].nr == __NR_socket)
			close((int)rc);
		if (e != lr[i].want_errno)
			dprintf(fd, "%s: got %s, want %s\n", lr[i].what,
				e ? strerror(e) : "success",
				lr[i].want_errno ? strerror(lr[i].want_errno)
						 : "success");
	}
	_exit(0);
}

static void run_live(bool net, const struct live_row *lr, size_t n)
{
	int p[2];
	REQUIRE(pipe(p) == 0);
	pid_t pid = fork();
	REQUIRE(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		live_child(p[1], net, lr, n);
	}
	close(p[1]);
	char buf[4096];
	size_t used = 0;
	ssize_t got;
	while (used < sizeof buf - 1 &&
	       (got = read(p[0], buf + used, sizeof buf - 1 - used)) > 0)
		used += (size_t)got;
	buf[used] = '\0';
	close(p[0]);
	int status;
	REQUIRE(waitpid(pid, &status, 0) == pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		test_fail(__FILE__, __LINE__, "child status %#x: %s", status, buf);
	else if (used)
		test_fail(__FILE__, __LINE__, "in the kernel:\n%s", buf);
}

static void live_cross_check(void)
{
	static int pair[2];
	/* A filter for the listener row: the smallest valid program. */
	static struct sock_filter allow_all[] = {
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	static struct sock_fprog allow_prog = {1, allow_all};
	static char c = 'x';
	unsigned action = SECCOMP_RET_ALLOW;
	const struct live_row common[] = {
		{"socket(inet, stream)", __NR_socket,
		 {AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0}, 0},
		{"socket(hi|inet, stream)", __NR_socket,
		 {HI | AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0}, EAFNOSUPPORT},
		{"socket(unix, stream)", __NR_socket, {AF_UNIX, SOCK_STREAM, 0},
		 EACCES},
		{"socket(hi|unix, stream)", __NR_socket,
		 {HI | AF_UNIX, SOCK_STREAM, 0}, EACCES},
		{"socket(packet)", __NR_socket, {AF_PACKET, SOCK_RAW, 0},
		 EAFNOSUPPORT},
		{"socket(netlink, route)", __NR_socket,
		 {AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE}, 0},
		{"socketpair(unix, stream)", __NR_socketpair,
		 {AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, (unsigned long)pair}, 0},
		{"socketpair(unix, dgram)", __NR_socketpair,
		 {AF_UNIX, SOCK_DGRAM, 0, (unsigned long)pair}, EACCES},
		{"ioctl(TIOCSTI)", __NR_ioctl,
		 {0, TIOCSTI, (unsigned long)&c}, EPERM},
		{"ioctl(hi|TIOCSTI)", __NR_ioctl,
		 {0, HI | TIOCSTI, (unsigned long)&c}, EPERM},
		{"io_uring_setup", __NR_io_uring_setup, {8, 0}, ENOSYS},
		{"seccomp(NEW_LISTENER)", __NR_seccomp,
		 {SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER,
		  (unsigned long)&allow_prog},
		 EPERM},
		{"seccomp(GET_ACTION_AVAIL)", __NR_seccomp,
		 {SECCOMP_GET_ACTION_AVAIL, 0, (unsigned long)&action}, 0},
	};
	const struct live_row off[] = {
		{"socket(inet, dgram)", __NR_socket, {AF_INET, SOCK_DGRAM, 0},
		 EACCES},
		{"socket(hi|inet, dgram)", __NR_socket,
		 {HI | AF_INET, SOCK_DGRAM, 0}, EACCES},
		{"socket(inet6, stream, mptcp)", __NR_socket,
		 {AF_INET6, SOCK_STREAM, IPPROTO_MPTCP}, EACCES},
		{"listen(0)", __NR_listen, {0, 1}, EACCES},
		{"sendto(bad fd, MSG_FASTOPEN)", __NR_sendto,
		 {999, (unsigned long)&c, 1, MSG_FASTOPEN, 0, 0}, EACCES},
	};
	const struct live_row on[] = {
		{"socket(inet, dgram)", __NR_socket,
		 {AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0}, 0},
		/* the kernel answers, not the filter */
		{"listen(bad fd)", __NR_listen, {999, 1}, EBADF},
		{"sendto(bad fd, MSG_FASTOPEN)", __NR_sendto,
		 {999, (unsigned long)&c, 1, MSG_FASTOPEN, 0, 0}, EBADF},
	};
	test_row("allow_network = 0, common rows");
	run_live(false, common, COUNT_OF(common));
	test_row("allow_network = 0");
	run_live(false, off, COUNT_OF(off));
	test_row("allow_network = 1, common rows");
	run_live(true, common, COUNT_OF(common));
	test_row("allow_network = 1");
	run_live(true, on, COUNT_OF(on));
}

/* Child: optionally install the filter, then getpid through int 0x80 (the
 * i386 ABI).  Exits 0 when the call returned. */
static int int80_child(bool install)
{
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (install) {
			struct filter_options opt = {.allow_network = false};
			if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
			    seccomp_install(&opt) < 0)
				_exit(3);
		}
		long ret;
		__asm__ volatile("int $0x80" : "=a"(ret) : "a"(20L) : "memory");
		_exit(ret > 0 ? 0 : 4);
	}
	int status;
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return status;
}

static void live_other_abis_killed(void)
{
	int control = int80_child(false);
	if (control < 0 || !WIFEXITED(control) || WEXITSTATUS(control) != 0) {
		test_skip("int 0x80 does not work here (no IA32 emulation?)");
	} else {
		int st = int80_child(true);
		CHECK(WIFSIGNALED(st));
		if (WIFSIGNALED(st))
			CHECK_INT(WTERMSIG(st), SIGSYS);
	}

	/* x32 numbers, whether or not the kernel has the x32 ABI. */
	pid_t pid = fork();
	REQUIRE(pid >= 0);
	if (pid == 0) {
		struct filter_options opt = {.allow_network = true};
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
		    seccomp_install(&opt) < 0)
			_exit(3);
		syscall(X32_BIT | __NR_getpid);
		_exit(0);
	}
	int status;
	REQUIRE(waitpid(pid, &status, 0) == pid);
	CHECK(WIFSIGNALED(status));
	if (WIFSIGNALED(status))
		CHECK_INT(WTERMSIG(status), SIGSYS);
}

/* The kernel runs stacked filters and keeps the answer of highest
 * precedence: the lowest action, as a signed number (KILL_PROCESS is
 * 0x80000000). */
static uint32_t stacked(uint32_t a, uint32_t b)
{
	int32_t x = (int32_t)(a & SECCOMP_RET_ACTION_FULL);
	int32_t y = (int32_t)(b & SECCOMP_RET_ACTION_FULL);
	return x <= y ? a : b;
}

/* The listener's part alone, for WRITES and READS. */
static const struct filter_program *listener_part(bool writes, bool reads)
{
	struct filter_options opt = {.listener = true,
				     .listener_writes = writes,
				     .listener_reads = reads};
	return filter_program_find(seccomp_listener_parts,
				   seccomp_listener_parts_count, &opt);
}

/* With a listener, the one program (filter_options.listener) must answer
 * every call as the static filter with the listener's part stacked under
 * it would: every syscall number, every ABI, with the arguments the rules
 * look at, for every combined program the shim has. */
static void combined_is_stacked(void)
{
	const uint64_t arg_values[] = {0, AF_INET, AF_UNIX, AF_NETLINK,
				       SOCK_STREAM, SOCK_DGRAM, 1, 2, 3, 0x41,
				       0x241, TIOCSTI, MSG_FASTOPEN, HI | 1};
	const uint32_t arches[] = {AUDIT_ARCH_X86_64, AUDIT_ARCH_I386};
	size_t combined = 0;
	for (size_t i = 0; i < seccomp_programs_count; i++) {
		const struct filter_program *both = &seccomp_programs[i];
		if (!both->opt.listener)
			continue;
		combined++;
		struct filter_options s = both->opt;
		s.listener = s.listener_writes = s.listener_reads = false;
		const struct filter_program *alone = program_for(&s);
		const struct filter_program *notify = listener_part(
			both->opt.listener_writes, both->opt.listener_reads);
		test_row("program %zu", i);
		REQUIRE(alone && notify);
		char why[128] = "";
		size_t differ = 0;
		for (size_t a = 0; a < COUNT_OF(arches); a++)
			for (uint32_t nr = 0; nr < 480; nr++)
				for (size_t v = 0; v < COUNT_OF(arg_values); v++) {
					struct seccomp_data d = {
						.nr = (int)(nr | (v == 1 && a == 0
								? X32_BIT : 0)),
						.arch = arches[a]};
					for (int j = 0; j < 6; j++)
						d.args[j] = arg_values[(v + (size_t)j) %
								       COUNT_OF(arg_values)];
					uint32_t want = stacked(
						run_filter(alone->insns, alone->len, &d,
							   why, sizeof why),
						run_filter(notify->insns, notify->len, &d,
							   why, sizeof why));
					uint32_t got = run_filter(both->insns, both->len,
								  &d, why, sizeof why);
					if (got != want && differ++ < 3)
						test_fail(__FILE__, __LINE__,
							  "arch %#x nr %u args from %zu: "
							  "got %#x, want %#x",
							  arches[a], nr, v, got, want);
				}
		CHECK_INT(differ, 0);
	}
	test_row(NULL);
	/* Writes, and reads with them, with and without the network. */
	CHECK(combined >= 6);
}

/* The listener's part traps exactly its calls, whatever their number:
 * every syscall number is run through it, against a list kept here. */
static void notify_traps_exactly(void)
{
	static const int writes[] = {
		__NR_creat, __NR_openat2, __NR_mkdir, __NR_mkdirat, __NR_mknod,
		__NR_mknodat, __NR_symlink, __NR_symlinkat, __NR_link,
		__NR_linkat, __NR_rename, __NR_renameat, __NR_renameat2,
		__NR_unlink, __NR_unlinkat, __NR_rmdir, __NR_truncate,
		__NR_chmod, __NR_fchmod, __NR_fchmodat, 452, __NR_chown,
		__NR_fchown, __NR_lchown, __NR_fchownat, __NR_setxattr,
		__NR_lsetxattr, __NR_fsetxattr, __NR_removexattr,
		__NR_lremovexattr, __NR_fremovexattr, 463, 466, __NR_utime,
		__NR_utimes, __NR_futimesat, __NR_utimensat, __NR_umask,
	};
	char why[128] = "";
	for (int mode = 0; mode < 3; mode++) {
		bool w = mode >= 1, r = mode == 2;
		test_row("writes %d reads %d", w, r);
		const struct filter_program *p = listener_part(w, r);
		REQUIRE(p);
		for (int nr = 0; nr < 480; nr++) {
			bool want = nr == __NR_bind || nr == __NR_connect ||
				    nr == __NR_listen;
			for (size_t i = 0; w && i < COUNT_OF(writes); i++)
				want = want || nr == writes[i];
			bool is_open = nr == __NR_open || nr == __NR_openat;
			for (int flags = 0; flags < 6; flags++) {
				/* O_RDONLY, O_WRONLY|O_CREAT, O_RDWR, O_TRUNC,
				 * O_RDONLY with high bits, O_DIRECTORY */
				const uint64_t f_open[] = {0, 0101, 02, 01000,
							   HI, 0200000};
				struct seccomp_data d = {.nr = nr,
							 .arch = AUDIT_ARCH_X86_64};
				d.args[nr == __NR_open ? 1 : 2] = f_open[flags];
				bool writes_flag = flags >= 1 && flags <= 3;
				bool trap = want ||
					    (is_open && w && (r || writes_flag));
				uint32_t got = run_filter(p->insns, p->len, &d,
							  why, sizeof why);
				if (got != (trap ? SECCOMP_RET_USER_NOTIF
						 : SECCOMP_RET_ALLOW))
					test_fail(__FILE__, __LINE__,
						  "nr %d flags %d: got %#x", nr,
						  flags, got);
			}
		}
	}
	test_row(NULL);
}

/* --- libseccomp's own view: its pseudo filter code ------------------------ */

/* A small evaluator for what seccomp_export_pfc writes (libseccomp 2.5):
 * "if (COND)" opens a block indented two spaces deeper, "else" may follow
 * it, "action X;" ends the run, and a block that ends without an action
 * goes on after its if.  It reads libseccomp's rule database as libseccomp
 * renders it, independently of the BPF it generated from the same rules. */
enum pfc_kind { PFC_IF, PFC_ELSE, PFC_ACTION };
enum pfc_op { OP_EQ, OP_GT, OP_GE };
enum pfc_field { F_ARCH, F_SYSCALL, F_ARG_HI, F_ARG_LO };

struct pfc_line {
	int indent;
	enum pfc_kind kind;
	enum pfc_field field;
	int arg;
	enum pfc_op op;
	uint32_t mask, datum, action;
};

#define PFC_MAX_LINES 4096

static bool pfc_action(const char *s, uint32_t *action)
{
	unsigned v;
	if (strcmp(s, "ALLOW;") == 0)
		*action = SECCOMP_RET_ALLOW;
	else if (strcmp(s, "KILL_PROCESS;") == 0)
		*action = SECCOMP_RET_KILL_PROCESS;
	else if (sscanf(s, "ERRNO(%u);", &v) == 1)
		*action = SECCOMP_RET_ERRNO | v;
	else if (sscanf(s, "0x%x;", &v) == 1)
		*action = v;
	else
		return false;
	return true;
}

static bool pfc_condition(const char *s, struct pfc_line *l)
{
	char what[16], op[4];
	int used = 0;
	l->mask = 0xffffffffU;
	if (sscanf(s, "$%15[a-z0-9.]%n", what, &used) != 1)
		return false;
	s += used;
	if (strcmp(what, "arch") == 0)
		l->field = F_ARCH;
	else if (strcmp(what, "syscall") == 0)
		l->field = F_SYSCALL;
	else if (sscanf(what, "a%d.hi32", &l->arg) == 1 && strstr(what, "hi32"))
		l->field = F_ARG_HI;
	else if (sscanf(what, "a%d.lo32", &l->arg) == 1 && strstr(what, "lo32"))
		l->field = F_ARG_LO;
	else
		return false;
	if (sscanf(s, " & 0x%x%n", &l->mask, &used) == 1)
		s += used;
	if (sscanf(s, " %3[=>] %u)", op, &l->datum) != 2)
		return false;
	if (strcmp(op, "==") == 0)
		l->op = OP_EQ;
	else if (strcmp(op, ">") == 0)
		l->op = OP_GT;
	else if (strcmp(op, ">=") == 0)
		l->op = OP_GE;
	else
		return false;
	return true;
}

/* Parse PFC into L; the number of lines, or -1 (with WHY). */
static int pfc_parse(const char *pfc, struct pfc_line *l, char *why,
		     size_t whylen)
{
	int n = 0;
	for (const char *line = pfc; *line;) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		char buf[256];
		if (len >= sizeof buf)
			len = sizeof buf - 1;
		memcpy(buf, line, len);
		buf[len] = '\0';
		line += len + (end ? 1 : 0);
		int spaces = 0;
		while (buf[spaces] == ' ')
			spaces++;
		const char *s = buf + spaces;
		if (*s == '#' || *s == '\0')
			continue;
		if (n == PFC_MAX_LINES) {
			snprintf(why, whylen, "too many lines");
			return -1;
		}
		struct pfc_line *p = &l[n];
		p->indent = spaces / 2;
		bool ok;
		if (strncmp(s, "if (", 4) == 0) {
			p->kind = PFC_IF;
			ok = pfc_condition(s + 4, p);
		} else if (strncmp(s, "else", 4) == 0) {
			p->kind = PFC_ELSE;
			ok = true;
		} else if (strncmp(s, "action ", 7) == 0) {
			p->kind = PFC_ACTION;
			ok = pfc_action(s + 7, &p->action);
		} else {
			ok = false;
		}
		if (!ok) {
			snprintf(why, whylen, "cannot read: %s", s);
			return -1;
		}
		n++;
	}
	return n;
}

static bool pfc_test(const struct pfc_line *l, const struct seccomp_data *d)
{
	uint32_t v;
	switch (l->field) {
	case F_ARCH: v = d->arch; break;
	case F_SYSCALL: v = (uint32_t)d->nr; break;
	case F_ARG_HI: v = (uint32_t)(d->args[l->arg] >> 32); break;
	default: v = (uint32_t)d->args[l->arg]; break;
	}
	v &= l->mask;
	return l->op == OP_EQ ? v == l->datum
	       : l->op == OP_GT ? v > l->datum : v >= l->datum;
}

/* Past the block at INDENT starting at I. */
static int pfc_skip(const struct pfc_line *l, int n, int i, int indent)
{
	while (i < n && l[i].indent >= indent)
		i++;
	return i;
}

/* Run the statements at INDENT from I; sets *DONE and *ACTION when an
 * action is reached.  Returns the index after them. */
static int pfc_run(const struct pfc_line *l, int n, int i, int indent,
		   const struct seccomp_data *d, bool *done, uint32_t *action)
{
	while (i < n && l[i].indent == indent && !*done) {
		if (l[i].kind == PFC_ACTION) {
			*done = true;
			*action = l[i].action;
			return i + 1;
		}
		if (l[i].kind != PFC_IF)
			return n; /* a stray else: malformed, no action */
		bool taken = pfc_test(&l[i], d);
		i++;
		i = taken ? pfc_run(l, n, i, indent + 1, d, done, action)
			  : pfc_skip(l, n, i, indent + 1);
		if (*done)
			return i;
		if (i < n && l[i].indent == indent && l[i].kind == PFC_ELSE) {
			i++;
			i = !taken ? pfc_run(l, n, i, indent + 1, d, done, action)
				   : pfc_skip(l, n, i, indent + 1);
		}
	}
	return i;
}

static uint32_t pfc_eval(const struct pfc_line *l, int n,
			 const struct seccomp_data *d, uint32_t badarch)
{
	/* libseccomp's x86_64 filters send x32 numbers (all but -1) to the
	 * bad-arch action in the BPF only; the PFC does not show it. */
	if (d->arch == AUDIT_ARCH_X86_64 && ((uint32_t)d->nr & X32_BIT) &&
	    d->nr != -1)
		return badarch;
	bool done = false;
	uint32_t action = BAD_PROGRAM;
	pfc_run(l, n, 0, 0, d, &done, &action);
	return action;
}

/* Each program answers every call as libseccomp's view of the same rules
 * says: every syscall number, three ABIs, and argument values around
 * every number the rules compare, with high bits set and not. */
static void programs_match_libseccomp(void)
{
	static struct pfc_line lines[PFC_MAX_LINES];
	const uint64_t arg_values[] = {
		0, 1, 2, 3, 5, 6, 7, 10, 15, 16, 17, 0x41, 0x241, 01000,
		TIOCSTI, TIOCLINUX, MSG_FASTOPEN, SECCOMP_FILTER_FLAG_NEW_LISTENER,
		HI, HI | 1, HI | 2, HI | 6, HI | 16, 0xffffffffffffffffULL,
		0xffffffffULL,
	};
	const uint32_t arches[] = {AUDIT_ARCH_X86_64, AUDIT_ARCH_I386, 0};
	const int odd_numbers[] = {-1, (int)(X32_BIT | __NR_getpid),
				   (int)(X32_BIT | __NR_socket), 0x3fffffff};
	for (size_t t = 0; t < COUNT_OF(tables); t++)
		for (size_t i = 0; i < *tables[t].count; i++) {
			const struct filter_program *p = &tables[t].programs[i];
			test_row("%s program %zu", tables[t].name, i);
			char why[128] = "";
			int n = pfc_parse(tables[t].pfc[i], lines, why, sizeof why);
			if (n <= 0) {
				test_fail(__FILE__, __LINE__, "PFC: %s", why);
				continue;
			}
			uint32_t badarch = lines[n - 1].action;
			size_t differ = 0;
			for (size_t a = 0; a < COUNT_OF(arches); a++)
				for (int k = 0; k < 480 + (int)COUNT_OF(odd_numbers); k++)
					for (size_t v = 0; v < COUNT_OF(arg_values); v++) {
						struct seccomp_data d = {
							.nr = k < 480 ? k : odd_numbers[k - 480],
							.arch = arches[a]};
						for (int j = 0; j < 6; j++)
							d.args[j] = arg_values[(v + (size_t)j * 3) %
									       COUNT_OF(arg_values)];
						uint32_t bpf = run_filter(p->insns, p->len, &d,
									  why, sizeof why);
						uint32_t want = pfc_eval(lines, n, &d, badarch);
						if (bpf != want && differ++ < 3)
							test_fail(__FILE__, __LINE__,
								  "arch %#x nr %d args from %zu: "
								  "BPF %#x, PFC %#x",
								  arches[a], d.nr, v, bpf, want);
					}
			CHECK_INT(differ, 0);
		}
	test_row(NULL);
}

/* --- which program a tool gets --------------------------------------------- */

struct plan_row {
	const char *what;
	struct filter_inputs in;
	struct filter_options want;
};

static const struct plan_row plan_rows[] = {
	{"plain: no network", {0}, {0}},
	{"allowNetwork", {.allow_network = true},
	 {.allow_network = true, .pass_listen = true}},
	{"proxy port, per-tool supervisor",
	 {.has_proxy_ports = true, .wants_supervisor = true},
	 {.unix_streams = true, .pass_listen = true, .listener = true}},
	{"mediated roots",
	 {.has_mediated_roots = true, .wants_supervisor = true},
	 {.unix_streams = true, .pass_listen = true, .listener = true,
	  .listener_writes = true}},
	{"mediated roots and reads",
	 {.has_mediated_roots = true, .mediate_reads = true,
	  .wants_supervisor = true},
	 {.unix_streams = true, .pass_listen = true, .listener = true,
	  .listener_writes = true, .listener_reads = true}},
	{"reads without mediated roots trap nothing more",
	 {.mediate_reads = true, .wants_supervisor = true},
	 {.unix_streams = true, .pass_listen = true, .listener = true}},
	{"mediated roots with the network",
	 {.allow_network = true, .has_mediated_roots = true,
	  .wants_supervisor = true},
	 {.allow_network = true, .unix_streams = true, .pass_listen = true,
	  .listener = true, .listener_writes = true}},
	{"nested, no network, nothing encloses",
	 {.nested = true},
	 {.deny_bind = true, .deny_connect = true}},
	{"nested, no network, a supervisor encloses",
	 {.nested = true, .enclosing = ENCLOSING_SOCKETS},
	 {.deny_bind = true, .deny_connect = true}},
	{"nested, proxy port, a supervisor encloses",
	 {.has_proxy_ports = true, .wants_supervisor = true, .nested = true,
	  .enclosing = ENCLOSING_SOCKETS},
	 {.deny_bind = true}},
	{"nested, proxy port, nothing encloses",
	 {.has_proxy_ports = true, .wants_supervisor = true, .nested = true},
	 {.deny_bind = true, .deny_connect = true}},
	{"nested, local binding, a supervisor encloses",
	 {.allow_local_binding = true, .wants_supervisor = true, .nested = true,
	  .enclosing = ENCLOSING_WRITES},
	 {.pass_listen = true}},
	{"nested, local binding, nothing encloses",
	 {.allow_local_binding = true, .wants_supervisor = true, .nested = true},
	 {.deny_connect = true}},
	{"nested, network",
	 {.allow_network = true, .wants_supervisor = true, .nested = true,
	  .enclosing = ENCLOSING_WRITES},
	 {.allow_network = true, .pass_listen = true}},
};

static void plan_table(void)
{
	for (size_t r = 0; r < COUNT_OF(plan_rows); r++) {
		test_row("%s", plan_rows[r].what);
		struct filter_options got =
			filter_canonical(filter_options_for(&plan_rows[r].in));
		CHECK(filter_options_equal(&got, &plan_rows[r].want));
		/* ...and the shim has a program for it. */
		CHECK(filter_program_find(seccomp_programs,
					  seccomp_programs_count, &got) != NULL);
	}
	test_row(NULL);
}

/* Every input the shim can meet finds a program that was generated for
 * exactly its options; options nothing asks for find none (the shim then
 * refuses to run: fail closed). */
static void every_plan_has_a_program(void)
{
	for (unsigned n = 0; n < FILTER_INPUTS_COUNT; n++) {
		struct filter_inputs in = filter_inputs_nth(n);
		struct filter_options o = filter_options_for(&in);
		const struct filter_program *p = filter_program_find(
			seccomp_programs, seccomp_programs_count, &o);
		if (!p) {
			test_fail(__FILE__, __LINE__, "inputs %u: no program", n);
			continue;
		}
		struct filter_options c = filter_canonical(o);
		CHECK(filter_options_equal(&p->opt, &c));
	}
	/* The enumeration reaches every kind of enclosing and both ends. */
	CHECK_INT(filter_inputs_nth(0).enclosing, ENCLOSING_NONE);
	CHECK(filter_inputs_nth(FILTER_INPUTS_COUNT - 1).enclosing ==
		      ENCLOSING_WRITES &&
	      filter_inputs_nth(FILTER_INPUTS_COUNT - 1).nested);
	/* A listener with a refused bind is no plan's: nothing for it. */
	struct filter_options odd = {.listener = true, .deny_bind = true};
	CHECK(filter_program_find(seccomp_programs, seccomp_programs_count,
				  &odd) == NULL);
	CHECK_INT(seccomp_install(&odd), -1);
	CHECK_INT(errno, ENOENT);
}

const struct test_case seccomp_tests[] = {
	TEST_CASE(plan_table),
	TEST_CASE(every_plan_has_a_program),
	TEST_CASE(programs_match_libseccomp),
	TEST_CASE(notify_traps_exactly),
	TEST_CASE(combined_is_stacked),
	TEST_CASE(program_is_valid),
	TEST_CASE(filter_table),
	TEST_CASE(live_cross_check),
	TEST_CASE(live_other_abis_killed),
	TEST_END,
};
