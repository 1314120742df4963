/* Pure decisions of landstrip-supervisor (see decide.h): no syscalls.
 *
 * Every function reads the target's address only within LEN, from the
 * caller's copy, and writes only within the fixed buffers of struct
 * decision.  Malformed addresses are answered with the kernel's own errno,
 * checked in the kernel's order, so that a mediated call fails as it would
 * unmediated; the function each check mirrors is named beside it. */
#include "decide.h"
#include "../config/paths.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>

#ifndef SIN6_LEN_RFC2133
#define SIN6_LEN_RFC2133 24 /* include/uapi/linux/in6.h */
#endif
#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif

#define SUN_OFFSET offsetof(struct sockaddr_un, sun_path)

/* struct sockaddr_nl, without <linux/netlink.h> (musl has no kernel
 * headers of its own). */
struct nl_addr {
	sa_family_t family;
	unsigned short pad;
	uint32_t pid;
	uint32_t groups;
};
#define NL_ROUTE 0 /* NETLINK_ROUTE */

static const char HINT_LOCAL_BINDING[] = "allowLocalBinding = true";
static const char HINT_LOOPBACK_ONLY[] =
	"bind to 127.0.0.1 or ::1: only loopback binds are mediated";
static const char HINT_REUSEPORT[] =
	"SO_REUSEPORT could join a host service's port group: clear it";
static const char HINT_PROXY[] =
	"connect to the proxy on 127.0.0.1: httpProxyPort/socksProxyPort "
	"allow loopback only";
static const char HINT_NETWORK[] = "allowNetwork = true";
static const char HINT_UNIX_BIND[] =
	"bind sockets inside an allowWrite directory";
static const char HINT_LISTEN_UNBOUND[] =
	"bind to 127.0.0.1 first: listen on an unbound socket binds 0.0.0.0";
static const char HINT_ABSTRACT[] =
	"only abstract sockets bound inside this sandbox can be reached";
static const char HINT_ABSTRACT_BIND[] =
	"abstract names are refused (host programs could connect to them): "
	"bind a socket file inside an allowWrite directory, or autobind";
static const char HINT_FAMILY[] =
	"only TCP, unix and netlink route sockets are mediated";
static const char HINT_NO_CWD[] =
	"the tool's working directory is unknown: use an absolute socket path";

/* --- the "what" text: bounded, escaped, marked when cut ----------------- */

struct text {
	char *buf;
	size_t size; /* >= 4 */
	size_t len;
	bool cut;
};

static void text_start(struct text *t, char *buf, size_t size)
{
	*t = (struct text){buf, size, 0, false};
	buf[0] = '\0';
}

/* Append one unit whole, or "..." once units stop fitting; room for "..."
 * and the NUL is always kept, so nothing is ever split. */
static void text_unit(struct text *t, const char *s, size_t n)
{
	if (t->cut)
		return;
	if (t->len + n + 4 > t->size) {
		memcpy(t->buf + t->len, "...", 4);
		t->len += 3;
		t->cut = true;
		return;
	}
	memcpy(t->buf + t->len, s, n);
	t->len += n;
	t->buf[t->len] = '\0';
}

static void text_str(struct text *t, const char *s)
{
	text_unit(t, s, strlen(s));
}

__attribute__((format(printf, 2, 3)))
static void text_fmt(struct text *t, const char *fmt, ...)
{
	char tmp[96];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	text_unit(t, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* Bytes from the target: printable ASCII as is, anything else (and the
 * backslash) as \xNN, so that no name can draw on the agent's terminal. */
static void text_bytes(struct text *t, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char esc[5];
		if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '\\') {
			text_unit(t, (const char *)p + i, 1);
		} else {
			snprintf(esc, sizeof esc, "\\x%02x", p[i]);
			text_unit(t, esc, 4);
		}
	}
}

/* --- the decision ------------------------------------------------------- */

static void begin(struct decision *out, struct text *t, const char *verb)
{
	memset(out, 0, sizeof *out);
	out->action = ACT_DENY;
	out->error = EACCES;
	text_start(t, out->what, sizeof out->what);
	text_str(t, verb);
}

static void deny(struct decision *out, int error, const char *hint)
{
	out->action = ACT_DENY;
	out->error = error;
	out->hint = hint;
}

