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
/// The set-associative flow table (bpf/include/lb_flow.h) slot by slot: which slot of a full bucket
/// a new flow takes, the sequence lock between the data plane and the control plane, and the
/// control plane's own reads and writes (FlowTable). Flows of one bucket are found with the same
/// flow hash the data plane computes.
/// </summary>
public sealed class FlowBucketTests : IDisposable
{
    private const ulong Second = 1_000_000_000;
    private static readonly IPAddress s_client = IPAddress.Parse("198.51.100.30");
    private static readonly VipKey s_tcp = new(IPAddress.Parse("10.100.0.1"), 80, L4Protocol.Tcp);
    private static readonly VipKey s_udp = new(IPAddress.Parse("10.100.0.1"), 53, L4Protocol.Udp);
    private static readonly int s_ways = (int)LbAbi.FlowWays;
    private readonly BalancerWorld _world;

    public FlowBucketTests() => _world = new BalancerWorld(new BalancerConfig
    {
        // 64 rounds to 8 buckets of 7 slots
        Node = new NodeConfig { Interface = "lo", FallbackMac = "02:00:00:00:00:fe", FlowTableSize = 64, UdpIdleTimeout = "2s", FallbackMtu = StandardConfig.FallbackMtu, MaxVips = 16, MaxBackends = 64 },
        Vips = [StandardConfig.Vip(s_tcp, ["10.1.0.1", "10.1.0.2", "10.1.0.3"]), StandardConfig.Vip(s_udp, ["10.1.0.1", "10.1.0.2"])],
    }, "buckets");

    public void Dispose() => _world.Dispose();

    [Fact]
    public void Sizes_AreRoundedUpToWholeBuckets_AndThePowerOfTwoTheProgramMasksWith()
    {
        Assert.Equal(56u, new FlowTable(_world.Balancer).Capacity);
        Assert.Equal(7u, _world.Balancer.Config.FlowBucketMask);
        Assert.Equal(8u, _world.Balancer.FlowIndex.Length);
        Assert.Equal(56u, _world.Balancer.FlowSlots.Length);
    }

    [Fact]
    public void FullBucket_NewFlow_TakesTheLeastRecentlyUsedSlot_AndCountsTheEviction()
    {
        var flows = SameBucket(s_ways + 1, s_tcp);
        var now = KernelClock.MonotonicCoarseNs;
        for (var i = 0; i < s_ways; i++)
        {
            // all live (TCP idle timeout 15m); flows[3] is the least recently used
            _world.Flows.Write(flows[i], Entry(s_tcp, flows[i], now - (i == 3 ? 60UL : 10UL + (ulong)i) * Second));
        }

        var before = _world.Counters();

        var backend = _world.Forward(flows[^1], Packet.TcpSyn);

        Assert.Equal(_world.RingBackend(s_tcp, flows[^1]), backend);
        var delta = _world.Counters().VipDelta(before, s_tcp);
        Assert.Equal((1UL, 1UL), (delta.NewFlows, delta.Evictions));
        Assert.Equal(1UL, _world.Counters().BackendDelta(before, _world.BackendId(s_tcp, backend)).Evictions);
        Assert.True(_world.Flows.TryLookup(flows[^1], out _));
        Assert.False(_world.Flows.TryLookup(flows[3], out _));
        Assert.All(flows.Take(s_ways).Where((_, i) => i != 3), f => Assert.True(_world.Flows.TryLookup(f, out _), $"{f} was evicted"));
        Assert.Equal(s_ways, _world.Flows.Count());
    }

    [Fact]
    public void FullBucket_WhoseLeastRecentlyUsedSlotAWriterHolds_PlacesANewFlowInTheNextOne()
    {
        // as a writer that died mid-write (lbd killed) would leave it: the slot's lock byte stays odd
        var flows = SameBucket(s_ways + 1, s_tcp);
        var now = KernelClock.MonotonicCoarseNs;
        for (var i = 0; i < s_ways; i++)
        {
            // all live; flows[3] is the least recently used, flows[5] the next
            _world.Flows.Write(flows[i], Entry(s_tcp, flows[i], now - (i == 3 ? 60UL : i == 5 ? 50UL : 10UL + (ulong)i) * Second));
        }
        var (bucket, held) = Locate(flows[3]);
        _world.Balancer.FlowIndex[bucket].Seq += 1UL << (8 * held);
        var before = _world.Counters();

        _world.Forward(flows[^1], Packet.TcpSyn);
        _world.Forward(flows[^1], Packet.TcpAck);

        var delta = _world.Counters().VipDelta(before, s_tcp);
        Assert.Equal((2UL, 1UL, 1UL), (delta.Packets, delta.NewFlows, delta.Evictions)); // placed once: the ACK hit its entry
        Assert.True(_world.Flows.TryLookup(flows[^1], out _));
        Assert.False(_world.Flows.TryLookup(flows[5], out _));
        Assert.Equal(flows[3].ToAbi().Sport, Slot(bucket, held).Key.Sport); // the held slot untouched
        _world.Balancer.FlowIndex[bucket].Seq += 1UL << (8 * held);
    }

