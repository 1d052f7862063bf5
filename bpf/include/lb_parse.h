/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * lb_parse.h - read a frame into struct lb_packet: Ethernet with at most one
 * VLAN tag, IPv4 (options allowed) or IPv6 (hop-by-hop, routing and
 * destination-option headers skipped), then TCP or UDP ports.
 *
 * Parsing only: no map access and no writes to the packet. parse_l2, the
 * L2 step lb_xdp_decap shares, returns whether the frame holds its L2
 * header; every other function returns the enum lb_reason that ends
 * processing (a malformed header, or a non-IP frame), or LB_CONTINUE for a
 * well-formed IP packet: its addresses are then in pkt->flow, and its ports
 * too when pkt->has_ports (TCP or UDP, not a fragment). Whether it concerns
 * a VIP is not decided here.
 */
#ifndef LB_PARSE_H
#define LB_PARSE_H

#include <stdbool.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "lb_abi.h"

/* Not an lb_reason: "keep going". Outside the enum's range on purpose. */
#define LB_CONTINUE LB_REASON_COUNT

#define LB_IP_MF 0x2000		/* IPv4 more-fragments flag, host order */
#define LB_IP_OFFSET 0x1fff	/* IPv4 fragment offset mask, host order */
#define LB_IPV6_EXT_MAX 4	/* extension headers skipped before giving up */
#define LB_TCP_FLAG_FIN 0x01
#define LB_TCP_FLAG_SYN 0x02
#define LB_TCP_FLAG_RST 0x04
#define LB_TCP_FLAG_ACK 0x10

#define LB_VLAN_HLEN 4

/* 802.1Q / 802.1ad tag as it follows the MAC addresses. */
struct lb_vlan_hdr {
	__be16 tci;
	__be16 proto;
};

/* The L2 header of a frame, filled by parse_l2. */
struct lb_l2 {
	void *l3;			/* what follows the ethertype */
	__be16 proto;			/* its ethertype */
	__be16 vlan_tpid;		/* 0 = untagged; else the tag's TPID */
	__be16 vlan_tci;		/* tag control information */
};

/* What the balancer needs to know about a frame, filled by parse_frame. */
struct lb_packet {
	/* 5-tuple, pads zero; 8-aligned: lb_flow.h compares it by u64 */
	struct lb_flow_key flow __attribute__((aligned(8)));
	__u32 l3_len;			/* IP datagram length from its header */
	__be16 vlan_tpid;		/* 0 = untagged; else the tag's TPID */
	__be16 vlan_tci;		/* tag control information */
	__u8 tcp_flags;			/* TCP flags byte; 0 for UDP */
	__u8 tos;			/* IPv4 TOS or IPv6 traffic class */
	__u8 has_ports;			/* TCP or UDP header parsed */
	__u8 fragment;			/* an IPv4 or IPv6 fragment */
};

/* Ports and TCP flags from the L4 header at l4, whose datagram has l4_len
 * bytes from l4 on (l4 + l4_len <= data_end already checked); other
 * protocols continue without ports. */
static __always_inline int parse_l4(void *l4, void *data_end, __u32 l4_len,
				    __u8 proto, struct lb_packet *pkt)
{
	pkt->flow.proto = proto;
	if (proto == IPPROTO_TCP) {
		struct tcphdr *th = l4;

		if ((void *)(th + 1) > data_end || l4_len < sizeof(*th))
			return LB_DROP_TCP_TRUNC;
		pkt->flow.sport = th->source;
		pkt->flow.dport = th->dest;
		pkt->tcp_flags = ((__u8 *)th)[13];
		pkt->has_ports = 1;
		return LB_CONTINUE;
	}
	if (proto == IPPROTO_UDP) {
		struct udphdr *uh = l4;

		if ((void *)(uh + 1) > data_end || l4_len < sizeof(*uh))
			return LB_DROP_UDP_TRUNC;
		pkt->flow.sport = uh->source;
		pkt->flow.dport = uh->dest;
		pkt->has_ports = 1;
	}
	return LB_CONTINUE;
}

static __always_inline int parse_ipv4(void *l3, void *data_end,
				      struct lb_packet *pkt)
{
	struct iphdr *iph = l3;
	__u32 hlen, tot;

	if ((void *)(iph + 1) > data_end)
		return LB_DROP_IP_TRUNC;
	if (iph->version != 4)
		return LB_DROP_IP_VERSION;
	hlen = iph->ihl * 4;
	if (hlen < sizeof(*iph))
		return LB_DROP_IP_IHL;
	if (l3 + hlen > data_end)
		return LB_DROP_IP_TRUNC;
	tot = bpf_ntohs(iph->tot_len);
	if (tot < hlen || l3 + tot > data_end)
		return LB_DROP_IP_LEN;

