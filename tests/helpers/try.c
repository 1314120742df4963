/* try: perform ONE operation and say how it went.
 *
 *   try SUBCOMMAND [ARG]...
 *
 * On success it prints "ok" (or the output documented for the subcommand)
 * and exits 0.  On failure it prints the errno NAME alone on stdout (e.g.
 * "EACCES"), a human-readable line on stderr, and exits 1.  Usage errors
 * exit 64.  The integration tests run it with and without the shim and
 * compare: a test that expects "EACCES" inside must see "ok" outside, so
 * every check can fail.
 *
 * Each subcommand is one small function in the table at the bottom; each
 * issues the syscall under test directly (no libc fallbacks that could hide
 * which call was refused).  `try` with no arguments lists them.
 *
 * Beyond the obvious: `listdir` prints the sorted entries, then "ok";
 * `getifaddrs` prints the count; `fds` prints the open fds; `landlock-abi`
 * prints the kernel's Landlock ABI (for checks that need one); `i386` and
 * `x32` print "killed SIGxxx" and exit 2 when the forked child died of a
 * signal; `unix-connect` and `abstract-connect` take an optional inherited
 * FD to connect instead of a new socket (to test Landlock's scopes apart
 * from the seccomp socket rule); `with-socket FD FAMILY TYPE CMD...` hands
 * CMD such an unconnected socket; `connect-fastopen` connects with
 * sendto(MSG_FASTOPEN) instead of connect(2).  For the supervisor:
 * `unix-bind-len` sends a sun_path with no NUL within the length and junk
 * after it; `bind-family` binds a socket of one family to an address of
 * another, or with an odd length; `session-junk` writes hostile messages
 * to $LANDSTRIP_SUPERVISOR_FD.
 *
 * For write mediation: one subcommand per write-class syscall, issued by
 * number (`mkdir-sys`, `mkdirat`, `fchmodat2`, `setxattrat`, `utime`...);
 * the *at ones resolve from the directory fd that `at DIR ...` (O_RDONLY)
 * or `at-path DIR ...` (O_PATH) opens, and there an argument "@NAME"
 * becomes /proc/self/fd/N/NAME; `in DIR ...` chdirs first and `after MS
 * ...` waits.  Open flags are comma lists (wronly,creat,trunc; openat2
 * adds beneath, in-root, no-magiclinks...).  `fdop PATH FLAGS OP` opens
 * PATH and works through the fd only (fchmod, fsetxattr, reopen via
 * /proc/self/fd, linkat AT_EMPTY_PATH...); `open-info` describes the fd
 * it got, to compare a brokered open with the kernel's.  The races print
 * "ok ..." counts, or "ESCAPED: ..." and exit 3: `race-path-memory` (a
 * thread rewrites the path buffer between an allowed and a denied name),
 * `race-symlink` (a directory swapped for a symlink to a denied one) and
 * `race-rename` (a directory renamed into a denied place and back). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/io_uring.h>
#include <linux/netlink.h>
#include <linux/openat2.h>
#include <linux/rtnetlink.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/xattr.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#ifndef AF_VSOCK
#define AF_VSOCK 40
#endif
#ifndef AF_ALG
#define AF_ALG 38
#endif
#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif
#ifndef IPPROTO_SCTP
#define IPPROTO_SCTP 132
#endif
#ifndef SECCOMP_FILTER_FLAG_NEW_LISTENER
#define SECCOMP_FILTER_FLAG_NEW_LISTENER (1UL << 3)
#endif
#ifndef TIOCLINUX
#define TIOCLINUX 0x541C
#endif
#ifndef PR_SET_PTRACER
#define PR_SET_PTRACER 0x59616d61
#endif
#ifndef PR_SET_PTRACER_ANY
#define PR_SET_PTRACER_ANY ((unsigned long)-1)
#endif
#ifndef MSG_FASTOPEN
#define MSG_FASTOPEN 0x20000000
#endif

#define EXIT_FAILED 1
#define EXIT_SIGNALLED 2
#define EXIT_USAGE 64

/* Network calls must not hang a test: loopback answers at once, so a few
 * seconds is only a safety net. */
#define NET_TIMEOUT_SECONDS 5

/* ---- errno and signal names ------------------------------------------ */

struct name {
	int value;
	const char *name;
};

#define N(x) {x, #x}
static const struct name errno_names[] = {
	N(EPERM),	  N(ENOENT),	     N(ESRCH),		N(EINTR),
	N(EIO),		  N(ENXIO),	     N(E2BIG),		N(ENOEXEC),
	N(EBADF),	  N(ECHILD),	     N(EAGAIN),		N(ENOMEM),
	N(EACCES),	  N(EFAULT),	     N(EBUSY),		N(EEXIST),
	N(EXDEV),	  N(ENODEV),	     N(ENOTDIR),	N(EISDIR),
	N(EINVAL),	  N(ENFILE),	     N(EMFILE),		N(ENOTTY),
	N(ETXTBSY),	  N(EFBIG),	     N(ENOSPC),		N(ESPIPE),
	N(EROFS),	  N(EMLINK),	     N(EPIPE),		N(ERANGE),
	N(EDEADLK),	  N(ENAMETOOLONG),   N(ENOLCK),		N(ENOSYS),
	N(ENOTEMPTY),	  N(ELOOP),	     N(ENOMSG),		N(EOVERFLOW),
	N(ENOTSOCK),	  N(EDESTADDRREQ),   N(EMSGSIZE),	N(EPROTOTYPE),
	N(ENOPROTOOPT),	  N(EPROTONOSUPPORT), N(ESOCKTNOSUPPORT),
	N(EOPNOTSUPP),	  N(EPFNOSUPPORT),   N(EAFNOSUPPORT),	N(EADDRINUSE),
	N(EADDRNOTAVAIL), N(ENETDOWN),	     N(ENETUNREACH),	N(ENETRESET),
	N(ECONNABORTED),  N(ECONNRESET),     N(ENOBUFS),	N(EISCONN),
	N(ENOTCONN),	  N(ETIMEDOUT),	     N(ECONNREFUSED),	N(EHOSTDOWN),
	N(EHOSTUNREACH),  N(EALREADY),	     N(EINPROGRESS),	N(ESTALE),
	N(EDQUOT),	  N(ECANCELED),	     N(EOWNERDEAD),	N(ENOTRECOVERABLE),
	N(ENOKEY),	  N(EKEYREJECTED),   N(ENOMEDIUM),	N(ENODATA),
};

static const struct name signal_names[] = {
	N(SIGHUP),  N(SIGINT),	N(SIGQUIT), N(SIGILL),	N(SIGTRAP),
	N(SIGABRT), N(SIGBUS),	N(SIGFPE),  N(SIGKILL), N(SIGUSR1),
	N(SIGSEGV), N(SIGUSR2), N(SIGPIPE), N(SIGALRM), N(SIGTERM),
	N(SIGCHLD), N(SIGCONT), N(SIGSTOP), N(SIGTSTP), N(SIGTTIN),
	N(SIGTTOU), N(SIGURG),	N(SIGXCPU), N(SIGXFSZ), N(SIGSYS),
};
#undef N

static const char *lookup(const struct name *t, size_t n, int value,
			  char *buf, size_t len, const char *prefix)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].value == value)
			return t[i].name;
	snprintf(buf, len, "%s%d", prefix, value);
	return buf;
}

static const char *errno_name(int e)
{
	static char buf[32];
	return lookup(errno_names, sizeof errno_names / sizeof errno_names[0],
		      e, buf, sizeof buf, "errno ");
}

static const char *signal_name(int s)
{
	static char buf[32];
	return lookup(signal_names, sizeof signal_names / sizeof signal_names[0],
		      s, buf, sizeof buf, "SIG");
}

/* ---- reporting --------------------------------------------------------- */

static int ok(void)
{
	puts("ok");
	return 0;
}

/* Report the current errno for WHAT: the name on stdout (what tests match),
 * the message on stderr (what a human reads when a test fails). */
static int fail(const char *what)
{
	int e = errno;
	printf("%s\n", errno_name(e));
	fprintf(stderr, "try: %s: %s\n", what, strerror(e));
	return EXIT_FAILED;
}

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "try: ");
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	return EXIT_USAGE;
}

/* Parse a whole number or return false; the caller reports usage. */
static bool parse_long(const char *s, int base, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, base);
	if (errno || !*s || *end)
		return false;
	*out = v;
	return true;
}

/* ---- names on the command line --------------------------------------- */

struct keyword {
	const char *name;
	long value;
};

static bool parse_keyword(const struct keyword *t, const char *s, long *out)
{
	for (; t->name; t++)
		if (strcmp(t->name, s) == 0) {
			*out = t->value;
			return true;
		}
	return parse_long(s, 0, out);
}

static const struct keyword families[] = {
	{"unix", AF_UNIX},     {"local", AF_UNIX},   {"inet", AF_INET},
	{"inet6", AF_INET6},   {"netlink", AF_NETLINK}, {"packet", AF_PACKET},
	{"vsock", AF_VSOCK},   {"alg", AF_ALG},	     {"unspec", AF_UNSPEC},
	{NULL, 0},
};

static const struct keyword types[] = {
	{"stream", SOCK_STREAM}, {"dgram", SOCK_DGRAM},
	{"raw", SOCK_RAW},	 {"seqpacket", SOCK_SEQPACKET},
	{NULL, 0},
};

static const struct keyword protocols[] = {
	{"tcp", IPPROTO_TCP},	{"udp", IPPROTO_UDP},
	{"mptcp", IPPROTO_MPTCP}, {"sctp", IPPROTO_SCTP},
	{"icmp", IPPROTO_ICMP}, {"icmpv6", IPPROTO_ICMPV6},
	{"route", NETLINK_ROUTE}, {NULL, 0},
};

/* FAMILY TYPE [PROTO] from argv; returns false on a usage error. */
static bool parse_socket_args(char **argv, int argc, long *family,
			      long *type, long *proto)
{
	*proto = 0;
	if (!parse_keyword(families, argv[0], family)) {
		usage_error("unknown family '%s'", argv[0]);
		return false;
	}
	if (!parse_keyword(types, argv[1], type)) {
		usage_error("unknown socket type '%s'", argv[1]);
		return false;
	}
	if (argc > 2 && !parse_keyword(protocols, argv[2], proto)) {
		usage_error("unknown protocol '%s'", argv[2]);
		return false;
	}
	return true;
}

/* HOST PORT as an IPv4 or IPv6 literal; never a name lookup (the tests
 * stay on loopback and must not depend on DNS). */
static bool parse_addr(const char *host, const char *port,
		       struct sockaddr_storage *ss, socklen_t *len)
{
	long p;
	if (!parse_long(port, 10, &p) || p < 0 || p > 65535) {
		usage_error("bad port '%s'", port);
		return false;
	}
	memset(ss, 0, sizeof *ss);
	struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
	if (inet_pton(AF_INET, host, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons((uint16_t)p);
		*len = sizeof *in4;
		return true;
	}
	if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)p);
		*len = sizeof *in6;
		return true;
	}
	usage_error("'%s' is not an IPv4 or IPv6 literal", host);
	return false;
}

static void set_timeouts(int fd)
{
	struct timeval tv = {.tv_sec = NET_TIMEOUT_SECONDS};
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

/* ---- file system ------------------------------------------------------ */

static int write_all(int fd, const char *text)
{
	size_t len = text ? strlen(text) : 0;
	while (len) {
		ssize_t n = write(fd, text, len);
		if (n < 0)
			return -1;
		text += n;
		len -= (size_t)n;
	}
	return 0;
}

/* open(2) FLAGS, write TEXT (may be NULL), close: the shared body of
 * write, create and append. */
static int open_and_write(const char *path, int flags, const char *text)
{
	int fd = open(path, flags | O_CLOEXEC, 0644);
	if (fd < 0)
		return fail("open");
	if (write_all(fd, text) < 0)
		return fail("write");
	if (close(fd) < 0)
		return fail("close");
	return ok();
}

static int cmd_write(int argc, char **argv)
{
	return open_and_write(argv[0], O_WRONLY | O_CREAT | O_TRUNC,
			      argc > 1 ? argv[1] : NULL);
}

static int cmd_create(int argc, char **argv)
{
	(void)argc;
	return open_and_write(argv[0], O_WRONLY | O_CREAT | O_EXCL, NULL);
}

static int cmd_append(int argc, char **argv)
{
	/* No O_CREAT: this probes the write right on an existing file. */
	return open_and_write(argv[0], O_WRONLY | O_APPEND,
			      argc > 1 ? argv[1] : NULL);
}

/* Read PATH to the end, copying it to stdout when ECHO. */
static int read_file(const char *path, bool echo)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail("open");
	char buf[8192];
	ssize_t n;
	while ((n = read(fd, buf, sizeof buf)) > 0)
		if (echo)
			fwrite(buf, 1, (size_t)n, stdout);
	if (n < 0)
		return fail("read");
	close(fd);
	return echo ? 0 : ok();
}

static int cmd_read(int argc, char **argv)
{
	(void)argc;
	return read_file(argv[0], false);
}

static int cmd_cat(int argc, char **argv)
{
	(void)argc;
	return read_file(argv[0], true);
}

static int cmd_truncate(int argc, char **argv)
{
	(void)argc;
	/* truncate(2) by path: Landlock's TRUNCATE right, not WRITE_FILE. */
	return truncate(argv[0], 0) < 0 ? fail("truncate") : ok();
}

static int cmd_mkdir(int argc, char **argv)
{
	(void)argc;
	return mkdir(argv[0], 0755) < 0 ? fail("mkdir") : ok();
}

static int cmd_rmdir(int argc, char **argv)
{
	(void)argc;
	return rmdir(argv[0]) < 0 ? fail("rmdir") : ok();
}

static int cmd_unlink(int argc, char **argv)
{
	(void)argc;
	return unlink(argv[0]) < 0 ? fail("unlink") : ok();
}

static int cmd_rename(int argc, char **argv)
{
	(void)argc;
	return rename(argv[0], argv[1]) < 0 ? fail("rename") : ok();
}

static int cmd_link(int argc, char **argv)
{
	(void)argc;
	return link(argv[0], argv[1]) < 0 ? fail("link") : ok();
}

static int cmd_symlink(int argc, char **argv)
{
	(void)argc;
	return symlink(argv[0], argv[1]) < 0 ? fail("symlink") : ok();
}

static int cmd_mkfifo(int argc, char **argv)
{
	(void)argc;
	return mkfifo(argv[0], 0644) < 0 ? fail("mkfifo") : ok();
}

static int cmd_chmod(int argc, char **argv)
{
	(void)argc;
	long mode;
	if (!parse_long(argv[1], 8, &mode) || mode < 0 || mode > 07777)
		return usage_error("bad mode '%s'", argv[1]);
	return chmod(argv[0], (mode_t)mode) < 0 ? fail("chmod") : ok();
}

static int compare_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Prints the entries (sorted, one per line, without . and ..) and then
 * "ok", so a test can match either a name or "^ok$". */
static int cmd_listdir(int argc, char **argv)
{
	(void)argc;
	DIR *dir = opendir(argv[0]);
	if (!dir)
		return fail("opendir");
	char **names = NULL;
	size_t count = 0;
	struct dirent *de;
	errno = 0;
	while ((de = readdir(dir))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		char **grown = realloc(names, (count + 1) * sizeof *names);
		if (!grown || !(grown[count] = strdup(de->d_name)))
			return fail("realloc");
		names = grown;
		count++;
	}
	if (errno)
		return fail("readdir");
	closedir(dir);
	qsort(names, count, sizeof *names, compare_strings);
	for (size_t i = 0; i < count; i++) {
		puts(names[i]);
		free(names[i]);
	}
	free(names);
	return ok();
}

