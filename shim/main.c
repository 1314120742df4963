/* landstrip-exec: confine yourself with the tool's policy, then become it.
 *
 * main reads top to bottom: name from argv[0], load the policy, resolve the
 * real program, confine (Landlock, then seccomp), exec in place.  Every
 * failure before the exec is fatal: the tool never runs less confined than
 * its policy says. */
#include "../config/config.h"
#include "../config/deps.h"
#include "../config/diag.h"
#include "../config/lower.h"
#include "../config/glob.h"
#include "../config/paths.h"
#include "../config/system.h"
#include "admin.h"
#include "caps.h"
#include "cli.h"
#include "context.h"
#include "enforce.h"
#include "fds.h"
#include "landlock.h"
#include "mediation.h"
#include "program.h"
#include "report.h"
#include "rulecache.h"
#include "../config/protect.h"
#include "seccomp.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#ifndef LANDSTRIP_VERSION
#define LANDSTRIP_VERSION "0.1.0"
#endif

extern char **environ;

/* How the socket calls are decided for this tool. */
struct mediation_plan {
	bool wanted;   /* the policy needs a supervisor */
	bool nested;   /* inside a landstrip sandbox: no listener of our own */
	const char *witness_path; /* nested: the supervisor binary */
	struct mediation med;
	struct handover handover;
};

static void confine(struct landlock *ll, const struct wire_policy *w,
		    struct mediation_plan *plan)
{
	bool allow_network = w->flags & WIRE_FLAG_NETWORK;
	bool allow_local_binding = w->flags & WIRE_FLAG_LOCAL_BINDING;
	if (caps_drop_dangerous() < 0)
		die_errno(EXIT_SETUP_ERROR,
			  "cannot drop CAP_SYS_ADMIN, CAP_PERFMON and "
			  "CAP_SYS_PTRACE");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		die_errno(EXIT_SETUP_ERROR, "cannot set no_new_privs");
	if (landlock_enforce(ll) < 0) {
		if (errno == E2BIG)
			die(EXIT_SETUP_ERROR,
			    "too many nested sandboxes (Landlock allows 16 "
			    "layers): is a wrapped tool calling itself, or the "
			    "wrapper directory listed twice in PATH?");
		die_errno(EXIT_SETUP_ERROR, "cannot enforce the Landlock ruleset");
	}
	char err[1024];
	bool mediated = plan->wanted && !plan->nested;
	/* Nested under a supervisor, a policy with network of its own hands
	 * it over: the enclosing supervisor then applies it to our domain
	 * too (a witness inside tells it who is in here).  So does every
	 * nested policy under a supervisor that performs writes: it would
	 * otherwise write for us past our own Landlock rules. */
	enum enclosing enc = plan->nested ? mediation_enclosing()
					  : ENCLOSING_NONE;
	bool own_network = plan->wanted && !allow_network &&
			   (w->port_count || allow_local_binding ||
			    w->unix_socket_count);
	bool register_nested = (own_network && enc != ENCLOSING_NONE) ||
			       enc == ENCLOSING_WRITES;
	if (register_nested &&
	    mediation_register_nested(&plan->handover, plan->witness_path, err,
				      sizeof err) < 0)
		die(EXIT_SETUP_ERROR, "%s", err);
	struct filter_inputs in = {
		.allow_network = allow_network,
		.allow_local_binding = allow_local_binding,
		.has_proxy_ports = w->port_count > 0,
		.has_unix_sockets = w->unix_socket_count > 0,
		.has_mediated_roots = w->mediated_root_count > 0,
		.mediate_reads = w->flags & WIRE_FLAG_MEDIATE_READS,
		.wants_supervisor = plan->wanted,
		.nested = plan->nested,
		.enclosing = enc,
	};
	struct filter_options opt = filter_options_for(&in);
	int listener = seccomp_install(&opt);
	if (listener < 0 && errno == ENOENT)
		die(EXIT_SETUP_ERROR, "no seccomp filter was generated for this "
		    "policy's options: this build of landstrip-exec is broken, "
		    "rebuild it (make)");
	if (listener < 0)
		die_errno(EXIT_SETUP_ERROR, "cannot install the seccomp filter%s",
			  mediated ? " with a listener" : "");
	if (mediated &&
	    (mediation_handover(&plan->med, &plan->handover, listener, err,
				sizeof err) < 0 ||
	     mediation_handover_wait(&plan->med, err, sizeof err) < 0))
		die(EXIT_SETUP_ERROR, "%s", err);
}

