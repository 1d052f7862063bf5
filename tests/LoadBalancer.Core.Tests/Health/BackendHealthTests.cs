using LoadBalancer.Core.Health;
using Xunit;

namespace LoadBalancer.Core.Tests.Health;

/// <summary>Rise and fall with hysteresis, on a fake clock: results in a row, not in total.</summary>
public sealed class BackendHealthTests
{
    private static readonly ProbeSpec s_probe = new(ProbeKind.Tcp, 80, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1), Rise: 2, Fall: 3, JitterPercent: 10);

    private static ProbeResult Pass => new(true, TimeSpan.FromMilliseconds(1), "connected");

    private static ProbeResult Fail(string detail = "connection refused") => new(false, TimeSpan.FromMilliseconds(1), detail);

    private static TimeSpan At(int seconds) => TimeSpan.FromSeconds(seconds);

    [Fact]
    public void New_StartsHealthyWithNoResultSinceFirstSeen()
    {
        var health = new BackendHealth(s_probe, At(5));

        Assert.True(health.Healthy);
        Assert.Equal(At(5), health.Since);
        Assert.Null(health.Last);
        Assert.Equal(0, health.Consecutive);
        Assert.Null(health.Cause);
        Assert.Same(s_probe, health.Probe);
    }

    [Fact]
    public void Record_FailuresInterruptedByAPass_DoNotAddUp()
    {
        var health = new BackendHealth(s_probe, At(0));

        Assert.False(health.Record(Fail(), At(1)));
        Assert.Equal(1, health.Consecutive);
        Assert.False(health.Record(Pass, At(2)));
        Assert.Equal(1, health.Consecutive);
        Assert.False(health.Record(Fail(), At(3)));
        Assert.Equal(1, health.Consecutive);
        Assert.False(health.Record(Fail(), At(4)));
        Assert.Equal(2, health.Consecutive);

        // three failures in total, but only two in a row: fall is 3
        Assert.True(health.Healthy);
        Assert.Equal(At(0), health.Since);
        Assert.Null(health.Cause);
    }

    [Fact]
    public void Record_FallFailuresInARow_TurnsUnhealthyAtTheLastOne()
    {
        var health = new BackendHealth(s_probe, At(0));

        Assert.False(health.Record(Fail("HTTP 500"), At(1)));
        Assert.False(health.Record(Fail("HTTP 502"), At(2)));
        Assert.True(health.Healthy);
        Assert.True(health.Record(Fail("timed out after 1s"), At(3)));

        Assert.False(health.Healthy);
        Assert.Equal(3, health.Consecutive);
        Assert.Equal(At(3), health.Since);
        Assert.Equal("timed out after 1s", health.Cause);
        Assert.Equal(Fail("timed out after 1s"), health.Last);
    }

    [Fact]
    public void Record_FailuresAfterTheFall_KeepSinceAndUpdateCause()
    {
        var health = Unhealthy(At(3));

        Assert.False(health.Record(Fail("HTTP 503"), At(4)));
        Assert.False(health.Record(Fail("exit 1: down"), At(5)));

        Assert.False(health.Healthy);
        Assert.Equal(5, health.Consecutive);
        Assert.Equal(At(3), health.Since);
        Assert.Equal("exit 1: down", health.Cause);
    }

    [Fact]
    public void Record_PassesInterruptedByAFailure_DoNotAddUp()
    {
        var health = Unhealthy(At(3));

        Assert.False(health.Record(Pass, At(4)));
        Assert.Equal(1, health.Consecutive);
        Assert.False(health.Record(Fail("HTTP 500"), At(5)));
        Assert.Equal(1, health.Consecutive);
        Assert.Equal("HTTP 500", health.Cause);
        Assert.False(health.Record(Pass, At(6)));
        Assert.Equal(1, health.Consecutive);

        // two passes in total, not in a row: rise is 2
        Assert.False(health.Healthy);
        Assert.Equal(At(3), health.Since);

        Assert.True(health.Record(Pass, At(7)));
        Assert.True(health.Healthy);
        Assert.Equal(2, health.Consecutive);
        Assert.Equal(At(7), health.Since);
        Assert.Null(health.Cause);
    }

    [Fact]
    public void Record_PassesWhileHealthy_CountOnButChangeNothing()
    {
        var health = new BackendHealth(s_probe, At(0));

        for (var i = 1; i <= 5; i++)
        {
            Assert.False(health.Record(Pass, At(i)));
            Assert.Equal(i, health.Consecutive);
        }
        Assert.True(health.Healthy);
        Assert.Equal(At(0), health.Since);
    }

    [Fact]
    public void Eject_Healthy_TurnsUnhealthyWithTheReason()
    {
        var health = new BackendHealth(s_probe, At(0));

        Assert.True(health.Eject("passive: 5 SYN retransmits", At(10)));

        Assert.False(health.Healthy);
        Assert.Equal(At(10), health.Since);
        Assert.Equal("passive: 5 SYN retransmits", health.Cause);
    }

    [Fact]
    public void Eject_AfterAPassStreak_NeedsRisePassesCountedFromTheEjection()
    {
        var health = new BackendHealth(s_probe, At(0));
        for (var i = 1; i <= 5; i++)
        {
            health.Record(Pass, At(i));
        }

        Assert.True(health.Eject("passive", At(6)));
        Assert.Equal(0, health.Consecutive);

        // the five passes before the ejection do not count: one pass is not rise (2)
        Assert.False(health.Record(Pass, At(7)));
        Assert.False(health.Healthy);
        Assert.Equal(1, health.Consecutive);
        Assert.Equal("passive", health.Cause);

        Assert.True(health.Record(Pass, At(8)));
        Assert.True(health.Healthy);
        Assert.Equal(At(8), health.Since);
        Assert.Null(health.Cause);
    }

    [Fact]
    public void Eject_AfterAFailure_NeedsRisePasses()
    {
        var health = new BackendHealth(s_probe, At(0));
        health.Record(Fail(), At(1));

        Assert.True(health.Eject("passive", At(2)));

        Assert.False(health.Record(Pass, At(3)));
        Assert.True(health.Record(Pass, At(4)));
    }

    [Fact]
    public void Eject_Unhealthy_ReturnsFalseAndChangesNothing()
    {
        var health = Unhealthy(At(3));

        Assert.False(health.Eject("passive", At(10)));

        Assert.False(health.Healthy);
        Assert.Equal(At(3), health.Since);
        Assert.Equal("connection refused", health.Cause);
        Assert.Equal(3, health.Consecutive);
    }

    [Fact]
    public void Reprobe_KeepsStateAndCountsButAppliesTheNewRise()
    {
        var health = Unhealthy(At(3));
        health.Record(Pass, At(4));

        var stricter = s_probe with { Rise = 3 };
        health.Reprobe(stricter);

        Assert.Same(stricter, health.Probe);
        Assert.False(health.Healthy);
        Assert.Equal(1, health.Consecutive);
        Assert.False(health.Record(Pass, At(5)));
        Assert.True(health.Record(Pass, At(6)));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Record_AlternatingPassAndFail_NeverFlapsWithRiseAndFallTwo(bool startHealthy)
    {
        var probe = s_probe with { Rise = 2, Fall = 2 };
        var health = new BackendHealth(probe, At(0));
        if (!startHealthy)
        {
            health.Record(Fail("down"), At(1));
            health.Record(Fail("down"), At(2));
            Assert.False(health.Healthy);
        }
        var since = health.Since;

        for (var i = 0; i < 100; i++)
        {
            // from healthy a failure comes first, from unhealthy a pass: each one a streak of one
            var passed = startHealthy ? i % 2 == 1 : i % 2 == 0;
            Assert.False(health.Record(passed ? Pass : Fail("down"), At(10 + i)));
            Assert.Equal(startHealthy, health.Healthy);
            Assert.Equal(1, health.Consecutive);
        }
        Assert.Equal(since, health.Since);
    }

    private static BackendHealth Unhealthy(TimeSpan at)
    {
        var health = new BackendHealth(s_probe, TimeSpan.Zero);
        health.Record(Fail(), at - TimeSpan.FromMilliseconds(2));
        health.Record(Fail(), at - TimeSpan.FromMilliseconds(1));
        Assert.True(health.Record(Fail(), at));
        return health;
    }
}
