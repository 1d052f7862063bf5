/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * lb_flow.h - the connection table: which backend a 5-tuple is pinned to,
 * and how many unclosed flows each backend holds (lb_real_flows).
 *
 * lb_flows is set-associative: the flow hash (lb_hash.h, computed anyway for
 * Maglev) picks a bucket of LB_FLOW_WAYS cache-line slots, 512 bytes within
 * one page, and a flow lives in one of them or nowhere. A lookup is one
 * inlined array access and at most eight key compares, with no hashing or
 * locking of its own; a placement writes the slot of the same 5-tuple if the
 * bucket has one, else a free slot, else one idle past its timeout, else the
 * least recently used. On this machine that made a flow miss about a third
 * and a hit among 100k flows about 40% cheaper than the kernel's LRU hash
 * (bench/, same-session A/B), whose eviction was most of a miss's cost.
 * The price is that a bucket can fill before the table does: with every
 * entry live, 8 ways displace about 1% of flows at half load and 7% at 80%
 * (Poisson bucket loads), where an LRU hash displaces none until it is full;
 * size the table at twice the flows it must hold, and watch the evictions
 * counter (lb_stats). A displaced flow is placed again by its VIP's
 * scheduler, the same backend
 * under Maglev unless the ring changed meanwhile: the table is the exception
 * list over consistent hashing, as in Maglev's own design.
 *
 * Concurrency: each slot carries a sequence lock (struct lb_flow_slot). A
 * lookup that sees a slot being written treats it as a miss. Two CPUs
 * placing the same new 5-tuple in the same instant may both write a slot;
 * lookups take the first, and the other ages out. The in-place updates of a
 * hit (atime, flags) take no lock: at worst they land on an entry another CPU
 * just wrote into the slot, which may then carry a stray ESTABLISHED or
 * CLOSED flag (and lb_real_flows a count off by one until the recount). The lock's
 * ordering relies on the JIT keeping BPF's program order of loads and of
 * stores, as x86-64 (TSO) does; another architecture would need BPF's
 * load-acquire and store-release (kernel 6.15, clang 20).
 *
 * An entry is honoured while its backend id is still in lb_reals and it was
 * used within the idle timeout of its protocol (lb_config). The access time
 * is refreshed at most once a second, and a TCP entry's flags are written only
 * when they change, so a busy flow does not write its cache line on every
 * packet.
 */
#ifndef LB_FLOW_H
#define LB_FLOW_H

#include <stdbool.h>
#include <linux/in.h>
#include "lb_config.h"
#include "lb_maps.h"
#include "lb_parse.h"

#define LB_ATIME_REFRESH_NS 1000000000ULL

#define LB_READ_ONCE(x) (*(const volatile typeof(x) *)&(x))

/* What the flow table made of a packet, for its VIP's and backend's lb_stats. */
enum lb_flow_event {
	LB_EV_NONE = 0,		/* a hit, nothing to count beyond the packet */
	LB_EV_NEW_FLOW,		/* placed: new_flows */
	LB_EV_NEW_FLOW_EVICTING, /* placed over the entry of another live
				 * flow the client had not closed: new_flows
				 * and evictions */
	LB_EV_SYN_RETRANSMIT,	/* syn_retransmits (flow_track_tcp) */
	LB_EV_FRESH_RST,	/* fresh_rsts (flow_track_tcp) */
};

/* Whether TCP flags (0 for UDP) are a connection's opening SYN: SYN set, ACK
 * clear; a new connection's first packet or a retransmit of it. */
static __always_inline bool flow_is_syn(__u8 tcp_flags)
{
	return (tcp_flags & (LB_TCP_FLAG_SYN | LB_TCP_FLAG_ACK)) == LB_TCP_FLAG_SYN;
}

/* The bucket of a flow with this hash, its first line already requested
 * from memory: the caller has other work (the VIP lookup) to overlap with
 * the cache and TLB miss a random bucket of a large table costs. NULL only
 * if the mask and the map disagree, which the loader rules out. */
static __always_inline struct lb_flow_bucket *flow_bucket(__u32 hash)
{
	__u32 index = hash & lb_cfg.flow_bucket_mask;
	struct lb_flow_bucket *b = bpf_map_lookup_elem(&lb_flows, &index);

	if (b)
		(void)LB_READ_ONCE(b->slot[0].seq);
	return b;
}

/* Whether slot s holds key (8-aligned, pads zero): five 8-byte compares. */
static __always_inline bool flow_key_eq(const struct lb_flow_slot *s,
					const struct lb_flow_key *key)
{
	const volatile __u64 *a = (const volatile __u64 *)&s->key;
	const __u64 *b = (const __u64 *)key;

	return ((a[0] ^ b[0]) | (a[1] ^ b[1]) | (a[2] ^ b[2]) | (a[3] ^ b[3]) |
		(a[4] ^ b[4])) == 0;
}

