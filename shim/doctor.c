/* --doctor: one screen saying whether this machine and this setup can
 * enforce what the config asks, with the fix for each problem. */
#include "doctor.h"
#include "seccomp.h"
#include "../config/diag.h"
#include "../config/locate.h"
#include "../config/paths.h"
#include "../config/system.h"
#include "landlock.h"
#include "mediation.h"
#include "wrappers.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static int problems;

__attribute__((format(printf, 2, 3))) static void line(bool good,
						       const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	printf("  %-8s ", good ? "ok" : "PROBLEM");
	vprintf(fmt, ap);
	putchar('\n');
	va_end(ap);
	if (!good)
		problems++;
}

static void fix(const char *what)
{
	printf("           fix: %s\n", what);
}

static const char *const abi_features[] = {
	NULL,
	"files",
	"cross-directory renames",
	"truncate",
	"TCP ports",
	"device ioctls",
	"signal and abstract-socket scopes",
	"audit logging",
};

static void check_landlock(const struct doctor_input *in)
{
	int abi = in->abi;
	if (abi < 0) {
		line(false, "Landlock is not available (%s)",
		     in->abi_errno == EOPNOTSUPP ? "built in, not enabled"
						 : "not in this kernel");
		fix(in->abi_errno == EOPNOTSUPP
			    ? "add landlock to the lsm= kernel parameter"
			    : "a Linux 6.7+ kernel with CONFIG_SECURITY_LANDLOCK");
		return;
	}
	char features[256] = "";
	for (int i = 1; i <= abi && i < 8; i++) {
		strcat(features, i > 1 ? ", " : "");
		strcat(features, abi_features[i]);
	}
	line(true, "Landlock ABI %d: %s", abi, features);
	const char *why;
	int needed = landlock_abi_needed(policy_flag(in->policy,
						     SCALAR_ALLOW_NETWORK),
					 &why);
	if (abi >= needed) {
		line(true, "this policy needs ABI %d (%s)", needed, why);
	} else {
		line(false, "this policy needs ABI %d (%s); the kernel has %d",
		     needed, why, abi);
		fix("a newer kernel (ABI 4 is Linux 6.7), or allowNetwork = true "
		    "if the tool may use the network");
	}
}

static void check_seccomp(void)
{
	struct seccomp_notif_sizes sizes;
	bool notify = syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0,
			      &sizes) == 0;
	line(notify, "seccomp user notification%s",
	     notify ? " (for the supervisor's mediation)"
		    : " is missing: mediated policies cannot run");
	if (!notify)
		fix("Linux 5.9 or newer");
	else if (kernel_at_least(5, 19))
		line(true, "a mediated call, once the supervisor has it, is "
			   "interrupted by a fatal signal only");
	else
		line(true, "a handled signal can interrupt a mediated call "
			   "(EINTR, or EINVAL/EEXIST when restarted): "
			   "Linux 5.19 waits killably");
	line(true, "seccomp filters: %zu programs generated at build time "
		   "with %s (none is built per exec)",
	     seccomp_programs_count, seccomp_generated_with);
}

static void check_config(const struct doctor_input *in)
{
	const struct config *cfg = in->cfg;
	if (cfg->embedded)
		line(true, "config: embedded default (%s)", in->ctx->config_why);
	else
		line(true, "config: %s (%zu tool section%s)", cfg->origin,
		     cfg->tool_count, cfg->tool_count == 1 ? "" : "s");
	char err[1024];
	const char *problem = in->unenforceable(in->policy, err, sizeof err);
	line(!problem, "the policy can be enforced here%s%s",
	     problem ? ": " : "", problem ? problem : "");
}

#define SESSION_COMMAND "landstrip-supervisor -- AGENT"

/* Whether this shell is in a session, and what the tools it starts will
 * get.  Returns what mediation_session_probe said. */
static int check_session(void)
{
	char why[1024];
	pid_t pid = 0;
	if (mediation_nested()) {
		/* A wrapped shell: the shim closed the session socket before
		 * it ran us, and the enclosing sandbox decides. */
		line(true, "session: this shell runs inside a landstrip sandbox, "
			   "whose supervisor (if any) decides; run --doctor "
			   "outside it to check the session");
		return 0;
	}
	int in = mediation_session_probe(&pid, why, sizeof why);
	if (in > 0 && pid > 0)
		line(true, "in a session: landstrip-supervisor (pid %d) "
			   "answers on LANDSTRIP_SUPERVISOR_FD", (int)pid);
	else if (in > 0)
		line(true, "in a session: the supervisor answers on "
			   "LANDSTRIP_SUPERVISOR_FD");
	else if (in == 0)
		line(true, "not in a session (%s): to start an agent in one: "
			   SESSION_COMMAND, why);
	else
		line(false, "%s", why);
	if (in < 0)
		fix("start the agent again with: " SESSION_COMMAND);
	return in;
}

