using LoadBalancer.Core.Health;
using Xunit;

namespace LoadBalancer.Core.Tests.Health;

/// <summary>The passive signal over a sliding window of the data plane's cumulative totals, on a fake clock.</summary>
public sealed class PassiveWindowTests
{
    private static readonly TimeSpan s_window = TimeSpan.FromSeconds(2);

    private static TimeSpan At(double seconds) => TimeSpan.FromSeconds(seconds);

    [Fact]
    public void Observe_FirstSample_IsTheBaseline()
    {
        var window = new PassiveWindow();

        // totals counted before the first look are not this window's
        Assert.Equal((0L, 0L), window.Observe(At(100), 500, 9000, s_window));
        Assert.Equal((0L, 0L), window.Delta);
    }

    [Fact]
    public void Observe_WithinTheWindow_CountsFromTheOldestSample()
    {
        var window = new PassiveWindow();
        window.Observe(At(10), 100, 1000, s_window);
        window.Observe(At(10.5), 102, 1004, s_window);

        Assert.Equal((5L, 10L), window.Observe(At(11), 105, 1010, s_window));
        Assert.Equal((5L, 10L), window.Delta);
    }

    [Fact]
    public void Observe_OlderEvents_SlideOutOfTheWindow()
    {
        var window = new PassiveWindow();
        window.Observe(At(0), 0, 0, s_window);
        window.Observe(At(1), 5, 6, s_window);   // 5 events in the first second
        window.Observe(At(2), 5, 8, s_window);

        // at 2 s the sample at 0 s is exactly the window's start: still the baseline
        Assert.Equal((5L, 8L), window.Delta);

        // at 3 s the window starts at 1 s: the events before it are gone
        Assert.Equal((0L, 2L), window.Observe(At(3), 5, 8, s_window));

        Assert.Equal((1L, 4L), window.Observe(At(3.5), 6, 10, s_window));
        // at 10 s every earlier sample is older than the window: only the last one before it is the baseline
        Assert.Equal((4L, 5L), window.Observe(At(10), 10, 15, s_window));
    }

    [Fact]
    public void Observe_Steady_KeepsAWindowsWorth()
    {
        var window = new PassiveWindow();

        // one event and ten new flows every 100 ms for 10 s
        for (var i = 0; i <= 100; i++)
        {
            window.Observe(At(i / 10.0), i, i * 10, s_window);
        }

        Assert.Equal((20L, 200L), window.Delta);
    }

    [Fact]
    public void Observe_TotalsGoDown_StartsTheWindowAgain()
    {
        var window = new PassiveWindow();
        window.Observe(At(0), 100, 1000, s_window);
        window.Observe(At(1), 150, 1100, s_window);

        // the backend got a new id: its counters start from 0
        Assert.Equal((0L, 0L), window.Observe(At(1.5), 2, 20, s_window));
        Assert.Equal((3L, 10L), window.Observe(At(2), 5, 30, s_window));
    }

    [Fact]
    public void Observe_OnlyNewFlowsGoDown_StartsTheWindowAgain()
    {
        var window = new PassiveWindow();
        window.Observe(At(0), 1, 1000, s_window);
        window.Observe(At(1), 4, 1100, s_window);

        Assert.Equal((0L, 0L), window.Observe(At(1.5), 4, 10, s_window));
    }

    [Fact]
    public void Reset_ForgetsEverything()
    {
        var window = new PassiveWindow();
        window.Observe(At(0), 0, 0, s_window);
        window.Observe(At(1), 10, 10, s_window);

        window.Reset();

        // the next sample is a new baseline: the 10 events already counted are not counted again
        Assert.Equal((0L, 0L), window.Observe(At(1.5), 12, 12, s_window));
        Assert.Equal((3L, 3L), window.Observe(At(2), 15, 15, s_window));
    }
}
