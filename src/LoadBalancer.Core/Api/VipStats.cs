namespace LoadBalancer.Core.Api;

/// <summary>Traffic of one VIP and its backends since the VIP came into force.</summary>
/// <param name="Vip">The VIP key.</param>
/// <param name="Traffic">Its packets, bytes and new flows.</param>
/// <param name="Backends">Per backend.</param>
public sealed record VipStats(string Vip, Traffic Traffic, IReadOnlyList<BackendStats> Backends);
