using System.Net;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using LoadBalancer.Bpf.Abi;
using LoadBalancer.Bpf.Maps;
using LoadBalancer.ControlPlane.Dataplane;
using LoadBalancer.Core.Config;
using LoadBalancer.Core.Model;
using Xunit;

namespace LoadBalancer.Datapath.Tests;

/// <summary>
/// RingReader (lbctl vip ring) against the real maps filled by the real planner and synchronizer:
/// the ring it reads is the planned one byte for byte, a slot changed behind lbd's back shows, and
/// VIPs without a ring are refused with a reason.
/// </summary>
public sealed class RingReadbackTests : IDisposable
{
    private static readonly VipKey s_maglev = new(IPAddress.Parse("10.100.0.1"), 80, L4Protocol.Tcp);
    private static readonly VipKey s_rr = new(IPAddress.Parse("10.100.0.1"), 81, L4Protocol.Tcp);
    private static readonly string[] s_backends = ["10.1.0.1", "10.1.0.2", "10.1.0.3"];
    private readonly BalancerWorld _world = new(Config(), "ring");

    public void Dispose() => _world.Dispose();

    [Fact]
    public void TheRingRead_IsThePlannedRing_ByteForByte_WithEachBackendsSlots()
    {
        var plan = _world.Synchronizer.Applied!;
        var planned = plan.Rings[plan.Vips[s_maglev]];

        var read = RingReader.Read(_world.Balancer, s_maglev, planned);

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(MemoryMarshal.AsBytes(planned.AsSpan()))), read.Sha256);
        Assert.True(read.MatchesPlan);
        Assert.Equal((uint)planned.Length, read.Size);
        Assert.Equal(plan.Vips[s_maglev], read.VipId);
        Assert.Equal("maglev", read.Scheduler);
        // weights 3:2:1: every backend with its planned count of slots, most first
        var expected = planned.CountBy(id => id).OrderByDescending(c => c.Value)
            .Select(c => (plan.BackendAddress(c.Key).ToString(), (uint)c.Value)).ToList();
        Assert.Equal(expected, read.Backends.Select(b => (b.Address!, b.Slots)).ToList());
        Assert.Equal(s_backends, read.Backends.Select(b => b.Address!));
    }

    [Fact]
    public void ASlotChangedBehindLbdsBack_ChangesTheDigest_AndNoLongerMatchesThePlan()
    {
        var plan = _world.Synchronizer.Applied!;
        var vipId = plan.Vips[s_maglev];
        var planned = plan.Rings[vipId];
        var before = RingReader.Read(_world.Balancer, s_maglev, planned);
        const uint slot = 40; // lane 8 of the second line
        var other = plan.Backends.Keys.First(id => id != planned[slot]);

        using (var ring = new BpfMap<uint, LbRingLine>(_world.Balancer.Rings.OpenInner(vipId)!))
        {
            Assert.True(ring.TryLookup(RingLines.LineOf(slot), out var line));
            line.Id[(int)(slot % (uint)LbAbi.RingLineSlots)] = (ushort)other;
            ring.Update(RingLines.LineOf(slot), line);
        }
        var after = RingReader.Read(_world.Balancer, s_maglev, planned);

        Assert.NotEqual(before.Sha256, after.Sha256);
        Assert.Equal(before.Backends.Single(b => b.Id == other).Slots + 1, after.Backends.Single(b => b.Id == other).Slots);
        Assert.Equal(before.Backends.Single(b => b.Id == planned[slot]).Slots - 1, after.Backends.Single(b => b.Id == planned[slot]).Slots);
        Assert.False(after.MatchesPlan);
        Assert.False(RingReader.Read(_world.Balancer, s_maglev, planned: null).MatchesPlan);
    }

    [Fact]
    public void AVipWithoutARing_OrUnknown_IsRefusedWithTheReason()
    {
        var list = Assert.Throws<InvalidOperationException>(() => RingReader.Read(_world.Balancer, s_rr, null));
        Assert.Contains("uses rr", list.Message);
        var unknown = new VipKey(IPAddress.Parse("10.100.0.9"), 80, L4Protocol.Tcp);
        Assert.Contains("no VIP 10.100.0.9:80/tcp", Assert.Throws<KeyNotFoundException>(() => RingReader.Read(_world.Balancer, unknown, null)).Message);
    }

    private static BalancerConfig Config() => new()
    {
        Node = new NodeConfig { Interface = "lo", FallbackMac = "02:00:00:00:00:fe", FlowTableSize = 8192, MaxVips = 16, MaxBackends = 64 },
        Vips =
        [
            Vip(s_maglev, "maglev"),
            Vip(s_rr, "rr"),
        ],
    };

    private static VipConfig Vip(VipKey key, string scheduler) => new()
    {
        Address = key.Address.ToString(),
        Port = key.Port,
        Protocol = "tcp",
        Scheduler = scheduler,
        Backends = [.. s_backends.Select((a, i) => new BackendConfig { Address = a, Weight = 3 - i })],
    };
}
