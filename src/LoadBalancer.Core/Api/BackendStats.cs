namespace LoadBalancer.Core.Api;

/// <summary>Traffic sent to one backend of a VIP.</summary>
/// <param name="Address">The backend.</param>
/// <param name="Drained">Whether it takes no new flows.</param>
/// <param name="Traffic">Its packets, bytes and new flows.</param>
public sealed record BackendStats(string Address, bool Drained, Traffic Traffic);
