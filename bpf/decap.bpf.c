// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * decap.bpf.c - lb_xdp_decap, attached on each backend's ingress device.
 *
 * Strips the outer IPv4 or IPv6 header of an IPIP packet (inner IPv4 or
 * IPv6, any of the four combinations the balancer writes) and passes the
 * inner packet up, so the backend's socket on the VIP (local on lo) receives
 * it as if the client had sent it directly; the reply then goes straight to
 * the client (DSR). The backend needs no tunnel device, which this kernel
 * could not provide anyway.
 *
 * Only tunnel packets from the balancers' outer source prefixes
 * (struct lb_decap_config) are opened; others are dropped, so a host that can
 * reach the backend cannot slip packets with forged inner sources past
 * filters that see only the outer header. A congestion mark on the outer
 * header is copied to the inner one (RFC 6040). Everything that is not IPIP
 * passes untouched.
 */
#include <stdbool.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "lb_abi.h"
#include "lb_csum.h"
#include "lb_parse.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define LB_ECN_MASK 0x03
#define LB_ECN_NOT_ECT 0x00
#define LB_ECN_CE 0x03

/* Defaults equal the balancer's default outer_source_v4/v6 (172.16.0.0/16,
 * fd10:4c42::/96); the loader may write others. */
const volatile struct lb_decap_config lb_decap_cfg SEC(".rodata.config") = {
	.src4 = bpf_htonl(0xac100000),
	.src4_mask = bpf_htonl(0xffff0000),
	.src6 = { bpf_htonl(0xfd104c42), 0, 0, 0 },
	.src6_mask = { 0xffffffff, 0xffffffff, 0xffffffff, 0 },
};

/* Exits by enum lb_decap_reason -> per-CPU lb_counter. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, LB_DECAP_REASON_COUNT);
	__type(key, __u32);
	__type(value, struct lb_counter);
} lb_decap_stats SEC(".maps");

static __always_inline int decap_exit(enum lb_decap_reason reason, __u64 bytes)
{
	__u32 key = reason;
	struct lb_counter *c = bpf_map_lookup_elem(&lb_decap_stats, &key);

	if (c) {
		c->packets++;
		c->bytes += bytes;
	}
	return reason >= LB_DECAP_DROP_TRUNC ? XDP_DROP : XDP_PASS;
}

/* Ethertype of the packet an IPIP header carries, 0 if it carries none. */
static __always_inline __be16 decap_inner_ethertype(__u8 proto)
{
	if (proto == IPPROTO_IPIP)
		return bpf_htons(ETH_P_IP);
	if (proto == IPPROTO_IPV6)
		return bpf_htons(ETH_P_IPV6);
	return 0;
}

static __always_inline bool decap_from_balancer4(__be32 saddr)
{
	return (saddr & lb_decap_cfg.src4_mask) == lb_decap_cfg.src4;
}

static __always_inline bool decap_from_balancer6(const struct ipv6hdr *ip6)
{
	const __be32 *s = ip6->saddr.in6_u.u6_addr32;

	return !(((s[0] & lb_decap_cfg.src6_mask[0]) ^ lb_decap_cfg.src6[0]) |
		 ((s[1] & lb_decap_cfg.src6_mask[1]) ^ lb_decap_cfg.src6[1]) |
		 ((s[2] & lb_decap_cfg.src6_mask[2]) ^ lb_decap_cfg.src6[2]) |
		 ((s[3] & lb_decap_cfg.src6_mask[3]) ^ lb_decap_cfg.src6[3]));
}

/* RFC 6040: a CE mark on the outer header marks an ECN-capable inner packet.
 * inner points at the inner IP header. */
static __always_inline void decap_copy_ce(void *inner, void *data_end, __u8 outer_ecn)
{
	if (outer_ecn != LB_ECN_CE || inner + sizeof(struct iphdr) > data_end)
		return;
	if (((__u8 *)inner)[0] >> 4 == 4) {
		struct iphdr *iph = inner;
		__u16 *word = inner;	/* version, IHL and TOS */
		__u16 old;

		if (!(iph->tos & LB_ECN_MASK))
			return;
		old = *word;
		iph->tos |= LB_ECN_CE;
		/* incremental: the header may carry options */
		csum_replace2(&iph->check, old, *word);
	} else {
		struct ipv6hdr *ip6 = inner;

		if ((void *)(ip6 + 1) > data_end || !(ip6->flow_lbl[0] & (LB_ECN_MASK << 4)))
			return;
		ip6->flow_lbl[0] |= LB_ECN_CE << 4;
	}
}

/* The ECN field of the IP header at ip, IPv4 or IPv6 by its version; the
 * caller checked that 20 bytes are there. */
static __always_inline __u8 decap_ecn(const __u8 *ip)
{
	return ip[0] >> 4 == 4 ? ip[1] & LB_ECN_MASK : (ip[1] >> 4) & LB_ECN_MASK;
}

/* RFC 6040 4.2: a CE mark on the outer header of a Not-ECT inner packet
 * must not be lost silently; the packet is dropped instead, as the router
 * that marked it would have dropped a Not-ECT packet. */
