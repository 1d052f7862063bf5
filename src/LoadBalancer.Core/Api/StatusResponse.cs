namespace LoadBalancer.Core.Api;

/// <summary>GET /v1/status: the daemon, its data plane and its configuration.</summary>
/// <param name="Instance">Instance name (pins under /sys/fs/bpf/INSTANCE).</param>
/// <param name="Version">lbd's version.</param>
/// <param name="Interface">The device the balancer is attached to.</param>
/// <param name="Attached">Whether lb_xdp_ingress is attached there now.</param>
/// <param name="Reused">Whether this run took over a pinned data plane left by an earlier run.</param>
/// <param name="PinDirectory">Where program, maps and link are pinned.</param>
/// <param name="ConfigFile">The YAML file, or null for the embedded default.</param>
/// <param name="StateFile">Where run-time changes are kept.</param>
/// <param name="Generation">Increments with every applied change.</param>
/// <param name="AppliedAt">When the running configuration was applied.</param>
/// <param name="LastError">The last change or reload that was refused or failed, if any.</param>
/// <param name="Vips">VIPs in force.</param>
/// <param name="Backends">Backends in force, counted per VIP.</param>
/// <param name="FlowTableCapacity">Flow table entries available.</param>
public sealed record StatusResponse(
    string Instance,
    string Version,
    string Interface,
    bool Attached,
    bool Reused,
    string PinDirectory,
    string? ConfigFile,
    string StateFile,
    long Generation,
    DateTimeOffset AppliedAt,
    string? LastError,
    int Vips,
    int Backends,
    long FlowTableCapacity)
{
    /// <summary>The desired-state store.</summary>
    public StoreInfo? Store { get; init; }

    /// <summary>This node's drain state.</summary>
    public NodeInfo? Node { get; init; }

    /// <summary>BGP; null when not configured.</summary>
    public BgpInfo? Bgp { get; init; }
}