    [Fact]
    public void SlotsAWriterDiedHolding_AreFreedAtTakeOver_AndOnesAWriterReleasesMeanwhileAreNot()
    {
        var flows = SameBucket(3, s_tcp);
        var now = KernelClock.MonotonicCoarseNs;
        flows.ForEach(f => _world.Flows.Write(f, Entry(s_tcp, f, now)));
        var (bucket, dead) = Locate(flows[0]);
        var (_, live) = Locate(flows[1]);
        ref var index = ref _world.Balancer.FlowIndex[bucket];
        var deadSeq = SeqOf(index, dead);
        index.Seq += (1UL << (8 * dead)) + (1UL << (8 * live)); // both held, as between a claim and a release
        var writer = new Thread(() =>
        {
            Thread.Sleep(10);
            _world.Balancer.FlowIndex[bucket].Seq += 1UL << (8 * live); // the live writer releases
        });
        writer.Start();

        var freed = _world.Flows.ReleaseAbandoned(TimeSpan.FromMilliseconds(200));

        writer.Join();
        Assert.Equal(1, freed);
        Assert.Equal((LbFamily.None, deadSeq + 2, 0u), (Slot(bucket, dead).Key.Family, SeqOf(index, dead), index.Tag[dead]));
        Assert.False(_world.Flows.TryLookup(flows[0], out _));
        Assert.True(_world.Flows.TryLookup(flows[1], out _)); // the live writer's slot kept its entry
        Assert.True(_world.Flows.TryLookup(flows[2], out _));
        Assert.Equal(0UL, index.Seq & 0x0101010101010101UL);
        Assert.Equal(0, _world.Flows.ReleaseAbandoned(TimeSpan.FromMilliseconds(200)));
    }

    [Fact]
    public void IdleSlot_IsTakenBeforeAnOlderLiveOne_WithoutCountingAnEviction()
    {
        var tcp = SameBucket(s_ways, s_tcp);
        var udp = SameBucket(1, s_udp)[0];
        var newcomer = tcp[^1];
        var now = KernelClock.MonotonicCoarseNs;
        // the UDP entry is the most recent, but idle past the 2s UDP timeout; the TCP ones are older and live
        _world.Flows.Write(udp, Entry(s_udp, udp, now - 10 * Second));
        foreach (var flow in tcp.SkipLast(1))
        {
            _world.Flows.Write(flow, Entry(s_tcp, flow, now - 100 * Second));
        }
        var before = _world.Counters();

        _world.Forward(newcomer, Packet.TcpAck); // an ACK: the general path (lookup, then insert)

        var delta = _world.Counters().VipDelta(before, s_tcp);
        Assert.Equal((1UL, 0UL), (delta.NewFlows, delta.Evictions));
        Assert.True(_world.Flows.TryLookup(newcomer, out _));
        Assert.False(_world.Flows.TryLookup(udp, out _));
        Assert.All(tcp.SkipLast(1), f => Assert.True(_world.Flows.TryLookup(f, out _), $"{f} was evicted"));
    }

    [Fact]
    public void ClosedFlow_IsEvictedBeforeAnOlderOpenOne_WithoutCountingAnEviction()
    {
        var flows = SameBucket(s_ways + 1, s_tcp);
        var now = KernelClock.MonotonicCoarseNs;
        for (var i = 0; i < s_ways; i++)
        {
            // all live; flows[2] is the most recent but closed by its client, the others open and older
            var entry = Entry(s_tcp, flows[i], now - (i == 2 ? 5UL : 50UL + (ulong)i) * Second);
            _world.Flows.Write(flows[i], i == 2 ? entry with { Flags = LbFlowFlag.Established | LbFlowFlag.Closed } : entry);
        }
        var before = _world.Counters();

        _world.Forward(flows[^1], Packet.TcpSyn);

        Assert.Equal((1UL, 0UL), (_world.Counters().VipDelta(before, s_tcp).NewFlows, _world.Counters().VipDelta(before, s_tcp).Evictions));
        Assert.False(_world.Flows.TryLookup(flows[2], out _));
        Assert.All(flows.Where((_, i) => i != 2), f => Assert.True(_world.Flows.TryLookup(f, out _), $"{f} was evicted"));
    }

