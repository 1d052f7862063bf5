/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * lb_maps.h - the maps of the balancer program and who writes them.
 *
 * Sizes here are placeholders: the loader sets every max_entries between open
 * and load (LoadBalancer.Bpf BalancerLoader). Types of keys and values come
 * from lb_abi.h only. Helpers that use the maps live in the header of their
 * concern, not here.
 */
#ifndef LB_MAPS_H
#define LB_MAPS_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "lb_abi.h"

/* VIPs: lb_vip_key -> lb_vip. Writer: control plane. Size: twice the VIP
 * capacity: each {addr, port, proto}, plus one marker per VIP address. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 512);
	__type(key, struct lb_vip_key);
	__type(value, struct lb_vip);
} lb_vips SEC(".maps");

/* VIP address filter: word -> 64 bits of the bitmap described at enum
 * lb_vip_filter. Writer: control plane; a bit is set before its VIP's entries
 * exist and cleared after they are gone. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, LB_VIP_FILTER_WORDS);
	__type(key, __u32);
	__type(value, __u64);
} lb_vip_filter SEC(".maps");

/* Backends: backend id -> lb_real. Writer: control plane. Size: id space;
 * id 0 is never allocated so an empty ring slot reads as "none". */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct lb_real);
} lb_reals SEC(".maps");

/* Maglev rings: VIP id -> inner array of ceil(ring_size / 32) lb_ring_line
 * (slot s in line s / 32). Writer: control plane, which fills a fresh inner
 * map and swaps it in with one update, so no packet ever sees a half-written
 * ring. Key and value are given by size: clang's BTF for an inner map's
 * value struct is only a forward declaration, which libbpf cannot size. */
struct lb_ring {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, (65537 + LB_RING_LINE_SLOTS - 1) / LB_RING_LINE_SLOTS);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(struct lb_ring_line));
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 512);
	__type(key, __u32);
	__array(values, struct lb_ring);
} lb_rings SEC(".maps");

/* Backend lists of the VIPs whose scheduler is not a maglev one: VIP id ->
 * inner array of ring_size __u32, entry 0 the count n (< ring_size), entries
 * 1..n backend ids: rr/wrr walk them in order, lc/wlc compare them. Writer:
 * control plane, swapping a whole list in with one update like lb_rings. A
 * VIP has a ring or a list; a scheduler change writes the new one before it
 * flips lb_vip.scheduler. */
struct lb_list {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 65537);
	__type(key, __u32);
	__type(value, __u32);
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 512);
	__type(key, __u32);
	__array(values, struct lb_list);
} lb_schedules SEC(".maps");

/* Where each CPU is in its rr/wrr VIPs' lists: VIP id -> per-CPU position.
 * Writer: data plane. Size: as lb_rings. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 512);
	__type(key, __u32);
	__type(value, __u32);
} lb_rr_cursors SEC(".maps");

/* Active flows per backend, what lc/wlc compare: backend id -> count. Writer:
 * data plane (atomic +1 per flow placed, -1 on the client's first FIN or RST
 * of it) and the control plane, which periodically replaces each count by a
 * recount of the live, unclosed entries of lb_flows, so flows that were
 * evicted, went idle or ended without FIN do not stay counted. Signed: a
 * decrement may land before the recount that included its flow. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, __s64);
} lb_real_flows SEC(".maps");

/* Devices packets may be redirected to: ifindex -> ifindex. Writer: control
 * plane (from inside the data plane's network namespace: devmap ifindexes are
 * resolved in the writer's). A next hop behind a device not listed here goes
 * through the kernel instead (LB_PASS_KERNEL_FWD), which can reach any device,
 * VLAN and tunnel devices included. */
struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u32);
} lb_tx_ports SEC(".maps");

/* Flow table, set-associative: flow hash & lb_config.flow_bucket_mask is a
 * bucket, whose index line is that entry of lb_flow_index and whose
 * LB_FLOW_WAYS slots are entries bucket * LB_FLOW_WAYS onwards of lb_flows
 * (lb_flow.h). Writer: data plane on a flow's first packet (and SYNs); the
 * control plane, which maps both into its memory (BPF_F_MMAPABLE), reads
 * them and frees the slots of removed backends, under the same per-slot
 * sequence lock. Size: a power of two of buckets, set by the loader; a
 * placement in a full bucket evicts the least recently used flow, closed
 * ones first (lb_flow.h). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, struct lb_flow_index);
} lb_flow_index SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 16384 * LB_FLOW_WAYS);
	__type(key, __u32);
	__type(value, struct lb_flow_slot);
} lb_flows SEC(".maps");

/* Next-hop cache: backend id -> per-CPU lb_nexthop. Writer: data plane, once
 * per lb_config.nexthop_ttl_ns per CPU and backend. Size: as lb_reals. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct lb_nexthop);
} lb_nexthops SEC(".maps");

/* Per-VIP traffic: VIP id -> per-CPU lb_stats. Writer: data plane. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 512);
	__type(key, __u32);
	__type(value, struct lb_stats);
} lb_vip_stats SEC(".maps");

/* Per-backend traffic: backend id -> per-CPU lb_stats. Writer: data plane. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct lb_stats);
} lb_real_stats SEC(".maps");

/* Exits that did not forward: enum lb_reason -> per-CPU lb_counter. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, LB_REASON_COUNT);
	__type(key, __u32);
	__type(value, struct lb_counter);
} lb_reason_stats SEC(".maps");

#endif /* LB_MAPS_H */
