/* The command line of landstrip-exec (explicit mode) and wrapper mode. */
#ifndef LANDSTRIP_CLI_H
#define LANDSTRIP_CLI_H

#include <stdbool.h>
#include <stddef.h>

enum cli_action {
	ACTION_RUN,
	ACTION_CHECK,
	ACTION_VERSION,
	ACTION_HELP,
	ACTION_INSTALL_WRAPPERS,
	ACTION_REMOVE_WRAPPERS,
	ACTION_DOCTOR,
};

struct cli {
	enum cli_action action;
	bool wrapper;          /* invoked under a tool's name */
	const char *config;    /* -c FILE */
	const char *profile;   /* -p NAME, or the wrapper name */
	bool debug;
	char **command;        /* COMMAND [ARG]..., NULL-terminated */
	const char *wrapper_dir; /* --install-wrappers/--remove-wrappers DIR */
};

/* Fill CLI from argv; returns 0, or -1 with ERR set (a usage error). */
int cli_parse(struct cli *cli, int argc, char **argv, char *err, size_t len);

extern const char cli_usage[];

#endif
