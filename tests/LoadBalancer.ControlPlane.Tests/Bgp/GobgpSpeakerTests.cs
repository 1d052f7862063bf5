using System.Net;
using LoadBalancer.ControlPlane.Bgp;
using LoadBalancer.Core.Model;
using Xunit;
using Xunit.Abstractions;

namespace LoadBalancer.ControlPlane.Tests.Bgp;

/// <summary>
/// <see cref="GobgpSpeaker"/> against real daemons: gobgpd in one network namespace, BIRD as the
/// router in another, the router's kernel routing table as the proof of what was announced.
/// </summary>
public sealed class GobgpSpeakerTests(ITestOutputHelper output)
{
    private static readonly IPAddress s_vip = IPAddress.Parse("10.200.100.100");
    private static readonly IPAddress s_vip6 = IPAddress.Parse("fd00:200::100");
    private readonly TestLogger _log = new(output);

    [Fact]
    public async Task StartAsync_StartMode_SessionsEstablishWithRouter()
    {
        await using var lab = await BgpLab.CreateAsync();
        await using var speaker = await GobgpSpeaker.StartAsync(BgpLab.Spec(), lab.LocalNetns, _log, CancellationToken.None);

        var peers = await EstablishedAsync(lab, speaker);

        Assert.Equal([BgpLab.RouterV4, BgpLab.RouterV6], peers.Select(p => p.Address));
        Assert.All(peers, p =>
        {
            Assert.Equal(BgpLab.RouterAs, p.As);
            Assert.Equal("established", p.State);
            Assert.InRange(p.Since!.Value, DateTimeOffset.UtcNow - BgpLab.Patience - TimeSpan.FromSeconds(5), DateTimeOffset.UtcNow + TimeSpan.FromSeconds(1));
            Assert.Equal(0, p.Received);
            Assert.Equal(0, p.Advertised);
        });
        Assert.NotNull(speaker.ProcessId);
    }

    [Fact]
    public async Task AnnounceAsync_Ipv4Vip_RouterRoutesItViaSessionAddressUntilWithdrawn()
    {
        await using var lab = await BgpLab.CreateAsync();
        await using var speaker = await GobgpSpeaker.StartAsync(BgpLab.Spec(), lab.LocalNetns, _log, CancellationToken.None);
        await EstablishedAsync(lab, speaker);

        await speaker.AnnounceAsync(s_vip, CancellationToken.None);
        var route = await lab.RouterRouteAsync(s_vip);
        var peers = await speaker.PeersAsync(CancellationToken.None);
        await speaker.WithdrawAsync(s_vip, CancellationToken.None);
        var after = await lab.RouterRouteAsync(s_vip, present: false);

        // Next hop "self": gobgpd sent 0.0.0.0 as this session's local address.
        Assert.Matches($@"^{Regex(s_vip)} via {Regex(BgpLab.LocalV4)} dev rt0 proto bird", route);
        Assert.Equal([1, 0], peers.Select(p => p.Advertised));
        Assert.Equal("", after);
        Assert.Empty(speaker.Announced);
    }

    [Fact]
    public async Task AnnounceAsync_Ipv6Vip_RouterRoutesItViaSessionAddress()
    {
        await using var lab = await BgpLab.CreateAsync();
        await using var speaker = await GobgpSpeaker.StartAsync(BgpLab.Spec(), lab.LocalNetns, _log, CancellationToken.None);
        await EstablishedAsync(lab, speaker);

        await speaker.AnnounceAsync(s_vip6, CancellationToken.None);
        var route = await lab.RouterRouteAsync(s_vip6);
        await speaker.WithdrawAsync(s_vip6, CancellationToken.None);
        await lab.RouterRouteAsync(s_vip6, present: false);

        Assert.Matches($@"^{Regex(s_vip6)} via {Regex(BgpLab.LocalV6)} dev rt0 proto bird", route);
        Assert.Equal("", lab.RouterRoute(s_vip));
    }

    [Fact]
    public async Task AnnounceAsync_ConfiguredNextHop_RouterRoutesItThere()
    {
        await using var lab = await BgpLab.CreateAsync();
        var spec = BgpLab.Spec() with { NextHop = BgpLab.SpareV4 };
        await using var speaker = await GobgpSpeaker.StartAsync(spec, lab.LocalNetns, _log, CancellationToken.None);
        await EstablishedAsync(lab, speaker);

        await speaker.AnnounceAsync(s_vip, CancellationToken.None);
        var route = await lab.RouterRouteAsync(s_vip);

        Assert.Matches($@"^{Regex(s_vip)} via {Regex(BgpLab.SpareV4)} dev rt0 proto bird", route);
    }