/* Perform with a clean copy of the first N bytes (N <= sizeof addr). */
static void perform(struct decision *out, const unsigned char *a, size_t n)
{
	out->action = ACT_PERFORM;
	out->error = 0;
	out->hint = NULL;
	memset(&out->addr, 0, sizeof out->addr);
	if (n > sizeof out->addr)
		n = sizeof out->addr;
	if (n)
		memcpy(&out->addr, a, n);
	out->addrlen = (socklen_t)n;
}

static size_t min_size(size_t a, size_t b)
{
	return a < b ? a : b;
}

/* sa_family of A, or -1 when LEN does not cover it. */
static int family_of(const unsigned char *a, size_t len)
{
	sa_family_t f;
	if (len < sizeof f)
		return -1;
	memcpy(&f, a, sizeof f);
	return f;
}

/* "(15-byte address, family 2)": for what the kernel refuses. */
static void text_raw(struct text *t, const unsigned char *a, size_t len)
{
	int fam = family_of(a, len);
	if (fam < 0)
		text_fmt(t, "(%zu-byte address)", len);
	else
		text_fmt(t, "(%zu-byte address, family %d)", len, fam);
}

/* --- IP ----------------------------------------------------------------- */

struct ip {
	int family;
	unsigned char addr[16];
	uint16_t port; /* host order */
};

enum ip_class { IP_LOOPBACK, IP_ANY, IP_OTHER };

bool sock_is_tcp(const struct sock_info *si)
{
	return si->type == SOCK_STREAM && si->protocol == IPPROTO_TCP;
}

static const char *socket_kind(const struct sock_info *si)
{
	switch (si->protocol) {
	case IPPROTO_UDP:
		return "UDP";
	case IPPROTO_UDPLITE:
		return "UDP-Lite";
	case IPPROTO_MPTCP:
		return "MPTCP";
	case IPPROTO_SCTP:
		return "SCTP";
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		return si->type == SOCK_RAW ? "raw" : "ICMP";
	default:
		return si->type == SOCK_RAW ? "raw" : NULL;
	}
}

static void text_kind(struct text *t, const struct sock_info *si)
{
	const char *kind = socket_kind(si);
	if (kind)
		text_fmt(t, " (%s)", kind);
	else
		text_fmt(t, " (type %d, protocol %d)", si->type, si->protocol);
}

/* A (length-checked) sockaddr_in or sockaddr_in6 of FAMILY's layout. */
static struct ip ip_parse(int family, const unsigned char *a)
{
	struct ip ip = {.family = family};
	uint16_t port;
	memcpy(&port, a + offsetof(struct sockaddr_in, sin_port), sizeof port);
	ip.port = ntohs(port);
	if (family == AF_INET)
		memcpy(ip.addr, a + offsetof(struct sockaddr_in, sin_addr), 4);
	else
		memcpy(ip.addr, a + offsetof(struct sockaddr_in6, sin6_addr),
		       16);
	return ip;
}

/* Decimal digits of N into BUF (room for 10), returning the length. */
static size_t decimal(char *buf, unsigned n)
{
	char rev[10];
	size_t len = 0;
	do {
		rev[len++] = (char)('0' + n % 10);
		n /= 10;
	} while (n);
	for (size_t i = 0; i < len; i++)
		buf[i] = rev[len - 1 - i];
	return len;
}

/* "a.b.c.d:port" or "[v6]:port".  Every bind and connect is described
 * before it is decided, so IPv4 (the usual case) is spelt out by hand:
 * inet_ntop and printf cost about a microsecond here, per call. */
static void text_ip(struct text *t, const struct ip *ip)
{
	char out[INET6_ADDRSTRLEN + 16];
	size_t n = 0;
	if (ip->family == AF_INET) {
		for (int i = 0; i < 4; i++) {
			if (i)
				out[n++] = '.';
			n += decimal(out + n, ip->addr[i]);
		}
	} else {
		out[n++] = '[';
		if (!inet_ntop(ip->family, ip->addr, out + n, INET6_ADDRSTRLEN))
			strcpy(out + n, "?");
		n += strlen(out + n);
		out[n++] = ']';
	}
	out[n++] = ':';
	n += decimal(out + n, ip->port);
	text_unit(t, out, n);
}

/* For matching: ::ffff:a.b.c.d is the IPv4 address it maps. */
static struct ip ip_canonical(const struct ip *ip)
{
	static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0,
						 0, 0, 0xff, 0xff};
	struct ip c = *ip;
	if (ip->family == AF_INET6 && memcmp(ip->addr, mapped, 12) == 0) {
		c.family = AF_INET;
		memset(c.addr, 0, sizeof c.addr);
		memcpy(c.addr, ip->addr + 12, 4);
	}
	return c;
}

