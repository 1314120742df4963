/* libFuzzer target for the INI loader: any bytes as a config file, loaded
 * the way landstrip-exec loads one (shim/main.c, shim/context.c):
 *
 *   config_parse       the line scanner (config/parse.c), libinih, and the
 *                      keys (config/keys.c); config_load_file hands it the
 *                      file's bytes and their length, as we do
 *   context_add_setting_denies   [landstrip] paths become mandatory denies
 *   config_merge       [sandbox] + [tool.NAME] (config/merge.c)
 *   lower_policy       the rules for Landlock (config/lower.c)
 *
 * Each input is loaded twice, for two tools in the two ways the shim
 * lowers: for "git" as a shim outside any sandbox does before it runs the
 * tool (a supervisor performs the writes of roots with a deny inside,
 * every rule goes to the sink, only write directories are recorded), and
 * for "npm" as --check does in a nested shim (no supervisor of its own:
 * denies are carved and patterns expanded now, every rule is recorded, no
 * sink).  The input names its own sections, so [tool.git] is a kept
 * layer and [tool.npm] as well in the other load, any other [tool.X] is
 * checked only.
 *
 * Lowering reads the filesystem (realpath, openat2 O_PATH, getdents); it
 * never writes.  Relative paths and ~ point into a small fixed tree made
 * once in LLVMFuzzerInitialize under $TMPDIR (or /tmp) and removed at exit:
 * a project with .git/hooks and a link to ~/.ssh, a home with the config
 * directory and the wrapper directory, the shim's own binaries.  The sink
 * adds no Landlock rule: it checks the rule and returns.  Absolute paths in
 * an input are looked up where they are, read-only, with one exception: a
 * deny pattern whose walk would start outside the tree (any pattern under
 * /usr, say) would expand over the machine's own directories, up to
 * LOWER_GLOB_LIMIT entries and for seconds under ASan, each time; such a
 * policy is parsed and merged but not lowered.
 *
 * Beyond the sanitizers, what must hold:
 *   - a refusal names the config ("ORIGIN:..."), and it is the same for
 *     both tools: every [tool.NAME] is checked whichever one is kept;
 *   - tool_found exactly when the input has a [tool.git] (or npm) section;
 *   - the merged lists are [sandbox]'s (unless the tool layer cleared
 *     them) followed by the tool's;
 *   - a refused lowering says why;
 *   - no rule granting writes covers a write deny (a mandatory one covers
 *     the rule too), and no rule granting reads covers a read deny: what
 *     Landlock gets never includes what the policy denies. */
#include "fuzz.h"

#include "config.h"
#include "diag.h"
#include "glob.h"
#include "lower.h"
#include "paths.h"
#include "../../shim/context.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The fixed tree lowering resolves relative paths and ~ in. */
static struct {
	char *root;     /* canonical */
	char *cwd;      /* ROOT/project */
	char *home;     /* ROOT/home */
	char *origin;   /* the config file: HOME/.config/landstrip/config.ini */
	char *self;     /* ROOT/bin/landstrip-exec */
	struct protect_set protect; /* the built-in set the shim would find */
	pid_t owner;    /* only the process that made it removes it */
} fx;

__attribute__((noreturn)) static void broken(const char *what,
					     const char *detail)
{
	fprintf(stderr, "fuzz_config: %s%s%s\n", what, detail ? ": " : "",
		detail ? detail : "");
	abort();
}

/* --- the fixture ------------------------------------------------------ */

static void fx_make(const char *rel, const char *link_to)
{
	char *path = xasprintf("%s/%s", fx.root, rel);
	for (char *p = path + strlen(fx.root) + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			broken("fixture: mkdir", path);
		*p = '/';
	}
	size_t len = strlen(path);
	int rc;
	if (link_to)
		rc = symlink(link_to, path);
	else if (path[len - 1] == '/')
		rc = mkdir(path, 0755) < 0 && errno != EEXIST ? -1 : 0;
	else {
		int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		rc = fd < 0 ? -1 : close(fd);
	}
	if (rc < 0)
		broken("fixture: cannot create", path);
	free(path);
}

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st, (void)ftw;
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

