namespace LoadBalancer.Core.Config;

/// <summary>
/// BGP announcement of the VIPs (<c>bgp</c>): lbd drives a GoBGP speaker (gobgpd) that peers
/// with the upstream routers and announces each VIP address (/32 or /128) while this node can
/// serve it. Absent = no BGP: the VIPs are routed to this node some other way.
/// </summary>
public sealed class BgpConfig
{
    /// <summary>This node's AS number; every LB node of a VIP uses the same. <remarks>Required.</remarks></summary>
    public long LocalAs { get; set; }

    /// <summary>BGP router id, an IPv4 address unique among the peers. <remarks>Required.</remarks></summary>
    public string? RouterId { get; set; }

    /// <summary><c>start</c>: lbd runs gobgpd itself and configures it over its API; <c>connect</c>: lbd
    /// uses a gobgpd already running at <see cref="Api"/>, configured by lbd all the same. <remarks>Default start.</remarks></summary>
    public string Speaker { get; set; } = "start";

    /// <summary>gobgpd's gRPC API, HOST:PORT. <remarks>Default 127.0.0.1:50051.</remarks></summary>
    public string Api { get; set; } = "127.0.0.1:50051";

    /// <summary>The gobgpd program when <see cref="Speaker"/> is start: a path, or a name looked up in PATH. <remarks>Default gobgpd.</remarks></summary>
    public string Gobgpd { get; set; } = "gobgpd";

    /// <summary>TCP port the speaker accepts sessions on; -1 = connect out only. <remarks>Default 179.</remarks></summary>
    public long ListenPort { get; set; } = 179;

    /// <summary>Hold time offered to the peers: a silent peer's routes go after it. <remarks>Default 9s (3s..65535s).</remarks></summary>
    public string HoldTime { get; set; } = "9s";

    /// <summary>Keepalive interval; at most a third of <see cref="HoldTime"/>. <remarks>Default: a third of the hold time.</remarks></summary>
    public string? Keepalive { get; set; }

    /// <summary>Next hop announced for IPv4 VIPs. <remarks>Default: this node's address on each session.</remarks></summary>
    public string? NextHop { get; set; }

    /// <summary>Next hop announced for IPv6 VIPs. <remarks>Default: this node's address on each session.</remarks></summary>
    public string? NextHop6 { get; set; }

    /// <summary>After withdrawing (node drain, shutdown), how long the data plane keeps forwarding the
    /// flows the routers still send before lbd stops or says the node is drained. <remarks>Default 5s.</remarks></summary>
    public string DrainGrace { get; set; } = "5s";

    /// <summary>The routers this node announces to. <remarks>At least one.</remarks></summary>
    public List<BgpPeerConfig> Peers { get; set; } = [];
}
