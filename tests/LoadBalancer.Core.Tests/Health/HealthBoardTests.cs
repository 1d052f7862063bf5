using System.Net;
using LoadBalancer.Core.Config;
using LoadBalancer.Core.Health;
using LoadBalancer.Core.Model;
using LoadBalancer.Core.Planning;
using Xunit;

namespace LoadBalancer.Core.Tests.Health;

/// <summary>
/// The health board end to end on a fake clock: specs loaded from YAML, probe results and passive
/// totals recorded, weights, ramps and purges read back at chosen monotonic times.
/// </summary>
public sealed class HealthBoardTests
{
    private const string Health = """
        kind: tcp
        interval: 2s
        timeout: 1s
        rise: 2
        fall: 3
        slow_start: 30s
        drain_timeout: 30s
        """;

    private const string PassiveHealth = Health + """

        passive_min_events: 3
        passive_ratio: 50
        passive_window: 2s
        """;

    private static readonly TimeSpan s_t0 = TimeSpan.FromHours(3);
    private static readonly TimeSpan s_window = TimeSpan.FromSeconds(30);
    private static readonly VipKey s_vip = VipKey.Parse("192.0.2.1:80/tcp");
    private static readonly ProbeResult s_pass = new(true, TimeSpan.FromMilliseconds(1), "connected");
    private static readonly ProbeResult s_fail = new(false, TimeSpan.FromSeconds(1), "timed out after 1s");

    private static TimeSpan At(double seconds) => s_t0 + TimeSpan.FromSeconds(seconds);

    private static BackendRef B(int i) => new(s_vip, IPAddress.Parse($"10.1.0.{i}"));

    /// <summary>One VIP with <paramref name="health"/> and backends 10.1.0.1.. each with its extra keys (e.g. <c>drained: true</c>).</summary>
    private static BalancerSpec Spec(string health, params string[] backends)
    {
        var yaml = "vips:\n  - address: 192.0.2.1\n    port: 80\n    health:\n"
            + string.Concat(health.Split('\n').Select(l => $"      {l}\n"))
            + "    backends:\n"
            + string.Concat(backends.Select((extra, i) => $"      - address: 10.1.0.{i + 1}\n" + string.Concat(extra.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(k => $"        {k.Trim()}\n"))));
        return YamlConfigReader.Load(yaml);
    }

    private static BalancerSpec Four(string health = Health) => Spec(health, "", "", "", "");

    private static HealthBoard Board(BalancerSpec spec, TimeSpan now)
    {
        var board = new HealthBoard();
        board.Sync(spec, now);
        return board;
    }

    /// <summary>The four-backend board with backend 2 drained at 10 s (its drain timeout is 30 s).</summary>
    private static HealthBoard DrainedAt10()
    {
        var board = Board(Four(), s_t0);
        board.Evaluate(s_t0);
        board.Sync(Spec(Health, "", "drained: true", "", ""), At(10));
        board.Evaluate(At(10));
        return board;
    }

    private static ProbeSpec Probe(BalancerSpec spec, int i) => spec.Vips[0].Backends[i - 1].Probe;

    private static void Fail(HealthBoard board, BalancerSpec spec, int i, TimeSpan at)
    {
        var probe = Probe(spec, i);
        for (var n = 1; n <= probe.Fall; n++)
        {
            Assert.Equal(n == probe.Fall, board.Record(B(i), probe, s_fail, at + TimeSpan.FromSeconds(n - probe.Fall)));
        }
    }

    private static void Recover(HealthBoard board, BalancerSpec spec, int i, TimeSpan at)
    {
        var probe = Probe(spec, i);
        for (var n = 1; n <= probe.Rise; n++)
        {
            Assert.Equal(n == probe.Rise, board.Record(B(i), probe, s_pass, at + TimeSpan.FromSeconds(n - probe.Rise)));
        }
    }

    private static BackendReport Report(HealthBoard board, int i, TimeSpan now)
        => board.Evaluate(now).SelectMany(v => v.Backends).Single(b => b.Backend == B(i));

    private static long NoFlows(BackendRef backend) => 0;

    private static long SomeFlows(BackendRef backend) => 5;