static enum ip_class ip_class(const struct ip *ip)
{
	static const unsigned char zero[16], loopback6[16] = {[15] = 1};
	struct ip c = ip_canonical(ip);
	if (c.family == AF_INET) {
		if (c.addr[0] == 127)
			return IP_LOOPBACK;
		return memcmp(c.addr, zero, 4) == 0 ? IP_ANY : IP_OTHER;
	}
	if (memcmp(c.addr, loopback6, 16) == 0)
		return IP_LOOPBACK;
	return memcmp(c.addr, zero, 16) == 0 ? IP_ANY : IP_OTHER;
}

static bool proxy_port(const struct mediation_policy *pol, uint16_t port)
{
	size_t n = min_size(pol->port_count, sizeof pol->ports /
						     sizeof pol->ports[0]);
	for (size_t i = 0; i < n; i++)
		if (port && pol->ports[i] == port)
			return true;
	return false;
}

/* The key IP is recorded under: v4-mapped as IPv4, padding zeroed. */
static struct bound_addr bound_key(const struct ip *ip)
{
	struct ip c = ip_canonical(ip);
	struct bound_addr key;
	memset(&key, 0, sizeof key);
	key.family = c.family;
	key.port = c.port;
	memcpy(key.addr, c.addr, c.family == AF_INET ? 4 : sizeof key.addr);
	return key;
}

static bool bound_inside(const struct mediation_policy *pol,
			 const struct ip *ip)
{
	struct bound_addr key = bound_key(ip);
	return recent_contains(&pol->bound_addrs, &key);
}

static void decide_ip(const struct mediation_policy *pol, enum op op,
		      const struct sock_info *si, const unsigned char *a,
		      size_t len, struct decision *out, struct text *t)
{
	bool v6 = si->domain == AF_INET6;
	size_t need = v6 ? SIN6_LEN_RFC2133 : sizeof(struct sockaddr_in);
	size_t full = v6 ? sizeof(struct sockaddr_in6)
			 : sizeof(struct sockaddr_in);
	size_t keep = min_size(len, full);
	int fam = family_of(a, len);

	if (!sock_is_tcp(si)) {
		/* UDP, MPTCP, raw, SCTP: outside the TCP rules.  With
		 * allowNetwork everything IP is allowed, so the kernel
		 * validating our copy gives its own answer. */
		if ((fam == AF_INET && len >= sizeof(struct sockaddr_in)) ||
		    (fam == AF_INET6 && len >= SIN6_LEN_RFC2133)) {
			struct ip ip = ip_parse(fam, a);
			text_ip(t, &ip);
		} else {
			text_raw(t, a, len);
		}
		text_kind(t, si);
		if (!pol->allow_network)
			return deny(out, EACCES, HINT_NETWORK);
		if (op == OP_BIND && si->reuseport)
			return deny(out, EACCES, HINT_REUSEPORT);
		return perform(out, a, keep);
	}

	if (op == OP_CONNECT) {
		/* __inet_stream_connect */
		if (len < sizeof(sa_family_t)) {
			text_raw(t, a, len);
			return deny(out, EINVAL, NULL);
		}
		if (fam == AF_UNSPEC) {
			text_str(t, "AF_UNSPEC (disconnect)");
			return perform(out, a, keep);
		}
	}
	/* inet_bind_sk, inet6_bind_sk, tcp_v4_connect, tcp_v6_connect */
	if (len < need) {
		text_raw(t, a, len);
		return deny(out, EINVAL, NULL);
	}
	if (fam != si->domain) {
		/* __inet_bind's "compatibility games": AF_UNSPEC is AF_INET
		 * when the address is INADDR_ANY. */
		uint32_t s_addr;
		memcpy(&s_addr, a + offsetof(struct sockaddr_in, sin_addr),
		       sizeof s_addr);
		if (v6 || op != OP_BIND || fam != AF_UNSPEC || s_addr != 0) {
			text_raw(t, a, len);
			return deny(out, EAFNOSUPPORT, NULL);
		}
	}
	struct ip ip = ip_parse(si->domain, a);
	text_ip(t, &ip);
	enum ip_class class = ip_class(&ip);

	if (op == OP_BIND) {
		/* __inet6_bind: multicast on a stream socket */
		if (v6 && ip.addr[0] == 0xff)
			return deny(out, EINVAL, NULL);
		/* SO_REUSEPORT is not looked at here: a TCP socket joins a
		 * port group's traffic only when it listens (the kernel keeps
		 * the groups in its listening hash), and listen, mediated
		 * too, refuses it (decide_listen), however late it was set. */
		if (pol->allow_network)
			return perform(out, a, keep);
		if (class != IP_LOOPBACK)
			return deny(out, EACCES, HINT_LOOPBACK_ONLY);
		if (!pol->allow_local_binding)
			return deny(out, EACCES, HINT_LOCAL_BINDING);
		return perform(out, a, keep);
	}

	if (pol->allow_network)
		return perform(out, a, keep);
	if (class == IP_LOOPBACK &&
	    (proxy_port(pol, ip.port) || bound_inside(pol, &ip)))
		return perform(out, a, keep);
	deny(out, EACCES, proxy_port(pol, ip.port) ? HINT_PROXY : HINT_NETWORK);
}

