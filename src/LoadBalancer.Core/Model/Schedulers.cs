namespace LoadBalancer.Core.Model;

/// <summary>
/// The one registry of <see cref="Scheduler"/>s: each one's configuration name, what it does, and
/// the properties the planner, the validator and lbctl go by. Names are checked against this
/// registry only, so a scheduler added here is known everywhere.
/// </summary>
/// <remarks>
/// Weight 0 and drain exclude a backend from new flows under every scheduler, including those
/// that do not otherwise use weights (rr, lc).
/// </remarks>
public static class Schedulers
{
    private static readonly Entry[] s_entries =
    [
        new(Scheduler.Maglev, "maglev", "consistent hash of the 5-tuple on a Maglev ring, weighted; every node picks the same backend", KeepsBackendAcrossNodes: true),
        new(Scheduler.MaglevSrc, "maglev-src", "consistent hash of the client address on a Maglev ring, weighted: a client's flows all go to one backend", KeepsBackendAcrossNodes: true),
        new(Scheduler.Rr, "rr", "round robin: each eligible backend in turn, weights ignored", KeepsBackendAcrossNodes: false),
        new(Scheduler.Wrr, "wrr", "smooth weighted round robin: backends in turn, each as often as its weight, interleaved", KeepsBackendAcrossNodes: false),
        new(Scheduler.Lc, "lc", "least connections: the backend with the fewest active flows on this node, weights ignored", KeepsBackendAcrossNodes: false),
        new(Scheduler.Wlc, "wlc", "weighted least connections: the backend with the fewest active flows per unit of weight on this node", KeepsBackendAcrossNodes: false),
    ];

    /// <summary>Every scheduler's configuration name, in enum order (<c>maglev</c> first, the default).</summary>
    public static IReadOnlyList<string> Names { get; } = [.. s_entries.Select(e => e.Name)];

    /// <summary>Every scheduler, in enum order.</summary>
    public static IReadOnlyList<Scheduler> All { get; } = [.. s_entries.Select(e => e.Scheduler)];

    /// <summary>The configuration name of <paramref name="scheduler"/>, e.g. <c>maglev-src</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not a defined scheduler.</exception>
    public static string Name(Scheduler scheduler) => Get(scheduler).Name;

    /// <summary>One line on what <paramref name="scheduler"/> does, for lbctl and the docs.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not a defined scheduler.</exception>
    public static string Description(Scheduler scheduler) => Get(scheduler).Description;

    /// <summary>
    /// Whether a flow keeps its backend when ECMP moves it to another node that has not seen it
    /// (maglev, maglev-src: every node computes the same ring from the same configuration); the
    /// others pick by per-node state (a cursor, flow counts), so a moved flow may land elsewhere.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Not a defined scheduler.</exception>
    public static bool KeepsBackendAcrossNodes(Scheduler scheduler) => Get(scheduler).KeepsBackendAcrossNodes;

    /// <summary>
    /// Whether the data plane indexes a Maglev ring for <paramref name="scheduler"/> (lb_rings);
    /// the others read a backend list (lb_schedules).
    /// </summary>
    public static bool UsesRing(Scheduler scheduler) => scheduler is Scheduler.Maglev or Scheduler.MaglevSrc;

    /// <summary>The scheduler named <paramref name="name"/>, in any letter case.</summary>
    public static bool TryParse(string? name, out Scheduler scheduler)
    {
        foreach (var entry in s_entries)
        {
            if (string.Equals(entry.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                scheduler = entry.Scheduler;
                return true;
            }
        }
        scheduler = default;
        return false;
    }

    /// <summary>
    /// The error message for <paramref name="name"/>, which is not a scheduler: every name, and the
    /// nearest if it is close (<c>'wrrr' is not a scheduler (maglev, ...); did you mean 'wrr'?</c>).
    /// </summary>
    public static string Unknown(string? name)
    {
        var near = NearestName.Find(Names, (name ?? "").ToLowerInvariant());
        var hint = near is null ? "" : $"; did you mean '{near}'?";
        return $"'{name}' is not a scheduler ({string.Join(", ", Names)}){hint}";
    }

    private static Entry Get(Scheduler scheduler)
        => (int)scheduler < s_entries.Length ? s_entries[(int)scheduler] : throw new ArgumentOutOfRangeException(nameof(scheduler), scheduler, "not a scheduler");

    private sealed record Entry(Scheduler Scheduler, string Name, string Description, bool KeepsBackendAcrossNodes);
}
