/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * lb_nexthop.h - where an encapsulated packet leaves.
 *
 * Untagged frames: one bpf_fib_lookup on the outer addresses gives the egress
 * device, MACs and route MTU. A route without a resolved neighbour, or an
 * egress device not in lb_tx_ports, sends the packet through the kernel
 * (which resolves the neighbour, or reaches any device). No route at all
 * falls back to the configured fallback MAC out of the ingress device; a
 * blackhole, unreachable or prohibit route drops.
 * Tagged frames skip the FIB (which cannot say which VLAN to use): the
 * fallback MAC in the same VLAN, else the kernel.
 *
 * A FIB lookup costs about as much as the rest of the hit path, so a direct
 * answer for an untagged frame is kept per CPU, backend and ingress device in lb_nexthops for
 * lb_config.nexthop_ttl_ns; a route or neighbour change is seen within that
 * time. Kernel-path answers are never cached. No packet writes here.
 */
#ifndef LB_NEXTHOP_H
#define LB_NEXTHOP_H

#include <stdbool.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>
#include "lb_config.h"
#include "lb_maps.h"
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

static __always_inline bool nexthop_has_fallback(void)
{
	return lb_cfg.fallback_mac[0] | lb_cfg.fallback_mac[1] |
	       lb_cfg.fallback_mac[2] | lb_cfg.fallback_mac[3] |
	       lb_cfg.fallback_mac[4] | lb_cfg.fallback_mac[5];
}

static __always_inline bool nexthop_same_backend(const struct lb_nexthop *nh,
						 const struct lb_real *real)
{
	return !((nh->addr[0] ^ real->addr[0]) | (nh->addr[1] ^ real->addr[1]) |
		 (nh->addr[2] ^ real->addr[2]) | (nh->addr[3] ^ real->addr[3]));
}

/* One bpf_fib_lookup from o->src to real for an outer packet of tot_len bytes.
 * From XDP the kernel checks tot_len against the route MTU and returns that
 * MTU in fib->mtu_result (a union with tot_len) on BPF_FIB_LKUP_RET_SUCCESS
 * and BPF_FIB_LKUP_RET_FRAG_NEEDED. */
static __always_inline int nexthop_fib(struct xdp_md *ctx, __u32 ingress,
				       const struct lb_real *real,
				       const struct lb_outer *o, __u16 tot_len,
				       struct bpf_fib_lookup *fib)
{
	__builtin_memset(fib, 0, sizeof(*fib));
	fib->ifindex = ingress;
	fib->tot_len = tot_len;
	fib->l4_protocol = o->inner_proto;
	if (o->family == LB_FAMILY_IPV4) {
		fib->family = LB_AF_INET;
		fib->ipv4_src = o->src[0];
		fib->ipv4_dst = real->addr[0];
	} else {
		fib->family = LB_AF_INET6;
		__builtin_memcpy(fib->ipv6_src, o->src, sizeof(fib->ipv6_src));
		__builtin_memcpy(fib->ipv6_dst, real->addr, sizeof(fib->ipv6_dst));
	}
	return bpf_fib_lookup(ctx, fib, sizeof(*fib), 0);
}

/* Through the kernel: the frame keeps its own MACs, so the kernel takes it
 * as addressed to this host and forwards the encapsulated packet. */
static __always_inline int nexthop_kernel(const struct ethhdr *eth, __u32 ingress,
					  struct lb_nexthop *nh)
{
	__builtin_memcpy(nh->dmac, eth->h_dest, ETH_ALEN);
	__builtin_memcpy(nh->smac, eth->h_source, ETH_ALEN);
	nh->ifindex = ingress;
	nh->mtu = 0;
	return LB_PASS_KERNEL_FWD;
}

/* The fallback MAC out of the ingress device, our own MAC as source. */
static __always_inline int nexthop_fallback(const struct ethhdr *eth, __u32 ingress,
					    struct lb_nexthop *nh)
{
	/* verifier: byte by byte, so each read stays volatile; a memcpy
	 * would let clang fold in the all-zero initializer */
#pragma unroll
	for (int i = 0; i < ETH_ALEN; i++)
		nh->dmac[i] = lb_cfg.fallback_mac[i];
	__builtin_memcpy(nh->smac, eth->h_dest, ETH_ALEN);
	nh->ifindex = ingress;
	nh->mtu = lb_cfg.mtu;
	return LB_CONTINUE;
}

