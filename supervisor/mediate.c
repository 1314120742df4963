/* One trapped bind, connect or listen: take the target's socket, copy its
 * address once, decide on the copy (decide.c), and perform the call on our
 * own copy of the socket.  The target's memory is never read again after
 * the decision and the answer is never CONTINUE (THREATS.md #4).
 *
 * Nothing here may stop the supervisor: every failure becomes an errno for
 * the target, and "cannot verify" is EACCES (THREATS.md #11). */
#include "sandbox.h"
#include "notify.h"
#include "fsmediate.h"
#include "../config/diag.h"
#include "protocol.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#define MAX_CONNECT_WORKERS 256

static atomic_int connect_workers;


/* The supervisor's own working directory, to come back to after a unix
 * bind made relative to a pinned directory. */
static int home_dir_fd = -1;

struct call {
	struct sandbox *sb;
	const struct seccomp_notif *req;
	int pidfd;
	int sock;
	struct sock_info si;
	/* the nested sandboxes the caller is in: their policies apply too */
	struct narrowing *narrowed[MAX_NARROWINGS];
	size_t narrowed_count;
	const struct narrowing *refused_by; /* the nested policy that said no */
};

/* ---- nested sandboxes: narrowing by witness -------------------------- */

/* Is TID in the witness's Landlock domain?  A witness that is gone or
 * silent answers "yes": its narrowing then applies to everyone here,
 * more confined, never less. */
static bool witness_claims(struct narrowing *n, pid_t tid,
			   unsigned long *asked)
{
	if (n->empty)
		return false;
	if (n->witness < 0 || tid == n->witness_pid)
		return true;
	int32_t q = (int32_t)tid, answer = 1;
	struct pollfd pfd = {.fd = n->witness, .events = POLLIN};
	/* Anything waiting before we ask is the witness's "domain empty". */
	if (poll(&pfd, 1, 0) == 1 &&
	    recv(n->witness, &answer, sizeof answer, MSG_DONTWAIT) == sizeof answer &&
	    answer == -1) {
		close(n->witness);
		n->witness = -1;
		n->empty = true;
		return false;
	}
	answer = 1;
	++*asked;
	if (send(n->witness, &q, sizeof q, MSG_NOSIGNAL) == sizeof q &&
	    poll(&pfd, 1, 1000) == 1 &&
	    recv(n->witness, &answer, sizeof answer, 0) == sizeof answer &&
	    answer >= 0)
		return answer == 0;
	/* -1: the domain emptied for good (said before our question);
	 * anything else: the witness was killed or hangs. */
	close(n->witness);
	n->witness = -1;
	n->empty = answer == -1;
	return !n->empty;
}

size_t sandbox_narrowings(struct sandbox *sb, pid_t tid,
			  struct narrowing **out)
{
	size_t n = 0;
	for (size_t i = 0; i < sb->narrowing_count; i++)
		if (witness_claims(&sb->narrowings[i], tid,
				   &sb->stats.witness_questions))
			out[n++] = &sb->narrowings[i];
	return n;
}

static void find_narrowings(struct call *c)
{
	c->narrowed_count = sandbox_narrowings(c->sb, (pid_t)c->req->pid,
					       c->narrowed);
}

/* Decide again under every nested policy the caller is in; the first
 * refusal wins, with that policy's hint and tool name. */
static void narrow_sockaddr(struct call *c, enum op op, const void *addr,
			    size_t len, const char *cwd, struct decision *d)
{
	for (size_t i = 0; i < c->narrowed_count && d->action != ACT_DENY; i++) {
		struct decision inner;
		decide_sockaddr(&c->narrowed[i]->policy, op, &c->si, addr, len,
				cwd, &inner);
		/* unix paths: the nested filter creates no unix sockets, and
		 * an inherited one goes only where both lists allow */
		bool refused = inner.action == ACT_DENY;
		if (inner.action == ACT_CHECK_UNIX &&
		    !c->narrowed[i]->policy.unix_socket_count) {
			refused = true;
			inner = *d;
			inner.action = ACT_DENY;
			inner.error = EACCES;
			inner.hint = "the nested sandbox's policy has no "
				     "allowUnixSockets";
		}
		if (refused) {
			c->refused_by = c->narrowed[i];
			*d = inner;
		}
	}
}

