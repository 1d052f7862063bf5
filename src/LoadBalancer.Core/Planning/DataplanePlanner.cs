using LoadBalancer.Core.Hashing;
using LoadBalancer.Core.Model;
using LoadBalancer.Core.Scheduling;

namespace LoadBalancer.Core.Planning;

/// <summary>
/// Turns successive <see cref="BalancerSpec"/>s into <see cref="DataplanePlan"/>s. It owns the id
/// allocators, so ids stay stable across plans: a VIP or backend present in both keeps its id, and
/// a removed VIP's or backend's id is not reused before the quarantine (the longest idle timeout)
/// has passed, so no flow entry still names it when it gets a new owner. Times are monotonic.
/// </summary>
public sealed class DataplanePlanner
{
    private readonly NodeSpec _node;
    private IdAllocator<VipKey> _vipIds;
    private IdAllocator<BackendRef> _backendIds;

    // Maglev rings of the plan in force by their input (members and weights): an unchanged VIP's ring
    // is reused, not rebuilt (a few ms per ring at 65537 slots). Rings are never modified once built.
    private Dictionary<string, uint[]> _rings = [];

    /// <summary>A planner for a node with these capacities and ring size.</summary>
    public DataplanePlanner(NodeSpec node)
    {
        _node = node;
        var quarantine = node.TcpIdleTimeout > node.UdpIdleTimeout ? node.TcpIdleTimeout : node.UdpIdleTimeout;
        _vipIds = new IdAllocator<VipKey>(0, node.MaxVips, quarantine);
        _backendIds = new IdAllocator<BackendRef>(1, node.MaxBackends, quarantine);
    }

    private DataplanePlanner(DataplanePlanner other)
    {
        _node = other._node;
        _vipIds = other._vipIds.Clone();
        _backendIds = other._backendIds.Clone();
        _rings = other._rings;
    }

    /// <summary>An independent copy: plan on it, and keep it only once the plan is in force.</summary>
    public DataplanePlanner Clone() => new(this);

    /// <summary>
    /// Continues from the ids a running data plane already uses (read back from its maps after a
    /// restart), so flows keep their VIP and backend ids, and from the ids its flow table still
    /// names, so none of those goes to a new owner while a flow may point at it; see
    /// <see cref="IdAllocator{TKey}.Restore"/>.
    /// </summary>
    public void Restore(IReadOnlyDictionary<VipKey, uint> vips, IReadOnlyDictionary<BackendRef, uint> backends, FlowReferences referenced, TimeSpan now)
    {
        _vipIds.Restore(vips, referenced.VipIds, now);
        _backendIds.Restore(backends, referenced.BackendIds, now);
    }

    /// <summary>
    /// The plan for <paramref name="spec"/>; ids of what is gone are released at <paramref name="now"/>.
    /// With <paramref name="pinned"/> (a shared store's ids), every VIP and backend it names gets
    /// exactly that id; others get the lowest available.
    /// </summary>
    /// <exception cref="InvalidOperationException">The node settings differ from the planner's (they are
    /// fixed when the data plane loads), or ids ran out; the planner's state is then unchanged.</exception>
    public DataplanePlan Plan(BalancerSpec spec, TimeSpan now, PinnedIds? pinned = null)
    {
        var changed = ChangedLoadTimeSettings(spec.Node);
        if (changed.Count > 0)
        {
            throw new InvalidOperationException($"{string.Join(", ", changed)} changed: fixed when the data plane is loaded, they take effect only when it is loaded again");
        }
        var vipIds = _vipIds.Clone();
        var backendIds = _backendIds.Clone();
        var rings = new Dictionary<string, uint[]>();
        var plan = Plan(spec, now, pinned, vipIds, backendIds, rings);
        (_vipIds, _backendIds, _rings) = (vipIds, backendIds, rings);
        return plan;
    }

    private DataplanePlan Plan(BalancerSpec spec, TimeSpan now, PinnedIds? pinned, IdAllocator<VipKey> vipIds, IdAllocator<BackendRef> backendIds, Dictionary<string, uint[]> builtRings)
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
        // pins first, so an id moving from one key to another is free before anything else is acquired
        foreach (var vip in spec.Vips)
        {
            if (pinned is not null && pinned.Vips.TryGetValue(vip.Key, out var vipId))
            {
                vipIds.Pin(vip.Key, vipId, now);
            }
            foreach (var backend in vip.Backends)
            {
                var reference = new BackendRef(vip.Key, backend.Address);
                if (pinned is not null && pinned.Backends.TryGetValue(reference, out var backendId))
                {
                    backendIds.Pin(reference, backendId, now);
                }
            }
        }

        var vips = new Dictionary<VipKey, uint>();
        var backends = new Dictionary<uint, BackendRef>();
        var rings = new Dictionary<uint, uint[]>();
        var schedulers = new Dictionary<uint, Scheduler>();
        var lists = new Dictionary<uint, uint[]>();
        var weights = new Dictionary<uint, ushort>();
        foreach (var vip in spec.Vips)
        {
            var vipId = vipIds.Acquire(vip.Key, now);
            vips.Add(vip.Key, vipId);
            schedulers.Add(vipId, vip.Scheduler);
            var members = new List<ScheduleMember>(vip.Backends.Count);
            foreach (var backend in vip.Backends)
            {
                var reference = new BackendRef(vip.Key, backend.Address);
                var id = backendIds.Acquire(reference, now);
                backends.Add(id, reference);
                weights.Add(id, backend.EffectiveWeight);
                members.Add(new ScheduleMember(backend.Address.GetAddressBytes(), id, backend.EffectiveWeight));
            }
            if (Schedulers.UsesRing(vip.Scheduler))
            {
                rings.Add(vipId, Ring(members, builtRings));
            }
            else
            {
                lists.Add(vipId, BackendLists.Build(vip.Scheduler, members, _node.RingSize));
            }
        }
        return new DataplanePlan(vips, backends, rings) { Schedulers = schedulers, Lists = lists, Weights = weights };
    }

    /// <summary>The ring of <paramref name="members"/>: the one in force if they are unchanged, else built.</summary>
    private uint[] Ring(List<ScheduleMember> members, Dictionary<string, uint[]> builtRings)
    {
        // the table depends only on the set of (key, id, weight): that set, in key order, is its name
        var input = string.Join(';', members
            .OrderBy(m => m.Key, ScheduleMember.KeyOrder)
            .Select(m => $"{Convert.ToHexString(m.Key.Span)}/{m.Id}/{m.Weight}"));
        if (!builtRings.TryGetValue(input, out var ring))
        {
            ring = _rings.TryGetValue(input, out var inForce) ? inForce : MaglevTableBuilder.Build(members, _node.RingSize);
            builtRings.Add(input, ring);
        }
        return ring;
    }

    private List<string> ChangedLoadTimeSettings(NodeSpec node)
    {
        var changed = new List<string>();
        void Check<T>(T before, T after, string key)
        {
            if (!EqualityComparer<T>.Default.Equals(before, after))
            {
                changed.Add($"node.{key} ({before} -> {after})");
            }
        }
        Check(_node.RingSize, node.RingSize, "ring_size");
        Check(_node.MaxVips, node.MaxVips, "max_vips");
        Check(_node.MaxBackends, node.MaxBackends, "max_backends");
        Check(_node.TcpIdleTimeout, node.TcpIdleTimeout, "tcp_idle_timeout");
        Check(_node.UdpIdleTimeout, node.UdpIdleTimeout, "udp_idle_timeout");
        return changed;
    }
}
