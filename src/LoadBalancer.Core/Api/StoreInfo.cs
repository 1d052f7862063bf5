namespace LoadBalancer.Core.Api;

/// <summary>Where the desired state lives and whether it can be reached (part of <see cref="StatusResponse"/>).</summary>
/// <param name="Kind"><c>file</c> or <c>etcd</c>.</param>
/// <param name="Description">Files, or etcd endpoints and prefix.</param>
/// <param name="Stale">True while etcd cannot be reached: the node runs on the last state it read.</param>
/// <param name="StaleSince">Since when.</param>
/// <param name="LastError">Why.</param>
/// <param name="Revision">etcd revision of the state in force (0 for files).</param>
public sealed record StoreInfo(string Kind, string Description, bool Stale, DateTimeOffset? StaleSince, string? LastError, long Revision);