static void narrow_unix_connect(struct call *c, const char *canonical,
				dev_t dev, ino_t ino, struct decision *d)
{
	for (size_t i = 0; i < c->narrowed_count && d->action == ACT_PERFORM;
	     i++) {
		decide_unix_connect(&c->narrowed[i]->policy, canonical, dev, ino,
				    d);
		if (d->action != ACT_PERFORM)
			c->refused_by = c->narrowed[i];
	}
}

static void narrow_listen(struct call *c, const void *bound, size_t len,
			  struct decision *d)
{
	for (size_t i = 0; i < c->narrowed_count && d->action == ACT_PERFORM;
	     i++) {
		decide_listen(&c->narrowed[i]->policy, &c->si, bound, len, d);
		if (d->action != ACT_PERFORM)
			c->refused_by = c->narrowed[i];
	}
}

/* connect(FD, MESSAGE, LEN) with a wire REGISTER instead of an address,
 * from a nested landstrip-exec: FD is its end of the witness socket.  A
 * real address is never longer than sockaddr_storage; this is. */
static bool is_narrowing_request(const struct seccomp_notif *req)
{
	return req->data.nr == __NR_connect &&
	       (uint32_t)req->data.args[2] > sizeof(struct sockaddr_storage) &&
	       (uint32_t)req->data.args[2] <= WIRE_HEADER_SIZE + WIRE_MAX_PAYLOAD;
}

static void free_narrowing(struct narrowing *n)
{
	if (n->witness >= 0)
		close(n->witness); /* the witness exits on EOF */
	free(n->tool);
	free(n->config);
	mediation_policy_free(&n->policy);
}

/* Drop the narrowings whose domain emptied (their witness said so). */
static void prune_narrowings(struct sandbox *sb)
{
	for (size_t i = sb->narrowing_count; i-- > 0;) {
		struct narrowing *n = &sb->narrowings[i];
		struct pollfd pfd = {.fd = n->witness, .events = POLLIN};
		int32_t said = 0;
		if (!n->empty && n->witness >= 0 && poll(&pfd, 1, 0) == 1 &&
		    recv(n->witness, &said, sizeof said, MSG_DONTWAIT) == sizeof said &&
		    said == -1)
			n->empty = true;
		if (n->empty) {
			free_narrowing(n);
			sb->narrowings[i] = sb->narrowings[--sb->narrowing_count];
		}
	}
}

/* The witness's hello (sandbox.h): it has exec'd before the shim
 * registers, so it comes at once.  No hello in time: the witness is
 * treated as gone, and its policy applies to everyone here. */
static pid_t await_witness_hello(int witness)
{
	struct witness_hello hello = {0, 0};
	struct pollfd pfd = {.fd = witness, .events = POLLIN};
	if (poll(&pfd, 1, WITNESS_HELLO_WAIT_MS) == 1 &&
	    recv(witness, &hello, sizeof hello, MSG_DONTWAIT) == sizeof hello &&
	    hello.magic == WITNESS_HELLO_MAGIC && hello.pid > 0)
		return hello.pid;
	return -1;
}

