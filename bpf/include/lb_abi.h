/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * lb_abi.h - the contract between the BPF programs and the C# control plane.
 *
 * Every byte that crosses the kernel boundary is declared here and only here:
 * map keys and values, the load-time configuration in .rodata and the enums
 * whose values the control plane reads or writes. LoadBalancer.Bpf/Abi mirrors
 * each type one file per type, and AbiLayoutTests proves sizes, offsets and
 * enum values equal by compiling static asserts against this header; a new
 * lb_* type without a C# mirror fails that test.
 *
 * Data only: no functions, no maps, no includes beyond <linux/types.h>, so both
 * the BPF build and a plain `clang -fsyntax-only` compile it. Every hole is an
 * explicit zeroed pad, because keys are hashed byte by byte.
 */
#ifndef LB_ABI_H
#define LB_ABI_H

#include <linux/types.h>

/* Bumped on any change below; pinned state from another version is refused. */
enum lb_abi {
	LB_ABI_VERSION = 8,
	LB_FLOW_WAYS = 7,	/* slots per flow-table bucket */
	LB_RING_LINE_SLOTS = 32, /* Maglev ring slots per lb_ring_line */
};

/* Address family tag in keys and values. Not AF_*: zero means "no entry". */
enum lb_family {
	LB_FAMILY_NONE = 0,
	LB_FAMILY_IPV4 = 4,
	LB_FAMILY_IPV6 = 6,
};

/*
 * Why a packet left the balancer without being forwarded, or which special
 * path it took. Index of lb_reason_stats; exported as the metric label
 * `reason`. LB_PASS_* end in XDP_PASS, LB_DROP_* in XDP_DROP.
 */
enum lb_reason {
	LB_PASS_NOT_IP = 0,	/* ARP, LLDP, QinQ, any non-IP ethertype */
	LB_PASS_NOT_VIP,	/* IP traffic for an address that is no VIP */
	LB_PASS_KERNEL_FWD,	/* encapsulated, then handed to the kernel to
				 * forward: neighbour unresolved, tagged frame
				 * without fallback MAC, or an egress device not
				 * in lb_tx_ports (also counted as forwarded) */
	LB_DROP_ETH_TRUNC,	/* shorter than an Ethernet (+ VLAN) header */
	LB_DROP_IP_TRUNC,	/* IPv4 header (with options) or IPv6 header cut */
	LB_DROP_IP_VERSION,	/* version field does not match the ethertype */
	LB_DROP_IP_IHL,		/* IPv4 IHL below 5 */
	LB_DROP_IP_LEN,		/* IP length field beyond the frame or below IHL */
	LB_DROP_TCP_TRUNC,	/* TCP header cut short */
	LB_DROP_UDP_TRUNC,	/* UDP header cut short */
	LB_DROP_VIP_FRAGMENT,	/* IP fragment for a VIP address: no ports */
	LB_DROP_VIP_UNSERVED,	/* VIP address, but no VIP for this protocol and
				 * port (ICMP included): nothing here serves it,
				 * and the kernel would route it back out */
	LB_DROP_NO_REAL,	/* VIP has no ring or the slot names no backend */
	LB_DROP_NO_ROUTE,	/* no usable route to the backend: none and no
				 * fallback MAC, or blackhole/unreachable/prohibit */
	LB_DROP_FRAG_NEEDED,	/* encapsulated packet exceeds the egress MTU */
	LB_DROP_ENCAP,		/* no headroom for the outer header */
	LB_REASON_COUNT,
};

/*
 * The VIP address filter (lb_vip_filter) answers "is this destination possibly a VIP?" with one
 * inlined array read, so traffic for the box itself passes after one bit test instead of two
 * hash lookups. An address sets bit `slot` where, with a0..a3 the address's four 32-bit words
 * as the BPF target loads them (little-endian reads of network-order bytes; IPv4 in a0, the
 * rest zero): slot = ((a0 ^ a1 ^ a2 ^ a3) * 0x9e3779b1) >> (32 - LB_VIP_FILTER_BITS);
 * the bit is (slot % 64) of word slot / 64.
 */
enum lb_vip_filter {
	LB_VIP_FILTER_BITS = 16,
	LB_VIP_FILTER_WORDS = (1 << LB_VIP_FILTER_BITS) / 64,
};

