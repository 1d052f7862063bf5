namespace LoadBalancer.Core.Api;

/// <summary>One flow-table entry.</summary>
/// <param name="Flow">The 5-tuple, e.g. <c>198.51.100.7:40312 -> 10.0.0.1:80/tcp</c>.</param>
/// <param name="Found">Whether the table holds it.</param>
/// <param name="Backend">The backend it is pinned to.</param>
/// <param name="Vip">The VIP it matched.</param>
/// <param name="IdleSeconds">Seconds since its last refresh (refreshed at most once a second).</param>
/// <param name="Live">Whether it is still honoured (its backend exists and it is within its idle timeout).</param>
public sealed record FlowEntry(string Flow, bool Found, string? Backend, string? Vip, double? IdleSeconds, bool Live);
