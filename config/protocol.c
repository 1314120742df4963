/* The wire protocol between landstrip-exec and landstrip-supervisor: see
 * protocol.h for the format and the decisions taken on it.
 *
 * Decoding is two passes over the payload.  The first validates every
 * record and counts them without allocating anything, so that a refusal
 * never has anything to undo; the second copies the values, and can fail
 * only for lack of memory.  The encoder checks each value with the same
 * function as the decoder, so that the two never disagree on what is
 * valid.
 *
 * Allocation is plain malloc, not diag.h's x*alloc: the supervisor must
 * survive a failed allocation and answer ENOMEM rather than die with every
 * other sandbox it mediates. */
#include "protocol.h"
#include "paths.h"

#include "diag.h"
#include "glob.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

_Static_assert(sizeof(struct wire_header) == WIRE_HEADER_SIZE,
	       "struct wire_header must match the 16 bytes on the wire");

#define TLV_HEADER_SIZE 4 /* u16 tag, u16 length */
#define WIRE_MAX_ERRNO 4095
#define ERROR_ERRNO_SIZE 4

/* SCM_MAX_FD, the most descriptors one sendmsg can carry.  With room for
 * all of them the kernel never drops one we could not see, so an excess
 * is counted and reported exactly, and every one of them is closed. */
#define RECV_FD_ROOM 253

/* --- bytes: header and records are unaligned, in host order ------------ */

static uint16_t get16(const unsigned char *p)
{
	uint16_t v;
	memcpy(&v, p, sizeof v);
	return v;
}

static uint32_t get32(const unsigned char *p)
{
	uint32_t v;
	memcpy(&v, p, sizeof v);
	return v;
}

static void put16(unsigned char *p, uint16_t v)
{
	memcpy(p, &v, sizeof v);
}

static void put32(unsigned char *p, uint32_t v)
{
	memcpy(p, &v, sizeof v);
}

/* --- the rules for each REGISTER tag ----------------------------------- */

enum value_kind {
	V_PID,    /* u32, 1..INT_MAX: it becomes a pid_t */
	V_FLAGS,  /* u32, WIRE_FLAG_* bits only */
	V_PORT,   /* u16, 1..65535 */
	V_STRING, /* 1..max_len bytes, no NUL */
	V_PATH,   /* a string that is an absolute, normalised path */
	V_REPORT, /* "stderr", "none" or an absolute path */
	V_WRITE_RULE, /* kind, flags, line, label, path: see protocol.h */
};

struct tag_rule {
	const char *name; /* NULL: not a tag */
	enum value_kind kind;
	size_t max_len; /* strings */
	size_t max_count;
	bool required;
};

static const struct tag_rule tag_rules[] = {
	[WIRE_TAG_TOOL] = {"TOOL", V_STRING, WIRE_MAX_TOOL, 1, true},
	[WIRE_TAG_PID] = {"PID", V_PID, 0, 1, true},
	[WIRE_TAG_FLAGS] = {"FLAGS", V_FLAGS, 0, 1, true},
	[WIRE_TAG_PORT] = {"PORT", V_PORT, 0, WIRE_MAX_PORTS, false},
	[WIRE_TAG_UNIX_SOCKET] = {"UNIX_SOCKET", V_PATH, WIRE_MAX_PATH,
				  WIRE_MAX_UNIX_SOCKETS, false},
	[WIRE_TAG_WRITE_DIR] = {"WRITE_DIR", V_PATH, WIRE_MAX_PATH,
				WIRE_MAX_WRITE_DIRS, false},
	[WIRE_TAG_CONFIG] = {"CONFIG", V_STRING, WIRE_MAX_PATH, 1, false},
	[WIRE_TAG_REPORT] = {"REPORT", V_REPORT, WIRE_MAX_PATH, 1, false},
	[WIRE_TAG_WRITE_RULE] = {"WRITE_RULE", V_WRITE_RULE, WIRE_MAX_PATH,
				 WIRE_MAX_WRITE_RULES, false},
	[WIRE_TAG_MEDIATED_ROOT] = {"MEDIATED_ROOT", V_PATH, WIRE_MAX_PATH,
				    WIRE_MAX_MEDIATED_ROOTS, false},
};

#define TAG_LIMIT (sizeof tag_rules / sizeof tag_rules[0])

static const struct tag_rule *rule_for(uint16_t tag)
{
	if (tag >= TAG_LIMIT || !tag_rules[tag].name)
		return NULL;
	return &tag_rules[tag];
}

/* --- value checks, shared by the encoder and the decoder --------------- */

static int check_size(const struct tag_rule *r, size_t len, size_t want,
		      char *err, size_t errlen)
{
	if (len == want)
		return 0;
	format_error(err, errlen, "%s: length %zu, want %zu", r->name, len,
		     want);
	return -1;
}

