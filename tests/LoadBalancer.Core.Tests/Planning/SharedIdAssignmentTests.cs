using System.Net;
using LoadBalancer.Core.Config;
using LoadBalancer.Core.Model;
using LoadBalancer.Core.Planning;
using Xunit;

namespace LoadBalancer.Core.Tests.Planning;

public sealed class SharedIdAssignmentTests
{
    private static readonly DateTimeOffset s_t0 = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan s_quarantine = TimeSpan.FromMinutes(15);
    private static readonly PinnedIds s_none = new(new Dictionary<VipKey, uint>(), new Dictionary<BackendRef, uint>());

    private static readonly VipKey s_web = VipKey.Parse("192.0.2.1:80/tcp");
    private static readonly VipKey s_dns = VipKey.Parse("192.0.2.53:53/udp");
    private static readonly VipKey s_v6 = VipKey.Parse("[2001:db8::1]:443/tcp");

    [Fact]
    public void Assign_EmptyStore_NumbersVipsByKeyTextAndBackendsByAddress()
    {
        var result = Assign(s_none, [], [Vip(s_v6, "10.3.0.1"), Vip(s_web, "10.1.0.10", "fd00::1", "10.1.0.2"), Vip(s_dns, "10.2.0.1")]);

        // "192.0.2.1:80/tcp" < "192.0.2.53:53/udp" < "[2001:db8::1]:443/tcp" (ordinal)
        Assert.Equal(0u, result.Ids.Vips[s_web]);
        Assert.Equal(1u, result.Ids.Vips[s_dns]);
        Assert.Equal(2u, result.Ids.Vips[s_v6]);
        // backend ids start at 1; within a VIP IPv4 numerically (10.1.0.2 before 10.1.0.10), then IPv6
        Assert.Equal(1u, result.Ids.Backends[Ref(s_web, "10.1.0.2")]);
        Assert.Equal(2u, result.Ids.Backends[Ref(s_web, "10.1.0.10")]);
        Assert.Equal(3u, result.Ids.Backends[Ref(s_web, "fd00::1")]);
        Assert.Equal(4u, result.Ids.Backends[Ref(s_dns, "10.2.0.1")]);
        Assert.Equal(5u, result.Ids.Backends[Ref(s_v6, "10.3.0.1")]);
        Assert.Empty(result.Released);
    }

    [Fact]
    public void Assign_SameInputsListedInAnotherOrder_SameResult()
    {
        var a = Assign(s_none, [], [Vip(s_web, "10.1.0.1", "10.1.0.2", "10.1.0.3"), Vip(s_dns, "10.2.0.1", "10.2.0.2")]);
        var b = Assign(s_none, [], [Vip(s_dns, "10.2.0.2", "10.2.0.1"), Vip(s_web, "10.1.0.3", "10.1.0.1", "10.1.0.2")]);

        Assert.Equal(Describe(a), Describe(b));
    }

    [Fact]
    public void Assign_KeptVipsAndBackends_KeepTheirIdsWhateverIsAddedOrRemoved()
    {
        var before = Assign(s_none, [], [Vip(s_web, "10.1.0.1", "10.1.0.2", "10.1.0.3"), Vip(s_dns, "10.2.0.1")]);

        // a VIP whose key sorts first is added, and backends on both sides of the kept ones
        var after = Assign(before.Ids, before.Released,
            [Vip(VipKey.Parse("1.1.1.1:80/tcp"), "10.9.0.1"), Vip(s_web, "10.1.0.0", "10.1.0.2", "10.1.0.4"), Vip(s_dns, "10.2.0.1")],
            now: s_t0 + TimeSpan.FromMinutes(1));

        Assert.Equal(before.Ids.Vips[s_web], after.Ids.Vips[s_web]);
        Assert.Equal(before.Ids.Vips[s_dns], after.Ids.Vips[s_dns]);
        Assert.Equal(before.Ids.Backends[Ref(s_web, "10.1.0.2")], after.Ids.Backends[Ref(s_web, "10.1.0.2")]);
        Assert.Equal(before.Ids.Backends[Ref(s_dns, "10.2.0.1")], after.Ids.Backends[Ref(s_dns, "10.2.0.1")]);
        Assert.Equal(after.Ids.Backends.Count, after.Ids.Backends.Values.Distinct().Count());
        Assert.Equal(after.Ids.Vips.Count, after.Ids.Vips.Values.Distinct().Count());
    }

