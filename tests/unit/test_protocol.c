/* The wire protocol (config/protocol.c): round trips, one row per
 * malformed input with the field its refusal must name, and wire_send /
 * wire_recv over a real SOCK_SEQPACKET socketpair, where no received
 * descriptor may leak whatever is wrong with the packet (THREATS.md #9). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "test.h"

#include "protocol.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define RECV_CAP (WIRE_HEADER_SIZE + WIRE_MAX_PAYLOAD)
#define BUILD_CAP (2 * WIRE_MAX_PAYLOAD)

/* --- building payloads by hand ----------------------------------------- */

struct builder {
	unsigned char *p;
	size_t len;
	bool overflow;
};

static void b_bytes(struct builder *b, const void *v, size_t n)
{
	if (b->len + n > BUILD_CAP) {
		b->overflow = true;
		return;
	}
	memcpy(b->p + b->len, v, n);
	b->len += n;
}

static void b_u16(struct builder *b, uint16_t v)
{
	b_bytes(b, &v, sizeof v);
}

static void b_u32(struct builder *b, uint32_t v)
{
	b_bytes(b, &v, sizeof v);
}

static void b_tlv(struct builder *b, uint16_t tag, const void *v, size_t n)
{
	b_u16(b, tag);
	b_u16(b, (uint16_t)n);
	b_bytes(b, v, n);
}

/* One record of a row.  Literal values use sizeof, so they may hold NULs. */
enum spec_kind {
	S_END,
	S_STR,    /* tag, the literal's bytes */
	S_U32,    /* tag, 4 bytes */
	S_U16,    /* tag, 2 bytes */
	S_LONG,   /* tag, the literal then 'a' up to N bytes */
	S_REPEAT, /* N records of tag and the literal */
	S_BADLEN, /* tag and length N with no value after it */
	S_BYTES,  /* the literal's bytes, no record around them */
};

struct spec {
	enum spec_kind kind;
	uint16_t tag;
	const char *s;
	size_t len;
	uint32_t n;
};

#define STR(tag, lit) {S_STR, tag, lit, sizeof(lit) - 1, 0}
#define U32(tag, v) {S_U32, tag, NULL, 0, v}
#define U16(tag, v) {S_U16, tag, NULL, 0, v}
#define LONG(tag, lit, n) {S_LONG, tag, lit, sizeof(lit) - 1, n}
#define REPEAT(tag, lit, n) {S_REPEAT, tag, lit, sizeof(lit) - 1, n}
#define BADLEN(tag, n) {S_BADLEN, tag, NULL, 0, n}
#define BYTES(lit) {S_BYTES, 0, lit, sizeof(lit) - 1, 0}

#define TOOL WIRE_TAG_TOOL
#define PID WIRE_TAG_PID
#define FLAGS WIRE_TAG_FLAGS
#define PORT WIRE_TAG_PORT
#define USOCK WIRE_TAG_UNIX_SOCKET
#define WDIR WIRE_TAG_WRITE_DIR
#define CONFIG WIRE_TAG_CONFIG
#define REPORT WIRE_TAG_REPORT

static void b_spec(struct builder *b, const struct spec *s)
{
	switch (s->kind) {
	case S_END:
		break;
	case S_STR:
		b_tlv(b, s->tag, s->s, s->len);
		break;
	case S_U32:
		b_u16(b, s->tag), b_u16(b, 4), b_u32(b, s->n);
		break;
	case S_U16:
		b_u16(b, s->tag), b_u16(b, 2), b_u16(b, (uint16_t)s->n);
		break;
	case S_LONG: {
		char *v = malloc(s->n);
		memset(v, 'a', s->n);
		memcpy(v, s->s, s->len);
		b_tlv(b, s->tag, v, s->n);
		free(v);
		break;
	}
	case S_REPEAT:
		for (uint32_t i = 0; i < s->n; i++)
			b_tlv(b, s->tag, s->s, s->len);
		break;
	case S_BADLEN:
		b_u16(b, s->tag), b_u16(b, (uint16_t)s->n);
		break;
	case S_BYTES:
		b_bytes(b, s->s, s->len);
		break;
	}
}

/* A row: the three required records (unless BARE) then up to 6 more. */
struct reg_row {
	const char *what;
	bool bare;
	struct spec specs[6];
	const char *want; /* substring of the error */
};

static void build_row(struct builder *b, const struct reg_row *r)
{
	static const struct spec base[] = {STR(TOOL, "git"), U32(PID, 42),
					   U32(FLAGS, 0)};
	b->len = 0;
	b->overflow = false;
	if (!r->bare)
		for (size_t i = 0; i < COUNT_OF(base); i++)
			b_spec(b, &base[i]);
	for (size_t i = 0; i < COUNT_OF(r->specs); i++)
		b_spec(b, &r->specs[i]);
}

static bool policy_is_zero(const struct wire_policy *p)
{
	static const struct wire_policy zero;
	return memcmp(p, &zero, sizeof zero) == 0;
}

/* --- header ------------------------------------------------------------ */

static void header_round_trip(void)
{
	static const struct {
		enum wire_type type;
		size_t length;
	} rows[] = {
		{WIRE_REGISTER, 0}, {WIRE_REGISTER, WIRE_MAX_PAYLOAD},
		{WIRE_ACK, 0},      {WIRE_ERROR, 4},
		{WIRE_CONNECT, 0},
	};
	unsigned char *buf = calloc(1, RECV_CAP);
	for (size_t i = 0; i < COUNT_OF(rows); i++) {
		test_row("type %d length %zu", rows[i].type, rows[i].length);
		CHECK_INT(wire_encode_header(buf, WIRE_HEADER_SIZE,
					     rows[i].type, rows[i].length),
			  WIRE_HEADER_SIZE);
		struct wire_header h = {0};
		char err[256] = "";
		CHECK_INT(wire_decode_header(buf,
					     WIRE_HEADER_SIZE + rows[i].length,
					     &h, err, sizeof err),
			  0);
		CHECK_STR(err, "");
		CHECK_HEX(h.magic, WIRE_MAGIC);
		CHECK_INT(h.version, WIRE_VERSION);
		CHECK_INT(h.type, rows[i].type);
		CHECK_INT(h.length, rows[i].length);
		CHECK_INT(h.reserved, 0);
	}
	/* "LSTR" in memory order, whatever the byte order. */
	CHECK(memcmp(buf, "LSTR", 4) == 0);
	free(buf);
}