static int check_string(const struct tag_rule *r, const unsigned char *v,
			size_t len, char *err, size_t errlen)
{
	if (len == 0) {
		format_error(err, errlen, "%s: empty", r->name);
		return -1;
	}
	if (len > r->max_len) {
		format_error(err, errlen, "%s: %zu bytes over %zu", r->name, len,
			     r->max_len);
		return -1;
	}
	/* The copy is used as a C string: a NUL would silently cut it. */
	const unsigned char *nul = memchr(v, '\0', len);
	if (nul) {
		format_error(err, errlen, "%s: NUL byte at offset %zu", r->name,
			     (size_t)(nul - v));
		return -1;
	}
	return 0;
}

static int check_path(const struct tag_rule *r, const unsigned char *v,
		      size_t len, char *err, size_t errlen)
{
	if (check_string(r, v, len, err, errlen) < 0)
		return -1;
	if (v[0] != '/') {
		format_error(err, errlen, "%s: not an absolute path", r->name);
		return -1;
	}
	/* As path_normalize leaves it, so that the supervisor's string
	 * comparisons (path_within) mean what they say. */
	if (!path_components_plain((const char *)v, len)) {
		format_error(err, errlen,
			     "%s: not a normalised path (empty, . or .. "
			     "component, or trailing /)",
			     r->name);
		return -1;
	}
	return 0;
}

static bool bytes_are(const unsigned char *v, size_t len, const char *s)
{
	return len == strlen(s) && memcmp(v, s, len) == 0;
}

/* The path itself is only opened by the shim, which wrote it: absolute is
 * enough (config/keys.c accepts it as written). */
static int check_report(const struct tag_rule *r, const unsigned char *v,
			size_t len, char *err, size_t errlen)
{
	if (check_string(r, v, len, err, errlen) < 0)
		return -1;
	if (bytes_are(v, len, "stderr") || bytes_are(v, len, "none") ||
	    v[0] == '/')
		return 0;
	format_error(err, errlen, "%s: want stderr, none or an absolute path",
		     r->name);
	return -1;
}

static int check_pid(const struct tag_rule *r, const unsigned char *v,
		     size_t len, char *err, size_t errlen)
{
	if (check_size(r, len, 4, err, errlen) < 0)
		return -1;
	uint32_t pid = get32(v);
	if (pid == 0 || pid > INT_MAX) {
		format_error(err, errlen, "%s: %" PRIu32 " out of range 1..%d",
			     r->name, pid, INT_MAX);
		return -1;
	}
	return 0;
}

static int check_flags(const struct tag_rule *r, const unsigned char *v,
		       size_t len, char *err, size_t errlen)
{
	if (check_size(r, len, 4, err, errlen) < 0)
		return -1;
	/* A bit we do not know may be a restriction we would not apply. */
	uint32_t unknown = get32(v) & ~(uint32_t)(WIRE_FLAG_LOCAL_BINDING |
						  WIRE_FLAG_NETWORK |
						  WIRE_FLAG_MEDIATE_READS |
						  WIRE_FLAG_DEBUG);
	if (unknown) {
		format_error(err, errlen, "%s: unknown bits %#" PRIx32, r->name,
			     unknown);
		return -1;
	}
	return 0;
}

static int check_port(const struct tag_rule *r, const unsigned char *v,
		      size_t len, char *err, size_t errlen)
{
	if (check_size(r, len, 2, err, errlen) < 0)
		return -1;
	if (get16(v) == 0) {
		format_error(err, errlen, "%s: 0 out of range 1..65535",
			     r->name);
		return -1;
	}
	return 0;
}

/* u8 kind, u8 flags, u32 line, u16 label length: then label, then path. */
#define RULE_FIXED 8

static int check_write_rule(const struct tag_rule *r, const unsigned char *v,
			    size_t len, char *err, size_t errlen)
{
	if (len < RULE_FIXED) {
		format_error(err, errlen, "%s: length %zu under %d", r->name,
			     len, RULE_FIXED);
		return -1;
	}
	unsigned allowed_flags = v[0] == WIRE_RULE_GRANTED ? WIRE_RULE_DIR
							   : WIRE_RULE_GLOB;
	if (v[0] < WIRE_RULE_ALLOW || v[0] > WIRE_RULE_GRANTED ||
	    (v[1] & ~allowed_flags) || get32(v + 2) > INT_MAX) {
		format_error(err, errlen, "%s: bad kind, flags or line",
			     r->name);
		return -1;
	}
	size_t label = get16(v + 6);
	const struct tag_rule label_rule = {"WRITE_RULE label", V_STRING,
					    WIRE_MAX_LABEL, 1, false};
	if (label > len - RULE_FIXED) {
		format_error(err, errlen, "%s: label past the end", r->name);
		return -1;
	}
	const unsigned char *path = v + RULE_FIXED + label;
	size_t path_len = len - RULE_FIXED - label;
	const struct tag_rule path_rule = {"WRITE_RULE path", V_PATH,
					   WIRE_MAX_PATH, 1, false};
	if (check_string(&label_rule, v + RULE_FIXED, label, err, errlen) < 0 ||
	    check_path(&path_rule, path, path_len, err, errlen) < 0)
		return -1;
	if (v[1] & WIRE_RULE_GLOB) {
		char pattern[WIRE_MAX_PATH + 1], why[128];
		memcpy(pattern, path, path_len);
		pattern[path_len] = '\0';
		if (glob_check(pattern, why, sizeof why) < 0) {
			format_error(err, errlen, "%s: %s", r->name, why);
			return -1;
		}
	}
	return 0;
}

