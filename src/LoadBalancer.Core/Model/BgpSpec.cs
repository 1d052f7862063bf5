using System.Net;

namespace LoadBalancer.Core.Model;

/// <summary>Validated BGP settings; see <see cref="Config.BgpConfig"/> for meanings and defaults.</summary>
public sealed record BgpSpec
{
    /// <summary>This node's AS number.</summary>
    public required uint LocalAs { get; init; }

    /// <summary>BGP router id (IPv4).</summary>
    public required IPAddress RouterId { get; init; }

    /// <summary>Whether lbd starts gobgpd or connects to a running one.</summary>
    public BgpSpeakerMode Speaker { get; init; } = BgpSpeakerMode.Start;

    /// <summary>gobgpd's gRPC API as an http:// URI (h2c).</summary>
    public required Uri Api { get; init; }

    /// <summary>The gobgpd program (when started by lbd), as configured.</summary>
    public string Gobgpd { get; init; } = "gobgpd";

    /// <summary>Port the speaker listens on; -1 = none.</summary>
    public int ListenPort { get; init; } = 179;

    /// <summary>Hold time offered to peers.</summary>
    public TimeSpan HoldTime { get; init; } = TimeSpan.FromSeconds(9);

    /// <summary>Keepalive interval.</summary>
    public TimeSpan Keepalive { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Next hop for IPv4 VIPs; null = the session's local address.</summary>
    public IPAddress? NextHop { get; init; }

    /// <summary>Next hop for IPv6 VIPs; null = the session's local address.</summary>
    public IPAddress? NextHop6 { get; init; }

    /// <summary>Forwarding time left to the routers after a withdrawal, before a stop or drain completes.</summary>
    public TimeSpan DrainGrace { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The routers announced to.</summary>
    public required IReadOnlyList<BgpPeerSpec> Peers { get; init; }
}
