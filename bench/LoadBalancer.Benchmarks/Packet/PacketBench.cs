using System.Globalization;
using System.Net;
using LoadBalancer.Bpf.Abi;
using LoadBalancer.Bpf.Objects;
using LoadBalancer.Bpf.Programs;
using LoadBalancer.ControlPlane.Dataplane;
using LoadBalancer.Core.Config;
using LoadBalancer.Core.Hashing;
using LoadBalancer.Core.Model;
using LoadBalancer.Core.Planning;
using LoadBalancer.Testing;

namespace LoadBalancer.Benchmarks.Packet;

/// <summary>
/// ns per packet of lb_xdp_ingress's paths through BPF_PROG_TEST_RUN, one call per packet
/// (repeat = 1: with more repeats the kernel reuses the already-encapsulated buffer and measures
/// the wrong path), next to the trivial lb_xdp_tx measured the same way in the same run. Paths
/// run interleaved in rounds so drift hits all alike, and every call is checked to have taken its
/// path: by its action, and per path by the counters it must move (and those it must not).
/// </summary>
public static class PacketBench
{
    private const int EstablishedFlows = 100_000;
    private const int Warmup = 2_000;
    private const int SchedulerDivisor = 4;
    private static readonly IPAddress s_vip = IPAddress.Parse("10.100.0.1");
    private static readonly IPAddress s_client = IPAddress.Parse("198.51.100.1");

    public static void Run(int packets, int rounds, TextWriter output)
    {
        var spec = ConfigValidator.Validate(Config());
        using var baseline = BaselineObject.Load();
        using var balancer = LoadConfigFactory.Load(spec.Node);
        var synchronizer = new DataplaneSynchronizer(balancer);
        synchronizer.Apply(new DataplanePlanner(spec.Node).Plan(spec, Monotonic.Now));
        // The 100k-flow hit row runs on a second data plane of the same size whose table holds only
        // those flows: in the first, the miss rows' ~1M fresh flows would displace some of them
        // (a full bucket evicts its least recently used flow), and those calls would be misses.
        using var settled = LoadConfigFactory.Load(spec.Node);
        new DataplaneSynchronizer(settled).Apply(new DataplanePlanner(spec.Node).Plan(spec, Monotonic.Now));
        var vipIds = synchronizer.Applied!.Vips.ToDictionary(v => v.Key.Port, v => v.Value);
        var vipId = vipIds[80];
        FillTable(balancer, vipId);

        // A namespace of our own: no routes, so every FIB lookup takes the fallback MAC, as in the fixtures.
        using var ns = Netns.Create("bench");
        using var thread = new NetnsThread(ns.Path);

        var hitFrame = Frame(s_client, 40000, s_vip, Testing.Packet.TcpAck);
        var nonVipFrame = Frame(s_client, 40001, IPAddress.Parse("10.100.9.9"), Testing.Packet.TcpAck);
        // Established flows come from 100.64.0.0/16, fresh ones from 100.65.0.0/16: never the same 5-tuple.
        var established = Enumerable.Range(0, EstablishedFlows).Select(i => Frame(Client(64, i), Port(i), s_vip, Testing.Packet.TcpAck)).ToArray();
        var fresh = 0;
        byte[] NextFresh(byte flags, ushort vipPort = 80) => Frame(Client(65, fresh), Port(fresh++), s_vip, flags, vipPort);
        var spread = 0;
        var refSpread = 0;

        thread.Run(() =>
        {
            balancer.Program.TestRun(Frame(s_client, 40000, s_vip, Testing.Packet.TcpSyn));
            for (var i = 0; i < EstablishedFlows; i++)
            {
                settled.Program.TestRun(Frame(Client(64, i), Port(i), s_vip, Testing.Packet.TcpSyn));
                // the same flows in the reference LRU, so its row below is lookups that hit
                baseline.LruInsert.TestRun(established[i]);
            }
        });

        var paths = new List<(PathResult Result, BalancerObject Counted, BpfProgram Program, Func<byte[]> Next, XdpAction Action, uint VipId, int Divisor, Func<Snapshot, Snapshot, int, string?> Check)>
        {
            (new("trivial XDP_TX (baseline)", null), balancer, baseline.Tx, () => hitFrame, XdpAction.Tx, vipId, 1, (_, _, _) => null),
            (new("non-VIP pass", 1.5), balancer, balancer.Program, () => nonVipFrame, XdpAction.Pass, vipId, 1,
                (b, a, n) => Expect(a.NotVip - b.NotVip, n, "pass_not_vip") ?? Expect(a.VipPackets - b.VipPackets, 0, "VIP packets")),
            (new("flow hit", 3.0), balancer, balancer.Program, () => hitFrame, XdpAction.Tx, vipId, 1,
                (b, a, n) => Expect(a.VipPackets - b.VipPackets, n, "VIP packets") ?? Expect(a.NewFlows - b.NewFlows, 0, "new flows")),
            (new("reference: bare LRU lookup + insert (fresh)", null), balancer, baseline.LruInsert, () => NextFresh(Testing.Packet.TcpAck), XdpAction.Tx, vipId, 1, (_, _, _) => null),
            (new("flow miss: new TCP connection (SYN), full table", 6.0), balancer, balancer.Program, () => NextFresh(Testing.Packet.TcpSyn), XdpAction.Tx, vipId, 1,
                (b, a, n) => Expect(a.NewFlows - b.NewFlows, n, "new flows")),
            (new("flow miss: unknown flow (ACK), full table", 6.0), balancer, balancer.Program, () => NextFresh(Testing.Packet.TcpAck), XdpAction.Tx, vipId, 1,
                (b, a, n) => Expect(a.NewFlows - b.NewFlows, n, "new flows")),
            (new($"reference: bare LRU lookup, {EstablishedFlows / 1000}k flows in it", null), balancer, baseline.LruInsert, () => established[(refSpread = (refSpread + 7919) % EstablishedFlows)], XdpAction.Tx, vipId, 1, (_, _, _) => null),
            (new($"flow hit, {EstablishedFlows / 1000}k flows in the table", null), settled, settled.Program, () => established[(spread = (spread + 7919) % EstablishedFlows)], XdpAction.Tx, vipId, 1,
                (b, a, n) => Expect(a.VipPackets - b.VipPackets, n, "VIP packets") ?? Expect(a.NewFlows - b.NewFlows, 0, "new flows")),
        };
        // The SYN miss path once per scheduler, each on its own VIP port with the same 8 backends,
        // with a quarter of the packets each.
        foreach (var (scheduler, port) in s_schedulerPorts)
        {
            paths.Add((new($"flow miss (SYN), scheduler {scheduler}", null), balancer, balancer.Program, () => NextFresh(Testing.Packet.TcpSyn, port), XdpAction.Tx, vipIds[port], SchedulerDivisor,
                (b, a, n) => Expect(a.NewFlows - b.NewFlows, n, "new flows")));
        }

        var perRound = Math.Max(1, packets / rounds);
        var buffer = new byte[4096];
        foreach (var path in paths)
        {
            thread.Run(() => Measure(path.Program, path.Next, Warmup / path.Divisor, buffer, null, path.Action));
        }
        for (var round = 0; round < rounds; round++)
        {
            foreach (var path in paths)
            {
                var before = Snapshot.Read(path.Counted, path.VipId);
                var calls = Math.Max(1, perRound / path.Divisor);
                thread.Run(() => Measure(path.Program, path.Next, calls, buffer, path.Result, path.Action));
                var violation = path.Check(before, Snapshot.Read(path.Counted, path.VipId), calls);
                if (violation is not null)
                {
                    path.Result.Violations.Add($"round {round}: {violation}");
                }
            }
        }
        Print(output, [.. paths.Select(p => p.Result)], rounds);
    }

