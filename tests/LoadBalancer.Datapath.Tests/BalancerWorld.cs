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


namespace LoadBalancer.Datapath.Tests;

/// <summary>
/// The real balancer.bpf.o, loaded with a node configuration and filled by the real control-plane
/// path (ConfigValidator → DataplanePlanner → DataplaneSynchronizer), run with BPF_PROG_TEST_RUN
/// inside a fresh network namespace so FIB lookups see only what the test put there.
/// </summary>
public sealed class BalancerWorld : IDisposable
{
    public static readonly byte[] ClientMac = [0x02, 0, 0, 0, 0, 0x01];
    public static readonly byte[] LbMac = [0x02, 0, 0, 0, 0, 0x02];

    private readonly Netns _ns;
    private readonly NetnsThread _thread;
    private readonly DataplanePlanner _planner;

    public BalancerWorld(BalancerConfig config, string name)
    {
        TestEnvironment.RequireRootAndBpffs();
        Spec = ConfigValidator.Validate(config);
        _ns = Netns.Create(name);
        try
        {
            // One CPU for every run: per-CPU state (the next-hop cache) then behaves deterministically.
            _thread = new NetnsThread(_ns.Path, cpu: 0);
            Balancer = LoadConfigFactory.Load(Spec.Node);
            _planner = new DataplanePlanner(Spec.Node);
            Synchronizer = new DataplaneSynchronizer(Balancer);
            Synchronizer.Apply(_planner.Plan(Spec, Monotonic.Now));
        }
        catch
        {
            // xUnit does not dispose a fixture whose constructor throws: release what was made.
            Balancer?.Dispose();
            _thread?.Dispose();
            _ns.Dispose();
            throw;
        }
    }

    public BalancerSpec Spec { get; private set; }

    public BalancerObject Balancer { get; }

    /// <summary>The balancer's flow table, read and written as the control plane does.</summary>
    public FlowTable Flows => new(Balancer);

    public DataplaneSynchronizer Synchronizer { get; }

    public Netns Namespace => _ns;

    /// <summary>Validates, plans and applies a new configuration, as the daemon does on a change.</summary>
    public void Apply(BalancerConfig config)
    {
        Spec = ConfigValidator.Validate(config);
        Synchronizer.Apply(_planner.Plan(Spec, Monotonic.Now));
    }

    /// <summary>One BPF_PROG_TEST_RUN inside the world's namespace.</summary>
    public (XdpAction Action, byte[] Output) Run(byte[] frame, int ingressIfindex = 0)
        => _thread.Run(() => Balancer.Program.TestRun(frame, ingressIfindex));

    /// <summary>
    /// Sends one client packet of <paramref name="flow"/> (TCP with <paramref name="tcpFlags"/>, or an
    /// empty UDP datagram), asserts that it was forwarded (XDP_TX) and returns the backend it went to.
    /// </summary>
    public IPAddress Forward(FlowTuple flow, byte tcpFlags)
    {
        var ip = flow.Protocol == L4Protocol.Tcp
            ? Packet.IpTcp(flow.Source, flow.Destination, flow.SourcePort, flow.DestinationPort, tcpFlags, [])
            : Packet.IpUdp(flow.Source, flow.Destination, flow.SourcePort, flow.DestinationPort, new byte[8]);
        var (action, output) = Run(Packet.Ethernet(LbMac, ClientMac, Packet.EtherTypeOf(ip), ip));
        Xunit.Assert.Equal(XdpAction.Tx, action);
        return Frames.OuterDestination(output);
    }

    /// <summary>Runs <paramref name="action"/> on the namespace thread (for ifindex lookups).</summary>
    public T InNamespace<T>(Func<T> action) => _thread.Run(action);

    /// <summary>The backend the current ring gives <paramref name="flow"/> of <paramref name="vip"/>.</summary>
    public IPAddress RingBackend(VipKey vip, FlowTuple flow)
    {
        var plan = Synchronizer.Applied!;
        var ring = plan.Rings[plan.Vips[vip]];
        var id = ring[FlowHash.Slot(flow, Spec.Node.HashSeed, Spec.Node.RingSize)];
        return plan.BackendAddress(id);
    }

    /// <summary>The frame lb_xdp_ingress must emit for <paramref name="frame"/> of <paramref name="flow"/> to <paramref name="backend"/>.</summary>
    public byte[] Encapsulated(byte[] frame, FlowTuple flow, string backend, byte[] dstMac, byte[] srcMac)
        => ExpectedFrames.Encapsulated(frame, IPAddress.Parse(backend), FlowHash.Compute(flow, Spec.Node.HashSeed), Spec.Node, dstMac, srcMac);

    /// <summary>The backend id the current plan gives <paramref name="address"/> within <paramref name="vip"/>.</summary>
    public uint BackendId(VipKey vip, IPAddress address)
        => Synchronizer.Applied!.Backends.Single(b => b.Value == new BackendRef(vip, address)).Key;

    /// <summary>Per-CPU counters summed, for before/after comparisons.</summary>
    public CounterSnapshot Counters()
    {
        var reasons = new Dictionary<LbReason, ulong>();
        for (var r = 0u; r < (uint)LbReason.Count; r++)
        {
            reasons[(LbReason)r] = LbCounter.Sum(Balancer.ReasonStats.Lookup(r)).Packets;
        }
        var vips = Synchronizer.Applied!.Vips.ToDictionary(v => v.Key, v => LbStats.Sum(Balancer.VipStats.Lookup(v.Value)));
        var reals = Synchronizer.Applied!.Backends.ToDictionary(b => b.Key, b => LbStats.Sum(Balancer.RealStats.Lookup(b.Key)));
        return new CounterSnapshot(reasons, vips, reals);
    }

    public void Dispose()
    {
        Balancer.Dispose();
        _thread.Dispose();
        _ns.Dispose();
    }
}
