/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * lb_select.h - choose a backend for a flow the table does not know: index
 * the VIP's Maglev ring (built by LoadBalancer.Core MaglevTableBuilder) with
 * the flow hash, then resolve the id in lb_reals.
 */
#ifndef LB_SELECT_H
#define LB_SELECT_H

#include "lb_config.h"
#include "lb_maps.h"

/* The backend with this id, or NULL if the id is 0 or not in use. */
static __always_inline struct lb_real *real_get(__u32 id)
{
	struct lb_real *real;

	if (!id)
		return NULL;
	real = bpf_map_lookup_elem(&lb_reals, &id);
	if (!real || real->family == LB_FAMILY_NONE)
		return NULL;
	return real;
}

/* Backend id in slot hash % ring_size of the VIP's ring; 0 if it has none. */
static __always_inline __u32 select_maglev(__u32 vip_id, __u32 hash)
{
	__u32 slot = hash % lb_cfg.ring_size;
	__u32 *id;
	void *ring;

	ring = bpf_map_lookup_elem(&lb_rings, &vip_id);
	if (!ring)
		return 0;
	id = bpf_map_lookup_elem(ring, &slot);
	return id ? *id : 0;
}

#endif /* LB_SELECT_H */
