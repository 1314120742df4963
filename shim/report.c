#include "report.h"

#include <stdbool.h>
#include <string.h>

static void print_source(FILE *out, struct source src)
{
	if (src.line > 0)
		fprintf(out, "  (%s:%d)", src.file, src.line);
	else
		fprintf(out, "  (%s)", src.file);
}

static const char *grant_name(unsigned grant)
{
	switch (grant) {
	case GRANT_WRITE: return "write";
	case GRANT_READ | GRANT_LIST: return "read";
	case GRANT_LIST: return "list (on the path to a denyRead)";
	case GRANT_DEVICE: return "device write";
	default: return "?";
	}
}

static void print_rules(FILE *out, const struct report *r, unsigned kind)
{
	const struct lowered *l = r->lowered;
	for (size_t i = 0; i < l->rule_count; i++) {
		const struct fs_rule *rule = &l->rules[i];
		bool is_write = rule->grant & (GRANT_WRITE | GRANT_DEVICE);
		if (is_write != (kind == GRANT_WRITE))
			continue;
		fprintf(out, "  %-40s %s", rule->path, grant_name(rule->grant));
		if (r->ll) {
			char names[256];
			landlock_describe(landlock_rights(r->ll, rule->grant,
							  rule->is_dir),
					  names, sizeof names);
			fprintf(out, " [%s]", names);
		}
		fprintf(out, "  %s", rule->why);
		print_source(out, rule->src);
		fputc('\n', out);
	}
}

static void print_denies(FILE *out, const char *title, const struct deny *d,
			 size_t n, bool mandatory)
{
	bool any = false;
	for (size_t i = 0; i < n; i++) {
		if (d[i].mandatory != mandatory)
			continue;
		if (!any)
			fprintf(out, "%s\n", title);
		any = true;
		fprintf(out, "  %-40s %s%s", d[i].path, d[i].key,
			d[i].exists ? "" : " (does not exist yet)");
		if (!mandatory)
			print_source(out, d[i].src);
		fputc('\n', out);
	}
}

/* The built-in protected set inside the write roots, and the entries an
 * allowWrite relaxed. */
static void print_protected(FILE *out, const struct lowered *l)
{
	bool any = false;
	for (size_t i = 0; i < l->write_deny_count; i++) {
		const struct deny *d = &l->write_denies[i];
		if (!d->protect)
			continue;
		if (!any)
			fprintf(out, "protected: other software runs or reads "
				     "these outside the sandbox (to relax one: "
				     "allowWrite = its path):\n");
		any = true;
		fprintf(out, "  %-40s (built-in) %s%s\n", d->path, d->protect,
			d->exists ? "" : "; does not exist yet");
	}
	for (size_t i = 0; i < l->relaxed_count; i++) {
		const struct relaxed *r = &l->relaxed[i];
		if (!any)
			fprintf(out, "protected: other software runs or reads "
				     "these outside the sandbox (to relax one: "
				     "allowWrite = its path):\n");
		any = true;
		fprintf(out, "  %-40s (built-in, relaxed by allowWrite = %s",
			r->path, r->text);
		print_source(out, r->src);
		fprintf(out, ") %s\n", r->protect);
	}
}

static void print_network(FILE *out, const struct lowered *l,
			  const char *mediation)
{
	/* Nested, no supervisor of our own decides: the enclosing one may. */
	bool mediated = mediation && strncmp(mediation, "nested", 6) != 0;
	fprintf(out, "network:\n");
	fprintf(out, "  mediation: %s\n",
		mediation ? mediation
			  : "none (no key needs landstrip-supervisor)");
	if (l->allow_network) {
		fprintf(out, "  allowNetwork = true: TCP and UDP unrestricted\n");
	} else {
		if (!l->port_count)
			fprintf(out, "  TCP connect: denied\n");
		for (size_t i = 0; i < l->port_count; i++) {
			fprintf(out, "  TCP connect: port %u %s", l->connect_ports[i],
				mediated ? "on loopback"
					 : "refused unless an enclosing "
					   "supervisor decides it (nested)");
			print_source(out, l->port_src[i]);
			fputc('\n', out);
		}
		fprintf(out, "  TCP bind and listen: %s\n",
			l->allow_local_binding
				? "loopback only (allowLocalBinding = true)"
				: "denied");
		if (l->allow_local_binding)
			fprintf(out, "  TCP connect to addresses bound inside: "
				     "allowed\n");
		fprintf(out, "  other IP sockets (UDP, raw, SCTP, MPTCP): "
			     "refused\n");
	}
	if (mediated)
		fprintf(out, "  unix sockets: stream and seqpacket; bind inside "
			     "allowWrite directories; connect to allowUnixSockets "
			     "and to sockets bound inside\n");
	else
		fprintf(out, "  unix sockets: socketpair only\n");
}