/* Exits of the backend-side decapsulation program; index of lb_decap_stats. */
enum lb_decap_reason {
	LB_DECAP_PASS_OTHER = 0, /* not IPIP: handed up untouched */
	LB_DECAP_IPV4_OUTER,	 /* outer IPv4 stripped */
	LB_DECAP_IPV6_OUTER,	 /* outer IPv6 stripped */
	LB_DECAP_DROP_TRUNC,	 /* tunnel packet too short for its headers */
	LB_DECAP_DROP_FOREIGN,	 /* tunnel packet from outside the balancers'
				  * outer source prefixes (lb_decap_config) */
	LB_DECAP_DROP_CE_NOT_ECT, /* outer marked CE, inner Not-ECT: the mark
				   * cannot be passed on (RFC 6040 4.2) */
	LB_DECAP_REASON_COUNT,
};

/*
 * Load-time configuration, the only variable in section .rodata.config.
 * Written by the loader between open and load; the verifier then treats it
 * as constant and prunes what is switched off.
 */
struct lb_config {
	__u32 abi_version;	/* LB_ABI_VERSION of the loader that wrote it */
	__u32 ring_size;	/* Maglev slots per VIP (prime); lb_rings inner
				 * maps hold ceil(ring_size / 32) lb_ring_lines */
	__u64 tcp_idle_ns;	/* TCP flow entry unused this long is a miss */
	__u64 udp_idle_ns;	/* same for UDP */
	__u64 nexthop_ttl_ns;	/* a resolved next hop is reused this long per CPU
				 * (lb_nexthops); 0 = bpf_fib_lookup per packet */
	__u32 hash_seed;	/* flow hash seed; equal on every node of a fleet */
	__be32 src4;		/* outer IPv4 source prefix, network order */
	__be32 src4_hostmask;	/* bits of src4 taken from the flow hash */
	__be32 src6[4];		/* outer IPv6 source prefix, network order */
	__be32 src6_hostmask;	/* bits of src6[3] taken from the flow hash */
	__u16 mtu;		/* max outer L3 length via the fallback MAC; 0 = any */
	__u8 fallback_mac[6];	/* next hop when bpf_fib_lookup has no answer;
				 * all zero = none */
	__u32 flow_bucket_mask;	/* lb_flow_index entries (buckets) - 1, a
				 * power of two: a flow's bucket is its
				 * hash & this */
	__u32 pad;		/* zero */
};
_Static_assert(sizeof(struct lb_config) == 80, "lb_config ABI");

/*
 * Key of lb_vips. Written by the control plane. Besides one entry per VIP,
 * each VIP address has a marker entry with port 0 and proto
 * LB_VIP_PROTO_ADDRESS (value unused): packets for that address that match no
 * VIP are dropped (LB_DROP_VIP_UNSERVED), not passed up to a kernel that would
 * route them back out.
 */
enum lb_vip_proto {
	LB_VIP_PROTO_ADDRESS = 0,
};

struct lb_vip_key {
	__be32 addr[4];		/* IPv4 in addr[0], rest zero */
	__be16 port;		/* network order; 0 = any port */
	__u8 proto;		/* IPPROTO_TCP or IPPROTO_UDP */
	__u8 family;		/* enum lb_family */
};
_Static_assert(sizeof(struct lb_vip_key) == 20, "lb_vip_key ABI");

/*
 * How a VIP places a flow the table does not know; lb_vip.scheduler. The
 * maglev ones index the VIP's ring in lb_rings, the others read the VIP's
 * list in lb_schedules: entry 0 is the count n, entries 1..n backend ids.
 */
enum lb_scheduler {
	LB_SCHED_MAGLEV = 0,	/* ring[hash(5-tuple) % ring_size] */
	LB_SCHED_MAGLEV_SRC,	/* ring[hash(client address) % ring_size] */
	LB_SCHED_RR,		/* list[per-CPU cursor]: each backend once */
	LB_SCHED_WRR,		/* list[per-CPU cursor]: smooth weighted period */
	LB_SCHED_LC,		/* the listed backend with fewest lb_real_flows */
	LB_SCHED_WLC,		/* ... fewest lb_real_flows / lb_real.weight */
	LB_SCHED_COUNT,
};

/* Value of lb_vips. */
struct lb_vip {
	__u32 id;		/* index of lb_rings, lb_schedules, lb_vip_stats */
	__u8 scheduler;		/* enum lb_scheduler */
	__u8 pad[3];		/* zero */
};
_Static_assert(sizeof(struct lb_vip) == 8, "lb_vip ABI");

/*
 * Value of a Maglev ring (an inner map of lb_rings): LB_RING_LINE_SLOTS
 * consecutive ring slots, each the backend id it sends flows to (0: none).
 * Slot s is id[s % LB_RING_LINE_SLOTS] of line s / LB_RING_LINE_SLOTS; lanes
 * past the last slot are 0. Packed because an array map stores each value
 * in 8 bytes at least: a ring of 65537 __u32 values took 512 KiB per VIP,
 * and a flow miss read it at a random place; as 16-bit ids in one cache
 * line per 32 slots it takes 128 KiB. Ids fit: backend ids are below
 * node.max_backends, at most 65536.
 */
