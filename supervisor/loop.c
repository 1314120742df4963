/* The supervisor's event loop over the fds of watch.h (busy listeners
 * polled directly, everything else in one epoll set): every listener
 * (each a sandbox with its own policy), the registration channels, and in
 * session mode the shared session socket, the agent's pidfd and SIGCHLD.
 *
 * Lifetime: a sandbox ends when its listener reports POLLHUP, which the
 * kernel signals once every process holding the filter is gone, not when
 * the first child exits: background daemons keep their mediation
 * (THREATS.md #3).  The supervisor exits when no sandbox is left and no
 * registration can arrive any more. */
#include "loop.h"
#include "notify.h"
#include "rulecache.h"
#include "../config/diag.h"
#include "../config/paths.h"
#include "../config/system.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define REGISTER_TIMEOUT_MS 5000

static void reply_error(int channel, int err, const char *message)
{
	unsigned char buf[WIRE_MAX_MESSAGE + 8];
	int n = wire_encode_error(err, message, buf, sizeof buf);
	if (n >= 0)
		wire_send(channel, WIRE_ERROR, buf, (size_t)n, NULL, 0);
}

/* Is the peer at the other end of CHANNEL one of us (same uid)? */
static bool peer_is_ours(int channel)
{
	struct ucred cred;
	socklen_t len = sizeof cred;
	return getsockopt(channel, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0 &&
	       cred.uid == getuid();
}

/* Can we actually take fds from, and read, the registering tool?  Yama or
 * another LSM may say no; better to refuse now, with the reason, than to
 * deny every call later.  0, or the errno of the ERROR to send, with its
 * MESSAGE: EPERM when we may not, and then the whole line the shim prints
 * (decide.h, unreachable_line). */
static int reach_problem(const struct supervisor *sup,
			 const struct wire_policy *w, char *message,
			 size_t len)
{
	int pidfd = target_pidfd((pid_t)w->pid);
	if (pidfd < 0) {
		snprintf(message, len, "cannot open a pidfd for the tool");
		return ESRCH;
	}
	int fd = target_take_fd(pidfd, STDERR_FILENO);
	int err = errno;
	close(pidfd);
	if (fd >= 0 || err == EBADF) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	if (err != EPERM && err != EACCES) {
		snprintf(message, len, "cannot take the tool's file "
			 "descriptors: %s", strerror(err));
		return err;
	}
	unreachable_line(message, len, w->tool, yama_ptrace_scope(), err,
			 sup->session);
	return EPERM;
}

void policy_from_wire(struct mediation_policy *pol,
			     const struct wire_policy *w)
{
	memset(pol, 0, sizeof *pol);
	pol->allow_local_binding = w->flags & WIRE_FLAG_LOCAL_BINDING;
	pol->allow_network = w->flags & WIRE_FLAG_NETWORK;
	for (size_t i = 0; i < w->port_count; i++)
		pol->ports[pol->port_count++] = w->ports[i];
	pol->unix_sockets = xcalloc(w->unix_socket_count, sizeof(char *));
	for (size_t i = 0; i < w->unix_socket_count; i++)
		pol->unix_sockets[pol->unix_socket_count++] =
			xstrdup(w->unix_sockets[i]);
	pol->write_dirs = xcalloc(w->write_dir_count, sizeof(char *));
	for (size_t i = 0; i < w->write_dir_count; i++)
		pol->write_dirs[pol->write_dir_count++] =
			xstrdup(w->write_dirs[i]);
	struct write_policy *wp = &pol->writes;
	wp->rules = xcalloc(w->write_rule_count, sizeof *wp->rules);
	wp->granted = xcalloc(w->write_rule_count, sizeof *wp->granted);
	for (size_t i = 0; i < w->write_rule_count; i++) {
		const struct wire_write_rule *r = &w->write_rules[i];
		if (r->kind == WIRE_RULE_GRANTED) {
			/* The inode Landlock granted: the shim walked a
			 * moment ago, and the tool has not run yet. */
			struct stat st;
			bool there = lstat(r->path, &st) == 0;
			wp->granted[wp->granted_count++] = (struct write_granted){
				xstrdup(r->path), r->flags & WIRE_RULE_DIR,
				there ? st.st_dev : 0, there ? st.st_ino : 0,
			};
			continue;
		}
		wp->rules[wp->rule_count++] = (struct write_rule){
			(enum write_rule_kind)r->kind, r->flags & WIRE_RULE_GLOB,
			(int)r->line, xstrdup(r->label), xstrdup(r->path),
		};
	}
	write_granted_index(wp);
	wp->mediate_reads = w->flags & WIRE_FLAG_MEDIATE_READS;
	wp->mediated_roots = xcalloc(w->mediated_root_count, sizeof(char *));
	for (size_t i = 0; i < w->mediated_root_count; i++)
		wp->mediated_roots[wp->mediated_root_count++] =
			xstrdup(w->mediated_roots[i]);
}

static int open_report(const struct wire_policy *w, int tool_stderr)
{
	if (w->report && strcmp(w->report, "none") == 0) {
		close(tool_stderr);
		return -1;
	}
	if (w->report && strcmp(w->report, "stderr") != 0) {
		close(tool_stderr);
		/* We write unconfined: never through a symlink a tool may have
		 * planted, and only into a plain file.  (The shim also makes
		 * the report file write-denied inside the sandbox.) */
		int fd = open(w->report, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC |
						 O_NOCTTY | O_NOFOLLOW | O_NONBLOCK,
			      0600);
		struct stat st;
		if (fd >= 0 && (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))) {
			close(fd);
			fd = -1;
		}
		return fd;
	}
	return tool_stderr;
}

