namespace LoadBalancer.ControlPlane.Bgp;

/// <summary>
/// A <see cref="BgpAnnouncer.SyncAsync"/> stopped at a failed (or cancelled) announce or withdraw.
/// <see cref="Done"/> is what it changed before that; the announcer's
/// <see cref="BgpAnnouncer.Announced"/> counts exactly that, so the next sync retries the rest.
/// </summary>
public sealed class BgpSyncException : Exception
{
    /// <summary>Creates the exception.</summary>
    public BgpSyncException(string message, BgpSyncResult done, Exception innerException)
        : base(message, innerException) => Done = done;

    /// <summary>What the sync did before it stopped.</summary>
    public BgpSyncResult Done { get; }
}
