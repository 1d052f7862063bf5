using System.Net;
using LoadBalancer.Core.Config;
using LoadBalancer.Core.Model;
using Xunit;

namespace LoadBalancer.Core.Tests.Config;

public sealed class ConfigValidatorTests
{
    [Fact]
    public void Validate_MinimalConfig_AppliesNodeDefaults()
    {
        var spec = ConfigValidator.Validate(TestConfigs.Minimal());

        var node = spec.Node;
        Assert.Equal("eth0", node.Interface);
        Assert.Equal(IPNetwork.Parse("172.16.0.0/16"), node.OuterSourceV4);
        Assert.Equal(IPNetwork.Parse("fd10:4c42::/96"), node.OuterSourceV6);
        Assert.Null(node.FallbackMac);
        Assert.Equal(0, node.FallbackMtu);
        Assert.Equal(65537u, node.RingSize);
        Assert.Equal(0u, node.HashSeed);
        Assert.Equal(1u << 20, node.FlowTableSize);
        Assert.Equal(TimeSpan.FromMinutes(15), node.TcpIdleTimeout);
        Assert.Equal(TimeSpan.FromMinutes(5), node.UdpIdleTimeout);
        Assert.Equal(512u, node.MaxVips);
        Assert.Equal(4096u, node.MaxBackends);
    }

    [Fact]
    public void Validate_MinimalConfig_MapsVipAndBackends()
    {
        var spec = ConfigValidator.Validate(TestConfigs.Minimal());

        var vip = Assert.Single(spec.Vips);
        Assert.Equal(new VipKey(IPAddress.Parse("192.0.2.1"), 80, L4Protocol.Tcp), vip.Key);
        Assert.Equal([new BackendSpec(IPAddress.Parse("10.1.0.1"), 1), new BackendSpec(IPAddress.Parse("10.1.0.2"), 1)], vip.Backends);
    }

