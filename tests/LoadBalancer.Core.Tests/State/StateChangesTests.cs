using System.Text.Json;
using LoadBalancer.Core.Config;
using LoadBalancer.Core.Model;
using LoadBalancer.Core.State;
using Xunit;

namespace LoadBalancer.Core.Tests.State;

public sealed class StateChangesTests
{
    private static readonly VipKey s_web = VipKey.Parse("192.0.2.1:80/tcp");
    private static readonly VipKey s_dns = VipKey.Parse("192.0.2.53:53/udp");
    private static readonly VipKey s_v6 = VipKey.Parse("[2001:db8::1]:443/tcp");
    private static readonly VipKey s_app = VipKey.Parse("198.51.100.1:8080/tcp");

    // The file's VIPs, as Describe writes them.
    private static readonly string[] s_webLines = ["192.0.2.1:80/tcp 10.1.0.1 weight 1", "192.0.2.1:80/tcp 10.1.0.2 weight 1"];
    private static readonly string[] s_dnsLines = ["192.0.2.53:53/udp 10.2.0.1 weight 1"];
    private static readonly string[] s_v6Lines = ["[2001:db8::1]:443/tcp fd00::1 weight 1", "[2001:db8::1]:443/tcp fd00::2 weight 1"];
    private static readonly string[] s_appLines = ["198.51.100.1:8080/tcp 10.3.0.1 weight 1", "198.51.100.1:8080/tcp 10.3.0.2 weight 1"];

    // Changes that all apply to Busy(File()).
    private static readonly Dictionary<string, Func<BalancerConfig, StateOverlay, StateOverlay>> s_changes = new()
    {
        ["AddVip"] = (f, o) => StateChanges.AddVip(f, o, TestConfigs.Vip("203.0.113.1", 25, "tcp", "10.4.0.1")),
        ["RemoveFileVip"] = (f, o) => StateChanges.RemoveVip(f, o, s_web),
        ["RemoveRuntimeVip"] = (f, o) => StateChanges.RemoveVip(f, o, s_app),
        ["SetBackendsFileVip"] = (f, o) => StateChanges.SetBackends(f, o, s_web, [TestConfigs.Backend("10.1.0.8")]),
        ["SetBackendsRuntimeVip"] = (f, o) => StateChanges.SetBackends(f, o, s_app, [TestConfigs.Backend("10.3.0.8")]),
        ["AddBackendFileVip"] = (f, o) => StateChanges.AddBackend(f, o, s_web, TestConfigs.Backend("10.1.0.8")),
        ["AddBackendRuntimeVip"] = (f, o) => StateChanges.AddBackend(f, o, s_app, TestConfigs.Backend("10.3.0.8")),
        ["RemoveBackendFileVip"] = (f, o) => StateChanges.RemoveBackend(f, o, s_web, "10.1.0.1"),
        ["RemoveBackendAddedToFileVip"] = (f, o) => StateChanges.RemoveBackend(f, o, s_web, "10.1.0.3"),
        ["RemoveBackendRuntimeVip"] = (f, o) => StateChanges.RemoveBackend(f, o, s_app, "10.3.0.1"),
        ["SetWeightFileVip"] = (f, o) => StateChanges.SetWeight(f, o, s_web, "10.1.0.2", 9),
        ["SetWeightAddedToFileVip"] = (f, o) => StateChanges.SetWeight(f, o, s_web, "10.1.0.3", 9),
        ["SetWeightRuntimeVip"] = (f, o) => StateChanges.SetWeight(f, o, s_app, "10.3.0.2", 9),
        ["SetDrainedFileVip"] = (f, o) => StateChanges.SetDrained(f, o, s_web, "10.1.0.2", true),
        ["SetDrainedAddedToFileVip"] = (f, o) => StateChanges.SetDrained(f, o, s_web, "10.1.0.3", true),
        ["SetDrainedRuntimeVip"] = (f, o) => StateChanges.SetDrained(f, o, s_app, "10.3.0.2", true),
        ["SetSchedulerFileVip"] = (f, o) => StateChanges.SetScheduler(f, o, s_web, "wrr"),
        ["SetSchedulerRuntimeVip"] = (f, o) => StateChanges.SetScheduler(f, o, s_app, "lc"),
    };

    [Fact]
    public void AddVip_NewKey_AppearsBesideFileVips()
    {
        var overlay = StateChanges.AddVip(File(), new StateOverlay(), App());

        AssertEffective(File(), overlay, [.. s_webLines, .. s_dnsLines, .. s_v6Lines, .. s_appLines]);
        Assert.True(overlay.IsRuntimeVip(s_app));
        Assert.False(overlay.IsRuntimeVip(s_web));
    }

