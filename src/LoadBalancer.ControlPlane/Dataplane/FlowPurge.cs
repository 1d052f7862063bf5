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
    /// <summary>Deletes every lb_flows entry pinned to one of <paramref name="backendIds"/> and zeroes their active-flow counts; returns how many entries went.</summary>
    public static int Remove(BalancerObject balancer, IReadOnlySet<uint> backendIds)
    {
        if (backendIds.Count == 0)
        {
            return 0;
        }
        var doomed = new List<LbFlowKey>();
        balancer.Flows.Scan((key, flow) =>
        {
            if (backendIds.Contains(flow.RealId))
            {
                doomed.Add(key);
            }
        });
        var removed = doomed.Count(key => balancer.Flows.Delete(key));
        foreach (var id in backendIds)
        {
            balancer.RealFlows.Update(id, 0);
        }
        return removed;
    }
}