static int check_value(const struct tag_rule *r, const unsigned char *v,
		       size_t len, char *err, size_t errlen)
{
	switch (r->kind) {
	case V_PID:
		return check_pid(r, v, len, err, errlen);
	case V_FLAGS:
		return check_flags(r, v, len, err, errlen);
	case V_PORT:
		return check_port(r, v, len, err, errlen);
	case V_STRING:
		return check_string(r, v, len, err, errlen);
	case V_PATH:
		return check_path(r, v, len, err, errlen);
	case V_REPORT:
		return check_report(r, v, len, err, errlen);
	case V_WRITE_RULE:
		return check_write_rule(r, v, len, err, errlen);
	}
	format_error(err, errlen, "%s: no rule", r->name);
	return -1;
}

/* --- header ------------------------------------------------------------ */

static bool type_known(unsigned type)
{
	return type >= WIRE_REGISTER && type <= WIRE_CACHE_PUT;
}

/* ACK, CONNECT and CACHE_MISS have nothing to say but their type: bytes after them
 * would be a message nobody reads. */
static bool type_is_empty(unsigned type)
{
	return type == WIRE_ACK || type == WIRE_CONNECT ||
	       type == WIRE_CACHE_MISS;
}

static const char *type_name(unsigned type)
{
	switch (type) {
	case WIRE_REGISTER:
		return "REGISTER";
	case WIRE_ACK:
		return "ACK";
	case WIRE_ERROR:
		return "ERROR";
	case WIRE_CONNECT:
		return "CONNECT";
	case WIRE_CACHE_GET:
		return "CACHE_GET";
	case WIRE_CACHE_HIT:
		return "CACHE_HIT";
	case WIRE_CACHE_MISS:
		return "CACHE_MISS";
	case WIRE_CACHE_PUT:
		return "CACHE_PUT";
	}
	return "?";
}

int wire_encode_header(unsigned char *buf, size_t cap, enum wire_type type,
		       size_t payload_length)
{
	if (!type_known(type) || payload_length > WIRE_MAX_PAYLOAD ||
	    (type_is_empty(type) && payload_length != 0)) {
		errno = EINVAL;
		return -1;
	}
	if (cap < WIRE_HEADER_SIZE) {
		errno = E2BIG;
		return -1;
	}
	put32(buf, WIRE_MAGIC);
	put16(buf + 4, WIRE_VERSION);
	put16(buf + 6, (uint16_t)type);
	put32(buf + 8, (uint32_t)payload_length);
	put32(buf + 12, 0);
	return WIRE_HEADER_SIZE;
}

/* The first thing wrong with header H of a LEN-byte packet, in ERR. */
static bool header_problem(const struct wire_header *h, size_t len, char *err,
			   size_t errlen)
{
	size_t received = len - WIRE_HEADER_SIZE;
	if (h->magic != WIRE_MAGIC)
		format_error(err, errlen, "magic %#" PRIx32 ", want %#x",
			     h->magic, WIRE_MAGIC);
	else if (h->version != WIRE_VERSION)
		format_error(err, errlen, "version %u, want %d", h->version,
			     WIRE_VERSION);
	else if (!type_known(h->type))
		format_error(err, errlen, "type %u: unknown", h->type);
	else if (h->reserved != 0)
		format_error(err, errlen, "reserved %#" PRIx32 ", want 0",
			     h->reserved);
	else if (h->length > WIRE_MAX_PAYLOAD)
		format_error(err, errlen, "length %" PRIu32 " over %d",
			     h->length, WIRE_MAX_PAYLOAD);
	else if (h->length != received)
		format_error(err, errlen,
			     "length %" PRIu32 ", but %zu payload bytes "
			     "received",
			     h->length, received);
	else if (type_is_empty(h->type) && h->length != 0)
		format_error(err, errlen, "length %" PRIu32 ", want 0 for %s",
			     h->length, type_name(h->type));
	else
		return false;
	return true;
}

