namespace LoadBalancer.Core.Planning;

/// <summary>The VIP and backend ids that live flow-table entries of a running data plane point at.</summary>
/// <param name="VipIds">VIP ids named by live flows.</param>
/// <param name="BackendIds">Backend ids named by live flows.</param>
public sealed record FlowReferences(IReadOnlySet<uint> VipIds, IReadOnlySet<uint> BackendIds)
{
    /// <summary>No flow points anywhere (a fresh data plane).</summary>
    public static FlowReferences None { get; } = new(new HashSet<uint>(), new HashSet<uint>());
}
