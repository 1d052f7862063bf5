using System.Net;
using System.Text.RegularExpressions;
using LoadBalancer.Bpf.Abi;
using LoadBalancer.Bpf.Programs;
using LoadBalancer.ControlPlane.Dataplane;
using LoadBalancer.Core.Config;
using LoadBalancer.Core.Hashing;
using LoadBalancer.Core.Model;
using LoadBalancer.Testing;
using Xunit;

namespace LoadBalancer.Datapath.Tests;

/// <summary>
/// Next-hop resolution through bpf_fib_lookup, with real devices, routes and neighbours in the
/// test's namespace and no fallback MAC: out of the ingress device (XDP_TX), out of another
/// (XDP_REDIRECT), unresolved neighbour (encapsulated and handed to the kernel), no route, and a
/// route MTU too small for the encapsulated packet.
/// </summary>
public sealed partial class NextHopTests : IDisposable
{
    private static readonly byte[] s_ingressMac = [0x02, 0, 0, 0, 0x0a, 0x01];
    private static readonly byte[] s_otherMac = [0x02, 0, 0, 0, 0x0c, 0x01];
    private static readonly byte[] s_backendMac = [0x02, 0, 0, 0, 0x01, 0x01];
    private static readonly byte[] s_farBackendMac = [0x02, 0, 0, 0, 0x02, 0x07];
    private static readonly byte[] s_backend6Mac = [0x02, 0, 0, 0, 0x01, 0x11];
    private static readonly IPAddress s_client = IPAddress.Parse("198.51.100.30");
    private static readonly IPAddress s_client6 = IPAddress.Parse("2001:db8:c::30");
    private static readonly VipKey s_sameDevice = new(IPAddress.Parse("10.100.0.1"), 80, L4Protocol.Tcp);
    private static readonly VipKey s_otherDevice = new(IPAddress.Parse("10.100.0.2"), 80, L4Protocol.Tcp);
    private static readonly VipKey s_noNeighbour = new(IPAddress.Parse("10.100.0.3"), 80, L4Protocol.Tcp);
    private static readonly VipKey s_noRoute = new(IPAddress.Parse("10.100.0.4"), 80, L4Protocol.Tcp);
    private static readonly VipKey s_ipv6 = new(IPAddress.Parse("fd00:100::1"), 443, L4Protocol.Tcp);
    private static readonly VipKey s_blackhole = new(IPAddress.Parse("10.100.0.5"), 80, L4Protocol.Tcp);
    private readonly BalancerWorld _world;
    private readonly int _ingress;

    public NextHopTests()
    {
        _world = new BalancerWorld(new BalancerConfig
        {
            Node = new NodeConfig { Interface = "nh-a", FlowTableSize = 1024, MaxVips = 16, MaxBackends = 64 },
            Vips =
            [
                StandardConfig.Vip(s_sameDevice, "10.1.0.1"),
                StandardConfig.Vip(s_otherDevice, "10.2.0.7"),
                StandardConfig.Vip(s_noNeighbour, "10.1.0.2"),
                StandardConfig.Vip(s_noRoute, "10.9.0.1"),
                StandardConfig.Vip(s_ipv6, "fd00:1::1"),
                StandardConfig.Vip(s_blackhole, "10.8.0.1"),
            ],
        }, "nexthop");
        try
        {
            _ingress = BuildDevices(_world.Namespace);
        }
        catch
        {
            _world.Dispose(); // xUnit does not call Dispose when the constructor throws
            throw;
        }
    }

