namespace LoadBalancer.ControlPlane.Store;

/// <summary>How the desired-state store is doing, for status and metrics.</summary>
/// <param name="Kind"><c>file</c> or <c>etcd</c>.</param>
/// <param name="Stale">True while a shared store cannot be reached: the node runs on the last state it read.</param>
/// <param name="StaleSince">When it became unreachable.</param>
/// <param name="LastError">Why, when stale.</param>
/// <param name="Revision">The shared store's revision in force (0 for files).</param>
public sealed record StoreStatus(string Kind, bool Stale, DateTimeOffset? StaleSince, string? LastError, long Revision)
{
    /// <summary>A node's own files: never stale.</summary>
    public static StoreStatus Files { get; } = new("file", false, null, null, 0);
}
