/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * lb_flow.h - the connection table: which backend a 5-tuple is pinned to,
 * and how many unclosed flows each backend holds (lb_real_flows).
 *
 * The table is set-associative: the flow hash (lb_hash.h, computed anyway
 * for Maglev) picks a bucket, an index line (lb_flow_index) and LB_FLOW_WAYS
 * (7) cache-line slots (lb_flows), and a flow lives in one of them or
 * nowhere. The index lines are a map of their own, an eighth of the table,
 * so that the line every miss waits for is more often in the caches and its
 * page in the TLB. The index holds each slot's tag (the flow hash, the protocol) and
 * stamp (access time, whether the client closed): a lookup compares the
 * tags and reads only the slot whose tag matches, and a placement chooses its
 * slot from the index alone, so a miss reads one line however full the
 * bucket is (and writes the slot it takes), and a hit reads two. A placement takes the slot of the
 * same 5-tuple if there is one, else a free slot, else one idle past its
 * timeout, else the least recently used of the flows the client closed, else
 * the least recently used. On this machine a flow miss on a full table costs
 * less than one on the kernel's LRU hash a third full, whose eviction was
 * most of a miss's cost (README, Benchmarks). The price is that a bucket can
 * fill before the table does: with every entry live, 7 ways displace about
 * 1% of flows at half load and 8% at 80% (Poisson bucket loads), where an
 * LRU hash displaces none until it is full; size the table generously and
 * watch the evictions counter (lb_stats). A displaced flow is placed again
 * by its VIP's scheduler, the same backend under Maglev unless the ring
 * changed meanwhile: the table is the exception list over consistent
 * hashing, as in Maglev's own design.
 *
 * Concurrency: each slot has a sequence lock, a byte of its bucket's index
 * (struct lb_flow_index). A lookup skips a slot being written. A placement
 * claims its slot with a compare-and-swap of all the bucket's locks from the
 * value it read before it chose, so of two CPUs placing flows in one bucket
 * in the same instant one fails, and that flow's next packet is placed again;
 * two placing the same new 5-tuple may each write a slot, lookups take the
 * first, the other ages out. A placement writes its slot as the packet's
 * last work (flow_fill): the line is likely not in cache, and the stores
 * wait for it in the store buffer with nothing queued behind them. The
 * in-place updates of a hit (access time, flags, stamp) take no lock: at
 * worst they land on an entry another CPU just wrote into the slot, which may
 * then carry a stray ESTABLISHED or CLOSED flag (and lb_real_flows a count
 * off by one until the recount). The lock's ordering relies on the JIT
 * keeping BPF's program order of loads and of stores, as x86-64 (TSO) does;
 * another architecture would need BPF's load-acquire and store-release
 * (kernel 6.15, clang 20).
 *
 * An entry is honoured while its backend id is still in lb_reals and it was
 * used within the idle timeout of its protocol (lb_config). The access time
 * is refreshed at most once a second (flow_stale), and a TCP entry's flags
 * are written only when they change, so a busy flow does not write its cache
 * lines on every packet.
 */
#ifndef LB_FLOW_H
#define LB_FLOW_H

#include <stdbool.h>
#include <linux/in.h>
#include "lb_config.h"
#include "lb_maps.h"
#include "lb_parse.h"

#define LB_ATIME_REFRESH_NS 1000000000ULL /* at most; half the idle timeout
						 * if that is shorter */
#define LB_STAMP_SHIFT 20

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

/* A live entry found by flow_lookup, for its in-place updates. */
struct lb_flow_ref {
	struct lb_flow *flow;	/* in its slot */
	__u32 *stamp;		/* its stamp in the bucket's index */
};

/* Whether TCP flags (0 for UDP) are a connection's opening SYN: SYN set, ACK
 * clear; a new connection's first packet or a retransmit of it. */
static __always_inline bool flow_is_syn(__u8 tcp_flags)
{
	return (tcp_flags & (LB_TCP_FLAG_SYN | LB_TCP_FLAG_ACK)) == LB_TCP_FLAG_SYN;
}

