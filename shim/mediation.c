#include "mediation.h"
#include "../config/diag.h"
#include "../config/paths.h"
#include "../config/protocol.h"
#include "seccomp.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef LANDSTRIP_LIBEXECDIR
#define LANDSTRIP_LIBEXECDIR "/usr/local/libexec/landstrip"
#endif
#define ACK_TIMEOUT_MS 5000

extern char **environ;

bool mediation_needed(const struct policy *p)
{
	bool network = policy_flag(p, SCALAR_ALLOW_NETWORK);
	bool ports = p->scalars[SCALAR_HTTP_PROXY_PORT].set ||
		     p->scalars[SCALAR_SOCKS_PROXY_PORT].set;
	if (policy_flag(p, SCALAR_ALLOW_LOCAL_BINDING) ||
	    p->lists[LIST_ALLOW_UNIX_SOCKETS].len)
		return true;
	/* Proxy ports: Landlock allows the port on any host (THREATS.md #5);
	 * only a supervisor keeps them to loopback, even at the price of
	 * starting one for every call in per-tool mode. */
	return ports && !network;
}

bool mediation_nested(void)
{
	/* With a NULL program the kernel would answer EFAULT and change
	 * nothing; an enclosing landstrip filter answers EPERM first. */
	long rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
			  SECCOMP_FILTER_FLAG_NEW_LISTENER, NULL);
	return rc < 0 && errno == EPERM;
}

static bool executable(const char *path)
{
	return path && access(path, X_OK) == 0;
}

const char *mediation_find_supervisor(const char *self_path,
				      const char *configured, char *err,
				      size_t errlen)
{
	static char beside[4096];
	const char *fixed = LANDSTRIP_LIBEXECDIR "/landstrip-supervisor";
	if (executable(fixed))
		return fixed;
	const char *slash = strrchr(self_path, '/');
	snprintf(beside, sizeof beside, "%.*s/landstrip-supervisor",
		 (int)(slash ? slash - self_path : 0), self_path);
	if (executable(beside))
		return beside;
	if (executable(configured))
		return configured;
	format_error(err, errlen,
		     "this policy needs landstrip-supervisor, which is not "
		     "installed (looked for %s, %s%s%s); install it or set "
		     "'supervisor =' in [landstrip]",
		     fixed, beside, configured ? ", " : "",
		     configured ? configured : "");
	return NULL;
}

/* LANDSTRIP_SUPERVISOR_FD, if it names a live seqpacket socket. */
static int session_socket(void)
{
	const char *v = getenv("LANDSTRIP_SUPERVISOR_FD");
	if (!v || !*v)
		return -1;
	char *end;
	long fd = strtol(v, &end, 10);
	int type = 0;
	socklen_t len = sizeof type;
	if (*end || fd < 0 || fd > 1 << 20 ||
	    getsockopt((int)fd, SOL_SOCKET, SO_TYPE, &type, &len) < 0 ||
	    type != SOCK_SEQPACKET)
		return -1;
	return (int)fd;
}

struct spawn {
	const char *path;
	int channel;
	const char *mode; /* "--serve" or "--witness" */
	int exec_errno;   /* set by the grandchild when its execve fails */
};

/* The grandchild, sharing our memory until its execve: keep only the
 * channel (as fd 3) and stderr, leave our session (terminal signals are
 * for the agent), and become landstrip-supervisor. */
static int become_supervisor(void *arg)
{
	struct spawn *sp = arg;
	/* dup2 onto itself keeps close-on-exec: clear it by hand then. */
	if (sp->channel == 3 ? fcntl(3, F_SETFD, 0) < 0
			     : dup2(sp->channel, 3) < 0) {
		sp->exec_errno = errno;
		syscall(SYS_exit, 127);
	}
	syscall(SYS_close_range, 4, ~0U, 0);
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null >= 0) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
	}
	setsid();
	char *argv[] = {(char *)"landstrip-supervisor", (char *)sp->mode,
			(char *)"3", NULL};
	char *envp[] = {NULL};
	execve(sp->path, argv, envp);
	sp->exec_errno = errno;
	syscall(SYS_exit, 127);
	return 127;
}

/* The child: start the grandchild and exit as soon as it has exec'd, so
 * that the supervisor is nobody's child here and the tool neither sees
 * nor reaps it.  Both share our memory until their execve or exit
 * (CLONE_VM|CLONE_VFORK, as posix_spawn does): nothing of the shim's
 * address space is copied, and the supervisor need not fork again. */
