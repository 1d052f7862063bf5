/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * lb_hash.h - the flow hash: Murmur3 (x86, 32-bit) over the 5-tuple words.
 *
 * The hash picks the Maglev slot (hash_source instead for maglev-src) and
 * the outer source bits, so it must be the same on every node and in the
 * control plane: LoadBalancer.Core FlowHash computes it bit for bit (the packet fixtures prove it). Words are the key's
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

/* The four words of an IPv6 address, one round each. */
static __always_inline __u32 hash_round_addr6(__u32 h, const __be32 *a)
{
	h = hash_round(h, a[0]);
	h = hash_round(h, a[1]);
	h = hash_round(h, a[2]);
	return hash_round(h, a[3]);
}

/* Hash of the flow key k; the same value for every packet of a flow. */
static __always_inline __u32 hash_flow(const struct lb_flow_key *k, __u32 seed)
{
	__u32 ports = ((__u32)k->dport << 16) | k->sport;
	__u32 h = seed;

	if (k->family == LB_FAMILY_IPV6) {
		h = hash_round_addr6(h, k->src);
		h = hash_round_addr6(h, k->dst);
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

/* Hash of the client address alone, for maglev-src: every connection of a
 * client gets the same value, whatever its ports or VIP. IPv4 hashes src[0]
 * (length 4), IPv6 the four words of src (length 16). */
static __always_inline __u32 hash_source(const struct lb_flow_key *k, __u32 seed)
{
	if (k->family == LB_FAMILY_IPV6)
		return hash_final(hash_round_addr6(seed, k->src), 16);
	return hash_final(hash_round(seed, k->src[0]), 4);
}

#endif /* LB_HASH_H */
