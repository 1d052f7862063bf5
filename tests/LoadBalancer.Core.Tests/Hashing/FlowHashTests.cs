using System.Buffers.Binary;
using System.Net;
using LoadBalancer.Core.Hashing;
using LoadBalancer.Core.Model;
using LoadBalancer.Core.Scheduling;
using Xunit;

namespace LoadBalancer.Core.Tests.Hashing;

public sealed class FlowHashTests
{
    private const int Samples = 2000;

    [Fact]
    public void Compute_RandomIpv4Flows_EqualsMurmur3OverWireBytes()
    {
        var random = new Random(4);
        for (var i = 0; i < Samples; i++)
        {
            var flow = RandomFlow(random, addressBytes: 4);
            var seed = RandomSeed(random, i);

            var expected = MurmurHash3.Hash32(WireBytes(flow), seed);
            var actual = FlowHash.Compute(flow, seed);

            Assert.True(expected == actual, $"flow {flow} seed 0x{seed:x8}: expected 0x{expected:x8}, got 0x{actual:x8}");
        }
    }

    [Fact]
    public void Compute_RandomIpv6Flows_EqualsMurmur3OverWireBytes()
    {
        var random = new Random(6);
        for (var i = 0; i < Samples; i++)
        {
            var flow = RandomFlow(random, addressBytes: 16);
            var seed = RandomSeed(random, i);

            var expected = MurmurHash3.Hash32(WireBytes(flow), seed);
            var actual = FlowHash.Compute(flow, seed);

            Assert.True(expected == actual, $"flow {flow} seed 0x{seed:x8}: expected 0x{expected:x8}, got 0x{actual:x8}");
        }
    }