static int detach_supervisor(void *arg)
{
	static char stack[16 * 1024] __attribute__((aligned(16)));
	struct spawn *sp = arg;
	pid_t pid = clone(become_supervisor, stack + sizeof stack,
			  CLONE_VM | CLONE_VFORK | SIGCHLD, sp);
	syscall(SYS_exit, pid < 0 || sp->exec_errno ? 127 : 0);
	return 127;
}

static pid_t spawn_supervisor(const char *path, int channel, const char *mode,
			      char *err, size_t errlen)
{
	static char stack[16 * 1024] __attribute__((aligned(16)));
	struct spawn sp = {path, channel, mode, 0};
	pid_t child = clone(detach_supervisor, stack + sizeof stack,
			    CLONE_VM | CLONE_VFORK | SIGCHLD, &sp);
	if (child < 0)
		format_error(err, errlen, "cannot start the supervisor: %s",
			     strerror(errno));
	return child;
}

/* The supervisor's first process exits as soon as the real one has exec'd:
 * reap it before the exec, so no stray child reaches the tool. */
static bool reap_first(pid_t pid)
{
	int status = 0;
	while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static int start_own_supervisor(struct mediation *m, const char *path,
				char *err, size_t errlen);

int mediation_start(struct mediation *m, const char *supervisor_path,
		    char *err, size_t errlen)
{
	memset(m, 0, sizeof *m);
	m->channel = -1;
	m->session_fd = session_socket();
	if (m->session_fd >= 0) {
		/* The session supervisor is reached at handover, with the
		 * registration right behind the CONNECT. */
		m->session = true;
		m->fallback_path = supervisor_path;
		return 0;
	}
	return start_own_supervisor(m, supervisor_path, err, errlen);
}

#define SESSION_GONE \
	"the session supervisor (LANDSTRIP_SUPERVISOR_FD) is gone: %s"

int mediation_session_probe(pid_t *pid, char *err, size_t errlen)
{
	const char *v = getenv("LANDSTRIP_SUPERVISOR_FD");
	*pid = 0;
	if (!v || !*v) {
		format_error(err, errlen, "LANDSTRIP_SUPERVISOR_FD is not set");
		return 0;
	}
	int fd = session_socket();
	if (fd < 0) {
		/* What the shim then ignores: per-tool mode. */
		format_error(err, errlen, "LANDSTRIP_SUPERVISOR_FD=%s names no "
					  "session socket", v);
		return 0;
	}
	struct ucred cred = {0};
	socklen_t len = sizeof cred;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0)
		*pid = cred.pid;
	/* A question the session supervisor answers and forgets: a ruleset
	 * for a key no shim makes (CACHE_MISS), on a channel of our own,
	 * announced as a shim announces one. */
	static const char key[] = "landstrip --doctor";
	static unsigned char buf[WIRE_HEADER_SIZE + WIRE_MAX_PAYLOAD];
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		format_error(err, errlen, "socketpair: %s", strerror(errno));
		return -1;
	}
	int rc = -1;
	struct wire_header hdr;
	int fds[WIRE_MAX_FDS];
	size_t nfds = 0;
	char why[256];
	if (wire_send(sv[0], WIRE_CACHE_GET, (const unsigned char *)key,
		      sizeof key - 1, NULL, 0) < 0 ||
	    wire_send(fd, WIRE_CONNECT, NULL, 0, &sv[1], 1) < 0)
		format_error(err, errlen, SESSION_GONE, strerror(errno));
	else if (wire_recv(sv[0], buf, sizeof buf, &hdr, fds, WIRE_MAX_FDS,
			   &nfds, ACK_TIMEOUT_MS, why, sizeof why) < 0)
		format_error(err, errlen, "the session supervisor "
					  "(LANDSTRIP_SUPERVISOR_FD) did not "
					  "answer: %s", why);
	else if (hdr.type != WIRE_CACHE_MISS && hdr.type != WIRE_CACHE_HIT)
		format_error(err, errlen, "LANDSTRIP_SUPERVISOR_FD=%s answers, "
					  "but not as a session supervisor", v);
	else
		rc = 1;
	for (size_t i = 0; i < nfds; i++)
		close(fds[i]);
	close(sv[0]);
	close(sv[1]);
	return rc;
}

static int session_channel = -1;
static int session_peer = -1; /* the channel's other end, until announced */

bool mediation_in_session(void)
{
	return session_socket() >= 0;
}

/* Session mode: a private channel, announced on the shared socket. */
int mediation_session_channel(void)
{
	if (session_channel >= 0 || session_socket() < 0)
		return session_channel;
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	session_peer = sv[1];
	return session_channel = sv[0];
}