int wire_decode_header(const unsigned char *buf, size_t len,
		       struct wire_header *out, char *err, size_t errlen)
{
	if (len < WIRE_HEADER_SIZE) {
		format_error(err, errlen, "header: %zu bytes, want %d", len,
			     WIRE_HEADER_SIZE);
		errno = EPROTO;
		return -1;
	}
	struct wire_header h = {
		.magic = get32(buf),
		.version = get16(buf + 4),
		.type = get16(buf + 6),
		.length = get32(buf + 8),
		.reserved = get32(buf + 12),
	};
	if (header_problem(&h, len, err, errlen)) {
		errno = EPROTO;
		return -1;
	}
	*out = h;
	return 0;
}

/* --- REGISTER: records ------------------------------------------------- */

struct tlv_cursor {
	const unsigned char *p;
	size_t len;
	size_t off;
};

struct tlv {
	uint16_t tag;
	const unsigned char *value;
	size_t len;
};

static const char *tag_label(uint16_t tag, char *buf, size_t buflen)
{
	const struct tag_rule *r = rule_for(tag);
	if (r)
		return r->name;
	format_error(buf, buflen, "tag %u", tag);
	return buf;
}

/* The next record: 1, 0 at the exact end of the payload, or -1 when what
 * is left is not a whole record (the records must fill the payload). */
static int next_tlv(struct tlv_cursor *c, struct tlv *t, char *err,
		    size_t errlen)
{
	size_t left = c->len - c->off;
	if (left == 0)
		return 0;
	if (left < TLV_HEADER_SIZE) {
		format_error(err, errlen,
			     "record at offset %zu: %zu bytes, too short for "
			     "a tag and a length",
			     c->off, left);
		return -1;
	}
	t->tag = get16(c->p + c->off);
	t->len = get16(c->p + c->off + 2);
	if (t->len > left - TLV_HEADER_SIZE) {
		char label[32];
		format_error(err, errlen,
			     "%s at offset %zu: length %zu past the end of the "
			     "payload",
			     tag_label(t->tag, label, sizeof label), c->off,
			     t->len);
		return -1;
	}
	t->value = c->p + c->off + TLV_HEADER_SIZE;
	c->off += TLV_HEADER_SIZE + t->len;
	return 1;
}

static int check_count(const struct tag_rule *r, size_t count, char *err,
		       size_t errlen)
{
	if (count <= r->max_count)
		return 0;
	if (r->max_count == 1)
		format_error(err, errlen, "%s: repeated", r->name);
	else
		format_error(err, errlen, "%s: more than %zu", r->name,
			     r->max_count);
	return -1;
}

static int check_required(const size_t counts[TAG_LIMIT], char *err,
			   size_t errlen)
{
	for (size_t tag = 0; tag < TAG_LIMIT; tag++) {
		const struct tag_rule *r = rule_for((uint16_t)tag);
		if (r && r->required && counts[tag] == 0) {
			format_error(err, errlen, "%s: missing", r->name);
			return -1;
		}
	}
	return 0;
}

/* Pass 1: every record valid, counts within bounds, required tags there.
 * Allocates nothing. */
static int validate_register(const unsigned char *payload, size_t len,
			     size_t counts[TAG_LIMIT], char *err, size_t errlen)
{
	struct tlv_cursor c = {payload, len, 0};
	struct tlv t;
	int more;
	while ((more = next_tlv(&c, &t, err, errlen)) > 0) {
		const struct tag_rule *r = rule_for(t.tag);
		if (!r) {
			format_error(err, errlen, "tag %u: unknown", t.tag);
			return -1;
		}
		if (check_count(r, ++counts[t.tag], err, errlen) < 0 ||
		    check_value(r, t.value, t.len, err, errlen) < 0)
			return -1;
	}
	if (more < 0)
		return -1;
	return check_required(counts, err, errlen);
}

/* Strings are copied into the policy's one arena (p->arena), sized by
 * fill_policy: a REGISTER of the embedded default holds some sixty rules,
 * and a malloc for each of their strings was most of a per-tool
 * supervisor's decode, which the tool's start waits for. */
static char *copy_string(struct wire_policy *p, const unsigned char *v,
			 size_t len)
{
	char *s = p->arena + p->arena_used;
	memcpy(s, v, len);
	s[len] = '\0';
	p->arena_used += len + 1;
	return s;
}

static void append_string(struct wire_policy *p, char **list,
			  size_t *count, const struct tlv *t)
{
	list[(*count)++] = copy_string(p, t->value, t->len);
}

