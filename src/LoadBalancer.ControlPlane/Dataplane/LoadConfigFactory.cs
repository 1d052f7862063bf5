using System.Buffers.Binary;
using System.Net;
using LoadBalancer.Bpf.Abi;
using LoadBalancer.Bpf.Objects;
using LoadBalancer.Core.Model;

namespace LoadBalancer.ControlPlane.Dataplane;

/// <summary>A node's validated settings as the balancer's load-time configuration and map sizes.</summary>
public static class LoadConfigFactory
{
    /// <summary>The struct lb_config for <paramref name="node"/>.</summary>
    public static LbConfig Create(NodeSpec node)
    {
        var config = new LbConfig
        {
            AbiVersion = (uint)LbAbi.Version,
            RingSize = node.RingSize,
            TcpIdleNs = (ulong)node.TcpIdleTimeout.Ticks * 100,
            UdpIdleNs = (ulong)node.UdpIdleTimeout.Ticks * 100,
            NexthopTtlNs = (ulong)node.NexthopCacheTtl.Ticks * 100,
            HashSeed = node.HashSeed,
            Src4 = Be32.FromHost(BinaryPrimitives.ReadUInt32BigEndian(node.OuterSourceV4.BaseAddress.GetAddressBytes())),
            Src4Hostmask = Be32.FromHost(HostMask(32 - node.OuterSourceV4.PrefixLength)),
            Src6 = Ip6Bytes.From(node.OuterSourceV6.BaseAddress),
            Src6Hostmask = Be32.FromHost(HostMask(128 - node.OuterSourceV6.PrefixLength)),
            Mtu = node.FallbackMtu,
        };
        if (node.FallbackMac is not null)
        {
            config.FallbackMac = MacBytes.From(node.FallbackMac);
        }
        return config;
    }

    /// <summary>The map capacities for <paramref name="node"/>.</summary>
    public static BalancerMapSizes Sizes(NodeSpec node) => new(node.MaxVips, node.MaxBackends, node.FlowTableSize);

    /// <summary>Loads a fresh balancer with <paramref name="node"/>'s configuration and map sizes.</summary>
    /// <exception cref="Bpf.BpfException">libbpf or the verifier refused.</exception>
    public static BalancerObject Load(NodeSpec node) => BalancerObject.Load(Create(node), Sizes(node));

    /// <summary>
    /// The outer source address the data plane writes for a flow with <paramref name="hash"/>:
    /// the prefix OR the hash's bits under the host mask, both as the BPF target loads them (little-endian).
    /// </summary>
    public static IPAddress OuterSource(in LbConfig config, bool ipv6, uint hash)
    {
        if (!ipv6)
        {
            Span<byte> v4 = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(v4, config.Src4.Raw | (hash & config.Src4Hostmask.Raw));
            return new IPAddress(v4);
        }
        Span<byte> bytes = stackalloc byte[16];
        ((ReadOnlySpan<byte>)config.Src6).CopyTo(bytes);
        var last = BinaryPrimitives.ReadUInt32LittleEndian(bytes[12..]) | (hash & config.Src6Hostmask.Raw);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes[12..], last);
        return new IPAddress(bytes);
    }

    private static uint HostMask(int hostBits) => hostBits >= 32 ? uint.MaxValue : (1u << hostBits) - 1;
}
