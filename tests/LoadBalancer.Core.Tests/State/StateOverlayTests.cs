using System.Text.Json;
using System.Text.Json.Serialization;
using LoadBalancer.Core.Config;
using LoadBalancer.Core.Model;
using LoadBalancer.Core.State;
using Xunit;

namespace LoadBalancer.Core.Tests.State;

public sealed class StateOverlayTests
{
    // As the daemon's FileStateStore writes and reads the state file.
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private static readonly VipKey s_web = VipKey.Parse("192.0.2.1:80/tcp");
    private static readonly VipKey s_dns = VipKey.Parse("192.0.2.53:53/udp");
    private static readonly VipKey s_v6 = VipKey.Parse("[2001:db8::1]:443/tcp");

    [Fact]
    public void ApplyTo_EmptyOverlay_GivesEquivalentConfiguration()
    {
        var file = File();

        var effective = new StateOverlay().ApplyTo(file);

        Assert.Equal(JsonSerializer.Serialize(file), JsonSerializer.Serialize(effective));
    }

    [Fact]
    public void Canonical_KeysWrittenByHand_ComeOutAsTheChangesWriteThem()
    {
        var overlay = new StateOverlay
        {
            RemovedVips = ["192.0.2.53:53/UDP", "192.0.2.53:53/udp"],
            Vips = { ["[2001:DB8:0::1]:443"] = new VipOverlay { RemovedBackends = ["2001:db8:0::7"], Backends = { ["2001:DB8::0:5"] = new BackendSettings(Weight: 3) } } },
        };

        var canonical = overlay.Canonical();

        Assert.Equal([s_dns.ToString()], canonical.RemovedVips);
        var vip = Assert.Single(canonical.Vips);
        Assert.Equal(s_v6.ToString(), vip.Key);
        Assert.Equal(["2001:db8::7"], vip.Value.RemovedBackends);
        Assert.Equal(new BackendSettings(Weight: 3), Assert.Single(vip.Value.Backends, b => b.Key == "2001:db8::5").Value);
        Assert.Equal("[2001:DB8:0::1]:443", Assert.Single(overlay.Vips).Key);
    }

    [Fact]
    public void Canonical_KeyThatIsNoVip_Throws()
    {
        var overlay = new StateOverlay { RemovedVips = ["192.0.2.999:80/tcp"] };

        Assert.Throws<FormatException>(overlay.Canonical);
    }

    [Fact]
    public void ApplyTo_ResultChanged_FileUntouched()
    {
        var file = File();
        var overlay = new StateOverlay { Vips = { [s_web.ToString()] = new VipOverlay { Backends = { ["10.1.0.1"] = new BackendSettings(Weight: 3) } } } };
        var before = JsonSerializer.Serialize(file);

        var effective = overlay.ApplyTo(file);
        effective.Vips[0].Backends[0].Weight = 40;
        effective.Vips[0].Backends.Add(TestConfigs.Backend("10.1.0.99"));
        effective.Vips[1].Backends[0].Drained = true;
        effective.Vips[2].Address = "2001:db8::99";
        effective.Vips.RemoveAt(1);

        Assert.Equal(before, JsonSerializer.Serialize(file));
    }

    [Fact]
    public void ApplyTo_RemovedVips_LeavesThemOut()
    {
        var overlay = new StateOverlay { RemovedVips = [s_dns.ToString(), s_v6.ToString()] };

        AssertEffective(File(), overlay, "192.0.2.1:80/tcp 10.1.0.1 weight 1", "192.0.2.1:80/tcp 10.1.0.2 weight 1");
    }

    [Fact]
    public void ApplyTo_RemovedVipNotInFile_ChangesNothing()
    {
        var overlay = new StateOverlay { RemovedVips = ["203.0.113.1:25/tcp"] };

        Assert.Equal(TestConfigs.Describe(File()), TestConfigs.Describe(overlay.ApplyTo(File())));
    }