    [Fact]
    public void AddVip_FileVip_ThrowsConflict()
    {
        var e = Assert.Throws<StateChangeException>(() => StateChanges.AddVip(File(), new StateOverlay(), TestConfigs.Vip("192.0.2.1", 80, "tcp", "10.9.0.1")));

        Assert.Equal(StateChangeError.Conflict, e.Error);
    }

    [Theory]
    [InlineData("10.0.1", 80, "tcp")]
    [InlineData("192.0.2.9", 70000, "tcp")]
    [InlineData("192.0.2.9", 80, "sctp")]
    public void AddVip_NotAVip_ThrowsInvalidAndLeavesOverlay(string address, long port, string protocol)
    {
        var overlay = new StateOverlay();

        var e = Assert.Throws<StateChangeException>(() => StateChanges.AddVip(File(), overlay, TestConfigs.Vip(address, port, protocol, "10.9.0.1")));

        Assert.Equal(StateChangeError.Invalid, e.Error);
        Assert.Empty(overlay.AddedVips);
    }

    [Fact]
    public void AddVip_RuntimeVip_ThrowsConflict()
    {
        var overlay = StateChanges.AddVip(File(), new StateOverlay(), App());

        var e = Assert.Throws<StateChangeException>(() => StateChanges.AddVip(File(), overlay, TestConfigs.Vip("198.51.100.1", 8080, "TCP", "10.9.0.1")));

        Assert.Equal(StateChangeError.Conflict, e.Error);
    }

    [Theory]
    [InlineData("2001:db8:0::1", "tcp")]
    [InlineData("2001:DB8::0:1", "TCP")]
    public void AddVip_FileVipSpelledDifferently_ThrowsConflict(string address, string protocol)
    {
        var e = Assert.Throws<StateChangeException>(() => StateChanges.AddVip(File(), new StateOverlay(), TestConfigs.Vip(address, 443, protocol, "fd00::9")));

        Assert.Equal(StateChangeError.Conflict, e.Error);
    }

    [Fact]
    public void AddVip_SameAddressOtherPortOrProtocol_IsAnotherVip()
    {
        var overlay = StateChanges.AddVip(File(), new StateOverlay(), TestConfigs.Vip("192.0.2.1", 80, "udp", "10.9.0.1"));
        overlay = StateChanges.AddVip(File(), overlay, TestConfigs.Vip("192.0.2.1", 0, "tcp", "10.9.0.2"));

        AssertEffective(File(), overlay, [.. s_webLines, .. s_dnsLines, .. s_v6Lines, "192.0.2.1:80/udp 10.9.0.1 weight 1", "192.0.2.1:0/tcp 10.9.0.2 weight 1"]);
    }

    [Fact]
    public void RemoveVip_FileVip_LeavesItOut()
    {
        var overlay = StateChanges.RemoveVip(File(), new StateOverlay(), s_web);

        AssertEffective(File(), overlay, [.. s_dnsLines, .. s_v6Lines]);
    }

    [Fact]
    public void RemoveVip_RuntimeVip_LeavesItOutAndNothingBehind()
    {
        var overlay = StateChanges.AddVip(File(), new StateOverlay(), App());

        overlay = StateChanges.RemoveVip(File(), overlay, s_app);

        AssertEffective(File(), overlay, [.. s_webLines, .. s_dnsLines, .. s_v6Lines]);
        Assert.Empty(overlay.AddedVips);
        Assert.Empty(overlay.RemovedVips);
        Assert.Empty(overlay.Vips);
    }

    [Fact]
    public void RemoveVip_FileVipWithBackendChanges_DropsTheChanges()
    {
        var overlay = StateChanges.SetWeight(File(), new StateOverlay(), s_web, "10.1.0.1", 5);

        overlay = StateChanges.RemoveVip(File(), overlay, s_web);

        AssertEffective(File(), overlay, [.. s_dnsLines, .. s_v6Lines]);
        Assert.Empty(overlay.Vips);
    }

    [Fact]
    public void RemoveVip_Missing_ThrowsNotFound()
    {
        var e = Assert.Throws<StateChangeException>(() => StateChanges.RemoveVip(File(), new StateOverlay(), s_app));

        Assert.Equal(StateChangeError.NotFound, e.Error);
    }

    [Fact]
    public void RemoveVip_AlreadyRemoved_ThrowsNotFound()
    {
        var overlay = StateChanges.RemoveVip(File(), new StateOverlay(), s_web);

        var e = Assert.Throws<StateChangeException>(() => StateChanges.RemoveVip(File(), overlay, s_web));

        Assert.Equal(StateChangeError.NotFound, e.Error);
    }