int mediation_session_announce(void)
{
	if (session_peer < 0)
		return session_channel >= 0 ? 0 : -1;
	int rc = wire_send(session_socket(), WIRE_CONNECT, NULL, 0,
			   &session_peer, 1);
	int err = errno;
	close(session_peer);
	session_peer = -1;
	if (rc < 0) {
		close(session_channel);
		session_channel = -1;
		errno = err;
	}
	return rc < 0 ? -1 : 0;
}

int mediation_session_announced(void)
{
	return session_peer < 0 ? session_channel : -1;
}

static int connect_session(struct mediation *m)
{
	m->channel = mediation_session_channel();
	return m->channel < 0 ? -1 : 0;
}

static int start_own_supervisor(struct mediation *m, const char *path,
				char *err, size_t errlen)
{
	if (!path) {
		format_error(err, errlen, "no supervisor to mediate this policy");
		return -1;
	}
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		format_error(err, errlen, "socketpair: %s", strerror(errno));
		return -1;
	}
	m->first_pid = spawn_supervisor(path, sv[1], "--serve", err, errlen);
	close(sv[1]);
	if (m->first_pid < 0) {
		close(sv[0]);
		return -1;
	}
	m->channel = sv[0];
	return 0;
}

static void add_paths(char ***list, size_t *count, const char *path)
{
	*list = xrealloc(*list, (*count + 1) * sizeof **list);
	(*list)[(*count)++] = (char *)path;
}

static void add_write_rules(struct wire_policy *w, const struct lowered *l);

void mediation_policy_of(const struct lowered *l, struct wire_policy *w)
{
	memset(w, 0, sizeof *w);
	w->flags = (l->allow_local_binding ? WIRE_FLAG_LOCAL_BINDING : 0) |
		   (l->allow_network ? WIRE_FLAG_NETWORK : 0) |
		   (l->mediate_reads ? WIRE_FLAG_MEDIATE_READS : 0);
	for (size_t i = 0; i < l->port_count && i < WIRE_MAX_PORTS; i++)
		w->ports[w->port_count++] = (uint16_t)l->connect_ports[i];
	for (size_t i = 0; i < l->unix_socket_count; i++)
		add_paths(&w->unix_sockets, &w->unix_socket_count,
			  l->unix_sockets[i]);
	for (size_t i = 0; i < l->rule_count; i++)
		if (l->rules[i].grant & GRANT_WRITE && l->rules[i].is_dir)
			add_paths(&w->write_dirs, &w->write_dir_count,
				  l->rules[i].path);
	add_write_rules(w, l);
	for (size_t i = 0; i < l->mediated_root_count; i++)
		add_paths(&w->mediated_roots, &w->mediated_root_count,
			  l->mediated_roots[i]);
}

/* The policy as this call hands it over. */
static struct wire_policy *policy_for_call(const struct handover *h)
{
	struct wire_policy *w = h->policy;
	w->tool = (char *)h->tool;
	w->pid = (uint32_t)getpid();
	w->config = (char *)h->config;
	w->report = (char *)h->report;
	return w;
}

static void add_rule_flags(struct wire_policy *w, uint8_t kind,
			   uint8_t flags, struct source src, const char *key,
			   const char *text, const char *path)
{
	/* Grown by half again, not by one: a policy holds some sixty rules,
	 * and in the shim's allocator every copy is fresh memory, each new
	 * page a fault. */
	if (w->write_rule_count >= w->write_rule_cap) {
		w->write_rule_cap = w->write_rule_count < 16
					    ? 32
					    : w->write_rule_count * 3 / 2;
		w->write_rules = xrealloc(w->write_rules,
					  w->write_rule_cap * sizeof *w->write_rules);
	}
	char label[WIRE_MAX_LABEL + 1];
	if (kind == WIRE_RULE_MANDATORY)
		snprintf(label, sizeof label,
			 "landstrip's own %s is never writable", key);
	else if (!text && !src.line && strcmp(src.file, "built-in") == 0)
		snprintf(label, sizeof label, "%s", key);
	else
		snprintf(label, sizeof label, "%s = %s", key,
			 text ? text : path);
	w->write_rules[w->write_rule_count++] = (struct wire_write_rule){
		kind, flags, src.line > 0 ? (uint32_t)src.line : 0,
		xstrdup(label), (char *)path,
	};
}

static void add_rule(struct wire_policy *w, uint8_t kind, bool glob,
		     struct source src, const char *key, const char *text,
		     const char *path)
{
	add_rule_flags(w, kind, glob ? WIRE_RULE_GLOB : 0, src, key, text,
		       path);
}

/* What decides a mediated write: the allow roots, every deny (the
 * mandatory ones, and denyRead: what may not be read may not be written)
 * and the patterns.  Sent for nested policies too, which the enclosing
 * supervisor applies to writes it performs for them. */
