// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * lru_ref.bpf.c - lb_xdp_lru_ref, a reference for benchmarks, never attached:
 * one lookup and one insert of the frame's IPv4/TCP 5-tuple in the kernel's
 * LRU hash at 1M entries, the balancer's flow table up to ABI 3, and nothing
 * else. It measures what that table alone costs on this machine, next to the
 * set-associative table (lb_flow.h) that replaced it.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <bpf/bpf_helpers.h>
#include "lb_abi.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1 << 20);
	__type(key, struct lb_flow_key);
	__type(value, struct lb_flow);
} lb_ref_flows SEC(".maps");

SEC("xdp")
int lb_xdp_lru_ref(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct iphdr *iph = data + sizeof(struct ethhdr);
	struct tcphdr *th = (void *)(iph + 1);
	struct lb_flow_key key = {};
	struct lb_flow flow = {};

	if ((void *)(th + 1) > data_end)
		return XDP_DROP;
	key.src[0] = iph->saddr;
	key.dst[0] = iph->daddr;
	key.sport = th->source;
	key.dport = th->dest;
	key.proto = iph->protocol;
	key.family = LB_FAMILY_IPV4;
	if (!bpf_map_lookup_elem(&lb_ref_flows, &key))
		bpf_map_update_elem(&lb_ref_flows, &key, &flow, BPF_ANY);
	return XDP_TX;
}
