using System.Runtime.InteropServices;
using System.Security.Cryptography;
using LoadBalancer.Bpf.Abi;
using LoadBalancer.Bpf.Maps;
using LoadBalancer.Bpf.Objects;
using LoadBalancer.Core.Api;
using LoadBalancer.Core.Model;

namespace LoadBalancer.ControlPlane.Dataplane;

/// <summary>
/// Reads a VIP's Maglev ring back from the live maps (lb_vips for its id and scheduler, lb_rings for
/// the slots, in batched lookups, lb_reals for the addresses), digests it and compares it with the
/// ring planned for it (lbctl vip ring): what proves two nodes hold byte-identical rings.
/// </summary>
public static class RingReader
{
    /// <summary>
    /// The ring of <paramref name="vip"/>, compared with <paramref name="planned"/> (null: nothing planned).
    /// Throws <see cref="KeyNotFoundException"/> if lb_vips has no such VIP and
    /// <see cref="InvalidOperationException"/> if its scheduler uses no ring or its ring is missing.
    /// </summary>
    public static RingResponse Read(BalancerObject balancer, VipKey vip, uint[]? planned)
    {
        if (!balancer.Vips.TryLookup(vip.ToAbi(), out var entry))
        {
            throw new KeyNotFoundException($"the data plane has no VIP {vip}");
        }
        var scheduler = (Scheduler)entry.Scheduler;
        if (!Schedulers.UsesRing(scheduler))
        {
            throw new InvalidOperationException($"VIP {vip} uses {Schedulers.Name(scheduler)}, which places flows from a list, not a Maglev ring (lbctl vip list shows its shares)");
        }
        var ring = Slots(balancer, entry.Id) ?? throw new InvalidOperationException($"VIP {vip} (id {entry.Id}) has no ring in lb_rings");
        var backends = ring.CountBy(id => id)
            .Select(c => new RingBackend(c.Key, Address(balancer, c.Key), (uint)c.Value))
            .OrderByDescending(b => b.Slots).ThenBy(b => b.Id)
            .ToList();
        var digest = Convert.ToHexStringLower(SHA256.HashData(MemoryMarshal.AsBytes(ring.AsSpan())));
        var matches = planned is not null && ring.AsSpan().SequenceEqual(planned);
        return new RingResponse(vip.ToString(), Schedulers.Name(scheduler), entry.Id, (uint)ring.Length, digest, matches, backends);
    }

    // Every slot of the VIP's inner ring map (ring_size of them, unpacked from its lines), or null if lb_rings has none for it.
    private static uint[]? Slots(BalancerObject balancer, uint vipId)
    {
        var inner = balancer.Rings.OpenInner(vipId);
        if (inner is null)
        {
            return null;
        }
        using var map = new BpfMap<uint, LbRingLine>(inner);
        var lines = new LbRingLine[inner.MaxEntries];
        map.Scan((line, value) => lines[line] = value);
        return RingLines.Unpack(lines, balancer.Config.RingSize);
    }

    private static string? Address(BalancerObject balancer, uint id)
        => id != 0 && balancer.Reals.TryLookup(id, out var real) && real.Family != LbFamily.None ? real.Addr.ToAddress(real.Family).ToString() : null;
}
