/* supervisor/decide.c: one row per (policy, op, socket, address bytes, len)
 * -> (action, errno, performed address or path, what, hint), covering every
 * address form of THREATS.md #10; then the rows whose answer is the
 * kernel's own, replayed against the real kernel; then listen, the unix
 * path decisions, the state tables, Yama, and hostile bytes of every length
 * in buffers of exactly that length (ASan sees any read past LEN). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "test.h"

#include "diag.h"
#include "../../supervisor/decide.h"
#include "protocol.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif
#ifndef AF_VSOCK
#define AF_VSOCK 40
#endif

#define BUF 256
#define S4 sizeof(struct sockaddr_in)   /* 16 */
#define S6 sizeof(struct sockaddr_in6)  /* 28 */
#define SUN sizeof(struct sockaddr_un)  /* 110 */
#define SNL 12                          /* struct sockaddr_nl */
#define OFF offsetof(struct sockaddr_un, sun_path)
#define STORAGE sizeof(struct sockaddr_storage)

/* --- address specs, built into bytes at run time ------------------------ */

enum layout { L_NONE, L_FAMILY, L_IN, L_IN6, L_UN, L_NL };

struct spec {
	enum layout layout;
	int family;           /* written as sa_family, whatever the layout */
	const char *ip;       /* L_IN, L_IN6 */
	unsigned port;
	const char *bytes;    /* L_UN: sun_path bytes */
	size_t nbytes;
	uint32_t nl_pid, nl_groups;
};

#define FAM(f) {L_FAMILY, (f), NULL, 0, NULL, 0, 0, 0}
#define IN4F(f, ip, port) {L_IN, (f), (ip), (port), NULL, 0, 0, 0}
#define IN4(ip, port) IN4F(AF_INET, ip, port)
#define IN6F(f, ip, port) {L_IN6, (f), (ip), (port), NULL, 0, 0, 0}
#define IN6(ip, port) IN6F(AF_INET6, ip, port)
#define UNF(f, lit) {L_UN, (f), NULL, 0, (lit), sizeof(lit) - 1, 0, 0}
#define UN(lit) UNF(AF_UNIX, lit)
#define NLF(f, pid, groups) {L_NL, (f), NULL, 0, NULL, 0, (pid), (groups)}
#define NL(pid, groups) NLF(AF_NETLINK, pid, groups)
/* sun_path with its NUL, and without */
#define UNLEN(lit) (OFF + sizeof(lit))
#define UNRAW(lit) (OFF + sizeof(lit) - 1)

static void build(const struct spec *s, unsigned char buf[BUF])
{
	memset(buf, 0, BUF);
	sa_family_t fam = (sa_family_t)s->family;
	switch (s->layout) {
	case L_NONE:
		return;
	case L_FAMILY:
		break;
	case L_IN: {
		struct sockaddr_in in = {.sin_port = htons((uint16_t)s->port)};
		if (inet_pton(AF_INET, s->ip, &in.sin_addr) != 1)
			test_fail(__FILE__, __LINE__, "bad IPv4 %s", s->ip);
		memcpy(buf, &in, sizeof in);
		break;
	}
	case L_IN6: {
		struct sockaddr_in6 in6 = {.sin6_port =
						   htons((uint16_t)s->port)};
		if (inet_pton(AF_INET6, s->ip, &in6.sin6_addr) != 1)
			test_fail(__FILE__, __LINE__, "bad IPv6 %s", s->ip);
		memcpy(buf, &in6, sizeof in6);
		break;
	}
	case L_UN:
		memcpy(buf + OFF, s->bytes,
		       s->nbytes < BUF - OFF ? s->nbytes : BUF - OFF);
		break;
	case L_NL:
		memcpy(buf + 4, &s->nl_pid, 4);
		memcpy(buf + 8, &s->nl_groups, 4);
		break;
	}
	memcpy(buf, &fam, sizeof fam);
}

/* The address in a heap block of exactly LEN bytes. */
static unsigned char *exact_copy(const unsigned char *buf, size_t len)
{
	unsigned char *p = malloc(len ? len : 1);
	if (p && len)
		memcpy(p, buf, len);
	return p;
}

/* --- policies ----------------------------------------------------------- */

enum pol_kind { P_NONE, P_LOCAL, P_PROXY, P_NET };

static void note_in(struct mediation_policy *p, int family, const char *ip,
		    unsigned port)
{
	unsigned char buf[BUF];
	struct spec s = family == AF_INET ? (struct spec)IN4(ip, port)
					  : (struct spec)IN6(ip, port);
	build(&s, buf);
	note_bound_addr(p, buf, family == AF_INET ? S4 : S6);
}

/* Every policy carries the same state and unix lists; they differ in the
 * network switches. */
static void make_policy(enum pol_kind k, struct mediation_policy *p)
{
	memset(p, 0, sizeof *p);
	p->allow_local_binding = k == P_LOCAL;
	p->allow_network = k == P_NET;
	if (k == P_PROXY) {
		p->ports[0] = 3128;
		p->ports[1] = 1080;
		p->port_count = 2;
	}
	p->unix_sockets = xcalloc(1, sizeof(char *));
	p->unix_sockets[p->unix_socket_count++] = xstrdup("/run/allowed.sock");
	p->write_dirs = xcalloc(2, sizeof(char *));
	p->write_dirs[p->write_dir_count++] = xstrdup("/proj");
	p->write_dirs[p->write_dir_count++] = xstrdup("/tmp");
	note_in(p, AF_INET, "127.0.0.1", 5000);
	note_in(p, AF_INET6, "::1", 6000);
	note_abstract_name(p, "inside", 6);
	note_abstract_name(p, "a\0b", 3);
	note_socket_inode(p, 1, 100);
}

/* --- sockets ------------------------------------------------------------ */

#define TCP4 {AF_INET, SOCK_STREAM, IPPROTO_TCP, false}
#define TCP4_RP {AF_INET, SOCK_STREAM, IPPROTO_TCP, true}
#define TCP6 {AF_INET6, SOCK_STREAM, IPPROTO_TCP, false}
#define TCP6_RP {AF_INET6, SOCK_STREAM, IPPROTO_TCP, true}
#define MPTCP4 {AF_INET, SOCK_STREAM, IPPROTO_MPTCP, false}
#define MPTCP6 {AF_INET6, SOCK_STREAM, IPPROTO_MPTCP, false}
#define UDP4 {AF_INET, SOCK_DGRAM, IPPROTO_UDP, false}
#define UDP4_RP {AF_INET, SOCK_DGRAM, IPPROTO_UDP, true}
#define UDP6 {AF_INET6, SOCK_DGRAM, IPPROTO_UDP, false}
#define RAW4 {AF_INET, SOCK_RAW, IPPROTO_ICMP, false}
#define RAW6 {AF_INET6, SOCK_RAW, IPPROTO_ICMPV6, false}
#define SCTP4 {AF_INET, SOCK_SEQPACKET, IPPROTO_SCTP, false}
#define USTREAM {AF_UNIX, SOCK_STREAM, 0, false}
#define USEQ {AF_UNIX, SOCK_SEQPACKET, 0, false}
#define UDGRAM {AF_UNIX, SOCK_DGRAM, 0, false}
#define NLROUTE {AF_NETLINK, SOCK_RAW, 0, false}
#define NLAUDIT {AF_NETLINK, SOCK_RAW, 9, false}
#define PACKET {AF_PACKET, SOCK_RAW, 0, false}
#define VSOCK {AF_VSOCK, SOCK_STREAM, 0, false}

/* --- the table ---------------------------------------------------------- */

struct row {
	const char *name;
	enum pol_kind pol;
	enum op op;
	struct sock_info si;
	struct spec in;
	size_t len;
	const char *cwd;     /* NULL: "/proj" */
	enum action action;
	int error;
	size_t out_len;      /* ACT_PERFORM: addrlen; the bytes are IN's */
	const char *path;    /* ACT_CHECK_UNIX */
	const char *what;    /* exact; NULL: not checked */
	const char *hint;    /* substring; NULL: hint must be NULL */
	bool kernel;         /* the answer is the kernel's: replay it */
};

#define BIND .op = OP_BIND
#define CONNECT .op = OP_CONNECT
#define PERF(n) .action = ACT_PERFORM, .out_len = (n)
#define DENY(e, h) .action = ACT_DENY, .error = (e), .hint = (h)
#define KERR(e) .action = ACT_DENY, .error = (e), .hint = NULL, .kernel = true
#define UNIXPATH(p) .action = ACT_CHECK_UNIX, .path = (p)

#define H_LOCAL "allowLocalBinding = true"
#define H_LOOP "bind to 127.0.0.1 or ::1: only loopback binds are mediated"
#define H_REUSE "SO_REUSEPORT could join a host service's port group"
#define H_PROXY "connect to the proxy on 127.0.0.1"
#define H_NET "allowNetwork = true"
#define H_ABSTRACT "only abstract sockets bound inside"
#define H_ABSTRACT_BIND "abstract names are refused"
#define H_FAMILY "only TCP, unix and netlink route sockets are mediated"

#define A10 "aaaaaaaaaa"
#define A50 A10 A10 A10 A10 A10
#define CWD100 "/" A50 A10 A10 A10 A10 "aaaaaaaaa" /* 100 bytes */
#define CWD101 CWD100 "a"
#define P107 "/" A50 A50 "aaaaaa"                  /* 107 bytes */
#define P108 P107 "a"
#define B105 A50 A50 "bbbbb"                       /* 105, relative */

