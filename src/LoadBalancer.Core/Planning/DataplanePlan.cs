using System.Net;
using LoadBalancer.Core.Model;

namespace LoadBalancer.Core.Planning;

/// <summary>
/// Everything the data plane's maps must hold for one configuration: VIP ids, backend ids with
/// their addresses, and a Maglev ring per VIP. The synchronizer writes the difference between two
/// plans into the maps.
/// </summary>
/// <param name="Vips">VIP → id (index of lb_rings and lb_vip_stats).</param>
/// <param name="Backends">Backend id → backend (index of lb_reals and lb_real_stats).</param>
/// <param name="Rings">VIP id → ring of backend ids.</param>
public sealed record DataplanePlan(
    IReadOnlyDictionary<VipKey, uint> Vips,
    IReadOnlyDictionary<uint, BackendRef> Backends,
    IReadOnlyDictionary<uint, uint[]> Rings)
{
    /// <summary>The plan of an empty configuration.</summary>
    public static DataplanePlan Empty { get; } = new(new Dictionary<VipKey, uint>(), new Dictionary<uint, BackendRef>(), new Dictionary<uint, uint[]>());

    /// <summary>The address of backend <paramref name="id"/>.</summary>
    public IPAddress BackendAddress(uint id) => Backends[id].Address;
}
