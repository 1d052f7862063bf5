using System.Numerics;
using LoadBalancer.Bpf.Abi;

namespace LoadBalancer.Bpf.Objects;

/// <summary>Capacities of the balancer's maps, fixed at load time.</summary>
/// <param name="MaxVips">VIP ids below this: entries of lb_rings and lb_vip_stats; lb_vips holds twice as many (VIPs and address markers).</param>
/// <param name="MaxReals">Entries of lb_reals and lb_real_stats (backend ids below this).</param>
/// <param name="FlowTableSize">Sizes the flow table: rounded up to a power of two P (at least 8), it gets P/8 buckets of 512 bytes, <see cref="LbAbi.FlowWays"/> slots each.</param>
public sealed record BalancerMapSizes(uint MaxVips, uint MaxReals, uint FlowTableSize)
{
    private const uint BucketBytes = 512;
    private const uint SlotBytes = 64;

    /// <summary>Buckets of lb_flows: a power of two.</summary>
    public uint FlowBuckets => FlowBucketsFor(FlowTableSize);

    /// <summary>Slots of lb_flows: flows it can hold.</summary>
    public uint FlowSlots => FlowBuckets * (uint)LbAbi.FlowWays;

    /// <summary>The buckets for a <paramref name="flowTableSize"/>: the size rounded up to a power of two, in 64-byte units, in 512-byte buckets.</summary>
    public static uint FlowBucketsFor(uint flowTableSize)
        => BitOperations.RoundUpToPowerOf2(Math.Max(flowTableSize, BucketBytes / SlotBytes)) / (BucketBytes / SlotBytes);
}
