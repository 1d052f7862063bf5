/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * lb_flow.h - the connection table: which backend a 5-tuple is pinned to,
 * and how many unclosed flows each backend holds (lb_real_flows).
 *
 * An entry is honoured while its backend id is still in lb_reals and it was
 * used within the idle timeout of its protocol (lb_config). The access time
 * is refreshed at most once a second, and a TCP entry's flags are written only
 * when they change, so a busy flow does not write its cache line on every
 * packet.
 */
#ifndef LB_FLOW_H
#define LB_FLOW_H

#include <stdbool.h>
#include <linux/in.h>
#include "lb_config.h"
#include "lb_maps.h"
#include "lb_parse.h"

#define LB_ATIME_REFRESH_NS 1000000000ULL

/* What the flow table made of a packet, for its VIP's and backend's lb_stats. */
enum lb_flow_event {
	LB_EV_NONE = 0,		/* a hit, nothing to count beyond the packet */
	LB_EV_NEW_FLOW,		/* placed: new_flows */
	LB_EV_SYN_RETRANSMIT,	/* syn_retransmits (flow_track_tcp) */
	LB_EV_FRESH_RST,	/* fresh_rsts (flow_track_tcp) */
};

/* Whether TCP flags (0 for UDP) are a connection's opening SYN: SYN set, ACK
 * clear; a new connection's first packet or a retransmit of it. */
static __always_inline bool flow_is_syn(__u8 tcp_flags)
{
	return (tcp_flags & (LB_TCP_FLAG_SYN | LB_TCP_FLAG_ACK)) == LB_TCP_FLAG_SYN;
}

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

/* Write the entry pinning key to real_id with bpf_map_update_elem's flags;
 * returns its result, 0 or a negative errno. */
static __always_inline long flow_write(const struct lb_flow_key *key,
				       __u32 real_id, __u32 vip_id, __u64 now,
				       __u64 update_flags)
{
	struct lb_flow flow = {
		.atime_ns = now,
		.real_id = real_id,
		.vip_id = vip_id,
	};

	return bpf_map_update_elem(&lb_flows, key, &flow, update_flags);
}

/* Pin the flow to real_id, replacing any older entry for the same 5-tuple
 * (flags 0: for TCP, an open handshake), and count it for the backend. A
 * failed insert only costs the flow its pin: the next packet is placed again
 * (and counted again, until the recount). */
static __always_inline void flow_insert(const struct lb_flow_key *key,
					__u32 real_id, __u32 vip_id, __u64 now)
{
	flow_write(key, real_id, vip_id, now, BPF_ANY);
	flow_count(real_id, 1);
}

/* Pin the flow to real_id only if the table holds no entry for its 5-tuple,
 * live or not (BPF_NOEXIST: one walk of the hash bucket, no lookup before),
 * and then count it. Returns whether it did; if not, nothing changed. */
static __always_inline bool flow_insert_new(const struct lb_flow_key *key,
					    __u32 real_id, __u32 vip_id, __u64 now)
{
	if (flow_write(key, real_id, vip_id, now, BPF_NOEXIST))
		return false;
	flow_count(real_id, 1);
	return true;
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

/*
 * Follow a TCP flow through a client packet (its TCP flags byte) on its live
 * entry. Under DSR only the client's side is seen, so its packets tell
 * whether the backend answered. While the handshake is open (neither
 * ESTABLISHED nor CLOSED): a SYN with ACK clear repeats an unanswered SYN, a
 * RST abandons the handshake, and a packet with neither SYN nor RST
 * acknowledges the backend's SYN-ACK and sets ESTABLISHED, once. Then a FIN
 * or RST closes the flow (flow_close). Returns LB_EV_SYN_RETRANSMIT,
 * LB_EV_FRESH_RST or LB_EV_NONE.
 */
static __always_inline enum lb_flow_event flow_track_tcp(struct lb_flow *flow,
							 __u8 tcp_flags)
{
	enum lb_flow_event event = LB_EV_NONE;

	if (!(flow->flags & (LB_FLOW_ESTABLISHED | LB_FLOW_CLOSED))) {
		if (flow_is_syn(tcp_flags))
			event = LB_EV_SYN_RETRANSMIT;
		else if (tcp_flags & LB_TCP_FLAG_RST)
			event = LB_EV_FRESH_RST;
		else if (!(tcp_flags & LB_TCP_FLAG_SYN))
			flow->flags |= LB_FLOW_ESTABLISHED;
	}
	if (tcp_flags & (LB_TCP_FLAG_FIN | LB_TCP_FLAG_RST))
		flow_close(flow);
	return event;
}

#endif /* LB_FLOW_H */
