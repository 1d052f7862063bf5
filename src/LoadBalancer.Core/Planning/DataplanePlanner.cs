using LoadBalancer.Core.Hashing;
using LoadBalancer.Core.Model;

namespace LoadBalancer.Core.Planning;

/// <summary>
/// Turns successive <see cref="BalancerSpec"/>s into <see cref="DataplanePlan"/>s. It owns the id
/// allocators, so ids stay stable across plans: a VIP or backend present in both keeps its id, and
/// a removed backend's id is not reused before the quarantine (the longest idle timeout) has passed.
/// </summary>
public sealed class DataplanePlanner
{
    private IdAllocator<VipKey> _vipIds;
    private IdAllocator<BackendRef> _backendIds;
    private readonly uint _ringSize;

    /// <summary>A planner for a node with these capacities and ring size.</summary>
    public DataplanePlanner(NodeSpec node)
    {
        _ringSize = node.RingSize;
        _vipIds = new IdAllocator<VipKey>(0, node.MaxVips, TimeSpan.Zero);
        var quarantine = node.TcpIdleTimeout > node.UdpIdleTimeout ? node.TcpIdleTimeout : node.UdpIdleTimeout;
        _backendIds = new IdAllocator<BackendRef>(1, node.MaxBackends, quarantine);
    }

    /// <summary>The plan for <paramref name="spec"/>; ids of what is gone are released at <paramref name="now"/>.</summary>
    /// <exception cref="InvalidOperationException">Ids ran out (the planner's state is then unchanged).</exception>
    public DataplanePlan Plan(BalancerSpec spec, DateTimeOffset now)
    {
        var vipIds = _vipIds.Clone();
        var backendIds = _backendIds.Clone();
        var plan = Plan(spec, now, vipIds, backendIds);
        (_vipIds, _backendIds) = (vipIds, backendIds);
        return plan;
    }

    private DataplanePlan Plan(BalancerSpec spec, DateTimeOffset now, IdAllocator<VipKey> vipIds, IdAllocator<BackendRef> backendIds)
    {
        var wantedVips = spec.Vips.Select(v => v.Key).ToHashSet();
        var wantedBackends = spec.Vips.SelectMany(v => v.Backends.Select(b => new BackendRef(v.Key, b.Address))).ToHashSet();
        foreach (var gone in backendIds.Assigned.Keys.Where(b => !wantedBackends.Contains(b)).ToList())
        {
            backendIds.Release(gone, now);
        }
        foreach (var gone in vipIds.Assigned.Keys.Where(v => !wantedVips.Contains(v)).ToList())
        {
            vipIds.Release(gone, now);
        }

        var vips = new Dictionary<VipKey, uint>();
        var backends = new Dictionary<uint, BackendRef>();
        var rings = new Dictionary<uint, uint[]>();
        foreach (var vip in spec.Vips)
        {
            var vipId = vipIds.Acquire(vip.Key, now);
            vips.Add(vip.Key, vipId);
            var members = new List<MaglevBackend>(vip.Backends.Count);
            foreach (var backend in vip.Backends)
            {
                var reference = new BackendRef(vip.Key, backend.Address);
                var id = backendIds.Acquire(reference, now);
                backends.Add(id, reference);
                members.Add(new MaglevBackend(backend.Address.GetAddressBytes(), id, backend.Weight));
            }
            rings.Add(vipId, MaglevTableBuilder.Build(members, _ringSize));
        }
        return new DataplanePlan(vips, backends, rings);
    }
}