static void take_narrowing(struct sandbox *sb, const struct seccomp_notif *req)
{
	static unsigned char buf[WIRE_HEADER_SIZE + WIRE_MAX_PAYLOAD];
	size_t len = (uint32_t)req->data.args[2];
	struct wire_header hdr;
	struct wire_policy w;
	char err[256];
	int error = EINVAL; /* what the kernel says for such an address */
	/* The message may be zero-padded past its header's length (so that
	 * it is longer than any address): decode what the header says. */
	uint32_t payload_len = 0;
	if (target_read((pid_t)req->pid, req->data.args[1], buf, len) < 0 ||
	    (memcpy(&payload_len, buf + 8, sizeof payload_len),
	     payload_len > len - WIRE_HEADER_SIZE) ||
	    wire_decode_header(buf, WIRE_HEADER_SIZE + payload_len, &hdr, err,
			       sizeof err) < 0 ||
	    hdr.type != WIRE_REGISTER ||
	    wire_decode_register(buf + WIRE_HEADER_SIZE, hdr.length, &w, err,
				 sizeof err) < 0) {
		notify_answer(sb->listener, req->id, 0, error);
		return;
	}
	int pidfd = target_pidfd((pid_t)req->pid);
	int witness = pidfd < 0 ? -1
				: target_take_fd(pidfd,
						 (int)(uint32_t)req->data.args[0]);
	if (pidfd >= 0)
		close(pidfd);
	prune_narrowings(sb);
	if (witness >= 0 && notify_still_valid(sb->listener, req->id) &&
	    sb->narrowing_count < MAX_NARROWINGS) {
		struct narrowing *n = &sb->narrowings[sb->narrowing_count++];
		memset(n, 0, sizeof *n);
		n->witness = witness;
		n->witness_pid = await_witness_hello(witness);
		if (n->witness_pid < 0) {
			close(witness);
			n->witness = -1;
		}
		n->tool = xstrdup(w.tool);
		n->config = w.config ? xstrdup(w.config) : NULL;
		policy_from_wire(&n->policy, &w);
		error = 0;
	} else {
		if (witness >= 0)
			close(witness);
		error = sb->narrowing_count == MAX_NARROWINGS ? ENOSPC : EACCES;
	}
	wire_policy_free(&w);
	notify_answer(sb->listener, req->id, 0, error);
}

static void deny(struct call *c, const struct decision *d)
{
	const struct narrowing *by = c->refused_by;
	if (d->hint)
		reporter_refusal(&c->sb->reporter, by ? by->tool : c->sb->tool,
				 (int)target_tgid((pid_t)c->req->pid), d->what,
				 d->hint, by ? by->config : c->sb->config);
	notify_answer(c->sb->listener, c->req->id, 0, d->error);
}

static int sockopt_int(int fd, int name, int *out)
{
	socklen_t len = sizeof *out;
	return getsockopt(fd, SOL_SOCKET, name, out, &len);
}

/* pidfd_getfd the socket the call names, and learn what it is from our copy:
 * never from the address the target passed (THREATS.md #10). */
static struct cached_pidfd *pidfd_slot(struct sandbox *sb, pid_t tid)
{
	for (size_t i = 0; i < sizeof sb->pidfds / sizeof sb->pidfds[0]; i++)
		if (sb->pidfds[i].pidfd > 0 && sb->pidfds[i].tid == tid)
			return &sb->pidfds[i];
	return NULL;
}

int sandbox_pidfd(struct sandbox *sb, pid_t tid, bool fresh)
{
	struct cached_pidfd *slot = pidfd_slot(sb, tid);
	if (slot && !fresh)
		return slot->pidfd;
	if (!slot) {
		size_t n = sizeof sb->pidfds / sizeof sb->pidfds[0];
		slot = &sb->pidfds[sb->next_pidfd++ % n];
	}
	if (slot->pidfd > 0)
		close(slot->pidfd);
	slot->tid = tid;
	slot->umask = -1;
	slot->pidfd = target_pidfd(tid);
	return slot->pidfd;
}

struct cached_pidfd *sandbox_thread(struct sandbox *sb, pid_t tid)
{
	struct cached_pidfd *slot = pidfd_slot(sb, tid);
	/* A pidfd polls readable once its thread has exited: the tid may
	 * belong to another thread by now, with another umask. */
	struct pollfd pfd = {.fd = slot ? slot->pidfd : -1, .events = POLLIN};
	bool stale = slot && poll(&pfd, 1, 0) != 0;
	if (!slot || stale)
		sandbox_pidfd(sb, tid, true);
	slot = pidfd_slot(sb, tid);
	return slot && slot->pidfd > 0 ? slot : NULL;
}

