using System.Net;
using LoadBalancer.Core.Model;

namespace LoadBalancer.Core.Planning;

/// <summary>
/// Everything the data plane's maps must hold for one configuration: VIP ids with their schedulers,
/// backend ids with their addresses and weights, and per VIP either a Maglev ring (maglev,
/// maglev-src) or a backend list (rr, wrr, lc, wlc). The synchronizer writes the difference between
/// two plans into the maps.
/// </summary>
/// <param name="Vips">VIP → id (index of lb_rings, lb_schedules and lb_vip_stats).</param>
/// <param name="Backends">Backend id → backend (index of lb_reals and lb_real_stats).</param>
/// <param name="Rings">VIP id → ring of backend ids, for the VIPs whose scheduler uses one
/// (<see cref="Model.Schedulers.UsesRing"/>) only.</param>
public sealed record DataplanePlan(
    IReadOnlyDictionary<VipKey, uint> Vips,
    IReadOnlyDictionary<uint, BackendRef> Backends,
    IReadOnlyDictionary<uint, uint[]> Rings)
{
    /// <summary>The plan of an empty configuration.</summary>
    public static DataplanePlan Empty { get; } = new(new Dictionary<VipKey, uint>(), new Dictionary<uint, BackendRef>(), new Dictionary<uint, uint[]>());

    /// <summary>VIP id → its scheduler (lb_vip.scheduler), for every VIP; a VIP missing here is maglev.</summary>
    public IReadOnlyDictionary<uint, Scheduler> Schedulers { get; init; } = new Dictionary<uint, Scheduler>();

    /// <summary>
    /// VIP id → its backend list (lb_schedules), for the VIPs whose scheduler uses no ring (rr, wrr,
    /// lc, wlc) only: the ids without the leading count, which the synchronizer writes; empty
    /// when no backend of the VIP takes new flows. See <see cref="Scheduling.BackendLists"/>.
    /// </summary>
    public IReadOnlyDictionary<uint, uint[]> Lists { get; init; } = new Dictionary<uint, uint[]>();

    /// <summary>Backend id → effective weight (lb_real.weight; 0 while drained), for every backend.</summary>
    public IReadOnlyDictionary<uint, ushort> Weights { get; init; } = new Dictionary<uint, ushort>();

    /// <summary>The address of backend <paramref name="id"/>.</summary>
    public IPAddress BackendAddress(uint id) => Backends[id].Address;

}
