/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * lb_config.h - the load-time knobs of the balancer: one struct lb_config in
 * its own section, which libbpf turns into the read-only map
 * ".rodata.config". The loader writes it between open and load; the verifier
 * then sees constants. Nothing else belongs in this section.
 */
#ifndef LB_CONFIG_H
#define LB_CONFIG_H

#include <bpf/bpf_helpers.h>
#include "lb_abi.h"

const volatile struct lb_config lb_cfg SEC(".rodata.config") = {
	.abi_version = LB_ABI_VERSION,
	.ring_size = 65537,
};

#endif /* LB_CONFIG_H */
