using LoadBalancer.Core.Model;

namespace LoadBalancer.Core.Scheduling;

/// <summary>
/// The backend lists of the schedulers that do not use a Maglev ring (rr, wrr, lc, wlc): what the
/// data plane walks with its per-CPU cursor (rr, wrr) or picks the least loaded of (lc, wlc).
/// A list goes into the VIP's lb_schedules entry, an array of ring-size words whose word 0 is the
/// count, so it holds at most ring size - 1 ids.
/// </summary>
/// <remarks>
/// Deterministic: backends with weight 0 (weight 0 or drained) are left out under every scheduler,
/// the others are ordered by key (address bytes), so input order does not matter and every node
/// builds the same list from the same configuration.
/// </remarks>
public static class BackendLists
{
    /// <summary>The most ids a list may hold with rings of <paramref name="ringSize"/> slots: ring size - 1 (word 0 is the count).</summary>
    public static int MaxLength(uint ringSize) => ringSize >= 2 ? (int)Math.Min(ringSize - 1, int.MaxValue) : 0;

    /// <summary>
    /// The list of <paramref name="scheduler"/> for <paramref name="backends"/>, without the count:
    /// rr, lc and wlc list every eligible backend once (<see cref="Eligible"/>); wrr lists one period
    /// of the smooth weighted schedule (<see cref="SmoothWeightedSchedule.Build"/>). Empty if no
    /// backend is eligible.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="scheduler"/> uses a ring, or more backends are eligible than a list holds.</exception>
    public static uint[] Build(Scheduler scheduler, IReadOnlyList<ScheduleMember> backends, uint ringSize) => scheduler switch
    {
        Scheduler.Rr or Scheduler.Lc or Scheduler.Wlc => Eligible(backends, MaxLength(ringSize)),
        Scheduler.Wrr => SmoothWeightedSchedule.Build(backends, MaxLength(ringSize)),
        _ => throw new ArgumentException($"{scheduler} uses a Maglev ring, not a list", nameof(scheduler)),
    };

    /// <summary>The ids of the backends with weight above 0, once each, ordered by key.</summary>
    /// <exception cref="ArgumentException">Ids are not distinct and non-zero, or more than <paramref name="maxLength"/> backends are eligible.</exception>
    public static uint[] Eligible(IReadOnlyList<ScheduleMember> backends, int maxLength)
        => [.. EligibleMembers(backends, maxLength).Select(b => b.Id)];

    /// <summary>The backends with weight above 0, ordered by key, checked.</summary>
    internal static ScheduleMember[] EligibleMembers(IReadOnlyList<ScheduleMember> backends, int maxLength)
    {
        var eligible = backends.Where(b => b.Weight > 0).OrderBy(b => b.Key, ScheduleMember.KeyOrder).ToArray();
        if (eligible.Select(b => b.Id).Distinct().Count() != eligible.Length || eligible.Any(b => b.Id == 0))
        {
            throw new ArgumentException("backend ids must be distinct and non-zero", nameof(backends));
        }
        if (eligible.Length > maxLength)
        {
            throw new ArgumentException($"{eligible.Length} eligible backends do not fit a list of {maxLength}", nameof(backends));
        }
        return eligible;
    }
}
