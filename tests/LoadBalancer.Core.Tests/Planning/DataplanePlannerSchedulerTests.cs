using System.Net;
using LoadBalancer.Core.Config;
using LoadBalancer.Core.Hashing;
using LoadBalancer.Core.Model;
using LoadBalancer.Core.Planning;
using Xunit;

namespace LoadBalancer.Core.Tests.Planning;

public sealed class DataplanePlannerSchedulerTests
{
    private static readonly TimeSpan s_t0 = TimeSpan.FromHours(12);

    [Fact]
    public void Plan_EveryScheduler_RingSchedulersInRingsOthersInLists()
    {
        var config = OneVipPerScheduler();

        var plan = Plan(config);

        foreach (var scheduler in Schedulers.All)
        {
            var id = plan.Vips[KeyOf(scheduler)];
            Assert.Equal(scheduler, plan.Schedulers[id]);
            var ring = scheduler is Scheduler.Maglev or Scheduler.MaglevSrc;
            Assert.True(ring == plan.Rings.ContainsKey(id), $"{scheduler}: in Rings {plan.Rings.ContainsKey(id)}");
            Assert.True(ring != plan.Lists.ContainsKey(id), $"{scheduler}: in Lists {plan.Lists.ContainsKey(id)}");
        }
        Assert.Equal(plan.Vips.Values.Order(), plan.Schedulers.Keys.Order());
        Assert.Equal(2, plan.Rings.Count);
        Assert.Equal(4, plan.Lists.Count);
    }

    [Fact]
    public void Plan_ListSchedulers_ListTheirEligibleBackends()
    {
        var plan = Plan(OneVipPerScheduler());

        foreach (var scheduler in new[] { Scheduler.Rr, Scheduler.Lc, Scheduler.Wlc })
        {
            var key = KeyOf(scheduler);
            // Backends 10.1.0.1 (weight 3), 10.1.0.2 (weight 2), 10.1.0.3 (drained), 10.1.0.4 (weight 1), in address order.
            var expected = new[] { "10.1.0.1", "10.1.0.2", "10.1.0.4" }.Select(a => IdOf(plan, key, a));
            Assert.Equal(expected, plan.Lists[plan.Vips[key]]);
        }
    }

    [Fact]
    public void Plan_Wrr_ListHoldsEachBackendAsOftenAsItsWeight()
    {
        var plan = Plan(OneVipPerScheduler());
        var key = KeyOf(Scheduler.Wrr);

        var list = plan.Lists[plan.Vips[key]];

        Assert.Equal(6, list.Length);
        Assert.Equal(3, list.Count(id => id == IdOf(plan, key, "10.1.0.1")));
        Assert.Equal(2, list.Count(id => id == IdOf(plan, key, "10.1.0.2")));
        Assert.Equal(1, list.Count(id => id == IdOf(plan, key, "10.1.0.4")));
        Assert.DoesNotContain(IdOf(plan, key, "10.1.0.3"), list);
    }

    [Fact]
    public void Plan_Weights_EffectiveWeightOfEveryBackend()
    {
        var config = OneVipPerScheduler();
        config.Vips[0].Backends[1].Weight = 0;

        var plan = Plan(config);

        Assert.Equal(plan.Backends.Keys.Order(), plan.Weights.Keys.Order());
        foreach (var scheduler in Schedulers.All)
        {
            var key = KeyOf(scheduler);
            Assert.Equal(3, plan.Weights[IdOf(plan, key, "10.1.0.1")]);
            Assert.Equal(scheduler == Scheduler.Maglev ? 0 : 2, plan.Weights[IdOf(plan, key, "10.1.0.2")]);
            Assert.Equal(0, plan.Weights[IdOf(plan, key, "10.1.0.3")]);
            Assert.Equal(1, plan.Weights[IdOf(plan, key, "10.1.0.4")]);
        }
    }

