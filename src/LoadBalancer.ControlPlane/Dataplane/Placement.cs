using System.Net;
using LoadBalancer.Bpf.Abi;
using LoadBalancer.Bpf.Maps;
using LoadBalancer.Bpf.Objects;
using LoadBalancer.Core.Hashing;
using LoadBalancer.Core.Model;

namespace LoadBalancer.ControlPlane.Dataplane;

/// <summary>
/// What a VIP's scheduler would give a new flow now, computed the way lb_select.h does from the
/// live maps (lb_vips, lb_rings, lb_schedules, lb_rr_cursors, lb_real_flows, lb_reals), with the
/// reasoning in one line: the ring slot, the list position, or the counts compared.
/// </summary>
/// <param name="Scheduler">The VIP's scheduler as the data plane has it.</param>
/// <param name="Backend">The backend a new flow gets (rr/wrr: if CPU 0 receives it); null if none.</param>
/// <param name="RingSlot">The ring slot indexed (maglev, maglev-src).</param>
/// <param name="How">The scheduler's reasoning.</param>
public sealed record Placement(Scheduler Scheduler, IPAddress? Backend, uint? RingSlot, string How)
{
    /// <summary>The placement of a new flow <paramref name="tuple"/> (flow hash <paramref name="hash"/>) by VIP <paramref name="vip"/>.</summary>
    public static Placement Of(BalancerObject balancer, LbVip vip, FlowTuple tuple, uint hash)
    {
        var scheduler = (Scheduler)vip.Scheduler;
        var size = balancer.Config.RingSize;
        switch (scheduler)
        {
            case Scheduler.Maglev:
                return Ring(balancer, vip.Id, scheduler, hash % size, $"maglev: ring slot {hash % size} = flow hash 0x{hash:x8} % {size}");
            case Scheduler.MaglevSrc:
                var source = FlowHash.Source(tuple, balancer.Config.HashSeed);
                return Ring(balancer, vip.Id, scheduler, source % size, $"maglev-src: ring slot {source % size} = client hash 0x{source:x8} % {size}");
            case Scheduler.Rr or Scheduler.Wrr:
                return Next(balancer, vip.Id, scheduler);
            case Scheduler.Lc or Scheduler.Wlc:
                return Least(balancer, vip.Id, scheduler, hash);
            default:
                return new(scheduler, null, null, $"scheduler {(byte)scheduler} is unknown to this build");
        }
    }

    private static Placement Ring(BalancerObject balancer, uint vipId, Scheduler scheduler, uint slot, string how)
    {
        var id = RingEntry(balancer, vipId, slot);
        var backend = BackendAddress(balancer, id);
        return new(scheduler, backend, slot, $"{how} -> {backend?.ToString() ?? "no backend"}");
    }

    private static Placement Next(BalancerObject balancer, uint vipId, Scheduler scheduler)
    {
        var list = List(balancer, vipId);
        var name = Schedulers.Name(scheduler);
        if (list.Length == 0)
        {
            return new(scheduler, null, null, $"{name}: the list is empty (no backend takes new flows)");
        }
        var cursors = balancer.RrCursors.Lookup(vipId);
        var next = cursors.Select(c => c < list.Length ? (int)c : 0).ToArray();
        var perCpu = string.Join(", ", next.Select((pos, cpu) => $"cpu{cpu} at {pos + 1} -> {BackendAddress(balancer, list[pos])}"));
        return new(scheduler, BackendAddress(balancer, list[next[0]]), null, $"{name}: list of {list.Length}, next position per CPU: {perCpu}");
    }

    private static Placement Least(BalancerObject balancer, uint vipId, Scheduler scheduler, uint hash)
    {
        var list = List(balancer, vipId);
        var name = Schedulers.Name(scheduler);
        var weighted = scheduler == Scheduler.Wlc;
        uint best = 0;
        ulong bestFlows = 0, bestWeight = 0;
        var compared = new List<string>();
        for (var i = 0; i < list.Length; i++)
        {
            // the data plane's order: from hash % n, so ties go to the first one met
            var id = list[(int)((hash % (uint)list.Length + (uint)i) % (uint)list.Length)];
            if (!balancer.Reals.TryLookup(id, out var real) || real.Family == LbFamily.None || real.Weight == 0)
            {
                continue;
            }
            var flows = (ulong)StatsReader.ActiveFlows(balancer, id);
            var weight = weighted ? real.Weight : 1UL;
            compared.Add(weighted ? $"{real.Addr.ToAddress(real.Family)} {flows}/{weight}" : $"{real.Addr.ToAddress(real.Family)} {flows}");
            if (best == 0 || flows * bestWeight < bestFlows * weight)
            {
                (best, bestFlows, bestWeight) = (id, flows, weight);
            }
        }
        var backend = BackendAddress(balancer, best);
        var what = weighted ? "active flows/weight" : "active flows";
        return new(scheduler, backend, null, compared.Count == 0
            ? $"{name}: no candidate takes new flows"
            : $"{name}: {what} {string.Join(", ", compared)} -> fewest: {backend}");
    }

    /// <summary>The backend id in <paramref name="slot"/> of a VIP's lb_rings ring; 0 if none.</summary>
    private static uint RingEntry(BalancerObject balancer, uint vipId, uint slot)
    {
        var inner = balancer.Rings.OpenInner(vipId);
        if (inner is null)
        {
            return 0;
        }
        using var ring = new BpfMap<uint, LbRingLine>(inner);
        return ring.TryLookup(RingLines.LineOf(slot), out var line) ? RingLines.IdOf(line, slot) : 0;
    }

    /// <summary>The backend ids of a VIP's lb_schedules list (without its count).</summary>
    private static uint[] List(BalancerObject balancer, uint vipId)
        => ReadList(balancer, vipId, 0, 1) is [var n] ? ReadList(balancer, vipId, 1, n) : [];

    private static uint[] ReadList(BalancerObject balancer, uint vipId, uint from, uint count)
    {
        var inner = balancer.Schedules.OpenInner(vipId);
        if (inner is null)
        {
            return [];
        }
        using var map = new BpfMap<uint, uint>(inner);
        var values = new uint[count];
        for (var i = 0u; i < count; i++)
        {
            if (!map.TryLookup(from + i, out values[i]))
            {
                return [];
            }
        }
        return values;
    }

    private static IPAddress? BackendAddress(BalancerObject balancer, uint id)
        => id != 0 && balancer.Reals.TryLookup(id, out var real) && real.Family != LbFamily.None ? real.Addr.ToAddress(real.Family) : null;
}
