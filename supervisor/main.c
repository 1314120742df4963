/* landstrip-supervisor: decides the socket calls a sandbox traps.
 *
 *   landstrip-supervisor [--no-wrappers] [--] COMMAND [ARG]...
 *                                                session mode
 *   landstrip-supervisor --serve FD              per-tool mode (started by
 *                                                landstrip-exec)
 *
 * Session mode runs COMMAND (the agent) with LANDSTRIP_SUPERVISOR_FD naming
 * an inherited socket, and the wrapper directory first in its PATH; every
 * landstrip-exec below hands its listener to this process instead of
 * starting its own.  See landstrip-supervisor(8). */
#include "loop.h"
#include "notify.h"
#include "../config/diag.h"
#include "../config/locate.h"

#include <errno.h>
#include <stdbool.h>
#include <poll.h>
#include <dirent.h>
#include <limits.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef LANDSTRIP_VERSION
#define LANDSTRIP_VERSION "0.1.0"
#endif

static const char usage[] =
	"usage: landstrip-supervisor [--no-wrappers] [--] COMMAND [ARG]...\n"
	"       landstrip-supervisor --version | --help\n"
	"\n"
	"Runs COMMAND (an agent) with the wrapper directory first in its PATH,\n"
	"so that every tool it runs by name is wrapped, and every landstrip-exec\n"
	"it starts hands its sandbox to this supervisor, which decides loopback\n"
	"binds and unix socket connections.  Exits with COMMAND's status once\n"
	"COMMAND and every sandbox it started are gone.  See\n"
	"landstrip-supervisor(8).\n"
	"\n"
	"  --no-wrappers  leave PATH alone: run COMMAND even without a wrapper\n"
	"                 set (only tools run through landstrip-exec are confined)\n";

static struct supervisor sup; /* large: static, not on the stack */

extern char **environ;

static int parse_fd(const char *s)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end || v < 0 || v > 1 << 20)
		return -1;
	return (int)v;
}

static bool is_seqpacket(int fd)
{
	int type = 0;
	socklen_t len = sizeof type;
	return getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0 &&
	       type == SOCK_SEQPACKET;
}

/* Notifications must work here before anything is promised: a per-tool
 * supervisor that exits unregistered makes its shim refuse to run the
 * tool, and a session one runs no agent. */
static void setup_notifications(void)
{
	const char *problem = notify_setup();
	if (problem)
		die_errno(EXIT_SETUP_ERROR, "supervisor: %s", problem);
}

static int serve(const char *fd_arg)
{
	int fd = parse_fd(fd_arg);
	if (fd < 0 || !is_seqpacket(fd))
		die(EXIT_USAGE, "supervisor: --serve needs the fd of a seqpacket "
				"socket, got '%s'", fd_arg);
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	setup_notifications();
	/* landstrip-exec started us detached: a grandchild whose parent has
	 * exited, in a session of our own, nobody's child the tool could see.
	 * Forking here again would copy pages on the tool's critical path. */
	sup.pending[0].fd = fd;
	sup.pending[0].deadline = LONG_MAX;
	sup.pending_count = 1;
	sup.session_fd = -1;
	sup.agent_pidfd = -1;
	return supervisor_run(&sup);
}

/* Is any process but us in our Landlock domain (or below it)?  Only those
 * can be signalled from here, so kill(pid, 0) over /proc tells. */
static bool domain_empty(void)
{
	DIR *d = opendir("/proc");
	if (!d)
		return false;
	bool empty = true;
	struct dirent *de;
	while (empty && (de = readdir(d))) {
		pid_t pid = (pid_t)atoi(de->d_name);
		if (pid > 0 && pid != getpid() && kill(pid, 0) == 0)
			empty = false;
	}
	closedir(d);
	return empty;
}

