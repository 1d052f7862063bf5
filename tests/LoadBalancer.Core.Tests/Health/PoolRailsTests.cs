using System.Net;
using LoadBalancer.Core.Health;
using Xunit;

namespace LoadBalancer.Core.Tests.Health;

/// <summary>The pool rails: max ejection, fail-open, what is outside the pool, slow start.</summary>
public sealed class PoolRailsTests
{
    private static readonly TimeSpan s_now = TimeSpan.FromSeconds(1000);

    private static HealthPolicy Policy(int maxEjection = 50, int panic = 25, int slowStartSeconds = 30)
        => new(TimeSpan.FromSeconds(slowStartSeconds), maxEjection, panic, TimeSpan.FromSeconds(30), PassiveRule.Off);

    private static IPAddress Ip(string text) => IPAddress.Parse(text);

    private static PoolMember Healthy(string address, ushort weight = 1)
        => new(Ip(address), weight, false, false, true, TimeSpan.Zero, null, null, false);

    private static PoolMember Unhealthy(string address, int sinceSeconds, string cause = "connection refused")
        => new(Ip(address), 1, false, false, false, TimeSpan.FromSeconds(sinceSeconds), cause, null, false);

    [Fact]
    public void Decide_AllHealthy_EveryoneInFullService()
    {
        var verdict = PoolRails.Decide([Healthy("10.0.0.1"), Healthy("10.0.0.2"), Healthy("10.0.0.3"), Healthy("10.0.0.4")], Policy(), s_now);

        Assert.False(verdict.FailOpen);
        Assert.Equal(4, verdict.Healthy);
        Assert.Equal(4, verdict.Pool);
        Assert.Equal(4, verdict.Serving);
        Assert.All(verdict.Backends.Values, v => Assert.Equal(new BackendVerdict(BackendState.Healthy, 100, null), v));
    }

    [Fact]
    public void Decide_OneOfFourUnhealthy_EjectedWithItsCause()
    {
        var verdict = PoolRails.Decide([Healthy("10.0.0.1"), Unhealthy("10.0.0.2", 5, "HTTP 500"), Healthy("10.0.0.3"), Healthy("10.0.0.4")], Policy(), s_now);

        Assert.Equal(new BackendVerdict(BackendState.Unhealthy, 0, "HTTP 500"), verdict.Backends[Ip("10.0.0.2")]);
        Assert.False(verdict.Backends[Ip("10.0.0.2")].TakesNewFlows);
        Assert.Equal(3, verdict.Healthy);
        Assert.Equal(3, verdict.Serving);
        Assert.False(verdict.FailOpen);
    }

    [Fact]
    public void Decide_ThreeOfFourUnhealthy_MaxEjectionKeepsTheNewestInService()
    {
        var verdict = PoolRails.Decide(
            [Unhealthy("10.0.0.1", 30), Unhealthy("10.0.0.2", 10), Unhealthy("10.0.0.3", 20), Healthy("10.0.0.4")], Policy(maxEjection: 50), s_now);

        // 50% of 4 = 2 ejected: those unhealthy longest (since 10 s and 20 s)
        Assert.Equal(0, verdict.Backends[Ip("10.0.0.2")].WeightPercent);
        Assert.Equal(0, verdict.Backends[Ip("10.0.0.3")].WeightPercent);
        var kept = verdict.Backends[Ip("10.0.0.1")];
        Assert.Equal(BackendState.Unhealthy, kept.State);
        Assert.Equal(100, kept.WeightPercent);
        Assert.Contains("max_ejection_percent 50", kept.Reason);
        Assert.EndsWith("connection refused", kept.Reason);
        Assert.Equal(new BackendVerdict(BackendState.Healthy, 100, null), verdict.Backends[Ip("10.0.0.4")]);
        Assert.False(verdict.FailOpen);
        Assert.Equal(1, verdict.Healthy);
        Assert.Equal(2, verdict.Serving);
    }

    [Fact]
    public void Decide_EjectionTie_BrokenByAddress()
    {
        // all unhealthy since the same moment, given in reverse address order
        var verdict = PoolRails.Decide(
            [Unhealthy("10.0.0.9", 10), Unhealthy("10.0.0.10", 10), Unhealthy("10.0.0.3", 10), Healthy("10.0.0.1")], Policy(maxEjection: 50), s_now);

        Assert.Equal(0, verdict.Backends[Ip("10.0.0.3")].WeightPercent);
        Assert.Equal(0, verdict.Backends[Ip("10.0.0.9")].WeightPercent);
        Assert.Equal(100, verdict.Backends[Ip("10.0.0.10")].WeightPercent);
        Assert.Contains("max_ejection_percent", verdict.Backends[Ip("10.0.0.10")].Reason);
    }