static int take_socket(struct call *c)
{
	pid_t tid = (pid_t)c->req->pid;
	int fd = (int)(uint32_t)c->req->data.args[0];
	for (int attempt = 0; attempt < 2; attempt++) {
		c->pidfd = sandbox_pidfd(c->sb, tid, attempt > 0);
		if (c->pidfd < 0)
			return errno == ESRCH ? -ESRCH : -EACCES;
		c->sock = target_take_fd(c->pidfd, fd);
		if (c->sock >= 0 || errno != ESRCH)
			break;
	}
	c->pidfd = -1; /* owned by the cache */
	if (c->sock < 0)
		return errno == EBADF ? -EBADF : -EACCES;
	return 0;
}

/* What the socket is, from our copy. */
static int socket_info(struct call *c)
{
	int reuse = 0;
	if (sockopt_int(c->sock, SO_DOMAIN, &c->si.domain) < 0)
		return errno == ENOTSOCK ? -ENOTSOCK : -EACCES;
	if (sockopt_int(c->sock, SO_TYPE, &c->si.type) < 0 ||
	    sockopt_int(c->sock, SO_PROTOCOL, &c->si.protocol) < 0)
		return -EACCES;
	/* SO_REUSEPORT matters where a socket joins a port group's traffic:
	 * a TCP socket when it listens, others (UDP) when they bind.  A
	 * connect never joins one.  One syscall less on every TCP bind and
	 * connect. */
	if ((c->si.domain == AF_INET || c->si.domain == AF_INET6) &&
	    (c->req->data.nr == __NR_listen ||
	     (c->req->data.nr == __NR_bind && !sock_is_tcp(&c->si))))
		sockopt_int(c->sock, SO_REUSEPORT, &reuse);
	c->si.reuseport = reuse != 0;
	return 0;
}

/* Copy the sockaddr argument once; the kernel's own limits apply. */
static int read_address(struct call *c, struct sockaddr_storage *addr,
			size_t *len)
{
	int n = (int)(uint32_t)c->req->data.args[2];
	if (n < 0 || (size_t)n > sizeof *addr)
		return -EINVAL;
	memset(addr, 0, sizeof *addr);
	*len = (size_t)n;
	if (n && target_read((pid_t)c->req->pid, c->req->data.args[1], addr,
			     (size_t)n) < 0)
		return errno == EFAULT ? -EFAULT : -EACCES;
	return 0;
}

static void note_in(struct mediation_policy *pol,
		    const struct sockaddr_storage *local, socklen_t len);

/* LOCAL, an address the sandbox now holds, is "inside" for it and for
 * every sandbox nested in it that the call passed through. */
static void note_everywhere(struct call *c,
			    const struct sockaddr_storage *local, socklen_t len)
{
	note_in(&c->sb->policy, local, len);
	for (size_t i = 0; i < c->narrowed_count; i++)
		note_in(&c->narrowed[i]->policy, local, len);
}

static void note_created(struct call *c)
{
	struct sockaddr_storage local;
	socklen_t len = sizeof local;
	if (getsockname(c->sock, (struct sockaddr *)&local, &len) == 0)
		note_everywhere(c, &local, len);
}

static void note_in(struct mediation_policy *pol,
		    const struct sockaddr_storage *local, socklen_t len)
{
	const struct sockaddr_un *sun = (const struct sockaddr_un *)local;
	if (local->ss_family == AF_INET || local->ss_family == AF_INET6)
		note_bound_addr(pol, local, len);
	else if (local->ss_family == AF_UNIX &&
		 len > offsetof(struct sockaddr_un, sun_path) &&
		 sun->sun_path[0] == '\0')
		note_abstract_name(pol, sun->sun_path + 1,
				   len - offsetof(struct sockaddr_un, sun_path) - 1);
}


static void note_tcp_inode(struct sandbox *sb, int sock)
{
	struct stat st;
	if (fstat(sock, &st) < 0)
		return; /* unrecorded: connects to it are refused, fail closed */
	ino_t key = st.st_ino;
	recent_remember(&sb->tcp_inodes, &key, sizeof key, MEDIATION_MAX_RECORDS);
}

static bool inode_is_ours(const struct sandbox *sb, unsigned long ino)
{
	ino_t key = (ino_t)ino;
	return recent_contains(&sb->tcp_inodes, &key);
}