/* A flow's bucket: its index line, and where its slots start in lb_flows. */
struct lb_flow_bucket {
	struct lb_flow_index *index;	/* NULL only if the mask and the map
					 * disagree, which the loader rules out */
	__u32 first;			/* lb_flows entry of slot 0 */
};

/* The bucket of a flow with this hash in *b, its index line already
 * requested from memory: the caller has other work (the VIP lookup) to
 * overlap with the cache and TLB miss a random bucket of a large table
 * costs. */
static __always_inline void flow_bucket(__u32 hash, struct lb_flow_bucket *b)
{
	__u32 index = hash & lb_cfg.flow_bucket_mask;

	b->index = bpf_map_lookup_elem(&lb_flow_index, &index);
	b->first = index * LB_FLOW_WAYS;
	if (b->index)
		(void)LB_READ_ONCE(b->index->tag[0]);
}

/* Slot way of bucket b (an address; nothing is read); NULL only if the
 * maps disagree, which the loader rules out. */
static __always_inline struct lb_flow_slot *flow_slot(const struct lb_flow_bucket *b,
						      __u32 way)
{
	__u32 index = b->first + way;

	return bpf_map_lookup_elem(&lb_flows, &index);
}

/* The index tag of a flow of protocol proto with this hash. */
static __always_inline __u32 flow_tag(__u32 hash, __u8 proto)
{
	return (hash & ~3U) | LB_FLOW_TAG_TAKEN |
	       (proto == IPPROTO_UDP ? LB_FLOW_TAG_UDP : 0);
}