static const struct row rows[] = {
	/* IPv4 TCP bind */
	{"v4 loopback", P_LOCAL, BIND, TCP4, IN4("127.0.0.1", 8080), S4,
	 PERF(S4), .what = "bind 127.0.0.1:8080"},
	{"v4 loopback, no allowLocalBinding", P_NONE, BIND, TCP4,
	 IN4("127.0.0.1", 8080), S4, DENY(EACCES, H_LOCAL),
	 .what = "bind 127.0.0.1:8080"},
	{"v4 127/8", P_LOCAL, BIND, TCP4, IN4("127.1.2.3", 8080), S4,
	 PERF(S4)},
	{"v4 any", P_LOCAL, BIND, TCP4, IN4("0.0.0.0", 8080), S4,
	 DENY(EACCES, H_LOOP), .what = "bind 0.0.0.0:8080"},
	{"v4 any, no allowLocalBinding", P_NONE, BIND, TCP4,
	 IN4("0.0.0.0", 8080), S4, DENY(EACCES, H_LOOP)},
	{"v4 other", P_LOCAL, BIND, TCP4, IN4("10.0.0.1", 80), S4,
	 DENY(EACCES, H_LOOP), .what = "bind 10.0.0.1:80"},
	{"v4 128.0.0.1 is not 127/8", P_LOCAL, BIND, TCP4,
	 IN4("128.0.0.1", 80), S4, DENY(EACCES, H_LOOP)},
	{"v4 AF_UNSPEC INADDR_ANY binds 0.0.0.0", P_LOCAL, BIND, TCP4,
	 IN4F(AF_UNSPEC, "0.0.0.0", 8080), S4, DENY(EACCES, H_LOOP),
	 .what = "bind 0.0.0.0:8080"},
	{"v4 AF_UNSPEC INADDR_ANY, allowNetwork", P_NET, BIND, TCP4,
	 IN4F(AF_UNSPEC, "0.0.0.0", 8080), S4, PERF(S4)},
	{"v4 AF_UNSPEC loopback", P_LOCAL, BIND, TCP4,
	 IN4F(AF_UNSPEC, "127.0.0.1", 8080), S4, KERR(EAFNOSUPPORT),
	 .what = "bind (16-byte address, family 0)"},
	{"v4 AF_UNSPEC len 15", P_LOCAL, BIND, TCP4,
	 IN4F(AF_UNSPEC, "0.0.0.0", 8080), 15, KERR(EINVAL)},
	{"v4 AF_INET6 family, len 28", P_LOCAL, BIND, TCP4, IN6("::1", 80), S6,
	 KERR(EAFNOSUPPORT)},
	{"v4 AF_UNIX family", P_LOCAL, BIND, TCP4, UN("/proj/s"), S4,
	 KERR(EAFNOSUPPORT)},
	{"v4 AF_UNIX family, short", P_LOCAL, BIND, TCP4, UN("/proj/s"),
	 UNLEN("/proj/s"), KERR(EINVAL)},
	{"v4 len 0", P_LOCAL, BIND, TCP4, IN4("127.0.0.1", 80), 0, KERR(EINVAL),
	 .what = "bind (0-byte address)"},
	{"v4 len 1", P_LOCAL, BIND, TCP4, IN4("127.0.0.1", 80), 1, KERR(EINVAL)},
	{"v4 len 2", P_LOCAL, BIND, TCP4, IN4("127.0.0.1", 80), 2, KERR(EINVAL),
	 .what = "bind (2-byte address, family 2)"},
	{"v4 len 15", P_LOCAL, BIND, TCP4, IN4("127.0.0.1", 80), 15,
	 KERR(EINVAL)},
	{"v4 len 16", P_LOCAL, BIND, TCP4, IN4("127.0.0.1", 80), 16, PERF(16)},
	{"v4 len 24 clipped", P_LOCAL, BIND, TCP4, IN4("127.0.0.1", 80), 24,
	 PERF(S4)},
	{"v4 len 28 clipped", P_LOCAL, BIND, TCP4, IN4("127.0.0.1", 80), 28,
	 PERF(S4)},
	{"v4 len 128 clipped", P_LOCAL, BIND, TCP4, IN4("127.0.0.1", 80),
	 STORAGE, PERF(S4)},
	{"v4 len 200", P_LOCAL, BIND, TCP4, IN4("127.0.0.1", 80), 200,
	 KERR(EINVAL), .what = "bind (200-byte address)"},
	/* SO_REUSEPORT on TCP is refused at listen (the listen table) */
	{"v4 reuseport bind", P_LOCAL, BIND, TCP4_RP, IN4("127.0.0.1", 8080),
	 S4, PERF(S4)},
	{"v4 reuseport bind, allowNetwork", P_NET, BIND, TCP4_RP,
	 IN4("127.0.0.1", 8080), S4, PERF(S4)},
	{"v4 reuseport bind, elsewhere", P_LOCAL, BIND, TCP4_RP,
	 IN4("192.168.1.5", 8080), S4, DENY(EACCES, H_LOOP)},
	{"v4 reuseport, malformed first", P_LOCAL, BIND, TCP4_RP,
	 IN4("127.0.0.1", 8080), 15, KERR(EINVAL)},
	{"v4 any, allowNetwork", P_NET, BIND, TCP4, IN4("0.0.0.0", 8080), S4,
	 PERF(S4)},
	{"v4 other, allowNetwork", P_NET, BIND, TCP4, IN4("192.168.1.5", 80),
	 S4, PERF(S4)},
	{"v4 loopback, allowNetwork without allowLocalBinding", P_NET, BIND,
	 TCP4, IN4("127.0.0.1", 80), S4, PERF(S4)},
	{"v4 port 0 (ephemeral)", P_LOCAL, BIND, TCP4, IN4("127.0.0.1", 0), S4,
	 PERF(S4), .what = "bind 127.0.0.1:0", .kernel = true},
	{"v4 port 0, len 128", P_LOCAL, BIND, TCP4, IN4("127.0.0.1", 0),
	 STORAGE, PERF(S4), .kernel = true},
	{"v4 AF_UNSPEC INADDR_ANY port 0, allowNetwork", P_NET, BIND, TCP4,
	 IN4F(AF_UNSPEC, "0.0.0.0", 0), S4, PERF(S4), .kernel = true},

	/* IPv4 TCP connect */
	{"v4 remote", P_NONE, CONNECT, TCP4, IN4("10.0.0.1", 443), S4,
	 DENY(EACCES, H_NET), .what = "connect 10.0.0.1:443"},
	{"v4 remote, allowNetwork", P_NET, CONNECT, TCP4, IN4("10.0.0.1", 443),
	 S4, PERF(S4)},
	{"v4 remote proxy port", P_PROXY, CONNECT, TCP4,
	 IN4("10.0.0.1", 3128), S4, DENY(EACCES, H_PROXY)},
	{"v4 loopback proxy port", P_PROXY, CONNECT, TCP4,
	 IN4("127.0.0.1", 3128), S4, PERF(S4)},
	{"v4 loopback second proxy port", P_PROXY, CONNECT, TCP4,
	 IN4("127.0.0.1", 1080), S4, PERF(S4)},
	{"v4 other 127/8 proxy port", P_PROXY, CONNECT, TCP4,
	 IN4("127.9.9.9", 1080), S4, PERF(S4)},
	{"v4 proxy port, no proxy configured", P_NONE, CONNECT, TCP4,
	 IN4("127.0.0.1", 3128), S4, DENY(EACCES, H_NET)},
	{"v4 any proxy port", P_PROXY, CONNECT, TCP4, IN4("0.0.0.0", 3128), S4,
	 DENY(EACCES, H_PROXY)},
	{"v4 loopback other port", P_PROXY, CONNECT, TCP4, IN4("127.0.0.1", 22),
	 S4, DENY(EACCES, H_NET)},
	{"v4 bound port", P_NONE, CONNECT, TCP4, IN4("127.0.0.1", 5000), S4,
	 PERF(S4)},
	{"v4 bound port, other loopback address", P_NONE, CONNECT, TCP4,
	 IN4("127.0.0.2", 5000), S4, DENY(EACCES, H_NET)},
	{"v4 port bound on ::1 only", P_NONE, CONNECT, TCP4,
	 IN4("127.0.0.1", 6000), S4, DENY(EACCES, H_NET)},
	{"v4 bound port on a remote host", P_NONE, CONNECT, TCP4,
	 IN4("10.0.0.1", 5000), S4, DENY(EACCES, H_NET)},
	{"v4 AF_UNSPEC len 2 disconnects", P_NONE, CONNECT, TCP4, FAM(AF_UNSPEC),
	 2, PERF(2), .what = "connect AF_UNSPEC (disconnect)", .kernel = true},
	{"v4 AF_UNSPEC len 16 disconnects", P_NONE, CONNECT, TCP4,
	 IN4F(AF_UNSPEC, "10.0.0.1", 443), 16, PERF(16), .kernel = true},
	{"v4 AF_UNSPEC len 15 disconnects", P_NONE, CONNECT, TCP4,
	 IN4F(AF_UNSPEC, "10.0.0.1", 443), 15, PERF(15), .kernel = true},
	{"v4 AF_UNSPEC len 200", P_NONE, CONNECT, TCP4, FAM(AF_UNSPEC), 200,
	 KERR(EINVAL)},
	{"v4 connect len 0", P_NONE, CONNECT, TCP4, IN4("127.0.0.1", 3128), 0,
	 KERR(EINVAL)},
	{"v4 connect len 1", P_NONE, CONNECT, TCP4, IN4("127.0.0.1", 3128), 1,
	 KERR(EINVAL)},
	{"v4 connect len 2", P_PROXY, CONNECT, TCP4, IN4("127.0.0.1", 3128), 2,
	 KERR(EINVAL)},
	{"v4 connect len 15", P_PROXY, CONNECT, TCP4, IN4("127.0.0.1", 3128),
	 15, KERR(EINVAL)},
	{"v4 connect len 23 clipped", P_PROXY, CONNECT, TCP4,
	 IN4("127.0.0.1", 3128), 23, PERF(S4)},
	{"v4 connect AF_INET6 family len 16", P_NET, CONNECT, TCP4,
	 IN6("::1", 80), 16, KERR(EAFNOSUPPORT)},
	{"v4 connect AF_INET6 family len 28", P_NET, CONNECT, TCP4,
	 IN6("::1", 80), S6, KERR(EAFNOSUPPORT)},
	{"v4 connect AF_UNIX family", P_NET, CONNECT, TCP4, UN("/proj/s"), S4,
	 KERR(EAFNOSUPPORT)},

	/* IPv6 TCP bind */
	{"v6 loopback", P_LOCAL, BIND, TCP6, IN6("::1", 3000), S6, PERF(S6),
	 .what = "bind [::1]:3000"},
	{"v6 loopback, no allowLocalBinding", P_NONE, BIND, TCP6,
	 IN6("::1", 3000), S6, DENY(EACCES, H_LOCAL)},
	{"v6 any", P_LOCAL, BIND, TCP6, IN6("::", 3000), S6,
	 DENY(EACCES, H_LOOP), .what = "bind [::]:3000"},
	{"v6 v4-mapped loopback", P_LOCAL, BIND, TCP6,
	 IN6("::ffff:127.0.0.1", 3000), S6, PERF(S6),
	 .what = "bind [::ffff:127.0.0.1]:3000"},
	{"v6 v4-mapped 127/8", P_LOCAL, BIND, TCP6, IN6("::ffff:127.3.2.1", 80),
	 S6, PERF(S6)},
	{"v6 v4-mapped any", P_LOCAL, BIND, TCP6, IN6("::ffff:0.0.0.0", 3000),
	 S6, DENY(EACCES, H_LOOP), .what = "bind [::ffff:0.0.0.0]:3000"},
	{"v6 v4-mapped other", P_LOCAL, BIND, TCP6, IN6("::ffff:10.0.0.1", 80),
	 S6, DENY(EACCES, H_LOOP)},
	{"v6 v4-compatible ::127.0.0.1 is not loopback", P_LOCAL, BIND, TCP6,
	 IN6("::127.0.0.1", 80), S6, DENY(EACCES, H_LOOP)},
	{"v6 ::2", P_LOCAL, BIND, TCP6, IN6("::2", 80), S6, DENY(EACCES, H_LOOP)},
	{"v6 link-local", P_LOCAL, BIND, TCP6, IN6("fe80::1", 80), S6,
	 DENY(EACCES, H_LOOP)},
	{"v6 global", P_LOCAL, BIND, TCP6, IN6("2001:db8::1", 80), S6,
	 DENY(EACCES, H_LOOP)},
	{"v6 multicast on a stream socket", P_LOCAL, BIND, TCP6,
	 IN6("ff02::1", 80), S6, KERR(EINVAL)},
	{"v6 reuseport bind", P_LOCAL, BIND, TCP6_RP, IN6("::1", 3000), S6,
	 PERF(S6)},
	{"v6 any, allowNetwork", P_NET, BIND, TCP6, IN6("::", 3000), S6,
	 PERF(S6)},
	{"v6 len 0", P_LOCAL, BIND, TCP6, IN6("::1", 80), 0, KERR(EINVAL)},
	{"v6 len 1", P_LOCAL, BIND, TCP6, IN6("::1", 80), 1, KERR(EINVAL)},
	{"v6 len 2", P_LOCAL, BIND, TCP6, IN6("::1", 80), 2, KERR(EINVAL)},
	{"v6 len 15", P_LOCAL, BIND, TCP6, IN6("::1", 80), 15, KERR(EINVAL)},
	{"v6 len 16", P_LOCAL, BIND, TCP6, IN6("::1", 80), 16, KERR(EINVAL)},
	{"v6 len 23", P_LOCAL, BIND, TCP6, IN6("::1", 80), 23, KERR(EINVAL)},
	{"v6 len 24 (RFC 2133)", P_LOCAL, BIND, TCP6, IN6("::1", 80), 24,
	 PERF(24)},
	{"v6 len 24, port 0", P_LOCAL, BIND, TCP6, IN6("::1", 0), 24, PERF(24),
	 .kernel = true},
	{"v6 v4-mapped loopback, port 0", P_LOCAL, BIND, TCP6,
	 IN6("::ffff:127.0.0.1", 0), S6, PERF(S6), .kernel = true},
	{"v6 len 128, port 0", P_LOCAL, BIND, TCP6, IN6("::1", 0), STORAGE,
	 PERF(S6), .kernel = true},
	{"v6 len 27", P_LOCAL, BIND, TCP6, IN6("::1", 80), 27, PERF(27)},
	{"v6 len 28", P_LOCAL, BIND, TCP6, IN6("::1", 80), 28, PERF(28)},
	{"v6 len 128 clipped", P_LOCAL, BIND, TCP6, IN6("::1", 80), STORAGE,
	 PERF(S6)},
	{"v6 len 200", P_LOCAL, BIND, TCP6, IN6("::1", 80), 200, KERR(EINVAL)},
	{"v6 AF_INET family len 16", P_LOCAL, BIND, TCP6,
	 IN4("127.0.0.1", 80), S4, KERR(EINVAL)},
	{"v6 AF_INET family len 28", P_LOCAL, BIND, TCP6,
	 IN6F(AF_INET, "::1", 80), S6, KERR(EAFNOSUPPORT)},
	{"v6 AF_UNSPEC any: no compatibility game", P_LOCAL, BIND, TCP6,
	 IN6F(AF_UNSPEC, "::", 80), S6, KERR(EAFNOSUPPORT)},
	{"v6 AF_UNSPEC len 16", P_LOCAL, BIND, TCP6, FAM(AF_UNSPEC), 16,
	 KERR(EINVAL)},

	/* IPv6 TCP connect */
	{"v6 loopback proxy port", P_PROXY, CONNECT, TCP6, IN6("::1", 3128), S6,
	 PERF(S6), .what = "connect [::1]:3128"},
	{"v6 v4-mapped loopback proxy port", P_PROXY, CONNECT, TCP6,
	 IN6("::ffff:127.0.0.1", 3128), S6, PERF(S6)},
	{"v6 remote proxy port", P_PROXY, CONNECT, TCP6,
	 IN6("2001:db8::1", 3128), S6, DENY(EACCES, H_PROXY)},
	{"v6 v4-mapped remote proxy port", P_PROXY, CONNECT, TCP6,
	 IN6("::ffff:10.0.0.1", 3128), S6, DENY(EACCES, H_PROXY)},
	{"v6 link-local proxy port", P_PROXY, CONNECT, TCP6,
	 IN6("fe80::1", 3128), S6, DENY(EACCES, H_PROXY)},
	{"v6 any proxy port", P_PROXY, CONNECT, TCP6, IN6("::", 3128), S6,
	 DENY(EACCES, H_PROXY)},
	{"v6 bound port", P_NONE, CONNECT, TCP6, IN6("::1", 6000), S6, PERF(S6)},
	{"v6 v4-mapped bound port", P_NONE, CONNECT, TCP6,
	 IN6("::ffff:127.0.0.1", 5000), S6, PERF(S6)},
	{"v6 port bound on 127.0.0.1 only", P_NONE, CONNECT, TCP6,
	 IN6("::1", 5000), S6, DENY(EACCES, H_NET)},
	{"v6 remote", P_NONE, CONNECT, TCP6, IN6("2001:db8::1", 443), S6,
	 DENY(EACCES, H_NET), .what = "connect [2001:db8::1]:443"},
	{"v6 remote, allowNetwork", P_NET, CONNECT, TCP6,
	 IN6("2001:db8::1", 443), S6, PERF(S6)},
	{"v6 AF_UNSPEC len 2 disconnects", P_NONE, CONNECT, TCP6,
	 FAM(AF_UNSPEC), 2, PERF(2), .kernel = true},
	{"v6 AF_UNSPEC len 28 disconnects", P_NONE, CONNECT, TCP6,
	 IN6F(AF_UNSPEC, "2001:db8::1", 443), S6, PERF(S6), .kernel = true},
	{"v6 connect len 1", P_NET, CONNECT, TCP6, IN6("::1", 80), 1,
	 KERR(EINVAL)},
	{"v6 connect len 23", P_NET, CONNECT, TCP6, IN6("::1", 80), 23,
	 KERR(EINVAL)},
	{"v6 connect len 24", P_PROXY, CONNECT, TCP6, IN6("::1", 3128), 24,
	 PERF(24)},
	{"v6 connect AF_INET family len 16", P_NET, CONNECT, TCP6,
	 IN4("127.0.0.1", 80), S4, KERR(EINVAL)},
	{"v6 connect AF_INET family len 28", P_NET, CONNECT, TCP6,
	 IN6F(AF_INET, "::1", 80), S6, KERR(EAFNOSUPPORT)},

	/* Not TCP: MPTCP, UDP, raw, SCTP */
	{"MPTCP bind loopback", P_LOCAL, BIND, MPTCP4, IN4("127.0.0.1", 8080),
	 S4, DENY(EACCES, H_NET), .what = "bind 127.0.0.1:8080 (MPTCP)"},
	{"MPTCP connect loopback proxy", P_PROXY, CONNECT, MPTCP4,
	 IN4("127.0.0.1", 3128), S4, DENY(EACCES, H_NET)},
	{"MPTCP6 connect", P_PROXY, CONNECT, MPTCP6, IN6("::1", 3128), S6,
	 DENY(EACCES, H_NET)},
	{"MPTCP AF_UNSPEC disconnect", P_NONE, CONNECT, MPTCP4,
	 FAM(AF_UNSPEC), 2, DENY(EACCES, H_NET)},
	{"MPTCP, allowNetwork", P_NET, CONNECT, MPTCP4, IN4("10.0.0.1", 443),
	 S4, PERF(S4)},
	{"UDP connect DNS", P_NONE, CONNECT, UDP4, IN4("8.8.8.8", 53), S4,
	 DENY(EACCES, H_NET), .what = "connect 8.8.8.8:53 (UDP)"},
	{"UDP bind loopback", P_LOCAL, BIND, UDP4, IN4("127.0.0.1", 53), S4,
	 DENY(EACCES, H_NET)},
	{"UDP connect DNS, allowNetwork", P_NET, CONNECT, UDP4,
	 IN4("8.8.8.8", 53), S4, PERF(S4)},
	{"UDP6 connect to an AF_INET address, allowNetwork", P_NET, CONNECT,
	 UDP6, IN4("8.8.8.8", 53), S4, PERF(S4)},
	{"UDP connect odd length, allowNetwork: the kernel answers", P_NET,
	 CONNECT, UDP4, IN4("8.8.8.8", 53), 7, PERF(7)},
	{"UDP reuseport bind, allowNetwork", P_NET, BIND, UDP4_RP,
	 IN4("127.0.0.1", 53), S4, DENY(EACCES, H_REUSE)},
	{"raw connect", P_PROXY, CONNECT, RAW4, IN4("127.0.0.1", 3128), S4,
	 DENY(EACCES, H_NET), .what = "connect 127.0.0.1:3128 (raw)"},
	{"raw6 bind", P_LOCAL, BIND, RAW6, IN6("::1", 0), S6,
	 DENY(EACCES, H_NET)},
	{"SCTP connect", P_PROXY, CONNECT, SCTP4, IN4("127.0.0.1", 3128), S4,
	 DENY(EACCES, H_NET), .what = "connect 127.0.0.1:3128 (SCTP)"},
	{"UDP short address", P_NONE, CONNECT, UDP4, IN4("8.8.8.8", 53), 1,
	 DENY(EACCES, H_NET), .what = "connect (1-byte address) (UDP)"},

	/* AF_UNIX pathname */
	{"unix absolute", P_NONE, BIND, USTREAM, UN("/proj/s.sock"),
	 UNLEN("/proj/s.sock"), UNIXPATH("/proj/s.sock"),
	 .what = "bind /proj/s.sock"},
	{"unix relative", P_NONE, BIND, USTREAM, UN("s.sock"), UNLEN("s.sock"),
	 UNIXPATH("/proj/s.sock")},
	{"unix relative in cwd /", P_NONE, BIND, USTREAM, UN("s.sock"),
	 UNLEN("s.sock"), .cwd = "/", UNIXPATH("/s.sock")},
	{"unix relative with . and ..", P_NONE, BIND, USTREAM,
	 UN("../x/./s.sock"), UNLEN("../x/./s.sock"), .cwd = "/proj/sub",
	 UNIXPATH("/proj/x/s.sock"), .what = "bind /proj/x/s.sock"},
	{"unix .. above the root", P_NONE, CONNECT, USTREAM,
	 UN("../../../etc/s"), UNLEN("../../../etc/s"), .cwd = "/a",
	 UNIXPATH("/etc/s")},
	{"unix absolute with .. and //", P_NONE, CONNECT, USTREAM,
	 UN("/proj//a/../../run/allowed.sock"),
	 UNLEN("/proj//a/../../run/allowed.sock"),
	 UNIXPATH("/run/allowed.sock")},
	{"unix connect", P_NONE, CONNECT, USTREAM, UN("/var/run/docker.sock"),
	 UNLEN("/var/run/docker.sock"), UNIXPATH("/var/run/docker.sock"),
	 .what = "connect /var/run/docker.sock"},
	{"unix seqpacket connect", P_NONE, CONNECT, USEQ, UN("/run/x"),
	 UNLEN("/run/x"), UNIXPATH("/run/x")},
	{"unix bytes after the NUL are dropped", P_NONE, BIND, USTREAM,
	 UN("/proj/a.sock\0garbage\xff"), UNLEN("/proj/a.sock\0garbage\xff"),
	 UNIXPATH("/proj/a.sock")},
	{"unix unterminated at len", P_NONE, BIND, USTREAM, UN("/proj/a.sockXYZ"),
	 UNRAW("/proj/a.sock"), UNIXPATH("/proj/a.sock")},
	{"unix unterminated sun_path of 107 bytes", P_NONE, BIND, USTREAM,
	 UN(P107), UNRAW(P107), UNIXPATH(P107)},
	{"unix terminated sun_path of 107 bytes", P_NONE, BIND, USTREAM,
	 UN(P107), UNLEN(P107), UNIXPATH(P107)},
	{"unix unterminated sun_path of exactly 108 bytes", P_NONE, BIND,
	 USTREAM, UN(P108), UNRAW(P108), DENY(ENAMETOOLONG, NULL)},
	{"unix 108 bytes then a NUL past sizeof(sockaddr_un)", P_NONE, BIND,
	 USTREAM, UN(P108), UNLEN(P108), KERR(EINVAL)},
	{"unix relative that just fits (107)", P_NONE, BIND, USTREAM,
	 UN("s.sock"), UNLEN("s.sock"), .cwd = CWD100,
	 UNIXPATH(CWD100 "/s.sock")},
	{"unix relative that grows to 108", P_NONE, BIND, USTREAM, UN("s.sock"),
	 UNLEN("s.sock"), .cwd = CWD101, DENY(ENAMETOOLONG, NULL),
	 .what = "bind s.sock"},
	{"unix relative of 105 bytes under /proj", P_NONE, CONNECT, USTREAM,
	 UN(B105), UNLEN(B105), DENY(ENAMETOOLONG, NULL)},
	{"unix relative that .. brings back", P_NONE, BIND, USTREAM,
	 UN("../s.sock"), UNLEN("../s.sock"), .cwd = CWD101,
	 UNIXPATH("/s.sock")},
	{"unix relative without a cwd", P_NONE, BIND, USTREAM, UN("s.sock"),
	 UNLEN("s.sock"), .cwd = "", DENY(EACCES, "working directory")},
	{"unix bind name/", P_NONE, BIND, USTREAM, UN("zz-no-such-name/"),
	 UNLEN("zz-no-such-name/"), KERR(ENOENT)},
	{"unix bind .", P_NONE, BIND, USTREAM, UN("."), UNLEN("."),
	 KERR(EADDRINUSE)},
	{"unix bind ..", P_NONE, BIND, USTREAM, UN(".."), UNLEN(".."),
	 KERR(EADDRINUSE)},
	{"unix bind /", P_NONE, BIND, USTREAM, UN("/"), UNLEN("/"),
	 KERR(EADDRINUSE)},
	{"unix bind /tmp/..", P_NONE, BIND, USTREAM, UN("/tmp/.."),
	 UNLEN("/tmp/.."), KERR(EADDRINUSE)},
	{"unix bind /tmp/./", P_NONE, BIND, USTREAM, UN("/tmp/./"),
	 UNLEN("/tmp/./"), KERR(EADDRINUSE)},
	{"unix connect name/", P_NONE, CONNECT, USTREAM, UN("/run/allowed.sock/"),
	 UNLEN("/run/allowed.sock/"), DENY(ENOTDIR, NULL)},
	{"unix connect .", P_NONE, CONNECT, USTREAM, UN("."), UNLEN("."),
	 KERR(ECONNREFUSED)},
	{"unix ... is a name", P_NONE, BIND, USTREAM, UN("..."), UNLEN("..."),
	 UNIXPATH("/proj/...")},
	{"unix control bytes escaped", P_NONE, BIND, USTREAM,
	 UN("/proj/\x1b[31m\\.sock"), UNLEN("/proj/\x1b[31m\\.sock"),
	 UNIXPATH("/proj/\x1b[31m\\.sock"),
	 .what = "bind /proj/\\x1b[31m\\x5c.sock"},
	{"unix len 0", P_NONE, BIND, USTREAM, UN("/proj/s"), 0, KERR(EINVAL)},
	{"unix len 1", P_NONE, BIND, USTREAM, UN("/proj/s"), 1, KERR(EINVAL)},
	{"unix len 111", P_NONE, BIND, USTREAM, UN("/proj/s"), SUN + 1,
	 KERR(EINVAL)},
	{"unix len 128", P_NONE, CONNECT, USTREAM, UN("/proj/s"), STORAGE,
	 KERR(EINVAL)},
	{"unix len 200", P_NONE, BIND, USTREAM, UN("/proj/s"), 200,
	 KERR(EINVAL)},
	{"unix AF_INET family", P_NONE, BIND, USTREAM, IN4("127.0.0.1", 80), S4,
	 KERR(EINVAL)},
	{"unix AF_UNSPEC family", P_NONE, BIND, USTREAM,
	 UNF(AF_UNSPEC, "/proj/s"), UNLEN("/proj/s"), KERR(EINVAL)},

	/* AF_UNIX autobind and AF_UNSPEC */
	{"unix autobind", P_NONE, BIND, USTREAM, FAM(AF_UNIX), 2, PERF(2),
	 .what = "bind (autobind)", .kernel = true},
	{"unix autobind with another family", P_NONE, BIND, USTREAM,
	 FAM(AF_INET), 2, KERR(EINVAL)},
	{"unix connect len 2", P_NONE, CONNECT, USTREAM, FAM(AF_UNIX), 2,
	 KERR(EINVAL)},
	{"unix stream connect AF_UNSPEC", P_NONE, CONNECT, USTREAM,
	 FAM(AF_UNSPEC), 2, KERR(EINVAL)},
	{"unix dgram connect AF_UNSPEC disconnects", P_NONE, CONNECT, UDGRAM,
	 FAM(AF_UNSPEC), 2, PERF(2), .kernel = true},
	{"unix dgram connect len 1", P_NONE, CONNECT, UDGRAM, FAM(AF_UNSPEC), 1,
	 KERR(EINVAL)},
	{"unix dgram connect pathname", P_NONE, CONNECT, UDGRAM, UN("/run/x"),
	 UNLEN("/run/x"), UNIXPATH("/run/x")},

	/* AF_UNIX abstract */
	/* a chosen abstract name could be squatted for host clients */
	{"abstract bind", P_NONE, BIND, USTREAM, UN("\0name"), UNRAW("\0name"),
	 DENY(EACCES, H_ABSTRACT_BIND), .what = "bind @name"},
	{"abstract bind with embedded NULs", P_NONE, BIND, USTREAM, UN("\0a\0b"),
	 UNRAW("\0a\0b"), DENY(EACCES, H_ABSTRACT_BIND),
	 .what = "bind @a\\x00b"},
	{"abstract bind, empty name", P_NONE, BIND, USTREAM, UN("\0"), 3,
	 DENY(EACCES, H_ABSTRACT_BIND), .what = "bind @"},
	{"abstract bind of 107 bytes", P_NONE, BIND, USTREAM,
	 UN("\0" A50 A50 "aaaaaaa"), SUN, DENY(EACCES, H_ABSTRACT_BIND)},
	{"abstract bind of the X11 name", P_LOCAL, BIND, USTREAM,
	 UN("\0/tmp/.X11-unix/X0"), UNRAW("\0/tmp/.X11-unix/X0"),
	 DENY(EACCES, H_ABSTRACT_BIND)},
	{"abstract connect inside", P_NONE, CONNECT, USTREAM, UN("\0inside"),
	 UNRAW("\0inside"), PERF(UNRAW("\0inside")),
	 .what = "connect @inside"},
	{"abstract connect: the length is part of the name", P_NONE, CONNECT,
	 USTREAM, UN("\0inside"), UNLEN("\0inside"), DENY(EACCES, H_ABSTRACT),
	 .what = "connect @inside\\x00"},
	{"abstract connect: a prefix is another name", P_NONE, CONNECT,
	 USTREAM, UN("\0insid"), UNRAW("\0insid"), DENY(EACCES, H_ABSTRACT)},
	{"abstract connect with NULs inside", P_NONE, CONNECT, USTREAM,
	 UN("\0a\0b"), UNRAW("\0a\0b"), PERF(UNRAW("\0a\0b"))},
	{"abstract connect outside", P_NET, CONNECT, USTREAM,
	 UN("\0/tmp/.X11-unix/X0"), UNRAW("\0/tmp/.X11-unix/X0"),
	 DENY(EACCES, H_ABSTRACT), .what = "connect @/tmp/.X11-unix/X0"},

	/* AF_NETLINK */
	{"netlink route bind", P_NONE, BIND, NLROUTE, NL(0, 0), SNL, PERF(SNL),
	 .what = "bind netlink pid 0 groups 0", .kernel = true},
	{"netlink route bind groups", P_NONE, BIND, NLROUTE, NL(0, 1), SNL,
	 PERF(SNL), .kernel = true},
	{"netlink route bind len 16 clipped", P_NONE, BIND, NLROUTE, NL(0, 0),
	 16, PERF(SNL)},
	{"netlink route bind len 11", P_NONE, BIND, NLROUTE, NL(0, 0), 11,
	 KERR(EINVAL)},
	{"netlink route bind len 200", P_NONE, BIND, NLROUTE, NL(0, 0), 200,
	 KERR(EINVAL)},
	{"netlink route bind AF_UNIX family", P_NONE, BIND, NLROUTE,
	 NLF(AF_UNIX, 0, 0), SNL, KERR(EINVAL)},
	{"netlink route connect to the kernel", P_NONE, CONNECT, NLROUTE,
	 NL(0, 0), SNL, PERF(SNL), .kernel = true},
	{"netlink route connect to a process", P_NONE, CONNECT, NLROUTE,
	 NL(1234, 0), SNL, DENY(EPERM, NULL)},
	{"netlink route connect to a group", P_NONE, CONNECT, NLROUTE,
	 NL(0, 1), SNL, DENY(EPERM, NULL)},
	{"netlink route connect AF_UNSPEC", P_NONE, CONNECT, NLROUTE,
	 FAM(AF_UNSPEC), 2, PERF(2), .kernel = true},
	{"netlink route connect len 1", P_NONE, CONNECT, NLROUTE, NL(0, 0), 1,
	 KERR(EINVAL)},
	{"netlink route connect len 8", P_NONE, CONNECT, NLROUTE, NL(0, 0), 8,
	 KERR(EINVAL)},
	{"netlink route connect AF_INET family", P_NONE, CONNECT, NLROUTE,
	 NLF(AF_INET, 0, 0), SNL, KERR(EINVAL)},
	{"netlink audit", P_NET, BIND, NLAUDIT, NL(0, 0), SNL,
	 DENY(EACCES, H_FAMILY)},

	/* Other families */
	{"packet bind", P_NET, BIND, PACKET, FAM(AF_PACKET), 20,
	 DENY(EACCES, H_FAMILY), .what = "bind (a family-17 socket)"},
	{"vsock connect", P_NET, CONNECT, VSOCK, FAM(AF_VSOCK), 16,
	 DENY(EACCES, H_FAMILY)},
};