    [Fact]
    public void Assign_RemovedBackend_QuarantinedUntilNowPlusQuarantine_AndNotReusedMeanwhile()
    {
        var before = Assign(s_none, [], [Vip(s_web, "10.1.0.1", "10.1.0.2", "10.1.0.3")]);
        var removed = before.Ids.Backends[Ref(s_web, "10.1.0.2")];
        var t1 = s_t0 + TimeSpan.FromMinutes(1);

        var after = Assign(before.Ids, before.Released, [Vip(s_web, "10.1.0.1", "10.1.0.3")], now: t1);
        var readded = Assign(after.Ids, after.Released, [Vip(s_web, "10.1.0.1", "10.1.0.3", "10.1.0.2", "10.1.0.9")],
            now: t1 + s_quarantine - TimeSpan.FromSeconds(1));

        Assert.Equal([new ReleasedId(ReleasedId.IdKind.Backend, removed, t1 + s_quarantine)], after.Released);
        Assert.False(after.Ids.Backends.ContainsKey(Ref(s_web, "10.1.0.2")));
        Assert.DoesNotContain(removed, readded.Ids.Backends.Values);
        Assert.Equal([4u, 5u], new[] { "10.1.0.2", "10.1.0.9" }.Select(a => readded.Ids.Backends[Ref(s_web, a)]));
        Assert.Equal(after.Released, readded.Released);
    }

    [Fact]
    public void Assign_QuarantineOver_EntryDroppedAndLowestIdReused()
    {
        var before = Assign(s_none, [], [Vip(s_web, "10.1.0.1", "10.1.0.2", "10.1.0.3")]);
        var after = Assign(before.Ids, before.Released, [Vip(s_web, "10.1.0.1", "10.1.0.3")], now: s_t0);

        var later = Assign(after.Ids, after.Released, [Vip(s_web, "10.1.0.1", "10.1.0.3", "10.1.0.7")], now: s_t0 + s_quarantine);

        Assert.Empty(later.Released);
        Assert.Equal(2u, later.Ids.Backends[Ref(s_web, "10.1.0.7")]);
    }

    [Fact]
    public void Assign_RemovedVip_QuarantinesItsIdAndItsBackendsIds()
    {
        var before = Assign(s_none, [], [Vip(s_web, "10.1.0.1"), Vip(s_dns, "10.2.0.1", "10.2.0.2")]);

        var after = Assign(before.Ids, before.Released, [Vip(s_web, "10.1.0.1"), Vip(s_v6, "10.3.0.1")]);

        var until = s_t0 + s_quarantine;
        Assert.Equal(
            [new(ReleasedId.IdKind.Vip, 1, until), new(ReleasedId.IdKind.Backend, 2, until), new(ReleasedId.IdKind.Backend, 3, until)],
            after.Released);
        Assert.Equal(2u, after.Ids.Vips[s_v6]);
        Assert.Equal(4u, after.Ids.Backends[Ref(s_v6, "10.3.0.1")]);
        Assert.DoesNotContain(after.Ids.Backends.Keys, b => b.Vip == s_dns);
    }

    [Fact]
    public void Assign_QuarantineEntriesOfTheOtherKind_DoNotBlockAnId()
    {
        var released = new List<ReleasedId> { new(ReleasedId.IdKind.Vip, 1, s_t0 + s_quarantine), new(ReleasedId.IdKind.Backend, 0, s_t0 + s_quarantine) };

        var result = Assign(s_none, released, [Vip(s_web, "10.1.0.1"), Vip(s_dns, "10.2.0.1")]);

        Assert.Equal(0u, result.Ids.Vips[s_web]);
        Assert.Equal(2u, result.Ids.Vips[s_dns]);
        Assert.Equal(1u, result.Ids.Backends[Ref(s_web, "10.1.0.1")]);
        Assert.Equal(released, result.Released);
    }

