/* Pure decisions of the supervisor: no syscalls here, so that every address
 * form of THREATS.md #10 has its own unit test (tests/unit/test_decide.c).
 *
 * The caller (supervisor/mediate.c) has taken the target's socket with
 * pidfd_getfd, read SO_DOMAIN/SO_TYPE/SO_PROTOCOL from its own copy, and
 * copied the sockaddr out of the target's memory.  These functions decide
 * on that copy and produce the exact address the supervisor then uses for
 * the operation on its copy of the socket: the target's memory is never
 * read again, so a racing thread rewriting it changes nothing.
 *
 * Everything the target controls (the address bytes, LEN) is hostile:
 * nothing here reads past LEN, trusts a sun_path terminator, or writes past
 * out->what, out->path or out->hint_buf.
 *
 * Decisions taken where this contract was silent or had to change (each has
 * a unit test):
 *
 *  - Malformed addresses get the kernel's own errno, in the kernel's order
 *    (inet_bind_sk/__inet_bind, __inet_stream_connect/tcp_v4_connect,
 *    inet6_bind_sk/__inet6_bind, tcp_v6_connect, unix_bind/
 *    unix_validate_addr, unix_dgram_connect, netlink_bind/netlink_connect).
 *    Two consequences: a family mismatch on an AF_UNIX socket is EINVAL, as
 *    the kernel answers, not EAFNOSUPPORT; and connect(AF_UNSPEC) with
 *    LEN >= 2 on a TCP (or unix datagram) socket is a disconnect, performed.
 *    A binding to an IPv6 multicast address on a stream socket is EINVAL.
 *    LEN > sizeof(struct sockaddr_storage) is EINVAL here too.
 *  - allowNetwork = true lifts the IP rules as landstrip.ini(5) documents
 *    it: any TCP bind (even 0.0.0.0) and connect, and any IP socket type
 *    (UDP for name resolution, ...) performed with the kernel validating
 *    our copy.  Without it only TCP (SOCK_STREAM + IPPROTO_TCP; MPTCP is
 *    not TCP) is mediated.  SO_REUSEPORT is refused on bind AND on listen
 *    whatever the policy (a racing setsockopt between our check and our
 *    bind cannot then put a listening socket into a host service's group).
 *  - Connect to 0.0.0.0 or :: is not loopback here (the kernel would route
 *    it to the local host): refused unless allowNetwork.
 *  - Bound-port connects match the exact bound ADDRESS and port, not the
 *    port alone: with a port-only record a tool could bind [::1]:6379 or
 *    127.0.0.2:6379 and then reach a host redis on 127.0.0.1:6379.  Hence
 *    note_bound_addr() replaces note_bound_port(); v4-mapped addresses are
 *    recorded and matched as IPv4.
 *  - AF_NETLINK sockets with NETLINK_ROUTE (the only ones the filter lets a
 *    tool create; glibc's getifaddrs and AI_ADDRCONFIG bind them): bind is
 *    performed; connect only to the kernel (nl_pid 0, no groups), else
 *    EPERM as the kernel answers an unprivileged caller; listen is
 *    EOPNOTSUPP.  The supervisor must hold no capabilities: the kernel
 *    checks the performer's (CAP_NET_BIND_SERVICE, CAP_NET_ADMIN).
 *  - A unix pathname whose last component is not a plain name ("x/",
 *    ".", "..", "/") is answered here, never handed to the caller: bind
 *    EADDRINUSE ("." "..", "/") or ENOENT ("name/"), connect ECONNREFUSED
 *    or ENOTDIR: the kernel's answers in the usual case (a bind of "name/"
 *    that exists is EADDRINUSE in the kernel).  So with ACT_CHECK_UNIX,
 *    out->path always ends in a plain name.
 *  - Pathnames are normalised lexically (path_normalize), relative ones
 *    after joining to CWD; out->path and out->addr hold the result.  An
 *    absolute name of exactly 108 bytes (legal unterminated in the kernel)
 *    is ENAMETOOLONG like any result over 107 bytes: out->path is a C
 *    string.  A relative name with CWD NULL or not absolute: EACCES.
 *  - The (dev, ino) route of decide_unix_connect only holds inside a write
 *    dir, the only place a socket bound inside can be: a recycled inode
 *    number elsewhere (a new host socket) is not taken for ours.
 *  - State sets keep at most MEDIATION_MAX_RECORDS entries each; when
 *    full the one recorded (or recorded again) longest ago is forgotten
 *    (fail closed: reaching it is refused).  Recording an entry that is
 *    already there makes it the newest.  They are hash sets
 *    (supervisor/recent.h): a lookup or a record costs about the same
 *    with one entry or 4096, where a linear table made every bind
 *    slower than the last.
 *
 * Left to the caller: records are never removed when a socket closes, so a
 * host service that later binds the same address, name or inode number
 * would become reachable; keeping our copy of every socket bound inside
 * until the sandbox ends rules that out. */