    [Fact]
    public void AddVip_RemovedFileVip_ComesBackWithNewBackends()
    {
        var overlay = StateChanges.RemoveVip(File(), new StateOverlay(), s_web);

        overlay = StateChanges.AddVip(File(), overlay, TestConfigs.Vip("192.0.2.1", 80, "tcp", "10.9.0.1"));

        AssertEffective(File(), overlay, [.. s_dnsLines, .. s_v6Lines, "192.0.2.1:80/tcp 10.9.0.1 weight 1"]);
        Assert.True(overlay.IsRuntimeVip(s_web));
    }

    [Fact]
    public void RemoveVip_RemovedAndAddedAgainTwice_RemovedVipsHoldsItOnce()
    {
        var overlay = new StateOverlay();
        for (var round = 1; round <= 2; round++)
        {
            overlay = StateChanges.RemoveVip(File(), overlay, s_web);
            overlay = StateChanges.AddVip(File(), overlay, TestConfigs.Vip("192.0.2.1", 80, "tcp", $"10.9.0.{round}"));
        }
        overlay = StateChanges.RemoveVip(File(), overlay, s_web);

        Assert.Single(overlay.RemovedVips, k => VipKey.Parse(k) == s_web);
        Assert.Empty(overlay.AddedVips);
        AssertEffective(File(), overlay, [.. s_dnsLines, .. s_v6Lines]);
    }

    [Fact]
    public void SetBackends_FileVip_ReplacesBackends()
    {
        var overlay = StateChanges.SetBackends(File(), new StateOverlay(), s_web, [TestConfigs.Backend("10.1.0.2", 4), TestConfigs.Backend("10.1.0.7", drained: true)]);

        AssertEffective(File(), overlay, [.. s_dnsLines, .. s_v6Lines, "192.0.2.1:80/tcp 10.1.0.2 weight 4", "192.0.2.1:80/tcp 10.1.0.7 weight 1 drained"]);
    }

    [Fact]
    public void SetBackends_RuntimeVip_ReplacesBackends()
    {
        var overlay = StateChanges.AddVip(File(), new StateOverlay(), App());

        overlay = StateChanges.SetBackends(File(), overlay, s_app, [TestConfigs.Backend("10.3.0.9", 2)]);

        AssertEffective(File(), overlay, [.. s_webLines, .. s_dnsLines, .. s_v6Lines, "198.51.100.1:8080/tcp 10.3.0.9 weight 2"]);
    }

    [Fact]
    public void SetBackends_MissingVip_ThrowsNotFound()
    {
        var e = Assert.Throws<StateChangeException>(() => StateChanges.SetBackends(File(), new StateOverlay(), s_app, [TestConfigs.Backend("10.3.0.9")]));

        Assert.Equal(StateChangeError.NotFound, e.Error);
    }

    [Fact]
    public void AddBackend_FileVip_AddsIt()
    {
        var overlay = StateChanges.AddBackend(File(), new StateOverlay(), s_web, TestConfigs.Backend("10.1.0.3", 2));

        AssertEffective(File(), overlay, [.. s_webLines, "192.0.2.1:80/tcp 10.1.0.3 weight 2", .. s_dnsLines, .. s_v6Lines]);
        Assert.False(overlay.IsRuntimeVip(s_web));
    }

    [Fact]
    public void AddBackend_RuntimeVip_AddsIt()
    {
        var overlay = StateChanges.AddVip(File(), new StateOverlay(), App());

        overlay = StateChanges.AddBackend(File(), overlay, s_app, TestConfigs.Backend("fd00::3"));

        AssertEffective(File(), overlay, [.. s_webLines, .. s_dnsLines, .. s_v6Lines, .. s_appLines, "198.51.100.1:8080/tcp fd00::3 weight 1"]);
    }

    [Fact]
    public void AddBackend_RemovedFileBackend_ComesBackWithNewSettings()
    {
        var overlay = StateChanges.RemoveBackend(File(), new StateOverlay(), s_web, "10.1.0.2");

        overlay = StateChanges.AddBackend(File(), overlay, s_web, TestConfigs.Backend("10.1.0.2", 7));

        AssertEffective(File(), overlay, ["192.0.2.1:80/tcp 10.1.0.1 weight 1", "192.0.2.1:80/tcp 10.1.0.2 weight 7", .. s_dnsLines, .. s_v6Lines]);
    }

    [Theory]
    [InlineData("[2001:db8::1]:443/tcp", "fd00::1")]
    [InlineData("[2001:db8::1]:443/tcp", "fd00::0:1")]
    [InlineData("[2001:db8::1]:443/tcp", "FD00:0::1")]
    [InlineData("192.0.2.1:80/tcp", "10.1.0.2")]
    public void AddBackend_FileBackend_ThrowsConflict(string vip, string address)
    {
        var e = Assert.Throws<StateChangeException>(() => StateChanges.AddBackend(File(), new StateOverlay(), VipKey.Parse(vip), TestConfigs.Backend(address)));

        Assert.Equal(StateChangeError.Conflict, e.Error);
    }

