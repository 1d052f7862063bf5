using LoadBalancer.Core.Health;
using Xunit;

namespace LoadBalancer.Core.Tests.Health;

/// <summary>When the passive signal ejects: enough events, and enough of them against the new flows.</summary>
public sealed class PassiveRuleTests
{
    private static readonly PassiveRule s_rule = new(MinEvents: 3, RatioPercent: 50, Window: TimeSpan.FromSeconds(2));

    [Theory]
    [InlineData(3, 6, true)]    // 3 events, 50% of 6 new flows: both thresholds reached exactly
    [InlineData(3, 0, true)]    // no new flows: any events reach the ratio
    [InlineData(10, 20, true)]
    [InlineData(2, 0, false)]   // below min events
    [InlineData(2, 2, false)]
    [InlineData(3, 7, false)]   // 300 < 350: below the ratio
    [InlineData(10, 21, false)]
    [InlineData(0, 0, false)]
    public void Ejects_NeedsBothMinEventsAndRatio(long events, long newFlows, bool expected)
        => Assert.Equal(expected, s_rule.Ejects(events, newFlows));

    [Theory]
    [InlineData(100, 100, true)]
    [InlineData(99, 100, false)]
    public void Ejects_RatioHundred_NeedsAsManyEventsAsNewFlows(long events, long newFlows, bool expected)
        => Assert.Equal(expected, new PassiveRule(1, 100, TimeSpan.FromSeconds(1)).Ejects(events, newFlows));

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1_000_000, 0)]
    [InlineData(1_000_000, 1)]
    public void Ejects_MinEventsZero_IsOff(long events, long newFlows)
    {
        var off = s_rule with { MinEvents = 0 };

        Assert.False(off.Enabled);
        Assert.False(off.Ejects(events, newFlows));
    }

    [Fact]
    public void Off_IsDisabledAndNeverEjects()
    {
        Assert.False(PassiveRule.Off.Enabled);
        Assert.Equal(0, PassiveRule.Off.MinEvents);
        Assert.False(PassiveRule.Off.Ejects(long.MaxValue / 100, 0));
        Assert.True(s_rule.Enabled);
    }
}
