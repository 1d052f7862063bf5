using System.Net;
using System.Reflection;
using System.Text.RegularExpressions;
using LoadBalancer.Core.Config;
using LoadBalancer.Core.Model;
using LoadBalancer.Testing;
using Xunit;

namespace LoadBalancer.Core.Tests.Config;

public sealed class YamlConfigReaderTests
{
    private const string FullConfig = """
        node:
          interface: ens1f0
          outer_source_v4: 10.200.0.0/16
          outer_source_v6: fd42:1::/112
          fallback_mac: "02:00:00:00:00:07"
          fallback_mtu: 9000
          ring_size: 251
          hash_seed: 12345
          flow_table_size: 65536
          tcp_idle_timeout: 10m
          udp_idle_timeout: 90s
          nexthop_cache_ttl: 500ms
          redirect_interfaces: [ens1f1, ens2f0]
          max_vips: 64
          max_backends: 1024
        store:
          kind: etcd
          endpoints: [http://192.0.2.50:2379, http://192.0.2.51:2379]
          prefix: /lb/edge1
          timeout: 3s
        bgp:
          local_as: 65001
          router_id: 192.0.2.2
          speaker: connect
          api: 127.0.0.1:50052
          gobgpd: /usr/local/bin/gobgpd
          listen_port: -1
          hold_time: 6s
          keepalive: 2s
          next_hop: 192.0.2.2
          next_hop6: 2001:db8::2
          drain_grace: 7s
          peers:
            - address: 192.0.2.1
              as: 65000
              port: 1179
        vips:
          - address: 192.0.2.10
            port: 443
            protocol: tcp
            scheduler: wrr
            health:
              kind: https
              port: 8443
              path: /healthz
              host: www.example.com
              expect_status: 200-299
              tls_verify: false
              interval: 5s
              timeout: 2s
              rise: 4
              fall: 5
              jitter: 20
              slow_start: 1m
              max_ejection_percent: 30
              panic_threshold: 10
              drain_timeout: 2m
              passive_min_events: 7
              passive_ratio: 80
              passive_window: 4s
            backends:
              - address: 10.1.0.1
                weight: 3
                drained: false
                disabled: true
                health:
                  kind: command
                  command: [/bin/true, --quick]
              - address: fd00::2
                weight: 0
                drained: true
          - address: 2001:db8::53
            port: 0
            protocol: udp
            scheduler: Maglev-Src
            backends:
              - address: 10.2.0.1
        """;