struct lb_ring_line {
	__u16 id[LB_RING_LINE_SLOTS];
};
_Static_assert(sizeof(struct lb_ring_line) == 64, "lb_ring_line ABI");

/* Value of lb_reals, indexed by backend id. Id 0 is never allocated. */
struct lb_real {
	__be32 addr[4];		/* IPv4 in addr[0], rest zero; network order */
	__u32 vip_id;		/* the VIP it serves (ids are per VIP); read by
				 * the control plane only, to rebuild its state */
	__u8 family;		/* enum lb_family; NONE = id not in use */
	__u8 pad;		/* zero */
	__u16 weight;		/* effective weight (0 while drained), for wlc */
};
_Static_assert(sizeof(struct lb_real) == 24, "lb_real ABI");

/* A flow's identity in lb_flows: the 5-tuple as the client sent it. */
struct lb_flow_key {
	__be32 src[4];		/* client address; IPv4 in src[0] */
	__be32 dst[4];		/* VIP address; IPv4 in dst[0] */
	__be16 sport;		/* network order */
	__be16 dport;		/* network order */
	__u8 proto;		/* IPPROTO_TCP or IPPROTO_UDP */
	__u8 family;		/* enum lb_family */
	__u8 pad[2];		/* zero */
};
_Static_assert(sizeof(struct lb_flow_key) == 40, "lb_flow_key ABI");

/*
 * lb_flow.flags: bits the data plane sets on an entry and never clears. A flow
 * placed (again) gets a new entry with flags 0: for TCP, its handshake open.
 */
enum lb_flow_flag {
	LB_FLOW_CLOSED = 1,	/* the client sent FIN or RST: no longer counted
				 * in lb_real_flows */
	LB_FLOW_ESTABLISHED = 2, /* TCP only: a client packet with neither SYN
				 * nor RST arrived before CLOSED, i.e. the ACK
				 * completing the handshake, which proves the
				 * client got the backend's SYN-ACK */
};

/* Where a flow is pinned. Written by the data plane on a flow's first packet. */
struct lb_flow {
	__u64 atime_ns;		/* CLOCK_MONOTONIC_COARSE of the last refresh */
	__u32 real_id;		/* backend the flow is pinned to */
	__u16 vip_id;		/* VIP the flow matched (max_vips <= 65536) */
	__u8 flags;		/* enum lb_flow_flag */
	__u8 pad;		/* zero */
};
_Static_assert(sizeof(struct lb_flow) == 16, "lb_flow ABI");

/*
 * Value of lb_flows: one entry of the flow table (lb_flow.h), a cache line.
 * Bucket b's slots are entries b * LB_FLOW_WAYS .. b * LB_FLOW_WAYS + 6,
 * each under the sequence lock its bucket's index keeps for it
 * (lb_flow_index.seq). A slot whose key.family is LB_FAMILY_NONE is free.
 */
struct lb_flow_slot {
	struct lb_flow_key key;
	struct lb_flow flow;
	__u64 pad;		/* zero */
};
_Static_assert(sizeof(struct lb_flow_slot) == 64, "lb_flow_slot ABI");

/* Bits of lb_flow_index.tag besides those of the flow hash. */
enum lb_flow_tag_bit {
	LB_FLOW_TAG_TAKEN = 1,	/* on every written slot's tag: 0 means free */
	LB_FLOW_TAG_UDP = 2,	/* the slot's flow is UDP (its idle timeout) */
};

/* Bits of lb_flow_index.stamp besides those of the access time. */
enum lb_flow_stamp_bit {
	LB_FLOW_STAMP_CLOSED = 1, /* the flow's client sent FIN or RST */
};

