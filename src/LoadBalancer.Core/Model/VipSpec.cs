namespace LoadBalancer.Core.Model;

/// <summary>A validated VIP and its backends.</summary>
public sealed record VipSpec(VipKey Key, IReadOnlyList<BackendSpec> Backends);