/* --- AF_UNIX ------------------------------------------------------------ */

/* The key NAME (N bytes) is recorded under; false if it cannot be one. */
static bool abstract_key(const void *name, size_t n, struct abstract_name *key)
{
	if ((!name && n) || n > sizeof key->name)
		return false;
	memset(key, 0, sizeof *key);
	key->len = n;
	if (n)
		memcpy(key->name, name, n);
	return true;
}

static bool abstract_inside(const struct mediation_policy *pol,
			    const unsigned char *name, size_t n)
{
	struct abstract_name key;
	return abstract_key(name, n, &key) &&
	       recent_contains(&pol->abstract_names, &key);
}

static struct socket_inode inode_key(dev_t dev, ino_t ino)
{
	struct socket_inode key;
	memset(&key, 0, sizeof key);
	key.dev = dev;
	key.ino = ino;
	return key;
}

enum name_class { NAME_PLAIN, NAME_DOT, NAME_SLASH };

/* The last component of a pathname as filename_create() sees it: "." or
 * ".." or none at all ("/"), or a name followed by '/'. */
static enum name_class last_name(const unsigned char *p, size_t n)
{
	size_t end = n;
	while (end > 0 && p[end - 1] == '/')
		end--;
	if (end == 0)
		return NAME_DOT;
	size_t start = end;
	while (start > 0 && p[start - 1] != '/')
		start--;
	size_t l = end - start;
	if ((l == 1 && p[start] == '.') ||
	    (l == 2 && p[start] == '.' && p[start + 1] == '.'))
		return NAME_DOT;
	return end < n ? NAME_SLASH : NAME_PLAIN;
}

static void decide_unix(const struct mediation_policy *pol, enum op op,
			const struct sock_info *si, const unsigned char *a,
			size_t len, const char *cwd, struct decision *out,
			struct text *t)
{
	int fam = family_of(a, len);

	/* unix_bind: autobind */
	if (op == OP_BIND && len == SUN_OFFSET && fam == AF_UNIX) {
		text_str(t, "(autobind)");
		return perform(out, a, len);
	}
	/* unix_dgram_connect: AF_UNSPEC dissolves the association */
	if (op == OP_CONNECT && si->type == SOCK_DGRAM) {
		if (len < sizeof(sa_family_t)) {
			text_raw(t, a, len);
			return deny(out, EINVAL, NULL);
		}
		if (fam == AF_UNSPEC) {
			text_str(t, "AF_UNSPEC (disconnect)");
			return perform(out, a,
				       min_size(len, sizeof(struct sockaddr_un)));
		}
	}
	/* unix_validate_addr */
	if (len <= SUN_OFFSET || len > sizeof(struct sockaddr_un) ||
	    fam != AF_UNIX) {
		text_raw(t, a, len);
		return deny(out, EINVAL, NULL);
	}
	const unsigned char *sp = a + SUN_OFFSET;
	size_t splen = len - SUN_OFFSET;

	if (sp[0] == '\0') {
		/* Abstract: every byte up to LEN is the name, NULs too. */
		text_str(t, "@");
		text_bytes(t, sp + 1, splen - 1);
		if (op == OP_CONNECT && !abstract_inside(pol, sp + 1, splen - 1))
			return deny(out, EACCES, HINT_ABSTRACT);
		/* A chosen abstract name could be one host programs connect
		 * to (@/tmp/.X11-unix/X0, a session bus): squatting it would
		 * let the tool serve them.  Landlock's scope only stops
		 * connections going out.  Autobind names are the kernel's. */
		if (op == OP_BIND)
			return deny(out, EACCES, HINT_ABSTRACT_BIND);
		return perform(out, a, len);
	}

