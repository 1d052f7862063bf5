using System.Net;
using LoadBalancer.Bpf.Abi;
using LoadBalancer.Bpf.Maps;
using LoadBalancer.Bpf.Objects;
using LoadBalancer.Bpf.Programs;
using LoadBalancer.ControlPlane.Dataplane;
using LoadBalancer.Core.Config;
using LoadBalancer.Testing;
using Xunit;

namespace LoadBalancer.Datapath.Tests;

/// <summary>
/// lb_xdp_decap, fed with what lb_xdp_ingress really emits: for every encapsulation the balancer
/// produces (4-in-4, 6-in-6, 4-in-6, 6-in-4, VLAN-tagged), the backend gets the client's packet
/// back byte for byte; everything else passes untouched, and a cut tunnel packet is dropped.
/// </summary>
public sealed class DecapTests(StandardWorldFixture fixture) : IClassFixture<StandardWorldFixture>, IDisposable
{
    private readonly DecapObject _decap = DecapObject.Load();

    public static TheoryData<string> ForwardedRows() => [.. FixtureTable.Rows.Where(r => r.Forwards).Select(r => r.Name)];

    public void Dispose() => _decap.Dispose();

    [Theory]
    [MemberData(nameof(ForwardedRows))]
    public void BalancerOutput_IsDecapsulated_ToTheClientsPacket(string name)
    {
        // This class has its own world, so every row's flow is new here too.
        var row = FixtureTable.Rows.Single(r => r.Name == name);
        var (action, tunnel) = fixture.World.Run(row.Input);
        Assert.Equal(XdpAction.Tx, action);
        var outer = Frames.OuterDestination(tunnel).AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? LbDecapReason.Ipv4Outer : LbDecapReason.Ipv6Outer;
        var before = Counts();

        var (decapAction, output) = _decap.Program.TestRun(tunnel);

        Assert.Equal(XdpAction.Pass, decapAction);
        var expected = ExpectedFrames.Decapsulated(tunnel);
        FrameAssert.Equal(expected, output);
        Assert.True(row.Input.AsSpan(12).SequenceEqual(output.AsSpan(12)), "the inner packet (and tag) must be the client's, byte for byte\n" + Hex.Diff(row.Input.AsSpan(12), output.AsSpan(12)));
        Assert.Equal(before[outer] + 1, Counts()[outer]);
    }

    [Fact]
    public void NonTunnelTraffic_PassesUntouched()
    {
        var ip = Packet.IpTcp(IPAddress.Parse("198.51.100.1"), IPAddress.Parse("10.1.0.1"), 5555, 22, Packet.TcpSyn);
        var frame = Packet.Ethernet(BalancerWorld.LbMac, BalancerWorld.ClientMac, Packet.EtherTypeIpv4, ip);
        var before = Counts();
        var (action, output) = _decap.Program.TestRun(frame);
        Assert.Equal(XdpAction.Pass, action);
        FrameAssert.Equal(frame, output);
        Assert.Equal(before[LbDecapReason.PassOther] + 1, Counts()[LbDecapReason.PassOther]);
    }

