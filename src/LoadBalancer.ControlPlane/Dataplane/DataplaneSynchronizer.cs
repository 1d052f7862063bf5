using LoadBalancer.Bpf.Abi;
using LoadBalancer.Bpf.Maps;
using LoadBalancer.Bpf.Objects;
using LoadBalancer.Core.Planning;

namespace LoadBalancer.ControlPlane.Dataplane;

/// <summary>
/// Writes the difference between what the balancer's maps hold and a new <see cref="DataplanePlan"/>,
/// in an order that never lets a packet see a dangling reference:
/// <list type="number">
/// <item>VIP entries that go away are deleted first (their packets then pass or drop as unserved);</item>
/// <item>backends are written, then each changed ring or scheduler list is filled in a fresh inner map and swapped in whole;</item>
/// <item>new VIP-filter bits, address markers and VIP entries (id and scheduler) follow, pointing only at what
/// exists: a VIP changing scheduler finds its new ring or list in place before it switches;</item>
/// <item>then old markers, rings, lists, backends and filter bits are removed.</item>
/// </list>
/// If a write fails, the synchronizer forgets what it believed the maps hold; the next
/// <see cref="Apply"/> reads them back and converges from there.
/// </summary>
public sealed class DataplaneSynchronizer(BalancerObject dataplane)
{
    private MapState? _state = MapState.Empty;
    private uint[] _indexes = [];

    /// <summary>The plan last applied in full, or null after a failed or not-yet-made apply.</summary>
    public DataplanePlan? Applied { get; private set; }

    /// <summary>Forgets the believed map content, so the next <see cref="Apply"/> reads the maps first (e.g. maps reused from a pin).</summary>
    public void Resync() => _state = null;

    /// <summary>Brings the maps to <paramref name="plan"/>.</summary>
    public SyncResult Apply(DataplanePlan plan)
    {
        try
        {
            var old = _state ?? MapState.Read(dataplane);
            var next = MapState.From(plan);
            var result = Write(old, next);
            _state = next;
            Applied = plan;
            return result;
        }
        catch
        {
            _state = null;
            Applied = null;
            throw;
        }
    }

    private SyncResult Write(MapState old, MapState next)
    {
        var result = new SyncResult();

        foreach (var key in old.Vips.Keys.Where(k => k.Proto != (byte)LbVipProto.Address && !next.Vips.ContainsKey(k)).ToList())
        {
            dataplane.Vips.Delete(key);
            result.VipsRemoved++;
        }
        foreach (var (id, real) in next.Reals)
        {
            var known = old.Reals.TryGetValue(id, out var before);
            if (known && SameReal(before, real))
            {
                continue;
            }
            if (!known || !SameReal(before with { Weight = 0 }, real with { Weight = 0 }))
            {
                // a new backend behind this id: its counters start from zero
                dataplane.RealStats.Fill(id, default);
                dataplane.RealFlows.Update(id, 0);
            }
            dataplane.Reals.Update(id, real);
            result.BackendsWritten++;
        }
        result.RingsSwapped += SwapChanged(dataplane.Rings, old.Rings, next.Rings, NewRing);
        result.RingsSwapped += SwapChanged(dataplane.Schedules, old.Lists, next.Lists, NewList);
        WriteFilter(old.Filter, [.. next.Filter.Zip(old.Filter, (a, b) => a | b)]);
        foreach (var (key, vip) in next.Vips)
        {
            var known = old.Vips.TryGetValue(key, out var before);
            if (known && before.Id == vip.Id && before.Scheduler == vip.Scheduler)
            {
                continue;
            }
            if (key.Proto != (byte)LbVipProto.Address)
            {
                if (!known || before.Id != vip.Id)
                {
                    dataplane.VipStats.Fill(vip.Id, default);
                }
                result.VipsWritten++;
            }
            dataplane.Vips.Update(key, vip);
        }

        foreach (var key in old.Vips.Keys.Where(k => k.Proto == (byte)LbVipProto.Address && !next.Vips.ContainsKey(k)).ToList())
        {
            dataplane.Vips.Delete(key);
        }
        RemoveStale(dataplane.Rings, old.Rings, next.Rings, next.Lists);
        RemoveStale(dataplane.Schedules, old.Lists, next.Lists, next.Rings);
        foreach (var id in old.Reals.Keys.Where(id => !next.Reals.ContainsKey(id)))
        {
            dataplane.Reals.Update(id, default);
            result.BackendsRemoved++;
        }
        WriteFilter([.. next.Filter.Zip(old.Filter, (a, b) => a | b)], next.Filter);
        return result;
    }

    private void WriteFilter(ulong[] current, ulong[] wanted)
    {
        for (var i = 0u; i < wanted.Length; i++)
        {
            if (wanted[i] != current[i])
            {
                dataplane.VipFilter.Update(i, wanted[i]);
            }
        }
    }

    /// <summary>
    /// Clears the entries of <paramref name="old"/> that <paramref name="next"/> no longer has, except where the VIP
    /// just switched to the other kind (<paramref name="nextOther"/>): a CPU that read the VIP's entry just before
    /// it flipped may still look there, so that ring or list stays until the next apply, which then finds it in
    /// the state it carries over (content unknown) and clears it.
    /// </summary>
    private static void RemoveStale(MapOfMaps outer, Dictionary<uint, uint[]?> old, Dictionary<uint, uint[]?> next, Dictionary<uint, uint[]?> nextOther)
    {
        foreach (var vipId in old.Keys.Where(id => !next.ContainsKey(id)).ToList())
        {
            if (nextOther.ContainsKey(vipId) && old[vipId] is not null)
            {
                next[vipId] = null;
                continue;
            }
            outer.Clear(vipId);
        }
    }

