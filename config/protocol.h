/* The wire protocol between landstrip-exec and landstrip-supervisor.
 *
 * Version 3, documented in landstrip-supervisor(8).  Messages travel over
 * AF_UNIX SOCK_SEQPACKET sockets, one message per packet: a fixed 16-byte
 * header, then LENGTH bytes of payload (at most WIRE_MAX_PAYLOAD).  File
 * descriptors ride along as SCM_RIGHTS.
 *
 *   REGISTER  shim -> supervisor   payload: TLVs (the mediation policy)
 *                                  fds: [seccomp listener, tool's stderr]
 *   ACK       supervisor -> shim   empty: mediation is live, exec now
 *   ERROR     either way           u32 errno, then a message; the sender
 *                                  closes the connection after it
 *   CONNECT   shim -> session      empty; fds: [one end of a private
 *             supervisor           socketpair], on which REGISTER follows
 *   CACHE_GET shim -> session      the lowering's key (opaque bytes): is a
 *             supervisor           ruleset built from it still good?
 *   CACHE_HIT supervisor -> shim   the stored blob (opaque); fds: [ruleset]
 *   CACHE_MISS supervisor -> shim  empty
 *   CACHE_PUT shim -> session      key, blob and the directories lowering
 *             supervisor           looked at (cache_wire.c); fds: [ruleset]
 *   The CACHE_ messages travel on the private channel, before REGISTER
 *   or without one (landstrip-supervisor(8), "The ruleset cache").
 *
 * The decoder treats every byte as hostile: unknown types and tags,
 * duplicate singletons, missing required tags, strings with NUL bytes,
 * relative paths, counts over their bounds, trailing bytes: all refused
 * with a message naming the field.
 *
 * Decisions where the above left room (protocol.c implements them):
 *  - wire_encode_register and wire_encode_error write the payload only;
 *    wire_send puts the header in front.  wire_decode_header's LEN is the
 *    size of the whole packet, and the header's length must equal LEN - 16.
 *  - ACK and CONNECT carry no payload: a non-zero length is refused on both
 *    sides.  Descriptor counts per type (REGISTER 2, CONNECT 1) are the
 *    caller's check, on what wire_recv returns.
 *  - PID is 1..INT_MAX (it becomes a pid_t).  FLAGS with an unknown bit is
 *    refused.
 *  - UNIX_SOCKET, WRITE_DIR, MEDIATED_ROOT and a WRITE_RULE's path are
 *    absolute and normalised as lowering
 *    leaves them: no empty, "." or ".." component, no trailing '/' (except
 *    "/"), since the supervisor compares them as strings.  REPORT is only
 *    required to be absolute (the config keeps it as written).  CONFIG is
 *    1..WIRE_MAX_PATH bytes and need not be a path ("<embedded default>").
 *    A WRITE_RULE with WIRE_RULE_GLOB must pass glob_check; its label
 *    is 1..255 bytes without NUL; LINE is at most INT_MAX.
 *    PORT, UNIX_SOCKET and WRITE_DIR may repeat a value; records may come
 *    in any order.  Strings are not checked for control characters:
 *    whoever prints one escapes it.
 *  - The encoders apply the decoder's rules to each field: EINVAL for any
 *    invalid field (it wins over E2BIG), E2BIG when the payload is over
 *    CAP or over WIRE_MAX_PAYLOAD.  A NULL config or report is omitted.
 *    wire_encode_error takes a NULL message as empty and refuses one over
 *    WIRE_MAX_MESSAGE (format into char[WIRE_MAX_MESSAGE + 1] first).
 *  - The decoders set errno EPROTO on a refusal and ENOMEM (ERR "out of
 *    memory") when an allocation fails; *OUT is zeroed on failure, so
 *    wire_policy_free on it is harmless.  wire_decode_error's MESSAGE may
 *    be NULL; a short MSGLEN gets the start of the message.
 *  - wire_recv refuses a CAP under WIRE_HEADER_SIZE + WIRE_MAX_PAYLOAD
 *    (EINVAL), and any control message but SCM_RIGHTS: the caller must not
 *    set SO_PASSCRED, SO_PASSSEC or SO_PASSPIDFD on the socket.  A 0-byte
 *    packet counts as end of stream.  On error *NFDS is 0 and the slots of
 *    FDS it had filled are -1. */
#ifndef LANDSTRIP_PROTOCOL_H
#define LANDSTRIP_PROTOCOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WIRE_MAGIC 0x5254534cu /* "LSTR" in memory order */
#define WIRE_VERSION 4
#define WIRE_HEADER_SIZE 16
#define WIRE_MAX_PAYLOAD (64 * 1024)
#define WIRE_MAX_FDS 2

