namespace LoadBalancer.Core.Model;

/// <summary>A configuration that passed validation: what the data plane must do, and how this node is wired into a cluster.</summary>
/// <param name="Node">The data-plane settings of this node.</param>
/// <param name="Vips">The VIPs and their backends.</param>
public sealed record BalancerSpec(NodeSpec Node, IReadOnlyList<VipSpec> Vips)
{
    /// <summary>BGP announcement of the VIPs; null = none.</summary>
    public BgpSpec? Bgp { get; init; }

    /// <summary>Where the desired state lives.</summary>
    public StoreSpec Store { get; init; } = StoreSpec.File;
}