/* Every socket listening on PORT in /proc/net/FILE must be ours. */
static bool listeners_ours(const struct sandbox *sb, const char *file,
			   unsigned port)
{
	char path[32];
	snprintf(path, sizeof path, "/proc/net/%s", file);
	FILE *f = fopen(path, "re");
	if (!f)
		return false;
	char line[512];
	bool ok = true;
	while (ok && fgets(line, sizeof line, f)) {
		char local[64];
		unsigned st = 0;
		unsigned long ino = 0;
		/* sl local rem st tx:rx tr:when retrnsmt uid timeout inode */
		if (sscanf(line, " %*s %63s %*s %x %*s %*s %*s %*s %*s %lu", local,
			   &st, &ino) != 3 || st != 0x0A /* LISTEN */)
			continue;
		char *colon = strrchr(local, ':');
		if (colon && strtoul(colon + 1, NULL, 16) == port &&
		    !inode_is_ours(sb, ino))
			ok = false;
	}
	fclose(f);
	return ok;
}

/* A loopback connect allowed because the tool bound that address itself:
 * only while what listens there is still the tool's socket.  A proxy port
 * or allowNetwork needs no such check. */
static bool reaches_only_ours(const struct call *c, const struct decision *d)
{
	const struct mediation_policy *pol = &c->sb->policy;
	unsigned port;
	if (pol->allow_network)
		return true;
	if (d->addr.ss_family == AF_INET)
		port = ntohs(((const struct sockaddr_in *)&d->addr)->sin_port);
	else if (d->addr.ss_family == AF_INET6)
		port = ntohs(((const struct sockaddr_in6 *)&d->addr)->sin6_port);
	else
		return true; /* AF_UNSPEC disconnect, netlink */
	for (size_t i = 0; i < pol->port_count; i++)
		if (pol->ports[i] == port)
			return true;
	return listeners_ours(c->sb, "tcp", port) &&
	       listeners_ours(c->sb, "tcp6", port);
}

static int canonical_of_fd(int fd, char *buf, size_t len)
{
	char link[PROC_FILE_MAX];
	ssize_t n = readlink(proc_fd(link, fd), buf, len - 1);
	if (n < 0 || (size_t)n >= len - 1 || buf[0] != '/')
		return -1;
	buf[n] = '\0';
	return 0;
}

/* A pathname bind: pin the parent directory, check it, and bind relative
 * to it, so that no symlink swapped in after the check can move the socket
 * out of the write roots. */
