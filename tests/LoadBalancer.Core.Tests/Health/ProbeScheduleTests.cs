using LoadBalancer.Core.Health;
using Xunit;

namespace LoadBalancer.Core.Tests.Health;

/// <summary>Probe times: never further apart than the interval, jittered within the configured share of it.</summary>
public sealed class ProbeScheduleTests
{
    private static readonly TimeSpan s_start = TimeSpan.FromSeconds(1234.5);

    private static ProbeSpec Probe(int intervalMs, int jitterPercent)
        => new(ProbeKind.Tcp, 80, TimeSpan.FromMilliseconds(intervalMs), TimeSpan.FromMilliseconds(intervalMs / 2), 2, 3, jitterPercent);

    public static TheoryData<int, int> Specs => new()
    {
        { 2_000, 10 },
        { 2_000, 50 },
        { 100, 25 },
        { 3_600_000, 50 },
        { 1_000, 1 },
    };

    [Theory]
    [MemberData(nameof(Specs))]
    public void Next_ManyRandomValues_GapWithinJitterShareBelowTheInterval(int intervalMs, int jitterPercent)
    {
        var probe = Probe(intervalMs, jitterPercent);
        var lowest = probe.Interval * (1 - (jitterPercent / 100.0));
        var random = new Random(20240601);

        foreach (var r in Enumerable.Range(0, 10_000).Select(_ => random.NextDouble()).Append(0).Append(0.999999))
        {
            var gap = ProbeSchedule.Next(probe, s_start, r) - s_start;

            Assert.True(gap <= probe.Interval, $"gap {gap} above the interval {probe.Interval} for r={r}");
            Assert.True(gap >= lowest, $"gap {gap} below {lowest} for r={r}");
        }
    }

    [Theory]
    [MemberData(nameof(Specs))]
    public void Next_Extremes_GiveTheIntervalAndItsJitteredLowerBound(int intervalMs, int jitterPercent)
    {
        var probe = Probe(intervalMs, jitterPercent);

        Assert.Equal(s_start + probe.Interval, ProbeSchedule.Next(probe, s_start, 0));
        var shortest = ProbeSchedule.Next(probe, s_start, 0.999999) - s_start;
        var lowest = probe.Interval * (1 - (jitterPercent / 100.0));
        Assert.True(shortest >= lowest && shortest - lowest <= TimeSpan.FromMilliseconds(intervalMs / 1000.0), $"{shortest} vs {lowest}");
    }

    [Theory]
    [MemberData(nameof(Specs))]
    public void First_ManyRandomValues_WithinTheFirstInterval(int intervalMs, int jitterPercent)
    {
        var probe = Probe(intervalMs, jitterPercent);
        var random = new Random(7);

        foreach (var r in Enumerable.Range(0, 10_000).Select(_ => random.NextDouble()).Append(0).Append(0.999999))
        {
            var first = ProbeSchedule.First(probe, s_start, r);

            Assert.True(first >= s_start && first < s_start + probe.Interval, $"{first} outside [{s_start}, {s_start + probe.Interval}) for r={r}");
        }
        Assert.Equal(s_start, ProbeSchedule.First(probe, s_start, 0));
    }

    [Fact]
    public void Next_NoJitter_IsExactlyTheInterval()
    {
        var probe = Probe(2_000, 0);
        var random = new Random(3);

        foreach (var r in Enumerable.Range(0, 1_000).Select(_ => random.NextDouble()).Append(0).Append(0.999999))
        {
            Assert.Equal(s_start + TimeSpan.FromSeconds(2), ProbeSchedule.Next(probe, s_start, r));
        }
    }

    [Theory]
    [InlineData(10)]
    [InlineData(50)]
    public void Next_ThousandProbesInARow_NeverAboveTheIntervalAndSpreadOut(int jitterPercent)
    {
        var probe = Probe(2_000, jitterPercent);
        var random = new Random(42);
        var start = ProbeSchedule.First(probe, s_start, random.NextDouble());
        var gaps = new List<TimeSpan>();

        for (var i = 0; i < 1_000; i++)
        {
            var next = ProbeSchedule.Next(probe, start, random.NextDouble());
            gaps.Add(next - start);
            start = next;
        }

        Assert.All(gaps, g => Assert.True(g <= probe.Interval && g >= probe.Interval * (1 - (jitterPercent / 100.0)), g.ToString()));
        Assert.True(gaps.Min() < gaps.Max());
        // the spread covers most of the jitter share, not a sliver of it
        Assert.True(gaps.Max() - gaps.Min() > probe.Interval * (jitterPercent / 100.0) * 0.9, $"{gaps.Min()}..{gaps.Max()}");
        // detection bound: fall probes take at most fall × interval
        Assert.All(Enumerable.Range(0, gaps.Count - probe.Fall), i => Assert.True(gaps.Skip(i).Take(probe.Fall).Aggregate(TimeSpan.Zero, (a, b) => a + b) <= probe.Interval * probe.Fall));
    }

    [Fact]
    public void Next_NoJitter_ThousandProbesExactlyAnIntervalApart()
    {
        var probe = Probe(2_000, 0);
        var random = new Random(42);
        var start = s_start;

        for (var i = 0; i < 1_000; i++)
        {
            var next = ProbeSchedule.Next(probe, start, random.NextDouble());
            Assert.Equal(probe.Interval, next - start);
            start = next;
        }
        Assert.Equal(s_start + (probe.Interval * 1_000), start);
    }
}