/* The witness of a nested sandbox: it runs inside that sandbox's Landlock
 * domain (started by the nested landstrip-exec after it confined itself)
 * and answers, for each pid the supervisor sends, whether a signal could
 * reach it from here.  Landlock's signal scope makes that "the pid is in
 * this domain or one nested below it".  It never signals anything: kill
 * with signal 0 only checks.  Exits when the supervisor closes its end. */
static int witness(const char *fd_arg)
{
	int fd = parse_fd(fd_arg);
	if (fd < 0 || !is_seqpacket(fd))
		die(EXIT_USAGE, "supervisor: --witness needs a seqpacket socket");
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	/* First, before any call the enclosing filter may trap: who we are,
	 * so that the supervisor answers our own calls without asking us. */
	struct witness_hello hello = {WITNESS_HELLO_MAGIC, (int32_t)getpid()};
	if (send(fd, &hello, sizeof hello, MSG_NOSIGNAL) != sizeof hello)
		return 0;
	/* Started detached by the nested shim, like --serve. */
	/* The tool runs in our domain, where processes may trace each other:
	 * non-dumpable, we cannot be read, nor our socket taken to forge an
	 * answer (only killed, which the supervisor takes as "everyone"). */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	/* Nor do we hold the tool's stderr open after it is gone: the shim
	 * gave us /dev/null as stdin, and a dup2 is never trapped. */
	dup2(STDIN_FILENO, STDERR_FILENO); /* /dev/null, from the shim */
	for (;;) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		int ready = poll(&pfd, 1, 100);
		if (ready == 0) {
			/* Idle (a tenth of a second: while we live, so does the
			 * enclosing sandbox, and its supervisor holds the tool's
			 * stderr): once nothing but us is left in the domain,
			 * nothing can enter it again, and the narrowing can go. */
			if (domain_empty()) {
				int32_t gone = -1;
				send(fd, &gone, sizeof gone, MSG_NOSIGNAL);
				return 0;
			}
			continue;
		}
		int32_t q;
		if (ready < 0 || recv(fd, &q, sizeof q, 0) != sizeof q)
			return 0;
		int32_t answer = kill((pid_t)q, 0) == 0 ? 0 : errno;
		if (send(fd, &answer, sizeof answer, MSG_NOSIGNAL) != sizeof answer)
			return 0;
	}
}

static bool is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The wrapper directory to put first in the agent's PATH, found as
 * landstrip-exec finds it (config/locate.h): the config a wrapper reads
 * (LANDSTRIP_CONFIG, the default places, the embedded default), its
 * wrapperDir or ~/.local/share/landstrip/bin.  NULL when the config names
 * no tool and there is no such directory: nothing to wrap.  A config
 * that names tools with none of their wrappers in place would leave every
 * tool the agent runs unconfined: exit instead, with the fix. */
static char *session_wrapper_dir(void)
{
	static struct config cfg; /* large: static, not on the stack */
	char err[1024], cwd[4096];
	const char *home = getenv("HOME");
	const char *why;
	const char *file = config_choose(NULL, home, &why);
	if (config_load(&cfg, file, NULL, err, sizeof err) < 0)
		die(EXIT_SETUP_ERROR, "supervisor: %s", err);
	/* "." in wrapperDir is where the agent starts, as for the shims. */
	if (!getcwd(cwd, sizeof cwd))
		die_errno(EXIT_SETUP_ERROR, "supervisor: cannot determine the "
					    "current directory");
	char *dir = config_wrapper_dir(&cfg, cwd, home, err, sizeof err);
	if (!cfg.tool_count)
		return dir && is_dir(dir) ? dir : NULL;
	if (!dir)
		die(EXIT_SETUP_ERROR, "supervisor: %s names tools to wrap, but "
				      "%s (wrapperDir in [landstrip]); or start "
				      "with --no-wrappers",
		    cfg.origin, err);
	size_t present = 0;
	for (size_t i = 0; i < cfg.tool_count; i++) {
		char *link = xasprintf("%s/%s", dir, cfg.tool_names[i]);
		struct stat st;
		present += lstat(link, &st) == 0;
		free(link);
	}
	if (!present)
		die(EXIT_SETUP_ERROR,
		    "supervisor: the wrapper directory %s %s, so every tool the "
		    "agent runs would run unconfined: run landstrip-exec "
		    "--install-wrappers (or start with --no-wrappers)",
		    dir, is_dir(dir) ? "holds none of the config's wrappers"
				     : "does not exist");
	return dir;
}

