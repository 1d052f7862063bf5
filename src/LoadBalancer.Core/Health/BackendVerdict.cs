namespace LoadBalancer.Core.Health;

/// <summary>What the rails decided for one backend.</summary>
/// <param name="State">What it is doing.</param>
/// <param name="WeightPercent">Percent of its weight it takes new flows at: 100 in full service, less
/// while it ramps (slow start), 0 when it takes none.</param>
/// <param name="Reason">Why it is not simply healthy and in service: the failing check, the rail that
/// keeps an unhealthy backend in service, or null.</param>
public sealed record BackendVerdict(BackendState State, int WeightPercent, string? Reason)
{
    /// <summary>Whether it takes new flows.</summary>
    public bool TakesNewFlows => WeightPercent > 0;
}