static void take_registration(struct supervisor *sup, int channel,
			      const unsigned char *buf,
			      const struct wire_header *hdr, int *fds,
			      size_t nfds);

/* Read one message from a registration channel and act on it.  Returns
 * whether the channel stays open for more: the ruleset cache's messages
 * come before the REGISTER (session mode only: a per-tool supervisor
 * serves one shim and keeps nothing). */
static bool take_pending(struct supervisor *sup, int channel)
{
	static unsigned char buf[WIRE_HEADER_SIZE + WIRE_MAX_PAYLOAD];
	struct wire_header hdr;
	int fds[WIRE_MAX_FDS];
	size_t nfds = 0;
	char err[256];
	if (!peer_is_ours(channel)) {
		reply_error(channel, EACCES, "peer is not my user");
		return false;
	}
	if (wire_recv(channel, buf, sizeof buf, &hdr, fds, WIRE_MAX_FDS, &nfds,
		      REGISTER_TIMEOUT_MS, err, sizeof err) < 0) {
		if (errno != ECONNRESET) /* a shim that needed nothing more */
			reply_error(channel, EPROTO, err);
		return false;
	}
	bool cache = sup->session && (hdr.type == WIRE_CACHE_GET ||
				      hdr.type == WIRE_CACHE_PUT);
	if (cache && hdr.type == WIRE_CACHE_GET && nfds == 0 && hdr.length) {
		rulecache_get(channel, buf + WIRE_HEADER_SIZE, hdr.length);
		return true;
	}
	if (cache && hdr.type == WIRE_CACHE_PUT && nfds == 1) {
		rulecache_put(buf + WIRE_HEADER_SIZE, hdr.length, fds[0]);
		return true;
	}
	take_registration(sup, channel, buf, &hdr, fds, nfds);
	return false;
}

