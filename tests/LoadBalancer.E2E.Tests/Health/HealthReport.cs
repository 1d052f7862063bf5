namespace LoadBalancer.E2E.Tests.Health;

/// <summary>One VIP of <c>lbctl health --json</c> (a JSON array of these, camelCase).</summary>
public sealed record HealthVipReport(string Vip, string Check, int Healthy, int Serving, int Total, bool FailOpen, List<HealthBackendReport> Backends)
{
    public HealthBackendReport Backend(string address)
        => Backends.SingleOrDefault(b => b.Address == address)
            ?? throw new InvalidOperationException($"lbctl health lists no backend {address} under {Vip}: {string.Join(", ", Backends.Select(b => b.Address))}");

    /// <summary>One line per backend, for the test's output.</summary>
    public override string ToString()
        => $"{Vip} check {Check}: healthy {Healthy}, serving {Serving} of {Total}, failOpen {FailOpen}\n"
            + string.Join('\n', Backends.Select(b => $"  {b}"));
}

/// <summary>One backend of a VIP in <c>lbctl health --json</c>.</summary>
/// <param name="State">healthy, unhealthy, slow-start, draining, drained or disabled.</param>
/// <param name="Since">When it entered <paramref name="State"/> (ISO 8601), kept as text.</param>
public sealed record HealthBackendReport(
    string Address,
    string State,
    bool TakesNewFlows,
    string? Reason,
    string? LastResult,
    string? LastDetail,
    double? LatencyMs,
    int Consecutive,
    string? Since,
    double WeightPercent,
    long ActiveFlows)
{
    public override string ToString()
        => $"{Address} {State} takesNewFlows={TakesNewFlows} weight={WeightPercent}% reason='{Reason}' last={LastResult} '{LastDetail}' x{Consecutive} latency={LatencyMs}ms active={ActiveFlows}";
}
