/* libFuzzer target for the wire decoders (config/protocol.c).
 *
 * The input is one packet as wire_recv would hand it over: the header is
 * decoded, and a REGISTER, ERROR or CACHE_PUT payload goes on to its
 * decoder.  The
 * sanitizers catch memory errors, undefined behaviour and leaks; on top of
 * that, what a decoder accepts must come back unchanged through the
 * encoder and the decoder again (the two share their rules, so a mismatch
 * is a bug in one of them), and a refusal must leave a message and nothing
 * allocated. */
#include "fuzz.h"

#include "protocol.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned char scratch[WIRE_MAX_PAYLOAD];

__attribute__((noreturn)) static void broken(const char *what)
{
	fprintf(stderr, "fuzz_protocol: %s\n", what);
	abort();
}

static bool same_string(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static bool same_list(char *const *a, size_t na, char *const *b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (!same_string(a[i], b[i]))
			return false;
	return true;
}

static bool same_rules(const struct wire_policy *a,
		       const struct wire_policy *b)
{
	if (a->write_rule_count != b->write_rule_count)
		return false;
	for (size_t i = 0; i < a->write_rule_count; i++) {
		const struct wire_write_rule *x = &a->write_rules[i];
		const struct wire_write_rule *y = &b->write_rules[i];
		if (x->kind != y->kind || x->flags != y->flags ||
		    x->line != y->line || !same_string(x->label, y->label) ||
		    !same_string(x->path, y->path))
			return false;
	}
	return true;
}

static bool same_policy(const struct wire_policy *a,
			const struct wire_policy *b)
{
	return same_string(a->tool, b->tool) && a->pid == b->pid &&
	       a->flags == b->flags && a->port_count == b->port_count &&
	       memcmp(a->ports, b->ports, a->port_count * sizeof a->ports[0]) ==
		       0 &&
	       same_list(a->unix_sockets, a->unix_socket_count, b->unix_sockets,
			 b->unix_socket_count) &&
	       same_list(a->write_dirs, a->write_dir_count, b->write_dirs,
			 b->write_dir_count) &&
	       same_string(a->config, b->config) &&
	       same_string(a->report, b->report) && same_rules(a, b) &&
	       same_list(a->mediated_roots, a->mediated_root_count,
			 b->mediated_roots, b->mediated_root_count);
}

static bool policy_is_zero(const struct wire_policy *p)
{
	static const struct wire_policy zero;
	return memcmp(p, &zero, sizeof zero) == 0;
}

static void fuzz_register(const unsigned char *payload, size_t len)
{
	struct wire_policy p, again;
	char err[256] = "";
	if (wire_decode_register(payload, len, &p, err, sizeof err) < 0) {
		if (!err[0] || !policy_is_zero(&p))
			broken("REGISTER refused without a message, or left "
			       "something behind");
		return;
	}
	/* Same records, written in canonical order: same size. */
	int n = wire_encode_register(&p, scratch, sizeof scratch);
	if (n < 0 || (size_t)n != len)
		broken("an accepted REGISTER does not encode to its size");
	if (wire_decode_register(scratch, (size_t)n, &again, err, sizeof err) < 0)
		broken("a re-encoded REGISTER is refused");
	if (!same_policy(&p, &again))
		broken("a REGISTER changed through encode and decode");
	wire_policy_free(&again);
	wire_policy_free(&p);
}

static void fuzz_error(const unsigned char *payload, size_t len)
{
	int e = 0;
	char message[WIRE_MAX_MESSAGE + 1], err[256] = "";
	if (wire_decode_error(payload, len, &e, message, sizeof message, err,
			      sizeof err) < 0) {
		if (!err[0])
			broken("ERROR refused without a message");
		return;
	}
	/* The encoding of an ERROR is unique: it must come back bytewise. */
	int n = wire_encode_error(e, message, scratch, sizeof scratch);
	if (n < 0 || (size_t)n != len || memcmp(scratch, payload, len) != 0)
		broken("an accepted ERROR does not encode to the same bytes");
}

static void fuzz_cache_put(const unsigned char *payload, size_t len)
{
	struct wire_cache_put p;
	char err[256] = "";
	static const struct wire_cache_put zero;
	if (wire_decode_cache_put(payload, len, &p, err, sizeof err) < 0) {
		if (!err[0] || memcmp(&p, &zero, sizeof zero) != 0)
			broken("CACHE_PUT refused without a message, or left "
			       "something behind");
		return;
	}
	/* One encoding per content: it must come back bytewise. */
	int n = wire_encode_cache_put(&p, scratch, sizeof scratch);
	if (n < 0 || (size_t)n != len || memcmp(scratch, payload, len) != 0)
		broken("an accepted CACHE_PUT does not encode to the same bytes");
	wire_cache_put_free(&p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wire_header h;
	char err[256] = "";
	if (wire_decode_header(data, size, &h, err, sizeof err) < 0) {
		if (!err[0])
			broken("header refused without a message");
		return 0;
	}
	const unsigned char *payload = data + WIRE_HEADER_SIZE;
	if (h.type == WIRE_REGISTER)
		fuzz_register(payload, h.length);
	else if (h.type == WIRE_ERROR)
		fuzz_error(payload, h.length);
	else if (h.type == WIRE_CACHE_PUT)
		fuzz_cache_put(payload, h.length);
	return 0;
}