    [Fact]
    public void AddBackend_BackendAddedBefore_ThrowsConflict()
    {
        var overlay = StateChanges.AddVip(File(), new StateOverlay(), App());
        overlay = StateChanges.AddBackend(File(), overlay, s_web, TestConfigs.Backend("fd00::3"));
        overlay = StateChanges.AddBackend(File(), overlay, s_app, TestConfigs.Backend("fd00::3"));

        var onFileVip = Assert.Throws<StateChangeException>(() => StateChanges.AddBackend(File(), overlay, s_web, TestConfigs.Backend("fd00::0:3")));
        var onRuntimeVip = Assert.Throws<StateChangeException>(() => StateChanges.AddBackend(File(), overlay, s_app, TestConfigs.Backend("fd00:0::3")));

        Assert.Equal(StateChangeError.Conflict, onFileVip.Error);
        Assert.Equal(StateChangeError.Conflict, onRuntimeVip.Error);
    }

    [Fact]
    public void AddBackend_MissingVip_ThrowsNotFound()
    {
        var e = Assert.Throws<StateChangeException>(() => StateChanges.AddBackend(File(), new StateOverlay(), s_app, TestConfigs.Backend("10.3.0.9")));

        Assert.Equal(StateChangeError.NotFound, e.Error);
    }

    [Fact]
    public void RemoveBackend_FileVip_LeavesItOut()
    {
        var overlay = StateChanges.RemoveBackend(File(), new StateOverlay(), s_web, "10.1.0.1");

        AssertEffective(File(), overlay, ["192.0.2.1:80/tcp 10.1.0.2 weight 1", .. s_dnsLines, .. s_v6Lines]);
    }

    [Fact]
    public void RemoveBackend_RuntimeVip_LeavesItOut()
    {
        var overlay = StateChanges.AddVip(File(), new StateOverlay(), App());

        overlay = StateChanges.RemoveBackend(File(), overlay, s_app, "10.3.0.1");

        AssertEffective(File(), overlay, [.. s_webLines, .. s_dnsLines, .. s_v6Lines, "198.51.100.1:8080/tcp 10.3.0.2 weight 1"]);
    }

    [Fact]
    public void RemoveBackend_BackendAddedAtRunTimeToFileVip_LeavesNoChangeBehind()
    {
        var overlay = StateChanges.AddBackend(File(), new StateOverlay(), s_web, TestConfigs.Backend("10.1.0.3"));

        overlay = StateChanges.RemoveBackend(File(), overlay, s_web, "10.1.0.3");

        AssertEffective(File(), overlay, [.. s_webLines, .. s_dnsLines, .. s_v6Lines]);
        Assert.Empty(overlay.Vips);
    }

    [Theory]
    [InlineData("fd00::0:2")]
    [InlineData("FD00::2")]
    [InlineData("fd00:0:0:0:0:0:0:2")]
    public void RemoveBackend_AddressSpelledDifferently_RemovesIt(string address)
    {
        var overlay = StateChanges.RemoveBackend(File(), new StateOverlay(), s_v6, address);

        AssertEffective(File(), overlay, [.. s_webLines, .. s_dnsLines, "[2001:db8::1]:443/tcp fd00::1 weight 1"]);
    }

    [Fact]
    public void RemoveBackend_FileBackendSpelledDifferentlyInFile_RemovesIt()
    {
        var file = File();
        file.Vips[2].Backends[1].Address = "fd00:0::0:2";

        var overlay = StateChanges.RemoveBackend(file, new StateOverlay(), s_v6, "fd00::2");

        AssertEffective(file, overlay, [.. s_webLines, .. s_dnsLines, "[2001:db8::1]:443/tcp fd00::1 weight 1"]);
    }

    [Fact]
    public void RemoveBackend_RemovedBefore_ThrowsNotFound()
    {
        var overlay = StateChanges.RemoveBackend(File(), new StateOverlay(), s_web, "10.1.0.1");

        var e = Assert.Throws<StateChangeException>(() => StateChanges.RemoveBackend(File(), overlay, s_web, "10.1.0.1"));

        Assert.Equal(StateChangeError.NotFound, e.Error);
    }

    [Theory]
    [InlineData("192.0.2.1:80/tcp", "10.2.0.1")]
    [InlineData("198.51.100.1:8080/tcp", "10.3.0.1")]
    [InlineData("192.0.2.1:80/udp", "10.1.0.1")]
    public void RemoveBackend_MissingVipOrBackend_ThrowsNotFound(string vip, string address)
    {
        var e = Assert.Throws<StateChangeException>(() => StateChanges.RemoveBackend(File(), new StateOverlay(), VipKey.Parse(vip), address));

        Assert.Equal(StateChangeError.NotFound, e.Error);
    }