    private static void Measure(BpfProgram program, Func<byte[]> next, int calls, byte[] buffer, PathResult? result, XdpAction expected)
    {
        for (var i = 0; i < calls; i++)
        {
            var run = program.TestRun(next(), buffer);
            if (run.Action != expected)
            {
                result?.Violations.Add($"a call returned {run.Action}, not {expected}");
            }
            result?.Add(run.DurationNs);
        }
    }

    private static void Print(TextWriter output, PathResult[] results, int rounds)
    {
        var baseline = results[0];
        output.WriteLine($"BPF_PROG_TEST_RUN, one call per packet (repeat=1), {baseline.Calls} packets per path in {rounds} interleaved rounds");
        output.WriteLine($"kernel {Environment.OSVersion.Version}, {Environment.ProcessorCount} CPUs, {CpuModel()}");
        output.WriteLine();
        output.WriteLine($"{"path",-48} {"mean ns",8} {"p50 ns",7} {"p99 ns",7} {"ratio",7} {"target",7}  verdict");
        foreach (var r in results)
        {
            var ratio = r.Mean / baseline.Mean;
            var target = r.Target is { } t ? $"<={t:0.0}x" : "";
            var verdict = r.Violations.Count > 0 ? $"WRONG PATH: {r.Violations[0]}"
                : r == baseline ? "baseline"
                : r.Target is null ? (r.Name.StartsWith("reference", StringComparison.Ordinal) ? "reference" : "")
                : ratio <= r.Target ? "within target" : "OVER TARGET";
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Name,-48} {r.Mean,8:0.0} {r.Percentile(0.5),7:0} {r.Percentile(0.99),7:0} {ratio,6:0.00}x {target,7}  {verdict}"));
        }
        output.WriteLine();
        output.WriteLine("Every measured call was checked: its XDP action, and per round the counters its path moves");
        output.WriteLine("(VIP packets, new flows, pass_not_vip) against the number of calls. The miss rows put fresh");
        output.WriteLine("flows into a table (64 MiB, the default) that starts with every slot written, about half of each");
        output.WriteLine("bucket live and the rest idle, as on a balancer that has run a while; the scheduler rows too.");
        output.WriteLine("The reference rows are the kernel's LRU hash alone (1M entries,");
        output.WriteLine("the balancer's flow table up to ABI 3): lookup + insert of a fresh 5-tuple, and a lookup that");
        output.WriteLine($"hits among {EstablishedFlows / 1000}k established flows. The {EstablishedFlows / 1000}k-flow hit row runs on a data plane whose table");
        output.WriteLine("holds just those flows; its cost is mostly the memory system's (a TLB and a cache miss per");
        output.WriteLine("packet), so it has no target of its own. The scheduler rows are the SYN miss path of a VIP with");
        output.WriteLine($"8 equal backends under each scheduler (lc and wlc compare all 8), 1/{SchedulerDivisor} of the packets each.");
    }

    /// <summary>
    /// Puts the miss rows' table in the state of a balancer that has run for a while: every slot
    /// written, about half of each bucket live (just used) and the rest idle past the TCP timeout.
    /// A miss then takes an idle slot, and once a bucket's idle slots are used up, evicts its least
    /// recently used live flow, as in production. The keys (198.18.0.0/15, port 9) are no flow the
    /// bench sends.
    /// </summary>
    private static void FillTable(BalancerObject balancer, uint vipId)
    {
        var now = KernelClock.MonotonicCoarseNs;
        // idle past the TCP timeout; on a host up for less than that, as old as the host (then live)
        var idle = now > balancer.Config.TcpIdleNs + 1_000_000_000 ? now - balancer.Config.TcpIdleNs - 1_000_000_000 : 1;
        var ways = (int)LbAbi.FlowWays;
        for (var b = 0u; b < balancer.FlowIndex.Length; b++)
        {
            ref var index = ref balancer.FlowIndex[b];
            var client = new IPAddress([198, (byte)(18 + (b >> 16)), (byte)(b >> 8), (byte)b]);
            for (var way = 0; way < ways; way++)
            {
                var flow = new FlowTuple(client, (ushort)(1000 + way), s_vip, 9, L4Protocol.Tcp);
                var entry = new LbFlow { AtimeNs = way < ways / 2 ? now : idle, RealId = 1, VipId = (ushort)vipId, Flags = LbFlowFlag.Established };
                balancer.FlowSlots[(b * (uint)ways) + (uint)way] = new LbFlowSlot { Key = flow.ToAbi(), Flow = entry };
                index.Tag[way] = FlowTable.TagOf(flow, balancer.Config.HashSeed);
                index.Stamp[way] = FlowTable.StampOf(entry.AtimeNs, entry.Flags);
                index.Seq |= 2UL << (8 * way); // written once
            }
        }
    }

    private static string? Expect(ulong actual, int expected, string what)
        => actual == (ulong)expected ? null : $"{what} moved by {actual}, expected {expected}";

    private static readonly (string Scheduler, ushort Port)[] s_schedulerPorts =
        [.. Core.Model.Schedulers.Names.Select((name, i) => (name, (ushort)(81 + i)))];

    private static BalancerConfig Config() => new()
    {
        Node = new NodeConfig { Interface = "lo", FallbackMac = "02:00:00:00:00:fe", FlowTableSize = 1 << 20, MaxVips = 16, MaxBackends = 64 },
        Vips = [Vip("maglev", 80), .. s_schedulerPorts.Select(s => Vip(s.Scheduler, s.Port))],
    };

    private static VipConfig Vip(string scheduler, ushort port) => new()
    {
        Address = s_vip.ToString(),
        Port = port,
        Protocol = "tcp",
        Scheduler = scheduler,
        Backends = [.. Enumerable.Range(1, 8).Select(i => new BackendConfig { Address = $"10.1.0.{i}" })],
    };

    /// <summary>Flow <paramref name="i"/>'s client address in 100.<paramref name="net"/>.0.0/16: 40000 ports per address.</summary>
    private static IPAddress Client(byte net, int i) => new([100, net, (byte)(i / 40000 >> 8), (byte)(i / 40000)]);

    private static ushort Port(int i) => (ushort)(20000 + (i % 40000));

    private static byte[] Frame(IPAddress client, ushort port, IPAddress destination, byte flags, ushort vipPort = 80)
    {
        var ip = Testing.Packet.IpTcp(client, destination, port, vipPort, flags);
        return Testing.Packet.Ethernet([0x02, 0, 0, 0, 0, 0x02], [0x02, 0, 0, 0, 0, 0x01], Testing.Packet.EtherTypeIpv4, ip);
    }

    private static string CpuModel()
        => File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";

    private readonly record struct Snapshot(ulong VipPackets, ulong NewFlows, ulong NotVip)
    {
        public static Snapshot Read(BalancerObject balancer, uint vipId)
        {
            var vip = balancer.VipStats.Lookup(vipId);
            var notVip = balancer.ReasonStats.Lookup((uint)LbReason.PassNotVip);
            var total = LbStats.Sum(vip);
            return new(total.Packets, total.NewFlows, LbCounter.Sum(notVip).Packets);
        }
    }
}
