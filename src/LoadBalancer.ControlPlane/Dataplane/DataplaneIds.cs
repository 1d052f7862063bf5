using LoadBalancer.Bpf.Abi;
using LoadBalancer.Bpf.Objects;
using LoadBalancer.Core.Model;
using LoadBalancer.Core.Planning;

namespace LoadBalancer.ControlPlane.Dataplane;

/// <summary>The VIP and backend ids a running data plane uses, read back from its maps (lb_vips, lb_reals).</summary>
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
}
