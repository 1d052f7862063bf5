namespace LoadBalancer.Core.Health;

/// <summary>
/// The weight ramp of a backend back in service: 10% of its weight at once, then 10 points more
/// every ninth of the window, 100% when the window has passed. Steps, not a line, so the tables are
/// rebuilt ten times per ramp rather than on every tick.
/// </summary>
public static class SlowStart
{
    /// <summary>Percent of its weight a backend in service since <paramref name="elapsed"/> gets, over a <paramref name="window"/> ramp.</summary>
    public static int Percent(TimeSpan elapsed, TimeSpan window)
    {
        if (window <= TimeSpan.Zero || elapsed >= window)
        {
            return 100;
        }
        var step = elapsed <= TimeSpan.Zero ? 0 : (int)(9 * elapsed.Ticks / window.Ticks);
        return 10 + 10 * step;
    }

    /// <summary>When, counted from the ramp's start, <see cref="Percent"/> next changes after <paramref name="elapsed"/>; null when the ramp is over.</summary>
    public static TimeSpan? NextStep(TimeSpan elapsed, TimeSpan window)
    {
        if (window <= TimeSpan.Zero || elapsed >= window)
        {
            return null;
        }
        var step = elapsed <= TimeSpan.Zero ? 0 : 9 * elapsed.Ticks / window.Ticks;
        // the first tick at which step + 1 is reached: ceil((step + 1) * window / 9)
        return TimeSpan.FromTicks(((step + 1) * window.Ticks + 8) / 9);
    }
}