static int cmd_exec(int argc, char **argv)
{
	(void)argc;
	/* argv[0] is PATH and becomes the program's argv[0]. */
	fflush(stdout);
	execv(argv[0], argv);
	return fail("execv");
}

/* ---- network ------------------------------------------------------------ */

static int make_socket(char **argv, int argc, bool wide)
{
	long family, type, proto;
	if (!parse_socket_args(argv, argc, &family, &type, &proto))
		return EXIT_USAGE;
	long fd;
	if (wide)
		/* The kernel truncates these int arguments to 32 bits; a
		 * filter comparing all 64 would not see AF_INET here. */
		fd = syscall(SYS_socket,
			     (1ULL << 32) | (unsigned long long)(unsigned)family,
			     (1ULL << 32) | (unsigned long long)(unsigned)type,
			     (unsigned long long)(unsigned)proto);
	else
		fd = socket((int)family, (int)type, (int)proto);
	if (fd < 0)
		return fail("socket");
	close((int)fd);
	return ok();
}

static int cmd_socket(int argc, char **argv)
{
	return make_socket(argv, argc, false);
}

static int cmd_socket_wide(int argc, char **argv)
{
	return make_socket(argv, argc, true);
}

static int cmd_socketpair(int argc, char **argv)
{
	long family, type, proto;
	if (!parse_socket_args(argv, argc, &family, &type, &proto))
		return EXIT_USAGE;
	int sv[2];
	if (socketpair((int)family, (int)type, (int)proto, sv) < 0)
		return fail("socketpair");
	close(sv[0]);
	close(sv[1]);
	return ok();
}

/* A TCP socket of ADDR's family, with timeouts; -1 and errno on failure. */
static int tcp_socket_for(const struct sockaddr_storage *ss)
{
	int fd = socket(ss->ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0)
		set_timeouts(fd);
	return fd;
}

static int cmd_connect(int argc, char **argv)
{
	(void)argc;
	struct sockaddr_storage ss;
	socklen_t len;
	if (!parse_addr(argv[0], argv[1], &ss, &len))
		return EXIT_USAGE;
	int fd = tcp_socket_for(&ss);
	if (fd < 0)
		return fail("socket");
	if (connect(fd, (struct sockaddr *)&ss, len) < 0)
		return fail("connect");
	close(fd);
	return ok();
}

/* TCP Fast Open: sendto(MSG_FASTOPEN) connects without calling connect(2),
 * a path a connect-only check could miss. */
static int cmd_connect_fastopen(int argc, char **argv)
{
	(void)argc;
	struct sockaddr_storage ss;
	socklen_t len;
	if (!parse_addr(argv[0], argv[1], &ss, &len))
		return EXIT_USAGE;
	int fd = tcp_socket_for(&ss);
	if (fd < 0)
		return fail("socket");
	/* On a blocking socket this returns only once the handshake is done
	 * (or failed: ECONNREFUSED), so success means "connected". */
	if (sendto(fd, "x", 1, MSG_FASTOPEN, (struct sockaddr *)&ss, len) < 0)
		return fail("sendto(MSG_FASTOPEN)");
	close(fd);
	return ok();
}

/* A TCP socket bound to HOST PORT (ARGV[0] and ARGV[1]): its fd, or -1
 * with *STATUS the exit status, the reason printed. */
static int bound_tcp_socket(char **argv, int *status)
{
	struct sockaddr_storage ss;
	socklen_t len;
	if (!parse_addr(argv[0], argv[1], &ss, &len)) {
		*status = EXIT_USAGE;
		return -1;
	}
	int fd = tcp_socket_for(&ss);
	if (fd < 0) {
		*status = fail("socket");
		return -1;
	}
	if (bind(fd, (struct sockaddr *)&ss, len) < 0) {
		*status = fail("bind");
		close(fd);
		return -1;
	}
	return fd;
}

static int cmd_bind(int argc, char **argv)
{
	(void)argc;
	int status;
	int fd = bound_tcp_socket(argv, &status);
	if (fd < 0)
		return status;
	close(fd);
	return ok();
}

/* bind(2) and listen(2), then close: what a short-lived server leaves
 * behind in the supervisor's records. */
static int cmd_listen(int argc, char **argv)
{
	(void)argc;
	int status;
	int fd = bound_tcp_socket(argv, &status);
	if (fd < 0)
		return status;
	if (listen(fd, 4) < 0)
		return fail("listen");
	close(fd);
	return ok();
}

static int cmd_listen_unbound(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	/* listen(2) auto-binds an unbound socket to 0.0.0.0:<ephemeral>,
	 * never passing through bind(2). */
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return fail("socket");
	if (listen(fd, 1) < 0)
		return fail("listen");
	close(fd);
	return ok();
}

static int cmd_udp_send(int argc, char **argv)
{
	(void)argc;
	struct sockaddr_storage ss;
	socklen_t len;
	if (!parse_addr(argv[0], argv[1], &ss, &len))
		return EXIT_USAGE;
	int fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return fail("socket");
	if (sendto(fd, "x", 1, 0, (struct sockaddr *)&ss, len) < 0)
		return fail("sendto");
	close(fd);
	return ok();
}

static int cmd_getifaddrs(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	struct ifaddrs *list;
	if (getifaddrs(&list) < 0)
		return fail("getifaddrs");
	int count = 0;
	for (struct ifaddrs *i = list; i; i = i->ifa_next)
		count++;
	freeifaddrs(list);
	printf("%d\n", count);
	return 0;
}

static int cmd_netlink_route(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return fail("socket");
	set_timeouts(fd);
	struct {
		struct nlmsghdr nh;
		struct ifinfomsg ifi;
	} req = {
		.nh = {.nlmsg_len = sizeof req, .nlmsg_type = RTM_GETLINK,
		       .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP, .nlmsg_seq = 1},
		.ifi = {.ifi_family = AF_UNSPEC},
	};
	struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
	if (sendto(fd, &req, sizeof req, 0, (struct sockaddr *)&kernel,
		   sizeof kernel) < 0)
		return fail("sendto");
	char buf[16384];
	ssize_t n = recv(fd, buf, sizeof buf, 0);
	if (n < 0)
		return fail("recv");
	if (n == 0) {
		errno = ENODATA;
		return fail("recv");
	}
	close(fd);
	return ok();
}

/* The socket to connect: an inherited one when FD is given (a way in that
 * does not go through socket(2)), else a new AF_UNIX stream socket. */
static int unix_socket_from(int argc, char **argv, int *fd)
{
	if (argc > 1) {
		long v;
		if (!parse_long(argv[1], 10, &v) || v < 0 || v > INT_MAX) {
			usage_error("bad fd '%s'", argv[1]);
			return EXIT_USAGE;
		}
		*fd = (int)v;
		return 0;
	}
	*fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	return *fd < 0 ? fail("socket") : 0;
}

static int connect_unix(int argc, char **argv, bool abstract)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	size_t len = strlen(argv[0]);
	size_t off = abstract ? 1 : 0; /* abstract names start with a NUL */
	if (len + off >= sizeof sun.sun_path)
		return usage_error("name too long: '%s'", argv[0]);
	memcpy(sun.sun_path + off, argv[0], len);
	int fd;
	int rc = unix_socket_from(argc, argv, &fd);
	if (rc)
		return rc;
	socklen_t alen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
				     off + len + (abstract ? 0 : 1));
	if (connect(fd, (struct sockaddr *)&sun, alen) < 0)
		return fail("connect");
	close(fd);
	return ok();
}

static int cmd_unix_connect(int argc, char **argv)
{
	return connect_unix(argc, argv, false);
}

static int cmd_abstract_connect(int argc, char **argv)
{
	return connect_unix(argc, argv, true);
}


/* ---- mediated sockets (landstrip-supervisor) -------------------------- */

/* bind HOST:0, listen, and connect to ourselves from a second socket: a
 * server inside the sandbox reachable from inside. */
static int cmd_serve_self(int argc, char **argv)
{
	(void)argc;
	struct sockaddr_storage ss;
	socklen_t len;
	if (!parse_addr(argv[0], "0", &ss, &len))
		return EXIT_USAGE;
	int srv = tcp_socket_for(&ss);
	if (srv < 0)
		return fail("socket");
	if (bind(srv, (struct sockaddr *)&ss, len) < 0)
		return fail("bind");
	if (listen(srv, 4) < 0)
		return fail("listen");
	socklen_t got = sizeof ss;
	if (getsockname(srv, (struct sockaddr *)&ss, &got) < 0)
		return fail("getsockname");
	int cli = tcp_socket_for(&ss);
	if (cli < 0)
		return fail("socket");
	if (connect(cli, (struct sockaddr *)&ss, got) < 0)
		return fail("connect");
	int conn = accept(srv, NULL, NULL);
	if (conn < 0)
		return fail("accept");
	return ok();
}

/* SO_REUSEPORT, bind, listen: where a TCP socket joins a port group's
 * traffic.  With "bind-only", stops after the bind. */
static int cmd_reuseport(int argc, char **argv)
{
	struct sockaddr_storage ss;
	socklen_t len;
	if (!parse_addr(argv[0], argv[1], &ss, &len))
		return EXIT_USAGE;
	bool bind_only = argc > 2 && strcmp(argv[2], "bind-only") == 0;
	if (argc > 2 && !bind_only)
		return usage_error("bad mode '%s'", argv[2]);
	int fd = tcp_socket_for(&ss);
	int one = 1;
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) < 0)
		return fail("socket");
	if (bind(fd, (struct sockaddr *)&ss, len) < 0)
		return fail("bind");
	if (!bind_only && listen(fd, 16) < 0)
		return fail("listen");
	return ok();
}

/* AF_UNSPEC with INADDR_ANY on an AF_INET socket: the kernel binds
 * 0.0.0.0 (a legacy compatibility rule). */
static int cmd_bind_unspec(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in in = {.sin_family = AF_UNSPEC};
	if (fd < 0)
		return fail("socket");
	return bind(fd, (struct sockaddr *)&in, sizeof in) < 0 ? fail("bind") : ok();
}

struct race {
	volatile int stop;
	void *target;
	const void *a, *b;
	size_t len;
};

static void *flipper(void *arg)
{
	struct race *r = arg;
	while (!r->stop) {
		memcpy(r->target, r->a, r->len);
		memcpy(r->target, r->b, r->len);
	}
	return NULL;
}

/* A second thread keeps rewriting the sockaddr between a loopback and a
 * wildcard address while bind(2) runs: the bound address must never be
 * the wildcard (THREATS.md #4). */
static int cmd_bind_race(int argc, char **argv)
{
	(void)argc;
	long iters;
	if (!parse_long(argv[0], 10, &iters) || iters < 1)
		return usage_error("bad count '%s'", argv[0]);
	struct sockaddr_in good = {.sin_family = AF_INET,
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	struct sockaddr_in bad = {.sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_ANY)};
	static struct sockaddr_in shared;
	struct race r = {0, &shared, &good, &bad, sizeof shared};
	pthread_t t;
	pthread_create(&t, NULL, flipper, &r);
	long bound = 0;
	for (long i = 0; i < iters; i++) {
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return fail("socket");
		if (bind(fd, (struct sockaddr *)&shared, sizeof shared) == 0) {
			struct sockaddr_in got;
			socklen_t gl = sizeof got;
			getsockname(fd, (struct sockaddr *)&got, &gl);
			if (got.sin_addr.s_addr == htonl(INADDR_ANY)) {
				r.stop = 1;
				printf("ESCAPED: bound 0.0.0.0 on try %ld\n", i);
				return 3;
			}
			bound++;
		}
		close(fd);
	}
	r.stop = 1;
	pthread_join(t, NULL);
	printf("ok %ld bound\n", bound);
	return 0;
}

/* The same for connect(2): the port flips between an allowed one and a
 * forbidden one; the peer must never be the forbidden port. */
static int cmd_connect_race(int argc, char **argv)
{
	(void)argc;
	long good_port, bad_port, iters;
	if (!parse_long(argv[0], 10, &good_port) ||
	    !parse_long(argv[1], 10, &bad_port) ||
	    !parse_long(argv[2], 10, &iters))
		return usage_error("bad numbers%s", "");
	struct sockaddr_in good = {.sin_family = AF_INET,
				   .sin_port = htons((uint16_t)good_port),
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	struct sockaddr_in bad = good;
	bad.sin_port = htons((uint16_t)bad_port);
	static struct sockaddr_in shared;
	struct race r = {0, &shared, &good, &bad, sizeof shared};
	pthread_t t;
	pthread_create(&t, NULL, flipper, &r);
	long connected = 0;
	for (long i = 0; i < iters; i++) {
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return fail("socket");
		if (connect(fd, (struct sockaddr *)&shared, sizeof shared) == 0) {
			struct sockaddr_in peer;
			socklen_t pl = sizeof peer;
			getpeername(fd, (struct sockaddr *)&peer, &pl);
			if (peer.sin_port == bad.sin_port) {
				r.stop = 1;
				printf("ESCAPED: connected to port %ld on try %ld\n",
				       bad_port, i);
				return 3;
			}
			connected++;
		}
		close(fd);
	}
	r.stop = 1;
	pthread_join(t, NULL);
	printf("ok %ld connected\n", connected);
	return 0;
}

static int unix_bind_to(const char *name, bool abstract, int *out)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	size_t len = strlen(name), off = abstract ? 1 : 0;
	if (len + off >= sizeof sun.sun_path)
		return usage_error("name too long: '%s'", name);
	memcpy(sun.sun_path + off, name, len);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return fail("socket");
	socklen_t alen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
				     off + len + (abstract ? 0 : 1));
	if (bind(fd, (struct sockaddr *)&sun, alen) < 0)
		return fail("bind");
	if (listen(fd, 4) < 0)
		return fail("listen");
	*out = fd;
	return 0;
}

static int cmd_unix_bind(int argc, char **argv)
{
	(void)argc;
	int fd;
	int rc = unix_bind_to(argv[0], false, &fd);
	return rc ? rc : ok();
}

static int cmd_abstract_bind(int argc, char **argv)
{
	(void)argc;
	int fd;
	int rc = unix_bind_to(argv[0], true, &fd);
	return rc ? rc : ok();
}

/* Bind and listen on a unix name, then connect to it: a socket created
 * inside the sandbox is reachable from inside. */
static int unix_serve_self(const char *name, bool abstract)
{
	int srv;
	int rc = unix_bind_to(name, abstract, &srv);
	if (rc)
		return rc;
	char *args[] = {(char *)name};
	return connect_unix(1, args, abstract);
}

static int cmd_unix_serve_self(int argc, char **argv)
{
	(void)argc;
	return unix_serve_self(argv[0], false);
}

static int cmd_abstract_serve_self(int argc, char **argv)
{
	(void)argc;
	return unix_serve_self(argv[0], true);
}

/* Run another subcommand SECONDS later, in a detached child: the tool has
 * exited by then, the daemon still holds the filter. */
static int run_command(int argc, char **argv);

static int cmd_background(int argc, char **argv)
{
	long seconds;
	if (!parse_long(argv[0], 10, &seconds) || seconds < 0)
		return usage_error("bad seconds '%s'", argv[0]);
	pid_t pid = fork();
	if (pid < 0)
		return fail("fork");
	if (pid > 0)
		return ok();
	setsid();
	int out = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0)
		_exit(1);
	dup2(out, STDOUT_FILENO);
	dup2(out, STDERR_FILENO);
	sleep((unsigned)seconds);
	_exit(run_command(argc - 2, argv + 2));
}

