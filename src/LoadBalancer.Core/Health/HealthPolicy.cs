namespace LoadBalancer.Core.Health;

/// <summary>
/// What failing health may do to a VIP's pool (validated <c>vips[i].health</c> pool keys).
/// </summary>
/// <param name="SlowStart">Window over which a backend back in service ramps from 10% to its full weight; zero = at once.</param>
/// <param name="MaxEjectionPercent">Failing health takes out at most this percent of the backends (rounded down).</param>
/// <param name="PanicThreshold">Below this percent of healthy backends every backend takes new flows (fail-open); 0 = never.</param>
/// <param name="DrainTimeout">How long a drained or ejected backend's flows go on before they are removed.</param>
/// <param name="Passive">When the data plane's passive signal ejects a backend.</param>
public sealed record HealthPolicy(TimeSpan SlowStart, int MaxEjectionPercent, int PanicThreshold, TimeSpan DrainTimeout, PassiveRule Passive)
{
    /// <summary>The defaults: 30 s slow start, 50% max ejection, fail-open below 25% healthy, 30 s drain, passive signal off.</summary>
    public static HealthPolicy Default { get; } = new(TimeSpan.FromSeconds(30), 50, 25, TimeSpan.FromSeconds(30), PassiveRule.Off);
}
