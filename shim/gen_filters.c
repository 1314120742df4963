/* Build-time generator of the shim's seccomp programs, with libseccomp.
 *
 *   gen_filters FILTERS.c FILTERS_TEST.c
 *
 * Every filter the shim may install is described here with libseccomp's
 * rule API, once for each set of options filter_options_for() can return
 * (shim/filter_plan.c, enumerated over all its inputs), and written out
 * with seccomp_export_bpf as C arrays that the shim embeds: libseccomp gets
 * the architecture checks (other ABIs and x32 killed), the 64-bit argument
 * split and the jump layout right, and none of it runs per exec.
 *
 * FILTERS_TEST.c gets what only the unit tests need: libseccomp's own view
 * of each program (seccomp_export_pfc of the same context), and the static
 * and listener parts of each combined program as programs of their own.
 *
 * The rules compare int arguments in their low 32 bits only (masked), as
 * the kernel truncates them (THREATS.md #7), wherever a match leads to a
 * refusal.  Where a rule must say "any other value", it is written as a
 * full-width range above the values kept and masked patterns below it, so
 * that a value with high bits set always falls to the refusing side: fail
 * closed. */
/* Two headers named seccomp.h: ours, found beside this file ("..."), and
 * libseccomp's, found on the system path (<...>).  Compile this file
 * without -Ishim, or the second would be ours too. */
#include "filter_plan.h"
#include "seccomp.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/fs.h>
#include <linux/netlink.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <seccomp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef FS_IOC32_SETFLAGS
#define FS_IOC32_SETFLAGS _IOW('f', 2, int)
#endif
#ifndef TIOCLINUX
#define TIOCLINUX 0x541C
#endif
#ifndef MSG_FASTOPEN
#define MSG_FASTOPEN 0x20000000
#endif
#ifndef SECCOMP_FILTER_FLAG_NEW_LISTENER
#define SECCOMP_FILTER_FLAG_NEW_LISTENER (1UL << 3)
#endif
/* Newer than libseccomp 2.5.4's tables: given by number (x86_64). */
#define NR_fchmodat2 452
#define NR_setxattrat 463
#define NR_removexattrat 466

#define SOCK_TYPE_MASK 0xf
#define MAX_PROGRAMS 64

static const char *generator_output;

__attribute__((noreturn, format(printf, 1, 2)))
static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "gen_filters: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	if (generator_output)
		unlink(generator_output); /* no half-written program */
	exit(1);
}

/* --- rules ---------------------------------------------------------------- */

/* One rule; a rule libseccomp refuses is a bug in this file. */
static void rule(scmp_filter_ctx ctx, uint32_t action, int nr,
		 unsigned n, const struct scmp_arg_cmp *cmp)
{
	int rc = seccomp_rule_add_exact_array(ctx, action, nr, n, cmp);
	if (rc < 0)
		die("syscall %d: rule refused by libseccomp: %s", nr,
		    strerror(-rc));
}

#define RULE(ctx, action, nr, ...)                                          \
	rule(ctx, action, nr,                                               \
	     sizeof((struct scmp_arg_cmp[]){__VA_ARGS__}) /                 \
		     sizeof(struct scmp_arg_cmp),                           \
	     (struct scmp_arg_cmp[]){__VA_ARGS__})
#define WHOLE(ctx, action, nr) rule(ctx, action, nr, 0, NULL)

/* Argument I, an int in the kernel, equal to V in its low 32 bits. */
#define LOW32(i, v) SCMP_CMP(i, SCMP_CMP_MASKED_EQ, 0xffffffffU, (v))
/* Any of the bits in B set in argument I. */
#define HAS_BIT(i, b) SCMP_CMP(i, SCMP_CMP_MASKED_EQ, (b), (b))

#define EACCES_ SCMP_ACT_ERRNO(EACCES)
#define EPERM_ SCMP_ACT_ERRNO(EPERM)
#define EAFNO_ SCMP_ACT_ERRNO(EAFNOSUPPORT)

/* A masked pattern: the values whose bits under MASK are DATUM. */
struct pattern {
	uint32_t mask, datum;
};

static bool in_list(uint64_t v, const uint64_t *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (list[i] == v)
			return true;
	return false;
}