static int cmd_later(int argc, char **argv)
{
	long seconds;
	if (!parse_long(argv[0], 10, &seconds) || seconds < 0)
		return usage_error("bad seconds '%s'", argv[0]);
	sleep((unsigned)seconds);
	return run_command(argc - 1, argv + 1);
}


static int by_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* N loopback binds on fresh sockets; prints the median and 90th percentile
 * of the bind(2) call alone, in microseconds, and fails if any failed. */
static int cmd_bind_latency(int argc, char **argv)
{
	(void)argc;
	long n;
	if (!parse_long(argv[0], 10, &n) || n < 1 || n > 1000000)
		return usage_error("bad count '%s'", argv[0]);
	double *us = calloc((size_t)n, sizeof *us);
	struct sockaddr_in lo = {.sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	for (long i = 0; i < n; i++) {
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return fail("socket");
		struct timespec a, b;
		clock_gettime(CLOCK_MONOTONIC, &a);
		int rc = bind(fd, (struct sockaddr *)&lo, sizeof lo);
		clock_gettime(CLOCK_MONOTONIC, &b);
		if (rc < 0)
			return fail("bind");
		us[i] = (double)(b.tv_sec - a.tv_sec) * 1e6 +
			(double)(b.tv_nsec - a.tv_nsec) / 1e3;
		close(fd);
	}
	qsort(us, (size_t)n, sizeof *us, by_double);
	printf("%.1f %.1f\n", us[n / 2], us[n * 9 / 10]);
	free(us);
	return 0;
}

/* COUNT calls of one kind while SIGALRM, with a handler, arrives every 20
 * us (SA_RESTART with "restart"): the calls a kernel never interrupts
 * unconfined (bind on a fresh socket; mkdir and rmdir of DIR/n) must not
 * fail here either, with EINTR or, restarted after the supervisor had
 * already acted, EINVAL or EEXIST.  Prints "ok" or the first failure and
 * how many failed. */
static volatile sig_atomic_t storm_signals;

static void storm_handler(int sig)
{
	(void)sig;
	storm_signals++;
}

static int storm_call(const char *kind, const char *dir, long i)
{
	if (strcmp(kind, "bind") == 0) {
		struct sockaddr_in lo = {.sin_family = AF_INET,
					 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		int rc = fd < 0 ? -1 : bind(fd, (struct sockaddr *)&lo, sizeof lo);
		int err = errno;
		if (fd >= 0)
			close(fd);
		errno = err;
		return rc;
	}
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/storm%ld", dir, i);
	if (mkdir(path, 0755) < 0)
		return -1;
	return rmdir(path);
}

static int cmd_signal_storm(int argc, char **argv)
{
	long n;
	const char *kind = argv[0];
	if (!parse_long(argv[1], 10, &n) || n < 1 || n > 10000000)
		return usage_error("bad count '%s'", argv[1]);
	bool is_bind = strcmp(kind, "bind") == 0;
	if (!is_bind && (strcmp(kind, "mkdir") != 0 || argc < 3))
		return usage_error("bad kind %s (bind, or mkdir DIR)", kind);
	const char *dir = is_bind ? NULL : argv[2];
	bool restart = argc > (is_bind ? 2 : 3) &&
		       strcmp(argv[argc - 1], "restart") == 0;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = storm_handler;
	sa.sa_flags = restart ? SA_RESTART : 0;
	struct itimerval every = {{0, 20}, {0, 20}};
	if (sigaction(SIGALRM, &sa, NULL) < 0 ||
	    setitimer(ITIMER_REAL, &every, NULL) < 0)
		return fail("setitimer");
	long failed = 0;
	int first = 0;
	for (long i = 0; i < n; i++)
		if (storm_call(kind, dir, i) < 0 && failed++ == 0)
			first = errno;
	struct itimerval off = {{0, 0}, {0, 0}};
	setitimer(ITIMER_REAL, &off, NULL);
	if (failed) {
		printf("%s: %ld of %ld failed (%d signals)\n", errno_name(first),
		       failed, n, (int)storm_signals);
		return 1;
	}
	return ok();
}

/* ---- more probes for the supervisor (tests/integration/50-supervisor.sh) */

/* bind(2) on a new unix stream socket with an address of exactly
 * offsetof(sun_path) + N bytes: sun_path holds PATH and then 'X' bytes,
 * never a NUL, so with N = strlen(PATH) the name is unterminated and the
 * bytes after it are junk a careless reader would take for the name.  A
 * 108-byte PATH with N = 108 fills sun_path (legal for the kernel). */
static int cmd_unix_bind_len(int argc, char **argv)
{
	(void)argc;
	struct sockaddr_un sun;
	size_t len = strlen(argv[0]);
	long n;
	if (!parse_long(argv[1], 10, &n) || n < 0 ||
	    n > (long)sizeof sun.sun_path)
		return usage_error("bad length '%s'", argv[1]);
	if (len > sizeof sun.sun_path)
		return usage_error("name too long: '%s'", argv[0]);
	memset(&sun, 'X', sizeof sun);
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, argv[0], len);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return fail("socket");
	if (bind(fd, (struct sockaddr *)&sun,
		 (socklen_t)(offsetof(struct sockaddr_un, sun_path) + (size_t)n)) < 0)
		return fail("bind");
	return ok();
}

/* An abstract name the kernel picks (bind(2) with only the family), then
 * listen and connect to the name getsockname reports. */
static int cmd_autobind_serve_self(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	int srv = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (srv < 0)
		return fail("socket");
	sa_family_t fam = AF_UNIX;
	if (bind(srv, (struct sockaddr *)&fam, sizeof fam) < 0)
		return fail("bind");
	if (listen(srv, 4) < 0)
		return fail("listen");
	struct sockaddr_un sun;
	socklen_t len = sizeof sun;
	if (getsockname(srv, (struct sockaddr *)&sun, &len) < 0)
		return fail("getsockname");
	int cli = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (cli < 0)
		return fail("socket");
	if (connect(cli, (struct sockaddr *)&sun, len) < 0)
		return fail("connect");
	return ok();
}

/* bind(2) a new stream socket of FAMILY to HOST PORT, optionally passing
 * LEN (up to 512) as the address length: the family comes from the
 * socket, the address may be of another one (THREATS.md #10). */
static int cmd_bind_family(int argc, char **argv)
{
	long family, n = -1;
	if (!parse_keyword(families, argv[0], &family))
		return usage_error("unknown family '%s'", argv[0]);
	struct sockaddr_storage ss;
	socklen_t len;
	if (!parse_addr(argv[1], argv[2], &ss, &len))
		return EXIT_USAGE;
	if (argc > 3 && (!parse_long(argv[3], 10, &n) || n < 0 || n > 512))
		return usage_error("bad length '%s'", argv[3]);
	static unsigned char buf[512];
	memcpy(buf, &ss, sizeof ss);
	int fd = socket((int)family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return fail("socket");
	if (bind(fd, (struct sockaddr *)buf, n >= 0 ? (socklen_t)n : len) < 0)
		return fail("bind");
	return ok();
}

/* bind HOST PORT without SO_REUSEPORT, set it, then listen(2). */
static int cmd_reuseport_after_bind(int argc, char **argv)
{
	(void)argc;
	int status;
	int fd = bound_tcp_socket(argv, &status);
	if (fd < 0)
		return status;
	int one = 1;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) < 0)
		return fail("setsockopt");
	if (listen(fd, 4) < 0)
		return fail("listen");
	return ok();
}

/* The session supervisor's protocol, as far as a hostile tool needs it
 * (config/protocol.h): a 16-byte header, fds as SCM_RIGHTS. */
struct junk_header {
	uint32_t magic, version_type, length, reserved;
};

static int send_packet(int sock, const void *data, size_t len,
		       const int *fds, size_t nfds)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int) * 2)];
	} control;
	struct iovec iov = {(void *)data, len};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
	if (nfds) {
		memset(&control, 0, sizeof control);
		msg.msg_control = control.buf;
		msg.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds);
	}
	return sendmsg(sock, &msg, MSG_NOSIGNAL) < 0 ? -1 : 0;
}

static struct junk_header junk_header(unsigned type, uint32_t length)
{
	/* "LSTR", the protocol's version (4) in the low half, the type in
	 * the high half (in memory order on this little-endian machine). */
	return (struct junk_header){0x5254534cu, 4u | type << 16, length, 0};
}

/* The ruleset cache from outside: CACHE_PUT a key (this mount namespace
 * first, as the shim makes them) with no directories to watch and, as its
 * ruleset, a real Landlock ruleset or /dev/null; then CACHE_GET the same
 * key on the same channel.  Prints "hit" or "miss". */
static int cache_put_then_get(int sock, bool real_ruleset)
{
	int sv[2];
	struct junk_header h = junk_header(4, 0);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0 ||
	    send_packet(sock, &h, sizeof h, &sv[1], 1) < 0)
		return fail("send CONNECT");
	close(sv[1]);
	struct stat ns;
	if (stat("/proc/self/ns/mnt", &ns) < 0)
		return fail("stat /proc/self/ns/mnt");
	unsigned char key[16 + 8];
	uint64_t id[2] = {(uint64_t)ns.st_dev, (uint64_t)ns.st_ino};
	memcpy(key, id, 16);
	memcpy(key + 16, real_ruleset ? "try-rule" : "try-file", 8);
	struct {
		struct junk_header h;
		uint32_t key_len;
		unsigned char key[sizeof key];
		uint32_t blob_len;
		unsigned char blob[4];
		uint32_t dep_count;
	} __attribute__((packed)) put = {
		junk_header(8, sizeof put - sizeof(struct junk_header)),
		sizeof key, {0}, 4, {1, 0, 0, 0}, 0};
	memcpy(put.key, key, sizeof key);
	uint64_t attr = 1; /* struct landlock_ruleset_attr: handled_access_fs */
	int fd = real_ruleset
			 ? (int)syscall(SYS_landlock_create_ruleset, &attr,
					sizeof attr, 0)
			 : open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || send_packet(sv[0], &put, sizeof put, &fd, 1) < 0)
		return fail("send CACHE_PUT");
	struct {
		struct junk_header h;
		unsigned char key[sizeof key];
	} __attribute__((packed)) get = {junk_header(5, sizeof key), {0}};
	memcpy(get.key, key, sizeof key);
	if (send_packet(sv[0], &get, sizeof get, NULL, 0) < 0)
		return fail("send CACHE_GET");
	set_timeouts(sv[0]);
	unsigned char answer[256];
	char control[CMSG_SPACE(sizeof(int))];
	struct iovec iov = {answer, sizeof answer};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = control,
			     .msg_controllen = sizeof control};
	ssize_t n = recvmsg(sv[0], &msg, MSG_CMSG_CLOEXEC);
	if (n < (ssize_t)sizeof(struct junk_header))
		return fail("recv answer");
	struct junk_header a;
	memcpy(&a, answer, sizeof a);
	unsigned type = a.version_type >> 16;
	puts(type == 6 ? "hit" : type == 7 ? "miss" : "other");
	return type == 6 || type == 7 ? EXIT_SUCCESS : 3;
}

/* Write junk MODE to the session supervisor's socket
 * ($LANDSTRIP_SUPERVISOR_FD): garbage, empty, bad-header, connect-nofd,
 * connect-file, connect-2fds, register-bogus (over a real private
 * channel: exit 3 if it was not an ERROR), cache-ruleset and cache-file
 * (cache_put_then_get: "hit" or "miss"), connect-silent (COUNT private
 * channels that never speak, held for SECONDS after printing "sent"), or
 * all (every one but connect-silent, "empty" last). */
static int session_junk(const char *mode, int sock, long seconds,
			long count)
{
	bool all = strcmp(mode, "all") == 0;
	int sv[2], fds[2];
	struct junk_header h;
	unsigned char garbage[100];
	memset(garbage, 0xaa, sizeof garbage);
	if (all || strcmp(mode, "garbage") == 0)
		if (send_packet(sock, garbage, sizeof garbage, NULL, 0) < 0)
			return fail("send garbage");
	if (all || strcmp(mode, "bad-header") == 0) {
		h = junk_header(99, 0);
		if (send_packet(sock, &h, sizeof h, NULL, 0) < 0)
			return fail("send bad header");
	}
	if (all || strcmp(mode, "connect-nofd") == 0) {
		h = junk_header(4, 0);
		if (send_packet(sock, &h, sizeof h, NULL, 0) < 0)
			return fail("send CONNECT");
	}
	if (all || strcmp(mode, "connect-file") == 0) {
		h = junk_header(4, 0);
		fds[0] = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (fds[0] < 0 || send_packet(sock, &h, sizeof h, fds, 1) < 0)
			return fail("send CONNECT with a file");
		close(fds[0]);
	}
	if (all || strcmp(mode, "connect-2fds") == 0) {
		h = junk_header(4, 0);
		if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0 ||
		    send_packet(sock, &h, sizeof h, sv, 2) < 0)
			return fail("send CONNECT with two fds");
		close(sv[0]);
		close(sv[1]);
	}
	if (all || strcmp(mode, "register-bogus") == 0) {
		/* A private channel, then a REGISTER whose "listener" is our
		 * stderr and whose payload is junk. */
		h = junk_header(4, 0);
		if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0 ||
		    send_packet(sock, &h, sizeof h, &sv[1], 1) < 0)
			return fail("send CONNECT");
		close(sv[1]);
		struct {
			struct junk_header h;
			unsigned char payload[32];
		} reg;
		reg.h = junk_header(1, sizeof reg.payload);
		memset(reg.payload, 0x01, sizeof reg.payload);
		fds[0] = fds[1] = STDERR_FILENO;
		if (send_packet(sv[0], &reg, sizeof reg, fds, 2) < 0)
			return fail("send REGISTER");
		set_timeouts(sv[0]);
		struct junk_header answer;
		ssize_t n = recv(sv[0], &answer, sizeof answer, 0);
		close(sv[0]);
		if (n < 0)
			return fail("recv answer");
		unsigned type = answer.version_type >> 16;
		if (n < (ssize_t)sizeof answer || type != 3) {
			printf("REGISTER answered with type %u (%zd bytes)\n",
			       type, n);
			return 3;
		}
	}
	if (strcmp(mode, "connect-silent") == 0) {
		/* COUNT private channels that never speak, all held open. */
		for (long i = 0; i < count; i++) {
			h = junk_header(4, 0);
			if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0,
				       sv) < 0 ||
			    send_packet(sock, &h, sizeof h, &sv[1], 1) < 0)
				return fail("send CONNECT");
			close(sv[1]);
		}
		puts("sent");
		fflush(stdout);
		sleep((unsigned)seconds);
	}
	if (strcmp(mode, "cache-ruleset") == 0 || strcmp(mode, "cache-file") == 0)
		return cache_put_then_get(sock, strcmp(mode, "cache-ruleset") == 0);
	if (all || strcmp(mode, "empty") == 0)
		if (send_packet(sock, "", 0, NULL, 0) < 0)
			return fail("send empty packet");
	return ok();
}

static int cmd_session_junk(int argc, char **argv)
{
	long seconds = 0, count = 1, fd;
	const char *v = getenv("LANDSTRIP_SUPERVISOR_FD");
	if (argc > 1 && (!parse_long(argv[1], 10, &seconds) || seconds < 0))
		return usage_error("bad seconds '%s'", argv[1]);
	if (argc > 2 && (!parse_long(argv[2], 10, &count) || count < 1 ||
			 count > 4096))
		return usage_error("bad count '%s'", argv[2]);
	if (!v || !parse_long(v, 10, &fd) || fd < 0 || fd > INT_MAX)
		return usage_error("no usable LANDSTRIP_SUPERVISOR_FD%s", "");
	return session_junk(argv[0], (int)fd, seconds, count);
}

