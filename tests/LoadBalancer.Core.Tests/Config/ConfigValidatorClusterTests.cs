using LoadBalancer.Core.Config;
using LoadBalancer.Core.Model;
using Xunit;

namespace LoadBalancer.Core.Tests.Config;

/// <summary>The cluster sections, <c>store</c> and <c>bgp</c>: defaults, and every problem at its key's path.</summary>
public sealed class ConfigValidatorClusterTests
{
    private const string Bgp = """
        bgp:
          local_as: 65001
          router_id: 10.0.0.2
          speaker: connect
          peers:
            - address: 10.0.0.1
              as: 65000
        """;

    [Fact]
    public void NoClusterSections_FileStoreAndNoBgp()
    {
        var spec = YamlConfigReader.Load("node:\n  interface: eth0\n");

        Assert.Equal(StoreKind.File, spec.Store.Kind);
        Assert.Null(spec.Bgp);
    }

    [Fact]
    public void Bgp_Defaults_KeepaliveIsAThirdOfTheHoldTime_AndTheSessionsAddressIsTheNextHop()
    {
        var bgp = YamlConfigReader.Load(Bgp).Bgp!;

        Assert.Equal((65001u, BgpSpeakerMode.Connect, 179), (bgp.LocalAs, bgp.Speaker, bgp.ListenPort));
        Assert.Equal((TimeSpan.FromSeconds(9), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(5)), (bgp.HoldTime, bgp.Keepalive, bgp.DrainGrace));
        Assert.Equal(new Uri("http://127.0.0.1:50051"), bgp.Api);
        Assert.Null(bgp.NextHop);
        Assert.Equal(new BgpPeerSpec(System.Net.IPAddress.Parse("10.0.0.1"), 65000, 179), Assert.Single(bgp.Peers));
    }

    [Theory]
    [InlineData("local_as: 0", "bgp.local_as")]
    [InlineData("router_id: fd00::1", "bgp.router_id")]
    [InlineData("speaker: conect", "bgp.speaker", "did you mean 'connect'")]
    [InlineData("api: localhost", "bgp.api")]
    [InlineData("hold_time: 2s", "bgp.hold_time")]
    [InlineData("hold_time: 1500ms", "bgp.hold_time")]
    [InlineData("keepalive: 4s", "bgp.keepalive", "more than a third")]
    [InlineData("next_hop: fd00::2", "bgp.next_hop", "not an IPv4")]
    [InlineData("drain_grace: 1h", "bgp.drain_grace")]
    [InlineData("listen_port: 0", "bgp.listen_port")]
    public void Bgp_BadKey_IsReportedAtItsPath(string line, string path, string? message = null)
    {
        // the line replaces the key's own line, or joins the section
        var key = line[..line.IndexOf(':', StringComparison.Ordinal)];
        var lines = Bgp.Split('\n').ToList();
        var at = lines.FindIndex(l => l.StartsWith($"  {key}:", StringComparison.Ordinal));
        if (at >= 0)
        {
            lines[at] = $"  {line}";
        }
        else
        {
            lines.Insert(1, $"  {line}");
        }
        var error = Assert.Single(Errors(string.Join('\n', lines)), e => e.Path == path);
        if (message is not null)
        {
            Assert.Contains(message, error.Message);
        }
    }

    [Fact]
    public void Bgp_NoPeers_OrADuplicatePeer_AreRefused()
    {
        Assert.Contains(Errors("bgp:\n  local_as: 1\n  router_id: 10.0.0.2\n  speaker: connect\n"), e => e.Path == "bgp.peers" && e.Message.Contains("at least one", StringComparison.Ordinal));
        var duplicate = Bgp + "\n    - address: 10.0.0.1\n      as: 65002\n";
        Assert.Contains(Errors(duplicate), e => e.Path == "bgp.peers[1].address" && e.Message.Contains("bgp.peers[0]", StringComparison.Ordinal));
    }

    [Fact]
    public void Bgp_StartedSpeaker_NeedsAnExistingProgram()
    {
        var yaml = Bgp.Replace("speaker: connect", "gobgpd: /nonexistent/gobgpd");

        Assert.Contains(Errors(yaml), e => e.Path == "bgp.gobgpd");
    }

    [Fact]
    public void Store_Etcd_NeedsEndpoints_AndAPrefix()
    {
        var errors = Errors("store:\n  kind: etcd\n  prefix: lb/\n  timeout: 10ms\n");

        Assert.Contains(errors, e => e.Path == "store.endpoints");
        Assert.Contains(errors, e => e.Path == "store.prefix");
        Assert.Contains(errors, e => e.Path == "store.timeout");
    }

    [Fact]
    public void Store_BadEndpointOrKind_IsReportedAtItsPath()
    {
        Assert.Contains(Errors("store:\n  kind: etcd\n  endpoints: [127.0.0.1:2379]\n"), e => e.Path == "store.endpoints[0]");
        Assert.Contains(Errors("store:\n  kind: etc\n"), e => e.Path == "store.kind" && e.Message.Contains("did you mean 'etcd'", StringComparison.Ordinal));
        Assert.Contains(Errors("store:\n  endpoints: [http://127.0.0.1:2379]\n"), e => e.Path == "store.endpoints" && e.Message.Contains("only an etcd store", StringComparison.Ordinal));
    }

    [Fact]
    public void Store_Etcd_Valid()
    {
        var store = YamlConfigReader.Load("store:\n  kind: etcd\n  endpoints: [http://127.0.0.1:2379]\n  prefix: /lb/a\n").Store;

        Assert.Equal(new Uri("http://127.0.0.1:2379"), Assert.Single(store.Endpoints));
        Assert.Equal(("/lb/a", TimeSpan.FromSeconds(2)), (store.Prefix, store.Timeout));
    }

    private static IReadOnlyList<ConfigError> Errors(string yaml)
        => Assert.Throws<ConfigValidationException>(() => YamlConfigReader.Load(yaml)).Errors;
}