	/* unix_mkname_bsd: the name ends at the first NUL or at LEN. */
	size_t n = strnlen((const char *)sp, splen);
	switch (last_name(sp, n)) {
	case NAME_DOT:
		text_bytes(t, sp, n);
		/* filename_create's EEXIST, which unix_bind_bsd reports as
		 * EADDRINUSE */
		return deny(out, op == OP_BIND ? EADDRINUSE : ECONNREFUSED,
			    NULL);
	case NAME_SLASH:
		text_bytes(t, sp, n);
		return deny(out, op == OP_BIND ? ENOENT : ENOTDIR, NULL);
	case NAME_PLAIN:
		break;
	}

	char buf[PATH_MAX + sizeof out->path + 2];
	size_t at = 0;
	if (sp[0] != '/') {
		if (!cwd || cwd[0] != '/') {
			text_bytes(t, sp, n);
			return deny(out, EACCES, HINT_NO_CWD);
		}
		size_t cl = strlen(cwd);
		if (cl > PATH_MAX) {
			text_bytes(t, sp, n);
			return deny(out, ENAMETOOLONG, NULL);
		}
		memcpy(buf, cwd, cl);
		buf[cl] = '/';
		at = cl + 1;
	}
	memcpy(buf + at, sp, n);
	buf[at + n] = '\0';
	path_normalize(buf);
	size_t pl = strlen(buf);
	if (pl >= sizeof out->path) {
		/* Never truncated: a shorter name is another socket. */
		text_bytes(t, sp, n);
		return deny(out, ENAMETOOLONG, NULL);
	}
	memcpy(out->path, buf, pl + 1);
	text_bytes(t, (const unsigned char *)out->path, pl);

	struct sockaddr_un sun;
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, buf, pl + 1);
	perform(out, (const unsigned char *)&sun, SUN_OFFSET + pl + 1);
	out->action = ACT_CHECK_UNIX;
}

/* --- AF_NETLINK (NETLINK_ROUTE only) ------------------------------------ */

static void decide_netlink(enum op op, const struct sock_info *si,
			   const unsigned char *a, size_t len,
			   struct decision *out, struct text *t)
{
	if (si->protocol != NL_ROUTE) {
		text_fmt(t, "(netlink protocol %d)", si->protocol);
		return deny(out, EACCES, HINT_FAMILY);
	}
	int fam = family_of(a, len);
	/* netlink_connect checks the family first, netlink_bind the length */
	if (op == OP_CONNECT) {
		if (len < sizeof(sa_family_t)) {
			text_raw(t, a, len);
			return deny(out, EINVAL, NULL);
		}
		if (fam == AF_UNSPEC) {
			text_str(t, "AF_UNSPEC (disconnect)");
			return perform(out, a,
				       min_size(len, sizeof(struct nl_addr)));
		}
	}
	if (len < sizeof(struct nl_addr) || fam != AF_NETLINK) {
		text_raw(t, a, len);
		return deny(out, EINVAL, NULL);
	}
	struct nl_addr nl;
	memcpy(&nl, a, sizeof nl);
	text_fmt(t, "netlink pid %u groups %#x", (unsigned)nl.pid,
		 (unsigned)nl.groups);
	/* Sending to another port or group needs CAP_NET_ADMIN for
	 * NETLINK_ROUTE: answer as the kernel answers the tool, whatever
	 * the supervisor holds. */
	if (op == OP_CONNECT && (nl.pid || nl.groups))
		return deny(out, EPERM, NULL);
	perform(out, a, sizeof nl);
}