    [Fact]
    public async Task AnnounceAsync_Ipv6VipOverIpv4SessionWithNextHop6_RouterRoutesItThere()
    {
        await using var lab = await BgpLab.CreateAsync();
        var spec = BgpLab.Spec() with { Peers = [new BgpPeerSpec(BgpLab.RouterV4, BgpLab.RouterAs, 179)], NextHop6 = BgpLab.SpareV6 };
        await using var speaker = await GobgpSpeaker.StartAsync(spec, lab.LocalNetns, _log, CancellationToken.None);
        await EstablishedAsync(lab, speaker);

        await speaker.AnnounceAsync(s_vip6, CancellationToken.None);
        await speaker.AnnounceAsync(s_vip, CancellationToken.None);
        var route6 = await lab.RouterRouteAsync(s_vip6);
        var route4 = await lab.RouterRouteAsync(s_vip);

        Assert.Matches($@"^{Regex(s_vip6)} via {Regex(BgpLab.SpareV6)} dev rt0 proto bird", route6);
        Assert.Matches($@"^{Regex(s_vip)} via {Regex(BgpLab.LocalV4)} dev rt0 proto bird", route4);
    }

    [Fact]
    public async Task DisposeAsync_StartMode_WithdrawsAndStopsGobgpd()
    {
        await using var lab = await BgpLab.CreateAsync();
        var speaker = await GobgpSpeaker.StartAsync(BgpLab.Spec(), lab.LocalNetns, _log, CancellationToken.None);
        var pid = speaker.ProcessId!.Value;
        await EstablishedAsync(lab, speaker);
        await speaker.AnnounceAsync(s_vip, CancellationToken.None);
        await lab.RouterRouteAsync(s_vip);

        await speaker.DisposeAsync();

        Assert.Contains($"withdrew {s_vip}/32", _log.Messages);
        Assert.False(Directory.Exists($"/proc/{pid}"), $"gobgpd (pid {pid}) is still there after DisposeAsync");
        Assert.Empty(lab.LocalProcesses());
        await lab.RouterRouteAsync(s_vip, present: false);
        await speaker.DisposeAsync();
    }

    [Fact]
    public async Task StartAsync_ListenPortNone_ListensNowhereButTheApi()
    {
        await using var lab = await BgpLab.CreateAsync();
        await using var speaker = await GobgpSpeaker.StartAsync(BgpLab.Spec() with { ListenPort = -1 }, lab.LocalNetns, _log, CancellationToken.None);

        var listening = lab.Local("ss", "-Hltn");
        var peers = await speaker.PeersAsync(CancellationToken.None);

        Assert.Contains("127.0.0.1:50051", listening);
        Assert.DoesNotContain(":179", listening);
        Assert.Equal(2, peers.Count);
    }

    [Fact]
    public async Task StartAsync_ConnectModeNothingListening_NamesOperationAddressAndStatus()
    {
        await using var lab = await BgpLab.CreateAsync();

        var e = await Assert.ThrowsAsync<BgpSpeakerException>(() => GobgpSpeaker.StartAsync(BgpLab.Spec(BgpSpeakerMode.Connect), lab.LocalNetns, _log, CancellationToken.None));

        Assert.StartsWith("gobgpd GetBgp at 127.0.0.1:50051 failed: Unavailable", e.Message);
        Assert.Equal(Grpc.Core.StatusCode.Unavailable, e.StatusCode);
        output.WriteLine(e.Message);
    }

    [Fact]
    public async Task StartAsync_GobgpdCannotListen_NamesProgramAddressAndItsOutput()
    {
        await using var lab = await BgpLab.CreateAsync();
        var spec = BgpLab.Spec() with { Api = new Uri("http://192.0.2.1:50051") };

        var e = await Assert.ThrowsAsync<BgpSpeakerException>(() => GobgpSpeaker.StartAsync(spec, lab.LocalNetns, _log, CancellationToken.None));

        Assert.StartsWith("gobgpd 'gobgpd' exited with code 1 before its API at 192.0.2.1:50051 answered; its last output:", e.Message);
        Assert.Contains("cannot assign requested address", e.Message);
        Assert.Empty(lab.LocalProcesses());
        output.WriteLine(e.Message);
    }

    [Fact]
    public async Task StartAsync_ProgramMissing_NamesProgram()
    {
        await using var lab = await BgpLab.CreateAsync();
        var spec = BgpLab.Spec() with { Gobgpd = "/nonexistent/gobgpd" };

        var e = await Assert.ThrowsAsync<BgpSpeakerException>(() => GobgpSpeaker.StartAsync(spec, lab.LocalNetns, _log, CancellationToken.None));

        Assert.StartsWith("cannot start gobgpd '/nonexistent/gobgpd' (API at 127.0.0.1:50051):", e.Message);
    }

    [Fact]
    public async Task StartAsync_StartModeApiAddressTaken_Refuses()
    {
        await using var lab = await BgpLab.CreateAsync();
        await lab.StartOwnGobgpdAsync();

        var e = await Assert.ThrowsAsync<BgpSpeakerException>(() => GobgpSpeaker.StartAsync(BgpLab.Spec(), lab.LocalNetns, _log, CancellationToken.None));

        Assert.StartsWith("cannot start gobgpd 'gobgpd': something already listens at its API address 127.0.0.1:50051", e.Message);
        Assert.Contains("AS:        0", lab.Gobgp("global").Output);
    }