static void store_write_rule(struct wire_policy *p, const struct tlv *t)
{
	const unsigned char *v = t->value;
	size_t label = get16(v + 6);
	struct wire_write_rule *r = &p->write_rules[p->write_rule_count++];
	r->kind = v[0];
	r->flags = v[1];
	r->line = get32(v + 2);
	r->label = copy_string(p, v + RULE_FIXED, label);
	r->path = copy_string(p, v + RULE_FIXED + label,
			      t->len - RULE_FIXED - label);
}

/* Store one record that pass 1 accepted (into lists and an arena that
 * fill_policy sized: nothing here can fail). */
static void store_value(struct wire_policy *p, const struct tlv *t)
{
	switch (t->tag) {
	case WIRE_TAG_TOOL:
		p->tool = copy_string(p, t->value, t->len);
		break;
	case WIRE_TAG_PID:
		p->pid = get32(t->value);
		break;
	case WIRE_TAG_FLAGS:
		p->flags = get32(t->value);
		break;
	case WIRE_TAG_PORT:
		p->ports[p->port_count++] = get16(t->value);
		break;
	case WIRE_TAG_UNIX_SOCKET:
		append_string(p, p->unix_sockets, &p->unix_socket_count, t);
		break;
	case WIRE_TAG_WRITE_DIR:
		append_string(p, p->write_dirs, &p->write_dir_count, t);
		break;
	case WIRE_TAG_CONFIG:
		p->config = copy_string(p, t->value, t->len);
		break;
	case WIRE_TAG_REPORT:
		p->report = copy_string(p, t->value, t->len);
		break;
	case WIRE_TAG_WRITE_RULE:
		store_write_rule(p, t);
		break;
	case WIRE_TAG_MEDIATED_ROOT:
		append_string(p, p->mediated_roots, &p->mediated_root_count, t);
		break;
	} /* pass 1 refused every other tag */
}

/* Pass 2: copy what pass 1 validated.  Lists are sized from its counts. */
static int fill_policy(const unsigned char *payload, size_t len,
		       const size_t counts[TAG_LIMIT], struct wire_policy *p)
{
	size_t n_unix = counts[WIRE_TAG_UNIX_SOCKET];
	size_t n_dirs = counts[WIRE_TAG_WRITE_DIR];
	size_t n_rules = counts[WIRE_TAG_WRITE_RULE];
	size_t n_roots = counts[WIRE_TAG_MEDIATED_ROOT];
	/* Every string comes from a record of at least its length plus a
	 * 4-byte header, so LEN bytes hold them all with their NULs. */
	if (!(p->arena = malloc(len + 1)) ||
	    (n_unix && !(p->unix_sockets = calloc(n_unix, sizeof(char *)))) ||
	    (n_dirs && !(p->write_dirs = calloc(n_dirs, sizeof(char *)))) ||
	    (n_rules && !(p->write_rules = calloc(n_rules,
						  sizeof *p->write_rules))) ||
	    (n_roots && !(p->mediated_roots = calloc(n_roots,
						     sizeof(char *)))))
		return -1;
	struct tlv_cursor c = {payload, len, 0};
	struct tlv t;
	while (next_tlv(&c, &t, NULL, 0) > 0)
		store_value(p, &t);
	return 0;
}