    [Fact]
    public void BusyFlow_WithAnIdleTimeoutUnderASecond_IsRefreshedInTime_AndStaysPlacedOnce()
    {
        // udp_idle_timeout 1s: an entry is refreshed after half of it, not after the usual second
        using var world = new BalancerWorld(new BalancerConfig
        {
            Node = new NodeConfig { Interface = "lo", FallbackMac = "02:00:00:00:00:fe", FlowTableSize = 64, UdpIdleTimeout = "1s", MaxVips = 16, MaxBackends = 64 },
            Vips = [StandardConfig.Vip(s_udp, ["10.1.0.1", "10.1.0.2"])],
        }, "udp1s");
        var flow = new FlowTuple(s_client, 5353, s_udp.Address, s_udp.Port, s_udp.Protocol);
        var before = world.Counters();

        // 2.4 s of a datagram every 0.15 s: the entry is refreshed at most 0.65 s after its last
        // refresh, so a sleep may overrun by 0.35 s on a loaded host before the entry expires
        const int Datagrams = 17;
        for (var i = 0; i < Datagrams; i++)
        {
            if (i > 0)
            {
                Thread.Sleep(150);
            }
            world.Forward(flow, 0);
        }

        var delta = world.Counters().VipDelta(before, s_udp);
        Assert.Equal(((ulong)Datagrams, 1UL), (delta.Packets, delta.NewFlows));
    }

    [Fact]
    public void SlotHeldByAWriter_IsNeitherTrustedNorOverwritten_UntilReleased()
    {
        var flow = SameBucket(1, s_tcp)[0];
        var ring = _world.RingBackend(s_tcp, flow);
        var other = IPAddress.Parse(new[] { "10.1.0.1", "10.1.0.2", "10.1.0.3" }.First(b => !IPAddress.Parse(b).Equals(ring)));
        _world.Flows.Write(flow, Entry(s_tcp, flow, KernelClock.MonotonicCoarseNs) with { RealId = _world.BackendId(s_tcp, other) });
        var (b, way) = Locate(flow);
        ref var index = ref _world.Balancer.FlowIndex[b];
        var seq = SeqOf(index, way);
        Assert.True(seq % 2 == 0 && seq > 0, $"seq {seq} after a write");
        Assert.Equal(other, _world.Forward(flow, Packet.TcpAck));

        index.Seq += 1UL << (8 * way); // as a writer between its compare-and-swap and its release
        var before = _world.Counters();
        Assert.Equal(ring, _world.Forward(flow, Packet.TcpAck)); // not trusted: placed by the ring
        Assert.Equal(1UL, _world.Counters().VipDelta(before, s_tcp).NewFlows);
        Assert.Equal(seq + 1, SeqOf(index, way)); // and not overwritten
        Assert.Equal(_world.BackendId(s_tcp, other), Slot(b, way).Flow.RealId);

        index.Seq += 1UL << (8 * way);
        Assert.Equal(other, _world.Forward(flow, Packet.TcpAck));
    }

    [Fact]
    public void APlacement_WhosePacketIsThenDropped_StillWritesAndReleasesItsSlot()
    {
        // the slot is claimed before the packet is encapsulated and written after (flow_fill), on every exit
        var flow = SameBucket(1, s_tcp)[0];
        var ip = Packet.IpTcp(flow.Source, flow.Destination, flow.SourcePort, flow.DestinationPort, Packet.TcpSyn, new byte[StandardConfig.FallbackMtu]);
        var before = _world.Counters();

        var (action, _) = _world.Run(Packet.Ethernet(BalancerWorld.LbMac, BalancerWorld.ClientMac, Packet.EtherTypeOf(ip), ip));

        Assert.Equal(XdpAction.Drop, action);
        Assert.Equal(new Dictionary<LbReason, ulong> { [LbReason.DropFragNeeded] = 1 }, _world.Counters().ReasonDeltas(before));
        var (bucket, way) = Locate(flow);
        Assert.Equal(2, SeqOf(_world.Balancer.FlowIndex[bucket], way));
        Assert.Equal(0UL, _world.Balancer.FlowIndex[bucket].Seq & 0x0101010101010101UL); // no lock left held
        Assert.Equal(_world.RingBackend(s_tcp, flow), _world.Forward(flow, Packet.TcpAck));
        var delta = _world.Counters().VipDelta(before, s_tcp);
        Assert.Equal((1UL, 0UL), (delta.Packets, delta.NewFlows)); // the ACK hit the entry
    }

