using System.Net;
using LoadBalancer.Bpf.Abi;
using LoadBalancer.Bpf.Programs;
using LoadBalancer.ControlPlane.Dataplane;
using LoadBalancer.Core.Model;
using LoadBalancer.Testing;
using Xunit;

namespace LoadBalancer.Datapath.Tests;

/// <summary>The synchronizer against maps it did not write alone: after a resync it converges on the plan, whatever it finds.</summary>
public sealed class SynchronizerTests : IDisposable
{
    private readonly BalancerWorld _world = new(StandardConfig.Create(), "sync");

    public void Dispose() => _world.Dispose();

    [Fact]
    public void Resync_RemovesWhatThePlanDoesNotHold_AndRestoresWhatItDoes()
    {
        var stray = new VipKey(IPAddress.Parse("10.100.7.7"), 80, L4Protocol.Tcp);
        _world.Balancer.Vips.Update(stray.ToAbi(), new LbVip { Id = 63 });
        _world.Balancer.Vips.Delete(StandardConfig.Tcp4.ToAbi());
        _world.Balancer.Reals.Update(200, AbiConvert.ToReal(IPAddress.Parse("10.9.9.9"), 0));

        _world.Synchronizer.Resync();
        _world.Synchronizer.Apply(_world.Synchronizer.Applied!);

        Assert.False(_world.Balancer.Vips.TryLookup(stray.ToAbi(), out _));
        Assert.True(_world.Balancer.Vips.TryLookup(StandardConfig.Tcp4.ToAbi(), out var vip));
        Assert.Equal(_world.Synchronizer.Applied!.Vips[StandardConfig.Tcp4], vip.Id);
        Assert.True(_world.Balancer.Reals.TryLookup(200, out var real));
        Assert.Equal(LbFamily.None, real.Family);

        var flow = new Core.Hashing.FlowTuple(StandardConfig.Client4, 28000, StandardConfig.Vip4, 80, L4Protocol.Tcp);
        var ip = Packet.IpTcp(flow.Source, flow.Destination, flow.SourcePort, flow.DestinationPort, Packet.TcpSyn);
        var (action, output) = _world.Run(Packet.Ethernet(BalancerWorld.LbMac, BalancerWorld.ClientMac, Packet.EtherTypeIpv4, ip));
        Assert.Equal(XdpAction.Tx, action);
        Assert.Equal(_world.RingBackend(StandardConfig.Tcp4, flow), Frames.OuterDestination(output));
    }

    [Fact]
    public void Apply_ReplacingOneVipByAnother_NeverReusesTheIdInTheSameChange()
    {
        var config = StandardConfig.Create();
        var before = _world.Synchronizer.Applied!.Vips[StandardConfig.Udp4];
        config.Vips.RemoveAll(v => v.Address == StandardConfig.Vip4.ToString() && v.Port == 53);
        config.Vips.Add(StandardConfig.Vip(new VipKey(IPAddress.Parse("10.100.0.9"), 53, L4Protocol.Udp), "10.1.0.1"));

        _world.Apply(config);

        Assert.DoesNotContain(before, _world.Synchronizer.Applied!.Vips.Values);
        Assert.False(_world.Balancer.Vips.TryLookup(StandardConfig.Udp4.ToAbi(), out _));
    }
}
