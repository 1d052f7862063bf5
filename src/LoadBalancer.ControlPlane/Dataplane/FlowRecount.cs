using LoadBalancer.Bpf.Abi;
using LoadBalancer.Bpf.Objects;
using LoadBalancer.Bpf.Programs;

namespace LoadBalancer.ControlPlane.Dataplane;

/// <summary>
/// Corrects lb_real_flows, the active-flow counts lc and wlc compare. The data plane counts a flow
/// up when it places it and down on the client's first FIN or RST; flows that end otherwise (evicted
/// from a full bucket, idle timeout, a server-side close the balancer never sees, a UDP flow) would stay
/// counted. A recount replaces each backend's count by the number of flow-table entries that are
/// live (used within the idle timeout) and not closed.
/// </summary>
/// <remarks>
/// Not atomic with the data plane: a flow placed or closed while the table is walked may be missed
/// or counted twice until the next recount. The error is at most the flows that started or ended
/// during the walk.
/// </remarks>
public static class FlowRecount
{
    /// <summary>Live, unclosed flow-table entries per backend id: one pass over lb_flows in place.</summary>
    public static Dictionary<uint, long> Count(BalancerObject balancer)
    {
        var config = balancer.Config;
        var now = KernelClock.MonotonicCoarseNs;
        var counts = new Dictionary<uint, long>();
        new FlowTable(balancer).Scan((key, flow) =>
        {
            if ((flow.Flags & LbFlowFlag.Closed) == 0 && FlowLiveness.IsLive(config, key.Proto, flow, now))
            {
                counts[flow.RealId] = counts.GetValueOrDefault(flow.RealId) + 1;
            }
        });
        return counts;
    }

    /// <summary>Recounts and writes the count of every backend in <paramref name="backendIds"/> that differs; returns how many were corrected.</summary>
    public static int Apply(BalancerObject balancer, IEnumerable<uint> backendIds) => Write(balancer, Count(balancer), backendIds);

    /// <summary>Writes <paramref name="counts"/> (from <see cref="Count"/>) for every backend in <paramref name="backendIds"/> whose count differs; returns how many were corrected.</summary>
    public static int Write(BalancerObject balancer, IReadOnlyDictionary<uint, long> counts, IEnumerable<uint> backendIds)
    {
        var corrected = 0;
        foreach (var id in backendIds)
        {
            var count = counts.GetValueOrDefault(id);
            if (!balancer.RealFlows.TryLookup(id, out var current) || current != count)
            {
                balancer.RealFlows.Update(id, count);
                corrected++;
            }
        }
        return corrected;
    }
}
