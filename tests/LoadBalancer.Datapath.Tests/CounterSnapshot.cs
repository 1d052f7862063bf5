using LoadBalancer.Bpf.Abi;
using LoadBalancer.Core.Model;


namespace LoadBalancer.Datapath.Tests;

/// <summary>Summed counters at one moment: exit reasons, per-VIP and per-backend traffic.</summary>
public sealed record CounterSnapshot(
    IReadOnlyDictionary<LbReason, ulong> Reasons,
    IReadOnlyDictionary<VipKey, LbStats> Vips,
    IReadOnlyDictionary<uint, LbStats> Backends)
{
    /// <summary>Reasons whose count changed between <paramref name="before"/> and this snapshot, with the change.</summary>
    public Dictionary<LbReason, ulong> ReasonDeltas(CounterSnapshot before)
        => Reasons.Where(r => r.Value != before.Reasons[r.Key]).ToDictionary(r => r.Key, r => r.Value - before.Reasons[r.Key]);

    /// <summary>The change in one VIP's traffic.</summary>
    public LbStats VipDelta(CounterSnapshot before, VipKey vip) => Delta(Vips[vip], before.Vips.GetValueOrDefault(vip));

    /// <summary>The change in one backend's traffic.</summary>
    public LbStats BackendDelta(CounterSnapshot before, uint id) => Delta(Backends[id], before.Backends.GetValueOrDefault(id));

    private static LbStats Delta(LbStats after, LbStats before) => new()
    {
        Packets = after.Packets - before.Packets,
        Bytes = after.Bytes - before.Bytes,
        NewFlows = after.NewFlows - before.NewFlows,
        Evictions = after.Evictions - before.Evictions,
    };
}
