using LoadBalancer.Core.Health;
using Xunit;

namespace LoadBalancer.Core.Tests.Health;

/// <summary>
/// The slow-start ramp: 10 + 10 × floor(9 × elapsed / window) percent before the window ends, 100
/// from then on.
/// </summary>
public sealed class SlowStartTests
{
    private static readonly TimeSpan s_window = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(0, 10)]
    [InlineData(1_000, 10)]
    // 9 × 3.33 / 30 = 0.999: still the first step (the second starts at 30 s / 9 = 3.333... s)
    [InlineData(3_330, 10)]
    [InlineData(3_334, 20)]
    [InlineData(10_000, 40)]
    [InlineData(15_000, 50)]
    [InlineData(29_900, 90)]
    [InlineData(29_999, 90)]
    [InlineData(30_000, 100)]
    [InlineData(60_000, 100)]
    public void Percent_ThirtySecondWindow_FollowsTheStepRule(int elapsedMs, int expected)
    {
        var elapsed = TimeSpan.FromMilliseconds(elapsedMs);

        Assert.Equal(expected, SlowStart.Percent(elapsed, s_window));
        Assert.Equal(elapsed >= s_window ? 100 : 10 + (10 * (int)Math.Floor(9 * elapsed.TotalSeconds / s_window.TotalSeconds)), expected);
    }

    [Fact]
    public void Percent_SecondStep_StartsExactlyAtANinthOfTheWindow()
    {
        var ninth = TimeSpan.FromTicks((s_window.Ticks + 8) / 9);

        Assert.Equal(10, SlowStart.Percent(ninth - TimeSpan.FromTicks(1), s_window));
        Assert.Equal(20, SlowStart.Percent(ninth, s_window));
    }

    [Fact]
    public void Percent_BeforeTheStart_IsTheFirstStep()
        => Assert.Equal(10, SlowStart.Percent(TimeSpan.FromSeconds(-5), s_window));

    [Fact]
    public void Percent_FineSweep_IsMonotonicFromTenToHundred()
    {
        var previous = 0;
        var seen = new SortedSet<int>();
        for (var ms = 0; ms <= 31_000; ms += 7)
        {
            var percent = SlowStart.Percent(TimeSpan.FromMilliseconds(ms), s_window);
            Assert.True(percent >= previous, $"{percent}% at {ms} ms after {previous}%");
            previous = percent;
            seen.Add(percent);
        }
        Assert.Equal([10, 20, 30, 40, 50, 60, 70, 80, 90, 100], seen);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Percent_NoWindow_IsHundredAtOnce(int windowSeconds)
    {
        var window = TimeSpan.FromSeconds(windowSeconds);

        Assert.Equal(100, SlowStart.Percent(TimeSpan.Zero, window));
        Assert.Equal(100, SlowStart.Percent(TimeSpan.FromSeconds(1), window));
        Assert.Null(SlowStart.NextStep(TimeSpan.Zero, window));
    }

    [Theory]
    [InlineData(30_000)]
    [InlineData(10_000)]
    [InlineData(1_000)]
    [InlineData(7_777)]
    public void NextStep_WalkedFromTheStart_ChangesPercentExactlyThereAndNotBefore(int windowMs)
    {
        var window = TimeSpan.FromMilliseconds(windowMs);
        var elapsed = TimeSpan.Zero;
        var steps = new List<int> { SlowStart.Percent(elapsed, window) };

        while (SlowStart.NextStep(elapsed, window) is { } next)
        {
            Assert.True(next > elapsed);
            var before = SlowStart.Percent(elapsed, window);
            Assert.Equal(before, SlowStart.Percent(next - TimeSpan.FromTicks(1), window));
            Assert.Equal(before + 10, SlowStart.Percent(next, window));
            // asked from anywhere within the step, the answer is the same
            Assert.Equal(next, SlowStart.NextStep(next - TimeSpan.FromTicks(1), window));
            elapsed = next;
            steps.Add(SlowStart.Percent(elapsed, window));
        }

        Assert.Equal([10, 20, 30, 40, 50, 60, 70, 80, 90, 100], steps);
        Assert.Equal(window, elapsed);
    }

    [Fact]
    public void NextStep_ThirtySecondWindow_GivesTheStepTimes()
    {
        Assert.Equal(TimeSpan.FromTicks((s_window.Ticks + 8) / 9), SlowStart.NextStep(TimeSpan.Zero, s_window));
        Assert.Equal(TimeSpan.FromTicks(((4 * s_window.Ticks) + 8) / 9), SlowStart.NextStep(TimeSpan.FromSeconds(10), s_window));
        Assert.Equal(s_window, SlowStart.NextStep(TimeSpan.FromSeconds(29.9), s_window));
        Assert.Null(SlowStart.NextStep(s_window, s_window));
        Assert.Null(SlowStart.NextStep(TimeSpan.FromSeconds(60), s_window));
    }
}