    [Fact]
    public void Decide_MaxEjectionRoundsDown()
    {
        // 50% of 3 = 1.5: one ejected
        var verdict = PoolRails.Decide([Unhealthy("10.0.0.1", 1), Unhealthy("10.0.0.2", 2), Healthy("10.0.0.3"), Healthy("10.0.0.4", 0)], Policy(maxEjection: 50, panic: 0), s_now);

        Assert.Equal(0, verdict.Backends[Ip("10.0.0.1")].WeightPercent);
        Assert.Equal(100, verdict.Backends[Ip("10.0.0.2")].WeightPercent);
        Assert.Equal(3, verdict.Pool);
    }

    [Fact]
    public void Decide_MaxEjectionZero_KeepsEveryUnhealthyBackend()
    {
        var verdict = PoolRails.Decide([Unhealthy("10.0.0.1", 1), Healthy("10.0.0.2")], Policy(maxEjection: 0), s_now);

        Assert.Equal(100, verdict.Backends[Ip("10.0.0.1")].WeightPercent);
        Assert.Contains("max_ejection_percent 0", verdict.Backends[Ip("10.0.0.1")].Reason);
    }

    [Fact]
    public void Decide_FailOpen_EngagesBelowThePanicThresholdAndDisengagesAtIt()
    {
        var policy = Policy(maxEjection: 100, panic: 25);

        // 1 healthy of 4 = 25%: not below the threshold
        var atThreshold = PoolRails.Decide(
            [Unhealthy("10.0.0.1", 1), Unhealthy("10.0.0.2", 2), Unhealthy("10.0.0.3", 3), Healthy("10.0.0.4")], policy, s_now);
        Assert.False(atThreshold.FailOpen);
        Assert.Equal(1, atThreshold.Serving);
        Assert.All(["10.0.0.1", "10.0.0.2", "10.0.0.3"], a => Assert.Equal(0, atThreshold.Backends[Ip(a)].WeightPercent));

        // 0 of 4: fail-open, every backend takes new flows
        var none = PoolRails.Decide(
            [Unhealthy("10.0.0.1", 1), Unhealthy("10.0.0.2", 2), Unhealthy("10.0.0.3", 3), Unhealthy("10.0.0.4", 4, "HTTP 503")], policy, s_now);
        Assert.True(none.FailOpen);
        Assert.Equal(0, none.Healthy);
        Assert.Equal(4, none.Pool);
        Assert.Equal(4, none.Serving);
        Assert.All(none.Backends.Values, v =>
        {
            Assert.True(v.TakesNewFlows);
            Assert.Equal(BackendState.Unhealthy, v.State);
            Assert.Equal(100, v.WeightPercent);
            Assert.Contains("fail-open: 0 of 4 healthy, below panic_threshold 25%", v.Reason);
        });
        Assert.EndsWith("HTTP 503", none.Backends[Ip("10.0.0.4")].Reason);

        // back to 1 healthy of 4: off again
        var back = PoolRails.Decide(
            [Unhealthy("10.0.0.1", 1), Unhealthy("10.0.0.2", 2), Unhealthy("10.0.0.3", 3), Healthy("10.0.0.4")], policy, s_now);
        Assert.False(back.FailOpen);
        Assert.Equal(1, back.Serving);
    }

    [Fact]
    public void Decide_FailOpenThresholdBetweenCounts_EngagesBelowIt()
    {
        // 1 of 4 = 25% < 26%
        var verdict = PoolRails.Decide([Unhealthy("10.0.0.1", 1), Unhealthy("10.0.0.2", 2), Unhealthy("10.0.0.3", 3), Healthy("10.0.0.4")], Policy(panic: 26), s_now);

        Assert.True(verdict.FailOpen);
        Assert.Equal(4, verdict.Serving);
        Assert.Equal(new BackendVerdict(BackendState.Healthy, 100, null), verdict.Backends[Ip("10.0.0.4")]);
    }

    [Fact]
    public void Decide_PanicZero_NeverFailsOpen()
    {
        var verdict = PoolRails.Decide([Unhealthy("10.0.0.1", 1), Unhealthy("10.0.0.2", 2)], Policy(maxEjection: 100, panic: 0), s_now);

        Assert.False(verdict.FailOpen);
        Assert.Equal(0, verdict.Serving);
        Assert.All(verdict.Backends.Values, v => Assert.Equal(0, v.WeightPercent));
    }

