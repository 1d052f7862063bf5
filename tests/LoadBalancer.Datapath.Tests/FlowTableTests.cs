using System.Net;
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
/// The flow table across control-plane changes: a pinned flow keeps its backend when the ring
/// changes, a new SYN follows the new ring, a flow whose backend is removed is placed again, an
/// idle flow is no longer honoured, and counters count packets and new flows exactly.
/// </summary>
public sealed class FlowTableTests : IDisposable
{
    private static readonly IPAddress s_client = IPAddress.Parse("198.51.100.20");
    private static readonly VipKey s_tcp = new(IPAddress.Parse("10.100.0.1"), 80, L4Protocol.Tcp);
    private static readonly VipKey s_udp = new(IPAddress.Parse("10.100.0.1"), 53, L4Protocol.Udp);
    private readonly BalancerWorld _world;

    public FlowTableTests() => _world = new BalancerWorld(Config(["10.1.0.1", "10.1.0.2", "10.1.0.3"], ["10.1.0.1", "10.1.0.2"]), "flows");

    public void Dispose() => _world.Dispose();

    [Fact]
    public void AckAndRetransmittedSyn_AfterRingChange_StayOnPinnedBackend_WhileSynAfterClientCloseFollowsNewRing()
    {
        var flows = Enumerable.Range(20000, 400).Select(p => Flow(s_tcp, (ushort)p)).ToList();
        var pinned = flows.ToDictionary(f => f, f => Send(f, Packet.TcpSyn));
        Assert.All(flows, f => Assert.Equal(_world.RingBackend(s_tcp, f), pinned[f]));

        _world.Apply(Config(["10.1.0.1", "10.1.0.2", "10.1.0.3", "10.1.0.4"], ["10.1.0.1", "10.1.0.2"]));
        var moved = flows.Where(f => !_world.RingBackend(s_tcp, f).Equals(pinned[f])).ToList();
        Assert.InRange(moved.Count, 40, 160); // about 1/4 of 400 move to the new backend

        Assert.All(moved, f => Assert.Equal(pinned[f], Send(f, Packet.TcpAck)));
        // a SYN on an entry the client has not closed is a retransmitted handshake: it stays
        Assert.All(moved, f => Assert.Equal(pinned[f], Send(f, Packet.TcpSyn)));
        // after the client's FIN (or RST) the 5-tuple's next SYN is a new connection: the new ring
        Assert.All(moved, f => Assert.Equal(pinned[f], Send(f, Packet.TcpFin | Packet.TcpAck)));
        Assert.All(moved, f => Assert.Equal(_world.RingBackend(s_tcp, f), Send(f, Packet.TcpSyn)));
        Assert.All(moved, f => Assert.Equal(_world.RingBackend(s_tcp, f), Send(f, Packet.TcpAck)));

        var unseen = Enumerable.Range(30000, 100).Select(p => Flow(s_tcp, (ushort)p));
        Assert.All(unseen, f => Assert.Equal(_world.RingBackend(s_tcp, f), Send(f, Packet.TcpAck)));
    }

    [Fact]
    public void Ack_AfterItsBackendIsRemoved_IsPlacedOnTheNewRing()
    {
        var removed = IPAddress.Parse("10.1.0.2");
        var flows = Enumerable.Range(21000, 200).Select(p => Flow(s_tcp, (ushort)p)).ToList();
        var pinned = flows.ToDictionary(f => f, f => Send(f, Packet.TcpSyn));
        Assert.Contains(removed, pinned.Values);

        _world.Apply(Config(["10.1.0.1", "10.1.0.3"], ["10.1.0.1", "10.1.0.2"]));

        foreach (var flow in flows)
        {
            var now = Send(flow, Packet.TcpAck);
            if (pinned[flow].Equals(removed))
            {
                Assert.Equal(_world.RingBackend(s_tcp, flow), now);
            }
            else
            {
                Assert.Equal(pinned[flow], now);
            }
            Assert.NotEqual(removed, now);
        }
    }

