/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * lb_encap.h - IPIP encapsulation in place: 4-in-4, 6-in-6, 4-in-6 and
 * 6-in-4. The outer family is the backend's, the inner packet is kept byte
 * for byte, a VLAN tag stays in front of the outer header.
 *
 * The outer source is the configured prefix with its host bits taken from
 * the flow hash, so backends' NICs spread flows over receive queues; for an
 * IPv6 outer the hash also fills the flow label.
 */
#ifndef LB_ENCAP_H
#define LB_ENCAP_H

#include <stdbool.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "lb_config.h"
#include "lb_csum.h"
#include "lb_nexthop.h"
#include "lb_parse.h"

#define LB_OUTER_TTL 64
#define LB_IP_DF 0x4000		/* host order */

/* Decide the outer header for pkt going to real, before any write. */
static __always_inline void encap_plan(const struct lb_packet *pkt,
				       const struct lb_real *real, __u32 hash,
				       struct lb_outer *o)
{
	o->family = real->family;
	o->inner_proto = pkt->flow.family == LB_FAMILY_IPV4 ? IPPROTO_IPIP
							     : IPPROTO_IPV6;
	if (real->family == LB_FAMILY_IPV4) {
		o->src[0] = lb_cfg.src4 | (hash & lb_cfg.src4_hostmask);
		o->len = pkt->l3_len + sizeof(struct iphdr);
		return;
	}
	o->src[0] = lb_cfg.src6[0];
	o->src[1] = lb_cfg.src6[1];
	o->src[2] = lb_cfg.src6[2];
	o->src[3] = lb_cfg.src6[3] | (hash & lb_cfg.src6_hostmask);
	o->len = pkt->l3_len + sizeof(struct ipv6hdr);
}

static __always_inline void encap_write_ipv4(struct iphdr *iph,
					     const struct lb_packet *pkt,
					     const struct lb_real *real,
					     const struct lb_outer *o)
{
	iph->version = 4;
	iph->ihl = sizeof(*iph) / 4;
	iph->tos = pkt->tos;
	iph->tot_len = bpf_htons(o->len);
	iph->id = 0;
	iph->frag_off = bpf_htons(LB_IP_DF);
	iph->ttl = LB_OUTER_TTL;
	iph->protocol = o->inner_proto;
	iph->saddr = o->src[0];
	iph->daddr = real->addr[0];
	csum_ipv4_header(iph);
}

static __always_inline void encap_write_ipv6(struct ipv6hdr *ip6,
					     const struct lb_packet *pkt,
					     const struct lb_real *real,
					     const struct lb_outer *o,
					     __u32 hash)
{
	/* version 6 | traffic class | flow label from the hash */
	*(__be32 *)ip6 = bpf_htonl((6U << 28) | ((__u32)pkt->tos << 20) |
				   (hash & 0xfffff));
	ip6->payload_len = bpf_htons(pkt->l3_len);
	ip6->nexthdr = o->inner_proto;
	ip6->hop_limit = LB_OUTER_TTL;
	__builtin_memcpy(&ip6->saddr, o->src, sizeof(ip6->saddr));
	__builtin_memcpy(&ip6->daddr, real->addr, sizeof(ip6->daddr));
}

/* Grow the frame by the outer header and write L2 + outer L3. l2_len and
 * ohlen are constants at each call site, so every offset below is fixed. */
static __always_inline int encap_push(struct xdp_md *ctx,
				      const struct lb_packet *pkt,
				      const struct lb_real *real,
				      const struct lb_outer *o,
				      const struct lb_nexthop *nh, __u32 hash,
				      const __u32 l2_len, const __u32 ohlen)
{
	__be16 ethertype = o->family == LB_FAMILY_IPV4 ? bpf_htons(ETH_P_IP)
						       : bpf_htons(ETH_P_IPV6);
	struct ethhdr *eth;
	void *data, *data_end;

	if (bpf_xdp_adjust_head(ctx, -(int)ohlen))
		return LB_DROP_ENCAP;
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	/* verifier: the frame grew, so this holds; prove it */
	if (data + l2_len + ohlen > data_end)
		return LB_DROP_ENCAP;

	eth = data;
	__builtin_memcpy(eth->h_dest, nh->dmac, ETH_ALEN);
	__builtin_memcpy(eth->h_source, nh->smac, ETH_ALEN);
	if (l2_len > ETH_HLEN) {
		struct lb_vlan_hdr *vh = (void *)(eth + 1);

		eth->h_proto = pkt->vlan_tpid;
		vh->tci = pkt->vlan_tci;
		vh->proto = ethertype;
	} else {
		eth->h_proto = ethertype;
	}
	if (ohlen == sizeof(struct iphdr))
		encap_write_ipv4(data + l2_len, pkt, real, o);
	else
		encap_write_ipv6(data + l2_len, pkt, real, o, hash);
	return LB_CONTINUE;
}

/* Encapsulate the packet for real as planned in o, addressed per nh. */
static __always_inline int encap_ipip(struct xdp_md *ctx,
				      const struct lb_packet *pkt,
				      const struct lb_real *real,
				      const struct lb_outer *o,
				      const struct lb_nexthop *nh, __u32 hash)
{
	bool tagged = pkt->vlan_tpid != 0;

	if (o->family == LB_FAMILY_IPV4)
		return tagged ? encap_push(ctx, pkt, real, o, nh, hash,
					   ETH_HLEN + LB_VLAN_HLEN, sizeof(struct iphdr))
			      : encap_push(ctx, pkt, real, o, nh, hash,
					   ETH_HLEN, sizeof(struct iphdr));
	return tagged ? encap_push(ctx, pkt, real, o, nh, hash,
				   ETH_HLEN + LB_VLAN_HLEN, sizeof(struct ipv6hdr))
		      : encap_push(ctx, pkt, real, o, nh, hash,
				   ETH_HLEN, sizeof(struct ipv6hdr));
}

#endif /* LB_ENCAP_H */
