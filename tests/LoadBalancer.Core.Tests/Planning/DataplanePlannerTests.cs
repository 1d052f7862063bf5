using System.Net;
using LoadBalancer.Core.Config;
using LoadBalancer.Core.Hashing;
using LoadBalancer.Core.Model;
using LoadBalancer.Core.Planning;
using LoadBalancer.Core.Scheduling;
using Xunit;

namespace LoadBalancer.Core.Tests.Planning;

public sealed class DataplanePlannerTests
{
    private static readonly TimeSpan s_t0 = TimeSpan.FromHours(12);

    private static readonly VipKey s_web = Key("192.0.2.1", 80, L4Protocol.Tcp);
    private static readonly VipKey s_dns = Key("192.0.2.53", 53, L4Protocol.Udp);
    private static readonly VipKey s_v6 = Key("2001:db8::1", 443, L4Protocol.Tcp);

    [Fact]
    public void Plan_UnrelatedVipAddedInFront_KeepsExistingIds()
    {
        var planner = Planner(out var config);
        config.Vips = [Web("10.1.0.1", "10.1.0.2"), Dns("10.2.0.1")];
        var before = planner.Plan(Validate(config), s_t0);

        config.Vips = [V6("fd00::1", "10.1.0.1"), Web("10.1.0.1", "10.1.0.2"), Dns("10.2.0.1")];
        var after = planner.Plan(Validate(config), s_t0 + TimeSpan.FromSeconds(1));

        AssertSameIds(before, after, [s_web, s_dns]);
        Assert.DoesNotContain(after.Vips[s_v6], before.Vips.Values);
        Assert.Equal(3, after.Vips.Values.Distinct().Count());
        Assert.Equal(5, after.Backends.Keys.Distinct().Count());
    }

    [Fact]
    public void Plan_ReusesTheRingOfAVipWhoseBackendsAreUnchanged_AndBuildsAChangedOnesAnew()
    {
        var planner = Planner(out var config);
        config.Vips = [Web("10.1.0.1", "10.1.0.2"), Dns("10.2.0.1", "10.2.0.2")];
        var before = planner.Plan(Validate(config), s_t0);

        config.Vips = [Web("10.1.0.1", "10.1.0.2"), Dns("10.2.0.1", "10.2.0.2", "10.2.0.3")];
        var spec = Validate(config);
        var after = planner.Plan(spec, s_t0 + TimeSpan.FromSeconds(1));

        Assert.Same(before.Rings[before.Vips[s_web]], after.Rings[after.Vips[s_web]]);
        Assert.NotSame(before.Rings[before.Vips[s_dns]], after.Rings[after.Vips[s_dns]]);
        // what is reused is exactly what a fresh planner builds for the same specification
        var fresh = new DataplanePlanner(spec.Node).Plan(spec, s_t0);
        Assert.Equal(fresh.Rings[fresh.Vips[s_web]], after.Rings[after.Vips[s_web]]);
        Assert.Equal(fresh.Rings[fresh.Vips[s_dns]], after.Rings[after.Vips[s_dns]]);

        config.Vips[0].Backends[0].Weight = 3;
        var reweighted = planner.Plan(Validate(config), s_t0 + TimeSpan.FromSeconds(2));
        Assert.NotSame(after.Rings[after.Vips[s_web]], reweighted.Rings[reweighted.Vips[s_web]]);
        Assert.NotEqual(after.Rings[after.Vips[s_web]], reweighted.Rings[reweighted.Vips[s_web]]);
    }

    [Fact]
    public void Plan_UnrelatedVipRemoved_KeepsExistingIds()
    {
        var planner = Planner(out var config);
        config.Vips = [V6("fd00::1"), Web("10.1.0.1", "10.1.0.2"), Dns("10.2.0.1")];
        var before = planner.Plan(Validate(config), s_t0);

        config.Vips = [Dns("10.2.0.1"), Web("10.1.0.1", "10.1.0.2")];
        var after = planner.Plan(Validate(config), s_t0 + TimeSpan.FromSeconds(1));

        AssertSameIds(before, after, [s_web, s_dns]);
        Assert.False(after.Vips.ContainsKey(s_v6));
        Assert.DoesNotContain(after.Backends.Values, b => b.Vip == s_v6);
        Assert.Equal(2, after.Rings.Count);
    }