    [Fact]
    public void SetWeight_FileBackend_ChangesOnlyItsWeight()
    {
        var overlay = StateChanges.SetWeight(File(), new StateOverlay(), s_web, "10.1.0.2", 9);

        AssertEffective(File(), overlay, ["192.0.2.1:80/tcp 10.1.0.1 weight 1", "192.0.2.1:80/tcp 10.1.0.2 weight 9", .. s_dnsLines, .. s_v6Lines]);
    }

    [Fact]
    public void SetWeight_BackendAddedAtRunTimeToFileVip_ChangesIt()
    {
        var overlay = StateChanges.AddBackend(File(), new StateOverlay(), s_web, TestConfigs.Backend("10.1.0.3"));

        overlay = StateChanges.SetWeight(File(), overlay, s_web, "10.1.0.3", 0);

        AssertEffective(File(), overlay, [.. s_webLines, "192.0.2.1:80/tcp 10.1.0.3 weight 0", .. s_dnsLines, .. s_v6Lines]);
    }

    [Fact]
    public void SetWeight_RuntimeVip_ChangesIt()
    {
        var overlay = StateChanges.AddVip(File(), new StateOverlay(), App());

        overlay = StateChanges.SetWeight(File(), overlay, s_app, "10.3.0.2", 3);

        AssertEffective(File(), overlay, [.. s_webLines, .. s_dnsLines, .. s_v6Lines, "198.51.100.1:8080/tcp 10.3.0.1 weight 1", "198.51.100.1:8080/tcp 10.3.0.2 weight 3"]);
    }

    [Fact]
    public void SetWeight_AddressSpelledDifferently_ChangesIt()
    {
        var overlay = StateChanges.SetWeight(File(), new StateOverlay(), s_v6, "fd00:0::1", 6);

        AssertEffective(File(), overlay, [.. s_webLines, .. s_dnsLines, "[2001:db8::1]:443/tcp fd00::1 weight 6", "[2001:db8::1]:443/tcp fd00::2 weight 1"]);
    }

    [Theory]
    [InlineData("192.0.2.1:80/tcp", "10.1.0.9")]
    [InlineData("198.51.100.1:8080/tcp", "10.3.0.1")]
    public void SetWeight_MissingVipOrBackend_ThrowsNotFound(string vip, string address)
    {
        var e = Assert.Throws<StateChangeException>(() => StateChanges.SetWeight(File(), new StateOverlay(), VipKey.Parse(vip), address, 2));

        Assert.Equal(StateChangeError.NotFound, e.Error);
    }

    [Fact]
    public void SetDrained_FileBackend_DrainsItKeepingWeight()
    {
        var overlay = StateChanges.SetWeight(File(), new StateOverlay(), s_web, "10.1.0.1", 4);

        overlay = StateChanges.SetDrained(File(), overlay, s_web, "10.1.0.1", true);

        AssertEffective(File(), overlay, ["192.0.2.1:80/tcp 10.1.0.1 weight 4 drained", "192.0.2.1:80/tcp 10.1.0.2 weight 1", .. s_dnsLines, .. s_v6Lines]);
    }

    [Fact]
    public void SetDrained_DrainedFileBackendUndrained_TakesFlowsAgain()
    {
        var file = File();
        file.Vips[0].Backends[0].Drained = true;

        var overlay = StateChanges.SetDrained(file, new StateOverlay(), s_web, "10.1.0.1", false);

        AssertEffective(file, overlay, [.. s_webLines, .. s_dnsLines, .. s_v6Lines]);
    }

    [Fact]
    public void SetDrained_RuntimeVip_DrainsIt()
    {
        var overlay = StateChanges.AddVip(File(), new StateOverlay(), App());

        overlay = StateChanges.SetDrained(File(), overlay, s_app, "10.3.0.1", true);

        AssertEffective(File(), overlay, [.. s_webLines, .. s_dnsLines, .. s_v6Lines, "198.51.100.1:8080/tcp 10.3.0.1 weight 1 drained", "198.51.100.1:8080/tcp 10.3.0.2 weight 1"]);
    }

    [Fact]
    public void SetDrained_BackendAddedAtRunTimeToFileVip_DrainsIt()
    {
        var overlay = StateChanges.AddBackend(File(), new StateOverlay(), s_dns, TestConfigs.Backend("10.2.0.2", 2));

        overlay = StateChanges.SetDrained(File(), overlay, s_dns, "10.2.0.2", true);

        AssertEffective(File(), overlay, [.. s_webLines, "192.0.2.53:53/udp 10.2.0.1 weight 1", "192.0.2.53:53/udp 10.2.0.2 weight 2 drained", .. s_v6Lines]);
    }

