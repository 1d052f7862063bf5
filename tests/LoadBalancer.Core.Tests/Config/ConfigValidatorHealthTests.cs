using LoadBalancer.Core.Config;
using LoadBalancer.Core.Health;
using LoadBalancer.Core.Model;
using Xunit;

namespace LoadBalancer.Core.Tests.Config;

/// <summary>Validation of <c>vips[i].health</c> and a backend's overrides, through <see cref="YamlConfigReader.Load"/> so the paths are the real ones.</summary>
public sealed class ConfigValidatorHealthTests
{
    /// <summary>A VIP on <paramref name="port"/> with <paramref name="health"/> (YAML lines, none = no health key) and three backends.</summary>
    private static string Yaml(string? health, long port = 80, string backend1Health = "")
    {
        var vipHealth = health is null ? "" : "    health:\n" + Indent(health, 6);
        var backendHealth = backend1Health.Length == 0 ? "" : "        health:\n" + Indent(backend1Health, 10);
        return $"""
            vips:
              - address: 192.0.2.1
                port: {port}
            {vipHealth}    backends:
                  - address: 10.1.0.1
                  - address: 10.1.0.2
            {backendHealth}      - address: 10.1.0.3

            """;
    }

    private static string Indent(string lines, int spaces)
        => string.Concat(lines.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => $"{new string(' ', spaces)}{l.Trim()}\n"));

    private static VipSpec Vip(string yaml) => Assert.Single(YamlConfigReader.Load(yaml).Vips);

    private static IReadOnlyList<ConfigError> Errors(string yaml)
        => Assert.Throws<ConfigValidationException>(() => YamlConfigReader.Load(yaml)).Errors;

    [Fact]
    public void Load_NoHealth_NoCheckAndDefaultPolicy()
    {
        var vip = Vip(Yaml(null));

        Assert.All(vip.Backends, b => Assert.Same(ProbeSpec.None, b.Probe));
        Assert.Same(HealthPolicy.Default, vip.Health);
        Assert.Equal(new HealthPolicy(TimeSpan.FromSeconds(30), 50, 25, TimeSpan.FromSeconds(30), PassiveRule.Off), vip.Health);
        Assert.All(vip.Backends, b => Assert.False(b.Disabled));
    }

    [Fact]
    public void Load_KindOnly_EveryOtherKeyAtItsDefault()
    {
        var vip = Vip(Yaml("kind: tcp"));

        var expected = new ProbeSpec(ProbeKind.Tcp, 80, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1), 2, 3, 10);
        Assert.All(vip.Backends, b => Assert.Equal(expected, b.Probe));
        var probe = vip.Backends[0].Probe;
        Assert.Equal("/", probe.Path);
        Assert.Null(probe.Host);
        Assert.Equal((200, 399), (probe.StatusMin, probe.StatusMax));
        Assert.True(probe.TlsVerify);
        Assert.Empty(probe.Command);
        // an active check turns the passive signal on by default
        Assert.Equal(new HealthPolicy(TimeSpan.FromSeconds(30), 50, 25, TimeSpan.FromSeconds(30), new PassiveRule(3, 50, TimeSpan.FromSeconds(2))), vip.Health);
    }

    [Fact]
    public void Load_EveryKeySet_MapsEveryField()
    {
        var vip = Vip(Yaml("""
            kind: https
            port: 8443
            path: /healthz?full=1
            host: www.example.com
            expect_status: 200-299
            tls_verify: false
            interval: 5s
            timeout: 1500ms
            rise: 4
            fall: 6
            jitter: 0
            slow_start: 1m
            max_ejection_percent: 34
            panic_threshold: 0
            drain_timeout: 10s
            passive_min_events: 7
            passive_ratio: 80
            passive_window: 500ms
            """));

        var probe = vip.Backends[2].Probe;
        var expected = new ProbeSpec(ProbeKind.Https, 8443, TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(1500), 4, 6, 0)
        {
            Path = "/healthz?full=1",
            Host = "www.example.com",
            StatusMin = 200,
            StatusMax = 299,
            TlsVerify = false,
        };
        Assert.Equal(expected, probe);
        Assert.All(vip.Backends, b => Assert.Equal(expected, b.Probe));
        Assert.Equal("/healthz?full=1", probe.Path);
        Assert.Equal("www.example.com", probe.Host);
        Assert.Equal((200, 299), (probe.StatusMin, probe.StatusMax));
        Assert.False(probe.TlsVerify);
        Assert.Equal(new HealthPolicy(TimeSpan.FromMinutes(1), 34, 0, TimeSpan.FromSeconds(10), new PassiveRule(7, 80, TimeSpan.FromMilliseconds(500))), vip.Health);
    }

    [Theory]
    [InlineData("interval: 1s\ntimeout: 1s", "1s must be shorter than the interval (1s)")]
    [InlineData("timeout: 2s", "2s must be shorter than the interval (2s)")]
    [InlineData("interval: 500ms", "1s must be shorter than the interval (500ms)")]
    [InlineData("interval: 3s\ntimeout: 10s", "10s must be shorter than the interval (3s)")]
    public void Load_TimeoutNotBelowInterval_ErrorAtTimeoutNamingTheInterval(string keys, string message)
    {
        var error = Assert.Single(Errors(Yaml("kind: tcp\n" + keys)));

        Assert.Equal("vips[0].health.timeout", error.Path);
        Assert.StartsWith(message, error.Message);
    }

    [Theory]
    [InlineData("rise: 0", "vips[0].health.rise", "0 must be 1..100")]
    [InlineData("rise: 101", "vips[0].health.rise", "101 must be 1..100")]
    [InlineData("fall: 0", "vips[0].health.fall", "0 must be 1..100")]
    [InlineData("jitter: 51", "vips[0].health.jitter", "51 must be 0..50")]
    [InlineData("port: 65536", "vips[0].health.port", "65536 must be 0..65535")]
    [InlineData("max_ejection_percent: 101", "vips[0].health.max_ejection_percent", "101 must be 0..100")]
    [InlineData("panic_threshold: -1", "vips[0].health.panic_threshold", "-1 must be 0..100")]
    [InlineData("passive_ratio: 0", "vips[0].health.passive_ratio", "0 must be 1..100")]
    public void Load_NumberOutOfRange_ErrorAtItsPath(string keys, string path, string message)
    {
        var error = Assert.Single(Errors(Yaml("kind: tcp\n" + keys)));

        Assert.Equal(path, error.Path);
        Assert.Equal(message, error.Message);
    }

    [Theory]
    [InlineData("interval: 50ms", "vips[0].health.interval")]
    [InlineData("interval: soon", "vips[0].health.interval")]
    [InlineData("slow_start: 2h", "vips[0].health.slow_start")]
    [InlineData("passive_window: 100ms", "vips[0].health.passive_window")]
    public void Load_DurationOutOfRange_ErrorAtItsPath(string keys, string path)
    {
        var error = Assert.Single(Errors(Yaml("kind: tcp\n" + keys)));

        Assert.Equal(path, error.Path);
        Assert.Contains("is not a duration between", error.Message);
    }

    [Fact]
    public void Load_MisspeltKind_SuggestsTheNearest()
    {
        var error = Assert.Single(Errors(Yaml("kind: htp")));

        Assert.Equal("vips[0].health.kind", error.Path);
        Assert.Equal("'htp' is not a check kind: none, tcp, http, https or command; did you mean 'http'?", error.Message);
    }

    [Fact]
    public void Load_UnknownKindFarFromAny_NoSuggestion()
    {
        var error = Assert.Single(Errors(Yaml("kind: grpc-health")));

        Assert.Equal("vips[0].health.kind", error.Path);
        Assert.DoesNotContain("did you mean", error.Message);
    }

    [Theory]
    [InlineData("none", ProbeKind.None)]
    [InlineData("tcp", ProbeKind.Tcp)]
    [InlineData("http", ProbeKind.Http)]
    [InlineData("https", ProbeKind.Https)]
    public void Load_Kind_GivesThatCheck(string kind, ProbeKind expected)
        => Assert.All(Vip(Yaml($"kind: {kind}")).Backends, b => Assert.Equal(expected, b.Probe.Kind));

    [Fact]
    public void Load_CommandNotFound_ErrorAtCommand()
    {
        var error = Assert.Single(Errors(Yaml("kind: command\ncommand: [/nonexistent/check, --fast]")));

        Assert.Equal("vips[0].health.command", error.Path);
        Assert.Equal("'/nonexistent/check' not found: no executable file by that path or on PATH", error.Message);
    }

    [Fact]
    public void Load_CommandNotExecutable_NotFound()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);

            var error = Assert.Single(Errors(Yaml($"kind: command\ncommand: [{file}]")));

            Assert.Equal("vips[0].health.command", error.Path);
            Assert.Contains("not found", error.Message);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Load_CommandMissing_ErrorAtCommand()
    {
        var error = Assert.Single(Errors(Yaml("kind: command")));

        Assert.Equal("vips[0].health.command", error.Path);
        Assert.StartsWith("a command check needs the program to run", error.Message);
    }

    [Fact]
    public void Load_CommandByPathAndOnPath_Accepted()
    {
        var byPath = Vip(Yaml("kind: command\ncommand: [/bin/sh, -c, 'exit 0']"));
        var onPath = Vip(Yaml("kind: command\ncommand: [sh, -c, 'exit 0']"));

        Assert.Equal(["/bin/sh", "-c", "exit 0"], byPath.Backends[0].Probe.Command);
        Assert.Equal(ProbeKind.Command, onPath.Backends[0].Probe.Kind);
        // a command check probes no port, even on a VIP of every port
        Assert.Equal(0, byPath.Backends[0].Probe.Port);
        Assert.Equal(0, Vip(Yaml("kind: command\ncommand: [sh]", port: 0)).Backends[0].Probe.Port);
    }

    [Fact]
    public void Load_CommandWithKindTcp_Refused()
    {
        var error = Assert.Single(Errors(Yaml("kind: tcp\ncommand: [/bin/true]")));

        Assert.Equal("vips[0].health.command", error.Path);
        Assert.Equal("is for kind command; this check is tcp", error.Message);
    }

    [Theory]
    [InlineData("tcp")]
    [InlineData("http")]
    [InlineData("https")]
    public void Load_PortCheckOnAVipOfEveryPort_NeedsHealthPort(string kind)
    {
        var error = Assert.Single(Errors(Yaml($"kind: {kind}", port: 0)));

        Assert.Equal("vips[0].health.port", error.Path);
        Assert.Equal($"a {kind} check needs a port: the VIP serves every port (port 0)", error.Message);
    }

    [Fact]
    public void Load_PortCheckOnAVipOfEveryPortWithHealthPort_ProbesThatPort()
        => Assert.All(Vip(Yaml("kind: tcp\nport: 9000", port: 0)).Backends, b => Assert.Equal(9000, b.Probe.Port));

    [Theory]
    [InlineData("600")]
    [InlineData("99")]
    [InlineData("300-200")]
    [InlineData("200-")]
    [InlineData("2xx")]
    [InlineData("200-600")]
    public void Load_BadExpectStatus_Refused(string status)
    {
        var error = Assert.Single(Errors(Yaml($"kind: http\nexpect_status: '{status}'")));

        Assert.Equal("vips[0].health.expect_status", error.Path);
        Assert.Equal($"'{status}' is not an HTTP status 100-599 or a range of them like 200-399", error.Message);
    }

    [Theory]
    [InlineData("200-299", 200, 299)]
    [InlineData("204", 204, 204)]
    [InlineData("100-599", 100, 599)]
    [InlineData("301-301", 301, 301)]
    public void Load_ExpectStatus_Accepted(string status, int min, int max)
    {
        var probe = Vip(Yaml($"kind: http\nexpect_status: '{status}'")).Backends[0].Probe;

        Assert.Equal((min, max), (probe.StatusMin, probe.StatusMax));
    }

    [Theory]
    [InlineData("slow_start: 10s", "slow_start")]
    [InlineData("max_ejection_percent: 10", "max_ejection_percent")]
    [InlineData("panic_threshold: 10", "panic_threshold")]
    [InlineData("drain_timeout: 10s", "drain_timeout")]
    [InlineData("passive_min_events: 1", "passive_min_events")]
    [InlineData("passive_ratio: 10", "passive_ratio")]
    [InlineData("passive_window: 1s", "passive_window")]
    public void Load_PoolKeyUnderABackendsHealth_RefusedAtTheBackendPath(string key, string name)
    {
        var error = Assert.Single(Errors(Yaml("kind: tcp", backend1Health: key)));

        Assert.Equal($"vips[0].backends[1].health.{name}", error.Path);
        Assert.Equal("is a setting of the VIP's pool: set it under the VIP's health, not a backend's", error.Message);
    }

    [Fact]
    public void Load_BackendOverride_AppliesToThatBackendOnly()
    {
        var vip = Vip(Yaml("kind: tcp\nrise: 3", backend1Health: "port: 8081\nfall: 5"));

        Assert.Equal(8081, vip.Backends[1].Probe.Port);
        Assert.Equal(5, vip.Backends[1].Probe.Fall);
        Assert.Equal(3, vip.Backends[1].Probe.Rise);
        Assert.All([vip.Backends[0], vip.Backends[2]], b =>
        {
            Assert.Equal(80, b.Probe.Port);
            Assert.Equal(3, b.Probe.Fall);
            Assert.Equal(3, b.Probe.Rise);
        });
    }

    [Fact]
    public void Load_BackendOverridesKind_ThatBackendProbedOthersNot()
    {
        var vip = Vip(Yaml("slow_start: 10s", backend1Health: "kind: http\npath: /ready"));

        Assert.Equal(ProbeKind.Http, vip.Backends[1].Probe.Kind);
        Assert.Equal("/ready", vip.Backends[1].Probe.Path);
        Assert.Equal(80, vip.Backends[1].Probe.Port);
        Assert.Equal(ProbeKind.None, vip.Backends[0].Probe.Kind);
        Assert.Equal(TimeSpan.FromSeconds(10), vip.Health.SlowStart);
    }

    [Fact]
    public void Load_BackendOverrideInvalid_ErrorAtTheBackendPath()
    {
        var error = Assert.Single(Errors(Yaml("kind: tcp", backend1Health: "rise: 0")));

        Assert.Equal("vips[0].backends[1].health.rise", error.Path);
    }

    [Fact]
    public void Load_TimeoutFromTheVipAgainstABackendsInterval_ErrorAtTheTimeoutOnce()
    {
        var error = Assert.Single(Errors(Yaml("kind: tcp\ntimeout: 1500ms", backend1Health: "interval: 1s")));

        Assert.Equal("vips[0].health.timeout", error.Path);
        Assert.StartsWith("1.5s must be shorter than the interval (1s)", error.Message);
    }

    [Fact]
    public void Load_PassiveWithoutACheck_Refused()
    {
        var error = Assert.Single(Errors(Yaml("passive_min_events: 3")));

        Assert.Equal("vips[0].health.passive_min_events", error.Path);
        Assert.StartsWith("the passive signal needs an active check", error.Message);
    }

    [Fact]
    public void Load_PassiveOffWithoutACheck_Accepted()
    {
        var vip = Vip(Yaml("kind: none\npassive_min_events: 0"));

        Assert.False(vip.Health.Passive.Enabled);
    }

    [Fact]
    public void Load_NoCheck_PassiveOffByDefault()
        => Assert.Equal(PassiveRule.Off with { }, Vip(Yaml("slow_start: 5s")).Health.Passive);

    [Fact]
    public void Load_CheckOnlyInABackendOverride_PassiveOnByDefaultAsWithAVipHealthKey()
    {
        // the same checks; the VIP's health differs only by a key at its default value
        var withoutVipHealth = Vip(Yaml(null, backend1Health: "kind: tcp"));
        var withVipHealth = Vip(Yaml("jitter: 10", backend1Health: "kind: tcp"));

        Assert.Equal(withVipHealth.Backends, withoutVipHealth.Backends);
        Assert.Equal(new PassiveRule(3, 50, TimeSpan.FromSeconds(2)), withVipHealth.Health.Passive);
        Assert.Equal(withVipHealth.Health, withoutVipHealth.Health);
    }

    [Fact]
    public void Load_ThreeHealthMistakes_AllReportedTogether()
    {
        var errors = Errors(Yaml("kind: tcp\ninterval: 1s\ntimeout: 2s\nrise: 0\nexpect_status: '600'"));

        Assert.Equal(["vips[0].health.timeout", "vips[0].health.rise", "vips[0].health.expect_status"], errors.Select(e => e.Path));
    }

    [Fact]
    public void Load_MistakesInTheVipAndABackend_AllReportedTogether()
    {
        var errors = Errors(Yaml("kind: htp\nmax_ejection_percent: 200", backend1Health: "port: -1\ndrain_timeout: 5s"));

        Assert.Equal(
            ["vips[0].backends[1].health.drain_timeout", "vips[0].backends[1].health.port", "vips[0].health.kind", "vips[0].health.max_ejection_percent"],
            errors.Select(e => e.Path).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Load_ErrorInTheVipsHealth_ReportedOnceNotPerBackend()
    {
        var errors = Errors(Yaml("kind: tcp\nrise: 0\ntimeout: 3s"));

        Assert.Equal(2, errors.Count);
        Assert.Single(errors, e => e.Path == "vips[0].health.rise");
        Assert.Single(errors, e => e.Path == "vips[0].health.timeout");
    }

    [Fact]
    public void Load_ProbeErrorWithPassiveSet_NoSpuriousPassiveError()
    {
        // the check is there (kind tcp): only the bad rise is a problem, the passive signal is not
        var error = Assert.Single(Errors(Yaml("kind: tcp\nrise: 0\npassive_min_events: 5")));

        Assert.Equal("vips[0].health.rise", error.Path);
    }

    [Fact]
    public void Load_TwoVips_ErrorsAtEachVipsPath()
    {
        const string yaml = """
            vips:
              - address: 192.0.2.1
                port: 80
                health: { kind: tcp, rise: 0 }
                backends: [{ address: 10.1.0.1 }, { address: 10.1.0.2 }]
              - address: 192.0.2.2
                port: 80
                health: { kind: tcp, rise: 0 }
                backends: [{ address: 10.1.0.1 }]
            """;

        Assert.Equal(["vips[0].health.rise", "vips[1].health.rise"], Errors(yaml).Select(e => e.Path));
    }

    [Fact]
    public void Load_DisabledBackend_Mapped()
    {
        const string yaml = """
            vips:
              - address: 192.0.2.1
                port: 80
                backends:
                  - address: 10.1.0.1
                  - address: 10.1.0.2
                    disabled: true
            """;

        var vip = Vip(yaml);

        Assert.False(vip.Backends[0].Disabled);
        Assert.True(vip.Backends[1].Disabled);
        Assert.Equal(0, vip.Backends[1].EffectiveWeight);
    }
}