static void header_refusals(void)
{
	static const struct {
		const char *what;
		uint32_t magic;
		uint16_t version, type;
		uint32_t length, reserved;
		size_t received; /* payload bytes after the header */
		long total;      /* bytes passed: -1 for header + RECEIVED */
		const char *want;
	} rows[] = {
		{"empty", 0, 0, 0, 0, 0, 0, 0, "header: 0 bytes, want 16"},
		{"15 bytes", WIRE_MAGIC, WIRE_VERSION, 1, 0, 0, 0, 15,
		 "header: 15 bytes, want 16"},
		{"magic 0", 0, 1, 1, 0, 0, 0, -1, "magic 0, want 0x5254534c"},
		{"magic swapped", 0x4c535452, 1, 1, 0, 0, 0, -1, "magic 0x4c535452"},
		{"version 2", WIRE_MAGIC, 2, 1, 0, 0, 0, -1, "version 2, want 4"},
		{"version 5", WIRE_MAGIC, 5, 1, 0, 0, 0, -1, "version 5, want 4"},
		{"version 3 (before granted snapshots)", WIRE_MAGIC, 3, 1, 0, 0, 0, -1,
		 "version 3, want 4"},
		{"type 0", WIRE_MAGIC, WIRE_VERSION, 0, 0, 0, 0, -1, "type 0: unknown"},
		{"type 9", WIRE_MAGIC, WIRE_VERSION, 9, 0, 0, 0, -1, "type 9: unknown"},
		{"type 0xffff", WIRE_MAGIC, WIRE_VERSION, 0xffff, 0, 0, 0, -1,
		 "type 65535: unknown"},
		{"reserved 1", WIRE_MAGIC, WIRE_VERSION, 1, 0, 1, 0, -1, "reserved 0x1, want 0"},
		{"reserved high", WIRE_MAGIC, WIRE_VERSION, 1, 0, 0x80000000u, 0, -1,
		 "reserved 0x80000000"},
		{"length over max", WIRE_MAGIC, WIRE_VERSION, 1, WIRE_MAX_PAYLOAD + 1, 0,
		 WIRE_MAX_PAYLOAD + 1, -1, "length 65537 over 65536"},
		{"length 0xffffffff", WIRE_MAGIC, WIRE_VERSION, 1, 0xffffffffu, 0, 0, -1,
		 "length 4294967295 over 65536"},
		{"length over received", WIRE_MAGIC, WIRE_VERSION, 1, 10, 0, 9, -1,
		 "length 10, but 9 payload bytes received"},
		{"length under received", WIRE_MAGIC, WIRE_VERSION, 1, 10, 0, 11, -1,
		 "length 10, but 11 payload bytes received"},
		{"length 0, trailing byte", WIRE_MAGIC, WIRE_VERSION, 2, 0, 0, 1, -1,
		 "length 0, but 1 payload bytes received"},
		{"ACK with payload", WIRE_MAGIC, WIRE_VERSION, WIRE_ACK, 1, 0, 1, -1,
		 "length 1, want 0 for ACK"},
		{"CONNECT with payload", WIRE_MAGIC, WIRE_VERSION, WIRE_CONNECT, 4, 0, 4, -1,
		 "length 4, want 0 for CONNECT"},
	};
	unsigned char *buf = calloc(1, BUILD_CAP);
	for (size_t i = 0; i < COUNT_OF(rows); i++) {
		test_row("%s", rows[i].what);
		memcpy(buf, &rows[i].magic, 4);
		memcpy(buf + 4, &rows[i].version, 2);
		memcpy(buf + 6, &rows[i].type, 2);
		memcpy(buf + 8, &rows[i].length, 4);
		memcpy(buf + 12, &rows[i].reserved, 4);
		size_t len = rows[i].total >= 0
				     ? (size_t)rows[i].total
				     : WIRE_HEADER_SIZE + rows[i].received;
		struct wire_header h = {0};
		char err[256] = "";
		errno = 0;
		CHECK_INT(wire_decode_header(buf, len, &h, err, sizeof err), -1);
		CHECK_INT(errno, EPROTO);
		CHECK_CONTAINS(err, rows[i].want);
		CHECK_INT(h.magic, 0); /* *OUT untouched */
	}
	free(buf);
}

static void header_encode_refusals(void)
{
	unsigned char buf[WIRE_HEADER_SIZE];
	static const struct {
		const char *what;
		int type;
		size_t length;
		size_t cap;
		int want_errno;
	} rows[] = {
		{"type 0", 0, 0, sizeof buf, EINVAL},
		{"type 9", 9, 0, sizeof buf, EINVAL},
		{"CACHE_MISS with payload", WIRE_CACHE_MISS, 1, sizeof buf, EINVAL},
		{"length over max", WIRE_REGISTER, WIRE_MAX_PAYLOAD + 1,
		 sizeof buf, EINVAL},
		{"ACK with payload", WIRE_ACK, 1, sizeof buf, EINVAL},
		{"CONNECT with payload", WIRE_CONNECT, 2, sizeof buf, EINVAL},
		{"cap 15", WIRE_REGISTER, 0, 15, E2BIG},
		{"cap 0", WIRE_ACK, 0, 0, E2BIG},
	};
	for (size_t i = 0; i < COUNT_OF(rows); i++) {
		test_row("%s", rows[i].what);
		errno = 0;
		CHECK_INT(wire_encode_header(buf, rows[i].cap,
					     (enum wire_type)rows[i].type,
					     rows[i].length),
			  -1);
		CHECK_INT(errno, rows[i].want_errno);
	}
}

/* --- REGISTER ---------------------------------------------------------- */

static void check_same_policy(const struct wire_policy *a,
			      const struct wire_policy *b)
{
	CHECK_STR(a->tool, b->tool);
	CHECK_INT(a->pid, b->pid);
	CHECK_HEX(a->flags, b->flags);
	if (CHECK_INT(a->port_count, b->port_count))
		for (size_t i = 0; i < a->port_count; i++)
			CHECK_INT(a->ports[i], b->ports[i]);
	if (CHECK_INT(a->unix_socket_count, b->unix_socket_count))
		for (size_t i = 0; i < a->unix_socket_count; i++)
			CHECK_STR(a->unix_sockets[i], b->unix_sockets[i]);
	if (CHECK_INT(a->write_dir_count, b->write_dir_count))
		for (size_t i = 0; i < a->write_dir_count; i++)
			CHECK_STR(a->write_dirs[i], b->write_dirs[i]);
	CHECK_STR(a->config, b->config);
	CHECK_STR(a->report, b->report);
}

static void round_trip(const struct wire_policy *in)
{
	unsigned char *buf = malloc(WIRE_MAX_PAYLOAD);
	int n = wire_encode_register(in, buf, WIRE_MAX_PAYLOAD);
	if (!CHECK(n > 0)) {
		test_fail(__FILE__, __LINE__, "encode: %s", strerror(errno));
		free(buf);
		return;
	}
	struct wire_policy out;
	char err[256] = "";
	if (CHECK_INT(wire_decode_register(buf, (size_t)n, &out, err,
					   sizeof err),
		      0)) {
		check_same_policy(&out, in);
		wire_policy_free(&out);
		CHECK(policy_is_zero(&out));
	}
	CHECK_STR(err, "");
	/* Exactly the encoded size is needed, no more. */
	errno = 0;
	CHECK_INT(wire_encode_register(in, buf, (size_t)n - 1), -1);
	CHECK_INT(errno, E2BIG);
	CHECK_INT(wire_encode_register(in, buf, (size_t)n), n);
	free(buf);
}

static void register_round_trip_full(void)
{
	char *socks[] = {"/run/user/1000/ssh-agent.sock", "/tmp/x.sock"};
	char *dirs[] = {"/home/u/project", "/tmp", "/"};
	struct wire_policy p = {
		.tool = "npm",
		.pid = 12345,
		.flags = WIRE_FLAG_LOCAL_BINDING | WIRE_FLAG_NETWORK,
		.ports = {3128, 8080},
		.port_count = 2,
		.unix_sockets = socks,
		.unix_socket_count = COUNT_OF(socks),
		.write_dirs = dirs,
		.write_dir_count = COUNT_OF(dirs),
		.config = "/home/u/.config/landstrip/config.ini",
		.report = "/tmp/landstrip report.log",
	};
	round_trip(&p);
}