    [Fact]
    public void Assign_AllVipIdsInUseOrQuarantined_ThrowsNamingTheLimitAndTheQuarantine()
    {
        var before = Assign(s_none, [], [Vip(s_web, "10.1.0.1"), Vip(s_dns, "10.2.0.1")], maxVips: 2);
        var after = Assign(before.Ids, before.Released, [Vip(s_web, "10.1.0.1")], maxVips: 2);

        var e = Assert.Throws<InvalidOperationException>(() => Assign(after.Ids, after.Released, [Vip(s_web, "10.1.0.1"), Vip(s_v6, "10.3.0.1")], maxVips: 2));

        Assert.Contains("VIP [2001:db8::1]:443/tcp", e.Message);
        Assert.Contains("node.max_vips", e.Message);
        Assert.Contains("quarantine", e.Message);
    }

    [Fact]
    public void Assign_AllBackendIdsInUse_ThrowsNamingTheLimit()
    {
        var e = Assert.Throws<InvalidOperationException>(() => Assign(s_none, [], [Vip(s_web, "10.1.0.1", "10.1.0.2", "10.1.0.3")], maxBackends: 3));

        Assert.Contains("backend 10.1.0.3 of VIP 192.0.2.1:80/tcp", e.Message);
        Assert.Contains("all 2 ids (node.max_backends)", e.Message);
    }

    [Fact]
    public void Assign_StoredIdBeyondThisNodesLimit_Throws()
    {
        var stored = new PinnedIds(new Dictionary<VipKey, uint> { [s_web] = 7 }, new Dictionary<BackendRef, uint> { [Ref(s_web, "10.1.0.1")] = 1 });

        var e = Assert.Throws<InvalidOperationException>(() => Assign(stored, [], [Vip(s_web, "10.1.0.1")], maxVips: 4));

        Assert.Contains("node.max_vips (4)", e.Message);
    }

    [Fact]
    public void Assign_PinnedOnTwoNodesWithDifferentHistories_ByteIdenticalRings()
    {
        var config = new BalancerConfig { Vips = [TestConfigs.Vip("192.0.2.1", 80, "tcp", "10.1.0.1", "10.1.0.2", "10.1.0.3")] };
        var spec = ConfigValidator.Validate(config);
        var ids = SharedIdAssignment.Assign(s_none, [], spec.Vips, spec.Node.MaxVips, spec.Node.MaxBackends, s_quarantine, s_t0).Ids;
        var now = TimeSpan.FromHours(1);
        // node b planned other VIPs before, so its own allocator would hand out other ids
        var a = new DataplanePlanner(spec.Node);
        var b = new DataplanePlanner(spec.Node);
        b.Plan(ConfigValidator.Validate(new BalancerConfig { Vips = [TestConfigs.Vip("192.0.2.9", 80, "tcp", "10.9.0.1", "10.9.0.2")] }), now);

        var planA = a.Plan(spec, now + TimeSpan.FromSeconds(1), ids);
        var planB = b.Plan(spec, now + TimeSpan.FromSeconds(1), ids);

        Assert.Equal(planA.Vips, planB.Vips);
        Assert.Equal(planA.Backends, planB.Backends);
        Assert.Equal(planA.Rings[ids.Vips[spec.Vips[0].Key]], planB.Rings[ids.Vips[spec.Vips[0].Key]]);
    }

    private static SharedIdAssignment Assign(PinnedIds current, IReadOnlyList<ReleasedId> released, IReadOnlyList<VipSpec> vips,
        DateTimeOffset? now = null, uint maxVips = 16, uint maxBackends = 64)
        => SharedIdAssignment.Assign(current, released, vips, maxVips, maxBackends, s_quarantine, now ?? s_t0);

    private static VipSpec Vip(VipKey key, params string[] backends)
        => new(key, [.. backends.Select(b => new BackendSpec(IPAddress.Parse(b), 1))]);

    private static BackendRef Ref(VipKey vip, string address) => new(vip, IPAddress.Parse(address));

    private static List<string> Describe(SharedIdAssignment a)
        => [.. a.Ids.Vips.Select(v => $"{v.Key} {v.Value}").Concat(a.Ids.Backends.Select(b => $"{b.Key.Vip} {b.Key.Address} {b.Value}")).Order(StringComparer.Ordinal)];
}
