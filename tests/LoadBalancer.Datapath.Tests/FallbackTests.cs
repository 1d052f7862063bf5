using System.Net;
using LoadBalancer.Bpf.Abi;
using LoadBalancer.Bpf.Programs;
using LoadBalancer.Core.Config;
using LoadBalancer.Core.Hashing;
using LoadBalancer.Core.Model;
using LoadBalancer.Testing;
using Xunit;

namespace LoadBalancer.Datapath.Tests;

/// <summary>
/// With a fallback MAC configured, the fallback stands in only where the FIB has no route: an
/// unresolved neighbour still goes through the kernel, a blackhole route still drops, and a tagged
/// frame (which the FIB cannot place in a VLAN) uses the fallback in its own VLAN.
/// </summary>
public sealed class FallbackTests : IDisposable
{
    private static readonly byte[] s_fallbackMac = [0x02, 0, 0, 0, 0, 0xfe];
    private static readonly IPAddress s_client = IPAddress.Parse("198.51.100.40");
    private static readonly VipKey s_noNeighbour = new(IPAddress.Parse("10.100.1.1"), 80, L4Protocol.Tcp);
    private static readonly VipKey s_noRoute = new(IPAddress.Parse("10.100.1.2"), 80, L4Protocol.Tcp);
    private static readonly VipKey s_blackhole = new(IPAddress.Parse("10.100.1.3"), 80, L4Protocol.Tcp);
    private static readonly VipKey s_resolved = new(IPAddress.Parse("10.100.1.4"), 80, L4Protocol.Tcp);
    private readonly BalancerWorld _world;
    private readonly int _ingress;

    public FallbackTests()
    {
        _world = new BalancerWorld(new BalancerConfig
        {
            Node = new NodeConfig { Interface = "nh-a", FallbackMac = "02:00:00:00:00:fe", FlowTableSize = 1024, MaxVips = 16, MaxBackends = 64 },
            Vips =
            [
                StandardConfig.Vip(s_noNeighbour, "10.1.0.2"),
                StandardConfig.Vip(s_noRoute, "10.9.0.1"),
                StandardConfig.Vip(s_blackhole, "10.8.0.1"),
                StandardConfig.Vip(s_resolved, "10.1.0.1"),
            ],
        }, "fallback");
        try
        {
            _ingress = NextHopTests.BuildDevices(_world.Namespace);
        }
        catch
        {
            _world.Dispose(); // xUnit does not call Dispose when the constructor throws
            throw;
        }
    }

    public void Dispose() => _world.Dispose();

    [Fact]
    public void NoRoute_UsesTheFallbackMac()
    {
        var (frame, flow) = NextHopTests.Frame(s_noRoute, s_client, 27000);
        var (action, output) = _world.Run(frame, _ingress);
        Assert.Equal(XdpAction.Tx, action);
        FrameAssert.Equal(_world.Encapsulated(frame, flow, "10.9.0.1", s_fallbackMac, BalancerWorld.LbMac), output);
    }

    [Fact]
    public void UnresolvedNeighbour_GoesThroughTheKernel_NotTheFallback()
    {
        var (frame, flow) = NextHopTests.Frame(s_noNeighbour, s_client, 27001);
        var (action, output) = _world.Run(frame, _ingress);
        Assert.Equal(XdpAction.Pass, action);
        FrameAssert.Equal(_world.Encapsulated(frame, flow, "10.1.0.2", BalancerWorld.LbMac, BalancerWorld.ClientMac), output);
    }

    [Fact]
    public void BlackholeRoute_IsDropped_NotSentToTheFallback()
    {
        var (frame, _) = NextHopTests.Frame(s_blackhole, s_client, 27002);
        var before = _world.Counters();
        Assert.Equal(XdpAction.Drop, _world.Run(frame, _ingress).Action);
        Assert.Equal(new Dictionary<LbReason, ulong> { [LbReason.DropNoRoute] = 1 }, _world.Counters().ReasonDeltas(before));
    }

    [Fact]
    public void TaggedFrame_UsesTheFallbackInItsVlan_EvenWhereTheFibKnowsTheBackend()
    {
        var (frame, flow) = NextHopTests.Frame(s_resolved, s_client, 27003, vlanTci: 42);
        var (action, output) = _world.Run(frame, _ingress);
        Assert.Equal(XdpAction.Tx, action);
        FrameAssert.Equal(_world.Encapsulated(frame, flow, "10.1.0.1", s_fallbackMac, BalancerWorld.LbMac), output);
    }
}