static void register_round_trip_minimal(void)
{
	struct wire_policy p = {.tool = "git", .pid = 1};
	round_trip(&p);
	p.report = "none";
	p.config = "<embedded default>";
	round_trip(&p);
	p.report = "stderr";
	round_trip(&p);
}

/* Every bound reached exactly is accepted. */
static void register_round_trip_bounds(void)
{
	static char tool[WIRE_MAX_TOOL + 1], path[WIRE_MAX_PATH + 1];
	static char *socks[WIRE_MAX_UNIX_SOCKETS], *dirs[WIRE_MAX_WRITE_DIRS];
	memset(tool, 't', WIRE_MAX_TOOL);
	memset(path, 'p', WIRE_MAX_PATH);
	path[0] = '/';
	for (size_t i = 0; i < COUNT_OF(socks); i++)
		socks[i] = "/s";
	for (size_t i = 0; i < COUNT_OF(dirs); i++)
		dirs[i] = "/";
	struct wire_policy p = {
		.tool = tool,
		.pid = INT_MAX,
		.flags = WIRE_FLAG_NETWORK,
		.ports = {1, 65535},
		.port_count = 2,
		.unix_sockets = socks,
		.unix_socket_count = COUNT_OF(socks),
		.write_dirs = dirs,
		.write_dir_count = COUNT_OF(dirs),
		.config = path,
		.report = path,
	};
	test_row("all bounds");
	round_trip(&p);
	char *long_paths[] = {path};
	p.unix_sockets = long_paths;
	p.unix_socket_count = 1;
	p.write_dirs = long_paths;
	p.write_dir_count = 1;
	test_row("4095-byte paths");
	round_trip(&p);
}

/* Hand-built payloads the encoder would not write but that are valid. */
static void register_accepts(void)
{
	static const struct reg_row rows[] = {
		{"reverse order", true,
		 {STR(REPORT, "none"), U32(FLAGS, 1), U32(PID, 7),
		  STR(TOOL, "make")},
		 NULL},
		{"interleaved lists", false,
		 {STR(USOCK, "/a"), STR(WDIR, "/b"), STR(USOCK, "/c"),
		  U16(PORT, 1), STR(WDIR, "/d"), U16(PORT, 1)},
		 NULL},
		{"tool with spaces and slashes", true,
		 {STR(TOOL, "my tool/x"), U32(PID, 1), U32(FLAGS, 3)},
		 NULL},
		{"dotfiles are normal", false,
		 {STR(USOCK, "/a/.b/..c/...")}, NULL},
		{"relative config origin", false,
		 {STR(CONFIG, "<embedded default>")}, NULL},
		{"report path not normalised", false,
		 {STR(REPORT, "/tmp//x/../y/")}, NULL},
	};
	struct builder b = {malloc(BUILD_CAP), 0, false};
	for (size_t i = 0; i < COUNT_OF(rows); i++) {
		test_row("%s", rows[i].what);
		build_row(&b, &rows[i]);
		struct wire_policy out;
		char err[256] = "";
		CHECK_INT(wire_decode_register(b.p, b.len, &out, err, sizeof err),
			  0);
		CHECK_STR(err, "");
		wire_policy_free(&out);
	}
	free(b.p);
}

