namespace LoadBalancer.ControlPlane.Hosting;

/// <summary>How one lbd instance is wired: its files, sockets and pins. Every path derives from <see cref="Instance"/> unless set.</summary>
public sealed class LbdOptions
{
    /// <summary>Instance name: several can run side by side. <remarks>Default <c>lb</c>.</remarks></summary>
    public string Instance { get; set; } = "lb";

    /// <summary>The YAML configuration; null runs the embedded default.</summary>
    public string? ConfigPath { get; set; }

    /// <summary>The embedded default configuration, used when <see cref="ConfigPath"/> is null.</summary>
    public string? EmbeddedConfig { get; set; }

    /// <summary>Where run-time changes are kept. <remarks>Default <c>/var/lib/lb/INSTANCE/state.json</c>.</remarks></summary>
    public string? StatePath { get; set; }

    /// <summary>Where program, maps and link are pinned. <remarks>Default <c>/sys/fs/bpf/INSTANCE</c>.</remarks></summary>
    public string? PinDirectory { get; set; }

    /// <summary>The root-only Unix socket of the local API. <remarks>Default <c>/run/lb/INSTANCE.sock</c>.</remarks></summary>
    public string? ApiSocket { get; set; }

    /// <summary>Where Prometheus scrapes, HOST:PORT; empty = no metrics endpoint. <remarks>Default <c>127.0.0.1:9810</c>.</remarks></summary>
    public string Metrics { get; set; } = "127.0.0.1:9810";

    /// <summary>The state file in force.</summary>
    public string EffectiveStatePath => StatePath ?? $"/var/lib/lb/{Instance}/state.json";

    /// <summary>The pin directory in force.</summary>
    public string EffectivePinDirectory => PinDirectory ?? $"/sys/fs/bpf/{Instance}";

    /// <summary>The API socket in force.</summary>
    public string EffectiveApiSocket => ApiSocket ?? $"/run/lb/{Instance}.sock";
}
