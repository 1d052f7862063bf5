/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * lb_stats.h - accounting. Every exit of lb_xdp_ingress goes through
 * lb_exit (not forwarded, counted by reason) or stats_forward (forwarded,
 * counted per VIP and per backend). All counters are per-CPU: no atomics.
 */
#ifndef LB_STATS_H
#define LB_STATS_H

#include "lb_flow.h"
#include "lb_maps.h"

/* Length of the frame as it is now, L2 included. */
static __always_inline __u64 frame_len(const struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;

	return data_end - data;
}

/* Count the exit of a frame of bytes (as received) and return its action:
 * LB_PASS_* precede LB_DROP_* in enum lb_reason, so the reason alone decides. */
static __always_inline int lb_exit(enum lb_reason reason, __u64 bytes)
{
	__u32 key = reason;
	struct lb_counter *c = bpf_map_lookup_elem(&lb_reason_stats, &key);

	if (c) {
		c->packets++;
		c->bytes += bytes;
	}
	return reason < LB_DROP_ETH_TRUNC ? XDP_PASS : XDP_DROP;
}

static __always_inline void stats_add(void *map, __u32 id, __u64 bytes,
				      enum lb_flow_event event)
{
	struct lb_stats *s = bpf_map_lookup_elem(map, &id);

	if (!s)
		return;
	s->packets++;
	s->bytes += bytes;
	if (event == LB_EV_NEW_FLOW || event == LB_EV_NEW_FLOW_EVICTING)
		s->new_flows++;
	if (event == LB_EV_NEW_FLOW_EVICTING)
		s->evictions++;
	else if (event == LB_EV_SYN_RETRANSMIT)
		s->syn_retransmits++;
	else if (event == LB_EV_FRESH_RST)
		s->fresh_rsts++;
}

/* Count a forwarded packet of bytes (as received) for its VIP and backend,
 * with what the flow table made of it (new flow, handshake event). */
static __always_inline void stats_forward(__u32 vip_id, __u32 real_id,
					  __u64 bytes, enum lb_flow_event event)
{
	stats_add(&lb_vip_stats, vip_id, bytes, event);
	stats_add(&lb_real_stats, real_id, bytes, event);
}

#endif /* LB_STATS_H */
