/* Write the seed corpus for fuzz_protocol: one valid packet of each kind,
 * made by the encoders, into DIR (which must exist); some reach every
 * bound at once, so that the fuzzer starts next to the refusals.
 *
 *   fuzz-seeds DIR */
#include "protocol.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned char packet[WIRE_HEADER_SIZE + WIRE_MAX_PAYLOAD];
static char max_tool[WIRE_MAX_TOOL + 1], max_path[WIRE_MAX_PATH + 1];
static char *max_socks[WIRE_MAX_UNIX_SOCKETS], *max_dirs[WIRE_MAX_WRITE_DIRS];

/* Every count and length at its bound (about 30 KB). */
static struct wire_policy *bounds_policy(void)
{
	static struct wire_policy p = {
		.tool = max_tool,
		.pid = 2147483647,
		.flags = WIRE_FLAG_LOCAL_BINDING | WIRE_FLAG_NETWORK,
		.ports = {1, 65535},
		.port_count = 2,
		.unix_sockets = max_socks,
		.unix_socket_count = WIRE_MAX_UNIX_SOCKETS,
		.write_dirs = max_dirs,
		.write_dir_count = WIRE_MAX_WRITE_DIRS,
		.config = max_path,
		.report = max_path,
	};
	memset(max_tool, 't', WIRE_MAX_TOOL);
	memset(max_path, 'p', WIRE_MAX_PATH);
	max_path[0] = '/';
	for (size_t i = 0; i < WIRE_MAX_UNIX_SOCKETS; i++)
		max_socks[i] = "/s";
	for (size_t i = 0; i < WIRE_MAX_WRITE_DIRS; i++)
		max_dirs[i] = "/";
	return &p;
}

static void write_seed(const char *dir, const char *name, enum wire_type type,
		       int payload_len)
{
	if (payload_len < 0 ||
	    wire_encode_header(packet, sizeof packet, type,
			       (size_t)payload_len) < 0) {
		fprintf(stderr, "fuzz-seeds: %s: %s\n", name, strerror(errno));
		exit(1);
	}
	char path[4096];
	snprintf(path, sizeof path, "%s/seed-%s", dir, name);
	FILE *f = fopen(path, "wb");
	size_t len = WIRE_HEADER_SIZE + (size_t)payload_len;
	if (!f || fwrite(packet, 1, len, f) != len || fclose(f) != 0) {
		fprintf(stderr, "fuzz-seeds: %s: %s\n", path, strerror(errno));
		exit(1);
	}
}

static void write_register(const char *dir, const char *name,
			   const struct wire_policy *p)
{
	write_seed(dir, name, WIRE_REGISTER,
		   wire_encode_register(p, packet + WIRE_HEADER_SIZE,
					WIRE_MAX_PAYLOAD));
}