/* A few masked patterns over the low BITS bits that together match every
 * value 0..HIGHEST not in KEEP[0..N) and no value in KEEP: one rule each
 * instead of one per value, so the program stays short (the kernel JIT-
 * compiles every instruction of it when it is attached).  Values above
 * HIGHEST that a pattern also matches must be refused by the caller with
 * the same action anyway.  Greedy: the pattern that matches most of what
 * is left, the one with fewer bits on a tie.  Returns the count. */
static size_t cover(unsigned bits, uint64_t highest, const uint64_t *keep,
		    size_t n, struct pattern *out, size_t cap)
{
	uint32_t all = (1U << bits) - 1;
	bool left[64] = {false};
	size_t count = 0;
	if (highest >= sizeof left / sizeof left[0] || bits > 6)
		die("cover: values up to %llu are more than it handles",
		    (unsigned long long)highest);
	for (uint64_t v = 0; v <= highest; v++)
		left[v] = !in_list(v, keep, n);
	for (;;) {
		struct pattern best = {0, 0};
		int best_gain = 0;
		for (uint32_t m = 0; m <= all; m++)
			for (uint32_t d = m;; d = (d - 1) & m) {
				bool clean = true;
				for (size_t i = 0; i < n && clean; i++)
					clean = (keep[i] & m) != d;
				int gain = 0;
				for (uint64_t v = 0; clean && v <= highest; v++)
					gain += left[v] && (v & m) == d;
				if (clean && (gain > best_gain ||
					      (gain == best_gain && gain > 0 &&
					       __builtin_popcount(m) <
						       __builtin_popcount(best.mask)))) {
					best = (struct pattern){m, d};
					best_gain = gain;
				}
				if (d == 0)
					break;
			}
		if (best_gain == 0)
			break;
		if (count == cap)
			die("too many patterns");
		out[count++] = best;
		for (uint64_t v = 0; v <= highest; v++)
			if ((v & best.mask) == best.datum)
				left[v] = false;
	}
	for (uint64_t v = 0; v <= highest; v++)
		if (left[v])
			die("value %llu cannot be refused by a pattern",
			    (unsigned long long)v);
	return count;
}

/* Argument 0 (the family of socket and socketpair) in its low 32 bits:
 * exactly F, or either of AF_INET and AF_INET6, which differ in one bit
 * (2 and 10): one rule for both keeps the program short. */
#define FAMILY(f) SCMP_CMP(0, SCMP_CMP_MASKED_EQ, 0xffffffffU, (f))
#define FAMILY_INET_ANY                                                     \
	SCMP_CMP(0, SCMP_CMP_MASKED_EQ, ~(uint32_t)(AF_INET ^ AF_INET6), AF_INET)
_Static_assert((AF_INET ^ AF_INET6) == 8 && (AF_INET & 8) == 0,
	       "AF_INET and AF_INET6 differ in bit 3 alone");

/* Argument ARG of NR refused with ACTION unless it is one of KEEP[0..N),
 * all of them at most HIGHEST (below 32): any value above HIGHEST, with
 * the high half compared too, and the rest by patterns over the low bits.
 * With a FAMILY comparison, only where argument 0 matches it. */
static void refuse_values_but(scmp_filter_ctx ctx, uint32_t action, int nr,
			      const struct scmp_arg_cmp *family, unsigned arg,
			      uint64_t highest, const uint64_t *keep, size_t n)
{
	unsigned bits = 0;
	while ((1ULL << bits) <= highest)
		bits++;
	struct pattern p[32];
	size_t np = cover(bits, highest, keep, n, p, 32);
	for (size_t i = 0; i <= np; i++) {
		/* The last one: everything above HIGHEST. */
		struct scmp_arg_cmp c =
			i < np ? SCMP_CMP(arg, SCMP_CMP_MASKED_EQ, p[i].mask,
					  p[i].datum)
			       : SCMP_CMP(arg, SCMP_CMP_GT, highest);
		if (!family)
			rule(ctx, action, nr, 1, &c);
		else
			RULE(ctx, action, nr, *family, c);
	}
}

/* socket(FAMILY, type, ...) refused with EACCES unless the type (4 bits,
 * without SOCK_NONBLOCK and SOCK_CLOEXEC) is one of KEEP[0..N). */