#ifndef LANDSTRIP_DECIDE_H
#define LANDSTRIP_DECIDE_H

#include "decide_write.h"
#include "recent.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#define MEDIATION_MAX_RECORDS 4096

/* The keys of the state sets of struct mediation_policy.  Each is zeroed
 * before it is filled: keys are compared whole, padding included. */
struct bound_addr {
	int family;             /* AF_INET (also v4-mapped) or AF_INET6 */
	uint16_t port;          /* host order, never 0 */
	unsigned char addr[16]; /* network order; 4 bytes for AF_INET */
};
/* Raw bytes after the leading NUL, with length: "\0a\0b" is {3, "a\0b"}. */
struct abstract_name {
	size_t len;
	unsigned char name[108];
};
struct socket_inode {
	dev_t dev;
	ino_t ino;
};

/* The socket as the supervisor sees it (from its own copy). */
struct sock_info {
	int domain;   /* SO_DOMAIN */
	int type;     /* SO_TYPE */
	int protocol; /* SO_PROTOCOL */
	bool reuseport; /* SO_REUSEPORT set (read for listen and non-TCP binds) */
};

/* A TCP socket: the kind the bind and proxy rules are about. */
bool sock_is_tcp(const struct sock_info *si);

/* What this sandbox may do, and what it has created so far. */
struct mediation_policy {
	bool allow_local_binding;
	bool allow_network;
	uint16_t ports[2];      /* proxy ports: connect to loopback only */
	size_t port_count;
	char **unix_sockets;    /* canonical allowUnixSockets paths */
	size_t unix_socket_count;
	char **write_dirs;      /* canonical dirs with create rights */
	size_t write_dir_count;
	struct write_policy writes; /* mediated writes (decide_write.h) */
	/* state: what was created inside this sandbox, each a set of at
	 * most MEDIATION_MAX_RECORDS keys (supervisor/recent.h), filled by
	 * the note_* functions below:
	 *  - bound_addrs: loopback TCP addresses bound, struct bound_addr;
	 *  - abstract_names: abstract unix names bound, struct
	 *    abstract_name;
	 *  - socket_inodes: pathname sockets bound, struct socket_inode. */
	struct recent bound_addrs;
	struct recent abstract_names;
	struct recent socket_inodes;
};

enum action {
	ACT_DENY,        /* answer -errno */
	ACT_PERFORM,     /* do the syscall on our copy with out->addr */
	ACT_CHECK_UNIX,  /* pathname: resolve out->path, then
			    decide_unix_bind or decide_unix_connect */
};

enum op { OP_BIND, OP_CONNECT, OP_LISTEN };

struct decision {
	enum action action;
	int error;                  /* errno for ACT_DENY */
	struct sockaddr_storage addr; /* address to use for ACT_PERFORM: a
					 clean copy, zero past addrlen */
	socklen_t addrlen;
	char path[108];             /* ACT_CHECK_UNIX: absolute socket path */
	char what[160];             /* "bind 0.0.0.0:8080", "connect /run/x.sock";
				       non-printable bytes as \xNN, "..." when
				       cut */
	const char *hint;           /* the INI line that would allow it, or a
				       reason; NULL for kernel-style errors.
				       A string literal or out->hint_buf:
				       read it from the struct it was
				       decided in. */
	char hint_buf[160];         /* "allowUnixSockets = /path" */
};

