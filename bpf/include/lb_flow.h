/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * lb_flow.h - the connection table: which backend a 5-tuple is pinned to,
 * and how many unclosed flows each backend holds (lb_real_flows).
 *
 * An entry is honoured while its backend id is still in lb_reals and it was
 * used within the idle timeout of its protocol (lb_config). The access time
 * is refreshed at most once a second, so a busy flow does not write its
 * cache line on every packet.
 */
#ifndef LB_FLOW_H
#define LB_FLOW_H

#include <linux/in.h>
#include "lb_config.h"
#include "lb_maps.h"

#define LB_ATIME_REFRESH_NS 1000000000ULL

/* The flow's live entry (backend and VIP it is pinned to), or NULL when the
 * table has none or it sat idle past its protocol's timeout. */
static __always_inline struct lb_flow *flow_lookup(const struct lb_flow_key *key,
						   __u64 now)
{
	struct lb_flow *flow = bpf_map_lookup_elem(&lb_flows, key);
	__u64 idle;
	__s64 age;

	if (!flow)
		return NULL;
	idle = key->proto == IPPROTO_TCP ? lb_cfg.tcp_idle_ns : lb_cfg.udp_idle_ns;
	/* signed: another CPU may have refreshed atime after we read now */
	age = (__s64)(now - flow->atime_ns);
	if (age > (__s64)idle)
		return NULL;
	if (age > (__s64)LB_ATIME_REFRESH_NS)
		flow->atime_ns = now;
	return flow;
}

static __always_inline void flow_count(__u32 real_id, __s64 delta)
{
	__s64 *count = bpf_map_lookup_elem(&lb_real_flows, &real_id);

	if (count)
		__sync_fetch_and_add(count, delta);
}

/* Pin the flow to real_id, replacing any older entry for the same 5-tuple,
 * and count it for the backend. A failed insert only costs the flow its pin:
 * the next packet is placed again (and counted again, until the recount). */
static __always_inline void flow_insert(const struct lb_flow_key *key,
					__u32 real_id, __u32 vip_id, __u64 now)
{
	struct lb_flow flow = {
		.atime_ns = now,
		.real_id = real_id,
		.vip_id = vip_id,
	};

	bpf_map_update_elem(&lb_flows, key, &flow, BPF_ANY);
	flow_count(real_id, 1);
}

/* The client's FIN or RST ends the flow's count, once; the entry stays, so
 * the rest of the close still reaches the same backend. */
static __always_inline void flow_close(struct lb_flow *flow)
{
	if (flow->flags & LB_FLOW_CLOSED)
		return;
	flow->flags |= LB_FLOW_CLOSED;
	flow_count(flow->real_id, -1);
}

#endif /* LB_FLOW_H */
