namespace LoadBalancer.Core.Api;

/// <summary>Traffic sent to one backend of a VIP.</summary>
/// <param name="Address">The backend.</param>
/// <param name="Drained">Whether it takes no new flows.</param>
/// <param name="Traffic">Its packets, bytes and new flows.</param>
/// <param name="ActiveFlows">Flows placed on it and not closed by the client, as the data plane counts them.</param>
public sealed record BackendStats(string Address, bool Drained, Traffic Traffic, long ActiveFlows);