    [Fact]
    public void TunnelPacketFromOutsideTheBalancersPrefixes_IsDropped()
    {
        var inner = Packet.IpTcp(IPAddress.Parse("203.0.113.9"), StandardConfig.Vip4, 4444, 80, Packet.TcpSyn);
        var outer = Packet.Ipv4(IPAddress.Parse("192.0.2.66"), IPAddress.Parse("10.1.0.1"), Packet.ProtoIpip, inner);
        var frame = Packet.Ethernet(BalancerWorld.LbMac, BalancerWorld.ClientMac, Packet.EtherTypeIpv4, outer);
        var before = Counts();
        Assert.Equal(XdpAction.Drop, _decap.Program.TestRun(frame).Action);
        Assert.Equal(before[LbDecapReason.DropForeign] + 1, Counts()[LbDecapReason.DropForeign]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void CongestionMarkOnTheOuterHeader_IsCopiedToAnEcnCapableInnerPacket(bool ipv6)
    {
        // Inner ECT(0); outer marked CE by a router on the way (RFC 6040).
        var client = ipv6 ? IPAddress.Parse("2001:db8:c::9") : IPAddress.Parse("198.51.100.9");
        var vip = ipv6 ? StandardConfig.Vip6 : StandardConfig.Vip4;
        var tcp = Packet.Tcp(client, vip, 4445, 80, Packet.TcpAck);
        byte[] inner = ipv6 ? Packet.Ipv6(client, vip, Packet.ProtoTcp, tcp, trafficClass: 0x02) : Packet.Ipv4(client, vip, Packet.ProtoTcp, tcp, tos: 0x02);
        var outer = Packet.Ipv4(IPAddress.Parse("172.16.3.4"), IPAddress.Parse("10.1.0.1"), ipv6 ? Packet.ProtoIpv6 : Packet.ProtoIpip, inner, tos: 0x03);
        var frame = Packet.Ethernet(BalancerWorld.LbMac, BalancerWorld.ClientMac, Packet.EtherTypeIpv4, outer);

        var (action, output) = _decap.Program.TestRun(frame);

        Assert.Equal(XdpAction.Pass, action);
        byte[] marked = ipv6 ? Packet.Ipv6(client, vip, Packet.ProtoTcp, tcp, trafficClass: 0x03) : Packet.Ipv4(client, vip, Packet.ProtoTcp, tcp, tos: 0x03);
        var expected = Packet.Ethernet(BalancerWorld.LbMac, BalancerWorld.ClientMac, Packet.EtherTypeOf(marked), marked);
        FrameAssert.Equal(expected, output);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void CongestionMarkOnTheOuterHeader_OfANotEctInnerPacket_IsDroppedAndCounted(bool ipv6Inner, bool ipv6Outer)
    {
        // RFC 6040 4.2: the mark cannot be passed on, and passing the packet would lose it silently.
        var client = ipv6Inner ? IPAddress.Parse("2001:db8:c::11") : IPAddress.Parse("198.51.100.11");
        var vip = ipv6Inner ? StandardConfig.Vip6 : StandardConfig.Vip4;
        var tcp = Packet.Tcp(client, vip, 4447, 80, Packet.TcpAck);
        byte[] inner = ipv6Inner ? Packet.Ipv6(client, vip, Packet.ProtoTcp, tcp, trafficClass: 0x00) : Packet.Ipv4(client, vip, Packet.ProtoTcp, tcp, tos: 0x00);
        var proto = ipv6Inner ? Packet.ProtoIpv6 : Packet.ProtoIpip;
        var outer = ipv6Outer
            ? Packet.Ipv6(IPAddress.Parse("fd10:4c42::3:5"), IPAddress.Parse("fd00:1::1"), proto, inner, trafficClass: 0x03)
            : Packet.Ipv4(IPAddress.Parse("172.16.3.5"), IPAddress.Parse("10.1.0.1"), proto, inner, tos: 0x03);
        var frame = Packet.Ethernet(BalancerWorld.LbMac, BalancerWorld.ClientMac, Packet.EtherTypeOf(outer), outer);
        var before = Counts();

        Assert.Equal(XdpAction.Drop, _decap.Program.TestRun(frame).Action);
        Assert.Equal(before[LbDecapReason.DropCeNotEct] + 1, Counts()[LbDecapReason.DropCeNotEct]);

        // the same packet with the outer header unmarked (ECT(0)) is decapsulated
        outer = ipv6Outer
            ? Packet.Ipv6(IPAddress.Parse("fd10:4c42::3:5"), IPAddress.Parse("fd00:1::1"), proto, inner, trafficClass: 0x02)
            : Packet.Ipv4(IPAddress.Parse("172.16.3.5"), IPAddress.Parse("10.1.0.1"), proto, inner, tos: 0x02);
        var (action, output) = _decap.Program.TestRun(Packet.Ethernet(BalancerWorld.LbMac, BalancerWorld.ClientMac, Packet.EtherTypeOf(outer), outer));
        Assert.Equal(XdpAction.Pass, action);
        FrameAssert.Equal(Packet.Ethernet(BalancerWorld.LbMac, BalancerWorld.ClientMac, Packet.EtherTypeOf(inner), inner), output);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void CongestionMark_OnAnInnerIpv4HeaderWithOptions_KeepsItsChecksumValid(bool ipv6Outer)
    {
        // Inner IPv4 with IHL 6 (NOP, NOP, NOP, EOL), ECT(0); outer CE. The checksum must cover all
        // 24 bytes of the inner header, not only the first 20.
        var client = IPAddress.Parse("198.51.100.10");
        var vip = StandardConfig.Vip4;
        byte[] options = [0x01, 0x01, 0x01, 0x00];
        var tcp = Packet.Tcp(client, vip, 4446, 80, Packet.TcpAck);
        var inner = Packet.Ipv4(client, vip, Packet.ProtoTcp, tcp, tos: 0x02, options: options);
        var outer = ipv6Outer
            ? Packet.Ipv6(IPAddress.Parse("fd10:4c42::3:4"), IPAddress.Parse("fd00:1::1"), Packet.ProtoIpip, inner, trafficClass: 0x03)
            : Packet.Ipv4(IPAddress.Parse("172.16.3.4"), IPAddress.Parse("10.1.0.1"), Packet.ProtoIpip, inner, tos: 0x03);
        var frame = Packet.Ethernet(BalancerWorld.LbMac, BalancerWorld.ClientMac, Packet.EtherTypeOf(outer), outer);

        var (action, output) = _decap.Program.TestRun(frame);

        Assert.Equal(XdpAction.Pass, action);
        var marked = Packet.Ipv4(client, vip, Packet.ProtoTcp, tcp, tos: 0x03, options: options);
        var expected = Packet.Ethernet(BalancerWorld.LbMac, BalancerWorld.ClientMac, Packet.EtherTypeIpv4, marked);
        FrameAssert.Equal(expected, output);
        Assert.Equal(6, output[14] & 0x0f);
        Assert.Equal(0, Packet.Checksum(output.AsSpan(14, 24)));
    }

    [Fact]
    public void CompiledInConfig_AcceptsTheBalancersDefaultOuterSources()
    {
        var defaults = ConfigValidator.Validate(new BalancerConfig { Vips = [] }).Node;
        Assert.True(BytewiseComparer<LbDecapConfig>.Instance.Equals(DecapConfigFactory.Create(defaults), DecapObject.DefaultConfig()),
            "decap.bpf.o's built-in outer source prefixes differ from NodeConfig's defaults");
    }

    [Fact]
    public void TunnelPacketWithoutRoomForInnerHeader_IsDropped()
    {
        var outer = Packet.Ipv4(IPAddress.Parse("172.16.0.1"), IPAddress.Parse("10.1.0.1"), Packet.ProtoIpip, new byte[12]);
        var frame = Packet.Ethernet(BalancerWorld.LbMac, BalancerWorld.ClientMac, Packet.EtherTypeIpv4, outer);
        var before = Counts();
        Assert.Equal(XdpAction.Drop, _decap.Program.TestRun(frame).Action);
        Assert.Equal(before[LbDecapReason.DropTrunc] + 1, Counts()[LbDecapReason.DropTrunc]);
    }

    private Dictionary<LbDecapReason, ulong> Counts()
        => Enumerable.Range(0, (int)LbDecapReason.Count).ToDictionary(r => (LbDecapReason)r, r => _decap.Stats.Lookup((uint)r).Aggregate(0UL, (s, c) => s + c.Packets));
}