    [Fact]
    public void Plan_UnrelatedBackendsAddedAndRemoved_KeepsOtherBackendIds()
    {
        var planner = Planner(out var config);
        config.Vips = [Web("10.1.0.1", "10.1.0.2", "10.1.0.3"), Dns("10.2.0.1")];
        var before = planner.Plan(Validate(config), s_t0);

        config.Vips = [Web("10.1.0.4", "10.1.0.3", "10.1.0.1"), Dns("10.2.0.2", "10.2.0.1")];
        var after = planner.Plan(Validate(config), s_t0 + TimeSpan.FromSeconds(1));

        foreach (var kept in new[] { new BackendRef(s_web, Ip("10.1.0.1")), new BackendRef(s_web, Ip("10.1.0.3")), new BackendRef(s_dns, Ip("10.2.0.1")) })
        {
            Assert.Equal(IdOf(before, kept), IdOf(after, kept));
        }
        Assert.Equal(before.Vips, after.Vips);
        var removedId = IdOf(before, new BackendRef(s_web, Ip("10.1.0.2")));
        Assert.False(after.Backends.ContainsKey(removedId));
    }

    [Fact]
    public void Plan_SameSpecAgain_SamePlan()
    {
        var planner = Planner(out var config);
        config.Vips = [Web("10.1.0.1", "10.1.0.2"), Dns("10.2.0.1"), V6("fd00::1", "10.1.0.1")];
        var spec = Validate(config);

        var first = planner.Plan(spec, s_t0);
        var second = planner.Plan(spec, s_t0 + TimeSpan.FromHours(1));

        Assert.Equal(first.Vips, second.Vips);
        Assert.Equal(first.Backends, second.Backends);
        Assert.Equal(first.Rings.Keys.Order(), second.Rings.Keys.Order());
        Assert.All(first.Rings, r => Assert.Equal(r.Value, second.Rings[r.Key]));
    }

    [Theory]
    [InlineData("15m", "5m")]
    [InlineData("1m", "20m")]
    [InlineData("30s", "30s")]
    public void Plan_RemovedBackend_IdNotReusedBeforeLongestIdleTimeout(string tcpIdle, string udpIdle)
    {
        var planner = Planner(out var config, tcpIdle, udpIdle);
        var quarantine = Max(config);
        config.Vips = [Web("10.1.0.1", "10.1.0.2")];
        var first = planner.Plan(Validate(config), s_t0);
        var goneId = IdOf(first, new BackendRef(s_web, Ip("10.1.0.2")));

        var removedAt = s_t0 + TimeSpan.FromMinutes(1);
        config.Vips = [Web("10.1.0.1")];
        planner.Plan(Validate(config), removedAt);

        // Every new backend added before the quarantine ends must get some other id, including
        // after the shorter idle timeout has passed.
        var shorter = Min(config);
        List<TimeSpan> times = [TimeSpan.Zero, quarantine - TimeSpan.FromSeconds(1)];
        if (shorter < quarantine)
        {
            times.Insert(1, shorter);
            times.Insert(2, (shorter + quarantine) / 2);
        }
        var newcomers = new List<string>();
        foreach (var at in times)
        {
            newcomers.Add($"10.1.1.{newcomers.Count + 1}");
            config.Vips = [Web(["10.1.0.1", .. newcomers])];
            var plan = planner.Plan(Validate(config), removedAt + at);

            Assert.False(plan.Backends.ContainsKey(goneId), $"id {goneId} of a backend removed {at} ago (quarantine {quarantine}) went to {(plan.Backends.TryGetValue(goneId, out var b) ? b.Address : null)}");
        }
    }