int wire_decode_register(const unsigned char *payload, size_t len,
			 struct wire_policy *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	size_t counts[TAG_LIMIT] = {0};
	if (len > WIRE_MAX_PAYLOAD) {
		format_error(err, errlen, "length %zu over %d", len,
			     WIRE_MAX_PAYLOAD);
		errno = EPROTO;
		return -1;
	}
	if (validate_register(payload, len, counts, err, errlen) < 0) {
		errno = EPROTO;
		return -1;
	}
	if (fill_policy(payload, len, counts, out) < 0) {
		wire_policy_free(out);
		format_error(err, errlen, "out of memory");
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

void wire_policy_free(struct wire_policy *p)
{
	if (!p)
		return;
	free(p->unix_sockets);
	free(p->write_dirs);
	free(p->write_rules);
	free(p->mediated_roots);
	free(p->arena); /* every string */
	memset(p, 0, sizeof *p);
}

/* --- REGISTER: encoding ------------------------------------------------ */

/* Records are appended while they fit; LEN keeps counting past CAP so that
 * an invalid field is reported as EINVAL wherever it comes, before E2BIG. */
struct out_buf {
	unsigned char *p;
	size_t cap;
	size_t len;
	bool invalid;
};

static void put_tlv(struct out_buf *b, uint16_t tag, const void *value,
		    size_t len)
{
	if (check_value(rule_for(tag), value, len, NULL, 0) < 0) {
		b->invalid = true;
		return;
	}
	size_t need = TLV_HEADER_SIZE + len;
	if (b->len <= b->cap && need <= b->cap - b->len) {
		put16(b->p + b->len, tag);
		put16(b->p + b->len + 2, (uint16_t)len);
		memcpy(b->p + b->len + TLV_HEADER_SIZE, value, len);
	}
	b->len += need;
}

static void put_u32(struct out_buf *b, uint16_t tag, uint32_t v)
{
	unsigned char raw[4];
	put32(raw, v);
	put_tlv(b, tag, raw, sizeof raw);
}

static void put_u16(struct out_buf *b, uint16_t tag, uint16_t v)
{
	unsigned char raw[2];
	put16(raw, v);
	put_tlv(b, tag, raw, sizeof raw);
}

static void put_string(struct out_buf *b, uint16_t tag, const char *s)
{
	if (!s) {
		b->invalid = true;
		return;
	}
	put_tlv(b, tag, s, strlen(s));
}

static void put_list(struct out_buf *b, uint16_t tag, char *const *list,
		     size_t count)
{
	if (count > rule_for(tag)->max_count || (count && !list)) {
		b->invalid = true;
		return;
	}
	for (size_t i = 0; i < count; i++)
		put_string(b, tag, list[i]);
}

static void put_write_rules(struct out_buf *b,
			    const struct wire_write_rule *rules, size_t count)
{
	if (count > WIRE_MAX_WRITE_RULES || (count && !rules)) {
		b->invalid = true;
		return;
	}
	static unsigned char raw[RULE_FIXED + WIRE_MAX_LABEL + WIRE_MAX_PATH + 2];
	for (size_t i = 0; i < count; i++) {
		const struct wire_write_rule *r = &rules[i];
		size_t label = r->label ? strlen(r->label) : 0;
		size_t path = r->path ? strlen(r->path) : 0;
		if (!r->label || !r->path || label > WIRE_MAX_LABEL ||
		    path > WIRE_MAX_PATH) {
			b->invalid = true;
			return;
		}
		raw[0] = r->kind;
		raw[1] = r->flags;
		put32(raw + 2, r->line);
		put16(raw + 6, (uint16_t)label);
		memcpy(raw + RULE_FIXED, r->label, label);
		memcpy(raw + RULE_FIXED + label, r->path, path);
		put_tlv(b, WIRE_TAG_WRITE_RULE, raw, RULE_FIXED + label + path);
	}
}

int wire_encode_register(const struct wire_policy *p, unsigned char *buf,
			 size_t cap)
{
	/* A payload over the packet limit does not fit whatever CAP is. */
	struct out_buf b = {buf, cap < WIRE_MAX_PAYLOAD ? cap : WIRE_MAX_PAYLOAD,
			    0, false};
	put_string(&b, WIRE_TAG_TOOL, p->tool);
	put_u32(&b, WIRE_TAG_PID, p->pid);
	put_u32(&b, WIRE_TAG_FLAGS, p->flags);
	if (p->port_count > WIRE_MAX_PORTS)
		b.invalid = true;
	for (size_t i = 0; i < p->port_count && i < WIRE_MAX_PORTS; i++)
		put_u16(&b, WIRE_TAG_PORT, p->ports[i]);
	put_list(&b, WIRE_TAG_UNIX_SOCKET, p->unix_sockets,
		 p->unix_socket_count);
	put_list(&b, WIRE_TAG_WRITE_DIR, p->write_dirs, p->write_dir_count);
	put_write_rules(&b, p->write_rules, p->write_rule_count);
	put_list(&b, WIRE_TAG_MEDIATED_ROOT, p->mediated_roots,
		 p->mediated_root_count);
	if (p->config)
		put_string(&b, WIRE_TAG_CONFIG, p->config);
	if (p->report)
		put_string(&b, WIRE_TAG_REPORT, p->report);
	if (b.invalid) {
		errno = EINVAL;
		return -1;
	}
	if (b.len > b.cap) {
		errno = E2BIG;
		return -1;
	}
	return (int)b.len;
}

/* --- ERROR ------------------------------------------------------------- */

int wire_encode_error(int err, const char *message, unsigned char *buf,
		      size_t cap)
{
	size_t len = message ? strlen(message) : 0;
	if (err < 1 || err > WIRE_MAX_ERRNO || len > WIRE_MAX_MESSAGE) {
		errno = EINVAL;
		return -1;
	}
	if (cap < ERROR_ERRNO_SIZE + len) {
		errno = E2BIG;
		return -1;
	}
	put32(buf, (uint32_t)err);
	if (len)
		memcpy(buf + ERROR_ERRNO_SIZE, message, len);
	return (int)(ERROR_ERRNO_SIZE + len);
}

static int check_error_payload(const unsigned char *payload, size_t len,
			       char *err, size_t errlen)
{
	if (len < ERROR_ERRNO_SIZE) {
		format_error(err, errlen, "errno: %zu bytes, want %d", len,
			     ERROR_ERRNO_SIZE);
		return -1;
	}
	uint32_t e = get32(payload);
	if (e < 1 || e > WIRE_MAX_ERRNO) {
		format_error(err, errlen, "errno %" PRIu32 " out of range 1..%d",
			     e, WIRE_MAX_ERRNO);
		return -1;
	}
	size_t n = len - ERROR_ERRNO_SIZE;
	if (n > WIRE_MAX_MESSAGE) {
		format_error(err, errlen, "message: %zu bytes over %d", n,
			     WIRE_MAX_MESSAGE);
		return -1;
	}
	const unsigned char *nul = memchr(payload + ERROR_ERRNO_SIZE, '\0', n);
	if (nul) {
		format_error(err, errlen, "message: NUL byte at offset %zu",
			     (size_t)(nul - payload - ERROR_ERRNO_SIZE));
		return -1;
	}
	return 0;
}

int wire_decode_error(const unsigned char *payload, size_t len, int *errnum,
		      char *message, size_t msglen, char *err, size_t errlen)
{
	if (check_error_payload(payload, len, err, errlen) < 0) {
		errno = EPROTO;
		return -1;
	}
	*errnum = (int)get32(payload);
	if (message && msglen) {
		/* Only for display: a short buffer gets the start of it. */
		size_t n = len - ERROR_ERRNO_SIZE;
		if (n > msglen - 1)
			n = msglen - 1;
		memcpy(message, payload + ERROR_ERRNO_SIZE, n);
		message[n] = '\0';
	}
	return 0;
}

/* --- sockets ----------------------------------------------------------- */

int wire_send(int sock, enum wire_type type, const unsigned char *payload,
	      size_t len, const int *fds, size_t nfds)
{
	if (nfds > WIRE_MAX_FDS || (len && !payload) || (nfds && !fds)) {
		errno = EINVAL;
		return -1;
	}
	unsigned char hdr[WIRE_HEADER_SIZE];
	if (wire_encode_header(hdr, sizeof hdr, type, len) < 0)
		return -1;
	/* Two iovecs, one packet: SOCK_SEQPACKET keeps the boundary. */
	struct iovec iov[2] = {{hdr, sizeof hdr}, {(void *)payload, len}};
	struct msghdr msg = {.msg_iov = iov, .msg_iovlen = len ? 2 : 1};
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int) * WIRE_MAX_FDS)];
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
	ssize_t n;
	do
		/* MSG_NOSIGNAL: a peer gone is EPIPE, not a SIGPIPE that
		 * kills the supervisor and every sandbox with it. */
		n = sendmsg(sock, &msg, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	if ((size_t)n != sizeof hdr + len) { /* not on SOCK_SEQPACKET */
		errno = EMSGSIZE;
		return -1;
	}
	return 0;
}