static const struct reg_row register_bad[] = {
	/* framing */
	{"empty payload", true, {{0}}, "TOOL: missing"},
	{"1 trailing byte", false, {BYTES("\x01")}, "too short"},
	{"3 trailing bytes", false, {BYTES("\x01\x00\x00")},
	 "record at offset 23: 3 bytes, too short"},
	{"value past the end", false, {BADLEN(CONFIG, 10)},
	 "CONFIG at offset 23: length 10 past the end"},
	{"unknown tag past the end", false, {BADLEN(77, 1)},
	 "tag 77 at offset 23: length 1 past the end"},
	{"tag 0", false, {U32(0, 0)}, "tag 0: unknown"},
	{"tag 11", false, {U32(11, 0)}, "tag 11: unknown"},
	{"WRITE_RULE too short", false, {U32(WIRE_TAG_WRITE_RULE, 0)},
	 "WRITE_RULE: length 4 under 8"},
	{"tag 0xffff", false, {STR(0xffff, "")}, "tag 65535: unknown"},
	/* required, singletons */
	{"TOOL missing", true, {U32(PID, 1), U32(FLAGS, 0)}, "TOOL: missing"},
	{"PID missing", true, {STR(TOOL, "git"), U32(FLAGS, 0)}, "PID: missing"},
	{"FLAGS missing", true, {STR(TOOL, "git"), U32(PID, 1)},
	 "FLAGS: missing"},
	{"TOOL twice", false, {STR(TOOL, "git")}, "TOOL: repeated"},
	{"PID twice", false, {U32(PID, 42)}, "PID: repeated"},
	{"FLAGS twice", false, {U32(FLAGS, 0)}, "FLAGS: repeated"},
	{"CONFIG twice", false, {STR(CONFIG, "/a"), STR(CONFIG, "/a")},
	 "CONFIG: repeated"},
	{"REPORT twice", false, {STR(REPORT, "none"), STR(REPORT, "none")},
	 "REPORT: repeated"},
	/* TOOL */
	{"TOOL empty", true, {STR(TOOL, ""), U32(PID, 1), U32(FLAGS, 0)},
	 "TOOL: empty"},
	{"TOOL 256 bytes", true,
	 {LONG(TOOL, "", WIRE_MAX_TOOL + 1), U32(PID, 1), U32(FLAGS, 0)},
	 "TOOL: 256 bytes over 255"},
	{"TOOL with NUL", true, {STR(TOOL, "g\0it"), U32(PID, 1), U32(FLAGS, 0)},
	 "TOOL: NUL byte at offset 1"},
	{"TOOL NUL-terminated", true,
	 {STR(TOOL, "git\0"), U32(PID, 1), U32(FLAGS, 0)},
	 "TOOL: NUL byte at offset 3"},
	/* PID */
	{"PID 3 bytes", true, {STR(TOOL, "git"), STR(PID, "\1\0\0"), U32(FLAGS, 0)},
	 "PID: length 3, want 4"},
	{"PID 8 bytes", true,
	 {STR(TOOL, "git"), STR(PID, "\1\0\0\0\0\0\0\0"), U32(FLAGS, 0)},
	 "PID: length 8, want 4"},
	{"PID 0", true, {STR(TOOL, "git"), U32(PID, 0), U32(FLAGS, 0)},
	 "PID: 0 out of range"},
	{"PID 2^31", true, {STR(TOOL, "git"), U32(PID, 0x80000000u), U32(FLAGS, 0)},
	 "PID: 2147483648 out of range"},
	{"PID 2^32-1", true,
	 {STR(TOOL, "git"), U32(PID, 0xffffffffu), U32(FLAGS, 0)},
	 "PID: 4294967295 out of range"},
	/* FLAGS */
	{"FLAGS 2 bytes", true, {STR(TOOL, "git"), U32(PID, 1), STR(FLAGS, "\1\0")},
	 "FLAGS: length 2, want 4"},
	{"FLAGS bit 4", true, {STR(TOOL, "git"), U32(PID, 1), U32(FLAGS, 16)},
	 "FLAGS: unknown bits 0x10"},
	{"FLAGS bit 31", true,
	 {STR(TOOL, "git"), U32(PID, 1), U32(FLAGS, 0x80000003u)},
	 "FLAGS: unknown bits 0x80000000"},
	/* PORT */
	{"PORT 1 byte", false, {STR(PORT, "\x50")}, "PORT: length 1, want 2"},
	{"PORT 4 bytes", false, {U32(PORT, 80)}, "PORT: length 4, want 2"},
	{"PORT 0", false, {U16(PORT, 0)}, "PORT: 0 out of range 1..65535"},
	{"3 PORTs", false, {U16(PORT, 1), U16(PORT, 2), U16(PORT, 3)},
	 "PORT: more than 2"},
	/* UNIX_SOCKET */
	{"UNIX_SOCKET empty", false, {STR(USOCK, "")}, "UNIX_SOCKET: empty"},
	{"UNIX_SOCKET relative", false, {STR(USOCK, "run/docker.sock")},
	 "UNIX_SOCKET: not an absolute path"},
	{"UNIX_SOCKET with NUL", false, {STR(USOCK, "/run/a\0/b")},
	 "UNIX_SOCKET: NUL byte at offset 6"},
	{"UNIX_SOCKET 4096 bytes", false, {LONG(USOCK, "/", WIRE_MAX_PATH + 1)},
	 "UNIX_SOCKET: 4096 bytes over 4095"},
	{"UNIX_SOCKET //", false, {STR(USOCK, "//run/x")},
	 "UNIX_SOCKET: not a normalised path"},
	{"UNIX_SOCKET a//b", false, {STR(USOCK, "/run//x")},
	 "UNIX_SOCKET: not a normalised path"},
	{"UNIX_SOCKET /.", false, {STR(USOCK, "/.")},
	 "UNIX_SOCKET: not a normalised path"},
	{"UNIX_SOCKET /./x", false, {STR(USOCK, "/run/./x")},
	 "UNIX_SOCKET: not a normalised path"},
	{"UNIX_SOCKET ..", false, {STR(USOCK, "/tmp/../run/docker.sock")},
	 "UNIX_SOCKET: not a normalised path"},
	{"UNIX_SOCKET trailing ..", false, {STR(USOCK, "/tmp/..")},
	 "UNIX_SOCKET: not a normalised path"},
	{"UNIX_SOCKET trailing /", false, {STR(USOCK, "/run/x/")},
	 "UNIX_SOCKET: not a normalised path"},
	{"257 UNIX_SOCKETs", false,
	 {REPEAT(USOCK, "/s", WIRE_MAX_UNIX_SOCKETS + 1)},
	 "UNIX_SOCKET: more than 256"},
	/* WRITE_DIR */
	{"WRITE_DIR empty", false, {STR(WDIR, "")}, "WRITE_DIR: empty"},
	{"WRITE_DIR relative", false, {STR(WDIR, ".")},
	 "WRITE_DIR: not an absolute path"},
	{"WRITE_DIR with NUL", false, {STR(WDIR, "/\0")},
	 "WRITE_DIR: NUL byte at offset 1"},
	{"WRITE_DIR 4096 bytes", false, {LONG(WDIR, "/", WIRE_MAX_PATH + 1)},
	 "WRITE_DIR: 4096 bytes over 4095"},
	{"WRITE_DIR ..", false, {STR(WDIR, "/home/u/..")},
	 "WRITE_DIR: not a normalised path"},
	{"WRITE_DIR //", false, {STR(WDIR, "//")},
	 "WRITE_DIR: not a normalised path"},
	{"4097 WRITE_DIRs", false, {REPEAT(WDIR, "/", WIRE_MAX_WRITE_DIRS + 1)},
	 "WRITE_DIR: more than 4096"},
	/* CONFIG */
	{"CONFIG empty", false, {STR(CONFIG, "")}, "CONFIG: empty"},
	{"CONFIG with NUL", false, {STR(CONFIG, "/etc/x\0.ini")},
	 "CONFIG: NUL byte at offset 6"},
	{"CONFIG 4096 bytes", false, {LONG(CONFIG, "/", WIRE_MAX_PATH + 1)},
	 "CONFIG: 4096 bytes over 4095"},
	/* REPORT */
	{"REPORT empty", false, {STR(REPORT, "")}, "REPORT: empty"},
	{"REPORT stdout", false, {STR(REPORT, "stdout")},
	 "REPORT: want stderr, none or an absolute path"},
	{"REPORT Stderr", false, {STR(REPORT, "Stderr")},
	 "REPORT: want stderr, none or an absolute path"},
	{"REPORT stderrx", false, {STR(REPORT, "stderrx")},
	 "REPORT: want stderr, none or an absolute path"},
	{"REPORT relative", false, {STR(REPORT, "log/x")},
	 "REPORT: want stderr, none or an absolute path"},
	{"REPORT stderr NUL", false, {STR(REPORT, "stderr\0")},
	 "REPORT: NUL byte at offset 6"},
	{"REPORT 4096 bytes", false, {LONG(REPORT, "/", WIRE_MAX_PATH + 1)},
	 "REPORT: 4096 bytes over 4095"},
	/* The first problem is named even when a later one exists. */
	{"error then garbage", false, {U16(PORT, 0), BYTES("\xff")},
	 "PORT: 0 out of range"},
};

static void register_refusals(void)
{
	struct builder b = {malloc(BUILD_CAP), 0, false};
	for (size_t i = 0; i < COUNT_OF(register_bad); i++) {
		const struct reg_row *r = &register_bad[i];
		test_row("%s", r->what);
		build_row(&b, r);
		if (!CHECK(!b.overflow))
			continue;
		struct wire_policy out;
		memset(&out, 0x5a, sizeof out); /* decoder must zero it */
		char err[256] = "";
		errno = 0;
		CHECK_INT(wire_decode_register(b.p, b.len, &out, err, sizeof err),
			  -1);
		CHECK_INT(errno, EPROTO);
		CHECK_CONTAINS(err, r->want);
		CHECK(policy_is_zero(&out));
		wire_policy_free(&out); /* harmless, as documented */
	}
	test_row(NULL);

	/* Over the payload bound, whatever is inside. */
	build_row(&b, &(struct reg_row){"", false,
					{REPEAT(WDIR, "/", 13200)}, NULL});
	REQUIRE(b.len > WIRE_MAX_PAYLOAD);
	struct wire_policy out;
	char err[256] = "";
	CHECK_INT(wire_decode_register(b.p, b.len, &out, err, sizeof err), -1);
	CHECK_CONTAINS(err, "over 65536");
	free(b.p);
}