    [Fact]
    public void Validate_MixedFamiliesAndWeightLimits_MapsEveryField()
    {
        var config = new BalancerConfig
        {
            Node = new NodeConfig { FallbackMac = "02:00:00:00:00:01", RingSize = 251, HashSeed = uint.MaxValue, TcpIdleTimeout = "90s", UdpIdleTimeout = "1500ms" },
            Vips =
            [
                new VipConfig
                {
                    Address = "2001:db8::53",
                    Port = 0,
                    Protocol = "UDP",
                    Backends = [new BackendConfig { Address = "10.1.0.1", Weight = 0 }, new BackendConfig { Address = "fd00::1", Weight = 65535 }],
                },
            ],
        };

        var spec = ConfigValidator.Validate(config);

        Assert.Equal(new byte[] { 2, 0, 0, 0, 0, 1 }, spec.Node.FallbackMac!.GetAddressBytes());
        Assert.Equal(251u, spec.Node.RingSize);
        Assert.Equal(uint.MaxValue, spec.Node.HashSeed);
        Assert.Equal(TimeSpan.FromSeconds(90), spec.Node.TcpIdleTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), spec.Node.UdpIdleTimeout);
        var vip = Assert.Single(spec.Vips);
        Assert.Equal(new VipKey(IPAddress.Parse("2001:db8::53"), 0, L4Protocol.Udp), vip.Key);
        Assert.Equal([new BackendSpec(IPAddress.Parse("10.1.0.1"), 0), new BackendSpec(IPAddress.Parse("fd00::1"), 65535)], vip.Backends);
    }

    [Theory]
    [InlineData("192.0.2.1", "10.1.0.1")]
    [InlineData("192.0.2.1", "fd00::1")]
    [InlineData("2001:db8::1", "10.1.0.1")]
    [InlineData("2001:db8::1", "fd00::1")]
    [InlineData("223.255.255.254", "1.1.1.1")]
    public void Validate_EitherFamilyForVipAndBackend_IsAccepted(string vipAddress, string backendAddress)
    {
        var config = new BalancerConfig { Vips = [TestConfigs.Vip(vipAddress, 443, "tcp", backendAddress)] };

        var vip = Assert.Single(ConfigValidator.Validate(config).Vips);

        Assert.Equal(IPAddress.Parse(vipAddress), vip.Key.Address);
        Assert.Equal(IPAddress.Parse(backendAddress), Assert.Single(vip.Backends).Address);
    }

    [Fact]
    public void Validate_VipWithoutBackends_ReportsBackendsPath()
    {
        var config = TestConfigs.Minimal();
        config.Vips.Add(TestConfigs.Vip("192.0.2.2", 80, "tcp"));
        config.Vips.Add(new VipConfig { Address = "192.0.2.3", Backends = null! });

        var errors = Invalid(config);

        Assert.Equal(["vips[1].backends", "vips[2].backends"], Paths(errors));
    }

    [Fact]
    public void Validate_DuplicateVip_ReportsSecondNamingFirst()
    {
        var config = new BalancerConfig
        {
            Vips =
            [
                TestConfigs.Vip("192.0.2.1", 80, "tcp", "10.1.0.1"),
                TestConfigs.Vip("192.0.2.1", 81, "tcp", "10.1.0.1"),
                TestConfigs.Vip("192.0.2.1", 80, "udp", "10.1.0.1"),
                TestConfigs.Vip("192.0.2.1", 80, "TCP", "10.1.0.2"),
                TestConfigs.Vip("fd00::1", 443, "tcp", "10.1.0.1"),
                TestConfigs.Vip("fd00:0:0::0001", 443, "tcp", "10.1.0.1"),
            ],
        };

        var errors = Invalid(config);

        Assert.Equal(["vips[3]", "vips[5]"], Paths(errors));
        Assert.Contains("vips[0]", errors[0].Message);
        Assert.Contains("vips[4]", errors[1].Message);
    }

    [Fact]
    public void Validate_DifferentPortOrProtocol_IsNotDuplicate()
    {
        var config = new BalancerConfig
        {
            Vips =
            [
                TestConfigs.Vip("192.0.2.1", 80, "tcp", "10.1.0.1"),
                TestConfigs.Vip("192.0.2.1", 0, "tcp", "10.1.0.1"),
                TestConfigs.Vip("192.0.2.1", 80, "udp", "10.1.0.1"),
                TestConfigs.Vip("192.0.2.2", 80, "tcp", "10.1.0.1"),
            ],
        };

        Assert.Equal(4, ConfigValidator.Validate(config).Vips.Count);
    }

    [Theory]
    [InlineData("fd00::1", "fd00:0::1")]
    [InlineData("fd00::1", "FD00:0:0:0:0:0:0:1")]
    [InlineData("2001:db8::a:1", "2001:0db8:0000::000a:0001")]
    [InlineData("192.0.2.1", "192.0.2.1")]
    public void Validate_DuplicateVipWrittenDifferently_IsReported(string first, string second)
    {
        var config = new BalancerConfig
        {
            Vips = [TestConfigs.Vip(first, 53, "udp", "10.1.0.1"), TestConfigs.Vip(second, 53, "UDP", "10.1.0.2")],
        };

        var error = Assert.Single(Invalid(config));

        Assert.Equal("vips[1]", error.Path);
        Assert.Contains("duplicate VIP", error.Message);
        Assert.Contains("vips[0]", error.Message);
    }

    [Fact]
    public void Validate_DuplicateVipWithBadBackend_ReportsBothProblems()
    {
        var config = new BalancerConfig
        {
            Vips = [TestConfigs.Vip("192.0.2.1", 80, "tcp", "10.1.0.1"), TestConfigs.Vip("192.0.2.1", 80, "tcp", "10.1.0.300")],
        };

        var errors = Invalid(config);

        Assert.Equal(["vips[1].backends[0].address", "vips[1]"], Paths(errors));
        Assert.Contains("duplicate VIP 192.0.2.1:80/tcp", errors[1].Message);
    }

    [Fact]
    public void Validate_DuplicateVipWithoutBackends_ReportsBothProblems()
    {
        var config = new BalancerConfig
        {
            Vips = [TestConfigs.Vip("fd00::1", 443, "tcp", "10.1.0.1"), TestConfigs.Vip("fd00:0::1", 443, "tcp")],
        };

        var errors = Invalid(config);

        Assert.Equal(["vips[1].backends", "vips[1]"], Paths(errors));
        Assert.Contains("vips[0]", errors[1].Message);
    }

    [Fact]
    public void Validate_DuplicateVipWithWeightOutOfRange_ReportsBothProblems()
    {
        var duplicate = TestConfigs.Vip("192.0.2.1", 80, "tcp", "10.1.0.1");
        duplicate.Backends[0].Weight = 70000;
        var config = new BalancerConfig { Vips = [TestConfigs.Vip("192.0.2.1", 80, "tcp", "10.1.0.1"), duplicate] };

        var errors = Invalid(config);

        Assert.Equal(["vips[1].backends[0].weight", "vips[1]"], Paths(errors));
    }

    [Fact]
    public void Validate_FirstOfDuplicateVipsInvalid_DuplicateStillReported()
    {
        var first = TestConfigs.Vip("192.0.2.1", 80, "tcp", "10.1.0.1", "10.1.0.1");
        var config = new BalancerConfig { Vips = [first, TestConfigs.Vip("192.0.2.1", 80, "tcp", "10.1.0.2")] };

        var errors = Invalid(config);

        Assert.Equal(["vips[0].backends[1].address", "vips[1]"], Paths(errors));
        Assert.Contains("vips[0]", errors[1].Message);
    }

    [Fact]
    public void Validate_ThreeCopiesOfOneVip_EachLaterCopyNamesTheFirst()
    {
        var config = new BalancerConfig
        {
            Vips =
            [
                TestConfigs.Vip("192.0.2.1", 0, "tcp", "10.1.0.1"),
                TestConfigs.Vip("192.0.2.1", 0, "tcp", "10.1.0.2"),
                TestConfigs.Vip("192.0.2.1", 0, "tcp", "10.1.0.3"),
            ],
        };

        var errors = Invalid(config);

        Assert.Equal(["vips[1]", "vips[2]"], Paths(errors));
        Assert.All(errors, e => Assert.Contains("already defined at vips[0]", e.Message));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData(null)]
    [InlineData("not-an-ip")]
    [InlineData("10.0.0.300")]
    [InlineData("0.0.0.0")]
    [InlineData("::")]
    [InlineData("fe80::1%2")]
    [InlineData("::ffff:10.0.0.1")]
    [InlineData("10")]
    [InlineData("10.0.0")]
    [InlineData("0x0a000001")]
    [InlineData("255.255.255.255")]
    [InlineData("240.0.0.1")]
    public void Validate_InvalidAddress_ReportsAddressPaths(string? address)
    {
        var config = TestConfigs.Minimal();
        config.Vips[0].Address = address!;
        config.Vips[0].Backends[1].Address = address!;

        var errors = Invalid(config);

        Assert.Equal(["vips[0].address", "vips[0].backends[1].address"], Paths(errors));
    }

    [Theory]
    [InlineData("224.0.0.1")]
    [InlineData("239.1.2.3")]
    [InlineData("ff02::1")]
    public void Validate_MulticastAddress_ReportsNotUnicast(string address)
    {
        // The validator's own message promises "a unicast IPv4 or IPv6 address"; a multicast VIP or
        // tunnel endpoint is not one.
        var config = TestConfigs.Minimal();
        config.Vips[0].Address = address;
        config.Vips[0].Backends[1].Address = address;

        var errors = Invalid(config);

        Assert.Equal(["vips[0].address", "vips[0].backends[1].address"], Paths(errors));
    }

    [Fact]
    public void Validate_DuplicateBackend_ReportsSecondNamingFirst()
    {
        var config = TestConfigs.Minimal();
        config.Vips[0].Backends.Add(new BackendConfig { Address = "10.1.0.1" });

        var errors = Invalid(config);

        var error = Assert.Single(errors);
        Assert.Equal("vips[0].backends[2].address", error.Path);
        Assert.Contains("vips[0].backends[0]", error.Message);
    }

    [Fact]
    public void Validate_EveryBackendWeightZero_ReportsBackendsPath()
    {
        var config = TestConfigs.Minimal();
        var zero = TestConfigs.Vip("192.0.2.2", 80, "tcp", "10.1.0.1", "10.1.0.2");
        zero.Backends.ForEach(b => b.Weight = 0);
        config.Vips.Add(zero);

        var errors = Invalid(config);

        Assert.Equal("vips[1].backends", Assert.Single(errors).Path);
    }

    [Fact]
    public void Validate_SomeBackendsWeightZero_IsValid()
    {
        var config = TestConfigs.Minimal();
        config.Vips[0].Backends[0].Weight = 0;

        var spec = ConfigValidator.Validate(config);

        Assert.Equal([0, 1], spec.Vips[0].Backends.Select(b => (int)b.Weight));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(65536)]
    [InlineData(70000)]
    [InlineData(long.MinValue)]
    public void Validate_WeightOutOfRange_ReportsWeightPath(long weight)
    {
        var config = TestConfigs.Minimal();
        config.Vips[0].Backends[0].Weight = weight;

        var errors = Invalid(config);

        Assert.Equal("vips[0].backends[0].weight", Assert.Single(errors).Path);
    }

    [Theory]
    [InlineData("sctp")]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("tcp ")]
    public void Validate_BadProtocol_ReportsProtocolPath(string? protocol)
    {
        var config = TestConfigs.Minimal();
        config.Vips[0].Protocol = protocol!;

        var errors = Invalid(config);

        Assert.Equal("vips[0].protocol", Assert.Single(errors).Path);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(65536)]
    public void Validate_PortOutOfRange_ReportsPortPath(long port)
    {
        var config = TestConfigs.Minimal();
        config.Vips[0].Port = port;

        var errors = Invalid(config);

        Assert.Equal("vips[0].port", Assert.Single(errors).Path);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(65535)]
    public void Validate_PortAtLimit_IsValid(long port)
    {
        var config = TestConfigs.Minimal();
        config.Vips[0].Port = port;

        Assert.Equal((ushort)port, ConfigValidator.Validate(config).Vips[0].Key.Port);
    }

    [Theory]
    [InlineData(-7)]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(65536)]
    [InlineData(65535)]
    [InlineData(1_000_001)]
    public void Validate_RingSizeNotAnAllowedPrime_ReportsRingSizePath(long ringSize)
    {
        var config = TestConfigs.Minimal();
        config.Node.RingSize = ringSize;

        var errors = Invalid(config);

        Assert.Equal("node.ring_size", Assert.Single(errors).Path);
    }

    [Fact]
    public void Validate_PrimeAboveMaxRingSize_ReportsRingSizePath()
    {
        var config = TestConfigs.Minimal();
        config.Node.RingSize = Enumerable.Range(1, 1000).Select(i => ConfigValidator.MaxRingSize + i).First(IsPrime);

        var errors = Invalid(config);

        Assert.Equal("node.ring_size", Assert.Single(errors).Path);
    }

    [Fact]
    public void Validate_RingSizesUpTo3000_AcceptsExactlyThePrimes()
    {
        for (long size = 3; size <= 3000; size++)
        {
            var config = TestConfigs.Minimal();
            config.Node.RingSize = size;

            var accepted = TryValidate(config) is null;

            Assert.True(accepted == IsPrime(size), $"ring size {size}: accepted={accepted}, prime={IsPrime(size)}");
        }
    }

    [Fact]
    public void Validate_MaxRingSize_IsAcceptedPrime()
    {
        var config = TestConfigs.Minimal();
        config.Node.RingSize = ConfigValidator.MaxRingSize;

        Assert.True(IsPrime(ConfigValidator.MaxRingSize));
        Assert.Equal((uint)ConfigValidator.MaxRingSize, ConfigValidator.Validate(config).Node.RingSize);
    }

    [Theory]
    [InlineData("172.16.0.0/33")]
    [InlineData("172.16.0.0/-1")]
    [InlineData("172.16.0.0")]
    [InlineData("fd10::/96")]
    [InlineData("garbage")]
    [InlineData("")]
    [InlineData(null)]
    public void Validate_BadOuterSourceV4_ReportsPath(string? prefix)
    {
        var config = TestConfigs.Minimal();
        config.Node.OuterSourceV4 = prefix!;

        Assert.Equal("node.outer_source_v4", Assert.Single(Invalid(config)).Path);
    }

    [Theory]
    [InlineData("fd10:4c42::/95")]
    [InlineData("fd10:4c42::/64")]
    [InlineData("fd10::/129")]
    [InlineData("172.16.0.0/16")]
    [InlineData("zz::/96")]
    [InlineData("")]
    public void Validate_BadOuterSourceV6_ReportsPath(string prefix)
    {
        var config = TestConfigs.Minimal();
        config.Node.OuterSourceV6 = prefix;

        Assert.Equal("node.outer_source_v6", Assert.Single(Invalid(config)).Path);
    }

    [Theory]
    [InlineData("0.0.0.0/0", "fd10::/96")]
    [InlineData("10.0.0.0/8", "fd10::1/128")]
    [InlineData("192.0.2.7/32", "2001:db8::/100")]
    public void Validate_GoodOuterSources_Kept(string v4, string v6)
    {
        var config = TestConfigs.Minimal();
        config.Node.OuterSourceV4 = v4;
        config.Node.OuterSourceV6 = v6;

        var node = ConfigValidator.Validate(config).Node;

        Assert.Equal(IPNetwork.Parse(v4), node.OuterSourceV4);
        Assert.Equal(IPNetwork.Parse(v6), node.OuterSourceV6);
    }

    [Fact]
    public void Validate_OuterSourceWithHostBitsSet_ReportsBothPaths()
    {
        // The error text requires "its host bits zero"; IPNetwork.TryParse stopped enforcing that in
        // .NET 10 (it now masks them), so the validator has to check it itself.
        var config = TestConfigs.Minimal();
        config.Node.OuterSourceV4 = "172.16.0.1/16";
        config.Node.OuterSourceV6 = "fd10:4c42::1/96";

        var errors = Invalid(config);

        Assert.Equal(["node.outer_source_v4", "node.outer_source_v6"], Paths(errors));
    }

    [Theory]
    [InlineData("00:00:00:00:00:00")]
    [InlineData("02:00:00:00:00")]
    [InlineData("02:00:00:00:00:00:01")]
    [InlineData("zz:00:00:00:00:01")]
    [InlineData("02:00:00:00:00:01:")]
    [InlineData(" ")]
    public void Validate_BadFallbackMac_ReportsPath(string mac)
    {
        var config = TestConfigs.Minimal();
        config.Node.FallbackMac = mac;

        Assert.Equal("node.fallback_mac", Assert.Single(Invalid(config)).Path);
    }

    [Theory]
    [InlineData("02:00:00:00:00:01")]
    [InlineData("02-00-00-00-00-01")]
    [InlineData("020000000001")]
    public void Validate_GoodFallbackMac_ParsesBytes(string mac)
    {
        var config = TestConfigs.Minimal();
        config.Node.FallbackMac = mac;

        Assert.Equal(new byte[] { 2, 0, 0, 0, 0, 1 }, ConfigValidator.Validate(config).Node.FallbackMac!.GetAddressBytes());
    }

    [Theory]
    [InlineData("10")]
    [InlineData("x")]
    [InlineData("-5s")]
    [InlineData("0s")]
    [InlineData("999ms")]
    [InlineData("169h")]
    [InlineData("7d")]
    [InlineData("")]
    [InlineData(null)]
    public void Validate_BadIdleTimeouts_ReportsBothPaths(string? duration)
    {
        var config = TestConfigs.Minimal();
        config.Node.TcpIdleTimeout = duration!;
        config.Node.UdpIdleTimeout = duration!;

        Assert.Equal(["node.tcp_idle_timeout", "node.udp_idle_timeout"], Paths(Invalid(config)));
    }

    [Theory]
    [InlineData("1s", 1_000)]
    [InlineData("1000ms", 1_000)]
    [InlineData("168h", 168 * 3_600_000)]
    public void Validate_IdleTimeoutAtLimit_IsValid(string duration, double milliseconds)
    {
        var config = TestConfigs.Minimal();
        config.Node.TcpIdleTimeout = duration;
        config.Node.UdpIdleTimeout = duration;

        var node = ConfigValidator.Validate(config).Node;

        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), node.TcpIdleTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), node.UdpIdleTimeout);
    }

    [Theory]
    [InlineData("300000000h")]
    [InlineData("99999999999999999999s")]
    public void Validate_IdleTimeoutBeyondTimeSpan_ReportsPathInsteadOfThrowing(string duration)
    {
        var config = TestConfigs.Minimal();
        config.Node.TcpIdleTimeout = duration;

        Assert.Equal("node.tcp_idle_timeout", Assert.Single(Invalid(config)).Path);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData(null)]
    [InlineData("sixteen-chars-xx")]
    [InlineData("eth/0")]
    [InlineData("eth 0")]
    public void Validate_BadInterface_ReportsPath(string? name)
    {
        var config = TestConfigs.Minimal();
        config.Node.Interface = name!;

        Assert.Equal("node.interface", Assert.Single(Invalid(config)).Path);
    }

    [Theory]
    [InlineData("fallback_mtu", -1)]
    [InlineData("fallback_mtu", 65536)]
    [InlineData("hash_seed", -1)]
    [InlineData("hash_seed", 1L << 32)]
    [InlineData("flow_table_size", 0)]
    [InlineData("flow_table_size", (1L << 25) + 1)]
    [InlineData("max_vips", 0)]
    [InlineData("max_vips", (1 << 16) + 1)]
    [InlineData("max_backends", 1)]
    [InlineData("max_backends", (1 << 16) + 1)]
    public void Validate_NodeNumberOutOfRange_ReportsItsPath(string key, long value)
    {
        var config = TestConfigs.Minimal();
        SetNodeNumber(config.Node, key, value);

        Assert.Equal($"node.{key}", Assert.Single(Invalid(config)).Path);
    }

    [Theory]
    [InlineData("fallback_mtu", 0)]
    [InlineData("fallback_mtu", 65535)]
    [InlineData("hash_seed", 0)]
    [InlineData("hash_seed", uint.MaxValue)]
    [InlineData("flow_table_size", 1)]
    [InlineData("flow_table_size", 1L << 25)]
    [InlineData("max_vips", 1)]
    [InlineData("max_vips", 1 << 16)]
    [InlineData("max_backends", 3)]
    [InlineData("max_backends", 1 << 16)]
    public void Validate_NodeNumberAtLimit_IsValid(string key, long value)
    {
        var config = TestConfigs.Minimal();
        SetNodeNumber(config.Node, key, value);

        Assert.Null(TryValidate(config));
    }

    [Fact]
    public void Validate_MoreVipsThanMaxVips_ReportsVipsPath()
    {
        var config = TestConfigs.Minimal();
        config.Vips.Add(TestConfigs.Vip("192.0.2.2", 80, "tcp", "10.1.0.1"));
        config.Vips.Add(TestConfigs.Vip("192.0.2.3", 80, "tcp", "10.1.0.1"));
        config.Node.MaxVips = 3;
        Assert.Null(TryValidate(config));

        config.Node.MaxVips = 2;

        Assert.Equal("vips", Assert.Single(Invalid(config)).Path);
    }

    [Fact]
    public void Validate_MoreBackendsThanMaxBackendsMinusOne_ReportsVipsPath()
    {
        // Backends count per VIP: the same address under two VIPs takes two ids (1 .. max_backends-1).
        var config = TestConfigs.Minimal();
        config.Vips.Add(TestConfigs.Vip("192.0.2.2", 80, "tcp", "10.1.0.1", "10.1.0.2"));
        config.Node.MaxBackends = 5;
        Assert.Null(TryValidate(config));

        config.Node.MaxBackends = 4;

        Assert.Equal("vips", Assert.Single(Invalid(config)).Path);
    }

    [Fact]
    public void Validate_NullEntries_ReportedAsEmpty()
    {
        var config = TestConfigs.Minimal();
        config.Vips.Insert(0, null!);
        config.Vips[1].Backends.Add(null!);

        var errors = Invalid(config);

        Assert.Equal(["vips[0]", "vips[1].backends[2]"], Paths(errors));
    }

    [Fact]
    public void Validate_NullNode_ReportsNodePath()
    {
        var config = TestConfigs.Minimal();
        config.Node = null!;

        Assert.Equal("node", Assert.Single(Invalid(config)).Path);
    }

    [Fact]
    public void Validate_SeveralProblems_ListsEveryOneInDocumentOrder()
    {
        var config = new BalancerConfig
        {
            Node = new NodeConfig { RingSize = 65536, FallbackMac = "nope" },
            Vips =
            [
                TestConfigs.Vip("10.0.0.300", 70000, "tcp", "10.1.0.1"),
                TestConfigs.Vip("192.0.2.2", 80, "sctp"),
                new VipConfig
                {
                    Address = "192.0.2.3",
                    Port = 53,
                    Protocol = "udp",
                    Backends = [new BackendConfig { Address = "bad" }, new BackendConfig { Address = "10.1.0.2", Weight = 70000 }],
                },
                TestConfigs.Vip("192.0.2.4", 80, "tcp", "10.1.0.1"),
            ],
        };

        var exception = Assert.Throws<ConfigValidationException>(() => ConfigValidator.Validate(config));

        string[] expected =
        [
            "node.fallback_mac",
            "node.ring_size",
            "vips[0].address",
            "vips[0].port",
            "vips[1].protocol",
            "vips[1].backends",
            "vips[2].backends[0].address",
            "vips[2].backends[1].weight",
        ];
        Assert.Equal(expected.Length, exception.Errors.Count);
        Assert.Equal(expected, Paths(exception.Errors));
        Assert.Contains($"({expected.Length} problems)", exception.Message);
        Assert.All(exception.Errors, e => Assert.Contains(e.ToString(), exception.Message));
    }

    private static IReadOnlyList<ConfigError> Invalid(BalancerConfig config)
        => Assert.Throws<ConfigValidationException>(() => ConfigValidator.Validate(config)).Errors;

    private static ConfigValidationException? TryValidate(BalancerConfig config)
    {
        try
        {
            ConfigValidator.Validate(config);
            return null;
        }
        catch (ConfigValidationException e)
        {
            return e;
        }
    }

    private static string[] Paths(IReadOnlyList<ConfigError> errors) => errors.Select(e => e.Path).ToArray();

    private static void SetNodeNumber(NodeConfig node, string key, long value)
    {
        switch (key)
        {
            case "fallback_mtu": node.FallbackMtu = checked((int)value); break;
            case "hash_seed": node.HashSeed = value; break;
            case "flow_table_size": node.FlowTableSize = value; break;
            case "max_vips": node.MaxVips = value; break;
            case "max_backends": node.MaxBackends = value; break;
            default: throw new ArgumentOutOfRangeException(nameof(key), key, "no such node number");
        }
    }

    private static bool IsPrime(long n)
    {
        if (n < 2)
        {
            return false;
        }
        for (long d = 2; d * d <= n; d++)
        {
            if (n % d == 0)
            {
                return false;
            }
        }
        return true;
    }
}