/* Milliseconds left until DEADLINE, 0 when past; -1 (forever) stays -1. */
static int remaining_ms(int timeout_ms, const struct timespec *deadline)
{
	if (timeout_ms < 0)
		return -1;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	long long ms = (long long)(deadline->tv_sec - now.tv_sec) * 1000 +
		       (deadline->tv_nsec - now.tv_nsec) / 1000000;
	return ms <= 0 ? 0 : ms > INT_MAX ? INT_MAX : (int)ms;
}

/* Wait until SOCK is readable (or hung up: recvmsg then says so).  A
 * signal does not restart the full timeout. */
static int wait_readable(int sock, int timeout_ms,
			 const struct timespec *deadline, char *err,
			 size_t errlen)
{
	for (;;) {
		struct pollfd pfd = {.fd = sock, .events = POLLIN};
		int r = poll(&pfd, 1, remaining_ms(timeout_ms, deadline));
		if (r > 0)
			return 0;
		if (r == 0) {
			format_error(err, errlen, "no message within %d ms",
				     timeout_ms);
			errno = ETIMEDOUT;
			return -1;
		}
		if (errno != EINTR) {
			int e = errno;
			format_error(err, errlen, "poll: %s", strerror(e));
			errno = e;
			return -1;
		}
	}
}

/* One packet, waiting at most until DEADLINE.  MSG_DONTWAIT: another
 * reader may have taken the packet poll saw, and we must not then block
 * past the deadline. */
static ssize_t recv_packet(int sock, struct msghdr *msg, int timeout_ms,
			   const struct timespec *deadline, char *err,
			   size_t errlen)
{
	size_t controllen = msg->msg_controllen;
	for (;;) {
		if (wait_readable(sock, timeout_ms, deadline, err, errlen) < 0)
			return -1;
		msg->msg_controllen = controllen;
		ssize_t n = recvmsg(sock, msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
		if (n >= 0)
			return n;
		if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK) {
			int e = errno;
			format_error(err, errlen, "recvmsg: %s", strerror(e));
			errno = e;
			return -1;
		}
	}
}