/* A tiny ERR buffer truncates the message but never overflows. */
static void register_short_err_buffer(void)
{
	struct builder b = {malloc(BUILD_CAP), 0, false};
	build_row(&b, &register_bad[1]);
	struct wire_policy out;
	char err[8];
	memset(err, 'x', sizeof err);
	CHECK_INT(wire_decode_register(b.p, b.len, &out, err, 5), -1);
	CHECK_INT(strlen(err), 4);
	CHECK_INT(err[5], 'x');
	CHECK_INT(wire_decode_register(b.p, b.len, &out, NULL, 0), -1);
	free(b.p);
}

static char long_tool[WIRE_MAX_TOOL + 2];
static char long_path[WIRE_MAX_PATH + 2];
static char max_path[WIRE_MAX_PATH + 1];
static char *many[WIRE_MAX_WRITE_DIRS + 1];
static char *max_paths[20];
static char *rel[] = {"run/x"};
static char *unnormal[] = {"/a/./b"};
static char *null_entry[] = {NULL};

static void register_encode_refusals(void)
{
	memset(long_tool, 't', WIRE_MAX_TOOL + 1);
	memset(long_path, 'p', WIRE_MAX_PATH + 1);
	long_path[0] = '/';
	memset(max_path, 'p', WIRE_MAX_PATH);
	max_path[0] = '/';
	for (size_t i = 0; i < COUNT_OF(many); i++)
		many[i] = "/";
	for (size_t i = 0; i < COUNT_OF(max_paths); i++)
		max_paths[i] = max_path;
#define OK_P .tool = "git", .pid = 1
	char *long_paths[] = {long_path};
	const struct {
		const char *what;
		struct wire_policy p;
		size_t cap;
		int want_errno;
	} rows[] = {
		{"tool NULL", {.pid = 1}, 4096, EINVAL},
		{"tool empty", {.tool = "", .pid = 1}, 4096, EINVAL},
		{"tool 256 bytes", {.tool = long_tool, .pid = 1}, 4096, EINVAL},
		{"pid 0", {.tool = "git"}, 4096, EINVAL},
		{"pid 2^31", {.tool = "git", .pid = 0x80000000u}, 4096, EINVAL},
		{"unknown flag", {OK_P, .flags = 16}, 4096, EINVAL},
		{"port 0", {OK_P, .ports = {0}, .port_count = 1}, 4096, EINVAL},
		{"second port 0", {OK_P, .ports = {80, 0}, .port_count = 2}, 4096,
		 EINVAL},
		{"3 ports", {OK_P, .ports = {1, 2}, .port_count = 3}, 4096, EINVAL},
		{"relative unix socket",
		 {OK_P, .unix_sockets = rel, .unix_socket_count = 1}, 4096, EINVAL},
		{"unix sockets NULL, count 1", {OK_P, .unix_socket_count = 1},
		 4096, EINVAL},
		{"unix socket entry NULL",
		 {OK_P, .unix_sockets = null_entry, .unix_socket_count = 1}, 4096,
		 EINVAL},
		{"257 unix sockets",
		 {OK_P, .unix_sockets = many,
		  .unix_socket_count = WIRE_MAX_UNIX_SOCKETS + 1},
		 WIRE_MAX_PAYLOAD, EINVAL},
		{"write dir not normalised",
		 {OK_P, .write_dirs = unnormal, .write_dir_count = 1}, 4096, EINVAL},
		{"write dir 4096 bytes",
		 {OK_P, .write_dirs = long_paths, .write_dir_count = 1},
		 WIRE_MAX_PAYLOAD, EINVAL},
		{"4097 write dirs",
		 {OK_P, .write_dirs = many,
		  .write_dir_count = WIRE_MAX_WRITE_DIRS + 1},
		 WIRE_MAX_PAYLOAD, EINVAL},
		{"config empty", {OK_P, .config = ""}, 4096, EINVAL},
		{"report stdout", {OK_P, .report = "stdout"}, 4096, EINVAL},
		{"report relative", {OK_P, .report = "x.log"}, 4096, EINVAL},
		{"cap 0", {OK_P}, 0, E2BIG},
		{"cap 10", {OK_P}, 10, E2BIG},
		{"invalid wins over too small", {OK_P, .report = "x"}, 10, EINVAL},
		{"over WIRE_MAX_PAYLOAD",
		 {OK_P, .unix_sockets = max_paths,
		  .unix_socket_count = COUNT_OF(max_paths)},
		 BUILD_CAP, E2BIG},
	};
#undef OK_P
	unsigned char *buf = malloc(BUILD_CAP);
	for (size_t i = 0; i < COUNT_OF(rows); i++) {
		test_row("%s", rows[i].what);
		errno = 0;
		CHECK_INT(wire_encode_register(&rows[i].p, buf, rows[i].cap), -1);
		CHECK_INT(errno, rows[i].want_errno);
	}
	free(buf);
}

/* --- ERROR ------------------------------------------------------------- */

static void error_round_trip(void)
{
	static char max_msg[WIRE_MAX_MESSAGE + 1];
	memset(max_msg, 'm', WIRE_MAX_MESSAGE);
	static const struct {
		int err;
		const char *msg, *want;
	} rows[] = {
		{EACCES, "unix socket /run/docker.sock: not allowed",
		 "unix socket /run/docker.sock: not allowed"},
		{1, "", ""},
		{4095, NULL, ""},
		{ENOSYS, max_msg, max_msg},
	};
	unsigned char buf[4 + WIRE_MAX_MESSAGE];
	for (size_t i = 0; i < COUNT_OF(rows); i++) {
		test_row("errno %d", rows[i].err);
		int n = wire_encode_error(rows[i].err, rows[i].msg, buf, sizeof buf);
		if (!CHECK_INT(n, 4 + strlen(rows[i].want)))
			continue;
		int e = 0;
		char msg[WIRE_MAX_MESSAGE + 1], err[256] = "";
		memset(msg, 'x', sizeof msg);
		CHECK_INT(wire_decode_error(buf, (size_t)n, &e, msg, sizeof msg,
					    err, sizeof err),
			  0);
		CHECK_INT(e, rows[i].err);
		CHECK_STR(msg, rows[i].want);
		CHECK_STR(err, "");
	}
	test_row(NULL);

	/* A short buffer gets the start; no buffer, just the errno. */
	int n = wire_encode_error(EPERM, "hello world", buf, sizeof buf);
	char small[6];
	int e = 0;
	CHECK_INT(wire_decode_error(buf, (size_t)n, &e, small, sizeof small,
				    NULL, 0),
		  0);
	CHECK_STR(small, "hello");
	CHECK_INT(wire_decode_error(buf, (size_t)n, &e, NULL, 0, NULL, 0), 0);
	CHECK_INT(e, EPERM);
}