static void check_clean_copy(const struct decision *d, const unsigned char *want,
			     size_t n)
{
	const unsigned char *got = (const unsigned char *)&d->addr;
	CHECK(memcmp(got, want, n) == 0);
	for (size_t i = n; i < sizeof d->addr; i++)
		if (got[i]) {
			test_fail(__FILE__, __LINE__,
				  "byte %zu past addrlen is %#x", i, got[i]);
			break;
		}
}

static void sockaddr_rows(void)
{
	for (size_t i = 0; i < COUNT_OF(rows); i++) {
		const struct row *r = &rows[i];
		test_row("%s", r->name);
		struct mediation_policy pol;
		make_policy(r->pol, &pol);
		unsigned char buf[BUF];
		build(&r->in, buf);
		unsigned char *addr = exact_copy(buf, r->len);
		struct decision d;
		memset(&d, 0xa5, sizeof d); /* nothing may be left unset */
		decide_sockaddr(&pol, r->op, &r->si, addr, r->len,
				r->cwd ? r->cwd : "/proj", &d);
		/* The target rewriting its memory now changes nothing. */
		memset(addr, 0xff, r->len);
		CHECK_INT(d.action, r->action);
		if (r->action == ACT_DENY)
			CHECK_INT(d.error, r->error);
		else
			CHECK_INT(d.error, 0);
		if (r->hint)
			CHECK_CONTAINS(d.hint, r->hint);
		else
			CHECK(d.hint == NULL);
		CHECK(strnlen(d.what, sizeof d.what) < sizeof d.what);
		if (r->what)
			CHECK_STR(d.what, r->what);
		if (r->action == ACT_PERFORM) {
			CHECK_INT(d.addrlen, r->out_len);
			if (d.addrlen == r->out_len)
				check_clean_copy(&d, buf, r->out_len);
		}
		if (r->action == ACT_CHECK_UNIX) {
			CHECK(strnlen(d.path, sizeof d.path) < sizeof d.path);
			CHECK_STR(d.path, r->path);
			/* and the address to perform with is that path */
			unsigned char want[BUF] = {0};
			sa_family_t fam = AF_UNIX;
			memcpy(want, &fam, sizeof fam);
			size_t pl = strlen(r->path);
			memcpy(want + OFF, r->path, pl);
			CHECK_INT(d.addrlen, OFF + pl + 1);
			check_clean_copy(&d, want, OFF + pl + 1);
		}
		free(addr);
		mediation_policy_free(&pol);
	}
}

