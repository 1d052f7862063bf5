/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * lb_nexthop.h - where an encapsulated packet leaves: bpf_fib_lookup on the
 * outer addresses (egress device, MACs and the route's MTU), else the
 * configured fallback MAC out of the ingress device, else the kernel.
 *
 * No packet writes here: lb_encap.h applies the result.
 */
#ifndef LB_NEXTHOP_H
#define LB_NEXTHOP_H

#include <stdbool.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>
#include "lb_config.h"
#include "lb_parse.h"

#define LB_AF_INET 2
#define LB_AF_INET6 10

/* The outer header to write, decided before the packet is touched. */
struct lb_outer {
	__be32 src[4];		/* outer source: configured prefix + hash bits */
	__u32 len;		/* outer L3 length: header + inner datagram */
	__u8 family;		/* enum lb_family of the backend */
	__u8 inner_proto;	/* IPPROTO_IPIP or IPPROTO_IPV6 */
};

struct lb_nexthop {
	__u8 dmac[ETH_ALEN];
	__u8 smac[ETH_ALEN];
	__u32 ifindex;		/* egress device; 0 = the ingress one (XDP_TX) */
};

static __always_inline bool nexthop_has_fallback(void)
{
	return lb_cfg.fallback_mac[0] | lb_cfg.fallback_mac[1] |
	       lb_cfg.fallback_mac[2] | lb_cfg.fallback_mac[3] |
	       lb_cfg.fallback_mac[4] | lb_cfg.fallback_mac[5];
}

/*
 * Fill nh for a packet from o->src to real and return LB_CONTINUE, or the
 * reason it cannot be sent: LB_PASS_NO_NEIGH (route known, neighbour not: nh
 * keeps the frame's own MACs and the caller hands the encapsulated packet to
 * the kernel, which resolves the neighbour while forwarding it),
 * LB_DROP_FRAG_NEEDED (o->len above the route MTU, or above lb_cfg.mtu on the
 * fallback path), LB_DROP_NO_ROUTE.
 */
static __always_inline int nexthop_resolve(struct xdp_md *ctx,
					   const struct lb_real *real,
					   const struct lb_outer *o,
					   struct lb_nexthop *nh)
{
	struct ethhdr *eth = (void *)(long)ctx->data;
	__u32 ingress = ctx->ingress_ifindex;
	struct bpf_fib_lookup fib = {};
	int rc;

	/* verifier: parse_frame proved the Ethernet header is there */
	if ((void *)(eth + 1) > (void *)(long)ctx->data_end)
		return LB_DROP_ETH_TRUNC;
	fib.ifindex = ingress;
	fib.tot_len = o->len;
	fib.l4_protocol = o->inner_proto;
	if (o->family == LB_FAMILY_IPV4) {
		fib.family = LB_AF_INET;
		fib.ipv4_src = o->src[0];
		fib.ipv4_dst = real->addr[0];
	} else {
		fib.family = LB_AF_INET6;
		__builtin_memcpy(fib.ipv6_src, o->src, sizeof(fib.ipv6_src));
		__builtin_memcpy(fib.ipv6_dst, real->addr, sizeof(fib.ipv6_dst));
	}
	rc = bpf_fib_lookup(ctx, &fib, sizeof(fib), 0);
	if (rc == BPF_FIB_LKUP_RET_SUCCESS) {
		__builtin_memcpy(nh->dmac, fib.dmac, ETH_ALEN);
		__builtin_memcpy(nh->smac, fib.smac, ETH_ALEN);
		nh->ifindex = fib.ifindex == ingress ? 0 : fib.ifindex;
		return LB_CONTINUE;
	}
	if (rc == BPF_FIB_LKUP_RET_FRAG_NEEDED)
		return LB_DROP_FRAG_NEEDED;
	if (nexthop_has_fallback()) {
		if (lb_cfg.mtu && o->len > lb_cfg.mtu)
			return LB_DROP_FRAG_NEEDED;
		/* verifier: byte by byte, so each read stays volatile; a memcpy
		 * would let clang fold in the all-zero initializer */
#pragma unroll
		for (int i = 0; i < ETH_ALEN; i++)
			nh->dmac[i] = lb_cfg.fallback_mac[i];
		__builtin_memcpy(nh->smac, eth->h_dest, ETH_ALEN);
		nh->ifindex = 0;
		return LB_CONTINUE;
	}
	if (rc == BPF_FIB_LKUP_RET_NO_NEIGH) {
		__builtin_memcpy(nh->dmac, eth->h_dest, ETH_ALEN);
		__builtin_memcpy(nh->smac, eth->h_source, ETH_ALEN);
		nh->ifindex = 0;
		return LB_PASS_NO_NEIGH;
	}
	return LB_DROP_NO_ROUTE;
}

#endif /* LB_NEXTHOP_H */