static void add_write_rules(struct wire_policy *w, const struct lowered *l)
{
	for (size_t i = 0; i < l->allow_root_count; i++)
		add_rule(w, WIRE_RULE_ALLOW, false, l->allow_roots[i].src,
			 "allowWrite", l->allow_roots[i].text,
			 l->allow_roots[i].path);
	for (size_t i = 0; i < l->write_deny_count; i++) {
		const struct deny *d = &l->write_denies[i];
		if (d->protect) {
			/* A refusal names the protection and the line that
			 * relaxes it (supervisor/decide_write.c write_hint). */
			char *label = xasprintf(
				"protected (built-in: %s); to allow it: "
				"allowWrite = %s",
				d->protect, d->path);
			add_rule(w, WIRE_RULE_DENY, false, d->src, label, NULL,
				 d->path);
			free(label);
			continue;
		}
		add_rule(w, d->mandatory ? WIRE_RULE_MANDATORY : WIRE_RULE_DENY,
			 false, d->src, d->key, d->text, d->path);
	}
	for (size_t i = 0; i < l->write_glob_count; i++) {
		const struct deny_glob *g = &l->write_globs[i];
		add_rule(w, g->allow ? WIRE_RULE_ALLOW : WIRE_RULE_DENY, true,
			 g->src, g->key, g->text, g->pattern);
	}
	for (size_t i = 0; i < l->granted_count; i++)
		add_rule_flags(w, WIRE_RULE_GRANTED,
			       l->granted[i].dir ? WIRE_RULE_DIR : 0,
			       (struct source){"built-in", 0}, "granted",
			       "a Landlock snapshot", l->granted[i].path);
	if (!l->restrict_read)
		return;
	/* Reads, for mediated roots with a read deny inside, and for an
	 * enclosing supervisor that opens files for a nested sandbox. */
	for (size_t i = 0; i < l->read_allow_count; i++)
		add_rule(w, WIRE_RULE_READ_ALLOW, false, l->read_allows[i].src,
			 l->read_allows[i].key, l->read_allows[i].text,
			 l->read_allows[i].path);
	for (size_t i = 0; i < l->read_deny_count; i++) {
		const struct deny *d = &l->read_denies[i];
		add_rule(w, WIRE_RULE_READ_DENY, false, d->src, d->key, d->text,
			 d->path);
	}
	for (size_t i = 0; i < l->write_glob_count; i++) {
		const struct deny_glob *g = &l->write_globs[i];
		if (!g->allow && strcmp(g->key, "denyRead") == 0)
			add_rule(w, WIRE_RULE_READ_DENY, true, g->src, g->key,
				 g->text, g->pattern);
	}
}

static int await_ack(int channel, char *err, size_t errlen)
{
	static unsigned char buf[WIRE_HEADER_SIZE + WIRE_MAX_PAYLOAD];
	struct wire_header hdr;
	int fds[WIRE_MAX_FDS];
	size_t nfds = 0;
	char why[256];
	if (wire_recv(channel, buf, sizeof buf, &hdr, fds, 0, &nfds,
		      ACK_TIMEOUT_MS, why, sizeof why) < 0) {
		format_error(err, errlen, "the supervisor did not answer: %s", why);
		return -1;
	}
	if (hdr.type == WIRE_ACK)
		return 0;
	int code = 0;
	char message[WIRE_MAX_MESSAGE + 1] = "";
	bool decoded = hdr.type == WIRE_ERROR &&
		       wire_decode_error(buf + WIRE_HEADER_SIZE, hdr.length,
					 &code, message, sizeof message, why,
					 sizeof why) == 0;
	/* It cannot reach the tool: its message is the whole line, with
	 * what works instead (the session command, most often). */
	if (decoded && code == EPERM)
		format_error(err, errlen, "%s", message);
	else if (decoded)
		format_error(err, errlen, "the supervisor refused: %s", message);
	else
		format_error(err, errlen, "the supervisor answered nonsense");
	return -1;
}

/* The channel is done with, and the supervisor's first process too. */
static void finish(struct mediation *m)
{
	close(m->channel);
	m->channel = -1;
	if (m->session)
		session_channel = -1;
	reap_first(m->first_pid);
	m->first_pid = 0;
}