    [Theory]
    [InlineData("15m", "5m")]
    [InlineData("1m", "20m")]
    public void Plan_RemovedBackend_IdReusableAfterLongestIdleTimeout(string tcpIdle, string udpIdle)
    {
        var planner = Planner(out var config, tcpIdle, udpIdle);
        config.Vips = [Web("10.1.0.1", "10.1.0.2", "10.1.0.3")];
        var first = planner.Plan(Validate(config), s_t0);
        var goneId = IdOf(first, new BackendRef(s_web, Ip("10.1.0.2")));

        var removedAt = s_t0 + TimeSpan.FromMinutes(1);
        config.Vips = [Web("10.1.0.1", "10.1.0.3")];
        planner.Plan(Validate(config), removedAt);

        config.Vips = [Web("10.1.0.1", "10.1.0.3", "10.9.9.9")];
        var plan = planner.Plan(Validate(config), removedAt + Max(config));

        Assert.Equal(goneId, IdOf(plan, new BackendRef(s_web, Ip("10.9.9.9"))));
    }

    [Fact]
    public void Plan_SameAddressUnderTwoVips_GetsTwoIds()
    {
        var planner = Planner(out var config);
        config.Vips = [Web("10.1.0.1"), Dns("10.1.0.1")];

        var plan = planner.Plan(Validate(config), s_t0);

        var web = IdOf(plan, new BackendRef(s_web, Ip("10.1.0.1")));
        var dns = IdOf(plan, new BackendRef(s_dns, Ip("10.1.0.1")));
        Assert.NotEqual(web, dns);
        Assert.Equal(Ip("10.1.0.1"), plan.BackendAddress(web));
        Assert.Equal(Ip("10.1.0.1"), plan.BackendAddress(dns));
    }

    [Fact]
    public void Plan_Ids_WithinNodeCapacities()
    {
        var planner = Planner(out var config);
        config.Vips = [Web("10.1.0.1", "10.1.0.2"), Dns("10.2.0.1"), V6("fd00::1")];

        var plan = planner.Plan(Validate(config), s_t0);

        Assert.Equal([0u, 1u, 2u], plan.Vips.Values.Order());
        Assert.Equal([1u, 2u, 3u, 4u], plan.Backends.Keys.Order());
    }

    [Fact]
    public void Plan_Rings_HoldOnlyTheirOwnVipsLiveBackends()
    {
        var planner = Planner(out var config);
        var web = Web("10.1.0.1", "10.1.0.2", "10.1.0.3", "fd00::4");
        web.Backends[1].Weight = 0;
        var dns = Dns("10.2.0.1", "10.2.0.2");
        dns.Backends[0].Weight = 7;
        config.Vips = [web, dns, V6("10.1.0.1")];

        var plan = planner.Plan(Validate(config), s_t0);

        Assert.Equal(plan.Vips.Values.Order(), plan.Rings.Keys.Order());
        foreach (var (vip, vipId) in plan.Vips)
        {
            var ring = plan.Rings[vipId];
            var spec = config.Vips.Single(v => Key(v.Address, v.Port, v.Protocol == "tcp" ? L4Protocol.Tcp : L4Protocol.Udp) == vip);
            var live = spec.Backends.Where(b => b.Weight > 0).Select(b => IdOf(plan, new BackendRef(vip, Ip(b.Address)))).ToHashSet();

            Assert.Equal(65537, ring.Length);
            Assert.All(ring, id => Assert.Contains(id, live));
            Assert.Equal(live.Order(), ring.Distinct().Order());
        }
    }

    [Fact]
    public void Plan_Ring_EqualsMaglevTableOfItsBackends()
    {
        var planner = Planner(out var config);
        var web = Web("10.1.0.1", "10.1.0.2", "10.1.0.3", "fd00::4");
        web.Backends[0].Weight = 3;
        web.Backends[2].Weight = 0;
        config.Vips = [web, Dns("10.2.0.1", "10.2.0.2"), V6("fd00::1", "10.1.0.1")];
        var spec = Validate(config);

        var plan = planner.Plan(spec, s_t0);

        foreach (var vip in spec.Vips)
        {
            var members = vip.Backends
                .Select(b => new ScheduleMember(b.Address.GetAddressBytes(), IdOf(plan, new BackendRef(vip.Key, b.Address)), b.Weight))
                .ToList();
            Assert.Equal(MaglevTableBuilder.Build(members, spec.Node.RingSize), plan.Rings[plan.Vips[vip.Key]]);
        }
    }

