using LoadBalancer.Core.Planning;

namespace LoadBalancer.Core.Health;

/// <summary>One backend's health as <see cref="HealthBoard.Evaluate"/> saw it.</summary>
/// <param name="Backend">The backend.</param>
/// <param name="Verdict">State, weight share and reason.</param>
/// <param name="Last">The latest probe result; null before the first or without an active check.</param>
/// <param name="Consecutive">How many results in a row were of the latest one's kind.</param>
/// <param name="Since">Monotonic time the state began.</param>
public sealed record BackendReport(BackendRef Backend, BackendVerdict Verdict, ProbeResult? Last, int Consecutive, TimeSpan Since);
