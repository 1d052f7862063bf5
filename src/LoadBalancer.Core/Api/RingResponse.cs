namespace LoadBalancer.Core.Api;

/// <summary>
/// GET /v1/ring: a VIP's Maglev ring as the data plane holds it, read back from lb_vips, lb_rings and
/// lb_reals. Two nodes given the same state show the same <paramref name="Sha256"/>.
/// </summary>
/// <param name="Vip">The VIP, e.g. <c>10.0.0.1:80/tcp</c>.</param>
/// <param name="Scheduler"><c>maglev</c> or <c>maglev-src</c>.</param>
/// <param name="VipId">Its id in the maps (the index of lb_rings).</param>
/// <param name="Size">Slots in the ring (node.ring_size).</param>
/// <param name="Sha256">SHA-256 of the ring's bytes: every slot's backend id as a little-endian u32, slot 0 first (lowercase hex).</param>
/// <param name="MatchesPlan">Whether the ring in the map is slot for slot the one lbd planned for the state in force.</param>
/// <param name="Backends">Every backend id in the ring with its slot count, most slots first.</param>
public sealed record RingResponse(string Vip, string Scheduler, uint VipId, uint Size, string Sha256, bool MatchesPlan, IReadOnlyList<RingBackend> Backends);
