using System.Net;
using LoadBalancer.Bpf.Abi;
using LoadBalancer.Core.Hashing;
using LoadBalancer.Core.Model;

namespace LoadBalancer.ControlPlane.Dataplane;

/// <summary>Core model values as the data plane's map keys and values (lb_abi.h mirrors).</summary>
public static class AbiConvert
{
    /// <summary>The lb_flows key of <paramref name="flow"/>, as the data plane builds it from a packet.</summary>
    public static LbFlowKey ToAbi(this FlowTuple flow) => new()
    {
        Src = Ip6Bytes.From(flow.Source),
        Dst = Ip6Bytes.From(flow.Destination),
        Sport = Be16.FromHost(flow.SourcePort),
        Dport = Be16.FromHost(flow.DestinationPort),
        Proto = (byte)flow.Protocol,
        Family = Ip6Bytes.FamilyOf(flow.Source),
    };

    /// <summary>The lb_vips key of <paramref name="vip"/>.</summary>
    public static LbVipKey ToAbi(this VipKey vip) => new()
    {
        Addr = Ip6Bytes.From(vip.Address),
        Port = Be16.FromHost(vip.Port),
        Proto = (byte)vip.Protocol,
        Family = Ip6Bytes.FamilyOf(vip.Address),
    };

    /// <summary>The lb_vips marker entry of VIP address <paramref name="address"/> (protocol <see cref="LbVipProto.Address"/>, port 0).</summary>
    public static LbVipKey AddressMarker(IPAddress address) => new()
    {
        Addr = Ip6Bytes.From(address),
        Proto = (byte)LbVipProto.Address,
        Family = Ip6Bytes.FamilyOf(address),
    };

    /// <summary>The lb_reals value for a backend at <paramref name="address"/> of VIP <paramref name="vipId"/>, with its effective weight.</summary>
    public static LbReal ToReal(IPAddress address, uint vipId, ushort weight = 0) => new()
    {
        Addr = Ip6Bytes.From(address),
        VipId = vipId,
        Family = Ip6Bytes.FamilyOf(address),
        Weight = weight,
    };

    /// <summary>The VIP a key describes.</summary>
    public static VipKey ToModel(this LbVipKey key)
        => new(key.Addr.ToAddress(key.Family), key.Port.Value, (L4Protocol)key.Proto);
}
