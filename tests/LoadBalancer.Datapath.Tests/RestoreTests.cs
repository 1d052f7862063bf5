using System.Net;
using LoadBalancer.Bpf.Abi;
using LoadBalancer.Bpf.Programs;
using LoadBalancer.ControlPlane.Dataplane;
using LoadBalancer.Core.Config;
using LoadBalancer.Core.Hashing;
using LoadBalancer.Core.Model;
using LoadBalancer.Core.Planning;
using LoadBalancer.Testing;
using Xunit;

namespace LoadBalancer.Datapath.Tests;

/// <summary>
/// What a restarted daemon reads back from a data plane it takes over: the ids in use (lb_vips,
/// lb_reals) and the ids live flows still name (lb_flows), so that a backend removed just before
/// the restart does not hand its id, and so its flows, to a backend added just after.
/// </summary>
public sealed class RestoreTests : IDisposable
{
    private static readonly IPAddress s_extra = IPAddress.Parse("10.1.0.77");
    private readonly BalancerWorld _world = new(StandardConfig.Create(), "restore");

    public void Dispose() => _world.Dispose();

    [Fact]
    public void FlowReferences_NameTheIdsOfLiveFlowsOnly()
    {
        var (flow, backendId) = PinFlowToNewBackend();
        var vipId = _world.Synchronizer.Applied!.Vips[StandardConfig.Tcp4];

        var live = DataplaneIds.ReadFlowReferences(_world.Balancer);

        Assert.Contains(backendId, live.BackendIds);
        Assert.Contains(vipId, live.VipIds);

        // The same entry, idle for longer than the TCP timeout, is no longer honoured: no reference.
        Assert.True(_world.Flows.TryLookup(flow, out var entry));
        var idle = _world.Balancer.Config.TcpIdleNs;
        _world.Flows.Write(flow, entry with { AtimeNs = KernelClock.MonotonicCoarseNs - idle - 1_000_000_000 });

        Assert.DoesNotContain(backendId, DataplaneIds.ReadFlowReferences(_world.Balancer).BackendIds);
    }

    [Fact]
    public void Restart_RemovedBackendWithLiveFlows_ItsIdGoesToNoNewBackend()
    {
        var (flow, removedId) = PinFlowToNewBackend();
        var config = StandardConfig.Create();
        _world.Apply(config); // the backend is removed again; its flow entry stays in the table
        Assert.False(_world.Balancer.Reals.TryLookup(removedId, out var real) && real.Family != LbFamily.None);

        // A restart: a fresh planner continues from what the maps hold.
        var planner = new DataplanePlanner(_world.Spec.Node);
        var (vips, backends) = DataplaneIds.Read(_world.Balancer);
        planner.Restore(vips, backends, DataplaneIds.ReadFlowReferences(_world.Balancer), Monotonic.Now);
        Assert.True(removedId > backends.Values.Max(), "the removed backend had the highest id: the case a restore cannot see in lb_reals");
        config.Vips.Single(v => v.Port == 80 && v.Address == StandardConfig.Vip4.ToString()).Backends.Add(new BackendConfig { Address = "10.1.0.88" });
        var plan = planner.Plan(ConfigValidator.Validate(config), Monotonic.Now);

        var newId = plan.Backends.Single(b => b.Value == new BackendRef(StandardConfig.Tcp4, IPAddress.Parse("10.1.0.88"))).Key;
        Assert.NotEqual(removedId, newId);
        Assert.True(newId > removedId);
        Assert.Equal(backends, plan.Backends.Where(b => backends.ContainsKey(b.Value)).ToDictionary(b => b.Value, b => b.Key));
        Assert.True(_world.Flows.TryLookup(flow, out var entry));
        Assert.Equal(removedId, entry.RealId);
    }

    // Adds a backend to Tcp4 (it gets the highest id) and sends a SYN of a flow the ring gives it.
    private (FlowTuple Flow, uint BackendId) PinFlowToNewBackend()
    {
        var config = StandardConfig.Create();
        config.Vips.Single(v => v.Port == 80 && v.Address == StandardConfig.Vip4.ToString()).Backends.Add(new BackendConfig { Address = s_extra.ToString() });
        _world.Apply(config);
        var id = _world.BackendId(StandardConfig.Tcp4, s_extra);
        Assert.Equal(_world.Synchronizer.Applied!.Backends.Keys.Max(), id);
        var flow = Enumerable.Range(20000, 2000)
            .Select(port => new FlowTuple(StandardConfig.Client4, (ushort)port, StandardConfig.Vip4, 80, L4Protocol.Tcp))
            .First(f => _world.RingBackend(StandardConfig.Tcp4, f).Equals(s_extra));
        var ip = Packet.IpTcp(flow.Source, flow.Destination, flow.SourcePort, flow.DestinationPort, Packet.TcpSyn);
        var (action, output) = _world.Run(Packet.Ethernet(BalancerWorld.LbMac, BalancerWorld.ClientMac, Packet.EtherTypeIpv4, ip));
        Assert.Equal(XdpAction.Tx, action);
        Assert.Equal(s_extra, Frames.OuterDestination(output));
        return (flow, id);
    }
}
