/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * lb_csum.h - Internet checksum of a header we write (RFC 1071), and its
 * update for one changed 16-bit word (RFC 1624), inline so neither costs a
 * helper call.
 */
#ifndef LB_CSUM_H
#define LB_CSUM_H

#include <linux/ip.h>
#include <bpf/bpf_helpers.h>

static __always_inline __u16 csum_fold(__u32 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)~sum;
}

/* Set iph->check for a 20-byte header; the caller bounds-checked iph. */
static __always_inline void csum_ipv4_header(struct iphdr *iph)
{
	__u16 *words = (__u16 *)iph;
	__u32 sum = 0;

	iph->check = 0;
#pragma unroll
	for (int i = 0; i < (int)(sizeof(*iph) / 2); i++)
		sum += words[i];
	iph->check = csum_fold(sum);
}

/* Update *check for one 16-bit word of the summed data changed from old to
 * new, both as they are stored (RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m')).
 * Independent of the header's length, so IPv4 options need no care. */
static __always_inline void csum_replace2(__u16 *check, __u16 old, __u16 new)
{
	*check = csum_fold((__u32)(__u16)~*check + (__u16)~old + new);
}

#endif /* LB_CSUM_H */
