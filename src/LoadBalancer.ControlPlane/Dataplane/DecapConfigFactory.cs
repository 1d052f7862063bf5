using System.Net;
using LoadBalancer.Bpf.Abi;
using LoadBalancer.Core.Model;

namespace LoadBalancer.ControlPlane.Dataplane;

/// <summary>The backends' lb_decap_config for a balancer node's outer source prefixes.</summary>
public static class DecapConfigFactory
{
    /// <summary>Accept tunnel packets from <paramref name="node"/>'s outer_source_v4 and outer_source_v6.</summary>
    public static LbDecapConfig Create(NodeSpec node) => new()
    {
        Src4 = Be32.FromRaw(BitConverter.ToUInt32(node.OuterSourceV4.BaseAddress.GetAddressBytes())),
        Src4Mask = Be32.FromRaw(BitConverter.ToUInt32(Mask(32, node.OuterSourceV4.PrefixLength))),
        Src6 = Ip6Bytes.From(node.OuterSourceV6.BaseAddress),
        Src6Mask = Ip6Bytes.From(new IPAddress(Mask(128, node.OuterSourceV6.PrefixLength))),
    };

    private static byte[] Mask(int bits, int prefixLength)
    {
        var mask = new byte[bits / 8];
        for (var i = 0; i < prefixLength; i++)
        {
            mask[i / 8] |= (byte)(0x80 >> (i % 8));
        }
        return mask;
    }
}