    [Fact]
    public void ApplyTo_AddedVipWithFileKey_ReplacesFileVip()
    {
        var overlay = new StateOverlay { AddedVips = [TestConfigs.Vip("2001:db8:0::1", 443, "TCP", "fd00::9")] };

        AssertEffective(File(), overlay,
            "192.0.2.1:80/tcp 10.1.0.1 weight 1",
            "192.0.2.1:80/tcp 10.1.0.2 weight 1",
            "192.0.2.53:53/udp 10.2.0.1 weight 1",
            "[2001:db8::1]:443/tcp fd00::9 weight 1");
    }

    [Fact]
    public void ApplyTo_VipOverlay_AddsRemovesAndResetsBackends()
    {
        var overlay = new StateOverlay
        {
            Vips =
            {
                [s_v6.ToString()] = new VipOverlay
                {
                    AddedBackends = [TestConfigs.Backend("fd00::3", 4)],
                    RemovedBackends = ["fd00::2"],
                    Backends = { ["fd00::1"] = new BackendSettings(Drained: true) },
                },
            },
        };

        AssertEffective(File(), overlay,
            "192.0.2.1:80/tcp 10.1.0.1 weight 1",
            "192.0.2.1:80/tcp 10.1.0.2 weight 1",
            "192.0.2.53:53/udp 10.2.0.1 weight 1",
            "[2001:db8::1]:443/tcp fd00::1 weight 1 drained",
            "[2001:db8::1]:443/tcp fd00::3 weight 4");
    }

    [Fact]
    public void ApplyTo_NonCanonicalFileAddresses_MatchCanonicalOverlay()
    {
        var file = File();
        file.Vips[2].Address = "2001:DB8:0::0:1";
        file.Vips[2].Protocol = "TCP";
        file.Vips[2].Backends = [TestConfigs.Backend("FD00::0:1"), TestConfigs.Backend("fd00:0::2"), TestConfigs.Backend("fd00::0:3")];
        var overlay = new StateOverlay
        {
            Vips =
            {
                [s_v6.ToString()] = new VipOverlay
                {
                    AddedBackends = [TestConfigs.Backend("fd00::3", 5)],
                    RemovedBackends = ["fd00::2"],
                    Backends = { ["fd00::1"] = new BackendSettings(Weight: 7) },
                },
            },
        };

        AssertEffective(file, overlay,
            "192.0.2.1:80/tcp 10.1.0.1 weight 1",
            "192.0.2.1:80/tcp 10.1.0.2 weight 1",
            "192.0.2.53:53/udp 10.2.0.1 weight 1",
            "[2001:db8::1]:443/tcp fd00::1 weight 7",
            "[2001:db8::1]:443/tcp fd00::3 weight 5");
    }

    [Fact]
    public void ApplyTo_RemovedBackendSpelledDifferently_LeavesFileBackendOut()
    {
        var overlay = new StateOverlay { Vips = { [s_v6.ToString()] = new VipOverlay { RemovedBackends = ["FD00::0:2"] } } };

        AssertEffective(File(), overlay,
            "192.0.2.1:80/tcp 10.1.0.1 weight 1",
            "192.0.2.1:80/tcp 10.1.0.2 weight 1",
            "192.0.2.53:53/udp 10.2.0.1 weight 1",
            "[2001:db8::1]:443/tcp fd00::1 weight 1");
    }

    [Fact]
    public void ApplyTo_AddedBackendSpelledDifferently_ReplacesFileBackend()
    {
        var overlay = new StateOverlay { Vips = { [s_v6.ToString()] = new VipOverlay { AddedBackends = [TestConfigs.Backend("fd00:0::0:2", 8)] } } };

        AssertEffective(File(), overlay,
            "192.0.2.1:80/tcp 10.1.0.1 weight 1",
            "192.0.2.1:80/tcp 10.1.0.2 weight 1",
            "192.0.2.53:53/udp 10.2.0.1 weight 1",
            "[2001:db8::1]:443/tcp fd00::1 weight 1",
            "[2001:db8::1]:443/tcp fd00::2 weight 8");
    }