static __always_inline bool decap_ce_on_not_ect(__u8 outer_ecn, const __u8 *inner)
{
	return outer_ecn == LB_ECN_CE && decap_ecn(inner) == LB_ECN_NOT_ECT;
}

/* Remove ohlen bytes of outer header after an L2 header of l2_len bytes and
 * give the frame the inner ethertype; returns false if the frame is too short. */
static __always_inline bool decap_strip(struct xdp_md *ctx, __u32 l2_len,
					__u32 ohlen, __be16 inner_type, __u8 outer_ecn)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data, old;
	struct lb_vlan_hdr *vh, old_vh = {};

	if ((void *)(eth + 1) > data_end)
		return false;
	old = *eth;
	if (l2_len > ETH_HLEN) {
		vh = (void *)(eth + 1);
		if ((void *)(vh + 1) > data_end)
			return false;
		old_vh = *vh;
	}
	if (bpf_xdp_adjust_head(ctx, (int)ohlen))
		return false;

	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	eth = data;
	if ((void *)(eth + 1) > data_end)
		return false;
	__builtin_memcpy(eth->h_dest, old.h_dest, ETH_ALEN);
	__builtin_memcpy(eth->h_source, old.h_source, ETH_ALEN);
	if (l2_len > ETH_HLEN) {
		vh = (void *)(eth + 1);
		if ((void *)(vh + 1) > data_end)
			return false;
		eth->h_proto = old.h_proto;
		vh->tci = old_vh.tci;
		vh->proto = inner_type;
		decap_copy_ce(vh + 1, data_end, outer_ecn);
	} else {
		eth->h_proto = inner_type;
		decap_copy_ce(eth + 1, data_end, outer_ecn);
	}
	return true;
}

static __always_inline int decap_l3(struct xdp_md *ctx, void *l3, __u32 l2_len,
				    __be16 proto, __u64 bytes)
{
	void *data_end = (void *)(long)ctx->data_end;
	__be16 inner_type;
	__u8 *inner;
	__u32 ohlen;

	if (proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *iph = l3;

		if ((void *)(iph + 1) > data_end)
			return decap_exit(LB_DECAP_PASS_OTHER, bytes);
		inner_type = decap_inner_ethertype(iph->protocol);
		if (!inner_type || iph->frag_off & bpf_htons(LB_IP_MF | LB_IP_OFFSET))
			return decap_exit(LB_DECAP_PASS_OTHER, bytes);
		if (!decap_from_balancer4(iph->saddr))
			return decap_exit(LB_DECAP_DROP_FOREIGN, bytes);
		ohlen = iph->ihl * 4;
		inner = l3 + ohlen;
		if (ohlen < sizeof(*iph) || (void *)(inner + sizeof(struct iphdr)) > data_end)
			return decap_exit(LB_DECAP_DROP_TRUNC, bytes);
		if (decap_ce_on_not_ect(iph->tos & LB_ECN_MASK, inner))
			return decap_exit(LB_DECAP_DROP_CE_NOT_ECT, bytes);
		if (!decap_strip(ctx, l2_len, ohlen, inner_type, iph->tos & LB_ECN_MASK))
			return decap_exit(LB_DECAP_DROP_TRUNC, bytes);
		return decap_exit(LB_DECAP_IPV4_OUTER, bytes);
	}
	if (proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = l3;
		__u8 ecn;

		if ((void *)(ip6 + 1) > data_end)
			return decap_exit(LB_DECAP_PASS_OTHER, bytes);
		inner_type = decap_inner_ethertype(ip6->nexthdr);
		if (!inner_type)
			return decap_exit(LB_DECAP_PASS_OTHER, bytes);
		if (!decap_from_balancer6(ip6))
			return decap_exit(LB_DECAP_DROP_FOREIGN, bytes);
		if ((void *)(ip6 + 1) + sizeof(struct iphdr) > data_end)
			return decap_exit(LB_DECAP_DROP_TRUNC, bytes);
		ecn = decap_ecn((const __u8 *)ip6);
		if (decap_ce_on_not_ect(ecn, (const __u8 *)(ip6 + 1)))
			return decap_exit(LB_DECAP_DROP_CE_NOT_ECT, bytes);
		if (!decap_strip(ctx, l2_len, sizeof(*ip6), inner_type, ecn))
			return decap_exit(LB_DECAP_DROP_TRUNC, bytes);
		return decap_exit(LB_DECAP_IPV6_OUTER, bytes);
	}
	return decap_exit(LB_DECAP_PASS_OTHER, bytes);
}

SEC("xdp")
int lb_xdp_decap(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u64 bytes = data_end - data;
	struct lb_l2 l2;

	if (!parse_l2(data, data_end, &l2))
		return decap_exit(LB_DECAP_PASS_OTHER, bytes);
	return decap_l3(ctx, l2.l3, l2.vlan_tpid ? ETH_HLEN + LB_VLAN_HLEN : ETH_HLEN,
			l2.proto, bytes);
}
