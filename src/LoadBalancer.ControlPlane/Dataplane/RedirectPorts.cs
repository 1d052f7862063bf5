using LoadBalancer.Bpf.Objects;

namespace LoadBalancer.ControlPlane.Dataplane;

/// <summary>
/// Keeps lb_tx_ports equal to the devices the balancer may redirect to (other than the one it is
/// attached to, which it answers with XDP_TX). Call it on a thread in the data plane's network
/// namespace: the kernel resolves devmap ifindexes in the writer's namespace.
/// </summary>
public static class RedirectPorts
{
    /// <summary>Makes <paramref name="ifindexes"/> the redirect targets, removing any others.</summary>
    public static void Set(BalancerObject dataplane, IEnumerable<int> ifindexes)
    {
        var wanted = ifindexes.Select(i => (uint)i).ToHashSet();
        foreach (var stale in dataplane.TxPorts.Keys().Where(k => !wanted.Contains(k)))
        {
            dataplane.TxPorts.Delete(stale);
        }
        foreach (var ifindex in wanted)
        {
            dataplane.TxPorts.Update(ifindex, ifindex);
        }
    }
}
