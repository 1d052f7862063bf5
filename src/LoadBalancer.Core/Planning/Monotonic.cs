namespace LoadBalancer.Core.Planning;

/// <summary>The monotonic clock the planner's quarantines run on: time since boot, unaffected by wall-clock steps.</summary>
public static class Monotonic
{
    /// <summary>Time since boot (CLOCK_MONOTONIC).</summary>
    public static TimeSpan Now => TimeSpan.FromMilliseconds(Environment.TickCount64);
}