    [Fact]
    public void SetDrained_MissingBackend_ThrowsNotFound()
    {
        var overlay = StateChanges.RemoveBackend(File(), new StateOverlay(), s_web, "10.1.0.2");

        var e = Assert.Throws<StateChangeException>(() => StateChanges.SetDrained(File(), overlay, s_web, "10.1.0.2", true));

        Assert.Equal(StateChangeError.NotFound, e.Error);
    }

    [Fact]
    public void SetScheduler_FileVip_ChangesOnlyItsScheduler()
    {
        var overlay = StateChanges.SetScheduler(File(), new StateOverlay(), s_web, "wrr");

        AssertEffective(File(), overlay, ["192.0.2.1:80/tcp wrr 10.1.0.1 weight 1", "192.0.2.1:80/tcp wrr 10.1.0.2 weight 1", .. s_dnsLines, .. s_v6Lines]);
        Assert.Equal("wrr", Assert.Single(overlay.Vips).Value.Scheduler);
    }

    [Fact]
    public void SetScheduler_NameInOtherCase_StoresTheName()
    {
        var overlay = StateChanges.SetScheduler(File(), new StateOverlay(), s_v6, "MAGLEV-SRC");

        Assert.Equal("maglev-src", overlay.Vips[s_v6.ToString()].Scheduler);
    }

    [Fact]
    public void SetScheduler_FileVipSetToTheFilesScheduler_StillOverridesALaterFileChange()
    {
        // Like a weight set at run time: an explicit choice outlives reloads until reset.
        var overlay = StateChanges.SetScheduler(File(), new StateOverlay(), s_web, "maglev");

        var reloaded = File();
        reloaded.Vips[0].Scheduler = "rr";

        AssertEffective(reloaded, overlay, [.. s_webLines, .. s_dnsLines, .. s_v6Lines]);
    }

    [Fact]
    public void SetScheduler_NullOnFileVip_BackToTheFilesSchedulerLeavingNothingBehind()
    {
        var file = File();
        file.Vips[1].Scheduler = "rr";
        var overlay = StateChanges.SetScheduler(file, new StateOverlay(), s_dns, "wlc");
        AssertEffective(file, overlay, [.. s_webLines, "192.0.2.53:53/udp wlc 10.2.0.1 weight 1", .. s_v6Lines]);

        overlay = StateChanges.SetScheduler(file, overlay, s_dns, null);

        AssertEffective(file, overlay, [.. s_webLines, "192.0.2.53:53/udp rr 10.2.0.1 weight 1", .. s_v6Lines]);
        Assert.Empty(overlay.Vips);
    }

    [Fact]
    public void SetScheduler_NullOnFileVipWithBackendChanges_KeepsTheBackendChanges()
    {
        var overlay = StateChanges.SetWeight(File(), new StateOverlay(), s_web, "10.1.0.1", 4);
        overlay = StateChanges.SetScheduler(File(), overlay, s_web, "lc");

        overlay = StateChanges.SetScheduler(File(), overlay, s_web, null);

        AssertEffective(File(), overlay, ["192.0.2.1:80/tcp 10.1.0.1 weight 4", "192.0.2.1:80/tcp 10.1.0.2 weight 1", .. s_dnsLines, .. s_v6Lines]);
        Assert.Null(overlay.Vips[s_web.ToString()].Scheduler);
    }

    [Fact]
    public void SetScheduler_RuntimeVip_ChangesItAndNullMakesItMaglev()
    {
        var overlay = StateChanges.AddVip(File(), new StateOverlay(), App());

        overlay = StateChanges.SetScheduler(File(), overlay, s_app, "rr");
        AssertEffective(File(), overlay, [.. s_webLines, .. s_dnsLines, .. s_v6Lines, .. s_appLines.Select(l => l.Replace("/tcp ", "/tcp rr "))]);
        Assert.Empty(overlay.Vips);

        overlay = StateChanges.SetScheduler(File(), overlay, s_app, null);
        AssertEffective(File(), overlay, [.. s_webLines, .. s_dnsLines, .. s_v6Lines, .. s_appLines]);
    }

    [Fact]
    public void SetScheduler_ThenSetBackendsOnFileVip_RunTimeVipKeepsTheScheduler()
    {
        var overlay = StateChanges.SetScheduler(File(), new StateOverlay(), s_web, "wlc");

        overlay = StateChanges.SetBackends(File(), overlay, s_web, [TestConfigs.Backend("10.1.0.8", 2)]);

        AssertEffective(File(), overlay, ["192.0.2.1:80/tcp wlc 10.1.0.8 weight 2", .. s_dnsLines, .. s_v6Lines]);
    }

