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
/// <item>backends are written, then each changed ring is filled in a fresh inner map and swapped in whole;</item>
/// <item>new VIP-filter bits, address markers and VIP entries follow, pointing only at what exists;</item>
/// <item>then old markers, rings, backends and filter bits are removed.</item>
/// </list>
/// If a write fails, the synchronizer forgets what it believed the maps hold; the next
/// <see cref="Apply"/> reads them back and converges from there.
/// </summary>
public sealed class DataplaneSynchronizer(BalancerObject dataplane)
{
    private MapState? _state = MapState.Empty;
    private uint[] _slotIndexes = [];

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
            if (!old.Reals.TryGetValue(id, out var before) || !SameReal(before, real))
            {
                dataplane.RealStats.Fill(id, default);
                dataplane.Reals.Update(id, real);
                result.BackendsWritten++;
            }
        }
        foreach (var (vipId, ring) in next.Rings)
        {
            if (!old.Rings.TryGetValue(vipId, out var before) || before is null || !before.AsSpan().SequenceEqual(ring!))
            {
                SwapRing(vipId, ring!);
                result.RingsSwapped++;
            }
        }
        WriteFilter(old.Filter, [.. next.Filter.Zip(old.Filter, (a, b) => a | b)]);
        foreach (var (key, id) in next.Vips)
        {
            if (old.Vips.TryGetValue(key, out var before) && before == id)
            {
                continue;
            }
            if (key.Proto != (byte)LbVipProto.Address)
            {
                dataplane.VipStats.Fill(id, default);
                result.VipsWritten++;
            }
            dataplane.Vips.Update(key, new LbVip { Id = id });
        }

        foreach (var key in old.Vips.Keys.Where(k => k.Proto == (byte)LbVipProto.Address && !next.Vips.ContainsKey(k)).ToList())
        {
            dataplane.Vips.Delete(key);
        }
        foreach (var vipId in old.Rings.Keys.Where(id => !next.Rings.ContainsKey(id)))
        {
            dataplane.Rings.Clear(vipId);
        }
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

    private void SwapRing(uint vipId, uint[] ring)
    {
        if (_slotIndexes.Length != ring.Length)
        {
            _slotIndexes = new uint[ring.Length];
            for (var i = 0u; i < _slotIndexes.Length; i++)
            {
                _slotIndexes[i] = i;
            }
        }
        using var inner = dataplane.CreateRing();
        inner.UpdateBatch(_slotIndexes, ring);
        dataplane.Rings.Set(vipId, inner.Map);
    }

    private static bool SameReal(LbReal a, LbReal b) => BytewiseComparer<LbReal>.Instance.Equals(a, b);

    /// <summary>What the maps hold (or will): VIP entries with markers, backends, rings (null = content unknown) and filter words.</summary>
    private sealed record MapState(Dictionary<LbVipKey, uint> Vips, Dictionary<uint, LbReal> Reals, Dictionary<uint, uint[]?> Rings, ulong[] Filter)
    {
        public static MapState Empty { get; } = new(NewVipTable(), [], [], new ulong[(int)LbVipFilter.Words]);

        public static MapState From(DataplanePlan plan)
        {
            var vips = NewVipTable();
            foreach (var (vip, id) in plan.Vips)
            {
                vips.Add(vip.ToAbi(), id);
            }
            foreach (var address in plan.Vips.Keys.Select(v => v.Address).Distinct())
            {
                vips[AbiConvert.AddressMarker(address)] = 0;
            }
            var reals = plan.Backends.ToDictionary(b => b.Key, b => AbiConvert.ToReal(b.Value.Address, plan.Vips[b.Value.Vip]));
            var rings = plan.Rings.ToDictionary(r => r.Key, r => (uint[]?)r.Value);
            return new(vips, reals, rings, VipFilter.Build(plan.Vips.Keys.Select(v => v.Address)));
        }

        /// <summary>Reads the maps back; ring contents are not read, so every wanted ring is written again.</summary>
        public static MapState Read(BalancerObject dataplane)
        {
            var vips = NewVipTable();
            dataplane.Vips.Scan((key, vip) => vips[key] = vip.Id);
            var reals = new Dictionary<uint, LbReal>();
            dataplane.Reals.Scan((id, real) =>
            {
                if (id != 0 && real.Family != LbFamily.None)
                {
                    reals[id] = real;
                }
            });
            var rings = new Dictionary<uint, uint[]?>();
            for (var id = 0u; id < dataplane.Rings.Map.MaxEntries; id++)
            {
                if (dataplane.Rings.InnerId(id) is not null)
                {
                    rings[id] = null;
                }
            }
            var filter = new ulong[(int)LbVipFilter.Words];
            for (var i = 0u; i < filter.Length; i++)
            {
                dataplane.VipFilter.TryLookup(i, out filter[i]);
            }
            return new(vips, reals, rings, filter);
        }

        private static Dictionary<LbVipKey, uint> NewVipTable() => new(BytewiseComparer<LbVipKey>.Instance);
    }
}
