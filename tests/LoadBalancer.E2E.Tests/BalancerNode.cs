using LoadBalancer.Bpf.Abi;
using LoadBalancer.Bpf.Objects;
using LoadBalancer.Bpf.Programs;
using LoadBalancer.ControlPlane.Dataplane;
using LoadBalancer.Core.Config;
using LoadBalancer.Core.Hashing;
using LoadBalancer.Core.Model;
using LoadBalancer.Core.Planning;
using LoadBalancer.Testing;

namespace LoadBalancer.E2E.Tests;

/// <summary>
/// The load balancer of the topology, run the way the daemon runs it: balancer.bpf.o loaded
/// through LoadBalancer.Bpf, attached to lb0 in the lb namespace with an XDP link, and filled by
/// ConfigValidator → DataplanePlanner → DataplaneSynchronizer.
/// </summary>
public sealed class BalancerNode : IDisposable
{
    private readonly NetnsThread _lbThread;
    private readonly DataplanePlanner _planner;
    private readonly XdpLink _link;

    public BalancerNode(Topology topology, BalancerConfig config)
    {
        Spec = ConfigValidator.Validate(config);
        _lbThread = new NetnsThread(topology.NamespacePath("lb"));
        try
        {
            Balancer = LoadConfigFactory.Load(Spec.Node);
            _planner = new DataplanePlanner(Spec.Node);
            Synchronizer = new DataplaneSynchronizer(Balancer);
            Synchronizer.Apply(_planner.Plan(Spec, Monotonic.Now));
            _link = _lbThread.Run(() => XdpLink.Attach(Balancer.Program, NetDevice.IndexOf(Spec.Node.Interface)));
        }
        catch
        {
            // Nobody disposes an object whose constructor threw: release the loaded object and the thread.
            Balancer?.Dispose();
            _lbThread.Dispose();
            throw;
        }
    }

    public BalancerSpec Spec { get; private set; }

    public BalancerObject Balancer { get; }

    public DataplaneSynchronizer Synchronizer { get; }

    public void Apply(BalancerConfig config)
    {
        Spec = ConfigValidator.Validate(config);
        Synchronizer.Apply(_planner.Plan(Spec, Monotonic.Now));
    }

    /// <summary>The backend address the current ring gives <paramref name="flow"/>.</summary>
    public System.Net.IPAddress RingBackend(VipKey vip, FlowTuple flow)
    {
        var plan = Synchronizer.Applied!;
        return plan.BackendAddress(plan.Rings[plan.Vips[vip]][FlowHash.Slot(flow, Spec.Node.HashSeed, Spec.Node.RingSize)]);
    }

    public ulong ReasonCount(LbReason reason) => LbCounter.Sum(Balancer.ReasonStats.Lookup((uint)reason)).Packets;

    public ulong VipPackets(VipKey vip) => LbStats.Sum(Balancer.VipStats.Lookup(Synchronizer.Applied!.Vips[vip])).Packets;

    public void Dispose()
    {
        _link.Dispose();
        Balancer.Dispose();
        _lbThread.Dispose();
    }
}