static void check_supervisor(const struct doctor_input *in)
{
	char err[1024];
	const char *path = mediation_find_supervisor(
		in->ctx->self_path, in->cfg->settings.supervisor, err, sizeof err);
	bool needed = in->any_mediation;
	if (path)
		line(true, "supervisor: %s", path);
	else
		line(!needed, "supervisor: not installed%s",
		     needed ? " and this config needs it" : " (not needed)");
	if (!path && needed)
		fix("make install, or supervisor = in [landstrip]");
	bool session = check_session() > 0;
	int scope = yama_ptrace_scope();
	if (scope < 0)
		line(true, "Yama: not present (per-tool and session mode work)");
	else if (scope == 0)
		line(true, "Yama ptrace_scope 0 (per-tool and session mode work)");
	else if (scope == 1)
		line(!needed || session,
		     "Yama ptrace_scope 1: only session mode can mediate%s",
		     session ? " (in use)" : "");
	else
		line(!needed, "Yama ptrace_scope %d: no supervisor can mediate",
		     scope);
	if (scope == 1 && needed && !session)
		fix("start the agent with: " SESSION_COMMAND);
}

/* Does a PATH search for NAME, not skipping anything, hit DIR first? */
static char *first_on_path(const char *name)
{
	const char *p = getenv("PATH");
	if (!p)
		return NULL;
	for (;;) {
		const char *colon = strchr(p, ':');
		size_t len = colon ? (size_t)(colon - p) : strlen(p);
		char *cand = len ? xasprintf("%.*s/%s", (int)len, p, name)
				 : xasprintf("./%s", name);
		if (access(cand, X_OK) == 0)
			return cand;
		free(cand);
		if (!colon)
			return NULL;
		p = colon + 1;
	}
}

static bool dir_in_path(const char *dir)
{
	const char *p = getenv("PATH");
	size_t n = strlen(dir);
	while (p && *p) {
		const char *colon = strchr(p, ':');
		size_t len = colon ? (size_t)(colon - p) : strlen(p);
		if (len == n && strncmp(p, dir, n) == 0)
			return true;
		p = colon ? colon + 1 : NULL;
	}
	return false;
}

static void check_wrappers(const struct doctor_input *in)
{
	char err[1024];
	char *dir = config_wrapper_dir(in->cfg, in->ctx->project_dir, in->ctx->home,
					 err, sizeof err);
	if (!in->cfg->tool_count) {
		line(true, "wrappers: none configured (no [tool.NAME] section)");
		return;
	}
	struct stat st;
	if (!dir || stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		line(false, "wrapper directory %s does not exist",
		     dir ? dir : "(unknown)");
		fix("landstrip-exec --install-wrappers");
		return;
	}
	/* Missing from PATH, it is one problem, not one per tool. */
	bool in_path = dir_in_path(dir);
	if (!in_path) {
		line(false, "wrapper directory %s is not in PATH", dir);
		printf("           fix: start the agent with: " SESSION_COMMAND
		       " (it puts the directory first in PATH), or export "
		       "PATH=%s:$PATH\n", dir);
	} else {
		line(true, "wrapper directory %s is in PATH", dir);
	}
	for (size_t i = 0; i < in->cfg->tool_count; i++) {
		const char *name = in->cfg->tool_names[i];
		char *link = path_join(dir, name);
		struct stat lst, target;
		bool ours = lstat(link, &lst) == 0 && S_ISLNK(lst.st_mode) &&
			    stat(link, &target) == 0 &&
			    target.st_ino == in->ctx->self.st_ino &&
			    target.st_dev == in->ctx->self.st_dev;
		char *real = in->real_program(name, err, sizeof err);
		char *first = first_on_path(name);
		bool ahead = first && strcmp(first, link) == 0;
		if (!ours) {
			line(false, "%s: no wrapper in %s", name, dir);
			fix("landstrip-exec --install-wrappers");
		} else if (!real) {
			line(false, "%s: %s", name, err);
			fix("install it, or set program = in its [tool] section");
		} else if (!ahead && in_path) {
			line(false, "%s: PATH finds %s before the wrapper", name,
			     first ? first : "nothing");
			printf("           fix: export PATH=%s:$PATH\n", dir);
		} else {
			line(true, "%s -> %s", name, real);
		}
		free(link);
		free(real);
		free(first);
	}
	free(dir);
}

int doctor_run(const struct doctor_input *in)
{
	printf("landstrip doctor (%s)\n", in->ctx->self_path);
	check_landlock(in);
	check_seccomp();
	check_config(in);
	check_supervisor(in);
	check_wrappers(in);
	if (problems)
		printf("landstrip doctor: %d problem%s\n", problems,
		       problems == 1 ? "" : "s");
	else
		printf("landstrip doctor: healthy\n");
	fflush(stdout);
	return problems ? EXIT_SETUP_ERROR : 0;
}