/* Decide a bind(2) or connect(2) of ADDR (LEN bytes as copied from the
 * target, LEN <= sizeof(struct sockaddr_storage); the caller answers EINVAL
 * for longer ones without calling, and so does this) on socket SI.  CWD is
 * the target's working directory (canonical), for relative unix paths.
 *
 * Rules: IPv4/IPv6 TCP bind only with allow_local_binding and only to
 * loopback (127.0.0.0/8, ::1, ::ffff:127.0.0.0/104), never with reuseport;
 * AF_UNSPEC on an AF_INET socket binds INADDR_ANY, and is denied.  TCP
 * connect: with allow_network anything; else only to loopback, on a proxy
 * port or an address bound inside (bound_addrs).  allow_network: see
 * above.  AF_UNIX pathname: the absolute path goes to out->path (relative
 * ones joined to CWD; longer than 107 bytes: ENAMETOOLONG, never
 * truncated) with ACT_CHECK_UNIX, and out->addr holds it as a sockaddr_un.
 * Abstract: bind refused (a chosen name could be one host programs connect
 * to), connect only to a name
 * bound inside.  Autobind (LEN == sizeof(sa_family_t)) on AF_UNIX: perform
 * (the caller records the name getsockname reports).  Malformed addresses
 * get the errno the kernel would give (EINVAL for a short length,
 * EAFNOSUPPORT for a family that does not match an IP socket, EINVAL for a
 * unix one).  Any other socket family or type: EACCES. */
void decide_sockaddr(const struct mediation_policy *pol, enum op op,
		     const struct sock_info *si, const void *addr, size_t len,
		     const char *cwd, struct decision *out);

/* After ACT_CHECK_UNIX: the caller resolved out->path.  For bind, PARENT is
 * the canonical directory the socket would be created in; for connect,
 * CANONICAL is the socket's canonical path and DEV/INO its inode.  Sets
 * out->action to ACT_PERFORM or ACT_DENY (EACCES with a hint). */
void decide_unix_bind(const struct mediation_policy *pol, const char *parent,
		      struct decision *out);
void decide_unix_connect(const struct mediation_policy *pol,
			 const char *canonical, dev_t dev, ino_t ino,
			 struct decision *out);

/* listen(2): SI is the socket, BOUND its current local address (from
 * getsockname on our copy).  An IP socket not bound to loopback (port 0:
 * listen would auto-bind 0.0.0.0) is denied unless allow_network; so is
 * one with SO_REUSEPORT.  AF_UNIX: performed. */
void decide_listen(const struct mediation_policy *pol,
		   const struct sock_info *si, const void *bound, size_t len,
		   struct decision *out);

/* Record what a successful operation created inside the sandbox.
 * note_bound_addr takes the socket's local address as getsockname reports
 * it (LEN bytes) and keeps it only if it is loopback with a port.
 * note_abstract_name takes the name without its leading NUL (sun_path + 1,
 * addrlen - offsetof(sun_path) - 1 bytes; at most 108).  Duplicates are
 * kept once, as the newest.  What cannot be recorded (out of memory) is
 * not: reaching it is then refused. */
void note_bound_addr(struct mediation_policy *pol, const void *addr,
		     size_t len);
void note_abstract_name(struct mediation_policy *pol, const void *name,
			size_t len);
void note_socket_inode(struct mediation_policy *pol, dev_t dev, ino_t ino);

/* The supervisor could not take the descriptors of TOOL (pidfd_getfd
 * failed with ERR) under Yama ptrace_scope SCOPE (-1: no Yama).  Write to
 * BUF the one line the shim prints for it, without "landstrip: ": that
 * TOOL needs a supervisor, why this one cannot be it, and what works
 * instead.  SESSION: the supervisor is the session's, not one started for
 * the tool; a per-tool one is told to start the agent under
 * landstrip-supervisor, which only ptrace_scope 3 rules out. */
void unreachable_line(char *buf, size_t len, const char *tool, int scope,
		      int err, bool session);

/* Free everything POL owns (strings, lists, state) and zero it. */
void mediation_policy_free(struct mediation_policy *pol);

#endif
