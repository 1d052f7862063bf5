using System.Net;

namespace LoadBalancer.ControlPlane.Bgp;

/// <summary>What one <see cref="BgpAnnouncer.SyncAsync"/> changed.</summary>
/// <param name="Announced">VIPs announced by this sync, in the order done.</param>
/// <param name="Withdrawn">VIPs withdrawn by this sync, in the order done.</param>
public sealed record BgpSyncResult(IReadOnlyList<IPAddress> Announced, IReadOnlyList<IPAddress> Withdrawn)
{
    /// <summary>Whether the sync changed nothing.</summary>
    public bool IsEmpty => Announced.Count == 0 && Withdrawn.Count == 0;
}