    [Fact]
    public void Read_EveryKey_BindsEveryValue()
    {
        var config = YamlConfigReader.Read(FullConfig);

        var node = config.Node;
        Assert.Equal("ens1f0", node.Interface);
        Assert.Equal("10.200.0.0/16", node.OuterSourceV4);
        Assert.Equal("fd42:1::/112", node.OuterSourceV6);
        Assert.Equal("02:00:00:00:00:07", node.FallbackMac);
        Assert.Equal(9000, node.FallbackMtu);
        Assert.Equal(251, node.RingSize);
        Assert.Equal(12345, node.HashSeed);
        Assert.Equal(65536, node.FlowTableSize);
        Assert.Equal("10m", node.TcpIdleTimeout);
        Assert.Equal("90s", node.UdpIdleTimeout);
        Assert.Equal("500ms", node.NexthopCacheTtl);
        Assert.Equal(["ens1f1", "ens2f0"], node.RedirectInterfaces);
        Assert.Equal(64, node.MaxVips);
        Assert.Equal(1024, node.MaxBackends);

        var store = config.Store!;
        Assert.Equal(("etcd", "/lb/edge1", "3s"), (store.Kind, store.Prefix, store.Timeout));
        Assert.Equal(["http://192.0.2.50:2379", "http://192.0.2.51:2379"], store.Endpoints);
        var bgp = config.Bgp!;
        Assert.Equal((65001L, "192.0.2.2", "connect", "127.0.0.1:50052", "/usr/local/bin/gobgpd", -1L), (bgp.LocalAs, bgp.RouterId, bgp.Speaker, bgp.Api, bgp.Gobgpd, bgp.ListenPort));
        Assert.Equal(("6s", "2s", "192.0.2.2", "2001:db8::2", "7s"), (bgp.HoldTime, bgp.Keepalive, bgp.NextHop, bgp.NextHop6, bgp.DrainGrace));
        Assert.Equal(("192.0.2.1", 65000L, 1179L), (bgp.Peers[0].Address, bgp.Peers[0].As, bgp.Peers[0].Port));
        var spec = ConfigValidator.Validate(config);
        Assert.Equal(TimeSpan.FromSeconds(6), spec.Bgp!.HoldTime);
        Assert.Equal(new Uri("http://127.0.0.1:50052"), spec.Bgp.Api);
        Assert.Equal(Core.Model.StoreKind.Etcd, spec.Store.Kind);

        Assert.Equal(2, config.Vips.Count);
        var web = config.Vips[0];
        Assert.Equal(("192.0.2.10", 443L, "tcp", "wrr"), (web.Address, web.Port, web.Protocol, web.Scheduler));
        Assert.Equal(2, web.Backends.Count);
        Assert.Equal(("10.1.0.1", 3L, false, true), (web.Backends[0].Address, web.Backends[0].Weight, web.Backends[0].Drained, web.Backends[0].Disabled));
        Assert.Equal("command", web.Backends[0].Health!.Kind);
        Assert.Equal(["/bin/true", "--quick"], web.Backends[0].Health!.Command!);
        var h = web.Health!;
        Assert.Equal(("https", 8443L, "/healthz", "www.example.com", "200-299", false), (h.Kind, h.Port, h.Path, h.Host, h.ExpectStatus, h.TlsVerify));
        Assert.Equal(("5s", "2s", 4L, 5L, 20L), (h.Interval, h.Timeout, h.Rise, h.Fall, h.Jitter));
        Assert.Equal(("1m", 30L, 10L, "2m"), (h.SlowStart, h.MaxEjectionPercent, h.PanicThreshold, h.DrainTimeout));
        Assert.Equal((7L, 80L, "4s"), (h.PassiveMinEvents, h.PassiveRatio, h.PassiveWindow));
        Assert.Equal(("fd00::2", 0L, true), (web.Backends[1].Address, web.Backends[1].Weight, web.Backends[1].Drained));
        var dns = config.Vips[1];
        Assert.Equal(("2001:db8::53", 0L, "udp", "Maglev-Src"), (dns.Address, dns.Port, dns.Protocol, dns.Scheduler));
        var backend = Assert.Single(dns.Backends);
        Assert.Equal(("10.2.0.1", 1L, false), (backend.Address, backend.Weight, backend.Drained));
    }

    [Fact]
    public void Load_EveryKey_GivesTheSpecTheyDescribe()
    {
        var spec = YamlConfigReader.Load(FullConfig);

        var node = spec.Node;
        Assert.Equal("ens1f0", node.Interface);
        Assert.Equal(IPNetwork.Parse("10.200.0.0/16"), node.OuterSourceV4);
        Assert.Equal(IPNetwork.Parse("fd42:1::/112"), node.OuterSourceV6);
        Assert.Equal(new byte[] { 2, 0, 0, 0, 0, 7 }, node.FallbackMac!.GetAddressBytes());
        Assert.Equal(9000, node.FallbackMtu);
        Assert.Equal(251u, node.RingSize);
        Assert.Equal(12345u, node.HashSeed);
        Assert.Equal(65536u, node.FlowTableSize);
        Assert.Equal(TimeSpan.FromMinutes(10), node.TcpIdleTimeout);
        Assert.Equal(TimeSpan.FromSeconds(90), node.UdpIdleTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(500), node.NexthopCacheTtl);
        Assert.Equal(["ens1f1", "ens2f0"], node.RedirectInterfaces);
        Assert.Equal(64u, node.MaxVips);
        Assert.Equal(1024u, node.MaxBackends);

        Assert.Equal(
            [new VipKey(IPAddress.Parse("192.0.2.10"), 443, L4Protocol.Tcp), new VipKey(IPAddress.Parse("2001:db8::53"), 0, L4Protocol.Udp)],
            spec.Vips.Select(v => v.Key));
        var https = new Core.Health.ProbeSpec(Core.Health.ProbeKind.Https, 8443, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(2), 4, 5, 20)
        {
            Path = "/healthz",
            Host = "www.example.com",
            StatusMin = 200,
            StatusMax = 299,
            TlsVerify = false,
        };
        Assert.Equal(
            [
                new BackendSpec(IPAddress.Parse("10.1.0.1"), 3, false) { Disabled = true, Probe = https with { Kind = Core.Health.ProbeKind.Command, Command = ["/bin/true", "--quick"] } },
                new BackendSpec(IPAddress.Parse("fd00::2"), 0, true) { Probe = https },
            ],
            spec.Vips[0].Backends);
        Assert.Equal(
            new Core.Health.HealthPolicy(TimeSpan.FromMinutes(1), 30, 10, TimeSpan.FromMinutes(2), new Core.Health.PassiveRule(7, 80, TimeSpan.FromSeconds(4))),
            spec.Vips[0].Health);
        Assert.Equal([new BackendSpec(IPAddress.Parse("10.2.0.1"), 1)], spec.Vips[1].Backends);
        Assert.Equal([Scheduler.Wrr, Scheduler.MaglevSrc], spec.Vips.Select(v => v.Scheduler));
    }