    [Fact]
    public void Plan_BackendReplaced_RingMovesOnlyTheReplacedSlots()
    {
        var planner = Planner(out var config);
        var addresses = Enumerable.Range(1, 20).Select(i => $"10.1.0.{i}").ToArray();
        config.Vips = [Web(addresses)];
        var before = planner.Plan(Validate(config), s_t0);
        var goneId = IdOf(before, new BackendRef(s_web, Ip(addresses[5])));

        addresses[5] = "10.1.1.1";
        config.Vips = [Web(addresses)];
        var after = planner.Plan(Validate(config), s_t0 + TimeSpan.FromSeconds(1));

        var newId = IdOf(after, new BackendRef(s_web, Ip("10.1.1.1")));
        var oldRing = before.Rings[before.Vips[s_web]];
        var newRing = after.Rings[after.Vips[s_web]];
        var survivorsMoved = Enumerable.Range(0, oldRing.Length).Count(s => oldRing[s] != newRing[s] && oldRing[s] != goneId && newRing[s] != newId);
        Assert.NotEqual(goneId, newId);
        Assert.DoesNotContain(goneId, newRing);
        Assert.True(survivorsMoved <= 0.01 * oldRing.Length, $"{survivorsMoved} slots moved between surviving backends");
    }

    [Fact]
    public void Restore_IdsOfEarlierPlan_SameSpecGivesSamePlan()
    {
        var before = Planner(out var config);
        config.Vips = [V6("fd00::1"), Web("10.1.0.1", "10.1.0.2", "10.1.0.3"), Dns("10.2.0.1")];
        before.Plan(Validate(config), s_t0);
        config.Vips = [Web("10.1.0.1", "10.1.0.3", "10.1.0.4"), Dns("10.2.0.1")];
        var running = before.Plan(Validate(config), s_t0 + TimeSpan.FromMinutes(1));

        // A restart: a new planner takes over the ids the maps hold.
        var after = Planner(out _);
        after.Restore(running.Vips, running.Backends.ToDictionary(b => b.Value, b => b.Key), FlowReferences.None, s_t0 + TimeSpan.FromMinutes(2));
        var plan = after.Plan(Validate(config), s_t0 + TimeSpan.FromMinutes(2));

        Assert.Equal(running.Vips, plan.Vips);
        Assert.Equal(running.Backends, plan.Backends);
        AssertSameIds(running, plan, [s_web, s_dns]);
    }

    [Fact]
    public void Restore_NewVipsAndBackends_GetIdsNoRestoredOrUnknownIdHas()
    {
        var planner = Planner(out var config);
        planner.Restore(
            new Dictionary<VipKey, uint> { [s_web] = 4, [s_dns] = 1 },
            new Dictionary<BackendRef, uint>
            {
                [new BackendRef(s_web, Ip("10.1.0.1"))] = 7,
                [new BackendRef(s_web, Ip("10.1.0.2"))] = 3,
                [new BackendRef(s_dns, Ip("10.2.0.1"))] = 5,
            },
            FlowReferences.None,
            s_t0);
        config.Vips = [V6("fd00::1"), Web("10.1.0.1", "10.1.0.9", "10.1.0.2"), Dns("10.2.0.1")];

        var plan = planner.Plan(Validate(config), s_t0 + TimeSpan.FromSeconds(1));

        Assert.Equal(4u, plan.Vips[s_web]);
        Assert.Equal(1u, plan.Vips[s_dns]);
        Assert.Equal(7u, IdOf(plan, new BackendRef(s_web, Ip("10.1.0.1"))));
        Assert.Equal(3u, IdOf(plan, new BackendRef(s_web, Ip("10.1.0.2"))));
        Assert.Equal(5u, IdOf(plan, new BackendRef(s_dns, Ip("10.2.0.1"))));
        // Ids below the highest restored one may have been used before the restart: quarantined.
        Assert.Equal(5u, plan.Vips[s_v6]);
        Assert.Equal([8u, 9u], new[] { new BackendRef(s_v6, Ip("fd00::1")), new BackendRef(s_web, Ip("10.1.0.9")) }.Select(b => IdOf(plan, b)).Order());
    }

