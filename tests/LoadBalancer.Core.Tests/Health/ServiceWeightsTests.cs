using System.Net;
using LoadBalancer.Core.Config;
using LoadBalancer.Core.Model;
using LoadBalancer.Core.Planning;
using Xunit;

namespace LoadBalancer.Core.Tests.Health;

/// <summary>How <see cref="ServiceWeights"/> folds the health board's percents into the weights the planner sees.</summary>
public sealed class ServiceWeightsTests
{
    private static readonly VipKey s_web = VipKey.Parse("192.0.2.1:80/tcp");
    private static readonly VipKey s_dns = VipKey.Parse("192.0.2.2:53/udp");

    private static BalancerSpec Spec(params long[] weights)
    {
        var web = TestConfigs.Vip("192.0.2.1", 80, "tcp");
        web.Backends = [.. weights.Select((w, i) => TestConfigs.Backend($"10.1.0.{i + 1}", w))];
        var config = new BalancerConfig { Vips = [web, TestConfigs.Vip("192.0.2.2", 53, "udp", "10.2.0.1", "10.2.0.2")] };
        return ConfigValidator.Validate(config);
    }

    private static BackendRef Web(int i) => new(s_web, IPAddress.Parse($"10.1.0.{i}"));

    private static ushort[] Weights(BalancerSpec spec, VipKey vip) => [.. spec.Vips.Single(v => v.Key == vip).Backends.Select(b => b.Weight)];

    [Fact]
    public void Apply_HundredEverywhere_KeepsTheSameVipInstances()
    {
        var spec = Spec(1, 2, 3);
        var percents = new Dictionary<BackendRef, int> { [Web(1)] = 100, [Web(2)] = 100, [Web(3)] = 100, [new(s_dns, IPAddress.Parse("10.2.0.1"))] = 100 };

        var applied = ServiceWeights.Apply(spec, percents);

        Assert.Equal(spec.Vips.Count, applied.Vips.Count);
        Assert.All(spec.Vips.Zip(applied.Vips), p => Assert.Same(p.First, p.Second));
        Assert.Same(spec.Node, applied.Node);
    }

    [Fact]
    public void Apply_NoPercents_KeepsTheSameVipInstances()
    {
        var spec = Spec(1, 2);

        var applied = ServiceWeights.Apply(spec, new Dictionary<BackendRef, int>());

        Assert.All(spec.Vips.Zip(applied.Vips), p => Assert.Same(p.First, p.Second));
    }

    [Fact]
    public void Apply_ZeroPercent_WeightZeroOthersUnscaled()
    {
        var spec = Spec(3, 5, 7);

        var applied = ServiceWeights.Apply(spec, new Dictionary<BackendRef, int> { [Web(2)] = 0, [Web(1)] = 100 });

        Assert.Equal([3, 0, 7], Weights(applied, s_web));
        // the other VIP is untouched
        Assert.Same(spec.Vips[1], applied.Vips[1]);
        // everything else about the backend is kept
        Assert.Equal(spec.Vips[0].Backends[1] with { Weight = 0 }, applied.Vips[0].Backends[1]);
        Assert.Equal(spec.Vips[0].Health, applied.Vips[0].Health);
    }

    [Fact]
    public void Apply_RampingAtTenPercentAmongWeightOne_ScalesTheVipByTen()
    {
        var spec = Spec(1, 1, 1);

        var applied = ServiceWeights.Apply(spec, new Dictionary<BackendRef, int> { [Web(3)] = 10 });

        Assert.Equal(10, ServiceWeights.RampScale);
        Assert.Equal([10, 10, 1], Weights(applied, s_web));
        Assert.Same(spec.Vips[1], applied.Vips[1]);
    }

    [Theory]
    [InlineData(10, 1)]
    [InlineData(20, 2)]
    [InlineData(50, 5)]
    [InlineData(90, 9)]
    public void Apply_RampingSteps_OfWeightOneScaledByTen(int percent, ushort expected)
    {
        var applied = ServiceWeights.Apply(Spec(1, 1), new Dictionary<BackendRef, int> { [Web(1)] = percent });

        Assert.Equal([expected, 10], Weights(applied, s_web));
    }

    [Fact]
    public void Apply_RampingWithUnhealthyAndWeightZero_ZerosStayZero()
    {
        var spec = Spec(2, 0, 4, 3);

        var applied = ServiceWeights.Apply(spec, new Dictionary<BackendRef, int> { [Web(1)] = 30, [Web(2)] = 100, [Web(3)] = 0 });

        // scale 10: 2 × 10 × 30% = 6; weight 0 stays 0 at 100%; 0% is 0; 3 × 10 = 30
        Assert.Equal([6, 0, 0, 30], Weights(applied, s_web));
    }

    [Fact]
    public void Apply_WeightZeroBackendRamping_StaysZero()
    {
        var applied = ServiceWeights.Apply(Spec(0, 1), new Dictionary<BackendRef, int> { [Web(1)] = 50 });

        Assert.Equal([0, 10], Weights(applied, s_web));
    }

    [Fact]
    public void Apply_HeavyWeights_ScaleClampedToFitSixteenBits()
    {
        // 65535 / 20000 = 3: the scale is 3, not 10
        var applied = ServiceWeights.Apply(Spec(20000, 10000, 1), new Dictionary<BackendRef, int> { [Web(2)] = 10 });

        Assert.Equal([60000, 3000, 3], Weights(applied, s_web));
    }

    [Fact]
    public void Apply_HeaviestWeight_NoScaleAtAll()
    {
        var applied = ServiceWeights.Apply(Spec(65535, 65535, 1), new Dictionary<BackendRef, int> { [Web(1)] = 10, [Web(3)] = 10 });

        // scale 1: 6553.5 rounds away from zero; 10% of 1 is still 1, never 0
        Assert.Equal([6554, 65535, 1], Weights(applied, s_web));
    }

    [Fact]
    public void Apply_WeightJustAboveAScaleBoundary_NeverOverflows()
    {
        // 65535 / 6554 = 9 (not 10: 65540 would overflow)
        var applied = ServiceWeights.Apply(Spec(6554, 1), new Dictionary<BackendRef, int> { [Web(2)] = 10 });

        Assert.Equal([58986, 1], Weights(applied, s_web));
    }

    [Fact]
    public void Apply_OnlyZeroShares_NotScaled()
    {
        var applied = ServiceWeights.Apply(Spec(1, 1, 1), new Dictionary<BackendRef, int> { [Web(1)] = 0, [Web(2)] = 0 });

        Assert.Equal([0, 0, 1], Weights(applied, s_web));
    }
}
