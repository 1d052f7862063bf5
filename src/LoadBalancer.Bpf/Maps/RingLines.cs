using LoadBalancer.Bpf.Abi;

namespace LoadBalancer.Bpf.Maps;

/// <summary>
/// How a Maglev ring (slot → backend id) is laid out in its inner map of lb_rings: slot <c>s</c> is
/// lane <c>s % 32</c> of <see cref="LbRingLine"/> <c>s / 32</c>, as a 16-bit id; lanes past the last slot are 0.
/// </summary>
public static class RingLines
{
    private const uint Slots = (uint)LbAbi.RingLineSlots;

    /// <summary>The lines a ring of <paramref name="ringSize"/> slots takes.</summary>
    public static uint Count(uint ringSize) => (ringSize + Slots - 1) / Slots;

    /// <summary>The line holding <paramref name="slot"/>.</summary>
    public static uint LineOf(uint slot) => slot / Slots;

    /// <summary>The backend id of <paramref name="slot"/> in <paramref name="line"/>, its line.</summary>
    public static uint IdOf(in LbRingLine line, uint slot) => line.Id[(int)(slot % Slots)];

    /// <summary>The lines of <paramref name="ring"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An id does not fit in 16 bits (node.max_backends keeps them below 65536).</exception>
    public static LbRingLine[] Pack(ReadOnlySpan<uint> ring)
    {
        var lines = new LbRingLine[Count((uint)ring.Length)];
        for (var slot = 0; slot < ring.Length; slot++)
        {
            var id = ring[slot];
            if (id > ushort.MaxValue)
            {
                throw new ArgumentOutOfRangeException(nameof(ring), $"ring slot {slot} names backend id {id}, above the {ushort.MaxValue} a ring line holds");
            }
            lines[slot / (int)Slots].Id[slot % (int)Slots] = (ushort)id;
        }
        return lines;
    }

    /// <summary>The first <paramref name="ringSize"/> slots of <paramref name="lines"/>, one id each.</summary>
    public static uint[] Unpack(ReadOnlySpan<LbRingLine> lines, uint ringSize)
    {
        if (ringSize > (ulong)lines.Length * Slots)
        {
            throw new ArgumentOutOfRangeException(nameof(ringSize), $"{lines.Length} ring lines hold {lines.Length * Slots} slots, not {ringSize}");
        }
        var ring = new uint[ringSize];
        for (var slot = 0u; slot < ringSize; slot++)
        {
            ring[slot] = IdOf(lines[(int)LineOf(slot)], slot);
        }
        return ring;
    }
}