int mediation_handover(struct mediation *m, const struct handover *h,
		       int listener, char *err, size_t errlen)
{
	/* A session supervisor that went away: fall back to one of our own
	 * (it starts unconfined all the same: Landlock limits files and
	 * ports, not what an exec'd supervisor may do... so it may not be
	 * started from here: refuse instead). */
	if (m->session && connect_session(m) < 0) {
		format_error(err, errlen, SESSION_GONE, strerror(errno));
		return -1;
	}
	const struct wire_policy *w = policy_for_call(h);
	static unsigned char payload[WIRE_MAX_PAYLOAD];
	int n = wire_encode_register(w, payload, sizeof payload);
	/* Reports go to the tool's stderr; a tool started with stderr closed
	 * gets them nowhere (/dev/null), not a failed handover. */
	int report_fd = fcntl(STDERR_FILENO, F_GETFD) < 0
				? open("/dev/null", O_WRONLY | O_CLOEXEC)
				: STDERR_FILENO;
	int fds[2] = {listener, report_fd};
	int rc = -1;
	if (n < 0)
		format_error(err, errlen, "cannot hand the policy to the "
					  "supervisor: %s",
			     errno == E2BIG ? "it is too large"
					    : "a field is out of bounds (over 256 "
					      "allowUnixSockets or 4096 write "
					      "directories?)");
	else if (wire_send(m->channel, WIRE_REGISTER, payload, (size_t)n, fds,
			   2) < 0)
		format_error(err, errlen, "cannot reach the supervisor: %s",
			     strerror(errno));
	else if (m->session && mediation_session_announce() < 0) {
		format_error(err, errlen, SESSION_GONE, strerror(errno));
		m->channel = -1; /* closed with it */
	} else
		rc = 0;
	/* Nothing of ours reaches the tool: the listener lives on in the
	 * supervisor only. */
	close(listener);
	if (report_fd != STDERR_FILENO && report_fd >= 0)
		close(report_fd);
	if (rc < 0)
		finish(m);
	return rc;
}

int mediation_handover_wait(struct mediation *m, char *err, size_t errlen)
{
	int rc = await_ack(m->channel, err, errlen);
	finish(m);
	return rc;
}

void mediation_close_session(void)
{
	/* Only shims outside any sandbox can register (a nested one cannot
	 * install a listener), so the tool has no use for the session socket,
	 * and must not get it: it could flood the supervisor. */
	int fd = session_socket();
	if (fd >= 0)
		close(fd);
}

enum enclosing mediation_enclosing(void)
{
	long rc = syscall(SYS_listen, MEDIATION_PROBE_FD, MEDIATION_PROBE_MAGIC);
	if (rc < 0 && errno == MEDIATION_PROBE_ERRNO_WRITES)
		return ENCLOSING_WRITES;
	return rc < 0 && errno == MEDIATION_PROBE_ERRNO ? ENCLOSING_SOCKETS
							: ENCLOSING_NONE;
}

int mediation_register_nested(const struct handover *h, const char *path,
			      char *err, size_t errlen)
{
	/* The witness starts from here, after Landlock: it is inside our
	 * domain, which is what the enclosing supervisor asks it about. */
	int sv[2];
	if (!path || socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		format_error(err, errlen, "cannot start a witness for the nested "
					  "policy: %s",
			     path ? strerror(errno) : "no landstrip-supervisor");
		return -1;
	}
	pid_t first = spawn_supervisor(path, sv[1], "--witness", err, errlen);
	close(sv[1]);
	if (first > 0 && !reap_first(first)) {
		/* e.g. the binary is not executable inside our domain */
		format_error(err, errlen, "the witness %s did not start", path);
		first = -1;
	}
	/* The registration rides on a connect(2) the enclosing supervisor
	 * traps: our end of the witness socket as the fd, a wire REGISTER as
	 * the "address", longer than any real address so that it cannot be
	 * taken for one. */
	static unsigned char msg[WIRE_HEADER_SIZE + WIRE_MAX_PAYLOAD];
	int n = wire_encode_register(policy_for_call(h), msg + WIRE_HEADER_SIZE,
				     sizeof msg - WIRE_HEADER_SIZE);
	int rc = -1;
	if (first > 0 && n >= 0 &&
	    wire_encode_header(msg, WIRE_HEADER_SIZE, WIRE_REGISTER, (size_t)n) >= 0) {
		size_t len = WIRE_HEADER_SIZE + (size_t)n;
		if (len <= sizeof(struct sockaddr_storage))
			len = sizeof(struct sockaddr_storage) + 1; /* zero pad */
		rc = (int)syscall(SYS_connect, sv[0], msg, len);
		if (rc < 0)
			format_error(err, errlen, "the enclosing supervisor did "
						  "not take the nested policy: %s",
				     strerror(errno));
	} else if (first > 0) {
		format_error(err, errlen, "the nested policy cannot be encoded");
	}
	close(sv[0]);
	return rc < 0 ? -1 : 0;
}
