using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Numerics;

namespace LoadBalancer.Core.Hashing;

/// <summary>
/// The data plane's flow hash (bpf/include/lb_hash.h, <c>hash_flow</c>), bit for bit: Murmur3
/// (x86, 32-bit) rounds over the 5-tuple's words as the BPF target loads them (little-endian
/// reads of network-order bytes). It picks the Maglev slot and the outer source bits (maglev-src
/// picks its slot with <see cref="Source(IPAddress, uint)"/> instead), so
/// <c>lbctl explain</c> and the packet fixtures compute what the kernel computes.
/// </summary>
public static class FlowHash
{
    /// <summary>The hash of <paramref name="flow"/> under <paramref name="seed"/>.</summary>
    public static uint Compute(in FlowTuple flow, uint seed)
    {
        Span<byte> ports = stackalloc byte[4];
        BinaryPrimitives.WriteUInt16BigEndian(ports, flow.SourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(ports[2..], flow.DestinationPort);
        var portsWord = BinaryPrimitives.ReadUInt32LittleEndian(ports);

        var h = seed;
        if (flow.Source.AddressFamily == AddressFamily.InterNetworkV6)
        {
            h = RoundAddress(h, flow.Source, 4);
            h = RoundAddress(h, flow.Destination, 4);
            h = Round(h, portsWord);
            h = Round(h, (uint)flow.Protocol);
            return Final(h, 40);
        }
        h = RoundAddress(h, flow.Source, 1);
        h = RoundAddress(h, flow.Destination, 1);
        h = Round(h, portsWord);
        h = Round(h, (uint)flow.Protocol);
        return Final(h, 16);
    }

    /// <summary>The ring slot the hash of <paramref name="flow"/> selects in a ring of <paramref name="ringSize"/> slots.</summary>
    public static uint Slot(in FlowTuple flow, uint seed, uint ringSize) => Compute(flow, seed) % ringSize;

    /// <summary>
    /// The hash maglev-src indexes its ring with: the client (source) address of
    /// <paramref name="flow"/> alone, so every flow of one client, whatever its ports, destination
    /// and protocol, gets one slot. See <see cref="Source(IPAddress, uint)"/>.
    /// </summary>
    public static uint Source(in FlowTuple flow, uint seed) => Source(flow.Source, seed);

    /// <summary>
    /// The hash of client address <paramref name="client"/> under <paramref name="seed"/>; the data
    /// plane computes the same in C. Words are the address bytes read little-endian, as
    /// <see cref="Compute"/> reads them; <c>round</c> and <c>final</c> are Murmur3's:
    /// IPv4: <c>h = seed; h = round(h, src[0]); return final(h, 4);</c>
    /// IPv6: <c>h = seed; for i in 0..3: h = round(h, src[i]); return final(h, 16);</c>
    /// That is Murmur3 (x86, 32-bit) of the address's 4 or 16 network-order bytes.
    /// </summary>
    public static uint Source(IPAddress client, uint seed)
        => client.AddressFamily == AddressFamily.InterNetworkV6
            ? Final(RoundAddress(seed, client, 4), 16)
            : Final(RoundAddress(seed, client, 1), 4);

    /// <summary>The ring slot maglev-src selects for <paramref name="flow"/> in a ring of <paramref name="ringSize"/> slots.</summary>
    public static uint SourceSlot(in FlowTuple flow, uint seed, uint ringSize) => Source(flow, seed) % ringSize;

    private static uint RoundAddress(uint h, IPAddress address, int words)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        for (var i = 0; i < words; i++)
        {
            h = Round(h, BinaryPrimitives.ReadUInt32LittleEndian(bytes[(i * 4)..]));
        }
        return h;
    }

    private static uint Round(uint h, uint k)
    {
        k *= 0xcc9e2d51;
        k = BitOperations.RotateLeft(k, 15);
        k *= 0x1b873593;
        h ^= k;
        h = BitOperations.RotateLeft(h, 13);
        return (h * 5) + 0xe6546b64;
    }

    private static uint Final(uint h, uint length)
    {
        h ^= length;
        h ^= h >> 16;
        h *= 0x85ebca6b;
        h ^= h >> 13;
        h *= 0xc2b2ae35;
        h ^= h >> 16;
        return h;
    }
}
