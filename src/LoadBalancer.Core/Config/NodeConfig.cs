namespace LoadBalancer.Core.Config;

/// <summary>Per-node data-plane settings, with the defaults an unset key takes.</summary>
public sealed class NodeConfig
{
    /// <summary>Device the balancer attaches to. <remarks>Default <c>eth0</c>.</remarks></summary>
    public string Interface { get; set; } = "eth0";

    /// <summary>
    /// Outer IPv4 source prefix for IPIP to IPv4 backends; the host bits come from the flow hash,
    /// so backends' NICs spread flows over their queues. <remarks>Default <c>172.16.0.0/16</c>.</remarks>
    /// </summary>
    public string OuterSourceV4 { get; set; } = "172.16.0.0/16";

    /// <summary>
    /// Outer IPv6 source prefix for IPIP to IPv6 backends, at least /96 (the hash fills at most the
    /// last 32 bits). <remarks>Default <c>fd10:4c42::/96</c>.</remarks>
    /// </summary>
    public string OuterSourceV6 { get; set; } = "fd10:4c42::/96";

    /// <summary>
    /// Next-hop MAC (e.g. the gateway's) when the kernel FIB has no answer for a backend; unset =
    /// hand such packets to the kernel, which resolves the neighbour. <remarks>Default unset.</remarks>
    /// </summary>
    public string? FallbackMac { get; set; }

    /// <summary>Largest outer packet sent via <see cref="FallbackMac"/>; larger ones are dropped and counted (frag_needed). 0 = unchecked. <remarks>Default 0.</remarks></summary>
    public long FallbackMtu { get; set; }

    /// <summary>Maglev ring slots per VIP; a prime, far above the backend count. <remarks>Default 65537.</remarks></summary>
    public long RingSize { get; set; } = 65537;

    /// <summary>Flow hash seed; must be equal on every node that shares VIPs. <remarks>Default 0.</remarks></summary>
    public long HashSeed { get; set; }

    /// <summary>Flow table size in 64-byte units, rounded up to a power of two P: P/8 buckets of 7 slots; give it about twice the concurrent flows it must hold. <remarks>Default 1048576.</remarks></summary>
    public long FlowTableSize { get; set; } = 1 << 20;

    /// <summary>Idle time after which a TCP flow no longer pins its backend, e.g. <c>15m</c>. <remarks>Default 15m.</remarks></summary>
    public string TcpIdleTimeout { get; set; } = "15m";

    /// <summary>Idle time after which a UDP flow no longer pins its backend. <remarks>Default 5m.</remarks></summary>
    public string UdpIdleTimeout { get; set; } = "5m";

    /// <summary>
    /// How long a next hop found by a FIB lookup is reused per CPU and backend before it is looked
    /// up again; a route or neighbour change takes effect within it. <c>0s</c> = a lookup per packet.
    /// <remarks>Default 1s.</remarks>
    /// </summary>
    public string NexthopCacheTtl { get; set; } = "1s";

    /// <summary>
    /// Other devices the balancer may send packets out of with XDP redirect (the attached device is
    /// always used, with XDP_TX); a next hop behind any other device goes through the kernel.
    /// <remarks>Default none.</remarks>
    /// </summary>
    public List<string> RedirectInterfaces { get; set; } = [];

    /// <summary>Capacity for VIPs (each address:port/protocol counts once). <remarks>Default 512.</remarks></summary>
    public long MaxVips { get; set; } = 512;

    /// <summary>Capacity for backends, counted per VIP. <remarks>Default 4096.</remarks></summary>
    public long MaxBackends { get; set; } = 4096;
}
