/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * lb_vip.h - find the VIP a parsed packet is addressed to: first the exact
 * {address, port, protocol}, then the same address with any port (port 0).
 */
#ifndef LB_VIP_H
#define LB_VIP_H

#include "lb_maps.h"

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

#endif /* LB_VIP_H */
