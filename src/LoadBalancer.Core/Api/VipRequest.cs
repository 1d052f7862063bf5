namespace LoadBalancer.Core.Api;

/// <summary>POST /v1/vips: a VIP to create, with its backends.</summary>
/// <param name="Vip">Its key, e.g. <c>10.0.0.1:80/tcp</c>.</param>
/// <param name="Backends">Its backends.</param>
/// <param name="Scheduler">Its scheduler name (<c>maglev</c> if null).</param>
public sealed record VipRequest(string Vip, IReadOnlyList<BackendRequest> Backends, string? Scheduler = null);