/* Whether an entry of protocol proto last refreshed at atime is still live. */
static __always_inline bool flow_live(__u8 proto, __u64 atime, __u64 now)
{
	__u64 idle = proto == IPPROTO_TCP ? lb_cfg.tcp_idle_ns : lb_cfg.udp_idle_ns;

	/* signed: another CPU may have refreshed atime after we read now */
	return (__s64)(now - atime) <= (__s64)idle;
}

/*
 * The live entry of key in its bucket b (flow_bucket): returns the slot's
 * flow, for in-place updates, and copies it to *seen as it was when the
 * slot's sequence lock proved it whole. NULL when the bucket has no entry
 * for key, it sat idle past its protocol's timeout, or a writer holds its
 * slot. Slots are first written in order (a placement takes the first free
 * one), so the never-written ones (seq 0) are a suffix: the walk ends at
 * the first, and a bucket that is not full costs only its used lines.
 */
static __always_inline struct lb_flow *flow_lookup(struct lb_flow_bucket *b,
						   const struct lb_flow_key *key,
						   __u64 now, struct lb_flow *seen)
{
	struct lb_flow_slot *s;
	__u32 seq;

	if (!b)
		return NULL;
#pragma unroll
	for (int i = 0; i < LB_FLOW_WAYS; i++) {
		s = &b->slot[i];
		seq = LB_READ_ONCE(s->seq);
		if (seq == 0)
			return NULL;
		/* a slot being written holds no entry yet: look further */
		if ((seq & 1) || !flow_key_eq(s, key))
			continue;
		seen->atime_ns = LB_READ_ONCE(s->flow.atime_ns);
		seen->real_id = LB_READ_ONCE(s->flow.real_id);
		seen->vip_id = LB_READ_ONCE(s->flow.vip_id);
		seen->flags = LB_READ_ONCE(s->flow.flags);
		if (LB_READ_ONCE(s->seq) != seq ||
		    !flow_live(key->proto, seen->atime_ns, now))
			return NULL;
		if ((__s64)(now - seen->atime_ns) > (__s64)LB_ATIME_REFRESH_NS)
			s->flow.atime_ns = now;
		return &s->flow;
	}
	return NULL;
}

static __always_inline void flow_count(__u32 real_id, __s64 delta)
{
	__s64 *count = bpf_map_lookup_elem(&lb_real_flows, &real_id);

	if (count)
		__sync_fetch_and_add(count, delta);
}

/* flow_rank's mark of a live flow the client has not closed. */
#define LB_RANK_OPEN (1ULL << 63)

/* How willingly a placement takes slot s, lowest first: 0 free, 1 idle past
 * its timeout, then live entries the client closed (kept only for the rest of
 * the close), then open ones (LB_RANK_OPEN set), each by access time, older
 * first. CLOCK_MONOTONIC_COARSE stays below 2^63 ns. */
static __always_inline __u64 flow_rank(const struct lb_flow_slot *s, __u64 now)
{
	__u64 atime = LB_READ_ONCE(s->flow.atime_ns);

	if (LB_READ_ONCE(s->key.family) == LB_FAMILY_NONE)
		return 0;
	if (!flow_live(LB_READ_ONCE(s->key.proto), atime, now))
		return 1;
	if (LB_READ_ONCE(s->flow.flags) & LB_FLOW_CLOSED)
		return atime;
	return atime | LB_RANK_OPEN;
}

/*
 * Pin key to real_id in a slot of its bucket b: the slot that already holds
 * key, live or not, unless only_new, when such a slot leaves everything
 * unchanged; else the bucket's most willing slot (flow_rank), the first of
 * equals, so that never-written slots stay a suffix (flow_lookup). Slots
 * another writer holds are passed over. Returns LB_EV_NEW_FLOW_EVICTING if
 * the slot held another live, open flow, LB_EV_NEW_FLOW if not, and
 * LB_EV_NONE if it wrote nothing: when another writer took the slot first,
 * or holds all eight, which costs the flow its pin (its next packet is
 * placed again, by Maglev on the same backend, by rr/wrr/lc/wlc maybe not).
 */
