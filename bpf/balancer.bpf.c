// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * balancer.bpf.c - lb_xdp_ingress, the L4 load balancer's data plane.
 *
 * A dispatcher only: parse -> VIP filter -> flow table, or VIP and scheduler ->
 * next hop -> IPIP encap -> XDP_TX/redirect, each step in the header of its
 * concern (include/lb_*.h). Anything not for a VIP address leaves untouched
 * with XDP_PASS; every other exit is counted with a reason (lb_stats.h).
 */
#include <stdbool.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "lb_abi.h"
#include "lb_config.h"
#include "lb_encap.h"
#include "lb_flow.h"
#include "lb_hash.h"
#include "lb_maps.h"
#include "lb_nexthop.h"
#include "lb_parse.h"
#include "lb_select.h"
#include "lb_stats.h"
#include "lb_vip.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/*
 * Place a SYN (ACK clear) to vip the fast way: most open a connection the
 * table does not know, so no lookup comes first. The VIP's scheduler chooses
 * a backend while the flow's bucket (flow_bucket) is still on its way from
 * memory, so the two cache misses (the bucket's index, the Maglev ring's
 * slot) overlap; then flow_pick chooses the slot from the index and claims
 * it in *slot, for the caller's flow_fill, if the bucket has no entry for the
 * 5-tuple. Returns the backend (and *real_id, *vip_id, and in *event whether
 * the entry displaces another live flow's) if that placed the flow. NULL if
 * there was no backend, or the table holds an entry for the 5-tuple (a
 * retransmit, a reused 5-tuple, an idle or closed entry), or a writer took a
 * slot of the bucket meanwhile: then nothing changed (no claim, no count, no
 * rr/wrr cursor moved), and the general path decides as if this had not been
 * tried.
 */
static __always_inline struct lb_real *place_syn(const struct lb_vip *vip,
						 const struct lb_flow_bucket *bucket,
						 const struct lb_flow_key *key,
						 __u32 hash, __u32 tag, __u64 now,
						 struct lb_flow_pick *slot,
						 __u32 *real_id, __u32 *vip_id,
						 enum lb_flow_event *event)
{
	struct lb_pick pick = {};
	struct lb_real *real;

	select_pick(vip, key, hash, &pick);
	real = real_get(pick.id);
	if (!real || !flow_pick(bucket, key, tag, now, slot) || slot->found)
		return NULL;
	*event = flow_insert_new(bucket, slot, pick.id);
	if (*event == LB_EV_NONE)
		return NULL;
	select_commit(&pick);
	*real_id = pick.id;
	*vip_id = vip->id;
	return real;
}

/* Encapsulate the packet to real, resolve the next hop and count it: the
 * XDP action that sends it on, or the exit of a packet that cannot go. */
static __always_inline int forward(struct xdp_md *ctx, struct lb_packet *pkt,
				   const struct lb_real *real, __u32 real_id,
				   __u32 vip_id, __u32 hash, __u64 bytes,
				   enum lb_flow_event event, __u64 now)
{
	__u32 ingress = ctx->ingress_ifindex;
	struct lb_nexthop nh = {};
	struct lb_outer o = {};
	int rc;

	encap_plan(pkt, real, hash, &o);
	rc = nexthop_resolve(ctx, ingress, pkt->vlan_tpid != 0, real, real_id, &o, &nh, now);
	if (rc != LB_CONTINUE && rc != LB_PASS_KERNEL_FWD)
		return lb_exit(rc, bytes);
	if (encap_ipip(ctx, pkt, real, &o, &nh, hash) != LB_CONTINUE)
		return lb_exit(LB_DROP_ENCAP, bytes);
	stats_forward(vip_id, real_id, bytes, event);
	if (rc == LB_PASS_KERNEL_FWD)
		return lb_exit(rc, bytes);
	if (nh.ifindex == ingress)
		return XDP_TX;
	return bpf_redirect_map(&lb_tx_ports, nh.ifindex, 0);
}

SEC("xdp")
int lb_xdp_ingress(struct xdp_md *ctx)
{
	__u64 bytes = frame_len(ctx);
	struct lb_packet pkt = {};
	struct lb_real *real = NULL;
	struct lb_flow_bucket bucket;
	struct lb_flow_pick slot = {};
	struct lb_flow_ref flow = {};
	struct lb_flow seen = {};
	bool hit = false;
	struct lb_vip *vip = NULL;
	__u32 hash, tag, real_id = 0, vip_id = 0;
	enum lb_flow_event event = LB_EV_NONE;
	__u64 now;
	int rc;

	rc = parse_frame(ctx, &pkt);
	if (rc != LB_CONTINUE)
		return lb_exit(rc, bytes);
	if (!vip_filter_may_match(&pkt.flow))
		return lb_exit(LB_PASS_NOT_VIP, bytes);
	if (!pkt.has_ports)
		return lb_exit(vip_unmatched(&pkt), bytes);

	/* A live flow entry names its VIP and backend: no VIP lookup. A SYN
	 * on an entry the client has not closed is a retransmit (or a reuse of
	 * the 5-tuple the balancer never saw end) and stays: placing it again
	 * would move a handshake under rr, wrr, lc and wlc. A SYN after the
	 * client's FIN or RST starts a new connection, placed afresh. A TCP
	 * hit also follows the handshake and the close (flow_track_tcp). A SYN
	 * tries place_syn first, which leaves any existing entry to this path.
	 * A placement claims its slot here and writes it last (flow_fill). */
	hash = hash_flow(&pkt.flow, lb_cfg.hash_seed);
	flow_bucket(hash, &bucket);
	tag = flow_tag(hash, pkt.flow.proto);
	now = bpf_ktime_get_coarse_ns();
	if (flow_is_syn(pkt.tcp_flags)) {
		/* found once: the fallback below reuses it */
		vip = vip_lookup(&pkt.flow);
		if (vip)
			real = place_syn(vip, &bucket, &pkt.flow, hash, tag, now,
					 &slot, &real_id, &vip_id, &event);
		if (real)
			goto forward;
	}
	hit = flow_lookup(&bucket, &pkt.flow, tag, now, &flow, &seen);
	if (hit && !(flow_is_syn(pkt.tcp_flags) && (seen.flags & LB_FLOW_CLOSED))) {
		real_id = seen.real_id;
		vip_id = seen.vip_id;
		real = real_get(real_id);
		/* A SYN repeated on a handshake its backend never answered, when
		 * that backend takes no new flows any more (ejected by health,
		 * drained): the connection does not exist yet, so place it again
		 * rather than keep knocking on a dead backend. */
		if (real && real->weight == 0 && flow_is_syn(pkt.tcp_flags) &&
		    !(seen.flags & LB_FLOW_ESTABLISHED)) {
			flow_close(&flow);
			real = NULL;
		}
	}
	if (!real) {
		if (!vip)
			vip = vip_lookup(&pkt.flow);
		if (!vip)
			return lb_exit(vip_unmatched(&pkt), bytes);
		vip_id = vip->id;
		real_id = select_real(vip, &pkt.flow, hash);
		real = real_get(real_id);
		if (!real)
			return lb_exit(LB_DROP_NO_REAL, bytes);
		event = flow_insert(&bucket, &pkt.flow, tag, real_id, now, &slot);
	} else if (pkt.flow.proto == IPPROTO_TCP) {
		event = flow_track_tcp(&flow, pkt.tcp_flags);
	}

forward:
	rc = forward(ctx, &pkt, real, real_id, vip_id, hash, bytes, event, now);
	flow_fill(&bucket, &slot, &pkt.flow, tag, real_id, vip_id, now);
	return rc;
}