/* The rows whose answer is meant to be the kernel's, asked of the kernel:
 * a fresh socket of the row's kind, and the row's bytes and length for a
 * refusal, or the decided clean copy for a performed call (the kernel must
 * accept exactly what the supervisor would hand it). */
static void kernel_agrees(void)
{
	size_t asked = 0, unsupported = 0;
	for (size_t i = 0; i < COUNT_OF(rows); i++) {
		const struct row *r = &rows[i];
		if (!r->kernel)
			continue;
		test_row("%s", r->name);
		int fd = socket(r->si.domain, r->si.type | SOCK_CLOEXEC,
				r->si.protocol);
		if (fd < 0) {
			unsupported++;
			continue;
		}
		unsigned char buf[BUF];
		build(&r->in, buf);
		unsigned char *addr = exact_copy(buf, r->len);
		size_t len = r->len;
		struct mediation_policy pol;
		make_policy(r->pol, &pol);
		struct decision d;
		decide_sockaddr(&pol, r->op, &r->si, addr, r->len, "/proj", &d);
		mediation_policy_free(&pol);
		if (d.action == ACT_PERFORM) {
			free(addr);
			addr = exact_copy((unsigned char *)&d.addr, d.addrlen);
			len = d.addrlen;
		}
		int rc = r->op == OP_BIND
				 ? bind(fd, (struct sockaddr *)addr,
					(socklen_t)len)
				 : connect(fd, (struct sockaddr *)addr,
					   (socklen_t)len);
		int err = rc < 0 ? errno : 0;
		close(fd);
		free(addr);
		asked++;
		CHECK_INT(err, r->action == ACT_DENY ? r->error : 0);
	}
	test_row(NULL);
	CHECK(asked > 40);
	if (unsupported)
		test_skip("%zu rows: socket family not available here",
			  unsupported);
}

