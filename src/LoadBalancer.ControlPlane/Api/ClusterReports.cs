using LoadBalancer.ControlPlane.Cluster;
using LoadBalancer.ControlPlane.Store;
using LoadBalancer.Core.Api;
using LoadBalancer.Core.Config;

namespace LoadBalancer.ControlPlane.Api;

/// <summary>The cluster side of the API: the store's reachability, the node's drain state, BGP; and node drain and undrain.</summary>
public static class ClusterReports
{
    /// <summary>The store as <see cref="StatusResponse.Store"/> shows it.</summary>
    public static StoreInfo Store(IDesiredStateStore store)
    {
        var status = store.Status;
        return new StoreInfo(status.Kind, store.Description, status.Stale, status.StaleSince, status.LastError, status.Revision);
    }

    /// <summary>The node's drain state and what it announces.</summary>
    public static NodeInfo Node(NodeDrain drain, AnnouncementService bgp)
    {
        var current = drain.Current;
        return new NodeInfo(drain.Phase, current?.Since, current?.Grace.TotalSeconds ?? 0,
            [.. bgp.Current.Announced.Select(a => a.ToString())], bgp.Current.Enabled);
    }

    /// <summary>BGP as <see cref="StatusResponse.Bgp"/> shows it; null when not configured.</summary>
    public static BgpInfo? Bgp(AnnouncementService bgp)
    {
        var current = bgp.Current;
        if (!current.Enabled)
        {
            return null;
        }
        return new BgpInfo(current.Speaker,
            [.. current.Peers.Select(p => new BgpPeerInfo(p.Address.ToString(), p.As, p.State, p.Since))],
            [.. current.Announced.Select(a => a.ToString())],
            [.. current.Wanted.Select(a => a.ToString())],
            current.LastError);
    }

    /// <summary>
    /// Drains the node: kept on disk, then every VIP withdrawn; returns once the speaker has
    /// withdrawn them. <paramref name="grace"/> (a duration) overrides bgp.drain_grace.
    /// </summary>
    /// <exception cref="FormatException"><paramref name="grace"/> is not a duration.</exception>
    public static async Task<NodeInfo> DrainAsync(NodeDrain drain, AnnouncementService bgp, string? grace, CancellationToken cancellationToken)
    {
        var period = bgp.Spec?.DrainGrace ?? TimeSpan.Zero;
        if (grace is not null && (!Duration.TryParse(grace, out period) || period > TimeSpan.FromHours(1)))
        {
            throw new FormatException($"grace '{grace}' is not a duration between 0s and 1h (e.g. 5s)");
        }
        await drain.DrainAsync(period, cancellationToken);
        await bgp.SyncNowAsync(cancellationToken);
        return Node(drain, bgp);
    }

    /// <summary>Puts the node back in service; returns once the speaker has announced its VIPs again.</summary>
    public static async Task<NodeInfo> UndrainAsync(NodeDrain drain, AnnouncementService bgp, CancellationToken cancellationToken)
    {
        drain.Undrain();
        await bgp.SyncNowAsync(cancellationToken);
        return Node(drain, bgp);
    }
}