/* The agent's environment: ours with PATH set to PATH. */
static char **agent_environ(const char *path)
{
	size_t n = 0;
	while (environ[n])
		n++;
	char **env = xcalloc(n + 2, sizeof *env);
	size_t out = 0;
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "PATH=", 5) != 0)
			env[out++] = environ[i];
	env[out++] = xasprintf("PATH=%s", path);
	env[out] = NULL;
	return env;
}

static int session(char **command, bool wrappers)
{
	/* Before anything starts: a session that would wrap nothing is
	 * refused, not run. */
	char *dir = wrappers ? session_wrapper_dir() : NULL;
	char *path = dir ? path_put_first(getenv("PATH"), dir) : NULL;
	setup_notifications();
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		die_errno(EXIT_SETUP_ERROR, "supervisor: socketpair");
	/* Daemons that double-fork land on us, not on init: we stay their
	 * ancestor, which Yama's ptrace_scope 1 requires for mediation. */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
		die_errno(EXIT_SETUP_ERROR, "supervisor: PR_SET_CHILD_SUBREAPER");
	pid_t pid = fork();
	if (pid < 0)
		die_errno(EXIT_SETUP_ERROR, "supervisor: fork");
	if (pid == 0) {
		char value[16];
		snprintf(value, sizeof value, "%d", sv[1]);
		if (fcntl(sv[1], F_SETFD, 0) < 0 ||
		    setenv("LANDSTRIP_SUPERVISOR_FD", value, 1) < 0)
			die_errno(EXIT_SETUP_ERROR, "supervisor: preparing %s",
				  command[0]);
		signal(SIGINT, SIG_DFL);
		signal(SIGQUIT, SIG_DFL);
		/* The agent itself is found on PATH as it was: it is not a
		 * tool, and a wrapper of the same name must not confine it. */
		if (path)
			execvpe(command[0], command, agent_environ(path));
		else
			execvp(command[0], command);
		die_errno(errno == ENOENT ? EXIT_NOT_FOUND : EXIT_NOT_EXECUTABLE,
			  "supervisor: cannot execute %s", command[0]);
	}
	close(sv[1]);
	sup.session = true;
	sup.agent_pid = pid;
	sup.session_fd = sv[0];
	sup.agent_pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (sup.agent_pidfd < 0)
		die_errno(EXIT_SETUP_ERROR, "supervisor: pidfd_open");
	return supervisor_run(&sup);
}

int main(int argc, char **argv)
{
	/* A terminal's ^C is for the agent; the supervisor must outlive it
	 * until every sandbox is gone, or their calls would fail. */
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	if (argc >= 2 && strcmp(argv[1], "--version") == 0)
		return printf("landstrip-supervisor %s\n", LANDSTRIP_VERSION) < 0;
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 ||
			  strcmp(argv[1], "-h") == 0))
		return fputs(usage, stdout) == EOF;
	if (argc == 3 && strcmp(argv[1], "--serve") == 0)
		return serve(argv[2]);
	if (argc == 3 && strcmp(argv[1], "--witness") == 0)
		return witness(argv[2]);
	int first = 1;
	bool wrappers = true;
	if (first < argc && strcmp(argv[first], "--no-wrappers") == 0) {
		wrappers = false;
		first++;
	}
	if (first < argc && strcmp(argv[first], "--") == 0)
		first++;
	else if (first < argc && argv[first][0] == '-')
		die(EXIT_USAGE, "unknown option '%s'\n%s", argv[first], usage);
	if (first >= argc)
		die(EXIT_USAGE, "no COMMAND given\n%s", usage);
	return session(argv + first, wrappers);
}