    [Fact]
    public void SetScheduler_KeptAcrossReloadThatChangesBackends()
    {
        var overlay = StateChanges.SetScheduler(File(), new StateOverlay(), s_v6, "maglev-src");

        var reloaded = File();
        reloaded.Vips[2].Backends.Add(TestConfigs.Backend("fd00::3", 2));

        AssertEffective(reloaded, overlay,
        [
            .. s_webLines,
            .. s_dnsLines,
            "[2001:db8::1]:443/tcp maglev-src fd00::1 weight 1",
            "[2001:db8::1]:443/tcp maglev-src fd00::2 weight 1",
            "[2001:db8::1]:443/tcp maglev-src fd00::3 weight 2",
        ]);
    }

    [Theory]
    [InlineData("wrrr", "wrr")]
    [InlineData("maglev_src", "maglev-src")]
    public void SetScheduler_Misspelt_ThrowsInvalidWithSuggestionAndEveryName(string name, string suggestion)
    {
        var overlay = StateChanges.SetWeight(File(), new StateOverlay(), s_web, "10.1.0.1", 3);
        var before = Json(overlay);

        var e = Assert.Throws<StateChangeException>(() => StateChanges.SetScheduler(File(), overlay, s_web, name));

        Assert.Equal(StateChangeError.Invalid, e.Error);
        Assert.Contains($"did you mean '{suggestion}'?", e.Message);
        Assert.All(Schedulers.Names, n => Assert.Contains(n, e.Message));
        Assert.Equal(before, Json(overlay));
    }

    [Theory]
    [InlineData("")]
    [InlineData("round-robin")]
    public void SetScheduler_NoScheduler_ThrowsInvalidListingEveryName(string name)
    {
        var e = Assert.Throws<StateChangeException>(() => StateChanges.SetScheduler(File(), new StateOverlay(), s_web, name));

        Assert.Equal(StateChangeError.Invalid, e.Error);
        Assert.Contains(string.Join(", ", Schedulers.Names), e.Message);
    }

    [Fact]
    public void SetScheduler_MissingVip_ThrowsNotFound()
    {
        var overlay = StateChanges.RemoveVip(File(), new StateOverlay(), s_dns);

        Assert.Equal(StateChangeError.NotFound, Assert.Throws<StateChangeException>(() => StateChanges.SetScheduler(File(), overlay, s_dns, "rr")).Error);
        Assert.Equal(StateChangeError.NotFound, Assert.Throws<StateChangeException>(() => StateChanges.SetScheduler(File(), overlay, s_app, "rr")).Error);
    }

    [Fact]
    public void SetScheduler_EveryName_ValidatesAsThatScheduler()
    {
        foreach (var scheduler in Schedulers.All)
        {
            var overlay = StateChanges.SetScheduler(File(), new StateOverlay(), s_v6, Schedulers.Name(scheduler));

            var spec = ConfigValidator.Validate(overlay.ApplyTo(File()));

            Assert.Equal(scheduler, spec.Vips.Single(v => v.Key == s_v6).Scheduler);
            Assert.All(spec.Vips.Where(v => v.Key != s_v6), v => Assert.Equal(Scheduler.Maglev, v.Scheduler));
        }
    }

    [Theory]
    [MemberData(nameof(Changes))]
    public void Change_AnyChange_LeavesInputOverlayAndFileUntouched(string name)
    {
        var file = File();
        var overlay = Busy(file);
        var overlayBefore = Json(overlay);
        var fileBefore = Json(file);

        var next = s_changes[name](file, overlay);

        Assert.Equal(overlayBefore, Json(overlay));
        Assert.Equal(fileBefore, Json(file));
        Assert.NotEqual(overlayBefore, Json(next));
        Assert.NotEqual(TestConfigs.Describe(overlay.ApplyTo(file)), TestConfigs.Describe(next.ApplyTo(file)));
    }

    [Theory]
    [MemberData(nameof(Changes))]
    public void Change_ThenChangeTheResult_LeavesFirstResultUntouched(string name)
    {
        var file = File();
        var first = s_changes[name](file, Busy(file));
        var firstBefore = Json(first);

        // Every kind of change again, on whatever the first one left.
        foreach (var change in s_changes.Values)
        {
            try
            {
                change(file, first);
            }
            catch (StateChangeException)
            {
            }
        }

        Assert.Equal(firstBefore, Json(first));
    }

    [Fact]
    public void Reload_FileAddsBackendToVipWithChanges_KeepsBothFileAndRunTimeChanges()
    {
        var overlay = StateChanges.SetWeight(File(), new StateOverlay(), s_web, "10.1.0.1", 5);
        overlay = StateChanges.AddBackend(File(), overlay, s_web, TestConfigs.Backend("10.1.0.9"));
        overlay = StateChanges.RemoveBackend(File(), overlay, s_web, "10.1.0.2");

        var reloaded = File();
        reloaded.Vips[0].Backends.Add(TestConfigs.Backend("10.1.0.3", 2));

        AssertEffective(reloaded, overlay,
        [
            "192.0.2.1:80/tcp 10.1.0.1 weight 5",
            "192.0.2.1:80/tcp 10.1.0.3 weight 2",
            "192.0.2.1:80/tcp 10.1.0.9 weight 1",
            .. s_dnsLines,
            .. s_v6Lines,
        ]);
    }

