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
        var vips = VipsById(balancer).ToDictionary(v => v.Value, v => v.Key);
        var byId = vips.ToDictionary(v => v.Value, v => v.Key);
        var backends = new Dictionary<BackendRef, uint>();
        balancer.Reals.Scan((id, real) =>
        {
            if (id != 0 && real.Family != LbFamily.None && byId.TryGetValue(real.VipId, out var owner))
            {
                backends[new BackendRef(owner, real.Addr.ToAddress(real.Family))] = id;
            }
        });
        return (vips, backends);
    }

    /// <summary>The VIPs in lb_vips by id (address markers left out), read in batches.</summary>
    public static Dictionary<uint, VipKey> VipsById(BalancerObject balancer)
    {
        var vips = new Dictionary<uint, VipKey>();
        balancer.Vips.Scan((key, vip) =>
        {
            if (key.Proto != (byte)LbVipProto.Address)
            {
                vips[vip.Id] = key.ToModel();
            }
        });
        return vips;
    }

    /// <summary>
    /// The ids named by flow-table entries the data plane would still honour (used within their
    /// protocol's idle timeout): one pass over lb_flows in place.
    /// </summary>
    public static FlowReferences ReadFlowReferences(BalancerObject balancer)
    {
        var config = balancer.Config;
        var now = KernelClock.MonotonicCoarseNs;
        var vips = new HashSet<uint>();
        var backends = new HashSet<uint>();
        new FlowTable(balancer).Scan((key, flow) =>
        {
            if (FlowLiveness.IsLive(config, key.Proto, flow, now))
            {
                vips.Add(flow.VipId);
                backends.Add(flow.RealId);
            }
        });
        return new FlowReferences(vips, backends);
    }
}