static void error_refusals(void)
{
	static const struct {
		const char *what;
		long total; /* bytes passed: -1 for 4 + MSGLEN */
		uint32_t errnum;
		const char *msg; /* NULL: MSGLEN bytes of 'm' */
		size_t msglen;
		const char *want;
	} rows[] = {
		{"empty", 0, EIO, "", 0, "errno: 0 bytes, want 4"},
		{"3 bytes", 3, EIO, "", 0, "errno: 3 bytes, want 4"},
		{"errno 0", -1, 0, "", 0, "errno 0 out of range 1..4095"},
		{"errno 4096", -1, 4096, "", 0, "errno 4096 out of range"},
		{"errno 2^32-1", -1, 0xffffffffu, "x", 1,
		 "errno 4294967295 out of range"},
		{"errno 2^31", -1, 0x80000000u, "", 0,
		 "errno 2147483648 out of range"},
		{"message with NUL", -1, EIO, "ab\0c", 4,
		 "message: NUL byte at offset 2"},
		{"message NUL-terminated", -1, EIO, "abc\0", 4,
		 "message: NUL byte at offset 3"},
		{"message 1025 bytes", -1, EIO, NULL, WIRE_MAX_MESSAGE + 1,
		 "message: 1025 bytes over 1024"},
	};
	unsigned char buf[8 + WIRE_MAX_MESSAGE];
	for (size_t i = 0; i < COUNT_OF(rows); i++) {
		test_row("%s", rows[i].what);
		memcpy(buf, &rows[i].errnum, 4);
		if (rows[i].msg)
			memcpy(buf + 4, rows[i].msg, rows[i].msglen);
		else
			memset(buf + 4, 'm', rows[i].msglen);
		size_t len = rows[i].total >= 0 ? (size_t)rows[i].total
						: 4 + rows[i].msglen;
		int e = 0;
		char msg[64] = "untouched", err[256] = "";
		errno = 0;
		CHECK_INT(wire_decode_error(buf, len, &e, msg, sizeof msg, err,
					    sizeof err),
			  -1);
		CHECK_INT(errno, EPROTO);
		CHECK_CONTAINS(err, rows[i].want);
		CHECK_STR(msg, "untouched");
		CHECK_INT(e, 0);
	}
}

static void error_encode_refusals(void)
{
	static char long_msg[WIRE_MAX_MESSAGE + 2];
	memset(long_msg, 'm', WIRE_MAX_MESSAGE + 1);
	static const struct {
		const char *what;
		int err;
		const char *msg;
		size_t cap;
		int want_errno;
	} rows[] = {
		{"errno 0", 0, "x", 64, EINVAL},
		{"errno -1", -1, "x", 64, EINVAL},
		{"errno 4096", 4096, "x", 64, EINVAL},
		{"message 1025 bytes", EIO, long_msg, 4096, EINVAL},
		{"cap 3", EIO, NULL, 3, E2BIG},
		{"cap one short", EIO, "abc", 6, E2BIG},
	};
	unsigned char buf[4096];
	for (size_t i = 0; i < COUNT_OF(rows); i++) {
		test_row("%s", rows[i].what);
		errno = 0;
		CHECK_INT(wire_encode_error(rows[i].err, rows[i].msg, buf,
					    rows[i].cap),
			  -1);
		CHECK_INT(errno, rows[i].want_errno);
	}
}

/* --- sockets ----------------------------------------------------------- */

/* Which of the first FD_SCAN descriptors are open: a received descriptor
 * takes the lowest free number, so a leak shows up below this. */
#define FD_SCAN 1024

struct fd_set_snapshot {
	bool open[FD_SCAN];
};

static void fd_snapshot(struct fd_set_snapshot *s)
{
	for (int fd = 0; fd < FD_SCAN; fd++)
		s->open[fd] = fcntl(fd, F_GETFD) >= 0;
}

static bool no_fd_leak(const char *file, int line,
		       const struct fd_set_snapshot *before)
{
	struct fd_set_snapshot after;
	fd_snapshot(&after);
	bool ok = true;
	for (int fd = 0; fd < FD_SCAN; fd++)
		if (before->open[fd] != after.open[fd]) {
			test_fail(file, line, "fd %d %s", fd,
				  after.open[fd] ? "leaked" : "closed");
			ok = false;
		}
	return ok;
}

#define CHECK_NO_FD_LEAK(before) no_fd_leak(__FILE__, __LINE__, before)

struct pair {
	int a, b; /* a sends, b receives */
};

static bool make_pair(struct pair *p)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		test_fail(__FILE__, __LINE__, "socketpair: %s", strerror(errno));
		return false;
	}
	/* Room for the oversized packets some tests send. */
	int size = 4 * RECV_CAP;
	setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
	setsockopt(sv[1], SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
	p->a = sv[0], p->b = sv[1];
	return true;
}

static void close_pair(struct pair *p)
{
	if (p->a >= 0)
		close(p->a);
	if (p->b >= 0)
		close(p->b);
}

/* sendmsg without wire_send's limits: any bytes, up to 253 descriptors. */
static bool send_raw(int sock, const void *bytes, size_t len, const int *fds,
		     size_t nfds)
{
	struct iovec iov = {(void *)bytes, len};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int) * 253)];
	} control;
	if (nfds) {
		memset(&control, 0, sizeof control);
		msg.msg_control = control.buf;
		msg.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds);
	}
	if (sendmsg(sock, &msg, MSG_NOSIGNAL) != (ssize_t)len) {
		test_fail(__FILE__, __LINE__, "sendmsg: %s", strerror(errno));
		return false;
	}
	return true;
}

static bool make_pipe(int p[2])
{
	if (pipe2(p, O_CLOEXEC) == 0)
		return true;
	test_fail(__FILE__, __LINE__, "pipe2: %s", strerror(errno));
	return false;
}

/* wire_recv's result when it must fail, with no descriptor left behind. */
static void expect_recv_error(int sock, size_t maxfds, int want_errno,
			      const char *want, const struct fd_set_snapshot *before)
{
	unsigned char *buf = malloc(RECV_CAP);
	struct wire_header h;
	int fds[WIRE_MAX_FDS + 1] = {-7, -7, -7};
	size_t nfds = 99;
	char err[256] = "";
	errno = 0;
	CHECK_INT(wire_recv(sock, buf, RECV_CAP, &h, fds, maxfds, &nfds, 1000,
			    err, sizeof err),
		  -1);
	CHECK_INT(errno, want_errno);
	CHECK_CONTAINS(err, want);
	CHECK_INT(nfds, 0);
	for (size_t i = 0; i < maxfds; i++)
		CHECK(fds[i] == -7 || fds[i] == -1);
	CHECK_NO_FD_LEAK(before);
	free(buf);
}

