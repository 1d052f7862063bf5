namespace LoadBalancer.Core.Model;

/// <summary>A configuration that passed validation: what the data plane must do.</summary>
public sealed record BalancerSpec(NodeSpec Node, IReadOnlyList<VipSpec> Vips);
