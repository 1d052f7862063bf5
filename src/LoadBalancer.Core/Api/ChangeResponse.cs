namespace LoadBalancer.Core.Api;

/// <summary>An applied change.</summary>
/// <param name="Generation">The configuration generation now in force.</param>
/// <param name="Summary">What changed in the data plane, e.g. <c>1 VIP written, 3 backends written, 1 ring swapped</c>.</param>
public sealed record ChangeResponse(long Generation, string Summary)
{
    /// <summary>Whether the node is part of a cluster (etcd store or BGP): other nodes serve the same VIPs, so per-node schedulers deserve a warning.</summary>
    public bool Clustered { get; init; }
}
