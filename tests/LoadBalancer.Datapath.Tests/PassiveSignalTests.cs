using System.Net;
using LoadBalancer.Bpf.Abi;
using LoadBalancer.ControlPlane.Dataplane;
using LoadBalancer.ControlPlane.Store;
using LoadBalancer.Core.Config;
using LoadBalancer.Core.Hashing;
using LoadBalancer.Core.Model;
using LoadBalancer.Core.State;
using LoadBalancer.Testing;
using Xunit;

namespace LoadBalancer.Datapath.Tests;

/// <summary>
/// The passive health signal: under DSR the balancer sees only the client's packets, so a backend
/// that does not answer shows as clients repeating their SYN (lb_stats.syn_retransmits) or giving up
/// the handshake with a RST (lb_stats.fresh_rsts), while the ACK completing a handshake marks the
/// flow entry LB_FLOW_ESTABLISHED. Packets go through BPF_PROG_TEST_RUN; the maps are filled by the
/// real control-plane path. The VIPs use rr, so a packet placed again would visibly move.
/// </summary>
public sealed class PassiveSignalTests : IDisposable
{
    private const byte SynAck = Packet.TcpSyn | Packet.TcpAck;
    private const byte FinAck = Packet.TcpFin | Packet.TcpAck;
    private static readonly IPAddress s_client = IPAddress.Parse("198.51.100.40");
    private static readonly VipKey s_tcp = new(IPAddress.Parse("10.100.0.1"), 80, L4Protocol.Tcp);
    private static readonly VipKey s_udp = new(IPAddress.Parse("10.100.0.1"), 53, L4Protocol.Udp);
    private static readonly string[] s_backends = ["10.1.0.1", "10.1.0.2", "10.1.0.3"];
    private readonly BalancerConfig _config = Config();
    private readonly BalancerWorld _world;
    private ushort _nextPort = 40000;

    public PassiveSignalTests() => _world = new BalancerWorld(_config, "passive");

    public void Dispose() => _world.Dispose();

    [Fact]
    public void RetransmittedSyn_OnAnOpenHandshake_CountsOneSynRetransmit_OnItsBackendAndVip_AndKeepsTheBackend()
    {
        var flow = Flow(s_tcp);
        var before = _world.Counters();

        var first = Send(flow, Packet.TcpSyn);
        var again = Send(flow, Packet.TcpSyn);

        Assert.Equal(first, again);
        var after = _world.Counters();
        var backend = _world.BackendId(s_tcp, first);
        Assert.Equal(Signal(packets: 2, newFlows: 1, synRetransmits: 1), Delta(after.Vips[s_tcp], before.Vips[s_tcp]));
        Assert.Equal(Signal(packets: 2, newFlows: 1, synRetransmits: 1), Delta(after.Backends[backend], before.Backends[backend]));
        Assert.All(after.Backends.Where(b => b.Key != backend), b => Assert.Equal(before.Backends[b.Key], b.Value));
        Assert.Equal(default, Entry(flow).Flags);
    }

    [Fact]
    public void EverySynRetransmit_OfAnUnansweredHandshake_IsCounted()
    {
        var flow = Flow(s_tcp);
        var before = _world.Counters();

        var backends = Enumerable.Range(0, 4).Select(_ => Send(flow, Packet.TcpSyn)).Distinct().ToList();

        var backend = _world.BackendId(s_tcp, Assert.Single(backends));
        Assert.Equal(Signal(packets: 4, newFlows: 1, synRetransmits: 3), Delta(_world.Counters().Backends[backend], before.Backends[backend]));
    }

    [Fact]
    public void Ack_CompletingTheHandshake_SetsEstablished_AndALaterSynIsNoRetransmit()
    {
        var flow = Flow(s_tcp);
        var before = _world.Counters();

        var backend = Send(flow, Packet.TcpSyn);
        Assert.Equal(default, Entry(flow).Flags);
        Assert.Equal(backend, Send(flow, Packet.TcpAck));
        Assert.Equal(LbFlowFlag.Established, Entry(flow).Flags);
        Assert.Equal(backend, Send(flow, Packet.TcpSyn));

        var after = _world.Counters();
        var id = _world.BackendId(s_tcp, backend);
        Assert.Equal(Signal(packets: 3, newFlows: 1), Delta(after.Vips[s_tcp], before.Vips[s_tcp]));
        Assert.Equal(Signal(packets: 3, newFlows: 1), Delta(after.Backends[id], before.Backends[id]));
        Assert.Equal(LbFlowFlag.Established, Entry(flow).Flags);
    }

    [Fact]
    public void Established_StaysSet_ThroughData_AndCloseAddsClosed()
    {
        var flow = Flow(s_tcp);
        Send(flow, Packet.TcpSyn);
        Send(flow, Packet.TcpAck);

        Send(flow, Packet.TcpAck | Packet.TcpPsh);
        Send(flow, Packet.TcpAck);
        Assert.Equal(LbFlowFlag.Established, Entry(flow).Flags);

        Send(flow, FinAck);
        Assert.Equal(LbFlowFlag.Established | LbFlowFlag.Closed, Entry(flow).Flags);
    }