    [Fact]
    public void Sync_First_AllHealthyAtFullWeightNoRamp()
    {
        var spec = Four();
        var board = Board(spec, s_t0);

        var weights = board.Weights(s_t0);

        Assert.Equal(4, weights.Count);
        Assert.All(weights.Values, w => Assert.Equal(100, w));
        Assert.Null(board.NextRampStep(s_t0));
        var vip = Assert.Single(board.Evaluate(At(1)));
        Assert.Equal(s_vip, vip.Vip);
        Assert.Equal(ProbeKind.Tcp, vip.Check);
        Assert.False(vip.Pool.FailOpen);
        Assert.Equal(4, vip.Pool.Healthy);
        Assert.Equal([B(1), B(2), B(3), B(4)], vip.Backends.Select(b => b.Backend));
        Assert.All(vip.Backends, b =>
        {
            Assert.Equal(new BackendVerdict(BackendState.Healthy, 100, null), b.Verdict);
            Assert.Null(b.Last);
            Assert.Equal(0, b.Consecutive);
            Assert.Equal(s_t0, b.Since);
        });
        Assert.Empty(board.DueForPurge(At(3600), NoFlows));
    }

    [Fact]
    public void Targets_EveryActivelyCheckedBackendWithItsProbe()
    {
        var spec = Four();
        var board = Board(spec, s_t0);

        var targets = board.Targets().OrderBy(t => t.Backend.Address.ToString()).ToList();

        Assert.Equal([B(1), B(2), B(3), B(4)], targets.Select(t => t.Backend));
        Assert.All(targets, t => Assert.Equal(new ProbeSpec(ProbeKind.Tcp, 80, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1), 2, 3, 10), t.Probe));
    }

    [Fact]
    public void Record_FallFailures_TakesTheBackendOut()
    {
        var spec = Four();
        var board = Board(spec, s_t0);

        Fail(board, spec, 2, At(10));

        var weights = board.Weights(At(10));
        Assert.Equal(0, weights[B(2)]);
        Assert.Equal([100, 100, 100], new[] { 1, 3, 4 }.Select(i => weights[B(i)]));
        var report = Report(board, 2, At(11));
        Assert.Equal(new BackendVerdict(BackendState.Unhealthy, 0, "timed out after 1s"), report.Verdict);
        Assert.Equal(s_fail, report.Last);
        Assert.Equal(3, report.Consecutive);
        Assert.Equal(At(10), report.Since);
    }

    [Fact]
    public void Record_FailuresBeyondTheRails_KeptInService()
    {
        var spec = Four();
        var board = Board(spec, s_t0);

        Fail(board, spec, 1, At(10));
        Fail(board, spec, 2, At(20));
        Fail(board, spec, 3, At(30));

        // 50% of 4: the two out longest are ejected, the third stays and says why
        var weights = board.Weights(At(30));
        Assert.Equal([0, 0, 100, 100], new[] { 1, 2, 3, 4 }.Select(i => weights[B(i)]));
        Assert.Contains("max_ejection_percent 50", Report(board, 3, At(30)).Verdict.Reason);
    }

    [Fact]
    public void Record_RiseAfterAFall_RampsBackIn()
    {
        var spec = Four();
        var board = Board(spec, s_t0);
        Fail(board, spec, 2, At(10));
        Assert.Equal(0, board.Weights(At(10))[B(2)]);

        Recover(board, spec, 2, At(20));

        Assert.Equal(10, board.Weights(At(20))[B(2)]);
        var report = Report(board, 2, At(20));
        Assert.Equal(new BackendVerdict(BackendState.SlowStart, 10, null), report.Verdict);
        Assert.Equal(At(20), report.Since);
        Assert.Equal(20, board.Weights(At(20) + TimeSpan.FromTicks((s_window.Ticks + 8) / 9))[B(2)]);
        Assert.Equal(40, board.Weights(At(30))[B(2)]);
        Assert.Equal(90, board.Weights(At(49.9))[B(2)]);
        Assert.Equal(100, board.Weights(At(50))[B(2)]);
        Assert.Equal(new BackendVerdict(BackendState.Healthy, 100, null), Report(board, 2, At(50)).Verdict);
        Assert.Null(board.NextRampStep(At(50)));
        Assert.All(new[] { 1, 3, 4 }, i => Assert.Equal(100, board.Weights(At(60))[B(i)]));
    }

    [Fact]
    public void Record_RiseWithoutAnEvaluationInBetween_NoRamp()
    {
        var spec = Four();
        var board = Board(spec, s_t0);

        // it never left service as far as the rails saw it
        Fail(board, spec, 2, At(10));
        Recover(board, spec, 2, At(20));

        Assert.Equal(100, board.Weights(At(20))[B(2)]);
        Assert.Null(board.NextRampStep(At(20)));
    }

    [Fact]
    public void Record_NoSlowStart_BackAtFullWeightAtOnce()
    {
        var spec = Four(Health.Replace("slow_start: 30s", "slow_start: 0s"));
        var board = Board(spec, s_t0);
        Fail(board, spec, 2, At(10));
        board.Evaluate(At(10));

        Recover(board, spec, 2, At(20));

        Assert.Equal(100, board.Weights(At(20))[B(2)]);
        Assert.Null(board.NextRampStep(At(20)));
    }

    [Fact]
    public void NextRampStep_GivesTheEarliestStepOfAnyRampingBackend()
    {
        var spec = Four();
        var board = Board(spec, s_t0);
        Fail(board, spec, 1, At(10));
        Fail(board, spec, 2, At(10));
        board.Evaluate(At(10));
        Recover(board, spec, 1, At(20));
        board.Evaluate(At(20));
        var ninth = TimeSpan.FromTicks((s_window.Ticks + 8) / 9);

        Assert.Equal(At(20) + ninth, board.NextRampStep(At(20)));
        Assert.Equal(At(20) + TimeSpan.FromTicks(((4 * s_window.Ticks) + 8) / 9), board.NextRampStep(At(30)));

        Recover(board, spec, 2, At(31));
        board.Evaluate(At(31));

        // backend 1 steps at 20 + 4×30/9 = 33.33 s, backend 2 at 31 + 3.33 s = 34.33 s
        Assert.Equal(At(20) + TimeSpan.FromTicks(((4 * s_window.Ticks) + 8) / 9), board.NextRampStep(At(31)));
        Assert.Equal(At(31) + ninth, board.NextRampStep(At(33.5)));
        // backend 1's ramp is over at 50 s; backend 2 steps to 100% at 61 s
        Assert.Equal(At(61), board.NextRampStep(At(59)));
        board.Evaluate(At(61));
        Assert.Null(board.NextRampStep(At(61)));
    }

    [Fact]
    public void Sync_BackendAddedLater_RampsIn()
    {
        var board = Board(Spec(Health, "", "", ""), s_t0);
        board.Evaluate(s_t0);

        board.Sync(Four(), At(100));

        var weights = board.Weights(At(100));
        Assert.Equal(10, weights[B(4)]);
        Assert.Equal([100, 100, 100], new[] { 1, 2, 3 }.Select(i => weights[B(i)]));
        Assert.Equal(At(100) + TimeSpan.FromTicks((s_window.Ticks + 8) / 9), board.NextRampStep(At(100)));
        Assert.Equal(70, board.Weights(At(120))[B(4)]);
        Assert.Equal(100, board.Weights(At(130))[B(4)]);
        Assert.Empty(board.DueForPurge(At(200), NoFlows));
    }

    [Fact]
    public void Sync_BackendRemoved_Forgotten()
    {
        var board = Board(Four(), s_t0);

        board.Sync(Spec(Health, "", ""), At(1));

        Assert.Equal([B(1), B(2)], board.Weights(At(1)).Keys.OrderBy(b => b.Address.ToString()));
        Assert.Equal(2, board.Targets().Count);
        Assert.False(board.Record(B(4), Probe(Four(), 4), s_fail, At(2)));
        Assert.Null(board.ObservePassive(B(4), 100, 0, At(2)));
    }

    [Fact]
    public void DueForPurge_DrainedBackend_AfterTheDrainTimeoutOnce()
    {
        var board = Board(Four(), s_t0);
        board.Evaluate(s_t0);

        board.Sync(Spec(Health, "", "drained: true", "", ""), At(10));
        var report = Report(board, 2, At(10));

        Assert.Equal(new BackendVerdict(BackendState.Draining, 0, null), report.Verdict);
        Assert.Equal(At(10), report.Since);
        Assert.Empty(board.DueForPurge(At(10), SomeFlows));
        Assert.Empty(board.DueForPurge(At(40) - TimeSpan.FromTicks(1), SomeFlows));
        Assert.Equal([B(2)], board.DueForPurge(At(40), SomeFlows));
        board.Purged([B(2)], At(40));
        Assert.Empty(board.DueForPurge(At(41), SomeFlows));
        Assert.Empty(board.DueForPurge(At(41), NoFlows));
        Assert.Equal(new BackendVerdict(BackendState.Drained, 0, null), Report(board, 2, At(42)).Verdict);
        Assert.Equal(At(10), Report(board, 2, At(43)).Since);
    }

    [Fact]
    public void DueForPurge_DrainedBackend_ReadsDrainedOnlyOnceItsFlowsAreRemoved()
    {
        var board = DrainedAt10();

        Assert.Equal([B(2)], board.DueForPurge(At(40), SomeFlows));
        // the purge is under way: a reader must not see "drained" while the flows are still there
        Assert.Equal(BackendState.Draining, Report(board, 2, At(40)).Verdict.State);
        // and a purge that did not finish is due again
        Assert.Equal([B(2)], board.DueForPurge(At(41), SomeFlows));

        board.Purged([B(2)], At(41));

        Assert.Equal(BackendState.Drained, Report(board, 2, At(41)).Verdict.State);
        Assert.Empty(board.DueForPurge(At(42), SomeFlows));
    }

    [Fact]
    public void Purged_ABackendOutAgainSinceItWasDue_IsDueAgainForItsNewTimeOut()
    {
        var board = DrainedAt10();
        var due = board.DueForPurge(At(40), SomeFlows);
        // undrained and drained again while the purge ran
        board.Sync(Four(), At(41));
        board.Evaluate(At(41));
        board.Sync(Spec(Health, "", "drained: true", "", ""), At(50));
        board.Evaluate(At(50));

        board.Purged(due, At(40));

        Assert.Equal(BackendState.Draining, Report(board, 2, At(50)).Verdict.State);
        Assert.Equal([B(2)], board.DueForPurge(At(80), SomeFlows));
    }

    [Fact]
    public void DueForPurge_DrainedBackendWithNoFlowsLeft_AtOnce()
    {
        var board = DrainedAt10();

        Assert.Empty(board.DueForPurge(At(11), SomeFlows));
        Assert.Equal([B(2)], board.DueForPurge(At(12), b => b == B(2) ? 0 : 5));
        board.Purged([B(2)], At(12));
        Assert.Empty(board.DueForPurge(At(13), NoFlows));
        Assert.Equal(BackendState.Drained, Report(board, 2, At(13)).Verdict.State);
    }

    [Fact]
    public void Sync_Undrained_RampsBackIn()
    {
        var board = DrainedAt10();
        board.Purged(board.DueForPurge(At(40), SomeFlows), At(40));

        board.Sync(Four(), At(50));

        Assert.Equal(new BackendVerdict(BackendState.SlowStart, 10, null), Report(board, 2, At(50)).Verdict);
        Assert.Empty(board.DueForPurge(At(200), NoFlows));
    }

    [Fact]
    public void DueForPurge_EjectedBackend_AfterTheDrainTimeout()
    {
        var spec = Four();
        var board = Board(spec, s_t0);
        Fail(board, spec, 3, At(10));
        board.Evaluate(At(10));

        Assert.Empty(board.DueForPurge(At(39), SomeFlows));
        // its flows go on until the drain timeout, whatever the count
        Assert.Empty(board.DueForPurge(At(39), NoFlows));
        Assert.Equal([B(3)], board.DueForPurge(At(40), SomeFlows));
        board.Purged([B(3)], At(40));
        Assert.Empty(board.DueForPurge(At(100), SomeFlows));
    }

    [Fact]
    public void DueForPurge_WeightZeroBackend_FlowsGoOn()
    {
        // README: "a drained or weight-0 backend gets no new flow ..., while its flows go on";
        // DueForPurge names disabled, drained and ejected backends only
        var board = Board(Spec(Health, "", "weight: 0", "", ""), s_t0);
        Assert.Equal(new BackendVerdict(BackendState.Healthy, 0, "weight 0"), Report(board, 2, s_t0).Verdict);

        Assert.Empty(board.DueForPurge(At(31), SomeFlows));
        Assert.Empty(board.DueForPurge(At(3600), SomeFlows));
    }

    [Fact]
    public void DueForPurge_DisabledBackend_AtOnceAndNoLongerProbed()
    {
        var board = Board(Four(), s_t0);
        board.Evaluate(s_t0);

        board.Sync(Spec(Health, "", "disabled: true", "", ""), At(10));
        var report = Report(board, 2, At(10));

        Assert.Equal(new BackendVerdict(BackendState.Disabled, 0, null), report.Verdict);
        Assert.Equal([B(2)], board.DueForPurge(At(10), SomeFlows));
        board.Purged([B(2)], At(10));
        Assert.Empty(board.DueForPurge(At(11), SomeFlows));
        Assert.DoesNotContain(B(2), board.Targets().Select(t => t.Backend));
        Assert.Equal(3, board.Targets().Count);
    }

    [Fact]
    public void Sync_EnabledAgain_StartsHealthyAndRamps()
    {
        var spec = Four();
        var board = Board(spec, s_t0);
        Fail(board, spec, 2, At(5));
        board.Evaluate(At(5));
        board.Sync(Spec(Health, "", "disabled: true", "", ""), At(10));
        board.Evaluate(At(10));
        board.Purged(board.DueForPurge(At(10), SomeFlows), At(10));

        board.Sync(Four(), At(20));

        Assert.Contains(B(2), board.Targets().Select(t => t.Backend));
        var report = Report(board, 2, At(20));
        Assert.Equal(new BackendVerdict(BackendState.SlowStart, 10, null), report.Verdict);
        Assert.Null(report.Last);
        Assert.Equal(0, report.Consecutive);
        Assert.Equal(100, board.Weights(At(50))[B(2)]);
        // the new time out of service is purged again
        board.Sync(Spec(Health, "", "disabled: true", "", ""), At(60));
        board.Evaluate(At(60));
        Assert.Equal([B(2)], board.DueForPurge(At(60), SomeFlows));
    }

    [Fact]
    public void Record_StaleProbe_Ignored()
    {
        var spec = Four();
        var board = Board(spec, s_t0);
        var stale = Probe(spec, 2) with { Interval = TimeSpan.FromSeconds(5) };

        for (var i = 0; i < 10; i++)
        {
            Assert.False(board.Record(B(2), stale, s_fail, At(i)));
        }

        Assert.Equal(100, board.Weights(At(10))[B(2)]);
        Assert.Null(Report(board, 2, At(10)).Last);
    }

    [Fact]
    public void Record_AfterTheCheckChanged_OldResultsIgnoredNewOnesCount()
    {
        var spec = Four();
        var board = Board(spec, s_t0);
        var old = Probe(spec, 2);
        var changed = Spec(Health.Replace("interval: 2s", "interval: 3s"), "", "", "", "");

        board.Sync(changed, At(1));

        Assert.Equal(Probe(changed, 2), Assert.Single(board.Targets(), t => t.Backend == B(2)).Probe);
        Assert.False(board.Record(B(2), old, s_fail, At(2)));
        Assert.False(board.Record(B(2), old, s_fail, At(3)));
        Assert.False(board.Record(B(2), old, s_fail, At(4)));
        Assert.Equal(100, board.Weights(At(4))[B(2)]);
        Fail(board, changed, 2, At(10));
        Assert.Equal(0, board.Weights(At(10))[B(2)]);
    }

    [Fact]
    public void Record_SameCheckFromAnotherLoad_Counts()
    {
        // a probe equal by value (the command list included) is not stale
        var spec = Four();
        var board = Board(spec, s_t0);
        var reloaded = Four();

        board.Sync(reloaded, At(1));

        Assert.NotSame(Probe(spec, 2), Probe(reloaded, 2));
        Fail(board, spec, 2, At(10));
        Assert.Equal(0, board.Weights(At(10))[B(2)]);
    }

    [Fact]
    public void ObservePassive_RuleBroken_EjectsAndTheCheckBringsItBack()
    {
        var spec = Four(PassiveHealth);
        Assert.Equal(new PassiveRule(3, 50, TimeSpan.FromSeconds(2)), spec.Vips[0].Health.Passive);
        var board = Board(spec, s_t0);

        Assert.Null(board.ObservePassive(B(2), 1000, 5000, At(1)));
        Assert.Null(board.ObservePassive(B(2), 1002, 5004, At(2)));   // 2 events: below min events
        Assert.Null(board.ObservePassive(B(2), 1003, 5010, At(2.5))); // 3 against 10: below 50%
        var why = board.ObservePassive(B(2), 1005, 5010, At(2.9));     // 5 against 10

        Assert.Equal("passive: 5 SYN retransmits or fresh client RSTs against 10 new flows in 2s", why);
        var report = Report(board, 2, At(3));
        Assert.Equal(new BackendVerdict(BackendState.Unhealthy, 0, why), report.Verdict);
        Assert.Equal(At(2.9), report.Since);
        // while it is out, the signal does not eject again
        Assert.Null(board.ObservePassive(B(2), 1100, 5010, At(3.5)));

        // one pass is not rise (2), whatever passed before the ejection
        Assert.False(board.Record(B(2), Probe(spec, 2), s_pass, At(4)));
        Assert.True(board.Record(B(2), Probe(spec, 2), s_pass, At(6)));
        Assert.Equal(10, board.Weights(At(6))[B(2)]);
    }

    [Fact]
    public void ObservePassive_CountedAfterTheEjectionOnly()
    {
        var spec = Four(PassiveHealth);
        var board = Board(spec, s_t0);
        board.ObservePassive(B(2), 0, 0, At(1));
        Assert.NotNull(board.ObservePassive(B(2), 10, 10, At(1.5)));
        Recover(board, spec, 2, At(3));

        // the events before the ejection are not counted again
        Assert.Null(board.ObservePassive(B(2), 10, 10, At(3.5)));
        Assert.Null(board.ObservePassive(B(2), 12, 20, At(4)));
        Assert.NotNull(board.ObservePassive(B(2), 15, 20, At(4.5)));
    }

    [Fact]
    public void ObservePassive_OldEventsOutsideTheWindow_DoNotEject()
    {
        var board = Board(Four(PassiveHealth), s_t0);
        board.ObservePassive(B(2), 0, 0, At(0));
        board.ObservePassive(B(2), 2, 2, At(1));

        Assert.Null(board.ObservePassive(B(2), 2, 2, At(5)));
        Assert.Null(board.ObservePassive(B(2), 3, 2, At(6)));   // 1 in the window
        Assert.Equal(100, board.Weights(At(6))[B(2)]);
    }

    [Fact]
    public void ObservePassive_NoActiveCheck_NeverEjects()
    {
        // the validator refuses the passive signal without a check; built directly it still does not eject
        var spec = Four(PassiveHealth);
        var vip = spec.Vips[0] with { Backends = [.. spec.Vips[0].Backends.Select(b => b with { Probe = ProbeSpec.None })] };
        var board = Board(spec with { Vips = [vip] }, s_t0);

        Assert.Null(board.ObservePassive(B(2), 0, 0, At(1)));
        Assert.Null(board.ObservePassive(B(2), 100, 0, At(1.5)));

        Assert.Equal(100, board.Weights(At(2))[B(2)]);
        Assert.Empty(board.Targets());
        Assert.Equal(ProbeKind.None, Assert.Single(board.Evaluate(At(2))).Check);
    }

    [Fact]
    public void ObservePassive_SignalOff_NeverEjects()
    {
        var board = Board(Four(Health + "\npassive_min_events: 0"), s_t0);

        Assert.Null(board.ObservePassive(B(2), 0, 0, At(1)));
        Assert.Null(board.ObservePassive(B(2), 1000, 0, At(1.5)));
        Assert.Equal(100, board.Weights(At(2))[B(2)]);
    }

    [Fact]
    public void ObservePassive_BeyondTheRails_KeptInService()
    {
        var spec = Four(PassiveHealth);
        var board = Board(spec, s_t0);
        foreach (var i in new[] { 1, 2, 3 })
        {
            board.ObservePassive(B(i), 0, 0, At(i));
            Assert.NotNull(board.ObservePassive(B(i), 50, 50, At(i + 0.5)));
        }

        var weights = board.Weights(At(5));

        Assert.Equal([0, 0, 100, 100], new[] { 1, 2, 3, 4 }.Select(i => weights[B(i)]));
    }

    [Fact]
    public void Evaluate_EveryBackendFailing_FailsOpen()
    {
        var spec = Four();
        var board = Board(spec, s_t0);
        foreach (var i in new[] { 1, 2, 3, 4 })
        {
            Fail(board, spec, i, At(10 + i));
        }

        var vip = Assert.Single(board.Evaluate(At(20)));

        Assert.True(vip.Pool.FailOpen);
        Assert.All(vip.Backends, b => Assert.Equal(100, b.Verdict.WeightPercent));
        Assert.All(vip.Backends, b => Assert.StartsWith("fail-open: 0 of 4 healthy", b.Verdict.Reason));
        // in service all along: no purge
        Assert.Empty(board.DueForPurge(At(100), NoFlows));
    }
}