    [Fact]
    public void ControlPlane_WritesScansAndRemoves_UnderTheSequenceLock()
    {
        var flows = SameBucket(s_ways + 1, s_tcp);
        var table = _world.Flows;
        var now = KernelClock.MonotonicCoarseNs;
        var doomedId = _world.BackendId(s_tcp, IPAddress.Parse("10.1.0.2"));
        for (var i = 0; i < s_ways; i++)
        {
            table.Write(flows[i], Entry(s_tcp, flows[i], now) with { RealId = i == 5 ? doomedId : _world.BackendId(s_tcp, IPAddress.Parse("10.1.0.1")) });
        }
        var (bucket, way) = Locate(flows[5]);
        var seq = SeqOf(_world.Balancer.FlowIndex[bucket], way);

        var seen = new List<LbFlowKey>();
        table.Scan((key, _) => seen.Add(key));
        Assert.Equal(flows.Take(s_ways).Select(f => f.SourcePort).Order(), seen.Select(k => k.Sport.Value).Order());
        Assert.All(seen, k => Assert.Equal((LbFamily.Ipv4, (byte)L4Protocol.Tcp, (ushort)80), (k.Family, k.Proto, k.Dport.Value)));
        var full = Assert.Throws<InvalidOperationException>(() => table.Write(flows[^1], Entry(s_tcp, flows[^1], now)));
        Assert.Contains(flows[^1].ToString(), full.Message);

        Assert.Equal(1, table.RemoveWhere((_, flow) => flow.RealId == doomedId));

        Assert.False(table.TryLookup(flows[5], out _));
        Assert.Equal(s_ways - 1, table.Count());
        var freed = _world.Balancer.FlowIndex[bucket];
        Assert.Equal((LbFamily.None, seq + 2, 0u), (Slot(bucket, way).Key.Family, SeqOf(freed, way), freed.Tag[way]));
        table.Write(flows[^1], Entry(s_tcp, flows[^1], now)); // the freed slot takes it
        Assert.True(table.TryLookup(flows[^1], out _));
    }

    [Fact]
    public void AMappedIndexLetGoUnderAReader_ReadsZeros_InsteadOfFaulting_AndNewAccessesThrow()
    {
        // a scan racing lbd's shutdown: it took its reference before the mapping went
        var index = _world.Balancer.FlowIndex;
        ref var first = ref index[0];
        first.Seq = 0x0202;
        first.Tag[1] = 7;

        index.Dispose();

        Assert.Equal((0UL, 0u), (Volatile.Read(ref first.Seq), first.Tag[1])); // a fault would end the test run here
        first.Stamp[1] = 9; // and a late writer writes into memory of its own
        Assert.Equal(9u, first.Stamp[1]);
        Assert.Throws<ObjectDisposedException>(() => index[0].Seq);
        index.Dispose(); // twice is harmless
    }

    /// <summary>The first <paramref name="count"/> flows of <paramref name="vip"/> (client ports from 1024 on) whose flow hash selects bucket 0.</summary>
    private List<FlowTuple> SameBucket(int count, VipKey vip)
    {
        var config = _world.Balancer.Config;
        var found = new List<FlowTuple>();
        for (var port = 1024; found.Count < count; port++)
        {
            var flow = new FlowTuple(s_client, (ushort)port, vip.Address, vip.Port, vip.Protocol);
            if ((FlowHash.Compute(flow, config.HashSeed) & config.FlowBucketMask) == 0)
            {
                found.Add(flow);
            }
        }
        return found;
    }

    private uint Bucket(FlowTuple flow) => FlowHash.Compute(flow, _world.Balancer.Config.HashSeed) & _world.Balancer.Config.FlowBucketMask;

    /// <summary>The bucket and way of the slot holding <paramref name="flow"/>.</summary>
    private (uint Bucket, int Way) Locate(FlowTuple flow)
    {
        var bucket = Bucket(flow);
        var key = flow.ToAbi();
        for (var way = 0; way < s_ways; way++)
        {
            if (Bpf.Maps.BytewiseComparer<LbFlowKey>.Instance.Equals(Slot(bucket, way).Key, key))
            {
                return (bucket, way);
            }
        }
        throw new InvalidOperationException($"no slot holds {flow}");
    }

    /// <summary>Slot <paramref name="way"/> of <paramref name="bucket"/>, in lb_flows.</summary>
    private ref LbFlowSlot Slot(uint bucket, int way) => ref _world.Balancer.FlowSlots[(bucket * (uint)s_ways) + (uint)way];

    /// <summary>Slot <paramref name="way"/>'s sequence number: its byte of the index's lock word.</summary>
    private static int SeqOf(in LbFlowIndex index, int way) => (byte)(index.Seq >> (8 * way));

    private LbFlow Entry(VipKey vip, FlowTuple flow, ulong atime) => new()
    {
        AtimeNs = atime,
        RealId = _world.BackendId(vip, _world.RingBackend(vip, flow)),
        VipId = (ushort)_world.Synchronizer.Applied!.Vips[vip],
        Flags = flow.Protocol == L4Protocol.Tcp ? LbFlowFlag.Established : 0,
    };
}
