/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * lb_select.h - choose a backend for a flow the table does not know, by the
 * VIP's scheduler (enum lb_scheduler): index its Maglev ring (built by
 * LoadBalancer.Core MaglevTableBuilder) with the flow hash or the client
 * address hash, take the next entry of its rr/wrr list, or compare the
 * active flows of its lc/wlc candidates. Then resolve the id in lb_reals.
 */
#ifndef LB_SELECT_H
#define LB_SELECT_H

#include <stdbool.h>
#include "lb_config.h"
#include "lb_hash.h"
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

/* maglev, maglev-src: backend id in slot hash % ring_size; 0 if none. */
static __always_inline __u32 select_ring(__u32 vip_id, __u32 hash)
{
	__u32 slot = hash % lb_cfg.ring_size;
	__u32 line = slot / LB_RING_LINE_SLOTS;
	struct lb_ring_line *entry;
	void *ring;

	ring = bpf_map_lookup_elem(&lb_rings, &vip_id);
	if (!ring)
		return 0;
	entry = bpf_map_lookup_elem(ring, &line);
	return entry ? entry->id[slot % LB_RING_LINE_SLOTS] : 0;
}

/* A scheduler's choice for one new flow, made without side effects:
 * select_commit then moves an rr/wrr cursor past it, once the flow is placed. */
struct lb_pick {
	__u32 id;		/* backend id; 0 if none */
	__u32 next;		/* the cursor's value after this pick */
	__u32 *cursor;		/* this CPU's rr/wrr cursor; NULL: none to move */
};

/* rr, wrr: the list entry at this CPU's cursor, which is to move on. */
static __always_inline void select_next(__u32 vip_id, struct lb_pick *pick)
{
	__u32 zero = 0, pos, *n, *cursor, *id;
	void *list;

	list = bpf_map_lookup_elem(&lb_schedules, &vip_id);
	cursor = bpf_map_lookup_elem(&lb_rr_cursors, &vip_id);
	if (!list || !cursor)
		return;
	n = bpf_map_lookup_elem(list, &zero);
	if (!n || !*n)
		return;
	pos = *cursor < *n ? *cursor : 0;
	pick->cursor = cursor;
	pick->next = pos + 1;
	pos += 1;
	id = bpf_map_lookup_elem(list, &pos);
	pick->id = id ? *id : 0;
}

struct select_least_ctx {
	void *list;		/* the VIP's lb_schedules entry */
	__u32 n;		/* its count */
	__u32 start;		/* first index compared: hash % n, so ties
				 * spread over the candidates */
	bool weighted;		/* wlc: flows / weight */
	__u32 best_id;
	__u64 best_flows;
	__u64 best_weight;
};

static long select_least_step(__u32 i, void *data)
{
	struct select_least_ctx *c = data;
	__u32 pos = c->start + i, id;
	struct lb_real *real;
	__u64 flows, weight;
	__u32 *entry;
	__s64 *count;

	if (pos >= c->n)
		pos -= c->n;
	pos += 1;
	entry = bpf_map_lookup_elem(c->list, &pos);
	if (!entry)
		return 1;
	id = *entry;
	real = real_get(id);
	if (!real || !real->weight)
		return 0;
	count = bpf_map_lookup_elem(&lb_real_flows, &id);
	flows = count && *count > 0 ? *count : 0;
	weight = c->weighted ? real->weight : 1;
	/* flows / weight < best_flows / best_weight, without division */
	if (!c->best_id || flows * c->best_weight < c->best_flows * weight) {
		c->best_id = id;
		c->best_flows = flows;
		c->best_weight = weight;
	}
	return 0;
}

/* lc, wlc: the candidate with the fewest active flows (per unit of weight). */
static __always_inline __u32 select_least(__u32 vip_id, __u32 hash, bool weighted)
{
	struct select_least_ctx c = { .weighted = weighted };
	__u32 zero = 0, *n;

	c.list = bpf_map_lookup_elem(&lb_schedules, &vip_id);
	if (!c.list)
		return 0;
	n = bpf_map_lookup_elem(c.list, &zero);
	if (!n || !*n)
		return 0;
	c.n = *n;
	c.start = hash % c.n;
	bpf_loop(c.n, select_least_step, &c, 0);
	return c.best_id;
}

/* What the VIP's scheduler gives a new flow, in *pick (zeroed by the caller);
 * nothing changes until select_commit. */
static __always_inline void select_pick(const struct lb_vip *vip,
					const struct lb_flow_key *flow,
					__u32 hash, struct lb_pick *pick)
{
	switch (vip->scheduler) {
	case LB_SCHED_MAGLEV:
		pick->id = select_ring(vip->id, hash);
		break;
	case LB_SCHED_MAGLEV_SRC:
		pick->id = select_ring(vip->id, hash_source(flow, lb_cfg.hash_seed));
		break;
	case LB_SCHED_RR:
	case LB_SCHED_WRR:
		select_next(vip->id, pick);
		break;
	case LB_SCHED_LC:
		pick->id = select_least(vip->id, hash, false);
		break;
	case LB_SCHED_WLC:
		pick->id = select_least(vip->id, hash, true);
		break;
	}
}

/* Move this CPU's rr/wrr cursor past the pick (nothing for other schedulers). */
static __always_inline void select_commit(const struct lb_pick *pick)
{
	if (pick->cursor)
		*pick->cursor = pick->next;
}

/* The backend id the VIP's scheduler gives a new flow; 0 if none. An rr/wrr
 * cursor moves on even then. */
static __always_inline __u32 select_real(const struct lb_vip *vip,
					 const struct lb_flow_key *flow,
					 __u32 hash)
{
	struct lb_pick pick = {};

	select_pick(vip, flow, hash, &pick);
	select_commit(&pick);
	return pick.id;
}

#endif /* LB_SELECT_H */
