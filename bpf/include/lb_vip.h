/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * lb_vip.h - find the VIP a parsed packet is addressed to: the address filter
 * (one bit test rejects traffic for the box itself), then the exact
 * {address, port, protocol}, then the same address with any port (port 0);
 * for what no VIP takes, the address marker decides drop or pass.
 */
#ifndef LB_VIP_H
#define LB_VIP_H

#include <stdbool.h>
#include "lb_maps.h"
#include "lb_parse.h"

/* Whether the destination may be a VIP (lb_vip_filter); false is certain. */
static __always_inline bool vip_filter_may_match(const struct lb_flow_key *flow)
{
	__u32 slot = ((flow->dst[0] ^ flow->dst[1] ^ flow->dst[2] ^ flow->dst[3]) *
		      0x9e3779b1U) >> (32 - LB_VIP_FILTER_BITS);
	__u32 word = slot / 64;
	__u64 *bits = bpf_map_lookup_elem(&lb_vip_filter, &word);

	return bits && (*bits & (1ULL << (slot % 64)));
}

/* The VIP entry for the packet's destination, or NULL if it is no VIP. */
static __always_inline struct lb_vip *vip_lookup(const struct lb_flow_key *flow)
{
	struct lb_vip_key key = {
		.port = flow->dport,
		.proto = flow->proto,
		.family = flow->family,
	};
	struct lb_vip *vip;

	__builtin_memcpy(key.addr, flow->dst, sizeof(key.addr));
	vip = bpf_map_lookup_elem(&lb_vips, &key);
	if (vip)
		return vip;
	key.port = 0;
	return bpf_map_lookup_elem(&lb_vips, &key);
}

/* Whether the destination is a VIP address at all (its marker entry). */
static __always_inline bool vip_address_known(const struct lb_flow_key *flow)
{
	struct lb_vip_key key = {
		.proto = LB_VIP_PROTO_ADDRESS,
		.family = flow->family,
	};

	__builtin_memcpy(key.addr, flow->dst, sizeof(key.addr));
	return bpf_map_lookup_elem(&lb_vips, &key) != NULL;
}

/* The exit for a packet to a filter-matching address that no VIP takes:
 * dropped if the address is a VIP's, passed if the filter bit was shared. */
static __always_inline enum lb_reason vip_unmatched(const struct lb_packet *pkt)
{
	if (!vip_address_known(&pkt->flow))
		return LB_PASS_NOT_VIP;
	return pkt->fragment ? LB_DROP_VIP_FRAGMENT : LB_DROP_VIP_UNSERVED;
}

#endif /* LB_VIP_H */
