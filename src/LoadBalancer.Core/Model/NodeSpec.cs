using System.Net;
using System.Net.NetworkInformation;

namespace LoadBalancer.Core.Model;

/// <summary>Validated per-node data-plane settings; see <see cref="Config.NodeConfig"/> for meanings and defaults.</summary>
public sealed record NodeSpec
{
    /// <summary>The device lb_xdp_ingress attaches to.</summary>
    public required string Interface { get; init; }

    /// <summary>Outer IPv4 source prefix; host bits come from the flow hash.</summary>
    public required IPNetwork OuterSourceV4 { get; init; }

    /// <summary>Outer IPv6 source prefix; host bits (at most the last 32) come from the flow hash.</summary>
    public required IPNetwork OuterSourceV6 { get; init; }

    /// <summary>Next-hop MAC when the kernel FIB has none; null = hand such packets to the kernel.</summary>
    public PhysicalAddress? FallbackMac { get; init; }

    /// <summary>Largest outer packet sent through the fallback MAC; 0 = unchecked.</summary>
    public ushort FallbackMtu { get; init; }

    /// <summary>Maglev ring size (prime).</summary>
    public uint RingSize { get; init; }

    /// <summary>Flow hash seed, equal on every node.</summary>
    public uint HashSeed { get; init; }

    /// <summary>Flow table capacity.</summary>
    public uint FlowTableSize { get; init; }

    /// <summary>Idle time after which a TCP flow entry no longer pins its backend.</summary>
    public TimeSpan TcpIdleTimeout { get; init; }

    /// <summary>Idle time after which a UDP flow entry no longer pins its backend.</summary>
    public TimeSpan UdpIdleTimeout { get; init; }

    /// <summary>How long a resolved next hop is reused; zero = resolve per packet.</summary>
    public TimeSpan NexthopCacheTtl { get; init; }

    /// <summary>Devices packets may be redirected to, besides the attached one.</summary>
    public IReadOnlyList<string> RedirectInterfaces { get; init; } = [];

    /// <summary>Capacity for VIPs (ids 0 .. MaxVips-1).</summary>
    public uint MaxVips { get; init; }

    /// <summary>Capacity for VIP backends (ids 1 .. MaxBackends-1).</summary>
    public uint MaxBackends { get; init; }
}