static void refuse_types_but(scmp_filter_ctx ctx, int nr,
			     struct scmp_arg_cmp family, const uint64_t *keep,
			     size_t n)
{
	struct pattern p[16];
	size_t np = cover(4, SOCK_TYPE_MASK, keep, n, p, 16);
	for (size_t i = 0; i < np; i++)
		RULE(ctx, EACCES_, nr, family,
		     SCMP_CMP(1, SCMP_CMP_MASKED_EQ, p[i].mask, p[i].datum));
}

static void socket_rules(scmp_filter_ctx ctx, const struct filter_options *o)
{
	int nr = SCMP_SYS(socket);
	/* Families other than these four: EAFNOSUPPORT, as a kernel
	 * without them would answer. */
	const uint64_t families[] = {AF_UNIX, AF_INET, AF_INET6, AF_NETLINK};
	refuse_values_but(ctx, EAFNO_, nr, NULL, 0, AF_NETLINK, families, 4);

	/* TCP only without the network: UDP, raw, SCTP and MPTCP are
	 * outside Landlock's TCP port rules and would reach the network
	 * unchecked (THREATS.md #5). */
	if (!o->allow_network) {
		const uint64_t stream[] = {SOCK_STREAM};
		const uint64_t tcp[] = {0, IPPROTO_TCP};
		const struct scmp_arg_cmp inet = FAMILY_INET_ANY;
		refuse_types_but(ctx, nr, inet, stream, 1);
		refuse_values_but(ctx, EACCES_, nr, &inet, 2, IPPROTO_TCP, tcp, 2);
	}
	/* Pathname unix sockets reach docker.sock and session buses, and
	 * Landlock does not mediate connect(2) to them (THREATS.md #1): no
	 * new unix socket without the supervisor, and with it only stream
	 * and seqpacket ones, whose connect(2) it decides.  A datagram
	 * socket could sendto(2) any pathname socket unmediated. */
	if (o->unix_streams) {
		const uint64_t connected[] = {SOCK_STREAM, SOCK_SEQPACKET};
		refuse_types_but(ctx, nr, FAMILY(AF_UNIX), connected, 2);
	} else {
		RULE(ctx, EACCES_, nr, FAMILY(AF_UNIX));
	}
	/* Routing queries (getifaddrs, AI_ADDRCONFIG) reach no network;
	 * every other netlink protocol is refused. */
	const uint64_t route[] = {NETLINK_ROUTE};
	const struct scmp_arg_cmp netlink = FAMILY(AF_NETLINK);
	refuse_values_but(ctx, EACCES_, nr, &netlink, 2, NETLINK_ROUTE, route, 1);
}

static void socketpair_rules(scmp_filter_ctx ctx)
{
	/* Stream and seqpacket pairs are connected for good; a datagram
	 * pair could be reconnected or sendto()'d to a pathname socket. */
	int nr = SCMP_SYS(socketpair);
	const uint64_t unix_only[] = {AF_UNIX};
	refuse_values_but(ctx, EAFNO_, nr, NULL, 0, AF_UNIX, unix_only, 1);
	const uint64_t connected[] = {SOCK_STREAM, SOCK_SEQPACKET};
	refuse_types_but(ctx, nr, FAMILY(AF_UNIX), connected, 2);
}

