using LoadBalancer.Core.Config;
using LoadBalancer.Core.Model;
using Xunit;

namespace LoadBalancer.Core.Tests.Config;

public sealed class ConfigValidatorSchedulerTests
{
    [Fact]
    public void Validate_SchedulerNotSet_IsMaglev()
    {
        var spec = ConfigValidator.Validate(TestConfigs.Minimal());

        Assert.Equal("maglev", new VipConfig().Scheduler);
        Assert.Equal(Scheduler.Maglev, Assert.Single(spec.Vips).Scheduler);
    }

    [Theory]
    [InlineData("maglev", Scheduler.Maglev)]
    [InlineData("maglev-src", Scheduler.MaglevSrc)]
    [InlineData("rr", Scheduler.Rr)]
    [InlineData("WRR", Scheduler.Wrr)]
    [InlineData("lc", Scheduler.Lc)]
    [InlineData("Wlc", Scheduler.Wlc)]
    public void Validate_SchedulerName_GivesThatScheduler(string name, Scheduler expected)
    {
        var config = TestConfigs.Minimal();
        config.Vips[0].Scheduler = name;

        Assert.Equal(expected, Assert.Single(ConfigValidator.Validate(config).Vips).Scheduler);
    }

    [Fact]
    public void Validate_MisspeltScheduler_ErrorAtItsPathWithSuggestion()
    {
        var config = TestConfigs.Minimal();
        config.Vips.Add(TestConfigs.Vip("192.0.2.2", 80, "tcp", "10.1.0.1"));
        config.Vips[1].Scheduler = "wrrr";

        var error = Assert.Single(Invalid(config));

        Assert.Equal("vips[1].scheduler", error.Path);
        Assert.StartsWith("'wrrr' is not a scheduler", error.Message);
        Assert.EndsWith("did you mean 'wrr'?", error.Message);
        Assert.All(Schedulers.Names, n => Assert.Contains(n, error.Message));
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("least-connections")]
    public void Validate_NoScheduler_ErrorListsEveryName(string? name)
    {
        var config = TestConfigs.Minimal();
        config.Vips[0].Scheduler = name!;

        var error = Assert.Single(Invalid(config));

        Assert.Equal("vips[0].scheduler", error.Path);
        Assert.Contains(string.Join(", ", Schedulers.Names), error.Message);
    }

    [Fact]
    public void Validate_BadSchedulerAndBadBackend_ReportsBoth()
    {
        var config = TestConfigs.Minimal();
        config.Vips[0].Scheduler = "fifo";
        config.Vips[0].Backends[1].Weight = -1;

        Assert.Equal(["vips[0].scheduler", "vips[0].backends[1].weight"], Invalid(config).Select(e => e.Path));
    }

    [Theory]
    [InlineData("rr")]
    [InlineData("wrr")]
    [InlineData("lc")]
    [InlineData("wlc")]
    public void Validate_ListSchedulerWithMoreBackendsThanAListHolds_Error(string scheduler)
    {
        // ring_size 5: a list holds 4 ids after its count.
        var config = new BalancerConfig
        {
            Node = new NodeConfig { RingSize = 5 },
            Vips = [TestConfigs.Vip("192.0.2.1", 80, "tcp", "10.1.0.1", "10.1.0.2", "10.1.0.3", "10.1.0.4", "10.1.0.5")],
        };
        config.Vips[0].Scheduler = scheduler;

        var error = Assert.Single(Invalid(config));

        Assert.Equal("vips[0].backends", error.Path);
        Assert.Contains("node.ring_size - 1 (4)", error.Message);

        config.Vips[0].Backends.RemoveAt(4);
        Assert.Equal(4, ConfigValidator.Validate(config).Vips[0].Backends.Count);
    }

    [Theory]
    [InlineData("maglev")]
    [InlineData("maglev-src")]
    public void Validate_RingSchedulerWithMoreBackendsThanRingSlots_IsNotAListError(string scheduler)
    {
        var config = new BalancerConfig
        {
            Node = new NodeConfig { RingSize = 5 },
            Vips = [TestConfigs.Vip("192.0.2.1", 80, "tcp", "10.1.0.1", "10.1.0.2", "10.1.0.3", "10.1.0.4", "10.1.0.5")],
        };
        config.Vips[0].Scheduler = scheduler;

        Assert.Equal(5, ConfigValidator.Validate(config).Vips[0].Backends.Count);
    }

    private static IReadOnlyList<ConfigError> Invalid(BalancerConfig config)
        => Assert.Throws<ConfigValidationException>(() => ConfigValidator.Validate(config)).Errors;
}