/* Check one REGISTER from CHANNEL, and answer ACK or ERROR. */
static void take_registration(struct supervisor *sup, int channel,
			      const unsigned char *buf,
			      const struct wire_header *hdr, int *fds,
			      size_t nfds)
{
	char err[256];
	struct wire_policy w;
	const char *problem = NULL;
	if (hdr->type != WIRE_REGISTER)
		problem = "expected REGISTER";
	else if (nfds != 2)
		problem = "REGISTER needs the listener and the tool's stderr";
	else if (!notify_is_listener(fds[0]))
		problem = "the first fd is not a seccomp listener";
	else if (wire_decode_register(buf + WIRE_HEADER_SIZE, hdr->length, &w,
				      err, sizeof err) < 0)
		problem = err;
	if (problem) {
		for (size_t i = 0; i < nfds; i++)
			close(fds[i]);
		return reply_error(channel, EPROTO, problem);
	}
	char unreachable[WIRE_MAX_MESSAGE + 1];
	int reach = reach_problem(sup, &w, unreachable, sizeof unreachable);
	if (reach || sup->sandbox_count == SUPERVISOR_MAX_SANDBOXES) {
		close(fds[0]);
		close(fds[1]);
		wire_policy_free(&w);
		return reply_error(channel, reach ? reach : EMFILE,
				   reach ? unreachable : "too many sandboxes");
	}
	size_t at = sup->sandbox_count;
	if (watch_add(&sup->watch, fds[0], WATCH_SANDBOX, at) < 0) {
		int err_watch = errno;
		close(fds[0]);
		close(fds[1]);
		wire_policy_free(&w);
		return reply_error(channel, err_watch, "cannot watch the listener");
	}
	struct sandbox *sb = &sup->sandboxes[sup->sandbox_count++];
	memset(sb, 0, sizeof *sb);
	sb->listener = fds[0];
	/* The report file is opened before the tool runs: where its path
	 * is not mediated, the tool's renames are not trapped. */
	reporter_init(&sb->reporter, open_report(&w, fds[1]));
	/* Nothing below can refuse the sandbox: the shim may exec the tool
	 * now, while the rest is set up (the policy's copy, the granted
	 * inodes' lstats: tens of microseconds the exec no longer waits
	 * for).  This loop takes the tool's first trapped call only after
	 * this function returns, and every call that could move a granted
	 * directory is trapped (they all lie in mediated roots): each inode
	 * is recorded before the tool can touch it. */
	wire_send(channel, WIRE_ACK, NULL, 0, NULL, 0);
	sb->tool = xstrdup(w.tool);
	sb->pid = (pid_t)w.pid;
	sb->config = w.config ? xstrdup(w.config) : NULL;
	policy_from_wire(&sb->policy, &w);
	sb->sync_wakeup = notify_prefer_sync_wakeup(sb->listener);
	sb->debug = w.flags & WIRE_FLAG_DEBUG;
	wire_policy_free(&w);
}

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void drop_pending(struct supervisor *sup, size_t i)
{
	watch_remove(&sup->watch, sup->pending[i].fd);
	close(sup->pending[i].fd);
	sup->pending[i] = sup->pending[--sup->pending_count];
	if (i < sup->pending_count)
		watch_move(&sup->watch, sup->pending[i].fd, i);
}

static void add_pending(struct supervisor *sup, int channel)
{
	if (sup->pending_count == SUPERVISOR_MAX_PENDING) {
		/* Full of registrations that never came: the oldest is the
		 * likeliest dead, and only processes outside every sandbox
		 * hold the session socket.  It goes, the newcomer stays. */
		size_t oldest = 0;
		for (size_t i = 1; i < sup->pending_count; i++)
			if (sup->pending[i].deadline < sup->pending[oldest].deadline)
				oldest = i;
		reply_error(sup->pending[oldest].fd, EMFILE,
			    "too many registrations at once");
		drop_pending(sup, oldest);
	}
	if (watch_add(&sup->watch, channel, WATCH_PENDING, sup->pending_count) < 0) {
		close(channel);
		return;
	}
	sup->pending[sup->pending_count].fd = channel;
	sup->pending[sup->pending_count].deadline = now_ms() + REGISTER_TIMEOUT_MS;
	sup->pending_count++;
}


/* Session mode: a shim sends CONNECT with its private channel. */
static void take_connect(struct supervisor *sup)
{
	static unsigned char buf[WIRE_HEADER_SIZE + WIRE_MAX_PAYLOAD];
	struct wire_header hdr;
	int fds[WIRE_MAX_FDS];
	size_t nfds = 0;
	char err[256];
	/* An empty packet reads like end of stream; whether every peer is
	 * gone is POLLHUP's to say, so nothing read here closes the socket
	 * (a tool sending one empty packet must not end the session). */
	if (wire_recv(sup->session_fd, buf, sizeof buf, &hdr, fds, 1, &nfds, 0,
		      err, sizeof err) < 0)
		return;
	if (hdr.type != WIRE_CONNECT || nfds != 1) {
		for (size_t i = 0; i < nfds; i++)
			close(fds[i]);
		return;
	}
	/* Its REGISTER follows on the private channel: wait for it in the
	 * event loop, never here, so that a slow or silent shim stalls
	 * nobody's calls. */
	add_pending(sup, fds[0]);
}