    [Fact]
    public void Syn_WritesFlowEntry_WithBackendVipAndAccessTime()
    {
        var flow = Flow(s_tcp, 22000);
        var backend = Send(flow, Packet.TcpSyn);

        Assert.True(_world.Flows.TryLookup(flow, out var entry), "no lb_flows entry for the SYN's 5-tuple");
        Assert.Equal(_world.BackendId(s_tcp, backend), entry.RealId);
        Assert.Equal(_world.Synchronizer.Applied!.Vips[s_tcp], entry.VipId);
        var now = KernelClock.MonotonicCoarseNs;
        Assert.InRange(entry.AtimeNs, now - 2_000_000_000, now + 2_000_000_000);
    }

    [Fact]
    public void Counters_CountEveryPacket_AndEachNewFlowOnce()
    {
        var first = Flow(s_tcp, 23000);
        var second = Flow(s_tcp, 23001);
        var before = _world.Counters();
        var frames = new[] { Frame(first, Packet.TcpSyn), Frame(first, Packet.TcpAck), Frame(first, Packet.TcpAck | Packet.TcpPsh, 100), Frame(second, Packet.TcpSyn), Frame(second, Packet.TcpAck, 700) };
        var backends = frames.Select(f => Frames.OuterDestination(Run(f))).ToList();
        var after = _world.Counters();

        var vip = after.VipDelta(before, s_tcp);
        Assert.Equal((5UL, (ulong)frames.Sum(f => f.Length), 2UL), (vip.Packets, vip.Bytes, vip.NewFlows));
        foreach (var group in frames.Zip(backends).GroupBy(p => p.Second))
        {
            var delta = after.BackendDelta(before, _world.BackendId(s_tcp, group.Key));
            var newFlows = group.Count(p => (p.First[14 + 20 + 13] & Packet.TcpSyn) != 0);
            Assert.Equal(((ulong)group.Count(), (ulong)group.Sum(p => p.First.Length), (ulong)newFlows), (delta.Packets, delta.Bytes, delta.NewFlows));
        }
        Assert.Empty(after.ReasonDeltas(before));
    }

    [Fact]
    public void Udp_IdleLongerThanTimeout_IsPlacedAgain()
    {
        var flows = Enumerable.Range(24000, 200).Select(p => Flow(s_udp, (ushort)p)).ToList();
        var pinned = flows.ToDictionary(f => f, f => Send(f, 0));
        _world.Apply(Config(["10.1.0.1", "10.1.0.2", "10.1.0.3"], ["10.1.0.1", "10.1.0.2", "10.1.0.3"]));
        var moved = flows.Where(f => !_world.RingBackend(s_udp, f).Equals(pinned[f])).ToList();
        Assert.NotEmpty(moved);

        Assert.All(moved, f => Assert.Equal(pinned[f], Send(f, 0)));
        Thread.Sleep(TimeSpan.FromSeconds(3.5)); // udp_idle_timeout is 2s; the coarse clock ticks every few ms
        Assert.All(moved, f => Assert.Equal(_world.RingBackend(s_udp, f), Send(f, 0)));
    }

    [Fact]
    public void Syn_OnAnEntryIdlePastTheTcpTimeout_IsPlacedOnTheRing_AndCountedAsANewFlow()
    {
        var flow = Flow(s_tcp, 27000);
        var ringBackend = _world.RingBackend(s_tcp, flow);
        var stale = IPAddress.Parse(new[] { "10.1.0.1", "10.1.0.2", "10.1.0.3" }.First(b => !IPAddress.Parse(b).Equals(ringBackend)));
        var idleNs = (ulong)_world.Spec.Node.TcpIdleTimeout.Ticks * 100 + 60_000_000_000;
        _world.Flows.Write(flow, new LbFlow
        {
            AtimeNs = KernelClock.MonotonicCoarseNs - idleNs, // wraps on a young host: the data plane's age is modular too
            RealId = _world.BackendId(s_tcp, stale),
            VipId = (ushort)_world.Synchronizer.Applied!.Vips[s_tcp],
            Flags = LbFlowFlag.Established,
        });
        var before = _world.Counters();

        Assert.Equal(ringBackend, Send(flow, Packet.TcpSyn));

        var after = _world.Counters();
        Assert.Equal(1UL, after.VipDelta(before, s_tcp).NewFlows);
        Assert.Equal(1UL, after.BackendDelta(before, _world.BackendId(s_tcp, ringBackend)).NewFlows);
        Assert.True(_world.Flows.TryLookup(flow, out var entry));
        Assert.Equal(_world.BackendId(s_tcp, ringBackend), entry.RealId);
        Assert.Equal(default, entry.Flags);
        var now = KernelClock.MonotonicCoarseNs;
        Assert.InRange(entry.AtimeNs, now - 2_000_000_000, now + 2_000_000_000);
    }