enum wire_type {
	WIRE_REGISTER = 1,
	WIRE_ACK = 2,
	WIRE_ERROR = 3,
	WIRE_CONNECT = 4,
	WIRE_CACHE_GET = 5,
	WIRE_CACHE_HIT = 6,
	WIRE_CACHE_MISS = 7,
	WIRE_CACHE_PUT = 8,
};

struct wire_header {
	uint32_t magic;
	uint16_t version;
	uint16_t type;
	uint32_t length;   /* payload bytes after the header */
	uint32_t reserved; /* must be 0 */
};

/* REGISTER payload: a sequence of (u16 tag, u16 length, value) records. */
enum wire_tag {
	WIRE_TAG_TOOL = 1,        /* string, 1..255 bytes, required */
	WIRE_TAG_PID = 2,         /* u32, required: the tool's pid */
	WIRE_TAG_FLAGS = 3,       /* u32, required: WIRE_FLAG_* */
	WIRE_TAG_PORT = 4,        /* u16 1..65535, at most 2: proxy ports */
	WIRE_TAG_UNIX_SOCKET = 5, /* absolute path, at most 256 */
	WIRE_TAG_WRITE_DIR = 6,   /* absolute path, at most 4096: dirs where
				     the tool may create files (sockets) */
	WIRE_TAG_CONFIG = 7,      /* string, optional: config origin for hints */
	WIRE_TAG_REPORT = 8,      /* "stderr", "none" or an absolute path */
	WIRE_TAG_WRITE_RULE = 9,  /* at most 4096: u8 kind (WIRE_RULE_*), u8
				     flags (WIRE_RULE_GLOB), u32 config
				     line, u16 label length, the label ("denyWrite
				     = .git/hooks", 1..255 bytes), then the
				     absolute normalised path or pattern */
	WIRE_TAG_MEDIATED_ROOT = 10, /* absolute path, at most 256: write
				     roots whose writes the supervisor performs */
};

enum wire_rule_kind {
	WIRE_RULE_ALLOW = 1,     /* allowWrite */
	WIRE_RULE_DENY = 2,      /* denyWrite, or denyRead (no write either) */
	WIRE_RULE_MANDATORY = 3, /* landstrip's own files: beats any allow */
	WIRE_RULE_READ_ALLOW = 4, /* allowRead, or a write root: readable */
	WIRE_RULE_READ_DENY = 5,  /* denyRead */
	WIRE_RULE_GRANTED = 6,    /* inside a mediated root, Landlock grants
				     it (a snapshot): the kernel decides */
};

#define WIRE_RULE_GLOB 1u /* the path is a pattern (config/glob.h) */
#define WIRE_RULE_DIR 2u  /* GRANTED: a whole directory, not one file */

enum wire_flag {
	WIRE_FLAG_LOCAL_BINDING = 1u << 0, /* allowLocalBinding = true */
	WIRE_FLAG_NETWORK = 1u << 1,       /* allowNetwork = true */
	WIRE_FLAG_MEDIATE_READS = 1u << 2, /* opens for reading in mediated
					      roots are decided too */
	WIRE_FLAG_DEBUG = 1u << 3,         /* --debug: the supervisor says
					      what the sandbox's calls cost */
};

#define WIRE_MAX_TOOL 255
#define WIRE_MAX_PATH 4095
#define WIRE_MAX_PORTS 2
#define WIRE_MAX_UNIX_SOCKETS 256
#define WIRE_MAX_WRITE_DIRS 4096
#define WIRE_MAX_MESSAGE 1024
#define WIRE_MAX_WRITE_RULES 4096
#define WIRE_MAX_LABEL 255
#define WIRE_MAX_MEDIATED_ROOTS 256

/* One write rule: what the supervisor decides mediated writes with. */
struct wire_write_rule {
	uint8_t kind;   /* enum wire_rule_kind */
	uint8_t flags;  /* WIRE_RULE_GLOB */
	uint32_t line;  /* in the config; 0 for built-in rules */
	char *label;    /* as the report shows it */
	char *path;     /* canonical path, or absolute pattern */
};

/* A decoded REGISTER.  Strings are NUL-terminated copies in its arena,
 * freed with it by wire_policy_free (a policy the shim builds by hand has
 * no arena and is never freed so). */
struct wire_policy {
	char *tool;
	uint32_t pid;
	uint32_t flags;
	uint16_t ports[WIRE_MAX_PORTS];
	size_t port_count;
	char **unix_sockets;
	size_t unix_socket_count;
	char **write_dirs;
	size_t write_dir_count;
	char *config; /* NULL when absent */
	char *report; /* NULL when absent (means "stderr") */
	struct wire_write_rule *write_rules;
	size_t write_rule_count;
	char **mediated_roots;
	size_t mediated_root_count;
	char *arena; /* decoded: every string above */
	size_t arena_used;
	size_t write_rule_cap; /* built by the shim: room in write_rules */
};

