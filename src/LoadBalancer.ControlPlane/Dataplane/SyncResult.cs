namespace LoadBalancer.ControlPlane.Dataplane;

/// <summary>What one <see cref="DataplaneSynchronizer.Apply"/> changed.</summary>
public sealed class SyncResult
{
    /// <summary>lb_vips entries added or re-pointed.</summary>
    public int VipsWritten { get; set; }

    /// <summary>lb_vips entries deleted.</summary>
    public int VipsRemoved { get; set; }

    /// <summary>Rings replaced as a whole.</summary>
    public int RingsSwapped { get; set; }

    /// <summary>lb_reals entries written.</summary>
    public int BackendsWritten { get; set; }

    /// <summary>lb_reals entries cleared.</summary>
    public int BackendsRemoved { get; set; }

    /// <summary>Whether anything was written.</summary>
    public bool Changed => VipsWritten + VipsRemoved + RingsSwapped + BackendsWritten + BackendsRemoved > 0;

    /// <summary>The counts, for people.</summary>
    public string Summary => $"{VipsWritten} VIPs written, {VipsRemoved} removed, {BackendsWritten} backends written, {BackendsRemoved} removed, {RingsSwapped} rings swapped";
}