	pkt->l3_len = tot;
	pkt->tos = iph->tos;
	pkt->flow.family = LB_FAMILY_IPV4;
	pkt->flow.src[0] = iph->saddr;
	pkt->flow.dst[0] = iph->daddr;
	if (iph->frag_off & bpf_htons(LB_IP_MF | LB_IP_OFFSET)) {
		pkt->fragment = 1;
		return LB_CONTINUE;
	}
	return parse_l4(l3 + hlen, data_end, tot - hlen, iph->protocol, pkt);
}

static __always_inline bool ipv6_is_skippable(__u8 nexthdr)
{
	return nexthdr == IPPROTO_HOPOPTS || nexthdr == IPPROTO_ROUTING ||
	       nexthdr == IPPROTO_DSTOPTS;
}

static __always_inline int parse_ipv6(void *l3, void *data_end,
				      struct lb_packet *pkt)
{
	struct ipv6hdr *ip6 = l3;
	__u32 off = sizeof(*ip6), len;
	__u8 nexthdr;

	if ((void *)(ip6 + 1) > data_end)
		return LB_DROP_IP_TRUNC;
	if (ip6->version != 6)
		return LB_DROP_IP_VERSION;
	len = sizeof(*ip6) + bpf_ntohs(ip6->payload_len);
	if (l3 + len > data_end)
		return LB_DROP_IP_LEN;

	pkt->l3_len = len;
	pkt->tos = (ip6->priority << 4) | (ip6->flow_lbl[0] >> 4);
	pkt->flow.family = LB_FAMILY_IPV6;
	__builtin_memcpy(pkt->flow.src, &ip6->saddr, sizeof(pkt->flow.src));
	__builtin_memcpy(pkt->flow.dst, &ip6->daddr, sizeof(pkt->flow.dst));
	nexthdr = ip6->nexthdr;
#pragma unroll
	for (int i = 0; i < LB_IPV6_EXT_MAX; i++) {
		struct ipv6_opt_hdr *oh = l3 + off;

		if (!ipv6_is_skippable(nexthdr))
			break;
		if ((void *)(oh + 1) > data_end)
			return LB_DROP_IP_TRUNC;
		nexthdr = oh->nexthdr;
		off += (oh->hdrlen + 1) * 8;
	}
	if (nexthdr == IPPROTO_FRAGMENT) {
		pkt->fragment = 1;
		return LB_CONTINUE;
	}
	if (off > len)
		return LB_DROP_IP_LEN;
	return parse_l4(l3 + off, data_end, len - off, nexthdr, pkt);
}

/* Ethernet with at most one 802.1Q or 802.1ad tag, for lb_xdp_ingress and
 * lb_xdp_decap alike; false if the frame is too short for it. */
static __always_inline bool parse_l2(void *data, void *data_end, struct lb_l2 *l2)
{
	struct ethhdr *eth = data;
	struct lb_vlan_hdr *vh;

	l2->l3 = eth + 1;
	l2->vlan_tpid = 0;
	l2->vlan_tci = 0;
	if (l2->l3 > data_end)
		return false;
	l2->proto = eth->h_proto;
	if (l2->proto != bpf_htons(ETH_P_8021Q) && l2->proto != bpf_htons(ETH_P_8021AD))
		return true;
	vh = l2->l3;
	if ((void *)(vh + 1) > data_end)
		return false;
	l2->vlan_tpid = l2->proto;
	l2->vlan_tci = vh->tci;
	l2->proto = vh->proto;
	l2->l3 = vh + 1;
	return true;
}

/* Entry: classify the frame in ctx and fill pkt (which must be zeroed). */
static __always_inline int parse_frame(struct xdp_md *ctx,
				       struct lb_packet *pkt)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct lb_l2 l2;

	if (!parse_l2(data, data_end, &l2))
		return LB_DROP_ETH_TRUNC;
	pkt->vlan_tpid = l2.vlan_tpid;
	pkt->vlan_tci = l2.vlan_tci;
	if (l2.proto == bpf_htons(ETH_P_IP))
		return parse_ipv4(l2.l3, data_end, pkt);
	if (l2.proto == bpf_htons(ETH_P_IPV6))
		return parse_ipv6(l2.l3, data_end, pkt);
	return LB_PASS_NOT_IP;
}

#endif /* LB_PARSE_H */