    /// <summary>
    /// nh-a (ingress, 10.1.0.254/24, fd00:1::fe/64) with permanent neighbours 10.1.0.1 and fd00:1::1,
    /// nh-c (10.2.0.254/24) with neighbour 10.2.0.7, a blackhole route for 10.8.0.0/24, forwarding on.
    /// Returns nh-a's ifindex.
    /// </summary>
    public static int BuildDevices(Netns ns)
    {
        ns.Exec("ip", "link", "add", "nh-a", "address", "02:00:00:00:0a:01", "type", "veth", "peer", "name", "nh-b");
        ns.Exec("ip", "link", "add", "nh-c", "address", "02:00:00:00:0c:01", "type", "veth", "peer", "name", "nh-d");
        foreach (var dev in new[] { "nh-a", "nh-b", "nh-c", "nh-d" })
        {
            ns.Exec("ip", "link", "set", dev, "up");
        }
        ns.Exec("ip", "addr", "add", "10.1.0.254/24", "dev", "nh-a");
        ns.Exec("ip", "addr", "add", "10.2.0.254/24", "dev", "nh-c");
        ns.Exec("ip", "-6", "addr", "add", "fd00:1::fe/64", "dev", "nh-a", "nodad");
        ns.Exec("ip", "route", "add", "blackhole", "10.8.0.0/24");
        ns.Exec("sysctl", "-qw", "net.ipv4.conf.all.forwarding=1", "net.ipv6.conf.all.forwarding=1");
        ns.Exec("ip", "neigh", "replace", "10.1.0.1", "lladdr", "02:00:00:00:01:01", "dev", "nh-a", "nud", "permanent");
        ns.Exec("ip", "neigh", "replace", "10.2.0.7", "lladdr", "02:00:00:00:02:07", "dev", "nh-c", "nud", "permanent");
        ns.Exec("ip", "-6", "neigh", "replace", "fd00:1::1", "lladdr", "02:00:00:00:01:11", "dev", "nh-a", "nud", "permanent");
        return Ifindex(ns, "nh-a");
    }

    public void Dispose() => _world.Dispose();

    [Fact]
    public void BackendOnIngressDevice_IsSentWithXdpTx_ToItsNeighbourMac()
    {
        var (frame, flow) = Frame(s_sameDevice, s_client, 26000);
        var (action, output) = _world.Run(frame, _ingress);
        Assert.Equal(XdpAction.Tx, action);
        FrameAssert.Equal(_world.Encapsulated(frame, flow, "10.1.0.1", s_backendMac, s_ingressMac), output);
    }

    [Fact]
    public void BackendBehindATxPort_IsRedirected_WithThatDevicesMac()
    {
        _world.InNamespace(() =>
        {
            RedirectPorts.Set(_world.Balancer, [NetDevice.IndexOf("nh-c")]);
            return 0;
        });
        var (frame, flow) = Frame(s_otherDevice, s_client, 26001);
        var (action, output) = _world.Run(frame, _ingress);
        Assert.Equal(XdpAction.Redirect, action);
        FrameAssert.Equal(_world.Encapsulated(frame, flow, "10.2.0.7", s_farBackendMac, s_otherMac), output);
    }

    [Fact]
    public void BackendBehindADeviceNotInTxPorts_GoesThroughTheKernel()
    {
        var (frame, flow) = Frame(s_otherDevice, s_client, 26011);
        var before = _world.Counters();
        var (action, output) = _world.Run(frame, _ingress);
        Assert.Equal(XdpAction.Pass, action);
        FrameAssert.Equal(_world.Encapsulated(frame, flow, "10.2.0.7", BalancerWorld.LbMac, BalancerWorld.ClientMac), output);
        Assert.Equal(new Dictionary<LbReason, ulong> { [LbReason.PassKernelFwd] = 1 }, _world.Counters().ReasonDeltas(before));
    }

    [Fact]
    public void TaggedFrame_WithoutFallbackMac_GoesThroughTheKernel_TagKept()
    {
        var (frame, flow) = Frame(s_sameDevice, s_client, 26012, vlanTci: 42);
        var (action, output) = _world.Run(frame, _ingress);
        Assert.Equal(XdpAction.Pass, action);
        FrameAssert.Equal(_world.Encapsulated(frame, flow, "10.1.0.1", BalancerWorld.LbMac, BalancerWorld.ClientMac), output);
    }

    [Fact]
    public void BlackholeRoute_IsDroppedAsNoRoute()
    {
        var (frame, _) = Frame(s_blackhole, s_client, 26013);
        var before = _world.Counters();
        Assert.Equal(XdpAction.Drop, _world.Run(frame, _ingress).Action);
        Assert.Equal(new Dictionary<LbReason, ulong> { [LbReason.DropNoRoute] = 1 }, _world.Counters().ReasonDeltas(before));
    }

    [Fact]
    public void Ipv6Backend_IsSentWithItsNeighbourMac()
    {
        var (frame, flow) = Frame(s_ipv6, s_client6, 26002);
        var (action, output) = _world.Run(frame, _ingress);
        Assert.Equal(XdpAction.Tx, action);
        FrameAssert.Equal(_world.Encapsulated(frame, flow, "fd00:1::1", s_backend6Mac, s_ingressMac), output);
    }