    [Fact]
    public void Plan_MaglevRingWeights321_SharesWithinAPointOf50_33_17()
    {
        var plan = Plan(OneVipPerScheduler());

        foreach (var scheduler in new[] { Scheduler.Maglev, Scheduler.MaglevSrc })
        {
            var key = KeyOf(scheduler);
            var ring = plan.Rings[plan.Vips[key]];
            double Share(string address)
            {
                var backend = IdOf(plan, key, address);
                return ring.Count(id => id == backend) / (double)ring.Length;
            }

            Assert.InRange(Share("10.1.0.1"), 0.5 - 0.01, 0.5 + 0.01);
            Assert.InRange(Share("10.1.0.2"), (2 / 6.0) - 0.01, (2 / 6.0) + 0.01);
            Assert.InRange(Share("10.1.0.4"), (1 / 6.0) - 0.01, (1 / 6.0) + 0.01);
            Assert.Equal(0, Share("10.1.0.3"));
        }
    }

    [Fact]
    public void Plan_MaglevSrcVip_EveryFlowOfAClientOnOneBackend()
    {
        var plan = Plan(OneVipPerScheduler());
        var key = KeyOf(Scheduler.MaglevSrc);
        var ring = plan.Rings[plan.Vips[key]];
        var random = new Random(5);

        for (var c = 0; c < 50; c++)
        {
            var client = new IPAddress([198, 51, (byte)random.Next(256), (byte)random.Next(256)]);
            var backends = Enumerable.Range(0, 200)
                .Select(_ => new FlowTuple(client, (ushort)random.Next(65536), key.Address, key.Port, key.Protocol))
                .Select(f => ring[FlowHash.SourceSlot(f, 0, (uint)ring.Length)])
                .ToHashSet();

            Assert.NotEqual(0u, Assert.Single(backends));
        }
    }

    [Fact]
    public void Plan_SchedulerChanged_KeepsIdsAndMovesVipBetweenRingsAndLists()
    {
        var planner = new DataplanePlanner(ConfigValidator.Validate(OneVipPerScheduler()).Node);
        var config = OneVipPerScheduler();
        var before = planner.Plan(ConfigValidator.Validate(config), s_t0);
        config.Vips[0].Scheduler = "wrr";
        config.Vips[2].Scheduler = "maglev-src";

        var after = planner.Plan(ConfigValidator.Validate(config), s_t0 + TimeSpan.FromSeconds(1));

        Assert.Equal(before.Vips, after.Vips);
        Assert.Equal(before.Backends, after.Backends);
        var was = before.Vips[KeyOf(Scheduler.Maglev)];
        var rr = before.Vips[KeyOf(Scheduler.Rr)];
        Assert.Equal(Scheduler.Wrr, after.Schedulers[was]);
        Assert.False(after.Rings.ContainsKey(was));
        Assert.Equal(6, after.Lists[was].Length);
        Assert.Equal(Scheduler.MaglevSrc, after.Schedulers[rr]);
        Assert.False(after.Lists.ContainsKey(rr));
        Assert.Equal(65537, after.Rings[rr].Length);
    }

    [Fact]
    public void Empty_HasNoSchedulersListsOrWeights()
    {
        Assert.Empty(DataplanePlan.Empty.Schedulers);
        Assert.Empty(DataplanePlan.Empty.Lists);
        Assert.Empty(DataplanePlan.Empty.Weights);
    }

    /// <summary>One VIP per scheduler (ports 1, 2, ... in enum order), each with backends of weight 3, 2, drained, 1.</summary>
    private static BalancerConfig OneVipPerScheduler() => new()
    {
        Vips =
        [
            .. Schedulers.All.Select(s =>
            {
                var vip = TestConfigs.Vip("192.0.2.1", (int)s + 1, "tcp");
                vip.Scheduler = Schedulers.Name(s);
                vip.Backends = [TestConfigs.Backend("10.1.0.4", 1), TestConfigs.Backend("10.1.0.2", 2), TestConfigs.Backend("10.1.0.3", 5, drained: true), TestConfigs.Backend("10.1.0.1", 3)];
                return vip;
            }),
        ],
    };

    private static VipKey KeyOf(Scheduler scheduler) => new(IPAddress.Parse("192.0.2.1"), (ushort)((int)scheduler + 1), L4Protocol.Tcp);

    private static uint IdOf(DataplanePlan plan, VipKey vip, string address)
        => plan.Backends.Single(b => b.Value == new BackendRef(vip, IPAddress.Parse(address))).Key;

    private static DataplanePlan Plan(BalancerConfig config)
    {
        var spec = ConfigValidator.Validate(config);
        return new DataplanePlanner(spec.Node).Plan(spec, s_t0);
    }
}
