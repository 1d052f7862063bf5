using System.Net;
using LoadBalancer.Bpf.Abi;
using LoadBalancer.ControlPlane.Dataplane;
using LoadBalancer.Core.Config;
using LoadBalancer.Core.Hashing;
using LoadBalancer.Core.Model;
using LoadBalancer.Testing;
using Xunit;

namespace LoadBalancer.Datapath.Tests;

/// <summary>
/// Every scheduler through the real program and maps, filled by the real planner and synchronizer:
/// which backend a crafted flow's first packet gets, how the active-flow counts lc and wlc compare
/// move with SYN, FIN and RST, and that drained or weight-0 backends never get a new flow.
/// </summary>
public sealed class SchedulerTests : IDisposable
{
    private static readonly IPAddress s_client = IPAddress.Parse("198.51.100.30");
    private static readonly VipKey s_vip = new(IPAddress.Parse("10.100.0.1"), 80, L4Protocol.Tcp);
    private static readonly string[] s_backends = ["10.1.0.1", "10.1.0.2", "10.1.0.3"];
    private readonly BalancerWorld _world;
    private ushort _nextPort = 10000;

    public SchedulerTests() => _world = new BalancerWorld(Config("maglev", [1, 1, 1]), "sched");

    public void Dispose() => _world.Dispose();

    [Fact]
    public void CoreSchedulers_AreTheAbisValues_OneForOne()
    {
        // the planner casts Scheduler to LbScheduler: same names, same values, none missing
        Assert.Equal(
            Enum.GetValues<LbScheduler>().Where(s => s != LbScheduler.Count).Select(s => (s.ToString(), (byte)s)),
            Enum.GetValues<Scheduler>().Select(s => (s.ToString(), (byte)s)));
    }

    [Theory]
    [InlineData("maglev")]
    [InlineData("maglev-src")]
    public void MaglevSchedulers_PlaceEachNewFlow_OnTheRingSlotOfTheirHash(string scheduler)
    {
        _world.Apply(Config(scheduler, [3, 2, 1]));
        var plan = _world.Synchronizer.Applied!;
        var ring = plan.Rings[plan.Vips[s_vip]];
        var node = _world.Spec.Node;

        for (var c = 0; c < 20; c++)
        {
            var client = IPAddress.Parse($"198.51.100.{40 + c}");
            for (var p = 0; p < 10; p++)
            {
                var flow = new FlowTuple(client, NextPort(), s_vip.Address, s_vip.Port, s_vip.Protocol);
                var slot = scheduler == "maglev" ? FlowHash.Slot(flow, node.HashSeed, node.RingSize) : FlowHash.SourceSlot(flow, node.HashSeed, node.RingSize);
                Assert.Equal(plan.BackendAddress(ring[slot]), Send(flow, Packet.TcpSyn));
            }
        }
    }

    [Fact]
    public void MaglevSrc_SendsEveryConnectionOfOneClient_ToOneBackend_AndClientsSpread()
    {
        _world.Apply(Config("maglev-src", [1, 1, 1]));
        var byClient = Enumerable.Range(0, 30).Select(c => IPAddress.Parse($"198.51.100.{100 + c}"))
            .ToDictionary(c => c, c => Enumerable.Range(0, 20).Select(_ => Send(Flow(c), Packet.TcpSyn)).Distinct().ToList());

        Assert.All(byClient.Values, backends => Assert.Single(backends));
        Assert.Equal(3, byClient.Values.Select(b => b[0]).Distinct().Count());
    }

    [Theory]
    [InlineData("rr", new ushort[] { 1, 1, 1 })]
    [InlineData("rr", new ushort[] { 5, 1, 1 })]
    [InlineData("wrr", new ushort[] { 3, 2, 1 })]
    [InlineData("wrr", new ushort[] { 5, 1, 1 })]
    public void RoundRobin_WalksThePlannedList_InOrder_FromThisCpusCursor(string scheduler, ushort[] weights)
    {
        _world.Apply(Config(scheduler, weights));
        var plan = _world.Synchronizer.Applied!;
        var vipId = plan.Vips[s_vip];
        var list = plan.Lists[vipId];
        var cursor = _world.Balancer.RrCursors.Lookup(vipId)[0]; // the test runs on CPU 0
        var start = cursor < list.Length ? (int)cursor : 0;

        var got = Enumerable.Range(0, 3 * list.Length).Select(_ => Send(Flow(s_client), Packet.TcpSyn)).ToList();

        var expected = Enumerable.Range(0, got.Count).Select(k => plan.BackendAddress(list[(start + k) % list.Length])).ToList();
        Assert.Equal(expected, got);
        var shares = got.GroupBy(a => a).ToDictionary(g => g.Key, g => g.Count());
        var effective = scheduler == "rr" ? weights.Select(_ => 1).ToArray() : weights.Select(w => (int)w).ToArray();
        for (var i = 0; i < s_backends.Length; i++)
        {
            Assert.Equal(3 * list.Length * effective[i] / effective.Sum(), shares[IPAddress.Parse(s_backends[i])]);
        }
    }