    [Fact]
    public void ApplyTo_BackendSettingsKeySpelledDifferently_AppliesToFileBackend()
    {
        // The state file is plain JSON an operator may edit; RemovedBackends and AddedBackends match
        // file backends canonically, so the settings' keys should too.
        var overlay = new StateOverlay { Vips = { [s_v6.ToString()] = new VipOverlay { Backends = { ["fd00:0::0:1"] = new BackendSettings(Weight: 2, Drained: true) } } } };

        AssertEffective(File(), overlay,
            "192.0.2.1:80/tcp 10.1.0.1 weight 1",
            "192.0.2.1:80/tcp 10.1.0.2 weight 1",
            "192.0.2.53:53/udp 10.2.0.1 weight 1",
            "[2001:db8::1]:443/tcp fd00::1 weight 2 drained",
            "[2001:db8::1]:443/tcp fd00::2 weight 1");
    }

    [Fact]
    public void ApplyTo_RemovedVipSpelledDifferently_LeavesItOut()
    {
        var overlay = new StateOverlay { RemovedVips = ["[2001:DB8::0:1]:443/TCP"] };

        Assert.DoesNotContain(TestConfigs.Describe(overlay.ApplyTo(File())), line => line.StartsWith("[2001:db8::1]", StringComparison.Ordinal));
    }

    [Fact]
    public void ApplyTo_BackendSettingsLeftUnset_KeepFileValues()
    {
        var file = File();
        file.Vips[0].Backends[0].Weight = 6;
        file.Vips[0].Backends[1].Drained = true;
        var overlay = new StateOverlay
        {
            Vips =
            {
                [s_web.ToString()] = new VipOverlay
                {
                    Backends = { ["10.1.0.1"] = new BackendSettings(Drained: true), ["10.1.0.2"] = new BackendSettings(Weight: 3) },
                },
            },
        };

        Assert.Equal(
            ["192.0.2.1:80/tcp 10.1.0.1 weight 6 drained", "192.0.2.1:80/tcp 10.1.0.2 weight 3 drained"],
            TestConfigs.Describe(overlay.ApplyTo(file)).Where(l => l.StartsWith("192.0.2.1:", StringComparison.Ordinal)));
    }

    [Fact]
    public void Clone_CopyChanged_OriginalUntouched()
    {
        var original = Busy(File());
        var before = JsonSerializer.Serialize(original);

        var copy = original.Clone();
        copy.AddedVips[0].Backends[0].Weight = 99;
        copy.AddedVips[0].Backends.Add(TestConfigs.Backend("10.3.0.99"));
        copy.AddedVips.Add(TestConfigs.Vip("203.0.113.1", 25, "tcp", "10.4.0.1"));
        copy.RemovedVips.Clear();
        var vip = copy.Vips[s_web.ToString()];
        vip.AddedBackends[0].Drained = true;
        vip.RemovedBackends.Add("10.1.0.1");
        vip.Backends["10.1.0.2"] = new BackendSettings(Weight: 0);
        copy.Vips.Remove(s_web.ToString());
        copy.Vips[s_v6.ToString()].Scheduler = "rr";

        Assert.Equal(before, JsonSerializer.Serialize(original));
    }

    [Fact]
    public void Json_RoundTrip_GivesSameEffectiveConfiguration()
    {
        var file = File();
        var overlay = Busy(file);

        var text = JsonSerializer.Serialize(overlay, s_json);
        var read = JsonSerializer.Deserialize<StateOverlay>(text, s_json)!;

        Assert.Equal(TestConfigs.Describe(overlay.ApplyTo(file)), TestConfigs.Describe(read.ApplyTo(file)));
        Assert.Equal(text, JsonSerializer.Serialize(read, s_json));
    }