/* ---- write mediation (landstrip-supervisor's file broker) ------------- */

/* Each subcommand below issues exactly one raw syscall under test, by
 * number, so that every entry of the trapped set is exercised on its own
 * (glibc may route mkdir() through mkdirat() and the like).  The *at ones
 * use the directory fd set by `at DIR ...` (AT_FDCWD otherwise). */

#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif
#ifndef SYS_setxattrat
#define SYS_setxattrat 463
#endif
#ifndef SYS_removexattrat
#define SYS_removexattrat 466
#endif
#ifndef AT_EMPTY_PATH
#define AT_EMPTY_PATH 0x1000
#endif

/* struct xattr_args of linux/xattr.h (6.13), absent from older headers. */
struct try_xattr_args {
	uint64_t value;
	uint32_t size;
	uint32_t flags;
};

/* The times the utime family sets: far from "now", so a test comparing
 * mtimes sees any change. */
#define TRY_TIME 1000000000

static int g_dirfd = AT_FDCWD;

static const struct keyword open_flag_names[] = {
	{"rdonly", O_RDONLY},	{"wronly", O_WRONLY},	  {"rdwr", O_RDWR},
	{"creat", O_CREAT},	{"excl", O_EXCL},	  {"trunc", O_TRUNC},
	{"append", O_APPEND},	{"tmpfile", O_TMPFILE},	  {"path", O_PATH},
	{"nofollow", O_NOFOLLOW}, {"directory", O_DIRECTORY},
	{"cloexec", O_CLOEXEC}, {"nonblock", O_NONBLOCK}, {"noctty", O_NOCTTY},
	{"sync", O_SYNC},	{"dsync", O_DSYNC},	  {"noatime", O_NOATIME},
	{NULL, 0},
};

static const struct keyword resolve_flag_names[] = {
	{"beneath", RESOLVE_BENEATH},
	{"in-root", RESOLVE_IN_ROOT},
	{"no-magiclinks", RESOLVE_NO_MAGICLINKS},
	{"no-symlinks", RESOLVE_NO_SYMLINKS},
	{"no-xdev", RESOLVE_NO_XDEV},
	{"cached", RESOLVE_CACHED},
	{NULL, 0},
};

/* FLAGS is a comma list of open_flag_names (and, when RESOLVE is not
 * NULL, resolve_flag_names) or numbers. */
static bool parse_open_flags(const char *s, long *flags, long *resolve)
{
	char buf[512];
	if (strlen(s) >= sizeof buf)
		return false;
	strcpy(buf, s);
	*flags = 0;
	if (resolve)
		*resolve = 0;
	for (char *save = NULL, *w = strtok_r(buf, ",", &save); w;
	     w = strtok_r(NULL, ",", &save)) {
		long v;
		if (resolve && parse_keyword(resolve_flag_names, w, &v) &&
		    !parse_long(w, 0, &v))
			*resolve |= v;
		else if (parse_keyword(open_flag_names, w, &v))
			*flags |= v;
		else
			return false;
	}
	return true;
}

static bool parse_mode(const char *s, long *mode)
{
	return parse_long(s, 8, mode) && *mode >= 0 && *mode <= 07777;
}

/* Write TEXT (may be NULL) to a fd just opened by OPENER, then close. */
static int finish_open(long fd, const char *opener, const char *text)
{
	if (fd < 0)
		return fail(opener);
	if (text && write_all((int)fd, text) < 0)
		return fail("write");
	close((int)fd);
	return ok();
}

static int cmd_open(int argc, char **argv)
{
	long flags;
	if (!parse_open_flags(argv[1], &flags, NULL))
		return usage_error("bad open flags '%s'", argv[1]);
	return finish_open(syscall(SYS_open, argv[0], flags, 0666), "open",
			   argc > 2 ? argv[2] : NULL);
}

static int cmd_openat(int argc, char **argv)
{
	long flags;
	if (!parse_open_flags(argv[1], &flags, NULL))
		return usage_error("bad open flags '%s'", argv[1]);
	return finish_open(syscall(SYS_openat, g_dirfd, argv[0], flags, 0666),
			   "openat", argc > 2 ? argv[2] : NULL);
}

static int cmd_openat2(int argc, char **argv)
{
	long flags, resolve;
	if (!parse_open_flags(argv[1], &flags, &resolve))
		return usage_error("bad openat2 flags '%s'", argv[1]);
	struct open_how how = {
		.flags = (uint64_t)flags,
		.mode = (flags & (O_CREAT | O_TMPFILE)) ? 0666 : 0,
		.resolve = (uint64_t)resolve,
	};
	return finish_open(syscall(SYS_openat2, g_dirfd, argv[0], &how,
				   sizeof how),
			   "openat2", argc > 2 ? argv[2] : NULL);
}

static int cmd_creat(int argc, char **argv)
{
	return finish_open(syscall(SYS_creat, argv[0], 0666), "creat",
			   argc > 1 ? argv[1] : NULL);
}

/* openat(FLAGS) and describe the fd the caller got, one line, so that a
 * test can compare the brokered answer with the kernel's own:
 *   fd=lowest cloexec=1 acc=wronly append=0 same=1 size=0 */
static int cmd_open_info(int argc, char **argv)
{
	(void)argc;
	long flags;
	if (!parse_open_flags(argv[1], &flags, NULL))
		return usage_error("bad open flags '%s'", argv[1]);
	int lowest = fcntl(0, F_DUPFD, 0);
	if (lowest >= 0)
		close(lowest);
	int fd = (int)syscall(SYS_openat, g_dirfd, argv[0], flags, 0666);
	if (fd < 0)
		return fail("openat");
	int fdflags = fcntl(fd, F_GETFD), fl = fcntl(fd, F_GETFL);
	struct stat a, b;
	bool same = fstat(fd, &a) == 0 &&
		    fstatat(g_dirfd, argv[0], &b, 0) == 0 &&
		    a.st_dev == b.st_dev && a.st_ino == b.st_ino;
	int acc = fl & O_ACCMODE;
	char fdname[32];
	if (fd == lowest)
		snprintf(fdname, sizeof fdname, "lowest");
	else
		snprintf(fdname, sizeof fdname, "other(%d, lowest %d)", fd,
			 lowest);
	printf("fd=%s cloexec=%d acc=%s append=%d nonblock=%d same=%d size=%lld\n",
	       fdname, (fdflags & FD_CLOEXEC) != 0,
	       acc == O_RDONLY ? "rdonly" : acc == O_WRONLY ? "wronly" : "rdwr",
	       (fl & O_APPEND) != 0, (fl & O_NONBLOCK) != 0, same,
	       (long long)a.st_size);
	return 0;
}

static int cmd_mkdir_sys(int argc, char **argv)
{
	(void)argc;
	return syscall(SYS_mkdir, argv[0], 0777) < 0 ? fail("mkdir") : ok();
}

static int cmd_mkdirat(int argc, char **argv)
{
	(void)argc;
	return syscall(SYS_mkdirat, g_dirfd, argv[0], 0777) < 0
		       ? fail("mkdirat") : ok();
}

static bool parse_node_type(const char *s, long *mode, long *dev)
{
	*dev = 0;
	if (strcmp(s, "fifo") == 0)
		*mode = S_IFIFO | 0666;
	else if (strcmp(s, "reg") == 0)
		*mode = S_IFREG | 0666;
	else if (strcmp(s, "sock") == 0)
		*mode = S_IFSOCK | 0666;
	else if (strcmp(s, "char") == 0) /* 1:3 is /dev/null */
		*mode = S_IFCHR | 0666, *dev = (long)makedev(1, 3);
	else if (strcmp(s, "block") == 0) /* 7:0 is loop0 */
		*mode = S_IFBLK | 0666, *dev = (long)makedev(7, 0);
	else
		return false;
	return true;
}

static int cmd_mknod(int argc, char **argv)
{
	long mode, dev;
	if (!parse_node_type(argc > 1 ? argv[1] : "fifo", &mode, &dev))
		return usage_error("bad node type '%s'", argv[1]);
	return syscall(SYS_mknod, argv[0], mode, dev) < 0 ? fail("mknod") : ok();
}

static int cmd_mknodat(int argc, char **argv)
{
	long mode, dev;
	if (!parse_node_type(argc > 1 ? argv[1] : "fifo", &mode, &dev))
		return usage_error("bad node type '%s'", argv[1]);
	return syscall(SYS_mknodat, g_dirfd, argv[0], mode, dev) < 0
		       ? fail("mknodat") : ok();
}

static int cmd_mknod_char(int argc, char **argv)
{
	(void)argc;
	return syscall(SYS_mknod, argv[0], S_IFCHR | 0666, makedev(1, 3)) < 0
		       ? fail("mknod") : ok();
}

static int cmd_symlink_sys(int argc, char **argv)
{
	(void)argc;
	return syscall(SYS_symlink, argv[0], argv[1]) < 0 ? fail("symlink")
							   : ok();
}

static int cmd_symlinkat(int argc, char **argv)
{
	(void)argc;
	return syscall(SYS_symlinkat, argv[0], g_dirfd, argv[1]) < 0
		       ? fail("symlinkat") : ok();
}

static int cmd_link_sys(int argc, char **argv)
{
	(void)argc;
	return syscall(SYS_link, argv[0], argv[1]) < 0 ? fail("link") : ok();
}

/* linkat OLD NEW [follow|empty]: "empty" links the file an O_PATH fd of
 * OLD names (AT_EMPTY_PATH, which needs CAP_DAC_READ_SEARCH). */
static int cmd_linkat(int argc, char **argv)
{
	const char *how = argc > 2 ? argv[2] : "";
	if (strcmp(how, "empty") == 0) {
		int fd = open(argv[0], O_PATH | O_CLOEXEC);
		if (fd < 0)
			return fail("open(O_PATH)");
		return syscall(SYS_linkat, fd, "", g_dirfd, argv[1],
			       AT_EMPTY_PATH) < 0
			       ? fail("linkat") : ok();
	}
	long flags = 0;
	if (strcmp(how, "follow") == 0)
		flags = AT_SYMLINK_FOLLOW;
	else if (*how)
		return usage_error("bad linkat mode '%s'", how);
	return syscall(SYS_linkat, g_dirfd, argv[0], g_dirfd, argv[1], flags) < 0
		       ? fail("linkat") : ok();
}

static int cmd_link_follow(int argc, char **argv)
{
	(void)argc;
	char *args[] = {argv[0], argv[1], "follow"};
	return cmd_linkat(3, args);
}

static int cmd_rename_sys(int argc, char **argv)
{
	(void)argc;
	return syscall(SYS_rename, argv[0], argv[1]) < 0 ? fail("rename") : ok();
}

static int cmd_renameat(int argc, char **argv)
{
	(void)argc;
	return syscall(SYS_renameat, g_dirfd, argv[0], g_dirfd, argv[1]) < 0
		       ? fail("renameat") : ok();
}

static int renameat2_with(const char *old, const char *new, unsigned flags)
{
	return syscall(SYS_renameat2, g_dirfd, old, g_dirfd, new, flags) < 0
		       ? fail("renameat2") : ok();
}

static int cmd_renameat2(int argc, char **argv)
{
	static const struct keyword modes[] = {
		{"exchange", RENAME_EXCHANGE}, {"noreplace", RENAME_NOREPLACE},
		{"whiteout", RENAME_WHITEOUT}, {NULL, 0},
	};
	long flags = 0;
	if (argc > 2 && !parse_keyword(modes, argv[2], &flags))
		return usage_error("bad renameat2 mode '%s'", argv[2]);
	return renameat2_with(argv[0], argv[1], (unsigned)flags);
}

static int cmd_rename_exchange(int argc, char **argv)
{
	(void)argc;
	return renameat2_with(argv[0], argv[1], RENAME_EXCHANGE);
}

static int cmd_rename_noreplace(int argc, char **argv)
{
	(void)argc;
	return renameat2_with(argv[0], argv[1], RENAME_NOREPLACE);
}

static int cmd_unlink_sys(int argc, char **argv)
{
	(void)argc;
	return syscall(SYS_unlink, argv[0]) < 0 ? fail("unlink") : ok();
}

static int cmd_unlinkat(int argc, char **argv)
{
	long flags = 0;
	if (argc > 1 && strcmp(argv[1], "removedir") == 0)
		flags = AT_REMOVEDIR;
	else if (argc > 1)
		return usage_error("bad unlinkat mode '%s'", argv[1]);
	return syscall(SYS_unlinkat, g_dirfd, argv[0], flags) < 0
		       ? fail("unlinkat") : ok();
}

static int cmd_rmdir_sys(int argc, char **argv)
{
	(void)argc;
	return syscall(SYS_rmdir, argv[0]) < 0 ? fail("rmdir") : ok();
}

static int cmd_truncate_sys(int argc, char **argv)
{
	long len = 0;
	if (argc > 1 && (!parse_long(argv[1], 10, &len) || len < 0))
		return usage_error("bad length '%s'", argv[1]);
	return syscall(SYS_truncate, argv[0], len) < 0 ? fail("truncate") : ok();
}

/* [nofollow|empty] for the *at calls that take AT_ flags. */
static bool parse_at_flag(int argc, char **argv, int at, long *flags)
{
	*flags = 0;
	if (argc <= at)
		return true;
	if (strcmp(argv[at], "nofollow") == 0)
		*flags = AT_SYMLINK_NOFOLLOW;
	else if (strcmp(argv[at], "empty") == 0)
		*flags = AT_EMPTY_PATH;
	else
		return false;
	return true;
}

static int cmd_chmod_sys(int argc, char **argv)
{
	(void)argc;
	long mode;
	if (!parse_mode(argv[1], &mode))
		return usage_error("bad mode '%s'", argv[1]);
	return syscall(SYS_chmod, argv[0], mode) < 0 ? fail("chmod") : ok();
}

static int cmd_fchmodat(int argc, char **argv)
{
	long mode, flags;
	if (!parse_mode(argv[1], &mode))
		return usage_error("bad mode '%s'", argv[1]);
	if (!parse_at_flag(argc, argv, 2, &flags))
		return usage_error("bad flag '%s'", argv[2]);
	/* The fchmodat syscall has no flags argument (glibc emulates
	 * AT_SYMLINK_NOFOLLOW); fchmodat2 has one. */
	if (flags)
		return usage_error("fchmodat takes no flag, use fchmodat2%s", "");
	return syscall(SYS_fchmodat, g_dirfd, argv[0], mode) < 0
		       ? fail("fchmodat") : ok();
}

static int cmd_fchmodat2(int argc, char **argv)
{
	long mode, flags;
	if (!parse_mode(argv[1], &mode))
		return usage_error("bad mode '%s'", argv[1]);
	if (!parse_at_flag(argc, argv, 2, &flags))
		return usage_error("bad flag '%s'", argv[2]);
	return syscall(SYS_fchmodat2, g_dirfd, argv[0], mode, flags) < 0
		       ? fail("fchmodat2") : ok();
}

/* The chown family sets the caller's own uid and gid: allowed to anyone,
 * a no-op for the kernel except that it changes the ctime (and may clear
 * set-id bits), which the tests watch. */
static int cmd_chown(int argc, char **argv)
{
	(void)argc;
	return syscall(SYS_chown, argv[0], getuid(), getgid()) < 0
		       ? fail("chown") : ok();
}

