using LoadBalancer.Bpf.Abi;
using LoadBalancer.Bpf.Objects;
using LoadBalancer.Core.Planning;

namespace LoadBalancer.ControlPlane.Dataplane;

/// <summary>
/// Writes the difference between the last applied <see cref="DataplanePlan"/> and a new one into
/// the balancer's maps, in an order that never lets a packet see a dangling reference: backends
/// first, then whole rings swapped in (a fresh inner map per changed ring), then the VIP address
/// filter's new bits and the VIP entries; removals run the other way round.
/// </summary>
public sealed class DataplaneSynchronizer(BalancerObject dataplane)
{
    private DataplanePlan _applied = DataplanePlan.Empty;
    private readonly ulong[] _filter = new ulong[(int)LbVipFilter.Words];
    private uint[] _slotIndexes = [];

    /// <summary>The plan the maps hold now.</summary>
    public DataplanePlan Applied => _applied;

    /// <summary>Brings the maps from <see cref="Applied"/> to <paramref name="plan"/>.</summary>
    public SyncResult Apply(DataplanePlan plan)
    {
        var old = _applied;
        var result = new SyncResult();

        foreach (var (id, backend) in plan.Backends)
        {
            if (!old.Backends.TryGetValue(id, out var before) || before != backend)
            {
                dataplane.RealStats.Fill(id, default);
                dataplane.Reals.Update(id, AbiConvert.ToReal(backend.Address));
                result.BackendsWritten++;
            }
        }
        foreach (var (vipId, ring) in plan.Rings)
        {
            if (!old.Rings.TryGetValue(vipId, out var before) || !before.AsSpan().SequenceEqual(ring))
            {
                SwapRing(vipId, ring);
                result.RingsSwapped++;
            }
        }
        var filter = VipFilter.Build(plan.Vips.Keys.Select(v => v.Address));
        WriteFilter([.. filter.Zip(_filter, (a, b) => a | b)]);
        foreach (var (vip, id) in plan.Vips)
        {
            if (!old.Vips.TryGetValue(vip, out var before) || before != id)
            {
                if (!old.Vips.ContainsKey(vip))
                {
                    dataplane.VipStats.Fill(id, default);
                }
                dataplane.Vips.Update(vip.ToAbi(), new LbVip { Id = id });
                result.VipsWritten++;
            }
        }

        foreach (var vip in old.Vips.Keys.Where(v => !plan.Vips.ContainsKey(v)))
        {
            dataplane.Vips.Delete(vip.ToAbi());
            result.VipsRemoved++;
        }
        WriteFilter(filter);
        foreach (var vipId in old.Rings.Keys.Where(id => !plan.Rings.ContainsKey(id)))
        {
            dataplane.Rings.Clear(vipId);
        }
        foreach (var id in old.Backends.Keys.Where(id => !plan.Backends.ContainsKey(id)))
        {
            dataplane.Reals.Update(id, default);
            result.BackendsRemoved++;
        }

        _applied = plan;
        return result;
    }

    private void WriteFilter(ulong[] words)
    {
        for (var i = 0u; i < words.Length; i++)
        {
            if (words[i] != _filter[i])
            {
                dataplane.VipFilter.Update(i, words[i]);
                _filter[i] = words[i];
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
}