    [Theory]
    [InlineData(typeof(BalancerConfig), "")]
    [InlineData(typeof(NodeConfig), "node.")]
    [InlineData(typeof(VipConfig), "vips[0].")]
    [InlineData(typeof(BackendConfig), "vips[0].backends[0].")]
    [InlineData(typeof(HealthConfig), "vips[0].health.")]
    [InlineData(typeof(StoreConfig), "store.")]
    [InlineData(typeof(BgpConfig), "bgp.")]
    [InlineData(typeof(BgpPeerConfig), "bgp.peers[0].")]
    public void FullConfig_WritesEveryKeyOfEachSection(Type section, string where)
    {
        // Keeps the full-config tests honest: a property added to a config class must be read there too.
        var written = Regex.Matches(FullConfig, @"^\s*(?:- )?([a-z0-9_]+):", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToHashSet();

        foreach (var property in section.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            Assert.True(written.Contains(ConfigNames.Key(property.Name)), $"{where}{ConfigNames.Key(property.Name)} is not in the full config");
        }
    }

    [Theory]
    [InlineData("OuterSourceV4", "outer_source_v4")]
    [InlineData("FallbackMac", "fallback_mac")]
    [InlineData("NexthopCacheTtl", "nexthop_cache_ttl")]
    [InlineData("MaxVips", "max_vips")]
    [InlineData("Interface", "interface")]
    public void ConfigNames_Key_IsSnakeCase(string property, string key)
    {
        Assert.Equal(key, ConfigNames.Key(property));
    }

    [Theory]
    [InlineData("")]
    [InlineData("# nothing configured yet\n")]
    [InlineData("~\n")]
    [InlineData("---\n")]
    public void Read_EmptyDocument_GivesDefaults(string yaml)
    {
        var config = YamlConfigReader.Read(yaml);

        AssertDefaultNode(config.Node);
        Assert.Empty(config.Vips);
    }

    [Fact]
    public void Read_PartialNode_KeepsDefaultsOfUnsetKeys()
    {
        var config = YamlConfigReader.Read("node:\n  interface: eth7\n  ring_size: 251\n");

        Assert.Equal("eth7", config.Node.Interface);
        Assert.Equal(251, config.Node.RingSize);
        var defaults = new NodeConfig();
        Assert.Equal(defaults.FlowTableSize, config.Node.FlowTableSize);
        Assert.Equal(defaults.TcpIdleTimeout, config.Node.TcpIdleTimeout);
        Assert.Equal(defaults.OuterSourceV4, config.Node.OuterSourceV4);
        Assert.Equal(defaults.MaxBackends, config.Node.MaxBackends);
    }

    [Fact]
    public void Read_BackendWithAddressOnly_TakesDefaultWeightAndDrain()
    {
        var config = YamlConfigReader.Read("vips:\n  - address: 192.0.2.1\n    backends:\n      - address: 10.1.0.1\n");

        var vip = Assert.Single(config.Vips);
        Assert.Equal((0L, "tcp"), (vip.Port, vip.Protocol));
        var backend = Assert.Single(vip.Backends);
        Assert.Equal((1L, false), (backend.Weight, backend.Drained));
    }

    [Fact]
    public void Load_EmptyDocument_GivesDefaultNodeAndNoVips()
    {
        var spec = YamlConfigReader.Load("");

        Assert.Equal("eth0", spec.Node.Interface);
        Assert.Equal(65537u, spec.Node.RingSize);
        Assert.Equal(1u << 20, spec.Node.FlowTableSize);
        Assert.Empty(spec.Vips);
    }

    [Theory]
    [InlineData("node:\n  interface: [eth0\n", 3)]
    [InlineData("node:\n  interface: eth0\n  ring_size: : 3\n", 3)]
    [InlineData("node:\n  interface: eth0\nvips:\n  - address: 10.0.0.1\n    port: 80\n   protocol: tcp\n", 6)]
    public void Read_InvalidYamlSyntax_ReportsLineAndColumn(string yaml, int line)
    {
        var error = Assert.Single(ReadErrors(yaml));

        Assert.Equal("(yaml)", error.Path);
        Assert.Matches($@"^line {line}, column \d+: \S", error.Message);
    }

    [Fact]
    public void Read_DuplicateKey_IsASyntaxErrorNotLastOneWins()
    {
        var error = Assert.Single(ReadErrors("node:\n  interface: eth0\n  interface: eth1\n"));

        Assert.Equal("(yaml)", error.Path);
        Assert.StartsWith("line 3, column 3:", error.Message);
        Assert.Contains("interface", error.Message);
    }

    [Theory]
    [InlineData("nodes:\n  interface: eth0\n", "nodes", "'node'")]
    [InlineData("node:\n  interfce: eth0\n", "node.interfce", "'interface'")]
    [InlineData("node:\n  ring_sise: 251\n", "node.ring_sise", "'ring_size'")]
    [InlineData("vips:\n  - adress: 192.0.2.1\n", "vips[0].adress", "'address'")]
    [InlineData("vips:\n  - address: 192.0.2.1\n    Port: 80\n", "vips[0].Port", "'port'")]
    [InlineData("vips:\n  - address: 192.0.2.1\n    backends:\n      - address: 10.1.0.1\n      - address: 10.1.0.2\n        wieght: 2\n", "vips[0].backends[1].wieght", "'weight'")]
    public void Read_MisspeltKey_ReportsExactPathAndSuggestion(string yaml, string path, string suggestion)
    {
        var error = Assert.Single(ReadErrors(yaml), e => e.Path == path);

        Assert.Contains("unknown key", error.Message);
        Assert.Contains($"did you mean {suggestion}?", error.Message);
    }

    [Fact]
    public void Read_UnknownKeyFarFromAnyKnown_ListsKnownKeysWithLine()
    {
        var errors = ReadErrors("vips:\n  - address: 192.0.2.1\n    backends:\n      - address: 10.1.0.1\n        colour: red\n");

        var error = Assert.Single(errors, e => e.Path == "vips[0].backends[0].colour");
        Assert.Contains("line 5", error.Message);
        Assert.DoesNotContain("did you mean", error.Message);
        Assert.Contains("known keys: address, weight, drained", error.Message);
    }

    [Fact]
    public void Read_UnknownKeysAtRootNodeVipAndBackend_AllReportedWithTheirPaths()
    {
        const string yaml = """
            colour: red
            node:
              interfac: eth0
            vips:
              - address: 192.0.2.1
                prot: 80
                backends:
                  - address: 10.1.0.1
                    wight: 2
            """;

        var paths = ReadErrors(yaml).Select(e => e.Path).ToList();

        Assert.Contains("colour", paths);
        Assert.Contains("node.interfac", paths);
        Assert.Contains("vips[0].prot", paths);
        Assert.Contains("vips[0].backends[0].wight", paths);
    }

    [Theory]
    [InlineData("vips:\n  - address: 192.0.2.1\n    port: http\n", "vips[0].port", "'http' is not a whole number")]
    [InlineData("vips:\n  - address: 192.0.2.1\n    port: 8.5\n", "vips[0].port", "'8.5' is not a whole number")]
    [InlineData("vips:\n  - address: 192.0.2.1\n    port:\n", "vips[0].port", "must have a value")]
    [InlineData("node:\n  ring_size: big\n", "node.ring_size", "'big' is not a whole number")]
    [InlineData("node:\n  fallback_mtu: 1500 bytes\n", "node.fallback_mtu", "'1500 bytes' is not a whole number")]
    [InlineData("vips:\n  - address: 192.0.2.1\n    backends:\n      - address: 10.1.0.1\n        weight: heavy\n", "vips[0].backends[0].weight", "'heavy' is not a whole number")]
    [InlineData("vips:\n  - address: 192.0.2.1\n    backends:\n      - address: 10.1.0.1\n        drained: yes\n", "vips[0].backends[0].drained", "'yes' is not true or false")]
    [InlineData("node:\n  interface: [eth0, eth1]\n", "node.interface", "not a list")]
    [InlineData("node:\n  interface: {name: eth0}\n", "node.interface", "not a mapping")]
    [InlineData("node:\n  redirect_interfaces: eth1\n", "node.redirect_interfaces", "must be a list")]
    [InlineData("vips:\n  address: 192.0.2.1\n", "vips", "must be a list")]
    [InlineData("node: eth0\n", "node", "must be a mapping")]
    [InlineData("vips:\n  - 192.0.2.1\n", "vips[0]", "must be a mapping")]
    [InlineData("just a string\n", "(document)", "must be a mapping")]
    public void Read_MistypedValue_ReportsPathAndWhatIsExpected(string yaml, string path, string message)
    {
        var error = Assert.Single(ReadErrors(yaml), e => e.Path == path);

        Assert.Contains(message, error.Message);
        Assert.Matches(@"line \d+", error.Message);
    }

    [Fact]
    public void Read_QuotedTextForStringKey_KeptVerbatim()
    {
        // Quoted "null" is a string, not a YAML null.
        var config = YamlConfigReader.Read("node:\n  interface: \"null\"\n  fallback_mac: '02:00:00:00:00:01'\n");

        Assert.Equal("null", config.Node.Interface);
        Assert.Equal("02:00:00:00:00:01", config.Node.FallbackMac);
    }

    [Fact]
    public void Read_ReadingErrorInNode_ValueErrorsListedToo()
    {
        const string yaml = """
            node:
              ring_sise: 5
              ring_size: 4
            vips:
              - address: 10.0.0.300
                backends:
                  - address: 10.1.0.1
            """;

        var paths = ReadErrors(yaml).Select(e => e.Path).ToList();

        Assert.Equal(["node.ring_sise", "node.ring_size", "vips[0].address"], paths.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Read_SeveralProblems_ListsReadingAndValueErrorsTogether()
    {
        // One file, four kinds of problem: an unknown key, a bad address, a weight out of range and
        // a duplicate VIP. The reader promises every problem at once, reading and value errors together.
        const string yaml = """
            node:
              interfce: eth1
            vips:
              - address: 10.0.0.1
                port: 80
                protocol: tcp
                backends:
                  - address: 10.1.0.1
                    wieght: 3
              - address: 10.0.0.300
                port: 80
                backends:
                  - address: 10.1.0.2
                    weight: 70000
              - address: 10.0.0.1
                port: 80
                protocol: tcp
                backends:
                  - address: 10.1.0.3
            """;

        var exception = Assert.Throws<ConfigValidationException>(() => YamlConfigReader.Read(yaml));

        var paths = exception.Errors.Select(e => e.Path).ToList();
        Assert.Contains("node.interfce", paths);
        Assert.Contains("vips[0].backends[0].wieght", paths);
        Assert.Contains("vips[1].address", paths);
        Assert.Contains("vips[1].backends[0].weight", paths);
        var duplicate = Assert.Single(exception.Errors, e => e.Path == "vips[2]");
        Assert.Contains("duplicate", duplicate.Message);
        Assert.Contains("vips[0]", duplicate.Message);
        Assert.Contains($"({exception.Errors.Count} problems)", exception.Message);
    }

    [Fact]
    public void Read_MistypedValueInOneVip_ValueErrorOfAnotherVipStillListedAtItsOwnIndex()
    {
        const string yaml = """
            vips:
              - address: 192.0.2.1
                port: http
                backends:
                  - address: 10.1.0.1
              - address: 192.0.2.999
                backends:
                  - address: 10.1.0.2
            """;

        var paths = ReadErrors(yaml).Select(e => e.Path).ToList();

        Assert.Contains("vips[0].port", paths);
        Assert.Contains("vips[1].address", paths);
    }

    [Fact]
    public void Load_ValidYaml_InvalidValues_ThrowsWithValuePaths()
    {
        var exception = Assert.Throws<ConfigValidationException>(() => YamlConfigReader.Load("vips:\n  - address: 192.0.2.1\n    protocol: sctp\n    backends:\n      - address: 10.1.0.1\n"));

        Assert.Equal("vips[0].protocol", Assert.Single(exception.Errors).Path);
    }

    [Fact]
    public void Read_ValidYaml_InvalidValues_ReturnsConfigUnvalidated()
    {
        // Read only reads; values are checked by Load (or by Read when the reading itself failed).
        var config = YamlConfigReader.Read("vips:\n  - address: 192.0.2.1\n    protocol: sctp\n");

        Assert.Equal("sctp", Assert.Single(config.Vips).Protocol);
    }

    [Fact]
    public void Load_EmbeddedDefaultConfig_LoadsCleanly()
    {
        var yaml = File.ReadAllText(Path.Combine(TestEnvironment.RepoRoot, "src", "LoadBalancer.Daemon", "default.yaml"));

        var spec = YamlConfigReader.Load(yaml);

        Assert.Equal("lb0", spec.Node.Interface);
        Assert.Equal(262144u, spec.Node.FlowTableSize);
        Assert.Equal(
            ["10.210.100.1:80/tcp", "10.210.100.1:5353/udp", "[fd00:210:100::1]:80/tcp", "[fd00:210:100::1]:5353/udp"],
            spec.Vips.Select(v => v.Key.ToString()));
        Assert.All(spec.Vips, v => Assert.Equal(3, v.Backends.Count));
        Assert.All(spec.Vips.SelectMany(v => v.Backends), b =>
        {
            Assert.Equal(new BackendSpec(b.Address, 1) { Probe = b.Probe }, b);
            // every backend is checked by a GET on its HTTP port, the UDP VIPs' too
            Assert.Equal((Core.Health.ProbeKind.Http, (ushort)80, "/"), (b.Probe.Kind, b.Probe.Port, b.Probe.Path));
        });
    }

    [Fact]
    public void Read_InstalledExampleConfig_StatesEveryNodeKeyAtItsTrueDefault()
    {
        // make install puts this file at /etc/lb/lb.yaml: its comments promise the defaults.
        var yaml = File.ReadAllText(Path.Combine(TestEnvironment.RepoRoot, "src", "LoadBalancer.Daemon", "lb.example.yaml"));

        var node = YamlConfigReader.Read(yaml).Node;
        YamlConfigReader.Load(yaml);

        var defaults = new NodeConfig();
        foreach (var property in typeof(NodeConfig).GetProperties())
        {
            var key = ConfigNames.Key(property.Name);
            if (property.Name != nameof(NodeConfig.FallbackMac))
            {
                Assert.Contains($"  {key}:", yaml);
            }
            var expected = property.GetValue(defaults);
            var actual = property.GetValue(node);
            if (expected is System.Collections.IEnumerable list and not string)
            {
                Assert.Equal(list.Cast<object>(), ((System.Collections.IEnumerable)actual!).Cast<object>());
            }
            else
            {
                Assert.True(Equals(expected, actual), $"{key}: example says {actual}, default is {expected}");
            }
        }
    }

    private static IReadOnlyList<ConfigError> ReadErrors(string yaml)
        => Assert.Throws<ConfigValidationException>(() => YamlConfigReader.Read(yaml)).Errors;

    private static void AssertDefaultNode(NodeConfig node)
    {
        var defaults = new NodeConfig();
        foreach (var property in typeof(NodeConfig).GetProperties())
        {
            var expected = property.GetValue(defaults);
            var actual = property.GetValue(node);
            if (expected is List<string> list)
            {
                Assert.Equal(list, Assert.IsType<List<string>>(actual));
            }
            else
            {
                Assert.True(Equals(expected, actual), $"{ConfigNames.Key(property.Name)}: expected {expected}, got {actual}");
            }
        }
        Assert.Equal("eth0", node.Interface);
        Assert.Equal(65537, node.RingSize);
    }
}
