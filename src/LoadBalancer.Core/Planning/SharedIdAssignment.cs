using System.Net;
using LoadBalancer.Core.Model;

namespace LoadBalancer.Core.Planning;

/// <summary>
/// The ids a shared store fixes for a cluster's VIPs and backends, so every node uses the same ones
/// and builds byte-identical Maglev rings. <see cref="Assign"/> is data in, data out: kept VIPs and
/// backends keep their ids; removed ones go to quarantine for the quarantine length (the longest
/// flow idle timeout, as <see cref="IdAllocator{TKey}"/> does on one node); new ones get the lowest
/// id neither in use nor in quarantine, VIPs in the order of their key text (ordinal), backends VIP by
/// VIP in that order and within a VIP by address (IPv4 before IPv6, then numerically), so the result
/// depends on the inputs only, not on the order they are listed in.
/// </summary>
/// <param name="Ids">The id of every VIP and backend of the new state, and of nothing else.</param>
/// <param name="Released">The ids in quarantine after this assignment, by kind and id.</param>
public sealed record SharedIdAssignment(PinnedIds Ids, IReadOnlyList<ReleasedId> Released)
{
    /// <summary>
    /// The ids for <paramref name="vips"/>, continuing from <paramref name="current"/> (the ids
    /// stored) and <paramref name="released"/> (the ids in quarantine stored with them). Quarantine
    /// entries that ended by <paramref name="now"/> are dropped.
    /// </summary>
    /// <param name="current">The ids stored before this change; their VIPs and backends may be gone.</param>
    /// <param name="released">The ids in quarantine stored with <paramref name="current"/>.</param>
    /// <param name="vips">The new set of VIPs with their backends (validated: no duplicates).</param>
    /// <param name="maxVips">VIP ids are 0 .. <paramref name="maxVips"/> - 1 (node.max_vips).</param>
    /// <param name="maxBackends">Backend ids are 1 .. <paramref name="maxBackends"/> - 1 (node.max_backends).</param>
    /// <param name="quarantine">How long a released id stays unused: the longest flow idle timeout.</param>
    /// <param name="now">The wall-clock time of the change.</param>
    /// <exception cref="InvalidOperationException">Every id is in use or in quarantine, or a kept id is beyond this node's limits.</exception>
    public static SharedIdAssignment Assign(
        PinnedIds current,
        IReadOnlyList<ReleasedId> released,
        IReadOnlyList<VipSpec> vips,
        uint maxVips,
        uint maxBackends,
        TimeSpan quarantine,
        DateTimeOffset now)
    {
        ArgumentOutOfRangeException.ThrowIfZero(maxVips);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBackends, 2u);
        var until = now + quarantine;
        var quarantined = released.Where(r => r.Until > now).ToList();

        var ordered = vips.OrderBy(v => v.Key.ToString(), StringComparer.Ordinal).ToList();
        var wantedVips = ordered.Select(v => v.Key).ToHashSet();
        var wantedBackends = ordered.SelectMany(v => v.Backends.Select(b => new BackendRef(v.Key, b.Address))).ToHashSet();

        var vipIds = Keep(current.Vips, wantedVips, ReleasedId.IdKind.Vip, until, quarantined);
        var backendIds = Keep(current.Backends, wantedBackends, ReleasedId.IdKind.Backend, until, quarantined);
        foreach (var (key, id) in vipIds)
        {
            if (id >= maxVips)
            {
                throw new InvalidOperationException($"VIP {key} has id {id} in the shared store, beyond this node's node.max_vips ({maxVips}); every node of a cluster needs the same limits");
            }
        }
        foreach (var (backend, id) in backendIds)
        {
            if (id == 0 || id >= maxBackends)
            {
                throw new InvalidOperationException($"backend {backend.Address} of VIP {backend.Vip} has id {id} in the shared store, outside this node's ids 1..{maxBackends - 1} (node.max_backends); every node of a cluster needs the same limits");
            }
        }

        var vipIdSpace = new IdSpace(0, maxVips, vipIds.Values, quarantined, ReleasedId.IdKind.Vip);
        var backendIdSpace = new IdSpace(1, maxBackends, backendIds.Values, quarantined, ReleasedId.IdKind.Backend);
        foreach (var vip in ordered)
        {
            if (!vipIds.ContainsKey(vip.Key))
            {
                vipIds.Add(vip.Key, vipIdSpace.Take($"VIP {vip.Key}", "node.max_vips"));
            }
            foreach (var backend in vip.Backends.OrderBy(b => b.Address, AddressOrder.Instance))
            {
                var reference = new BackendRef(vip.Key, backend.Address);
                if (!backendIds.ContainsKey(reference))
                {
                    backendIds.Add(reference, backendIdSpace.Take($"backend {backend.Address} of VIP {vip.Key}", "node.max_backends"));
                }
            }
        }
        var list = quarantined.OrderBy(r => r.Kind).ThenBy(r => r.Id).ToList();
        return new SharedIdAssignment(new PinnedIds(vipIds, backendIds), list);
    }

    // The ids of the keys still wanted; those of the others go to quarantine until `until`.
    private static Dictionary<TKey, uint> Keep<TKey>(IReadOnlyDictionary<TKey, uint> current, HashSet<TKey> wanted, ReleasedId.IdKind kind, DateTimeOffset until, List<ReleasedId> quarantined)
        where TKey : notnull
    {
        var kept = new Dictionary<TKey, uint>();
        foreach (var (key, id) in current)
        {
            if (wanted.Contains(key))
            {
                kept.Add(key, id);
            }
            else
            {
                quarantined.RemoveAll(r => r.Kind == kind && r.Id == id);
                quarantined.Add(new ReleasedId(kind, id, until));
            }
        }
        var held = kept.GroupBy(k => k.Value).FirstOrDefault(g => g.Count() > 1);
        if (held is not null)
        {
            throw new InvalidOperationException($"the shared store gives {kind.ToString().ToLowerInvariant()} id {held.Key} to both {string.Join(" and ", held.Select(k => k.Key))}");
        }
        return kept;
    }

    // One id space: hands out the lowest id neither in use nor in quarantine.
    private sealed class IdSpace(uint first, uint end, IEnumerable<uint> used, List<ReleasedId> quarantined, ReleasedId.IdKind kind)
    {
        private readonly HashSet<uint> _taken = [.. used, .. quarantined.Where(r => r.Kind == kind).Select(r => r.Id)];
        private uint _next;

        public uint Take(string what, string limit)
        {
            for (var id = Math.Max(_next, first); id < end; id++)
            {
                if (_taken.Add(id))
                {
                    _next = id + 1;
                    return id;
                }
            }
            var waiting = quarantined.Where(r => r.Kind == kind).ToList();
            var wait = waiting.Count == 0 ? "" : $"; {waiting.Count} in quarantine, the first free again at {waiting.Min(r => r.Until):u}";
            throw new InvalidOperationException($"no id left for {what}: all {end - first} ids ({limit}) are in use or in quarantine{wait}");
        }
    }
}