    [Fact]
    public void LeastConnections_FillsTheLeastLoadedBackend_UntilItCatchesUp()
    {
        _world.Apply(Config("lc", [1, 1, 1]));
        SeedCounts(10, 3, 10);

        var first = Enumerable.Range(0, 7).Select(_ => Send(Flow(s_client), Packet.TcpSyn)).ToList();

        Assert.All(first, b => Assert.Equal(IPAddress.Parse(s_backends[1]), b));
        Assert.Equal([10, 10, 10], Counts());
        var next = Enumerable.Range(0, 30).Select(_ => Send(Flow(s_client), Packet.TcpSyn)).ToList();
        Assert.All(Counts(), c => Assert.InRange(c, 20, 21));
        Assert.Equal(3, next.Distinct().Count());
    }

    [Fact]
    public void WeightedLeastConnections_KeepsFlowsProportionalToWeight()
    {
        _world.Apply(Config("wlc", [3, 2, 1]));
        SeedCounts(0, 0, 0);

        for (var i = 0; i < 60; i++)
        {
            Send(Flow(s_client), Packet.TcpSyn);
            var counts = Counts();
            var ratios = counts.Zip(new[] { 3.0, 2.0, 1.0 }, (c, w) => c / w).ToList();
            Assert.True(ratios.Max() - ratios.Min() <= 1.0, $"after {i + 1} flows: counts {string.Join(",", counts)}");
        }
        Assert.Equal([30, 20, 10], Counts());
    }

    [Fact]
    public void FinOrRst_FromTheClient_EndsTheFlowsCount_Once_AndTheFlowStaysPinned()
    {
        _world.Apply(Config("lc", [1, 1, 1]));
        SeedCounts(0, 0, 0);
        var a = Flow(s_client);
        var b = Flow(s_client);
        var backendA = Send(a, Packet.TcpSyn);
        var backendB = Send(b, Packet.TcpSyn);
        Assert.Equal(2, Counts().Sum());

        Assert.Equal(backendA, Send(a, Packet.TcpAck));
        Assert.Equal(2, Counts().Sum());
        Assert.Equal(backendA, Send(a, Packet.TcpFin | Packet.TcpAck));
        Assert.Equal(1, Counts().Sum());
        Assert.Equal(backendA, Send(a, Packet.TcpFin | Packet.TcpAck)); // retransmitted FIN
        Assert.Equal(backendA, Send(a, Packet.TcpAck));
        Assert.Equal(1, Counts().Sum());
        Assert.Equal(backendB, Send(b, Packet.TcpRst));
        Assert.Equal(0, Counts().Sum());

        Assert.True(_world.Flows.TryLookup(a, out var entry));
        Assert.Equal(LbFlowFlag.Established | LbFlowFlag.Closed, entry.Flags);
    }

    [Theory]
    [InlineData("rr")]
    [InlineData("wrr")]
    [InlineData("lc")]
    [InlineData("wlc")]
    [InlineData("maglev")]
    public void RetransmittedSyn_KeepsItsBackend_AndIsCountedOnce_WhileSynAfterRstIsPlacedAgain(string scheduler)
    {
        _world.Apply(Config(scheduler, [1, 1, 1]));
        SeedCounts(0, 0, 0);
        var flows = Enumerable.Range(0, 6).Select(_ => Flow(s_client)).ToList();
        var first = flows.Select(f => Send(f, Packet.TcpSyn)).ToList();

        var again = flows.Select(f => Send(f, Packet.TcpSyn)).ToList();

        Assert.Equal(first, again);
        Assert.Equal(flows.Count, Counts().Sum());
        Send(flows[0], Packet.TcpRst);
        Assert.Equal(flows.Count - 1, Counts().Sum());
        Send(flows[0], Packet.TcpSyn); // a new connection on the same 5-tuple: placed and counted anew
        Assert.Equal(flows.Count, Counts().Sum());
        Assert.True(_world.Flows.TryLookup(flows[0], out var entry));
        Assert.Equal(default, entry.Flags);
    }

