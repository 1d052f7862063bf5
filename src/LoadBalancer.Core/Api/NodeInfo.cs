namespace LoadBalancer.Core.Api;

/// <summary>This LB node's drain state (GET /v1/status, POST /v1/node/drain|undrain).</summary>
/// <param name="Phase"><c>serving</c>; <c>draining</c>: VIPs withdrawn, the grace still running; <c>drained</c>: safe to stop or detach.</param>
/// <param name="DrainedSince">When <c>lbctl node drain</c> was run.</param>
/// <param name="GraceSeconds">The grace it was given.</param>
/// <param name="Announced">VIP addresses announced over BGP now.</param>
/// <param name="Bgp">Whether BGP is configured (without it, drain only records the state).</param>
public sealed record NodeInfo(string Phase, DateTimeOffset? DrainedSince, double GraceSeconds, IReadOnlyList<string> Announced, bool Bgp);
