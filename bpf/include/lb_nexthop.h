/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * lb_nexthop.h - where an encapsulated packet leaves: bpf_fib_lookup on the
 * outer addresses (egress device, MACs and the route's MTU), else the
 * configured fallback MAC out of the ingress device, else the kernel.
 *
 * A FIB lookup costs about as much as the rest of the hit path, so its answer
 * is kept per CPU and backend in lb_nexthops for lb_config.nexthop_ttl_ns: a
 * route or neighbour change is picked up within that time. No packet writes
 * here: lb_encap.h applies the result.
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

/* One bpf_fib_lookup from o->src to real for an outer packet of tot_len bytes. */
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

/*
 * Resolve without the cache: fill nh (MACs, egress, MTU) and return
 * LB_CONTINUE, or LB_PASS_NO_NEIGH (route known, neighbour not: nh keeps the
 * frame's own MACs and the caller hands the encapsulated packet to the kernel,
 * which resolves the neighbour while forwarding it), or LB_DROP_NO_ROUTE.
 */
static __always_inline int nexthop_lookup(struct xdp_md *ctx,
					  const struct lb_real *real,
					  const struct lb_outer *o,
					  struct lb_nexthop *nh)
{
	struct ethhdr *eth = (void *)(long)ctx->data;
	__u32 ingress = ctx->ingress_ifindex;
	struct bpf_fib_lookup fib;
	int rc;

	/* verifier: parse_frame proved the Ethernet header is there */
	if ((void *)(eth + 1) > (void *)(long)ctx->data_end)
		return LB_DROP_ETH_TRUNC;
	/* tot_len 0 passes any MTU check, so a big first packet still
	 * resolves the neighbour; the MTU is asked for separately below. */
	rc = nexthop_fib(ctx, ingress, real, o, 0, &fib);
	if (rc == BPF_FIB_LKUP_RET_SUCCESS) {
		__builtin_memcpy(nh->dmac, fib.dmac, ETH_ALEN);
		__builtin_memcpy(nh->smac, fib.smac, ETH_ALEN);
		nh->ifindex = fib.ifindex == ingress ? 0 : fib.ifindex;
		/* the route MTU comes back only from a failed MTU check */
		rc = nexthop_fib(ctx, ingress, real, o, 0xffff, &fib);
		nh->mtu = rc == BPF_FIB_LKUP_RET_FRAG_NEEDED ? fib.mtu_result : 0;
		return LB_CONTINUE;
	}
	if (nexthop_has_fallback()) {
		/* verifier: byte by byte, so each read stays volatile; a memcpy
		 * would let clang fold in the all-zero initializer */
#pragma unroll
		for (int i = 0; i < ETH_ALEN; i++)
			nh->dmac[i] = lb_cfg.fallback_mac[i];
		__builtin_memcpy(nh->smac, eth->h_dest, ETH_ALEN);
		nh->ifindex = 0;
		nh->mtu = lb_cfg.mtu;
		return LB_CONTINUE;
	}
	if (rc == BPF_FIB_LKUP_RET_NO_NEIGH) {
		__builtin_memcpy(nh->dmac, eth->h_dest, ETH_ALEN);
		__builtin_memcpy(nh->smac, eth->h_source, ETH_ALEN);
		nh->ifindex = 0;
		nh->mtu = 0;
		return LB_PASS_NO_NEIGH;
	}
	return LB_DROP_NO_ROUTE;
}

/*
 * Where a packet from o->src to real (backend id real_id) leaves: fills nh and
 * returns LB_CONTINUE, LB_PASS_NO_NEIGH (see nexthop_lookup, never cached),
 * LB_DROP_FRAG_NEEDED (o->len above the next hop's MTU) or LB_DROP_NO_ROUTE.
 */
static __always_inline int nexthop_resolve(struct xdp_md *ctx,
					   const struct lb_real *real,
					   __u32 real_id,
					   const struct lb_outer *o,
					   struct lb_nexthop *nh, __u64 now)
{
	struct lb_nexthop *cached = NULL;
	int rc;

	if (lb_cfg.nexthop_ttl_ns) {
		cached = bpf_map_lookup_elem(&lb_nexthops, &real_id);
		if (cached && cached->expires_ns > now &&
		    nexthop_same_backend(cached, real)) {
			*nh = *cached;
			goto check_mtu;
		}
	}
	rc = nexthop_lookup(ctx, real, o, nh);
	if (rc != LB_CONTINUE)
		return rc;
	if (cached) {
		__builtin_memcpy(nh->addr, real->addr, sizeof(nh->addr));
		nh->expires_ns = now + lb_cfg.nexthop_ttl_ns;
		*cached = *nh;
	}
check_mtu:
	if (nh->mtu && o->len > nh->mtu)
		return LB_DROP_FRAG_NEEDED;
	return LB_CONTINUE;
}

#endif /* LB_NEXTHOP_H */