    [Theory]
    [InlineData("rr")]
    [InlineData("wrr")]
    public void RetransmittedSyn_LeavesTheCursor_SoTheNextNewFlowGetsTheNextListEntry(string scheduler)
    {
        _world.Apply(Config(scheduler, [1, 1, 1]));
        var plan = _world.Synchronizer.Applied!;
        var vipId = plan.Vips[s_vip];
        var list = plan.Lists[vipId];
        var cursor = _world.Balancer.RrCursors.Lookup(vipId)[0]; // the test runs on CPU 0
        var start = cursor < list.Length ? (int)cursor : 0;
        var flow = Flow(s_client);

        var first = Send(flow, Packet.TcpSyn);
        var retransmits = Enumerable.Range(0, 4).Select(_ => Send(flow, Packet.TcpSyn)).ToList();
        var next = Send(Flow(s_client), Packet.TcpSyn);

        Assert.Equal(plan.BackendAddress(list[start]), first);
        Assert.All(retransmits, b => Assert.Equal(first, b));
        Assert.Equal(plan.BackendAddress(list[(start + 1) % list.Length]), next);
        Assert.Equal((uint)((start + 1) % list.Length + 1), _world.Balancer.RrCursors.Lookup(vipId)[0]);
    }

    [Fact]
    public void Recount_ReplacesEachCount_ByTheLiveUnclosedFlows()
    {
        _world.Apply(Config("lc", [1, 1, 1]));
        var flows = Enumerable.Range(0, 12).Select(_ => Flow(s_client)).ToList();
        foreach (var flow in flows)
        {
            Send(flow, Packet.TcpSyn);
        }
        Send(flows[0], Packet.TcpFin | Packet.TcpAck);
        Send(flows[1], Packet.TcpRst);
        SeedCounts(100, -5, 7);

        FlowRecount.Apply(_world.Balancer, _world.Synchronizer.Applied!.Backends.Keys);

        var live = FlowRecount.Count(_world.Balancer);
        Assert.Equal(10, live.Values.Sum());
        Assert.Equal(s_backends.Select(b => live.GetValueOrDefault(_world.BackendId(s_vip, IPAddress.Parse(b)))).ToArray(), Counts());
    }

    [Theory]
    [InlineData("maglev")]
    [InlineData("maglev-src")]
    [InlineData("rr")]
    [InlineData("wrr")]
    [InlineData("lc")]
    [InlineData("wlc")]
    public void DrainedAndWeightZeroBackends_NeverGetANewFlow_TheirFlowsContinue(string scheduler)
    {
        _world.Apply(Config(scheduler, [1, 1, 1]));
        var pinned = Enumerable.Range(0, 60).Select(c => Flow(IPAddress.Parse($"198.51.100.{c + 1}"))).ToDictionary(f => f, f => Send(f, Packet.TcpSyn));
        Assert.Contains(IPAddress.Parse(s_backends[0]), pinned.Values);
        Assert.Contains(IPAddress.Parse(s_backends[2]), pinned.Values);

        var config = Config(scheduler, [1, 1, 0]);
        config.Vips[0].Backends[0].Drained = true;
        _world.Apply(config);

        var fresh = Enumerable.Range(0, 300).Select(c => Send(Flow(IPAddress.Parse($"198.51.{101 + c / 200}.{c % 200 + 1}")), Packet.TcpSyn)).ToList();
        Assert.All(fresh, b => Assert.Equal(IPAddress.Parse(s_backends[1]), b));
        Assert.All(pinned, p => Assert.Equal(p.Value, Send(p.Key, Packet.TcpAck)));
    }

    [Fact]
    public void SchedulerChange_KeepsTheOldRingOrList_UntilTheNextApply_ForCpusThatReadTheOldEntry()
    {
        var vipId = _world.Synchronizer.Applied!.Vips[s_vip];
        _world.Apply(Config("maglev", [1, 1, 1]));
        Assert.NotNull(_world.Balancer.Rings.InnerId(vipId));
        Assert.Null(_world.Balancer.Schedules.InnerId(vipId));

        _world.Apply(Config("rr", [1, 1, 1]));
        Assert.NotNull(_world.Balancer.Schedules.InnerId(vipId));
        Assert.NotNull(_world.Balancer.Rings.InnerId(vipId)); // the ring a CPU may still be reading
        _world.Apply(Config("rr", [1, 1, 1]));
        Assert.Null(_world.Balancer.Rings.InnerId(vipId));

        _world.Apply(Config("maglev-src", [1, 1, 1]));
        Assert.NotNull(_world.Balancer.Schedules.InnerId(vipId));
        _world.Apply(Config("maglev-src", [1, 2, 1]));
        Assert.Null(_world.Balancer.Schedules.InnerId(vipId));
        Assert.NotNull(_world.Balancer.Rings.InnerId(vipId));
    }

