using System.Numerics;
using LoadBalancer.Bpf.Abi;

namespace LoadBalancer.Bpf.Objects;

/// <summary>Capacities of the balancer's maps, fixed at load time.</summary>
/// <param name="MaxVips">VIP ids below this: entries of lb_rings and lb_vip_stats; lb_vips holds twice as many (VIPs and address markers).</param>
/// <param name="MaxReals">Entries of lb_reals and lb_real_stats (backend ids below this).</param>
/// <param name="FlowTableSize">Sizes the flow table in 64-byte units: rounded up to a power of two P (at least 8), it gets P/8 buckets, each an index line in lb_flow_index and <see cref="LbAbi.FlowWays"/> slots in lb_flows.</param>
public sealed record BalancerMapSizes(uint MaxVips, uint MaxReals, uint FlowTableSize)
{
    /// <summary>64-byte units of <see cref="FlowTableSize"/> per bucket: its index line and its slots.</summary>
    public const uint FlowUnitsPerBucket = 8;

    /// <summary>Buckets (entries of lb_flow_index): <see cref="FlowTableSize"/> rounded up to a power of two, over <see cref="FlowUnitsPerBucket"/>.</summary>
    public uint FlowBuckets => BitOperations.RoundUpToPowerOf2(Math.Max(FlowTableSize, FlowUnitsPerBucket)) / FlowUnitsPerBucket;
}