/* The index stamp of access time now (bit 0 clear: not closed). */
static __always_inline __u32 flow_stamp(__u64 now)
{
	return (__u32)(now >> LB_STAMP_SHIFT) & ~(__u32)LB_FLOW_STAMP_CLOSED;
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

/* The idle timeout of protocol proto. */
static __always_inline __u64 flow_idle_ns(__u8 proto)
{
	return proto == IPPROTO_TCP ? lb_cfg.tcp_idle_ns : lb_cfg.udp_idle_ns;
}

/* Whether an entry of protocol proto last refreshed at atime is still live. */
static __always_inline bool flow_live(__u8 proto, __u64 atime, __u64 now)
{
	/* signed: another CPU may have refreshed atime after we read now */
	return (__s64)(now - atime) <= (__s64)flow_idle_ns(proto);
}

/* Whether an entry of protocol proto last refreshed at atime is due a
 * refresh: after a second, or half its idle timeout if that is shorter, so
 * that a busy flow never outlives its entry. */
static __always_inline bool flow_stale(__u8 proto, __u64 atime, __u64 now)
{
	__u64 refresh = flow_idle_ns(proto) / 2;

	if (refresh > LB_ATIME_REFRESH_NS)
		refresh = LB_ATIME_REFRESH_NS;
	return (__s64)(now - atime) > (__s64)refresh;
}

/* Bucket b's sequence locks (lb_flow_index.seq), read before anything they
 * guard, so that a later check of a slot's byte (flow_seq_way), or a claim of
 * the word (flow_claim), fails if a writer came meanwhile. */
static __always_inline __u64 flow_seqs(const struct lb_flow_bucket *b)
{
	return LB_READ_ONCE(b->index->seq);
}

/* The sequence number of slot way in seqs (flow_seqs). */
static __always_inline __u32 flow_seq_of(__u64 seqs, __u32 way)
{
	return (seqs >> (8 * way)) & 0xff;
}

/* Slot way's sequence number in bucket b now. */
static __always_inline __u32 flow_seq_way(const struct lb_flow_bucket *b, __u32 way)
{
	return LB_READ_ONCE(((const __u8 *)&b->index->seq)[way]);
}

/*
 * The way of the slot of bucket b holding key (index tag tag), as it was
 * under sequence locks seqs (flow_seqs), and the slot in *slot; -1 if none.
 * A slot being written is passed over.
 */
static __always_inline int flow_find(const struct lb_flow_bucket *b,
				     const struct lb_flow_key *key, __u32 tag,
				     __u64 seqs, struct lb_flow_slot **slot)
{
	struct lb_flow_slot *s;

#pragma unroll
	for (int i = 0; i < LB_FLOW_WAYS; i++) {
		if (LB_READ_ONCE(b->index->tag[i]) != tag ||
		    (flow_seq_of(seqs, i) & 1))
			continue;
		s = flow_slot(b, i);
		if (s && flow_key_eq(s, key)) {
			*slot = s;
			return i;
		}
	}
	return -1;
}

/*
 * The live entry of key, whose index tag is tag, in its bucket b
 * (flow_bucket): fills *ref for in-place updates and copies the entry to
 * *seen as it was when the slot's sequence lock proved it whole. False when
 * the bucket has no entry for key, it sat idle past its protocol's timeout,
 * or a writer holds its slot.
 */
static __always_inline bool flow_lookup(const struct lb_flow_bucket *b,
					const struct lb_flow_key *key, __u32 tag,
					__u64 now, struct lb_flow_ref *ref,
					struct lb_flow *seen)
{
	struct lb_flow_slot *s = NULL;
	__u64 seqs;
	int way;

	if (!b->index)
		return false;
	seqs = flow_seqs(b);
	way = flow_find(b, key, tag, seqs, &s);
	if (way < 0 || way >= LB_FLOW_WAYS || !s)
		return false;
	seen->atime_ns = LB_READ_ONCE(s->flow.atime_ns);
	seen->real_id = LB_READ_ONCE(s->flow.real_id);
	seen->vip_id = LB_READ_ONCE(s->flow.vip_id);
	seen->flags = LB_READ_ONCE(s->flow.flags);
	if (flow_seq_way(b, way) != flow_seq_of(seqs, way) ||
	    !flow_live(key->proto, seen->atime_ns, now))
		return false;
	if (flow_stale(key->proto, seen->atime_ns, now)) {
		s->flow.atime_ns = now;
		b->index->stamp[way] = flow_stamp(now) |
			(seen->flags & LB_FLOW_CLOSED ? LB_FLOW_STAMP_CLOSED : 0);
	}
	ref->flow = &s->flow;
	ref->stamp = &b->index->stamp[way];
	return true;
}

static __always_inline void flow_count(__u32 real_id, __s64 delta)
{
	__s64 *count = bpf_map_lookup_elem(&lb_real_flows, &real_id);

	if (count)
		__sync_fetch_and_add(count, delta);
}

/* Hide x's origin from the compiler, so that arithmetic meant to be
 * branch-free is not turned back into a comparison: BPF has no conditional
 * move, so that would be a branch, and seven slots of branches are more
 * paths than the verifier walks. */
#define LB_OPAQUE(x) asm volatile("" : "+r"(x))

/* flow_choice's class bits, above any age: the highest set one decides. */
#define LB_CHOICE_CLOSED (1ULL << 32)
#define LB_CHOICE_IDLE (1ULL << 33)
#define LB_CHOICE_FREE (1ULL << 34)

/* What flow_choice compares every slot with, computed once per placement:
 * the stamp of now, and each protocol's idle timeout in stamp units. */
struct lb_flow_clock {
	__u64 tcp_limit;
	__u64 udp_limit;
	__u32 now;
};

static __always_inline void flow_clock(__u64 now, struct lb_flow_clock *c)
{
	c->tcp_limit = (lb_cfg.tcp_idle_ns >> LB_STAMP_SHIFT) + 1;
	c->udp_limit = (lb_cfg.udp_idle_ns >> LB_STAMP_SHIFT) + 1;
	c->now = flow_stamp(now);
}

/* How willingly a placement takes a slot with this index tag and stamp,
 * highest first: free, idle past its timeout, live and closed by its client
 * (kept only for the rest of the close), then live and open; within a class,
 * the longer unused first. Branch-free (LB_OPAQUE). */
static __always_inline __u64 flow_choice(__u32 tag, __u32 stamp,
					 const struct lb_flow_clock *c)
{
	__u64 udp = (tag & LB_FLOW_TAG_UDP) >> 1;
	__u64 limit, free, idle, ahead;
	/* modulo 2^32 units (52 days): a slot unused that long looks recent
	 * here until reused (lookups compare the full access time) */
	__u64 age = (__u32)(c->now - (stamp & ~(__u32)LB_FLOW_STAMP_CLOSED));

	/* another CPU may have refreshed the stamp after we read now: within
	 * 255 units ahead counts as age 0 */
	ahead = (age + 255) >> 32;
	LB_OPAQUE(udp);
	LB_OPAQUE(ahead);
	limit = c->tcp_limit ^ ((c->tcp_limit ^ c->udp_limit) & -udp);
	age &= ~(-ahead);
	free = (__u64)tag - 1;		/* bit 63 set only for tag 0 */
	idle = limit - age;		/* bit 63 set once age > limit */
	LB_OPAQUE(free);
	LB_OPAQUE(idle);
	return ((free >> 63) << 34) | ((idle >> 63) << 33) |
	       ((__u64)(stamp & LB_FLOW_STAMP_CLOSED) << 32) | age;
}

/* The slot a placement will write (flow_pick), and what it saw there. */
struct lb_flow_pick {
	__u64 best;		/* flow_choice of the slot; LB_CHOICE_FREE for
				 * the slot already holding the 5-tuple */
	__u64 seqs;		/* the bucket's locks it chose under: the
				 * claim's expected value */
	struct lb_flow_slot *slot; /* its address in lb_flows */
	__u32 way;		/* the slot */
	bool found;		/* the slot already holds the 5-tuple */
	bool claimed;		/* flow_claim took it: flow_fill must follow */
};

/*
 * Choose where key (index tag tag) goes in its bucket b: the slot that
 * already holds it, live or not (pick->found), else the slot flow_choice
 * likes best (the first of equals) among those no writer holds, from the
 * index alone: a slot is read only if its tag matches. False only without a
 * bucket.
 */
static __always_inline bool flow_pick(const struct lb_flow_bucket *b,
				      const struct lb_flow_key *key, __u32 tag,
				      __u64 now, struct lb_flow_pick *pick)
{
	__u64 choice, better, best = 0, seqs, held;
	struct lb_flow_clock clock;
	__u32 way = 0;
	int found;

	if (!b->index)
		return false;
	seqs = flow_seqs(b);
	pick->seqs = seqs;
	found = flow_find(b, key, tag, seqs, &pick->slot);
	if (found >= 0) {
		pick->way = found;
		pick->best = LB_CHOICE_FREE;
		pick->found = true;
		return true;
	}
	flow_clock(now, &clock);
#pragma unroll
	for (int i = 0; i < LB_FLOW_WAYS; i++) {
		choice = flow_choice(LB_READ_ONCE(b->index->tag[i]),
				     LB_READ_ONCE(b->index->stamp[i]), &clock);
		/* a slot a writer holds scores 0, below any other: its claim
		 * would fail, and a writer that died holding it (lbd killed
		 * mid-write) must not cost every later flow of the bucket its
		 * pin */
		held = flow_seq_of(seqs, i) & 1;
		LB_OPAQUE(held);
		choice &= held - 1;
		better = best - choice;	/* bit 63 set if choice > best */
		LB_OPAQUE(better);
		better = -(better >> 63);
		best ^= (best ^ choice) & better;
		way ^= (way ^ i) & better;
	}
	if (way >= LB_FLOW_WAYS)
		return false;
	pick->slot = flow_slot(b, way);
	pick->way = way;
	pick->best = best;
	pick->found = false;
	return true;
}

/* Take the slot flow_pick chose, if no writer held or took any slot of
 * bucket b since: its lock byte goes odd, and flow_fill must follow on every
 * path. */
static __always_inline bool flow_claim(const struct lb_flow_bucket *b,
				       struct lb_flow_pick *pick)
{
	__u64 seqs = pick->seqs;
	__u32 way = pick->way;

	if (!pick->slot || way >= LB_FLOW_WAYS || (flow_seq_of(seqs, way) & 1))
		return false;
	pick->claimed = __sync_val_compare_and_swap(&b->index->seq, seqs,
						    seqs + (1ULL << (8 * way))) == seqs;
	return pick->claimed;
}

/* What placing a flow in the slot pick chose makes of it:
 * LB_EV_NEW_FLOW_EVICTING if the slot held another live, open flow. */
static __always_inline enum lb_flow_event flow_placed(const struct lb_flow_pick *pick)
{
	return pick->best < LB_CHOICE_CLOSED ? LB_EV_NEW_FLOW_EVICTING : LB_EV_NEW_FLOW;
}

/*
 * Pin key to real_id in the slot flow_claim took, and release it. Meant as
 * the packet's last work: the slot's line is likely not in cache, and its
 * stores then wait for it in the store buffer with nothing queued behind
 * them, where anything stored after them (the packet's headers, the
 * counters) would wait too. Atomics (flow_count) come before: a locked
 * instruction would wait for them all.
 */
static __always_inline void flow_fill(const struct lb_flow_bucket *b,
				      const struct lb_flow_pick *pick,
				      const struct lb_flow_key *key,
				      __u32 tag, __u32 real_id,
				      __u32 vip_id, __u64 now)
{
	__u32 way = pick->way, next;
	struct lb_flow_slot *victim = pick->slot;

	if (!b->index || !pick->claimed || !victim || way >= LB_FLOW_WAYS)
		return;
	victim->key = *key;
	victim->flow.atime_ns = now;
	victim->flow.real_id = real_id;
	victim->flow.vip_id = vip_id;
	victim->flow.flags = 0;
	victim->flow.pad = 0;
	b->index->tag[way] = tag;
	b->index->stamp[way] = flow_stamp(now);
	/* release: the entry is written before its lock byte says so (the
	 * JIT keeps store order, and x86-64 does not reorder stores) */
	next = (flow_seq_of(pick->seqs, way) + 2) & 0xff;
	asm volatile("" ::: "memory");
	*(volatile __u8 *)&((__u8 *)&b->index->seq)[way] = next ? next : 2;
}

/* Claim a slot for the flow, replacing any older entry for the same
 * 5-tuple (for TCP, an open handshake), and count it for the backend;
 * flow_fill(pick) then writes it. A failed claim only costs the flow its pin:
 * the next packet is placed again (and counted again, until the recount).
 * Returns LB_EV_NEW_FLOW_EVICTING if the entry displaces another live, open
 * flow's, else LB_EV_NEW_FLOW. */
static __always_inline enum lb_flow_event flow_insert(const struct lb_flow_bucket *b,
						      const struct lb_flow_key *key,
						      __u32 tag, __u32 real_id,
						      __u64 now,
						      struct lb_flow_pick *pick)
{
	bool claimed = flow_pick(b, key, tag, now, pick) && flow_claim(b, pick);

	flow_count(real_id, 1);
	return claimed ? flow_placed(pick) : LB_EV_NEW_FLOW;
}

/* Claim the slot flow_pick chose for a flow it found no entry for, and count
 * the flow for real_id; flow_fill(pick) then writes it. Returns what
 * flow_placed says, or LB_EV_NONE, changing nothing, if the claim failed. */
static __always_inline enum lb_flow_event flow_insert_new(const struct lb_flow_bucket *b,
							  struct lb_flow_pick *pick,
							  __u32 real_id)
{
	if (!b->index || !flow_claim(b, pick))
		return LB_EV_NONE;
	flow_count(real_id, 1);
	return flow_placed(pick);
}

/* The client's FIN or RST ends the flow's count, once; the entry stays, so
 * the rest of the close still reaches the same backend, and its index stamp
 * says closed, so a full bucket gives it up before open flows. */
static __always_inline void flow_close(const struct lb_flow_ref *ref)
{
	if (ref->flow->flags & LB_FLOW_CLOSED)
		return;
	ref->flow->flags |= LB_FLOW_CLOSED;
	*ref->stamp |= LB_FLOW_STAMP_CLOSED;
	flow_count(ref->flow->real_id, -1);
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
static __always_inline enum lb_flow_event flow_track_tcp(const struct lb_flow_ref *ref,
							 __u8 tcp_flags)
{
	struct lb_flow *flow = ref->flow;
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
		flow_close(ref);
	return event;
}

#endif /* LB_FLOW_H */
