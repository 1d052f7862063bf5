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
        foreach (var vip in state.Spec.Vips)
        {
            var vipId = state.Plan.Vips[vip.Key];
            var backends = state.Plan.Backends
                .Where(b => b.Value.Vip == vip.Key)
                .OrderBy(b => b.Key)
                .Select(b => new BackendStats(b.Value.Address.ToString(), vip.Backends.First(s => s.Address.Equals(b.Value.Address)).Drained, Sum(balancer.RealStats.Lookup(b.Key))))
                .ToList();
            vips.Add(new VipStats(vip.Key.ToString(), Sum(balancer.VipStats.Lookup(vipId)), backends));
        }
        var reasons = Enum.GetValues<LbReason>()
            .Where(r => r != LbReason.Count)
            .Select(r =>
            {
                var perCpu = balancer.ReasonStats.Lookup((uint)r);
                return new ReasonCount(ReasonName(r), IsDrop(r) ? "drop" : "pass", perCpu.Aggregate(0UL, (s, c) => s + c.Packets), perCpu.Aggregate(0UL, (s, c) => s + c.Bytes));
            })
            .ToList();
        return new StatsResponse(at, vips, reasons, balancer.Flows.Map.Count(), balancer.Flows.Map.MaxEntries);
    }

    private static Traffic Sum(LbStats[] perCpu)
        => new(perCpu.Aggregate(0UL, (s, v) => s + v.Packets), perCpu.Aggregate(0UL, (s, v) => s + v.Bytes), perCpu.Aggregate(0UL, (s, v) => s + v.NewFlows));
}