/* --- listen ------------------------------------------------------------- */

static void listen_rows(void)
{
	static const struct {
		const char *name;
		enum pol_kind pol;
		struct sock_info si;
		struct spec bound;
		size_t len;
		enum action action;
		int error;
		const char *what, *hint;
	} lrows[] = {
		{"unix", P_NONE, USTREAM, UN("/proj/s"), UNLEN("/proj/s"),
		 ACT_PERFORM, 0, "listen (unix)", NULL},
		{"unix unbound", P_NONE, USEQ, FAM(AF_UNIX), 2, ACT_PERFORM, 0,
		 NULL, NULL},
		{"v4 bound loopback", P_NONE, TCP4, IN4("127.0.0.1", 8080), S4,
		 ACT_PERFORM, 0, "listen 127.0.0.1:8080", NULL},
		{"v4 unbound", P_LOCAL, TCP4, IN4("0.0.0.0", 0), S4, ACT_DENY,
		 EACCES, "listen 0.0.0.0:0", "bind to 127.0.0.1 first"},
		{"v4 loopback port 0", P_LOCAL, TCP4, IN4("127.0.0.1", 0), S4,
		 ACT_DENY, EACCES, NULL, "bind to 127.0.0.1 first"},
		{"v4 bound elsewhere (inherited)", P_LOCAL, TCP4,
		 IN4("192.168.1.5", 80), S4, ACT_DENY, EACCES, NULL, H_LOOP},
		{"v4 bound 0.0.0.0:80 (inherited)", P_LOCAL, TCP4,
		 IN4("0.0.0.0", 80), S4, ACT_DENY, EACCES, NULL, H_LOOP},
		{"v4 unbound, allowNetwork", P_NET, TCP4, IN4("0.0.0.0", 0), S4,
		 ACT_PERFORM, 0, NULL, NULL},
		{"v4 reuseport", P_LOCAL, TCP4_RP, IN4("127.0.0.1", 8080), S4,
		 ACT_DENY, EACCES, NULL, H_REUSE},
		{"v4 reuseport, allowNetwork", P_NET, TCP4_RP,
		 IN4("127.0.0.1", 8080), S4, ACT_DENY, EACCES, NULL, H_REUSE},
		{"v4 short local address", P_LOCAL, TCP4, IN4("127.0.0.1", 80),
		 8, ACT_DENY, EACCES, "listen 0.0.0.0:0",
		 "bind to 127.0.0.1 first"},
		{"v4 no local address", P_LOCAL, TCP4, FAM(AF_UNSPEC), 0,
		 ACT_DENY, EACCES, NULL, "bind to 127.0.0.1 first"},
		{"v4 wrong family", P_LOCAL, TCP4, IN6("::1", 80), S6, ACT_DENY,
		 EACCES, NULL, "bind to 127.0.0.1 first"},
		{"v6 bound loopback", P_NONE, TCP6, IN6("::1", 3000), S6,
		 ACT_PERFORM, 0, "listen [::1]:3000", NULL},
		{"v6 bound v4-mapped loopback", P_NONE, TCP6,
		 IN6("::ffff:127.0.0.1", 3000), S6, ACT_PERFORM, 0, NULL, NULL},
		{"v6 unbound", P_LOCAL, TCP6, IN6("::", 0), S6, ACT_DENY, EACCES,
		 "listen [::]:0", "bind to 127.0.0.1 first"},
		{"v6 bound ::", P_LOCAL, TCP6, IN6("::", 3000), S6, ACT_DENY,
		 EACCES, NULL, H_LOOP},
		{"v6 bound ::ffff:0.0.0.0", P_LOCAL, TCP6,
		 IN6("::ffff:0.0.0.0", 3000), S6, ACT_DENY, EACCES, NULL,
		 H_LOOP},
		{"MPTCP", P_LOCAL, MPTCP4, IN4("127.0.0.1", 8080), S4, ACT_DENY,
		 EACCES, "listen 127.0.0.1:8080 (MPTCP)", H_NET},
		{"UDP", P_NONE, UDP4, IN4("127.0.0.1", 53), S4, ACT_DENY, EACCES,
		 NULL, H_NET},
		{"UDP, allowNetwork: the kernel answers", P_NET, UDP4,
		 IN4("127.0.0.1", 53), S4, ACT_PERFORM, 0, NULL, NULL},
		{"netlink", P_NET, NLROUTE, NL(0, 0), SNL, ACT_DENY, EOPNOTSUPP,
		 "listen (netlink)", NULL},
		{"packet", P_NET, PACKET, FAM(AF_PACKET), 20, ACT_DENY, EACCES,
		 NULL, H_FAMILY},
	};
	for (size_t i = 0; i < COUNT_OF(lrows); i++) {
		test_row("listen %s", lrows[i].name);
		struct mediation_policy pol;
		make_policy(lrows[i].pol, &pol);
		unsigned char buf[BUF];
		build(&lrows[i].bound, buf);
		unsigned char *bound = exact_copy(buf, lrows[i].len);
		struct decision d;
		memset(&d, 0xa5, sizeof d);
		decide_listen(&pol, &lrows[i].si, bound, lrows[i].len, &d);
		CHECK_INT(d.action, lrows[i].action);
		CHECK_INT(d.error, lrows[i].error);
		if (lrows[i].what)
			CHECK_STR(d.what, lrows[i].what);
		if (lrows[i].hint)
			CHECK_CONTAINS(d.hint, lrows[i].hint);
		else
			CHECK(d.hint == NULL);
		free(bound);
		mediation_policy_free(&pol);
	}
}