    [Fact]
    public async Task StartAsync_ConnectMode_StartsBgpAnnouncesAndLeavesGobgpdRunning()
    {
        await using var lab = await BgpLab.CreateAsync();
        var gobgpd = await lab.StartOwnGobgpdAsync();
        var speaker = await GobgpSpeaker.StartAsync(BgpLab.Spec(BgpSpeakerMode.Connect), lab.LocalNetns, _log, CancellationToken.None);
        await EstablishedAsync(lab, speaker);
        await speaker.AnnounceAsync(s_vip, CancellationToken.None);
        await lab.RouterRouteAsync(s_vip);

        await speaker.DisposeAsync();

        Assert.Null(speaker.ProcessId);
        await lab.RouterRouteAsync(s_vip, present: false);
        Assert.False(gobgpd.HasExited);
        var neighbors = lab.Gobgp("neighbor").Output;
        Assert.Matches($@"{Regex(BgpLab.RouterV4)}\s+{BgpLab.RouterAs}\s+\S+\s+Establ", neighbors);
        Assert.DoesNotContain(s_vip.ToString(), lab.Gobgp("global", "rib").Output);
    }

    [Fact]
    public async Task StartAsync_ConnectModeBgpRunning_AddsOnlyMissingPeers()
    {
        await using var lab = await BgpLab.CreateAsync();
        await lab.StartOwnGobgpdAsync();
        Assert.Equal(0, lab.Gobgp("global", "as", $"{BgpLab.LocalAs}", "router-id", $"{BgpLab.LocalV4}", "listen-port", "179").ExitCode);
        Assert.Equal(0, lab.Gobgp("neighbor", "add", $"{BgpLab.RouterV4}", "as", $"{BgpLab.RouterAs}").ExitCode);

        await using var speaker = await GobgpSpeaker.StartAsync(BgpLab.Spec(BgpSpeakerMode.Connect), lab.LocalNetns, _log, CancellationToken.None);
        var peers = await EstablishedAsync(lab, speaker);

        Assert.Equal([BgpLab.RouterV4, BgpLab.RouterV6], peers.Select(p => p.Address));
        Assert.Contains($"BGP peer {BgpLab.RouterV4} is already configured on gobgpd: kept as it is", _log.Messages);
    }

    [Fact]
    public async Task StartAsync_ConnectModeOtherAs_Refuses()
    {
        await using var lab = await BgpLab.CreateAsync();
        await lab.StartOwnGobgpdAsync();
        Assert.Equal(0, lab.Gobgp("global", "as", "65099", "router-id", $"{BgpLab.LocalV4}").ExitCode);

        var e = await Assert.ThrowsAsync<BgpSpeakerException>(() => GobgpSpeaker.StartAsync(BgpLab.Spec(BgpSpeakerMode.Connect), lab.LocalNetns, _log, CancellationToken.None));

        Assert.Equal($"gobgpd at 127.0.0.1:50051 already runs BGP as AS 65099, not bgp.local_as {BgpLab.LocalAs}: stop it or configure the same AS", e.Message);
    }

    [Fact]
    public async Task AnnounceAsync_GobgpdGone_NamesOperationAddressAndStatus()
    {
        await using var lab = await BgpLab.CreateAsync();
        await using var speaker = await GobgpSpeaker.StartAsync(BgpLab.Spec() with { Peers = [] }, lab.LocalNetns, _log, CancellationToken.None);
        Assert.Equal(0, Tmds.Linux.LibC.kill(speaker.ProcessId!.Value, Tmds.Linux.LibC.SIGKILL));
        await lab.EventuallyAsync("gobgpd is gone", () => Task.FromResult(lab.LocalProcesses()), p => p.Count == 0);

        var e = await Assert.ThrowsAsync<BgpSpeakerException>(() => speaker.AnnounceAsync(s_vip, CancellationToken.None));

        Assert.StartsWith($"gobgpd AddPath {s_vip}/32 at 127.0.0.1:50051 failed: Unavailable", e.Message);
        Assert.Contains($"gobgpd (pid {speaker.ProcessId}) exited with code 137, its last output:", e.Message);
        Assert.Empty(speaker.Announced);
    }

    private static async Task<IReadOnlyList<BgpPeerStatus>> EstablishedAsync(BgpLab lab, GobgpSpeaker speaker)
        => await lab.EventuallyAsync("every session established", () => speaker.PeersAsync(CancellationToken.None),
            peers => peers.Count > 0 && peers.All(p => p.IsEstablished));

    private static string Regex(IPAddress address) => System.Text.RegularExpressions.Regex.Escape(address.ToString());
}