static void drop_sandbox(struct supervisor *sup, size_t i)
{
	watch_remove(&sup->watch, sup->sandboxes[i].listener);
	sandbox_free(&sup->sandboxes[i]);
	sup->sandboxes[i] = sup->sandboxes[--sup->sandbox_count];
	if (i < sup->sandbox_count)
		watch_move(&sup->watch, sup->sandboxes[i].listener, i);
}

static bool finished(const struct supervisor *sup)
{
	if (sup->sandbox_count || sup->pending_count)
		return false;
	return !sup->session || sup->agent_pidfd < 0;
}

/* Milliseconds until the oldest registration expires, or -1. */
static int poll_timeout(const struct supervisor *sup)
{
	if (!sup->pending_count)
		return -1;
	long soonest = sup->pending[0].deadline;
	for (size_t i = 1; i < sup->pending_count; i++)
		if (sup->pending[i].deadline < soonest)
			soonest = sup->pending[i].deadline;
	return watch_timeout_ms(soonest, now_ms());
}

/* SIGCHLD as an fd in the epoll set: the loop asks for exited children
 * only when there are some, not with a waitpid on every mediated call.
 * (A handler with ppoll would not do: with an fd ready, ppoll returns
 * without delivering the signal it unblocked, and a readable agent pidfd
 * would then never be reaped.) */
static int watch_children(void)
{
	sigset_t chld;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	int fd = -1;
	if (sigprocmask(SIG_BLOCK, &chld, NULL) < 0 ||
	    (fd = signalfd(-1, &chld, SFD_NONBLOCK | SFD_CLOEXEC)) < 0)
		die_errno(EXIT_SETUP_ERROR, "supervisor: signalfd for SIGCHLD");
	return fd;
}

static void drain(int fd)
{
	struct signalfd_siginfo si[8];
	while (read(fd, si, sizeof si) > 0)
		;
}

/* Reap every child that is done: the agent (its status is ours) and, in
 * session mode, orphaned daemons re-parented to us as subreaper. */
static void reap_children(struct supervisor *sup)
{
	int status;
	pid_t pid;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (pid != sup->agent_pid || sup->agent_pidfd < 0)
			continue;
		sup->exit_status = WIFEXITED(status) ? WEXITSTATUS(status)
						     : 128 + WTERMSIG(status);
		watch_remove(&sup->watch, sup->agent_pidfd);
		close(sup->agent_pidfd);
		sup->agent_pidfd = -1;
	}
}

/* Drop registrations whose time is up (none in per-tool mode). */
static void expire_pending(struct supervisor *sup)
{
	if (!sup->pending_count)
		return;
	long now = now_ms();
	for (size_t i = sup->pending_count; i-- > 0;)
		if (sup->pending[i].deadline <= now)
			drop_pending(sup, i);
}

/* A registration channel: one REGISTER, answered, and the channel is
 * done (the shim closes its end when it execs); ruleset cache messages
 * before it keep it open, with a new deadline. */
static void handle_pending(struct supervisor *sup, size_t i, uint32_t events)
{
	bool keep = false;
	if (events & EPOLLIN)
		keep = take_pending(sup, sup->pending[i].fd);
	if (keep)
		sup->pending[i].deadline = now_ms() + REGISTER_TIMEOUT_MS;
	else
		drop_pending(sup, i);
}

static void handle_session(struct supervisor *sup, uint32_t events)
{
	if (events & (EPOLLHUP | EPOLLERR)) {
		watch_remove(&sup->watch, sup->session_fd);
		close(sup->session_fd);
		sup->session_fd = -1;
	} else {
		take_connect(sup);
	}
}

