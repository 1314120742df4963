/* Administration: --install-wrappers, --remove-wrappers and --doctor. */
#include "admin.h"
#include "../config/diag.h"
#include "../config/locate.h"
#include "../config/paths.h"
#include "doctor.h"
#include "enforce.h"
#include "landlock.h"
#include "mediation.h"
#include "program.h"
#include "wrappers.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const struct context *admin_ctx;
static int admin_abi, admin_abi_errno;

/* The real program behind wrapper NAME: its section's program =, or the
 * next NAME on PATH that is not the shim. */
static char *admin_real_program(const char *name, char *err, size_t errlen)
{
	struct config cfg;
	struct policy p;
	int status;
	config_load(&cfg, admin_ctx->config_path, name, err, errlen);
	config_merge(&cfg, &p);
	if (p.program) {
		char *pinned = path_expand(p.program, admin_ctx->project_dir,
					   admin_ctx->home, err, errlen);
		return pinned ? program_check(pinned, &admin_ctx->self, &status,
					      err, errlen)
			      : NULL;
	}
	return program_resolve(name, getenv("PATH"), &admin_ctx->self, &status,
			       err, errlen);
}

static const char *admin_unenforceable(const struct policy *p, char *buf,
				       size_t len)
{
	return unenforceable(p, admin_abi, admin_abi_errno, buf, len);
}

static bool any_section_mediated(const struct context *ctx,
				 const struct config *cfg,
				 const struct policy *base)
{
	if (mediation_needed(base))
		return true;
	for (size_t i = 0; i < cfg->tool_count; i++) {
		struct config tool_cfg;
		struct policy p;
		char err[1024];
		int rc = ctx->config_path
				 ? config_load_file(&tool_cfg, ctx->config_path,
						    cfg->tool_names[i], err,
						    sizeof err)
				 : -1;
		if (rc == 0) {
			config_merge(&tool_cfg, &p);
			if (mediation_needed(&p))
				return true;
		}
	}
	return false;
}

/* LANDSTRIP_TEST_ABI pretends an older kernel, for --doctor and --check
 * only: the tests show what a machine without an ABI would be told. */
int diagnostic_abi(void)
{
	const char *pretend = getenv("LANDSTRIP_TEST_ABI");
	int abi = landlock_abi();
	if (pretend && *pretend && abi >= 0)
		return atoi(pretend) < abi ? atoi(pretend) : abi;
	return abi;
}

int administer(const struct cli *cli, const struct context *ctx,
		      const struct config *cfg, const struct policy *policy)
{
	char err[1024];
	admin_ctx = ctx;
	if (cli->action == ACTION_DOCTOR) {
		admin_abi = diagnostic_abi();
		admin_abi_errno = errno;
		struct doctor_input in = {
			.ctx = ctx, .cfg = cfg, .policy = policy,
			.abi = admin_abi, .abi_errno = admin_abi_errno,
			.any_mediation = any_section_mediated(ctx, cfg, policy),
			.unenforceable = admin_unenforceable,
			.real_program = admin_real_program,
		};
		return doctor_run(&in);
	}
	char *dir = cli->wrapper_dir
			    ? path_expand(cli->wrapper_dir, ctx->cwd, ctx->home,
					  err, sizeof err)
			    : config_wrapper_dir(cfg, ctx->project_dir, ctx->home, err,
						   sizeof err);
	if (!dir)
		die(EXIT_SETUP_ERROR, "%s", err);
	if (cli->action == ACTION_INSTALL_WRAPPERS)
		return wrappers_install(dir, ctx->self_path, &ctx->self, cfg,
					admin_real_program);
	return wrappers_remove(dir, &ctx->self, cfg);
}

