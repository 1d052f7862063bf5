/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * lb_csum.h - Internet checksum of a header we write (RFC 1071), inline so
 * the outer IPv4 header costs no helper call.
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

#endif /* LB_CSUM_H */