/* A ruleset handling what POLICY restricts on ABI. */
static int begin_ruleset(struct landlock *ll, const struct policy *policy,
			 int abi)
{
	return landlock_begin(ll, abi, policy->lists[LIST_DENY_READ].len > 0,
			      !policy_flag(policy, SCALAR_ALLOW_NETWORK));
}

/* Lower the policy into a new Landlock ruleset, with the proxy ports,
 * and the policy the supervisor needs into WIRE.  With a session CHANNEL,
 * record what the walk looked at and offer the result to the cache. */
static void build_ruleset(struct landlock *ll, const struct policy *policy,
			  struct lower_env *env, struct lowered *lowered,
			  struct wire_policy *wire, int abi, int channel,
			  const struct rulecache_key *key)
{
	char err[1024];
	if (begin_ruleset(ll, policy, abi) < 0)
		die_errno(EXIT_SETUP_ERROR, "cannot create a Landlock ruleset");
	struct rule_sink sink = {landlock_add_path, ll};
	env->sink = &sink;
	env->record = diag_debug_enabled;
	/* The supervisor needs the write directories for unix binds. */
	env->record_write_dirs = true;
	if (channel >= 0 && !lowering_deps.on)
		deps_start(); /* (already on when it recorded the scan) */
	if (lower_policy(policy, env, lowered, err, sizeof err) < 0)
		die(EXIT_SETUP_ERROR, "%s", err);
	env->sink = NULL;
	for (size_t i = 0; i < lowered->port_count; i++)
		if (landlock_allow_connect(ll, lowered->connect_ports[i]) < 0)
			die_errno(EXIT_SETUP_ERROR,
				  "cannot allow TCP connect to port %u",
				  lowered->connect_ports[i]);
	mediation_policy_of(lowered, wire);
	if (channel >= 0)
		rulecache_offer(channel, key, ll->ruleset_fd, wire);
	deps_stop();
}

/* --debug with a ruleset from the cache: say so, and lower once more for
 * the report only (no rule is added anywhere). */