    [Fact]
    public void Restore_UnusedIdsBelowHighest_ReusedOnlyAfterLongestIdleTimeout()
    {
        var planner = Planner(out var config);
        planner.Restore(new Dictionary<VipKey, uint> { [s_web] = 2 }, new Dictionary<BackendRef, uint> { [new BackendRef(s_web, Ip("10.1.0.1"))] = 3 }, FlowReferences.None, s_t0);
        var quarantine = Max(config);

        config.Vips = [Web("10.1.0.1", "10.1.0.2"), Dns("10.2.0.1")];
        var early = planner.Plan(Validate(config), s_t0 + quarantine - TimeSpan.FromSeconds(1));
        config.Vips = [Web("10.1.0.1", "10.1.0.2"), Dns("10.2.0.1"), V6("fd00::1")];
        var late = planner.Plan(Validate(config), s_t0 + quarantine);

        Assert.Equal(3u, early.Vips[s_dns]);
        Assert.Equal([3u, 4u, 5u], early.Backends.Keys.Order());
        Assert.Equal(0u, late.Vips[s_v6]);
        Assert.Equal(1u, IdOf(late, new BackendRef(s_v6, Ip("fd00::1"))));
    }

    [Fact]
    public void Restore_RestoredVipMissingFromSpec_ItsIdsAreQuarantined()
    {
        var planner = Planner(out var config);
        planner.Restore(
            new Dictionary<VipKey, uint> { [s_web] = 0, [s_dns] = 1 },
            new Dictionary<BackendRef, uint> { [new BackendRef(s_web, Ip("10.1.0.1"))] = 1, [new BackendRef(s_dns, Ip("10.2.0.1"))] = 2 },
            FlowReferences.None,
            s_t0);
        config.Vips = [Web("10.1.0.1")];
        var first = planner.Plan(Validate(config), s_t0);

        config.Vips = [Web("10.1.0.1"), V6("fd00::1")];
        var second = planner.Plan(Validate(config), s_t0 + TimeSpan.FromMinutes(1));

        Assert.Equal(new Dictionary<VipKey, uint> { [s_web] = 0 }, first.Vips);
        Assert.Equal([1u], first.Backends.Keys);
        Assert.Equal(2u, second.Vips[s_v6]);
        Assert.Equal(3u, IdOf(second, new BackendRef(s_v6, Ip("fd00::1"))));
    }

    [Fact]
    public void Clone_PlanOnTheCopy_OriginalKeepsItsIds()
    {
        var planner = Planner(out var config);
        config.Vips = [Web("10.1.0.1", "10.1.0.2")];
        var first = planner.Plan(Validate(config), s_t0);

        var copy = planner.Clone();
        config.Vips = [Web("10.1.0.2"), Dns("10.2.0.1")];
        copy.Plan(Validate(config), s_t0);
        config.Vips = [Web("10.1.0.1", "10.1.0.2")];
        var again = planner.Plan(Validate(config), s_t0);

        // The copy released 10.1.0.1's id and gave ids to DNS; the original saw none of it.
        Assert.Equal(first.Vips, again.Vips);
        Assert.Equal(first.Backends, again.Backends);
    }

    [Fact]
    public void Restore_AfterAPlan_Throws()
    {
        var planner = Planner(out var config);
        config.Vips = [Web("10.1.0.1")];
        planner.Plan(Validate(config), s_t0);

        Assert.Throws<InvalidOperationException>(() => planner.Restore(
            new Dictionary<VipKey, uint> { [s_dns] = 5 },
            new Dictionary<BackendRef, uint>(),
            FlowReferences.None,
            s_t0));
    }

