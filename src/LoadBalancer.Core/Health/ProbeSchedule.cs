namespace LoadBalancer.Core.Health;

/// <summary>
/// When a backend's probes start. The first comes at a random point of the first interval, so the
/// probes of many backends started together spread out; each next one comes an interval after the
/// previous one's start, minus a random share of up to <see cref="ProbeSpec.JitterPercent"/> of
/// it. Probes therefore never come further apart than the interval (the detection bound
/// interval × fall holds) and do not fire in lockstep.
/// </summary>
public static class ProbeSchedule
{
    /// <summary>Start of the first probe of a backend first seen at <paramref name="now"/>; <paramref name="random"/> is uniform in [0, 1).</summary>
    public static TimeSpan First(ProbeSpec probe, TimeSpan now, double random) => now + probe.Interval * random;

    /// <summary>Start of the probe after one that started at <paramref name="lastStart"/>; <paramref name="random"/> is uniform in [0, 1).</summary>
    public static TimeSpan Next(ProbeSpec probe, TimeSpan lastStart, double random)
        => lastStart + probe.Interval * (1 - probe.JitterPercent / 100.0 * random);
}