/*
 * Resolve without the cache: fill nh and return LB_CONTINUE (a direct answer,
 * cacheable), LB_PASS_KERNEL_FWD (through the kernel, not cacheable) or
 * LB_DROP_NO_ROUTE.
 */
static __always_inline int nexthop_lookup(struct xdp_md *ctx, __u32 ingress,
					  bool tagged, const struct lb_real *real,
					  const struct lb_outer *o,
					  struct lb_nexthop *nh)
{
	struct ethhdr *eth = (void *)(long)ctx->data;
	struct bpf_fib_lookup fib;
	__u32 egress;
	int rc;

	/* verifier: parse_frame proved the Ethernet header is there */
	if ((void *)(eth + 1) > (void *)(long)ctx->data_end)
		return LB_DROP_ETH_TRUNC;
	if (tagged)
		return nexthop_has_fallback() ? nexthop_fallback(eth, ingress, nh)
					      : nexthop_kernel(eth, ingress, nh);

	/* tot_len 0 passes any MTU check, so a big first packet still gets
	 * its next hop; nexthop_resolve compares o->len with the MTU. */
	rc = nexthop_fib(ctx, ingress, real, o, 0, &fib);
	switch (rc) {
	case BPF_FIB_LKUP_RET_SUCCESS:
		egress = fib.ifindex;
		if (egress != ingress && !bpf_map_lookup_elem(&lb_tx_ports, &egress))
			return nexthop_kernel(eth, ingress, nh);
		__builtin_memcpy(nh->dmac, fib.dmac, ETH_ALEN);
		__builtin_memcpy(nh->smac, fib.smac, ETH_ALEN);
		nh->ifindex = egress;
		/* XDP lookups check the MTU, and a successful one returns the
		 * route MTU in mtu_result (a union with tot_len) */
		nh->mtu = fib.mtu_result;
		return LB_CONTINUE;
	case BPF_FIB_LKUP_RET_NO_NEIGH:
		return nexthop_kernel(eth, ingress, nh);
	case BPF_FIB_LKUP_RET_BLACKHOLE:
	case BPF_FIB_LKUP_RET_UNREACHABLE:
	case BPF_FIB_LKUP_RET_PROHIBIT:
		return LB_DROP_NO_ROUTE;
	}
	return nexthop_has_fallback() ? nexthop_fallback(eth, ingress, nh) : LB_DROP_NO_ROUTE;
}

/*
 * Where a packet from o->src to real (backend id real_id), received on
 * ingress, leaves: fills nh and returns LB_CONTINUE (send out of nh->ifindex),
 * LB_PASS_KERNEL_FWD (see nexthop_lookup), LB_DROP_FRAG_NEEDED (o->len above
 * the next hop's MTU) or LB_DROP_NO_ROUTE.
 */
static __always_inline int nexthop_resolve(struct xdp_md *ctx, __u32 ingress,
					   bool tagged, const struct lb_real *real,
					   __u32 real_id, const struct lb_outer *o,
					   struct lb_nexthop *nh, __u64 now)
{
	struct lb_nexthop *cached = NULL;
	int rc;

	/* tagged frames resolve without the FIB and are not cached */
	if (lb_cfg.nexthop_ttl_ns && !tagged) {
		cached = bpf_map_lookup_elem(&lb_nexthops, &real_id);
		if (cached && cached->expires_ns > now &&
		    cached->ingress_ifindex == ingress &&
		    nexthop_same_backend(cached, real)) {
			*nh = *cached;
			goto check_mtu;
		}
	}
	rc = nexthop_lookup(ctx, ingress, tagged, real, o, nh);
	if (rc != LB_CONTINUE)
		return rc;
	if (cached) {
		__builtin_memcpy(nh->addr, real->addr, sizeof(nh->addr));
		nh->expires_ns = now + lb_cfg.nexthop_ttl_ns;
		nh->ingress_ifindex = ingress;
		*cached = *nh;
	}
check_mtu:
	if (nh->mtu && o->len > nh->mtu)
		return LB_DROP_FRAG_NEEDED;
	return LB_CONTINUE;
}

#endif /* LB_NEXTHOP_H */
