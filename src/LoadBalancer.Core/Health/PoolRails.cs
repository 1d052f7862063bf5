using System.Net;
using LoadBalancer.Core.Scheduling;

namespace LoadBalancer.Core.Health;

/// <summary>
/// Decides which of a VIP's backends take new flows, from their health and the pool rails. The pool
/// is the backends an operator has in service (not drained, not disabled, weight above 0).
/// <list type="bullet">
/// <item>Fail-open: when fewer than <see cref="HealthPolicy.PanicThreshold"/> percent of the pool is
/// healthy, every backend of the pool takes new flows: a guess spread over all beats an overload of
/// the few (or of none).</item>
/// <item>Max ejection: otherwise failing health takes out at most <see cref="HealthPolicy.MaxEjectionPercent"/>
/// percent of the pool, rounded down; those unhealthy longest go first, the others stay in service
/// and say so.</item>
/// <item>Slow start: a healthy backend back in service takes <see cref="SlowStart.Percent"/> of its weight.</item>
/// </list>
/// Pure: the same members, policy and time give the same verdict.
/// </summary>
public static class PoolRails
{
    /// <summary>The verdict for <paramref name="members"/> under <paramref name="policy"/> at <paramref name="now"/>.</summary>
    public static PoolVerdict Decide(IReadOnlyList<PoolMember> members, HealthPolicy policy, TimeSpan now)
    {
        var verdicts = new Dictionary<IPAddress, BackendVerdict>();
        var pool = members.Where(m => !m.Drained && !m.Disabled && m.Weight > 0).ToList();
        var healthy = pool.Count(m => m.Healthy);
        var failOpen = pool.Count > 0 && (long)healthy * 100 < (long)policy.PanicThreshold * pool.Count;
        var maxEjected = pool.Count * policy.MaxEjectionPercent / 100;
        var ejected = failOpen
            ? []
            : pool.Where(m => !m.Healthy)
                .OrderBy(m => m.UnhealthySince)
                .ThenBy(m => (ReadOnlyMemory<byte>)m.Address.GetAddressBytes(), ScheduleMember.KeyOrder)
                .Take(maxEjected)
                .Select(m => m.Address)
                .ToHashSet();
        foreach (var m in members)
        {
            verdicts[m.Address] = m switch
            {
                { Disabled: true } => new(BackendState.Disabled, 0, null),
                { Drained: true } => new(m.DrainDone ? BackendState.Drained : BackendState.Draining, 0, null),
                { Weight: 0 } => new(m.Healthy ? BackendState.Healthy : BackendState.Unhealthy, 0, m.Healthy ? "weight 0" : m.Cause),
                { Healthy: false } when ejected.Contains(m.Address) => new(BackendState.Unhealthy, 0, m.Cause),
                { Healthy: false } when failOpen => new(BackendState.Unhealthy, 100, $"fail-open: {healthy} of {pool.Count} healthy, below panic_threshold {policy.PanicThreshold}%; {m.Cause}"),
                { Healthy: false } => new(BackendState.Unhealthy, 100, $"kept in service by max_ejection_percent {policy.MaxEjectionPercent}; {m.Cause}"),
                _ => Ramp(m, policy, now),
            };
        }
        return new PoolVerdict(verdicts, failOpen, healthy, pool.Count);
    }

    private static BackendVerdict Ramp(PoolMember m, HealthPolicy policy, TimeSpan now)
    {
        var percent = m.RampStart is { } start ? SlowStart.Percent(now - start, policy.SlowStart) : 100;
        return percent < 100 ? new(BackendState.SlowStart, percent, null) : new(BackendState.Healthy, 100, null);
    }
}