    [Fact]
    public void Reload_FileChangesWeightOfDrainedBackend_TakesFileWeightKeepsDrain()
    {
        var overlay = StateChanges.SetDrained(File(), new StateOverlay(), s_web, "10.1.0.1", true);

        var reloaded = File();
        reloaded.Vips[0].Backends[0].Weight = 8;

        AssertEffective(reloaded, overlay, ["192.0.2.1:80/tcp 10.1.0.1 weight 8 drained", "192.0.2.1:80/tcp 10.1.0.2 weight 1", .. s_dnsLines, .. s_v6Lines]);
    }

    [Fact]
    public void Reload_FileAddsVipAndOtherVips_KeepsRunTimeVipsAndRemovals()
    {
        var overlay = StateChanges.AddVip(File(), new StateOverlay(), App());
        overlay = StateChanges.RemoveVip(File(), overlay, s_dns);

        var reloaded = File();
        reloaded.Vips.Add(TestConfigs.Vip("203.0.113.1", 25, "tcp", "10.4.0.1"));

        AssertEffective(reloaded, overlay, [.. s_webLines, .. s_v6Lines, .. s_appLines, "203.0.113.1:25/tcp 10.4.0.1 weight 1"]);
    }

    [Fact]
    public void Reload_FileDefinesVipAddedAtRunTime_RunTimeVipWinsOnce()
    {
        var overlay = StateChanges.AddVip(File(), new StateOverlay(), App());

        var reloaded = File();
        reloaded.Vips.Add(TestConfigs.Vip("198.51.100.1", 8080, "tcp", "10.4.0.1"));

        AssertEffective(reloaded, overlay, [.. s_webLines, .. s_dnsLines, .. s_v6Lines, .. s_appLines]);
    }

    [Fact]
    public void Reload_FileDropsVipWithChanges_VipStaysGone()
    {
        var overlay = StateChanges.AddBackend(File(), new StateOverlay(), s_web, TestConfigs.Backend("10.1.0.9"));

        var reloaded = File();
        reloaded.Vips.RemoveAt(0);

        AssertEffective(reloaded, overlay, [.. s_dnsLines, .. s_v6Lines]);
    }

    [Fact]
    public void Reload_FileAddsBackendAddedAtRunTime_KeepsOneCopyWithRunTimeSettings()
    {
        var overlay = StateChanges.AddBackend(File(), new StateOverlay(), s_web, TestConfigs.Backend("10.1.0.3", 6));

        var reloaded = File();
        reloaded.Vips[0].Backends.Add(TestConfigs.Backend("10.1.0.3", 2));

        AssertEffective(reloaded, overlay, [.. s_webLines, "192.0.2.1:80/tcp 10.1.0.3 weight 6", .. s_dnsLines, .. s_v6Lines]);
    }

    public static TheoryData<string> Changes() => [.. s_changes.Keys];


    /// <summary>An overlay with something of every kind: a run-time VIP, a removed file VIP, and a file VIP with a backend added and one re-weighted.</summary>
    private static StateOverlay Busy(BalancerConfig file)
    {
        var overlay = StateChanges.AddVip(file, new StateOverlay(), App());
        overlay = StateChanges.RemoveVip(file, overlay, s_dns);
        overlay = StateChanges.AddBackend(file, overlay, s_web, TestConfigs.Backend("10.1.0.3"));
        return StateChanges.SetWeight(file, overlay, s_web, "10.1.0.1", 2);
    }

    private static BalancerConfig File() => new()
    {
        Vips =
        [
            TestConfigs.Vip("192.0.2.1", 80, "tcp", "10.1.0.1", "10.1.0.2"),
            TestConfigs.Vip("192.0.2.53", 53, "udp", "10.2.0.1"),
            TestConfigs.Vip("2001:db8::1", 443, "tcp", "fd00::1", "fd00::2"),
        ],
    };

    private static VipConfig App() => TestConfigs.Vip("198.51.100.1", 8080, "tcp", "10.3.0.1", "10.3.0.2");

    private static string Json<T>(T value) => JsonSerializer.Serialize(value);

    private static void AssertEffective(BalancerConfig file, StateOverlay overlay, string[] expected)
        => Assert.Equal(expected.Order(StringComparer.Ordinal), TestConfigs.Describe(overlay.ApplyTo(file)));
}