static int cmd_lchown(int argc, char **argv)
{
	(void)argc;
	return syscall(SYS_lchown, argv[0], getuid(), getgid()) < 0
		       ? fail("lchown") : ok();
}

static int cmd_fchownat(int argc, char **argv)
{
	long flags;
	if (!parse_at_flag(argc, argv, 1, &flags))
		return usage_error("bad flag '%s'", argv[1]);
	return syscall(SYS_fchownat, g_dirfd, argv[0], getuid(), getgid(),
		       flags) < 0
		       ? fail("fchownat") : ok();
}

static const char *xattr_value(int argc, char **argv, int at)
{
	return argc > at ? argv[at] : "1";
}

static int cmd_setxattr(int argc, char **argv)
{
	const char *v = xattr_value(argc, argv, 2);
	return syscall(SYS_setxattr, argv[0], argv[1], v, strlen(v), 0) < 0
		       ? fail("setxattr") : ok();
}

static int cmd_lsetxattr(int argc, char **argv)
{
	const char *v = xattr_value(argc, argv, 2);
	return syscall(SYS_lsetxattr, argv[0], argv[1], v, strlen(v), 0) < 0
		       ? fail("lsetxattr") : ok();
}

static int cmd_setxattrat(int argc, char **argv)
{
	long flags;
	if (!parse_at_flag(argc, argv, 2, &flags))
		return usage_error("bad flag '%s'", argv[2]);
	static const char v[] = "1";
	struct try_xattr_args args = {.value = (uintptr_t)v, .size = 1};
	return syscall(SYS_setxattrat, g_dirfd, argv[0], flags, argv[1], &args,
		       sizeof args) < 0
		       ? fail("setxattrat") : ok();
}

static int cmd_removexattr(int argc, char **argv)
{
	(void)argc;
	return syscall(SYS_removexattr, argv[0], argv[1]) < 0
		       ? fail("removexattr") : ok();
}

static int cmd_lremovexattr(int argc, char **argv)
{
	(void)argc;
	return syscall(SYS_lremovexattr, argv[0], argv[1]) < 0
		       ? fail("lremovexattr") : ok();
}

static int cmd_removexattrat(int argc, char **argv)
{
	long flags;
	if (!parse_at_flag(argc, argv, 2, &flags))
		return usage_error("bad flag '%s'", argv[2]);
	return syscall(SYS_removexattrat, g_dirfd, argv[0], flags, argv[1]) < 0
		       ? fail("removexattrat") : ok();
}

/* Prints the value, or the errno (ENODATA when unset). */
static int cmd_getxattr(int argc, char **argv)
{
	(void)argc;
	char buf[256];
	ssize_t n = getxattr(argv[0], argv[1], buf, sizeof buf - 1);
	if (n < 0)
		return fail("getxattr");
	buf[n] = 0;
	puts(buf);
	return 0;
}

static int cmd_utime(int argc, char **argv)
{
	(void)argc;
	struct {
		long actime, modtime;
	} t = {TRY_TIME, TRY_TIME};
	return syscall(SYS_utime, argv[0], &t) < 0 ? fail("utime") : ok();
}

static int cmd_utimes(int argc, char **argv)
{
	(void)argc;
	struct timeval tv[2] = {{TRY_TIME, 0}, {TRY_TIME, 0}};
	return syscall(SYS_utimes, argv[0], tv) < 0 ? fail("utimes") : ok();
}

static int cmd_futimesat(int argc, char **argv)
{
	(void)argc;
	struct timeval tv[2] = {{TRY_TIME, 0}, {TRY_TIME, 0}};
	return syscall(SYS_futimesat, g_dirfd, argv[0], tv) < 0
		       ? fail("futimesat") : ok();
}

static int cmd_utimensat(int argc, char **argv)
{
	long flags;
	if (!parse_at_flag(argc, argv, 1, &flags))
		return usage_error("bad flag '%s'", argv[1]);
	struct timespec ts[2] = {{TRY_TIME, 0}, {TRY_TIME, 0}};
	return syscall(SYS_utimensat, g_dirfd, argv[0], ts, flags) < 0
		       ? fail("utimensat") : ok();
}

/* fdop PATH OPENFLAGS OP [ARG]: open PATH (rdonly, path, directory...)
 * and do OP through the fd, never through PATH again:
 *   fchmod MODE | fchown | fsetxattr NAME | fremovexattr NAME | futimens |
 *   ftruncate | write TEXT | fchmodat2-empty MODE | fchownat-empty |
 *   setxattrat-empty NAME | utimensat-empty |
 *   reopen FLAGS   (open /proc/self/fd/N with FLAGS, write "x")
 *   chmod-proc MODE | chown-proc | setxattr-proc NAME | utimes-proc
 *                  (the path call on /proc/self/fd/N)
 *   link-proc NEW  (linkat /proc/self/fd/N, AT_SYMLINK_FOLLOW)
 *   link-empty NEW (linkat fd "" AT_EMPTY_PATH) */
static int cmd_fdop(int argc, char **argv)
{
	long oflags;
	if (!parse_open_flags(argv[1], &oflags, NULL))
		return usage_error("bad open flags '%s'", argv[1]);
	const char *op = argv[2], *arg = argc > 3 ? argv[3] : NULL;
	int fd = (int)syscall(SYS_openat, g_dirfd, argv[0], oflags, 0666);
	if (fd < 0)
		return fail("open");
	char proc[64];
	snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
	long mode = 0, rc;
	struct timespec ts[2] = {{TRY_TIME, 0}, {TRY_TIME, 0}};
	if ((strcmp(op, "fchmod") == 0 || strcmp(op, "fchmodat2-empty") == 0) &&
	    (!arg || !parse_mode(arg, &mode)))
		return usage_error("%s needs an octal mode", op);
	bool needs_arg = strcmp(op, "fsetxattr") == 0 ||
			 strcmp(op, "fremovexattr") == 0 ||
			 strcmp(op, "setxattrat-empty") == 0 ||
			 strcmp(op, "setxattr-proc") == 0 ||
			 strcmp(op, "write") == 0 || strcmp(op, "reopen") == 0 ||
			 strncmp(op, "link-", 5) == 0;
	if (needs_arg && !arg)
		return usage_error("%s needs an argument", op);
	if (strcmp(op, "fchmod") == 0)
		rc = syscall(SYS_fchmod, fd, mode);
	else if (strcmp(op, "fchown") == 0)
		rc = syscall(SYS_fchown, fd, getuid(), getgid());
	else if (strcmp(op, "fsetxattr") == 0)
		rc = syscall(SYS_fsetxattr, fd, arg, "1", 1, 0);
	else if (strcmp(op, "fremovexattr") == 0)
		rc = syscall(SYS_fremovexattr, fd, arg);
	else if (strcmp(op, "futimens") == 0)
		rc = syscall(SYS_utimensat, fd, NULL, ts, 0);
	else if (strcmp(op, "ftruncate") == 0)
		rc = syscall(SYS_ftruncate, fd, 0);
	else if (strcmp(op, "write") == 0)
		rc = write_all(fd, arg);
	else if (strcmp(op, "fchmodat2-empty") == 0)
		rc = syscall(SYS_fchmodat2, fd, "", mode, AT_EMPTY_PATH);
	else if (strcmp(op, "fchownat-empty") == 0)
		rc = syscall(SYS_fchownat, fd, "", getuid(), getgid(),
			     AT_EMPTY_PATH);
	else if (strcmp(op, "setxattrat-empty") == 0) {
		struct try_xattr_args args = {.value = (uintptr_t) "1", .size = 1};
		rc = syscall(SYS_setxattrat, fd, "", AT_EMPTY_PATH, arg, &args,
			     sizeof args);
	} else if (strcmp(op, "utimensat-empty") == 0)
		rc = syscall(SYS_utimensat, fd, "", ts, AT_EMPTY_PATH);
	else if (strcmp(op, "reopen") == 0) {
		long rflags;
		if (!parse_open_flags(arg, &rflags, NULL))
			return usage_error("bad open flags '%s'", arg);
		rc = syscall(SYS_open, proc, rflags, 0666);
		if (rc >= 0 && (rflags & O_ACCMODE) != O_RDONLY)
			rc = write_all((int)rc, "x");
	} else if (strcmp(op, "chmod-proc") == 0) {
		/* The calls Landlock has no right for, through the fd's magic
		 * link: chmod, chown, setxattr, utimes of /proc/self/fd/N. */
		if (!arg || !parse_mode(arg, &mode))
			return usage_error("%s needs an octal mode", op);
		rc = syscall(SYS_chmod, proc, mode);
	} else if (strcmp(op, "chown-proc") == 0)
		rc = syscall(SYS_chown, proc, getuid(), getgid());
	else if (strcmp(op, "setxattr-proc") == 0)
		rc = syscall(SYS_setxattr, proc, arg, "1", 1, 0);
	else if (strcmp(op, "utimes-proc") == 0)
		rc = syscall(SYS_utimensat, AT_FDCWD, proc, ts, 0);
	else if (strcmp(op, "link-proc") == 0)
		rc = syscall(SYS_linkat, AT_FDCWD, proc, AT_FDCWD, arg,
			     AT_SYMLINK_FOLLOW);
	else if (strcmp(op, "link-empty") == 0)
		rc = syscall(SYS_linkat, fd, "", AT_FDCWD, arg, AT_EMPTY_PATH);
	else
		return usage_error("unknown fd operation '%s'", op);
	return rc < 0 ? fail(op) : ok();
}

/* The shortcuts the tests name most. */
static int fdop_with(const char *path, const char *oflags, const char *op,
		     const char *arg)
{
	char *args[] = {(char *)path, (char *)oflags, (char *)op, (char *)arg};
	return cmd_fdop(arg ? 4 : 3, args);
}

static int cmd_fchmod_ro(int argc, char **argv)
{
	(void)argc;
	return fdop_with(argv[0], "rdonly", "fchmod", argv[1]);
}

static int cmd_fchown_ro(int argc, char **argv)
{
	(void)argc;
	return fdop_with(argv[0], "rdonly", "fchown", NULL);
}

static int cmd_path_reopen(int argc, char **argv)
{
	return fdop_with(argv[0], "path", "reopen",
			 argc > 1 ? argv[1] : "wronly");
}

/* tmpfile-link DIR NEWPATH [proc|empty]: an unnamed file in DIR
 * (O_TMPFILE), written, then given NEWPATH: by linkat of its
 * /proc/self/fd link (anyone can) or of the fd with AT_EMPTY_PATH (needs
 * CAP_DAC_READ_SEARCH). */
static int cmd_tmpfile_link(int argc, char **argv)
{
	const char *how = argc > 2 ? argv[2] : "proc";
	int fd = (int)syscall(SYS_openat, g_dirfd, argv[0],
			      O_TMPFILE | O_WRONLY | O_CLOEXEC, 0644);
	if (fd < 0)
		return fail("open(O_TMPFILE)");
	if (write_all(fd, "tmpfile\n") < 0)
		return fail("write");
	long rc;
	if (strcmp(how, "empty") == 0)
		rc = syscall(SYS_linkat, fd, "", AT_FDCWD, argv[1], AT_EMPTY_PATH);
	else if (strcmp(how, "proc") == 0) {
		char proc[64];
		snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
		rc = syscall(SYS_linkat, AT_FDCWD, proc, AT_FDCWD, argv[1],
			     AT_SYMLINK_FOLLOW);
	} else
		return usage_error("bad mode '%s'", how);
	return rc < 0 ? fail("linkat") : ok();
}

/* open-by-handle PATH FLAGS: name_to_handle_at then open_by_handle_at,
 * a way to open a file with no path walk at all (needs
 * CAP_DAC_READ_SEARCH); writes "x" when FLAGS open for writing. */
static int cmd_open_by_handle(int argc, char **argv)
{
	(void)argc;
	long flags;
	if (!parse_open_flags(argv[1], &flags, NULL))
		return usage_error("bad open flags '%s'", argv[1]);
	union {
		struct file_handle fh;
		char buf[sizeof(struct file_handle) + MAX_HANDLE_SZ];
	} h;
	h.fh.handle_bytes = MAX_HANDLE_SZ;
	int mount_id;
	if (name_to_handle_at(AT_FDCWD, argv[0], &h.fh, &mount_id, 0) < 0)
		return fail("name_to_handle_at");
	/* Any fd on the file's mount, but not O_PATH (EBADF): its parent. */
	char dir[PATH_MAX];
	snprintf(dir, sizeof dir, "%s", argv[0]);
	char *slash = strrchr(dir, '/');
	if (!slash)
		strcpy(dir, ".");
	else if (slash == dir)
		strcpy(dir, "/");
	else
		*slash = 0;
	int mfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (mfd < 0)
		return fail("open mount fd");
	int fd = open_by_handle_at(mfd, &h.fh, (int)flags);
	if (fd < 0)
		return fail("open_by_handle_at");
	if ((flags & O_ACCMODE) != O_RDONLY && write_all(fd, "x") < 0)
		return fail("write");
	return ok();
}

/* ---- where a path is resolved from ----------------------------------- */

/* after MILLISECONDS SUBCOMMAND [ARG]...: `later` in milliseconds. */
static int cmd_after(int argc, char **argv)
{
	long ms;
	if (!parse_long(argv[0], 10, &ms) || ms < 0)
		return usage_error("bad milliseconds '%s'", argv[0]);
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
	return run_command(argc - 1, argv + 1);
}

/* at DIR SUBCOMMAND [ARG]...: the *at subcommands resolve relative paths
 * from a fd of DIR (O_RDONLY|O_DIRECTORY; at-path: O_PATH) instead of the
 * cwd, and an argument "@NAME" becomes /proc/self/fd/N/NAME (a magic
 * link through that fd). */
