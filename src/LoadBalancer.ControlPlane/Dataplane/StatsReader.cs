using LoadBalancer.Bpf.Abi;
using LoadBalancer.Bpf.Objects;
using LoadBalancer.Core.Api;
using LoadBalancer.Core.Config;

namespace LoadBalancer.ControlPlane.Dataplane;

/// <summary>The data plane's counters, read from its per-CPU maps and summed, for lbctl stats and the metrics.</summary>
public static class StatsReader
{
    /// <summary>The metric label and lbctl name of a reason: <c>drop_ip_len</c>.</summary>
    public static string ReasonName(LbReason reason) => ConfigNames.Key(reason.ToString());

    /// <summary>Whether a reason's packets are dropped (the rest pass).</summary>
    public static bool IsDrop(LbReason reason) => reason >= LbReason.DropEthTrunc;

    /// <summary>Every counter now. Counting the flow table costs a few syscalls per 64 Ki entries.</summary>
    public static StatsResponse Read(BalancerObject balancer, ReconcilerState state, DateTimeOffset at)
    {
        var vips = new List<VipStats>();
        var backendsOf = state.Plan.Backends.ToLookup(b => b.Value.Vip);
        foreach (var vip in state.Spec.Vips)
        {
            var drained = vip.Backends.ToDictionary(b => b.Address, b => b.Drained);
            var backends = backendsOf[vip.Key]
                .OrderBy(b => b.Key)
                .Select(b =>
                {
                    var total = LbStats.Sum(balancer.RealStats.Lookup(b.Key));
                    var active = ActiveFlows(balancer, b.Key);
                    return new BackendStats(b.Value.Address.ToString(), drained[b.Value.Address], Traffic(total), active,
                        (long)total.SynRetransmits, (long)total.FreshRsts);
                })
                .ToList();
            var vipTotal = LbStats.Sum(balancer.VipStats.Lookup(state.Plan.Vips[vip.Key]));
            vips.Add(new VipStats(vip.Key.ToString(), Traffic(vipTotal), (long)vipTotal.SynRetransmits, (long)vipTotal.FreshRsts, (long)vipTotal.Evictions, backends));
        }
        var reasons = Enum.GetValues<LbReason>()
            .Where(r => r != LbReason.Count)
            .Select(r =>
            {
                var total = LbCounter.Sum(balancer.ReasonStats.Lookup((uint)r));
                return new ReasonCount(ReasonName(r), IsDrop(r) ? "drop" : "pass", total.Packets, total.Bytes);
            })
            .ToList();
        var flows = new FlowTable(balancer);
        return new StatsResponse(at, vips, reasons, flows.Count(), flows.Capacity);
    }

    /// <summary>Backend <paramref name="id"/>'s active flows (lb_real_flows); 0 when it has none or a recount raced the count below 0.</summary>
    public static long ActiveFlows(BalancerObject balancer, uint id)
        => balancer.RealFlows.TryLookup(id, out var count) ? Math.Max(0, count) : 0;

    private static Traffic Traffic(LbStats total) => new(total.Packets, total.Bytes, total.NewFlows);
}
