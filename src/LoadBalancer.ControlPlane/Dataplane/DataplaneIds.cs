using LoadBalancer.Bpf.Abi;
using LoadBalancer.Bpf.Objects;
using LoadBalancer.Bpf.Programs;
using LoadBalancer.Core.Model;
using LoadBalancer.Core.Planning;

namespace LoadBalancer.ControlPlane.Dataplane;

/// <summary>
/// The VIP and backend ids a running data plane uses, read back from its maps (lb_vips, lb_reals),
/// and the ids its live flows point at (lb_flows).
/// </summary>
public static class DataplaneIds
{
    /// <summary>VIP ids by VIP, and backend ids by (VIP, address); backends of VIPs no longer present are left out.</summary>
    public static (Dictionary<VipKey, uint> Vips, Dictionary<BackendRef, uint> Backends) Read(BalancerObject balancer)
    {
        var vips = new Dictionary<VipKey, uint>();
        foreach (var key in balancer.Vips.Keys())
        {
            if (key.Proto != (byte)LbVipProto.Address && balancer.Vips.TryLookup(key, out var vip))
            {
                vips[key.ToModel()] = vip.Id;
            }
        }
        var byId = vips.ToDictionary(v => v.Value, v => v.Key);
        var backends = new Dictionary<BackendRef, uint>();
        for (var id = 1u; id < balancer.Reals.Map.MaxEntries; id++)
        {
            if (balancer.Reals.TryLookup(id, out var real) && real.Family != LbFamily.None && byId.TryGetValue(real.VipId, out var owner))
            {
                backends[new BackendRef(owner, real.Addr.ToAddress(real.Family))] = id;
            }
        }
        return (vips, backends);
    }

    /// <summary>
    /// The ids named by flow-table entries the data plane would still honour (used within their
    /// protocol's idle timeout): one pass over lb_flows in batches.
    /// </summary>
    public static FlowReferences ReadFlowReferences(BalancerObject balancer)
    {
        var config = balancer.Config;
        var now = KernelClock.MonotonicCoarseNs;
        var vips = new HashSet<uint>();
        var backends = new HashSet<uint>();
        balancer.Flows.Scan((key, flow) =>
        {
            var idle = key.Proto == (byte)System.Net.Sockets.ProtocolType.Tcp ? config.TcpIdleNs : config.UdpIdleNs;
            // signed, as in the data plane: a CPU may have refreshed the entry after now was read
            if ((long)(now - flow.AtimeNs) <= (long)idle)
            {
                vips.Add(flow.VipId);
                backends.Add(flow.RealId);
            }
        });
        return new FlowReferences(vips, backends);
    }
}
