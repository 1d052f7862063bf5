namespace LoadBalancer.Core.Api;

/// <summary>PATCH /v1/vips?vip=VIP: changes to one VIP, applied together or not at all.</summary>
/// <param name="Backends">Its new backends, replacing all (null = unchanged).</param>
/// <param name="Scheduler">Its new scheduler name (null = unchanged).</param>
public sealed record VipUpdate(IReadOnlyList<BackendRequest?>? Backends, string? Scheduler);
