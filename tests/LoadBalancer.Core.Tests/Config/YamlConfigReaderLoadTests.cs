using LoadBalancer.Core.Config;
using LoadBalancer.Core.Model;
using LoadBalancer.Core.State;
using Xunit;

namespace LoadBalancer.Core.Tests.Config;

/// <summary>What <see cref="YamlConfigReader"/> hands on: the spec Load gives, and keys written without a value.</summary>
public sealed class YamlConfigReaderLoadTests
{
    private static readonly string[] s_noInterfaces = [];

    [Fact]
    public void Load_EveryKeySet_EqualsValidatedConfigBuiltInCode()
    {
        const string yaml = """
            node:
              interface: ens5
              outer_source_v4: 10.200.0.0/16
              outer_source_v6: fd10:1::/96
              fallback_mac: 02:00:00:00:00:01
              fallback_mtu: 9000
              ring_size: 251
              hash_seed: 4294967295
              flow_table_size: 65536
              tcp_idle_timeout: 90s
              udp_idle_timeout: 1500ms
              nexthop_cache_ttl: 250ms
              redirect_interfaces: [ens6, ens7]
              max_vips: 16
              max_backends: 64
            vips:
              - address: 192.0.2.1
                port: 80
                protocol: tcp
                backends:
                  - address: 10.1.0.1
                    weight: 3
                  - address: fd00::2
                    weight: 0
                    drained: true
              - address: 2001:db8::53
                port: 53
                protocol: udp
                backends:
                  - address: 10.2.0.1
            """;
        var config = new BalancerConfig
        {
            Node = new NodeConfig
            {
                Interface = "ens5",
                OuterSourceV4 = "10.200.0.0/16",
                OuterSourceV6 = "fd10:1::/96",
                FallbackMac = "02:00:00:00:00:01",
                FallbackMtu = 9000,
                RingSize = 251,
                HashSeed = uint.MaxValue,
                FlowTableSize = 65536,
                TcpIdleTimeout = "90s",
                UdpIdleTimeout = "1500ms",
                NexthopCacheTtl = "250ms",
                RedirectInterfaces = ["ens6", "ens7"],
                MaxVips = 16,
                MaxBackends = 64,
            },
            Vips =
            [
                new VipConfig
                {
                    Address = "192.0.2.1",
                    Port = 80,
                    Protocol = "tcp",
                    Backends = [TestConfigs.Backend("10.1.0.1", 3), TestConfigs.Backend("fd00::2", 0, drained: true)],
                },
                TestConfigs.Vip("2001:db8::53", 53, "udp", "10.2.0.1"),
            ],
        };

        AssertSameSpec(ConfigValidator.Validate(config), YamlConfigReader.Load(yaml));
    }

    [Theory]
    [InlineData("")]
    [InlineData("# node:\n#   interface: ens5\n")]
    public void Load_EmptyDocument_EqualsValidatedDefaultConfig(string yaml)
    {
        AssertSameSpec(ConfigValidator.Validate(new BalancerConfig()), YamlConfigReader.Load(yaml));
    }

    [Fact]
    public void Read_YamlSyntaxErrorAfterOtherProblems_OnlyTheSyntaxError()
    {
        const string yaml = "node:\n  ring_siz: 3\n  fallback_mac: zz\nvips: [\n  {address: 192.0.2.300\n";

        var e = Assert.Throws<ConfigValidationException>(() => YamlConfigReader.Read(yaml));

        var error = Assert.Single(e.Errors);
        Assert.Equal("(yaml)", error.Path);
        Assert.StartsWith("line ", error.Message);
    }

    [Theory]
    [InlineData("vips:\n")]
    [InlineData("vips:\n# - address: 192.0.2.1\n")]
    [InlineData("node:\n  redirect_interfaces:\n")]
    [InlineData("vips:\n  - address: 192.0.2.1\n    backends:\n")]
    public void Read_ListKeyWithoutValue_GivesEmptyList(string yaml)
    {
        var config = YamlConfigReader.Read(yaml);

        // The lists are declared non-null, and StateOverlay.ApplyTo walks them without checking.
        Assert.NotNull(config.Vips);
        Assert.NotNull(config.Node?.RedirectInterfaces);
        Assert.All(config.Vips, v => Assert.NotNull(v.Backends));
    }

    [Fact]
    public void Read_VipsKeyWithEveryEntryCommentedOut_EffectiveConfigurationHasNoVips()
    {
        // What the daemon does with the file on start and reload: DesiredState.Effective.
        var file = YamlConfigReader.Read("node:\n  interface: ens5\nvips:\n# - address: 192.0.2.1\n#   backends: [{address: 10.1.0.1}]\n");

        var effective = new StateOverlay().ApplyTo(file);

        Assert.Empty(effective.Vips);
        Assert.Equal("ens5", ConfigValidator.Validate(effective).Node.Interface);
    }

    [Fact]
    public void Read_VipWithoutBackendsValue_EffectiveConfigurationFailsValidationAtBackends()
    {
        var file = YamlConfigReader.Read("vips:\n  - address: 192.0.2.1\n    port: 80\n    backends:\n");

        var e = Assert.Throws<ConfigValidationException>(() => ConfigValidator.Validate(new StateOverlay().ApplyTo(file)));

        Assert.Equal("vips[0].backends", Assert.Single(e.Errors).Path);
    }

    [Fact]
    public void Load_NodeKeyWithEveryEntryCommentedOut_GivesNodeDefaults()
    {
        var spec = YamlConfigReader.Load("node:\n#  interface: ens5\nvips:\n  - address: 192.0.2.1\n    backends: [{address: 10.1.0.1}]\n");

        Assert.Equal(
            ConfigValidator.Validate(new BalancerConfig()).Node with { RedirectInterfaces = s_noInterfaces },
            spec.Node with { RedirectInterfaces = s_noInterfaces });
    }

    private static void AssertSameSpec(BalancerSpec expected, BalancerSpec actual)
    {
        Assert.Equal(expected.Node with { RedirectInterfaces = s_noInterfaces }, actual.Node with { RedirectInterfaces = s_noInterfaces });
        Assert.Equal(expected.Node.RedirectInterfaces, actual.Node.RedirectInterfaces);
        Assert.Equal(expected.Vips.Select(v => v.Key), actual.Vips.Select(v => v.Key));
        for (var i = 0; i < expected.Vips.Count; i++)
        {
            Assert.Equal(expected.Vips[i].Backends, actual.Vips[i].Backends);
        }
    }
}