static void fx_remove(void)
{
	if (fx.root && getpid() == fx.owner)
		nftw(fx.root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	const char *base = getenv("TMPDIR");
	char *tmpl = xasprintf("%s/landstrip-fuzz-config.XXXXXX",
			       base && base[0] == '/' ? base : "/tmp");
	if (!mkdtemp(tmpl))
		broken("fixture: mkdtemp", strerror(errno));
	fx.root = realpath(tmpl, NULL);
	free(tmpl);
	if (!fx.root)
		broken("fixture: realpath", strerror(errno));
	fx.owner = getpid();
	atexit(fx_remove);
	static const char *const files[] = {
		"project/src/main.c", "project/src/lib/util.c",
		"project/.git/config", "project/.git/hooks/pre-commit",
		"project/.env", "project/node_modules/left-pad/index.js",
		"project/build/", "home/.ssh/id_ed25519", "home/.ssh/config",
		"home/.config/landstrip/config.ini", "home/.config/git/config",
		"home/.local/share/landstrip/bin/", "home/.npmrc",
		"home/.cache/", "bin/landstrip-exec", "bin/landstrip-supervisor",
	};
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
		fx_make(files[i], NULL);
	fx_make("project/ssh", "../home/.ssh");
	fx_make("project/dangling", "../nowhere/at/all");
	fx_make("home/.gitconfig", ".config/git/config");
	fx.cwd = xasprintf("%s/project", fx.root);
	fx.home = xasprintf("%s/home", fx.root);
	fx.origin = xasprintf("%s/.config/landstrip/config.ini", fx.home);
	fx.self = xasprintf("%s/bin/landstrip-exec", fx.root);
	/* As main() finds it for a top-level run (config/protect.h): the
	 * fixture is read-only, so once is enough. */
	protect_discover(fx.cwd, fx.home, &fx.protect);
	return 0;
}

/* --- what the shim's context holds ------------------------------------ */

static void add_mandatory(struct context *ctx, const char *path,
			  const char *why)
{
	if (ctx->mandatory_count < MAX_MANDATORY)
		ctx->mandatory[ctx->mandatory_count++] =
			(struct mandatory_deny){xstrdup(path), why};
}

/* As context_init leaves it for a config at the default location, with
 * XDG_CONFIG_HOME unset (shim/context.c: find_self, then choose_config). */
static void context_of_fixture(struct context *ctx)
{
	memset(ctx, 0, sizeof *ctx);
	ctx->cwd = fx.cwd;
	ctx->home = fx.home;
	ctx->self_path = fx.self;
	ctx->config_path = fx.origin;
	ctx->config_why = "default location";
	char *dir = xasprintf("%s/bin", fx.root);
	char *sup = xasprintf("%s/landstrip-supervisor", dir);
	char *wrappers = xasprintf("%s/.local/share/landstrip/bin", fx.home);
	char *cfgdir = xasprintf("%s/.config/landstrip", fx.home);
	add_mandatory(ctx, fx.self, "landstrip-exec binary");
	add_mandatory(ctx, sup, "landstrip-supervisor binary");
	add_mandatory(ctx, "/usr/local/libexec/landstrip/landstrip-supervisor",
		      "landstrip-supervisor binary");
	add_mandatory(ctx, wrappers, "default wrapper directory");
	add_mandatory(ctx, cfgdir, "config directory");
	add_mandatory(ctx, fx.origin, "config file");
	add_mandatory(ctx, cfgdir, "config directory");
	free(dir);
	free(sup);
	free(wrappers);
	free(cfgdir);
}

static void context_release(struct context *ctx)
{
	for (size_t i = 0; i < ctx->mandatory_count; i++)
		free((char *)ctx->mandatory[i].path);
	ctx->mandatory_count = 0;
}

/* --- freeing (the project has no free functions: the shim execs; as in
 * tests/unit/util.c) ----------------------------------------------------- */

static void layer_release(struct policy_layer *l)
{
	for (int k = 0; k < LIST_KEY_COUNT; k++) {
		for (size_t i = 0; i < l->lists[k].len; i++)
			free(l->lists[k].items[i].text);
		free(l->lists[k].items);
	}
	free(l->program);
}

static void config_release(struct config *cfg)
{
	layer_release(&cfg->sandbox);
	layer_release(&cfg->tool);
	free(cfg->settings.wrapper_dir);
	free(cfg->settings.supervisor);
	free(cfg->settings.report);
	for (size_t i = 0; i < cfg->tool_count; i++)
		free(cfg->tool_names[i]);
	free(cfg->tool_names);
}

static void policy_release(struct policy *p)
{
	/* The merged lists share their strings with the config. */
	for (int k = 0; k < LIST_KEY_COUNT; k++)
		free(p->lists[k].items);
}

/* --- checks ----------------------------------------------------------- */

/* A rule Landlock would get: never over what the policy denies.  OUT is
 * the lowering in progress: its denies are complete before any walk. */
static void check_rule(const struct lowered *out, const char *path,
		       unsigned grant)
{
	if (path[0] != '/')
		broken("a rule for a relative path", path);
	if (!grant || grant & ~(unsigned)(GRANT_READ | GRANT_LIST |
					   GRANT_WRITE | GRANT_DEVICE))
		broken("a rule with no grant or an unknown one", path);
	for (size_t i = 0; grant & GRANT_WRITE && i < out->write_deny_count;
	     i++) {
		const struct deny *d = &out->write_denies[i];
		if (path_within(d->path, path) ||
		    (d->mandatory && path_within(path, d->path)))
			broken("a write rule covers a write deny", path);
	}
	for (size_t i = 0; grant & GRANT_READ && i < out->read_deny_count; i++)
		if (path_within(out->read_denies[i].path, path))
			broken("a read rule covers a read deny", path);
}

static int checking_sink(void *ctx, int fd, const struct fs_rule *rule)
{
	if (fd < 0)
		broken("a rule without an fd", rule->path);
	check_rule(ctx, rule->path, rule->grant);
	return 0;
}

static void check_merge(const struct config *cfg, const struct policy *p)
{
	for (int k = 0; k < LIST_KEY_COUNT; k++) {
		const struct path_list *base = &cfg->sandbox.lists[k];
		const struct path_list *tool = &cfg->tool.lists[k];
		size_t from_base = cfg->tool.cleared[k] ? 0 : base->len;
		if (p->lists[k].len != from_base + tool->len)
			broken("a merged list is not [sandbox] + the tool's",
			       list_key_name(k));
		for (size_t i = 0; i < p->lists[k].len; i++) {
			const struct path_entry *want =
				i < from_base ? &base->items[i]
					      : &tool->items[i - from_base];
			if (p->lists[k].items[i].text != want->text)
				broken("a merged list is out of order",
				       list_key_name(k));
		}
	}
}

static bool has_section(const struct config *cfg, const char *tool)
{
	for (size_t i = 0; i < cfg->tool_count; i++)
		if (strcmp(cfg->tool_names[i], tool) == 0)
			return true;
	return false;
}

/* Would lowering expand a deny pattern by walking outside the fixture?
 * (Patterns in allowWrite are never expanded, in allowRead refused.) */
static bool walks_outside(const struct policy *p, const struct context *ctx)
{
	static const enum list_key denies[] = {LIST_DENY_WRITE, LIST_DENY_READ};
	for (size_t k = 0; k < 2; k++) {
		const struct path_list *l = &p->lists[denies[k]];
		for (size_t i = 0; i < l->len; i++) {
			if (!glob_is_pattern(l->items[i].text))
				continue;
			char why[256], prefix[PATH_MAX];
			char *abs = path_expand(l->items[i].text, ctx->cwd,
						ctx->home, why, sizeof why);
			bool outside = abs &&
				       glob_fixed_prefix(abs, prefix,
							 sizeof prefix) == 0 &&
				       !path_within(prefix, fx.root);
			free(abs);
			if (outside)
				return true;
		}
	}
	return false;
}

/* --- one load --------------------------------------------------------- */

struct load {
	const char *tool;
	bool nested; /* lowered as --check in a nested shim, else as a run */
};

/* Returns config_parse's rc; ERR holds its message. */
static int load(const struct load *how, const char *text, size_t len,
		char *err, size_t errlen)
{
	struct config cfg;
	err[0] = '\0';
	int rc = config_parse(&cfg, fx.origin, text, len, how->tool, err,
			      errlen);
	if (rc < 0) {
		size_t n = strlen(fx.origin);
		if (strncmp(err, fx.origin, n) != 0 || err[n] != ':')
			broken("a refusal that does not name the config", err);
		config_release(&cfg);
		return rc;
	}
	if (cfg.tool_found != has_section(&cfg, how->tool))
		broken("tool_found disagrees with the sections", how->tool);

	struct context ctx;
	context_of_fixture(&ctx);
	context_add_setting_denies(&ctx, &cfg);
	struct policy policy;
	config_merge(&cfg, &policy);
	check_merge(&cfg, &policy);

	if (walks_outside(&policy, &ctx)) {
		policy_release(&policy);
		context_release(&ctx);
		config_release(&cfg);
		return 0;
	}
	struct lowered lowered;
	struct rule_sink sink = {checking_sink, &lowered};
	struct lower_env env = {
		.cwd = ctx.cwd,
		.home = ctx.home,
		.mandatory = ctx.mandatory,
		.mandatory_count = ctx.mandatory_count,
		/* Top-level only, as in main(): nested, the enclosing
		 * supervisor applies its own. */
		.protect = how->nested ? NULL : fx.protect.items,
		.protect_count = how->nested ? 0 : fx.protect.count,
		.sink = how->nested ? NULL : &sink,
		.record = how->nested,
		.record_write_dirs = !how->nested,
		.mediate_writes = !how->nested,
	};
	char lower_err[1024] = "";
	if (lower_policy(&policy, &env, &lowered, lower_err,
			 sizeof lower_err) < 0) {
		if (!lower_err[0])
			broken("lowering refused without a message", NULL);
	} else {
		for (size_t i = 0; i < lowered.rule_count; i++)
			check_rule(&lowered, lowered.rules[i].path,
				   lowered.rules[i].grant);
	}
	lower_free(&lowered);
	policy_release(&policy);
	context_release(&ctx);
	config_release(&cfg);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct load loads[] = {{"git", false}, {"npm", true}};
	char err[2][1024];
	int rc[2];
	for (size_t i = 0; i < 2; i++)
		rc[i] = load(&loads[i], (const char *)data, size, err[i],
			     sizeof err[i]);
	if (rc[0] != rc[1] || strcmp(err[0], err[1]) != 0)
		broken("the config is judged differently for another tool",
		       err[0][0] ? err[0] : err[1]);
	return 0;
}