    [Fact]
    public void Decide_DrainedDisabledAndWeightZero_OutsideThePool()
    {
        PoolMember[] members =
        [
            Healthy("10.0.0.1"),
            new(Ip("10.0.0.2"), 1, Drained: true, false, false, TimeSpan.Zero, "down", null, DrainDone: false),
            new(Ip("10.0.0.3"), 1, Drained: true, false, true, TimeSpan.Zero, null, null, DrainDone: true),
            new(Ip("10.0.0.4"), 1, false, Disabled: true, false, TimeSpan.Zero, "down", null, false),
            Healthy("10.0.0.5", weight: 0),
            new(Ip("10.0.0.6"), 0, false, false, false, TimeSpan.Zero, "HTTP 500", null, false),
        ];

        var verdict = PoolRails.Decide(members, Policy(panic: 100), s_now);

        // only 10.0.0.1 is in the pool: 1 of 1 healthy is not below 100%
        Assert.Equal(1, verdict.Pool);
        Assert.Equal(1, verdict.Healthy);
        Assert.False(verdict.FailOpen);
        Assert.Equal(1, verdict.Serving);
        Assert.Equal(new BackendVerdict(BackendState.Draining, 0, null), verdict.Backends[Ip("10.0.0.2")]);
        Assert.Equal(new BackendVerdict(BackendState.Drained, 0, null), verdict.Backends[Ip("10.0.0.3")]);
        Assert.Equal(new BackendVerdict(BackendState.Disabled, 0, null), verdict.Backends[Ip("10.0.0.4")]);
        Assert.Equal(new BackendVerdict(BackendState.Healthy, 0, "weight 0"), verdict.Backends[Ip("10.0.0.5")]);
        Assert.Equal(new BackendVerdict(BackendState.Unhealthy, 0, "HTTP 500"), verdict.Backends[Ip("10.0.0.6")]);
    }

    [Fact]
    public void Decide_UnhealthyOutsideThePool_NeitherCountsNorFailsOpen()
    {
        // a healthy drained backend does not lift the share of healthy ones; an unhealthy disabled one does not lower it
        PoolMember[] members =
        [
            Unhealthy("10.0.0.1", 1),
            Healthy("10.0.0.2"),
            new(Ip("10.0.0.3"), 1, Drained: true, false, true, TimeSpan.Zero, null, null, false),
            new(Ip("10.0.0.4"), 1, false, Disabled: true, false, TimeSpan.Zero, "down", null, false),
        ];

        var verdict = PoolRails.Decide(members, Policy(maxEjection: 50, panic: 50), s_now);

        Assert.Equal(2, verdict.Pool);
        Assert.Equal(1, verdict.Healthy);
        Assert.False(verdict.FailOpen);
        Assert.Equal(0, verdict.Backends[Ip("10.0.0.1")].WeightPercent);
    }

    [Fact]
    public void Decide_NoPool_DoesNotFailOpen()
    {
        var verdict = PoolRails.Decide([new(Ip("10.0.0.1"), 1, true, false, false, TimeSpan.Zero, "down", null, false)], Policy(panic: 100), s_now);

        Assert.False(verdict.FailOpen);
        Assert.Equal(0, verdict.Pool);
        Assert.Equal(0, verdict.Serving);
    }

    [Theory]
    [InlineData(0, BackendState.SlowStart, 10)]
    [InlineData(10, BackendState.SlowStart, 40)]
    [InlineData(29, BackendState.SlowStart, 90)]
    [InlineData(30, BackendState.Healthy, 100)]
    public void Decide_HealthyWithRampStart_TakesTheSlowStartShare(int elapsedSeconds, BackendState state, int percent)
    {
        var rampStart = s_now - TimeSpan.FromSeconds(elapsedSeconds);
        var member = Healthy("10.0.0.1") with { RampStart = rampStart };

        var verdict = PoolRails.Decide([member, Healthy("10.0.0.2")], Policy(slowStartSeconds: 30), s_now);

        Assert.Equal(new BackendVerdict(state, percent, null), verdict.Backends[Ip("10.0.0.1")]);
        Assert.Equal(SlowStart.Percent(s_now - rampStart, TimeSpan.FromSeconds(30)), verdict.Backends[Ip("10.0.0.1")].WeightPercent);
        Assert.Equal(new BackendVerdict(BackendState.Healthy, 100, null), verdict.Backends[Ip("10.0.0.2")]);
    }

    [Fact]
    public void Decide_SlowStartZero_RampingMemberAtFullWeight()
    {
        var member = Healthy("10.0.0.1") with { RampStart = s_now };

        var verdict = PoolRails.Decide([member], Policy(slowStartSeconds: 0), s_now);

        Assert.Equal(new BackendVerdict(BackendState.Healthy, 100, null), verdict.Backends[Ip("10.0.0.1")]);
    }

    [Fact]
    public void Decide_SameInputs_SameVerdict()
    {
        PoolMember[] members = [Unhealthy("10.0.0.1", 3), Unhealthy("10.0.0.2", 3), Healthy("10.0.0.3") with { RampStart = s_now }, Healthy("10.0.0.4")];

        var first = PoolRails.Decide(members, Policy(), s_now);
        var second = PoolRails.Decide([.. members.Reverse()], Policy(), s_now);

        Assert.Equal(Describe(first), Describe(second));
        Assert.Equal(2, first.Serving);
    }

    private static List<string> Describe(PoolVerdict verdict)
        => [.. verdict.Backends.Select(b => $"{b.Key} {b.Value}").Order(StringComparer.Ordinal)];
}