/* --- pathname sockets after resolution ---------------------------------- */

/* A decision as decide_sockaddr leaves it for PATH. */
static void check_unix(const struct mediation_policy *pol, enum op op,
		       const char *path, struct decision *d)
{
	unsigned char buf[BUF] = {0};
	sa_family_t fam = AF_UNIX;
	memcpy(buf, &fam, sizeof fam);
	memcpy(buf + OFF, path, strlen(path));
	struct sock_info si = USTREAM;
	decide_sockaddr(pol, op, &si, buf, OFF + strlen(path) + 1, "/proj", d);
}

static void unix_bind_parents(void)
{
	static const struct {
		const char *parent;
		bool allowed;
	} brows[] = {
		{"/proj", true},      {"/proj/sub/dir", true}, {"/tmp", true},
		{"/projx", false},    {"/pro", false},         {"/", false},
		{"/home/u", false},   {"", false},             {"proj", false},
		{NULL, false},
	};
	struct mediation_policy pol;
	make_policy(P_NONE, &pol);
	for (size_t i = 0; i < COUNT_OF(brows); i++) {
		test_row("bind in %s", brows[i].parent ? brows[i].parent
						       : "(null)");
		struct decision d;
		check_unix(&pol, OP_BIND, "/x/s.sock", &d);
		REQUIRE(d.action == ACT_CHECK_UNIX);
		decide_unix_bind(&pol, brows[i].parent, &d);
		if (brows[i].allowed) {
			CHECK_INT(d.action, ACT_PERFORM);
			CHECK(d.hint == NULL);
			/* the address to bind is still the checked path */
			CHECK_STR(((struct sockaddr_un *)&d.addr)->sun_path,
				  "/x/s.sock");
		} else {
			CHECK_INT(d.action, ACT_DENY);
			CHECK_INT(d.error, EACCES);
			CHECK_STR(d.hint,
				  "bind sockets inside an allowWrite directory");
		}
		CHECK_STR(d.what, "bind /x/s.sock");
	}
	mediation_policy_free(&pol);
}