    /// <summary>
    /// Swaps in every entry of <paramref name="next"/> whose content differs from (or is unknown in) <paramref name="old"/>:
    /// <paramref name="fill"/> writes the content into a fresh inner map, which then takes the VIP's slot in one update.
    /// </summary>
    private static int SwapChanged(MapOfMaps outer, Dictionary<uint, uint[]?> old, Dictionary<uint, uint[]?> next, Func<uint[], BpfMap> fill)
    {
        var swapped = 0;
        foreach (var (vipId, content) in next)
        {
            if (!old.TryGetValue(vipId, out var before) || before is null || !before.AsSpan().SequenceEqual(content!))
            {
                using var inner = fill(content!);
                outer.Set(vipId, inner);
                swapped++;
            }
        }
        return swapped;
    }

    /// <summary>A fresh lb_rings inner map holding <paramref name="ring"/> (slot → backend id), packed in lines.</summary>
    private BpfMap NewRing(uint[] ring) => Filled(dataplane.CreateRing(), RingLines.Pack(ring));

    /// <summary>A fresh lb_schedules inner map holding <paramref name="list"/> (count, then backend ids).</summary>
    private BpfMap NewList(uint[] list) => Filled(dataplane.CreateList(), list);

    /// <summary><paramref name="inner"/> with <paramref name="content"/> written from index 0, in one syscall.</summary>
    private BpfMap Filled<T>(BpfMap<uint, T> inner, T[] content)
        where T : unmanaged
    {
        try
        {
            inner.UpdateBatch(Indexes(content.Length), content);
            return inner.Map;
        }
        catch
        {
            inner.Dispose();
            throw;
        }
    }

    /// <summary>The keys 0 .. <paramref name="count"/> - 1 of an array map, for a batched update.</summary>
    private ReadOnlySpan<uint> Indexes(int count)
    {
        if (_indexes.Length < count)
        {
            _indexes = new uint[count];
            for (var i = 0u; i < _indexes.Length; i++)
            {
                _indexes[i] = i;
            }
        }
        return _indexes.AsSpan(0, count);
    }

    private static bool SameReal(LbReal a, LbReal b) => BytewiseComparer<LbReal>.Instance.Equals(a, b);

    /// <summary>
    /// What the maps hold (or will): VIP entries with markers, backends, rings and scheduler lists (count first;
    /// null = content unknown) and filter words.
    /// </summary>
    private sealed record MapState(Dictionary<LbVipKey, LbVip> Vips, Dictionary<uint, LbReal> Reals, Dictionary<uint, uint[]?> Rings, Dictionary<uint, uint[]?> Lists, ulong[] Filter)
    {
        public static MapState Empty { get; } = new(NewVipTable(), [], [], [], new ulong[(int)LbVipFilter.Words]);

        public static MapState From(DataplanePlan plan)
        {
            var vips = NewVipTable();
            foreach (var (vip, id) in plan.Vips)
            {
                vips.Add(vip.ToAbi(), new LbVip { Id = id, Scheduler = (LbScheduler)plan.Schedulers.GetValueOrDefault(id) });
            }
            foreach (var address in plan.Vips.Keys.Select(v => v.Address).Distinct())
            {
                vips[AbiConvert.AddressMarker(address)] = default;
            }
            var reals = plan.Backends.ToDictionary(b => b.Key, b => AbiConvert.ToReal(b.Value.Address, plan.Vips[b.Value.Vip], plan.Weights.GetValueOrDefault(b.Key)));
            var rings = plan.Rings.ToDictionary(r => r.Key, r => (uint[]?)r.Value);
            var lists = plan.Lists.ToDictionary(l => l.Key, l => (uint[]?)[(uint)l.Value.Length, .. l.Value]);
            return new(vips, reals, rings, lists, VipFilter.Build(plan.Vips.Keys.Select(v => v.Address)));
        }

        /// <summary>Reads the maps back; ring and list contents are not read, so every wanted one is written again.</summary>
        public static MapState Read(BalancerObject dataplane)
        {
            var vips = NewVipTable();
            dataplane.Vips.Scan((key, vip) => vips[key] = vip);
            var reals = new Dictionary<uint, LbReal>();
            dataplane.Reals.Scan((id, real) =>
            {
                if (id != 0 && real.Family != LbFamily.None)
                {
                    reals[id] = real;
                }
            });
            var filter = new ulong[(int)LbVipFilter.Words];
            for (var i = 0u; i < filter.Length; i++)
            {
                dataplane.VipFilter.TryLookup(i, out filter[i]);
            }
            return new(vips, reals, Present(dataplane.Rings), Present(dataplane.Schedules), filter);
        }

        /// <summary>The VIP ids that have an inner map in <paramref name="outer"/>, content unknown.</summary>
        private static Dictionary<uint, uint[]?> Present(MapOfMaps outer)
        {
            var present = new Dictionary<uint, uint[]?>();
            for (var id = 0u; id < outer.Map.MaxEntries; id++)
            {
                if (outer.InnerId(id) is not null)
                {
                    present[id] = null;
                }
            }
            return present;
        }

        private static Dictionary<LbVipKey, LbVip> NewVipTable() => new(BytewiseComparer<LbVipKey>.Instance);
    }
}
