using System.Net;
using LoadBalancer.ControlPlane.Bgp;
using Xunit;
using Xunit.Abstractions;

namespace LoadBalancer.ControlPlane.Tests.Bgp;

public sealed class BgpAnnouncerTests(ITestOutputHelper output)
{
    private static readonly IPAddress s_a = IPAddress.Parse("10.200.0.1");
    private static readonly IPAddress s_b = IPAddress.Parse("10.200.0.2");
    private static readonly IPAddress s_c = IPAddress.Parse("fd00:200::3");

    [Fact]
    public async Task SyncAsync_Changes_WithdrawsFirstThenAnnouncesMissing()
    {
        var speaker = new FakeSpeaker();
        await using var announcer = new BgpAnnouncer(speaker);
        await announcer.SyncAsync([s_a, s_b], CancellationToken.None);
        speaker.Calls.Clear();

        var result = await announcer.SyncAsync([s_b, s_c], CancellationToken.None);

        Assert.Equal(["withdraw 10.200.0.1", "announce fd00:200::3"], speaker.Calls);
        Assert.Equal([s_c], result.Announced);
        Assert.Equal([s_a], result.Withdrawn);
        Assert.Equal([s_b, s_c], announcer.Announced.OrderBy(v => v.AddressFamily));
    }

    [Fact]
    public async Task SyncAsync_Unchanged_CallsNothing()
    {
        var speaker = new FakeSpeaker();
        await using var announcer = new BgpAnnouncer(speaker);
        await announcer.SyncAsync([s_a, s_c], CancellationToken.None);
        speaker.Calls.Clear();

        var result = await announcer.SyncAsync([s_c, s_a, s_a], CancellationToken.None);

        Assert.True(result.IsEmpty);
        Assert.Empty(speaker.Calls);
    }

    [Fact]
    public async Task SyncAsync_Ipv4MappedVip_SameAsIpv4()
    {
        var speaker = new FakeSpeaker();
        await using var announcer = new BgpAnnouncer(speaker);
        await announcer.SyncAsync([s_a], CancellationToken.None);

        var result = await announcer.SyncAsync([s_a.MapToIPv6()], CancellationToken.None);

        Assert.True(result.IsEmpty);
        Assert.Equal(["announce 10.200.0.1"], speaker.Calls);
    }

    [Fact]
    public async Task SyncAsync_AnnounceFails_AnnouncedHoldsWhatSucceededAndNextSyncConverges()
    {
        var speaker = new FakeSpeaker { Failing = { "announce 10.200.0.2" } };
        await using var announcer = new BgpAnnouncer(speaker);

        var e = await Assert.ThrowsAsync<BgpSyncException>(() => announcer.SyncAsync([s_a, s_b, s_c], CancellationToken.None));
        var afterFailure = announcer.Announced.ToList();
        speaker.Failing.Clear();
        var retry = await announcer.SyncAsync([s_a, s_b, s_c], CancellationToken.None);

        Assert.Equal("BGP sync stopped at announce 10.200.0.2 (1 announced and 0 withdrawn before): announce 10.200.0.2 failed on cue", e.Message);
        Assert.IsType<BgpSpeakerException>(e.InnerException);
        Assert.Equal([s_a], e.Done.Announced);
        Assert.Equal([s_a], afterFailure);
        Assert.Equal([s_b, s_c], retry.Announced);
        output.WriteLine(e.Message);
    }

    [Fact]
    public async Task SyncAsync_WithdrawFails_VipStaysAnnouncedAndIsRetried()
    {
        var speaker = new FakeSpeaker { Failing = { "withdraw 10.200.0.1" } };
        await using var announcer = new BgpAnnouncer(speaker);
        await announcer.SyncAsync([s_a, s_b], CancellationToken.None);

        var e = await Assert.ThrowsAsync<BgpSyncException>(() => announcer.WithdrawAllAsync(CancellationToken.None));
        var afterFailure = announcer.Announced.ToHashSet();
        speaker.Failing.Clear();
        var retry = await announcer.WithdrawAllAsync(CancellationToken.None);

        Assert.DoesNotContain(s_a, e.Done.Withdrawn);
        Assert.Equal(new[] { s_a, s_b }.Except(e.Done.Withdrawn).ToHashSet(), afterFailure);
        Assert.Contains(s_a, retry.Withdrawn);
        Assert.Empty(announcer.Announced);
    }

    [Fact]
    public async Task SyncAsync_CancelledDuringSecondAnnounce_ReportsTheFirst()
    {
        using var cts = new CancellationTokenSource();
        var speaker = new FakeSpeaker { Starting = call => { if (call == "announce 10.200.0.2") { cts.Cancel(); } } };
        await using var announcer = new BgpAnnouncer(speaker);

        var e = await Assert.ThrowsAsync<BgpSyncException>(() => announcer.SyncAsync([s_a, s_b, s_c], cts.Token));

        Assert.IsAssignableFrom<OperationCanceledException>(e.InnerException);
        Assert.Equal([s_a], e.Done.Announced);
        Assert.Equal([s_a], announcer.Announced);
    }

    [Fact]
    public async Task SyncAsync_Concurrent_RunsOneAtATime()
    {
        var speaker = new FakeSpeaker { Latency = TimeSpan.FromMilliseconds(20) };
        await using var announcer = new BgpAnnouncer(speaker);

        await Task.WhenAll(
            announcer.SyncAsync([s_a, s_b], CancellationToken.None),
            announcer.SyncAsync([s_b, s_c], CancellationToken.None),
            announcer.SyncAsync([s_c], CancellationToken.None));

        Assert.Equal(1, speaker.MaxInFlight);
        var announced = announcer.Announced.ToHashSet();
        Assert.Contains(new[] { new[] { s_a, s_b }, [s_b, s_c], [s_c] }, wanted => announced.SetEquals(wanted));
    }

    [Fact]
    public async Task DisposeAsync_DisposesTheSpeaker()
    {
        var speaker = new FakeSpeaker();

        await new BgpAnnouncer(speaker).DisposeAsync();

        Assert.True(speaker.Disposed);
    }

    [Fact]
    public async Task SyncAsync_RealSpeaker_RouterFollowsWantedSet()
    {
        await using var lab = await BgpLab.CreateAsync();
        var speaker = await GobgpSpeaker.StartAsync(BgpLab.Spec(), lab.LocalNetns, new TestLogger(output), CancellationToken.None);
        await using var announcer = new BgpAnnouncer(speaker);
        await lab.EventuallyAsync("every session established", () => speaker.PeersAsync(CancellationToken.None), p => p.All(s => s.IsEstablished));

        await announcer.SyncAsync([s_a, s_b, s_c], CancellationToken.None);
        await Task.WhenAll(lab.RouterRouteAsync(s_a), lab.RouterRouteAsync(s_b), lab.RouterRouteAsync(s_c));
        var result = await announcer.SyncAsync([s_b], CancellationToken.None);
        await Task.WhenAll(lab.RouterRouteAsync(s_a, present: false), lab.RouterRouteAsync(s_c, present: false));
        var stays = lab.RouterRoute(s_b);
        await announcer.WithdrawAllAsync(CancellationToken.None);
        await lab.RouterRouteAsync(s_b, present: false);

        Assert.Equal([s_a, s_c], result.Withdrawn);
        Assert.Empty(result.Announced);
        Assert.NotEqual("", stays);
        Assert.Empty(speaker.Announced);
    }
}