static __always_inline enum lb_flow_event flow_write(struct lb_flow_bucket *b,
				       const struct lb_flow_key *key,
				       __u32 real_id, __u32 vip_id, __u64 now,
				       bool only_new)
{
	struct lb_flow_slot *s, *victim = NULL;
	__u64 rank, victim_rank = ~0ULL;
	__u32 seq, victim_seq = 1;

	if (!b)
		return LB_EV_NONE;
#pragma unroll
	for (int i = 0; i < LB_FLOW_WAYS; i++) {
		s = &b->slot[i];
		seq = LB_READ_ONCE(s->seq);
		if (seq & 1)
			continue;
		if (flow_key_eq(s, key)) {
			if (only_new)
				return LB_EV_NONE;
			victim = s;
			victim_rank = 0;
			victim_seq = seq;
			break;
		}
		rank = flow_rank(s, now);
		if (rank < victim_rank) {
			victim_rank = rank;
			victim = s;
			victim_seq = seq;
		}
		if (seq == 0)
			break;
	}
	if (!victim ||
	    __sync_val_compare_and_swap(&victim->seq, victim_seq, victim_seq + 1) != victim_seq)
		return LB_EV_NONE;
	victim->key = *key;
	victim->flow.atime_ns = now;
	victim->flow.real_id = real_id;
	victim->flow.vip_id = vip_id;
	victim->flow.flags = 0;
	victim->flow.pad = 0;
	/* release: key and flow are written before seq says so (the JIT keeps
	 * store order, and x86-64 does not reorder stores) */
	asm volatile("" ::: "memory");
	/* 0 means never written: a wrap skips it */
	*(volatile __u32 *)&victim->seq = victim_seq + 2 ? victim_seq + 2 : 2;
	return victim_rank & LB_RANK_OPEN ? LB_EV_NEW_FLOW_EVICTING : LB_EV_NEW_FLOW;
}

/* Pin the flow to real_id, replacing any older entry for the same 5-tuple
 * (for TCP, an open handshake), and count it for the backend. A failed
 * write only costs the flow its pin: the next packet is placed again (and
 * counted again, until the recount). Returns LB_EV_NEW_FLOW_EVICTING if the
 * entry displaced another live flow's, else LB_EV_NEW_FLOW. */
static __always_inline enum lb_flow_event flow_insert(struct lb_flow_bucket *b,
						      const struct lb_flow_key *key,
						      __u32 real_id, __u32 vip_id,
						      __u64 now)
{
	enum lb_flow_event event = flow_write(b, key, real_id, vip_id, now, false);

	flow_count(real_id, 1);
	return event == LB_EV_NONE ? LB_EV_NEW_FLOW : event;
}

/* Pin the flow to real_id only if its bucket holds no entry for its 5-tuple,
 * live or not (one pass over the bucket, no lookup before), and then count
 * it. Returns what flow_write did; on LB_EV_NONE nothing changed. */
static __always_inline enum lb_flow_event flow_insert_new(struct lb_flow_bucket *b,
							  const struct lb_flow_key *key,
							  __u32 real_id, __u32 vip_id,
							  __u64 now)
{
	enum lb_flow_event event = flow_write(b, key, real_id, vip_id, now, true);

	if (event != LB_EV_NONE)
		flow_count(real_id, 1);
	return event;
}

/* The client's FIN or RST ends the flow's count, once; the entry stays, so
 * the rest of the close still reaches the same backend. */
static __always_inline void flow_close(struct lb_flow *flow)
{
	if (flow->flags & LB_FLOW_CLOSED)
		return;
	flow->flags |= LB_FLOW_CLOSED;
	flow_count(flow->real_id, -1);
}

/*
 * Follow a TCP flow through a client packet (its TCP flags byte) on its live
 * entry. Under DSR only the client's side is seen, so its packets tell
 * whether the backend answered. While the handshake is open (neither
 * ESTABLISHED nor CLOSED): a SYN with ACK clear repeats an unanswered SYN, a
 * RST abandons the handshake, and a packet with neither SYN nor RST
 * acknowledges the backend's SYN-ACK and sets ESTABLISHED, once. Then a FIN
 * or RST closes the flow (flow_close). Returns LB_EV_SYN_RETRANSMIT,
 * LB_EV_FRESH_RST or LB_EV_NONE.
 */
static __always_inline enum lb_flow_event flow_track_tcp(struct lb_flow *flow,
							 __u8 tcp_flags)
{
	enum lb_flow_event event = LB_EV_NONE;

	if (!(flow->flags & (LB_FLOW_ESTABLISHED | LB_FLOW_CLOSED))) {
		if (flow_is_syn(tcp_flags))
			event = LB_EV_SYN_RETRANSMIT;
		else if (tcp_flags & LB_TCP_FLAG_RST)
			event = LB_EV_FRESH_RST;
		else if (!(tcp_flags & LB_TCP_FLAG_SYN))
			flow->flags |= LB_FLOW_ESTABLISHED;
	}
	if (tcp_flags & (LB_TCP_FLAG_FIN | LB_TCP_FLAG_RST))
		flow_close(flow);
	return event;
}

#endif /* LB_FLOW_H */