void report_policy(FILE *out, const struct report *r)
{
	const struct lowered *l = r->lowered;
	fprintf(out, "config: %s", r->cfg->origin);
	if (!r->ctx->config_path)
		fprintf(out, " (%s)", r->ctx->config_why);
	fputc('\n', out);
	if (r->tool)
		fprintf(out, "policy: [sandbox] + [tool.%s]%s\n", r->tool,
			r->cfg->tool_found ? "" : " (no such section: [sandbox] only)");
	else
		fprintf(out, "policy: [sandbox]\n");
	if (r->program)
		fprintf(out, "program: %s\n", r->program);
	fprintf(out, "directory: %s\n", r->ctx->cwd);
	if (r->ctx->project_inherited)
		fprintf(out, "project directory: %s (what \".\" means here: "
			     "the outermost landstrip-exec started there)\n",
			r->ctx->project_dir);
	if (r->abi > 0)
		fprintf(out, "landlock: kernel ABI %d; this policy needs ABI %d "
			     "(%s)\n",
			r->abi, r->abi_needed, r->abi_needed_why);
	else
		fprintf(out, "landlock: not available; this policy needs ABI %d "
			     "(%s)\n",
			r->abi_needed, r->abi_needed_why);

	fprintf(out, "write (everything else is read-only):\n");
	print_rules(out, r, GRANT_WRITE);
	if (l->restrict_read) {
		fprintf(out, "read (denyRead is set: reads are an allowlist):\n");
		print_rules(out, r, GRANT_READ);
	} else {
		fprintf(out, "read: unrestricted (no denyRead)\n");
	}
	if (l->carved_count) {
		fprintf(out, "carved out (snapshot of the tree now):\n");
		for (size_t i = 0; i < l->carved_count; i++) {
			fprintf(out, "  %-40s %s", l->carved[i].path,
				l->carved[i].key);
			if (!l->carved[i].mandatory)
				print_source(out, l->carved[i].src);
			fputc('\n', out);
		}
	}
	if (l->mediated_root_count) {
		fprintf(out, "mediated (the supervisor decides each write when "
			     "it happens; most specific rule wins):\n");
		for (size_t i = 0; i < l->mediated_root_count; i++)
			fprintf(out, "  %s\n", l->mediated_roots[i]);
	}
	if (l->write_glob_count)
		fprintf(out, "patterns, matched when a write happens (an "
			     "allowWrite one only in a mediated root):\n");
	for (size_t i = 0; i < l->write_glob_count; i++) {
		fprintf(out, "  %-40s %s", l->write_globs[i].pattern,
			l->write_globs[i].key);
		print_source(out, l->write_globs[i].src);
		fputc('\n', out);
	}
	print_protected(out, l);
	print_denies(out, "write-denied whatever allowWrite says:",
		     l->write_denies, l->write_deny_count, true);
	if (l->skipped_count) {
		fprintf(out, "granted nothing:\n");
		for (size_t i = 0; i < l->skipped_count; i++) {
			fprintf(out, "  %-40s %s: %s", l->skipped[i].path,
				l->skipped[i].key, l->skipped[i].why);
			print_source(out, l->skipped[i].src);
			fputc('\n', out);
		}
	}
	print_network(out, l, r->mediation);
	for (size_t i = 0; i < l->unix_socket_count; i++) {
		fprintf(out, "  allowUnixSockets: %s", l->unix_sockets[i]);
		print_source(out, l->unix_socket_src[i]);
		fputc('\n', out);
	}
}