static void describe_kept(const struct policy *policy, struct lower_env *env,
			  struct lowered *lowered, struct report *rep)
{
	static struct landlock shown;
	char err[1024];
	debug("Landlock ruleset from the session supervisor's cache: an "
	      "earlier call built it from this policy here, and nothing it "
	      "looked at has changed since");
	env->sink = NULL;
	env->record = true;
	if (lower_policy(policy, env, lowered, err, sizeof err) < 0)
		die(EXIT_SETUP_ERROR, "%s", err);
	/* The rights each grant stands for on this ABI, for the report. */
	if (begin_ruleset(&shown, policy, rep->abi) == 0) {
		close(shown.ruleset_fd);
		rep->ll = &shown;
	}
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

/* The tool's argv[0]: the real program's path when it carries the same
 * name.  Left as "cc" or "python3", a tool that finds itself by searching
 * PATH for argv[0] (gcc for its cc1, Python for sys.executable and every
 * venv made from it) would find the wrapper instead.  A pinned program
 * with another name keeps argv[0]: multi-call binaries dispatch on it. */
static char **argv0_for(const char *program, char **argv)
{
	if (strcmp(base_name(program), base_name(argv[0])) == 0)
		argv[0] = (char *)program;
	return argv;
}

/* Become the tool.  A script without a #! line runs through /bin/sh, as
 * execvp(3) and shells do, so that wrapping such a tool changes nothing. */
__attribute__((noreturn)) static void exec_tool(const char *program,
						char **argv)
{
	execve(program, argv, environ);
	if (errno == ENOEXEC) {
		size_t argc = 0;
		while (argv[argc])
			argc++;
		char **sh_argv = xcalloc(argc + 2, sizeof *sh_argv);
		sh_argv[0] = (char *)"sh";
		sh_argv[1] = (char *)program;
		for (size_t i = 1; i < argc; i++)
			sh_argv[i + 1] = argv[i];
		execve("/bin/sh", sh_argv, environ);
		errno = ENOEXEC;
	}
	die_errno(errno == ENOENT ? EXIT_NOT_FOUND : EXIT_NOT_EXECUTABLE,
		  "cannot execute %s", program);
}

/* [landstrip] report = stderr | none | FILE, with ~ expanded. */
static const char *report_destination(const struct context *ctx,
				      const struct config *cfg)
{
	const char *r = cfg->settings.report;
	if (!r || strcmp(r, "stderr") == 0 || strcmp(r, "none") == 0)
		return r;
	char err[256];
	char *path = path_expand(r, ctx->project_dir, ctx->home, err,
				 sizeof err);
	if (!path)
		die(EXIT_SETUP_ERROR, "%s:%d: %s", cfg->settings.report_src.file,
		    cfg->settings.report_src.line, err);
	return path;
}

/* How this policy's socket calls would be decided, for --check/--debug. */
static const char *describe_mediation(bool nested)
{
	if (nested)
		return "nested in a landstrip sandbox: no supervisor of its "
		       "own; the enclosing sandbox's rules apply, narrowed "
		       "statically";
	if (getenv("LANDSTRIP_SUPERVISOR_FD"))
		return "session supervisor (LANDSTRIP_SUPERVISOR_FD)";
	if (yama_ptrace_scope() >= 1)
		return "per-tool landstrip-supervisor, which Yama ptrace_scope "
		       ">= 1 will refuse: start the agent under "
		       "landstrip-supervisor -- AGENT";
	return "per-tool landstrip-supervisor";
}

/* supervisor = from [landstrip], with ~ expanded; NULL when unset. */
static const char *configured_supervisor(const struct context *ctx,
					 const struct config *cfg)
{
	char err[256];
	return cfg->settings.supervisor
		       ? path_expand(cfg->settings.supervisor, ctx->project_dir,
				     ctx->home, err, sizeof err)
		       : NULL;
}

/* A scan too wide to watch (a node_modules of hundreds of packages, each
 * looked into for a .git, is more directories than the cache follows)
 * taints the recording, and no ruleset would ever be kept.  Key the
 * ruleset on what the scan found instead, as it was keyed before scans
 * were watched, and watch only the walk: such a project pays its scan at
 * each call, but not its walk.  The kept ruleset's fd, or -1 with the
 * recording restarted for the walk. */
static int rekey_on_what_the_scan_found(const struct policy *policy,
					const struct lower_env *env, int abi,
					int *channel, struct rulecache_key *key,
					struct wire_policy *wire)
{
	debug("the protected set's scan is not watched (%s): the ruleset is "
	      "kept under what it found", lowering_deps.tainted);
	deps_stop();
	free(key->bytes);
	key->bytes = NULL;
	if (!rulecache_key_of(policy, env, abi, key)) {
		*channel = -1; /* too long a key: nothing is offered either */
		return -1;
	}
	int kept = rulecache_fetch(*channel, key, wire);
	if (kept < 0)
		deps_start();
	return kept;
}

/* Will the walk find a mediated root?  The built-in protected set makes
 * one of every write root it falls inside: guessed here from the text of
 * allowWrite, so that a per-tool supervisor starts, and execs on the other
 * core, while the walk runs instead of after it.  A wrong guess costs only
 * time: a supervisor started for nothing exits when the tool's exec closes
 * our end of its socket; one not guessed starts after the walk. */
static bool protected_set_mediates(const struct policy *p,
				   const struct lower_env *env)
{
	const struct path_list *allow = &p->lists[LIST_ALLOW_WRITE];
	bool inside = false;
	for (size_t i = 0; !inside && i < allow->len; i++) {
		char why[256];
		if (glob_is_pattern(allow->items[i].text))
			continue;
		char *root = path_expand(allow->items[i].text, env->cwd,
					 env->home, why, sizeof why);
		for (size_t j = 0; root && !inside && j < env->protect_count; j++)
			inside = path_strictly_within(env->protect[j].path, root);
		free(root);
	}
	return inside;
}

static void start_mediation(struct mediation_plan *plan,
			    const struct context *ctx, const struct config *cfg)
{
	char err[1024], where[1024] = "";
	const char *path = mediation_find_supervisor(
		ctx->self_path, configured_supervisor(ctx, cfg), where,
		sizeof where);
	if (mediation_start(&plan->med, path, err, sizeof err) < 0)
		die(EXIT_SETUP_ERROR, "%s", path ? err : where);
}

static char *find_program(const struct cli *cli, const struct policy *p,
			  const struct context *ctx)
{
	char err[1024];
	int status = EXIT_NOT_FOUND;
	char *program;
	if (cli->wrapper && p->program) {
		char *pinned = path_expand(p->program, ctx->project_dir, ctx->home, err,
					   sizeof err);
		if (!pinned)
			die(EXIT_SETUP_ERROR, "%s:%d: %s", p->program_src.file,
			    p->program_src.line, err);
		program = program_check(pinned, &ctx->self, &status, err,
					sizeof err);
	}
	else if (cli->wrapper)
		/* argv[0] may be the wrapper's own path: look the name up. */
		program = program_resolve(cli->profile, getenv("PATH"),
					  &ctx->self, &status, err, sizeof err);
	else if (strchr(cli->command[0], '/'))
		/* An explicit path, even to landstrip-exec: that is nesting. */
		program = program_check(cli->command[0], NULL, &status, err,
					sizeof err);
	else
		program = program_resolve(cli->command[0], getenv("PATH"),
					  &ctx->self, &status, err, sizeof err);
	if (!program)
		die(status, "%s", err);
	return program;
}

int main(int argc, char **argv)
{
	struct cli cli;
	char err[1024];
	if (cli_parse(&cli, argc, argv, err, sizeof err) < 0)
		die(EXIT_USAGE, "%s\n%s", err, cli_usage);
	if (cli.action == ACTION_HELP)
		return fputs(cli_usage, stdout) == EOF;
	if (cli.action == ACTION_VERSION)
		return printf("landstrip-exec %s\n", LANDSTRIP_VERSION) < 0;
	const char *env_debug = getenv("LANDSTRIP_DEBUG");
	diag_debug_enabled = cli.debug || (env_debug && strcmp(env_debug, "1") == 0);

	/* Inside a landstrip sandbox already?  Then "." is the project
	 * directory the outermost shim recorded, and whatever this policy
	 * needs, it narrows statically (see confine). */
	bool nested = mediation_nested();
	path_probes_avoid_openat2(nested);
	struct context ctx;
	context_init(&ctx, cli.config, nested);
	struct config cfg;
	context_load_config(&ctx, &cfg, cli.profile);
	context_add_setting_denies(&ctx, &cfg);
	struct policy policy;
	config_merge(&cfg, &policy);
	if (cli.action == ACTION_INSTALL_WRAPPERS ||
	    cli.action == ACTION_REMOVE_WRAPPERS || cli.action == ACTION_DOCTOR)
		return administer(&cli, &ctx, &cfg, &policy);

	char *program = cli.action == ACTION_RUN
				? find_program(&cli, &policy, &ctx)
				: NULL;

	/* The built-in protected set (config/protect.h), found anew at each
	 * start: nested, the enclosing supervisor applies its own.  In a
	 * session a run asks the ruleset cache first, and scans only on a
	 * miss: the scan is part of what a kept ruleset was built from (its
	 * directories and files are watched with the walk's). */
	struct protect_set protect = {0};
	bool protects = !nested && (cli.action == ACTION_RUN ||
				    cli.action == ACTION_CHECK);
	bool scan_on_miss = protects && cli.action == ACTION_RUN &&
			    mediation_in_session();
	if (protects && !scan_on_miss)
		protect_discover(ctx.project_dir, ctx.home, &protect);
	struct lower_env env = {
		.cwd = ctx.project_dir,
		.home = ctx.home,
		.mandatory = ctx.mandatory,
		.mandatory_count = ctx.mandatory_count,
		.protect = protect.items,
		.protect_count = protect.count,
	};
	struct lowered lowered;
	struct report rep = {
		.ctx = &ctx, .cfg = &cfg, .policy = &policy,
		.lowered = &lowered, .tool = cli.profile, .program = program,
		.abi = cli.action == ACTION_CHECK ? diagnostic_abi()
						  : landlock_abi(),
	};
	int abi_errno = errno;

	bool allow_network = policy_flag(&policy, SCALAR_ALLOW_NETWORK);
	rep.abi_needed = landlock_abi_needed(allow_network, &rep.abi_needed_why);
	const char *problem = unenforceable(&policy, rep.abi, abi_errno, err,
					    sizeof err);
	if ((cli.action == ACTION_CHECK || diag_debug_enabled) &&
	    mediation_needed(&policy))
		rep.mediation = describe_mediation(nested);
	if (cli.action == ACTION_CHECK) {
		/* --check prints the policy even when it cannot be enforced
		 * here, and then says why, with a failing status. */
		char lower_err[1024];
		env.record = true;
		env.mediate_writes = !nested;
		if (lower_policy(&policy, &env, &lowered, lower_err,
				 sizeof lower_err) < 0)
			die(EXIT_SETUP_ERROR, "%s", lower_err);
		if (!rep.mediation && lowered.mediated_root_count)
			rep.mediation = describe_mediation(nested);
		report_policy(stdout, &rep);
		if (fflush(stdout) == EOF)
			return EXIT_SETUP_ERROR;
		if (!problem && rep.mediation && !getenv("LANDSTRIP_SUPERVISOR_FD") &&
		    !nested &&
		    !mediation_find_supervisor(ctx.self_path,
					       configured_supervisor(&ctx, &cfg),
					       err, sizeof err))
			problem = err;
		if (problem)
			die(EXIT_SETUP_ERROR, "cannot enforce: %s", problem);
		return 0;
	}
	/* The ABI decides which rights the ruleset handles, so it is checked
	 * before the walk; the walk adds each rule as it finds it. */
	if (problem)
		die(EXIT_SETUP_ERROR, "%s", problem);

	struct mediation_plan plan = {.wanted = mediation_needed(&policy),
				      .nested = nested};
	/* Before the walk opens its own fds: only inherited ones are looked at. */
	if (fds_close_io_uring() < 0)
		die_errno(EXIT_SETUP_ERROR, "cannot list /proc/self/fd");
	/* A policy that needs a supervisor whatever the walk finds starts it
	 * now, unconfined: it execs and settles on the other core while the
	 * walk below runs (the handover waits for it only at the end). */
	bool snapshot = (scan_on_miss ? policy.lists[LIST_ALLOW_WRITE].len > 0
				      : protected_set_mediates(&policy, &env)) ||
			policy.lists[LIST_DENY_WRITE].len > 0;
	bool started = (plan.wanted || snapshot) && !plan.nested;
	if (started)
		start_mediation(&plan, &ctx, &cfg);
	/* In session mode the supervisor may keep the ruleset an earlier
	 * call built from the same policy in the same place, while nothing it
	 * was built from has changed (shim/rulecache.h).  Nested, our own
	 * listener is impossible: denies inside write roots are then carved
	 * as a snapshot (landstrip.ini(5)). */
	env.mediate_writes = !nested;
	struct rulecache_key key;
	/* Only a walk costs more than asking: through the directories beside
	 * a read deny, or the snapshot of a mediated root (a deny, the
	 * protected set's among them, inside a write root); the rest lowers
	 * in tens of microseconds. */
	bool worth_caching = !nested && (policy.lists[LIST_DENY_READ].len > 0 ||
					 snapshot);
	int channel = worth_caching ? mediation_session_channel() : -1;
	if (channel >= 0 && !rulecache_key_of(&policy, &env, rep.abi, &key))
		channel = -1;
	struct wire_policy wire;
	struct landlock ll;
	int kept = channel >= 0 ? rulecache_fetch(channel, &key, &wire) : -1;
	if (kept < 0 && channel >= 0)
		channel = mediation_session_announced(); /* -1 if it failed */
	/* A miss, or no cache after all: scan now, recorded with the walk. */
	if (scan_on_miss && (kept < 0 || diag_debug_enabled)) {
		if (kept < 0 && channel >= 0)
			deps_start();
		protect_discover(ctx.project_dir, ctx.home, &protect);
		env.protect = protect.items;
		env.protect_count = protect.count;
		if (kept < 0 && channel >= 0 && lowering_deps.tainted)
			kept = rekey_on_what_the_scan_found(&policy, &env, rep.abi,
							    &channel, &key, &wire);
	}
	if (kept >= 0) {
		landlock_adopt(&ll, rep.abi, kept);
		if (diag_debug_enabled)
			describe_kept(&policy, &env, &lowered, &rep);
	} else
		build_ruleset(&ll, &policy, &env, &lowered, &wire, rep.abi,
			      channel, &key);
	plan.wanted = plan.wanted || wire.mediated_root_count > 0;
	if (plan.nested) {
		/* for a witness, if we register with an enclosing one */
		plan.witness_path = mediation_find_supervisor(
			ctx.self_path, configured_supervisor(&ctx, &cfg), err,
			sizeof err);
	} else if (plan.wanted && !started) {
		/* Before confinement: the supervisor must start unconfined. */
		start_mediation(&plan, &ctx, &cfg);
	}
	if (plan.wanted || plan.nested)
		plan.handover = (struct handover){
			.tool = cli.profile ? cli.profile
					    : base_name(cli.command[0]),
			.config = cfg.origin,
			.report = report_destination(&ctx, &cfg),
			.policy = &wire,
		};
	if (diag_debug_enabled) {
		if (!rep.ll)
			rep.ll = &ll;
		if (!rep.mediation && plan.wanted)
			rep.mediation = describe_mediation(nested);
		report_policy(stderr, &rep);
	}

	/* Set here, not in the policy: a cached one serves both ways. */
	if (diag_debug_enabled)
		wire.flags |= WIRE_FLAG_DEBUG;
	/* Nested shims below resolve "." as we did. */
	if (setenv(PROJECT_DIR_ENV, ctx.project_dir, 1) < 0)
		die_errno(EXIT_SETUP_ERROR, "cannot set %s", PROJECT_DIR_ENV);
	confine(&ll, &wire, &plan);
	mediation_close_session();
	exec_tool(program, argv0_for(program, cli.command));
}