static void unix_connect_targets(void)
{
	static const struct {
		const char *name, *path, *canonical;
		dev_t dev;
		ino_t ino;
		bool allowed;
		const char *hint;
	} crows[] = {
		{"listed", "/run/allowed.sock", "/run/allowed.sock", 9, 9, true,
		 NULL},
		{"listed through a link", "/var/run/x", "/run/allowed.sock", 9,
		 9, true, NULL},
		{"listed name, canonical elsewhere", "/run/allowed.sock",
		 "/run/other.sock", 9, 9, false,
		 "allowUnixSockets = /run/other.sock"},
		{"docker", "/var/run/docker.sock", "/run/docker.sock", 9, 9,
		 false, "allowUnixSockets = /run/docker.sock"},
		{"bound inside, by inode", "/proj/s.sock", "/proj/s.sock", 1,
		 100, true, NULL},
		{"bound inside, reached by another name", "/proj/link",
		 "/tmp/s.sock", 1, 100, true, NULL},
		{"a recycled inode number outside the write dirs",
		 "/run/new.sock", "/run/new.sock", 1, 100, false,
		 "allowUnixSockets = /run/new.sock"},
		{"same inode, other device", "/proj/s.sock", "/proj/s.sock", 2,
		 100, false, "allowUnixSockets = /proj/s.sock"},
		{"unknown canonical: the written path", "/var/run/docker.sock",
		 NULL, 9, 9, false, "allowUnixSockets = /var/run/docker.sock"},
		{"control bytes in the hint", "/run/a", "/run/\x1b[2J", 9, 9,
		 false, "allowUnixSockets = /run/\\x1b[2J"},
		{"canonical too long for the hint: the written path",
		 "/run/short.sock", "/" A50 A50 A50 "/x", 9, 9, false,
		 "allowUnixSockets = /run/short.sock"},
	};
	struct mediation_policy pol;
	make_policy(P_NONE, &pol);
	for (size_t i = 0; i < COUNT_OF(crows); i++) {
		test_row("connect %s", crows[i].name);
		struct decision d;
		check_unix(&pol, OP_CONNECT, crows[i].path, &d);
		REQUIRE(d.action == ACT_CHECK_UNIX);
		decide_unix_connect(&pol, crows[i].canonical, crows[i].dev,
				    crows[i].ino, &d);
		CHECK_INT(d.action, crows[i].allowed ? ACT_PERFORM : ACT_DENY);
		CHECK_INT(d.error, crows[i].allowed ? 0 : EACCES);
		if (crows[i].hint) {
			CHECK_STR(d.hint, crows[i].hint);
			CHECK(d.hint == d.hint_buf);
		} else {
			CHECK(d.hint == NULL);
		}
	}
	mediation_policy_free(&pol);
}

/* --- what, cut safely --------------------------------------------------- */

static void what_is_bounded(void)
{
	struct mediation_policy pol;
	make_policy(P_NONE, &pol);
	struct sock_info si = USTREAM;
	unsigned char buf[SUN];
	memset(buf, 0x01, sizeof buf);
	sa_family_t fam = AF_UNIX;
	memcpy(buf, &fam, sizeof fam);
	buf[OFF] = '\0'; /* abstract: 107 bytes of \x01 */
	struct decision d;
	decide_sockaddr(&pol, OP_CONNECT, &si, buf, sizeof buf, "/", &d);
	size_t n = strnlen(d.what, sizeof d.what);
	CHECK(n < sizeof d.what);
	CHECK(n >= 3 && strcmp(d.what + n - 3, "...") == 0);
	/* whole escapes only: what precedes "..." ends one */
	CHECK((n - 3 - strlen("connect @")) % 4 == 0);
	CHECK(strncmp(d.what, "connect @\\x01\\x01", 17) == 0);

	/* A pathname of 107 escaped bytes */
	memset(buf + OFF, 0x7f, SUN - OFF);
	buf[OFF] = '/';
	decide_sockaddr(&pol, OP_BIND, &si, buf, SUN - 1, "/", &d);
	CHECK_INT(d.action, ACT_CHECK_UNIX);
	CHECK(strnlen(d.what, sizeof d.what) < sizeof d.what);
	CHECK_CONTAINS(d.what, "...");
	CHECK_INT(strlen(d.path), 107);
	mediation_policy_free(&pol);
}

/* --- state tables ------------------------------------------------------- */

static bool can_connect(const struct mediation_policy *pol, int family,
			const char *ip, unsigned port)
{
	unsigned char buf[BUF];
	struct spec s = family == AF_INET ? (struct spec)IN4(ip, port)
					  : (struct spec)IN6(ip, port);
	build(&s, buf);
	struct sock_info si = {family, SOCK_STREAM, IPPROTO_TCP, false};
	struct decision d;
	decide_sockaddr(pol, OP_CONNECT, &si, buf,
			family == AF_INET ? S4 : S6, "/", &d);
	return d.action == ACT_PERFORM;
}

static void bound_addresses(void)
{
	struct mediation_policy pol;
	memset(&pol, 0, sizeof pol);
	note_in(&pol, AF_INET, "127.0.0.1", 7000);
	note_in(&pol, AF_INET, "127.0.0.1", 7000);
	CHECK_INT(recent_count(&pol.bound_addrs), 1);
	note_in(&pol, AF_INET6, "::ffff:127.0.0.1", 7000); /* same, mapped */
	CHECK_INT(recent_count(&pol.bound_addrs), 1);
	note_in(&pol, AF_INET6, "::ffff:127.0.0.2", 7001);
	note_in(&pol, AF_INET, "0.0.0.0", 7002);    /* not loopback */
	note_in(&pol, AF_INET, "10.0.0.1", 7003);   /* not loopback */
	note_in(&pol, AF_INET, "127.0.0.1", 0);     /* no port */
	note_in(&pol, AF_INET6, "::", 7004);        /* not loopback */
	CHECK_INT(recent_count(&pol.bound_addrs), 2);
	note_bound_addr(&pol, NULL, 0);
	unsigned char b[BUF];
	struct spec s = IN4("127.0.0.1", 7005);
	build(&s, b);
	note_bound_addr(&pol, b, S4 - 1); /* short */
	CHECK_INT(recent_count(&pol.bound_addrs), 2);
	/* the mapped address is kept as IPv4, and made the newest */
	const struct bound_addr *newest = recent_newest(&pol.bound_addrs);
	REQUIRE(newest);
	CHECK_INT(newest->family, AF_INET);
	CHECK_INT(newest->port, 7001);
	CHECK(memcmp(newest->addr, "\x7f\0\0\x02", 4) == 0);

	CHECK(can_connect(&pol, AF_INET, "127.0.0.1", 7000));
	CHECK(can_connect(&pol, AF_INET6, "::ffff:127.0.0.1", 7000));
	CHECK(!can_connect(&pol, AF_INET6, "::1", 7000));
	CHECK(!can_connect(&pol, AF_INET, "127.0.0.2", 7000));
	CHECK(can_connect(&pol, AF_INET, "127.0.0.2", 7001));
	CHECK(!can_connect(&pol, AF_INET, "0.0.0.0", 7002));
	mediation_policy_free(&pol);
	CHECK(pol.bound_addrs.entries == NULL &&
	      recent_count(&pol.bound_addrs) == 0);
	CHECK(!can_connect(&pol, AF_INET, "127.0.0.1", 7000));
}

/* The Nth key of SET counting from the oldest (0), or NULL. */
static const void *nth_oldest(const struct recent *set, size_t n)
{
	struct recent_iter it;
	recent_iter_oldest(set, &it);
	const void *key;
	while ((key = recent_next(&it)) && n--)
		;
	return key;
}

static bool inode_known(const struct mediation_policy *pol, ino_t ino)
{
	struct decision d;
	memset(&d, 0, sizeof d);
	decide_unix_connect(pol, "/tmp/s.sock", 1, ino, &d);
	return d.action == ACT_PERFORM;
}

static bool abstract_known(const struct mediation_policy *pol,
			   const char *name, size_t n)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	struct sock_info si = {AF_UNIX, SOCK_STREAM, 0, false};
	struct decision d;
	memcpy(sun.sun_path + 1, name, n);
	decide_sockaddr(pol, OP_CONNECT, &si, &sun,
			offsetof(struct sockaddr_un, sun_path) + 1 + n, "/", &d);
	return d.action == ACT_PERFORM;
}

