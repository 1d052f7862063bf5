using System.Net;
using LoadBalancer.ControlPlane.Dataplane;
using LoadBalancer.Core.Model;

namespace LoadBalancer.ControlPlane.Cluster;

/// <summary>
/// The VIP addresses this node can serve now, the ones BGP announces: the data plane is attached
/// and, for some VIP on the address, the plan in force gives a backend a weight above 0 (a healthy
/// backend in service, or every backend while the pool is in fail-open: health is already folded
/// into the plan's weights). One address carries all its VIP ports, so it stays announced while any
/// of them can be served.
/// </summary>
public static class ServedVips
{
    /// <summary>The addresses to announce, sorted (IPv4 before IPv6).</summary>
    public static IReadOnlyList<IPAddress> Addresses(ReconcilerState? state, bool attached)
    {
        if (state is null || !attached)
        {
            return [];
        }
        var serving = state.Plan.Backends
            .Where(b => state.Plan.Weights.GetValueOrDefault(b.Key) > 0)
            .Select(b => b.Value.Vip.Address)
            .ToHashSet();
        return [.. serving.Order(AddressOrder.Instance)];
    }
}