    [Fact]
    public void Rst_OnAnOpenHandshake_CountsOneFreshRst_AndClosesTheFlow_OnceForRepeatedRsts()
    {
        var flow = Flow(s_tcp);
        var before = _world.Counters();
        var flowsBefore = ActiveFlows();

        var backend = Send(flow, Packet.TcpSyn);
        Assert.Equal(flowsBefore + 1, ActiveFlows());
        Assert.Equal(backend, Send(flow, Packet.TcpRst));

        var id = _world.BackendId(s_tcp, backend);
        var after = _world.Counters();
        Assert.Equal(Signal(packets: 2, newFlows: 1, freshRsts: 1), Delta(after.Vips[s_tcp], before.Vips[s_tcp]));
        Assert.Equal(Signal(packets: 2, newFlows: 1, freshRsts: 1), Delta(after.Backends[id], before.Backends[id]));
        Assert.Equal(LbFlowFlag.Closed, Entry(flow).Flags);
        Assert.Equal(flowsBefore, ActiveFlows());

        // the entry is closed: a repeated RST, or any later packet, no longer follows the handshake
        Assert.Equal(backend, Send(flow, Packet.TcpRst));
        Assert.Equal(backend, Send(flow, Packet.TcpAck));
        Assert.Equal(Signal(packets: 4, newFlows: 1, freshRsts: 1), Delta(_world.Counters().Backends[id], before.Backends[id]));
        Assert.Equal(LbFlowFlag.Closed, Entry(flow).Flags);
        Assert.Equal(flowsBefore, ActiveFlows());
    }

    [Fact]
    public void Rst_AfterTheHandshakeCompleted_IsNoFreshRst()
    {
        var flow = Flow(s_tcp);
        var before = _world.Counters();

        var backend = Send(flow, Packet.TcpSyn);
        Send(flow, Packet.TcpAck);
        Send(flow, Packet.TcpRst);

        var id = _world.BackendId(s_tcp, backend);
        var after = _world.Counters();
        Assert.Equal(Signal(packets: 3, newFlows: 1), Delta(after.Vips[s_tcp], before.Vips[s_tcp]));
        Assert.Equal(Signal(packets: 3, newFlows: 1), Delta(after.Backends[id], before.Backends[id]));
        Assert.Equal(LbFlowFlag.Established | LbFlowFlag.Closed, Entry(flow).Flags);
    }

    [Fact]
    public void SynAckFromTheClient_IsNeitherARetransmitNorTheHandshakesAck()
    {
        var flow = Flow(s_tcp);
        var before = _world.Counters();

        Send(flow, Packet.TcpSyn);
        Send(flow, SynAck);

        Assert.Equal(Signal(packets: 2, newFlows: 1), Delta(_world.Counters().Vips[s_tcp], before.Vips[s_tcp]));
        Assert.Equal(default, Entry(flow).Flags);
    }

    [Theory]
    [InlineData(Packet.TcpRst, 1UL)]
    [InlineData(FinAck, 0UL)]
    public void SynAfterTheClientClosed_IsPlacedAgain_AndIsNoRetransmit(byte close, ulong freshRsts)
    {
        var flow = Flow(s_tcp);
        var before = _world.Counters();

        Send(flow, Packet.TcpSyn);
        Send(flow, close);
        Send(flow, Packet.TcpSyn);

        Assert.Equal(Signal(packets: 3, newFlows: 2, freshRsts: freshRsts), Delta(_world.Counters().Vips[s_tcp], before.Vips[s_tcp]));
        Assert.Equal(default, Entry(flow).Flags); // a new entry: its handshake open again

        Send(flow, Packet.TcpSyn);
        Assert.Equal(Signal(packets: 4, newFlows: 2, synRetransmits: 1, freshRsts: freshRsts), Delta(_world.Counters().Vips[s_tcp], before.Vips[s_tcp]));
    }

    [Fact]
    public void Udp_NeverCounts_AndItsEntryKeepsNoFlags()
    {
        var flow = Flow(s_udp);
        var before = _world.Counters();

        var backends = Enumerable.Range(0, 5).Select(_ => Send(flow, 0)).Distinct().ToList();

        var id = _world.BackendId(s_udp, Assert.Single(backends));
        var after = _world.Counters();
        Assert.Equal(Signal(packets: 5, newFlows: 1), Delta(after.Vips[s_udp], before.Vips[s_udp]));
        Assert.Equal(Signal(packets: 5, newFlows: 1), Delta(after.Backends[id], before.Backends[id]));
        Assert.Equal(default, Entry(flow).Flags);
    }

