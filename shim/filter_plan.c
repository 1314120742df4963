#include "filter_plan.h"

struct filter_options filter_options_for(const struct filter_inputs *in)
{
	bool mediated = in->wants_supervisor && !in->nested;
	/* Nested, an enclosing supervisor (if any) would perform bind and
	 * connect unconfined: what this policy refuses is refused here.
	 * Without one, nothing but Landlock's port rules would be left for
	 * our proxy ports (any host) and nothing would check a listen's
	 * auto-bind: refuse those too. */
	bool decided = in->nested && in->enclosing != ENCLOSING_NONE;
	bool no_network = !in->allow_network && !in->has_proxy_ports &&
			  !in->allow_local_binding && !in->has_unix_sockets;
	return (struct filter_options){
		.allow_network = in->allow_network,
		/* Not when nested: the enclosing supervisor would bind and
		 * connect them by its own policy's paths, not ours. */
		.unix_streams = mediated,
		.pass_listen = in->allow_network || mediated ||
			       (decided && in->allow_local_binding),
		.deny_bind = in->nested && !in->allow_local_binding &&
			     !in->allow_network,
		.deny_connect = in->nested && !in->allow_network &&
				(no_network || !decided),
		/* Our supervisor's listener, in the same program: one attach
		 * (the static part refuses any later listener, so it could
		 * not come after it anyway). */
		.listener = mediated,
		.listener_writes = mediated && in->has_mediated_roots,
		.listener_reads = mediated && in->mediate_reads,
	};
}

struct filter_inputs filter_inputs_nth(unsigned n)
{
	unsigned bits = n % 256;
	return (struct filter_inputs){
		.allow_network = bits & 1,
		.allow_local_binding = bits & 2,
		.has_proxy_ports = bits & 4,
		.has_unix_sockets = bits & 8,
		.has_mediated_roots = bits & 16,
		.mediate_reads = bits & 32,
		.wants_supervisor = bits & 64,
		.nested = bits & 128,
		.enclosing = (enum enclosing)(n / 256),
	};
}

struct filter_options filter_canonical(struct filter_options o)
{
	/* listen(2) is refused unless it is passed on and no bind is
	 * allowed; that one outcome is all pass_listen means. */
	o.pass_listen = (o.allow_network || o.pass_listen) && !o.deny_bind;
	/* Reads are mediated only along with writes, and both only with a
	 * listener to send them to. */
	o.listener_writes = o.listener && o.listener_writes;
	o.listener_reads = o.listener_writes && o.listener_reads;
	return o;
}

bool filter_options_equal(const struct filter_options *a,
			  const struct filter_options *b)
{
	return a->allow_network == b->allow_network &&
	       a->unix_streams == b->unix_streams &&
	       a->pass_listen == b->pass_listen &&
	       a->deny_bind == b->deny_bind &&
	       a->deny_connect == b->deny_connect &&
	       a->listener == b->listener &&
	       a->listener_writes == b->listener_writes &&
	       a->listener_reads == b->listener_reads;
}

const struct filter_program *filter_program_find(
	const struct filter_program *table, size_t n,
	const struct filter_options *opt)
{
	struct filter_options want = filter_canonical(*opt);
	for (size_t i = 0; i < n; i++)
		if (filter_options_equal(&table[i].opt, &want))
			return &table[i];
	return NULL;
}