/* A directory lowering looked a name up in, or listed, as it was just
 * before: a change to its entries changes its ctime. */
struct wire_dep {
	uint64_t dev, ino;
	int64_t ctime_sec;
	uint32_t ctime_nsec;
	char *path; /* absolute */
};

#define WIRE_MAX_CACHE_KEY (32 * 1024)
#define WIRE_MAX_DEPS 256

/* A decoded CACHE_PUT.  Key and blob are 1..WIRE_MAX_CACHE_KEY and
 * 1..WIRE_MAX_PAYLOAD bytes, copies owned by it. */
struct wire_cache_put {
	unsigned char *key;
	size_t key_len;
	unsigned char *blob;
	size_t blob_len;
	struct wire_dep *deps;
	size_t dep_count;
};

/* CACHE_PUT payload: u32 key length, key, u32 blob length, blob, u32 dep
 * count, then per dep u64 dev, u64 ino, i64 ctime seconds, u32 ctime
 * nanoseconds (below 10^9), u16 path length, absolute path (no NUL).
 * Nothing may follow.  Same conventions as REGISTER: 0, or -1 with errno
 * E2BIG/EINVAL (encoder) or EPROTO/ENOMEM and ERR naming the field. */
int wire_encode_cache_put(const struct wire_cache_put *p, unsigned char *buf,
			  size_t cap);
int wire_decode_cache_put(const unsigned char *payload, size_t len,
			  struct wire_cache_put *out, char *err, size_t errlen);
void wire_cache_put_free(struct wire_cache_put *p);

/* Encoding: return the bytes written, or -1 with errno E2BIG when CAP is too
 * small or a field is over its bound (EINVAL). */
int wire_encode_header(unsigned char *buf, size_t cap, enum wire_type type,
		       size_t payload_length);
int wire_encode_register(const struct wire_policy *p, unsigned char *buf,
			 size_t cap);
int wire_encode_error(int err, const char *message, unsigned char *buf,
		      size_t cap);

/* Decoding: 0, or -1 with ERR naming the field ("length 70000 over 65536",
 * "tag 9: unknown", "PID: missing").  Nothing is left allocated on error. */
int wire_decode_header(const unsigned char *buf, size_t len,
		       struct wire_header *out, char *err, size_t errlen);
int wire_decode_register(const unsigned char *payload, size_t len,
			 struct wire_policy *out, char *err, size_t errlen);
int wire_decode_error(const unsigned char *payload, size_t len, int *errnum,
		      char *message, size_t msglen, char *err, size_t errlen);
void wire_policy_free(struct wire_policy *p);

/* Send one message with up to WIRE_MAX_FDS descriptors.  0 or -1/errno. */
int wire_send(int sock, enum wire_type type, const unsigned char *payload,
	      size_t len, const int *fds, size_t nfds);

/* Receive one message into BUF (header + payload, CAP >= WIRE_HEADER_SIZE +
 * WIRE_MAX_PAYLOAD), waiting at most TIMEOUT_MS (-1: forever).  Received
 * descriptors (MSG_CMSG_CLOEXEC) go to FDS, their count to *NFDS; any beyond
 * MAXFDS, a truncated packet or truncated control data is an error, and
 * every received fd is closed on error.  On success *HDR is decoded and
 * checked, and the payload starts at BUF + WIRE_HEADER_SIZE.  Returns 0,
 * or -1 with ERR set (errno ETIMEDOUT, ECONNRESET on end of stream,
 * EPROTO on a malformed message). */
int wire_recv(int sock, unsigned char *buf, size_t cap, struct wire_header *hdr,
	      int *fds, size_t maxfds, size_t *nfds, int timeout_ms, char *err,
	      size_t errlen);

/* The mediation probe: listen(MEDIATION_PROBE_FD, MEDIATION_PROBE_MAGIC)
 * fails with EBADF from the kernel, EACCES from a static filter, and
 * MEDIATION_PROBE_ERRNO from a supervisor.  A nested shim uses it to learn
 * whether an enclosing supervisor checks its listen and connect calls. */
#define MEDIATION_PROBE_FD (-2)
#define MEDIATION_PROBE_MAGIC 0x4c535452u
#define MEDIATION_PROBE_ERRNO 10 /* ECHILD: nothing else says that here */
/* The same, from a supervisor that also performs the sandbox's writes in
 * mediated roots: a nested shim must then register its write rules. */
#define MEDIATION_PROBE_ERRNO_WRITES 51 /* EL2HLT: likewise unused */

#endif
