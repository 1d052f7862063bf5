using System.Numerics;
using LoadBalancer.Bpf.Abi;

namespace LoadBalancer.Bpf.Objects;

/// <summary>Capacities of the balancer's maps, fixed at load time.</summary>
/// <param name="MaxVips">VIP ids below this: entries of lb_rings and lb_vip_stats; lb_vips holds twice as many (VIPs and address markers).</param>
/// <param name="MaxReals">Entries of lb_reals and lb_real_stats (backend ids below this).</param>
/// <param name="FlowTableSize">Flows the table should hold: rounded up to <see cref="FlowSlots"/>.</param>
public sealed record BalancerMapSizes(uint MaxVips, uint MaxReals, uint FlowTableSize)
{
    /// <summary>Buckets of lb_flows: a power of two, with at least <see cref="FlowTableSize"/> slots in all.</summary>
    public uint FlowBuckets => FlowBucketsFor(FlowTableSize);

    /// <summary>Slots of lb_flows, <see cref="FlowTableSize"/> rounded up to a power of two (at least <see cref="LbAbi.FlowWays"/>).</summary>
    public uint FlowSlots => FlowBuckets * (uint)LbAbi.FlowWays;

    /// <summary>The buckets a table of at least <paramref name="flows"/> slots has.</summary>
    public static uint FlowBucketsFor(uint flows)
        => BitOperations.RoundUpToPowerOf2(Math.Max(1, (flows + (uint)LbAbi.FlowWays - 1) / (uint)LbAbi.FlowWays));
}
