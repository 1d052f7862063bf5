using LoadBalancer.Bpf.Abi;
using LoadBalancer.Bpf.Maps;
using Xunit;

namespace LoadBalancer.Bpf.Tests.Maps;

/// <summary>The layout of a Maglev ring in lb_rings' inner maps: 32 slots of 16-bit ids per 64-byte line.</summary>
public sealed class RingLinesTests
{
    [Fact]
    public void ARingOf65537Slots_Takes2049Lines_AndComesBackSlotForSlot()
    {
        var ring = Enumerable.Range(0, 65537).Select(slot => (uint)(slot * 7919 % 65535) + 1).ToArray();

        var lines = RingLines.Pack(ring);

        Assert.Equal(2049, lines.Length);
        Assert.Equal(2049u, RingLines.Count(65537));
        Assert.Equal(ring, RingLines.Unpack(lines, 65537));
    }

    [Fact]
    public void SlotS_IsLaneSMod32_OfLineSDiv32_AndLanesPastTheRingAreZero()
    {
        var ring = Enumerable.Range(0, 37).Select(slot => (uint)(100 + slot)).ToArray();

        var lines = RingLines.Pack(ring);

        Assert.Equal(2, lines.Length);
        Assert.Equal(100, lines[0].Id[0]);
        Assert.Equal(131, lines[0].Id[31]);
        Assert.Equal(132, lines[1].Id[0]);
        Assert.Equal(136, lines[1].Id[4]);
        Assert.All(Enumerable.Range(5, 27), lane => Assert.Equal(0, lines[1].Id[lane]));
        Assert.Equal(1u, RingLines.LineOf(36));
        Assert.Equal(136u, RingLines.IdOf(lines[1], 36));
    }

    [Fact]
    public void AnIdAbove16Bits_IsRefusedNamingItsSlot()
    {
        var ring = new uint[40];
        ring[33] = 65536;

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => RingLines.Pack(ring));

        Assert.Contains("slot 33", error.Message);
        Assert.Contains("65536", error.Message);
    }

    [Fact]
    public void UnpackingMoreSlotsThanTheLinesHold_IsRefused()
    {
        var lines = new LbRingLine[2];

        Assert.Throws<ArgumentOutOfRangeException>(() => RingLines.Unpack(lines, 65));
        Assert.Equal(64, RingLines.Unpack(lines, 64).Length);
    }
}
