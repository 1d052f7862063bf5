/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * lb_hash.h - the flow hash: Murmur3 (x86, 32-bit) over the 5-tuple words.
 *
 * The hash picks the Maglev slot and the outer source bits, so it must be the
 * same on every node and in the control plane: LoadBalancer.Core FlowHash
 * computes it bit for bit (the packet fixtures prove it). Words are the key's
 * bytes read little-endian, as the BPF target loads them: IPv4 hashes
 * src, dst, ports, proto; IPv6 hashes the four words of each address instead.
 */
#ifndef LB_HASH_H
#define LB_HASH_H

#include <linux/types.h>
#include <bpf/bpf_helpers.h>
#include "lb_abi.h"

static __always_inline __u32 hash_rol32(__u32 w, int s)
{
	return (w << s) | (w >> (32 - s));
}

static __always_inline __u32 hash_round(__u32 h, __u32 k)
{
	k *= 0xcc9e2d51;
	k = hash_rol32(k, 15);
	k *= 0x1b873593;
	h ^= k;
	h = hash_rol32(h, 13);
	return h * 5 + 0xe6546b64;
}

static __always_inline __u32 hash_final(__u32 h, __u32 len)
{
	h ^= len;
	h ^= h >> 16;
	h *= 0x85ebca6b;
	h ^= h >> 13;
	h *= 0xc2b2ae35;
	h ^= h >> 16;
	return h;
}

/* Hash of the flow key k; the same value for every packet of a flow. */
static __always_inline __u32 hash_flow(const struct lb_flow_key *k, __u32 seed)
{
	__u32 ports = ((__u32)k->dport << 16) | k->sport;
	__u32 h = seed;

	if (k->family == LB_FAMILY_IPV6) {
		h = hash_round(h, k->src[0]);
		h = hash_round(h, k->src[1]);
		h = hash_round(h, k->src[2]);
		h = hash_round(h, k->src[3]);
		h = hash_round(h, k->dst[0]);
		h = hash_round(h, k->dst[1]);
		h = hash_round(h, k->dst[2]);
		h = hash_round(h, k->dst[3]);
		h = hash_round(h, ports);
		h = hash_round(h, k->proto);
		return hash_final(h, 40);
	}
	h = hash_round(h, k->src[0]);
	h = hash_round(h, k->dst[0]);
	h = hash_round(h, ports);
	h = hash_round(h, k->proto);
	return hash_final(h, 16);
}

#endif /* LB_HASH_H */
