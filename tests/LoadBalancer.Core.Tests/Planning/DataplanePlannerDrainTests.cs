using LoadBalancer.Core.Config;
using LoadBalancer.Core.Model;
using LoadBalancer.Core.Planning;
using Xunit;

namespace LoadBalancer.Core.Tests.Planning;

public sealed class DataplanePlannerDrainTests
{
    private static readonly TimeSpan s_t0 = TimeSpan.FromHours(12);
    private static readonly VipKey s_web = VipKey.Parse("192.0.2.1:80/tcp");

    [Fact]
    public void Plan_DrainedBackend_RingEqualsRingWithWeightZero()
    {
        var drained = Web();
        drained.Vips[0].Backends[1].Drained = true;
        var zero = Web();
        zero.Vips[0].Backends[1].Weight = 0;

        var drainedPlan = new DataplanePlanner(Validate(drained).Node).Plan(Validate(drained), s_t0);
        var zeroPlan = new DataplanePlanner(Validate(zero).Node).Plan(Validate(zero), s_t0);

        Assert.Equal(zeroPlan.Backends, drainedPlan.Backends);
        Assert.Equal(zeroPlan.Rings[zeroPlan.Vips[s_web]], drainedPlan.Rings[drainedPlan.Vips[s_web]]);
    }

    [Fact]
    public void Plan_BackendUndrained_TakesBackItsSlotsWithSameId()
    {
        var planner = new DataplanePlanner(Validate(Web()).Node);
        var first = planner.Plan(Validate(Web()), s_t0);
        var drained = Web();
        drained.Vips[0].Backends[1].Drained = true;
        planner.Plan(Validate(drained), s_t0 + TimeSpan.FromSeconds(1));

        var undrained = planner.Plan(Validate(Web()), s_t0 + TimeSpan.FromSeconds(2));

        Assert.Equal(first.Backends, undrained.Backends);
        Assert.Equal(first.Rings[first.Vips[s_web]], undrained.Rings[undrained.Vips[s_web]]);
    }

    [Fact]
    public void Plan_EveryBackendDrained_EmptyRingIdsKept()
    {
        var config = Web();
        config.Vips[0].Backends.ForEach(b => b.Drained = true);

        var plan = new DataplanePlanner(Validate(config).Node).Plan(Validate(config), s_t0);

        Assert.Equal(3, plan.Backends.Count);
        Assert.All(plan.Rings[plan.Vips[s_web]], id => Assert.Equal(0u, id));
    }

    private static BalancerConfig Web() => new() { Vips = [TestConfigs.Vip("192.0.2.1", 80, "tcp", "10.1.0.1", "10.1.0.2", "10.1.0.3")] };

    private static BalancerSpec Validate(BalancerConfig config) => ConfigValidator.Validate(config);
}