/* The rules that need no supervisor. */
static void static_rules(scmp_filter_ctx ctx, const struct filter_options *o)
{
	/* io_uring's operations bypass every filter on the plain syscalls;
	 * ENOSYS lets runtimes fall back (THREATS.md #6). */
	WHOLE(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(io_uring_setup));
	WHOLE(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(io_uring_enter));
	WHOLE(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(io_uring_register));

	/* Pushing keystrokes into the agent's terminal (THREATS.md #8), and
	 * inode flags (append-only, immutable...) and project attributes,
	 * changed through any descriptor, a read-only one on a denied file
	 * too, and checked by neither Landlock nor the supervisor. */
	const unsigned long refused_ioctls[] = {
		TIOCSTI, TIOCLINUX, FS_IOC_SETFLAGS, FS_IOC32_SETFLAGS,
		FS_IOC_FSSETXATTR,
	};
	for (size_t i = 0; i < sizeof refused_ioctls / sizeof *refused_ioctls; i++)
		RULE(ctx, EPERM_, SCMP_SYS(ioctl), LOW32(1, refused_ioctls[i]));

	/* A process that owned a listener could approve its own calls
	 * (THREATS.md #3). */
	RULE(ctx, EPERM_, SCMP_SYS(seccomp), LOW32(0, SECCOMP_SET_MODE_FILTER),
	     HAS_BIT(1, SECCOMP_FILTER_FLAG_NEW_LISTENER));

	if (!o->allow_network) {
		/* MSG_FASTOPEN connects from sendto/sendmsg without passing
		 * Landlock's connect check (THREATS.md #5). */
		RULE(ctx, EACCES_, SCMP_SYS(sendto), HAS_BIT(3, MSG_FASTOPEN));
		RULE(ctx, EACCES_, SCMP_SYS(sendmmsg), HAS_BIT(3, MSG_FASTOPEN));
		RULE(ctx, EACCES_, SCMP_SYS(sendmsg), HAS_BIT(2, MSG_FASTOPEN));
	}
	socket_rules(ctx, o);
	socketpair_rules(ctx);

	/* Nested under a mediating sandbox, our own narrower rules can only
	 * be said here: its supervisor would perform these unconfined. */
	if (o->deny_bind)
		WHOLE(ctx, EACCES_, SCMP_SYS(bind));
	if (o->deny_connect)
		WHOLE(ctx, EACCES_, SCMP_SYS(connect));
	/* listen(2) on an unbound TCP socket binds 0.0.0.0 without passing
	 * Landlock's bind check (THREATS.md #5); a supervisor checks it
	 * instead when one mediates. */
	if (!o->pass_listen)
		WHOLE(ctx, EACCES_, SCMP_SYS(listen));
}

/* The calls that write through a path or change metadata (the kernel's
 * list as of Linux 6.18), for mediated roots (supervisor/fsmediate.c).
 * open and openat trap only with a write flag: reads stay in the kernel. */
static const int write_calls[] = {
	SCMP_SYS(creat), SCMP_SYS(openat2), SCMP_SYS(mkdir), SCMP_SYS(mkdirat),
	SCMP_SYS(mknod), SCMP_SYS(mknodat), SCMP_SYS(symlink),
	SCMP_SYS(symlinkat), SCMP_SYS(link), SCMP_SYS(linkat),
	SCMP_SYS(rename), SCMP_SYS(renameat), SCMP_SYS(renameat2),
	SCMP_SYS(unlink), SCMP_SYS(unlinkat), SCMP_SYS(rmdir),
	SCMP_SYS(truncate), SCMP_SYS(chmod), SCMP_SYS(fchmod),
	SCMP_SYS(fchmodat), NR_fchmodat2, SCMP_SYS(chown), SCMP_SYS(fchown),
	SCMP_SYS(lchown), SCMP_SYS(fchownat), SCMP_SYS(setxattr),
	SCMP_SYS(lsetxattr), SCMP_SYS(fsetxattr), SCMP_SYS(removexattr),
	SCMP_SYS(lremovexattr), SCMP_SYS(fremovexattr), NR_setxattrat,
	NR_removexattrat, SCMP_SYS(utime), SCMP_SYS(utimes),
	SCMP_SYS(futimesat), SCMP_SYS(utimensat),
	SCMP_SYS(umask), /* only noted: the supervisor keeps umasks per thread */
};

/* The listener's part: the socket calls whose address or state must be
 * checked, and with WRITES the calls that write.  A call the static part
 * refuses (STATIC, or NULL for the listener's part alone) stays refused:
 * the two act as if stacked. */
static void listener_rules(scmp_filter_ctx ctx, bool writes, bool reads,
			   const struct filter_options *stat)
{
	if (!stat || !stat->deny_bind)
		WHOLE(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(bind));
	if (!stat || !stat->deny_connect)
		WHOLE(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(connect));
	if (!stat || stat->pass_listen)
		WHOLE(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(listen));
	if (!writes)
		return;
	for (size_t i = 0; i < sizeof write_calls / sizeof *write_calls; i++)
		WHOLE(ctx, SCMP_ACT_NOTIFY, write_calls[i]);
	if (reads) { /* with reads mediated too, every open */
		WHOLE(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(open));
		WHOLE(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(openat));
		return;
	}
	const unsigned write_flags[] = {O_WRONLY, O_RDWR, O_CREAT, O_TRUNC};
	for (size_t i = 0; i < 4; i++) {
		RULE(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(open), HAS_BIT(1, write_flags[i]));
		RULE(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(openat),
		     HAS_BIT(2, write_flags[i]));
	}
}

