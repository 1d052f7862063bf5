namespace LoadBalancer.Core.Config;

/// <summary>
/// A VIP's health checking as configured (<c>vips[i].health</c>), or a backend's overrides of the
/// probe keys (<c>vips[i].backends[j].health</c>, where the pool keys are refused). Every key is
/// optional: null = the VIP's value, else the default shown.
/// </summary>
public sealed class HealthConfig
{
    /// <summary><c>none</c>, <c>tcp</c>, <c>http</c>, <c>https</c> or <c>command</c>. <remarks>Default none.</remarks></summary>
    public string? Kind { get; set; }

    /// <summary>Port probed on the backend; 0 = the VIP's port. <remarks>Default 0.</remarks></summary>
    public long? Port { get; set; }

    /// <summary>Path of the http(s) GET. <remarks>Default /.</remarks></summary>
    public string? Path { get; set; }

    /// <summary>Host header of the http(s) GET. <remarks>Default: the backend's address.</remarks></summary>
    public string? Host { get; set; }

    /// <summary>HTTP statuses that pass: <c>200</c> or a range <c>200-399</c>. <remarks>Default 200-399.</remarks></summary>
    public string? ExpectStatus { get; set; }

    /// <summary>Whether https verifies the backend's certificate. <remarks>Default true.</remarks></summary>
    public bool? TlsVerify { get; set; }

    /// <summary>Program and arguments of a command check. <remarks>Default none.</remarks></summary>
    public List<string>? Command { get; set; }

    /// <summary>Time between probes of a backend. <remarks>Default 2s.</remarks></summary>
    public string? Interval { get; set; }

    /// <summary>A probe not answered by then fails; below the interval. <remarks>Default 1s.</remarks></summary>
    public string? Timeout { get; set; }

    /// <summary>Consecutive passes that bring an unhealthy backend back. <remarks>Default 2.</remarks></summary>
    public long? Rise { get; set; }

    /// <summary>Consecutive failures that take a healthy backend out. <remarks>Default 3.</remarks></summary>
    public long? Fall { get; set; }

    /// <summary>Percent of the interval taken off each wait at random. <remarks>Default 10.</remarks></summary>
    public long? Jitter { get; set; }

    /// <summary>Window over which a backend back in service ramps to its full weight; 0s = none. <remarks>Default 30s.</remarks></summary>
    public string? SlowStart { get; set; }

    /// <summary>Largest percent of the backends that failing health may take out. <remarks>Default 50.</remarks></summary>
    public long? MaxEjectionPercent { get; set; }

    /// <summary>Below this percent of healthy backends, every backend takes new flows (fail-open); 0 = never. <remarks>Default 25.</remarks></summary>
    public long? PanicThreshold { get; set; }

    /// <summary>How long a drained or ejected backend's flows go on before they are removed. <remarks>Default 30s.</remarks></summary>
    public string? DrainTimeout { get; set; }

    /// <summary>Passive signal: events (SYN retransmits, fresh client RSTs) in the window that may eject; 0 = off. <remarks>Default 3.</remarks></summary>
    public long? PassiveMinEvents { get; set; }

    /// <summary>Passive signal: events must also reach this percent of the backend's new flows in the window. <remarks>Default 50.</remarks></summary>
    public long? PassiveRatio { get; set; }

    /// <summary>Passive signal: the sliding window the events are counted over. <remarks>Default 2s.</remarks></summary>
    public string? PassiveWindow { get; set; }
}