static int run_at(int argc, char **argv, int oflags)
{
	int fd = open(argv[0], oflags | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return fail("open DIR");
	g_dirfd = fd;
	for (int i = 2; i < argc; i++)
		if (argv[i][0] == '@') {
			size_t len = strlen(argv[i]) + 32;
			char *s = malloc(len);
			if (!s)
				return fail("malloc");
			snprintf(s, len, "/proc/self/fd/%d/%s", fd, argv[i] + 1);
			argv[i] = s;
		}
	return run_command(argc - 1, argv + 1);
}

static int cmd_at(int argc, char **argv)
{
	return run_at(argc, argv, O_RDONLY);
}

static int cmd_at_path(int argc, char **argv)
{
	return run_at(argc, argv, O_PATH);
}

/* in DIR SUBCOMMAND [ARG]...: chdir first (relative paths from the cwd). */
static int cmd_in(int argc, char **argv)
{
	if (chdir(argv[0]) < 0)
		return fail("chdir");
	return run_command(argc - 1, argv + 1);
}

/* writeat DIR NAME [TEXT]: openat(fd of DIR, NAME, O_WRONLY|O_CREAT|O_TRUNC). */
static int cmd_writeat(int argc, char **argv)
{
	int dfd = open(argv[0], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return fail("open DIR");
	return finish_open(syscall(SYS_openat, dfd, argv[1],
				   O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666),
			   "openat", argc > 2 ? argv[2] : NULL);
}

/* ---- races against the broker ------------------------------------------- */

/* lstat's view of PATH, enough to see any change a write-class call makes
 * (ctime moves on chmod, chown, xattrs, utimes, link, truncate, write). */
struct file_state {
	int exists;
	dev_t dev;
	ino_t ino;
	mode_t mode;
	nlink_t nlink;
	off_t size;
	struct timespec mtime, ctime;
};

static struct file_state state_of(const char *path)
{
	struct file_state s;
	struct stat st;
	memset(&s, 0, sizeof s);
	if (lstat(path, &st) < 0)
		return s;
	s.exists = 1;
	s.dev = st.st_dev, s.ino = st.st_ino, s.mode = st.st_mode;
	s.nlink = st.st_nlink, s.size = st.st_size;
	s.mtime = st.st_mtim, s.ctime = st.st_ctim;
	return s;
}

static bool same_state(const struct file_state *a, const struct file_state *b)
{
	if (a->exists != b->exists)
		return false;
	return !a->exists ||
	       (a->dev == b->dev && a->ino == b->ino && a->mode == b->mode &&
		a->nlink == b->nlink && a->size == b->size &&
		a->mtime.tv_sec == b->mtime.tv_sec &&
		a->mtime.tv_nsec == b->mtime.tv_nsec &&
		a->ctime.tv_sec == b->ctime.tv_sec &&
		a->ctime.tv_nsec == b->ctime.tv_nsec);
}

/* A string flipper for paths: the racer copies GOOD and BAD (same length)
 * over the shared buffer as fast as it can; the main thread passes the
 * buffer to the syscall under test.  A broker that reads the path, checks
 * it, and lets the kernel read it again would act on BAD. */
struct path_race_counts {
	long allowed, refused, other;
	int first_other;
};

static void count_result(struct path_race_counts *c, long rc)
{
	if (rc >= 0)
		c->allowed++;
	else if (errno == EACCES || errno == EPERM || errno == EXDEV)
		c->refused++;
	else {
		if (!c->other)
			c->first_other = errno;
		c->other++;
	}
}

static long race_one(const char *op, const char *shared, const char *good,
		     const char *aux)
{
	struct timespec ts[2] = {{TRY_TIME, 0}, {TRY_TIME, 0}};
	long rc;
	/* Per-iteration preparation on the allowed names only (these calls
	 * go through the broker too, with fixed paths). */
	if (strcmp(op, "create") == 0 || strcmp(op, "mknod") == 0 ||
	    strcmp(op, "symlink") == 0 || strcmp(op, "openat2") == 0 ||
	    strcmp(op, "link") == 0)
		unlink(good);
	if (strcmp(op, "mkdir") == 0)
		rmdir(good);
	if (strcmp(op, "rename") == 0) {
		unlink(good);
		close(open(aux, O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
	}
	if (strcmp(op, "rename-from") == 0 || strcmp(op, "link-from") == 0) {
		unlink(aux);
		close(open(good, O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
	}
	if (strcmp(op, "unlink") == 0)
		close(open(good, O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
	if (strcmp(op, "rmdir") == 0)
		mkdir(good, 0755);

	if (strcmp(op, "create") == 0) {
		rc = syscall(SYS_openat, AT_FDCWD, shared,
			     O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (rc >= 0)
			close((int)rc);
	} else if (strcmp(op, "openat2") == 0) {
		struct open_how how = {.flags = O_WRONLY | O_CREAT | O_CLOEXEC,
				       .mode = 0644};
		rc = syscall(SYS_openat2, AT_FDCWD, shared, &how, sizeof how);
		if (rc >= 0)
			close((int)rc);
	} else if (strcmp(op, "write") == 0) {
		rc = syscall(SYS_openat, AT_FDCWD, shared,
			     O_WRONLY | O_APPEND | O_CLOEXEC);
		if (rc >= 0) {
			if (write((int)rc, "x", 1) < 0)
				rc = -1;
			close((int)rc);
		}
	} else if (strcmp(op, "mkdir") == 0)
		rc = syscall(SYS_mkdir, shared, 0755);
	else if (strcmp(op, "mknod") == 0)
		rc = syscall(SYS_mknod, shared, S_IFIFO | 0644, 0);
	else if (strcmp(op, "symlink") == 0)
		rc = syscall(SYS_symlink, "target", shared);
	else if (strcmp(op, "link") == 0)
		rc = syscall(SYS_link, aux, shared);
	else if (strcmp(op, "link-from") == 0)
		rc = syscall(SYS_link, shared, aux);
	else if (strcmp(op, "rename") == 0)
		rc = syscall(SYS_rename, aux, shared);
	else if (strcmp(op, "rename-from") == 0)
		rc = syscall(SYS_rename, shared, aux);
	else if (strcmp(op, "unlink") == 0)
		rc = syscall(SYS_unlink, shared);
	else if (strcmp(op, "rmdir") == 0)
		rc = syscall(SYS_rmdir, shared);
	else if (strcmp(op, "chmod") == 0)
		rc = syscall(SYS_chmod, shared, 0600);
	else if (strcmp(op, "chown") == 0)
		rc = syscall(SYS_chown, shared, getuid(), getgid());
	else if (strcmp(op, "truncate") == 0)
		rc = syscall(SYS_truncate, shared, 0);
	else if (strcmp(op, "utimes") == 0)
		rc = syscall(SYS_utimensat, AT_FDCWD, shared, ts, 0);
	else if (strcmp(op, "setxattr") == 0)
		rc = syscall(SYS_setxattr, shared, "user.race", "1", 1, 0);
	else {
		errno = EINVAL;
		rc = -2;
	}
	return rc;
}

static const char *const race_ops[] = {
	"create", "openat2", "write", "mkdir", "mknod", "symlink", "link",
	"link-from", "rename", "rename-from", "unlink", "rmdir", "chmod",
	"chown", "truncate", "utimes", "setxattr", NULL,
};

/* race-path-memory ITERATIONS OP GOOD BAD: OP on a path buffer that a
 * second thread keeps rewriting between GOOD and BAD (same length).  GOOD
 * is allowed, BAD is denied; the state of BAD (lstat: existence, inode,
 * mode, links, size, mtime, ctime) is compared after every call, and the
 * first change is an escape: "ESCAPED ..." and exit 3.  Otherwise prints
 * "ok allowed=N refused=N other=N" (other: any errno but EACCES, EPERM and
 * EXDEV, with the first one named).  GOOD.aux is a scratch name next to
 * GOOD (the source of link and rename, the target of link-from and
 * rename-from).  OPs: create openat2 write mkdir mknod symlink link
 * link-from rename rename-from unlink rmdir chmod chown truncate utimes
 * setxattr. */
static int cmd_race_path_memory(int argc, char **argv)
{
	(void)argc;
	long iters;
	const char *op = argv[1], *good = argv[2], *bad = argv[3];
	if (!parse_long(argv[0], 10, &iters) || iters < 1)
		return usage_error("bad count '%s'", argv[0]);
	bool known = false;
	for (const char *const *o = race_ops; *o; o++)
		known = known || strcmp(*o, op) == 0;
	if (!known)
		return usage_error("unknown race operation '%s'", op);
	size_t len = strlen(good);
	if (strlen(bad) != len)
		return usage_error("GOOD and BAD must have the same length%s", "");
	char aux[PATH_MAX];
	snprintf(aux, sizeof aux, "%s.aux", good);
	if (strcmp(op, "link") == 0)
		close(open(aux, O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
	struct file_state before = state_of(bad);
	static char shared[PATH_MAX];
	memcpy(shared, good, len + 1);
	struct race r = {0, shared, good, bad, len + 1};
	pthread_t t;
	pthread_create(&t, NULL, flipper, &r);
	struct path_race_counts c = {0, 0, 0, 0};
	for (long i = 0; i < iters; i++) {
		long rc = race_one(op, shared, good, aux);
		int e = errno;
		struct file_state now = state_of(bad);
		if (!same_state(&before, &now)) {
			r.stop = 1;
			pthread_join(t, NULL);
			printf("ESCAPED: %s changed %s on try %ld (the call "
			       "returned %s)\n", op, bad, i,
			       rc >= 0 ? "ok" : errno_name(e));
			return 3;
		}
		errno = e;
		count_result(&c, rc);
	}
	r.stop = 1;
	pthread_join(t, NULL);
	printf("ok allowed=%ld refused=%ld other=%ld", c.allowed, c.refused,
	       c.other);
	if (c.other)
		printf(" (first %s)", errno_name(c.first_other));
	putchar('\n');
	return 0;
}

/* Count DIR's entries whose names start with PREFIX; -1 on error. */
static long count_prefixed(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	long n = 0;
	struct dirent *de;
	size_t plen = strlen(prefix);
	while ((de = readdir(d)))
		n += strncmp(de->d_name, prefix, plen) == 0;
	closedir(d);
	return n;
}

struct exchange_racer {
	volatile int stop;
	const char *a, *b;
	volatile long flips, errors;
	int first_errno;
};

static void *exchanger(void *arg)
{
	struct exchange_racer *x = arg;
	while (!x->stop) {
		if (syscall(SYS_renameat2, AT_FDCWD, x->a, AT_FDCWD, x->b,
			    RENAME_EXCHANGE) == 0)
			x->flips++;
		else if (!x->errors++)
			x->first_errno = errno;
	}
	return NULL;
}

/* Until the racer has made COUNT attempts (at most a second): a race
 * whose racer has not started yet tests nothing. */
static void await_racer(volatile long *a, volatile long *b, long count)
{
	for (int i = 0; i < 1000 && *a + *b < count; i++) {
		struct timespec ms = {0, 1000000};
		nanosleep(&ms, NULL);
	}
}

/* race-symlink ITERATIONS DIR DENIED [thread|none|relative|cwd]: DIR/x is
 * a real directory and DIR/y a symlink to DENIED; a racer thread keeps
 * swapping them (renameat2 RENAME_EXCHANGE) while the main thread creates
 * DIR/x/race-N.  "none": no racer thread (an outside process swaps, see
 * `exchange-loop`).  "relative": the same names relative to DIR, the
 * working directory; "cwd": the working directory is the real directory
 * itself, whatever its name, and the names are bare (every create belongs
 * in it).  Prints "ok escapes=0 flips=N created=N refused=N" and exits 0,
 * or exits 3 when any race-* file landed in DENIED. */
static int cmd_race_symlink(int argc, char **argv)
{
	long iters;
	const char *mode = argc > 3 ? argv[3] : "thread";
	if (!parse_long(argv[0], 10, &iters) || iters < 1)
		return usage_error("bad count '%s'", argv[0]);
	if (strcmp(mode, "thread") != 0 && strcmp(mode, "none") != 0 &&
	    strcmp(mode, "relative") != 0 && strcmp(mode, "cwd") != 0)
		return usage_error("bad racer '%s'", mode);
	char x[PATH_MAX], y[PATH_MAX], file[PATH_MAX + 32];
	snprintf(x, sizeof x, "%s/x", argv[1]);
	snprintf(y, sizeof y, "%s/y", argv[1]);
	long before = count_prefixed(argv[2], "race-");
	if (before < 0)
		return fail("opendir DENIED");
	bool threaded = strcmp(mode, "none") != 0;
	if (threaded) {
		if (mkdir(x, 0755) < 0 && errno != EEXIST)
			return fail("mkdir DIR/x");
		if (symlink(argv[2], y) < 0 && errno != EEXIST)
			return fail("symlink DIR/y");
	}
	const char *name_fmt = "%s/race-%d-%ld", *name_dir = x;
	if (strcmp(mode, "relative") == 0) {
		if (chdir(argv[1]) < 0)
			return fail("chdir DIR");
		name_dir = "x";
	} else if (strcmp(mode, "cwd") == 0) {
		struct stat st;
		if (lstat(x, &st) < 0 || !S_ISDIR(st.st_mode))
			return usage_error("%s is not a directory: use a fresh DIR", x);
		if (chdir(x) < 0)
			return fail("chdir DIR/x");
		name_fmt = "%.0srace-%d-%ld";
	}
	struct exchange_racer r = {0, x, y, 0, 0, 0};
	pthread_t t;
	if (threaded) {
		pthread_create(&t, NULL, exchanger, &r);
		await_racer(&r.flips, &r.errors, 2);
	} else {
		/* The outside racer is running once x has been the link. */
		struct stat st;
		for (int i = 0; i < 2000; i++) {
			if (lstat(x, &st) == 0 && S_ISLNK(st.st_mode))
				break;
			struct timespec ms = {0, 500000};
			nanosleep(&ms, NULL);
		}
	}
	long created = 0, refused = 0, other = 0;
	pid_t me = getpid();
	for (long i = 0; i < iters; i++) {
		snprintf(file, sizeof file, name_fmt, name_dir, (int)me, i);
		int fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
			      0644);
		if (fd >= 0) {
			close(fd);
			created++;
		} else if (errno == EACCES || errno == EPERM)
			refused++;
		else
			other++;
	}
	r.stop = 1;
	if (threaded)
		pthread_join(t, NULL);
	long after = count_prefixed(argv[2], "race-");
	long escapes = after - before;
	printf("%s escapes=%ld flips=%ld created=%ld refused=%ld other=%ld",
	       escapes ? "ESCAPED:" : "ok", escapes, r.flips, created, refused,
	       other);
	if (r.errors && !r.flips)
		printf(" (racer: %s)", errno_name(r.first_errno));
	putchar('\n');
	return escapes ? 3 : 0;
}

/* exchange-loop SECONDS A B [STOPFILE]: swap A and B (RENAME_EXCHANGE)
 * for SECONDS, or until STOPFILE exists, an even number of times; prints
 * "ok flips=N".  The racer of `race-symlink ... none`, run outside the
 * sandbox. */
static int cmd_exchange_loop(int argc, char **argv)
{
	long seconds;
	if (!parse_long(argv[0], 10, &seconds) || seconds < 0)
		return usage_error("bad seconds '%s'", argv[0]);
	struct timespec start, now;
	clock_gettime(CLOCK_MONOTONIC, &start);
	long flips = 0;
	do {
		for (int k = 0; k < 2; k++)
			if (syscall(SYS_renameat2, AT_FDCWD, argv[1], AT_FDCWD,
				    argv[2], RENAME_EXCHANGE) < 0)
				return fail("renameat2(RENAME_EXCHANGE)");
		flips += 2;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (argc > 3 && (flips & 255) == 0 && access(argv[3], F_OK) == 0)
			break;
	} while (now.tv_sec - start.tv_sec < seconds);
	printf("ok flips=%ld\n", flips);
	return 0;
}

struct rename_racer {
	volatile int stop;
	const char *src, *dst;
	volatile long moved, errors;
	int first_errno;
};

static void *mover(void *arg)
{
	struct rename_racer *m = arg;
	while (!m->stop) {
		if (syscall(SYS_rename, m->src, m->dst) == 0) {
			m->moved++;
			/* Back again, so the creator keeps finding SRC. */
			while (syscall(SYS_rename, m->dst, m->src) < 0 &&
			       !m->stop)
				;
		} else if (!m->errors++)
			m->first_errno = errno;
	}
	return NULL;
}

/* race-rename ITERATIONS SRC DST: a racer thread renames the directory
 * SRC to DST (a denied place: moving a tree into a deny, or a deny's
 * tree out) and back, while the main thread creates SRC/race-N through
 * SRC's path and through a fd of SRC held from the start.  Every
 * successful move is an escape, and so is any race-* file under DST at
 * the end.  Prints "ok moved=0 created=N racer=ERRNO" or "ESCAPED: ..."
 * (exit 3). */
/* race-type-swap ITER DIR DEST: in DIR a racer thread keeps exchanging a
 * file "f" with a directory "d" holding hooks/pre-commit, while the main
 * thread keeps renaming DIR/f to DEST (where the tree would plant a denied
 * path).  Prints "ok N EXDEV, M renamed files" or "ESCAPED" (exit 3) when
 * a directory ever landed at DEST. */
static volatile int type_swap_stop;
static const char *type_swap_dir;

static void *type_swap_racer(void *arg)
{
	(void)arg;
	char f[PATH_MAX], d[PATH_MAX];
	snprintf(f, sizeof f, "%s/f", type_swap_dir);
	snprintf(d, sizeof d, "%s/d", type_swap_dir);
	while (!type_swap_stop)
		syscall(SYS_renameat2, AT_FDCWD, f, AT_FDCWD, d,
			1 << 1 /* RENAME_EXCHANGE */);
	return NULL;
}

static int cmd_race_type_swap(int argc, char **argv)
{
	(void)argc;
	long iter = atol(argv[0]);
	type_swap_dir = argv[1];
	const char *dest = argv[2];
	char path[PATH_MAX], f[PATH_MAX];
	snprintf(path, sizeof path, "%s/d", argv[1]);
	mkdir(path, 0755);
	snprintf(path, sizeof path, "%s/d/hooks", argv[1]);
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		return fail("mkdir");
	snprintf(path, sizeof path, "%s/d/hooks/pre-commit", argv[1]);
	snprintf(f, sizeof f, "%s/f", argv[1]);
	int fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0755);
	int fd2 = open(f, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	if (fd < 0 || fd2 < 0)
		return fail("open");
	close(fd);
	close(fd2);
	pthread_t t;
	if (pthread_create(&t, NULL, type_swap_racer, NULL) != 0)
		return fail("pthread_create");
	long exdev = 0, files = 0;
	int escaped = 0;
	for (long i = 0; i < iter && !escaped; i++) {
		if (rename(f, dest) < 0) {
			exdev += errno == EXDEV;
			continue;
		}
		struct stat st;
		if (lstat(dest, &st) == 0 && S_ISDIR(st.st_mode))
			escaped = 1;
		else
			files += rename(dest, f) == 0;
	}
	type_swap_stop = 1;
	pthread_join(t, NULL);
	if (escaped) {
		printf("ESCAPED\n");
		return 3;
	}
	printf("ok %ld EXDEV, %ld renamed files\n", exdev, files);
	return 0;
}

static int cmd_race_rename(int argc, char **argv)
{
	(void)argc;
	long iters;
	const char *src = argv[1], *dst = argv[2];
	if (!parse_long(argv[0], 10, &iters) || iters < 1)
		return usage_error("bad count '%s'", argv[0]);
	int dfd = open(src, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return fail("open SRC");
	struct rename_racer m = {0, src, dst, 0, 0, 0};
	pthread_t t;
	pthread_create(&t, NULL, mover, &m);
	await_racer(&m.moved, &m.errors, 1);
	long created = 0;
	char file[PATH_MAX + 32], name[64];
	pid_t me = getpid();
	for (long i = 0; i < iters; i++) {
		snprintf(file, sizeof file, "%s/race-%d-p%ld", src, (int)me, i);
		int fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
			      0644);
		if (fd >= 0)
			created++, close(fd);
		snprintf(name, sizeof name, "race-%d-f%ld", (int)me, i);
		fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
			    0644);
		if (fd >= 0)
			created++, close(fd);
	}
	m.stop = 1;
	pthread_join(t, NULL);
	/* SRC is back in place (the mover always returns it). */
	long left = count_prefixed(dst, "race-");
	if (left < 0)
		left = 0;
	printf("%s moved=%ld left_in_dst=%ld created=%ld racer=%s\n",
	       m.moved || left ? "ESCAPED:" : "ok", m.moved, left, created,
	       m.errors ? errno_name(m.first_errno) : "-");
	return m.moved || left ? 3 : 0;
}

/* ---- terminals ------------------------------------------------------- */

static int cmd_tiocsti(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	/* The kernel itself refuses TIOCSTI on a terminal that is not the
	 * caller's controlling one (without CAP_SYS_ADMIN), so the baseline
	 * would fail for the wrong reason: make a fresh pty our controlling
	 * terminal first, in a child so that setsid(2) cannot fail. */
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0)
		return fail("fork");
	if (pid == 0) {
		if (setsid() < 0)
			_exit(fail("setsid"));
		int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
		if (master < 0)
			_exit(fail("posix_openpt"));
		if (grantpt(master) < 0 || unlockpt(master) < 0)
			_exit(fail("grantpt/unlockpt"));
		const char *name = ptsname(master);
		if (!name)
			_exit(fail("ptsname"));
		/* No O_NOCTTY: a session leader acquires it here. */
		int slave = open(name, O_RDWR | O_CLOEXEC);
		if (slave < 0)
			_exit(fail("open pts"));
		char c = 'x';
		if (ioctl(slave, TIOCSTI, &c) < 0)
			_exit(fail("ioctl(TIOCSTI)"));
		_exit(ok());
	}
	int status;
	if (waitpid(pid, &status, 0) < 0)
		return fail("waitpid");
	return WIFEXITED(status) ? WEXITSTATUS(status) : EXIT_SIGNALLED;
}

static bool parse_fd(const char *s, int *fd)
{
	long v;
	if (!parse_long(s, 10, &v) || v < 0 || v > INT_MAX)
		return false;
	*fd = (int)v;
	return true;
}

static int cmd_tiocsti_fd(int argc, char **argv)
{
	(void)argc;
	int fd;
	if (!parse_fd(argv[0], &fd))
		return usage_error("bad fd '%s'", argv[0]);
	/* Pushes an empty line's worth of nothing harmful: one space. */
	char c = ' ';
	return ioctl(fd, TIOCSTI, &c) < 0 ? fail("ioctl(TIOCSTI)") : ok();
}

static int cmd_tioclinux(int argc, char **argv)
{
	(void)argc;
	int fd;
	if (!parse_fd(argv[0], &fd))
		return usage_error("bad fd '%s'", argv[0]);
	/* Subcode 6 (TIOCL_GETSHIFTSTATE) only reads; the filter refuses the
	 * whole ioctl (TIOCL_PASTESEL is the dangerous subcode). */
	char subcode[2] = {6, 0};
	return ioctl(fd, TIOCLINUX, subcode) < 0 ? fail("ioctl(TIOCLINUX)")
						  : ok();
}

/* ---- io_uring and seccomp ------------------------------------------- */

static int io_uring_new(void)
{
	struct io_uring_params params;
	memset(&params, 0, sizeof params);
	return (int)syscall(__NR_io_uring_setup, 4, &params);
}

static int cmd_io_uring(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	int fd = io_uring_new();
	if (fd < 0)
		return fail("io_uring_setup");
	close(fd);
	return ok();
}

static int install_allow_all(unsigned flags)
{
	struct sock_filter allow[] = {
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {.len = 1, .filter = allow};
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return fail("prctl(NO_NEW_PRIVS)");
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog) < 0)
		return fail("seccomp");
	return ok();
}

static int cmd_seccomp_listener(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	/* Owning a listener would let the tool approve its own trapped
	 * calls once a supervisor exists (THREATS.md #3). */
	return install_allow_all(SECCOMP_FILTER_FLAG_NEW_LISTENER);
}

static int cmd_seccomp_filter(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	/* Plain filters only narrow: tools that sandbox themselves need it. */
	return install_allow_all(0);
}

/* Run PROGRAM under a filter that refuses pidfd_getfd(2) with EPERM, as
 * Yama or another security module refuses it to a process that may not
 * trace the target. */
/* Load PROG (N instructions) and exec ARGV[0] under it. */
static int exec_filtered(struct sock_filter *prog, size_t n, char **argv)
{
	struct sock_fprog fprog = {.len = (unsigned short)n, .filter = prog};
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return fail("prctl(NO_NEW_PRIVS)");
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog) < 0)
		return fail("seccomp");
	execv(argv[0], argv);
	return fail("execv");
}

static int refuse_getfd(char **argv)
{
	struct sock_filter prog[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 0, 2),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_pidfd_getfd, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
	};
	return exec_filtered(prog, sizeof prog / sizeof prog[0], argv + 1);
}

/* Run PROGRAM under a filter that refuses one use of seccomp(2), as an
 * enclosing sandbox's filter may: "listener", a filter with a new listener
 * (EPERM, as landstrip's own static filter refuses it, THREATS.md #3), or
 * "notify", the notification sizes (EINVAL, as a kernel before 5.0 answers:
 * no notifications at all).  For a supervisor started in such a place.
 * Or "getfd": pidfd_getfd(2) (refuse_getfd). */
static int cmd_seccomp_refuse(int argc, char **argv)
{
	(void)argc;
	if (strcmp(argv[0], "getfd") == 0)
		return refuse_getfd(argv);
	bool listener = strcmp(argv[0], "listener") == 0;
	if (!listener && strcmp(argv[0], "notify") != 0)
		return usage_error("refuse what? '%s' (listener, notify, getfd)",
				   argv[0]);
	/* x86-64 seccomp(OP, FLAGS, ...): OP, and for a listener FLAGS, decide */
	struct sock_filter prog[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 0, 6),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_seccomp, 0, 4),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
			 listener ? SECCOMP_SET_MODE_FILTER : SECCOMP_GET_NOTIF_SIZES,
			 0, 2),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[1])),
		/* "notify": refused whatever FLAGS is (both ways lead there) */
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K,
			 listener ? SECCOMP_FILTER_FLAG_NEW_LISTENER : 0xffffffffU,
			 1, listener ? 0 : 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_RET | BPF_K,
			 SECCOMP_RET_ERRNO | (listener ? EPERM : EINVAL)),
	};
	return exec_filtered(prog, sizeof prog / sizeof prog[0], argv + 1);
}