void decide_sockaddr(const struct mediation_policy *pol, enum op op,
		     const struct sock_info *si, const void *addr, size_t len,
		     const char *cwd, struct decision *out)
{
	struct text t;
	begin(out, &t, op == OP_BIND ? "bind " : "connect ");
	const unsigned char *a = addr;
	if (op != OP_BIND && op != OP_CONNECT) {
		text_str(&t, "(not a bind or connect)");
		return deny(out, EINVAL, NULL);
	}
	if (!a && len)
		return deny(out, EFAULT, NULL);
	/* move_addr_to_kernel */
	if (len > sizeof(struct sockaddr_storage)) {
		text_fmt(&t, "(%zu-byte address)", len);
		return deny(out, EINVAL, NULL);
	}
	switch (si->domain) {
	case AF_INET:
	case AF_INET6:
		return decide_ip(pol, op, si, a, len, out, &t);
	case AF_UNIX:
		return decide_unix(pol, op, si, a, len, cwd, out, &t);
	case AF_NETLINK:
		return decide_netlink(op, si, a, len, out, &t);
	default:
		text_fmt(&t, "(a family-%d socket)", si->domain);
		return deny(out, EACCES, HINT_FAMILY);
	}
}

/* --- pathname unix sockets, after the caller resolved them -------------- */

static bool in_write_dir(const struct mediation_policy *pol, const char *path)
{
	if (!path || path[0] != '/')
		return false;
	for (size_t i = 0; i < pol->write_dir_count; i++)
		if (pol->write_dirs[i] && path_within(path, pol->write_dirs[i]))
			return true;
	return false;
}

static bool writable_mediated(const struct mediation_policy *pol,
			      const char *path)
{
	struct write_decision wd;
	if (!write_mediated(&pol->writes, path))
		return false;
	decide_write(&pol->writes, path, &wd);
	return wd.allowed;
}

static void allow(struct decision *out)
{
	out->action = ACT_PERFORM;
	out->error = 0;
	out->hint = NULL;
}

void decide_unix_bind(const struct mediation_policy *pol, const char *parent,
		      struct decision *out)
{
	if (in_write_dir(pol, parent))
		return allow(out);
	deny(out, EACCES, HINT_UNIX_BIND);
}

void decide_unix_connect(const struct mediation_policy *pol,
			 const char *canonical, dev_t dev, ino_t ino,
			 struct decision *out)
{
	if (canonical) {
		for (size_t i = 0; i < pol->unix_socket_count; i++)
			if (pol->unix_sockets[i] &&
			    strcmp(canonical, pol->unix_sockets[i]) == 0)
				return allow(out);
		/* Ours only where ours can be: inside a write dir, or
		 * where a mediated root lets it be written (a bind there is
		 * decided as a write: supervisor/mediate.c). */
		struct socket_inode key = inode_key(dev, ino);
		if (recent_contains(&pol->socket_inodes, &key) &&
		    (in_write_dir(pol, canonical) ||
		     writable_mediated(pol, canonical)))
			return allow(out);
	}
	/* The INI line, for the canonical name if it fits whole. */
	struct text t;
	const char *name = canonical && canonical[0] == '/' ? canonical
							   : out->path;
	text_start(&t, out->hint_buf, sizeof out->hint_buf);
	text_str(&t, "allowUnixSockets = ");
	text_bytes(&t, (const unsigned char *)name,
		   name == out->path ? strnlen(name, sizeof out->path)
				     : strlen(name));
	if (t.cut && name != out->path) {
		text_start(&t, out->hint_buf, sizeof out->hint_buf);
		text_str(&t, "allowUnixSockets = ");
		text_bytes(&t, (const unsigned char *)out->path,
			   strnlen(out->path, sizeof out->path));
	}
	deny(out, EACCES, out->hint_buf);
}

/* --- listen ------------------------------------------------------------- */

void decide_listen(const struct mediation_policy *pol,
		   const struct sock_info *si, const void *bound, size_t len,
		   struct decision *out)
{
	struct text t;
	begin(out, &t, "listen ");
	switch (si->domain) {
	case AF_UNIX:
		text_str(&t, "(unix)");
		return allow(out);
	case AF_NETLINK:
		text_str(&t, "(netlink)");
		return deny(out, EOPNOTSUPP, NULL); /* sock_no_listen */
	case AF_INET:
	case AF_INET6:
		break;
	default:
		text_fmt(&t, "(a family-%d socket)", si->domain);
		return deny(out, EACCES, HINT_FAMILY);
	}

	/* Anything but a well-formed local address of the socket's family
	 * counts as unbound. */
	const unsigned char *b = bound;
	size_t need = si->domain == AF_INET6 ? SIN6_LEN_RFC2133
					     : sizeof(struct sockaddr_in);
	struct ip ip = {.family = si->domain};
	if (b && len <= sizeof(struct sockaddr_storage) && len >= need &&
	    family_of(b, len) == si->domain)
		ip = ip_parse(si->domain, b);
	text_ip(&t, &ip);

