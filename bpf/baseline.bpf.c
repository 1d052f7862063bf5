// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * baseline.bpf.c - the two trivial programs the product measures and runs
 * against: lb_xdp_tx, a bare XDP_TX that benchmarks use as the same-run
 * baseline, and lb_xdp_pass, which the veth topology attaches to a device
 * whose peer sends with XDP_TX (a veth only delivers XDP_TX frames when its
 * peer runs an XDP program).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("xdp")
int lb_xdp_tx(struct xdp_md *ctx)
{
	return XDP_TX;
}

SEC("xdp")
int lb_xdp_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}