static void handle(struct supervisor *sup, const struct watch_event *ev)
{
	size_t i = 0;
	switch (watch_resolve(&sup->watch, ev, &i)) {
	case WATCH_SANDBOX:
		if (ev->events & EPOLLIN)
			mediate_one(&sup->sandboxes[i]);
		else
			drop_sandbox(sup, i);
		break;
	case WATCH_PENDING:
		handle_pending(sup, i, ev->events);
		break;
	case WATCH_SESSION:
		handle_session(sup, ev->events);
		break;
	case WATCH_CHILDREN:
		if (sup->children_fd >= 0)
			drain(sup->children_fd);
		reap_children(sup);
		break;
	case WATCH_NONE:
		break; /* closed, or closed and reused, earlier in the batch */
	}
}

/* Everything there is to wait on when the loop starts. */
static void watch_all(struct supervisor *sup)
{
	if (watch_open(&sup->watch) < 0)
		die_errno(EXIT_SETUP_ERROR, "supervisor: epoll");
	sup->children_fd = sup->session ? watch_children() : -1;
	int rc = 0;
	for (size_t i = 0; i < sup->pending_count && rc == 0; i++)
		rc = watch_add(&sup->watch, sup->pending[i].fd, WATCH_PENDING, i);
	if (rc == 0 && sup->session_fd >= 0)
		rc = watch_add(&sup->watch, sup->session_fd, WATCH_SESSION, 0);
	if (rc == 0 && sup->agent_pidfd >= 0)
		rc = watch_add(&sup->watch, sup->agent_pidfd, WATCH_CHILDREN, 0);
	if (rc == 0 && sup->children_fd >= 0)
		rc = watch_add(&sup->watch, sup->children_fd, WATCH_CHILDREN, 0);
	if (rc < 0)
		die_errno(EXIT_SETUP_ERROR, "supervisor: epoll_ctl");
}

/* Per-tool mode, the registration done: one listener, and nothing else
 * to wait for.  With synchronous wake-ups (Linux 6.6+), a blocked
 * SECCOMP_IOCTL_NOTIF_RECV is woken on the trapping thread's CPU just as a
 * poll(2) waiter is, and waiting in it saves the poll: a syscall and its
 * wait-queue set-up.  A brokered bind took 1.3 us less (faster in 67 of
 * 100 interleaved runs).  It needs Linux 6.11, where the receive returns
 * once the last target is gone (before, it waited on forever, and the
 * supervisor would outlive its sandbox).  Session mode has the session
 * socket and its children to watch too: it keeps to the poll. */
static bool can_serve_alone(const struct supervisor *sup)
{
	static int recv_ends_at_hangup = -1;
	if (sup->session || sup->pending_count || sup->sandbox_count != 1 ||
	    !sup->sandboxes[0].sync_wakeup)
		return false;
	if (recv_ends_at_hangup < 0)
		recv_ends_at_hangup = kernel_at_least(6, 11);
	return recv_ends_at_hangup;
}

static bool hung_up(int listener)
{
	struct pollfd pfd = {.fd = listener, .events = 0};
	return poll(&pfd, 1, 0) == 1;
}

/* Serve the one sandbox until its listener hangs up; the loop's next
 * wait then sees the hang-up and ends it as it would any other. */
static void serve_alone(struct sandbox *sb)
{
	for (;;) {
		struct seccomp_notif req;
		if (notify_receive(sb->listener, &req) == 0)
			mediate_request(sb, &req);
		else if (errno != ENOENT || hung_up(sb->listener))
			return; /* ENOENT alone: a target died mid-call */
	}
}

int supervisor_run(struct supervisor *sup)
{
	watch_all(sup);
	if (sup->children_fd >= 0)
		reap_children(sup); /* whatever exited before */
	while (!finished(sup)) {
		if (can_serve_alone(sup))
			serve_alone(&sup->sandboxes[0]);
		struct watch_event evs[64];
		int n = watch_wait(&sup->watch, evs, 64, poll_timeout(sup));
		if (n < 0 && errno != EINTR)
			die_errno(EXIT_SETUP_ERROR, "supervisor: waiting for events");
		for (int i = 0; i < n; i++)
			handle(sup, &evs[i]);
		expire_pending(sup);
	}
	if (sup->children_fd >= 0)
		close(sup->children_fd);
	watch_close(&sup->watch);
	return sup->exit_status;
}