static int cmd_landlock_abi(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	/* The kernel's own answer, for tests that need a given ABI: not
	 * what landstrip-exec --doctor makes of it. */
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0,
			   1U << 0 /* LANDLOCK_CREATE_RULESET_VERSION */);
	if (abi < 0)
		return fail("landlock_create_ruleset(VERSION)");
	printf("%ld\n", abi);
	return 0;
}

/* ---- other syscall ABIs ------------------------------------------------ */

/* Run CHILD in a fork and report how it ended: "killed SIGxxx" and exit 2
 * when a signal ended it, else the child's own output and status. */
static int in_child(int (*child)(void))
{
	/* A seccomp kill dumps core: keep the test directory clean. */
	struct rlimit none = {0, 0};
	setrlimit(RLIMIT_CORE, &none);
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0)
		return fail("fork");
	if (pid == 0)
		_exit(child());
	int status;
	if (waitpid(pid, &status, 0) < 0)
		return fail("waitpid");
	if (WIFSIGNALED(status)) {
		printf("killed %s\n", signal_name(WTERMSIG(status)));
		return EXIT_SIGNALLED;
	}
	return WEXITSTATUS(status);
}

static int i386_getpid(void)
{
	/* getpid is 20 in the i386 table; a kernel without IA32 emulation
	 * answers with SIGSEGV, which the caller reports too. */
	long ret = 20;
	__asm__ volatile("int $0x80" : "+a"(ret) : : "memory");
	if (ret < 0 && ret > -4096) {
		errno = (int)-ret;
		return fail("int 0x80");
	}
	return ok();
}

static int x32_getpid(void)
{
	/* getpid (39) with the x32 bit: this kernel may lack x32 (ENOSYS)
	 * but the filter must kill before that is decided. */
	if (syscall(0x40000000L | 39) < 0)
		return fail("x32 syscall");
	return ok();
}

static int cmd_i386(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return in_child(i386_getpid);
}

static int cmd_x32(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return in_child(x32_getpid);
}

/* ---- other processes ------------------------------------------------- */

static bool parse_pid(const char *s, pid_t *pid)
{
	long v;
	if (!parse_long(s, 10, &v) || v < -INT_MAX || v > INT_MAX)
		return false;
	*pid = (pid_t)v;
	return true;
}

static int cmd_kill(int argc, char **argv)
{
	pid_t pid;
	long sig = SIGTERM;
	if (!parse_pid(argv[0], &pid))
		return usage_error("bad pid '%s'", argv[0]);
	if (argc > 1 && (!parse_long(argv[1], 10, &sig) || sig < 0 || sig > 64))
		return usage_error("bad signal '%s'", argv[1]);
	return kill(pid, (int)sig) < 0 ? fail("kill") : ok();
}

static int cmd_ptrace(int argc, char **argv)
{
	(void)argc;
	pid_t pid;
	if (!parse_pid(argv[0], &pid))
		return usage_error("bad pid '%s'", argv[0]);
	if (ptrace(PTRACE_ATTACH, pid, 0, 0) < 0)
		return fail("ptrace(ATTACH)");
	int status;
	/* Wait for the attach stop before detaching, or DETACH fails. */
	if (waitpid(pid, &status, __WALL) < 0)
		return fail("waitpid");
	if (ptrace(PTRACE_DETACH, pid, 0, 0) < 0)
		return fail("ptrace(DETACH)");
	return ok();
}

static int cmd_pidfd_getfd(int argc, char **argv)
{
	(void)argc;
	pid_t pid;
	int target;
	if (!parse_pid(argv[0], &pid))
		return usage_error("bad pid '%s'", argv[0]);
	if (!parse_fd(argv[1], &target))
		return usage_error("bad fd '%s'", argv[1]);
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0)
		return fail("pidfd_open");
	int fd = (int)syscall(SYS_pidfd_getfd, pidfd, target, 0);
	if (fd < 0)
		return fail("pidfd_getfd");
	close(fd);
	close(pidfd);
	return ok();
}

/* Start of PID's first mapping from /proc/PID/maps; 0 when unreadable. */
static uintptr_t first_mapping(pid_t pid)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/maps", (int)pid);
	FILE *f = fopen(path, "re");
	if (!f) {
		fprintf(stderr, "try: %s: %s (reading at a guessed address)\n",
			path, strerror(errno));
		return 0;
	}
	uintptr_t start = 0;
	if (fscanf(f, "%" SCNxPTR, &start) != 1)
		start = 0;
	fclose(f);
	return start;
}

static int cmd_vm_read(int argc, char **argv)
{
	(void)argc;
	pid_t pid;
	if (!parse_pid(argv[0], &pid))
		return usage_error("bad pid '%s'", argv[0]);
	/* When the maps are hidden from us, still make the call under test:
	 * its access check comes before the address is looked at. */
	static const char guess = 0;
	uintptr_t addr = first_mapping(pid);
	if (!addr)
		addr = (uintptr_t)&guess;
	char byte;
	struct iovec local = {&byte, 1};
	struct iovec remote = {(void *)addr, 1};
	if (process_vm_readv(pid, &local, 1, &remote, 1, 0) < 0)
		return fail("process_vm_readv");
	return ok();
}