/*
 * Value of lb_flow_index: a bucket's index line, what a lookup or a
 * placement reads before any slot, so that a miss costs one cache line, not
 * one per slot. The index lines live in a map of their own, an eighth of the
 * table's memory, so that the line a miss waits for comes from a region the
 * caches and the TLB can hold (8 MiB, 2048 pages, for the default table)
 * rather than from anywhere in it. tag and stamp
 * are a hint kept by the slots' writers (under the slot's lock) and by hits
 * (the stamp); the slot itself is the truth.
 *
 * seq holds the slots' sequence locks, byte i (in memory order) for slot i,
 * byte 7 zero: even while the slot is stable, odd while a writer (data or
 * control plane) owns it. A writer reads seq, chooses, and takes its slot
 * with one compare-and-swap of the whole word from the value it read, its
 * byte + 1 (so it fails if any slot of the bucket changed since); it writes
 * the slot, its tag and stamp, and releases by storing that byte + 2 (2, not
 * 0, when it wraps: 0 means never written) after its other stores. A reader
 * trusts a slot only if its byte was even before and equal after. The lock
 * sits in the index line, not the slot, so that a placement, which has the
 * index in cache, claims without waiting for the slot's line: its writes to
 * the slot can complete while the packet goes on. The price of a byte: a
 * reader stalled while about 128 writes (or a multiple) land in its slot
 * would take a torn entry for whole. The data plane's readers run without
 * preemption; lbd's could be preempted, but at 10 million new flows a second
 * a slot of the default table takes 128 of them in about ten seconds.
 */
struct lb_flow_index {
	__u32 tag[LB_FLOW_WAYS];	/* per slot: 0 free, else the flow hash
					 * with its two low bits replaced by
					 * enum lb_flow_tag_bit */
	__u32 stamp[LB_FLOW_WAYS];	/* per slot: access time >> 20 (units of
					 * about 1 ms), bit 0 replaced by enum
					 * lb_flow_stamp_bit */
	__u64 seq;			/* per slot, one byte: sequence lock */
};
_Static_assert(sizeof(struct lb_flow_index) == 64, "lb_flow_index ABI");

/*
 * Where packets for a backend leave, and the per-CPU value of lb_nexthops (indexed by backend
 * id), where the data plane caches it for lb_config.nexthop_ttl_ns. Written by the data plane;
 * the control plane only reads it (lbctl explain).
 */
struct lb_nexthop {
	__be32 addr[4];		/* backend address the entry was resolved for */
	__u64 expires_ns;	/* CLOCK_MONOTONIC_COARSE; 0 = empty */
	__u32 ifindex;		/* egress device: XDP_TX when it is the ingress one */
	__u32 ingress_ifindex;	/* device the entry was resolved for */
	__u16 mtu;		/* largest outer L3 length; 0 = unchecked */
	__u8 dmac[6];		/* next hop */
	__u8 smac[6];		/* egress device */
	__u8 pad[2];		/* zero */
};
_Static_assert(sizeof(struct lb_nexthop) == 48, "lb_nexthop ABI");

/*
 * Load-time configuration of lb_xdp_decap, the only variable in its section
 * .rodata.config: tunnel packets are accepted only from these outer source
 * prefixes. The defaults in decap.bpf.c equal the balancer's default
 * outer_source_v4/v6, so an object loaded by iproute2 works with them.
 */
struct lb_decap_config {
	__be32 src4;		/* IPv4 outer source prefix, network order */
	__be32 src4_mask;	/* its netmask, network order */
	__be32 src6[4];		/* IPv6 outer source prefix */
	__be32 src6_mask[4];	/* its netmask */
};
_Static_assert(sizeof(struct lb_decap_config) == 40, "lb_decap_config ABI");

/*
 * Per-CPU value of lb_vip_stats and lb_real_stats. syn_retransmits and
 * fresh_rsts are the passive health signal: under DSR the balancer sees only
 * the client's side, and a backend that does not answer shows as clients
 * repeating or abandoning their handshakes. Both count forwarded TCP packets
 * on a live flow entry whose handshake is open (flags neither ESTABLISHED nor
 * CLOSED); neither counts the entry's first packet.
 */
struct lb_stats {
	__u64 packets;		/* packets forwarded */
	__u64 bytes;		/* their length as received, L2 included */
	__u64 new_flows;	/* flow-table entries created */
	__u64 syn_retransmits;	/* SYNs (ACK clear) on an open handshake: the
				 * client repeats a SYN the backend left
				 * unanswered */
	__u64 fresh_rsts;	/* client RSTs on an open handshake, which they
				 * close: the client gave up on it, e.g. on a
				 * SYN-ACK that came after its connect timed
				 * out; at most one per flow entry */
	__u64 evictions;	/* new_flows whose entry displaced that of
				 * another live flow the client had not closed
				 * (a full bucket of lb_flows): the table is
				 * short of slots */
};
_Static_assert(sizeof(struct lb_stats) == 48, "lb_stats ABI");

/* Per-CPU value of lb_reason_stats and lb_decap_stats. */
struct lb_counter {
	__u64 packets;
	__u64 bytes;		/* length as received, L2 included */
};
_Static_assert(sizeof(struct lb_counter) == 16, "lb_counter ABI");

#endif /* LB_ABI_H */
