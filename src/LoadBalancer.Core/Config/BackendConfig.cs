namespace LoadBalancer.Core.Config;

/// <summary>A backend as configured.</summary>
public sealed class BackendConfig
{
    /// <summary>IPv4 or IPv6 address the balancer tunnels to (either family, whatever the VIP's).</summary>
    public string Address { get; set; } = "";

    /// <summary>Relative share of new flows, 0-65535; 0 = none. <remarks>Default 1.</remarks></summary>
    public long Weight { get; set; } = 1;

    /// <summary>Takes no new flows while its existing flows go on; the weight is kept for undrain. <remarks>Default false.</remarks></summary>
    public bool Drained { get; set; }

    /// <summary>Out of service by an operator: no new flows, its flows removed at once, no probes. <remarks>Default false.</remarks></summary>
    public bool Disabled { get; set; }

    /// <summary>Overrides of the VIP's probe keys (kind to jitter) for this backend. <remarks>Default: none.</remarks></summary>
    public HealthConfig? Health { get; set; }
}