static int compare_ints(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

static int cmd_fds(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	DIR *dir = opendir("/proc/self/fd");
	if (!dir)
		return fail("opendir /proc/self/fd");
	int self = dirfd(dir);
	int fds[1024];
	size_t count = 0;
	struct dirent *de;
	while ((de = readdir(dir)) && count < sizeof fds / sizeof fds[0]) {
		long fd;
		if (!parse_long(de->d_name, 10, &fd) || fd == self)
			continue;
		fds[count++] = (int)fd;
	}
	closedir(dir);
	qsort(fds, count, sizeof fds[0], compare_ints);
	for (size_t i = 0; i < count; i++)
		printf("%s%d", i ? " " : "", fds[i]);
	putchar('\n');
	return 0;
}

/* Put NEWFD at FD without FD_CLOEXEC (dup2 clears it), then run CMD. */
static int exec_with_fd(int newfd, const char *fdarg, char **cmd)
{
	int fd;
	if (!parse_fd(fdarg, &fd))
		return usage_error("bad fd '%s'", fdarg);
	if (newfd != fd) {
		if (dup2(newfd, fd) < 0)
			return fail("dup2");
		close(newfd);
	} else if (fcntl(fd, F_SETFD, 0) < 0) {
		return fail("fcntl");
	}
	fflush(stdout);
	execvp(cmd[0], cmd);
	return fail("execvp");
}

/* COUNT times: create DIR/xN with MODE (octal), write a two-line script,
 * close it, and execute it at once in a child (through vfork, so the exec
 * follows the close within microseconds).  A supervisor that still held
 * its copy of the file open for writing would make the exec fail with
 * ETXTBSY.  Prints "ok", or the first errno with its round. */
static int cmd_write_exec(int argc, char **argv)
{
	(void)argc;
	long count, mode;
	if (!parse_long(argv[1], 10, &count) || count < 1 ||
	    !parse_long(argv[2], 8, &mode) || mode < 0 || mode > 07777)
		return usage_error("bad COUNT or MODE%s", "");
	static const char script[] = "#!/bin/sh\nexit 0\n";
	for (long i = 0; i < count; i++) {
		char path[4096];
		snprintf(path, sizeof path, "%s/x%ld", argv[0], i);
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			      (mode_t)mode);
		if (fd < 0)
			return fail("open");
		if (write(fd, script, sizeof script - 1) < 0)
			return fail("write");
		close(fd);
		if (!(mode & 0100) && chmod(path, 0755) < 0)
			return fail("chmod");
		char *args[] = {path, NULL};
		int status;
		pid_t pid = vfork();
		if (pid == 0) {
			execv(path, args);
			_exit(errno == ETXTBSY ? 98 : 99);
		}
		if (pid < 0 || waitpid(pid, &status, 0) < 0)
			return fail("vfork");
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			printf("%s in round %ld\n",
			       WIFEXITED(status) && WEXITSTATUS(status) == 98
				       ? "ETXTBSY" : "failed", i);
			return 1;
		}
	}
	return ok();
}

static int cmd_with_uring(int argc, char **argv)
{
	(void)argc;
	/* An inherited ring is a side door past every syscall filter:
	 * the shim must close it before the tool runs. */
	int ring = io_uring_new();
	if (ring < 0)
		return fail("io_uring_setup");
	return exec_with_fd(ring, argv[0], argv + 1);
}

static int cmd_with_socket(int argc, char **argv)
{
	long family, type, proto;
	(void)argc;
	if (!parse_socket_args(argv + 1, 2, &family, &type, &proto))
		return EXIT_USAGE;
	/* An unconnected socket made outside the sandbox: what a caller
	 * could hand the tool without it calling socket(2) itself. */
	int s = socket((int)family, (int)type, 0);
	if (s < 0)
		return fail("socket");
	return exec_with_fd(s, argv[0], argv + 3);
}

static int cmd_sleep(int argc, char **argv)
{
	(void)argc;
	long seconds;
	if (!parse_long(argv[0], 10, &seconds) || seconds < 0)
		return usage_error("bad duration '%s'", argv[0]);
	/* A Yama ptrace_scope of 1 would refuse the unconfined baseline of
	 * the ptrace tests; allow any tracer so only the sandbox refuses. */
	prctl(PR_SET_PTRACER, PR_SET_PTRACER_ANY, 0, 0, 0);
	unsigned left = (unsigned)seconds;
	while (left)
		left = sleep(left);
	return ok();
}

/* ---- dispatch ------------------------------------------------------------ */

struct command {
	const char *name;
	int min_args, max_args; /* max -1: any number */
	int (*run)(int argc, char **argv);
	const char *args;
};

static const struct command commands[] = {
	/* file system */
	{"write", 1, 2, cmd_write, "PATH [TEXT]"},
	{"create", 1, 1, cmd_create, "PATH"},
	{"append", 1, 2, cmd_append, "PATH [TEXT]"},
	{"read", 1, 1, cmd_read, "PATH"},
	{"write-exec", 3, 3, cmd_write_exec, "DIR COUNT MODE"},
	{"cat", 1, 1, cmd_cat, "PATH"},
	{"truncate", 1, 1, cmd_truncate, "PATH"},
	{"mkdir", 1, 1, cmd_mkdir, "PATH"},
	{"rmdir", 1, 1, cmd_rmdir, "PATH"},
	{"unlink", 1, 1, cmd_unlink, "PATH"},
	{"rename", 2, 2, cmd_rename, "OLD NEW"},
	{"link", 2, 2, cmd_link, "OLD NEW"},
	{"symlink", 2, 2, cmd_symlink, "TARGET LINK"},
	{"mkfifo", 1, 1, cmd_mkfifo, "PATH"},
	{"chmod", 2, 2, cmd_chmod, "PATH OCTAL"},
	{"listdir", 1, 1, cmd_listdir, "PATH"},
	{"exec", 1, -1, cmd_exec, "PATH [ARG]..."},
	/* write mediation: one raw syscall each; *at ones use `at`'s fd */
	{"open", 2, 3, cmd_open, "PATH FLAG,... [TEXT]"},
	{"openat", 2, 3, cmd_openat, "PATH FLAG,... [TEXT]"},
	{"openat2", 2, 3, cmd_openat2, "PATH FLAG,...[,RESOLVE...] [TEXT]"},
	{"creat", 1, 2, cmd_creat, "PATH [TEXT]"},
	{"open-info", 2, 2, cmd_open_info, "PATH FLAG,..."},
	{"mkdir-sys", 1, 1, cmd_mkdir_sys, "PATH"},
	{"mkdirat", 1, 1, cmd_mkdirat, "PATH"},
	{"mknod", 1, 2, cmd_mknod, "PATH [fifo|reg|sock|char|block]"},
	{"mknodat", 1, 2, cmd_mknodat, "PATH [fifo|reg|sock|char|block]"},
	{"mknod-char", 1, 1, cmd_mknod_char, "PATH"},
	{"symlink-sys", 2, 2, cmd_symlink_sys, "TARGET LINK"},
	{"symlinkat", 2, 2, cmd_symlinkat, "TARGET LINK"},
	{"link-sys", 2, 2, cmd_link_sys, "OLD NEW"},
	{"linkat", 2, 3, cmd_linkat, "OLD NEW [follow|empty]"},
	{"link-follow", 2, 2, cmd_link_follow, "OLD NEW"},
	{"rename-sys", 2, 2, cmd_rename_sys, "OLD NEW"},
	{"renameat", 2, 2, cmd_renameat, "OLD NEW"},
	{"renameat2", 2, 3, cmd_renameat2, "OLD NEW [exchange|noreplace|whiteout]"},
	{"rename-exchange", 2, 2, cmd_rename_exchange, "A B"},
	{"rename-noreplace", 2, 2, cmd_rename_noreplace, "OLD NEW"},
	{"unlink-sys", 1, 1, cmd_unlink_sys, "PATH"},
	{"unlinkat", 1, 2, cmd_unlinkat, "PATH [removedir]"},
	{"rmdir-sys", 1, 1, cmd_rmdir_sys, "PATH"},
	{"truncate-sys", 1, 2, cmd_truncate_sys, "PATH [LENGTH]"},
	{"chmod-sys", 2, 2, cmd_chmod_sys, "PATH OCTAL"},
	{"fchmodat", 2, 2, cmd_fchmodat, "PATH OCTAL"},
	{"fchmodat2", 2, 3, cmd_fchmodat2, "PATH OCTAL [nofollow|empty]"},
	{"chown", 1, 1, cmd_chown, "PATH"},
	{"lchown", 1, 1, cmd_lchown, "PATH"},
	{"fchownat", 1, 2, cmd_fchownat, "PATH [nofollow|empty]"},
	{"setxattr", 2, 3, cmd_setxattr, "PATH NAME [VALUE]"},
	{"lsetxattr", 2, 3, cmd_lsetxattr, "PATH NAME [VALUE]"},
	{"setxattrat", 2, 3, cmd_setxattrat, "PATH NAME [nofollow|empty]"},
	{"removexattr", 2, 2, cmd_removexattr, "PATH NAME"},
	{"lremovexattr", 2, 2, cmd_lremovexattr, "PATH NAME"},
	{"removexattrat", 2, 3, cmd_removexattrat, "PATH NAME [nofollow|empty]"},
	{"getxattr", 2, 2, cmd_getxattr, "PATH NAME"},
	{"utime", 1, 1, cmd_utime, "PATH"},
	{"utimes", 1, 1, cmd_utimes, "PATH"},
	{"futimesat", 1, 1, cmd_futimesat, "PATH"},
	{"utimensat", 1, 2, cmd_utimensat, "PATH [nofollow|empty]"},
	{"fdop", 3, 4, cmd_fdop, "PATH OPENFLAGS OP [ARG]"},
	{"fchmod-ro", 2, 2, cmd_fchmod_ro, "PATH OCTAL"},
	{"fchown-ro", 1, 1, cmd_fchown_ro, "PATH"},
	{"path-reopen", 1, 2, cmd_path_reopen, "PATH [FLAG,...]"},
	{"tmpfile-link", 2, 3, cmd_tmpfile_link, "DIR NEWPATH [proc|empty]"},
	{"open-by-handle", 2, 2, cmd_open_by_handle, "PATH FLAG,..."},
	{"after", 2, -1, cmd_after, "MILLISECONDS SUBCOMMAND [ARG]..."},
	{"at", 2, -1, cmd_at, "DIR SUBCOMMAND [ARG|@NAME]..."},
	{"at-path", 2, -1, cmd_at_path, "DIR SUBCOMMAND [ARG|@NAME]..."},
	{"in", 2, -1, cmd_in, "DIR SUBCOMMAND [ARG]..."},
	{"writeat", 2, 3, cmd_writeat, "DIR NAME [TEXT]"},
	{"race-path-memory", 4, 4, cmd_race_path_memory, "ITERATIONS OP GOOD BAD"},
	{"race-symlink", 3, 4, cmd_race_symlink, "ITERATIONS DIR DENIED [thread|none|relative|cwd]"},
	{"exchange-loop", 3, 4, cmd_exchange_loop, "SECONDS A B [STOPFILE]"},
	{"race-type-swap", 3, 3, cmd_race_type_swap, "ITER DIR DEST"},
	{"race-rename", 3, 3, cmd_race_rename, "ITERATIONS SRC DST"},
	/* network */
	{"socket", 2, 3, cmd_socket, "FAMILY TYPE [PROTO]"},
	{"socket-wide", 2, 3, cmd_socket_wide, "FAMILY TYPE [PROTO]"},
	{"socketpair", 2, 2, cmd_socketpair, "FAMILY TYPE"},
	{"connect", 2, 2, cmd_connect, "HOST PORT"},
	{"connect-fastopen", 2, 2, cmd_connect_fastopen, "HOST PORT"},
	{"bind", 2, 2, cmd_bind, "HOST PORT"},
	{"listen", 2, 2, cmd_listen, "HOST PORT"},
	{"listen-unbound", 0, 0, cmd_listen_unbound, ""},
	{"udp-send", 2, 2, cmd_udp_send, "HOST PORT"},
	{"getifaddrs", 0, 0, cmd_getifaddrs, ""},
	{"netlink-route", 0, 0, cmd_netlink_route, ""},
	{"unix-connect", 1, 2, cmd_unix_connect, "PATH [FD]"},
	{"abstract-connect", 1, 2, cmd_abstract_connect, "NAME [FD]"},
	/* mediated sockets */
	{"serve-self", 1, 1, cmd_serve_self, "HOST"},
	{"reuseport", 2, 3, cmd_reuseport, "HOST PORT [bind-only]"},
	{"bind-unspec", 0, 0, cmd_bind_unspec, ""},
	{"bind-race", 1, 1, cmd_bind_race, "ITERATIONS"},
	{"connect-race", 3, 3, cmd_connect_race, "GOODPORT BADPORT ITERATIONS"},
	{"unix-bind", 1, 1, cmd_unix_bind, "PATH"},
	{"abstract-bind", 1, 1, cmd_abstract_bind, "NAME"},
	{"unix-serve-self", 1, 1, cmd_unix_serve_self, "PATH"},
	{"abstract-serve-self", 1, 1, cmd_abstract_serve_self, "NAME"},
	{"bind-latency", 1, 1, cmd_bind_latency, "COUNT"},
	{"signal-storm", 2, 4, cmd_signal_storm, "bind|mkdir COUNT [DIR] [restart]"},
	{"background", 3, -1, cmd_background, "SECONDS OUTFILE SUBCOMMAND [ARG]..."},
	{"later", 2, -1, cmd_later, "SECONDS SUBCOMMAND [ARG]..."},
	{"unix-bind-len", 2, 2, cmd_unix_bind_len, "PATH N"},
	{"autobind-serve-self", 0, 0, cmd_autobind_serve_self, ""},
	{"bind-family", 3, 4, cmd_bind_family, "FAMILY HOST PORT [LEN]"},
	{"reuseport-after-bind", 2, 2, cmd_reuseport_after_bind, "HOST PORT"},
	{"session-junk", 1, 3, cmd_session_junk, "MODE [SECONDS [COUNT]]"},
	/* terminals */
	{"tiocsti", 0, 0, cmd_tiocsti, ""},
	{"tiocsti-fd", 1, 1, cmd_tiocsti_fd, "FD"},
	{"tioclinux", 1, 1, cmd_tioclinux, "FD"},
	/* io_uring, seccomp, ABIs */
	{"io-uring", 0, 0, cmd_io_uring, ""},
	{"seccomp-listener", 0, 0, cmd_seccomp_listener, ""},
	{"seccomp-filter", 0, 0, cmd_seccomp_filter, ""},
	{"seccomp-refuse", 2, -1, cmd_seccomp_refuse,
	 "listener|notify|getfd PROGRAM [ARG]..."},
	{"landlock-abi", 0, 0, cmd_landlock_abi, ""},
	{"i386", 0, 0, cmd_i386, ""},
	{"x32", 0, 0, cmd_x32, ""},
	/* processes and fds */
	{"kill", 1, 2, cmd_kill, "PID [SIGNUM]"},
	{"ptrace", 1, 1, cmd_ptrace, "PID"},
	{"pidfd-getfd", 2, 2, cmd_pidfd_getfd, "PID FD"},
	{"vm-read", 1, 1, cmd_vm_read, "PID"},
	{"fds", 0, 0, cmd_fds, ""},
	{"with-uring", 2, -1, cmd_with_uring, "FD CMD [ARG]..."},
	{"with-socket", 4, -1, cmd_with_socket, "FD FAMILY TYPE CMD [ARG]..."},
	{"sleep", 1, 1, cmd_sleep, "SECONDS"},
};

static int usage(void)
{
	fputs("usage: try SUBCOMMAND [ARG]...\n"
	      "prints ok (or the result) and exits 0, or prints the errno "
	      "name and exits 1\n",
	      stderr);
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(stderr, "  %s %s\n", commands[i].name, commands[i].args);
	return EXIT_USAGE;
}

static int run_command(int argc, char **argv)
{
	if (argc < 1)
		return usage();
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
		const struct command *c = &commands[i];
		if (strcmp(c->name, argv[0]) != 0)
			continue;
		int n = argc - 1;
		if (n < c->min_args || (c->max_args >= 0 && n > c->max_args)) {
			fprintf(stderr, "usage: try %s %s\n", c->name, c->args);
			return EXIT_USAGE;
		}
		return c->run(n, argv + 1);
	}
	fprintf(stderr, "try: unknown subcommand '%s'\n", argv[0]);
	return usage();
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage();
	/* stdout may be a pipe read after we die: never lose a line. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	return run_command(argc - 1, argv + 1);
}