    [Fact]
    public void Json_RoundTrip_KeepsRunTimeVipsAndAllowsFurtherChanges()
    {
        var file = File();
        var read = JsonSerializer.Deserialize<StateOverlay>(JsonSerializer.Serialize(Busy(file), s_json), s_json)!;

        Assert.True(read.IsRuntimeVip(VipKey.Parse("198.51.100.1:8080/tcp")));
        var next = StateChanges.SetDrained(file, read, s_web, "10.1.0.1", true);
        next = StateChanges.RemoveBackend(file, next, s_web, "10.1.0.3");
        next = StateChanges.AddVip(file, next, TestConfigs.Vip("192.0.2.53", 53, "udp", "10.2.0.9"));

        AssertEffective(file, next,
            "192.0.2.1:80/tcp 10.1.0.1 weight 2 drained",
            "192.0.2.53:53/udp 10.2.0.9 weight 1",
            "[2001:db8::1]:443/tcp wlc fd00::1 weight 1 drained",
            "198.51.100.1:8080/tcp 10.3.0.1 weight 1",
            "198.51.100.1:8080/tcp 10.3.0.2 weight 1");
    }

    [Fact]
    public void ApplyTo_VipOverlayScheduler_SetsOnlyThatVipsScheduler()
    {
        var file = File();
        file.Vips[1].Scheduler = "rr";
        var overlay = new StateOverlay { Vips = { [s_v6.ToString()] = new VipOverlay { Scheduler = "maglev-src" } } };

        AssertEffective(file, overlay,
            "192.0.2.1:80/tcp 10.1.0.1 weight 1",
            "192.0.2.1:80/tcp 10.1.0.2 weight 1",
            "192.0.2.53:53/udp rr 10.2.0.1 weight 1",
            "[2001:db8::1]:443/tcp maglev-src fd00::1 weight 1",
            "[2001:db8::1]:443/tcp maglev-src fd00::2 weight 1");
        Assert.Equal("maglev", file.Vips[2].Scheduler);
    }

    [Fact]
    public void ApplyTo_VipOverlaySchedulerUnset_KeepsFileScheduler()
    {
        var file = File();
        file.Vips[0].Scheduler = "wrr";
        var overlay = new StateOverlay { Vips = { [s_web.ToString()] = new VipOverlay { RemovedBackends = ["10.1.0.2"] } } };

        Assert.Equal(["192.0.2.1:80/tcp wrr 10.1.0.1 weight 1"], TestConfigs.Describe(overlay.ApplyTo(file)).Where(l => l.StartsWith("192.0.2.1:", StringComparison.Ordinal)));
    }

    [Fact]
    public void VipOverlay_SchedulerOnly_IsNotEmpty()
    {
        Assert.True(new VipOverlay().IsEmpty);
        Assert.False(new VipOverlay { Scheduler = "rr" }.IsEmpty);
    }

    [Theory]
    [InlineData("WRR", "wrr")]
    [InlineData("Maglev-Src", "maglev-src")]
    [InlineData("fifo", "fifo")]
    public void Canonical_Scheduler_ComesOutAsItsName(string written, string canonical)
    {
        // A name that is no scheduler is kept as written, for validation to report.
        var overlay = new StateOverlay { Vips = { [s_web.ToString()] = new VipOverlay { Scheduler = written } } };

        var result = overlay.Canonical();

        Assert.Equal(canonical, result.Vips[s_web.ToString()].Scheduler);
        Assert.Equal(written, overlay.Vips[s_web.ToString()].Scheduler);
    }