/* --- programs ------------------------------------------------------------- */

enum part { PART_ALL, PART_LISTENER_ONLY };

static scmp_filter_ctx describe(const struct filter_options *o, enum part part)
{
	/* The listener's part alone leaves other ABIs to the static part
	 * it is tested against; everything else kills them. */
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx)
		die("seccomp_init failed");
	uint32_t badarch = part == PART_LISTENER_ONLY ? SCMP_ACT_ALLOW
						      : SCMP_ACT_KILL_PROCESS;
	/* A binary tree by syscall number: the kernel runs the program for
	 * every syscall number when it is attached (the action cache), and
	 * on every call that is not cached, so fewer comparisons on the way
	 * to the common "allowed" leaf pay on every tool call. */
	if (seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, badarch) < 0 ||
	    seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2) < 0)
		die("cannot set the filter's attributes");
	if (part == PART_ALL)
		static_rules(ctx, o);
	if (o->listener)
		listener_rules(ctx, o->listener_writes, o->listener_reads,
			       part == PART_ALL ? o : NULL);
	return ctx;
}

/* Read back what an export function wrote into a temporary file. */
static char *export_to_memory(scmp_filter_ctx ctx,
			      int (*export)(const scmp_filter_ctx, int),
			      size_t *len)
{
	FILE *tmp = tmpfile();
	if (!tmp)
		die("tmpfile: %s", strerror(errno));
	int rc = export(ctx, fileno(tmp));
	if (rc < 0)
		die("export failed: %s", strerror(-rc));
	/* The export wrote to the fd, behind the stream's back. */
	long size;
	if (fseek(tmp, 0, SEEK_END) < 0 || (size = ftell(tmp)) < 0)
		die("cannot size the export");
	rewind(tmp);
	char *buf = malloc((size_t)size + 1);
	if (!buf || fread(buf, 1, (size_t)size, tmp) != (size_t)size)
		die("cannot read the export back");
	buf[size] = '\0';
	fclose(tmp);
	*len = (size_t)size;
	return buf;
}

static void emit_options(FILE *out, const struct filter_options *o)
{
	fprintf(out,
		"{.allow_network = %d, .unix_streams = %d, .pass_listen = %d, "
		".deny_bind = %d, .deny_connect = %d, .listener = %d, "
		".listener_writes = %d, .listener_reads = %d}",
		o->allow_network, o->unix_streams, o->pass_listen, o->deny_bind,
		o->deny_connect, o->listener, o->listener_writes,
		o->listener_reads);
}

/* The program for O as a static array NAME; its length. */
static size_t emit_program(FILE *out, const char *name,
			   const struct filter_options *o, enum part part,
			   char **pfc)
{
	scmp_filter_ctx ctx = describe(o, part);
	size_t len, pfc_len;
	char *bpf = export_to_memory(ctx, seccomp_export_bpf, &len);
	*pfc = export_to_memory(ctx, seccomp_export_pfc, &pfc_len);
	seccomp_release(ctx);
	size_t n = len / sizeof(struct sock_filter);
	if (n == 0 || n * sizeof(struct sock_filter) != len || n > BPF_MAXINSNS)
		die("%s: libseccomp exported %zu bytes", name, len);
	const struct sock_filter *f = (const struct sock_filter *)bpf;
	fprintf(out, "/* ");
	emit_options(out, o);
	fprintf(out, "%s */\nstatic const struct sock_filter %s[%zu] = {\n",
		part == PART_LISTENER_ONLY ? ", listener part alone" : "", name,
		n);
	for (size_t i = 0; i < n; i++)
		fprintf(out, "\t{0x%04x, %u, %u, 0x%08x},\n", f[i].code, f[i].jt,
			f[i].jf, f[i].k);
	fprintf(out, "};\n\n");
	free(bpf);
	return n;
}

