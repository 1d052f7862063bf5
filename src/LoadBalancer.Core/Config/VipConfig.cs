namespace LoadBalancer.Core.Config;

/// <summary>A VIP as configured.</summary>
public sealed class VipConfig
{
    /// <summary>IPv4 or IPv6 address clients connect to.</summary>
    public string Address { get; set; } = "";

    /// <summary>Port, 1-65535; 0 = every port of the address. <remarks>Default 0.</remarks></summary>
    public long Port { get; set; }

    /// <summary><c>tcp</c> or <c>udp</c>. <remarks>Default tcp.</remarks></summary>
    public string Protocol { get; set; } = "tcp";

    /// <summary>How new flows are placed: <c>maglev</c>, <c>maglev-src</c>, <c>rr</c>, <c>wrr</c>, <c>lc</c> or <c>wlc</c> (see <see cref="Model.Schedulers"/>). <remarks>Default maglev.</remarks></summary>
    public string Scheduler { get; set; } = "maglev";

    /// <summary>How the backends' health is checked, and the rails that limit what failing health does. <remarks>Default: no active check.</remarks></summary>
    public HealthConfig? Health { get; set; }

    /// <summary>Where the VIP's flows go.</summary>
    public List<BackendConfig> Backends { get; set; } = [];
}