    [Fact]
    public void StatsReader_SumsTheSignal_PerVipAndPerBackend()
    {
        var unanswered = Flow(s_tcp);
        var abandoned = Flow(s_tcp);
        var completed = Flow(s_tcp);
        var a = Send(unanswered, Packet.TcpSyn);
        Send(unanswered, Packet.TcpSyn);
        Send(unanswered, Packet.TcpSyn);
        var b = Send(abandoned, Packet.TcpSyn);
        Send(abandoned, Packet.TcpRst);
        Send(completed, Packet.TcpSyn);
        Send(completed, Packet.TcpAck);
        Send(completed, Packet.TcpRst);
        Assert.NotEqual(a, b); // rr: consecutive new flows go to different backends

        var state = new ReconcilerState(new DesiredState(_config, new StateOverlay()), _world.Spec, _world.Synchronizer.Applied!, 1, DateTimeOffset.UnixEpoch);
        var stats = StatsReader.Read(_world.Balancer, state, DateTimeOffset.UnixEpoch);

        var vip = stats.Vips.Single(v => v.Vip == s_tcp.ToString());
        Assert.Equal((2L, 1L), (vip.SynRetransmits, vip.FreshRsts));
        var byBackend = vip.Backends.ToDictionary(x => IPAddress.Parse(x.Address), x => (x.SynRetransmits, x.FreshRsts));
        Assert.Equal((2L, 0L), byBackend[a]);
        Assert.Equal((0L, 1L), byBackend[b]);
        Assert.Equal(s_backends.Length, byBackend.Count);
        Assert.Equal((2L, 1L), (byBackend.Values.Sum(x => x.SynRetransmits), byBackend.Values.Sum(x => x.FreshRsts)));
        Assert.All(stats.Vips.Single(v => v.Vip == s_udp.ToString()).Backends, x => Assert.Equal((0L, 0L), (x.SynRetransmits, x.FreshRsts)));
    }

    [Fact]
    public void RetransmittedSyn_WhoseBackendLeftService_IsPlacedAgain_ButAnEstablishedFlowStays()
    {
        var open = Flow(s_tcp);
        var established = Flow(s_tcp);
        var x = Send(open, Packet.TcpSyn);
        var y = Send(established, Packet.TcpSyn);
        Send(established, Packet.TcpAck);
        Assert.NotEqual(x, y); // rr
        var flowsBefore = ActiveFlows();

        // both backends leave service (drained: weight 0 in lb_reals)
        foreach (var backend in _config.Vips[0].Backends.Where(b => IPAddress.Parse(b.Address).Equals(x) || IPAddress.Parse(b.Address).Equals(y)))
        {
            backend.Drained = true;
        }
        _world.Apply(_config);

        var moved = Send(open, Packet.TcpSyn);
        Assert.NotEqual(x, moved);
        Assert.NotEqual(y, moved);
        Assert.Equal(_world.BackendId(s_tcp, moved), Entry(open).RealId);
        Assert.Equal(default, Entry(open).Flags);
        Assert.Equal(flowsBefore, ActiveFlows()); // counted down on the old backend, up on the new
        Assert.Equal(moved, Send(open, Packet.TcpSyn)); // its new backend is in service: a plain retransmit

        Assert.Equal(y, Send(established, Packet.TcpSyn)); // an answered handshake keeps its backend
        Assert.Equal(LbFlowFlag.Established, Entry(established).Flags);
    }

    private static BalancerConfig Config() => new()
    {
        Node = new NodeConfig { Interface = "lo", FallbackMac = "02:00:00:00:00:fe", FlowTableSize = 8192, MaxVips = 16, MaxBackends = 64 },
        Vips = [.. new[] { s_tcp, s_udp }.Select(key => Rr(StandardConfig.Vip(key, s_backends)))],
    };

    private static VipConfig Rr(VipConfig vip)
    {
        vip.Scheduler = "rr";
        return vip;
    }

    /// <summary>The lb_stats change a scenario must produce; bytes are left out (FlowTableTests counts them).</summary>
    private static (ulong Packets, ulong NewFlows, ulong SynRetransmits, ulong FreshRsts) Signal(ulong packets, ulong newFlows, ulong synRetransmits = 0, ulong freshRsts = 0)
        => (packets, newFlows, synRetransmits, freshRsts);

    private static (ulong Packets, ulong NewFlows, ulong SynRetransmits, ulong FreshRsts) Delta(LbStats after, LbStats before)
        => (after.Packets - before.Packets, after.NewFlows - before.NewFlows, after.SynRetransmits - before.SynRetransmits, after.FreshRsts - before.FreshRsts);

    private FlowTuple Flow(VipKey vip) => new(s_client, _nextPort++, vip.Address, vip.Port, vip.Protocol);

    private LbFlow Entry(FlowTuple flow)
    {
        Assert.True(_world.Flows.TryLookup(flow, out var entry), $"no lb_flows entry for {flow}");
        return entry;
    }

    private long ActiveFlows() => s_backends.Sum(b => _world.Balancer.RealFlows.TryLookup(_world.BackendId(s_tcp, IPAddress.Parse(b)), out var count) ? count : 0);

    private IPAddress Send(FlowTuple flow, byte tcpFlags) => _world.Forward(flow, tcpFlags);
}
