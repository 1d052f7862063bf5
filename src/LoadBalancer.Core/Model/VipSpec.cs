using LoadBalancer.Core.Health;

namespace LoadBalancer.Core.Model;

/// <summary>A validated VIP and its backends.</summary>
/// <param name="Key">Address, port and protocol.</param>
/// <param name="Backends">Where its flows go.</param>
/// <param name="Scheduler">How new flows are placed on <paramref name="Backends"/>.</param>
public sealed record VipSpec(VipKey Key, IReadOnlyList<BackendSpec> Backends, Scheduler Scheduler = Scheduler.Maglev)
{
    /// <summary>What failing health may do to the pool: slow start, max ejection, fail-open, drain timeout, passive signal.</summary>
    public HealthPolicy Health { get; init; } = HealthPolicy.Default;
}
