namespace LoadBalancer.Core.Api;

/// <summary>One backend's health (lbctl health).</summary>
/// <param name="Address">The backend.</param>
/// <param name="State">healthy, slow-start, unhealthy, draining, drained or disabled.</param>
/// <param name="TakesNewFlows">Whether new flows are placed on it.</param>
/// <param name="Reason">Why it is not simply healthy and in service: the failing check, or the rail that keeps it in service.</param>
/// <param name="LastResult">pass or fail; null before the first probe or without an active check.</param>
/// <param name="LastDetail">What the last probe saw.</param>
/// <param name="LatencyMs">How long the last probe took, in milliseconds.</param>
/// <param name="Consecutive">How many results in a row were of the last one's kind.</param>
/// <param name="Since">When the state began.</param>
/// <param name="WeightPercent">Percent of its weight it takes new flows at (below 100 while it ramps, 0 when out).</param>
/// <param name="ActiveFlows">Flows placed on it and not closed by the client.</param>
public sealed record BackendHealthInfo(
    string Address, string State, bool TakesNewFlows, string? Reason, string? LastResult, string? LastDetail, double? LatencyMs,
    int Consecutive, DateTimeOffset Since, int WeightPercent, long ActiveFlows);