	if (!sock_is_tcp(si)) {
		text_kind(&t, si);
		if (!pol->allow_network)
			return deny(out, EACCES, HINT_NETWORK);
	}
	if (si->reuseport)
		return deny(out, EACCES, HINT_REUSEPORT);
	if (pol->allow_network)
		return allow(out);
	if (ip.port == 0)
		return deny(out, EACCES, HINT_LISTEN_UNBOUND);
	if (ip_class(&ip) != IP_LOOPBACK)
		return deny(out, EACCES, HINT_LOOPBACK_ONLY);
	allow(out);
}

/* --- state -------------------------------------------------------------- */

/* Remember KEY in SET (a policy is zeroed, not initialised, by whoever
 * makes one).  A key that cannot be kept is simply not there: reaching
 * it is refused. */
static void record(struct recent *set, const void *key, size_t key_size)
{
	recent_remember(set, key, key_size, MEDIATION_MAX_RECORDS);
}

void note_bound_addr(struct mediation_policy *pol, const void *addr,
		     size_t len)
{
	const unsigned char *a = addr;
	int fam = a ? family_of(a, len) : -1;
	if (!((fam == AF_INET && len >= sizeof(struct sockaddr_in)) ||
	      (fam == AF_INET6 && len >= SIN6_LEN_RFC2133)))
		return;
	struct ip ip = ip_parse(fam, a);
	if (ip.port == 0 || ip_class(&ip) != IP_LOOPBACK)
		return;
	struct bound_addr key = bound_key(&ip);
	record(&pol->bound_addrs, &key, sizeof key);
}

void note_abstract_name(struct mediation_policy *pol, const void *name,
			size_t len)
{
	struct abstract_name key;
	if (abstract_key(name, len, &key))
		record(&pol->abstract_names, &key, sizeof key);
}

void note_socket_inode(struct mediation_policy *pol, dev_t dev, ino_t ino)
{
	struct socket_inode key = inode_key(dev, ino);
	record(&pol->socket_inodes, &key, sizeof key);
}

/* --- Yama --------------------------------------------------------------- */

#define SESSION_COMMAND "start the agent with: landstrip-supervisor -- AGENT"

void unreachable_line(char *buf, size_t len, const char *tool, int scope,
		      int err, bool session)
{
	switch (scope) {
	case 1:
		if (!session) {
			snprintf(buf, len, "%s needs a supervisor and Yama "
				 "ptrace_scope 1 allows only an ancestor: "
				 SESSION_COMMAND, tool);
			return;
		}
		/* Only a process that does not descend from the agent (it
		 * got the session socket some other way) gets here. */
		snprintf(buf, len, "%s needs a supervisor and Yama "
			 "ptrace_scope 1 allows only an ancestor, which the "
			 "session supervisor is not: run %s from the agent "
			 "started under landstrip-supervisor", tool, tool);
		return;
	case 2:
		snprintf(buf, len, "%s needs a supervisor and Yama ptrace_scope "
			 "2 allows only CAP_SYS_PTRACE: set "
			 "kernel.yama.ptrace_scope to 1%s", tool,
			 session ? "" : " and " SESSION_COMMAND);
		return;
	case 3:
		snprintf(buf, len, "%s needs a supervisor and Yama ptrace_scope "
			 "3 lets no process take its descriptors: nothing can "
			 "mediate it until reboot", tool);
		return;
	default:
		/* No Yama (or ptrace_scope 0): another security module, a
		 * non-dumpable process.  An ancestor may fare better. */
		snprintf(buf, len, "%s needs a supervisor and %s cannot take "
			 "its file descriptors (pidfd_getfd: %s)%s", tool,
			 session ? "the session supervisor" : "a per-tool one",
			 strerror(err), session ? "" : ": " SESSION_COMMAND);
	}
}

void mediation_policy_free(struct mediation_policy *pol)
{
	for (size_t i = 0; i < pol->unix_socket_count; i++)
		free(pol->unix_sockets[i]);
	free(pol->unix_sockets);
	for (size_t i = 0; i < pol->write_dir_count; i++)
		free(pol->write_dirs[i]);
	free(pol->write_dirs);
	write_policy_free(&pol->writes);
	recent_free(&pol->bound_addrs);
	recent_free(&pol->abstract_names);
	recent_free(&pol->socket_inodes);
	memset(pol, 0, sizeof *pol);
}
