using System.Diagnostics;

namespace LoadBalancer.E2E.Tests.Health;

/// <summary>
/// When a polled condition was first seen: after <see cref="NotYet"/> (the start of the last poll
/// that did not see it, or zero) and by <see cref="Seen"/> (the end of the first poll that did),
/// both measured from the event the test caused. The change happened in (NotYet, Seen].
/// </summary>
public sealed record Observed<T>(T Value, TimeSpan NotYet, TimeSpan Seen, int Polls)
{
    public string Window => $"{NotYet.TotalSeconds:0.0}-{Seen.TotalSeconds:0.0} s";
}

public static class Poll
{
    /// <summary>
    /// Reads until <paramref name="done"/> holds, at most <paramref name="timeout"/> after
    /// <paramref name="clock"/> started (and at most 300 reads); throws with the last value read otherwise.
    /// </summary>
    public static Observed<T> Until<T>(Stopwatch clock, Func<T> read, Func<T, bool> done, TimeSpan timeout, string what, TimeSpan? pause = null)
    {
        var notYet = TimeSpan.Zero;
        var last = default(T);
        for (var polls = 1; polls <= 300; polls++)
        {
            var start = clock.Elapsed;
            last = read();
            var end = clock.Elapsed;
            if (done(last))
            {
                return new Observed<T>(last, notYet, end, polls);
            }
            notYet = start;
            if (end > timeout)
            {
                break;
            }
            Thread.Sleep(pause ?? TimeSpan.FromMilliseconds(50));
        }
        throw new TimeoutException($"waited {clock.Elapsed.TotalSeconds:0.0} s (limit {timeout.TotalSeconds:0.0} s) for {what}; last seen:\n{last}");
    }
}