    [Fact]
    public void NextHop_IsCachedPerBackend_UntilItsTtl_ThenResolvedAgain()
    {
        var (frame, flow) = Frame(s_sameDevice, s_client, 26010);
        Assert.Equal(XdpAction.Tx, _world.Run(frame, _ingress).Action);
        var id = _world.BackendId(s_sameDevice, IPAddress.Parse("10.1.0.1"));
        var cached = _world.Balancer.Nexthops.Lookup(id).Where(n => n.ExpiresNs != 0).ToList();
        Assert.Single(cached);
        var dmac = cached[0].Dmac;
        Assert.Equal(s_backendMac, ((ReadOnlySpan<byte>)dmac).ToArray());
        Assert.Equal(1500, cached[0].Mtu);
        Assert.Equal((uint)_ingress, cached[0].Ifindex);
        Assert.Equal((uint)_ingress, cached[0].IngressIfindex);

        _world.Namespace.Exec("ip", "neigh", "replace", "10.1.0.1", "lladdr", "02:00:00:00:01:99", "dev", "nh-a", "nud", "permanent");
        var (_, stillCached) = _world.Run(frame, _ingress);
        Assert.Equal(s_backendMac, stillCached[..6]);
        Thread.Sleep(_world.Spec.Node.NexthopCacheTtl + TimeSpan.FromMilliseconds(200)); // past node.nexthop_cache_ttl
        var (_, refreshed) = _world.Run(frame, _ingress);
        Assert.Equal(new byte[] { 0x02, 0, 0, 0, 0x01, 0x99 }, refreshed[..6]);
    }

    [Fact]
    public void UnresolvedNeighbour_IsEncapsulated_AndPassedToTheKernel()
    {
        var (frame, flow) = Frame(s_noNeighbour, s_client, 26003);
        var before = _world.Counters();
        var (action, output) = _world.Run(frame, _ingress);
        var after = _world.Counters();
        Assert.Equal(XdpAction.Pass, action);
        FrameAssert.Equal(_world.Encapsulated(frame, flow, "10.1.0.2", BalancerWorld.LbMac, BalancerWorld.ClientMac), output);
        Assert.Equal(new Dictionary<LbReason, ulong> { [LbReason.PassKernelFwd] = 1 }, after.ReasonDeltas(before));
        Assert.Equal(1UL, after.VipDelta(before, s_noNeighbour).Packets);
    }

    [Fact]
    public void NoRouteAndNoFallback_IsDroppedAsNoRoute()
    {
        var (frame, _) = Frame(s_noRoute, s_client, 26004);
        var before = _world.Counters();
        var (action, _) = _world.Run(frame, _ingress);
        Assert.Equal(XdpAction.Drop, action);
        Assert.Equal(new Dictionary<LbReason, ulong> { [LbReason.DropNoRoute] = 1 }, _world.Counters().ReasonDeltas(before));
    }

    [Fact]
    public void EncapsulatedAboveRouteMtu_IsDroppedAsFragNeeded_WhileMtuMinusOverheadPasses()
    {
        // nh-a has MTU 1500: a 1480-byte inner packet becomes exactly 1500, one more byte does not fit.
        var fits = Frame(s_sameDevice, s_client, 26005, 1480 - 40).Frame;
        var tooBig = Frame(s_sameDevice, s_client, 26006, 1481 - 40).Frame;
        Assert.Equal(XdpAction.Tx, _world.Run(fits, _ingress).Action);
        var before = _world.Counters();
        Assert.Equal(XdpAction.Drop, _world.Run(tooBig, _ingress).Action);
        Assert.Equal(new Dictionary<LbReason, ulong> { [LbReason.DropFragNeeded] = 1 }, _world.Counters().ReasonDeltas(before));
    }

    internal static (byte[] Frame, FlowTuple Flow) Frame(VipKey vip, IPAddress client, ushort port, int payload = 0, ushort? vlanTci = null)
    {
        var flow = new FlowTuple(client, port, vip.Address, vip.Port, vip.Protocol);
        var ip = Packet.IpTcp(client, vip.Address, port, vip.Port, Packet.TcpSyn, new byte[payload]);
        return (Packet.Ethernet(BalancerWorld.LbMac, BalancerWorld.ClientMac, Packet.EtherTypeOf(ip), ip, vlanTci: vlanTci), flow);
    }

    internal static int Ifindex(Netns ns, string device)
        => int.Parse(IfindexPattern().Match(ns.Exec("ip", "-o", "link", "show", "dev", device)).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^(\d+):")]
    private static partial Regex IfindexPattern();
}
