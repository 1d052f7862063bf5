using LoadBalancer.Bpf.Abi;
using LoadBalancer.Bpf.Objects;

namespace LoadBalancer.ControlPlane.Dataplane;

/// <summary>
/// Removes the flow-table entries of backends taken out of service (disabled, or drained or ejected
/// past the drain timeout), so their flows stop reaching them: the next packet of such a flow is
/// placed again, on a backend in service.
/// </summary>
public static class FlowPurge
{
    /// <summary>Frees every lb_flows slot pinned to one of <paramref name="backendIds"/> and zeroes their active-flow counts; returns how many entries went.</summary>
    public static int Remove(BalancerObject balancer, IReadOnlySet<uint> backendIds)
    {
        if (backendIds.Count == 0)
        {
            return 0;
        }
        var removed = new FlowTable(balancer).RemoveWhere((_, flow) => backendIds.Contains(flow.RealId));
        foreach (var id in backendIds)
        {
            balancer.RealFlows.Update(id, 0);
        }
        return removed;
    }
}