static void socket_register_with_fds(void)
{
	struct pair s;
	int pp[2];
	REQUIRE(make_pair(&s));
	if (!make_pipe(pp)) {
		close_pair(&s);
		return;
	}
	char *dirs[] = {"/tmp"};
	struct wire_policy p = {.tool = "node", .pid = (uint32_t)getpid(),
				.write_dirs = dirs, .write_dir_count = 1};
	unsigned char payload[512];
	int n = wire_encode_register(&p, payload, sizeof payload);
	REQUIRE(n > 0);
	CHECK_INT(wire_send(s.a, WIRE_REGISTER, payload, (size_t)n, pp, 2), 0);

	unsigned char *buf = malloc(RECV_CAP);
	struct wire_header h;
	int fds[WIRE_MAX_FDS] = {-1, -1};
	size_t nfds = 0;
	char err[256] = "";
	CHECK_INT(wire_recv(s.b, buf, RECV_CAP, &h, fds, WIRE_MAX_FDS, &nfds, 1000,
			    err, sizeof err),
		  0);
	CHECK_STR(err, "");
	CHECK_INT(h.type, WIRE_REGISTER);
	CHECK_INT(h.length, n);
	if (CHECK_INT(nfds, 2)) {
		/* MSG_CMSG_CLOEXEC: nothing received reaches an exec'd tool. */
		CHECK(fcntl(fds[0], F_GETFD) & FD_CLOEXEC);
		CHECK(fcntl(fds[1], F_GETFD) & FD_CLOEXEC);
		/* They are the pipe's ends: write into the received write end,
		 * read from the received read end. */
		CHECK_INT(write(fds[1], "ok", 2), 2);
		char got[3] = "";
		CHECK_INT(read(fds[0], got, 2), 2);
		CHECK_STR(got, "ok");
		close(fds[0]);
		close(fds[1]);
	}
	struct wire_policy out;
	if (CHECK_INT(wire_decode_register(buf + WIRE_HEADER_SIZE, h.length,
					   &out, err, sizeof err),
		      0)) {
		check_same_policy(&out, &p);
		wire_policy_free(&out);
	}
	free(buf);
	close(pp[0]);
	close(pp[1]);
	close_pair(&s);
}

static void socket_empty_messages(void)
{
	struct pair s;
	REQUIRE(make_pair(&s));
	int pp[2];
	if (!make_pipe(pp)) {
		close_pair(&s);
		return;
	}
	unsigned char payload[64];
	int n = wire_encode_error(EACCES, "nope", payload, sizeof payload);
	CHECK_INT(wire_send(s.a, WIRE_ACK, NULL, 0, NULL, 0), 0);
	CHECK_INT(wire_send(s.a, WIRE_CONNECT, NULL, 0, pp, 1), 0);
	CHECK_INT(wire_send(s.a, WIRE_ERROR, payload, (size_t)n, NULL, 0), 0);

	unsigned char *buf = malloc(RECV_CAP);
	struct wire_header h;
	int fds[WIRE_MAX_FDS] = {-1, -1};
	size_t nfds = 9;
	char err[256] = "";
	CHECK_INT(wire_recv(s.b, buf, RECV_CAP, &h, fds, WIRE_MAX_FDS, &nfds, 0,
			    err, sizeof err),
		  0);
	CHECK_INT(h.type, WIRE_ACK);
	CHECK_INT(nfds, 0);
	CHECK_INT(wire_recv(s.b, buf, RECV_CAP, &h, fds, 1, &nfds, -1, err,
			    sizeof err),
		  0);
	CHECK_INT(h.type, WIRE_CONNECT);
	if (CHECK_INT(nfds, 1))
		close(fds[0]);
	/* No room for descriptors when none are expected. */
	CHECK_INT(wire_recv(s.b, buf, RECV_CAP, &h, NULL, 0, &nfds, 100, err,
			    sizeof err),
		  0);
	CHECK_INT(h.type, WIRE_ERROR);
	int e = 0;
	char msg[64];
	CHECK_INT(wire_decode_error(buf + WIRE_HEADER_SIZE, h.length, &e, msg,
				    sizeof msg, err, sizeof err),
		  0);
	CHECK_INT(e, EACCES);
	CHECK_STR(msg, "nope");
	free(buf);
	close(pp[0]);
	close(pp[1]);
	close_pair(&s);
}

/* A packet over the receive buffer is refused, not read in part. */
static void socket_truncated_packet(void)
{
	struct pair s;
	REQUIRE(make_pair(&s));
	int pp[2];
	if (!make_pipe(pp)) {
		close_pair(&s);
		return;
	}
	size_t len = RECV_CAP + 1;
	unsigned char *big = calloc(1, len);
	wire_encode_header(big, len, WIRE_REGISTER, WIRE_MAX_PAYLOAD);
	struct fd_set_snapshot before;
	fd_snapshot(&before);
	if (send_raw(s.a, big, len, pp, 2))
		expect_recv_error(s.b, WIRE_MAX_FDS, EPROTO, "truncated",
				  &before);
	free(big);
	close(pp[0]);
	close(pp[1]);
	close_pair(&s);
}

static void socket_too_many_fds(void)
{
	struct pair s;
	REQUIRE(make_pair(&s));
	int pp[2];
	if (!make_pipe(pp)) {
		close_pair(&s);
		return;
	}
	unsigned char hdr[WIRE_HEADER_SIZE];
	wire_encode_header(hdr, sizeof hdr, WIRE_ACK, 0);
	int five[5] = {pp[0], pp[1], pp[0], pp[1], pp[0]};
	struct fd_set_snapshot before;
	fd_snapshot(&before);

	test_row("5 fds, room for 2");
	if (send_raw(s.a, hdr, sizeof hdr, five, 5))
		expect_recv_error(s.b, WIRE_MAX_FDS, EPROTO,
				  "5 descriptors, at most 2", &before);
	test_row("2 fds, room for 1");
	if (CHECK_INT(wire_send(s.a, WIRE_CONNECT, NULL, 0, pp, 2), 0))
		expect_recv_error(s.b, 1, EPROTO, "2 descriptors, at most 1",
				  &before);
	test_row("1 fd, room for none");
	if (CHECK_INT(wire_send(s.a, WIRE_CONNECT, NULL, 0, pp, 1), 0))
		expect_recv_error(s.b, 0, EPROTO, "1 descriptors, at most 0",
				  &before);
	test_row("253 fds, the most one sendmsg carries");
	int many_fds[253];
	for (size_t i = 0; i < COUNT_OF(many_fds); i++)
		many_fds[i] = pp[i % 2];
	if (send_raw(s.a, hdr, sizeof hdr, many_fds, COUNT_OF(many_fds)))
		expect_recv_error(s.b, WIRE_MAX_FDS, EPROTO,
				  "253 descriptors, at most 2", &before);
	close(pp[0]);
	close(pp[1]);
	close_pair(&s);
}

/* Credentials the caller should not have asked for: refused, and the
 * descriptors that came with them closed.  With 253 descriptors too, the
 * control data no longer fits: truncated, still nothing leaks. */
static void socket_unexpected_control(void)
{
	struct pair s;
	REQUIRE(make_pair(&s));
	int pp[2];
	if (!make_pipe(pp)) {
		close_pair(&s);
		return;
	}
	int one = 1;
	REQUIRE(setsockopt(s.b, SOL_SOCKET, SO_PASSCRED, &one, sizeof one) == 0);
	unsigned char hdr[WIRE_HEADER_SIZE];
	wire_encode_header(hdr, sizeof hdr, WIRE_ACK, 0);
	struct fd_set_snapshot before;
	fd_snapshot(&before);

	test_row("credentials and 2 fds");
	if (send_raw(s.a, hdr, sizeof hdr, pp, 2))
		expect_recv_error(s.b, WIRE_MAX_FDS, EPROTO,
				  "unexpected control message (level 1, type 2)",
				  &before);
	test_row("credentials and 253 fds");
	int many_fds[253];
	for (size_t i = 0; i < COUNT_OF(many_fds); i++)
		many_fds[i] = pp[i % 2];
	if (send_raw(s.a, hdr, sizeof hdr, many_fds, COUNT_OF(many_fds)))
		expect_recv_error(s.b, WIRE_MAX_FDS, EPROTO,
				  "control data truncated", &before);
	close(pp[0]);
	close(pp[1]);
	close_pair(&s);
}

