// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * decap.bpf.c - lb_xdp_decap, attached on each backend's ingress device.
 *
 * Strips the outer IPv4 or IPv6 header of an IPIP packet (inner IPv4 or
 * IPv6, any of the four combinations the balancer writes) and passes the
 * inner packet up, so the backend's socket on the VIP (bound to lo) receives
 * it as if the client had sent it directly; the reply then goes straight to
 * the client (DSR). The backend needs no tunnel device, which this kernel
 * could not provide anyway. Everything else passes untouched.
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
#include "lb_parse.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Exits by enum lb_decap_reason -> per-CPU lb_counter. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, LB_DECAP_REASON_COUNT);
	__type(key, __u32);
	__type(value, struct lb_counter);
} lb_decap_stats SEC(".maps");

static __always_inline int decap_exit(struct xdp_md *ctx,
				      enum lb_decap_reason reason)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u32 key = reason;
	struct lb_counter *c = bpf_map_lookup_elem(&lb_decap_stats, &key);

	if (c) {
		c->packets++;
		c->bytes += data_end - data;
	}
	return reason == LB_DECAP_DROP_TRUNC ? XDP_DROP : XDP_PASS;
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

/* Remove ohlen bytes of outer header after an L2 header of l2_len bytes
 * (both constant per call site except ohlen for IPv4 options). */
static __always_inline int decap_strip(struct xdp_md *ctx, __u32 l2_len,
				       __u32 ohlen, __be16 inner_type)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data, old;
	struct lb_vlan_hdr *vh, old_vh = {};

	if ((void *)(eth + 1) > data_end)
		return LB_DECAP_DROP_TRUNC;
	old = *eth;
	if (l2_len > ETH_HLEN) {
		vh = (void *)(eth + 1);
		if ((void *)(vh + 1) > data_end)
			return LB_DECAP_DROP_TRUNC;
		old_vh = *vh;
	}
	if (bpf_xdp_adjust_head(ctx, (int)ohlen))
		return LB_DECAP_DROP_TRUNC;

	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	eth = data;
	if ((void *)(eth + 1) > data_end)
		return LB_DECAP_DROP_TRUNC;
	__builtin_memcpy(eth->h_dest, old.h_dest, ETH_ALEN);
	__builtin_memcpy(eth->h_source, old.h_source, ETH_ALEN);
	if (l2_len > ETH_HLEN) {
		vh = (void *)(eth + 1);
		if ((void *)(vh + 1) > data_end)
			return LB_DECAP_DROP_TRUNC;
		eth->h_proto = old.h_proto;
		vh->tci = old_vh.tci;
		vh->proto = inner_type;
	} else {
		eth->h_proto = inner_type;
	}
	return LB_DECAP_PASS_OTHER;
}

static __always_inline int decap_l3(struct xdp_md *ctx, void *l3, __u32 l2_len,
				    __be16 proto)
{
	void *data_end = (void *)(long)ctx->data_end;
	__be16 inner_type;
	__u32 ohlen;
	int rc;

	if (proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *iph = l3;

		if ((void *)(iph + 1) > data_end)
			return decap_exit(ctx, LB_DECAP_PASS_OTHER);
		inner_type = decap_inner_ethertype(iph->protocol);
		if (!inner_type || iph->frag_off & bpf_htons(LB_IP_MF | LB_IP_OFFSET))
			return decap_exit(ctx, LB_DECAP_PASS_OTHER);
		ohlen = iph->ihl * 4;
		if (ohlen < sizeof(*iph) || l3 + ohlen + sizeof(struct iphdr) > data_end)
			return decap_exit(ctx, LB_DECAP_DROP_TRUNC);
		rc = decap_strip(ctx, l2_len, ohlen, inner_type);
		return decap_exit(ctx, rc == LB_DECAP_PASS_OTHER ? LB_DECAP_IPV4_OUTER : rc);
	}
	if (proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = l3;

		if ((void *)(ip6 + 1) > data_end)
			return decap_exit(ctx, LB_DECAP_PASS_OTHER);
		inner_type = decap_inner_ethertype(ip6->nexthdr);
		if (!inner_type)
			return decap_exit(ctx, LB_DECAP_PASS_OTHER);
		if ((void *)(ip6 + 1) + sizeof(struct iphdr) > data_end)
			return decap_exit(ctx, LB_DECAP_DROP_TRUNC);
		rc = decap_strip(ctx, l2_len, sizeof(*ip6), inner_type);
		return decap_exit(ctx, rc == LB_DECAP_PASS_OTHER ? LB_DECAP_IPV6_OUTER : rc);
	}
	return decap_exit(ctx, LB_DECAP_PASS_OTHER);
}

SEC("xdp")
int lb_xdp_decap(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct lb_vlan_hdr *vh;

	if ((void *)(eth + 1) > data_end)
		return decap_exit(ctx, LB_DECAP_PASS_OTHER);
	if (eth->h_proto != bpf_htons(ETH_P_8021Q) &&
	    eth->h_proto != bpf_htons(ETH_P_8021AD))
		return decap_l3(ctx, eth + 1, ETH_HLEN, eth->h_proto);
	vh = (void *)(eth + 1);
	if ((void *)(vh + 1) > data_end)
		return decap_exit(ctx, LB_DECAP_PASS_OTHER);
	return decap_l3(ctx, vh + 1, ETH_HLEN + LB_VLAN_HLEN, vh->proto);
}
