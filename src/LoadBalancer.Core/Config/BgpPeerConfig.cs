namespace LoadBalancer.Core.Config;

/// <summary>One BGP neighbour of this node (<c>bgp.peers[i]</c>).</summary>
public sealed class BgpPeerConfig
{
    /// <summary>The router's address on the link to this node (IPv4 or IPv6). <remarks>Required.</remarks></summary>
    public string? Address { get; set; }

    /// <summary>The router's AS number. <remarks>Required.</remarks></summary>
    public long As { get; set; }

    /// <summary>The router's BGP port. <remarks>Default 179.</remarks></summary>
    public long Port { get; set; } = 179;
}