static void bind_unix_path(struct call *c, struct decision *d)
{
	char *slash = strrchr(d->path, '/');
	const char *name = slash + 1;
	char parent[PATH_MAX];
	if (slash == d->path)
		strcpy(parent, "/");
	else
		snprintf(parent, sizeof parent, "%.*s", (int)(slash - d->path),
			 d->path);
	int dfd = open(parent, O_PATH | O_DIRECTORY | O_CLOEXEC);
	char canonical[PATH_MAX];
	if (dfd < 0 || canonical_of_fd(dfd, canonical, sizeof canonical) < 0) {
		d->action = ACT_DENY;
		d->error = dfd < 0 ? errno : EACCES;
		d->hint = NULL;
	} else {
		decide_unix_bind(&c->sb->policy, canonical, d);
		/* In a mediated root no directory has Landlock write rights:
		 * the socket file is a write like any other there. */
		char full[PATH_MAX + 110];
		struct write_decision wd;
		int n = snprintf(full, sizeof full, "%s/%s",
				 strcmp(canonical, "/") == 0 ? "" : canonical,
				 name);
		if (n > 0 && (size_t)n < sizeof full &&
		    write_mediated(&c->sb->policy.writes, full)) {
			decide_write(&c->sb->policy.writes, full, &wd);
			d->action = wd.allowed ? ACT_PERFORM : ACT_DENY;
			d->error = wd.allowed ? 0 : EACCES;
			write_hint(&wd, full, c->sb->config, d->hint_buf,
				   sizeof d->hint_buf);
			d->hint = wd.allowed ? NULL : d->hint_buf;
		}
	}
	if (d->action == ACT_PERFORM) {
		struct sockaddr_un sun = {.sun_family = AF_UNIX};
		snprintf(sun.sun_path, sizeof sun.sun_path, "%s", name);
		int rc = -1, err = EACCES;
		/* Nothing else uses our working directory: returning to it
		 * is tidiness, and a failure there harms no later call. */
		/* The socket file gets the target's umask, as the kernel
		 * would give it. */
		if (!sandbox_use_umask(c->sb, (pid_t)c->req->pid))
			err = EACCES;
		else if (fchdir(dfd) == 0) {
			rc = bind(c->sock, (struct sockaddr *)&sun, sizeof sun);
			err = errno;
			int ignored = fchdir(home_dir_fd);
			(void)ignored;
		}
		struct stat st;
		if (rc == 0 && fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
			note_socket_inode(&c->sb->policy, st.st_dev, st.st_ino);
		notify_answer(c->sb->listener, c->req->id, 0, rc == 0 ? 0 : err);
	} else {
		deny(c, d);
	}
	if (dfd >= 0)
		close(dfd);
}

struct connect_job {
	int listener;
	uint64_t id;
	int sock;
	int pathfd;
	struct sockaddr_storage addr;
	socklen_t len;
};

/* A connect may block (a full backlog, a slow TCP handshake): it runs on
 * its own thread so that one target cannot stall every sandbox. */
static void *connect_worker(void *arg)
{
	struct connect_job *job = arg;
	int rc = connect(job->sock, (struct sockaddr *)&job->addr, job->len);
	notify_answer(job->listener, job->id, 0, rc == 0 ? 0 : errno);
	close(job->sock);
	close(job->listener);
	if (job->pathfd >= 0)
		close(job->pathfd);
	free(job);
	atomic_fetch_sub(&connect_workers, 1);
	return NULL;
}

/* Hand the connect to a worker; takes ownership of c->sock and PATHFD. */
static void start_connect(struct call *c, const struct sockaddr_storage *addr,
			  socklen_t len, int pathfd)
{
	struct connect_job *job = calloc(1, sizeof *job);
	int listener = job ? fcntl(c->sb->listener, F_DUPFD_CLOEXEC, 0) : -1;
	pthread_t thread;
	pthread_attr_t attr;
	if (!job || listener < 0 ||
	    atomic_fetch_add(&connect_workers, 1) >= MAX_CONNECT_WORKERS) {
		if (job)
			atomic_fetch_sub(&connect_workers, 1);
		goto busy;
	}
	*job = (struct connect_job){listener, c->req->id, c->sock, pathfd,
				    *addr, len};
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	int rc = pthread_create(&thread, &attr, connect_worker, job);
	pthread_attr_destroy(&attr);
	if (rc == 0) {
		c->sock = -1; /* the worker owns it now */
		return;
	}
	atomic_fetch_sub(&connect_workers, 1);
busy:
	notify_answer(c->sb->listener, c->req->id, 0, EAGAIN);
	if (listener >= 0)
		close(listener);
	free(job);
	if (pathfd >= 0)
		close(pathfd);
}

/* A pathname connect: resolve the socket once, check what it is, and
 * connect through the pinned inode (/proc/self/fd/N), not the name. */
static void connect_unix_path(struct call *c, struct decision *d)
{
	int pfd = open(d->path, O_PATH | O_CLOEXEC);
	struct stat st;
	char canonical[PATH_MAX];
	if (pfd < 0) {
		d->action = ACT_DENY;
		d->error = errno;
		d->hint = NULL;
	} else if (fstat(pfd, &st) < 0 || !S_ISSOCK(st.st_mode)) {
		d->action = ACT_DENY;
		d->error = ECONNREFUSED; /* what the kernel says for a non-socket */
		d->hint = NULL;
	} else if (canonical_of_fd(pfd, canonical, sizeof canonical) < 0) {
		d->action = ACT_DENY;
		d->error = EACCES;
		d->hint = NULL;
	} else {
		decide_unix_connect(&c->sb->policy, canonical, st.st_dev,
				    st.st_ino, d);
		narrow_unix_connect(c, canonical, st.st_dev, st.st_ino, d);
	}
	if (d->action != ACT_PERFORM) {
		deny(c, d);
		if (pfd >= 0)
			close(pfd);
		return;
	}
	struct sockaddr_storage addr = {0};
	struct sockaddr_un *sun = (struct sockaddr_un *)&addr;
	sun->sun_family = AF_UNIX;
	snprintf(sun->sun_path, sizeof sun->sun_path, "/proc/self/fd/%d", pfd);
	start_connect(c, &addr, sizeof *sun, pfd);
}

static void mediate_address(struct call *c, enum op op,
			    struct sockaddr_storage addr, size_t len)
{
	int rc;
	char cwd[PATH_MAX]; /* not zero-filled: 4 KB on every call */
	strcpy(cwd, "/");
	bool relative_unix = c->si.domain == AF_UNIX &&
			     len > offsetof(struct sockaddr_un, sun_path) &&
			     ((struct sockaddr_un *)&addr)->sun_path[0] != '\0' &&
			     ((struct sockaddr_un *)&addr)->sun_path[0] != '/';
	if (c->si.domain == AF_UNIX && !target_root_is_ours((pid_t)c->req->pid)) {
		notify_answer(c->sb->listener, c->req->id, 0, EACCES);
		return;
	}
	if (relative_unix && target_cwd((pid_t)c->req->pid, cwd, sizeof cwd) < 0) {
		notify_answer(c->sb->listener, c->req->id, 0, EACCES);
		return;
	}
	struct decision d;
	decide_sockaddr(&c->sb->policy, op, &c->si, &addr, len, cwd, &d);
	if (d.action != ACT_DENY)
		narrow_sockaddr(c, op, &addr, len, cwd, &d);
	if (d.action == ACT_CHECK_UNIX) {
		if (op == OP_BIND)
			bind_unix_path(c, &d);
		else
			connect_unix_path(c, &d);
		return;
	}
	if (d.action == ACT_DENY) {
		deny(c, &d);
		return;
	}
	if (op == OP_CONNECT) {
		if (!reaches_only_ours(c, &d)) {
			d.error = EACCES;
			d.hint = "the port bound inside was let go and another "
				 "program listens there now";
			deny(c, &d);
			return;
		}
		start_connect(c, &d.addr, d.addrlen, -1);
		return;
	}
	rc = bind(c->sock, (struct sockaddr *)&d.addr, d.addrlen);
	int err = errno;
	/* Notes first, then our copy goes, then the answer.  With the
	 * listener's synchronous wake-ups the target resumes on this CPU
	 * only once we block again, so nothing done after answering would
	 * overlap with it; and while the target still holds its fd, closing
	 * ours is cheap: the socket's teardown stays with the target's own
	 * close, where it is unconfined too.
	 *
	 * An IP socket is noted when it listens (mediate_listen), not here: a
	 * TCP connect reaches only a listening socket, so what it bound
	 * matters from then on, and a bind saves the two syscalls the notes
	 * take (getsockname, fstat), a tenth of its time. */
	if (rc == 0 && c->si.domain != AF_INET && c->si.domain != AF_INET6)
		note_created(c);
	close(c->sock);
	c->sock = -1;
	notify_answer(c->sb->listener, c->req->id, 0, rc == 0 ? 0 : err);
}

static void mediate_listen(struct call *c)
{
	struct sockaddr_storage local;
	socklen_t len = sizeof local;
	memset(&local, 0, sizeof local);
	if (getsockname(c->sock, (struct sockaddr *)&local, &len) < 0) {
		notify_answer(c->sb->listener, c->req->id, 0, errno);
		return;
	}
	struct decision d;
	decide_listen(&c->sb->policy, &c->si, &local, len, &d);
	narrow_listen(c, &local, len, &d);
	if (d.action != ACT_PERFORM) {
		deny(c, &d);
		return;
	}
	/* listen(2) on our copy: the very socket we checked, whatever the
	 * target did to its fd table meanwhile. */
	int backlog = (int)(uint32_t)c->req->data.args[1];
	int rc = listen(c->sock, backlog);
	int err = errno;
	if (rc == 0 && c->si.domain == AF_UNIX)
		note_created(c); /* listen may have auto-bound a name */
	if (rc == 0 && (c->si.domain == AF_INET || c->si.domain == AF_INET6)) {
		/* Connects inside may reach this address from now on, while
		 * this very socket is what listens there. */
		note_everywhere(c, &local, len);
		note_tcp_inode(c->sb, c->sock);
	}
	notify_answer(c->sb->listener, c->req->id, 0, rc == 0 ? 0 : err);
}

void mediate_one(struct sandbox *sb)
{
	struct seccomp_notif req;
	if (notify_receive(sb->listener, &req) < 0)
		return; /* ENOENT: the target died first; else POLLHUP follows */
	mediate_request(sb, &req);
}

void mediate_request(struct sandbox *sb, const struct seccomp_notif *req)
{
	if (home_dir_fd < 0)
		home_dir_fd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	/* A nested landstrip-exec asking whether a supervisor decides its
	 * sandbox's socket calls (shim/mediation.c): answered, not mediated.
	 * A tool forging the answer would only loosen a sandbox nested in
	 * its own, which it could do itself. */
	if (req->data.nr == __NR_listen &&
	    (int)(uint32_t)req->data.args[0] == MEDIATION_PROBE_FD &&
	    (uint32_t)req->data.args[1] == MEDIATION_PROBE_MAGIC) {
		notify_answer(sb->listener, req->id, 0,
			      sb->policy.writes.mediated_root_count
				      ? MEDIATION_PROBE_ERRNO_WRITES
				      : MEDIATION_PROBE_ERRNO);
		return;
	}
	if (is_narrowing_request(req)) {
		take_narrowing(sb, req);
		return;
	}
	if (fs_call_trapped(req->data.nr)) {
		mediate_fs(sb, req);
		return;
	}
	struct call c = {.sb = sb, .req = req, .pidfd = -1, .sock = -1};
	find_narrowings(&c);
	bool with_address = req->data.nr == __NR_bind ||
			    req->data.nr == __NR_connect;
	struct sockaddr_storage addr;
	size_t len = 0;
	int rc = take_socket(&c);
	if (rc == 0 && with_address)
		rc = read_address(&c, &addr, &len);
	/* One check after both looks into the target: still pending means
	 * the fd and the bytes came from the caller, not from a process that
	 * took over its pid (THREATS.md #11). */
	if (!notify_still_valid(sb->listener, req->id))
		rc = -ESRCH;
	if (rc == 0)
		rc = socket_info(&c);
	if (rc == -ESRCH) {
		/* nothing to answer: the notification is gone */
	} else if (rc < 0) {
		notify_answer(sb->listener, req->id, 0, -rc);
	} else if (req->data.nr == __NR_bind) {
		mediate_address(&c, OP_BIND, addr, len);
	} else if (req->data.nr == __NR_connect) {
		mediate_address(&c, OP_CONNECT, addr, len);
	} else if (req->data.nr == __NR_listen) {
		mediate_listen(&c);
	} else {
		notify_answer(sb->listener, req->id, 0, ENOSYS);
	}
	if (c.sock >= 0)
		close(c.sock);
	if (c.pidfd >= 0)
		close(c.pidfd);
}

void sandbox_free(struct sandbox *sb)
{
	for (size_t i = 0; i < sizeof sb->pidfds / sizeof sb->pidfds[0]; i++)
		if (sb->pidfds[i].pidfd > 0)
			close(sb->pidfds[i].pidfd);
	if (sb->reporter.suppressed)
		reporter_refusal(&sb->reporter, sb->tool, (int)sb->pid,
				 "more calls", "the rate limit hid them", NULL);
	if (sb->debug)
		reporter_stats(&sb->reporter, sb->tool, sb->stats.fs_calls,
			       sb->stats.left_to_landlock,
			       sb->stats.witness_questions);
	close(sb->listener);
	for (size_t i = 0; i < sb->narrowing_count; i++)
		free_narrowing(&sb->narrowings[i]);
	recent_free(&sb->tcp_inodes);
	reporter_close(&sb->reporter);
	mediation_policy_free(&sb->policy);
	free(sb->tool);
	free(sb->config);
}