static void emit_string(FILE *out, const char *s)
{
	fputs("\t\"", out);
	for (; *s; s++) {
		if (*s == '\n')
			fputs(s[1] ? "\\n\"\n\t\"" : "\\n", out);
		else if (*s == '"' || *s == '\\')
			fprintf(out, "\\%c", *s);
		else
			fputc(*s, out);
	}
	fputs("\",\n", out);
}

struct table {
	struct filter_options opt[MAX_PROGRAMS];
	size_t n;
};

static void add_unique(struct table *t, const struct filter_options *o)
{
	for (size_t i = 0; i < t->n; i++)
		if (filter_options_equal(&t->opt[i], o))
			return;
	if (t->n == MAX_PROGRAMS)
		die("more than %d filter variants", MAX_PROGRAMS);
	t->opt[t->n++] = *o;
}

/* Every options filter_options_for() can return, canonical, once. */
static void reachable(struct table *t)
{
	for (unsigned n = 0; n < FILTER_INPUTS_COUNT; n++) {
		struct filter_inputs in = filter_inputs_nth(n);
		struct filter_options o = filter_canonical(filter_options_for(&in));
		add_unique(t, &o);
	}
}

/* Write TABLE's programs under PREFIX into OUT, their PFC into TEST. */
static void emit_table(FILE *out, FILE *test, const char *prefix,
		       const struct table *t, enum part part)
{
	size_t len[MAX_PROGRAMS];
	char *pfc[MAX_PROGRAMS];
	for (size_t i = 0; i < t->n; i++) {
		char name[64];
		snprintf(name, sizeof name, "%s_%zu", prefix, i);
		len[i] = emit_program(out, name, &t->opt[i], part, &pfc[i]);
	}
	fprintf(out, "const struct filter_program %s[] = {\n", prefix);
	for (size_t i = 0; i < t->n; i++) {
		fprintf(out, "\t{");
		emit_options(out, &t->opt[i]);
		fprintf(out, ", %zu, %s_%zu},\n", len[i], prefix, i);
	}
	fprintf(out, "};\nconst size_t %s_count = %zu;\n\n", prefix, t->n);
	fprintf(test, "const char *const %s_pfc[] = {\n", prefix);
	for (size_t i = 0; i < t->n; i++) {
		emit_string(test, pfc[i]);
		free(pfc[i]);
	}
	fprintf(test, "};\n\n");
}

static FILE *open_output(const char *path)
{
	FILE *f = fopen(path, "w");
	if (!f)
		die("%s: %s", path, strerror(errno));
	const struct scmp_version *v = seccomp_version();
	fprintf(f,
		"/* Generated by shim/gen_filters.c with libseccomp %u.%u.%u: "
		"do not edit. */\n#include \"seccomp.h\"\n\n"
		"#include <linux/filter.h>\n\n",
		v->major, v->minor, v->micro);
	return f;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: gen_filters FILTERS.c FILTERS_TEST.c\n");
		return 2;
	}
	struct table shim = {.n = 0}, parts = {.n = 0}, listeners = {.n = 0};
	reachable(&shim);
	/* For the tests: each combined program's two parts on their own. */
	for (size_t i = 0; i < shim.n; i++) {
		if (!shim.opt[i].listener)
			continue;
		struct filter_options s = shim.opt[i];
		s.listener = s.listener_writes = s.listener_reads = false;
		add_unique(&parts, &s);
		struct filter_options l = {.listener = true,
					   .listener_writes = shim.opt[i].listener_writes,
					   .listener_reads = shim.opt[i].listener_reads};
		add_unique(&listeners, &l);
	}
	generator_output = argv[1];
	FILE *out = open_output(argv[1]);
	FILE *test = open_output(argv[2]);
	fprintf(test, "#include <stddef.h>\n\n");
	const struct scmp_version *v = seccomp_version();
	fprintf(out, "const char seccomp_generated_with[] = \"libseccomp %u.%u.%u\";\n\n",
		v->major, v->minor, v->micro);
	emit_table(out, test, "seccomp_programs", &shim, PART_ALL);
	emit_table(test, test, "seccomp_static_parts", &parts, PART_ALL);
	emit_table(test, test, "seccomp_listener_parts", &listeners,
		   PART_LISTENER_ONLY);
	if (fclose(out) != 0 || fclose(test) != 0)
		die("cannot write the output: %s", strerror(errno));
	return 0;
}
