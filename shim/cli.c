#include "cli.h"
#include "../config/diag.h"

#include <string.h>

const char cli_usage[] =
	"usage: landstrip-exec [-c FILE] [-p NAME] [--debug] [--] COMMAND [ARG]...\n"
	"       landstrip-exec --check [-c FILE] [-p NAME]\n"
	"       landstrip-exec --install-wrappers [DIR] | --remove-wrappers [DIR]\n"
	"       landstrip-exec --doctor [-c FILE]\n"
	"       landstrip-exec --version | --help\n"
	"\n"
	"Runs COMMAND confined by the landstrip policy: [sandbox] merged with\n"
	"[tool.NAME] from the config file.  Invoked under another name (a symlink\n"
	"such as git -> landstrip-exec) it wraps that tool, and takes no options.\n"
	"\n"
	"  -c FILE    config file (default: $LANDSTRIP_CONFIG, then\n"
	"             $XDG_CONFIG_HOME/landstrip/config.ini, then\n"
	"             ~/.config/landstrip/config.ini, then the embedded default)\n"
	"  -p NAME    apply [tool.NAME] over [sandbox]\n"
	"  --check    validate the config and print the resolved policy\n"
	"  --debug    print the lowered policy before running (LANDSTRIP_DEBUG=1)\n"
	"  --install-wrappers [DIR]  one symlink per [tool.NAME] in DIR (default:\n"
	"             wrapperDir, else ~/.local/share/landstrip/bin)\n"
	"  --remove-wrappers [DIR]   remove the symlinks to landstrip-exec in DIR\n"
	"  --doctor   can this machine enforce the config? exit 0 if so\n"
	"\n"
	"Exit status: the tool's; or 127 command not found, 126 not executable,\n"
	"2 usage error, 1 config or sandbox setup error.  See landstrip-exec(1).\n";

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

int cli_parse(struct cli *cli, int argc, char **argv, char *err, size_t len)
{
	memset(cli, 0, sizeof *cli);
	const char *name = argc > 0 && argv[0] ? base_name(argv[0]) : "";
	if (*name && strcmp(name, "landstrip-exec") != 0) {
		/* Wrapper mode: every argument belongs to the tool. */
		cli->wrapper = true;
		cli->profile = name;
		cli->command = argv;
		return 0;
	}
	int i = 1;
	for (; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0) {
			i++;
			break;
		}
		if (a[0] != '-' || a[1] == '\0')
			break;
		if (strcmp(a, "-c") == 0 || strcmp(a, "-p") == 0) {
			if (i + 1 >= argc || !*argv[i + 1]) {
				format_error(err, len, "%s needs an argument", a);
				return -1;
			}
			if (a[1] == 'c')
				cli->config = argv[++i];
			else
				cli->profile = argv[++i];
		} else if (strcmp(a, "--debug") == 0) {
			cli->debug = true;
		} else if (strcmp(a, "--check") == 0) {
			cli->action = ACTION_CHECK;
		} else if (strcmp(a, "--version") == 0) {
			cli->action = ACTION_VERSION;
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			cli->action = ACTION_HELP;
		} else if (strcmp(a, "--doctor") == 0) {
			cli->action = ACTION_DOCTOR;
		} else if (strcmp(a, "--install-wrappers") == 0 ||
			   strcmp(a, "--remove-wrappers") == 0) {
			cli->action = a[2] == 'i' ? ACTION_INSTALL_WRAPPERS
						  : ACTION_REMOVE_WRAPPERS;
			/* An optional DIR: the next word if it is not an option. */
			if (i + 1 < argc && argv[i + 1][0] != '-')
				cli->wrapper_dir = argv[++i];
		} else {
			format_error(err, len, "unknown option '%s'", a);
			return -1;
		}
	}
	cli->command = argv + i;
	if (cli->action == ACTION_RUN && i >= argc) {
		format_error(err, len, "no COMMAND given");
		return -1;
	}
	if (cli->action != ACTION_RUN && i < argc) {
		format_error(err, len, "unexpected argument '%s'", argv[i]);
		return -1;
	}
	return 0;
}