    [Fact]
    public void Restore_IdsOutsideCapacities_Throw()
    {
        var vipBeyond = Planner(out var config);
        var max = Validate(config).Node;

        Assert.Throws<ArgumentOutOfRangeException>(() => vipBeyond.Restore(new Dictionary<VipKey, uint> { [s_web] = max.MaxVips }, new Dictionary<BackendRef, uint>(), FlowReferences.None, s_t0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Planner(out _).Restore(
            new Dictionary<VipKey, uint> { [s_web] = 0 },
            new Dictionary<BackendRef, uint> { [new BackendRef(s_web, Ip("10.1.0.1"))] = 0 },
            FlowReferences.None,
            s_t0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Planner(out _).Restore(
            new Dictionary<VipKey, uint> { [s_web] = 0 },
            new Dictionary<BackendRef, uint> { [new BackendRef(s_web, Ip("10.1.0.1"))] = max.MaxBackends },
            FlowReferences.None,
            s_t0));
    }

    [Theory]
    [InlineData("ring_size", "65537 -> 251")]
    [InlineData("max_vips", "512 -> 64")]
    [InlineData("max_backends", "4096 -> 1024")]
    [InlineData("tcp_idle_timeout", "-> 00:10:00")]
    [InlineData("udp_idle_timeout", "-> 00:01:00")]
    public void Plan_LoadTimeSettingChanged_ThrowsNamingTheKey(string key, string change)
    {
        var planner = Planner(out var config);
        config.Vips = [Web("10.1.0.1")];
        planner.Plan(Validate(config), s_t0);
        SetLoadTimeSetting(config.Node, key);

        var error = Assert.Throws<InvalidOperationException>(() => planner.Plan(Validate(config), s_t0 + TimeSpan.FromSeconds(1)));

        Assert.StartsWith($"node.{key} (", error.Message);
        Assert.Contains(change, error.Message);
        Assert.Contains("fixed when the data plane is loaded", error.Message);
    }

    [Fact]
    public void Plan_SeveralLoadTimeSettingsChanged_NamesEveryOne()
    {
        var planner = Planner(out var config);
        config.Vips = [Web("10.1.0.1")];
        foreach (var key in new[] { "ring_size", "max_vips", "max_backends", "tcp_idle_timeout", "udp_idle_timeout" })
        {
            SetLoadTimeSetting(config.Node, key);
        }

        var error = Assert.Throws<InvalidOperationException>(() => planner.Plan(Validate(config), s_t0));

        foreach (var key in new[] { "ring_size", "max_vips", "max_backends", "tcp_idle_timeout", "udp_idle_timeout" })
        {
            Assert.Contains($"node.{key} (", error.Message);
        }
    }

    [Fact]
    public void Plan_IdsRunOut_ThrowsAndLeavesPlannerStateUnchanged()
    {
        var config = new BalancerConfig { Node = new NodeConfig { MaxVips = 2 }, Vips = [Web("10.1.0.1"), Dns("10.2.0.1")] };
        var planner = new DataplanePlanner(Validate(config).Node);
        var before = planner.Plan(Validate(config), s_t0);

        // The DNS VIP's id is quarantined once it is gone, so the IPv6 VIP finds no id.
        config.Vips = [Web("10.1.0.1"), V6("fd00::1")];
        var error = Assert.Throws<InvalidOperationException>(() => planner.Plan(Validate(config), s_t0 + TimeSpan.FromSeconds(1)));
        Assert.Contains("ids are in use or in quarantine", error.Message);

        config.Vips = [Web("10.1.0.1"), Dns("10.2.0.1")];
        var after = planner.Plan(Validate(config), s_t0 + TimeSpan.FromSeconds(2));
        AssertSameIds(before, after, [s_web, s_dns]);
    }

    [Fact]
    public void Plan_RunTimeChanges_AcceptedWithIdsKept()
    {
        var planner = Planner(out var config);
        config.Vips = [Web("10.1.0.1", "10.1.0.2", "10.1.0.3"), Dns("10.2.0.1")];
        var before = planner.Plan(Validate(config), s_t0);

        config.Node.RedirectInterfaces = ["eth1", "eth2"];
        var web = Web("10.1.0.1", "10.1.0.2", "10.1.0.3", "10.1.0.4");
        web.Backends[0].Weight = 5;
        web.Backends[1].Drained = true;
        config.Vips = [web, Dns("10.2.0.1"), V6("fd00::1")];
        var after = planner.Plan(Validate(config), s_t0 + TimeSpan.FromSeconds(1));

        Assert.Equal(before.Vips[s_web], after.Vips[s_web]);
        Assert.Equal(before.Vips[s_dns], after.Vips[s_dns]);
        foreach (var address in new[] { "10.1.0.1", "10.1.0.2", "10.1.0.3" })
        {
            Assert.Equal(IdOf(before, new BackendRef(s_web, Ip(address))), IdOf(after, new BackendRef(s_web, Ip(address))));
        }
        var ring = after.Rings[after.Vips[s_web]];
        Assert.DoesNotContain(IdOf(after, new BackendRef(s_web, Ip("10.1.0.2"))), ring);
        Assert.Contains(IdOf(after, new BackendRef(s_web, Ip("10.1.0.4"))), ring);
        var heavy = ring.Count(id => id == IdOf(after, new BackendRef(s_web, Ip("10.1.0.1"))));
        var light = ring.Count(id => id == IdOf(after, new BackendRef(s_web, Ip("10.1.0.3"))));
        Assert.True(heavy > 3 * light, $"weight 5 got {heavy} slots, weight 1 got {light}");
    }

    private static void SetLoadTimeSetting(NodeConfig node, string key)
    {
        switch (key)
        {
            case "ring_size": node.RingSize = 251; break;
            case "max_vips": node.MaxVips = 64; break;
            case "max_backends": node.MaxBackends = 1024; break;
            case "tcp_idle_timeout": node.TcpIdleTimeout = "10m"; break;
            case "udp_idle_timeout": node.UdpIdleTimeout = "1m"; break;
            default: throw new ArgumentOutOfRangeException(nameof(key), key, "not a load-time setting");
        }
    }

    private static DataplanePlanner Planner(out BalancerConfig config, string tcpIdle = "15m", string udpIdle = "5m")
    {
        config = new BalancerConfig { Node = new NodeConfig { TcpIdleTimeout = tcpIdle, UdpIdleTimeout = udpIdle } };
        return new DataplanePlanner(ConfigValidator.Validate(new BalancerConfig { Node = config.Node }).Node);
    }

    private static BalancerSpec Validate(BalancerConfig config) => ConfigValidator.Validate(config);

    private static TimeSpan Max(BalancerConfig config)
    {
        var node = Validate(config).Node;
        return node.TcpIdleTimeout > node.UdpIdleTimeout ? node.TcpIdleTimeout : node.UdpIdleTimeout;
    }

    private static TimeSpan Min(BalancerConfig config)
    {
        var node = Validate(config).Node;
        return node.TcpIdleTimeout < node.UdpIdleTimeout ? node.TcpIdleTimeout : node.UdpIdleTimeout;
    }

    private static VipConfig Web(params string[] backends) => TestConfigs.Vip("192.0.2.1", 80, "tcp", backends);

    private static VipConfig Dns(params string[] backends) => TestConfigs.Vip("192.0.2.53", 53, "udp", backends);

    private static VipConfig V6(params string[] backends) => TestConfigs.Vip("2001:db8::1", 443, "tcp", backends);

    private static VipKey Key(string address, long port, L4Protocol protocol) => new(Ip(address), (ushort)port, protocol);

    private static IPAddress Ip(string address) => IPAddress.Parse(address);

    private static uint IdOf(DataplanePlan plan, BackendRef backend) => plan.Backends.Single(b => b.Value == backend).Key;

    private static void AssertSameIds(DataplanePlan before, DataplanePlan after, VipKey[] vips)
    {
        foreach (var vip in vips)
        {
            Assert.Equal(before.Vips[vip], after.Vips[vip]);
            var beforeBackends = before.Backends.Where(b => b.Value.Vip == vip).ToDictionary(b => b.Value, b => b.Key);
            var afterBackends = after.Backends.Where(b => b.Value.Vip == vip).ToDictionary(b => b.Value, b => b.Key);
            Assert.Equal(beforeBackends, afterBackends);
            Assert.Equal(before.Rings[before.Vips[vip]], after.Rings[after.Vips[vip]]);
        }
    }
}