    [Theory]
    [InlineData("10.0.0.1", "192.0.2.10", 40000, 80, L4Protocol.Tcp)]
    [InlineData("0.0.0.0", "0.0.0.0", 0, 0, L4Protocol.Udp)]
    [InlineData("255.255.255.255", "255.255.255.255", 65535, 65535, L4Protocol.Tcp)]
    [InlineData("2001:db8::1", "fd00::80", 1, 443, L4Protocol.Tcp)]
    [InlineData("::", "::", 0, 0, L4Protocol.Udp)]
    [InlineData("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "fd00::1", 65535, 53, L4Protocol.Udp)]
    public void Compute_EdgeFlow_EqualsMurmur3OverWireBytes(string source, string destination, int sourcePort, int destinationPort, L4Protocol protocol)
    {
        var flow = new FlowTuple(IPAddress.Parse(source), (ushort)sourcePort, IPAddress.Parse(destination), (ushort)destinationPort, protocol);
        foreach (var seed in new uint[] { 0, 1, 0x9747B28C, uint.MaxValue })
        {
            Assert.Equal(MurmurHash3.Hash32(WireBytes(flow), seed), FlowHash.Compute(flow, seed));
        }
    }

    [Fact]
    public void Compute_PortsSwapped_ChangesHash()
    {
        // Ports are hashed in network order at fixed offsets, so direction matters.
        var forward = new FlowTuple(IPAddress.Parse("10.0.0.1"), 1000, IPAddress.Parse("10.0.0.2"), 2000, L4Protocol.Tcp);
        var swapped = forward with { SourcePort = 2000, DestinationPort = 1000 };

        Assert.NotEqual(FlowHash.Compute(forward, 0), FlowHash.Compute(swapped, 0));
    }

    [Theory]
    [InlineData(3u)]
    [InlineData(251u)]
    [InlineData(65537u)]
    [InlineData(1000003u)]
    public void Slot_RandomFlows_EqualsHashModuloRingSize(uint ringSize)
    {
        var random = new Random((int)ringSize);
        for (var i = 0; i < Samples; i++)
        {
            var flow = RandomFlow(random, addressBytes: i % 2 == 0 ? 4 : 16);
            var seed = RandomSeed(random, i);

            var slot = FlowHash.Slot(flow, seed, ringSize);

            Assert.Equal(MurmurHash3.Hash32(WireBytes(flow), seed) % ringSize, slot);
            Assert.InRange(slot, 0u, ringSize - 1);
        }
    }

    [Theory]
    [InlineData(4)]
    [InlineData(16)]
    public void Source_RandomClients_EqualsMurmur3OverAddressBytes(int addressBytes)
    {
        var random = new Random(addressBytes);
        for (var i = 0; i < Samples; i++)
        {
            var flow = RandomFlow(random, addressBytes);
            var seed = RandomSeed(random, i);

            var expected = MurmurHash3.Hash32(flow.Source.GetAddressBytes(), seed);

            Assert.Equal(expected, FlowHash.Source(flow.Source, seed));
            Assert.Equal(expected, FlowHash.Source(flow, seed));
        }
    }

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("255.255.255.255")]
    [InlineData("::")]
    [InlineData("2001:db8::1")]
    [InlineData("::ffff:10.0.0.1")]
    public void Source_EdgeClient_EqualsMurmur3OverAddressBytes(string client)
    {
        var address = IPAddress.Parse(client);
        foreach (var seed in new uint[] { 0, 1, 0x9747B28C, uint.MaxValue })
        {
            Assert.Equal(MurmurHash3.Hash32(address.GetAddressBytes(), seed), FlowHash.Source(address, seed));
        }
    }

    [Theory]
    [InlineData("198.51.100.7", "192.0.2.10")]
    [InlineData("2001:db8::7", "fd00::80")]
    public void SourceSlot_EveryPortOfOneClient_OneSlotAndOneBackend(string client, string vip)
    {
        // maglev-src: a client's flows all land on one ring slot, whatever the ports, VIP and protocol,
        // while the 5-tuple hash of the same flows spreads them over the backends.
        var ring = MaglevTableBuilder.Build([.. Enumerable.Range(1, 5).Select(i => new ScheduleMember(new byte[] { 10, 0, 0, (byte)i }, (uint)i, 1))], 65537);
        var random = new Random(1);
        var slots = new HashSet<uint>();
        var backendsByTuple = new HashSet<uint>();
        for (var port = 0; port <= ushort.MaxValue; port++)
        {
            var flow = new FlowTuple(IPAddress.Parse(client), (ushort)port, IPAddress.Parse(vip), (ushort)random.Next(0, 65536), port % 2 == 0 ? L4Protocol.Tcp : L4Protocol.Udp);
            slots.Add(FlowHash.SourceSlot(flow, 77, 65537));
            backendsByTuple.Add(ring[FlowHash.Slot(flow, 77, 65537)]);
        }

        var slot = Assert.Single(slots);
        Assert.Equal(FlowHash.Source(IPAddress.Parse(client), 77) % 65537, slot);
        Assert.Equal(5, backendsByTuple.Count);
    }

    [Fact]
    public void SourceSlot_ManyClients_SpreadOverWeightedRingByWeight()
    {
        // Balance across clients: 60000 random clients over a 3:2:1 ring take shares within 1.5 points of 50/33/17.
        var ring = MaglevTableBuilder.Build([new ScheduleMember(new byte[] { 10, 0, 0, 1 }, 1, 3), new ScheduleMember(new byte[] { 10, 0, 0, 2 }, 2, 2), new ScheduleMember(new byte[] { 10, 0, 0, 3 }, 3, 1)], 65537);
        var random = new Random(9);
        var counts = new int[4];
        const int clients = 60000;
        for (var i = 0; i < clients; i++)
        {
            var flow = RandomFlow(random, addressBytes: i % 2 == 0 ? 4 : 16);
            counts[ring[FlowHash.SourceSlot(flow, 0, 65537)]]++;
        }

        Assert.Equal(0, counts[0]);
        Assert.InRange(counts[1] / (double)clients, 0.5 - 0.015, 0.5 + 0.015);
        Assert.InRange(counts[2] / (double)clients, (2 / 6.0) - 0.015, (2 / 6.0) + 0.015);
        Assert.InRange(counts[3] / (double)clients, (1 / 6.0) - 0.015, (1 / 6.0) + 0.015);
    }

    /// <summary>The byte string the data plane hashes: [src][dst][sport BE][dport BE][proto, 0, 0, 0].</summary>
    private static byte[] WireBytes(FlowTuple flow)
    {
        var source = flow.Source.GetAddressBytes();
        var destination = flow.Destination.GetAddressBytes();
        Assert.Equal(source.Length, destination.Length);
        var bytes = new byte[(2 * source.Length) + 8];
        source.CopyTo(bytes, 0);
        destination.CopyTo(bytes, source.Length);
        var rest = bytes.AsSpan(2 * source.Length);
        BinaryPrimitives.WriteUInt16BigEndian(rest, flow.SourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(rest[2..], flow.DestinationPort);
        rest[4] = (byte)flow.Protocol;
        Assert.Equal(flow.Source.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 16 : 40, bytes.Length);
        return bytes;
    }

    private static FlowTuple RandomFlow(Random random, int addressBytes)
    {
        var source = new byte[addressBytes];
        var destination = new byte[addressBytes];
        random.NextBytes(source);
        random.NextBytes(destination);
        return new FlowTuple(
            new IPAddress(source),
            (ushort)random.Next(0, 65536),
            new IPAddress(destination),
            (ushort)random.Next(0, 65536),
            random.Next(2) == 0 ? L4Protocol.Tcp : L4Protocol.Udp);
    }

    private static uint RandomSeed(Random random, int sample) => sample % 4 == 0 ? 0 : (uint)random.NextInt64(0, 1L << 32);
}