/* A malformed header with descriptors: the descriptors are closed. */
static void socket_bad_header(void)
{
	struct pair s;
	REQUIRE(make_pair(&s));
	int pp[2];
	if (!make_pipe(pp)) {
		close_pair(&s);
		return;
	}
	struct fd_set_snapshot before;
	fd_snapshot(&before);
	unsigned char hdr[WIRE_HEADER_SIZE + 3];
	wire_encode_header(hdr, sizeof hdr, WIRE_REGISTER, 2);
	test_row("length 2, 3 bytes sent");
	if (send_raw(s.a, hdr, sizeof hdr, pp, 2))
		expect_recv_error(s.b, WIRE_MAX_FDS, EPROTO,
				  "length 2, but 3 payload bytes received",
				  &before);
	test_row("garbage");
	if (send_raw(s.a, "GET / HTTP/1.1\r\n\r\n", 18, pp, 1))
		expect_recv_error(s.b, WIRE_MAX_FDS, EPROTO, "magic", &before);
	test_row("short");
	if (send_raw(s.a, "LSTR", 4, pp, 2))
		expect_recv_error(s.b, WIRE_MAX_FDS, EPROTO,
				  "header: 4 bytes, want 16", &before);
	close(pp[0]);
	close(pp[1]);
	close_pair(&s);
}

static long long elapsed_ms(const struct timespec *since)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long long)(now.tv_sec - since->tv_sec) * 1000 +
	       (now.tv_nsec - since->tv_nsec) / 1000000;
}

static void socket_timeout(void)
{
	struct pair s;
	REQUIRE(make_pair(&s));
	unsigned char *buf = malloc(RECV_CAP);
	struct wire_header h;
	size_t nfds;
	char err[256] = "";
	struct timespec start;
	clock_gettime(CLOCK_MONOTONIC, &start);
	errno = 0;
	CHECK_INT(wire_recv(s.b, buf, RECV_CAP, &h, NULL, 0, &nfds, 150, err,
			    sizeof err),
		  -1);
	CHECK_INT(errno, ETIMEDOUT);
	CHECK_CONTAINS(err, "no message within 150 ms");
	long long ms = elapsed_ms(&start);
	CHECK(ms >= 140 && ms < 2000);

	test_row("timeout 0: a poll");
	errno = 0;
	CHECK_INT(wire_recv(s.b, buf, RECV_CAP, &h, NULL, 0, &nfds, 0, err,
			    sizeof err),
		  -1);
	CHECK_INT(errno, ETIMEDOUT);
	free(buf);
	close_pair(&s);
}

static void socket_peer_closed(void)
{
	struct pair s;
	REQUIRE(make_pair(&s));
	struct fd_set_snapshot before;
	test_row("closed");
	close(s.a);
	s.a = -1;
	fd_snapshot(&before);
	expect_recv_error(s.b, WIRE_MAX_FDS, ECONNRESET,
			  "connection closed by peer", &before);
	test_row("closed, forever wait");
	unsigned char *buf = malloc(RECV_CAP);
	struct wire_header h;
	size_t nfds;
	char err[256];
	errno = 0;
	CHECK_INT(wire_recv(s.b, buf, RECV_CAP, &h, NULL, 0, &nfds, -1, err,
			    sizeof err),
		  -1);
	CHECK_INT(errno, ECONNRESET);
	free(buf);
	close_pair(&s);
}

/* A 0-byte packet reads like end of stream, even with descriptors. */
static void socket_zero_length_packet(void)
{
	struct pair s;
	REQUIRE(make_pair(&s));
	int pp[2];
	if (!make_pipe(pp)) {
		close_pair(&s);
		return;
	}
	struct fd_set_snapshot before;
	fd_snapshot(&before);
	if (send_raw(s.a, "", 0, pp, 2))
		expect_recv_error(s.b, WIRE_MAX_FDS, ECONNRESET,
				  "connection closed by peer", &before);
	close(pp[0]);
	close(pp[1]);
	close_pair(&s);
}

static void socket_send_refusals(void)
{
	struct pair s;
	REQUIRE(make_pair(&s));
	int three[3] = {0, 1, 2};
	unsigned char payload[4] = {1, 0, 0, 0};
	errno = 0;
	CHECK_INT(wire_send(s.a, WIRE_CONNECT, NULL, 0, three, 3), -1);
	CHECK_INT(errno, EINVAL);
	errno = 0;
	CHECK_INT(wire_send(s.a, WIRE_ACK, payload, sizeof payload, NULL, 0), -1);
	CHECK_INT(errno, EINVAL);
	errno = 0;
	CHECK_INT(wire_send(s.a, 9, NULL, 0, NULL, 0), -1);
	CHECK_INT(errno, EINVAL);
	errno = 0;
	CHECK_INT(wire_send(s.a, WIRE_REGISTER, NULL, 4, NULL, 0), -1);
	CHECK_INT(errno, EINVAL);
	errno = 0;
	CHECK_INT(wire_send(s.a, WIRE_REGISTER, payload, WIRE_MAX_PAYLOAD + 1,
			    NULL, 0),
		  -1);
	CHECK_INT(errno, EINVAL);

	/* A gone peer is EPIPE, never SIGPIPE (which would kill us here). */
	close(s.b);
	s.b = -1;
	errno = 0;
	CHECK_INT(wire_send(s.a, WIRE_ACK, NULL, 0, NULL, 0), -1);
	CHECK_INT(errno, EPIPE);

	/* wire_recv refuses a buffer that cannot hold every valid message. */
	unsigned char small[64];
	struct wire_header h;
	size_t nfds = 3;
	char err[256] = "";
	errno = 0;
	CHECK_INT(wire_recv(s.a, small, sizeof small, &h, NULL, 0, &nfds, 0, err,
			    sizeof err),
		  -1);
	CHECK_INT(errno, EINVAL);
	CHECK_CONTAINS(err, "receive buffer of 64 bytes");
	CHECK_INT(nfds, 0);
	close_pair(&s);
}

const struct test_case protocol_tests[] = {
	TEST_CASE(header_round_trip),
	TEST_CASE(header_refusals),
	TEST_CASE(header_encode_refusals),
	TEST_CASE(register_round_trip_full),
	TEST_CASE(register_round_trip_minimal),
	TEST_CASE(register_round_trip_bounds),
	TEST_CASE(register_accepts),
	TEST_CASE(register_refusals),
	TEST_CASE(register_short_err_buffer),
	TEST_CASE(register_encode_refusals),
	TEST_CASE(error_round_trip),
	TEST_CASE(error_refusals),
	TEST_CASE(error_encode_refusals),
	TEST_CASE(socket_register_with_fds),
	TEST_CASE(socket_empty_messages),
	TEST_CASE(socket_truncated_packet),
	TEST_CASE(socket_too_many_fds),
	TEST_CASE(socket_unexpected_control),
	TEST_CASE(socket_bad_header),
	TEST_CASE(socket_timeout),
	TEST_CASE(socket_peer_closed),
	TEST_CASE(socket_zero_length_packet),
	TEST_CASE(socket_send_refusals),
	TEST_END,
};