static void write_error(const char *dir, const char *name, int err,
			const char *message)
{
	write_seed(dir, name, WIRE_ERROR,
		   wire_encode_error(err, message, packet + WIRE_HEADER_SIZE,
				     WIRE_MAX_PAYLOAD));
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	const char *dir = argv[1];
	char *socks[] = {"/run/user/1000/ssh-agent.sock", "/tmp/.X11-unix/X0"};
	char *dirs[] = {"/home/u/project", "/tmp", "/"};
	struct wire_policy minimal = {.tool = "git", .pid = 4242};
	struct wire_policy full = {
		.tool = "npm",
		.pid = 31337,
		.flags = WIRE_FLAG_LOCAL_BINDING | WIRE_FLAG_NETWORK,
		.ports = {3128, 8080},
		.port_count = 2,
		.unix_sockets = socks,
		.unix_socket_count = 2,
		.write_dirs = dirs,
		.write_dir_count = 3,
		.config = "/home/u/.config/landstrip/config.ini",
		.report = "/tmp/landstrip.log",
	};
	struct wire_policy embedded = {.tool = "python3",
				       .pid = 1,
				       .flags = WIRE_FLAG_LOCAL_BINDING,
				       .ports = {65535},
				       .port_count = 1,
				       .config = "<embedded default>",
				       .report = "none"};
	write_register(dir, "register-minimal", &minimal);
	write_register(dir, "register-full", &full);
	write_register(dir, "register-embedded", &embedded);
	write_register(dir, "register-bounds", bounds_policy());
	struct wire_write_rule rules[] = {
		{WIRE_RULE_ALLOW, 0, 2, "allowWrite = .", "/home/u/project"},
		{WIRE_RULE_DENY, 0, 3, "denyWrite = .git/hooks",
		 "/home/u/project/.git/hooks"},
		{WIRE_RULE_DENY, WIRE_RULE_GLOB, 4, "denyWrite = **/.env",
		 "/home/u/project/**/.env"},
		{WIRE_RULE_ALLOW, WIRE_RULE_GLOB, 5,
		 "allowWrite = .git/hooks/*.sample",
		 "/home/u/project/.git/hooks/[!x]*.sample"},
		{WIRE_RULE_MANDATORY, 0, 0,
		 "landstrip's own config file is never writable",
		 "/home/u/.config/landstrip/config.ini"},
		{WIRE_RULE_READ_ALLOW, 0, 6, "allowRead = ~/.ssh/known_hosts",
		 "/home/u/.ssh/known_hosts"},
		{WIRE_RULE_READ_DENY, WIRE_RULE_GLOB, 7, "denyRead = **/*.pem",
		 "/home/u/project/**/*.pem"},
	};
	char *roots[] = {"/home/u/project"};
	struct wire_policy mediated = {
		.tool = "git",
		.pid = 77,
		.flags = WIRE_FLAG_MEDIATE_READS,
		.write_rules = rules,
		.write_rule_count = sizeof rules / sizeof rules[0],
		.mediated_roots = roots,
		.mediated_root_count = 1,
		.config = "/home/u/.config/landstrip/config.ini",
	};
	write_register(dir, "register-mediated", &mediated);
	write_error(dir, "error", 13, "unix socket /run/docker.sock: not allowed");
	write_error(dir, "error-empty", 38, NULL);
	static char max_message[WIRE_MAX_MESSAGE + 1];
	memset(max_message, 'm', WIRE_MAX_MESSAGE);
	write_error(dir, "error-max", 4095, max_message);
	/* One byte over: growing a packet and its length field together is
	 * a double mutation libFuzzer rarely makes on its own. */
	uint32_t eio = 5;
	memcpy(packet + WIRE_HEADER_SIZE, &eio, sizeof eio);
	memset(packet + WIRE_HEADER_SIZE + 4, 'm', WIRE_MAX_MESSAGE + 1);
	write_seed(dir, "error-over-max", WIRE_ERROR, 4 + WIRE_MAX_MESSAGE + 1);
	write_seed(dir, "ack", WIRE_ACK, 0);
	write_seed(dir, "connect", WIRE_CONNECT, 0);
	write_seed(dir, "cache-miss", WIRE_CACHE_MISS, 0);
	memcpy(packet + WIRE_HEADER_SIZE, "key", 3);
	write_seed(dir, "cache-get", WIRE_CACHE_GET, 3);
	struct wire_dep deps[2] = {{1, 2, 3, 999999999, (char *)"/"},
				   {64769, 131073, 1764000000, 5,
				    (char *)"/home/u/.ssh"}};
	struct wire_cache_put put = {(unsigned char *)"landstrip-ruleset-1", 19,
				     (unsigned char *)"blob", 4, deps, 2};
	write_seed(dir, "cache-put", WIRE_CACHE_PUT,
		   wire_encode_cache_put(&put, packet + WIRE_HEADER_SIZE,
					 sizeof packet - WIRE_HEADER_SIZE));
	return 0;
}