    [Fact]
    public void PinnedFlow_OfARemovedVip_IsNoLongerForwarded()
    {
        var udp = Flow(s_udp, 26000);
        var tcp = Flow(s_tcp, 26001);
        Send(udp, 0);
        Send(tcp, Packet.TcpSyn);

        // The UDP VIP goes; its address stays a VIP address (TCP): its packets are dropped as unserved.
        _world.Apply(Config(["10.1.0.1", "10.1.0.2", "10.1.0.3"], []));
        var before = _world.Counters();
        Assert.Equal(XdpAction.Drop, _world.Run(Frame(udp, 0)).Action);
        Assert.Equal(new Dictionary<LbReason, ulong> { [LbReason.DropVipUnserved] = 1 }, _world.Counters().ReasonDeltas(before));

        // Every VIP of the address goes: its packets are no longer ours and pass untouched.
        _world.Apply(new BalancerConfig { Node = Config([], []).Node, Vips = [] });
        before = _world.Counters();
        Assert.Equal(XdpAction.Pass, _world.Run(Frame(tcp, Packet.TcpAck)).Action);
        Assert.Equal(new Dictionary<LbReason, ulong> { [LbReason.PassNotVip] = 1 }, _world.Counters().ReasonDeltas(before));
    }

    [Fact]
    public void VipWithoutRing_IsDroppedAsNoReal()
    {
        // The one hand-written map entry in these tests: validation never lets a VIP without
        // backends through, so a VIP entry whose ring slot is empty is built directly.
        var orphan = new VipKey(IPAddress.Parse("10.100.0.77"), 80, L4Protocol.Tcp);
        _world.Balancer.Vips.Update(orphan.ToAbi(), new LbVip { Id = _world.Spec.Node.MaxVips - 1 });
        var slot = VipFilter.Slot(orphan.Address);
        _world.Balancer.VipFilter.TryLookup(slot / 64, out var word);
        _world.Balancer.VipFilter.Update(slot / 64, word | (1UL << (int)(slot % 64)));
        var before = _world.Counters();

        var (action, _) = _world.Run(Frame(Flow(orphan, 25000), Packet.TcpSyn));

        Assert.Equal(XdpAction.Drop, action);
        Assert.Equal(new Dictionary<LbReason, ulong> { [LbReason.DropNoReal] = 1 }, _world.Counters().ReasonDeltas(before));
    }

    private static BalancerConfig Config(string[] tcpBackends, string[] udpBackends) => new()
    {
        Node = new NodeConfig { Interface = "lo", FallbackMac = "02:00:00:00:00:fe", FlowTableSize = 8192, UdpIdleTimeout = "2s", MaxVips = 16, MaxBackends = 64 },
        Vips = [.. new[] { (s_tcp, tcpBackends), (s_udp, udpBackends) }.Where(v => v.Item2.Length > 0).Select(v => StandardConfig.Vip(v.Item1, v.Item2))],
    };

    private static FlowTuple Flow(VipKey vip, ushort port) => new(s_client, port, vip.Address, vip.Port, vip.Protocol);

    private static byte[] Frame(FlowTuple flow, byte tcpFlags, int payload = 0)
    {
        var ip = flow.Protocol == L4Protocol.Tcp
            ? Packet.IpTcp(flow.Source, flow.Destination, flow.SourcePort, flow.DestinationPort, tcpFlags, new byte[payload])
            : Packet.IpUdp(flow.Source, flow.Destination, flow.SourcePort, flow.DestinationPort, new byte[payload + 8]);
        return Packet.Ethernet(BalancerWorld.LbMac, BalancerWorld.ClientMac, Packet.EtherTypeOf(ip), ip);
    }

    private byte[] Run(byte[] frame)
    {
        var (action, output) = _world.Run(frame);
        Assert.Equal(XdpAction.Tx, action);
        return output;
    }

    private IPAddress Send(FlowTuple flow, byte tcpFlags) => Frames.OuterDestination(Run(Frame(flow, tcpFlags)));
}