/* What the control data held.  Every descriptor is either in FDS (the
 * first MAXFDS) or already closed. */
struct received_fds {
	size_t count; /* all SCM_RIGHTS descriptors, kept or closed */
	bool malformed;
	int bad_level, bad_type; /* the first unexpected message */
	bool unexpected;
};

static void take_fds(const struct cmsghdr *c, int *fds, size_t maxfds,
		     struct received_fds *r)
{
	size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
	const unsigned char *data = CMSG_DATA(c);
	for (size_t i = 0; i < n; i++, r->count++) {
		int fd;
		memcpy(&fd, data + i * sizeof(int), sizeof fd);
		if (r->count < maxfds)
			fds[r->count] = fd;
		else
			close(fd);
	}
}

/* Walk every control message, checking each length against the buffer
 * before trusting it: whatever else is wrong, no descriptor is lost. */
static void walk_control(struct msghdr *msg, int *fds, size_t maxfds,
			 struct received_fds *r)
{
	const char *end = (const char *)msg->msg_control + msg->msg_controllen;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c;
	     c = CMSG_NXTHDR(msg, c)) {
		if (c->cmsg_len < CMSG_LEN(0) ||
		    c->cmsg_len > (size_t)(end - (const char *)c)) {
			r->malformed = true;
			return;
		}
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
			if ((c->cmsg_len - CMSG_LEN(0)) % sizeof(int))
				r->malformed = true;
			take_fds(c, fds, maxfds, r);
		} else if (!r->unexpected) {
			r->unexpected = true;
			r->bad_level = c->cmsg_level;
			r->bad_type = c->cmsg_type;
		}
	}
}

/* The first thing wrong with a received packet, in ERR; 0 if nothing. */
static int packet_problem(ssize_t n, const struct msghdr *msg,
			  const struct received_fds *r, size_t cap,
			  size_t maxfds, char *err, size_t errlen)
{
	if (n == 0) {
		/* End of stream; a 0-byte packet is no message either. */
		format_error(err, errlen, "connection closed by peer");
		return ECONNRESET;
	}
	if (msg->msg_flags & MSG_TRUNC)
		format_error(err, errlen, "packet over %zu bytes, truncated",
			     cap);
	else if (msg->msg_flags & MSG_CTRUNC)
		format_error(err, errlen, "control data truncated");
	else if (r->malformed)
		format_error(err, errlen, "malformed control message");
	else if (r->unexpected)
		format_error(err, errlen,
			     "unexpected control message (level %d, type %d)",
			     r->bad_level, r->bad_type);
	else if (r->count > maxfds)
		format_error(err, errlen, "%zu descriptors, at most %zu",
			     r->count, maxfds);
	else
		return 0;
	return EPROTO;
}

static void close_kept(int *fds, size_t kept)
{
	for (size_t i = 0; i < kept; i++) {
		close(fds[i]);
		fds[i] = -1;
	}
}

int wire_recv(int sock, unsigned char *buf, size_t cap, struct wire_header *hdr,
	      int *fds, size_t maxfds, size_t *nfds, int timeout_ms, char *err,
	      size_t errlen)
{
	*nfds = 0;
	if (cap < WIRE_HEADER_SIZE + WIRE_MAX_PAYLOAD || (maxfds && !fds)) {
		format_error(err, errlen, "receive buffer of %zu bytes, want %d",
			     cap, WIRE_HEADER_SIZE + WIRE_MAX_PAYLOAD);
		errno = EINVAL;
		return -1;
	}
	struct timespec deadline;
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	if (timeout_ms > 0) {
		deadline.tv_sec += timeout_ms / 1000;
		deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000;
		if (deadline.tv_nsec >= 1000000000) {
			deadline.tv_sec++;
			deadline.tv_nsec -= 1000000000;
		}
	}
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int) * RECV_FD_ROOM)];
	} control;
	struct iovec iov = {buf, cap};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = control.buf,
			     .msg_controllen = sizeof control.buf};
	ssize_t n = recv_packet(sock, &msg, timeout_ms, &deadline, err, errlen);
	if (n < 0)
		return -1;

	struct received_fds r = {0};
	walk_control(&msg, fds, maxfds, &r);
	size_t kept = r.count < maxfds ? r.count : maxfds;
	int e = packet_problem(n, &msg, &r, cap, maxfds, err, errlen);
	if (!e && wire_decode_header(buf, (size_t)n, hdr, err, errlen) < 0)
		e = EPROTO;
	if (e) {
		close_kept(fds, kept);
		errno = e;
		return -1;
	}
	*nfds = kept;
	return 0;
}