static void tables_are_bounded(void)
{
	struct mediation_policy pol;
	memset(&pol, 0, sizeof pol);
	pol.write_dirs = xcalloc(1, sizeof(char *));
	pol.write_dirs[pol.write_dir_count++] = xstrdup("/tmp");
	for (unsigned i = 0; i < MEDIATION_MAX_RECORDS + 10; i++) {
		char name[16];
		int n = snprintf(name, sizeof name, "n%u", i);
		note_abstract_name(&pol, name, (size_t)n);
		note_socket_inode(&pol, 1, i);
	}
	CHECK_INT(recent_count(&pol.abstract_names), MEDIATION_MAX_RECORDS);
	CHECK_INT(recent_count(&pol.socket_inodes), MEDIATION_MAX_RECORDS);
	/* the oldest are forgotten, the newest kept */
	const struct abstract_name *oldest_name = nth_oldest(&pol.abstract_names, 0);
	REQUIRE(oldest_name);
	CHECK_INT(oldest_name->len, 3);
	CHECK(memcmp(oldest_name->name, "n10", 3) == 0);
	CHECK(!abstract_known(&pol, "n9", 2));
	CHECK(abstract_known(&pol, "n10", 3));
	const struct socket_inode *oldest = nth_oldest(&pol.socket_inodes, 0);
	const struct socket_inode *newest = recent_newest(&pol.socket_inodes);
	REQUIRE(oldest && newest);
	CHECK_INT(oldest->ino, 10);
	CHECK_INT(newest->ino, MEDIATION_MAX_RECORDS + 9);
	CHECK(!inode_known(&pol, 9));
	CHECK(inode_known(&pol, 10));
	CHECK(inode_known(&pol, MEDIATION_MAX_RECORDS + 9));
	/* a duplicate moves to the end instead of growing the table */
	note_socket_inode(&pol, 1, 10);
	CHECK_INT(recent_count(&pol.socket_inodes), MEDIATION_MAX_RECORDS);
	newest = recent_newest(&pol.socket_inodes);
	oldest = nth_oldest(&pol.socket_inodes, 0);
	REQUIRE(oldest && newest);
	CHECK_INT(newest->ino, 10);
	CHECK_INT(oldest->ino, 11);
	/* so the next one pushes out 11, not 10 */
	note_socket_inode(&pol, 1, MEDIATION_MAX_RECORDS + 10);
	CHECK(inode_known(&pol, 10));
	CHECK(!inode_known(&pol, 11));
	CHECK(inode_known(&pol, 12));

	/* names: length matters, NULs are bytes, oversize is ignored */
	mediation_policy_free(&pol);
	note_abstract_name(&pol, "ab", 2);
	note_abstract_name(&pol, "ab\0", 3);
	note_abstract_name(&pol, "ab", 2);
	note_abstract_name(&pol, "", 0);
	unsigned char big[109] = {0};
	note_abstract_name(&pol, big, sizeof big);
	note_abstract_name(&pol, big, 108);
	note_abstract_name(&pol, NULL, 1);
	CHECK_INT(recent_count(&pol.abstract_names), 4);
	CHECK(abstract_known(&pol, "ab", 2));
	CHECK(abstract_known(&pol, "ab\0", 3));
	CHECK(!abstract_known(&pol, "ab\0\0", 4));
	CHECK(!abstract_known(&pol, "a", 1));
	mediation_policy_free(&pol);
	CHECK(pol.abstract_names.entries == NULL &&
	      pol.socket_inodes.entries == NULL);
}

/* --- Yama --------------------------------------------------------------- */

/* The one line a shim prints when its supervisor cannot take the tool's
 * descriptors: the tool, why, and what works instead.  A per-tool
 * supervisor points at session mode wherever session mode can help. */
static void unreachable(void)
{
	static const struct {
		int scope;
		bool session;
		const char *want; /* the whole line, or a part of it */
		bool whole;
	} urows[] = {
		{1, false, "git needs a supervisor and Yama ptrace_scope 1 "
			   "allows only an ancestor: start the agent with: "
			   "landstrip-supervisor -- AGENT", true},
		{-1, false, "git needs a supervisor and a per-tool one cannot "
			    "take its file descriptors (pidfd_getfd: Operation "
			    "not permitted): start the agent with: "
			    "landstrip-supervisor -- AGENT", true},
		{0, false, ": start the agent with: landstrip-supervisor -- AGENT",
		 false},
		{2, false, "git needs a supervisor and Yama ptrace_scope 2 "
			   "allows only CAP_SYS_PTRACE: set "
			   "kernel.yama.ptrace_scope to 1 and start the agent "
			   "with: landstrip-supervisor -- AGENT", true},
		{3, false, "git needs a supervisor and Yama ptrace_scope 3 lets "
			   "no process take its descriptors: nothing can "
			   "mediate it until reboot", true},
		{1, true, "which the session supervisor is not", false},
		{2, true, "set kernel.yama.ptrace_scope to 1", false},
		{3, true, "until reboot", false},
		{-1, true, "the session supervisor cannot take its file "
			   "descriptors (pidfd_getfd: Operation not permitted)",
		 false},
		{7, false, "start the agent with", false},
	};
	for (size_t i = 0; i < COUNT_OF(urows); i++) {
		test_row("scope %d session %d", urows[i].scope, urows[i].session);
		char line[WIRE_MAX_MESSAGE + 1];
		unreachable_line(line, sizeof line, "git", urows[i].scope, EPERM,
				 urows[i].session);
		if (urows[i].whole)
			CHECK_STR(line, urows[i].want);
		else
			CHECK_CONTAINS(line, urows[i].want);
		CHECK(strncmp(line, "git needs a supervisor and ", 27) == 0);
		CHECK(!strchr(line, '\n'));
		/* In a session, starting one is no advice. */
		if (urows[i].session)
			CHECK_NOT_CONTAINS(line, "landstrip-supervisor --");
	}
	test_row(NULL);
	/* A tool name too long for the message is cut, not overflowed. */
	char name[2048];
	memset(name, 'x', sizeof name - 1);
	name[sizeof name - 1] = '\0';
	char line[WIRE_MAX_MESSAGE + 1];
	unreachable_line(line, sizeof line, name, 1, EPERM, false);
	CHECK_INT(strlen(line), WIRE_MAX_MESSAGE);
}

/* --- hostile bytes ------------------------------------------------------ */

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint32_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 16);
}

/* Every length 0..130 and a few beyond, random bytes biased toward the
 * interesting ones, in exactly-sized heap blocks: ASan reports any read
 * past LEN, and each answer must keep the invariants the caller relies on. */
static void hostile_bytes(void)
{
	static const struct sock_info socks[] = {
		TCP4, TCP4_RP, TCP6, MPTCP4, UDP4, USTREAM, UDGRAM, NLROUTE,
		PACKET,
	};
	static const unsigned char alphabet[] = {'/', '.', 'a', 0, 0x1b,
						 0xff, '\\', 127, 1};
	static const int families[] = {AF_UNSPEC, AF_UNIX, AF_INET, AF_INET6,
				       AF_NETLINK};
	static const char *const cwds[] = {"/proj", "/", CWD100, CWD101, "",
					   NULL};
	struct mediation_policy pols[4];
	for (int k = 0; k < 4; k++)
		make_policy((enum pol_kind)k, &pols[k]);
	unsigned long cases = 0;
	for (size_t len = 0; len <= 200; len += len < 130 ? 1 : 35) {
		for (int iter = 0; iter < 60; iter++) {
			unsigned char *a = malloc(len ? len : 1);
			REQUIRE(a);
			for (size_t i = 0; i < len; i++)
				a[i] = rnd() % 2 ? alphabet[rnd() % sizeof alphabet]
						 : (unsigned char)rnd();
			if (len >= 2 && rnd() % 4) {
				sa_family_t f = (sa_family_t)
					families[rnd() % COUNT_OF(families)];
				memcpy(a, &f, sizeof f);
			}
			const struct sock_info *si = &socks[rnd() % COUNT_OF(socks)];
			const struct mediation_policy *pol = &pols[rnd() % 4];
			const char *cwd = cwds[rnd() % COUNT_OF(cwds)];
			enum op op = rnd() % 2 ? OP_BIND : OP_CONNECT;
			test_row("len %zu iter %d domain %d op %d", len, iter,
				 si->domain, op);
			struct decision d;
			decide_sockaddr(pol, op, si, a, len, cwd, &d);
			CHECK(strnlen(d.what, sizeof d.what) < sizeof d.what);
			switch (d.action) {
			case ACT_DENY:
				CHECK(d.error > 0);
				break;
			case ACT_PERFORM:
				CHECK(d.addrlen <= len);
				CHECK(d.addrlen <= sizeof d.addr);
				CHECK(d.hint == NULL);
				break;
			case ACT_CHECK_UNIX: {
				CHECK_INT(si->domain, AF_UNIX);
				size_t pl = strnlen(d.path, sizeof d.path);
				CHECK(pl < sizeof d.path);
				CHECK(d.path[0] == '/');
				CHECK(pl > 1 && d.path[pl - 1] != '/');
				const char *last = strrchr(d.path, '/') + 1;
				CHECK(strcmp(last, ".") && strcmp(last, ".."));
				CHECK_INT(d.addrlen, OFF + pl + 1);
				/* then either answer is well-formed */
				decide_unix_connect(pol, d.path, 5, 5, &d);
				CHECK(d.action != ACT_CHECK_UNIX);
				if (d.hint)
					CHECK(strnlen(d.hint, 160) < 160);
				break;
			}
			default:
				test_fail(__FILE__, __LINE__, "action %d",
					  (int)d.action);
			}
			if (test_failed_now()) {
				free(a);
				goto out;
			}
			free(a);
			cases++;
		}
	}
	test_row(NULL);
	CHECK(cases > 7900);
out:
	for (int k = 0; k < 4; k++)
		mediation_policy_free(&pols[k]);
}

const struct test_case decide_tests[] = {
	TEST_CASE(sockaddr_rows),
	TEST_CASE(kernel_agrees),
	TEST_CASE(listen_rows),
	TEST_CASE(unix_bind_parents),
	TEST_CASE(unix_connect_targets),
	TEST_CASE(what_is_bounded),
	TEST_CASE(bound_addresses),
	TEST_CASE(tables_are_bounded),
	TEST_CASE(unreachable),
	TEST_CASE(hostile_bytes),
	TEST_END,
};