    [Fact]
    public void Json_SchedulerSetAtRunTime_PersistsOnFileAndRunTimeVips()
    {
        var file = File();
        var app = TestConfigs.Vip("198.51.100.1", 8080, "tcp", "10.3.0.1");
        var overlay = StateChanges.AddVip(file, new StateOverlay(), app);
        overlay = StateChanges.SetScheduler(file, overlay, VipKey.Parse("198.51.100.1:8080/tcp"), "lc");
        overlay = StateChanges.SetScheduler(file, overlay, s_dns, "maglev-src");

        var text = JsonSerializer.Serialize(overlay.Canonical(), s_json);
        var read = JsonSerializer.Deserialize<StateOverlay>(text, s_json)!.Canonical();

        Assert.Contains("\"scheduler\": \"maglev-src\"", text);
        Assert.Equal("maglev-src", read.Vips[s_dns.ToString()].Scheduler);
        AssertEffective(file, read,
            "192.0.2.1:80/tcp 10.1.0.1 weight 1",
            "192.0.2.1:80/tcp 10.1.0.2 weight 1",
            "192.0.2.53:53/udp maglev-src 10.2.0.1 weight 1",
            "[2001:db8::1]:443/tcp fd00::1 weight 1",
            "[2001:db8::1]:443/tcp fd00::2 weight 1",
            "198.51.100.1:8080/tcp lc 10.3.0.1 weight 1");
    }

    [Fact]
    public void Json_StateFileWithoutSchedulers_KeepsFileSchedulersAndDefaults()
    {
        // A state file written before schedulers existed: no "scheduler" anywhere.
        const string text = """
            {
              "addedVips": [ { "address": "198.51.100.1", "port": 8080, "protocol": "tcp", "backends": [ { "address": "10.3.0.1", "weight": 1, "drained": false } ] } ],
              "vips": { "192.0.2.1:80/tcp": { "removedBackends": [ "10.1.0.2" ] } }
            }
            """;
        var file = File();
        file.Vips[0].Scheduler = "wrr";

        var read = JsonSerializer.Deserialize<StateOverlay>(text, s_json)!;

        Assert.Null(read.Vips[s_web.ToString()].Scheduler);
        Assert.Equal("maglev", read.AddedVips[0].Scheduler);
        Assert.Contains("192.0.2.1:80/tcp wrr 10.1.0.1 weight 1", TestConfigs.Describe(read.ApplyTo(file)));
    }

    [Fact]
    public void Json_EmptyObject_IsEmptyOverlay()
    {
        var read = JsonSerializer.Deserialize<StateOverlay>("{}", s_json)!;

        Assert.Equal(TestConfigs.Describe(File()), TestConfigs.Describe(read.ApplyTo(File())));
    }

    /// <summary>
    /// Something of every kind, made with <see cref="StateChanges"/> as the daemon does: a run-time VIP, a removed
    /// file VIP, a file VIP with a backend added, one removed, one re-weighted and one drained with its weight unset,
    /// and a file VIP with its scheduler set.
    /// </summary>
    private static StateOverlay Busy(BalancerConfig file)
    {
        var overlay = StateChanges.AddVip(file, new StateOverlay(), TestConfigs.Vip("198.51.100.1", 8080, "tcp", "10.3.0.1", "10.3.0.2"));
        overlay = StateChanges.RemoveVip(file, overlay, s_dns);
        overlay = StateChanges.AddBackend(file, overlay, s_web, TestConfigs.Backend("10.1.0.3", 3, drained: true));
        overlay = StateChanges.SetWeight(file, overlay, s_web, "10.1.0.1", 2);
        overlay = StateChanges.SetDrained(file, overlay, s_v6, "fd00::1", true);
        overlay = StateChanges.RemoveBackend(file, overlay, s_v6, "fd00::2");
        overlay = StateChanges.SetScheduler(file, overlay, s_v6, "wlc");
        return StateChanges.RemoveBackend(file, overlay, s_web, "10.1.0.2");
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

    private static void AssertEffective(BalancerConfig file, StateOverlay overlay, params string[] expected)
        => Assert.Equal(expected.Order(StringComparer.Ordinal), TestConfigs.Describe(overlay.ApplyTo(file)));
}