    [Fact]
    public void SchedulerChange_TakesEffectForNewFlows_WithoutDisturbingPinnedOnes()
    {
        var pinned = Enumerable.Range(0, 50).Select(_ => Flow(s_client)).ToDictionary(f => f, f => Send(f, Packet.TcpSyn));

        foreach (var scheduler in new[] { "rr", "lc", "maglev-src", "wrr", "maglev" })
        {
            _world.Apply(Config(scheduler, [1, 1, 1]));
            var before = _world.Counters();
            var placed = Enumerable.Range(0, 30).Select(_ => Send(Flow(s_client), Packet.TcpSyn)).ToList();
            Assert.Empty(_world.Counters().ReasonDeltas(before));
            Assert.Equal(scheduler == "maglev-src" ? 1 : 3, placed.Distinct().Count());
            Assert.All(pinned, p => Assert.Equal(p.Value, Send(p.Key, Packet.TcpAck)));
        }
    }

    [Theory]
    [InlineData("maglev", "maglev: ring slot")]
    [InlineData("maglev-src", "maglev-src: ring slot")]
    [InlineData("rr", "rr: list of 3, next position per CPU: cpu0 at")]
    [InlineData("wrr", "wrr: list of 6, next position per CPU: cpu0 at")]
    [InlineData("lc", "lc: active flows")]
    [InlineData("wlc", "wlc: active flows/weight")]
    public void Explain_SaysWhatTheSchedulerGivesANewFlow_AndTheDataPlaneDoesJustThat(string scheduler, string reasoning)
    {
        _world.Apply(Config(scheduler, [3, 2, 1]));
        SeedCounts(4, 1, 3);

        for (var i = 0; i < 12; i++)
        {
            var flow = Flow(s_client);
            var explained = Explainer.Explain(_world.Balancer, flow.Source, flow.SourcePort, s_vip);

            Assert.Equal(scheduler, explained.Scheduler);
            Assert.StartsWith(reasoning, explained.Placement);
            Assert.Equal(scheduler.StartsWith("maglev", StringComparison.Ordinal), explained.RingSlot is not null);
            Assert.Null(explained.FlowEntry);
            var placed = Send(flow, Packet.TcpSyn);
            Assert.Equal(placed.ToString(), explained.NewFlowBackend);
            Assert.Equal(placed.ToString(), explained.Backend);
            Assert.Equal(placed.ToString(), Explainer.Explain(_world.Balancer, flow.Source, flow.SourcePort, s_vip).FlowEntry?.Backend);
        }
    }

    private static BalancerConfig Config(string scheduler, ushort[] weights) => new()
    {
        Node = new NodeConfig { Interface = "lo", FallbackMac = "02:00:00:00:00:fe", FlowTableSize = 8192, MaxVips = 16, MaxBackends = 64 },
        Vips =
        [
            new VipConfig
            {
                Address = s_vip.Address.ToString(),
                Port = s_vip.Port,
                Protocol = "tcp",
                Scheduler = scheduler,
                Backends = [.. s_backends.Zip(weights, (a, w) => new BackendConfig { Address = a, Weight = w })],
            },
        ],
    };

    private FlowTuple Flow(IPAddress client) => new(client, NextPort(), s_vip.Address, s_vip.Port, s_vip.Protocol);

    private ushort NextPort() => _nextPort++;

    private void SeedCounts(params long[] counts)
    {
        for (var i = 0; i < counts.Length; i++)
        {
            _world.Balancer.RealFlows.Update(_world.BackendId(s_vip, IPAddress.Parse(s_backends[i])), counts[i]);
        }
    }

    private long[] Counts() => [.. s_backends.Select(b => _world.Balancer.RealFlows.TryLookup(_world.BackendId(s_vip, IPAddress.Parse(b)), out var count) ? count : -1)];

    private IPAddress Send(FlowTuple flow, byte tcpFlags) => _world.Forward(flow, tcpFlags);
}
